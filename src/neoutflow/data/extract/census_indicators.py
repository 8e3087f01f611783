"""Census indicators by unit and year (``census_indicators.csv``).

Computed from the yearbook counts of each unit (provinces: province rows;
prefectures: 2020 rows and 2010 counties regrouped to 2020 boundaries), except
where the communiqué has the official figure: college per 100,000 for the
provinces in 2020 (table 6-1) and years of schooling for the provinces in 2010
and 2020 (table 6-2). The ``source`` column says which.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from neoutflow.data.extract.census import CensusUnits, short_province_name
from neoutflow.data.indicators import CENSUS
from neoutflow.reference import AGE_GROUPS, NATIONAL_CODE, SEXES

COMMUNIQUE_EDU = "ssurrus_population_census/各地区每10万人口中拥有的各类受教育程度人数.csv"
COMMUNIQUE_YOS = "ssurrus_population_census/各地区15岁及以上人口平均受教育年限.csv"

SRC_COMMUNIQUE_61 = "communique_6-1"
SRC_COMMUNIQUE_62 = "communique_6-2"


def _ages(df: pd.DataFrame, groups: list[str]) -> pd.Series:
    return sum(df[f"{s}_{g}"].fillna(0) for s in SEXES for g in groups)


def unit_indicators(units: pd.DataFrame, year: int, source: str) -> pd.DataFrame:
    """Every indicator computable from one table of units (counts and yearbook averages)."""
    u = units.set_index("code")
    pop = u["pop_total"]
    # A blank industry cell with the total present means nobody in that industry.
    ind = u[["ind_primary", "ind_mining", "ind_manufacturing", "ind_utilities", "ind_construction"]].fillna(0)
    ind.loc[u["ind_total"].isna()] = np.nan
    secondary = ind[["ind_mining", "ind_manufacturing", "ind_utilities", "ind_construction"]].sum(axis=1, min_count=1)
    total = u["ind_total"]
    values = {
        "college_per_100k": u["college"] / pop * 100_000,
        "years_of_schooling": u["years_of_schooling"],
        "years_of_schooling_yearbook": u["years_of_schooling"],
        "primary_share": ind["ind_primary"] / total * 100,
        "secondary_share": secondary / total * 100,
        "manufacturing_share": ind["ind_manufacturing"] / total * 100,
        "tertiary_share": 100 - (ind["ind_primary"] + secondary) / total * 100,
        "inmigrants_other_province": u["inmig_other_province"],
        "inmigrant_share": u["inmig_other_province"] / pop * 100,
        "urban_share": u["urban"] / pop * 100,
        "share_age_0_14": _ages(u, AGE_GROUPS[:3]) / pop * 100,
        "share_age_65_plus": _ages(u, AGE_GROUPS[13:]) / pop * 100,
    }
    if year == 2010:
        values["registered_population"] = u["registered"]
        values["census_birth_rate"] = u["birth_rate"]
        values["census_death_rate"] = u["death_rate"]
    rows = []
    for name, s in values.items():
        s = s.replace([np.inf, -np.inf], np.nan).dropna()
        rows.append(
            pd.DataFrame({"code": s.index, "year": year, "indicator": name, "value": s.values, "source": source})
        )
    return pd.concat(rows, ignore_index=True)


def _communique_table(path: Path) -> pd.DataFrame:
    """Cells of a ssurrus communiqué CSV; column 0 is the region name without spaces or notes ("北  京" → 北京)."""
    t = pd.read_csv(path, header=None, dtype=str, encoding="utf-8-sig").fillna("")
    t[0] = t[0].map(lambda v: re.sub(r"\s+|\[\d+\]", "", v))
    return t.apply(lambda c: c.str.strip())


def read_communique_61(sources: Path, short_to_code: dict[str, str]) -> pd.DataFrame:
    """Table 6-1, 2020: 大学（大专及以上） per 100,000."""
    t = _communique_table(sources / COMMUNIQUE_EDU)
    t = t[t[0].isin(short_to_code)]
    if t[0].duplicated().any():  # the CSV repeats its header block; rows must not repeat
        raise ValueError(f"{COMMUNIQUE_EDU}: duplicated region rows")
    return pd.DataFrame(
        {
            "code": t[0].map(short_to_code),
            "year": 2020,
            "indicator": "college_per_100k",
            "value": t[1].astype(float),
            "source": SRC_COMMUNIQUE_61,
        }
    )


def read_communique_62(sources: Path, short_to_code: dict[str, str]) -> pd.DataFrame:
    """Table 6-2: average years of schooling of the population aged 15+, 2020 and 2010."""
    t = _communique_table(sources / COMMUNIQUE_YOS)
    header = t[t[0] == "地区"].iloc[0].tolist()
    years = [int(h[:4]) for h in header[1:3]]
    t = t[t[0].isin(short_to_code)]
    parts = [
        pd.DataFrame(
            {
                "code": t[0].map(short_to_code),
                "year": y,
                "indicator": "years_of_schooling",
                "value": t[i + 1].astype(float),
                "source": SRC_COMMUNIQUE_62,
            }
        )
        for i, y in enumerate(years)
    ]
    return pd.concat(parts, ignore_index=True)


def build_census_indicators(cu: CensusUnits, sources: Path) -> pd.DataFrame:
    parts = []
    for year in (2010, 2020):
        parts.append(unit_indicators(cu.provinces[year], year, "yearbook_province_row"))
        pref = cu.prefectures[year]
        src = "yearbook_prefecture_row" if year == 2020 else "yearbook_2010_regrouped_to_2020"
        parts.append(unit_indicators(pref, year, src))
    computed = pd.concat(parts, ignore_index=True)
    names = dict(zip(cu.provinces[2020]["code"], cu.provinces[2020]["name"], strict=True))
    short_to_code = {short_province_name(v): k for k, v in names.items()} | {"全国": NATIONAL_CODE}
    official = pd.concat(
        [read_communique_61(sources, short_to_code), read_communique_62(sources, short_to_code)], ignore_index=True
    )
    # communiqué figures replace the computed ones for the same code, year and indicator
    key = ["code", "year", "indicator"]
    computed = computed.merge(official[key], on=key, how="left", indicator=True)
    computed = computed[computed["_merge"] == "left_only"].drop(columns="_merge")
    out = pd.concat([computed, official], ignore_index=True)
    out["unit"] = out["indicator"].map(lambda i: CENSUS[i].unit)
    out["value"] = out["value"].astype(float).round(4)
    out = out[["code", "year", "indicator", "value", "unit", "source"]]
    return out.sort_values(["code", "year", "indicator"]).reset_index(drop=True)
