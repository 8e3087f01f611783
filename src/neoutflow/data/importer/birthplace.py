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
lifetime inter-provincial migrant: it is stored as 0. A non-zero diagonal cell (two rows swapped put migrants
there) and a 0 off the diagonal in an otherwise full row are refused unless ``--diagonal`` / ``--zero-cells``
say the table's layout has them; with ``--diagonal`` the plan says how many persons were left out. The row and
column sums are compared with the census populations of the same year (``census_totals.csv``).
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


# Row and column sums of a matrix against the census population of the same year (the estimate, sum /
# sampling fraction): with the diagonal printed a row holds every resident, so its estimate is the
# province's population within DIAGONAL_TOLERANCE; without it a row holds the lifetime in-migrants and a
# column the out-migrants, each at most these shares of the population (the 2000 and 2010 matrices reach
# 0.44 and 0.17).
DIAGONAL_TOLERANCE = 0.10
MAX_IN_SHARE = 0.70
MAX_OUT_SHARE = 0.50


def _names() -> list[str]:
    return [n for n, _ in NBS_ORDER]


def check_cells(mat: np.ndarray, where: str, diagonal: bool, zero_cells: bool) -> None:
    """Non-zero diagonal cells and off-diagonal zeros in otherwise full rows, refused unless the table's layout
    has them (``diagonal``, ``zero_cells``); the message counts the persons and names the cells."""
    names = _names()
    diag = np.diag(mat)
    if not diagonal and (diag != 0).any():
        at = [f"{names[i]} × {names[i]}: {int(diag[i]):,}" for i in np.flatnonzero(diag)]
        raise ImportFailure(
            f"{where}: {len(at)} cell(s) on the diagonal are not 0 ({'; '.join(at[:5])}"
            + (" …" if len(at) > 5 else "")
            + f"; {int(diag.sum()):,} persons in all). A matrix of lifetime migrants between provinces has 0 "
            "there: two rows or columns may be swapped or shifted. If the table prints those living in their "
            "province of birth on the diagonal, rerun with --diagonal (make import … DIAGONAL=1): they are then "
            "counted and left out"
        )
    off = ~np.eye(len(mat), dtype=bool)
    zero = (mat == 0) & off
    partial = [a for a in range(len(mat)) if zero[a].any() and not zero[a][off[a]].all()]
    if partial and not zero_cells:
        cells = [f"{names[a]} × {names[b]}" for a in partial for b in np.flatnonzero(zero[a])]
        raise ImportFailure(
            f"{where}: {len(cells)} cell(s) off the diagonal are 0 in rows whose other cells are not "
            f"({'; '.join(cells[:5])}" + (" …" if len(cells) > 5 else "") + "): a census of every province "
            "has some migrants between any two, so a 0 is usually a cell left blank or misread. If the table "
            "really has them, rerun with --zero-cells (make import … ZERO_CELLS=1)"
        )


def check_populations(mat: np.ndarray, year: int, frac: float, raw_dir: Path | None, where: str, diagonal: bool) -> str:
    """Row and column estimates against ``census_totals.csv`` of ``year``; returns a note if it lacks the year."""
    from neoutflow.data.files import RAW_FILES

    p = Path(raw_dir) / RAW_FILES["census_totals"] if raw_dir is not None else None
    if p is None or not p.is_file():
        return "; not compared with census populations (no census_totals.csv)"
    t = pd.read_csv(p, dtype={"code": str})
    pop = t[t["year"] == year].set_index("code")["population"]
    codes = [c for _, c in NBS_ORDER]
    if not set(codes) <= set(pop.index):
        return f"; not compared with census populations (census_totals.csv has no {year} provinces yet)"
    names = _names()
    people = pop.reindex(codes).to_numpy(float)
    rows, cols = mat.sum(axis=1) / frac, (mat.sum(axis=0) - np.diag(mat)) / frac
    bad = []
    for a, name in enumerate(names):
        if diagonal and abs(rows[a] / people[a] - 1) > DIAGONAL_TOLERANCE:
            bad.append(
                f"row {name}: {rows[a]:,.0f} residents estimated, the {year} census counts {people[a]:,.0f} "
                f"(within {DIAGONAL_TOLERANCE:.0%} expected)"
            )
        if not diagonal and rows[a] > MAX_IN_SHARE * people[a]:
            bad.append(
                f"row {name}: {rows[a]:,.0f} residents born in another province estimated, "
                f"{rows[a] / people[a]:.0%} of its {year} population {people[a]:,.0f} (at most {MAX_IN_SHARE:.0%})"
            )
        if cols[a] > MAX_OUT_SHARE * people[a]:
            bad.append(
                f"column {name}: {cols[a]:,.0f} born there living in another province estimated, "
                f"{cols[a] / people[a]:.0%} of its {year} population {people[a]:,.0f} (at most {MAX_OUT_SHARE:.0%})"
            )
    if bad:
        raise ImportFailure(
            f"{where}: the matrix does not agree with the {year} census populations (census_totals.csv; estimates "
            f"= sample / {frac:g}): "
            + "; ".join(bad[:6])
            + (f"; … and {len(bad) - 6} more" if len(bad) > 6 else "")
            + ". Rows or columns may be swapped or shifted, or the year or unit wrong"
        )
    return ""


def read_birthplace(
    path: Path,
    grid: pd.DataFrame | None = None,
    year: int | None = None,
    raw_dir: Path | None = None,
    diagonal: bool = False,
    zero_cells: bool = False,
) -> list[Parsed]:
    """A birthplace matrix (printed table or chord-diagram script) → ``birthplace_flows`` rows of one census.

    ``diagonal``: the table prints those living in their province of birth on the diagonal (otherwise a
    non-zero diagonal cell is refused); ``zero_cells``: it has off-diagonal zeros in otherwise full rows.
    """
    path = Path(path)
    if grid is None:
        grid = script_grid(path) if path.suffix.lower() == ".js" else read_grid(path)
    mat, h, _ = read_matrix_grid(grid, path)
    unit = _unit(grid, h, path.name)
    year = _year(grid, h, path, year)
    check_cells(mat, path.name, diagonal, zero_cells)
    note = check_populations(mat, year, LONG_FORM_FRACTION[year], raw_dir, path.name, diagonal)
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
        + note
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
    lambda path, raw_dir, source, grid, year=None, indicators=None, diagonal=False, zero_cells=False: read_birthplace(
        path, grid, year, raw_dir, diagonal, zero_cells
    ),
    grids={".js": script_grid},
)
