"""The shipped report as readers get it, beyond the PDF: the Word file opened with python-docx
(chapters, numbered tables and figures, the GB/T 7714 reference list, the reference document's
styles), counted against the HTML of the same build; and the HTML at a phone's width in headless
Chromium (no sideways scroll of the page, wide tables scrolling inside their own box, the CJK web
fonts loaded). Reads the registry-route build the integration tests share (``built_project``);
tests/integration/test_quarto.py makes the same checks of Quarto's outputs."""

from __future__ import annotations

from reader_checks import check_docx, check_phone_width, phone_probe


def test_word_file_has_chapters_tables_figures_and_references(built_project):
    out = built_project / "_output"
    check_docx(out / "report.docx", out / "report.html")


def test_html_reads_at_phone_width(built_project, tmp_path):
    check_phone_width(phone_probe(built_project / "_output" / "report.html", tmp_path))
