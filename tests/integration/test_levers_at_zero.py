"""The report with every projection lever set to zero says nothing a lever at zero cannot do (issue #29, item 4).

The parameters' levers are the youth retention share (``projection_retention_share``) and the TFR
increase (``projection_tfr_increase``); the pay lever comes from the main model, not from a parameter.
A copy of the session's built project is rebuilt with both at zero (``make report PARAMS=...``, which
redoes the projection and the report only), and the text of the rendered PDF (pypdf) and HTML is
scanned for sentences that are untrue when the levers do nothing: a lever described as increasing
anything, a solver bound printed as an estimate, "多 +…"/"少 −…", an interval "0%–0%".
"""

from __future__ import annotations

import html
import re

import pdf_text
import pytest
from project_copy import copy_built, run_make

ZERO_LEVERS = "projection_retention_share=0 projection_tfr_increase=0"

# (what is wrong, pattern) over the report's text with whitespace removed (pypdf breaks lines anywhere)
UNTRUE_AT_ZERO = [
    ("births lever at zero said to add children", r"生育支持[^。；]*主要增加儿童"),
    ("a scenario at zero said to add people", r"(?:生育支持|青年留存)为[+−]?0万[^。；]*?增加的主要是"),
    ("a lever at zero worded as a raise", r"(?:提高|增加)0\.0(?!\d)"),
    ("a lever at zero worded as a reduction", r"净迁出减少0%"),
    ("a solver bound printed as an estimate", r"(?<![≤≥\d.])(?:3\.00|0\.00)倍"),
    ("a signed number after 多/少", r"[多少][+−-]\d"),
    ("an interval of zero width at zero", r"(?<![\d.])0%[–-]0%"),
    ("all three recommendations said to be realised", r"三组建议同时实现"),
]


def reader_text(page: str) -> str:
    """The body text of the HTML report, tags, scripts and styles removed."""
    page = page[page.find("<body") :]
    page = re.sub(r"<(script|style|math)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def untrue_sentences(text: str) -> list[tuple[str, str]]:
    """(what, the matching passage) for each sentence in ``text`` that is untrue at zero levers."""
    flat = re.sub(r"\s+", "", text)
    found = []
    for what, pattern in UNTRUE_AT_ZERO:
        for m in re.finditer(pattern, flat):
            found.append((what, flat[max(0, m.start() - 40) : m.end() + 20]))
    return found


@pytest.fixture(scope="module")
def zero_levers(built_project, tmp_path_factory):
    project = copy_built(built_project, tmp_path_factory.mktemp("levers") / "project")
    proc = run_make(project, "report", f"PARAMS={ZERO_LEVERS}")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return project


@pytest.fixture(scope="module")
def texts(zero_levers):
    pdf = pdf_text.text(zero_levers / "_output/report.pdf")
    page = reader_text((zero_levers / "_output/report.html").read_text(encoding="utf-8"))
    return {"pdf": pdf, "html": page}


def test_the_scan_flags_the_wordings_issue_29_reported():
    """The patterns catch what the report said with every lever at zero before the fix."""
    for bad in (
        "生育支持为 0万（0万 至 0万），不改变东北总人口，生育支持主要增加儿童",
        "生育支持为 +0万，增加的主要是 20 岁以下的儿童和少年",
        "总和生育率到 2030 年线性提高 0.0，此后保持",
        "吉林的迁移强度应为上一个间隔的 3.00 倍",
        "辽宁为 0.00 倍",
        "比基准多 +3万",
        "比例为 0%（0%–0%，为零）",
        "在这一基准上，三组建议同时实现时 2035 年人口与基准之差为 +26万",
    ):
        assert untrue_sentences(bad), bad
    for fine in (
        "生育支持为 +12万（+9万 至 +15万），增加的主要是 20 岁以下的儿童和少年",
        "强度为辽宁 ≤ 0.00（拟合达到搜索范围的下界）",
        "吉林 1.23 倍",
        "比例为 30%（10%–50%）",
    ):
        assert not untrue_sentences(fine), fine


@pytest.mark.parametrize("kind", ["pdf", "html"])
def test_no_untrue_lever_sentence_with_every_lever_at_zero(texts, kind):
    found = untrue_sentences(texts[kind])
    assert not found, "\n".join(f"{what}: …{passage}…" for what, passage in found)


def test_the_chapter_says_the_levers_are_off(texts):
    flat = re.sub(r"\s+", "", texts["html"])
    assert "生育支持" in flat and "青年留存" in flat
    assert re.search(r"总和生育率[^。]*不变", flat), "the births lever at zero is not said to leave the TFR as it is"
    assert re.search(r"净迁出[^。]*不变", flat), (
        "the retention lever at zero is not said to leave out-migration as it is"
    )
