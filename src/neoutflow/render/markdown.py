"""Pandoc reading the report's Markdown, one section at a time, each kept in the render cache.

Reading the whole expanded report (≈ 75,000 characters) takes pandoc about 0.6 s, and an
edit to one chapter changes only a few thousand of them. So the text is cut before each
top-level heading (``# …`` after a blank line) into sections, pandoc reads each section on
its own, the ASTs are kept under ``build/.render-cache/markdown-ast/`` by the section's
text, and their blocks are joined: a prose edit re-reads one section.

Joined sections give the same AST as one read only when nothing in the Markdown reaches
across a cut, so the whole text is read at once (and kept the same way) when any section
could: reference-style link or note definitions, example lists, an unbalanced fence, div
or HTML comment, a heading whose text appears in brackets (an implicit header reference),
or two elements with the same identifier after joining (pandoc would have made the second
unique). Citations carry a running note number (``citationNoteNum``: one per citation
outside a note and one per note, a citation in a note taking the note's): each section's
numbers are shifted by the count of the sections before it, as one read numbers them.
``tests/integration/test_render.py`` checks the joined read against the whole read.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from neoutflow.render import cache

# A cut: a blank line, then a level-1 ATX heading at the margin (a heading there always
# starts a new block: it closes any paragraph, list or quote before it).
CUT = re.compile(r"(?<=\n\n)(?=# )")
# Markdown whose meaning depends on text elsewhere in the document.
ACROSS = re.compile(r"^ {0,3}\[[^\]\n]+\]:|^\s*\(@", re.M)
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})", re.M)
DIV_OPEN = re.compile(r"^ {0,3}:{3,}[ \t]*[^\s:]", re.M)
DIV_CLOSE = re.compile(r"^ {0,3}:{3,}[ \t]*$", re.M)
# Elements whose first field is their (identifier, classes, attributes); a Header's is its second.
WITH_ATTR = ("Div", "CodeBlock", "Figure", "Table", "Span", "Code", "Link", "Image")


def sections(text: str) -> list[str] | None:
    """The text cut before each top-level heading, or None when a cut could change its meaning."""
    if ACROSS.search(text):
        return None
    parts = CUT.split(text)
    for part in parts:
        if (
            len(FENCE.findall(part)) % 2
            or len(DIV_OPEN.findall(part)) != len(DIV_CLOSE.findall(part))
            or part.count("<!--") != part.count("-->")
        ):
            return None
    return parts


def _walk(node, visit: Callable[[dict, bool], None], in_note: bool = False) -> None:
    """Call ``visit(element, inside_a_note)`` on every element of a pandoc JSON AST, in order."""
    if isinstance(node, dict):
        if "t" in node:
            visit(node, in_note)
            in_note = in_note or node["t"] == "Note"
        for value in node.values():
            _walk(value, visit, in_note)
    elif isinstance(node, list):
        for value in node:
            _walk(value, visit, in_note)


def _plain(inlines) -> str:
    out = []

    def visit(el, _):
        if el["t"] == "Str":
            out.append(el["c"])
        elif el["t"] in ("Space", "SoftBreak"):
            out.append(" ")

    _walk(inlines, visit)
    return "".join(out)


def _join(docs: list[dict], text: str) -> dict | None:
    """One AST from the sections' ASTs, or None when it could differ from reading ``text`` whole."""
    seen: set[str] = set()
    headings: list[str] = []
    offset = 0
    for doc in docs:
        counted = 0

        def visit(el, in_note, offset=offset):
            nonlocal counted
            t, c = el["t"], el.get("c")
            if t == "Note":
                counted += 1
            elif t == "Cite":
                if not in_note:
                    counted += 1
                for citation in c[0]:
                    citation["citationNoteNum"] += offset
            if t == "Header":
                headings.append(_plain(c[2]))
            attr = c[1] if t == "Header" else c[0] if t in WITH_ATTR else None
            if attr and attr[0]:  # any repeated identifier: the whole read decides what pandoc does
                if attr[0] in seen:
                    raise _Duplicate
                seen.add(attr[0])

        try:
            _walk(doc["blocks"], visit)
        except _Duplicate:
            return None
        offset += counted
    if any(f"[{h}]" in text for h in headings if h):
        return None
    return {**docs[0], "blocks": [b for d in docs for b in d["blocks"]]}


class _Duplicate(Exception):
    pass


def read(text: str, reader: str, version: str, run: Callable[[str], str]) -> str:
    """Pandoc's JSON AST of ``text`` (``run(markdown)`` calls pandoc), read by sections when
    that gives the same AST, every read kept in the render cache."""

    def cached(part: str) -> bytes:
        digest = cache.key(part, reader, version)
        return cache.memo("markdown-ast", digest, lambda: run(part).encode("utf-8"))

    parts = sections(text)
    if parts is not None and len(parts) > 1:
        # the sections not kept yet are read side by side (pandoc runs outside Python's lock)
        with ThreadPoolExecutor(max_workers=max(1, os.cpu_count() or 1)) as pool:
            asts = list(pool.map(cached, parts))
        joined = _join([json.loads(a) for a in asts], text)
        if joined is not None:
            return json.dumps(joined, ensure_ascii=False)
    return cached(text).decode("utf-8")
