"""The printed page (issue 28, first acceptance bullet), on the registry-only route's PDF: every page
read back with its word positions (poppler's ``pdftotext -bbox-layout``) shows no table header
broken inside a word, no table note without its table on the page, no running header "目录"
outside the contents, no space between two CJK characters and no body line opening with "万" or
"=". ``tests/integration/test_quarto.py::test_quarto_pdf_pages`` runs the same checks on the
Quarto route's PDF. The checks themselves are tested on known-bad pages in
``tests/unit/test_pdf_page_checks.py``.
"""

from __future__ import annotations

import pdf_pages
import pytest

pytestmark = pytest.mark.skipif(pdf_pages.pdftotext() is None, reason="pdftotext (poppler-utils) not installed")


def test_pdf_pages_read_as_printed(built_project):
    problems = pdf_pages.project_problems(built_project)
    assert not problems, f"{len(problems)} problems on the printed pages:\n" + "\n".join(problems)
