"""Number formatting rules, written once for results, tables and figures."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence


def format_number(value, digits: int = 1, scale: float = 1.0, suffix: str = "", signed: bool = False) -> str:
    """Format ``value / scale`` with thousands separators and ``digits`` decimals.

    ``format_number(-10998181, 1, 1e4, "万")`` gives ``"-1,099.8万"``.
    """
    if isinstance(value, str):
        return value
    x = float(value) / scale
    if math.isnan(x):
        return "—"
    text = f"{x:+,.{digits}f}" if signed else f"{x:,.{digits}f}"
    if text in ("-0", "+0") or text.lstrip("+-").strip("0.,") == "":
        text = text.lstrip("+-") if not signed else "0" + ("." + "0" * digits if digits else "")
    return text + suffix


def tick_labels(values: Sequence[float]) -> list[str]:
    """A figure axis's tick labels as the tables print numbers: thousands separators from 1,000,
    the fewest decimals that tell the ticks apart (the same for every tick), U+2212 for a minus;
    whole years (every tick 1900–2100) without separators. ``[0, 2500, 5000]`` →
    ``["0", "2,500", "5,000"]``; ``[-0.5, 0, 0.5]`` → ``["−0.5", "0.0", "0.5"]``."""
    finite = [float(v) for v in values if v is not None and math.isfinite(v)]
    if finite and all(v.is_integer() and 1900 <= v <= 2100 for v in finite):
        return [str(int(v)) if v is not None and math.isfinite(v) else "" for v in values]
    digits = 0
    while digits < 6 and any(abs(round(v, digits) - v) > 1e-9 * max(1.0, abs(v)) for v in finite):
        digits += 1
    return [typographic(format_number(v, digits)) if v is not None and math.isfinite(v) else "" for v in values]


def row_decimals(values: Sequence[float], base: int = 3, max_decimals: int = 6) -> int:
    """Decimals for one variable's row: ``base``, or more so that the smallest
    non-zero standard error still shows two significant digits."""
    finite = [abs(v) for v in values if v is not None and math.isfinite(v) and v != 0]
    if not finite:
        return base
    need = 1 - math.floor(math.log10(min(finite)))  # two significant digits
    return int(min(max(base, need), max_decimals))


# --- typography: one minus sign, one range dash, p-values -------------------------------------
#
# Numbers are *stored* with ASCII hyphen-minus (CSV, JSON, Markdown tables stay machine-readable);
# they are *shown* with the typographic characters below. In the report's text (prose, tables,
# captions, in HTML and PDF, under either engine) report/typeset.lua applies these rules; here
# :func:`typographic` applies them to the figures' own text (labels drawn by matplotlib, which
# also uses ``axes.unicode_minus`` with a font that has U+2212). tests/unit/test_typography.py
# checks that the two give the same text.

MINUS = "\u2212"  # −
NBSP = "\u00a0"  # inside "p < 0.001" and between a number and 万: never broken across lines
RANGE_DASH = "\u2013"  # – (en dash), between the two ends of a range: 2010–2020, 20–39 岁

# A hyphen-minus directly before a digit, not inside a word or range.
_SIGN = re.compile(r"(?<![0-9A-Za-z_.\-\u2013\u2014/])-(?=\d)")
# Two numbers joined by - (no spaces), –, —, ～ or ~ (optionally with 年/岁 after the first): a range.
_RANGE = re.compile(r"(?<![\d.\-/:A-Za-z_])(\d+(?:\.\d+)?(?:年|岁)?)(?:-|\s*(?:\u2013|\u2014{1,2}|～|~)\s*)(?=\d)")
# ISO dates and versions keep their hyphens: 2024-01-01, 3.1-2.
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_P_ZERO = re.compile(r"\b([pP])\s*=\s*0\.0+(?![0-9])")


def typographic(text: str) -> str:
    """Apply the report's typographic number rules to one text run.

    - a sign before a number becomes U+2212 (``-1.5`` → ``−1.5``, ``（-10.04%）`` → ``（−10.04%）``);
    - a range between numbers uses one dash, U+2013 (``2010—2020`` and ``30-34`` → ``2010–2020``, ``30–34``);
    - ``p = 0.000`` (a rounded zero) reads ``p < 0.001`` (with no-break spaces).

    ISO dates (``2024-01-01``) are left alone.
    """
    if not text or not any(c in text for c in "-\u2013\u2014～~=−"):
        return text
    dates = _ISO_DATE.findall(text)
    if dates:
        for i, d in enumerate(dates):
            text = text.replace(d, f"\x00{i}\x00", 1)
    text = _RANGE.sub(lambda m: m.group(1) + RANGE_DASH, text)
    text = _SIGN.sub(MINUS, text)
    text = _P_ZERO.sub(lambda m: f"{m.group(1)}{NBSP}<{NBSP}0.001", text)
    for i, d in enumerate(dates):
        text = text.replace(f"\x00{i}\x00", d)
    return text


def format_p(p: float, digits: int = 3) -> str:
    """A p-value as printed: ``p = 0.042``, or ``p < 0.001`` below the last shown decimal."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "p = —"
    floor = 10.0**-digits
    return f"p < {floor:.{digits}f}" if p < floor else f"p = {p:.{digits}f}"


def format_range(low, high, digits: int = 0) -> str:
    """``low–high`` with the report's range dash and minus sign: ``format_range(-1, 2.5, 1)`` → ``−1.0–2.5``."""
    return typographic(f"{format_number(low, digits)}{RANGE_DASH}{format_number(high, digits)}")


def list_zh(items: Sequence[str]) -> str:
    """Items as a Chinese enumeration: ``甲``, ``甲和乙``, ``甲、乙和丙``; 和 is set apart from a number on
    either side as the prose sets it (``7.74‰、8.76‰ 和 8.48‰``, ``辽宁 0.0% 和吉林``)."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    left = " " if re.search(r"[\d%‰]$", items[-2]) else ""
    right = " " if re.match(r"[+\-−\d]", items[-1]) else ""
    return "、".join(items[:-1]) + f"{left}和{right}" + items[-1]
