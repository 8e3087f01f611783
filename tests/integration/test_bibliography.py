"""The rendered bibliography gives, for each entry, the elements GB/T 7714-2015 requires for its type.

Reads the reference list of the built ``_output/report.html`` (citeproc with the GB/T 7714-2015 numeric
style) and checks each entry by its document-type code: authors and title for every entry; for a
journal article [J] the journal, year, volume or issue, and pages; for a book [M] or report [R] the
place, publisher and year; for a paper in proceedings [C] the proceedings, year and pages; for anything
online (…/OL) the address and the access date [YYYY-MM-DD]. An English entry carries no Chinese
edition word. ``KNOWN_GAPS`` would name elements that could not be verified against a source and are left out rather
than guessed; each must still be missing, so the list only shrinks. It is empty.
"""

from __future__ import annotations

import html
import re

import pytest

ENTRY = re.compile(r'<div id="ref-([^"]+)" class="csl-entry"[^>]*>(.*?)</div>\s*(?=<div id="ref-|</div>)', re.S)
TYPE = re.compile(r"\[(J|M|C|R|Z|N|D|S|P|G|A|CP|EB|DB)(?:/OL)?\]")

# key -> (elements missing, why): elements that could not be verified against a source and are left out rather
# than guessed. Empty: the three articles the seed paper cites by issue only (no pages found in any stored
# source, searched 2026-12-05) are no longer cited; the passages are attributed to the seed paper itself.
KNOWN_GAPS: dict[str, tuple[set[str], str]] = {}


def entries(page: str) -> dict[str, str]:
    block = page[page.find('<div id="refs"') :]
    return {
        key: re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()
        for key, body in ENTRY.findall(block)
    }


def missing(text: str) -> set[str]:
    """The GB/T 7714 elements ``text`` lacks for its type."""
    text = re.sub(r"^\[\d+\]\s*", "", text)
    kind = TYPE.search(text)
    if not kind:
        return {"type code"}
    head, tail = text[: kind.start()], text[kind.end() :]
    gaps = set()
    author, _, title = head.partition(". ")
    if not author.strip():
        gaps.add("authors")
    if not title.strip():
        gaps.add("title")
    code, online = kind.group(1), kind.group(0).endswith("/OL]")
    year = re.search(r"(?:18|19|20)\d\d", tail)
    if code == "J":
        if not re.search(r"[^\s,.]+.*?,\s*(?:18|19|20)\d\d", tail):
            gaps.add("journal and year")
        if not re.search(r"(?:18|19|20)\d\d\s*(?:,\s*\d+)?\s*\(\d+\)|(?:18|19|20)\d\d\s*,\s*\d+", tail):
            gaps.add("volume or issue")
        if not re.search(r":\s*\d+(?:-\d+)?", tail):
            gaps.add("pages")
    if code in ("M", "R") and not (re.search(r"[^.]+:\s*[^.,]+,", tail) and year):
        gaps.add("place, publisher and year")
    if code == "C" and not ("//" in tail and year and re.search(r":\s*\d+-\d+", tail)):
        gaps.add("proceedings, year and pages")
    if online or code in ("EB", "CP"):
        if not re.search(r"https?://|DOI:", tail):
            gaps.add("address")
        if not re.search(r"\[\d{4}-\d{2}-\d{2}\]", tail):
            gaps.add("access date")
    return gaps


@pytest.fixture(scope="module")
def bibliography(built_project) -> dict[str, str]:
    return entries((built_project / "_output" / "report.html").read_text(encoding="utf-8"))


def test_every_entry_has_the_elements_of_its_type(bibliography):
    assert len(bibliography) > 20
    found = {key: missing(text) for key, text in bibliography.items()}
    wrong = {k: g for k, g in found.items() if g != KNOWN_GAPS.get(k, (set(), ""))[0]}
    assert not wrong, "\n".join(f"{k}: lacks {sorted(g)} — {bibliography[k]}" for k, g in wrong.items())


def test_english_entries_are_in_english(bibliography):
    for key, text in bibliography.items():
        # the authors and title: the part between the entry number and the type code
        if not re.search(r"[\u4e00-\u9fff]", re.sub(r"^\[\d+\]\s*", "", text).split("[")[0]):
            assert " 版" not in text and "等." not in text, f"{key}: {text}"


def test_the_check_flags_incomplete_entries():
    assert missing("[1] 作者. 题名[J]. 刊名, 2020, 5(2).") == {"pages"}
    assert missing("[2] 作者. [J]. 刊名, 2022, 77(12).") == {"title", "pages"}
    assert missing("[3] 作者. 题名[EB/OL]. (2021). https://x.org/ .") == {"access date"}
    assert missing("[4] 作者. 题名[M]. 2004.") == {"place, publisher and year"}
    assert missing("[5] A B. Title[J]. Journal, 1985, 29(3): 305-325.") == set()
    assert missing("[6] 国家统计局. 标题[EB/OL]. [2026-12-01]. https://data.stats.gov.cn/ .") == set()
