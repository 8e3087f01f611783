"""Number typography written once (neoutflow.formatting), table column widths for the PDF
(render.filters.typeset) and figure text sizes (outputs.style)."""

from __future__ import annotations

import pytest

from neoutflow.formatting import MINUS, RANGE_DASH, format_p, format_range, typographic
from neoutflow.render.filters.typeset import TABLE_MEASURE_EM, column_widths, text_width


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("−1,099.8 万（-10.04%）", "−1,099.8 万（−10.04%）"),
        ("-115.5", "−115.5"),
        ("(-0.123)", "(−0.123)"),
        ("[-1.2, 3.4]", "[−1.2, 3.4]"),
        ("2010—2020", "2010–2020"),
        ("2010年—2020年", "2010年–2020年"),
        ("30-34 岁", "30–34 岁"),
        ("0.5～1.2", "0.5–1.2"),
        ("p = 0.000", "p < 0.001"),
        ("p=0.0000", "p < 0.001"),
        ("2024-01-01", "2024-01-01"),  # ISO dates keep their hyphens
        ("HC3-1", "HC3-1"),  # identifiers too
        ("100 - 20", "100 - 20"),  # a spaced hyphen is not a range
        ("残差法 − 存活比法", "残差法 − 存活比法"),
    ],
)
def test_typographic(raw, shown):
    assert typographic(raw) == shown


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


def test_column_widths_keep_names_whole_and_headers_balanced():
    header = ["地区"] + [f"2010–2020年第{i}项指标变化（万人）" for i in range(6)]
    body = [["新疆维吾尔自治区"] + ["−1,234.5"] * 6, ["大兴安岭地区"] + ["1.0"] * 6]
    widths = column_widths(header, body)
    assert sum(widths) <= 1.0 + 1e-6
    room = [w * TABLE_MEASURE_EM - 0.9 for w in widths]
    assert room[0] >= text_width("新疆维吾尔自治区")  # the name is not split
    assert all(r >= text_width("−1,234.5") for r in room[1:])  # numbers are not split
    assert all(r >= 2.0 for r in room)  # never one character a line


def test_column_widths_let_running_text_wrap():
    long = "每十万人口中大专及以上学历人数；15岁及以上人口平均受教育年限；每百万人口普通高校数"
    widths = column_widths(["建议", "变量", "检验"], [["全年龄段教育链条", long, "第 4 节，第 5 节"]])
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
