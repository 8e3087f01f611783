"""Quarto's conditional content for the registry-only route.

Divs (``::: {.content-visible when-meta="key"}`` … ``:::``) and spans
(``[text]{.content-hidden unless-meta="key"}``) of class ``content-visible`` or ``content-hidden``, with
the conditions ``when-meta`` / ``unless-meta`` (a boolean document option, dotted keys allowed; an absent
key is false) and ``when-format`` / ``unless-format`` (the output format). As in Quarto, a
``content-visible`` block is kept when every ``when-`` condition holds and no ``unless-`` one does, and a
``content-hidden`` block is dropped in exactly that case.

Applied to the source text before the shortcodes are expanded, so that a dropped block's ``var``
shortcodes and includes are never looked up (in Quarto they would only warn). Quarto resolves includes
before conditions, so :func:`hidden_includes` lists the files a hidden block includes, for the Quarto
route to find (empty) when the part that makes them is left out. A span's text may not
contain square brackets (no citations inside a conditional span); use a div for those.
"""

from __future__ import annotations

import functools
import re
import shlex
from pathlib import Path

CLASSES = ("content-visible", "content-hidden")
# Output formats each format name matches (Quarto aliases html to its variants and pdf to its engines).
FORMAT_ALIASES = {"html": {"html", "html4", "html5"}, "pdf": {"pdf", "latex", "typst"}}

_FENCE_OPEN = re.compile(r"^\s*(?P<colons>:{3,})\s*(?P<attrs>\{[^}]*\}|[\w-]+)\s*:*\s*$")
_FENCE_CLOSE = re.compile(r"^\s*:{3,}\s*$")
_CODE_FENCE = re.compile(r"^\s*(```|~~~)")
_SPAN = re.compile(r"\[(?P<text>[^\[\]]*)\]\{(?P<attrs>[^{}]*\.content-(?:visible|hidden)\b[^{}]*)\}")


class ConditionalError(ValueError):
    """A conditional block the route cannot read (names the file and line)."""


def _attributes(attrs: str, where: str) -> tuple[set[str], dict[str, str]]:
    body = attrs.strip().removeprefix("{").removesuffix("}")
    try:
        words = shlex.split(body)
    except ValueError as exc:
        raise ConditionalError(f"{where}: cannot read the attributes {attrs!r}: {exc}") from None
    classes = {w[1:] for w in words if w.startswith(".")}
    pairs = dict(w.split("=", 1) for w in words if "=" in w and not w.startswith((".", "#")))
    return classes, pairs


def _lookup(meta: dict, dotted: str):
    value = meta
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return False
        value = value[part]
    return value


def _format_matches(name: str, fmt: str) -> bool:
    return fmt == name or fmt in FORMAT_ALIASES.get(name, set())


def keep(classes: set[str], pairs: dict[str, str], meta: dict, fmt: str) -> bool | None:
    """Whether a block with these classes and attributes is kept; None if it is not conditional."""
    kind = next((c for c in CLASSES if c in classes), None)
    if kind is None:
        return None
    when = [bool(_lookup(meta, v)) for k, v in pairs.items() if k == "when-meta"]
    when += [_format_matches(v, fmt) for k, v in pairs.items() if k == "when-format"]
    unless = [bool(_lookup(meta, v)) for k, v in pairs.items() if k == "unless-meta"]
    unless += [_format_matches(v, fmt) for k, v in pairs.items() if k == "unless-format"]
    match = all(when) and not any(unless)
    return match if kind == "content-visible" else not match


def apply(text: str, meta: dict, fmt: str, where: str = "", first_line: int = 1) -> str:
    """``text`` with the conditional blocks that do not apply removed (the line count is kept: a removed
    line becomes empty, so later error messages still name the right line)."""
    out: list[str] = []
    stack: list[tuple[bool, bool]] = []  # per open div: (kept, conditional)
    in_code = False
    for offset, line in enumerate(text.splitlines(keepends=True)):
        here = f"{where}:{first_line + offset}"
        visible = all(k for k, _ in stack)
        end = "\n" if line.endswith("\n") else ""
        if _CODE_FENCE.match(line):
            in_code = not in_code
        elif not in_code and _FENCE_CLOSE.match(line) and stack:
            _, conditional = stack.pop()
            out.append(end if conditional or not visible else line)
            continue
        elif not in_code and (m := _FENCE_OPEN.match(line)):
            attrs = m.group("attrs")
            classes, pairs = _attributes(attrs if attrs.startswith("{") else "{." + attrs + "}", here)
            decision = keep(classes, pairs, meta, fmt)
            stack.append((decision is not False, decision is not None))
            out.append(end if decision is not None or not visible else line)
            continue
        if not visible:
            out.append(end)
            continue
        if not in_code and ".content-" in line:
            line = _SPAN.sub(functools.partial(_span, meta=meta, fmt=fmt, where=here), line)
        out.append(line)
    if stack:
        raise ConditionalError(f"{where}: {len(stack)} fenced div(s) opened with ':::' are never closed")
    return "".join(out)


def _span(m: re.Match, meta: dict, fmt: str, where: str) -> str:
    classes, pairs = _attributes("{" + m.group("attrs") + "}", where)
    decision = keep(classes, pairs, meta, fmt)
    if decision is None:
        return m.group(0)
    return m.group("text") if decision else ""


_INCLUDE = re.compile(r"\{\{<\s*include\s+(\S+)\s*>\}\}")


def hidden_includes(qmd: Path, meta: dict) -> list[Path]:
    """The files ``qmd`` includes only inside blocks that ``meta`` hides (paths relative to ``qmd``)."""
    text = Path(qmd).read_text(encoding="utf-8")
    shown = set(_INCLUDE.findall(apply(text, meta, "html", Path(qmd).name)))
    return sorted({(Path(qmd).parent / inc).resolve() for inc in _INCLUDE.findall(text) if inc not in shown})
