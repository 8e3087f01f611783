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
