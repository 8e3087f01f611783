"""Census indicators from yearbook county tables (``census-indicators``) → ``census_indicators.csv``.

The indicators (``indicators.CENSUS``) are computed from the counts and averages of each unit: college per
100,000, years of schooling as printed, industry shares of the employed (long-form sample), in-migrants from
other provinces, urban share, age shares and, in the 2010 layout, the registered population and the census
birth and death rates. Each indicator is written only when the table carries all its columns; a table with
part of a group (e.g. some industries) is refused, naming the missing headers.

``census-indicators`` is a yearbook county table (2010 or 2020 layout) without the population-by-age columns
(an education, industry or migration table); a full table is ``census-yearbook``, which writes these rows
too, and ``--kind census-indicators`` reads only its indicators.

The ``source`` column says how a value was derived (``yearbook_province_row``, ``yearbook_prefecture_row``,
``yearbook_2010_regrouped_to_2020``); communiqué figures (``census_communique``) outrank them: an import
never replaces a communiqué figure by one computed from the yearbook (``merge.RANKS``).
``make extract`` builds ``census_indicators.csv`` with these same functions.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from neoutflow.data import yearbook as ey
from neoutflow.data.importer.core import Layout, LayoutError, Parsed
from neoutflow.data.importer.county_table import has_age_columns, yearbook_header, yearbook_tables
from neoutflow.data.indicators import CENSUS
from neoutflow.reference import AGE_GROUPS, SEXES

SRC_PROVINCE_ROW = "yearbook_province_row"
SRC_PREFECTURE_ROW = "yearbook_prefecture_row"
COLUMNS = ["code", "year", "indicator", "value", "unit", "source"]
DECIMALS = 4  # values are stored rounded, so a re-import compares equal

_INDUSTRY = ("ind_total", "ind_primary", "ind_mining", "ind_manufacturing", "ind_utilities", "ind_construction")
_AGES = tuple(f"{s}_{g}" for s in SEXES for g in AGE_GROUPS)
# The project's yearbook columns (``neoutflow.data.yearbook.source_columns``) each indicator is computed from.
INPUTS: dict[str, tuple[str, ...]] = {
    "college_per_100k": ("college", "pop_total"),
    "years_of_schooling": ("years_of_schooling",),
    "years_of_schooling_yearbook": ("years_of_schooling",),
    "primary_share": _INDUSTRY,
    "secondary_share": _INDUSTRY,
    "manufacturing_share": _INDUSTRY,
    "tertiary_share": _INDUSTRY,
    "inmigrants_other_province": ("inmig_other_province",),
    "inmigrant_share": ("inmig_other_province", "pop_total"),
    "urban_share": ("urban", "pop_total"),
    "share_age_0_14": (*_AGES, "pop_total"),
    "share_age_65_plus": (*_AGES, "pop_total"),
    "registered_population": ("registered",),
    "census_birth_rate": ("birth_rate",),
    "census_death_rate": ("death_rate",),
}
# Column groups a table carries whole or not at all (a part means a truncated or renamed header).
GROUPS = {
    "college (大专及以上)": ("college",),
    "years of schooling": ("years_of_schooling",),
    "industry": _INDUSTRY,
    "in-migrants from other provinces": ("inmig_other_province",),
    "urban population": ("urban",),
    "registered population": ("registered",),
    "birth rate": ("birth_rate",),
    "death rate": ("death_rate",),
}


def _ages(u: pd.DataFrame, groups: list[str]) -> pd.Series:
    return sum(u[f"{s}_{g}"].fillna(0) for s in SEXES for g in groups)


def unit_indicators(units: pd.DataFrame, year: int, source: str, present: set[str] | None = None) -> pd.DataFrame:
    """Every indicator computable from one table of units (counts and yearbook averages).

    ``present``: the project's columns the table carries (default: the columns of ``units``).
    """
    present = set(units.columns) if present is None else present
    u = units.set_index("code")
    pop = u["pop_total"]
    values = {}
    if set(_INDUSTRY) <= present:
        # A blank industry cell with the total present means nobody in that industry.
        ind = u[list(_INDUSTRY[1:])].fillna(0)
        ind.loc[u["ind_total"].isna()] = np.nan
        secondary = ind[["ind_mining", "ind_manufacturing", "ind_utilities", "ind_construction"]].sum(
            axis=1, min_count=1
        )
        total = u["ind_total"]
    formulas = {
        "college_per_100k": lambda: u["college"] / pop * 100_000,
        "years_of_schooling": lambda: u["years_of_schooling"],
        "years_of_schooling_yearbook": lambda: u["years_of_schooling"],
        "primary_share": lambda: ind["ind_primary"] / total * 100,
        "secondary_share": lambda: secondary / total * 100,
        "manufacturing_share": lambda: ind["ind_manufacturing"] / total * 100,
        "tertiary_share": lambda: 100 - (ind["ind_primary"] + secondary) / total * 100,
        "inmigrants_other_province": lambda: u["inmig_other_province"],
        "inmigrant_share": lambda: u["inmig_other_province"] / pop * 100,
        "urban_share": lambda: u["urban"] / pop * 100,
        "share_age_0_14": lambda: _ages(u, AGE_GROUPS[:3]) / pop * 100,
        "share_age_65_plus": lambda: _ages(u, AGE_GROUPS[13:]) / pop * 100,
        "registered_population": lambda: u["registered"],
        "census_birth_rate": lambda: u["birth_rate"],
        "census_death_rate": lambda: u["death_rate"],
    }
    for name, needs in INPUTS.items():
        if set(needs) <= present:
            values[name] = formulas[name]()
    rows = []
    for name, s in values.items():
        s = s.replace([np.inf, -np.inf], np.nan).dropna()
        rows.append(
            pd.DataFrame({"code": s.index, "year": year, "indicator": name, "value": s.values, "source": source})
        )
    if not rows:
        return pd.DataFrame(columns=["code", "year", "indicator", "value", "source"])
    return pd.concat(rows, ignore_index=True)


def indicator_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows in the form of census_indicators.csv: unit from the registry, rounded values, sorted."""
    out = rows.copy()
    out["unit"] = out["indicator"].map(lambda i: CENSUS[i].unit)
    out["value"] = out["value"].astype(float).round(DECIMALS)
    out["year"] = out["year"].astype("int64")
    return out[COLUMNS].sort_values(["code", "year", "indicator"]).reset_index(drop=True)


def check_groups(t) -> None:
    """Refuse a table that carries part of a column group, naming the missing headers."""

    spec = ey.source_columns(t.layout)
    have = t.headers
    for group, names in GROUPS.items():
        cols = [c for n in names if n in spec for c in spec[n]]
        found = [c for c in cols if c in have]
        if found and len(found) < len(cols):
            missing = [c for c in cols if c not in have]
            raise LayoutError(
                f"{t.path.name}: the {t.layout}-layout table has some of the {group} columns but lacks {missing}"
            )


def prefecture_source(year: int, boundary: str) -> str:
    """The source label of prefecture-level rows: as enumerated, or counties regrouped to other boundaries."""
    return SRC_PREFECTURE_ROW if boundary == "as enumerated" else f"yearbook_{year}_regrouped_to_{boundary}"


def yearbook_indicators(t) -> pd.DataFrame:
    """The indicator rows of the province rows and the prefecture-level units of one yearbook table."""
    parts = [
        unit_indicators(t.provinces, t.year, SRC_PROVINCE_ROW, t.present),
        unit_indicators(t.prefectures, t.year, prefecture_source(t.year, t.boundary), t.present),
    ]
    return indicator_frame(pd.concat(parts, ignore_index=True))


def indicator_part(t, kind: str) -> Parsed | None:
    """The census_indicators rows of a yearbook table, or None if it carries no indicator columns."""
    check_groups(t)
    names = sorted({n for n, needs in INPUTS.items() if set(needs) <= t.present})
    if not names:
        return None
    rows = yearbook_indicators(t)
    units = ", ".join(dict.fromkeys(CENSUS[n].unit for n in names))
    table = f"census yearbook county table ({t.layout} layout), census {t.year}: indicators {', '.join(names)}"
    return Parsed("census_indicators", rows, table, units, kind)


def expected_columns(layout: int) -> str:

    spec = ey.source_columns(layout)
    return "; ".join(f"{g}: {', '.join(c for n in names for c in spec.get(n, []))}" for g, names in GROUPS.items())


def read_census_indicators(
    path: Path,
    raw_dir: Path,
    year: int | None,
    grid: pd.DataFrame | None = None,
    boundaries: Path | None = None,
) -> list[Parsed]:
    """A yearbook county table → census_indicators rows (provinces and prefecture-level units)."""
    t = yearbook_tables(path, raw_dir, year, grid, boundaries=boundaries)
    part = indicator_part(t, "census-indicators")
    if part is None:
        raise LayoutError(
            f"{t.path.name}: the {t.layout}-layout table has none of the indicator columns the project reads "
            f"({expected_columns(t.layout)})"
        )
    return [part]


def looks_like_indicator_table(grid: pd.DataFrame) -> bool:
    """A yearbook county table header without population-by-age columns."""
    found = yearbook_header(grid)
    return found is not None and not has_age_columns(*found)


CENSUS_INDICATORS = Layout(
    "census-indicators",
    "census_yearbook",
    "a census yearbook county table of indicators (header 区划代码 with 地区 and 合计, or 省, 市, 区县 and 人口数_合计, "
    "and columns for education, industry, in-migrants or urban population)",
    looks_like_indicator_table,
    lambda path, raw_dir, source, grid, year=None, indicators=None, boundaries=None: read_census_indicators(
        path, raw_dir, year, grid, boundaries
    ),
)
