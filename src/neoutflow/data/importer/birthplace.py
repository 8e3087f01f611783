"""Reader of census birthplace matrices (``birthplace-matrix``) → ``birthplace_flows.csv``.

The census long-form table 按现住地和出生地分的人口: residents by province of usual residence (rows, the
destination of a lifetime migrant) × province of birth (columns, the origin), both in the NBS order 北京 … 新疆
(:data:`NBS_ORDER`). Two containers of the same grid are read:

- a table (``.xlsx``/``.xls``/``.csv``) as the yearbook prints it: an optional title (with the census year,
  e.g. ``2010年`` or ``第六次``) and ``单位：人``, a header row whose first cell is the corner (``现住地``,
  ``地区``, ``现住地\\出生地`` …) followed by the 31 provinces, then one row per province; ``合计``/``全国``
  rows or columns are checked against the cells and dropped. A corner that reads ``出生地\\现住地`` says the
  rows are the birthplaces: the matrix is transposed;
- the D3 chord-diagram script of the shipped source (``.js`` with ``var city_name = […]`` and
  ``var population = [[…]]``), whose name order is checked against the NBS order the same way.

The cells are long-form sample counts (persons); the sampling fraction of the census's long form
(:data:`LONG_FORM_FRACTION`) gives the estimate. The diagonal (born in the province of residence) is not a
lifetime inter-provincial migrant: it is kept as 0, and the plan says how many persons it held.
"""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from neoutflow.data.importer.core import (
    ImportFailure,
    Layout,
    LayoutError,
    Parsed,
    RegionError,
    UnitError,
    YearError,
    check_year,
    number_of,
    read_grid,
    text_of,
    year_from_name,
)
from neoutflow.reference import NBS_ORDER, short_province_name

NBS_NAMES = tuple(n for n, _ in NBS_ORDER)
# Share of the population the long form enumerated (the cells are sample counts). 2010: 10,230,691 × 10 =
# the published 102,306,900 lifetime inter-provincial migrants; 2000: ≈9.5 %, not verified against a
# published total; 2020: the 7th census long form went to 10 % of households.
LONG_FORM_FRACTION = {2000: 0.095, 2010: 0.1, 2020: 0.1}
CENSUS_ORDINALS = {"第五次": 2000, "第六次": 2010, "第七次": 2020, "五普": 2000, "六普": 2010, "七普": 2020}
TOTAL_LABELS = ("合计", "总计", "全国")
CORNER_WORDS = ("现住地", "出生地", "地区", "省份")
COLUMNS = ["origin", "destination", "year", "persons_sample", "sampling_fraction", "persons_estimated"]


def province_of(label: str) -> str | None:
    """``"内蒙古自治区"``, ``"内蒙古"`` → ``"内蒙古"``; None for anything else."""

    t = re.sub(r"\s+", "", label)
    t = short_province_name(t)
    return t if t in NBS_NAMES else None


# ------------------------------------------------------------------ the chord-diagram script


def _js_literal(text: str, var: str, path: Path):
    m = re.search(rf"var\s+{var}\s*=\s*(\[.*?\])\s*;", text, flags=re.S)
    if m is None:
        raise LayoutError(f"{path.name}: expected a script with `var {var} = [...];` (a birthplace matrix)")
    try:
        return json.loads(m.group(1))
    except json.JSONDecodeError as exc:
        raise LayoutError(f"{path.name}: `var {var}` is not a plain array literal ({exc})") from None


def script_grid(path: Path) -> pd.DataFrame:
    """The script's ``city_name`` and ``population`` as the grid a printed matrix gives (corner 现住地\\出生地)."""
    path = Path(path)
    if not path.is_file():
        raise ImportFailure(f"{path}: no such file")
    text = path.read_text(encoding="utf-8")
    names = [str(n).strip() for n in _js_literal(text, "city_name", path)]
    rows = _js_literal(text, "population", path)
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise LayoutError(f"{path.name}: `var population` must be a list of rows")
    header = ["现住地\\出生地", *names]
    body = [[names[i] if i < len(names) else "", *r] for i, r in enumerate(rows)]
    width = max(len(header), *(len(r) for r in body)) if body else len(header)
    return pd.DataFrame([r + [np.nan] * (width - len(r)) for r in [header, *body]], dtype=object)


# ------------------------------------------------------------------ the printed matrix


def _header_row(grid: pd.DataFrame) -> int | None:
    """Index of the first row (of 12) naming at least 20 provinces after its first cell."""
    for i in range(min(len(grid), 12)):
        if sum(province_of(text_of(v)) is not None for v in grid.iloc[i, 1:]) >= 20:
            return i
    return None


def looks_like_birthplace(grid: pd.DataFrame) -> bool:
    h = _header_row(grid)
    if h is None:
        return False
    return sum(province_of(text_of(v)) is not None for v in grid.iloc[h + 1 :, 0]) >= 20


def _year(grid: pd.DataFrame, header_row: int, path: Path, year: int | None) -> int:
    """--year, else the title above the header (``2010年`` or ``第六次``), else the file name."""

    where = path.name
    if year is None:
        title = " ".join(text_of(v) for v in grid.iloc[:header_row].to_numpy().ravel())
        found = {int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d\d)\s*年", title)}
        found |= {y for word, y in CENSUS_ORDINALS.items() if word in title}
        if len(found) == 1:
            year = found.pop()
        elif len(found) > 1:
            raise YearError(f"{where}: the title names several years {sorted(found)}; give the census year with --year")
        else:
            year = year_from_name(path)
    if year is None:
        raise YearError(
            f"{where}: give the census year with --year (neither the title above the header row nor the file "
            "name says it)"
        )
    check_year(year, where)
    if year % 10:
        raise YearError(f"{where}: {year} is not a census year (the censuses are taken in years ending in 0)")
    if year not in LONG_FORM_FRACTION:
        raise YearError(
            f"{where}: the long-form sampling fraction of the {year} census is not known (known: "
            + ", ".join(f"{y}: {f:g}" for y, f in LONG_FORM_FRACTION.items())
            + "); add it to neoutflow.data.importer.birthplace.LONG_FORM_FRACTION"
        )
    return year


def _unit(grid: pd.DataFrame, header_row: int, where: str) -> str:
    for v in grid.iloc[:header_row].to_numpy().ravel():
        m = re.search(r"单位[：:]\s*(\S+)", text_of(v))
        if m:
            unit = m.group(1)
            if unit not in ("人", "人数"):
                raise UnitError(
                    f"{where}: the matrix is in {unit!r}; the project expects the long-form sample counts in 人 "
                    "(persons), as the census tables print them"
                )
            return "人"
    return "人"


def _check_order(labels: list[str], axis: str, where: str) -> None:
    """The 31 provinces, each once, in the NBS order; otherwise say which position differs."""
    names = [province_of(t) for t in labels]
    unknown = [t for t, n in zip(labels, names, strict=True) if n is None]
    if unknown:
        near = difflib.get_close_matches(unknown[0], NBS_NAMES, n=3, cutoff=0.3)
        raise RegionError(
            f"{where}: unknown province {unknown[0]!r} among the {axis}"
            + (f"; nearest known names: {', '.join(near)}" if near else "")
        )
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise RegionError(f"{where}: {', '.join(dup)} appear(s) twice among the {axis}")
    if len(names) != len(NBS_NAMES):
        missing = [n for n in NBS_NAMES if n not in names]
        raise LayoutError(
            f"{where}: the {axis} name {len(names)} provinces, expected the 31 (missing: {', '.join(missing)})"
        )
    for i, (got, want) in enumerate(zip(names, NBS_NAMES, strict=True)):
        if got != want:
            raise LayoutError(
                f"{where}: the {axis} are not in the NBS order (北京, 天津, 河北 … 新疆): position {i + 1} is "
                f"{got}, expected {want}. Census tables list provinces in this order; a reordered or transposed "
                "matrix would swap origins and destinations, so it is not read"
            )


def read_matrix_grid(grid: pd.DataFrame, path: Path) -> tuple[np.ndarray, int, str]:
    """(31×31 counts as printed, rows = residence; header row index; corner text) of a matrix grid."""
    where = Path(path).name
    h = _header_row(grid)
    if h is None:
        raise LayoutError(
            f"{where}: expected a birthplace matrix: a header row (within the first 12) holding the 31 provinces "
            "after a corner cell such as '现住地\\出生地', then one row per province"
        )
    header = [text_of(v) for v in grid.iloc[h]]
    corner = header[0]
    cols = [j for j in range(1, len(header)) if header[j] and header[j] not in TOTAL_LABELS]
    total_col = next((j for j in range(1, len(header)) if header[j] in TOTAL_LABELS), None)
    body_rows, total_row = [], None
    for i in range(h + 1, len(grid)):
        label = text_of(grid.iat[i, 0])
        if not label or label.startswith(("注", "数据来源", "资料来源")):
            continue
        if label in TOTAL_LABELS:
            total_row = i
            continue
        body_rows.append(i)
    if len(body_rows) != len(cols):
        raise LayoutError(
            f"{where}: the matrix is not square: {len(body_rows)} province rows × {len(cols)} province columns "
            "(a 31×31 table of residence × birthplace is expected)"
        )
    _check_order([header[j] for j in cols], f"columns of header row {h + 1}", where)
    _check_order([text_of(grid.iat[i, 0]) for i in body_rows], "rows", where)
    mat = np.zeros((len(body_rows), len(cols)), dtype=np.int64)
    for a, i in enumerate(body_rows):
        for b, j in enumerate(cols):
            cell = f"{where} row {i + 1} column {j + 1} ({text_of(grid.iat[i, 0])} × {header[j]})"
            v = number_of(grid.iat[i, j], cell)
            if v is None:
                if a == b:
                    continue  # the diagonal may be left blank
                raise ImportFailure(f"{cell}: empty cell; a full matrix is expected (write 0 for none)")
            if v < 0 or v != int(v):
                raise ImportFailure(f"{cell}: expected a count of persons (an integer ≥ 0), found {v:g}")
            mat[a, b] = int(v)
    # printed totals must agree with the cells (they include the diagonal as printed)
    if total_col is not None:
        for a, i in enumerate(body_rows):
            t = number_of(grid.iat[i, total_col], f"{where} row {i + 1} column {total_col + 1}")
            if t is not None and int(t) != int(mat[a].sum()):
                raise ImportFailure(
                    f"{where} row {i + 1} ({text_of(grid.iat[i, 0])}): the cells add up to {int(mat[a].sum()):,} "
                    f"but column {header[total_col]!r} says {int(t):,}"
                )
    if total_row is not None:
        for b, j in enumerate(cols):
            t = number_of(grid.iat[total_row, j], f"{where} row {total_row + 1} column {j + 1}")
            if t is not None and int(t) != int(mat[:, b].sum()):
                raise ImportFailure(
                    f"{where} column {j + 1} ({header[j]}): the cells add up to {int(mat[:, b].sum()):,} but row "
                    f"{total_row + 1} ({text_of(grid.iat[total_row, 0])}) says {int(t):,}"
                )
    if re.search(r"出生地.*现住地", corner):
        mat = mat.T  # rows were the birthplaces
    return mat, h, corner


def read_birthplace(path: Path, grid: pd.DataFrame | None = None, year: int | None = None) -> list[Parsed]:
    """A birthplace matrix (printed table or chord-diagram script) → ``birthplace_flows`` rows of one census."""
    path = Path(path)
    if grid is None:
        grid = script_grid(path) if path.suffix.lower() == ".js" else read_grid(path)
    mat, h, _ = read_matrix_grid(grid, path)
    unit = _unit(grid, h, path.name)
    year = _year(grid, h, path, year)
    diagonal = int(np.diag(mat).sum())
    np.fill_diagonal(mat, 0)
    codes = [c for _, c in NBS_ORDER]
    dest, orig = np.meshgrid(codes, codes, indexing="ij")
    frac = LONG_FORM_FRACTION[year]
    rows = pd.DataFrame(
        {
            "origin": orig.ravel(),
            "destination": dest.ravel(),
            "year": year,
            "persons_sample": mat.ravel(),
            "sampling_fraction": frac,
            "persons_estimated": np.round(mat.ravel() / frac).astype(np.int64),
        }
    )[COLUMNS]  # the zero diagonal is kept: the file is the whole 31×31 matrix
    rows = rows.sort_values(["year", "origin", "destination"]).reset_index(drop=True)
    table = (
        f"census {year} long form, 按现住地和出生地分的人口 (residence × birthplace, 31×31, sample counts; "
        f"sampling fraction {frac:g}; total {int(mat.sum()):,}"
        + (f"; diagonal of {diagonal:,} persons born in their province of residence not kept" if diagonal else "")
        + ")"
    )
    return [Parsed("birthplace_flows", rows, table, unit, BIRTHPLACE_KIND)]


BIRTHPLACE_KIND = "birthplace-matrix"
BIRTHPLACE = Layout(
    BIRTHPLACE_KIND,
    "census_birthplace",
    "a census birthplace matrix (a header row '现住地\\出生地 | 北京 | 天津 … 新疆', then one row per province "
    "in the NBS order; or a chord-diagram script with `var city_name` and `var population`)",
    looks_like_birthplace,
    lambda path, raw_dir, source, grid, year=None, indicators=None: read_birthplace(path, grid, year),
    grids={".js": script_grid},
)
