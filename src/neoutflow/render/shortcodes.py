"""Quarto shortcodes for the registry-only route: include, var, meta, pagebreak.

Quarto expands shortcodes before pandoc parses the Markdown, so this does the
same on the text: ``{{< include file >}}`` (path relative to the including file,
or to the project root when it starts with ``/``; expanded recursively),
``{{< var a.b >}}`` (from ``_variables.yml``), ``{{< meta key >}}`` (from the
document's options) and ``{{< pagebreak >}}``. Conditional blocks (``.content-visible`` /
``.content-hidden``, :mod:`.conditional`) are resolved first. ``{{{< ... >}}}`` is Quarto's
escape and yields the literal shortcode. Every error names the file and line.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from neoutflow.render import conditional
from neoutflow.render.config import split_front_matter

# Quarto's shortcode delimiters; the three-brace form is the escape.
SHORTCODE = re.compile(r"\{\{\{<\s*(?P<escaped>.*?)\s*>\}\}\}|\{\{<\s*(?P<code>.*?)\s*>\}\}")
_ASCII_PUNCT = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


class ShortcodeError(ValueError):
    """A shortcode that cannot be expanded (names the file, line and what is wrong)."""


@dataclass
class Expanded:
    text: str
    sources: list[Path] = field(default_factory=list)  # every file read, in order


def lookup(mapping: dict, dotted: str):
    """``lookup({'a': {'b': 1}}, 'a.b') == 1``; ``KeyError`` when absent."""
    node = mapping
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(dotted)
        node = node[part]
    return node


def escape_markdown(text: str) -> str:
    """Backslash-escape ASCII punctuation so a value is read as literal text."""
    return "".join("\\" + c if c in _ASCII_PUNCT else c for c in text)


def _scalar_text(value, kind: str, key: str) -> str:
    if isinstance(value, (dict, list)):
        raise ValueError(f"{kind} '{key}' is a {type(value).__name__}, not a single value; name a key inside it")
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _pagebreak(fmt: str) -> str:
    raw = {"typst": "#pagebreak()", "html": '<div style="page-break-after: always;"></div>'}
    return f"\n\n```{{={fmt}}}\n{raw[fmt]}\n```\n\n" if fmt in raw else "\n\n"


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _include(here: str, rest: list[str], path: Path, root: Path, variables, meta, fmt, stack, out) -> str:
    """The expanded text of an ``include`` shortcode's file (relative to ``path``, or to ``root`` with a leading /)."""
    if len(rest) != 1:
        raise ShortcodeError(f"{here}: include takes one file name")
    target = (root / rest[0].lstrip("/")) if rest[0].startswith("/") else (path.parent / rest[0])
    target = target.resolve()
    if not target.is_file():
        raise ShortcodeError(f"{here}: included file not found: {_rel(target, root)}")
    if target in stack or target == path:
        chain = " -> ".join(_rel(p, root) for p in (*stack, path, target))
        raise ShortcodeError(f"{here}: circular include: {chain}")
    meta_inc, body, body_line = split_front_matter(target.read_text(encoding="utf-8-sig"), _rel(target, root))
    inner = expand(
        target,
        root,
        variables,
        meta,
        fmt,
        text=body,
        first_line=body_line,
        _stack=(*stack, path),
        _out=out,
    )
    return inner.text


def expand(
    path: Path,
    root: Path,
    variables: dict,
    meta: dict,
    fmt: str,
    text: str | None = None,
    first_line: int = 1,
    _stack: tuple[Path, ...] = (),
    _out: Expanded | None = None,
) -> Expanded:
    """Expand the shortcodes of ``path`` (or of ``text``, the body read from it)."""
    path, root = Path(path).resolve(), Path(root).resolve()
    out = _out if _out is not None else Expanded("")
    out.sources.append(path)
    if text is None:
        text = path.read_text(encoding="utf-8-sig")
    where = _rel(path, root)
    try:  # conditional blocks first: a dropped block's shortcodes are never expanded
        text = conditional.apply(text, meta, fmt, where, first_line)
    except conditional.ConditionalError as exc:
        raise ShortcodeError(str(exc)) from None
    pieces = []
    for offset, line in enumerate(text.splitlines(keepends=True)):
        lineno = first_line + offset
        pos = 0
        for m in SHORTCODE.finditer(line):
            pieces.append(line[pos : m.start()])
            pos = m.end()
            if m.group("escaped") is not None:
                pieces.append("{{< " + m.group("escaped") + " >}}")
                continue
            try:
                args = shlex.split(m.group("code"))
            except ValueError as exc:
                raise ShortcodeError(f"{where}:{lineno}: cannot parse shortcode {m.group(0)!r}: {exc}") from exc
            if not args:
                raise ShortcodeError(f"{where}:{lineno}: empty shortcode {m.group(0)!r}")
            name, rest = args[0], args[1:]
            here = f"{where}:{lineno}: {{{{< {m.group('code')} >}}}}"
            if name == "include":
                pieces.append(_include(here, rest, path, root, variables, meta, fmt, _stack, out))
            elif name in ("var", "meta"):
                if len(rest) != 1:
                    raise ShortcodeError(f"{here}: {name} takes one key")
                source = variables if name == "var" else meta
                try:
                    value = _scalar_text(lookup(source, rest[0]), name, rest[0])
                except KeyError:
                    origin = (
                        "_variables.yml (generated from build/results/*.json)"
                        if name == "var"
                        else "the document's options"
                    )
                    raise ShortcodeError(f"{here}: unknown {name} key '{rest[0]}' (not in {origin})") from None
                except ValueError as exc:
                    raise ShortcodeError(f"{here}: {exc}") from None
                # Values are data, not markup; meta values are Markdown like in Quarto.
                pieces.append(escape_markdown(value) if name == "var" else value)
            elif name == "pagebreak":
                pieces.append(_pagebreak(fmt))
            else:
                raise ShortcodeError(
                    f"{here}: shortcode '{name}' is not supported by the registry-only route "
                    "(supported: include, var, meta, pagebreak)"
                )
        pieces.append(line[pos:])
    out.text = "".join(pieces)
    return out
