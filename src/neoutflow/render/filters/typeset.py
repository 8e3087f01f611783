"""Typesetting of the pandoc AST for the registry-only route (a panflute filter).

Both formats:

- a bare number of five or more digits in a table body gets thousands separators, except in a column of
  identifiers (header :data:`IDENTIFIER_HEADERS`, e.g. region codes);
- every text run gets the report's number typography (:func:`neoutflow.formatting.typographic`:
  U+2212 minus, one range dash, ``p < 0.001``), so prose, tables and captions agree whatever
  wrote them; code is left as typed.

Typst (PDF):

- column widths are computed from the cells (:func:`column_widths`): a body cell never wraps
  unless its column holds running text, and a header wraps into balanced lines (never one
  character on a line);
- a regression table's coefficient row and its standard-error row share one unbreakable
  label cell (``rowspan: 2``), so a page break never separates them;
- a zero-width first column groups the first three and the last three body rows in unbreakable
  cells, so a continued table leaves at least three rows on each page; a table short enough to
  fit on a page is not broken at all. The header row repeats on every page (Typst's default).

HTML: every table sits in a ``<div class="table-scroll">`` that scrolls sideways on a narrow
screen instead of the page.
"""

from __future__ import annotations

import math
import re

import panflute as pf

from neoutflow.formatting import typographic

# The PDF's measure in ems of table text: A4 text width 16.2 cm (459 pt) at 0.85 × 10.5 pt.
TABLE_MEASURE_EM = 51.4
CELL_PAD_EM = 0.9  # left + right inset of a cell (report.typ: 0.45em each)
TEXT_COLUMN_EM = 14.0  # a column whose widest cell is longer than this holds running text
MIN_TEXT_COLUMN_EM = 7.0
SAFETY_EM = 0.5
SHORT_TABLE_LINES = 30  # at most this many lines: the table is kept on one page
EDGE_ROWS = 3  # no page of a continued table holds fewer rows

_CJK = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[0-9A-Za-z.,%+\-−–()/]+")


def text_width(text: str) -> float:
    """Width of ``text`` in ems (CJK and full-width characters 1, Latin and digits about 0.55)."""
    width = 0.0
    for ch in text:
        if _CJK.match(ch):
            width += 1.0
        elif ch == " ":
            width += 0.3
        elif ch in "il.,:;'|()[]":
            width += 0.3
        else:
            width += 0.56
    return width


def longest_unbreakable(text: str) -> float:
    """Width of the longest run that cannot be broken (a Latin word or number)."""
    return max((text_width(m.group()) for m in _LATIN_WORD.finditer(text)), default=1.0)


def _balanced(head: float, floor: float, lines: int, word: float) -> float:
    """Width for a header in ``lines`` balanced lines: a line a character longer than the mean
    (breaks fall between characters), never narrower than its longest Latin word or the body."""
    return max(floor, word + 0.3, head / lines + 1.2)


def column_widths(
    header: list[str], body: list[list[str]], measure: float = TABLE_MEASURE_EM, pad: float = CELL_PAD_EM
) -> list[float]:
    """Column widths (fractions of the text width, summing to at most 1) for a table.

    Body cells keep their natural width (names like 新疆维吾尔自治区 never wrap) unless the
    column holds running text; headers get their natural width when everything fits,
    otherwise they wrap into as few balanced lines as needed, at least two characters a line.
    """
    n = len(header)
    cols = [[row[i] for row in body if i < len(row)] for i in range(n)]
    # (+ a safety margin: a cell exactly as wide as its text may still break)
    natural = [max((text_width(c) for c in col), default=0.0) + SAFETY_EM for col in cols]
    head = [text_width(h) * 1.04 for h in header]  # headers are set in the (wider) sans face
    slack = [longest_unbreakable(h) for h in header]
    text_col = [nat > TEXT_COLUMN_EM for nat in natural]
    floor = [MIN_TEXT_COLUMN_EM if t else max(nat, 2.0) for nat, t in zip(natural, text_col)]
    room = measure - pad * n
    widths = [max(nat, h) for nat, h in zip(natural, head)]
    lines = [1] * n
    # 1. wrap the headers, the widest first, into balanced lines
    while sum(widths) > room:
        gains = []
        for i in range(n):
            if text_col[i] or head[i] / (lines[i] + 1) < 2.0:  # running text gives room in step 2
                gains.append(0.0)
                continue
            gains.append(widths[i] - _balanced(head[i], natural[i], lines[i] + 1, slack[i]))
        best = max(range(n), key=lambda i: gains[i]) if n else 0
        if not n or gains[best] <= 0.01:
            break
        lines[best] += 1
        widths[best] = _balanced(head[best], natural[best], lines[best], slack[best])
    # 2. running-text columns give up room, down to their floor
    excess = sum(widths) - room
    if excess > 0:
        give = [max(0.0, w - f) if t else 0.0 for w, f, t in zip(widths, floor, text_col)]
        if sum(give) > 0:
            share = min(1.0, excess / sum(give))
            widths = [w - g * share for w, g in zip(widths, give)]
    # 3. last resort: everything in proportion
    total = sum(widths)
    if total > room:
        widths = [w * room / total for w in widths]
    return [math.floor((w + pad) / measure * 1e4) / 1e4 for w in widths]  # rounded down: sum <= 1


def _cell_text(cell: pf.TableCell) -> str:
    return pf.stringify(cell).strip()


def _rows(table: pf.Table) -> tuple[list[pf.TableRow], list[pf.TableRow]]:
    head = list(table.head.content) if table.head else []
    body = [row for b in table.content for row in b.content]
    return head, body


def _pair_standard_errors(body: list[pf.TableRow]) -> int:
    """Give each coefficient row's label cell ``rowspan: 2`` over the standard-error row beneath."""
    pairs = 0
    for upper, lower in zip(body, body[1:]):
        if len(upper.content) < 2 or len(lower.content) != len(upper.content):
            continue
        label, lower_label = upper.content[0], lower.content[0]
        if label.rowspan != 1 or not _cell_text(label) or _cell_text(lower_label):
            continue
        rest = [_cell_text(c) for c in lower.content[1:]]
        if any(rest) and all(not t or t.startswith("(") for t in rest):
            label.rowspan = 2
            del lower.content[0]
            pairs += 1
    return pairs


def _estimated_lines(header: list[str], body: list[list[str]], widths: list[float]) -> int:
    def lines(text: str, frac: float) -> int:
        room = max(1.0, frac * TABLE_MEASURE_EM - CELL_PAD_EM)
        return max(1, math.ceil(text_width(text) / room - 1e-9))

    head = max((lines(h, w) for h, w in zip(header, widths)), default=1)
    return head + sum(max((lines(c, w) for c, w in zip(row, widths)), default=1) for row in body)


def _group_edge_rows(table: pf.Table, body: list[pf.TableRow]) -> None:
    """Add the zero-width first column whose cells bind the first and last rows together."""
    n = len(body)
    spans: dict[int, int] = {}
    if n >= 2 * EDGE_ROWS + 1:
        spans = {0: EDGE_ROWS, n - EDGE_ROWS: EDGE_ROWS}
    covered: set[int] = set()
    for start, span in spans.items():
        covered.update(range(start + 1, start + span))
    for i, row in enumerate(body):
        if i in covered:
            continue
        row.content.insert(0, pf.TableCell(rowspan=spans.get(i, 1)))
    for row in table.head.content if table.head else []:
        row.content.insert(0, pf.TableCell())
    table.colspec = [("AlignLeft", 0.0), *table.colspec]


def typeset_table_typst(table: pf.Table) -> list[pf.Element]:
    """The table with widths, coefficient/SE pairs and edge-row groups, wrapped in ``#neo-table``."""
    head_rows, body = _rows(table)
    header = [_cell_text(c) for c in head_rows[-1].content] if head_rows else []
    cells = [[_cell_text(c) for c in row.content] for row in body]
    ncols = len(table.colspec)
    header += [""] * (ncols - len(header))
    widths = column_widths(header, cells)
    table.colspec = [(align, w) for (align, _), w in zip(table.colspec, widths)]
    short = _estimated_lines(header, cells, widths) <= SHORT_TABLE_LINES
    _pair_standard_errors(body)
    _group_edge_rows(table, body)
    opening = "#neo-table(breakable: " + ("false" if short else "true") + ")["
    return [_raw_typst(opening), table, _raw_typst("]")]


def _raw_typst(text: str) -> pf.RawBlock:
    block = pf.RawBlock(text, format="latex")
    block.format = "typst"  # panflute's list of raw formats predates Typst
    return block


def _typography(elem, doc):
    if isinstance(elem, pf.Str):
        new = typographic(elem.text)
        # "p = 0.000" spread over three words: p, =, 0.000
        zero = re.match(r"0\.0+(?![0-9])(.*)", new, re.S)
        if zero:
            eq = elem.prev.prev if isinstance(elem.prev, pf.Space) else elem.prev
            pee = None
            if isinstance(eq, pf.Str) and eq.text in ("=", "p="):
                pee = eq if eq.text == "p=" else (eq.prev.prev if isinstance(eq.prev, pf.Space) else eq.prev)
            if (
                isinstance(pee, pf.Str)
                and pee.text.lower().endswith("p")
                or (isinstance(eq, pf.Str) and eq.text == "p=")
            ):
                eq.text = eq.text.replace("=", "<")
                new = "0.001" + zero.group(1)
        if new != elem.text:
            elem.text = new


_BARE_NUMBER = re.compile(r"([−-]?)(\d{5,})(\.\d+)?")
# Table columns of identifiers, not quantities: their numbers are never grouped (210100, not 210,100).
IDENTIFIER_HEADERS = ("代码", "区划代码", "地区代码", "code")


def _thousands(elem, doc):
    """A table cell's bare number of five or more digits gets thousands separators (11965 → 11,965)."""
    if isinstance(elem, pf.Str):
        m = _BARE_NUMBER.fullmatch(elem.text)
        if m:
            elem.text = f"{m.group(1)}{int(m.group(2)):,}{m.group(3) or ''}"


def apply(doc: pf.Doc, fmt: str) -> None:
    """Typeset ``doc`` for ``fmt`` (``typst`` or ``html``) in place."""

    def bodies(elem, doc):
        if isinstance(elem, pf.Table):
            heads = [pf.stringify(c).strip() for row in elem.head.content for c in row.content][: elem.cols]
            skip = {j for j, h in enumerate(heads) if h in IDENTIFIER_HEADERS}
            for body in elem.content:
                for row in body.content:
                    for j, cell in enumerate(row.content):
                        if j not in skip:
                            cell.walk(_thousands)

    doc.walk(bodies)
    doc.walk(_typography)

    def tables(elem, doc):
        if isinstance(elem, pf.Table):
            if fmt == "typst":
                return typeset_table_typst(elem)
            if fmt == "html":
                return pf.Div(elem, classes=["table-scroll"])
        return None

    doc.walk(tables)
