"""Figures of the prefecture wage chapter: the specification curve and the counterfactual map."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from neoutflow.outputs import cartography as carto
from neoutflow.outputs import figure_data, style
from neoutflow.outputs.outflow_figures import CHINA_ALBERS, annotate_units, province_of
from neoutflow.outputs.style import PALETTE


def specification_curve(
    ordered: pd.DataFrame,
    dimensions: Sequence[str],
    labels: Mapping[str, str],
    ylabel: str,
    title: str | None = None,
):
    """The standard two-panel figure: estimates sorted with 95% intervals (coloured where the
    interval excludes zero) above; one row per dimension value below, a mark where the spec uses it."""
    import matplotlib.pyplot as plt

    n = len(ordered)
    x = np.arange(n)
    rows = [(d, v) for d in dimensions for v in dict.fromkeys(ordered[d])]
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(7.2, 7.0), sharex=True, gridspec_kw={"height_ratios": [1.0, 1.3], "hspace": 0.05}
    )
    excl = ((ordered["ci_low"] > 0) | (ordered["ci_high"] < 0)).to_numpy()
    colour = np.where(excl, PALETTE["northeast"], PALETTE["neutral"])
    top.vlines(x, ordered["ci_low"], ordered["ci_high"], colors=colour, linewidth=0.5, alpha=0.6)
    top.scatter(x, ordered["estimate"], c=colour, s=3, zorder=3)
    top.axhline(0, color="#333333", linewidth=0.8)
    top.set_ylabel(ylabel)
    if title:
        top.set_title(title)
    for i, (d, v) in enumerate(rows):
        on = (ordered[d] == v).to_numpy()
        bottom.scatter(x[on], np.full(on.sum(), i), marker="|", s=12, color=colour[on], linewidths=0.6)
    bottom.set_yticks(range(len(rows)))
    bottom.set_yticklabels([labels.get(v, v) for _, v in rows], fontsize=6.5)
    bottom.set_ylim(len(rows) - 0.5, -0.5)
    edges = np.cumsum([len(dict.fromkeys(ordered[d])) for d in dimensions])[:-1]
    for e in edges:
        bottom.axhline(e - 0.5, color="#BBBBBB", linewidth=0.5)
    bottom.set_xlabel("设定（按估计值排序）")
    bottom.set_xlim(-1, n)
    return fig


def counterfactual_map(
    cf: pd.DataFrame,
    boundaries,
    focus_provinces: Sequence[str],
    panels: Mapping[str, str],
    label: str,
):
    """One panel per reference (``panels``: reference → title): each Northeast prefecture coloured by
    its counterfactual change (Albers); units without an estimate hatched grey; the colour bar beside
    the panels, a scale bar and north arrow in the first; in each panel the units with the largest
    changes named first, leaving out names that would collide."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import TwoSlopeNorm

    geo = boundaries.copy()
    geo["code"] = geo["code"].astype(str)
    geo = geo[geo["code"].map(province_of).isin(focus_provinces)].to_crs(CHINA_ALBERS)
    limit = float(np.nanmax(np.abs(cf["change"]))) or 1.0
    norm = TwoSlopeNorm(vmin=-limit, vcenter=0.0, vmax=limit)
    fig, axes = plt.subplots(1, len(panels), figsize=(style.TEXT_WIDTH_IN, 4.6))
    axes = np.atleast_1d(axes)
    parts = []
    for ax, (ref, ttl) in zip(axes, panels.items(), strict=True):
        part = geo.merge(cf[cf["reference"] == ref][["code", "change"]], on="code", how="left")
        missing = part[part["change"].isna()]
        if not missing.empty:
            missing.plot(ax=ax, color="#E5E5E5", edgecolor="white", hatch="///", linewidth=0.4)
        shown = part.dropna(subset=["change"])
        shown.plot(ax=ax, column="change", cmap="RdBu", norm=norm, edgecolor="white", linewidth=0.4)
        figure_data.name_areas(ax, shown)
        part.assign(province=part["code"].map(province_of)).dissolve(by="province").boundary.plot(
            ax=ax, color="#333333", linewidth=0.8
        )
        ax.set_axis_off()
        ax.set_title(ttl, fontsize=9)
        parts.append(part)
    furniture = carto.scale_bar(axes[0], loc=(0.55, 0.03)) + carto.north_arrow(axes[0], loc=(0.85, 0.84))
    sm = plt.cm.ScalarMappable(cmap="RdBu", norm=norm)
    fig.colorbar(sm, ax=list(axes), shrink=0.7, label=label, orientation="vertical", pad=0.02)
    for ax, part in zip(axes, parts, strict=True):
        annotate_units(ax, part.dropna(subset=["change"]), "change", limit, avoid=carto.artist_boxes(ax, furniture))
    return fig
