"""One plotting style and one CJK font for every figure of the report.

The fonts are found by :mod:`neoutflow.fonts`, which hands the same folders to
Typst for the PDF.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from neoutflow import atomic, paths
from neoutflow.fonts import SANS, SERIF, font_dirs  # noqa: F401  (SERIF re-exported for figures)
from neoutflow.formatting import tick_labels, typographic

# Colour-blind-safe palette (Okabe & Ito 2008); the Northeast is always vermillion.
PALETTE = {
    "northeast": "#D55E00",
    "other": "#0072B2",
    "neutral": "#999999",
    "accent": "#009E73",
    "highlight": "#CC79A7",  # reddish purple: orange would sit beside the vermillion
    "male": "#0072B2",
    "female": "#CC79A7",
}
DPI = 300
# The PDF's text width (A4, 2.4 cm margins). A figure is printed at the width its chapter gives it
# (``width=N%`` of this width, read by :func:`placed_fraction`), and every text of a figure is at
# least MIN_PT at that printed size.
TEXT_WIDTH_IN = 6.3
MIN_PT = 8.0
PAD_IN = 0.1  # savefig's pad around the tight bounding box (matplotlib's default pad_inches)
OPAQUE_PNG = "module://neoutflow.outputs.opaque_png"


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


def _inline_in_notebook() -> None:
    """In a Jupyter kernel (papermill runs), show figures as image outputs even where the
    build exports ``MPLBACKEND=Agg``: the executed notebooks then carry their figures."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and getattr(shell, "kernel", None) is not None:
        shell.run_line_magic("matplotlib", "inline")


def use() -> None:
    """Apply the report's style: CJK sans font, clean axes, print resolution."""
    import matplotlib as mpl
    import seaborn as sns

    register_fonts()
    _inline_in_notebook()
    sns.set_theme(context="paper", style="whitegrid", font=SANS)
    mpl.rcParams.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [SANS, "DejaVu Sans"],
            # One minus sign (U+2212) on the axes, as in the text: Noto Sans CJK SC has the glyph
            # (checked by tests/unit/test_typography.py).
            "axes.unicode_minus": True,
            "figure.dpi": 110,
            "savefig.dpi": DPI,
            "savefig.bbox": "tight",
            "figure.figsize": (6.4, 4.0),
            "font.size": 9,
            "axes.titlesize": 10.5,
            "axes.labelsize": 9.5,
            "xtick.labelsize": 8.5,
            "ytick.labelsize": 8.5,
            "legend.fontsize": 8.5,
            "svg.hashsalt": "neoutflow",  # stable SVG ids
            "pdf.fonttype": 42,
        }
    )


_WIDTH_ATTR = re.compile(r"build/figures/(?P<name>[\w.-]+)\.png\)\{[^}]*?\bwidth=(?P<pct>\d+(?:\.\d+)?)%")


@lru_cache(maxsize=1)
def _placements() -> dict[str, float]:
    """Figure file stem → the fraction of the text width its chapter places it at."""
    out: dict[str, float] = {}
    for qmd in sorted((paths.ROOT / "report").glob("*.qmd")):
        for m in _WIDTH_ATTR.finditer(qmd.read_text(encoding="utf-8")):
            out[m["name"]] = float(m["pct"]) / 100
    return out


def placed_fraction(path) -> float:
    """The fraction of the text width the report prints the figure file ``path`` at (1.0 when no
    chapter places it)."""
    return _placements().get(Path(path).stem, 1.0)


def printed_scale(fig, placed: float = 1.0) -> float:
    """Printed size / drawn size: the saved image (the tight bounding box plus its pad) is scaled to
    ``placed`` of the text width in the PDF. The figure is laid out without being rasterised: the
    box needs the texts' extents only, and the pixels are drawn once, when it is saved."""
    fig.draw_without_rendering()
    box = fig.get_tightbbox(fig.canvas.get_renderer())
    width = float(box.width) + 2 * PAD_IN
    return placed * TEXT_WIDTH_IN / width if width > 0 else 1.0


def enforce_min_text(fig, min_pt: float = MIN_PT, placed: float = 1.0) -> int:
    """Raise every text of ``fig`` (tick labels, labels, titles, legends, annotations) to at least
    ``min_pt`` at the printed size (the figure placed at ``placed`` of the text width), and give it
    the report's typography (U+2212, one range dash); returns how many texts were enlarged. Larger
    text widens the figure, so the check is repeated until nothing is raised."""
    raised = total = 0
    for _ in range(4):
        raised = _raise_texts(fig, min_pt / printed_scale(fig, placed) + 1e-6)
        total += raised
        if not raised:
            break
    return total


def _raise_texts(fig, floor: float) -> int:
    from matplotlib.text import Text

    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            ticks = axis.get_ticklabels()
            if ticks and min(t.get_fontsize() for t in ticks) < floor:
                ax.tick_params(axis="x" if axis is ax.xaxis else "y", labelsize=floor)
    raised = 0
    for text in fig.findobj(Text):
        label = text.get_text()
        if label and "$" not in label:  # the report's minus sign and range dash (not in mathtext)
            shown = typographic(label)
            if shown != label:
                text.set_text(shown)
        if text.get_text() and text.get_fontsize() < floor:
            text.set_fontsize(floor)
            raised += 1
    return raised


def _tick_numbers():
    """A matplotlib formatter giving :func:`neoutflow.formatting.tick_labels` (the tables' number
    formatter) for the axes' ticks."""
    from matplotlib import ticker

    class TickNumbers(ticker.Formatter):
        def __call__(self, x, pos=None):
            return tick_labels([x])[0]

        def format_ticks(self, values):
            return tick_labels(list(values))

    return TickNumbers()


def number_axes(fig) -> int:
    """Every linear axis with matplotlib's default number labels gets the tables' formatter
    (log, date and category axes, and axes a figure formats itself, are left alone)."""
    from matplotlib.ticker import ScalarFormatter

    changed = 0
    for ax in fig.axes:
        for axis, scale in ((ax.xaxis, ax.get_xscale()), (ax.yaxis, ax.get_yscale())):
            if scale == "linear" and type(axis.get_major_formatter()) is ScalarFormatter:
                axis.set_major_formatter(_tick_numbers())
                changed += 1
    return changed


def save(fig, path: Path) -> Path:
    """Save a figure as PNG atomically, with no timestamp metadata (deterministic bytes) and, on
    its opaque background, no alpha channel (:mod:`.opaque_png`). Text smaller than
    :data:`MIN_PT` at the printed size (the width its chapter places it at) is enlarged first. The data it draws is written beside
    it as ``<name>.csv`` (:mod:`.figure_data`), for the HTML report's download links."""
    from neoutflow.outputs import figure_data

    path = Path(path)
    number_axes(fig)  # the tables' number formatter on number axes
    enforce_min_text(fig, placed=placed_fraction(path))
    fmt = path.suffix.lstrip(".") or "png"
    backend = {"backend": OPAQUE_PNG} if fmt == "png" else {}
    with atomic.replacing(path) as tmp:
        fig.savefig(tmp, format=fmt, metadata={"Software": None}, **backend)
    figure_data.write(fig, path)
    return path


LABEL_GREY = "#4D4D4D"  # labels of context points: dark enough to read in print
_OFFSETS = [(4, 3), (4, -9), (-4, 3), (-4, -9), (0, 7), (0, -12), (9, -3), (-9, -3)]


def place_labels(
    ax,
    xs,
    ys,
    texts,
    colours=None,
    fontsize: float = 8,
    radius_steps: int = 4,
    avoid: Sequence = (),
    halo: bool = False,
) -> list:
    """Annotate points without overlapping labels (a small greedy label-repel).

    For each point, candidate offsets around it (at growing distances) are tried in
    turn; the first whose box overlaps neither an earlier label nor a plotted point
    is kept, otherwise the least-overlapping one (with a thin leader line when it
    ended up far from its point). ``avoid``: boxes (display units) no label may cover, such as
    names already written or an inset; ``halo``: a white outline keeps a label readable over a map.
    Returns the annotation artists.
    """
    from matplotlib import patheffects
    from matplotlib.transforms import Bbox

    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    to_disp = ax.transData.transform
    points = [to_disp((float(x), float(y))) for x, y in zip(xs, ys)]
    dot = 3.0 * fig.dpi / 72  # half a marker, in pixels
    point_boxes = [Bbox.from_extents(px - dot, py - dot, px + dot, py + dot) for px, py in points]
    placed: list = list(avoid)
    artists = []
    effects = [patheffects.withStroke(linewidth=1.8, foreground="white")] if halo else []
    colours = list(colours) if colours is not None else [LABEL_GREY] * len(points)
    for (x, y), text, colour in zip(zip(xs, ys), texts, colours):
        best = None
        for step in range(1, radius_steps + 1):
            for dx, dy in _OFFSETS:
                ha = "left" if dx > 0 else "right" if dx < 0 else "center"
                ann = ax.annotate(
                    str(text),
                    (x, y),
                    xytext=(dx * step, dy * step),
                    textcoords="offset points",
                    fontsize=fontsize,
                    color=colour,
                    ha=ha,
                    path_effects=effects,
                )
                box = ann.get_window_extent(renderer).expanded(1.1, 1.2)
                cost = sum(box.overlaps(b) for b in placed) * 10 + sum(box.overlaps(b) for b in point_boxes)
                if best is None or cost < best[0]:
                    if best is not None:
                        best[1].remove()
                    best = (cost, ann, box, step, (dx * step, dy * step), ha)
                else:
                    ann.remove()
                if cost == 0:
                    break
            if best[0] == 0:
                break
        _, ann, box, step, offset, ha = best
        if step > 1:  # far from its point: a thin leader line says whose label it is
            ann.remove()
            ann = ax.annotate(
                str(text),
                (x, y),
                xytext=offset,
                textcoords="offset points",
                fontsize=fontsize,
                color=colour,
                ha=ha,
                path_effects=effects,
                arrowprops={"arrowstyle": "-", "lw": 0.4, "color": colour, "shrinkA": 0, "shrinkB": 2},
            )
        placed.append(box)
        artists.append(ann)
    return artists
