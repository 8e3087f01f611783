"""Names of regions outside a report's study region, found in its rendered text (issue #26).

A report about another region may name the Northeast only where it says so: in an *explicitly marked
comparison*, a span or div of class ``comparison`` in the chapters (``[原文的论证针对东北]{.comparison}``,
``::: {.comparison}`` around the all-provinces table). The chapters were first written about the Northeast
(the seed paper's region), so its names are the ones a region-neutral rewrite can leave behind: the scan
looks for 东北 and the Northeast provinces outside the configuration's region.

Besides the marked comparisons, two places name regions as data rather than as claims and are not looked in:
table cells (a national ranking lists every province; a table's caption and notes are still scanned) and the
list of references (a source's own title, e.g. the seed paper's).

- HTML: those elements are removed, then the names are looked for in the rest of the body (scripts, styles
  and formulas dropped).
- PDF: the text has no classes, so the scan counts: a name may occur in the PDF at most as often as it occurs
  inside the HTML's marked comparisons (the same sources rendered by the same route). A name the PDF shows
  more often than the marked comparisons hold (an unmarked sentence, a running header, a caption) is reported.
"""

from __future__ import annotations

import re
from collections import Counter

from bs4 import BeautifulSoup

from neoutflow.reference import NORTHEAST, PROVINCE_NAMES, SEED_PAPER_REGION

COMPARISON = "comparison"
# marked comparisons, table cells and the references: where a name is not a claim about the region
ALLOWED = f".{COMPARISON}, td, th, #refs"


def foreign_names(region_provinces, region_name: str, inside_names=()) -> list[str]:
    """The names a report about ``region_provinces`` may use only in marked comparisons: the seed region's
    name (unless it is the region's own) and each Northeast province outside the region. A name that is part
    of a unit inside the region (``inside_names``, e.g. its prefectures: 吉林市 in Jilin) is not looked for."""
    region = {str(c) for c in region_provinces}
    names = [] if sorted(region) == sorted(NORTHEAST) or region_name == SEED_PAPER_REGION else [SEED_PAPER_REGION]
    names += [PROVINCE_NAMES[c] for c in NORTHEAST if c not in region]
    inside = [str(n) for n in inside_names]
    return [n for n in names if not any(n in i for i in inside)]


def _body(html: str) -> BeautifulSoup:
    soup = BeautifulSoup(html, "lxml")
    body = soup.body or soup
    for tag in body.find_all(["script", "style", "math"]):
        tag.decompose()
    return body


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def occurrences(text: str, name: str) -> list[int]:
    """Where ``name`` starts in ``text``, leaving out a match that straddles another province's name: with
    the spaces between table cells gone, "广东 北京" reads 广东北京, whose 东北 is neither region."""
    others = [n for n in PROVINCE_NAMES.values() if n != name and name not in n]
    taken = [(m.start(), m.end()) for n in others for m in re.finditer(re.escape(n), text)]
    found = []
    for m in re.finditer(re.escape(name), text):
        inside = any(a <= m.start() and m.end() <= b for a, b in taken)
        straddles = any(a < m.end() and m.start() < b for a, b in taken)
        if inside or not straddles:
            found.append(m.start())
    return found


def comparison_counts(html: str, names) -> Counter:
    """How often each name occurs inside the HTML's marked comparisons (and table cells, references)."""
    body = _body(html)
    counts: Counter = Counter()
    marked = body.select(ALLOWED)
    outermost = [el for el in marked if not any(p in marked for p in el.parents)]
    for el in outermost:
        text = _flat(el.get_text(" "))
        for n in names:
            counts[n] += len(occurrences(text, n))
    return counts


def unmarked_in_html(html: str, names, context: int = 30) -> list[str]:
    """Each occurrence of a name outside the marked comparisons, with its context."""
    body = _body(html)
    for el in body.select(ALLOWED):
        if not el.decomposed:
            el.decompose()
    text = _flat(body.get_text(" "))
    return [f"{n}: …{text[max(0, p - context) : p + len(n) + context]}…" for n in names for p in occurrences(text, n)]


def unmarked_in_pdf(pdf_text: str, html: str, names, context: int = 30) -> list[str]:
    """The names the PDF shows more often than the HTML's marked comparisons hold, with every place they
    occur in the PDF (the extra ones are among them)."""
    allowed = comparison_counts(html, names)
    text = _flat(pdf_text)
    found = []
    for n in names:
        places = occurrences(text, n)
        if len(places) > allowed[n]:
            shown = "; ".join(f"…{text[max(0, p - context) : p + len(n) + context]}…" for p in places)
            found.append(f"{n}: {len(places)} in the PDF, {allowed[n]} in marked comparisons: {shown}")
    return found
