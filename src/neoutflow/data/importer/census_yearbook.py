"""Reader of census yearbook county/prefecture tables (``census-yearbook``): population by sex and age.

The units of the table are read by ``county_table.yearbook_tables``, shared with the indicator layout
(``census_indicators``); the indicators of the table's other columns are written too.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from neoutflow.data import yearbook as ey
from neoutflow.data.importer.census_indicators import indicator_part
from neoutflow.data.importer.core import ImportFailure, Layout, Parsed
from neoutflow.data.importer.county_table import YEARBOOK_KEYS, has_age_columns, yearbook_header, yearbook_tables
from neoutflow.reference import AGE_GROUPS, SEXES

# ------------------------------------------------------------------ census yearbook tables

_POP_COLUMNS = ["pop_total"] + [f"{s}_{g}" for s in SEXES for g in AGE_GROUPS]


def read_census_yearbook(
    path: Path,
    raw_dir: Path,
    year: int | None,
    source: str,
    grid: pd.DataFrame | None = None,
    boundaries: Path | None = None,
) -> list[Parsed]:
    """A census yearbook county table → census_population and census_totals rows (provinces, prefectures),
    and the census_indicators rows of the indicator columns it carries (``census_indicators.indicator_part``)."""

    t = yearbook_tables(path, raw_dir, year, grid, set(_POP_COLUMNS), "population", boundaries)
    tables = [t.provinces, t.prefectures]
    try:
        pop = pd.concat([ey.population_long(u, t.year) for u in tables], ignore_index=True)
    except ValueError as exc:
        raise ImportFailure(f"{t.path.name}: {exc}") from None
    pop = ey.sort_population(pop)
    # provinces are as enumerated; prefectures as enumerated or regrouped (``--boundaries``)
    tot = pd.concat(
        [u[["code", "pop_total"]].assign(boundary=b) for u, b in zip(tables, ("as enumerated", t.boundary))],
        ignore_index=True,
    )
    tot = tot.assign(year=t.year, population=tot["pop_total"].round().astype("int64"), source=source)[
        ["code", "year", "population", "source", "boundary"]
    ]
    table = f"census yearbook county table ({t.layout} layout), census {t.year}: population by sex and age"
    parts = [
        Parsed("census_population", pop, table, "persons", "census-yearbook"),
        Parsed(
            "census_totals",
            tot.sort_values(["code", "year"]).reset_index(drop=True),
            table,
            "persons",
            "census-yearbook",
        ),
    ]
    indicators = indicator_part(t, "census-yearbook")
    return parts + ([indicators] if indicators is not None else [])


def looks_like_yearbook(grid: pd.DataFrame) -> bool:
    """A county table with population by age (some age column; a table without them is ``census-indicators``)."""
    found = yearbook_header(grid)
    return found is not None and has_age_columns(*found)


CENSUS_YEARBOOK = Layout(
    "census-yearbook",
    "census_yearbook",
    "a census yearbook county table (header " + " or ".join(f"({', '.join(k)})" for k in YEARBOOK_KEYS.values()) + ")",
    looks_like_yearbook,
    lambda path, raw_dir, source, grid, year=None, indicators=None, boundaries=None: read_census_yearbook(
        path, raw_dir, year, source, grid, boundaries
    ),
)
