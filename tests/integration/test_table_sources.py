"""Every table of the report carries a 资料来源 line in its note, its stars printed as stars, and every
figure's data CSV a header a reader understands (issue 28): on the rendered HTML (the paragraphs that follow
each table, past its data download), the PDF's text (a 资料来源 line after every table's caption), and the
CSVs the build wrote beside the figures (``build/figures/*.csv``: Chinese column names; a map's rows name
their region)."""

from __future__ import annotations

import csv
import re
from html import unescape

import pdf_pages
import pytest

TABLE = re.compile(r'<figure class="table-figure">.*?<table id="(tbl-[^"]+)".*?</figure>', re.S)
DOWNLOAD = re.compile(r'\s*<div class="data-download">.*?</div>', re.S)
PARAGRAPH = re.compile(r"\s*<p>(.*?)</p>", re.S)
HAN = re.compile(r"[\u4e00-\u9fff]")


def _text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html)).strip()


def table_notes(html: str) -> dict[str, list[str]]:
    """Each table's label → the paragraphs of its note (those opening 注 or 资料来源 right after it)."""
    out = {}
    for m in TABLE.finditer(html):
        rest, notes = html[m.end() :], []
        skip = DOWNLOAD.match(rest)
        rest = rest[skip.end() :] if skip else rest
        while (p := PARAGRAPH.match(rest)) and _text(p.group(1)).startswith(("注", "资料来源")):
            notes.append(_text(p.group(1)))
            rest = rest[p.end() :]
        out[m.group(1)] = notes
    return out


def test_every_table_in_the_html_has_a_source_line(built_project):
    html = (built_project / "_output" / "report.html").read_text(encoding="utf-8")
    notes = table_notes(html)
    assert len(notes) >= 30, sorted(notes)
    missing = [label for label, paras in notes.items() if not any(p.startswith("资料来源：") for p in paras)]
    assert not missing, f"tables without a 资料来源 line: {missing}"
    unresolved = [label for label, paras in notes.items() if any("{{<" in p for p in paras)]
    assert not unresolved
    starred = [p for paras in notes.values() for p in paras if "分别表示" in p]
    assert starred and all("*、**、*** 分别表示" in p for p in starred), starred[:2]


@pytest.mark.skipif(pdf_pages.pdftotext() is None, reason="pdftotext (poppler-utils) not installed")
def test_every_table_in_the_pdf_has_a_source_line(built_project):
    doc = pdf_pages.pages(built_project / "_output" / "report.pdf")
    lines = [(n, pdf_pages.text_of(ln)) for n, page in enumerate(doc) for ln in page]
    captions = [k for k, (_, t) in enumerate(lines) if re.match(r"^表\s*\d+：", t)]
    assert len(captions) >= 30

    def on_page(n: int, pattern: str) -> int:
        return sum(bool(re.match(pattern, t)) for m, t in lines if m == n)

    ends = [*captions[1:], len(lines)]
    missing = []
    for k, end in zip(captions, ends, strict=True):
        if any(t.startswith("资料来源：") for _, t in lines[k:end]):
            continue
        # a table turned across its page is read line by line in no set order: there, each caption on the
        # page must have a source line somewhere on the page
        n = lines[k][0]
        if not on_page(n, r"资料来源：") >= on_page(n, r"表\s*\d+：") > 0:
            missing.append(lines[k][1])
    assert not missing, missing


def test_every_figure_csv_has_chinese_headers_and_maps_name_their_regions(built_project):
    files = sorted((built_project / "build" / "figures").glob("*.csv"))
    assert len(files) >= 20
    maps = 0
    for path in files:
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
        header = list(rows[0]) if rows else []
        assert header and all(HAN.search(col) for col in header), (path.name, header)
        areas = [r for r in rows if r.get("地图着色值")]
        if areas:
            maps += 1
            unnamed = [r for r in areas if not (r["地区代码"] and r["地区"])]
            assert not unnamed, (path.name, unnamed[:3])
    assert maps >= 4  # the province, prefecture, migration and counterfactual maps, and the flow map
