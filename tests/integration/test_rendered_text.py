"""The rendered report reads as prose: no internal identifiers in its text.

Checks the text of ``_output/report.html`` of a freshly built copy for what a reader should never see: file names (``*.csv``, ``*.json`` …),
snake_case names of variables, results keys or files, and raw floats (more than
4 decimals at machine precision, see :func:`_raw`). Code spans (deliberate pointers such as
``make report``), links and the reproducibility appendix, whose subject is the
files and parameters, are left out. The ``LEAKS`` fixtures are wordings the
report once had: the check must flag each.
"""

from __future__ import annotations

import html
import re

import pytest

FILE_NAME = re.compile(r"[\w.*-]+\.(?:csv|json|md|qmd|py|ipynb|geojson|xlsx?|ya?ml|png|pdf)\b", re.I)
SNAKE_CASE = re.compile(r"(?<![\w*])[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9*]+)+")
LONG_FLOAT = re.compile(r"(?<![\d.])\d+\.\d{5,}(?![\d.])")

LEAKS = {
    "file name in a table note": "第 (1) 列的 HC3 标准误见结果文件（pref_hc3_*）",
    "raw float": "各地区净迁移之和恒等于零（本次计算为 0.000000）",
    "results file": "数值见 determinants.json",
    "variable name": "log_relative_wage 的系数",
}


def identifiers(text: str) -> list[str]:
    """Internal identifiers found in ``text``: file names, snake_case names, floats with > 4 decimals."""
    found = FILE_NAME.findall(text)
    text = FILE_NAME.sub(" ", text)
    return found + SNAKE_CASE.findall(text) + [x for x in LONG_FLOAT.findall(text) if _raw(x)]


def _raw(number: str) -> bool:
    """A float printed at machine precision rather than at a stated one: more than 4 decimals and
    either no significant digit (``0.000000``) or more than 4 significant digits (``0.80241763``);
    ``0.00200`` (a small coefficient at 3 significant digits) is a stated precision."""
    digits = number.replace(".", "").lstrip("0")
    return not digits or len(digits) > 4


def reader_text(page: str) -> str:
    """The text a reader reads in the body of the report, from the HTML."""
    start = page.find("<body")
    end = page.find('<section id="sec-repro"')
    page = page[start : end if end > 0 else None]
    page = re.sub(r"<(script|style|code|pre|math)\b.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r"<a\b[^>]*>\s*https?://.*?</a>", " ", page, flags=re.S | re.I)
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    return re.sub(r"https?://\S+", " ", text)


@pytest.fixture(scope="module")
def rendered(built_project):
    return reader_text((built_project / "_output" / "report.html").read_text(encoding="utf-8"))


def test_rendered_report_has_no_internal_identifiers(rendered):
    found = identifiers(rendered)
    context = [rendered[max(0, rendered.find(f) - 40) : rendered.find(f) + 40].replace("\n", " ") for f in found]
    assert not found, "internal identifiers in the rendered text:\n" + "\n".join(context)


@pytest.mark.parametrize("case", sorted(LEAKS))
def test_check_flags_known_leaks(case):
    assert identifiers(LEAKS[case]), f"the check misses {case!r}: {LEAKS[case]}"


def test_check_accepts_plain_prose():
    ok = "各地区净迁移之和恒等于零（本次计算的合计偏离零不足 1 人），相对工资的系数为 22.655（p = 0.101）。"
    assert identifiers(ok) == []


# --- the register of a journal article (tests/support/prose_scan.py; fixtures in tests/unit/test_prose_scan.py)


def pdf_body(project) -> str:
    """The PDF's text (pypdf) up to the reproducibility appendix, whose subject is the files, squeezed."""
    import pdf_text
    from prose_scan import squeeze

    text = pdf_text.text(project / "_output" / "report.pdf")
    text = squeeze(text)
    # the heading's first occurrence is in the contents, the second starts the appendix
    heads = [m.start() for m in re.finditer(r"附录\s*[A-Z]\s*可复现性", text)]
    return text[: heads[1]] if len(heads) > 1 else text


def test_rendered_prose_reads_as_a_journal_article(built_project, rendered):
    """No templated sentence, zero count, sign before 多/少, unit-less change, high-to-low interval, tool or
    tracker word, or banned term in the body of the HTML or of the PDF."""
    from prose_scan import problems

    found = problems(rendered) + [f"PDF {p}" for p in problems(pdf_body(built_project), pdf=True)]
    assert not found, "sentences an editor would not pass:\n" + "\n".join(found)


ABSTRACT_LENGTH = (300, 400)  # Chinese characters, as journals ask (人口研究, 地理学报: about 300 字)


def abstract_text(page: str) -> str:
    """The Chinese abstract's text in the HTML: its section, without the keywords line."""
    start = page.find('<section id="摘要"')
    end = page.find("</section>", start)
    text = html.unescape(re.sub(r"<[^>]+>", " ", page[start:end]))
    return text.split("关键词")[0].replace("摘要", "", 1)


def test_abstract_is_three_to_four_hundred_characters_and_has_the_outlook(built_project):
    page = (built_project / "_output" / "report.html").read_text(encoding="utf-8")
    text = abstract_text(page)
    han = len(re.findall(r"[\u4e00-\u9fff]", text))
    assert ABSTRACT_LENGTH[0] <= han <= ABSTRACT_LENGTH[1], f"{han} Chinese characters in the abstract"
    # the findings, the verdicts and the projection's end year are all there
    assert "首选估计" in text and "薪酬" in text and "产业" in text and "教育" in text
    end_year = re.search(r"到\s*(\d{4})\s*年", text)
    assert end_year and "预测" in text, "the abstract does not give the projection's outlook"
    english = page[page.find('<section id="abstract"') :]
    assert f"in {end_year.group(1)}" in html.unescape(re.sub(r"<[^>]+>", " ", english[: english.find("</section>")]))


def test_no_build_folder_or_parameter_file_anywhere_in_the_pdf(built_project):
    """Even the reproducibility appendix speaks of the parameter file and the result files, not of their
    paths: a journal reader meets neither build/ nor params.yaml."""
    import pdf_text

    text = pdf_text.text(built_project / "_output" / "report.pdf")
    assert not re.findall(r"build/|params\.ya?ml", text)
