"""Self-contained HTML that reads the same everywhere: subset CJK web fonts and small figures.

- :func:`embed_fonts`: the characters the page actually uses are collected (body text for the
  Song face, headings/captions/table headers/contents for the Hei face), the Noto CJK fonts are
  subset to exactly those glyphs with fontTools, and embedded as base64 ``@font-face`` rules
  (WOFF2 when ``brotli`` is installed, else WOFF), so a machine without CJK fonts shows no boxes.
  The body face is cut into pieces by code point (:func:`pieces`), one ``@font-face`` with its
  ``unicode-range`` each, every piece kept in the render cache: an edit that brings a new
  character re-subsets the one piece holding it (about 0.4 s) rather than the whole face (1.4 s).
  Several pages at once (the notebook views) share one intermediate subset per face (:func:`subsets`).
- :func:`screen_figures`: each embedded PNG figure as a copy for the screen, downscaled to at
  most :data:`HTML_IMAGE_PX` pixels wide and quantised to a 256-colour palette (figures are flat colour: the palette copy is
  a quarter of the full-colour one or less, so that one is not also encoded to compare).
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from html.parser import HTMLParser
from importlib.util import find_spec
from pathlib import Path

from neoutflow.fonts import SANS, SERIF, font_dirs
from neoutflow.render import cache

HTML_IMAGE_PX = 1400
# The CJK Unified Ideographs block, cut into this many equal ranges for the body face's pieces;
# every other character (Latin, digits, punctuation, symbols) is one more piece.
IDEOGRAPHS = (0x4E00, 0xA000)
BODY_PIECES = 4
SANS_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "caption", "th", "nav", "title"}
SKIP_TAGS = {"style", "script"}
_FILES = {SERIF: "NotoSerifCJK", SANS: "NotoSansCJK"}
FLAVOR = "woff2" if find_spec("brotli") else "woff"  # fontTools writes WOFF2 only with brotli


class _Chars(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.serif: set[str] = set()
        self.sans: set[str] = set()

    def handle_starttag(self, tag, attrs):
        if tag not in ("br", "img", "meta", "link", "hr", "input", "col", "source"):
            self.stack.append(tag)
        if {"title", "subtitle"} & set((dict(attrs).get("class") or "").split()):
            self.stack[-1:] = ["h1"] if self.stack else []

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop() == tag:
                break

    def handle_data(self, data):
        if any(t in SKIP_TAGS for t in self.stack):
            return
        target = self.sans if any(t in SANS_TAGS for t in self.stack) else self.serif
        target.update(data)
        self.serif.update(ch for ch in data if ch.isascii())  # Latin fallback shared


def font_file(family: str) -> Path:
    stem = _FILES[family]
    for d in font_dirs():
        for f in sorted(d.iterdir()):
            if f.name.lower().startswith(stem.lower()) and "Regular" in f.name and f.suffix.lower() in (".otf", ".ttf"):
                return f
    raise FileNotFoundError(f"no font file for {family} in {', '.join(map(str, font_dirs()))}")


def subsets(path: Path, char_sets: Sequence[set[str]]) -> list[bytes]:
    """``path`` subset to the glyphs of each of ``char_sets`` (plus their layout features), as web fonts.
    A pass over the whole face costs about 0.25 s and 0.8 ms a glyph: when several subsets are not in the
    cache, the face is cut once to all their characters (plain OpenType, same options) and each is cut from
    that small font, the same bytes (``tests/unit/test_render_caches.py``)."""
    texts = ["".join(sorted(c for c in chars if c.isprintable() or c == " ")) for chars in char_sets]
    # keyed by the face's file name and size, not its path: a project copy reaches the same font through
    # its own .venv or build/fonts link and can reuse the pieces the copied cache holds
    digests = [cache.key(Path(path).name, str(Path(path).stat().st_size), FLAVOR, text) for text in texts]
    missing = {text for text, digest in zip(texts, digests) if not cache.contains("webfont", digest)}
    source = _subset(path, "".join(set().union(*missing)), None) if len(missing) > 1 else path
    return [cache.memo("webfont", d, partial(_subset, source, text)) for text, d in zip(texts, digests)]


def _subset(source: Path | bytes, text: str, flavor: str | None = FLAVOR) -> bytes:
    """``source`` (a font file, or a font's bytes) subset to ``text``; ``flavor`` None: plain OpenType."""
    from fontTools import subset as ft_subset

    options = ft_subset.Options(
        flavor=flavor, hinting=False, desubroutinize=True, name_IDs=[1, 2, 4, 6], notdef_outline=True
    )
    font = ft_subset.load_font(io.BytesIO(source) if isinstance(source, bytes) else str(source), options)
    sub = ft_subset.Subsetter(options)
    sub.populate(text=text)
    sub.subset(font)
    buf = io.BytesIO()
    ft_subset.save_font(font, buf, options)
    return buf.getvalue()


def pieces(chars: set[str], n: int = BODY_PIECES) -> list[tuple[str, set[str]]]:
    """``chars`` in pieces by code point: ``[(unicode-range, characters), …]``, empty pieces left out.
    The ranges are fixed, so a character always falls in the same piece."""
    lo, hi = IDEOGRAPHS
    bounds = [lo + (hi - lo) * i // n for i in range(n + 1)]
    out = [(f"U+0-{lo - 1:X}, U+{hi:X}-10FFFF", {c for c in chars if not lo <= ord(c) < hi})]
    for a, b in zip(bounds, bounds[1:]):
        out.append((f"U+{a:X}-{b - 1:X}", {c for c in chars if a <= ord(c) < b}))
    return [(rng, part) for rng, part in out if part]


def font_face_css(family: str, data: bytes, fmt: str, unicode_range: str | None = None) -> str:
    b64 = base64.b64encode(data).decode("ascii")
    rng = f"unicode-range: {unicode_range}; " if unicode_range else ""
    return (
        f'@font-face {{ font-family: "{family}"; font-style: normal; font-weight: 400; '
        f'font-display: swap; {rng}src: url(data:font/{fmt};base64,{b64}) format("{fmt}"); }}\n'
    )


def embed_fonts(pages: list[str], body_pieces: int = BODY_PIECES) -> list[str]:
    """Each page with the two subset faces embedded (before ``</head>``); a page no prose edit touches (a
    notebook view) takes ``body_pieces=1``: each piece is one more pass over the font."""
    chars = [_Chars() for _ in pages]  # the characters set in the body face and in the heading face
    for page, html in zip(chars, pages):
        page.feed(html)
    # the body face, which prose edits touch, in pieces; headings, captions, table headers: one face
    serif_pieces = [pieces(page.serif, body_pieces) for page in chars]
    serif = iter(subsets(font_file(SERIF), [part for parts in serif_pieces for _, part in parts]))
    sans = subsets(font_file(SANS), [page.sans | set("0123456789") for page in chars])
    out = []
    for html, parts, sans_face in zip(pages, serif_pieces, sans, strict=True):
        faces = [(SERIF, rng, next(serif)) for rng, _ in parts] + [(SANS, None, sans_face)]
        css = "".join(font_face_css(family, data, FLAVOR, rng) for family, rng, data in faces)
        style = f'<style id="neoutflow-webfonts">\n/* subset of {SERIF} and {SANS} (SIL OFL 1.1) */\n{css}</style>\n'
        out.append(html.replace("</head>", style + "</head>", 1))
    return out


def screen_png(original: bytes, max_px: int = HTML_IMAGE_PX) -> bytes:
    """A PNG figure made smaller for the HTML page (``original`` itself when nothing is gained)."""
    best = cache.memo("png", cache.key(original, str(max_px), "rgba-palette"), lambda: _compressed(original, max_px))
    return best if len(best) < len(original) else original


def _compressed(original: bytes, max_px: int) -> bytes:
    from PIL import Image

    with Image.open(io.BytesIO(original)) as im:
        im.load()
        # RGBA whether or not the file has alpha: the 256 colours are then chosen the same way
        # for a figure saved with or without an (opaque) alpha channel
        rgb = im.convert("RGBA")
    if rgb.width > max_px:
        rgb = rgb.resize((max_px, round(rgb.height * max_px / rgb.width)), Image.Resampling.LANCZOS)
    palette = rgb.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    buf = io.BytesIO()
    palette.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


_DATA_PNG = re.compile(r'(<img\b[^>]*?\bsrc=")data:image/png;base64,([A-Za-z0-9+/=]+)(")')


def screen_figures(html: str) -> str:
    """The page with its embedded PNG figures replaced by :func:`screen_png` copies."""
    figures = {m.group(2) for m in _DATA_PNG.finditer(html)}

    def reduce(b64: str) -> str:
        return base64.b64encode(screen_png(base64.b64decode(b64))).decode("ascii")

    with ThreadPoolExecutor() as pool:  # image encoding runs outside Python's lock
        reduced = dict(zip(figures, pool.map(reduce, figures), strict=True))
    return _DATA_PNG.sub(lambda m: f"{m.group(1)}data:image/png;base64,{reduced[m.group(2)]}{m.group(3)}", html)


def finish_html(html_path: Path) -> Path:
    """The HTML as both routes publish it: reduced screen figures, then the subset web fonts."""
    html_path.write_text(embed_fonts([screen_figures(html_path.read_text(encoding="utf-8"))])[0], encoding="utf-8")
    return html_path
