"""Tidy census tables from the yearbook units (see ``extract_yearbook``).

- ``regions``: the 31 provinces and the prefecture-level units of the 2020 census;
- ``census_population``: persons by code × year × sex × 5-year age group;
- ``census_totals``: census resident population, provinces 2000/2010/2020 and
  prefectures 2010/2020 from the boundary-adjusted city file.

Prefecture rows of ``census_population`` use 2020 boundaries in both years:
the 2010 yearbook's county rows are regrouped into the 2020 prefectures
(``extract_yearbook.reaggregate_2010``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from neoutflow.data import yearbook as ey
from neoutflow.data.yearbook import population_long, sort_population, unit_tables
from neoutflow.reference import MUNICIPALITIES, PROVINCES, province_of, short_province_name

CITY_FILE = "leiii_census/data/census/census_city_2010-2020_v1.csv"
PROVINCE_TOTALS_FILE = "census_province_totals_2000_2010_2020.csv"
# Relative difference from the boundary-adjusted city file above which a
# prefecture's 2010 figures are flagged as not fully comparable with 2020.
BOUNDARY_FLAG_TOLERANCE = 0.001


class CensusUnits:
    """Province and prefecture-level units of both yearbooks, read once."""

    def __init__(self, sources: Path):
        self.units = {y: ey.read_yearbook(sources / f, y) for y, f in ey.YEARBOOK_FILES.items()}
        self.provinces, self.prefectures = {}, {}
        self.provinces[2020], self.prefectures[2020], _ = unit_tables(self.units[2020], 2020, 2020)
        self.provinces[2010], self.prefectures[2010], self.moves = unit_tables(
            self.units[2010], 2010, 2010, boundary_units=self.units[2020]
        )
        missing = set(self.prefectures[2020]["code"]) - set(self.prefectures[2010]["code"])
        if missing:
            raise ValueError(f"2020 prefecture-level units without 2010 counties: {sorted(missing)}")

    def table(self, year: int, level: str) -> pd.DataFrame:
        """Units of one year and level, with the project's column names."""
        return (self.provinces if level == "province" else self.prefectures)[year]


# ------------------------------------------------------------------ regions


def build_regions(cu: CensusUnits, city: pd.DataFrame) -> pd.DataFrame:
    """Provinces and 2020 prefecture-level units with names, region and boundary notes."""
    prov = cu.provinces[2020]
    prov_names = dict(zip(prov["code"], prov["name"], strict=True))
    unknown = set(prov_names) - set(PROVINCES)
    if unknown or len(prov_names) != 31:
        raise ValueError(f"expected the 31 provinces of reference.PROVINCES, got extra {sorted(unknown)}")
    rows = []
    for code, name in sorted(prov_names.items()):
        en, region = PROVINCES[code]
        rows.append(
            dict(
                code=code,
                name_zh=name,
                name_en=en,
                level="province",
                province_code=code,
                region=region,
                boundary_changed=False,
                boundary_note="",
            )
        )
    notes = boundary_notes(cu, city)
    for _, p in cu.prefectures[2020].sort_values("code").iterrows():
        pc = province_of(p["code"])
        name = p["name"]
        if pc in MUNICIPALITIES:
            name = prov_names[pc]
        elif p["code"].endswith("9000"):
            name = short_province_name(prov_names[pc]) + name
        note = notes.get(p["code"], "")
        rows.append(
            dict(
                code=p["code"],
                name_zh=name,
                name_en="",
                level="prefecture",
                province_code=pc,
                region=PROVINCES[pc][1],
                boundary_changed=bool(note),
                boundary_note=note,
            )
        )
    return pd.DataFrame(rows)


def boundary_notes(cu: CensusUnits, city: pd.DataFrame) -> dict[str, str]:
    """Why a prefecture's 2010 figures may not match its 2020 territory (empty if they do)."""
    notes: dict[str, list[str]] = {}
    for _, m in cu.moves.iterrows():
        who = f"{m['name']}" + (f"({m['code']})" if isinstance(m["code"], str) else "")
        notes.setdefault(m["target"], []).append(f"2010 counties regrouped: {who} from {m['source']}")
        if m["source"] in set(cu.prefectures[2020]["code"]):
            notes.setdefault(m["source"], []).append(f"{who} moved to {m['target']} (2010 regrouped)")
    for old, new in ey.RECODE_2010.items():
        notes.setdefault(new, []).append(f"2010 code {old}")
    adjusted = city_prefecture_totals(city)
    for year in (2010, 2020):
        ours = cu.prefectures[year].set_index("code")["pop_total"]
        theirs = adjusted[adjusted["year"] == year].set_index("code")["population"]
        both = ours.index.intersection(theirs.index)
        diff = ours[both] - theirs[both]
        for code in sorted(both):
            if abs(diff[code]) > BOUNDARY_FLAG_TOLERANCE * theirs[code]:
                what = "regrouped 2010 yearbook total" if year == 2010 else "2020 yearbook total"
                notes.setdefault(code, []).append(
                    f"{what} differs from the boundary-adjusted city file (census_totals) by {int(diff[code]):+d}"
                )
    return {k: "; ".join(v) for k, v in notes.items()}


# ------------------------------------------------------- census population


def build_census_population(cu: CensusUnits) -> pd.DataFrame:
    parts = [population_long(cu.table(y, lvl), y) for y in (2010, 2020) for lvl in ("province", "prefecture")]
    out = pd.concat(parts, ignore_index=True)
    return sort_population(out)


# ------------------------------------------------------------ census totals


def read_city(sources: Path) -> pd.DataFrame:
    return pd.read_csv(sources / CITY_FILE, dtype={"city_code": str, "province_code": str}, encoding="utf-8-sig")


def city_prefecture_totals(city: pd.DataFrame) -> pd.DataFrame:
    """Prefecture totals 2010/2020 from the city file, grouped like the yearbook units.

    The file lists province-administered county-level cities one by one
    (429004 仙桃 …); they are summed into the ``xx9000`` unit. Units without
    figures (兵团 cities, 三沙) and Hong Kong/Macao are left out.
    """
    c = city[~city["province_code"].isin(["810000", "820000"])].copy()
    c["code"] = np.where(c["city_code"].str[2:4] == "90", c["city_code"].str[:2] + "9000", c["city_code"])
    rows = []
    for year in (2010, 2020):
        col = f"popu_{year}"
        g = c.dropna(subset=[col]).groupby("code")[col].sum()
        rows.append(pd.DataFrame({"code": g.index, "year": year, "population": g.values.round().astype("int64")}))
    return pd.concat(rows, ignore_index=True)


def read_province_totals(sources: Path, names: dict[str, str]) -> pd.DataFrame:
    """Census totals 2000/2010/2020 by province (names → codes)."""
    t = pd.read_csv(sources / PROVINCE_TOTALS_FILE, encoding="utf-8-sig")
    by_name = {v: k for k, v in names.items()}
    unknown = sorted(set(t["province"]) - set(by_name))
    if unknown:
        raise ValueError(f"{PROVINCE_TOTALS_FILE}: province names not in the yearbook: {unknown}")
    t["code"] = t["province"].map(by_name)
    long = t.melt(id_vars="code", value_vars=["pop_2000", "pop_2010", "pop_2020"], value_name="population")
    long["year"] = long["variable"].str[4:].astype(int)
    return long[["code", "year", "population"]].astype({"population": "int64"})


def build_census_totals(cu: CensusUnits, sources: Path, city: pd.DataFrame) -> pd.DataFrame:
    names = dict(zip(cu.provinces[2020]["code"], cu.provinces[2020]["name"], strict=True))
    prov = read_province_totals(sources, names)
    # The compiled province totals must agree with the yearbook rows (SOURCES.md says they do).
    for year in (2010, 2020):
        yb = cu.provinces[year].set_index("code")["pop_total"]
        pt = prov[prov["year"] == year].set_index("code")["population"]
        bad = (yb - pt).abs() > 0
        if bad.any():
            raise ValueError(f"{PROVINCE_TOTALS_FILE} {year} differs from the yearbook for {list(yb.index[bad])}")
    prov = prov.assign(source="census_province_totals", boundary="as enumerated")
    pref = city_prefecture_totals(city).assign(source="leiii_city_adjusted", boundary="2020")
    out = pd.concat([prov, pref], ignore_index=True)
    return out.sort_values(["code", "year"]).reset_index(drop=True)
