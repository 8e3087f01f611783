"""Prefecture (地级) wages, GDP and population 2010–2020 (``prefecture_series.csv``).

Source: ``csmar_cre_city_eileenchen`` — a CSMAR China Regional Economy export whose city
tables are compiled from the China City Statistical Yearbook (中国城市统计年鉴, 全市 figures).

Choices (see data/README.md):

- Keyed by the 2020 six-digit code of ``regions.csv``. Code-only changes are recoded
  (``CODE_MAP``: municipalities 110000 → 110100 …, Nagqu, Turpan, Hami, Danzhou).
- Units that do not exist in 2020 are dropped (``DROPPED``: Chaohu 2010, abolished 2011;
  Laiwu 2010–2018, merged into Jinan 2019) and county-level cities that the export lists
  beside their prefecture (Turpan city, Kumul city) are dropped.
- The yearbook prints each year's figures for that year's territory; a prefecture-level
  source cannot be regrouped to 2020 boundaries. ``same_territory_as_2020`` is false for the
  unit-years printed before a known boundary change (``BOUNDARY_CHANGES``).
- Values in 万人 are converted to persons; 亿元 and 元 are kept.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from neoutflow.data.indicators import PREFECTURE_SERIES

FOLDER = "csmar_cre_city_eileenchen"
WAGE_FILE = f"{FOLDER}/CRE_Eplwagct.csv"
GDP_FILE = f"{FOLDER}/CRE_Gdpct.csv"
SOURCE = "csmar_cre_city"
YEARS = range(2010, 2021)

# source field -> (indicator, factor to the registered unit)
FIELDS = {
    WAGE_FILE: {
        "Eect13": ("city_avg_wage_staff", 1.0),
        "Eect01": ("city_yearend_population", 10_000.0),
        "Eect05": ("city_employed_persons", 10_000.0),
        "Eect11": ("city_staff_avg_number", 10_000.0),
    },
    GDP_FILE: {
        "Gdpct01": ("city_gdp", 1.0),
        "GDP_PerCapita": ("city_gdp_per_capita", 1.0),
        "Gdpct03": ("city_secondary_share_gdp", 1.0),
        "Gdpct04": ("city_tertiary_share_gdp", 1.0),
    },
}

# export code -> 2020 code (same territory, new code or province-level code for a municipality)
CODE_MAP = {
    "110000": "110100",
    "120000": "120100",
    "310000": "310100",
    "500000": "500100",
    "542400": "540600",  # 那曲地区 → 那曲市 (2017)
    "652100": "650400",  # 吐鲁番地区 → 吐鲁番市 (2015)
    "652200": "650500",  # 哈密地区 → 哈密市 (2016)
    "469003": "460400",  # 儋州 county-level → prefecture-level city (2015); rows 2015+ only
}
# export code -> why it is dropped
DROPPED = {
    "341400": "巢湖市 (2010 only): abolished in 2011 and split among 合肥, 芜湖, 马鞍山",
    "371200": "莱芜市 (2010–2018): merged into 济南 in 2019",
    "652101": "吐鲁番市 county-level city listed beside its prefecture",
    "652201": "哈密市 county-level city listed beside its prefecture",
}
# 2020 code -> (first year printed for the 2020 territory, what changed)
BOUNDARY_CHANGES = {
    "340100": (2011, "巢湖 split in 2011: 庐江县 and 居巢区 joined 合肥"),
    "340200": (2011, "巢湖 split in 2011: 无为县 joined 芜湖"),
    "340500": (2011, "巢湖 split in 2011: 含山县 and 和县 joined 马鞍山"),
    "340400": (2016, "寿县 moved from 六安 to 淮南 (late 2015)"),
    "341500": (2016, "寿县 moved from 六安 to 淮南 (late 2015)"),
    "340700": (2016, "枞阳县 moved from 安庆 to 铜陵 (late 2015)"),
    "340800": (2016, "枞阳县 moved from 安庆 to 铜陵 (late 2015)"),
    "510100": (2016, "简阳市 moved from 资阳 to 成都 (2016)"),
    "512000": (2016, "简阳市 moved from 资阳 to 成都 (2016)"),
    "370100": (2019, "莱芜 merged into 济南 (2019)"),
    "220100": (2021, "公主岭市 moved from 四平 to 长春 in 2020; the 2020 yearbook figure may still exclude it"),
    "220300": (2021, "公主岭市 moved from 四平 to 长春 in 2020; the 2020 yearbook figure may still include it"),
}


def read_export(sources: Path, file: str) -> pd.DataFrame:
    """One CRE export as text (UTF-8 with BOM), with the years 2010–2020."""
    df = pd.read_csv(sources / file, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    missing = [c for c in ["Sgnyea", "Ctnm_id", *FIELDS[file]] if c not in df.columns]
    if missing:
        raise ValueError(f"{file}: columns {missing} not found")
    df["year"] = df["Sgnyea"].astype(int)
    return df[df["year"].isin(YEARS)]


def to_long(df: pd.DataFrame, file: str) -> pd.DataFrame:
    fields = FIELDS[file]
    long = df.melt(id_vars=["Ctnm_id", "year"], value_vars=list(fields), var_name="field", value_name="text")
    long = long[long["text"].str.strip() != ""]
    long["value"] = pd.to_numeric(long["text"], errors="raise").astype(float)
    long["indicator"] = long["field"].map(lambda f: fields[f][0])
    long["value"] = long["value"] * long["field"].map(lambda f: fields[f][1])
    long["source"] = SOURCE + ":" + Path(file).stem + "." + long["field"]
    return long.rename(columns={"Ctnm_id": "source_code"})


def recode(long: pd.DataFrame, known: set[str]) -> pd.DataFrame:
    """Export codes → 2020 codes; drop the units listed in DROPPED; every other code must be known."""
    out = long[~long["source_code"].isin(DROPPED)].copy()
    out["code"] = out["source_code"].map(lambda c: CODE_MAP.get(c, c))
    unknown = sorted(set(out["code"]) - known)
    if unknown:
        raise ValueError(f"{FOLDER}: prefecture codes not in regions.csv and not mapped: {unknown}")
    return out


def same_territory(code: pd.Series, year: pd.Series) -> pd.Series:
    first = code.map(lambda c: BOUNDARY_CHANGES.get(c, (0, ""))[0])
    return year >= first


def build_prefecture_series(sources: Path, regions: pd.DataFrame) -> pd.DataFrame:
    """Tidy long table: code, year, indicator, value, unit, same_territory_as_2020, source."""
    known = set(regions.loc[regions["level"] == "prefecture", "code"].astype(str))
    parts = [to_long(read_export(sources, f), f) for f in FIELDS]
    out = recode(pd.concat(parts, ignore_index=True), known)
    out["unit"] = out["indicator"].map(lambda i: PREFECTURE_SERIES[i].unit)
    out["same_territory_as_2020"] = same_territory(out["code"], out["year"])
    out = out[["code", "year", "indicator", "value", "unit", "same_territory_as_2020", "source"]]
    dup = out.duplicated(["code", "year", "indicator"], keep=False)
    if dup.any():
        raise ValueError(f"duplicate prefecture rows after recoding: {out[dup].head().to_dict('records')}")
    return out.sort_values(["code", "indicator", "year"]).reset_index(drop=True)
