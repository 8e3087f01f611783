"""Readers of NBS data-portal exports (``nbs-portal``) and of the wide crawl CSV (``nbs-crawl``)."""

from __future__ import annotations

import difflib
from pathlib import Path

import pandas as pd

from neoutflow.data.importer.core import (
    YEAR_CELL,
    Layout,
    LayoutError,
    Parsed,
    UnitError,
    check_year,
    code_of,
    number_of,
    read_grid,
    region_names,
    split_label,
    text_of,
    year_of,
)
from neoutflow.data.indicators import SERIES

# ------------------------------------------------------------------ indicators of the portal

# Portal label (without the unit) -> indicator of province_series.
PORTAL_LABELS = {
    "城镇单位就业人员平均工资": "avg_wage",
    "城镇非私营单位就业人员平均工资": "avg_wage",
    "城镇单位在岗职工平均工资": "avg_wage_staff",
    "城镇非私营单位在岗职工平均工资": "avg_wage_staff",
    "人口出生率": "birth_rate",
    "人口死亡率": "death_rate",
    "人口自然增长率": "natural_growth_rate",
    "年末常住人口": "yearend_population",
    "地区生产总值": "gdp",
    "第一产业增加值": "value_added_primary",
    "第二产业增加值": "value_added_secondary",
    "第三产业增加值": "value_added_tertiary",
    "普通高等学校数": "higher_education_institutions",
    "普通高等学校在校学生数": "higher_education_enrolment",
}
# Units the portal prints for each indicator -> factor to the project's unit (indicators.SERIES).
PORTAL_UNITS = {
    "avg_wage": {"元": 1},
    "avg_wage_staff": {"元": 1},
    "birth_rate": {"‰": 1},
    "death_rate": {"‰": 1},
    "natural_growth_rate": {"‰": 1},
    "yearend_population": {"万人": 10_000, "人": 1},
    "gdp": {"亿元": 1},
    "value_added_primary": {"亿元": 1},
    "value_added_secondary": {"亿元": 1},
    "value_added_tertiary": {"亿元": 1},
    "higher_education_institutions": {"所": 1},
    "higher_education_enrolment": {"万人": 10_000, "人": 1},
}

# ------------------------------------------------------------------ NBS portal exports


def indicator_of(label: str, unit: str, where: str) -> tuple[str, float]:
    """The project indicator of a portal label and the factor from the printed unit."""
    if label not in PORTAL_LABELS:
        near = difflib.get_close_matches(label, list(PORTAL_LABELS), n=3, cutoff=0.3)
        raise LayoutError(
            f"{where}: indicator {label!r} is not one the project uses; known: {', '.join(PORTAL_LABELS)}"
            + (f" (nearest: {', '.join(near)})" if near else "")
        )
    name = PORTAL_LABELS[label]
    units = PORTAL_UNITS[name]
    if unit not in units:
        raise UnitError(
            f"{where}: {label} is in {unit!r} but the project expects {' or '.join(units)} "
            f"(stored as {SERIES[name].unit}); convert the file or export it in {' or '.join(units)}"
        )
    return name, units[unit]


def series_frame(records: list[tuple], source: str) -> pd.DataFrame:
    df = pd.DataFrame(records, columns=["code", "year", "indicator", "value"])
    df["unit"] = df["indicator"].map(lambda i: SERIES[i].unit)
    df["source"] = source
    df["year"] = df["year"].astype("int64")
    df["value"] = df["value"].astype(float)
    return df


def looks_like_portal(grid: pd.DataFrame) -> bool:
    first = [text_of(v) for v in grid.iloc[:6, 0]] if len(grid) else []
    return any(t.startswith(("数据库：", "指标：")) for t in first)


def _portal_header(grid: pd.DataFrame, path: Path) -> tuple[dict[str, str], int]:
    """The export's lines above the table ('数据库：…', '指标：…', '地区：…', '时间：…') and its header row."""
    first = [text_of(v) for v in grid.iloc[:, 0]]
    meta = {}
    header_row = None
    for i, t in enumerate(first[:12]):
        if "：" in t and t.split("：", 1)[0] in ("数据库", "指标", "地区", "时间"):
            meta.setdefault(t.split("：", 1)[0], t.split("：", 1)[1].strip())
        elif t in ("时间", "地区"):
            header_row = i
            break
    if header_row is None:
        raise LayoutError(
            f"{path.name}: expected an NBS data-portal export: lines '数据库：…', '指标：<label>(<unit>)' or "
            f"'地区：<province>', then a header row whose first cell is '时间' or '地区' within the first 12 rows; "
            f"found first cells {[t for t in first[:8]]}"
        )
    return meta, header_row


def _indicator_columns(header: list[str], header_row: int, where: str) -> tuple[dict, list[str]]:
    """Indicators across: column → (project indicator, unit factor), and the printed units."""
    cols = {}
    units = []
    for j, h in enumerate(header):
        if j and h:
            label, unit = split_label(h, f"{where} header row {header_row + 1} column {j + 1}")
            cols[j] = indicator_of(label, unit, f"{where} column {j + 1}")
            units.append(unit)
    return cols, units


def _one_year_records(meta: dict, header: list[str], body: pd.DataFrame, header_row: int, names: dict, where: str):
    """A one-year export ('时间：2023年'): provinces down, indicators across; its records, table and unit."""
    one_year = YEAR_CELL.match(meta.get("时间", ""))
    if not (header[0] == "地区" and one_year):
        raise LayoutError(
            f"{where}: this portal layout is not supported: the export names neither its indicator "
            f"('指标：…') nor its region ('地区：…') above the header row {header_row + 1}, and it is not one "
            f"year ('时间：2023年') with the provinces down and indicators across. Export it again from the "
            f"portal (分省年度数据) with one indicator and the years across or down ('指标：<label>(<unit>)'), "
            f"or save it as CSV in that layout"
        )
    year = check_year(int(one_year.group(1)), f"{where} line '时间：'")
    cols, units = _indicator_columns(header, header_row, where)
    table, unit = f"NBS 分省年度数据: 时间：{meta['时间']} ({', '.join(header[1:])})", ", ".join(units)
    records = []
    for i, row in body.iterrows():
        label = text_of(row.iloc[0])
        if not label or label.startswith(("注", "数据来源")):
            continue
        code = code_of(label, names, f"{where} row {i + 1}")
        for j, (name, factor) in cols.items():
            v = number_of(row.iloc[j], f"{where} row {i + 1} column {j + 1} ({label} {header[j]})")
            if v is not None:
                records.append((code, year, name, v * factor))
    return records, table, unit


def _one_region_records(meta: dict, header: list[str], body: pd.DataFrame, header_row: int, names: dict, where: str):
    """A one-region export ('地区：辽宁省'): years down, indicators across; its records, table and unit."""
    records = []
    code = code_of(meta["地区"], names, f"{where} line '地区：'")
    if header[0] != "时间":
        raise LayoutError(
            f"{where}: a one-region export ('地区：{meta['地区']}') needs the header '时间 | "
            f"<indicator>(<unit>) …' in row {header_row + 1}; found {header[:4]}"
        )
    cols, units = _indicator_columns(header, header_row, where)
    table, unit = f"NBS 分省年度数据: 地区：{meta['地区']} ({', '.join(header[1:])})", ", ".join(units)
    for i, row in body.iterrows():
        if not YEAR_CELL.match(text_of(row.iloc[0])):
            continue
        year = year_of(row.iloc[0], f"{where} row {i + 1}")
        for j, (name, factor) in cols.items():
            v = number_of(row.iloc[j], f"{where} row {i + 1} column {j + 1} ({header[j]} {year})")
            if v is not None:
                records.append((code, year, name, v * factor))
    return records, table, unit


def read_portal(
    path: Path,
    raw_dir: Path | None,
    source: str,
    grid: pd.DataFrame | None = None,
    names: dict | None = None,
    indicators=None,
) -> list[Parsed]:
    """One NBS data-portal export → province_series rows (see the module docstring for the layouts).

    ``names``: region name → code (default: the provinces of ``raw_dir``/regions.csv and 全国).
    """
    path = Path(path)
    grid = read_grid(path) if grid is None else grid
    meta, header_row = _portal_header(grid, path)
    names = names or region_names(raw_dir)
    header = [text_of(v) for v in grid.iloc[header_row]]
    body = grid.iloc[header_row + 1 :]
    records = []
    where = path.name
    if "指标" not in meta and "地区" not in meta:
        records, table, unit = _one_year_records(meta, header, body, header_row, names, where)
    elif "指标" in meta:
        name, factor = indicator_of(*split_label(meta["指标"], f"{where} line '指标：'"), where)
        table, unit = f"NBS 分省年度数据: 指标：{meta['指标']}", split_label(meta["指标"], where)[1]
        if header[0] == "时间":  # years down, regions across
            codes = {
                j: code_of(h, names, f"{where} header row {header_row + 1} column {j + 1}")
                for j, h in enumerate(header)
                if j and h
            }
            for i, row in body.iterrows():
                if not YEAR_CELL.match(text_of(row.iloc[0])):
                    continue  # footer (注：, 数据来源：)
                year = year_of(row.iloc[0], f"{where} row {i + 1}")
                for j, code in codes.items():
                    v = number_of(row.iloc[j], f"{where} row {i + 1} column {j + 1} ({header[j]} {year})")
                    if v is not None:
                        records.append((code, year, name, v * factor))
        else:  # regions down, years across
            years = {
                j: year_of(h, f"{where} header row {header_row + 1} column {j + 1}")
                for j, h in enumerate(header)
                if j and h
            }
            for i, row in body.iterrows():
                label = text_of(row.iloc[0])
                if not label or label.startswith(("注", "数据来源")):
                    continue
                code = code_of(label, names, f"{where} row {i + 1}")
                for j, year in years.items():
                    v = number_of(row.iloc[j], f"{where} row {i + 1} column {j + 1} ({label} {year})")
                    if v is not None:
                        records.append((code, year, name, v * factor))
    else:  # one region, indicators across
        records, table, unit = _one_region_records(meta, header, body, header_row, names, where)
    if indicators is not None:
        records = [r for r in records if r[2] in indicators]
    if not records:
        raise LayoutError(f"{where}: the export has no values (every cell below row {header_row + 1} is empty)")
    return [Parsed("province_series", series_frame(records, source), table, unit, "nbs-portal")]


CRAWL_KEYS = ("省份编码", "省份", "年份")


def read_crawl(
    path: Path,
    raw_dir: Path | None,
    source: str,
    grid: pd.DataFrame | None = None,
    names: dict | None = None,
    indicators=None,
) -> list[Parsed]:
    """The wide crawl CSV (省份编码, 省份, 年份, one column per indicator): the columns the project uses
    (those of ``indicators`` only, if given)."""
    path = Path(path)
    grid = read_grid(path) if grid is None else grid
    header = [text_of(v) for v in grid.iloc[0]]
    missing = [k for k in CRAWL_KEYS if k not in header]
    if missing:
        raise LayoutError(
            f"{path.name}: expected header row 1 with columns {', '.join(CRAWL_KEYS)} and "
            f"'<label>(<unit>)' columns; missing {missing}"
        )
    names = names or region_names(raw_dir)
    known = set(names.values())
    cols = {}
    for j, h in enumerate(header):
        if h in CRAWL_KEYS or not h:
            continue
        try:
            label, unit = split_label(h, f"{path.name} column {j + 1}")
        except UnitError:
            continue
        if label in PORTAL_LABELS and (indicators is None or PORTAL_LABELS[label] in indicators):
            cols[j] = (indicator_of(label, unit, f"{path.name} column {j + 1}"), h)
    if not cols:
        raise LayoutError(
            f"{path.name}: none of the columns is an indicator the project uses "
            f"({', '.join(PORTAL_LABELS)}); found {header[3:8]}"
        )
    ci, ni, yi = (header.index(k) for k in CRAWL_KEYS)
    records = []
    for i, row in grid.iloc[1:].iterrows():
        code = text_of(row.iloc[ci])
        if not code:
            continue
        code = code.split(".")[0]
        if code not in known:
            code_of(text_of(row.iloc[ni]), names, f"{path.name} row {i + 1}")  # raises with the nearest names
        year = check_year(int(float(text_of(row.iloc[yi]))), f"{path.name} row {i + 1}")
        for j, ((name, factor), h) in cols.items():
            v = number_of(row.iloc[j], f"{path.name} row {i + 1} column {h}")
            if v is not None:
                records.append((code, year, name, v * factor))
    labels = ", ".join(h for _, h in cols.values())
    units = ", ".join(split_label(h, path.name)[1] for _, h in cols.values())
    return [
        Parsed(
            "province_series", series_frame(records, source), f"NBS 分省年度数据 (crawl): {labels}", units, "nbs-crawl"
        )
    ]


def looks_like_crawl(grid: pd.DataFrame) -> bool:
    head = [text_of(v) for v in grid.iloc[0]] if len(grid) else []
    return all(k in head for k in CRAWL_KEYS)


PORTAL = Layout(
    "nbs-portal",
    "nbs_portal",
    "an NBS data-portal export (first column '数据库：…', '指标：…', then a header row starting '时间' or '地区')",
    looks_like_portal,
    lambda path, raw_dir, source, grid, year=None, indicators=None: read_portal(
        path, raw_dir, source, grid, indicators=indicators
    ),
)
CRAWL = Layout(
    "nbs-crawl",
    "nbs_portal",
    f"the crawl CSV (header {', '.join(CRAWL_KEYS)}, <label>(<unit>) …)",
    looks_like_crawl,
    lambda path, raw_dir, source, grid, year=None, indicators=None: read_crawl(
        path, raw_dir, source, grid, indicators=indicators
    ),
)
