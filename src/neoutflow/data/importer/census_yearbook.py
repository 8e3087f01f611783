"""Reader of census yearbook county/prefecture tables (``census-yearbook``): population by sex and age."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pandas as pd

from neoutflow.data.files import RAW_FILES
from neoutflow.data.importer.core import (
    ImportFailure,
    Layout,
    LayoutError,
    Parsed,
    RegionError,
    YearError,
    check_year,
    read_grid,
    text_of,
)
from neoutflow.reference import AGE_GROUPS, SEXES

# ------------------------------------------------------------------ census yearbook tables

YEARBOOK_KEYS = {2010: ("地区", "区划代码", "合计"), 2020: ("省", "市", "区县", "区划代码", "人口数_合计")}
_POP_COLUMNS = ["pop_total"] + [f"{s}_{g}" for s in SEXES for g in AGE_GROUPS]


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


def year_from_name(path: Path) -> int | None:
    found = re.findall(r"(?<!\d)(19\d\d|20\d\d)(?!\d)", Path(path).name)
    return int(found[0]) if len(set(found)) == 1 else None


def read_census_yearbook(
    path: Path, raw_dir: Path, year: int | None, source: str, grid: pd.DataFrame | None = None
) -> list[Parsed]:
    """A census yearbook county table → census_population and census_totals rows (provinces, prefectures)."""
    from neoutflow.data.extract import census as ec
    from neoutflow.data.extract import yearbook as ey

    path = Path(path)
    grid = read_grid(path) if grid is None else grid
    layout, hrow = _yearbook_header(grid, path)
    year = year or year_from_name(path)
    if year is None:
        raise YearError(f"{path.name}: give the census year with --year (the file name does not say it)")
    check_year(year, path.name)
    raw = grid.iloc[hrow + 1 :].copy()
    raw.columns = [text_of(v) if layout == 2020 else (str(v) if not pd.isna(v) else "") for v in grid.iloc[hrow]]
    if layout == 2010:  # keep the indentation of 地区 (it marks county rows)
        raw.columns = [c.strip() for c in raw.columns]
        raw = ey._fix_2010_columns(raw)
    raw = raw.reset_index(drop=True)
    need = ey._age_columns(layout)
    missing = sorted({c for cols in need.values() for c in cols} - set(raw.columns))
    if missing:
        raise LayoutError(
            f"{path.name}: the {layout}-layout table lacks the population columns {missing[:6]}"
            + (f" and {len(missing) - 6} more" if len(missing) > 6 else "")
        )
    try:
        units = ey.read_yearbook(path, layout, raw=raw, required=set(_POP_COLUMNS))
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
    regions = pd.read_csv(Path(raw_dir) / RAW_FILES["regions"], dtype=str, keep_default_na=False)
    known = dict(zip(regions["code"], regions["name_zh"], strict=True))
    prov = units[units["kind"] == "province"].reset_index(drop=True)
    pref = ey.prefecture_units(units, layout)
    tables = []
    for level, t in (("province", prov), ("prefecture", pref)):
        bad = t[~t["code"].isin(known)]
        if not bad.empty:
            lines = []
            for _, r in bad.head(5).iterrows():
                near = difflib.get_close_matches(str(r["name"]), list(known.values()), n=3, cutoff=0.3)
                lines.append(f"{r['code']} {r['name']}" + (f" (nearest known: {', '.join(near)})" if near else ""))
            raise RegionError(
                f"{path.name}: {level} units not in data/raw/regions.csv: "
                + "; ".join(lines)
                + (f" … and {len(bad) - 5} more" if len(bad) > 5 else "")
                + ". The project's units are those of the 2020 census (regions.csv); a table on other boundaries "
                "cannot be merged row by row (the 2010 counties are regrouped by `make extract`)"
            )
        tables.append(t)
    try:
        pop = pd.concat([ec.population_long(t, year) for t in tables], ignore_index=True)
    except ValueError as exc:
        raise ImportFailure(f"{path.name}: {exc}") from None
    pop = ec.sort_population(pop)
    tot = pd.concat([t[["code", "pop_total"]] for t in tables], ignore_index=True)
    tot = tot.assign(
        year=year, population=tot["pop_total"].round().astype("int64"), source=source, boundary="as enumerated"
    )[["code", "year", "population", "source", "boundary"]]
    table = f"census yearbook county table ({layout} layout), census {year}: population by sex and age"
    return [
        Parsed("census_population", pop, table, "persons", "census-yearbook"),
        Parsed(
            "census_totals",
            tot.sort_values(["code", "year"]).reset_index(drop=True),
            table,
            "persons",
            "census-yearbook",
        ),
    ]


def looks_like_yearbook(grid: pd.DataFrame) -> bool:
    for i in range(min(len(grid), 10)):
        cells = {text_of(v) for v in grid.iloc[i]}
        if any(all(k in cells for k in keys) for keys in YEARBOOK_KEYS.values()):
            return True
    return False


CENSUS_YEARBOOK = Layout(
    "census-yearbook",
    "census_yearbook",
    "a census yearbook county table (header " + " or ".join(f"({', '.join(k)})" for k in YEARBOOK_KEYS.values()) + ")",
    looks_like_yearbook,
    lambda path, raw_dir, source, grid, year=None, indicators=None: read_census_yearbook(
        path, raw_dir, year, source, grid
    ),
)
