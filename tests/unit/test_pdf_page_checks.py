"""The printed-page checks of tests/support/pdf_pages.py (run on the built PDFs by
tests/integration/test_pdf_pages.py) flag each fault issue 28 found, on hand-made pages
(words at their positions, in points, as pdftotext reports them), and pass a clean page; a body
page more than a fifth empty is flagged unless a chapter ends on it."""

from __future__ import annotations

import pytest
from pdf_pages import Word, empty_pages, empty_share, header_words, page_problems

H = 10.5  # the body text's height, pt


def line(y: float, *words: tuple[float, str], height: float = H) -> list[Word]:
    """Words on one line at ``y``: (x, text), each character about one ``height`` wide (CJK)."""
    return [Word(t, x, y, x + height * len(t), y + height) for x, t in words]


RUNNING = line(40.0, (68.0, "东北人口外流"), (470.0, "3"), (480.0, "人口外流的事实"))
CAPTION = line(80.0, (68.0, "表 8：分年龄段净迁移率"))
NOTE = line(200.0, (68.0, "注：位次为净迁出率由高到低的位次。"))
HEADERS = ["省份", "全国中位数", "60岁及以上期望（%）", "全国 中位数"]

BAD_PAGES = {
    "header broken inside a word": [
        RUNNING,
        CAPTION,
        line(100.0, (68.0, "省份"), (300.0, "全国中"), height=9.0),
        line(110.0, (302.0, "位数"), height=9.0),
        NOTE,
    ],
    "note without its table": [RUNNING, line(100.0, (68.0, "正文一行。")), NOTE],
    "running header 目录": [line(40.0, (68.0, "东北人口外流"), (480.0, "目录")), line(100.0, (68.0, "摘要"))],
    "space between CJK characters": [RUNNING, line(100.0, (68.0, "净迁移为 −956.9 万"), (207.5, "的一半"))],
    "line starting with 万": [RUNNING, line(100.0, (68.0, "净迁移为 −340.5")), line(117.0, (68.0, "万，占比"))],
    "line starting with =": [RUNNING, line(100.0, (68.0, "（p")), line(117.0, (68.0, "= 0.841）"))],
}


@pytest.mark.parametrize("fault", sorted(BAD_PAGES))
def test_each_fault_is_flagged(fault):
    problems = page_problems([BAD_PAGES[fault]], HEADERS)
    assert len(problems) == 1, problems


def test_a_clean_page_passes():
    page = [
        RUNNING,
        CAPTION,
        # a header broken where its source allows it ("全国 中位数": 全国 / 中位数), table columns apart
        line(100.0, (68.0, "省份"), (150.0, "全国"), (300.0, "60 岁及以上"), height=9.0),
        line(110.0, (150.0, "中位数"), (300.0, "期望（%）"), height=9.0),
        line(125.0, (68.0, "辽宁省"), (150.0, "−0.90"), (300.0, "−0.26"), height=9.0),
        NOTE,
        line(230.0, (68.0, "净迁移为"), (112.6, "−956.9"), (150.0, "万的一半，第"), (215.0, "3"), (223.0, "节")),
    ]
    assert page_problems([page], ["省份", "全国 中位数", "60 岁及以上 期望（%）"]) == []


def test_contents_pages_may_show_their_title():
    dots = " ".join(". " * 8 for _ in range(1))
    page = [line(40.0, (68.0, "目录"))] + [line(100.0 + 17 * k, (68.0, f"{k} 章 {dots} {k}")) for k in range(4)]
    assert page_problems([page], []) == []


def test_header_words_are_the_pieces_between_break_points():
    assert header_words(["60 岁及以上 期望（%）", "存活比法/残差法", "(1) 基准", "2010年常住人口（万人）"]) == {
        "岁及以上",
        "期望",
        "存活比法",
        "残差法",
        "基准",
        "常住人口",
        "（万人）",
    }


def _chapter_pages(*bodies):
    """Pages of running text 70–770 pt high; ``bodies`` gives each page's (top, bottom) of text below a
    chapter heading on the first page; the last page is exempt (the end of the report)."""
    heading = line(71.0, (68.0, "1 人口外流的事实"), height=2 * H)
    doc = []
    for k, (top, bottom) in enumerate(bodies):
        rows = [line(y, (68.0, "正文一行正文一行。")) for y in range(int(top), int(bottom) - int(H), 17)]
        doc.append([RUNNING, *([heading] if k == 0 else []), *rows, line(791.0, (300.0, str(k + 1)))])
    return doc


def test_a_page_more_than_a_fifth_empty_is_flagged():
    doc = _chapter_pages((100, 770), (80, 480), (80, 770), (80, 770))
    (problem,) = empty_pages(doc, [[] for _ in doc])
    assert problem.startswith("page 2: 4") and problem.endswith("% of the text area empty")
    # the same page with an image where the gap was is full
    assert empty_pages(doc, [[], [(480.0, 770.0)], [], []]) == []


def test_a_chapters_last_page_may_end_early():
    doc = _chapter_pages((100, 770), (80, 300), (80, 770))
    doc[2].insert(1, line(71.0, (68.0, "2 外流的成因"), height=2 * H))
    assert empty_pages(doc, [[] for _ in doc]) == []


def test_empty_share_is_the_longest_uncovered_run():
    assert empty_share([(0.0, 10.0), (30.0, 40.0), (35.0, 90.0)], 0.0, 100.0) == pytest.approx(0.2)
    assert empty_share([], 0.0, 100.0) == 1.0


def test_a_float_above_its_own_chapter_heading_is_flagged():
    from pdf_pages import chapter_of_captions, floats_above_their_chapter

    owner = chapter_of_captions(
        "<body><h1>10 局限</h1><p>表 29：情景</p><h1><span>11</span> 结论</h1><p>表&nbsp;30：对照</p></body>"
    )
    assert owner == {("表", 29): 10, ("表", 30): 11}
    body = [line(100, (72, "正文正文正文"))] * 30  # the body text (height H) is the most common

    def page(*captions_and_heading):
        return [line(40, (72, "东北人口外流")), *body[:5], *captions_and_heading, *body[:5]]

    previous = [line(200, (72, "表 29：情景")), line(300, (72, "11 结论"), height=20)]
    own = [line(200, (72, "表 30：对照")), line(300, (72, "11 结论"), height=20)]
    below = [line(200, (72, "11 结论"), height=20), line(300, (72, "表 30：对照"))]
    assert floats_above_their_chapter([page(*previous), page(*below)], owner) == []
    assert floats_above_their_chapter([page(*own)], owner) == ["page 1: 表 30 above the heading of its chapter 11"]
