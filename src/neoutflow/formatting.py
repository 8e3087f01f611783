"""Number formatting rules, written once for results, tables and figures."""

from __future__ import annotations

import math
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


def row_decimals(values: Sequence[float], base: int = 3, max_decimals: int = 6) -> int:
    """Decimals for one variable's row: ``base``, or more so that the smallest
    non-zero standard error still shows two significant digits."""
    finite = [abs(v) for v in values if v is not None and math.isfinite(v) and v != 0]
    if not finite:
        return base
    need = 1 - math.floor(math.log10(min(finite)))  # two significant digits
    return int(min(max(base, need), max_decimals))
