"""Figures of the determinants analysis: each function takes tables and returns a figure.

Call :func:`neoutflow.outputs.style.use` first (CJK font); save with :func:`neoutflow.outputs.style.save`.
The study region's provinces (``region``: their codes; ``region_label``: how the legend names them, e.g.
"东北三省") are drawn in ``style.PALETTE["northeast"]`` (vermillion) and named; every other province in blue.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from neoutflow.analysis import models
from neoutflow.outputs import style
from neoutflow.outputs.style import PALETTE

FAMILY_COLOURS = {
    "education": PALETTE["accent"],
    "wages": PALETTE["highlight"],
    "industry": PALETTE["other"],
    "all": PALETTE["northeast"],
}


def _is_ne(codes: pd.Series, northeast: Sequence[str]) -> np.ndarray:
    return codes.astype(str).isin(list(northeast)).to_numpy()


def partial_regression_figure(
    data: pd.DataFrame,
    outcome: str,
    regressors: Sequence[str],
    variables: Sequence[str],
    labels: Mapping[str, str],
    names: Mapping[str, str],
    northeast: Sequence[str],
    id_col: str = "code",
    ncols: int = 3,
    region_label: str = "研究地区",
):
    """Added-variable plots: outcome and each variable net of the other regressors.

    The slope of the line is the multiple-regression coefficient; a point far
    from the cloud along the x axis is what drives it.
    """
    n = len(variables)
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    # At most two panels a row, so that the text is legible at the printed width.
    ncols = min(ncols, 2)
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(style.TEXT_WIDTH_IN, 2.7 * nrows), squeeze=False)
    ne_points = []
    for ax, var in zip(axes.ravel(), variables):
        pr = models.partial_regression(data, outcome, regressors, var, id_col=id_col)
        ne = _is_ne(pr["code"], northeast)
        ax.scatter(
            pr.loc[~ne, "x_resid"], pr.loc[~ne, "y_resid"], s=16, color=PALETTE["other"], alpha=0.75, label="其他省份"
        )
        ax.scatter(pr.loc[ne, "x_resid"], pr.loc[ne, "y_resid"], s=26, color=PALETTE["northeast"], label=region_label)
        slope = float(pr["x_resid"] @ pr["y_resid"] / (pr["x_resid"] @ pr["x_resid"]))
        xs = np.linspace(pr["x_resid"].min(), pr["x_resid"].max(), 2)
        ax.plot(xs, slope * xs, color=PALETTE["neutral"], lw=1)
        ax.axhline(0, color=PALETTE["neutral"], lw=0.5, ls=":")
        ax.set_xlabel(f"{labels.get(var, var)}（残差）", fontsize=8)
        ax.set_ylabel(f"{labels.get(outcome, outcome)}（残差）", fontsize=8)
        ax.tick_params(labelsize=7.5)
        ne_points.append((ax, pr[ne]))
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    handles, texts = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, texts, loc="lower center", ncol=2, frameon=False, bbox_to_anchor=(0.5, -0.02))
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    for ax, pts in ne_points:
        style.place_labels(
            ax,
            pts["x_resid"],
            pts["y_resid"],
            [names.get(c, c) for c in pts["code"]],
            [PALETTE["northeast"]] * len(pts),
        )
    return fig


def coefficient_figure(table: pd.DataFrame, labels: Mapping[str, str], xlabel: str = "标准化系数（95% 置信区间）"):
    """Point estimates with confidence intervals, one row per term.

    ``table``: ``term, coef, ci_low, ci_high`` and optionally ``model`` (a
    column per specification, drawn with small vertical offsets).
    """
    df = table.copy()
    if "model" not in df.columns:
        df["model"] = ""
    terms = list(dict.fromkeys(df["term"]))
    model_names = list(dict.fromkeys(df["model"]))
    colours = [PALETTE["northeast"], PALETTE["other"], PALETTE["accent"], PALETTE["highlight"], PALETTE["neutral"]]
    fig, ax = plt.subplots(figsize=(6.0, 0.45 * len(terms) + 1.2))
    offsets = np.linspace(-0.18, 0.18, len(model_names)) if len(model_names) > 1 else [0.0]
    for off, name, col in zip(offsets, model_names, colours * 3):
        part = df[df["model"] == name].set_index("term")
        ys = [len(terms) - 1 - terms.index(t) + off for t in part.index]
        ax.errorbar(
            part["coef"],
            ys,
            xerr=[part["coef"] - part["ci_low"], part["ci_high"] - part["coef"]],
            fmt="o",
            ms=4,
            color=col,
            capsize=2,
            lw=1,
            label=name or None,
        )
    ax.axvline(0, color=PALETTE["neutral"], lw=0.8, ls="--")
    ax.set_yticks(range(len(terms)), [labels.get(t, t) for t in reversed(terms)])
    ax.set_xlabel(xlabel)
    if len(model_names) > 1:
        ax.legend(frameon=False, fontsize=8, ncol=2, loc="upper center", bbox_to_anchor=(0.5, -0.16))
    fig.tight_layout()
    return fig


def counterfactual_figure(
    cf: pd.DataFrame,
    names: Mapping[str, str],
    outcome_label: str,
    family_labels: Mapping[str, str],
):
    """Change in the predicted outcome per Northeast province and family, with intervals.

    ``cf``: ``code, family, change, ci_low, ci_high`` (from :func:`models.counterfactuals`,
    or with bootstrap bounds renamed to ``ci_low``/``ci_high``).
    """
    codes = list(dict.fromkeys(cf["code"]))
    families = [f for f in ("education", "wages", "industry", "all") if f in set(cf["family"])]
    fig, ax = plt.subplots(figsize=(6.4, 0.9 * len(codes) + 1.4))
    height = 0.8 / len(families)
    for j, fam in enumerate(families):
        part = cf[cf["family"] == fam].set_index("code").reindex(codes)
        ys = np.arange(len(codes))[::-1] + (len(families) / 2 - j - 0.5) * height
        ax.barh(ys, part["change"], height=height * 0.9, color=FAMILY_COLOURS[fam], label=family_labels.get(fam, fam))
        ax.errorbar(
            part["change"],
            ys,
            xerr=[part["change"] - part["ci_low"], part["ci_high"] - part["change"]],
            fmt="none",
            ecolor="black",
            lw=0.8,
            capsize=2,
        )
    ax.axvline(0, color=PALETTE["neutral"], lw=0.8)
    ax.set_yticks(np.arange(len(codes))[::-1], [names.get(c, c) for c in codes])
    ax.set_xlabel(f"{outcome_label}的变化（百分点，95% 置信区间）")
    ax.legend(frameon=False, fontsize=8, ncol=len(families), loc="upper center", bbox_to_anchor=(0.5, -0.18))
    fig.tight_layout()
    return fig


def leave_one_out_figure(
    loo: pd.DataFrame,
    fit,
    variables: Sequence[str],
    labels: Mapping[str, str],
    northeast: Sequence[str],
    region_name: str = "研究地区",
):
    """Each coefficient re-estimated n times, one province left out each time
    (``loo``: :func:`models.leave_one_out`).

    Values are divided by the full-sample standard error, so every panel reads
    the same way: a dot beyond ±2 of zero is a "significant-looking" estimate.
    """
    fig, ax = plt.subplots(figsize=(6.4, 0.5 * len(variables) + 1.3))
    for i, var in enumerate(variables):
        y = len(variables) - 1 - i
        part = loo[loo["term"] == var]
        scaled = (part["coef"] / float(fit.bse[var])).to_numpy()
        ne = _is_ne(part["dropped"], northeast)
        jitter = np.linspace(-0.15, 0.15, len(part))
        ax.scatter(scaled[~ne], y + jitter[~ne], s=10, color=PALETTE["other"], alpha=0.6)
        ax.scatter(scaled[ne], y + jitter[ne], s=18, color=PALETTE["northeast"])
        ax.plot([fit.params[var] / fit.bse[var]] * 2, [y - 0.3, y + 0.3], color="black", lw=1.5)
    for x in (-2, 2):
        ax.axvline(x, color=PALETTE["neutral"], lw=0.6, ls=":")
    ax.axvline(0, color=PALETTE["neutral"], lw=0.8)
    ax.set_yticks(range(len(variables)), [labels.get(v, v) for v in reversed(variables)])
    ax.set_xlabel(f"系数 / 全样本稳健标准误（黑线：全样本；朱红点：去掉的是{region_name}省份）")
    fig.tight_layout()
    return fig


def scatter_figure(
    data: pd.DataFrame,
    x: str,
    y: str,
    labels: Mapping[str, str],
    northeast: Sequence[str],
    name_col: str = "name_zh",
    id_col: str = "code",
    extremes: float = 0.1,
    region_label: str = "研究地区",
):
    """Two variables across provinces with the Pearson correlation; the Northeast is
    named, and so is every province outside the ``extremes``–``1 − extremes``
    quantile range of either variable (the points that drive the correlation)."""
    ne = _is_ne(data[id_col], northeast)
    outer = np.zeros(len(data), dtype=bool)
    for v in (x, y):
        lo, hi = data[v].quantile([extremes, 1 - extremes])
        outer |= ((data[v] <= lo) | (data[v] >= hi)).to_numpy()
    fig, ax = plt.subplots(figsize=(4.8, 3.8))
    ax.scatter(data.loc[~ne, x], data.loc[~ne, y], s=18, color=PALETTE["other"], alpha=0.75, label="其他省份")
    ax.scatter(data.loc[ne, x], data.loc[ne, y], s=28, color=PALETTE["northeast"], label=region_label)
    named = data[ne | outer]
    r = float(np.corrcoef(data[x].astype(float), data[y].astype(float))[0, 1])
    ax.set_title(f"相关系数 r = {r:.2f}", fontsize=9)
    ax.set_xlabel(labels.get(x, x))
    ax.set_ylabel(labels.get(y, y))
    ax.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    colours = [PALETTE["northeast"] if str(c) in northeast else style.LABEL_GREY for c in named[id_col]]
    style.place_labels(ax, named[x], named[y], named[name_col], colours)
    return fig


def fitted_scatter_figure(
    data: pd.DataFrame,
    x: str,
    y: str,
    fit,
    labels: Mapping[str, str],
    northeast: Sequence[str],
    name_col: str = "name_zh",
    id_col: str = "code",
    line_label: str = "拟合线",
    region_label: str = "研究地区",
):
    """``y`` against ``x`` across all provinces, every province named (the Northeast in vermillion),
    with the fitted line of ``fit`` along ``x``: its other regressors held at their sample means, so the
    slope is the model's coefficient of ``x``."""
    _require_cols = [x, y, name_col, id_col]
    missing = [c for c in _require_cols if c not in data.columns]
    if missing:
        raise ValueError(f"data lacks columns {missing}")
    params = fit.params
    if x not in params.index:
        raise ValueError(f"the model has no coefficient for {x!r}")
    others = [v for v in params.index if v not in (x, models.INTERCEPT)]
    level = float(params.get(models.INTERCEPT, 0.0)) + sum(float(params[v]) * float(data[v].mean()) for v in others)
    ne = _is_ne(data[id_col], northeast)
    fig, ax = plt.subplots(figsize=(style.TEXT_WIDTH_IN, 4.6))
    ax.scatter(data.loc[~ne, x], data.loc[~ne, y], s=18, color=PALETTE["other"], alpha=0.8, label="其他省份")
    ax.scatter(data.loc[ne, x], data.loc[ne, y], s=30, color=PALETTE["northeast"], label=region_label)
    xs = np.linspace(float(data[x].min()), float(data[x].max()), 2)
    ax.plot(xs, level + float(params[x]) * xs, color=PALETTE["neutral"], lw=1.2, label=line_label)
    ax.axhline(0, color=PALETTE["neutral"], lw=0.5, ls=":")
    ax.set_xlabel(labels.get(x, x))
    ax.set_ylabel(labels.get(y, y))
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    fig.tight_layout()
    colours = [PALETTE["northeast"] if n else style.LABEL_GREY for n in ne]
    style.place_labels(ax, data[x], data[y], data[name_col], colours, fontsize=7.5)
    return fig
