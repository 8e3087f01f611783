"""The chapters type no year, census interval or direction word that depends on the data or the parameters.

Years and intervals come from the results (``{{< var … >}}``), and so does every word for the direction of
a change (降至/升至, 减少/增加, 高于/低于: :func:`neoutflow.outputs.claims.direction_word`). This scans
``report/*.qmd`` outside code, shortcodes, citations, cross-reference labels and formulas, and fails on any
4-digit year, "十年" interval or direction word that the short allow-lists below do not name with a reason.
"""

from __future__ import annotations

import re

import pytest

from neoutflow import paths
from neoutflow.outputs.claims import DIRECTION_WORDS, direction_word

# (chapter, phrase, why it may stay typed). A phrase that is a bare year allows that year anywhere in the
# chapter; any other phrase allows the years or words inside it. Every entry must still match.
FIXED_YEARS: list[tuple[str, str, str]] = [
    # the sources, named by their census (the shipped extracts; a new census adds a source, not a year here)
    ("_02_data_methods.qmd", "地级单位 2020 年边界", "the shipped boundary file"),
    ("_02_data_methods.qmd", "在 2020 年普查后经过修订", "NBS revised the yearly series after the 7th census"),
    # the paper's "821万" and the 7th census table 7-3 that could settle it are facts about 2020
    ("_03_outflow.qmd", "2020 年户口登记在东北", "the paper's figure read as the 2020 hukou stock"),
    ("_03_outflow.qmd", "《中国人口普查年鉴—2020》", "title of a cited yearbook"),
    ("_03_outflow.qmd", "时点是 2020 年", "the paper's figure read as the 2020 hukou stock"),
    ("_03_outflow.qmd", "确是 2020 年的户籍外流存量", "the paper's figure read as the 2020 hukou stock"),
    # the birthplace matrices exist only for the 2000 and 2010 censuses; the flows code is written for them
    ("_03_outflow.qmd", "2010 年出生在黑龙江", "the 2010 birthplace matrix"),
    ("_03_outflow.qmd", "2010 年出生地存量", "the 2010 birthplace matrix"),
    ("_03_outflow.qmd", "时点是 2010 年", "the 2010 birthplace matrix"),
    ("_04c_flows.qmd", "2000", "the 2000 birthplace matrix"),
    ("_04c_flows.qmd", "2010", "the 2010 birthplace matrix and the characteristics of that year"),
    # the persistence panel is built for the 2000, 2010 and 2020 censuses (analysis.persistence.PERIODS: the
    # residual method needs the census totals of the three); its gravity section reads the birthplace matrices
    ("_04d_persistence_spatial.qmd", "2000", "the panel's first census and the 2000 birthplace matrix"),
    ("_04d_persistence_spatial.qmd", "2010", "the panel's middle census and the 2010 birthplace matrix"),
    ("_04d_persistence_spatial.qmd", "2020", "the panel's last census"),
    ("_06_limitations.qmd", "只有 2000 年和 2010 年的出生地存量", "the birthplace matrices shipped"),
    # the UN projection is named by its revision ("World Population Prospects 2024"), a source title
    ("_05b_projection.qmd", "《世界人口展望 2024》", "title of the UN projection (its revision year)"),
    ("_05b_projection.qmd", "WPP 2024", "short title of the UN projection (its revision year)"),
    # cited work
    ("_04c_flows.qmd", "古恒宇等（2022）", "year of a cited paper"),
    ("_04c_flows.qmd", "2000—2020 年", "the period of the cited paper's flows"),
    ("_04c_flows.qmd", "2015—2020 年", "the period of the cited paper's finding"),
    ("_appendix_repro.qmd", "GB/T 7714-2015", "name of a standard"),
]

# Direction words that always introduce a value ("从 a 降至 b") and words that compare or change
# ("高于", "减少") when a number, a value or the national median follows them.
TO_WORDS = ("降至", "升至", "减少到", "增加到", "降到", "升到", "增至", "减至", "下降到", "上升到", "保持在")
CHANGE_WORDS = ("减少", "增加", "下降", "上升", "高于", "低于", "多于", "少于")
# (chapter, phrase, why its direction word is not the data's).
FIXED_WORDS: list[tuple[str, str, str]] = [
    ("_02_data_methods.qmd", "p 值低于 {V}%", "a rule: the significance level"),
    ("_04c_flows.qmd", "的存量减少，合计减少 {V}（增加的省对合计增加 {V}）", "pairs defined by the sign"),
    ("_07_conclusions.qmd", "对已高于中位数的省份", "defines the provinces the scenario cannot speak to"),
    ("_07_conclusions.qmd", "对已高于全国中位数的省份", "defines the counted provinces (the count is a result)"),
    ("_07_conclusions.qmd", "已高于中位数的{V}省份", "a column heading: the count of provinces above the median"),
    ("_07_conclusions.qmd", "降到中位数", "the scenario lowers the above-median indicators, by construction"),
]
# Intervals in words: the census interval is a parameter ("两次普查之间", or its value from the results).
FIXED_INTERVALS: list[tuple[str, str, str]] = [
    ("_03_outflow.qmd", "原文称东北三省十年", "the paper's own claim"),
    ("_03_outflow.qmd", "东北三省十年人口流出", "the paper's own claim, named in a marked comparison"),
    ("_04c_flows.qmd", "十年", "the 2000→2010 birthplace matrices are ten years apart"),
    ("_04d_persistence_spatial.qmd", "十年", "the panel's two periods are the fixed census decades"),
]

YEAR = re.compile(r"(?<![\d.])(?:19|20)\d\d(?!\d)")
INTERVAL = re.compile(r"(?<![几数])[一二三四五六七八九十]*十年")
DIRECTION = re.compile("|".join(TO_WORDS) + "|(?:" + "|".join(CHANGE_WORDS) + r")(?=\s*(?:\d|\{V\}|全国中位数|中位数))")


def prose(text: str) -> str:
    """The chapter's text as read: code, shortcodes (values as ``{V}``), citations, labels and math out."""
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"\{\{<\s*var\s+[^>]*>\}\}", "{V}", text)
    text = re.sub(r"\{\{<.*?>\}\}", " ", text)  # includes and embeds
    text = re.sub(r"`[^`\n]*`", " ", text)
    text = re.sub(r"\$[^$\n]+\$", " ", text)
    text = re.sub(r"\[-?@[^\]]*\]", " ", text)  # citations
    text = re.sub(r"@(?:sec|fig|tbl|eq)-[\w-]+", " ", text)  # cross-references
    text = re.sub(r"\{#[^}]*\}", " ", text)  # labels and attributes
    text = re.sub(r"\]\([^)]*\)", "]", text)  # link and image targets
    return text


def chapters() -> dict[str, str]:
    return {p.name: prose(p.read_text(encoding="utf-8")) for p in sorted((paths.ROOT / "report").glob("*.qmd"))}


def unexplained(pattern: re.Pattern, allowed: list[tuple[str, str, str]]) -> tuple[list[str], list[str]]:
    """Matches of ``pattern`` no allow-list entry covers (with context), and the entries that match nothing."""
    found, stale = [], []
    texts = chapters()
    for name, phrase, _why in allowed:
        if name not in texts or phrase not in texts[name]:
            stale.append(f"{name}: {phrase!r}")
    for name, text in texts.items():
        spans = []
        for chapter, phrase, _why in allowed:
            if chapter == name and not YEAR.fullmatch(phrase) and phrase != "十年":
                spans += [(m.start(), m.end()) for m in re.finditer(re.escape(phrase), text)]
        bare = {p for c, p, _ in allowed if c == name and (YEAR.fullmatch(p) or p == "十年")}
        for m in pattern.finditer(text):
            if m.group() in bare or any(a <= m.start() and m.end() <= b for a, b in spans):
                continue
            found.append(f"{name}: {m.group()!r} in …{text[max(0, m.start() - 25) : m.end() + 15]}…")
    return found, stale


@pytest.mark.parametrize(
    ("pattern", "allowed"),
    [(YEAR, FIXED_YEARS), (DIRECTION, FIXED_WORDS), (INTERVAL, FIXED_INTERVALS)],
    ids=["years", "direction-words", "intervals"],
)
def test_chapters_type_only_fixed_years_and_words(pattern, allowed):
    found, stale = unexplained(pattern, allowed)
    assert not found, "typed in the prose; quote it from the results ({{< var … >}}):\n" + "\n".join(found)
    assert not stale, "allow-list entries that no longer match (remove them):\n" + "\n".join(stale)


def test_the_scan_sees_typed_years_and_words():
    text = prose("人口从 {{< var a.b >}} 降至 {{< var a.c >}}，2010–2020 年高于 3 个百分点，`2031` $t+2040$ [@x2022]")
    assert YEAR.findall(text) == ["2010", "2020"]
    assert [m.group() for m in DIRECTION.finditer(text)] == ["降至", "高于"]
    assert INTERVAL.findall("十年前，二十年间，几十年累积") == ["十年", "二十年"]


@pytest.mark.parametrize("kind", list(DIRECTION_WORDS))
def test_direction_word_flips_with_the_sign(kind):
    lower, same, higher, mixed = DIRECTION_WORDS[kind]
    assert len({lower, same, higher, mixed}) == 4
    assert direction_word(-0.3, kind) == lower
    assert direction_word(0.3, kind) == higher
    assert direction_word(0, kind) == same
    assert direction_word([-1, -2, -0.1], kind) == lower
    assert direction_word([1, 2], kind) == higher
    assert direction_word([-1, 2], kind) == mixed


def test_direction_word_examples_and_errors():
    import numpy as np

    assert direction_word(-9_568_780.8) == "降至"  # the Northeast 2010→2020
    assert direction_word(np.float64(1.5), "compare") == "高于"
    assert direction_word(np.array([0.4, 0.7]) - 1, "pace") == "放缓"
    with pytest.raises(ValueError, match="direction kind 'up'"):
        direction_word(1, "up")
    with pytest.raises(ValueError, match="NaN"):
        direction_word([1, float("nan")])
    with pytest.raises(ValueError, match="no values"):
        direction_word([])


# ------------------------------------------------------------------ issue #29 item 4 (outflow and data text)


def test_the_source_of_the_population_change_follows_signs_and_sizes():
    """ "仅相当于人口变化的 349.3%：人口减少几乎全部来自迁移" was printed with natural increase 3.5 times a
    rising population's change; the words now follow the data (SYNTHETIC figures)."""
    from neoutflow.outputs.outflow_report import change_source_words

    shipped = change_source_words(-10_998_181, -319_000)  # 2010→2020: −1,099.8万, natural increase −31.9万
    assert shipped == {
        "ne_natural_increase_qualifier": "只有",
        "ne_natural_increase_share_verb": "仅相当于",
        "ne_change_source_clause": "人口减少几乎全部来自迁移",
    }
    rising = change_source_words(1_170_000, 4_086_000)  # natural increase 349% of a rise: net out-migration
    assert rising["ne_change_source_clause"] == "人口增加主要来自自然增长，迁移为净迁出"
    assert rising["ne_natural_increase_share_verb"] == "相当于" and rising["ne_natural_increase_qualifier"] == "为"
    assert change_source_words(1_000_000, -200_000)["ne_change_source_clause"] == "人口增加主要来自迁移"
    text = (paths.REPORT / "_03_outflow.qmd").read_text(encoding="utf-8")
    assert "几乎全部来自迁移" not in text and "仅相当于" not in text and "只相当于" not in text


def test_ratio_verb_says_only_below_one():
    from neoutflow.outputs.outflow_report import ratio_verb

    assert ratio_verb(0.75) == "只相当于" and ratio_verb(7.07) == "相当于" and ratio_verb(-2.1) == "相当于"
    for chapter in ("_03_outflow.qmd", "_abstract.qmd"):
        assert "只相当于" not in (paths.REPORT / chapter).read_text(encoding="utf-8"), chapter


def test_boundary_and_census_words_come_from_the_data_used():
    from neoutflow.outputs.outflow_report import boundary_words

    shipped = boundary_words(2010, 2020, {2010: 2020, 2020: 2020})
    assert shipped["census_list"] == "2010 年第六次和 2020 年第七次全国人口普查"
    assert "2010 年地级数据按 2020 年行政区划重新归并（例如公主岭市" in shipped["boundary_data_sentence"]
    assert "（2010年已按2020年区划归并）" in shipped["boundary_table_note"]
    assert shipped["limitation_boundaries"].startswith("2010 年和 2020 年普查的“省外流入人口”口径不同；")
    new = boundary_words(2020, 2030, {2020: 2020, 2030: 2030})  # a 2030 census on its own units
    assert new["census_list"] == "2020 年第七次和 2030 年第八次全国人口普查"
    assert "无需归并" in new["boundary_data_sentence"] and "2010" not in "".join(new.values())
    assert "口径不同" not in new["limitation_boundaries"] and "没有记录" in new["limitation_boundaries"]
    methods = (paths.REPORT / "_02_data_methods.qmd").read_text(encoding="utf-8")
    assert "{{< var outflow.census_list >}}" in methods and "{{< var outflow.boundary_data_sentence >}}" in methods
    limits = (paths.REPORT / "_06_limitations.qmd").read_text(encoding="utf-8")
    assert "**口径与区划。** {{< var outflow.limitation_boundaries >}}" in limits
