"""Census communiqué tables (``census-communique``) → ``census_indicators.csv``.

The tables of the census communiqués (人口普查公报) the project reads, as published (a title row, a header
row starting ``地区``, one row per region, names spaced like ``北  京`` and notes like ``全 国[5]``):

- table 6-1 各地区每10万人口中拥有的各类受教育程度人数: the column ``大学（大专及以上）`` → ``college_per_100k``
  (unit ``单位：人/10万人``; per 10,000 or % are converted). The table names no year: ``--year`` or the file name.
- table 6-2 各地区15岁及以上人口平均受教育年限: one column per census (``2020年``, ``2010年``) →
  ``years_of_schooling`` (years).

Rows are written with the source ``communique_6-1`` / ``communique_6-2``; these official figures outrank the
values computed from yearbook counts (``source_rank``), so a later yearbook import leaves them alone.

Not imported, with the reason given when such a table is passed: table 3-1 各地区人口 (its 2020 persons are
already the census totals of the 31 provinces, its 2010 column is a share of a national total that includes
the military, and the project has no population indicator; province totals of a new census come with the
yearbook's age table, which the analysis needs anyway), and the age and sex composition tables (computed
from the yearbook's counts by sex and age).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from neoutflow.data.importer.census_indicators import indicator_frame
from neoutflow.data.importer.core import (
    YEAR_CELL,
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
    text_of,
)
from neoutflow.data.indicators import CENSUS

SOURCE_PREFIX = "communique_"


@dataclass(frozen=True)
class CommuniqueTable:
    number: str  # the communiqué's table number, e.g. "6-1"
    title: str  # as printed, without spaces
    indicator: str
    column: str | None  # header of the value column; None: one column per census year ("2020年" …)
    units: dict[str, float]  # printed unit → factor to the project's unit; "" = the table prints none


TABLES = (
    CommuniqueTable(
        "6-1",
        "各地区每10万人口中拥有的各类受教育程度人数",
        "college_per_100k",
        "大学(大专及以上)",
        {"人/10万人": 1, "人/万人": 10, "%": 1_000},
    ),
    CommuniqueTable("6-2", "各地区15岁及以上人口平均受教育年限", "years_of_schooling", None, {"": 1, "年": 1}),
)
# Communiqué tables recognised but not imported, and why.
NOT_IMPORTED = {
    "各地区人口年龄构成": "age shares are computed from the yearbook's population by sex and age (census-yearbook)",
    "各地区性别构成": "sex shares are computed from the yearbook's population by sex and age (census-yearbook)",
    "全国人口年龄构成": "age shares are computed from the yearbook's population by sex and age (census-yearbook)",
    "各地区人口": "table 3-1's persons are the census totals of the 31 provinces already in census_totals.csv, "
    "its 2010 column is a share of a national total that includes the military, and the province totals of a "
    "new census come with the yearbook's table by sex and age (census-yearbook), which the analysis needs anyway",
}
_NOTE = re.compile(r"\[\d+\]|［\d+］")


def squeeze(text) -> str:
    """A cell without spaces, line breaks and notes, with ASCII brackets: ``"全 国[5]"`` → ``"全国"``."""
    t = re.sub(r"\s+", "", _NOTE.sub("", text_of(text)))
    return t.replace("（", "(").replace("）", ")")


def source_rank(source: str) -> int:
    """Communiqué figures (1) outrank values computed from yearbook counts (0)."""
    return 1 if str(source).startswith(SOURCE_PREFIX) else 0


def _title(grid: pd.DataFrame) -> str:
    return "".join(squeeze(v) for v in grid.iloc[: min(len(grid), 3), 0])


def which_table(grid: pd.DataFrame) -> CommuniqueTable | str | None:
    """The communiqué table of a grid, the title of one not imported, or None."""
    if not len(grid):
        return None
    title = _title(grid)
    for t in TABLES:
        if t.title in title:
            return t
    # longest first: 各地区人口 is the start of 各地区人口年龄构成
    return next((name for name in sorted(NOT_IMPORTED, key=len, reverse=True) if name in title), None)


def looks_like_communique(grid: pd.DataFrame) -> bool:
    return which_table(grid) is not None


def _unit(cells: list[str]) -> str:
    for c in cells:
        if "单位：" in c or "单位:" in c:
            return re.split(r"单位[：:]", c, maxsplit=1)[1]
    return ""


def _year_of_name(path: Path) -> int | None:
    found = re.findall(r"(?<!\d)(19\d\d|20\d\d)(?!\d)", Path(path).name)
    return int(found[0]) if len(set(found)) == 1 else None


def _year_columns(table, header: list[str], header_row: int, path: Path, year: int | None, where: str) -> dict:
    """Column index -> census year: the one named column of a single-year table (year from ``year`` or the file
    name), or every '2020年' … column of a table with one column per census."""
    if table.column is not None:
        if table.column not in header:
            raise LayoutError(
                f"{where}: table {table.number} needs the column '{table.column}' in header row {header_row + 1}; "
                f"found {[h for h in header if h]}"
            )
        year = year or _year_of_name(path)
        if year is None:
            raise YearError(f"{where}: give the census year with --year (the table and the file name do not say it)")
        return {header.index(table.column): check_year(year, where)}
    columns = {
        j: check_year(int(YEAR_CELL.match(h).group(1)), f"{where} header row {header_row + 1} column {j + 1}")
        for j, h in enumerate(header)
        if j and YEAR_CELL.match(h)
    }
    if not columns:
        raise LayoutError(
            f"{where}: table {table.number} needs one column per census year ('2020年' …) in header row "
            f"{header_row + 1}; found {[h for h in header if h]}"
        )
    return columns


def read_communique(
    path: Path,
    raw_dir: Path | None,
    year: int | None = None,
    grid: pd.DataFrame | None = None,
    names: dict[str, str] | None = None,
) -> list[Parsed]:
    """A communiqué table 6-1 or 6-2 → census_indicators rows (the 31 provinces and 全国).

    ``names``: region name → code (default: the provinces of ``raw_dir``/regions.csv, full and short, and 全国).
    """
    path = Path(path)
    grid = read_grid(path) if grid is None else grid
    where = path.name
    table = which_table(grid)
    if table is None:
        raise LayoutError(
            f"{where}: expected a census communiqué table titled "
            + " or ".join(f"'{t.title}' (table {t.number})" for t in TABLES)
            + f" in the first rows; found {_title(grid)[:40]!r}"
        )
    if isinstance(table, str):
        raise LayoutError(f"{where}: communiqué table '{table}' is not imported: {NOT_IMPORTED[table]}")
    first = [squeeze(v) for v in grid.iloc[:, 0]]
    header_row = next((i for i, t in enumerate(first[:8]) if t.startswith("地区")), None)
    if header_row is None:
        raise LayoutError(f"{where}: expected a header row whose first cell is '地区' within the first 8 rows")
    header = [squeeze(v) for v in grid.iloc[header_row]]
    unit = _unit([squeeze(v) for v in grid.iloc[: header_row + 1].to_numpy().ravel()])
    if unit not in table.units:
        accepted = " or ".join(f"'单位：{u}'" if u else "no unit line" for u in table.units)
        raise UnitError(
            f"{where}: table {table.number} is in {unit or '(no unit stated)'!r} but the project expects {accepted} "
            f"(stored as {CENSUS[table.indicator].unit}); convert the file first"
        )
    factor = table.units[unit]
    columns = _year_columns(table, header, header_row, path, year, where)
    names = names or region_names(raw_dir)
    records, seen = [], {}
    titles = {t.title for t in TABLES}
    for i in range(header_row + 1, len(grid)):
        name = first[i]
        if not name or name.startswith(("地区", "注", "数据来源")) or name in titles:
            continue  # blank lines, a repeated header, notes
        cells = {j: grid.iat[i, j] if j < grid.shape[1] else None for j in columns}
        values = {j: number_of(v, f"{where} row {i + 1} column {j + 1} ({name})") for j, v in cells.items()}
        if all(v is None for v in values.values()):
            continue
        code = code_of(name, names, f"{where} row {i + 1}")
        if code in seen:
            raise LayoutError(f"{where}: rows {seen[code]} and {i + 1} are both {name}")
        seen[code] = i + 1
        for j, v in values.items():
            if v is not None:
                records.append((code, columns[j], table.indicator, v * factor, SOURCE_PREFIX + table.number))
    if not records:
        raise LayoutError(f"{where}: table {table.number} has no values below header row {header_row + 1}")
    rows = indicator_frame(pd.DataFrame(records, columns=["code", "year", "indicator", "value", "source"]))
    years = ", ".join(map(str, sorted(set(columns.values()))))
    label = f"census communiqué table {table.number} {table.title}, census {years}"
    return [Parsed("census_indicators", rows, label, unit or "年", "census-communique")]


def _read(path, raw_dir, source, grid, year=None, indicators=None, boundaries=None) -> list[Parsed]:
    if boundaries is not None:
        raise ImportFailure(f"{Path(path).name}: --boundaries applies to census yearbook county tables only")
    return read_communique(path, raw_dir, year, grid)


CENSUS_COMMUNIQUE = Layout(
    "census-communique",
    "communique",
    "a census communiqué table ("
    + " or ".join(f"{t.number} '{t.title}'" for t in TABLES)
    + ", a title row, then a header row starting '地区')",
    looks_like_communique,
    _read,
)
