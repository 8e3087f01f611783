"""Census indicators by unit and year (``census_indicators.csv``).

Computed from the yearbook counts of each unit (provinces: province rows;
prefectures: 2020 rows and 2010 counties regrouped to 2020 boundaries), except
where the communiqué has the official figure: college per 100,000 for the
provinces in 2020 (table 6-1) and years of schooling for the provinces in 2010
and 2020 (table 6-2). The ``source`` column says which.

Every step is the user importer's (``neoutflow.data.importer``): the indicator
formulas (``importer.census_indicators``), the communiqué reader
(``importer.census_communique``) and the merge that keeps communiqué figures
over computed ones (``importer.merge``), so ``make extract`` and ``make import``
cannot drift apart.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from neoutflow.data.extract.census import CensusUnits
from neoutflow.data.importer import census_indicators as ci
from neoutflow.data.importer.census_communique import read_communique
from neoutflow.data.importer.merge import merge
from neoutflow.reference import NATIONAL_CODE, short_province_name

COMMUNIQUE_EDU = "ssurrus_population_census/各地区每10万人口中拥有的各类受教育程度人数.csv"
COMMUNIQUE_YOS = "ssurrus_population_census/各地区15岁及以上人口平均受教育年限.csv"
# Table 6-1 names no year; the communiqué is that of the seventh census.
COMMUNIQUE_YEAR = 2020
# The census the 2010 counties are regrouped to (the units of regions.csv).
BOUNDARY_YEAR = 2020


def province_names(cu: CensusUnits) -> dict[str, str]:
    """Province names (full and short) and 全国 → code, as the importer's ``region_names`` gives them."""
    prov = cu.provinces[BOUNDARY_YEAR]
    names = {"全国": NATIONAL_CODE}
    for code, name in zip(prov["code"], prov["name"], strict=True):
        names[name] = code
        names[short_province_name(name)] = code
    return names


def read_communique_tables(sources: Path, names: dict[str, str]) -> list[pd.DataFrame]:
    """Tables 6-1 (2020) and 6-2 as the importer reads them."""

    return [
        read_communique(sources / COMMUNIQUE_EDU, None, COMMUNIQUE_YEAR, names=names)[0].rows,
        read_communique(sources / COMMUNIQUE_YOS, None, names=names)[0].rows,
    ]


def yearbook_rows(cu: CensusUnits) -> list[pd.DataFrame]:
    """The indicators of the province rows and prefecture-level units of both yearbooks."""

    out = []
    for year in sorted(cu.provinces):
        boundary = "as enumerated" if year == BOUNDARY_YEAR else str(BOUNDARY_YEAR)
        rows = pd.concat(
            [
                ci.unit_indicators(cu.provinces[year], year, ci.SRC_PROVINCE_ROW),
                ci.unit_indicators(cu.prefectures[year], year, ci.prefecture_source(year, boundary)),
            ],
            ignore_index=True,
        )
        out.append(ci.indicator_frame(rows))
    return out


def build_census_indicators(cu: CensusUnits, sources: Path) -> pd.DataFrame:
    """The communiqué tables, then the yearbooks, merged as ``make import`` merges them into an empty file."""

    table = pd.DataFrame()
    for rows in read_communique_tables(sources, province_names(cu)) + yearbook_rows(cu):
        table, _ = merge(table, rows, "census_indicators", replace=False)
    return table
