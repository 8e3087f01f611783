"""Import an official table into ``data/raw/``: ``python -m neoutflow.data.importer FILE`` (``make import``).

Usage: ``python -m neoutflow.data.importer FILE [--kind KIND] [--year YEAR] [--apply] [--replace]``.

Recognised layouts (``--kind`` forces one; otherwise it is detected):

- ``nbs-portal``: an export of the NBS data portal (data.stats.gov.cn, 分省年度数据) as the portal gives
  it, ``.xls``/``.xlsx`` or ``.csv`` (GBK or UTF-8): lines ``数据库：…``, ``指标：<label>(<unit>)`` (or
  ``地区：<province>`` for a one-region export with indicators across), ``时间：…``, then a header row
  ``时间 | 北京市 | 天津市 …`` (years down) or ``地区 | 2023年 | 2022年 …`` (regions down), and a footer
  ``数据来源：国家统计局``. Rows go to ``province_series.csv``.
- ``nbs-crawl``: the wide CSV ``省份编码,省份,年份,<label>(<unit>),…`` (one column per indicator).
- ``census-yearbook``: a census yearbook county/prefecture table (分县资料) in the 2010 layout (``地区``,
  ``区划代码``, ``合计``, ``0岁（男）`` …) or the 2020 layout (``省``, ``市``, ``区县``, ``区划代码``,
  ``人口数_合计``, ``男_0岁`` …): population by sex and 5-year age group of the province rows and the
  prefecture-level rows go to ``census_population.csv``, their totals to ``census_totals.csv``. The census
  year comes from ``--year`` or the file name.

By default nothing is written: the plan (rows added, changed old → new, left alone, per file and indicator)
is printed. ``--apply`` writes it: the merged tables are written into a staged copy of ``data/raw/`` and
validated there (the checks of ``make data``) before any file is replaced; a value that differs from the
one already in the file is refused unless ``--replace``. The source file (name, sha256, table, unit, date)
is recorded under the resource's ``imports`` in ``data/datapackage.json``.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import difflib
import hashlib
import io
import re
import shutil
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from neoutflow import atomic, paths
from neoutflow.data.files import RAW_FILES, format_value, write_csv
from neoutflow.data.indicators import SERIES
from neoutflow.reference import AGE_GROUPS, NATIONAL_CODE, SEXES

KINDS = ("nbs-portal", "nbs-crawl", "census-yearbook")
EARLIEST_YEAR = 1949
IMPORT_COMMAND = "python -m neoutflow.data.importer"


class ImportFailure(ValueError):
    """A file that cannot be imported; the message says what was expected."""


class LayoutError(ImportFailure):
    pass


class RegionError(ImportFailure):
    pass


class UnitError(ImportFailure):
    pass


class YearError(ImportFailure):
    pass


class ConflictError(ImportFailure):
    pass


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
_LABEL = re.compile(r"^(?P<label>[^()（）]+?)\s*[(（](?P<unit>[^()（）]+)[)）]\s*$")
_YEAR_CELL = re.compile(r"^\s*(\d{4})\s*年?\s*$")


@dataclass
class Parsed:
    """Tidy rows for one raw file, read from one source table."""

    resource: str
    rows: pd.DataFrame
    table: str
    unit: str
    kind: str


@dataclass
class Source:
    path: Path
    kind: str
    parts: list[Parsed]
    sha256: str = ""


@dataclass
class Change:
    resource: str
    group: str  # indicator (series) or "population" / "totals"
    added: list[tuple] = field(default_factory=list)
    changed: list[tuple] = field(default_factory=list)  # (key, old, new)
    unchanged: int = 0


@dataclass
class Plan:
    source: Source
    changes: list[Change]
    merged: dict[str, pd.DataFrame]
    raw_dir: Path

    @property
    def conflicts(self) -> list[tuple[str, tuple, object, object]]:
        return [(c.resource, k, o, n) for c in self.changes for k, o, n in c.changed]

    def counts(self) -> dict[tuple[str, str], tuple[int, int, int]]:
        return {(c.resource, c.group): (len(c.added), len(c.changed), c.unchanged) for c in self.changes}


# ------------------------------------------------------------------ reading cells


def _decode(path: Path) -> str:
    data = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise LayoutError(f"{path.name}: text that is neither UTF-8 nor GBK; save it as CSV (UTF-8) from Excel")


def read_grid(path: Path) -> pd.DataFrame:
    """Every cell of the first sheet (or the CSV) as text or number, no header guessed."""
    path = Path(path)
    if not path.is_file():
        raise ImportFailure(f"{path}: no such file")
    suffix = path.suffix.lower()
    head = path.read_bytes()[:8]
    if suffix in (".xls", ".xlsx") and (head.startswith(b"PK") or head.startswith(b"\xd0\xcf\x11\xe0")):
        # by content, not name: an .xls that is really .xlsx (or the reverse) is read all the same
        engine = "openpyxl" if head.startswith(b"PK") else "xlrd"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # xlrd deprecation notice from pandas
            try:
                return pd.read_excel(path, header=None, dtype=object, engine=engine)
            except Exception as exc:  # noqa: BLE001 - any reader failure is a layout failure here
                raise LayoutError(f"{path.name}: not a readable Excel file ({exc})") from None
    if suffix in (".csv", ".txt", ".xls"):  # an .xls that is text: the portal's tab- or comma-separated variant
        text = _decode(path)
        sample = text[:4000]
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        width = max((len(r) for r in rows), default=0)
        grid = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object)
        return grid.replace({"": np.nan})
    if suffix == ".xlsx":
        raise LayoutError(f"{path.name}: not an Excel workbook (the file does not begin like one)")
    raise LayoutError(f"{path.name}: expected .xls, .xlsx or .csv")


def _text(v) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    return str(v).strip()


def _number(v, where: str) -> float | None:
    t = _text(v).replace(",", "")
    if t in ("", "-", "—", "…", "..."):
        return None
    try:
        return float(t)
    except ValueError:
        raise ImportFailure(f"{where}: expected a number, found {t!r}") from None


def _year(cell, where: str) -> int:
    m = _YEAR_CELL.match(_text(cell))
    if not m:
        raise LayoutError(f"{where}: expected a year such as '2023年', found {_text(cell)!r}")
    return check_year(int(m.group(1)), where)


def check_year(year: int, where: str) -> int:
    from neoutflow.data.schemas import latest_allowed_year

    latest = latest_allowed_year()
    if not EARLIEST_YEAR <= year <= latest:
        raise YearError(f"{where}: year {year} is outside the plausible range {EARLIEST_YEAR}–{latest}")
    return year


def split_label(text: str, where: str) -> tuple[str, str]:
    """``"人口出生率(‰)"`` → ``("人口出生率", "‰")``."""
    m = _LABEL.match(text.strip())
    if not m:
        raise UnitError(
            f"{where}: expected an indicator label with its unit in brackets, e.g. '人口出生率(‰)'; found {text!r}"
        )
    return m.group("label").strip(), m.group("unit").strip()


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


# ------------------------------------------------------------------ region names


def region_names(raw_dir: Path) -> dict[str, str]:
    """Province names (full and short) → code, from regions.csv, plus 全国."""
    from neoutflow.data.extract.census import short_province_name

    regions = pd.read_csv(Path(raw_dir) / RAW_FILES["regions"], dtype=str, keep_default_na=False)
    prov = regions[regions["level"] == "province"]
    names = {"全国": NATIONAL_CODE}
    for code, name in zip(prov["code"], prov["name_zh"], strict=True):
        names[name] = code
        names[short_province_name(name)] = code
    return names


def code_of(name: str, names: dict[str, str], where: str) -> str:
    if name in names:
        return names[name]
    near = difflib.get_close_matches(name, list(names), n=3, cutoff=0.3)
    raise RegionError(
        f"{where}: unknown region {name!r}"
        + (f"; nearest known names: {', '.join(near)}" if near else "")
        + " (names as in data/raw/regions.csv)"
    )


# ------------------------------------------------------------------ NBS portal exports


def _series_frame(records: list[tuple], source: str) -> pd.DataFrame:
    df = pd.DataFrame(records, columns=["code", "year", "indicator", "value"])
    df["unit"] = df["indicator"].map(lambda i: SERIES[i].unit)
    df["source"] = source
    df["year"] = df["year"].astype("int64")
    df["value"] = df["value"].astype(float)
    return df


def looks_like_portal(grid: pd.DataFrame) -> bool:
    first = [_text(v) for v in grid.iloc[:6, 0]] if len(grid) else []
    return any(t.startswith(("数据库：", "指标：")) for t in first)


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
    first = [_text(v) for v in grid.iloc[:, 0]]
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
    if "指标" not in meta and "地区" not in meta:
        raise LayoutError(
            f"{path.name}: the export names neither its indicator ('指标：…') nor its region ('地区：…') above "
            f"the header row {header_row + 1}"
        )
    names = names or region_names(raw_dir)
    header = [_text(v) for v in grid.iloc[header_row]]
    body = grid.iloc[header_row + 1 :]
    records = []
    where = path.name
    if "指标" in meta:
        name, factor = indicator_of(*split_label(meta["指标"], f"{where} line '指标：'"), where)
        table, unit = f"NBS 分省年度数据: 指标：{meta['指标']}", split_label(meta["指标"], where)[1]
        if header[0] == "时间":  # years down, regions across
            codes = {
                j: code_of(h, names, f"{where} header row {header_row + 1} column {j + 1}")
                for j, h in enumerate(header)
                if j and h
            }
            for i, row in body.iterrows():
                if not _YEAR_CELL.match(_text(row.iloc[0])):
                    continue  # footer (注：, 数据来源：)
                year = _year(row.iloc[0], f"{where} row {i + 1}")
                for j, code in codes.items():
                    v = _number(row.iloc[j], f"{where} row {i + 1} column {j + 1} ({header[j]} {year})")
                    if v is not None:
                        records.append((code, year, name, v * factor))
        else:  # regions down, years across
            years = {
                j: _year(h, f"{where} header row {header_row + 1} column {j + 1}")
                for j, h in enumerate(header)
                if j and h
            }
            for i, row in body.iterrows():
                label = _text(row.iloc[0])
                if not label or label.startswith(("注", "数据来源")):
                    continue
                code = code_of(label, names, f"{where} row {i + 1}")
                for j, year in years.items():
                    v = _number(row.iloc[j], f"{where} row {i + 1} column {j + 1} ({label} {year})")
                    if v is not None:
                        records.append((code, year, name, v * factor))
    else:  # one region, indicators across
        code = code_of(meta["地区"], names, f"{where} line '地区：'")
        if header[0] != "时间":
            raise LayoutError(
                f"{where}: a one-region export ('地区：{meta['地区']}') needs the header '时间 | "
                f"<indicator>(<unit>) …' in row {header_row + 1}; found {header[:4]}"
            )
        cols = {}
        units = []
        for j, h in enumerate(header):
            if j and h:
                label, unit = split_label(h, f"{where} header row {header_row + 1} column {j + 1}")
                cols[j] = indicator_of(label, unit, f"{where} column {j + 1}")
                units.append(unit)
        table, unit = f"NBS 分省年度数据: 地区：{meta['地区']} ({', '.join(header[1:])})", ", ".join(units)
        for i, row in body.iterrows():
            if not _YEAR_CELL.match(_text(row.iloc[0])):
                continue
            year = _year(row.iloc[0], f"{where} row {i + 1}")
            for j, (name, factor) in cols.items():
                v = _number(row.iloc[j], f"{where} row {i + 1} column {j + 1} ({header[j]} {year})")
                if v is not None:
                    records.append((code, year, name, v * factor))
    if indicators is not None:
        records = [r for r in records if r[2] in indicators]
    if not records:
        raise LayoutError(f"{where}: the export has no values (every cell below row {header_row + 1} is empty)")
    return [Parsed("province_series", _series_frame(records, source), table, unit, "nbs-portal")]


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
    header = [_text(v) for v in grid.iloc[0]]
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
        code = _text(row.iloc[ci])
        if not code:
            continue
        code = code.split(".")[0]
        if code not in known:
            code_of(_text(row.iloc[ni]), names, f"{path.name} row {i + 1}")  # raises with the nearest names
        year = check_year(int(float(_text(row.iloc[yi]))), f"{path.name} row {i + 1}")
        for j, ((name, factor), h) in cols.items():
            v = _number(row.iloc[j], f"{path.name} row {i + 1} column {h}")
            if v is not None:
                records.append((code, year, name, v * factor))
    labels = ", ".join(h for _, h in cols.values())
    units = ", ".join(split_label(h, path.name)[1] for _, h in cols.values())
    return [
        Parsed(
            "province_series", _series_frame(records, source), f"NBS 分省年度数据 (crawl): {labels}", units, "nbs-crawl"
        )
    ]


# ------------------------------------------------------------------ census yearbook tables

YEARBOOK_KEYS = {2010: ("地区", "区划代码", "合计"), 2020: ("省", "市", "区县", "区划代码", "人口数_合计")}
_POP_COLUMNS = ["pop_total"] + [f"{s}_{g}" for s in SEXES for g in AGE_GROUPS]


def _yearbook_header(grid: pd.DataFrame, path: Path) -> tuple[int, int]:
    """(layout, header row index) of a yearbook table."""
    for i in range(min(len(grid), 10)):
        cells = {_text(v) for v in grid.iloc[i]}
        for layout, keys in YEARBOOK_KEYS.items():
            if all(k in cells for k in keys):
                return layout, i
    raise LayoutError(
        f"{path.name}: expected a census yearbook county table with a header row holding "
        + " or ".join(f"({', '.join(k)})" for k in YEARBOOK_KEYS.values())
        + " within the first 10 rows"
    )


def year_from_name(path: Path) -> int | None:
    found = re.findall(r"(?<!\d)(19\d\d|20\d\d)(?!\d)", Path(path).name)
    return int(found[0]) if len(set(found)) == 1 else None


def read_census_yearbook(
    path: Path, raw_dir: Path, year: int | None, source: str, grid: pd.DataFrame | None = None
) -> list[Parsed]:
    """A census yearbook county table → census_population and census_totals rows (provinces, prefectures)."""
    from neoutflow.data.extract import census as ec
    from neoutflow.data.extract import yearbook as ey

    path = Path(path)
    grid = read_grid(path) if grid is None else grid
    layout, hrow = _yearbook_header(grid, path)
    year = year or year_from_name(path)
    if year is None:
        raise YearError(f"{path.name}: give the census year with --year (the file name does not say it)")
    check_year(year, path.name)
    raw = grid.iloc[hrow + 1 :].copy()
    raw.columns = [_text(v) if layout == 2020 else (str(v) if not pd.isna(v) else "") for v in grid.iloc[hrow]]
    if layout == 2010:  # keep the indentation of 地区 (it marks county rows)
        raw.columns = [c.strip() for c in raw.columns]
        raw = ey._fix_2010_columns(raw)
    raw = raw.reset_index(drop=True)
    need = ey._age_columns(layout)
    missing = sorted({c for cols in need.values() for c in cols} - set(raw.columns))
    if missing:
        raise LayoutError(
            f"{path.name}: the {layout}-layout table lacks the population columns {missing[:6]}"
            + (f" and {len(missing) - 6} more" if len(missing) > 6 else "")
        )
    try:
        units = ey.read_yearbook(path, layout, raw=raw, required=set(_POP_COLUMNS))
    except (KeyError, ValueError, TypeError) as exc:
        raise LayoutError(f"{path.name}: {exc}") from None
    coded = units[units["code"].notna() & (units["kind"] == "prefecture")]
    astray = coded[coded["code"].str[:2] != coded["province_code"].str[:2]]
    if not astray.empty:
        r = astray.iloc[0]
        raise RegionError(
            f"{path.name}: row {r['code']} {r['name']} sits under province {r['province_code']} but its code "
            f"belongs to another province ({len(astray)} such row(s)); the table must list each province row "
            f"before its own prefectures"
        )
    regions = pd.read_csv(Path(raw_dir) / RAW_FILES["regions"], dtype=str, keep_default_na=False)
    known = dict(zip(regions["code"], regions["name_zh"], strict=True))
    prov = units[units["kind"] == "province"].reset_index(drop=True)
    pref = ey.prefecture_units(units, layout)
    tables = []
    for level, t in (("province", prov), ("prefecture", pref)):
        bad = t[~t["code"].isin(known)]
        if not bad.empty:
            lines = []
            for _, r in bad.head(5).iterrows():
                near = difflib.get_close_matches(str(r["name"]), list(known.values()), n=3, cutoff=0.3)
                lines.append(f"{r['code']} {r['name']}" + (f" (nearest known: {', '.join(near)})" if near else ""))
            raise RegionError(
                f"{path.name}: {level} units not in data/raw/regions.csv: "
                + "; ".join(lines)
                + (f" … and {len(bad) - 5} more" if len(bad) > 5 else "")
                + ". The project's units are those of the 2020 census (regions.csv); a table on other boundaries "
                "cannot be merged row by row (the 2010 counties are regrouped by `make extract`)"
            )
        tables.append(t)
    try:
        pop = pd.concat([ec.population_long(t, year) for t in tables], ignore_index=True)
    except ValueError as exc:
        raise ImportFailure(f"{path.name}: {exc}") from None
    pop = ec.sort_population(pop)
    tot = pd.concat([t[["code", "pop_total"]] for t in tables], ignore_index=True)
    tot = tot.assign(
        year=year, population=tot["pop_total"].round().astype("int64"), source=source, boundary="as enumerated"
    )[["code", "year", "population", "source", "boundary"]]
    table = f"census yearbook county table ({layout} layout), census {year}: population by sex and age"
    return [
        Parsed("census_population", pop, table, "persons", "census-yearbook"),
        Parsed(
            "census_totals",
            tot.sort_values(["code", "year"]).reset_index(drop=True),
            table,
            "persons",
            "census-yearbook",
        ),
    ]


# ------------------------------------------------------------------ detection


def default_source(path: Path, kind: str) -> str:
    from neoutflow.data.provenance import REPOS

    parts = Path(path).resolve().parts
    for p in reversed(parts[:-1]):
        if p in REPOS:
            return p
    return {"nbs-portal": "nbs_portal", "nbs-crawl": "nbs_portal", "census-yearbook": "census_yearbook"}[kind]


def detect(grid: pd.DataFrame) -> str | None:
    if looks_like_portal(grid):
        return "nbs-portal"
    head = [_text(v) for v in grid.iloc[0]] if len(grid) else []
    if all(k in head for k in CRAWL_KEYS):
        return "nbs-crawl"
    for i in range(min(len(grid), 10)):
        cells = {_text(v) for v in grid.iloc[i]}
        if any(all(k in cells for k in keys) for keys in YEARBOOK_KEYS.values()):
            return "census-yearbook"
    return None


def read_source(
    path: Path,
    raw_dir: Path | None = None,
    kind: str | None = None,
    year: int | None = None,
    source: str | None = None,
    indicators=None,
) -> Source:
    """Read and convert one file; raises :class:`ImportFailure` naming what was expected."""
    path, raw_dir = Path(path), Path(raw_dir or paths.RAW)
    if kind is not None and kind not in KINDS:
        raise ImportFailure(f"unknown --kind {kind!r}; choose from {', '.join(KINDS)}")
    grid = read_grid(path)
    if grid.empty:
        raise LayoutError(f"{path.name}: the file is empty")
    found = detect(grid)
    kind = kind or found
    if kind is None:
        raise LayoutError(
            f"{path.name}: layout not recognised. Expected one of: an NBS data-portal export (first column "
            f"'数据库：…', '指标：…', then a header row starting '时间' or '地区'); the crawl CSV (header "
            f"{', '.join(CRAWL_KEYS)}, <label>(<unit>) …); a census yearbook county table (header "
            + " or ".join(f"({', '.join(k)})" for k in YEARBOOK_KEYS.values())
            + f"). First row found: {[_text(v) for v in grid.iloc[0][:6]]}"
        )
    src = source or default_source(path, kind)
    if kind == "nbs-portal":
        parts = read_portal(path, raw_dir, src, grid, indicators=indicators)
    elif kind == "nbs-crawl":
        parts = read_crawl(path, raw_dir, src, grid, indicators=indicators)
    else:
        parts = read_census_yearbook(path, raw_dir, year, src, grid)
    return Source(path, kind, parts, hashlib.sha256(path.read_bytes()).hexdigest())


# ------------------------------------------------------------------ merging

KEYS = {
    "province_series": (["code", "year", "indicator"], "value", "indicator"),
    "census_population": (["code", "year", "sex", "age_group"], "population", None),
    "census_totals": (["code", "year"], "population", None),
}
_READ = {"dtype": {"code": str}, "keep_default_na": False}


def _read_existing(raw_dir: Path, resource: str) -> pd.DataFrame:
    p = Path(raw_dir) / RAW_FILES[resource]
    df = pd.read_csv(p, **_READ) if p.is_file() else pd.DataFrame()
    return df


def _sort(resource: str, df: pd.DataFrame) -> pd.DataFrame:
    if resource == "province_series":
        return df.sort_values(["code", "indicator", "year"]).reset_index(drop=True)
    if resource == "census_population":
        from neoutflow.data.extract.census import sort_population

        return sort_population(df)
    return df.sort_values(["code", "year"]).reset_index(drop=True)


def merge(existing: pd.DataFrame, new: pd.DataFrame, resource: str, replace: bool) -> tuple[pd.DataFrame, list[Change]]:
    """Merged table and the changes, per indicator (series) or per file."""
    key, value, group = KEYS[resource]
    if existing.empty:
        existing = pd.DataFrame({c: pd.Series(dtype=new[c].dtype) for c in new.columns})
    old = existing.set_index(key)
    changes: dict[str, Change] = {}
    keep_new = []
    for rec in new.itertuples(index=False):
        r = rec._asdict()
        k = tuple(r[c] for c in key)
        g = r[group] if group else ("province" if str(r["code"]).endswith("0000") else "prefecture")
        ch = changes.setdefault(g, Change(resource, g))
        if k in old.index:
            o = old.loc[k, value]
            if format_value(float(o)) == format_value(float(r[value])):
                ch.unchanged += 1
                continue
            ch.changed.append((k, o, r[value]))
            if replace:
                keep_new.append(r)
        else:
            ch.added.append(k)
            keep_new.append(r)
    add = pd.DataFrame(keep_new, columns=new.columns)
    if not add.empty:
        kidx = pd.MultiIndex.from_frame(add[key])
        rest = existing[~pd.MultiIndex.from_frame(existing[key]).isin(kidx)] if len(existing) else existing
        out = pd.concat([rest, add.astype({c: existing[c].dtype for c in key if c in existing})], ignore_index=True)
    else:
        out = existing.copy()
    if "value" in out:
        out["value"] = out["value"].astype(float)
    for c in ("population", "year"):
        if c in out:
            out[c] = out[c].astype("int64")
    return _sort(resource, out[list(existing.columns) if len(existing.columns) else list(new.columns)]), list(
        changes.values()
    )


def plan(source: Source, raw_dir: Path | None = None, replace: bool = False) -> Plan:
    raw_dir = Path(raw_dir or paths.RAW)
    merged: dict[str, pd.DataFrame] = {}
    changes: list[Change] = []
    for part in source.parts:
        base = merged.get(part.resource)
        if base is None:
            base = _read_existing(raw_dir, part.resource)
        merged[part.resource], ch = merge(base, part.rows, part.resource, replace)
        changes += ch
    return Plan(source, changes, merged, raw_dir)


def _show_key(k: tuple) -> str:
    return " ".join(str(x) for x in k)


def _years(keys: list[tuple], resource: str) -> str:
    years = sorted({k[1] for k in keys})
    if not years:
        return ""
    span = f"{years[0]}" if len(years) == 1 else f"{years[0]}–{years[-1]}"
    return f" (years {span})" if len(years) > 3 else f" (years {', '.join(map(str, years))})"


def describe(p: Plan, max_changed: int = 40) -> str:
    """What the import would do, per file and indicator."""
    src = p.source
    lines = [f"{src.path.name} ({src.kind}; sha256 {src.sha256[:12]}…)"]
    for part in src.parts:
        lines.append(f"  table: {part.table}; unit {part.unit}; {len(part.rows):,} rows read")
    for res in dict.fromkeys(c.resource for c in p.changes):
        lines.append(f"data/raw/{RAW_FILES[res]}:")
        for c in (c for c in p.changes if c.resource == res):
            lines.append(
                f"  {c.group}: {len(c.added):,} added{_years(c.added, res)}, {len(c.changed):,} changed, "
                f"{c.unchanged:,} left alone"
            )
            for k, o, n in c.changed[:max_changed]:
                lines.append(f"    changed {_show_key(k)}: {format_value(float(o))} → {format_value(float(n))}")
            if len(c.changed) > max_changed:
                lines.append(f"    … and {len(c.changed) - max_changed} more changed")
    return "\n".join(lines)


# ------------------------------------------------------------------ applying


def import_record(source: Source, part: Parsed, change: list[Change], date: str) -> dict:
    return {
        "file": source.path.name,
        "sha256": source.sha256,
        "kind": source.kind,
        "table": part.table,
        "unit": part.unit,
        "imported": date,
        "added": sum(len(c.added) for c in change),
        "changed": sum(len(c.changed) for c in change),
    }


def apply(
    p: Plan, datapackage: Path | None = None, replace: bool = False, date: str | None = None, echo=print
) -> list[Path]:
    """Validate the merged tables on a staged copy of data/raw, then replace the files; returns those written."""
    from neoutflow.data import load, provenance
    from neoutflow.data.schemas import DataValidationError

    datapackage = Path(datapackage or paths.DATAPACKAGE)
    if p.conflicts and not replace:
        shown = "; ".join(
            f"{RAW_FILES[r]} {_show_key(k)}: {format_value(float(o))} in the file, "
            f"{format_value(float(n))} in {p.source.path.name}"
            for r, k, o, n in p.conflicts[:10]
        )
        raise ConflictError(
            f"{len(p.conflicts)} value(s) differ from those already in data/raw ({shown}"
            + (" …" if len(p.conflicts) > 10 else "")
            + "); nothing was written. Check them, then rerun with --replace (REPLACE=1) to overwrite"
        )
    date = date or datetime.date.today().isoformat()
    raw_dir = p.raw_dir
    written = [r for r in p.merged if any(c.resource == r and (c.added or (replace and c.changed)) for c in p.changes)]
    if not written:
        echo("nothing to write: every value is already in data/raw")
        return []
    with atomic.staging_dir(raw_dir.parent, "import") as stage:
        staged_raw = stage / "raw"
        shutil.copytree(raw_dir, staged_raw)
        for res in written:
            write_csv(p.merged[res], staged_raw / RAW_FILES[res])
        load._cache.clear()
        try:
            load.validate_all(staged_raw, echo=lambda *a, **k: None)
        except DataValidationError as exc:
            text = str(exc).replace(str(staged_raw), "data/raw")
            raise ImportFailure(f"the merged data do not pass validation, nothing was written:\n{text}") from None
        finally:
            load._cache.clear()
        # the provenance record, staged too
        staged_dp = stage / "datapackage.json"
        if datapackage.is_file():
            shutil.copy2(datapackage, staged_dp)
            dp = provenance.read(staged_dp)
        else:
            dp = provenance.build(staged_raw)
        for res in dp.get("resources", []):
            name = res["name"]
            parts = [pt for pt in p.source.parts if pt.resource == name]
            if parts and name in written:
                entries = [
                    e
                    for e in res.get("imports", [])
                    if e.get("sha256") != p.source.sha256 or e.get("table") != parts[0].table
                ]
                entries.append(import_record(p.source, parts[0], [c for c in p.changes if c.resource == name], date))
                res["imports"] = entries
            path = staged_raw / res["path"].removeprefix("raw/")
            if path.is_file():
                res["hash"] = f"sha256:{provenance.sha256(path)}"
                res["bytes"] = path.stat().st_size
        atomic.write_text(staged_dp, provenance.dumps(dp))
        errors, _ = provenance.check_record(staged_dp, staged_raw)
        if errors:
            raise ImportFailure("the provenance record would not be valid, nothing was written: " + "; ".join(errors))
        out = []
        for res in written:
            dest = raw_dir / RAW_FILES[res]
            atomic.write_bytes(dest, (staged_raw / RAW_FILES[res]).read_bytes(), if_changed=True)
            out.append(dest)
        atomic.write_bytes(datapackage, staged_dp.read_bytes(), if_changed=True)
        out.append(datapackage)
    return out


def run(
    file: Path,
    kind: str | None = None,
    year: int | None = None,
    do_apply: bool = False,
    replace: bool = False,
    raw_dir: Path | None = None,
    datapackage: Path | None = None,
    source: str | None = None,
    date: str | None = None,
    indicators=None,
    echo=print,
) -> Plan:
    raw_dir = Path(raw_dir or paths.RAW)
    src = read_source(file, raw_dir, kind, year, source, indicators)
    p = plan(src, raw_dir, replace)
    echo(describe(p))
    if do_apply:
        for path in apply(p, datapackage, replace, date, echo):
            echo(f"wrote {path}")
    else:
        note = f"; {len(p.conflicts)} differ: --apply refuses them without --replace" if p.conflicts else ""
        echo(f"dry run: nothing written{note}. Rerun with --apply (make import … APPLY=1) to write.")
    return p


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog=IMPORT_COMMAND, description=__doc__.splitlines()[0])
    ap.add_argument("file", type=Path, help="the official table (.xls, .xlsx or .csv)")
    ap.add_argument("--kind", choices=KINDS, help="the layout (default: detected)")
    ap.add_argument("--year", type=int, help="census year of a yearbook table (default: from the file name)")
    ap.add_argument("--apply", action="store_true", help="write the changes (default: dry run)")
    ap.add_argument("--replace", action="store_true", help="with --apply: overwrite values that differ")
    ap.add_argument("--source", help="source key written in the rows' source column")
    ap.add_argument("--indicators", nargs="*", choices=sorted(SERIES), help="import only these series indicators")
    ap.add_argument("--raw-dir", type=Path, default=paths.RAW)
    ap.add_argument("--datapackage", type=Path, default=paths.DATAPACKAGE)
    args = ap.parse_args(argv)
    try:
        run(
            args.file,
            args.kind,
            args.year,
            args.apply,
            args.replace,
            args.raw_dir,
            args.datapackage,
            args.source,
            indicators=args.indicators,
        )
    except ImportFailure as exc:
        print(f"import: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
