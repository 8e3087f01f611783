"""The data a figure draws, as a CSV beside its PNG (the HTML report offers it for download).

Read back from the drawn figure itself, so that it is exactly what the reader sees and no figure
function has to hand its data over twice: every named or unnamed data line (not the reference lines
drawn across an axis), every bar, every scatter point (with the label placed at it, if any) and
every coloured area of a map (its value). One row per point, in long form: the panel (its title,
or its number), the series (its legend label), x and y (a category's name where the axis shows
names), the point's label, and the two axes' titles.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

COLUMNS = ["面板", "系列", "x", "y", "标注", "横轴", "纵轴"]


def _name(artist) -> str:
    label = str(artist.get_label() or "")
    return "" if label.startswith("_") else label


def _tick_names(axis) -> dict[float, str]:
    """Tick positions that carry a name (a category axis), by position."""
    names = {}
    for loc, label in zip(axis.get_ticklocs(), axis.get_ticklabels()):
        text = label.get_text()
        if text and not _is_number(text):
            names[round(float(loc), 6)] = text
    return names


def _is_number(text: str) -> bool:
    try:
        float(text.replace("−", "-").replace(",", "").rstrip("%"))
    except ValueError:
        return False
    return True


def _value(v: object, names: dict[float, str]) -> object:
    if isinstance(v, (int, float, np.floating, np.integer)) and math.isfinite(float(v)):
        return names.get(round(float(v), 6), float(v))
    return v


def _points(ax) -> list[tuple[str, object, object, str]]:
    """(series, x, y, label) for everything the panel draws from data."""
    from matplotlib.collections import PathCollection
    from matplotlib.container import BarContainer
    from matplotlib.text import Annotation

    at = {
        (round(float(a.xy[0]), 6), round(float(a.xy[1]), 6)): a.get_text()
        for a in ax.texts
        if isinstance(a, Annotation)
    }
    out: list[tuple[str, object, object, str]] = []
    for line in ax.get_lines():
        if line.get_transform() != ax.transData:  # axhline / axvline: a reference, not data
            continue
        for x, y in zip(np.asarray(line.get_xdata()).ravel(), np.asarray(line.get_ydata()).ravel()):
            out.append((_name(line), x, y, ""))
    for container in ax.containers:
        if isinstance(container, BarContainer):
            for bar in container:
                x, w, y, h = bar.get_x(), bar.get_width(), bar.get_y(), bar.get_height()
                horizontal = container.orientation == "horizontal"
                point = (x + w, y + h / 2) if horizontal else (x + w / 2, y + h)
                out.append((_name(container), point[0], point[1], ""))
    for coll in ax.collections:
        if isinstance(coll, PathCollection) and np.asarray(coll.get_offsets()).size:
            for x, y in np.asarray(coll.get_offsets()):
                out.append((_name(coll), x, y, at.get((round(float(x), 6), round(float(y), 6)), "")))
        elif coll.get_array() is not None:  # a map's coloured areas: the value each shows
            for v in np.asarray(coll.get_array()).ravel():
                out.append((_name(coll), "", v, ""))
    return out


def figure_table(fig) -> pd.DataFrame:
    """The figure's data in long form (columns :data:`COLUMNS`); empty when it draws none."""
    rows = []
    for i, ax in enumerate(fig.axes, start=1):
        if not ax.get_visible() or ax.get_label() == "<colorbar>":
            continue
        panel = ax.get_title() or str(i)
        xnames, ynames = _tick_names(ax.xaxis), _tick_names(ax.yaxis)
        for series, x, y, label in _points(ax):
            rows.append([panel, series, _value(x, xnames), _value(y, ynames), label, ax.get_xlabel(), ax.get_ylabel()])
    return pd.DataFrame(rows, columns=COLUMNS)


def write(fig, png: Path) -> Path | None:
    """Write the figure's data beside ``png`` (``name.csv``, UTF-8 with a byte-order mark, as the
    tables' CSVs); nothing when the figure draws no data."""
    from neoutflow import atomic

    table = figure_table(fig)
    if table.empty:
        return None
    path = Path(png).with_suffix(".csv")
    text = table.to_csv(index=False, float_format="%.6g", lineterminator="\n")
    atomic.write_bytes(path, ("\ufeff" + text).encode("utf-8"), if_changed=True)
    return path
