"""The scan for region names outside a report's study region (tests/support/region_scan.py), on hand-made pages."""

from __future__ import annotations

from region_scan import comparison_counts, foreign_names, occurrences, unmarked_in_html, unmarked_in_pdf

NORTHWEST = ["610000", "620000", "630000", "640000", "650000"]

PAGE = """<html><body>
<h1>论点</h1>
<p><span class="comparison">原文的论证针对东北：辽宁、吉林和黑龙江</span>。本报告把检验用于西北。</p>
<div class="comparison"><p>黑龙江省 −8.8</p></div>
<table><caption>各省份</caption><tr><td>吉林</td><td>1.0</td></tr></table>
<div id="refs"><p>张云龙. 以人口高质量发展推动东北全面振兴的对策研究</p></div>
<script>var x = "东北";</script>
</body></html>"""


def test_the_names_looked_for_follow_the_region():
    assert foreign_names(NORTHWEST, "西北") == ["东北", "辽宁", "吉林", "黑龙江"]
    assert foreign_names(["210000", "220000", "230000"], "东北") == []
    # a region with one Northeast province: the other two and the name 东北
    assert foreign_names(["220000", "150000"], "吉蒙") == ["东北", "辽宁", "黑龙江"]
    # a name inside the region's own units is not looked for
    assert foreign_names(NORTHWEST, "西北", inside_names=["吉林路社区"]) == ["东北", "辽宁", "黑龙江"]


def test_marked_comparisons_are_allowed_and_counted():
    names = foreign_names(NORTHWEST, "西北")
    assert unmarked_in_html(PAGE, names) == []
    counts = comparison_counts(PAGE, names)
    assert counts == {"东北": 2, "辽宁": 1, "吉林": 2, "黑龙江": 2}  # with the table cell and the reference


def test_an_unmarked_name_is_reported_in_html_and_pdf():
    names = foreign_names(NORTHWEST, "西北")
    page = PAGE.replace("本报告把检验用于西北。", "本报告把检验用于西北，与东北三省相比。")
    found = unmarked_in_html(page, names)
    assert len(found) == 1 and found[0].startswith("东北:")
    pdf = (
        "论点\n原文的论证针对东北：辽宁、吉林和黑\n龙江。本报告把检验用于西北。\n黑龙江省 −8.8\n西北人口外流 东北 东北"
    )
    found = unmarked_in_pdf(pdf, PAGE, names)
    assert len(found) == 1 and found[0].startswith("东北: 3 in the PDF, 2 in marked comparisons")
    assert unmarked_in_pdf(pdf.removesuffix(" 东北"), PAGE, names) == []
    # a caption is text: a name there is reported
    assert unmarked_in_html(PAGE.replace("<caption>各省份", "<caption>东北各省份"), names)


def test_a_name_glued_across_table_cells_is_not_a_region():
    """广东 | 北京 squeezed reads 广东北京; its 东北 straddles two provinces' names and is not counted."""
    assert occurrences("新疆（西北）广东北京江苏", "东北") == []
    assert occurrences("东北三省与广东", "东北") == [0]
    # a Northeast province inside a longer name is still that province (吉林 in 吉林省)
    assert occurrences("吉林省", "吉林") == [0]
