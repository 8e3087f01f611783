"""Reader of China City Statistical Yearbook prefecture tables (``city-yearbook``) → ``prefecture_series.csv``.

The figures of 国家统计局城市社会经济调查司《中国城市统计年鉴》 (全市 = the whole city with its counties), in
either of two layouts:

- the **CSMAR China Regional Economy city export** (``CRE_Eplwagct``, ``CRE_Gdpct``; UTF-8 CSV): header
  ``Sgnyea`` (year), ``Ctnm_id`` (6-digit code), … and the CSMAR field codes of :data:`CRE_FIELDS`, whose
  units the database documents (``Eect01`` 万人, ``Gdpct01`` 亿元 …). A multi-year export is read for the
  years ``prefecture_series.csv`` holds (:func:`series_years`); the other years are named in the plan;
- the **yearbook's own table** (as printed or re-keyed): a header row with ``城市`` (or ``地区``), optional
  ``区划代码`` and ``年份``, and ``<label>(<unit>)`` columns such as ``地区生产总值(万元)`` or
  ``在岗职工平均工资(元)`` (:data:`LABELS`, units of :data:`UNITS`, converted); under a second header row
  ``全市 | 市辖区`` only the 全市 columns are read. Rows are prefecture names (full, or without 市/地区/盟)
  grouped under province headings without figures. The data year comes from ``年份`` or ``--year``, never
  from the file name: the yearbook of one year prints the figures of the year before.

Choices (see data/README.md):

- Keyed by the 2020 six-digit code of ``regions.csv``. Code-only changes are recoded (:data:`CODE_MAP`:
  municipalities 110000 → 110100 …, 那曲, 吐鲁番, 哈密, 儋州).
- Units that do not exist in 2020 are dropped (:data:`DROPPED`: 巢湖 2010, abolished 2011; 莱芜 2010–2018,
  merged into 济南 2019), and so are the county-level cities the export lists beside their prefecture.
- The yearbook prints each year's figures for that year's territory; a prefecture-level table cannot be
  regrouped to 2020 boundaries. ``same_territory_as_2020`` is false for the unit-years printed before a
  known boundary change (:data:`BOUNDARY_CHANGES`).
- Values in 万人 are converted to persons, 万元 of GDP to 亿元; 亿元, 元 and % are kept.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pandas as pd

from neoutflow.data.files import RAW_FILES
from neoutflow.data.importer.core import (
    LABEL,
    ImportFailure,
    Layout,
    LayoutError,
    Parsed,
    RegionError,
    UnitError,
    YearError,
    check_year,
    number_of,
    read_grid,
    text_of,
    year_of,
)
from neoutflow.data.indicators import PREFECTURE_SERIES
from neoutflow.reference import short_province_name

KIND = "city-yearbook"
CRE_SOURCE = "csmar_cre_city"  # the rows' source: csmar_cre_city:<table>.<field>
CRE_FOLDER = "csmar_cre_city_eileenchen"  # the shared copy of the export
CRE_KEYS = ("Sgnyea", "Ctnm_id")

# CSMAR table -> field -> (indicator, unit the CSMAR field descriptions give)
CRE_FIELDS = {
    "CRE_Eplwagct": {
        "Eect13": ("city_avg_wage_staff", "元"),
        "Eect01": ("city_yearend_population", "万人"),
        "Eect05": ("city_employed_persons", "万人"),
        "Eect11": ("city_staff_avg_number", "万人"),
    },
    "CRE_Gdpct": {
        "Gdpct01": ("city_gdp", "亿元"),
        "GDP_PerCapita": ("city_gdp_per_capita", "元"),
        "Gdpct03": ("city_secondary_share_gdp", "%"),
        "Gdpct04": ("city_tertiary_share_gdp", "%"),
    },
}
# Yearbook label (without unit, blanks removed) -> indicator
LABELS = {
    "在岗职工平均工资": "city_avg_wage_staff",
    "职工平均工资": "city_avg_wage_staff",
    "年末总人口": "city_yearend_population",
    "年末户籍人口": "city_yearend_population",
    "从业人员数": "city_employed_persons",
    "年末单位从业人员数": "city_employed_persons",
    "在岗职工平均人数": "city_staff_avg_number",
    "在岗职工年平均人数": "city_staff_avg_number",
    "地区生产总值": "city_gdp",
    "人均地区生产总值": "city_gdp_per_capita",
    "第二产业占地区生产总值的比重": "city_secondary_share_gdp",
    "第二产业增加值占地区生产总值的比重": "city_secondary_share_gdp",
    "第二产业占GDP比重": "city_secondary_share_gdp",
    "第三产业占地区生产总值的比重": "city_tertiary_share_gdp",
    "第三产业增加值占地区生产总值的比重": "city_tertiary_share_gdp",
    "第三产业占GDP比重": "city_tertiary_share_gdp",
}
# Units accepted per indicator (printed, or documented by CSMAR) -> factor to the registered unit
UNITS = {
    "city_avg_wage_staff": {"元": 1.0},
    "city_gdp_per_capita": {"元": 1.0},
    "city_gdp": {"亿元": 1.0, "万元": 1e-4},
    "city_secondary_share_gdp": {"%": 1.0},
    "city_tertiary_share_gdp": {"%": 1.0},
    "city_yearend_population": {"万人": 10_000.0, "人": 1.0},
    "city_employed_persons": {"万人": 10_000.0, "人": 1.0},
    "city_staff_avg_number": {"万人": 10_000.0, "人": 1.0},
}
REGION_HEADERS = ("城市", "地区", "城市名称")
CODE_HEADERS = ("区划代码", "行政区划代码", "代码")
YEAR_HEADERS = ("年份", "年度")
TOTAL_LABELS = ("全国", "合计", "总计", "全国合计")
WHOLE_CITY, DISTRICTS = "全市", "市辖区"

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
COLUMNS = ["code", "year", "indicator", "value", "unit", "same_territory_as_2020", "source"]


def series_years() -> range:
    """The years ``prefecture_series.csv`` holds (its schema; the span :data:`BOUNDARY_CHANGES` covers)."""
    from neoutflow.data.schemas import SPECS

    col = SPECS["prefecture_series"].columns["year"]
    return range(int(col.lower), int(col.upper) + 1)


def _span(years) -> str:
    years = sorted(set(years))
    if not years:
        return ""
    runs, start = [], years[0]
    for a, b in zip(years, [*years[1:], None], strict=True):
        if b != a + 1:
            runs.append(f"{start}" if start == a else f"{start}–{a}")
            start = b
    return ", ".join(runs)


def _blank(text: str) -> str:
    return re.sub(r"\s+", "", text)


def same_territory(code: pd.Series, year: pd.Series) -> pd.Series:
    first = code.map(lambda c: BOUNDARY_CHANGES.get(c, (0, ""))[0])
    return year >= first


def _regions(raw_dir: Path | None, regions: pd.DataFrame | None) -> pd.DataFrame:
    if regions is None:
        regions = pd.read_csv(Path(raw_dir) / RAW_FILES["regions"], dtype=str, keep_default_na=False)
    return regions.astype({"code": str, "province_code": str})


# ------------------------------------------------------------------ the CSMAR export


def _read_cre(grid: pd.DataFrame, where: str, source: str, year: int | None) -> tuple[pd.DataFrame, str, str]:
    """(long rows with source_code, year, indicator, value, source, line, name; the table; its units)."""
    header = [text_of(v) for v in grid.iloc[0]]
    missing = [k for k in CRE_KEYS if k not in header]
    if missing:
        raise LayoutError(
            f"{where}: a CSMAR CRE city export needs the columns {', '.join(CRE_KEYS)}; missing {missing}"
        )
    fields = {f: (t, *spec) for t, fs in CRE_FIELDS.items() for f, spec in fs.items() if f in header}
    if not fields:
        raise LayoutError(
            f"{where}: none of the CSMAR fields the project reads is a column "
            f"({', '.join(f for fs in CRE_FIELDS.values() for f in fs)})"
        )
    body = pd.DataFrame(grid.iloc[1:].to_numpy(), columns=header, index=grid.index[1:])
    body = body[body[list(CRE_KEYS)].notna().any(axis=1)]
    years = pd.Series(
        [
            check_year(year_of(t, f"{where} row {i + 1} column Sgnyea"), f"{where} row {i + 1}")
            for i, t in body["Sgnyea"].items()
        ],
        index=body.index,
        dtype="int64",
    )
    window = series_years()
    if year is not None:
        if year not in window:
            raise YearError(f"{where}: year {year} is outside {_span(window)}, the years prefecture_series.csv holds")
        if not (years == year).any():
            raise YearError(f"{where}: no rows for {year}; the export has {_span(years)}")
        keep = years == year
    else:
        keep = years.isin(window)
    skipped = sorted(set(years[~keep]))
    why = f"--year {year}" if year is not None else f"prefecture_series.csv holds {_span(window)}"
    body, years = body[keep], years[keep]
    parts = []
    for f, (table, indicator, unit) in fields.items():
        text = body[f].map(text_of)
        cells = text != ""
        value = pd.to_numeric(text[cells], errors="coerce")
        if value.isna().any():
            i = value.index[value.isna()][0]
            raise ImportFailure(f"{where} row {i + 1} column {f}: expected a number, found {text[i]!r}")
        factor = UNITS[indicator][unit]
        parts.append(
            pd.DataFrame(
                {
                    "source_code": body.loc[cells, "Ctnm_id"].map(text_of),
                    "year": years[cells].astype("int64"),
                    "indicator": indicator,
                    "value": value.astype(float) * factor,
                    "source": f"{source}:{table}.{f}",
                    "line": value.index + 1,
                    "name": body.loc[cells, "Ctnm_en"].map(text_of) if "Ctnm_en" in body else "",
                }
            )
        )
    long = pd.concat(parts, ignore_index=True)
    tables = sorted({t for t, *_ in fields.values()})
    table = (
        f"中国城市统计年鉴 (全市), CSMAR CRE city export {', '.join(tables)}: "
        + ", ".join(
            f"{f} {PREFECTURE_SERIES[ind].label_zh.split('（')[0]} ({unit})" for f, (_, ind, unit) in fields.items()
        )
        + (f"; years {_span(years)}" if len(years) else "")
        + (f"; years {_span(skipped)} not read ({why})" if skipped else "")
    )
    unit = ", ".join(dict.fromkeys(u for *_, u in fields.values()))
    return long, table, unit


# ------------------------------------------------------------------ the yearbook's own table


def _label(cell: str) -> tuple[str, str | None]:
    """``"地区生产总值(万元)"`` → ``("地区生产总值", "万元")``; a cell without brackets → (text, None)."""
    t = _blank(cell)
    m = LABEL.match(t)
    return (m.group("label"), m.group("unit")) if m else (t, None)


def _printed_header(grid: pd.DataFrame) -> int | None:
    for i in range(min(len(grid), 12)):
        cells = [_blank(text_of(v)) for v in grid.iloc[i]]
        if any(c in REGION_HEADERS for c in cells) and any(_label(c)[0] in LABELS for c in cells):
            return i
    return None


def looks_like_city_yearbook(grid: pd.DataFrame) -> bool:
    if not len(grid):
        return False
    first = {text_of(v) for v in grid.iloc[0]}
    return all(k in first for k in CRE_KEYS) or _printed_header(grid) is not None


def _names(pref: pd.DataFrame) -> dict[str, str]:
    """Prefecture names → code: the full name of regions.csv and, where unique, the name without 市/地区/盟."""
    names = dict(zip(pref["name_zh"], pref["code"], strict=True))
    short: dict[str, list[str]] = {}
    for name, code in names.items():
        s = re.sub(r"(市|地区|盟)$", "", name)
        if s != name and len(s) >= 2:
            short.setdefault(s, []).append(code)
    return names | {s: c[0] for s, c in short.items() if len(c) == 1 and s not in names}


def _code_of(name: str, names: dict[str, str], short_names: set[str], where: str) -> str:
    if name in names:
        return names[name]
    starts = {c for n, c in names.items() if len(name) >= 2 and n.startswith(name)}
    if len(starts) == 1:
        return starts.pop()  # 延边 → 延边朝鲜族自治州
    full = [n for n in names if n not in short_names]  # as regions.csv spells them
    near = difflib.get_close_matches(name, full, n=3, cutoff=0.3)
    raise RegionError(
        f"{where}: unknown prefecture {name!r}"
        + (f"; nearest known names: {', '.join(near)}" if near else "")
        + " (prefecture-level units as in data/raw/regions.csv)"
    )


def _value_columns(header: list[str], sub: list[str], two_level: bool, h: int, where: str):
    """Column index -> (indicator, unit, factor, label) of the columns the project reads (全市 ones in a
    two-level header), their units checked."""
    cols: dict[int, tuple[str, str, float, str]] = {}
    districts_only = []
    for j, cell in enumerate(header):
        label, unit = _label(cell)
        if label not in LABELS:
            continue
        indicator = LABELS[label]
        if two_level and sub[j] != WHOLE_CITY:
            if sub[j] == DISTRICTS:
                districts_only.append(label)
            continue
        if unit is None:
            raise UnitError(
                f"{where} header row {h + 1} column {j + 1}: {label} has no unit in brackets; expected "
                + " or ".join(f"'{label}({u})'" for u in UNITS[indicator])
            )
        if unit not in UNITS[indicator]:
            raise UnitError(
                f"{where} header row {h + 1} column {j + 1}: {label} is in {unit!r} but the project expects "
                f"{' or '.join(UNITS[indicator])} (stored as {PREFECTURE_SERIES[indicator].unit}); convert the "
                f"column or key it in {' or '.join(UNITS[indicator])}"
            )
        if any(c[0] == indicator for c in cols.values()):
            raise LayoutError(f"{where} header row {h + 1}: two columns give {indicator} ({label})")
        cols[j] = (indicator, unit, UNITS[indicator][unit], label)
    if not cols:
        if districts_only:
            raise LayoutError(
                f"{where}: the table gives {', '.join(dict.fromkeys(districts_only))} for {DISTRICTS} only; the "
                f"project uses {WHOLE_CITY} (the whole city with its counties)"
            )
        raise LayoutError(f"{where} header row {h + 1}: no column the project reads ({', '.join(LABELS)})")
    return cols


def _row_year(grid: pd.DataFrame, i: int, year_col: int | None, year: int | None, window, where: str) -> int | None:
    """The data year of row ``i`` (its year column, else ``year``), checked; None for a row of another year
    than the ``year`` asked for."""
    y = year
    if year_col is not None and text_of(grid.iat[i, year_col]):
        y = year_of(grid.iat[i, year_col], f"{where} row {i + 1} column {year_col + 1}")
        if year is not None and y != year:
            return None
    if y is None:
        raise YearError(f"{where} row {i + 1}: no year in column {year_col + 1}; give it there or with --year")
    check_year(y, f"{where} row {i + 1}")
    if y not in window:
        raise YearError(
            f"{where} row {i + 1}: year {y} is outside {_span(window)}, the years prefecture_series.csv holds"
        )
    return y


def _read_printed(
    grid: pd.DataFrame, where: str, source: str, year: int | None, regions: pd.DataFrame
) -> tuple[pd.DataFrame, str, str]:

    h = _printed_header(grid)
    if h is None:
        raise LayoutError(
            f"{where}: expected a city-yearbook table: a header row (within the first 12) with "
            f"{' or '.join(REGION_HEADERS)} and columns '<label>(<unit>)' such as '地区生产总值(万元)' "
            f"(known labels: {', '.join(LABELS)})"
        )
    header = [_blank(text_of(v)) for v in grid.iloc[h]]
    sub = [_blank(text_of(v)) for v in grid.iloc[h + 1]] if h + 1 < len(grid) else []
    two_level = any(s in (WHOLE_CITY, DISTRICTS) for s in sub)
    if two_level:  # a label spans its 全市 and 市辖区 columns (merged cells: only the first is filled)
        for j in range(1, len(header)):
            if not header[j] and sub[j]:
                header[j] = header[j - 1]
    start = h + 2 if two_level else h + 1
    name_col = next(j for j, c in enumerate(header) if c in REGION_HEADERS)
    code_col = next((j for j, c in enumerate(header) if c in CODE_HEADERS), None)
    year_col = next((j for j, c in enumerate(header) if c in YEAR_HEADERS), None)
    cols = _value_columns(header, sub, two_level, h, where)
    if year is None and year_col is None:
        raise YearError(
            f"{where}: give the data year with --year (the table has no {'/'.join(YEAR_HEADERS)} column; the file "
            "name is not used: the yearbook of one year prints the figures of the year before)"
        )
    pref = regions[regions["level"] == "prefecture"]
    names = _names(pref)
    short_names = set(names) - set(pref["name_zh"])
    province_zh = dict(zip(*regions.loc[regions["level"] == "province", ["code", "name_zh"]].T.values, strict=True))
    province_names = set(province_zh.values()) | {short_province_name(n) for n in province_zh.values()}
    province_of_code = dict(zip(pref["code"], pref["province_code"], strict=True))
    records, heading = [], None
    window, seen_years = series_years(), set()
    for i in range(start, len(grid)):
        name = _blank(text_of(grid.iat[i, name_col]))
        if not name or name.startswith(("注", "数据来源", "资料来源")) or name in TOTAL_LABELS:
            continue
        values = {
            j: number_of(grid.iat[i, j], f"{where} row {i + 1} column {j + 1} ({name} {label})")
            for j, (_, _, _, label) in cols.items()
        }
        if all(v is None for v in values.values()):
            if name in province_names:
                heading = (name, i)  # a province heading: the rows below belong to it
            continue
        y = _row_year(grid, i, year_col, year, window, where)
        if y is None:
            continue  # --year picks one year of a multi-year table
        seen_years.add(y)
        code = None
        if code_col is not None and text_of(grid.iat[i, code_col]):
            code = text_of(grid.iat[i, code_col]).split(".")[0]
        else:
            code = _code_of(name, names, short_names, f"{where} row {i + 1}")
        if heading is not None and code in province_of_code:
            prov = province_zh[province_of_code[code]]
            if short_province_name(prov) != short_province_name(heading[0]):
                raise RegionError(
                    f"{where} row {i + 1}: {name} ({code}) is listed under {heading[0]} (row {heading[1] + 1}) but "
                    f"belongs to {prov}"
                )
        for j, v in values.items():
            if v is None:
                continue
            indicator, _, factor, label = cols[j]
            records.append((code, y, indicator, v * factor, f"{source}:{label}", i + 1, name))
    if not records:
        raise LayoutError(f"{where}: the table has no values below header row {h + 1}")
    long = pd.DataFrame(records, columns=["source_code", "year", "indicator", "value", "source", "line", "name"])
    table = f"中国城市统计年鉴 prefecture table ({WHOLE_CITY}), {_span(seen_years)}: " + ", ".join(
        f"{label}({unit})" for _, unit, _, label in cols.values()
    )
    unit = ", ".join(dict.fromkeys(u for _, u, _, _ in cols.values()))
    return long, table, unit


# ------------------------------------------------------------------ both layouts


def to_2020_units(long: pd.DataFrame, known: dict[str, str], where: str) -> pd.DataFrame:
    """Export codes → 2020 codes; drop the units listed in DROPPED; every other code must be in regions.csv.

    ``known``: prefecture code → name (regions.csv)."""
    out = long[~long["source_code"].isin(DROPPED)].copy()
    out["code"] = out["source_code"].map(lambda c: CODE_MAP.get(c, c))
    bad = out[~out["code"].isin(known)]
    if not bad.empty:
        lines = []
        for code, part in bad.groupby("code", sort=True):
            r = part.iloc[0]
            near = difflib.get_close_matches(code, sorted(known), n=2, cutoff=0.6)
            lines.append(
                f"{code}{' ' + r['name'] if r['name'] else ''} (row {r['line']})"
                + (f", nearest known codes {', '.join(f'{c} {known[c]}' for c in near)}" if near else "")
            )
        raise RegionError(
            f"{where}: prefecture codes not in data/raw/regions.csv (nor recoded by CODE_MAP or dropped by "
            f"DROPPED): {'; '.join(lines[:5])}" + (f" … and {len(lines) - 5} more" if len(lines) > 5 else "")
        )
    return out


def read_city_yearbook(
    path: Path,
    raw_dir: Path | None,
    source: str,
    grid: pd.DataFrame | None = None,
    year: int | None = None,
    regions: pd.DataFrame | None = None,
) -> list[Parsed]:
    """A city-yearbook prefecture table (CSMAR export or the yearbook's layout) → ``prefecture_series`` rows.

    ``regions``: the regions table (default: ``raw_dir``/regions.csv).
    """
    path = Path(path)
    where = path.name
    grid = read_grid(path) if grid is None else grid
    if grid.empty:
        raise LayoutError(f"{where}: the file is empty")
    regions = _regions(raw_dir, regions)
    first = {text_of(v) for v in grid.iloc[0]}
    if any(k in first for k in CRE_KEYS):
        # the CSMAR database names the rows' source, whichever folder holds the export
        key = CRE_SOURCE if source in (CITY_YEARBOOK.source, CRE_FOLDER) else source
        long, table, unit = _read_cre(grid, where, key, year)
    else:
        long, table, unit = _read_printed(grid, where, source, year, regions)
    if long.empty:
        raise LayoutError(f"{where}: no values for the years {_span(series_years())}")
    pref = regions[regions["level"] == "prefecture"]
    out = to_2020_units(long, dict(zip(pref["code"], pref["name_zh"], strict=True)), where)
    dup = out[out.duplicated(["code", "year", "indicator"], keep=False)]
    if not dup.empty:
        r = dup.sort_values("line").iloc[:2]
        raise ImportFailure(
            f"{where}: rows {r['line'].iloc[0]} and {r['line'].iloc[1]} both give {r['indicator'].iloc[0]} of "
            f"{r['code'].iloc[0]} in {r['year'].iloc[0]} ({len(dup)} duplicated rows after recoding to 2020 codes)"
        )
    out["unit"] = out["indicator"].map(lambda i: PREFECTURE_SERIES[i].unit)
    out["same_territory_as_2020"] = same_territory(out["code"], out["year"])
    out = out[COLUMNS].astype({"year": "int64", "value": float})
    rows = out.sort_values(["code", "indicator", "year"]).reset_index(drop=True)
    return [Parsed("prefecture_series", rows, table, unit, KIND)]


CITY_YEARBOOK = Layout(
    KIND,
    "city_yearbook",
    "a city-yearbook prefecture table (header 城市 | <label>(<unit>) …, e.g. 地区生产总值(万元); or the CSMAR "
    f"city export with {', '.join(CRE_KEYS)} and field codes)",
    looks_like_city_yearbook,
    lambda path, raw_dir, source, grid, year=None, indicators=None: read_city_yearbook(
        path, raw_dir, source, grid, year
    ),
)
