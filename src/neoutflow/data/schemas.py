"""Validation of the raw extracts: pandera schemas plus table-level checks.

Every problem is reported with the file, the line in the CSV (header = line 1),
the column, the offending value and what was expected; up to ``MAX_PROBLEMS``
are listed. Validation happens in three passes:

1. reading: encoding (UTF-8, UTF-8 with BOM or GBK, detected), empty file,
   header (missing columns, wrong delimiter);
2. cells: each value parsed to its type here (so a bad cell is named, not a
   whole column), then a pandera schema checks ranges, allowed values, code
   patterns and unique keys;
3. tables: known codes (regions.csv), 31 provinces per year, complete age groups,
   official 31-province totals, prefectures summing to their province, 万人/万元
   magnitude slips, indicator units.
"""

from __future__ import annotations

import datetime
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from neoutflow.data.files import RAW_FILES
from neoutflow.data.indicators import CENSUS, PREFECTURE_SERIES, SERIES, Indicator
from neoutflow.reference import AGE_GROUPS, LEVELS, NATIONAL_CODE, PROVINCE_TOTALS, PROVINCES, REGIONS, SEXES

if TYPE_CHECKING:
    import pandera.pandas as pa

MAX_PROBLEMS = 20

# census_population.csv: prefecture rows (yearbook county tables regrouped) sum EXACTLY to their
# province in every province-year of the source; any difference is an error.
# census_totals.csv: the boundary-adjusted city file's prefectures add up exactly to the province
# except where units are administered by the province itself or have no figures. Those known
# shortfalls (city-file prefecture sum − province total) are checked exactly, per province and year:
PREFECTURE_SUM_DIFFERENCES: dict[tuple[str, int], tuple[int, str]] = {
    ("120000", 2010): (-469, "city file's 2010 restatement of 天津"),
    ("130000", 2010): (-2_326_801, "定州/辛集 and other units outside the city file's prefectures"),
    ("130000", 2020): (-2_301_426, "定州/辛集 and other units outside the city file's prefectures"),
    ("150000", 2010): (4, "city file's 2010 restatement (兴安盟)"),
    ("220000", 2010): (-47_553, "units not assigned to a prefecture (likely the 长白山 management area)"),
    ("220000", 2020): (-61_146, "units not assigned to a prefecture (likely the 长白山 management area)"),
    ("350000", 2010): (-1, "city file's 2010 restatement (rounding)"),
    ("360000", 2010): (-307, "city file's 2010 restatement"),
    ("410000", 2010): (-3_312, "city file's 2010 restatement"),
    ("440000", 2010): (-10_064, "city file's 2010 restatement"),
    ("450000", 2010): (2_868, "city file's 2010 restatement (南宁)"),
    ("460000", 2010): (-77_201, "洋浦 and units outside the city file's prefectures"),
    ("460000", 2020): (-83_141, "洋浦 and units outside the city file's prefectures"),
    ("510000", 2010): (50, "city file's 2010 restatement"),
    ("520000", 2010): (-273, "city file's 2010 restatement"),
    ("610000", 2010): (-806_521, "杨凌 and 西咸新区 parts outside the city file's prefectures"),
    ("610000", 2020): (-253_871, "杨凌 and 西咸新区 parts outside the city file's prefectures"),
    ("630000", 2010): (-1, "city file's 2010 restatement (rounding)"),
    ("650000", 2010): (-770_886, "兵团 cities (6590xx) without figures in the city file"),
    ("650000", 2020): (-1_231_138, "兵团 cities (6590xx) without figures in the city file"),
}
# For a census year not listed above (a new census), the provinces with structural shortfalls may
# differ by up to these shares; every other province must add up exactly.
PREFECTURE_SUM_EXCEPTIONS = {
    "130000": (0.035, "定州/辛集 and other units outside the city file's prefectures"),
    "610000": (0.025, "杨凌 and 西咸新区 parts outside the city file's prefectures"),
    "650000": (0.05, "兵团 cities (6590xx) without figures in the city file"),
    "460000": (0.01, "洋浦 outside the city file's prefectures"),
    "220000": (0.005, "units not assigned to a prefecture (likely the 长白山 management area)"),
}
# census_population vs census_totals, prefecture by prefecture: equal in the city file's boundary
# year for units whose territory did not change (boundary_changed false); in other years (figures
# restated on that year's boundaries) within this share; boundary_changed units are not compared.
PREFECTURE_CROSS_TOLERANCE = 0.001


def latest_allowed_year() -> int:
    """Rows for years after this are rejected: the current year (``NEOUTFLOW_LATEST_YEAR`` overrides, for tests)."""
    env = os.environ.get("NEOUTFLOW_LATEST_YEAR", "").strip()
    return int(env) if env.isdigit() else datetime.date.today().year


# Values below these (per province) look like 万人 or 万元 entered as persons or yuan.
PROVINCE_POPULATION_FLOOR = 1_000_000


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None  # CSV line (header = 1); None for missing rows or whole-table problems
    column: str | None
    value: object
    expected: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row is not None else "rows —"
        col = f"column '{self.column}'" if self.column else "whole file"
        val = "" if self.value is None else f": value {_show(self.value)}"
        return f"{self.file}, {where}, {col}{val} — expected {self.expected}"


def _show(value) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class DataValidationError(ValueError):
    """One or more problems in the raw data; the message lists them."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        shown = self.problems[:MAX_PROBLEMS]
        files = sorted({p.file for p in self.problems})
        head = f"{len(self.problems)} data problem(s) in {', '.join(files)}:"
        lines = [head] + [f"  - {p}" for p in shown]
        if len(self.problems) > MAX_PROBLEMS:
            lines.append(f"  … and {len(self.problems) - MAX_PROBLEMS} more")
        super().__init__("\n".join(lines))


# ------------------------------------------------------------------ specs


@dataclass(frozen=True)
class Col:
    kind: str  # code | int | float | text | enum | bool
    description: str
    unit: str = ""
    nullable: bool = False
    choices: tuple = ()
    lower: float | None = None
    upper: float | None = None


@dataclass(frozen=True)
class FileSpec:
    name: str
    path: str  # relative to data/raw
    title: str
    columns: dict[str, Col]
    key: tuple[str, ...]
    extra_ok: bool = True  # further columns are allowed (documented in the codebook)
    notes: tuple[str, ...] = field(default_factory=tuple)


CODE = Col("code", "GB/T 2260 six-digit code (string)")
YEAR = Col("int", "Year (census or calendar)", lower=1949, upper=2100)

SPECS: dict[str, FileSpec] = {
    "regions": FileSpec(
        "regions",
        RAW_FILES["regions"],
        "Provinces and prefecture-level units",
        {
            "code": CODE,
            "name_zh": Col("text", "Chinese name"),
            "name_en": Col("text", "English (pinyin) name; provinces only", nullable=True),
            "level": Col("enum", "province or prefecture", choices=LEVELS),
            "province_code": Col("code", "Code of the province the unit belongs to"),
            "region": Col("enum", "NBS four-region group; prefectures inherit their province's", choices=REGIONS),
            "boundary_changed": Col(
                "bool", "true if the unit's 2010 and 2020 figures may not cover the same territory (see boundary_note)"
            ),
            "boundary_note": Col(
                "text",
                "What changed between 2010 and 2020 and how the 2010 figures were regrouped; empty if nothing",
                nullable=True,
            ),
        },
        key=("code",),
    ),
    "census_population": FileSpec(
        "census_population",
        RAW_FILES["census_population"],
        "Census population by sex and 5-year age group",
        {
            "code": CODE,
            "year": YEAR,
            "sex": Col("enum", "male or female", choices=SEXES),
            "age_group": Col("enum", "5-year age group, 0-4 … 80-84, 85+", choices=tuple(AGE_GROUPS)),
            "population": Col("int", "Resident population (persons)", unit="persons", lower=0),
        },
        key=("code", "year", "sex", "age_group"),
    ),
    "census_totals": FileSpec(
        "census_totals",
        RAW_FILES["census_totals"],
        "Census resident population totals",
        {
            "code": CODE,
            "year": YEAR,
            "population": Col("int", "Resident population (persons)", unit="persons", lower=0),
            "source": Col("text", "census_province_totals or leiii_city_adjusted (see datapackage sources)"),
            "boundary": Col("text", "'as enumerated' or the boundary year the figures are adjusted to"),
        },
        key=("code", "year"),
    ),
    "census_indicators": FileSpec(
        "census_indicators",
        RAW_FILES["census_indicators"],
        "Census indicators by unit and year",
        {
            "code": CODE,
            "year": YEAR,
            "indicator": Col("enum", "Indicator name (see the codebook)", choices=tuple(CENSUS)),
            "value": Col("float", "Value in the stated unit"),
            "unit": Col("text", "Unit of value"),
            "source": Col("text", "Where the value comes from (communique_6-1, yearbook, …)"),
        },
        key=("code", "year", "indicator"),
    ),
    "province_series": FileSpec(
        "province_series",
        RAW_FILES["province_series"],
        "Yearly provincial series (NBS)",
        {
            "code": CODE,
            "year": YEAR,
            "indicator": Col("enum", "Indicator name (see the codebook)", choices=tuple(SERIES)),
            "value": Col("float", "Value in the stated unit"),
            "unit": Col("text", "Unit of value"),
            "source": Col("text", "Source file key (see datapackage sources)"),
        },
        key=("code", "year", "indicator"),
    ),
    "prefecture_series": FileSpec(
        "prefecture_series",
        RAW_FILES["prefecture_series"],
        "Yearly prefecture series 2010–2020 (China City Statistical Yearbook, 全市)",
        {
            "code": CODE,
            "year": Col("int", "Calendar year", lower=2010, upper=2020),
            "indicator": Col("enum", "Indicator name (see the codebook)", choices=tuple(PREFECTURE_SERIES)),
            "value": Col("float", "Value in the stated unit"),
            "unit": Col("text", "Unit of value"),
            "same_territory_as_2020": Col(
                "bool", "false if the yearbook printed this year for a territory that later changed (see codebook)"
            ),
            "source": Col(
                "text", "Source table and field (csmar_cre_city:<table>.<field>; city_yearbook:<label> if imported)"
            ),
        },
        key=("code", "year", "indicator"),
    ),
    "birthplace_flows": FileSpec(
        "birthplace_flows",
        RAW_FILES["birthplace_flows"],
        "Census lifetime migrants by province of birth (origin) and of residence (destination)",
        {
            "origin": Col("code", "Province of birth (GB/T 2260 code)"),
            "destination": Col("code", "Province of usual residence at the census (GB/T 2260 code)"),
            "year": Col("int", "Census year (2000, 2010, …)", lower=2000, upper=2100),
            "persons_sample": Col("int", "Persons in the long-form sample", unit="persons", lower=0),
            "sampling_fraction": Col(
                "float", "Long-form sampling fraction (0.1 in 2010, ≈0.095 in 2000)", lower=0.01, upper=1
            ),
            "persons_estimated": Col(
                "int", "persons_sample / sampling_fraction, rounded (population estimate)", unit="persons", lower=0
            ),
        },
        key=("year", "origin", "destination"),
    ),
    "province_life_expectancy": FileSpec(
        "province_life_expectancy",
        RAW_FILES["province_life_expectancy"],
        "Life expectancy at birth by province and sex, censuses 1990/2000/2010 (NBS)",
        {
            "code": CODE,
            "year": Col("int", "Census year (1990, 2000 or 2010)", lower=1990, upper=2010),
            "sex": Col("enum", "total, male or female", choices=("total", "male", "female")),
            "life_expectancy": Col("float", "Life expectancy at birth", unit="years", lower=40, upper=90),
        },
        key=("code", "year", "sex"),
    ),
    "projection_benchmarks": FileSpec(
        "projection_benchmarks",
        RAW_FILES["projection_benchmarks"],
        "Population projections the report compares with: UN WPP 2024 (China) and the provincial SSP projection",
        {
            "source": Col("enum", "wpp2024 or ssp_provincial", choices=("wpp2024", "ssp_provincial")),
            "variant": Col(
                "enum",
                "WPP: medium, low, high, lo80, hi80, lo95, hi95; SSP: SSP1 … SSP5",
                choices=(
                    "medium",
                    "low",
                    "high",
                    "lo80",
                    "hi80",
                    "lo95",
                    "hi95",
                    "SSP1",
                    "SSP2",
                    "SSP3",
                    "SSP4",
                    "SSP5",
                ),
            ),
            "code": CODE,
            "year": Col("int", "Year", lower=2020, upper=2100),
            "date": Col("enum", "Month-day the value refers to", choices=("12-31", "11-01")),
            "population": Col("int", "Projected population", unit="persons", lower=0),
        },
        key=("source", "variant", "code", "year"),
    ),
}


# ---------------------------------------------------------------- reading


def detect_encoding(data: bytes) -> str:
    """``utf-8-sig`` (BOM), ``utf-8`` or ``gbk`` (read as GB18030, its superset); ``utf-16`` is recognised
    (with or without BOM: NUL bytes in text) so that it can be named, not read."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[:4000].count(b"\x00") > len(data[:4000]) // 4:
        return "utf-16"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("gb18030")
        return "gbk"
    except UnicodeDecodeError:
        return "unknown"


def read_text_table(path: Path, label: str) -> tuple[pd.DataFrame, str]:
    """All cells as strings (no NA guessing), with the detected encoding."""
    if not path.is_file():
        raise DataValidationError([Problem(label, None, None, None, "the file to exist")])
    data = path.read_bytes()
    if not data.strip():
        raise DataValidationError([Problem(label, 1, None, None, "a header row and data (the file is empty)")])
    enc = detect_encoding(data)
    if enc == "utf-16":
        raise DataValidationError(
            [
                Problem(
                    label,
                    None,
                    None,
                    None,
                    "text encoded as UTF-8 (with or without BOM) or GBK; the file is UTF-16 (Excel's "
                    "'Unicode text'): save it as 'CSV UTF-8' instead",
                )
            ]
        )
    if enc == "unknown":
        raise DataValidationError(
            [
                Problem(
                    label, None, None, None, "text encoded as UTF-8 (with or without BOM) or GBK; the bytes are neither"
                )
            ]
        )
    text = data.decode("gb18030" if enc == "gbk" else enc)
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False)
    except pd.errors.ParserError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise DataValidationError(
            [
                Problem(
                    label,
                    int(m.group(1)) if m else None,
                    None,
                    None,
                    f"the same number of comma-separated fields as the header ({exc})",
                )
            ]
        ) from None
    df.columns = [str(c).strip() for c in df.columns]
    return df, enc


def check_header(df: pd.DataFrame, spec: FileSpec, label: str) -> list[Problem]:
    cols = list(df.columns)
    missing = [c for c in spec.columns if c not in cols]
    if not missing:
        return []
    if len(cols) == 1 and any(d in cols[0] for d in (";", "\t", "|")):
        return [
            Problem(
                label,
                1,
                cols[0],
                None,
                f"comma-separated columns {', '.join(spec.columns)} (the header uses another delimiter)",
            )
        ]
    return [
        Problem(label, 1, c, None, f"a column named '{c}' in the header (found: {', '.join(cols)})") for c in missing
    ]


# ------------------------------------------------------------------ cells

_INT = re.compile(r"^[+-]?\d+$")
_FLOAT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_CODE = re.compile(r"^\d{6}$")
_BOOL = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}


def _expect(col: Col) -> str:
    unit = f" ({col.unit})" if col.unit else ""
    return {
        "code": "a six-digit GB/T 2260 code such as 210000",
        "int": f"a whole number{unit} without separators",
        "float": f"a number{unit}",
        "bool": "true or false",
        "enum": "one of " + ", ".join(map(str, col.choices)),
        "text": "text",
    }[col.kind]


def coerce(df: pd.DataFrame, spec: FileSpec, label: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse each column to its type; every unparsable or missing cell is a problem."""
    out = pd.DataFrame(index=df.index)
    problems: list[Problem] = []
    for name, col in spec.columns.items():
        raw = df[name].fillna("").astype(str).str.strip()  # blank lines read as missing
        empty = raw == ""
        for i in raw.index[empty & (not col.nullable)]:
            problems.append(Problem(label, i + 2, name, "", _expect(col) + " (the cell is empty)"))
        if col.kind in ("int", "float"):
            pattern = _INT if col.kind == "int" else _FLOAT
            ok = raw.str.match(pattern) | empty
            for i in raw.index[~ok]:
                hint = ""
                if col.kind == "int" and re.match(r"^[+-]?[\d.]+[eE][+-]?\d+$", raw[i]):
                    hint = "; write the number in full, not in scientific notation"
                elif col.kind == "int" and _FLOAT.match(raw[i]):
                    hint = "; a decimal here often means 万人 was entered instead of persons"
                elif "," in raw[i]:
                    hint = "; remove thousands separators"
                problems.append(Problem(label, i + 2, name, raw[i], _expect(col) + hint))
            values = pd.to_numeric(raw.where(ok & ~empty), errors="coerce")
            out[name] = values.astype("Int64") if col.kind == "int" else values.astype("Float64")
        elif col.kind == "bool":
            low = raw.str.lower()
            ok = low.isin(list(_BOOL)) | empty
            for i in raw.index[~ok]:
                problems.append(Problem(label, i + 2, name, raw[i], _expect(col)))
            out[name] = low.map(_BOOL).astype("boolean")
        else:
            out[name] = raw.where(~empty, None).astype("string")
    for extra in df.columns:
        if extra not in spec.columns:
            out[extra] = df[extra].astype("string")
    return out, problems


def pandera_schema(spec: FileSpec) -> pa.DataFrameSchema:
    """Value checks on the parsed table (types are already right)."""
    # imported here: loading pandera costs about half a second, which a process reading
    # only already validated tables (see neoutflow.data.load) need not pay
    import pandera.pandas as pa

    columns = {}
    for name, col in spec.columns.items():
        checks = []
        exp = _expect(col)
        if col.kind == "code":
            checks.append(pa.Check.str_matches(_CODE.pattern, error=exp))
        if col.kind == "enum":
            checks.append(pa.Check.isin(list(col.choices), error=exp))
        if col.lower is not None:
            checks.append(
                pa.Check.ge(col.lower, error=f"a value ≥ {col.lower:g}" + (f" ({col.unit})" if col.unit else ""))
            )
        if col.upper is not None:
            checks.append(pa.Check.le(col.upper, error=f"a value ≤ {col.upper:g}"))
        columns[name] = pa.Column(nullable=True, checks=checks)
    return pa.DataFrameSchema(columns, unique=list(spec.key), report_duplicates="all", strict=False)


def run_pandera(df: pd.DataFrame, spec: FileSpec, label: str) -> list[Problem]:
    import pandera.pandas as pa

    try:
        pandera_schema(spec).validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return _from_failure_cases(exc.failure_cases, df, spec, label)
    return []


def _from_failure_cases(fc: pd.DataFrame, df: pd.DataFrame, spec: FileSpec, label: str) -> list[Problem]:
    problems = []
    for _, r in fc.iterrows():
        idx = r["index"]
        row = int(idx) + 2 if idx is not None and not pd.isna(idx) else None
        check = str(r["check"])
        column = r["column"] if isinstance(r["column"], str) else None
        if "unique" in check or "duplicates" in check:
            key = ", ".join(f"{k}={df.at[idx, k]}" for k in spec.key) if row else str(r["failure_case"])
            problems.append(
                Problem(
                    label,
                    row,
                    ",".join(spec.key),
                    key,
                    f"one row per ({', '.join(spec.key)}); this key appears more than once",
                )
            )
        elif column is None:
            continue
        else:
            problems.append(Problem(label, row, column, r["failure_case"], check))
    # one report per duplicated cell/row, in file order
    uniq = {(p.row, p.column, str(p.value), p.expected): p for p in problems}
    return sorted(uniq.values(), key=lambda p: (p.row or 0, p.column or ""))


# ------------------------------------------------------------ table checks


def _line(df: pd.DataFrame, mask) -> int | None:
    idx = df.index[mask]
    return int(idx[0]) + 2 if len(idx) else None


def check_regions(df: pd.DataFrame, label: str) -> list[Problem]:
    out = []
    prov = df[df["level"] == "province"]
    for code in sorted(set(PROVINCES) - set(prov["code"].dropna())):
        out.append(Problem(label, None, "code", code, f"a province row for {code} ({PROVINCES[code][0]})"))
    for i, r in prov.iterrows():
        if r["code"] in PROVINCES and r["region"] != PROVINCES[r["code"]][1]:
            out.append(
                Problem(
                    label,
                    i + 2,
                    "region",
                    r["region"],
                    f"{PROVINCES[r['code']][1]} (NBS four-region group of {r['code']})",
                )
            )
        if r["province_code"] != r["code"]:
            out.append(
                Problem(label, i + 2, "province_code", r["province_code"], f"{r['code']} (a province is its own)")
            )
    region_of = dict(zip(prov["code"], prov["region"], strict=False))
    for i, r in df[df["level"] == "prefecture"].iterrows():
        pc = r["province_code"]
        if pc not in region_of:
            out.append(Problem(label, i + 2, "province_code", pc, "the code of a province row in this file"))
            continue
        if isinstance(r["code"], str) and r["code"][:2] != pc[:2]:
            out.append(Problem(label, i + 2, "code", r["code"], f"a code starting with {pc[:2]} (its province {pc})"))
        if r["region"] != region_of[pc]:
            out.append(Problem(label, i + 2, "region", r["region"], f"{region_of[pc]}, the region of province {pc}"))
        if isinstance(r["code"], str) and r["code"].endswith("0000"):
            out.append(Problem(label, i + 2, "level", r["level"], "province for a code ending in 0000"))
    return out


def check_known_codes(df: pd.DataFrame, regions: pd.DataFrame, label: str, allow=()) -> list[Problem]:
    known = set(regions["code"]) | set(allow)
    bad = df["code"].notna() & ~df["code"].isin(known)
    return [
        Problem(
            label,
            i + 2,
            "code",
            df.at[i, "code"],
            "a code listed in regions.csv" + (" (or 100000 for 全国)" if allow else ""),
        )
        for i in df.index[bad]
    ]


def _levels(df: pd.DataFrame, regions: pd.DataFrame) -> pd.Series:
    return df["code"].map(dict(zip(regions["code"], regions["level"], strict=False)))


def check_provinces_each_year(df: pd.DataFrame, label: str, what: str = "") -> list[Problem]:
    """All 31 provinces for every year present, and every province has every year."""
    out = []
    prov = df[df["code"].isin(PROVINCES)]
    years = sorted(prov["year"].dropna().unique())
    for y in years:
        have = set(prov.loc[prov["year"] == y, "code"])
        for code in sorted(set(PROVINCES) - have):
            out.append(
                Problem(
                    label,
                    None,
                    "code",
                    code,
                    f"rows for province {code} ({PROVINCES[code][0]}) in {int(y)}{what}: all 31 "
                    f"provinces are needed for each year (missing province or missing year)",
                )
            )
    return out


def check_population(df: pd.DataFrame, regions: pd.DataFrame, label: str) -> list[Problem]:
    out = check_provinces_each_year(df, label)
    # complete sex × age groups for each code and year
    full = pd.MultiIndex.from_product([SEXES, AGE_GROUPS])
    counts = df.groupby(["code", "year"], sort=True).size()
    for code, year in counts.index[counts != len(full)]:
        g = df[(df["code"] == code) & (df["year"] == year)]
        missing = full.difference(pd.MultiIndex.from_frame(g[["sex", "age_group"]]), sort=False)
        if len(missing):
            miss = ", ".join(f"{s} {a}" for s, a in list(missing)[:6]) + (" …" if len(missing) > 6 else "")
            out.append(
                Problem(
                    label,
                    int(g.index[0]) + 2,
                    "age_group",
                    None,
                    f"all 18 age groups for both sexes of {code} in {int(year)}; missing: {miss}",
                )
            )
    lv = _levels(df, regions)
    # a single cell typed in 万人: far below the other age groups of the same code, year and sex
    med = df.groupby(["code", "year", "sex"])["population"].transform("median")
    small = (med >= 10_000) & (df["population"] > 0) & (df["population"] < med / 1000)
    for i in df.index[small]:
        out.append(
            Problem(
                label,
                i + 2,
                "population",
                int(df.at[i, "population"]),
                f"persons; this is under 1/1000 of the median age group of {df.at[i, 'code']} "
                f"{df.at[i, 'sex']} {int(df.at[i, 'year'])} ({int(med[i]):,}) — looks like 万人",
            )
        )
    totals = df.assign(level=lv).groupby(["code", "year", "level"], sort=True)["population"].sum().reset_index()
    out += check_totals(totals, df, label, "population")
    return out


def _check_prefecture_sums(totals, prov, df, label: str, column: str, exceptions, differences) -> list[Problem]:
    """Each province's prefectures sum to its total: exactly, within a documented tolerance
    (``exceptions``), or by a documented difference (``differences``)."""
    out: list[Problem] = []
    pref = totals[totals["level"] == "prefecture"]
    if pref.empty:
        return out
    sums = pref.groupby([pref["code"].str[:2] + "0000", "year"])["population"].sum()
    pv = prov.set_index(["code", "year"])["population"]
    for (pc, year), s in sums.items():
        if (pc, year) not in pv.index:
            continue
        p, diff = int(pv[(pc, year)]), int(s - pv[(pc, year)])
        where = _line(df, (df["code"].str[:2] == pc[:2]) & (df["year"] == year))
        name = PROVINCES.get(pc, ("",))[0]
        known = (differences or {}).get((pc, int(year)))
        if known is not None:
            if diff != known[0]:
                out.append(
                    Problem(
                        label,
                        where,
                        column,
                        int(s),
                        f"prefectures of {pc} {name} in {int(year)} to sum to the province total {p:,} "
                        f"{known[0]:+,} (the source's documented difference: {known[1]}); found a difference "
                        f"of {diff:+,}",
                    )
                )
            continue
        tol, why = (exceptions or {}).get(pc, (0.0, ""))
        if (tol == 0 and diff != 0) or abs(diff) > tol * p:
            within = "exactly" if tol == 0 else f"within {tol:.1%} ({why})"
            out.append(
                Problem(
                    label,
                    where,
                    column,
                    int(s),
                    f"prefectures of {pc} {name} in {int(year)} to sum {within} to the province total {p:,} "
                    f"(difference {diff:+,})",
                )
            )
    return out


def check_totals(
    totals: pd.DataFrame,
    df: pd.DataFrame,
    label: str,
    column: str,
    exceptions: dict | None = None,
    differences: dict | None = None,
) -> list[Problem]:
    """Magnitudes, official 31-province sums and prefecture sums, on code × year totals."""
    out = []
    first = df.reset_index().groupby(["code", "year"])["index"].min() + 2  # first CSV line of each code × year

    def line(code, year):
        return int(first.get((code, year))) if (code, year) in first.index else None

    prov = totals[totals["level"] == "province"]
    for _, r in prov[prov["population"] < PROVINCE_POPULATION_FLOOR].iterrows():
        out.append(
            Problem(
                label,
                line(r["code"], r["year"]),
                column,
                int(r["population"]),
                f"persons: {r['code']} in {int(r['year'])} totals {int(r['population']):,}, "
                f"under {PROVINCE_POPULATION_FLOOR:,} — looks like 万人 entered as persons",
            )
        )
    # any unit: a year 100 times smaller than another year of the same unit is a unit slip
    top = totals.groupby("code")["population"].transform("max")
    for i in totals.index[(totals["population"] > 0) & (totals["population"] * 100 < top)]:
        r = totals.loc[i]
        out.append(
            Problem(
                label,
                line(r["code"], r["year"]),
                column,
                int(r["population"]),
                f"persons: {r['code']} in {int(r['year'])} totals {int(r['population']):,}, under 1/100 "
                f"of its other census ({int(top[i]):,}) — looks like 万人 entered as persons",
            )
        )
    for year, g in prov.groupby("year"):
        official = PROVINCE_TOTALS.get(int(year))
        if official is None or len(g) != len(PROVINCES):
            continue
        total = int(g["population"].sum())
        if total != official:
            out.append(
                Problem(
                    label,
                    _line(df, df["year"] == year),
                    column,
                    total,
                    f"the 31 provinces to sum to the official {int(year)} total {official:,} "
                    f"(difference {total - official:+,})",
                )
            )
    out += _check_prefecture_sums(totals, prov, df, label, column, exceptions, differences)
    return out


def check_census_totals(df: pd.DataFrame, regions: pd.DataFrame, label: str) -> list[Problem]:
    out = check_provinces_each_year(df, label)
    totals = df.assign(level=_levels(df, regions))[["code", "year", "level", "population"]]
    out += check_totals(
        totals, df, label, "population", exceptions=PREFECTURE_SUM_EXCEPTIONS, differences=PREFECTURE_SUM_DIFFERENCES
    )
    return out


def check_indicator_table(
    df: pd.DataFrame, regions: pd.DataFrame, label: str, registry: dict[str, Indicator]
) -> list[Problem]:
    """Units as registered, values within bounds, no 万人/万元 magnitudes for provinces."""
    out = []
    known = df["indicator"].isin(list(registry))
    ind = df["indicator"].where(known)
    unit = ind.map({k: v.unit for k, v in registry.items()})
    lower = ind.map({k: v.lower for k, v in registry.items()}).astype(float)
    upper = ind.map({k: v.upper for k, v in registry.items()}).astype(float)
    floor = ind.map({k: v.magnitude_floor for k, v in registry.items()}).astype(float)
    v = df["value"].astype(float)
    province_like = (_levels(df, regions) == "province") | (df["code"] == NATIONAL_CODE)
    for i in df.index[known & (df["unit"] != unit)]:
        out.append(Problem(label, i + 2, "unit", df.at[i, "unit"], f"'{unit[i]}' for {ind[i]}"))
    for i in df.index[known & (v < lower)]:
        out.append(Problem(label, i + 2, "value", v[i], f"{ind[i]} ≥ {lower[i]:g} {unit[i]}"))
    for i in df.index[known & (v > upper)]:
        out.append(Problem(label, i + 2, "value", v[i], f"{ind[i]} ≤ {upper[i]:g} {unit[i]}"))
    for i in df.index[known & province_like & (v < floor)]:
        spec = registry[ind[i]]
        wan = "万元" if spec.unit == "yuan" else "万人"
        out.append(
            Problem(
                label,
                i + 2,
                "value",
                v[i],
                f"{spec.magnitude_hint} for {spec.name} of a province (≥ {spec.magnitude_floor:,g}); looks like {wan}",
            )
        )
    return sorted(out, key=lambda p: p.row or 0)


def check_shares_sum(df: pd.DataFrame, label: str) -> list[Problem]:
    """primary + secondary + tertiary employment shares add up to 100."""
    parts = ["primary_share", "secondary_share", "tertiary_share"]
    sub = df[df["indicator"].isin(parts)]
    g = sub.groupby(["code", "year"])["value"]
    total, n, first = g.sum(), g.size(), sub.reset_index().groupby(["code", "year"])["index"].min()
    bad = (n == 3) & ((total - 100).abs() > 0.05)
    return [
        Problem(
            label,
            int(first[k]) + 2,
            "value",
            float(total[k]),
            f"primary + secondary + tertiary shares of {k[0]} in {int(k[1])} to add up to 100",
        )
        for k in total.index[bad]
    ]


def check_prefecture_series(df: pd.DataFrame, regions: pd.DataFrame, label: str) -> list[Problem]:
    """Prefecture codes only; registered units and bounds; 万 vs 元 magnitude floor on every row."""
    out = check_indicator_table(df, regions, label, PREFECTURE_SERIES)
    lv = _levels(df, regions)
    for i in df.index[df["code"].notna() & (lv != "prefecture") & df["code"].isin(set(regions["code"]))]:
        out.append(Problem(label, i + 2, "code", df.at[i, "code"], "a prefecture-level code"))
    known = df["indicator"].isin(list(PREFECTURE_SERIES))
    ind = df["indicator"].where(known)
    floor = ind.map({k: v.magnitude_floor for k, v in PREFECTURE_SERIES.items()}).astype(float)
    v = df["value"].astype(float)
    for i in df.index[known & (v < floor)]:
        spec = PREFECTURE_SERIES[ind[i]]
        out.append(
            Problem(label, i + 2, "value", v[i], f"{spec.name} ≥ {spec.magnitude_floor:,g} {spec.magnitude_hint}")
        )
    return sorted(out, key=lambda p: p.row or 0)


def check_future_years(df: pd.DataFrame, label: str) -> list[Problem]:
    """No row for a year after the current one (a typo such as 2099 would silently shift fallbacks)."""
    last = latest_allowed_year()
    return [
        Problem(
            label,
            i + 2,
            "year",
            int(df.at[i, "year"]),
            f"a year up to {last} (the current year; for synthetic or test rows set the environment variable "
            f"NEOUTFLOW_LATEST_YEAR={int(df.at[i, 'year'])})",
        )
        for i in df.index[df["year"] > last]
    ]


def census_changes(df: pd.DataFrame, registry: dict[str, Indicator]) -> pd.DataFrame:
    """Each census indicator row whose ratio to the same unit's value at the previous census year in ``df``
    is outside the indicator's ``census_change`` range: index (of ``df``), prev_index, ratio, lo, hi."""
    limits = {k: v.census_change for k, v in registry.items() if v.census_change is not None}
    sub = df[df["indicator"].isin(list(limits))].sort_values(["code", "indicator", "year"])
    g = sub.groupby(["code", "indicator"], sort=False)
    prev_value = g["value"].shift()
    prev_index = pd.Series(sub.index, index=sub.index).groupby([sub["code"], sub["indicator"]], sort=False).shift()
    ratio = sub["value"].astype(float) / prev_value.astype(float)
    lo = sub["indicator"].map(lambda i: limits[i][0])
    hi = sub["indicator"].map(lambda i: limits[i][1])
    bad = (prev_value > 0) & ((ratio < lo) | (ratio > hi))
    out = pd.DataFrame({"prev_index": prev_index, "ratio": ratio, "lo": lo, "hi": hi})[bad]
    out["prev_index"] = out["prev_index"].astype(int)
    return out


def check_census_change(df: pd.DataFrame, label: str, registry: dict[str, Indicator]) -> list[Problem]:
    """A unit's census indicator changes from the previous census year within the indicator's range."""
    out = []
    for i, r in census_changes(df, registry).iterrows():
        j = int(r["prev_index"])
        out.append(
            Problem(
                label,
                i + 2,
                "value",
                float(df.at[i, "value"]),
                f"{df.at[i, 'indicator']} of {df.at[i, 'code']} in {int(df.at[i, 'year'])} within ×{r['lo']:g}…"
                f"×{r['hi']:g} of its {int(df.at[j, 'year'])} value (row {j + 2}: {_show(float(df.at[j, 'value']))}); "
                f"it is ×{r['ratio']:.2f} — check the unit (e.g. per 万人 for per 10万人) and the year",
            )
        )
    return out


def check_year_over_year(df: pd.DataFrame, label: str, registry: dict[str, Indicator]) -> list[Problem]:
    """Consecutive years of one code and indicator change by no more than the indicator's ``yoy`` range."""
    out = []
    limits = {k: v.yoy for k, v in registry.items() if v.yoy is not None}
    sub = df[df["indicator"].isin(list(limits))].sort_values(["code", "indicator", "year"])
    g = sub.groupby(["code", "indicator"], sort=False)
    prev_year, prev_value = g["year"].shift(), g["value"].shift()
    prev_row = pd.Series(sub.index, index=sub.index).groupby([sub["code"], sub["indicator"]], sort=False).shift()
    consecutive = (sub["year"] - prev_year == 1) & (prev_value > 0)
    change = sub["value"] / prev_value - 1
    for i in sub.index[consecutive]:
        lo, hi = limits[sub.at[i, "indicator"]]
        c = float(change[i])
        if lo <= c <= hi:
            continue
        ind, code, year = sub.at[i, "indicator"], sub.at[i, "code"], int(sub.at[i, "year"])
        out.append(
            Problem(
                label,
                i + 2,
                "value",
                float(sub.at[i, "value"]),
                f"{ind} of {code} to change by {lo:+.0%}…{hi:+.0%} from {year - 1} (row {int(prev_row[i]) + 2}: "
                f"{_show(float(prev_value[i]))}) to {year}; the change is {c:+.0%}",
            )
        )
    return out


def check_series(df: pd.DataFrame, regions: pd.DataFrame, label: str) -> list[Problem]:
    out = check_future_years(df, label) + check_indicator_table(df, regions, label, SERIES)
    out += check_year_over_year(df, label, SERIES)
    lv = _levels(df, regions)
    bad = df["code"].notna() & (lv != "province") & (df["code"] != NATIONAL_CODE)
    for i in df.index[bad & df["code"].isin(set(regions["code"]))]:
        out.append(Problem(label, i + 2, "code", df.at[i, "code"], "a province code or 100000 (全国)"))
    return out


# Long-form sample totals of the two birthplace matrices (SOURCE.md of vis2014_census_flow_matrices):
# 2010 = 1/10 of the 102,306,900 lifetime inter-provincial migrants; 2000 ≈ 9.5% long form. A matrix of
# another census year (imported) is checked for shape, diagonal and estimate only.
FLOW_SAMPLE_TOTALS = {2000: 7_305_955, 2010: 10_230_691}


def check_flows(df: pd.DataFrame, label: str) -> list[Problem]:
    """Each year a full 31×31 matrix of provinces, zero diagonal, the published sample total,
    and persons_estimated = persons_sample / sampling_fraction (rounded)."""
    out = []
    provinces = set(PROVINCES)
    for col in ("origin", "destination"):
        for i in df.index[~df[col].isin(provinces)]:
            out.append(Problem(label, i + 2, col, df.at[i, col], "one of the 31 province codes"))
    diag = df["origin"] == df["destination"]
    for i in df.index[diag & (df["persons_sample"] != 0)]:
        out.append(Problem(label, i + 2, "persons_sample", df.at[i, "persons_sample"], "0 on the diagonal"))
    est = (df["persons_sample"] / df["sampling_fraction"]).round()
    for i in df.index[(est - df["persons_estimated"]).abs() > 0.5]:
        out.append(
            Problem(
                label, i + 2, "persons_estimated", df.at[i, "persons_estimated"], f"{int(est[i])} (sample / fraction)"
            )
        )
    for year, part in df.groupby("year"):
        # a province with no migrants out (its row of origins) or in: a missing row or column of the
        # matrix, not a census finding; the gravity models cannot be fitted on it either
        off = part[part["origin"] != part["destination"]]
        for side, word in (
            ("origin", "born there and living in another province"),
            ("destination", "living there and born in another province"),
        ):
            sums = off.groupby(side)["persons_sample"].sum()
            for code in sums.index[sums == 0]:
                out.append(
                    Problem(
                        label,
                        None,
                        side,
                        code,
                        f"some persons {word} in {int(year)}: every cell of this province's "
                        f"{'row' if side == 'origin' else 'column'} is 0 (a province missing from the matrix?)",
                    )
                )
        if len(part) != 961 or part[["origin", "destination"]].drop_duplicates().shape[0] != 961:
            out.append(
                Problem(label, None, "year", int(year), f"961 origin × destination rows (31×31), got {len(part)}")
            )
        if part["sampling_fraction"].nunique() != 1:
            out.append(Problem(label, None, "sampling_fraction", int(year), "one sampling fraction per year"))
        want = FLOW_SAMPLE_TOTALS.get(int(year))
        total = int(part["persons_sample"].sum())
        if int(year) % 10:
            out.append(Problem(label, None, "year", int(year), "a census year (the censuses are in years ending in 0)"))
        elif want is not None and total != want:  # a new census has no published total here yet
            out.append(Problem(label, None, "persons_sample", total, f"a {int(year)} sample total of {want:,}"))
    return out


def check_life_expectancy(df: pd.DataFrame, label: str) -> list[Problem]:
    """Known codes (31 provinces + 100000), and the total between the male and female values."""
    out = [
        Problem(label, i + 2, "code", df.at[i, "code"], "a province code or 100000 (全国)")
        for i in df.index[~df["code"].isin([*PROVINCES, NATIONAL_CODE])]
    ]
    wide = df.pivot(index=["code", "year"], columns="sex", values="life_expectancy")
    for (code, year), r in wide.dropna().iterrows():
        lo, hi = sorted((r["male"], r["female"]))
        if not lo <= r["total"] <= hi:
            out.append(Problem(label, None, "life_expectancy", r["total"], f"{code} {year}: total within {lo}–{hi}"))
    return out


# -------------------------------------------------------------- entry point


def validate_frame(name: str, raw: pd.DataFrame, label: str, regions: pd.DataFrame | None) -> pd.DataFrame:
    """Validate one table read as text; returns it typed or raises DataValidationError."""
    spec = SPECS[name]
    problems = check_header(raw, spec, label)
    if problems:
        raise DataValidationError(problems)
    df, problems = coerce(raw, spec, label)
    problems += run_pandera(df, spec, label)
    if (
        name not in ("regions", "birthplace_flows", "province_life_expectancy", "projection_benchmarks")
        and regions is not None
    ):
        allow = (NATIONAL_CODE,) if name in ("province_series", "census_indicators") else ()
        problems += check_known_codes(df, regions, label, allow)
    if not problems:  # table checks need clean cells
        if name == "regions":
            problems += check_regions(df, label)
        elif name == "census_population":
            problems += check_future_years(df, label) + check_population(df, regions, label)
        elif name == "census_totals":
            problems += check_future_years(df, label) + check_census_totals(df, regions, label)
        elif name == "census_indicators":
            problems += check_indicator_table(df, regions, label, CENSUS) + check_shares_sum(df, label)
            problems += check_census_change(df, label, CENSUS)
            problems += check_future_years(df, label)
        elif name == "province_series":
            problems += check_series(df, regions, label)
        elif name == "prefecture_series":
            problems += check_prefecture_series(df, regions, label)
        elif name == "birthplace_flows":
            problems += check_future_years(df, label) + check_flows(df, label)
        elif name == "province_life_expectancy":
            problems += check_life_expectancy(df, label)
    if problems:
        raise DataValidationError(problems)
    return df


def to_plain(df: pd.DataFrame, spec: FileSpec) -> pd.DataFrame:
    """Nullable extension types → plain dtypes where no value is missing (friendlier for analysis)."""
    out = df.copy()
    for name, col in spec.columns.items():
        s = out[name]
        if col.kind == "int" and not s.isna().any():
            out[name] = s.astype("int64")
        elif col.kind == "float":
            out[name] = s.astype("float64")
        elif col.kind == "bool" and not s.isna().any():
            out[name] = s.astype(bool)
        elif col.kind in ("code", "enum", "text") and not s.isna().any():
            out[name] = s.astype(str)
    return out


__all__ = ["DataValidationError", "Problem", "SPECS", "validate_frame", "read_text_table", "detect_encoding"]
