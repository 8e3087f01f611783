"""One plotting style and one CJK font for every figure of the report.

The fonts are found by :mod:`neoutflow.fonts`, which hands the same folders to
Typst for the PDF.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from neoutflow import atomic
from neoutflow.fonts import SANS, SERIF, font_dirs  # noqa: F401  (SERIF re-exported for figures)

# Colour-blind-safe palette (Okabe & Ito 2008); the Northeast is always vermillion.
PALETTE = {
    "northeast": "#D55E00",
    "other": "#0072B2",
    "neutral": "#999999",
    "accent": "#009E73",
    "highlight": "#E69F00",
    "male": "#0072B2",
    "female": "#CC79A7",
}
DPI = 300


@lru_cache(maxsize=1)
def register_fonts() -> list[str]:
    """Add the CJK fonts to matplotlib's font manager; return the files added."""
    from matplotlib import font_manager

    added = []
    for d in font_dirs():
        for f in sorted(d.iterdir()):
            if f.suffix.lower() in {".otf", ".ttf", ".ttc"} and "CJK" in f.name:
                font_manager.fontManager.addfont(str(f))
                added.append(str(f))
    return added


def use() -> None:
    """Apply the report's style: CJK sans font, clean axes, print resolution."""
    import matplotlib as mpl
    import seaborn as sns

    register_fonts()
    sns.set_theme(context="paper", style="whitegrid", font=SANS)
    mpl.rcParams.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [SANS, "DejaVu Sans"],
            "axes.unicode_minus": False,  # CJK fonts lack U+2212
            "figure.dpi": 110,
            "savefig.dpi": DPI,
            "savefig.bbox": "tight",
            "figure.figsize": (6.4, 4.0),
            "axes.titlesize": 11,
            "axes.labelsize": 10,
            "legend.fontsize": 9,
            "svg.hashsalt": "neoutflow",  # stable SVG ids
            "pdf.fonttype": 42,
        }
    )


def save(fig, path: Path) -> Path:
    """Save a figure as PNG atomically, with no timestamp metadata (deterministic bytes)."""
    path = Path(path)
    with atomic.replacing(path) as tmp:
        fig.savefig(tmp, format=path.suffix.lstrip(".") or "png", metadata={"Software": None})
    return path
