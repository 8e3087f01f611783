"""Definitions of every indicator in ``census_indicators.csv`` and ``province_series.csv``.

One registry serves the extraction (units written), validation (unit, range,
magnitude) and the codebook (``data/README.md``, ``datapackage.json``). A new
indicator is a new entry here plus rows in the CSV.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Indicator:
    name: str
    unit: str
    label_zh: str
    definition: str
    lower: float | None = None  # hard bounds: outside is an error
    upper: float | None = None
    magnitude_floor: float | None = None  # below this (for provinces) the value "looks like 万"
    magnitude_hint: str = ""
    # yearly series: allowed relative change from the previous year, e.g. (-0.30, 0.60) = −30 % … +60 %
    yoy: tuple[float, float] | None = None
    # census indicators: allowed ratio of a unit's value to its value at the previous census year in the file
    # (the same code), e.g. (0.5, 5.0) = ×0.5 … ×5; outside is refused (a unit slip such as per 万人 for per
    # 10万人 is ×0.1). Set from the 2010→2020 ratios of the shipped rows (provinces and prefectures) with margin.
    census_change: tuple[float, float] | None = None


PERCENT: dict[str, Any] = dict(lower=0.0, upper=100.0)

CENSUS: dict[str, Indicator] = {
    i.name: i
    for i in [
        Indicator(
            "college_per_100k",
            "per 100,000 residents",
            "每10万人口中大专及以上人数",
            "Residents with 大专 (junior college) or higher education per 100,000 resident population. "
            "Provinces 2020: communiqué table 6-1; other rows: yearbook counts "
            "(大学专科 + 大学本科及以上) / resident population × 100,000.",
            lower=0,
            upper=100_000,
            census_change=(0.5, 5.0),
        ),
        Indicator(
            "years_of_schooling",
            "years",
            "平均受教育年限",
            "Average years of schooling. Provinces: communiqué table 6-2 (population aged 15+). "
            "Prefectures: the yearbook's county-file figure (different base; see "
            "years_of_schooling_yearbook). The source column says which.",
            lower=0,
            upper=20,
            census_change=(0.8, 1.8),
        ),
        Indicator(
            "years_of_schooling_yearbook",
            "years",
            "平均受教育年限（年鉴口径）",
            "Average years of schooling as printed in the census yearbook county tables (base differs "
            "from communiqué table 6-2); combined units weight by the attainment counts.",
            lower=0,
            upper=20,
            census_change=(0.8, 1.8),
        ),
        Indicator(
            "primary_share",
            "%",
            "第一产业就业比重",
            "Employed persons in agriculture, forestry, animal husbandry and fishery as % of all employed "
            "(census long-form sample counts).",
            **PERCENT,
            census_change=(0.05, 2.0),
        ),
        Indicator(
            "secondary_share",
            "%",
            "第二产业就业比重",
            "Employed in mining + manufacturing + electricity/heat/gas/water + construction, % of employed "
            "(long-form sample).",
            **PERCENT,
            census_change=(0.1, 20.0),
        ),
        Indicator(
            "manufacturing_share",
            "%",
            "制造业就业比重",
            "Employed in manufacturing, % of employed (long-form sample).",
            **PERCENT,
            census_change=(0.05, 25.0),
        ),
        Indicator(
            "tertiary_share",
            "%",
            "第三产业就业比重",
            "100 − primary_share − secondary_share: all other industries, % of employed (long-form sample).",
            **PERCENT,
            census_change=(0.3, 10.0),
        ),
        Indicator(
            "inmigrants_other_province",
            "persons",
            "外省流入人口",
            "Residents whose household registration is in another province: 2010 迁入人口-外省, "
            "2020 户口登记地在外乡镇街道人口_省外.",
            lower=0,
            magnitude_floor=10_000,
            magnitude_hint="persons",
            census_change=(0.2, 20.0),
        ),
        Indicator(
            "inmigrant_share",
            "%",
            "外省流入人口占常住人口比重",
            "inmigrants_other_province / resident population × 100.",
            **PERCENT,
            census_change=(0.2, 15.0),
        ),
        Indicator(
            "urban_share",
            "%",
            "城镇人口比重",
            "Urban residents (城镇人口) / resident population × 100.",
            **PERCENT,
            census_change=(0.5, 4.0),
        ),
        Indicator(
            "registered_population",
            "persons",
            "户籍人口",
            "Household-registered population (户籍人口) as tabulated in the 2010 census yearbook.",
            lower=0,
            magnitude_floor=1_000_000,
            magnitude_hint="persons",
            census_change=(0.5, 2.0),
        ),
        Indicator(
            "census_birth_rate",
            "‰",
            "普查年度出生率",
            "Births in the 12 months before the census per 1,000 residents (2010 yearbook).",
            lower=0,
            upper=60,
            census_change=(0.3, 3.0),
        ),
        Indicator(
            "census_death_rate",
            "‰",
            "普查年度死亡率",
            "Deaths in the 12 months before the census per 1,000 residents (2010 yearbook).",
            lower=0,
            upper=40,
            census_change=(0.3, 3.0),
        ),
        Indicator(
            "share_age_0_14",
            "%",
            "0-14岁人口比重",
            "Residents aged 0–14 / all residents × 100, from the 5-year age counts.",
            **PERCENT,
            census_change=(0.2, 30.0),
        ),
        Indicator(
            "share_age_65_plus",
            "%",
            "65岁及以上人口比重",
            "Residents aged 65+ / all residents × 100, from the 5-year age counts.",
            **PERCENT,
            census_change=(0.5, 15.0),
        ),
    ]
}

SERIES: dict[str, Indicator] = {
    i.name: i
    for i in [
        Indicator(
            "avg_wage",
            "yuan",
            "城镇非私营单位就业人员平均工资",
            "Average annual wage of employed persons (就业人员) in urban non-private units "
            "(城镇非私营单位/城镇单位), NBS. The 就业人员 definition starts in 2009.",
            lower=0,
            magnitude_floor=1_000,
            magnitude_hint="yuan",
            upper=500_000,
            yoy=(-0.30, 0.60),
        ),
        Indicator(
            "avg_wage_staff",
            "yuan",
            "城镇单位在岗职工平均工资",
            "Average annual wage of on-post staff and workers (在岗职工) in urban units, NBS; "
            "the definition used before 2009 (about 0.4–1.7% above avg_wage where both exist).",
            lower=0,
            magnitude_floor=1_000,
            magnitude_hint="yuan",
            upper=500_000,
            yoy=(-0.30, 0.70),
        ),
        Indicator(
            "birth_rate",
            "‰",
            "人口出生率",
            "Births per 1,000 mean population, NBS yearly.",
            lower=0,
            upper=60,
            yoy=(-0.50, 0.60),
        ),
        Indicator(
            "death_rate",
            "‰",
            "人口死亡率",
            "Deaths per 1,000 mean population, NBS yearly.",
            lower=0,
            upper=40,
            yoy=(-0.50, 0.60),
        ),
        Indicator(
            "natural_growth_rate", "‰", "人口自然增长率", "birth_rate − death_rate, NBS yearly.", lower=-40, upper=60
        ),
        Indicator(
            "yearend_population",
            "persons",
            "年末常住人口",
            "Year-end resident population; NBS publishes 万人, converted here to persons (× 10,000).",
            lower=0,
            magnitude_floor=1_000_000,
            magnitude_hint="persons (×10,000 from 万人)",
            upper=2_000_000_000,
            yoy=(-0.10, 0.10),
        ),
        Indicator(
            "gdp",
            "100 million yuan",
            "地区生产总值",
            "Gross regional product, current prices, 亿元 (= 100 million yuan); one vintage, see sources.",
            lower=0,
            upper=2_000_000,
            yoy=(-0.30, 0.60),
        ),
        Indicator(
            "value_added_primary",
            "100 million yuan",
            "第一产业增加值",
            "Value added of the primary sector, current prices, 亿元; same vintage as gdp.",
            lower=0,
            upper=1_000_000,
            yoy=(-0.30, 0.60),
        ),
        Indicator(
            "value_added_secondary",
            "100 million yuan",
            "第二产业增加值",
            "Value added of the secondary sector, current prices, 亿元; same vintage as gdp.",
            lower=0,
            upper=1_000_000,
            yoy=(-0.30, 0.60),
        ),
        Indicator(
            "value_added_tertiary",
            "100 million yuan",
            "第三产业增加值",
            "Value added of the tertiary sector, current prices, 亿元; same vintage as gdp.",
            lower=0,
            upper=1_000_000,
            yoy=(-0.30, 0.60),
        ),
        Indicator(
            "higher_education_institutions",
            "count",
            "普通高等学校数",
            "Regular institutions of higher education (普通高等学校), number at year end.",
            lower=0,
            upper=5_000,
            yoy=(-0.50, 1.00),
        ),
        Indicator(
            "higher_education_enrolment",
            "persons",
            "普通高等学校在校学生数",
            "Students enrolled in regular higher education (普通高等学校本专科在校学生), at year end; "
            "NBS 万人 × 10,000. Counted where they study, not by hukou or birthplace.",
            lower=0,
            magnitude_floor=1_000,
            magnitude_hint="persons",
            yoy=(-0.50, 1.00),
        ),
    ]
}

# Prefecture (地级) series from the China City Statistical Yearbook (via the CSMAR CRE export).
# Names carry a ``city_`` prefix so that they can never be confused with the provincial series
# (different wage definition, different GDP vintage). ``magnitude_floor`` applies to every row.
PREFECTURE_SERIES: dict[str, Indicator] = {
    i.name: i
    for i in [
        Indicator(
            "city_avg_wage_staff",
            "yuan",
            "在岗职工平均工资（城市统计年鉴，全市）",
            "Average annual wage of on-post staff and workers (在岗职工) of the whole city (全市), China City "
            "Statistical Yearbook; CSMAR field CRE_Eplwagct.Eect13. NOT the provincial 就业人员 series (avg_wage).",
            lower=5_000,
            upper=500_000,
            magnitude_floor=5_000,
            magnitude_hint="yuan",
        ),
        Indicator(
            "city_gdp",
            "100 million yuan",
            "地区生产总值（城市统计年鉴，全市）",
            "Gross regional product of the whole city, current prices, 亿元; yearbook vintage (first release "
            "as printed), CSMAR CRE_Gdpct.Gdpct01. Never mixed with the provincial gdp series.",
            lower=1,
            upper=60_000,
            magnitude_floor=1,
            magnitude_hint="亿元",
        ),
        Indicator(
            "city_gdp_per_capita",
            "yuan",
            "人均地区生产总值（城市统计年鉴，全市）",
            "GDP per capita of the whole city, current prices, 元; CSMAR CRE_Gdpct.GDP_PerCapita.",
            lower=1_000,
            upper=500_000,
            magnitude_floor=1_000,
            magnitude_hint="yuan",
        ),
        Indicator(
            "city_secondary_share_gdp",
            "%",
            "第二产业占GDP比重（城市统计年鉴，全市）",
            "Secondary industry (industry + construction) value added / GDP × 100; CSMAR CRE_Gdpct.Gdpct03.",
            **PERCENT,
        ),
        Indicator(
            "city_tertiary_share_gdp",
            "%",
            "第三产业占GDP比重（城市统计年鉴，全市）",
            "Tertiary industry value added / GDP × 100; CSMAR CRE_Gdpct.Gdpct04.",
            **PERCENT,
        ),
        Indicator(
            "city_yearend_population",
            "persons",
            "年末总人口（城市统计年鉴，全市，户籍）",
            "Year-end total population of the whole city as printed in the City Statistical Yearbook "
            "(mostly registered 户籍 population, not census residents); 万人 × 10,000; CSMAR CRE_Eplwagct.Eect01.",
            lower=100,
            upper=50_000_000,
            magnitude_floor=100,
            magnitude_hint="persons (×10,000 from 万人)",
        ),
        Indicator(
            "city_employed_persons",
            "persons",
            "从业人员数（城市统计年鉴，全市）",
            "Employed persons (从业人员) of the whole city, 万人 × 10,000; CSMAR CRE_Eplwagct.Eect05.",
            lower=100,
            upper=20_000_000,
            magnitude_floor=100,
            magnitude_hint="persons (×10,000 from 万人)",
        ),
        Indicator(
            "city_staff_avg_number",
            "persons",
            "在岗职工年平均人数（城市统计年鉴，全市）",
            "Annual average number of on-post staff and workers (the wage's denominator), 万人 × 10,000; "
            "CSMAR CRE_Eplwagct.Eect11.",
            lower=100,
            upper=20_000_000,
            magnitude_floor=100,
            magnitude_hint="persons (×10,000 from 万人)",
        ),
    ]
}


# Census indicators read as base-year regressors (analysis.datasets; data.preflight lists them as inputs).
CENSUS_REGRESSORS = (
    "manufacturing_share",
    "secondary_share",
    "college_per_100k",
    "years_of_schooling",
    "urban_share",
    "share_age_65_plus",
    "share_age_0_14",
)
PREFECTURE_REGRESSORS = (
    "manufacturing_share",
    "secondary_share",
    "college_per_100k",
    "years_of_schooling",
    "urban_share",
    "share_age_65_plus",
)
