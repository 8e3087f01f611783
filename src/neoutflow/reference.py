"""Reference facts shared by extraction, validation and analysis.

Codes are GB/T 2260 six-digit strings. ``100000`` is not a GB/T 2260 code: the
project uses it for 全国 (the national figure) in the yearly series.
"""

from __future__ import annotations

NATIONAL_CODE = "100000"
NORTHEAST = ("210000", "220000", "230000")

# Study regions the ``study_region`` parameter names (preset -> province codes), by NBS region or by the
# usual planning groups. Any of them, or a region given in full (``{name, provinces}``), is reported: the
# chapters write province-by-province sentences from the region's codes (:func:`province_name`,
# :func:`province_key`); ``neoutflow.params`` refuses only what the data cannot support.
STUDY_REGIONS: dict[str, tuple[str, ...]] = {
    "东北": NORTHEAST,
    "西北": ("610000", "620000", "630000", "640000", "650000"),
    "西南": ("500000", "510000", "520000", "530000", "540000"),
    "中部": ("140000", "340000", "360000", "410000", "420000", "430000"),
    "长三角": ("310000", "320000", "330000", "340000"),
}
# The presets in English (the English abstract); a region given in full is named by its provinces.
STUDY_REGIONS_EN: dict[str, str] = {
    "东北": "Northeast China",
    "西北": "Northwest China",
    "西南": "Southwest China",
    "中部": "Central China",
    "长三角": "the Yangtze River Delta",
}
DEFAULT_STUDY_REGION = "东北"
# The region whose argument the seed paper makes: a report on another region applies the paper's tests to
# it and names the Northeast only in marked comparisons.
SEED_PAPER_REGION = "东北"

# Five-year groups as tabulated in the 2010 and 2020 census yearbooks (0-4 = 0岁 + 1-4岁).
AGE_GROUPS: list[str] = [f"{a}-{a + 4}" for a in range(0, 85, 5)] + ["85+"]
SEXES = ("male", "female")
LEVELS = ("province", "prefecture")
REGIONS = ("east", "central", "west", "northeast")

# Province code -> (English name as used by NBS, NBS four-region group).
PROVINCES: dict[str, tuple[str, str]] = {
    "110000": ("Beijing", "east"),
    "120000": ("Tianjin", "east"),
    "130000": ("Hebei", "east"),
    "140000": ("Shanxi", "central"),
    "150000": ("Inner Mongolia", "west"),
    "210000": ("Liaoning", "northeast"),
    "220000": ("Jilin", "northeast"),
    "230000": ("Heilongjiang", "northeast"),
    "310000": ("Shanghai", "east"),
    "320000": ("Jiangsu", "east"),
    "330000": ("Zhejiang", "east"),
    "340000": ("Anhui", "central"),
    "350000": ("Fujian", "east"),
    "360000": ("Jiangxi", "central"),
    "370000": ("Shandong", "east"),
    "410000": ("Henan", "central"),
    "420000": ("Hubei", "central"),
    "430000": ("Hunan", "central"),
    "440000": ("Guangdong", "east"),
    "450000": ("Guangxi", "west"),
    "460000": ("Hainan", "east"),
    "500000": ("Chongqing", "west"),
    "510000": ("Sichuan", "west"),
    "520000": ("Guizhou", "west"),
    "530000": ("Yunnan", "west"),
    "540000": ("Tibet", "west"),
    "610000": ("Shaanxi", "west"),
    "620000": ("Gansu", "west"),
    "630000": ("Qinghai", "west"),
    "640000": ("Ningxia", "west"),
    "650000": ("Xinjiang", "west"),
}

# Official 31-province census totals (SOURCES.md): the national figures add the
# active military (and in 2010 persons whose residence could not be determined).
PROVINCE_TOTALS = {2000: 1_242_612_226, 2010: 1_332_810_869, 2020: 1_409_778_724}

# How a census enumerated residents, where the report contrasts two censuses (the coverage caveat on
# old-age net migration); a census not listed here is contrasted in general terms.
CENSUS_ENUMERATION = {2010: "按户籍地登记", 2020: "按身份证件核实常住地"}

# The municipalities: one prefecture-level unit each (code xx0100), as in the
# boundary-adjusted city file (Chongqing's 市辖区 and 县 rows are merged).
MUNICIPALITIES = ("110000", "120000", "310000", "500000")

# Each province in results keys (``cf_liaoning_wage``, ``gap_inner_mongolia_…``): its NBS English name in
# lower case, words joined by ``_``.
PROVINCE_KEYS: dict[str, str] = {code: en.lower().replace(" ", "_") for code, (en, _) in PROVINCES.items()}
# The Northeast provinces' keys (kept for the modules that still name them).
NORTHEAST_SLUGS = {code: PROVINCE_KEYS[code] for code in NORTHEAST}


def province_key(code: str) -> str:
    """``"210000"`` (or a prefecture of it) → ``"liaoning"``: the province in results keys."""
    try:
        return PROVINCE_KEYS[province_of(code)]
    except KeyError:
        raise ValueError(f"{code!r} is not in a province of {len(PROVINCES)} (GB/T 2260)") from None


def province_name(code: str) -> str:
    """``"230000"`` (or a prefecture of it) → ``"黑龙江"``: the short Chinese name used in the prose."""
    try:
        return PROVINCE_NAMES[province_of(code)]
    except KeyError:
        raise ValueError(f"{code!r} is not in a province of {len(PROVINCES)} (GB/T 2260)") from None


def region_name_en(name: str, codes) -> str:
    """A study region's English name: the preset's (Northwest China), else its provinces (Beijing, Tianjin
    and Shanghai)."""
    preset = STUDY_REGIONS.get(name)
    if preset is not None and sorted(preset) == sorted(codes):
        return STUDY_REGIONS_EN[name]
    names = [PROVINCES[province_of(c)][0] for c in codes]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def has_prefecture_level(codes) -> bool:
    """Whether a group of provinces has prefecture-level units of its own: a municipality is one unit, so a
    region of municipalities has no prefecture level to analyse."""
    return any(province_of(c) not in MUNICIPALITIES for c in codes)


# Suffixes of the full province names (黑龙江省, 新疆维吾尔自治区 …), longest first.
PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市")


def short_province_name(name: str) -> str:
    """Province name without its suffix: 黑龙江省 → 黑龙江, 新疆维吾尔自治区 → 新疆, 北京市 → 北京 (a name the
    suffix would leave with one character is kept whole)."""
    name = str(name)
    for suffix in PROVINCE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name.removesuffix(suffix)
    return name


def province_of(code: str) -> str:
    """``"210100"`` → ``"210000"``."""
    return str(code)[:2] + "0000"


# The NBS province order of census tables -> GB/T 2260 code. Explicit, not sorted: a transposed or
# reordered matrix would silently swap origins. SOURCE.md's known cell checks it (辽宁-born living in
# 黑龙江, 2000: 79,254).
NBS_ORDER: tuple[tuple[str, str], ...] = (
    ("北京", "110000"),
    ("天津", "120000"),
    ("河北", "130000"),
    ("山西", "140000"),
    ("内蒙古", "150000"),
    ("辽宁", "210000"),
    ("吉林", "220000"),
    ("黑龙江", "230000"),
    ("上海", "310000"),
    ("江苏", "320000"),
    ("浙江", "330000"),
    ("安徽", "340000"),
    ("福建", "350000"),
    ("江西", "360000"),
    ("山东", "370000"),
    ("河南", "410000"),
    ("湖北", "420000"),
    ("湖南", "430000"),
    ("广东", "440000"),
    ("广西", "450000"),
    ("海南", "460000"),
    ("重庆", "500000"),
    ("四川", "510000"),
    ("贵州", "520000"),
    ("云南", "530000"),
    ("西藏", "540000"),
    ("陕西", "610000"),
    ("甘肃", "620000"),
    ("青海", "630000"),
    ("宁夏", "640000"),
    ("新疆", "650000"),
)
# Province code -> short Chinese name (辽宁, 内蒙古 …), as the prose names provinces.
PROVINCE_NAMES: dict[str, str] = {code: name for name, code in NBS_ORDER}
# NBS four-region groups in Chinese (tables and figures).
REGIONS_ZH = {"east": "东部", "central": "中部", "west": "西部", "northeast": "东北"}

# --- the models' vocabularies (parameters, analysis and tables all read these) ---------------

# Outcomes of the province regressions; the prefecture models have no residual method.
OUTCOMES = ("net_migration_rate", "residual_migration_rate", "population_growth", "young_adult_net_migration_rate")
PREFECTURE_OUTCOMES = ("net_migration_rate", "young_adult_net_migration_rate", "population_growth")

# Which of the paper's three recommendation groups each explanatory variable speaks to.
FAMILIES: dict[str, tuple[str, ...]] = {
    "industry": ("manufacturing_share", "secondary_share", "log_gdp_per_capita"),
    "education": ("college_share", "years_of_schooling", "higher_education_per_million"),
    "wages": ("log_relative_wage", "wage_growth"),
}

# Controls: the base-year age structure (an older population has fewer people of
# moving age) and urbanisation (the stage of rural-to-urban transition).
CONTROLS: tuple[str, ...] = ("share_age_65_plus", "urban_share")

REGRESSOR_SETS: dict[str, tuple[str, ...]] = {
    # one variable per family + controls: 6 parameters for 31 observations
    "baseline": ("manufacturing_share", "college_share", "log_relative_wage") + CONTROLS,
    "industry": ("manufacturing_share", "log_gdp_per_capita") + CONTROLS,
    "education": ("college_share", "years_of_schooling", "higher_education_per_million") + CONTROLS,
    "wages": ("log_relative_wage", "wage_growth") + CONTROLS,
    # everything at once: 9 parameters; shown to expose collinearity (wages vs GDP per capita)
    "full": (
        "manufacturing_share",
        "log_gdp_per_capita",
        "college_share",
        "higher_education_per_million",
        "log_relative_wage",
        "wage_growth",
    )
    + CONTROLS,
}

# The main model's terms the chapters quote by name (its coefficients, leave-one-out, the counterfactual of
# each recommendation group): a regressor set without one of them cannot be the main model of the report.
REPORTED_TERMS: tuple[str, ...] = ("manufacturing_share", "college_share", "log_relative_wage")
MAIN_REGRESSOR_SETS: tuple[str, ...] = tuple(
    name for name, terms in REGRESSOR_SETS.items() if set(REPORTED_TERMS) <= set(terms)
)

# Prefecture models: the census variables that exist by prefecture (no wages or GDP
# there), one per family, and an alternative measure of each.
PREFECTURE_SETS: dict[str, tuple[str, ...]] = {
    "pref": ("manufacturing_share", "college_share") + CONTROLS,
    "pref_alt": ("secondary_share", "years_of_schooling") + CONTROLS,
}

# Covariance estimators the models accept; the province models (one observation per
# province) take the heteroskedasticity-robust ones, the prefecture models also "cluster".
COV_TYPES = ("HC3", "HC2", "HC1", "HC0", "nonrobust", "cluster")
PROVINCE_COV_TYPES = ("HC3", "HC2", "HC1", "HC0", "nonrobust")
