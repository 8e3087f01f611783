"""Number typography (report/typeset.lua, run through pandoc; neoutflow.formatting for the
figures' own text), table column widths for the PDF (report/typst-tables.lua) and figure text
sizes (outputs.style)."""

from __future__ import annotations

import re

import pytest
from lua_filters import run, text_of

from neoutflow.formatting import MINUS, RANGE_DASH, format_p, format_range, typographic


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("−1,099.8（-10.04%）", "−1,099.8（−10.04%）"),
        ("-115.5", "−115.5"),
        ("(-0.123)", "(−0.123)"),
        ("[-1.2, 3.4]", "[−1.2, 3.4]"),
        ("2010—2020", "2010–2020"),
        ("2010年—2020年", "2010年–2020年"),
        ("30-34 岁", "30–34 岁"),
        ("0.5～1.2", "0.5–1.2"),
        ("p = 0.000", "p\u00a0<\u00a00.001"),
        ("p=0.0000", "p\u00a0<\u00a00.001"),
        ("2024-01-01", "2024-01-01"),  # ISO dates keep their hyphens
        ("HC3-1", "HC3-1"),  # identifiers too
        ("100 - 20", "100 - 20"),  # a spaced hyphen is not a range
        ("残差法 − 存活比法", "残差法 − 存活比法"),
    ],
)
def test_typographic(raw, shown, tmp_path):
    assert text_of(raw + "\n", tmp_path, filters=("typeset.lua",)) == shown  # what the report shows
    assert typographic(raw) == shown  # the figures' labels follow the same rules


def test_metadata_is_never_touched(tmp_path):
    import json

    from neoutflow.render import pandoc

    src = "---\ncsl: build/csl/gb-t-7714-2015-numeric.csl\nx: 2010-2020\n---\n\n2010-2020\n"
    out = json.loads(
        pandoc.run_pandoc(
            ["-f", "markdown", "-t", "json", f"--lua-filter={pandoc.LUA / 'typeset.lua'}"], src, tmp_path, "t"
        )
    )
    assert out["meta"]["x"]["c"][0]["c"] == "2010-2020"
    assert "7714-2015" in json.dumps(out["meta"]["csl"]) and "2010–2020" in json.dumps(
        out["blocks"], ensure_ascii=False
    )


def test_ranges_and_p_values_whichever_way_the_values_were_inserted(tmp_path):
    src = "{{< var a >}}—{{< var b >}} 年；（p = {{< var p >}}）；{{< var r >}}\n"
    variables = {"a": 2010, "b": "2020", "p": "0.000", "r": "30-34"}
    assert text_of(src, tmp_path, variables=variables) == "2010–2020 年；（p\u00a0<\u00a00.001）；30–34"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("净迁移为 {{< var a >}} 的一半", "净迁移为 −956.9\u00a0万的一半"),  # no CJK–space–CJK
        ("在 {{< var a >}} 至 {{< var b >}} 之间", "在 −956.9\u00a0万至 −340.5\u00a0万之间"),
        (
            "p 值（p = {{< var p >}}，N = 31）",
            "p 值（p\u00a0=\u00a00.841，N\u00a0=\u00a031）",
        ),
        ("变化 −1,099.8 万（-10.04%）", "变化 −1,099.8\u00a0万（−10.04%）"),
        ("见 @tbl-a 与 第 3 节", "见表 1 与第 3 节"),
        # a unit inserted against its number is set apart as the prose sets it ("76.5 岁"), not 年 of a header
        (
            "辽宁 {{< var age >}}、{{< var multiple >}}、{{< var points >}}，2010年",
            "辽宁 76.38\u00a0岁、6.5\u00a0倍、+1.8\u00a0个百分点，2010年",
        ),
    ],
)
def test_spaces_around_inserted_values(raw, shown, tmp_path):
    """What a Chinese journal sets: no space between two CJK characters or before a cross-reference, a
    no-break space between a number and 万 (or 岁, 倍, 个) and around "=" in "p = x" (so neither is broken at a
    line end)."""
    src = raw + "\n\n| 甲 |\n|---|\n| 乙 |\n\n: 示例 {#tbl-a}\n"
    variables = {"a": "-956.9万", "b": "-340.5 万", "p": "0.841", "age": "76.38岁", "multiple": "6.5倍"}
    variables["points"] = "+1.8个百分点"
    assert text_of(src, tmp_path, variables=variables).splitlines()[0] == shown
    assert not re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", shown)


def test_thousands_from_four_digits_but_not_in_year_or_code_columns(tmp_path):
    src = (
        "| 地区 | 年份 | 人数 | 代码 | 比值 |\n|---|---|---|---|---|\n"
        "| 甲 | 2010 | 9890 | 210000 | (1234.5)** |\n| 丙 | 2015 | −1234 | 230000 | （1234）* |\n| 乙 | 2020 | 11965 | 220000 | 0.5 |\n"
    )
    rows = [line.split() for line in text_of(src, tmp_path).splitlines()[2:5]]
    assert rows == [
        ["甲", "2010", "9,890", "210000", "(1,234.5)**"],
        ["丙", "2015", "−1,234", "230000", "（1,234）*"],
        ["乙", "2020", "11,965", "220000", "0.5"],
    ]


def test_one_minus_and_one_dash():
    assert MINUS == "\u2212" and RANGE_DASH == "\u2013"
    assert format_range(-1, 2.5, 1) == "−1.0–2.5"


def test_format_p():
    assert format_p(0.0004) == "p < 0.001"
    assert format_p(0.0421) == "p = 0.042"
    assert format_p(0.0004, digits=2) == "p < 0.01"


def test_cjk_fonts_have_the_minus_sign_and_the_range_dash():
    from fontTools.ttLib import TTFont

    from neoutflow.render.webfont import font_file

    for family in ("Noto Sans CJK SC", "Noto Serif CJK SC"):
        cmap = TTFont(str(font_file(family)), fontNumber=0).getBestCmap()
        assert 0x2212 in cmap and 0x2013 in cmap, family


# The test's own yardstick of a text's width in ems: CJK characters 1, others about 0.55.
def _width(text: str) -> float:
    return sum(1.0 if "\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" else 0.55 for ch in text)


def _columns(header: list[str], body: list[list[str]], tmp_path) -> list[float]:
    """The column widths (fractions of the text width) typst-tables.lua gives a table."""
    rows = [header, ["---"] * len(header), *body]
    md = "".join("| " + " | ".join(r) + " |\n" for r in rows)
    typ = run(md, tmp_path, to="typst", filters=("quarto-compat.lua", "typeset.lua", "typst-tables.lua"))
    columns = re.search(r"columns: \(0%, ([^)]*)\)", typ).group(1)
    return [float(w.strip().rstrip("%")) / 100 for w in columns.split(",")]


MEASURE_EM = 51.4  # the PDF's measure in ems of table text (typst-tables.lua)


def test_column_widths_keep_names_whole_and_headers_balanced(tmp_path):
    header = ["地区"] + [f"2010–2020年第{i}项指标变化（万人）" for i in range(6)]
    body = [["新疆维吾尔自治区"] + ["−1,234.5"] * 6, ["大兴安岭地区"] + ["1.0"] * 6]
    widths = _columns(header, body, tmp_path)
    assert sum(widths) <= 1.0 + 1e-6
    room = [w * MEASURE_EM - 0.9 for w in widths]
    assert room[0] >= _width("新疆维吾尔自治区")  # the name is not split
    assert all(r >= _width("−1,234.5") for r in room[1:])  # numbers are not split
    assert all(r >= 2.0 for r in room)  # never one character a line


def test_column_widths_let_running_text_wrap(tmp_path):
    long = "每十万人口中大专及以上学历人数；15岁及以上人口平均受教育年限；每百万人口普通高校数"
    widths = _columns(["建议", "变量", "检验"], [["全年龄段教育链条", long, "第 4 节，第 5 节"]], tmp_path)
    assert sum(widths) <= 1.0 + 1e-6
    assert widths[1] > widths[0]  # the text column gets the room left


def test_figure_text_at_least_7pt_at_printed_width():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.text import Text

    from neoutflow.outputs import style

    style.use()
    fig, ax = plt.subplots(figsize=(9.6, 4))  # shrunk to 6.3 in in the PDF
    ax.plot([-1, 1], [-2, 2])
    ax.set_xlabel("标签", fontsize=6)
    ax.annotate("点", (0, 0), fontsize=5)
    style.enforce_min_text(fig)
    fig.canvas.draw()
    scale = style.printed_scale(fig)
    sizes = [t.get_fontsize() * scale for t in fig.findobj(Text) if t.get_text()]
    assert min(sizes) >= style.MIN_PT - 1e-6
    assert any(MINUS in t.get_text() for t in ax.get_yticklabels())  # axes use U+2212
    plt.close(fig)


def test_place_labels_do_not_overlap():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from neoutflow.outputs import style

    style.use()
    fig, ax = plt.subplots(figsize=(4, 3))
    xs, ys = [0, 0.01, 0.02, 0.03], [0, 0.01, 0.0, 0.01]
    ax.scatter(xs, ys)
    ax.set_xlim(-1, 1)
    ax.set_ylim(-1, 1)
    labels = style.place_labels(ax, xs, ys, ["辽宁", "吉林", "黑龙江", "内蒙古"])
    renderer = fig.canvas.get_renderer()
    from matplotlib.text import Text

    boxes = [Text.get_window_extent(a, renderer) for a in labels]  # the text, not its leader line
    overlaps = sum(boxes[i].overlaps(boxes[j]) for i in range(len(boxes)) for j in range(i))
    assert overlaps == 0
    plt.close(fig)


def test_tick_labels_follow_the_tables_number_rules():
    from neoutflow.formatting import tick_labels

    assert tick_labels([0, 2500, 5000, 7500]) == ["0", "2,500", "5,000", "7,500"]
    assert tick_labels([-0.5, 0.0, 0.5]) == ["\u22120.5", "0.0", "0.5"]
    assert tick_labels([2010, 2015, 2020]) == ["2010", "2015", "2020"]  # years keep their digits
    assert tick_labels([8000, 8500, 9000.0]) == ["8,000", "8,500", "9,000"]


def test_figure_axes_get_the_tables_formatter():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from neoutflow.outputs.style import number_axes

    fig, ax = plt.subplots()
    ax.plot([2010, 2035], [8000, 11000])
    assert number_axes(fig) == 2
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert "10,000" in labels and all("," not in t.get_text() for t in ax.get_xticklabels())
    plt.close(fig)


def test_list_zh():
    from neoutflow.formatting import list_zh

    assert list_zh([]) == ""
    assert list_zh(["甲"]) == "甲"
    assert list_zh(["甲", "乙"]) == "甲和乙"
    assert list_zh(["甲", "乙", "丙"]) == "甲、乙和丙"


def test_a_floated_table_in_a_plain_div_floats_on_the_page(tmp_path):
    """Typst places a float inside a #block within that block (the `.comparison` mark around the
    all-provinces table left a page 66% empty): a Div without an identifier around a floated table is
    unwrapped; a Div with an identifier keeps its block."""
    table = "| 省份 | 净迁移 |\n|---|---|\n| 辽宁省 | −1.0 |\n\n: 表 5：各省份\n"
    filters = ("quarto-compat.lua", "typeset.lua", "typst-tables.lua")
    plain = run(f"::: {{.comparison}}\n{table}:::\n", tmp_path, to="typst", filters=filters)
    assert "#place(auto, float: true" in plain and "#block[" not in plain
    named = run(f"::: {{#kept .comparison}}\n{table}:::\n", tmp_path, to="typst", filters=filters)
    assert "#place(auto, float: true" in named and "#block[" in named


def test_typst_may_break_a_list_before_a_signed_number(tmp_path):
    """Typst does not break between 、 and a minus sign: a list of negative numbers would stretch its line to
    hold the whole list. The PDF gets a zero-width space there; the HTML is left as it is."""
    src = "依次为 {{< var a >}}、{{< var b >}}；自身为 {{< var c >}}，{{< var d >}}\n"
    variables = {"a": "-3.7%", "b": "-1.5%", "c": "+1.5%", "d": "2.0%"}
    typst = text_of(src, tmp_path, variables=variables, to="typst")
    assert "−3.7%、\u200b−1.5%；自身为 +1.5%，2.0%" in typst
    assert "\u200b" not in text_of(src, tmp_path, variables=variables)
