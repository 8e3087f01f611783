"""What readers of the report's Word file and phone-width HTML find: checks shared by
tests/integration/test_report_formats.py (registry route) and test_quarto.py (Quarto)."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest

CHAPTER = re.compile(r"^\d+\.?\s*\S")  # "1 引言" (Quarto: "1. 引言"): numbered, as the PDF's chapters
CAPTION = re.compile(r"^([表图])\s*(\d+)：")


def docx_facts(path: Path) -> dict:
    """What a reader of the Word file finds: chapter titles, captions (wherever they sit: Quarto sets
    each float in a layout table), data tables (those holding no picture and no other table),
    pictures and the reference list."""
    doc = docx.Document(str(path))
    body, qn = doc.element.body, docx.oxml.ns.qn
    paras = [(p.style.name if p.style is not None else "", p.text.strip()) for p in doc.paragraphs]
    captions = []
    for p in body.iter(qn("w:p")):
        if m := CAPTION.match("".join(t.text or "" for t in p.iter(qn("w:t"))).strip()):
            captions.append((m.group(1), int(m.group(2))))
    tables = [
        t for t in body.iter(qn("w:tbl")) if not list(t.iter(qn("w:drawing"))) and len(list(t.iter(qn("w:tbl")))) == 1
    ]
    return {
        "chapters": [t for s, t in paras if s == "Heading 1"],
        "table_numbers": [n for kind, n in captions if kind == "表"],
        "figure_numbers": [n for kind, n in captions if kind == "图"],
        "tables": len(tables),
        "figures": len(list(body.iter(qn("w:drawing")))),
        "references": [t for s, t in paras if s == "Bibliography"],
        "styles": doc.styles,
    }


def html_counts(html: str) -> dict:
    body = html.split("</head>", 1)[1]
    return {
        "tables": len(re.findall(r"<table\b", body)),
        "references": len(re.findall(r'class="csl-entry"', body)),
        "table_numbers": re.findall(r"表(?:\s|&nbsp;)*(\d+)：", re.sub(r"<[^>]+>", "", body)),
    }


def check_docx(path: Path, html_path: Path) -> None:
    facts, html = docx_facts(path), html_counts(html_path.read_text(encoding="utf-8"))
    numbered = [c for c in facts["chapters"] if CHAPTER.match(c)]
    assert len(numbered) >= 6, facts["chapters"]
    assert "参考文献" in facts["chapters"], facts["chapters"]
    # every table of the HTML, each numbered "表 N：" in its caption, in order
    assert facts["tables"] == html["tables"] > 15, (facts["tables"], html["tables"])
    tables = facts["table_numbers"]
    assert tables == list(range(1, len(tables) + 1)) == sorted({int(n) for n in html["table_numbers"]}), tables
    assert len(tables) == facts["tables"], (tables, facts["tables"])
    figures = facts["figure_numbers"]
    assert figures == list(range(1, len(figures) + 1)) and len(figures) == facts["figures"] > 15, figures
    # the reference list: as many entries as the HTML's, GB/T 7714 numbered "[1] …"
    refs = facts["references"]
    assert len(refs) == html["references"] > 10 and refs[0].startswith("[1]"), refs[:2]
    # the reference document's styles: 宋体 body, 黑体 headings, three-line tables
    styles = facts["styles"]
    east_asian = {n: styles[n].element.rPr.rFonts.get(docx.oxml.ns.qn("w:eastAsia")) for n in ("Normal", "Heading 1")}
    assert east_asian == {"Normal": "宋体", "Heading 1": "黑体"}, east_asian
    rules = styles["Table"].element.find(f"{docx.oxml.ns.qn('w:tblPr')}/{docx.oxml.ns.qn('w:tblBorders')}")
    assert rules is not None and rules.find(docx.oxml.ns.qn("w:insideV")).get(docx.oxml.ns.qn("w:val")) == "nil"


def phone_probe(html: Path, workdir: Path) -> dict:
    from browser import chromium, layout

    if chromium() is None:
        pytest.skip(
            "headless Chromium not installed (Debian: apt-get install chromium; `make test` installs it as root)"
        )
    return layout(html, 390, workdir)


def check_phone_width(probe: dict) -> None:
    """No page-level sideways scroll; each wide table scrolls in its own box; the CJK faces loaded."""
    assert probe["viewport"] == 390 and probe["scrollWidth"] <= 390, probe
    assert probe["nwide"] == 0, probe["wide"]
    wide = [t for t in probe["tables"] if t["content"] > t["width"] + 1]
    assert probe["scrollers"] > 15 and wide, probe["tables"][:3]
    assert all(t["overflowX"] in ("auto", "scroll") and t["width"] <= 390 for t in wide), wide[:3]
    assert {"Noto Serif CJK SC", "Noto Sans CJK SC"} <= set(probe["fontsLoaded"]), probe["fontsLoaded"]
    assert "Noto Serif CJK SC" in probe["bodyFont"], probe["bodyFont"]
