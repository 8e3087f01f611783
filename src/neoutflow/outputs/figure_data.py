"""The data a figure draws, as a CSV beside its PNG (the HTML report offers it for download).

Read back from the drawn figure itself, so that it is exactly what the reader sees and no figure
function has to hand its data over twice: every named or unnamed data line (not the reference lines
drawn across an axis), every bar, every scatter point (with the label placed at it, if any) and
every coloured area of a map (its value, with the region's code and Chinese name where the map
tagged its areas with :func:`name_areas`). One row per point (per region on a map), in long form,
under Chinese column names (:data:`COLUMNS`): the panel (its title, or its number), the series (its
legend label), the region, x and y (a category's name where the axis shows names), the colour value
of a map area, the point's label, the two axes' titles and the colour bar's.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

COLUMNS = ["面板", "系列", "地区代码", "地区", "横轴取值", "纵轴取值", "地图着色值", "标注", "横轴", "纵轴", "色标"]
AREAS = "_neoutflow_areas"  # the attribute name_areas sets on a map's collection: (code, name) per drawn part


def name_areas(ax, frame) -> None:
    """Tag the coloured areas just drawn on ``ax`` from the GeoDataFrame ``frame`` (``code`` and, if present,
    ``name_zh``; drawn with ``frame.plot(column=…)``, the last collection of ``ax``) with each area's region,
    for the figure's CSV. The patches follow the frame's rows: one per row, or one per polygon part where a
    multi-part region is drawn as several."""
    coll = ax.collections[-1] if ax.collections else None
    if coll is None or coll.get_array() is None:
        raise ValueError("name_areas: the axes' last collection is not a coloured map (draw it with column=…)")
    names = frame["name_zh"].astype(str) if "name_zh" in frame.columns else [""] * len(frame)
    rows = list(zip(frame["code"].astype(str), names, strict=True))
    parts = [0 if g is None or g.is_empty else len(getattr(g, "geoms", [g])) for g in frame.geometry]
    patches = np.asarray(coll.get_array()).size
    if patches == len(rows):
        regions = rows
    elif patches == sum(parts):
        regions = [row for row, n in zip(rows, parts, strict=True) for _ in range(n)]
    else:
        raise ValueError(
            f"name_areas: {patches} coloured patches on the axes, but {len(rows)} regions ({sum(parts)} polygon "
            "parts) in the frame"
        )
    setattr(coll, AREAS, regions)


def _colour_bar_label(fig) -> str:
    for ax in fig.axes:
        if ax.get_label() == "<colorbar>":
            return ax.get_ylabel() or ax.get_xlabel()
    return ""


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


def _points(ax) -> list[tuple[str, object, object, str, tuple[str, str] | None]]:
    """(series, x, y, label, region) for everything the panel draws from data; a map area's colour value
    is its y, its region (code, name) the last item (None for everything else)."""
    from matplotlib.collections import PathCollection
    from matplotlib.container import BarContainer
    from matplotlib.text import Annotation

    at = {
        (round(float(a.xy[0]), 6), round(float(a.xy[1]), 6)): a.get_text()
        for a in ax.texts
        if isinstance(a, Annotation)
    }
    out: list[tuple[str, object, object, str, tuple[str, str] | None]] = []
    for line in ax.get_lines():
        if line.get_transform() != ax.transData:  # axhline / axvline: a reference, not data
            continue
        for x, y in zip(np.asarray(line.get_xdata()).ravel(), np.asarray(line.get_ydata()).ravel()):
            out.append((_name(line), x, y, "", None))
    for container in ax.containers:
        if isinstance(container, BarContainer):
            for bar in container:
                x, w, y, h = bar.get_x(), bar.get_width(), bar.get_y(), bar.get_height()
                horizontal = container.orientation == "horizontal"
                point = (x + w, y + h / 2) if horizontal else (x + w / 2, y + h)
                out.append((_name(container), point[0], point[1], "", None))
    for coll in ax.collections:
        if isinstance(coll, PathCollection) and np.asarray(coll.get_offsets()).size:
            for x, y in np.asarray(coll.get_offsets()):
                out.append((_name(coll), x, y, at.get((round(float(x), 6), round(float(y), 6)), ""), None))
        elif coll.get_array() is not None:  # a map's coloured areas: the value each shows, once per region
            values = np.asarray(coll.get_array()).ravel()
            regions = getattr(coll, AREAS, None) or [("", "")] * len(values)
            seen = set()
            for v, region in zip(values, regions, strict=True):
                if region[0] and region in seen:
                    continue
                seen.add(region)
                out.append((_name(coll), "", v, "", region))
    return out


def figure_table(fig) -> pd.DataFrame:
    """The figure's data in long form (columns :data:`COLUMNS`); empty when it draws none."""
    rows = []
    bar = _colour_bar_label(fig)
    for i, ax in enumerate(fig.axes, start=1):
        if not ax.get_visible() or ax.get_label() == "<colorbar>":
            continue
        panel = ax.get_title() or str(i)
        xnames, ynames = _tick_names(ax.xaxis), _tick_names(ax.yaxis)
        for series, x, y, label, region in _points(ax):
            if region is None:
                cells = ["", "", _value(x, xnames), _value(y, ynames), "", label, ax.get_xlabel(), ax.get_ylabel(), ""]
            else:  # a map area: the axes are projected coordinates, not a quantity
                cells = [*region, "", "", y, label, "", "", bar]
            rows.append([panel, series, *cells])
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
