"""The Quarto route, rendered by a real Quarto (on PATH, or the test kit ``make test`` installs).

Few builds, shared: one plain ``quarto render`` in a fresh copy of the project (it runs the
pipeline itself) is compared with the registry-only route's build of the other integration
tests (``built_project``); the broken-reference and conditional-content checks re-render that
copy. Where neither Quarto nor the kit is present, every test here is skipped with the reason.
"""

from __future__ import annotations

import base64
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pdf_pages
import pdf_text as pdf_text_cache
import pytest
import quarto_kit
import yaml
from project_copy import copy_project
from pypdf import PdfReader
from reader_checks import check_docx, check_phone_width, phone_probe

from neoutflow.render import quarto as render_quarto

pytestmark = pytest.mark.skipif(quarto_kit.quarto() is None, reason=quarto_kit.skip_reason())

ROOT = Path(__file__).parents[2]
EPOCH = 1700000000  # the title page's date: 2023-11-14 (UTC)


def _tail(proc: subprocess.CompletedProcess, n: int = 3000) -> str:
    return (proc.stdout or "")[-n:] + "\n" + (proc.stderr or "")[-n:]


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """A copy of the tracked files (no build/, no _output/) and a plain ``quarto render`` in it."""
    project = copy_project(tmp_path_factory.mktemp("quarto") / "project")
    gitignore = (project / ".gitignore").read_text(encoding="utf-8")
    proc = subprocess.run(
        [quarto_kit.quarto(), "render"],
        cwd=project,
        env=dict(quarto_kit.quarto_env(), SOURCE_DATE_EPOCH=str(EPOCH)),
        capture_output=True,
        text=True,
        timeout=3600,
    )
    assert proc.returncode == 0, _tail(proc)
    assert (project / ".gitignore").read_text(encoding="utf-8") == gitignore, "Quarto changed .gitignore"
    return project


def pdf_text(pdf: Path) -> list[str]:
    return pdf_text_cache.pages(pdf)


def pdf_fonts(pdf: Path) -> set[str]:
    names = set()
    for page in PdfReader(pdf).pages:
        for font in ((page.get("/Resources") or {}).get("/Font") or {}).values():
            font = font.get_object()
            names.add(str(font.get("/BaseFont")))
            for desc in font.get("/DescendantFonts") or []:
                fd = desc.get_object().get("/FontDescriptor")
                if fd is not None and any(k in fd.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    names.add("embedded:" + str(desc.get_object().get("/BaseFont")))
    return names


def captions(text: str) -> list[tuple[str, str]]:
    """(kind, number) of every caption, in order: "表 3：…" / "图 2：…" at the start of a line."""
    return re.findall(r"^(表|图)\s*(\d+)\s*：", text, flags=re.M)


def section_refs(text: str) -> list[str]:
    return re.findall(r"第\s*(\d+(?:\.\d+)*)\s*[章节]", text)


def bibliography(pages: list[str]) -> list[str]:
    """The numbers of the reference list's entries ("[1] …")."""
    text = "\n".join(pages)
    start = re.search(r"参考文献\s*\n\[1\]", text)
    assert start, "no reference list in the PDF"
    return re.findall(r"^\[(\d+)\]", text[start.start() :], flags=re.M)


TABLE_CAPTION = re.compile(r"^表\s*(\d+)\s*：")


def split_tables(pages: list[str]) -> dict[int, int]:
    """{table number: pages it spans} for the tables that run onto the next page, from the text per
    page: each page a table continues on repeats its header rows, so a page whose text (before any
    new table caption) has the line after the caption (the header's first line) carries it on."""
    lines = [[line.strip() for line in page.splitlines()] for page in pages]
    out = {}
    for p, page in enumerate(lines):
        for i, line in enumerate(page[:-1]):
            if m := TABLE_CAPTION.match(line):
                span = 1
                for later in lines[p + 1 :]:
                    before = next((j for j, text in enumerate(later) if TABLE_CAPTION.match(text)), len(later))
                    if page[i + 1] not in later[:before]:
                        break
                    span += 1
                if span > 1:
                    out[int(m.group(1))] = span
    return out


def network_loads(html: str) -> list[str]:
    """Resources the page would fetch: script/img/iframe src, stylesheet links, CSS url()/@import."""
    head = re.sub(r"<!--.*?-->", "", html, flags=re.S)
    loads = re.findall(r'<(?:script|img|iframe|source|video|audio)\b[^>]*\bsrc="(https?:[^"]+)"', head)
    loads += re.findall(r'<link\b[^>]*\bhref="(https?:[^"]+)"[^>]*>', head)
    loads += re.findall(r"url\(\s*['\"]?(https?:[^'\")]+)", head)
    loads += re.findall(r"@import\s+['\"](https?:[^'\"]+)", head)
    return [u for u in loads if "w3.org" not in u]


def png_widths(html: str) -> list[int]:
    widths = []
    for data in re.findall(r'<img\b[^>]*?src="data:image/png;base64,([^"]+)"', html):
        raw = base64.b64decode(data[:64])
        widths.append(struct.unpack(">I", raw[16:20])[0])
    return widths


def test_plain_quarto_render_in_a_fresh_copy(fresh):
    """A plain `quarto render` builds what it needs and leaves the outputs where make puts them."""
    out = fresh / "_output"
    assert (out / "report.pdf").is_file() and (out / "report.html").is_file()
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["notebooks"], "figures left in _output/"
    assert list((out / "notebooks").glob("*.html")) and list((out / "notebooks").glob("*.ipynb"))
    assert (fresh / "build" / "engine.txt").read_text(encoding="utf-8").strip() == "quarto"
    pages = pdf_text(out / "report.pdf")
    assert re.search(r"2023\s*年\s*11\s*月\s*14\s*日", pages[0]), pages[0][:300]
    appendix = "\n".join(pages)
    assert re.search(r"渲染引擎\s*Quarto\s*1\.\d+", appendix), "the appendix does not name Quarto"


@pytest.mark.skipif(pdf_pages.pdftotext() is None, reason="pdftotext (poppler-utils) not installed")
def test_quarto_pdf_pages(fresh):
    """The printed-page checks of tests/integration/test_pdf_pages.py, on the Quarto route's PDF."""
    problems = pdf_pages.project_problems(fresh)
    assert not problems, f"{len(problems)} problems on the printed pages:\n" + "\n".join(problems)


def test_quarto_and_registry_outputs_agree(fresh, built_project):
    """The same tables, figures, numbering, reference texts, citations and bibliography; page
    counts within 2; CJK fonts embedded; both HTML offline with web-font subsets and screen figures."""
    q_pdf, r_pdf = fresh / "_output" / "report.pdf", built_project / "_output" / "report.pdf"
    q_pages, r_pages = pdf_text(q_pdf), pdf_text(r_pdf)
    q_text, r_text = "\n".join(q_pages), "\n".join(r_pages)
    assert abs(len(q_pages) - len(r_pages)) <= 2, (len(q_pages), len(r_pages))
    # the same tables run across a page break (typst-tables.lua and the Typst partials decide which can):
    # all those longer than two pages, and of the others at most one whose split depends on where the
    # page happens to fall (before both engines ran typst-tables.lua, Quarto split two short tables more)
    q_split, r_split = split_tables(q_pages), split_tables(r_pages)
    assert r_split and len(set(q_split) ^ set(r_split)) <= 1, (q_split, r_split)
    assert {n for n, span in q_split.items() if span > 2} == {n for n, span in r_split.items() if span > 2}
    # the same numbered tables and figures (figures float, so the two kinds may interleave differently)
    for kind in ("表", "图"):
        q_caps, r_caps = [c for c in captions(q_text) if c[0] == kind], [c for c in captions(r_text) if c[0] == kind]
        assert q_caps == r_caps and len(q_caps) > 15, (kind, q_caps, r_caps)
    assert sorted(section_refs(q_text)) == sorted(section_refs(r_text))
    assert bibliography(q_pages) == bibliography(r_pages) and len(bibliography(q_pages)) > 10
    assert sorted(re.findall(r"\[\d+(?:[–,-]\d+)*\]", q_text)) == sorted(re.findall(r"\[\d+(?:[–,-]\d+)*\]", r_text))
    assert "?@" not in q_text and "??" not in q_text
    for pdf in (q_pdf, r_pdf):
        embedded = {f for f in pdf_fonts(pdf) if f.startswith("embedded:")}
        assert any("NotoSerifCJK" in f for f in embedded) and any("NotoSansCJK" in f for f in embedded), embedded
    for html_file in (fresh / "_output" / "report.html", built_project / "_output" / "report.html"):
        html = html_file.read_text(encoding="utf-8")
        assert network_loads(html) == [], html_file
        assert 'id="neoutflow-webfonts"' in html and "font/woff" in html, html_file
        widths = png_widths(html)
        assert widths and max(widths) <= 1400, (html_file, widths)
        assert 'name="viewport"' in html and 'class="table-scroll"' in html
    q_html = (fresh / "_output" / "report.html").read_text(encoding="utf-8")
    r_html = (built_project / "_output" / "report.html").read_text(encoding="utf-8")
    assert len(png_widths(q_html)) == len(png_widths(r_html))
    # Quarto's own spellings, corrected by report/typeset.lua: "第 N 章" / "第 N.M 节", the range dash, "表 N：标题"
    for html in (q_html, r_html):
        sec_links = [
            re.sub(r"<[^>]+>|&nbsp;", " ", t).strip() for t in re.findall(r'<a href="#sec-[^"]*"[^>]*>(.*?)</a>', html)
        ]
        refs = [t for t in sec_links if t.startswith("第")]  # (not the contents' entries)
        assert len(refs) > 30 and all(re.fullmatch(r"第\s*\d+\s*章|第\s*\d+(?:\.\d+)+\s*节", t) for t in refs), refs[:5]
        captions_html = [
            re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<figcaption[^>]*>(.*?)</figcaption>", html, re.S)
        ]
        assert not [c for c in captions_html if re.search(r"[表图](?:\s|&nbsp;)*\d+：\s", c.strip())]
        assert not [c for c in captions_html if re.search(r"\d—\d", c)]
    body = [re.sub(r"<[^>]+>", "", h.split("</head>", 1)[1]) for h in (q_html, r_html)]
    assert len(re.findall(r"\d—\d", body[0])) == len(re.findall(r"\d—\d", body[1]))


def test_phone_width(fresh, tmp_path):
    check_phone_width(phone_probe(fresh / "_output" / "report.html", tmp_path))


def test_word_file(fresh):
    """Quarto's Word file (with report/reference.docx) has what the registry route's has."""
    check_docx(fresh / "_output" / "report.docx", fresh / "_output" / "report.html")


def test_phone_reader(fresh):
    """Quarto's page as the registry-only route's (tests/integration/test_html_reader.py): captions
    whole, the contents folded under the title (Quarto hides its sidebar), figures open at full size,
    every figure and table with its data."""
    from browser import check_phone_reader, chromium

    if chromium() is None:
        pytest.skip("headless Chromium not installed (Debian: apt-get install chromium)")
    check_phone_reader(fresh / "_output" / "report.html")


def test_broken_cross_reference_fails_naming_its_place(fresh):
    chapter = fresh / "report" / "_06_limitations.qmd"
    original = chapter.read_text(encoding="utf-8")
    line = len(original.splitlines()) + 2
    chapter.write_text(original + "\n见 @sec-no-such-section。\n", encoding="utf-8")
    try:
        proc = subprocess.run(
            ["make", "--no-print-directory", "report", "ENGINE=quarto"],
            cwd=fresh,
            env=quarto_kit.quarto_env(),
            capture_output=True,
            text=True,
            timeout=1800,
        )
    finally:
        chapter.write_text(original, encoding="utf-8")
    assert proc.returncode != 0, _tail(proc)
    assert f"@sec-no-such-section in report/_06_limitations.qmd:{line}" in proc.stdout + proc.stderr, _tail(proc)


def test_conditional_blocks_without_optional_data(fresh, tmp_path):
    """Without the prefecture data, Quarto leaves out the same blocks as the registry-only route."""
    availability = fresh / "_availability.yml"
    saved = availability.read_text(encoding="utf-8")
    meta = yaml.safe_load(saved)
    meta["has-prefecture-data"] = False
    moved = tmp_path / "moved"
    moved.mkdir()
    try:
        availability.write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
        # which tables only hidden blocks include, as the report's Lua filter sees them: it lists the
        # missing ones, so every table is set aside while it looks
        tables = fresh / "build" / "tables"
        aside = tmp_path / "aside"
        shutil.copytree(tables, aside)
        shutil.rmtree(tables)
        tables.mkdir()
        try:
            hidden = set(render_quarto.hidden_includes(fresh))
        finally:
            shutil.rmtree(tables)
            shutil.copytree(aside, tables)
        for table in hidden:  # as a build without those inputs: the tables are not made
            if table.is_file():
                shutil.move(table, moved / table.name)
        ids = {}
        for engine in ("quarto", "pandoc"):
            proc = subprocess.run(
                [
                    str(fresh / ".venv" / "bin" / "python"),
                    "-m",
                    "neoutflow.render",
                    "--engine",
                    engine,
                    "--output-dir",
                    str(tmp_path / engine),
                ],
                cwd=fresh,
                env=dict(quarto_kit.quarto_env(), PYTHONPATH=str(fresh / "src")),
                capture_output=True,
                text=True,
                timeout=1800,
            )
            assert proc.returncode == 0, _tail(proc)
            html = (tmp_path / engine / "report.html").read_text(encoding="utf-8")
            ids[engine] = set(re.findall(r'id="(sec-[\w-]+)"', html))
    finally:
        availability.write_text(saved, encoding="utf-8")
        for f in moved.iterdir():
            shutil.move(f, next(t for t in hidden if t.name == f.name))
    with_data = set(re.findall(r'id="(sec-[\w-]+)"', (fresh / "_output" / "report.html").read_text(encoding="utf-8")))
    assert "sec-prefecture-wages-models" in with_data
    assert "sec-prefecture-wages-models" not in ids["quarto"]
    assert ids["quarto"] == ids["pandoc"], ids["quarto"] ^ ids["pandoc"]
