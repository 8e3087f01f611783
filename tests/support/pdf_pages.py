"""The printed page as a reader sees it: each PDF page's words with their positions (poppler's
``pdftotext -bbox-layout``), and the checks of issue 28's first acceptance bullet on them:

- a table header is never broken inside a word (the words of a header are what its source says:
  pieces between spaces, brackets, "/" and "、"; a break inside one is flagged);
- every table note (a paragraph opening "注：") has its table on the same page: a caption
  "表 N：" or "续表 N" above it;
- the running header shows "目录" only on the contents' own pages;
- no space between two CJK characters in a line of text;
- no line of the body starts with "万" or "=";
- no body page is more than a fifth empty (the longest run of the text area with neither text nor
  an image), except a chapter's last pages (no running text follows before the next chapter: its
  floats may stand alone), the front matter before the first numbered chapter and the
  reproducibility appendix's listings (附录 B on).

Independent of the renderer: it reads only the PDF (words with pdftotext, images' places with
pdftohtml) and the header texts of the report's tables, taken from their Markdown.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from html import unescape
from pathlib import Path

HEADER_BAND = 60.0  # pt from the top of the page: the running header
CJK = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef\uf900-\ufaff]")
BREAKS = re.compile(r"[\s\u00a0/、，]+|(?=[（(])|(?<=[）)：])")
# where pdftotext itself splits words: between a CJK character and a Latin letter or digit
SCRIPT_CHANGE = re.compile(
    r"(?<=[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef])(?=[0-9A-Za-z])|(?<=[0-9A-Za-z])(?=[\u4e00-\u9fff])"
)
HAN = re.compile(r"[\u4e00-\u9fff]")
TYPESET_LUA = Path(__file__).parents[2] / "report" / "typeset.lua"


def break_before() -> tuple[str, ...]:
    """The words a header may break before, as report/typeset.lua lists them (one vocabulary)."""
    text = TYPESET_LUA.read_text(encoding="utf-8")
    block = re.search(r"local BREAK_BEFORE = \{(.*?)\n\}", text, flags=re.S)
    return tuple(re.findall(r'"([^"]+)"', block.group(1))) if block else ()


def _split_words(piece: str, vocabulary: tuple[str, ...]) -> list[str]:
    out, start = [], 0
    for k in range(2, len(piece)):
        if k - start >= 2 and HAN.match(piece[k - 1]) and piece[k:].startswith(vocabulary):
            out.append(piece[start:k])
            start = k
    return [*out, piece[start:]]


CAPTION = re.compile(r"^(续表\s*\d+|表\s*\d+[：:]|图\s*\d+[：:])")
LEADERS = re.compile(r"(\.\s){5,}")


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0


def pdftotext() -> str | None:
    return shutil.which("pdftotext")


def pages(pdf: Path) -> list[list[list[Word]]]:
    """Every page as its lines (top to bottom), each line its words (left to right)."""
    out = subprocess.run(
        [pdftotext() or "pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    result = []
    for page in re.findall(r"<page\b.*?</page>", out, flags=re.S):
        lines = []
        for line in re.findall(r"<line\b.*?</line>", page, flags=re.S):
            words = [
                Word(unescape(t), float(a), float(b), float(c), float(d))
                for a, b, c, d, t in re.findall(
                    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', line
                )
            ]
            if words:
                lines.append(words)
        lines.sort(key=lambda ws: (round(ws[0].y0), ws[0].x0))
        result.append(lines)
    return result


def text_of(line: list[Word]) -> str:
    return " ".join(w.text for w in line)


def header_words(headers: list[str]) -> set[str]:
    """The words of the tables' header cells: pieces with two or more Chinese characters between the
    places where a reader would break a header (spaces, brackets, "/", "、", "，", "：", a change of
    script, before a word of report/typeset.lua's BREAK_BEFORE)."""
    words, vocabulary = set(), break_before()
    for cell in headers:
        for piece in BREAKS.split(cell):
            for part in _split_words(piece.strip(), vocabulary):
                for word in SCRIPT_CHANGE.split(part):
                    if len(HAN.findall(word)) >= 2:
                        words.add(word)
    return words


def broken_headers(page: list[list[Word]], words: set[str], measure: float) -> list[str]:
    """A header word whose first part ends one short word and whose rest starts the short word
    below it in the same column (a cell's line break), e.g. "全国中" over "位数"."""
    flat = [w for line in page for w in line if w.x1 - w.x0 < 0.3 * measure]
    found = []
    for upper in flat:
        for lower in flat:
            gap = lower.y0 - upper.y1
            if not (-0.2 * upper.height < gap < 0.9 * upper.height):
                continue
            overlap = min(upper.x1, lower.x1) - max(upper.x0, lower.x0)
            if overlap < 0.3 * min(upper.x1 - upper.x0, lower.x1 - lower.x0):
                continue
            splits = [
                f"{word[:k]}/{word[k:]}"
                for word in words
                for k in range(1, len(word))
                if upper.text.endswith(word[:k]) and lower.text.startswith(word[k:])
            ]
            if splits:
                found.append(max(splits, key=len))
    return found


def cjk_spaces(page: list[list[Word]], body: float) -> list[str]:
    """Two words of one line of running text, a CJK character on either side of a gap no wider than
    a space. (Table cells, set smaller, are apart by their columns' padding, not by spaces.)"""
    found = []
    for line in page:
        if line[0].height < 0.95 * body:
            continue
        for a, b in zip(line, line[1:]):
            gap = b.x0 - a.x1
            if CJK.match(a.text[-1]) and CJK.match(b.text[0]) and 0.12 * a.height < gap < 0.45 * a.height:
                found.append(f"{a.text[-6:]} {b.text[:6]}")
    return found


def page_problems(doc: list[list[list[Word]]], headers: list[str]) -> list[str]:
    """Every breach of the acceptance rules, as "page N: what"."""
    words = header_words(headers)
    heights = [round(w.height, 1) for page in doc for line in page for w in line]
    body_height = max(set(heights), key=heights.count) if heights else 0.0  # the running text's
    problems = []
    for number, page in enumerate(doc, start=1):
        body = [ln for ln in page if ln[0].y0 > HEADER_BAND]
        running = " ".join(text_of(ln) for ln in page if ln[0].y0 <= HEADER_BAND)
        texts = [text_of(ln) for ln in body]
        contents = sum(bool(LEADERS.search(t)) for t in texts) >= 3
        if "目录" in running and not contents:
            problems.append(f"page {number}: running header 目录 outside the contents")
        measure = max((w.x1 for ln in page for w in ln), default=0) - min((w.x0 for ln in page for w in ln), default=0)
        problems += [f"page {number}: header broken {b}" for b in broken_headers(body, words, measure)]
        problems += [f"page {number}: space between CJK characters “{s}”" for s in cjk_spaces(body, body_height)]
        for k, t in enumerate(texts):
            if t.startswith(("万", "=")):
                problems.append(f"page {number}: line starts with {t[0]!r}: {t[:30]}")
            if t.startswith("注：") and not any(CAPTION.match(u) for u in texts[:k]):
                problems.append(f"page {number}: a note without its table: {t[:30]}")
    return problems


EMPTY_LIMIT = 0.2  # the largest share of a body page's text area that may be empty
HEADING_SCALE = 1.8  # a chapter heading is set at least this many times the body text's height
LISTINGS = "附录 B"  # the reproducibility appendix: file and software listings, not running text


def images(pdf: Path) -> list[list[tuple[float, float]]]:
    """Every page's images as (top, bottom) in points, from ``pdftohtml -xml`` (its image files are
    written to a temporary folder and discarded)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            ["pdftohtml", "-xml", "-zoom", "1", "-q", "-stdout", str(pdf), str(Path(tmp) / "page")],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    return [
        [
            (float(t), float(t) + float(h))
            for t, h in re.findall(r'<image top="([\d.-]+)"[^>]*?height="([\d.-]+)"', page)
        ]
        for page in re.findall(r"<page\b.*?</page>", out, flags=re.S)
    ]


def empty_share(spans: list[tuple[float, float]], top: float, bottom: float) -> float:
    """The longest run of [top, bottom] covered by none of ``spans`` (text lines, images), as a share."""
    longest, reached = 0.0, top
    for a, b in sorted(spans):
        longest = max(longest, min(a, bottom) - reached)
        reached = max(reached, b)
    return max(longest, bottom - reached) / (bottom - top)


def _text_before_chapter(text: list[list[list[Word]]], k: int, normal: float, margin: float) -> bool:
    """Whether running text follows page ``k`` before the next chapter heading: a line in the body's size
    that opens a paragraph (indented) or continues one, not a table's note (注, 资料来源) nor a float's
    caption or cells (set smaller)."""
    in_note = False
    for page in text[k + 1 :]:
        rows: dict[int, list[Word]] = {}  # pdftotext may cut one printed line into several: join them by height
        for piece in page:
            rows.setdefault(round(piece[0].y0), []).extend(piece)
        for ln in (sorted(r, key=lambda w: w.x0) for _, r in sorted(rows.items())):
            height = max(w.height for w in ln)
            if height >= HEADING_SCALE * normal:
                return False
            if abs(height - normal) > 0.05 * normal:
                in_note = False  # a caption, a table's cells, a smaller heading's end
                continue
            first = text_of(ln)
            if first.startswith(("注", "资料来源")):
                in_note = True
            elif ln[0].x0 > margin + normal or not in_note:
                return True
    return False


def empty_pages(doc: list[list[list[Word]]], pictures: list[list[tuple[float, float]]]) -> list[str]:
    """Body pages more than :data:`EMPTY_LIMIT` empty. The text area is the one the pages share (from
    the highest first line to the lowest last line below the running header, the page number left
    out); exempt are the pages before the first numbered chapter, a chapter's last pages (no running text
    follows them before the next chapter heading: its floats may stand on pages of their own), the last
    page, and the pages from the reproducibility appendix (:data:`LISTINGS`) on."""
    body = [[ln for ln in page if ln[0].y0 > HEADER_BAND] for page in doc]
    folio = [page[-1] if page and len(page[-1]) == 1 and len(page[-1][0].text) <= 6 else None for page in body]
    text = [[ln for ln in page if ln is not folio[k]] for k, page in enumerate(body)]
    heights = [round(w.height, 1) for page in text for ln in page for w in ln]
    if not heights:
        return []
    normal = max(set(heights), key=heights.count)
    lines = [ln for page in text for ln in page]
    top, bottom = min(ln[0].y0 for ln in lines), max(w.y1 for ln in lines for w in ln)
    margin = min(ln[0].x0 for ln in lines)

    def headings(page) -> list[str]:  # the chapter headings on a page
        return [text_of(ln) for ln in page if max(w.height for w in ln) >= HEADING_SCALE * normal]

    first_chapter = next(
        (k for k, page in enumerate(text) if any(re.match(r"\d+\s", h) for h in headings(page))), len(text)
    )
    listings = next(
        (k for k, page in enumerate(text) if any(h.startswith(LISTINGS) for h in headings(page))), len(text)
    )
    problems = []
    for k in range(first_chapter, min(listings, len(text) - 1)):
        if not _text_before_chapter(text, k, normal, margin):
            continue
        spans = [(min(w.y0 for w in ln), max(w.y1 for w in ln)) for ln in text[k]] + list(pictures[k])
        share = empty_share(spans, top, bottom)
        if share > EMPTY_LIMIT:
            problems.append(f"page {k + 1}: {share:.0%} of the text area empty")
    return problems


def chapter_of_captions(page_html: str) -> dict[tuple[str, int], int]:
    """``{("表" or "图", number): chapter}`` from the report's HTML, where floats stay in source order."""
    owner: dict[tuple[str, int], int] = {}
    chapter = None
    body = page_html[page_html.find("<body") :]
    for m in re.finditer(r"<h1[^>]*>(.*?)</h1>|(表|图)(?:\s|&nbsp;|\u00a0)*(\d+)[：:]", body, flags=re.S):
        if m.group(1) is not None:
            number = re.match(r"\s*(\d+)\s", re.sub(r"<[^>]+>", " ", m.group(1)))
            chapter = int(number.group(1)) if number else None
        elif chapter is not None:
            owner.setdefault((m.group(2), int(m.group(3))), chapter)
    return owner


def floats_above_their_chapter(doc: list[list[list[Word]]], owner: dict[tuple[str, int], int]) -> list[str]:
    """A table or figure set above the heading of its own chapter on the page where the chapter begins (a
    float placed at the top of that page)."""
    heights = [round(w.height, 1) for page in doc for ln in page if ln[0].y0 > HEADER_BAND for w in ln]
    if not heights:
        return []
    normal = max(set(heights), key=heights.count)
    problems = []
    for number, page in enumerate(doc, start=1):
        body = [ln for ln in page if ln[0].y0 > HEADER_BAND]
        seen: list[tuple[str, int]] = []
        for ln in body:
            text = text_of(ln)
            heading = re.match(r"(\d+)\s", text) if max(w.height for w in ln) >= HEADING_SCALE * normal else None
            if heading:
                chapter = int(heading.group(1))
                problems += [f"page {number}: {k} {n} above the heading of its chapter {chapter}"
                             for k, n in seen if owner.get((k, n)) == chapter]  # fmt: skip
            caption = re.match(r"(表|图)\s*(\d+)[：:]", text)
            if caption:
                seen.append((caption.group(1), int(caption.group(2))))
    return problems


_PIPE_HEADER = re.compile(r"^\|(.+)\|\s*\n\|[\s:|-]+\|\s*$", re.M)


def markdown_headers(texts: list[str]) -> list[str]:
    """The header cells of every pipe table in the given Markdown texts."""
    cells = []
    for text in texts:
        for m in _PIPE_HEADER.finditer(text):
            cells += [c.strip() for c in m.group(1).split("|") if c.strip()]
    return cells


def project_problems(project: Path) -> list[str]:
    """The checks on a built project's ``_output/report.pdf``, with the header words of the tables
    it includes (``build/tables/*.md``) and those typed in the chapters (``report/*.qmd``), the empty
    pages, and floats set above their own chapter's heading."""
    sources = sorted((project / "build" / "tables").glob("*.md")) + sorted((project / "report").glob("*.qmd"))
    headers = markdown_headers([p.read_text(encoding="utf-8") for p in sources])
    pdf = project / "_output" / "report.pdf"
    doc = pages(pdf)
    owner = chapter_of_captions((project / "_output" / "report.html").read_text(encoding="utf-8"))
    return page_problems(doc, headers) + empty_pages(doc, images(pdf)) + floats_above_their_chapter(doc, owner)
