"""The province totals of a 1% population sample survey (``sample-survey``) → ``census_totals.csv``.

The survey communiqué (全国1%人口抽样调查主要数据公报) publishes the resident population of each province at
the survey's reference date (1 November) in a table like the census communiqué's table 3-1: a title row
naming the survey (``…1%人口抽样调查…``) and the table (``各地区人口`` / ``各地区常住人口``), a unit line
(``单位：人`` or ``单位：万人``), a header row starting ``地区`` with a column ``人口数`` (or ``常住人口``), and one
row per province (names spaced like ``北  京``, notes like ``全 国[1]``); a share column (``比重``) is ignored.

The year comes from ``--year``, the title or the file name. The 31 provinces' rows go to ``census_totals.csv``
with ``source`` ``sample_survey_<year>`` and ``boundary`` ``as enumerated``; the national row is not stored
(the 31-province file has no national total). The projection chapter compares its first step with them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from neoutflow import paths
from neoutflow.data.importer.census_communique import squeeze
from neoutflow.data.importer.core import (
    ImportFailure,
    Layout,
    LayoutError,
    Parsed,
    UnitError,
    YearError,
    check_year,
    code_of,
    number_of,
    read_grid,
    region_names,
)
from neoutflow.reference import NATIONAL_CODE

KIND = "sample-survey"
SOURCE_PREFIX = "sample_survey_"
SURVEY_MARK = "1%人口抽样调查"
TABLE_TITLES = ("各地区常住人口", "各地区人口")
VALUE_COLUMNS = ("人口数", "常住人口", "常住人口数")
UNITS = {"人": 1, "万人": 10_000}  # printed unit → persons


def _title(grid: pd.DataFrame) -> str:
    return "".join(squeeze(v) for v in grid.iloc[: min(len(grid), 3), 0])


def looks_like_survey(grid: pd.DataFrame) -> bool:
    title = _title(grid) if len(grid) else ""
    return SURVEY_MARK in title and any(t in title for t in TABLE_TITLES)


def _year(title: str, path: Path, year: int | None, where: str) -> int:
    if year is None:
        found = set(re.findall(r"(?<!\d)(20\d\d)(?!\d)", title)) or set(
            re.findall(r"(?<!\d)(20\d\d)(?!\d)", Path(path).name)
        )
        if len(found) != 1:
            raise YearError(f"{where}: give the survey year with --year (the title and the file name do not say it)")
        year = int(found.pop())
    return check_year(int(year), where)


def _layout(grid: pd.DataFrame, where: str) -> tuple[int, int, float]:
    """(header row, value column, factor to persons)."""
    first = [squeeze(v) for v in grid.iloc[:, 0]]
    header_row = next((i for i, t in enumerate(first[:8]) if t.startswith("地区")), None)
    if header_row is None:
        raise LayoutError(f"{where}: expected a header row whose first cell is '地区' within the first 8 rows")
    header = [squeeze(v) for v in grid.iloc[header_row]]
    column = next((header.index(c) for c in VALUE_COLUMNS if c in header), None)
    if column is None:
        raise LayoutError(
            f"{where}: expected a column {' or '.join(repr(c) for c in VALUE_COLUMNS)} in header row "
            f"{header_row + 1}; found {[h for h in header if h]}"
        )
    cells = [squeeze(v) for v in grid.iloc[: header_row + 1].to_numpy().ravel()]
    unit = next((re.split(r"单位[：:]", c, maxsplit=1)[1] for c in cells if re.search(r"单位[：:]", c)), "")
    unit = unit or next((u for u in UNITS if f"({u})" in header[column]), "")
    if unit not in UNITS:
        raise UnitError(
            f"{where}: the table is in {unit or '(no unit stated)'!r}; expected '单位：人' or '单位：万人' "
            "(stored as persons)"
        )
    return header_row, column, UNITS[unit]


def read_survey(path: Path, raw_dir: Path | None, year: int | None = None, grid=None) -> list[Parsed]:
    """A survey communiqué's province table → census_totals rows of the 31 provinces (persons)."""
    path = Path(path)
    grid = read_grid(path) if grid is None else grid
    where = path.name
    if not looks_like_survey(grid):
        raise LayoutError(
            f"{where}: expected a 1% sample survey table titled '…{SURVEY_MARK}…{TABLE_TITLES[1]}' in the first rows; "
            f"found {_title(grid)[:40]!r}"
        )
    survey_year = _year(_title(grid), path, year, where)
    header_row, column, factor = _layout(grid, where)
    names = region_names(Path(raw_dir or paths.RAW))
    records, seen = [], {}
    for i in range(header_row + 1, len(grid)):
        name = squeeze(grid.iat[i, 0])
        if not name or name.startswith(("地区", "注", "数据来源")):
            continue
        value = number_of(grid.iat[i, column], f"{where} row {i + 1} column {column + 1} ({name})")
        if value is None:
            continue
        code = code_of(name, names, f"{where} row {i + 1}")
        if code == NATIONAL_CODE:
            continue
        if code in seen:
            raise LayoutError(f"{where}: rows {seen[code]} and {i + 1} are both {name}")
        seen[code] = i + 1
        records.append((code, survey_year, round(value * factor), SOURCE_PREFIX + str(survey_year), "as enumerated"))
    if not records:
        raise LayoutError(f"{where}: no province values below header row {header_row + 1}")
    rows = pd.DataFrame(records, columns=["code", "year", "population", "source", "boundary"])
    label = f"{survey_year} 1% population sample survey, resident population by province"
    return [Parsed("census_totals", rows.sort_values(["code", "year"]).reset_index(drop=True), label, "persons", KIND)]


def _read(path, raw_dir, source, grid, year=None, indicators=None, boundaries=None) -> list[Parsed]:
    if boundaries is not None:
        raise ImportFailure(f"{Path(path).name}: --boundaries applies to census yearbook county tables only")
    return read_survey(path, raw_dir, year, grid)


SAMPLE_SURVEY = Layout(
    KIND,
    "sample_survey",
    f"a 1% sample survey communiqué table (a title row with '{SURVEY_MARK}' and '{TABLE_TITLES[1]}', a unit line, "
    f"then a header row starting '地区' with a column '{VALUE_COLUMNS[0]}')",
    looks_like_survey,
    _read,
)
