"""Publication-style regression tables in Chinese, generated from fitted models.

A table has one column per model: each coefficient with significance marks,
its (robust) standard error in parentheses on the line beneath, then N, R² and
adjusted R², plus optional rows such as "省份固定效应: 是". It is written as a
Markdown pipe table followed by a Quarto caption line ``: 标题 {#tbl-name}``
and a note, and as CSV. Formatting is deterministic: fixed decimals per row,
ASCII minus signs, no locale dependence.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from neoutflow import atomic
from neoutflow.formatting import row_decimals
from neoutflow.outputs.claims import ALPHA
from neoutflow.outputs.sources import citation

# (threshold, mark), checked from the strictest. One convention for every table of the report: the
# first star is the level at which the text calls a coefficient 显著 (claims.ALPHA), so a starred
# coefficient is never one the text calls 不显著; every table note states it (STAR_NOTE).
STARS: tuple[tuple[float, str], ...] = ((0.001, "***"), (0.01, "**"), (ALPHA, "*"))
STAR_NOTE = (
    "、".join(mark for _, mark in reversed(STARS))
    + " 分别表示 "
    + "、".join(f"p\u00a0<\u00a0{threshold:g}" for threshold, _ in reversed(STARS))
)
SE_NOTES = {
    "HC3": "括号内为 HC3 异方差稳健标准误",
    "HC2": "括号内为 HC2 异方差稳健标准误",
    "HC1": "括号内为 HC1 异方差稳健标准误",
    "HC0": "括号内为 HC0 异方差稳健标准误",
    "nonrobust": "括号内为普通最小二乘标准误",
    "cluster": "括号内为按省聚类的稳健标准误",
}
STAT_LABELS = {"n": "样本量 N", "r2": "R²", "adj_r2": "调整后 R²"}


class TableError(ValueError):
    """A table that cannot be built from what was given."""


@dataclass
class Column:
    """What a table needs from one fitted model."""

    header: str
    params: pd.Series
    bse: pd.Series
    pvalues: pd.Series
    n: int
    r2: float
    adj_r2: float
    extra: dict[str, str] = field(default_factory=dict)


def column(fit, header: str, extra: Mapping[str, str] | None = None) -> Column:
    """A :class:`Column` from a statsmodels results object."""
    return Column(
        header,
        fit.params,
        fit.bse,
        fit.pvalues,
        int(fit.nobs),
        float(fit.rsquared),
        float(fit.rsquared_adj),
        dict(extra or {}),
    )


def stars(p: float) -> str:
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return ""
    for threshold, mark in STARS:
        if p < threshold:
            return mark
    return ""


def _fmt(x: float, decimals: int) -> str:
    text = f"{x:.{decimals}f}"
    if float(text) == 0:  # no "-0.000"
        text = text.lstrip("-")
    return text


def regression_table(
    columns: Sequence[Column],
    labels: Mapping[str, str],
    terms: Sequence[str] | None = None,
    decimals: int = 3,
    intercept: str = "Intercept",
    intercept_label: str = "常数项",
    extra_rows: Sequence[str] = (),
) -> pd.DataFrame:
    """The table as strings: index = row labels (blank for SE rows), one column per model.

    ``terms``: the coefficients to show, in order (default: every term of every
    column except fixed-effect dummies, intercept last). ``labels``: Chinese
    label per term. Terms a model lacks are left blank in its column.
    """
    if not columns:
        raise TableError("a regression table needs at least one model")
    headers = [c.header for c in columns]
    if len(set(headers)) != len(headers):
        raise TableError(f"model headers repeat: {headers}")
    if terms is None:
        seen: list[str] = []
        for c in columns:
            seen += [t for t in c.params.index if t not in seen and not str(t).startswith("C(")]
        terms = [t for t in seen if t != intercept] + ([intercept] if intercept in seen else [])
    unlabelled = [t for t in terms if t != intercept and t not in labels]
    if unlabelled:
        raise TableError(f"no Chinese label for term(s) {unlabelled}")
    rows: list[tuple[str, list[str]]] = []
    for t in terms:
        ses = [float(c.bse[t]) for c in columns if t in c.params.index]
        d = row_decimals(ses, base=decimals)
        coef_cells, se_cells = [], []
        for c in columns:
            if t in c.params.index:
                coef_cells.append(_fmt(float(c.params[t]), d) + stars(float(c.pvalues[t])))
                se_cells.append(f"({_fmt(float(c.bse[t]), d)})")
            else:
                coef_cells.append("")
                se_cells.append("")
        rows.append((intercept_label if t == intercept else labels[t], coef_cells))
        rows.append(("", se_cells))
    for name in extra_rows:
        rows.append((name, [c.extra.get(name, "") for c in columns]))
    rows.append((STAT_LABELS["n"], [str(c.n) for c in columns]))
    rows.append((STAT_LABELS["r2"], [_fmt(c.r2, 3) for c in columns]))
    rows.append((STAT_LABELS["adj_r2"], [_fmt(c.adj_r2, 3) for c in columns]))
    table = pd.DataFrame([cells for _, cells in rows], columns=headers, dtype=object)
    table.insert(0, "变量", [name for name, _ in rows])
    return table


def table_label(name: str) -> str:
    """Quarto cross-reference label of a table file name: ``determinants_sets`` → ``tbl-determinants-sets``."""
    return "tbl-" + name.replace("_", "-")


_NUMERIC_CELL = re.compile(r"^[\s(\[+\-−]*[\d.,]+[%*]*[)\]]*(,\s*[+\-−]?[\d.,]+[)\]]*)?$|^[—–-]$")


def to_markdown(
    table: pd.DataFrame, caption: str, name: str, note: str | None = None, sources: Sequence[str] = ()
) -> str:
    """A pipe table, then the Quarto caption line ``: caption {#tbl-name}`` (underscores of
    ``name`` become hyphens, as Quarto labels prefer), then the note and the 资料来源 line of the data
    files ``sources`` (:func:`neoutflow.outputs.sources.citation`)."""
    if not name.replace("-", "").replace("_", "").isalnum():
        raise TableError(f"table name {name!r} must be letters, digits, '-' or '_'")
    cells = table.astype(str).map(lambda s: s.replace("|", "\\|"))
    header = "| " + " | ".join(str(c) for c in table.columns) + " |"
    # Numbers (coefficients, "(0.123)", "[-1.2, 3.4]", "12.5%") right-aligned, text left-aligned.
    # (by majority, so a "是/否" fixed-effects row leaves a coefficient column right-aligned).
    numeric = []
    for col in cells.columns:
        filled = [c for c in cells[col] if c.strip()]
        numeric.append(2 * sum(bool(_NUMERIC_CELL.match(c)) for c in filled) >= len(filled))
    align = "|:---|" + "|".join("---:" if n else ":---" for n in numeric[1:]) + "|"
    body = ["| " + " | ".join(row) + " |" for row in cells.itertuples(index=False, name=None)]
    text = "\n".join([header, align, *body]) + f"\n\n: {caption} {{#{table_label(name)}}}\n"
    if note:  # the stars of the significance convention are text, not Markdown emphasis
        text += "\n" + note.replace("*", "\\*") + "\n"
    if sources:
        text += f"\n{citation(sources)}\n"
    return text


def default_note(cov_type: str, extra: str | None = None) -> str:
    if cov_type not in SE_NOTES:
        raise TableError(f"no note for cov_type {cov_type!r}; known: {sorted(SE_NOTES)}")
    parts = ["注：" + SE_NOTES[cov_type], STAR_NOTE]
    if extra:
        parts.append(extra)
    return "；".join(parts) + "。"


def write_table(
    table: pd.DataFrame,
    directory: Path,
    name: str,
    caption: str,
    note: str | None = None,
    sources: Sequence[str] = (),
) -> tuple[Path, Path]:
    """Write ``<directory>/<name>.md`` (Markdown + caption + note + 资料来源 line) and ``<name>.csv`` (UTF-8
    with BOM, so Excel opens the Chinese correctly), atomically. Returns both paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    md, csv = directory / f"{name}.md", directory / f"{name}.csv"
    for path, text in (
        (md, to_markdown(table, caption, name, note, sources)),
        (csv, table.to_csv(index=False, lineterminator="\n")),
    ):
        atomic.write_text(path, text, encoding="utf-8-sig" if path.suffix == ".csv" else "utf-8")
    return md, csv


def frame_table(
    frame: pd.DataFrame, decimals: Mapping[str, int] | None = None, columns: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """A plain (non-regression) table as strings: the columns in ``decimals`` are
    rounded to that many places, missing values left blank, columns renamed with
    ``columns`` (e.g. to Chinese)."""
    out = frame.astype(object).copy()
    for col, d in (decimals or {}).items():
        if col not in frame.columns:
            raise TableError(f"no column {col!r} to format; columns: {list(frame.columns)}")
        out[col] = ["" if pd.isna(v) else _fmt(float(v), int(d)) for v in frame[col]]
    out = out.map(lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v))
    return out.rename(columns=dict(columns or {}))
