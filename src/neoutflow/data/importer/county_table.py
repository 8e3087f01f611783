"""The units of a census yearbook county table (分县资料) on the project's boundaries.

Shared by the layouts that read such tables: ``census_yearbook`` (population by sex and age) and
``census_indicators`` (the indicators of the other columns). The steps are those of ``make extract``
(``extract.census.unit_tables``).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from neoutflow.data import yearbook as ey
from neoutflow.data.files import RAW_FILES
from neoutflow.data.importer.core import (
    ImportFailure,
    LayoutError,
    RegionError,
    YearError,
    check_year,
    read_grid,
    text_of,
    year_from_name,
)

YEARBOOK_KEYS = {2010: ("地区", "区划代码", "合计"), 2020: ("省", "市", "区县", "区划代码", "人口数_合计")}


def _yearbook_header(grid: pd.DataFrame, path: Path) -> tuple[int, int]:
    """(layout, header row index) of a yearbook table."""
    for i in range(min(len(grid), 10)):
        cells = {text_of(v) for v in grid.iloc[i]}
        for layout, keys in YEARBOOK_KEYS.items():
            if all(k in cells for k in keys):
                return layout, i
    raise LayoutError(
        f"{path.name}: expected a census yearbook county table with a header row holding "
        + " or ".join(f"({', '.join(k)})" for k in YEARBOOK_KEYS.values())
        + " within the first 10 rows"
    )


@dataclass
class YearbookTables:
    """The units of one census yearbook county table, on the boundaries of data/raw/regions.csv."""

    path: Path
    layout: int  # column layout: 2010 or 2020
    year: int  # census year
    headers: set[str]  # the table's column headers
    present: set[str]  # the project's columns the table carries (see ``neoutflow.data.yearbook.source_columns``)
    provinces: pd.DataFrame
    prefectures: pd.DataFrame
    boundary: str  # "as enumerated", or the year of the boundaries the counties were regrouped to


def _table(grid: pd.DataFrame, path: Path) -> tuple[int, pd.DataFrame]:
    """(layout, rows below the header with the header as column names) of a yearbook table."""

    layout, hrow = _yearbook_header(grid, path)
    raw = grid.iloc[hrow + 1 :].copy()
    raw.columns = [text_of(v) if layout == 2020 else (str(v) if not pd.isna(v) else "") for v in grid.iloc[hrow]]
    if layout == 2010:  # keep the indentation of 地区 (it marks county rows)
        raw.columns = [c.strip() for c in raw.columns]
        raw = ey._fix_2010_columns(raw)
    return layout, raw.reset_index(drop=True)


def present_columns(layout: int, headers) -> set[str]:
    """The project's columns whose every source header is in ``headers``."""

    have = set(headers)
    return {name for name, cols in ey.source_columns(layout).items() if all(c in have for c in cols)}


def _boundary_units(boundaries: Path | None, layout: int, path: Path):
    """The units of the 2020-layout table that regroups a 2010-layout table's counties, and where the
    boundaries come from; ``(None, "as enumerated")`` without one."""
    if boundaries is None:
        return None, "as enumerated"
    boundaries = Path(boundaries)
    b_layout, b_raw = _table(read_grid(boundaries), boundaries)
    if layout != 2010 or b_layout != 2020:
        raise ImportFailure(
            f"{path.name}: --boundaries regroups the counties of a 2010-layout table by a 2020-layout county "
            f"table; got a {layout}-layout table and a {b_layout}-layout {boundaries.name}"
        )
    try:
        boundary_units = ey.read_yearbook(boundaries, 2020, raw=b_raw, required=set())
    except (KeyError, ValueError, TypeError) as exc:
        raise LayoutError(f"{boundaries.name}: {exc}") from None
    boundary = str(year_from_name(boundaries) or "regions.csv")
    return boundary_units, boundary


def yearbook_tables(
    path: Path,
    raw_dir: Path,
    year: int | None,
    grid: pd.DataFrame | None = None,
    required: set[str] = frozenset(),
    what: str = "",
    boundaries: Path | None = None,
) -> YearbookTables:
    """Read a yearbook county table into province rows and prefecture-level units (``make import``).

    The same steps as ``make extract`` (``neoutflow.data.yearbook.unit_tables``): province rows corrected and
    checked against the sum of their prefectures; with ``boundaries`` (a 2020-layout county table) the
    counties of a 2010-layout table are regrouped into the 2020 prefecture-level units. ``required``:
    the project's columns the table must carry (``what`` names them in the error).
    """

    path = Path(path)
    grid = read_grid(path) if grid is None else grid
    layout, raw = _table(grid, path)
    year = year or year_from_name(path)
    if year is None:
        raise YearError(f"{path.name}: give the census year with --year (the file name does not say it)")
    check_year(year, path.name)
    spec = ey.source_columns(layout)
    missing = sorted({c for name in required for c in spec[name]} - set(raw.columns))
    if missing:
        raise LayoutError(
            f"{path.name}: the {layout}-layout table lacks the {what + ' ' if what else ''}columns {missing[:6]}"
            + (f" and {len(missing) - 6} more" if len(missing) > 6 else "")
        )
    present = present_columns(layout, raw.columns)
    try:
        units = ey.read_yearbook(path, layout, raw=raw, required=present)
    except (KeyError, ValueError, TypeError) as exc:
        raise LayoutError(f"{path.name}: {exc}") from None
    coded = units[units["code"].notna() & (units["kind"] == "prefecture")]
    astray = coded[coded["code"].str[:2] != coded["province_code"].str[:2]]
    if not astray.empty:
        r = astray.iloc[0]
        raise RegionError(
            f"{path.name}: row {r['code']} {r['name']} sits under province {r['province_code']} but its code "
            f"belongs to another province ({len(astray)} such row(s)); the table must list each province row "
            f"before its own prefectures"
        )
    boundary_units, boundary = _boundary_units(boundaries, layout, path)
    try:
        prov, pref, _ = ey.unit_tables(units, layout, year, boundary_units)
    except (KeyError, ValueError) as exc:
        raise ImportFailure(f"{path.name}: {exc}") from None
    regions = pd.read_csv(Path(raw_dir) / RAW_FILES["regions"], dtype=str, keep_default_na=False)
    known = dict(zip(regions["code"], regions["name_zh"], strict=True))
    for level, t in (("province", prov), ("prefecture", pref)):
        bad = t[~t["code"].isin(known)]
        if not bad.empty:
            lines = []
            for _, r in bad.head(5).iterrows():
                near = difflib.get_close_matches(str(r["name"]), list(known.values()), n=3, cutoff=0.3)
                lines.append(f"{r['code']} {r['name']}" + (f" (nearest known: {', '.join(near)})" if near else ""))
            hint = (
                " (for the 2010 table: --boundaries <the 2020 county table> regroups its counties as `make extract` "
                "does)"
                if layout == 2010 and boundaries is None
                else ""
            )
            raise RegionError(
                f"{path.name}: {level} units not in data/raw/regions.csv: "
                + "; ".join(lines)
                + (f" … and {len(bad) - 5} more" if len(bad) > 5 else "")
                + ". The project's units are those of the 2020 census (regions.csv); a table on other boundaries "
                "cannot be merged row by row" + hint
            )
    return YearbookTables(path, layout, year, set(raw.columns), present, prov, pref, boundary)


def yearbook_header(grid: pd.DataFrame) -> tuple[int, set[str]] | None:
    """(layout, header cells) of a yearbook county table, or None."""
    for i in range(min(len(grid), 10)):
        cells = {text_of(v) for v in grid.iloc[i]}
        for layout, keys in YEARBOOK_KEYS.items():
            if all(k in cells for k in keys):
                return layout, cells
    return None


def has_age_columns(layout: int, cells: set[str]) -> bool:

    return any(c in cells for cols in ey._age_columns(layout).values() for c in cols)
