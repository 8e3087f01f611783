"""Yearly provincial series from the NBS data-portal exports (``province_series.csv``).

Choices (see SOURCES.md and data/README.md):

- ``avg_wage``: 城镇单位就业人员平均工资, future_django export 2006–2023. The portal
  gives 2006–2008 under the 就业人员 label, with values that differ from the
  在岗职工 series of the same database, so they are kept as 就业人员 figures.
- ``avg_wage_staff``: 城镇单位在岗职工平均工资, nva crawl 2000–2019, kept separate.
- vital rates: future_django export 2005–2023, nva crawl (GBK file) for the
  earlier years; where both have a year they must agree (checked here).
- ``yearend_population``: pik_pypsa_china export, 万人 × 10,000 → persons,
  2005–2024; national rows (100000) from its national table (2015–2022).
- ``gdp`` and value added by sector: one vintage only, the nva crawl of the
  NBS data portal (revised series), 2000–2019.
- ``higher_education_institutions``: nva crawl 2000–2019.
- ``higher_education_enrolment``: nva crawl 2000–2019, 普通高等学校在校学生数 (万人 × 10,000 → persons).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from neoutflow.data import importer
from neoutflow.data.indicators import SERIES
from neoutflow.reference import NATIONAL_CODE, PROVINCES

FD = "future_django_nbs"
NVA = "nva_nbs_crawl"
PIK = "pik_pypsa_china"

FD_FILES = {
    "avg_wage": "future_django_nbs/Datas__gongzi__省份平均工资.xls",
    "birth_rate": "future_django_nbs/Datas__出生.xls",
    "death_rate": "future_django_nbs/Datas__死亡.xls",
    "natural_growth_rate": "future_django_nbs/Datas__自然增长.xls",
}
NVA_VITAL = "nva_nbs_crawl/人口_人口出生率、死亡率和自然增长率.csv"
NVA_WAGE = "nva_nbs_crawl/就业人员和工资_城镇单位就业人员平均工资和指数.csv"
NVA_GDP = "nva_nbs_crawl/国民经济核算_地区生产总值.csv"
NVA_EDU = "nva_nbs_crawl/教育_高等学校普通本、专科学校和学生情况.csv"
PIK_POP = "pik_pypsa_china/resources/data/population/historical_population.csv"
PIK_NATIONAL = "pik_pypsa_china/resources/data/population/population_from_national_data.csv"

NVA_COLUMNS = {
    NVA_VITAL: {
        "人口出生率(‰)": "birth_rate",
        "人口死亡率(‰)": "death_rate",
        "人口自然增长率(‰)": "natural_growth_rate",
    },
    NVA_WAGE: {"城镇单位在岗职工平均工资(元)": "avg_wage_staff"},
    NVA_GDP: {
        "地区生产总值(亿元)": "gdp",
        "第一产业增加值(亿元)": "value_added_primary",
        "第二产业增加值(亿元)": "value_added_secondary",
        "第三产业增加值(亿元)": "value_added_tertiary",
    },
    NVA_EDU: {
        "普通高等学校数(所)": "higher_education_institutions",
        "普通高等学校在校学生数(万人)": "higher_education_enrolment",
    },
}
# Columns published in 万人: converted to persons.
# The export's indicator line must say what we think the file holds.
FD_TITLES = {
    "avg_wage": "指标：城镇单位就业人员平均工资(元)",
    "birth_rate": "指标：人口出生率(‰)",
    "death_rate": "指标：人口死亡率(‰)",
    "natural_growth_rate": "指标：人口自然增长率(‰)",
}
VITAL = ("birth_rate", "death_rate", "natural_growth_rate")


def read_fd(sources: Path, indicator: str, name_to_code: dict[str, str]) -> pd.DataFrame:
    """One NBS portal .xls export: years down, provinces across → long code, year, value.

    Read by the user importer's reader (``neoutflow.data.importer.read_portal``), so developer
    extraction and ``make import`` cannot drift apart.
    """

    path = sources / FD_FILES[indicator]
    try:
        (part,) = importer.read_portal(path, None, FD, names=name_to_code)
    except importer.ImportFailure as exc:
        raise ValueError(f"{FD_FILES[indicator]}: {exc}") from None
    title = part.table.removeprefix("NBS 分省年度数据: ")
    if title != FD_TITLES[indicator]:
        raise ValueError(f"{FD_FILES[indicator]}: expected '{FD_TITLES[indicator]}', found '{title}'")
    long = part.rows
    if set(long["indicator"]) != {indicator}:
        raise ValueError(f"{FD_FILES[indicator]}: expected {indicator}, found {sorted(set(long['indicator']))}")
    return long[["code", "year", "indicator", "value", "source"]]


def read_nva(sources: Path, file: str, name_to_code: dict[str, str] | None = None) -> pd.DataFrame:
    """One crawl CSV, the columns of NVA_COLUMNS (through ``neoutflow.data.importer.read_crawl``)."""

    cols = NVA_COLUMNS[file]
    names = name_to_code or nva_names(sources)
    try:
        (part,) = importer.read_crawl(sources / file, None, NVA, names=names, indicators=set(cols.values()))
    except importer.ImportFailure as exc:
        raise ValueError(f"{file}: {exc}") from None
    missing = sorted(set(cols.values()) - set(part.rows["indicator"]))
    if missing:
        raise ValueError(f"{file}: columns {[k for k, v in cols.items() if v in missing]} not found")
    return part.rows[["code", "year", "indicator", "value", "source"]]


def nva_names(sources: Path) -> dict[str, str]:
    df = pd.read_csv(sources / NVA_GDP, dtype={"省份编码": str})
    pairs = df[["省份", "省份编码"]].drop_duplicates()
    names = dict(zip(pairs["省份"], pairs["省份编码"], strict=True))
    if sorted(names.values()) != sorted(PROVINCES):
        raise ValueError(f"{NVA_GDP}: expected the 31 province codes")
    return names


def read_pik_population(sources: Path, en_to_code: dict[str, str]) -> pd.DataFrame:
    df = pd.read_csv(sources / PIK_POP, comment="#")
    head = (sources / PIK_POP).read_text(encoding="utf-8").splitlines()[0]
    if "10000 persons" not in head:
        raise ValueError(f"{PIK_POP}: expected the unit line to say 10000 persons, found {head!r}")
    long = df.melt(id_vars="region", var_name="year", value_name="value").dropna(subset=["value"])
    long["code"] = long["region"].map(en_to_code)
    if long["code"].isna().any():
        raise ValueError(f"{PIK_POP}: unknown regions {sorted(long.loc[long['code'].isna(), 'region'].unique())}")
    nat = pd.read_csv(sources / PIK_NATIONAL)
    nat = nat[nat["Region"] == "National Total"].melt(id_vars="Region", var_name="year", value_name="value")
    nat["code"] = NATIONAL_CODE
    out = pd.concat([long[["code", "year", "value"]], nat[["code", "year", "value"]]], ignore_index=True)
    out["year"] = out["year"].astype(int)
    out["value"] = out["value"].astype(float) * 10_000  # 万人 → persons
    return out.assign(indicator="yearend_population", source=PIK)[["code", "year", "indicator", "value", "source"]]


# pik names regions in English; these differ from reference.PROVINCES.
_PIK_NAMES = {"Inner Mongolia": "150000", "Tibet": "540000", "Xizang": "540000", "InnerMongolia": "150000"}


def build_province_series(sources: Path) -> pd.DataFrame:
    names = nva_names(sources)
    en_to_code = {en: code for code, (en, _) in PROVINCES.items()} | _PIK_NAMES
    fd = pd.concat([read_fd(sources, ind, names) for ind in FD_FILES], ignore_index=True)
    nva = pd.concat([read_nva(sources, f, names) for f in NVA_COLUMNS], ignore_index=True)
    # vital rates: the two exports must agree on common years; use nva only before 2004
    fd_v = fd[fd["indicator"].isin(VITAL)].set_index(["code", "year", "indicator"])["value"]
    nva_v = nva[nva["indicator"].isin(VITAL)].set_index(["code", "year", "indicator"])["value"]
    both = fd_v.index.intersection(nva_v.index)
    diff = (fd_v[both] - nva_v[both]).abs()
    if (diff > 0.005).any():
        bad = diff[diff > 0.005].head(5)
        raise ValueError(f"vital rates differ between {FD} and {NVA}: {bad.to_dict()}")
    # the portal export is the newer one: it wins where both have a year (they agree anyway)
    key = pd.MultiIndex.from_frame(nva[["code", "year", "indicator"]])
    nva = nva[~key.isin(fd_v.index)]
    pik = read_pik_population(sources, en_to_code)
    out = pd.concat([fd, nva, pik], ignore_index=True)
    out["unit"] = out["indicator"].map(lambda i: SERIES[i].unit)
    out = out[["code", "year", "indicator", "value", "unit", "source"]]
    dup = out.duplicated(["code", "year", "indicator"], keep=False)
    if dup.any():
        raise ValueError(f"duplicate series rows: {out[dup].head().to_dict('records')}")
    return out.sort_values(["code", "indicator", "year"]).reset_index(drop=True)
