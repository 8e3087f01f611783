"""The recipe of ``report/reference.docx``, the styles of the Word report (``_output/report.docx``).

Run ``.venv/bin/python report/reference_docx.py`` to rebuild it (the file is committed, as Quarto
and the registry-only route both read it). It starts from pandoc's own reference document (the
style names pandoc's docx writer uses) and sets, with python-docx:

- the type of a Chinese journal: body in 宋体 (SimSun) 10.5 pt (五号), headings, captions and the
  title in 黑体 (SimHei), Latin text in Times New Roman; each Chinese face is declared in the font
  table with its Latin name (``altName``) and charset, so Word or LibreOffice substitutes a face
  of the same kind where the named one is missing;
- three-line tables (the ``Table`` style): a thick rule above and below the table and a thin one
  under the header row, no vertical rules;
- captions (``Table Caption``, ``Image Caption``) centred in 黑体 9 pt; the numbers ("表 1：",
  "图 1：") come from the route or Quarto, the bibliography (GB/T 7714, the same CSL) from citeproc.

The zip is written with fixed entry times and order, so the same recipe gives the same bytes.
"""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pypandoc
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

TARGET = Path(__file__).with_name("reference.docx")
LATIN, SONG, HEI = "Times New Roman", "宋体", "黑体"
ALT_NAMES = {SONG: "SimSun", HEI: "SimHei"}
HEI_STYLES = ("Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Heading 4", "TOC Heading")
CAPTIONS = ("Caption", "Table Caption", "Image Caption")
THICK, THIN = 12, 6  # rule widths in eighths of a point: 1.5 pt and 0.75 pt


def set_fonts(style, east_asian: str, size: float | None = None, bold: bool | None = None) -> None:
    style.font.name = LATIN
    style.font.color.rgb = RGBColor(0, 0, 0)
    if size is not None:
        style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), LATIN)
    fonts.set(qn("w:eastAsia"), east_asian)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)


def borders(parent, tag: str, sides: dict[str, int]) -> None:
    """``<w:{tag}>`` under ``parent`` with a single rule of the given width per side (0: none)."""
    old = parent.find(qn(f"w:{tag}"))
    if old is not None:
        parent.remove(old)
    box = OxmlElement(f"w:{tag}")
    for side, width in sides.items():
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single" if width else "nil")
        if width:
            edge.set(qn("w:sz"), str(width))
            edge.set(qn("w:space"), "0")
            edge.set(qn("w:color"), "000000")
        box.append(edge)
    parent.append(box)


def three_line_table(style) -> None:
    """Rules above and below the table and under the header row (the first row), nothing else."""
    el = style.element
    tbl_pr = el.find(qn("w:tblPr"))
    if tbl_pr is None:
        tbl_pr = OxmlElement("w:tblPr")
        el.append(tbl_pr)
    none = {"left": 0, "right": 0, "insideH": 0, "insideV": 0}
    borders(tbl_pr, "tblBorders", {"top": THICK, **none, "bottom": THICK})
    for old in el.findall(qn("w:tblStylePr")):
        el.remove(old)
    first = OxmlElement("w:tblStylePr")
    first.set(qn("w:type"), "firstRow")
    cell = OxmlElement("w:tcPr")
    borders(cell, "tcBorders", {"top": THICK, "bottom": THIN})
    first.append(cell)
    el.append(first)


def declare_fonts(font_table: bytes) -> bytes:
    """The font table with the two Chinese faces, each with its Latin name and the GB2312 charset."""
    from lxml import etree

    root = etree.fromstring(font_table)
    for name, alt in ALT_NAMES.items():
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        for tag, value in (("altName", alt), ("charset", "86"), ("family", "auto"), ("pitch", "variable")):
            child = OxmlElement(f"w:{tag}")
            child.set(qn("w:val"), value)
            font.append(child)
        root.append(font)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def build() -> bytes:
    pandoc = pypandoc.get_pandoc_path()
    default = subprocess.run(
        [pandoc, "--print-default-data-file", "reference.docx"], capture_output=True, check=True
    ).stdout
    document = docx.Document(io.BytesIO(default))
    styles = {s.name: s for s in document.styles}
    for name in ("Normal", "Body Text", "First Paragraph", "Compact", "Bibliography", "Abstract"):
        if name in styles:
            set_fonts(styles[name], SONG, 10.5 if name == "Normal" else None)
    for name in (n for n in (*HEI_STYLES, *(f"{h} Char" for h in HEI_STYLES)) if n in styles):
        set_fonts(styles[name], HEI, bold=True)
    for name in (n for n in CAPTIONS if n in styles):
        set_fonts(styles[name], HEI, 9, bold=False)
        styles[name].font.italic = False
        styles[name].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    three_line_table(styles["Table"])
    buf = io.BytesIO()
    document.save(buf)
    return fixed_zip(buf.getvalue())


def fixed_zip(data: bytes) -> bytes:
    """The same entries (the font table with the Chinese faces), in name order, each dated
    1980-01-01 (reproducible bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(src.namelist(), key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            blob = src.read(name)
            dst.writestr(info, declare_fonts(blob) if name == "word/fontTable.xml" else blob)
    return out.getvalue()


if __name__ == "__main__":
    TARGET.write_bytes(build())
    print(f"wrote {TARGET}", file=sys.stderr)
