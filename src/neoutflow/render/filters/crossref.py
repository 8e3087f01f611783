"""Cross-references for the registry-only route (a panflute filter).

Quarto numbers figures (``#fig-``), tables (``#tbl-``) and sections and turns
``@fig-x``, ``@tbl-x`` and ``@sec-x`` into "图 1", "表 2" and a section
reference. This filter does the same on the pandoc AST, so that the PDF (Typst)
and the HTML carry the same text: it writes the numbers into the headings and
captions itself (the engines are told not to number), and replaces each
reference by a link showing the number. A reference to a label that does not
exist is an error naming the label and where it is used, never a "??".

Labels follow Quarto: ``crossref:`` options ``fig-title``, ``tbl-title``,
``fig-prefix``, ``tbl-prefix``, ``title-delim`` and ``sec-prefix`` are honoured;
without ``sec-prefix`` a section reads "第 3 节" (Quarto's own Chinese default,
"章节 3", reads less naturally).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import panflute as pf

KINDS = ("fig", "tbl", "sec")
UNNUMBERED = ("unnumbered", "-")


class CrossrefError(ValueError):
    """An unresolved, duplicated or malformed cross-reference."""


@dataclass(frozen=True)
class CrossrefStyle:
    fig_title: str = "图"
    tbl_title: str = "表"
    fig_prefix: str = "图"
    tbl_prefix: str = "表"
    title_delim: str = "："
    sec_prefix: str | None = None  # None: "第 N 节"
    number_sections: bool = True

    @classmethod
    def from_options(cls, options: dict) -> CrossrefStyle:
        """Read Quarto's ``crossref:``, ``language:`` and ``number-sections`` options."""
        cr = options.get("crossref") or {}
        lang = options.get("language") or {}

        def pick(key: str, default):
            value = cr.get(key, lang.get(f"crossref-{key}", default))
            return default if value is None else str(value)

        fig_title = pick("fig-title", cls.fig_title)
        tbl_title = pick("tbl-title", cls.tbl_title)
        return cls(
            fig_title=fig_title,
            tbl_title=tbl_title,
            fig_prefix=pick("fig-prefix", fig_title),
            tbl_prefix=pick("tbl-prefix", tbl_title),
            title_delim=pick("title-delim", cls.title_delim),
            sec_prefix=cr.get("sec-prefix", lang.get("crossref-sec-prefix")),
            number_sections=bool(options.get("number-sections", False)),
        )

    def ref_text(self, kind: str, number: str) -> str:
        if kind == "fig":
            return f"{self.fig_prefix} {number}"
        if kind == "tbl":
            return f"{self.tbl_prefix} {number}"
        if self.sec_prefix is None or str(self.sec_prefix).strip() == "第":
            # the Chinese ordinal: Quarto is told `sec-prefix: 第` and report/typeset.lua adds 节
            return f"第 {number} 节"
        return f"{self.sec_prefix} {number}"


@dataclass(frozen=True)
class Target:
    kind: str
    number: str | None  # None for an unnumbered section
    title: str


def crossref_kind(identifier: str) -> str | None:
    """``'fig'`` for ``fig-x`` (Quarto also accepts ``Fig-x`` in references), else None."""
    head, sep, rest = identifier.partition("-")
    return head.lower() if sep and rest and head.lower() in KINDS else None


def _caption_prefix(caption: pf.Caption, text: str) -> None:
    """Put ``text`` in front of a caption's first block (creating one if empty)."""
    if not caption.content:
        caption.content.append(pf.Plain(pf.Str(text)))
        return
    first = caption.content[0]
    if isinstance(first, (pf.Plain, pf.Para)):
        first.content.insert(0, pf.Str(text))
    else:
        caption.content.insert(0, pf.Plain(pf.Str(text)))


def number_targets(doc: pf.Doc, style: CrossrefStyle) -> dict[str, Target]:
    """Number sections, figures and tables in document order; return the labels."""
    targets: dict[str, Target] = {}
    counters = {"fig": 0, "tbl": 0}
    sections: list[int] = []

    def add(identifier: str, target: Target) -> None:
        if identifier in targets:
            raise CrossrefError(f"label #{identifier} is defined twice")
        targets[identifier] = target

    def action(elem, doc):
        if isinstance(elem, pf.Header):
            number = None
            if style.number_sections and not any(c in UNNUMBERED for c in elem.classes):
                level = elem.level
                del sections[level:]
                sections.extend([0] * (level - len(sections)))
                sections[level - 1] += 1
                number = ".".join(str(n) for n in sections)
                elem.content.insert(0, pf.Space())
                elem.content.insert(0, pf.Span(pf.Str(number), classes=["header-section-number"]))
            if crossref_kind(elem.identifier) == "sec":
                add(elem.identifier, Target("sec", number, pf.stringify(elem).strip()))
        elif isinstance(elem, (pf.Figure, pf.Table)) and elem.identifier:
            kind = crossref_kind(elem.identifier)
            if kind is None:
                return
            expected = "fig" if isinstance(elem, pf.Figure) else "tbl"
            if kind != expected:
                what = "a figure" if expected == "fig" else "a table"
                raise CrossrefError(f"label #{elem.identifier} is on {what}; use the prefix '{expected}-'")
            counters[kind] += 1
            number = str(counters[kind])
            title = style.fig_title if kind == "fig" else style.tbl_title
            _caption_prefix(elem.caption, f"{title} {number}{style.title_delim}")
            add(elem.identifier, Target(kind, number, pf.stringify(elem.caption).strip()))

    doc.walk(action)
    return targets


def resolve_references(
    doc: pf.Doc, targets: dict[str, Target], style: CrossrefStyle, locate: Callable[[str], list[str]] | None = None
) -> int:
    """Replace ``@fig-``/``@tbl-``/``@sec-`` citations by linked labels; return how many."""
    done = 0

    def where(label: str) -> str:
        places = locate(label) if locate else []
        return f" (used at {', '.join(places)})" if places else ""

    def action(elem, doc):
        nonlocal done
        if not isinstance(elem, pf.Cite):
            return None
        kinds = [crossref_kind(c.id) for c in elem.citations]
        if not any(kinds):
            return None
        if not all(kinds):
            ids = ", ".join("@" + c.id for c in elem.citations)
            raise CrossrefError(f"[{ids}] mixes cross-references and citations{where(elem.citations[0].id)}")
        out: list = []
        for i, c in enumerate(elem.citations):
            label = c.id if c.id in targets else c.id[0].lower() + c.id[1:]
            target = targets.get(label)
            if target is None:
                raise CrossrefError(
                    f"unresolved cross-reference @{c.id}: no figure, table or section "
                    f"has the label #{c.id}{where(c.id)}"
                )
            if target.number is None:
                text = target.title  # an unnumbered section is referred to by its title
            elif c.mode == "SuppressAuthor":
                text = target.number  # Quarto's -@fig-x: the number alone
            else:
                text = style.ref_text(target.kind, target.number)
            if i:
                out.append(pf.Str("、"))
            out.extend(c.prefix)
            if c.prefix:
                out.append(pf.Space())
            out.append(pf.Link(pf.Str(text), url="#" + label))
            out.extend(c.suffix)
            done += 1
        return out

    doc.walk(action)
    return done


def citation_keys(doc: pf.Doc) -> list[str]:
    """Bibliography keys cited (not cross-references), in order of first use."""
    keys: list[str] = []

    def action(elem, doc):
        if isinstance(elem, pf.Cite):
            for c in elem.citations:
                if crossref_kind(c.id) is None and c.id != "*" and c.id not in keys:
                    keys.append(c.id)

    doc.walk(action)
    return keys


def apply(doc: pf.Doc, style: CrossrefStyle, locate: Callable[[str], list[str]] | None = None) -> dict[str, Target]:
    """Number and resolve in one go; returns the labels found."""
    targets = number_targets(doc, style)
    resolve_references(doc, targets, style, locate)
    return targets
