"""The analysis datasets of the regressions: one row per province (or prefecture).

Outcomes are measured over the intercensal period (computed here with
:mod:`neoutflow.analysis.demography`, not read from another notebook's output);
explanatory variables are taken at the base census year, so that the outflow
of the period cannot have shaped them (it can still be shaped by the outflow
of earlier decades: see the notebook's discussion).

The ``build_*`` functions take DataFrames and return DataFrames; the
``*_dataset`` functions load the shipped data with :mod:`neoutflow.data` and
call them.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from neoutflow.analysis import demography
from neoutflow.data.indicators import CENSUS_REGRESSORS, PREFECTURE_REGRESSORS  # noqa: F401 (defined there)
from neoutflow.reference import NATIONAL_CODE, NORTHEAST, OUTCOMES, PREFECTURE_OUTCOMES  # noqa: F401

# variable -> (Chinese label, unit, definition, source). The one place labels live:
# tables and figures take their Chinese names from here.
DICTIONARY: dict[str, tuple[str, str, str, str]] = {
    "code": ("行政区划代码", "", "GB/T 2260 六位代码", "国家统计局行政区划代码"),
    "name_zh": ("地区", "", "省级（或地级）行政区名称", "国家统计局"),
    "region": ("四大区域", "", "东部、中部、西部、东北（国家统计局划分）", "国家统计局"),
    "northeast": ("东北地区", "0/1", "辽宁、吉林、黑龙江为 1，其余为 0", "国家统计局区域划分"),
    "study_region": (
        "研究地区",
        "0/1",
        "研究地区（参数 study_region）所含省份及其地级单位为 1，其余为 0",
        "本项目参数",
    ),
    "province_code": ("所属省份代码", "", "地级单位所属省级行政区代码（用于省份固定效应）", "GB/T 2260"),
    "net_migration_rate": (
        "普查存活比净迁移率",
        "%",
        "期末普查时基期已出生人口（间隔 n 年时为 n 岁及以上）的净迁移（全国普查存活比法，按性别和五岁年龄组）占基期普查总人口的百分比",
        "第六、七次人口普查分年龄、性别人口；本项目计算",
    ),
    "residual_migration_rate": (
        "残差法净迁移率",
        "%",
        "两次普查人口之差减去按年度自然增长率推算的自然增长，占基期普查人口的百分比",
        "人口普查；国家统计局分省自然增长率与年末常住人口；本项目计算",
    ),
    "population_growth": ("普查人口增长率", "%", "两次普查常住人口的变化占基期普查人口的百分比", "第六、七次人口普查"),
    "young_adult_net_migration_rate": (
        "青年（20–39岁）净迁移率",
        "%",
        "期末 20–39 岁队列的普查存活比净迁移占其基期（10–29 岁）人口的百分比",
        "第六、七次人口普查分年龄、性别人口；本项目计算",
    ),
    "manufacturing_share": (
        "制造业就业比重",
        "%",
        "基期普查在业人口中制造业所占百分比（长表抽样，按比例）",
        "第六次人口普查分行业在业人口",
    ),
    "secondary_share": (
        "第二产业就业比重",
        "%",
        "基期普查在业人口中采矿业、制造业、电力燃气水、建筑业所占百分比",
        "第六次人口普查分行业在业人口",
    ),
    "log_gdp_per_capita": (
        "人均地区生产总值（对数）",
        "ln(元/人)",
        "基期地区生产总值除以基期年末常住人口后取自然对数（数据平台修订后的 GDP 序列）",
        "国家统计局分省年度数据",
    ),
    "college_share": (
        "大专及以上学历人口比重",
        "%",
        "基期普查常住人口（含各年龄）中具有大专及以上学历者所占的百分比，即普查公布的每十万人口中大专及以上人数除以 1,000",
        "人口普查公报、普查年鉴",
    ),
    "years_of_schooling": (
        "平均受教育年限",
        "年",
        "基期 15 岁及以上人口平均受教育年限",
        "第七次人口普查公报表 6-2（含 2010 年数）",
    ),
    "higher_education_per_million": (
        "每百万人口普通高校数",
        "所/百万人",
        "基期普通高等学校数除以基期年末常住人口（百万人）",
        "国家统计局分省年度数据",
    ),
    "log_relative_wage": (
        "相对工资（对数）",
        "ln(比值)",
        "基期城镇非私营单位就业人员平均工资与全国平均工资之比的自然对数",
        "国家统计局分省年度数据",
    ),
    "wage_growth": (
        "期间工资增长（对数）",
        "ln(比值)",
        "城镇非私营单位就业人员平均工资从基期到期末（或期末前最近可得年份）的对数变化",
        "国家统计局分省年度数据",
    ),
    "share_age_65_plus": ("65岁及以上人口比重", "%", "基期普查 65 岁及以上人口占常住人口的百分比", "人口普查"),
    "share_age_0_14": ("0–14岁人口比重", "%", "基期普查 0–14 岁人口占常住人口的百分比", "人口普查"),
    "urban_share": ("城镇人口比重", "%", "基期普查城镇常住人口占常住人口的百分比", "人口普查"),
    "population_base": ("基期普查人口", "人", "基期普查常住人口", "人口普查"),
    "county_group": (
        "省直辖县级单位集合",
        "是/否",
        "由省直辖的县级单位拼合的统计单位，并非地级市",
        "国家统计局行政区划",
    ),
    "boundary_issue": (
        "区划或口径调整",
        "是/否",
        "两次普查间有县级单位改属，或年鉴与边界调整后数据的总人口不一致（仅代码变更不计）",
        "leiii/census 边界调整文件与普查年鉴比对",
    ),
}


# Analysis variables that are a census indicator on another scale: variable -> (indicator, factor). The census
# publishes college-educated persons per 100,000 residents; as a percentage of residents (÷ 1,000) a
# coefficient reads at the precision of the other shares (the old scale gave −0.00020 (0.00099)).
RESCALED: dict[str, tuple[str, float]] = {"college_share": ("college_per_100k", 1 / 1000)}


def _rescale(out: pd.DataFrame) -> None:
    """Replace each :data:`RESCALED` indicator column of ``out`` by its analysis variable, in place."""
    for variable, (indicator, factor) in RESCALED.items():
        if indicator in out.columns:
            position = list(out.columns).index(indicator)
            values = out.pop(indicator) * factor
            out.insert(position, variable, values)


class AnalysisDataError(ValueError):
    """Inputs from which an analysis dataset cannot be built, with what is missing."""


# The 0/1 column marking the study region's provinces (or their prefectures): the region indicator of the
# province regressions and the region side of the interactions (:func:`mark_study_region`).
REGION_TERM = "study_region"


def mark_study_region(
    frame: pd.DataFrame, provinces: Sequence[str], province_column: str | None = None
) -> pd.DataFrame:
    """A copy of ``frame`` with the 0/1 column :data:`REGION_TERM`: 1 for the rows of the study region.

    ``provinces``: the region's province codes; rows are matched by ``province_column`` (a prefecture's
    ``province_code``) or, when None, by ``code`` (a province dataset). A region none of whose provinces is
    in ``frame``, or one that covers every row, has no contrast and is refused.
    """
    codes = [str(c) for c in provinces]
    if not codes:
        raise AnalysisDataError("the study region names no province")
    column = province_column or "code"
    if column not in frame.columns:
        raise AnalysisDataError(f"the data lack the column {column!r} that places a row in the study region")
    inside = frame[column].astype(str).isin(codes)
    if not inside.any():
        raise AnalysisDataError(f"no row of the data lies in the study region ({', '.join(codes)})")
    if inside.all():
        raise AnalysisDataError(f"every row of the data lies in the study region ({', '.join(codes)}): no contrast")
    return frame.assign(**{REGION_TERM: inside.astype(int).to_numpy()})


def label(variable: str) -> str:
    """The Chinese label of a variable (falls back to the name)."""
    return DICTIONARY.get(variable, (variable,))[0]


def labels(variables: Sequence[str] | None = None) -> dict[str, str]:
    return {v: label(v) for v in (variables if variables is not None else DICTIONARY)}


def data_dictionary(columns: Sequence[str] | None = None) -> pd.DataFrame:
    """``variable, label_zh, unit, definition, source`` for ``columns`` (default: all known)."""
    columns = list(columns) if columns is not None else list(DICTIONARY)
    unknown = [c for c in columns if c not in DICTIONARY]
    if unknown:
        raise AnalysisDataError(f"no dictionary entry for {unknown}")
    return pd.DataFrame(
        [(c, *DICTIONARY[c]) for c in columns], columns=["variable", "label_zh", "unit", "definition", "source"]
    )


# ---------------------------------------------------------------- helpers


def _long(frame: pd.DataFrame, what: str) -> pd.DataFrame:
    """A long table ``code, year, indicator, value`` from either long or wide input."""
    df = frame.reset_index() if {"code", "year"} <= set(frame.index.names or []) else frame
    if "indicator" in df.columns:
        need = {"code", "year", "indicator", "value"}
        if not need <= set(df.columns):
            raise AnalysisDataError(f"{what} lacks {sorted(need - set(df.columns))}")
        out = df[["code", "year", "indicator", "value"]]
    else:
        if not {"code", "year"} <= set(df.columns):
            raise AnalysisDataError(f"{what} needs code and year columns (or index)")
        value_cols = [c for c in df.columns if c not in ("code", "year", "unit", "name_zh", "level")]
        out = df.melt(id_vars=["code", "year"], value_vars=value_cols, var_name="indicator", value_name="value")
    out = out.assign(
        code=out["code"].astype(str),
        year=out["year"].astype(int),
        indicator=out["indicator"].astype(str),
        value=pd.to_numeric(out["value"], errors="coerce"),
    )
    return out.dropna(subset=["value"])


def _at_year(long: pd.DataFrame, indicators: Sequence[str], year: int, what: str) -> pd.DataFrame:
    """Wide table (index code) of ``indicators`` in ``year``; error if an indicator is absent."""
    part = long[(long["year"] == int(year)) & long["indicator"].isin(indicators)]
    absent = [i for i in indicators if i not in set(part["indicator"])]
    if absent:
        years = sorted(long.loc[long["indicator"].isin(absent), "year"].unique())
        raise AnalysisDataError(f"{what} has no {absent} for {year} (years with them: {years})")
    return part.pivot_table(index="code", columns="indicator", values="value", aggfunc="first")


# How the national wage was obtained: the NBS national row (code 100000), or the provinces' weighted mean.
WAGE_METHODS = ("national", "weighted")


def national_wage(wages: pd.DataFrame, year: int, weights: pd.Series | None = None) -> tuple[float, str]:
    """The national average wage of ``year`` and how it was obtained (:data:`WAGE_METHODS`).

    ``wages``: ``code, year, avg_wage`` (long or wide). The NBS national figure
    (code 100000) is used when present; otherwise the mean of the provinces
    weighted by ``weights`` (e.g. year-end population, index code). Employment
    weights would match NBS more closely, but the series do not carry them.
    """
    long = _long(wages, "wage series")
    w = long[(long["indicator"] == "avg_wage") & (long["year"] == int(year))].set_index("code")["value"]
    if NATIONAL_CODE in w.index:
        return float(w[NATIONAL_CODE]), "national"
    if weights is None:
        raise AnalysisDataError(f"no national average wage (code {NATIONAL_CODE}) for {year} and no weights given")
    common = w.index.intersection(weights.index)
    if len(common) == 0:
        raise AnalysisDataError(f"no province has both a {year} wage and a weight")
    return float(np.average(w[common], weights=weights[common])), "weighted"


# ---------------------------------------------------------------- provinces


def _province_outcomes(
    population: pd.DataFrame, census_totals: pd.DataFrame, ser: pd.DataFrame, codes, base_year: int, end_year: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Outcomes: survival-ratio and residual net migration (summary, by code) and population change (by code)."""
    pop = population[population["code"].astype(str).isin(codes)]
    net = demography.survival_ratio_net_migration(pop, base_year, end_year)
    totals = census_totals.assign(code=census_totals["code"].astype(str))
    totals = totals[totals["code"].isin(codes)]
    resid = demography.residual_net_migration(
        totals,
        ser[ser["indicator"] == "natural_growth_rate"],
        ser[ser["indicator"] == "yearend_population"],
        base_year,
        end_year,
    )
    summary = demography.summarise_net_migration(net, resid).set_index("code")
    change = demography.population_change(totals, base_year, end_year).set_index("code")
    return summary, change


def _add_series_regressors(out: pd.DataFrame, ser: pd.DataFrame, codes, base_year: int, end_year: int) -> dict:
    """Yearly series regressors into ``out``: GDP per capita, universities per million, relative wage, wage
    growth. A yearly series that ends before the base census (GDP and university counts stop in 2019 in the
    shipped data) is read at its latest year within SERIES_MAX_LAG years before it; returns the years used."""
    series_years = {
        name: latest_year_at_or_before(ser, name, codes, base_year)
        for name in ("gdp", "yearend_population", "avg_wage", "higher_education_institutions")
    }
    for name, year in series_years.items():
        if year != base_year:  # visible, and recorded by the notebook as series_year_<name>
            warnings.warn(f"province series: {name} read at {year} instead of the base year {base_year}", stacklevel=3)
    base = pd.concat([_at_year(ser, [name], year, "province series") for name, year in series_years.items()], axis=1)
    persons = base["yearend_population"]
    out["log_gdp_per_capita"] = np.log(base["gdp"] * 1e8 / persons)  # GDP in 100 million yuan
    out["higher_education_per_million"] = base["higher_education_institutions"] / persons * 1e6
    nat, _ = national_wage(ser, base_year, weights=persons)
    out["log_relative_wage"] = np.log(base["avg_wage"] / nat)
    last = latest_common_year(ser, "avg_wage", codes, base_year, end_year)
    end_wage = _at_year(ser, ["avg_wage"], last, "province series")["avg_wage"]
    out["wage_growth"] = np.log(end_wage / base["avg_wage"])
    return series_years


def build_province_dataset(
    population: pd.DataFrame,
    census_totals: pd.DataFrame,
    indicators: pd.DataFrame,
    series: pd.DataFrame,
    regions: pd.DataFrame,
    base_year: int = 2010,
    end_year: int = 2020,
) -> pd.DataFrame:
    """One row per province: outcomes over ``base_year``→``end_year`` and base-year regressors.

    ``population``: census population by sex and five-year age (``code, year, sex,
    age_group, population``) of the provinces. ``census_totals``: ``code, year,
    population``. ``indicators``: census indicators (long ``code, year, indicator,
    value`` or wide with index ``code, year``). ``series``: yearly provincial
    series (``avg_wage, natural_growth_rate, yearend_population, gdp,
    higher_education_institutions``), long or wide. ``regions``: ``code,
    name_zh, level, region``.
    """
    base_year, end_year = int(base_year), int(end_year)
    reg = regions[regions["level"] == "province"] if "level" in regions.columns else regions
    reg = reg.assign(code=reg["code"].astype(str)).set_index("code")
    codes = sorted(reg.index)
    if not codes:
        raise AnalysisDataError("no provinces in the regions table")

    ser = _long(series, "province series")
    summary, change = _province_outcomes(population, census_totals, ser, codes, base_year, end_year)

    out = pd.DataFrame(index=pd.Index(codes, name="code"))
    out["name_zh"] = reg["name_zh"]
    out["region"] = reg["region"] if "region" in reg.columns else np.nan
    out["northeast"] = out.index.isin(NORTHEAST).astype(int)
    out["net_migration_rate"] = summary["net_migration_rate"]
    out["residual_migration_rate"] = summary["residual_net_migration_rate"]
    out["population_growth"] = change["population_change_pct"]
    out["young_adult_net_migration_rate"] = summary["young_adult_net_migration_rate"]

    # Base-year census regressors, then the yearly series (the years used kept in ``attrs``).
    census = _at_year(_long(indicators, "census indicators"), CENSUS_REGRESSORS, base_year, "census indicators")
    for col in CENSUS_REGRESSORS:
        out[col] = census[col]
    _rescale(out)

    series_years = _add_series_regressors(out, ser, codes, base_year, end_year)
    out["population_base"] = change["population_base"]

    out.attrs["series_years"] = series_years
    missing = out.drop(columns=["region"]).isna()
    if missing.any().any():
        where = {c: list(out.index[missing[c]]) for c in missing.columns if missing[c].any()}
        raise AnalysisDataError(f"province dataset has missing values: {where}")
    return out.reset_index()


SERIES_MAX_LAG = 3


def latest_year_at_or_before(
    series: pd.DataFrame, indicator: str, codes: Sequence[str], year: int, max_lag: int = SERIES_MAX_LAG
) -> int:
    """``year`` if every code has ``indicator`` then, else the latest such year within ``max_lag`` before it."""
    long = _long(series, "series")
    part = long[(long["indicator"] == indicator) & long["code"].isin(codes)]
    counts = part.groupby("year")["code"].nunique()
    ok = [y for y, n in counts.items() if year - max_lag <= y <= year and n == len(set(codes))]
    if not ok:
        have = sorted(int(y) for y in counts.index)
        raise AnalysisDataError(
            f"province series: no year in {year - max_lag}..{year} has {indicator} for all "
            f"{len(set(codes))} provinces (years present: {have[:3]}…{have[-3:]})"
        )
    return int(max(ok))


def latest_common_year(
    series: pd.DataFrame, indicator: str, codes: Sequence[str], base_year: int, end_year: int
) -> int:
    """The latest year ≤ ``end_year`` (and > ``base_year``) in which every code has ``indicator``."""
    long = _long(series, "series")
    part = long[(long["indicator"] == indicator) & long["code"].isin(codes)]
    counts = part.groupby("year")["code"].nunique()
    ok = [y for y, n in counts.items() if base_year < y <= end_year and n == len(set(codes))]
    if not ok:
        raise AnalysisDataError(
            f"{indicator}: no year in {base_year + 1}..{end_year} covers all {len(set(codes))} regions"
        )
    return int(max(ok))


def province_dataset(base_year: int = 2010, end_year: int = 2020) -> pd.DataFrame:
    """:func:`build_province_dataset` on the shipped data (31 provinces)."""
    from neoutflow import data

    return build_province_dataset(
        population=data.load_population("province", [base_year, end_year]),
        census_totals=data.load_census_totals("province"),
        indicators=data.load_census_indicators("province"),
        series=data.load_province_series(None),
        regions=data.load_regions(),
        base_year=base_year,
        end_year=end_year,
    )


# ---------------------------------------------------------------- prefectures


# Groups of county-level units administered directly by a province (e.g. the
# Xinjiang Production and Construction Corps cities): not a prefecture with one
# labour market, and their membership changed between the censuses.
COUNTY_GROUP_MARK = "直辖县级行政区划"


def _boundary_issue(note) -> bool:
    """True when a unit's territory or total differs between the sources or censuses;
    a mere change of code (``2010 code 522400``) is not an issue."""
    if note is None or pd.isna(note) or not str(note).strip():
        return False
    parts = [p.strip() for p in str(note).split(";") if p.strip()]
    return any(not p.startswith("2010 code") for p in parts)


def build_prefecture_dataset(
    population: pd.DataFrame,
    census_totals: pd.DataFrame,
    indicators: pd.DataFrame,
    regions: pd.DataFrame,
    national_population: pd.DataFrame,
    base_year: int = 2010,
    end_year: int = 2020,
) -> pd.DataFrame:
    """Every prefecture-level unit with census outcomes and base-year census regressors.

    Values a unit lacks are left missing here; :func:`prefecture_sample` selects
    the estimation sample and says why each unit is left out.
    ``national_population``: the reference population for the survival ratios
    (the provinces; prefectures need not add up to it). Flags: ``county_group``
    (a group of province-administered county-level units), ``boundary_issue``
    (counties regrouped to 2020 boundaries, or the yearbook and boundary-adjusted
    totals differ; see the regions file's ``boundary_note``).
    """
    base_year, end_year = int(base_year), int(end_year)
    reg = regions[regions["level"] == "prefecture"] if "level" in regions.columns else regions
    reg = reg.assign(code=reg["code"].astype(str)).set_index("code")
    if reg.empty:
        raise AnalysisDataError("no prefecture-level units in the regions table")
    out = pd.DataFrame(index=pd.Index(sorted(reg.index), name="code"))
    out["name_zh"] = reg["name_zh"]
    out["province_code"] = (
        reg["province_code"].astype(str) if "province_code" in reg.columns else [c[:2] + "0000" for c in out.index]
    )
    out["northeast"] = out["province_code"].isin(NORTHEAST).astype(int)
    out["county_group"] = out["name_zh"].str.contains(COUNTY_GROUP_MARK, regex=False)
    note = reg["boundary_note"] if "boundary_note" in reg.columns else pd.Series(np.nan, index=reg.index)
    out["boundary_issue"] = [_boundary_issue(note.get(c)) for c in out.index]

    nat = national_population.assign(code=NATIONAL_CODE)
    nat = nat.groupby(["code", "year", "sex", "age_group"], observed=True, as_index=False)["population"].sum()
    pop = population.assign(code=population["code"].astype(str))
    pop = pop[pop["code"].isin(out.index) & pop["year"].isin([base_year, end_year])]
    years_per = pop.groupby("code")["year"].nunique()
    both = years_per.index[years_per == 2]  # units with ages in both censuses
    if len(both):
        net = demography.survival_ratio_net_migration(pop[pop["code"].isin(both)], base_year, end_year, national=nat)
        summary = demography.summarise_net_migration(net).set_index("code")
        out["net_migration_rate"] = summary["net_migration_rate"]
        out["young_adult_net_migration_rate"] = summary["young_adult_net_migration_rate"]
    else:
        out["net_migration_rate"] = out["young_adult_net_migration_rate"] = np.nan
    totals = census_totals.assign(code=census_totals["code"].astype(str))
    totals = totals[totals["code"].isin(out.index)]
    change = demography.population_change(totals, base_year, end_year).set_index("code")
    out["population_growth"] = change["population_change_pct"]
    out["population_base"] = change["population_base"]

    long = _long(indicators, "prefecture census indicators")
    long = long[long["code"].isin(out.index) & (long["year"] == base_year)]
    for col in PREFECTURE_REGRESSORS:
        out[col] = long[long["indicator"] == col].set_index("code")["value"]
    _rescale(out)
    return out.reset_index()


def prefecture_sample(
    data: pd.DataFrame, outcome: str, regressors: Sequence[str], fixed_effects: str = "province_code"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The estimation sample of a prefecture model and the units left out, with reasons.

    In order: groups of province-administered counties; units without a base-year
    census total (set up after the base census); missing outcome; missing
    regressors; the only unit of its province (the municipalities), which a
    province fixed effect fits exactly. Returns ``(kept, dropped)``; ``dropped``
    has ``code, name_zh, province_code, reason``.
    """
    for c in (outcome, *regressors, fixed_effects, "county_group", "population_base"):
        if c not in data.columns:
            raise AnalysisDataError(f"prefecture data lack column {c!r}")
    reason = pd.Series("", index=data.index, dtype=object)
    reason[data["county_group"].astype(bool)] = (
        "省直辖县级单位的集合，并非一个地级市（不构成统一的劳动力市场，成员可随区划调整而变）"
    )
    # A unit without a base-year census total was set up after the base census
    # (三沙, 2012): its "base" cohorts are islands regrouped from elsewhere.
    new_unit = data["population_base"].isna() & (reason == "")
    reason[new_unit] = "基期普查中无此单位（基期后新设），基期人口无从比较"
    miss_y = data[outcome].isna() & (reason == "")
    reason[miss_y] = f"缺少结果变量（{label(outcome)}）"
    for c in regressors:
        miss = data[c].isna() & (reason == "")
        reason[miss] = f"缺少基期解释变量（{label(c)}）"
    ok = reason == ""
    sizes = data[ok].groupby(fixed_effects)[fixed_effects].transform("size")
    single = sizes.index[sizes == 1]
    reason[single] = "所在省份在样本中仅此一个单位（直辖市，或同省其他单位已被排除），被省份固定效应完全吸收"
    kept = data[reason == ""].reset_index(drop=True)
    dropped = data.loc[reason != "", ["code", "name_zh", "province_code"]].assign(reason=reason[reason != ""])
    return kept, dropped.reset_index(drop=True)


def provinces_left_out(kept: pd.DataFrame, dropped: pd.DataFrame, key: str = "province_code") -> pd.DataFrame:
    """The provinces with no unit in a prefecture model's sample: ``province_code, n_units, reasons`` (the
    distinct reasons of their units, in order of appearance), from :func:`prefecture_sample`'s output."""
    present = set(kept[key].astype(str))
    out = dropped.assign(**{key: dropped[key].astype(str)})
    out = out[~out[key].isin(present)]
    rows = [
        {"province_code": code, "n_units": len(g), "reasons": list(dict.fromkeys(g["reason"]))}
        for code, g in out.groupby(key, sort=True)
    ]
    return pd.DataFrame(rows, columns=["province_code", "n_units", "reasons"])


def prefecture_dataset(base_year: int = 2010, end_year: int = 2020) -> pd.DataFrame:
    """:func:`build_prefecture_dataset` on the shipped data."""
    from neoutflow import data

    return build_prefecture_dataset(
        population=data.load_population("prefecture", [base_year, end_year]),
        census_totals=data.load_census_totals("prefecture"),
        indicators=data.load_census_indicators("prefecture"),
        regions=data.load_regions(),
        national_population=data.load_population("province", [base_year, end_year]),
        base_year=base_year,
        end_year=end_year,
    )
