"""The HTML report as a reader meets it (issue 28, items 4 and 5), on the project's own build: on a
phone (390 px, headless Chromium) no caption is clipped, the contents are folded, every figure opens
at its full size and every figure and table offers its data; the page carries citation metadata, a
"引用本报告" block, a link to the PDF, a print stylesheet and an English abstract marked as such; the
PDF carries its metadata, roman front-matter page numbers and no zero-width space."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import unquote

import pytest
import yaml
from pypdf import PdfReader


@pytest.fixture(scope="module")
def outputs(built_project):
    out = built_project / "_output"
    return built_project, out / "report.html", out / "report.pdf"


def _downloads(html: str) -> dict[str, str]:
    """Each download link's file name and the CSV it holds."""
    links = re.findall(r'<a href="data:text/csv;charset=utf-8,([^"]*)"[^>]*download="([^"]+)"', html)
    return {name: unquote(data) for data, name in links}


def test_phone_reader(outputs):
    from browser import check_phone_reader, chromium

    if chromium() is None:
        pytest.skip("headless Chromium not installed (Debian: apt-get install chromium)")
    check_phone_reader(outputs[1])


def test_wide_screen_keeps_the_contents_open(outputs):
    from browser import chromium, reader

    if chromium() is None:
        pytest.skip("headless Chromium not installed (Debian: apt-get install chromium)")
    _, html, _ = outputs
    probe = reader(html, 1280)
    assert not probe["tocFolded"] and probe["clipped"] == []


def test_every_figure_and_table_offers_its_data(outputs):
    root, html, _ = outputs
    text = html.read_text(encoding="utf-8")
    downloads = _downloads(text)
    figures = set(re.findall(r'<figure id="(fig-[^"]+)"', text))
    tables = set(re.findall(r'<table id="(tbl-[^"]+)"', text))
    # one link each (a typed table offers its cells as shown; a file may serve two tables)
    assert text.count('<div class="data-download">') == len(figures) + len(tables)
    # a table's download is the CSV the pipeline wrote beside it, byte for byte (after the BOM)
    name = "determinants_vif.csv"
    assert downloads[name].lstrip("\ufeff") == (root / "build" / "tables" / name).read_text(encoding="utf-8-sig")
    # a figure's download holds the points it draws: the 31 provinces of the wage scatter
    rows = list(csv.DictReader(io.StringIO(downloads["determinants_wage_scatter.csv"].lstrip("\ufeff"))))
    labelled = {r["标注"] for r in rows if r["标注"]}
    assert len(labelled) == 31 and "吉林" in "".join(labelled), sorted(labelled)[:5]


def _metadata(root) -> dict:
    """The author from ``_quarto.yml``; title, subject and keywords, which name the study region, from
    ``_availability.yml`` (written by the release step)."""
    read = (yaml.safe_load((root / name).read_text(encoding="utf-8")) for name in ("_quarto.yml", "_availability.yml"))
    return {k: v for meta in read for k, v in meta.items()}


def test_citation_metadata_and_links(outputs):
    root, html, _ = outputs
    text = html.read_text(encoding="utf-8")
    project = _metadata(root)
    assert '<meta name="citation_title" content="东北人口外流：事实、成因与对策检验' in text
    assert f'<meta name="citation_author" content="{project["author"]}"' in text
    assert re.search(r'<meta name="citation_publication_date" content="\d{4}/\d\d/\d\d"', text)
    assert "; ".join(project["keywords"]) in text
    assert 'href="report.pdf"' in text and 'id="cite-this"' in text and "@techreport{" in text
    assert "@media print" in text
    assert re.search(r'<section id="abstract"[^>]*lang="en"', text)
    english = text.split('id="abstract"', 1)[1].split("</section>", 1)[0]
    assert "’" not in re.sub(r"<[^>]+>", "", english), "straight apostrophes in the English abstract"
    assert "\u200b" not in text and "ⱼ" not in text


def test_pdf_metadata_front_matter_and_clean_text(outputs):
    root, _, pdf = outputs
    project = _metadata(root)
    reader = PdfReader(pdf)
    meta = reader.metadata
    assert meta.author == project["author"]  # from _quarto.yml, never the software package
    assert meta.subject == project["subject"]
    assert meta.get("/Keywords") == ", ".join(project["keywords"])
    labels = reader.page_labels
    first = next(i for i, page in enumerate(reader.pages) if "论点" in (page.extract_text() or "")[:200])
    assert labels[1] == "i" and labels[first - 1] in ("iii", "iv", "v") and labels[first] == "1", labels[: first + 1]
    text = "".join(page.extract_text() or "" for page in reader.pages)
    assert not re.search("[\u200b-\u200d\u2060\ufeff]", text), "no zero-width character"
    assert "ⱼ" not in text  # R²ⱼ is set as R² with a subscript j
    fonts = {
        str(f.get_object()["/BaseFont"])
        for page in reader.pages[: first + 1]
        for f in (page["/Resources"].get("/Font") or {}).values()
    }
    assert any("Libertinus" in f for f in fonts), fonts
