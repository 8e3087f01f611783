"""Import an official table into ``data/raw/``: ``python -m neoutflow.data.importer FILE`` (``make import``).

Usage: ``python -m neoutflow.data.importer FILE [--kind KIND] [--year YEAR] [--boundaries TABLE] [--apply]
[--replace]``.

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
  prefecture-level rows go to ``census_population.csv``, their totals to ``census_totals.csv``, and the
  indicators its other columns give (education, industry, in-migrants, urban share, age shares) to
  ``census_indicators.csv``. The census year comes from ``--year`` or the file name. A 2010-layout table is
  on 2010 boundaries: ``--boundaries <2020-layout county table>`` regroups its counties into the 2020
  prefecture-level units of ``regions.csv``, as ``make extract`` does.
- ``census-indicators``: a yearbook county table in either layout without the population-by-age columns
  (education, industry of employment, in-migrants from other provinces, urban population): the census
  indicators of its province and prefecture-level rows go to ``census_indicators.csv``. ``--kind
  census-indicators`` reads only the indicators of a full county table.
- ``census-communique``: a census communiqué table as published, table 6-1 各地区每10万人口中拥有的各类受教育
  程度人数 (``大学（大专及以上）`` → ``college_per_100k``; the year from ``--year`` or the file name) or table 6-2
  各地区15岁及以上人口平均受教育年限 (one column per census → ``years_of_schooling``), to ``census_indicators.csv``.
  These official figures outrank the values computed from yearbook counts: a yearbook import keeps them.
  Table 3-1 (各地区人口) and the age and sex composition tables are recognised and refused with the reason
  (the project takes those figures from the yearbook tables).
- ``sample-survey``: the province table of a 1% population sample survey communiqué (a title naming
  ``1%人口抽样调查`` and ``各地区人口``, a unit line ``单位：人`` or ``单位：万人``, a header row ``地区 | 人口数 …``):
  the 31 provinces' resident population at the survey date goes to ``census_totals.csv`` (source
  ``sample_survey_<year>``); the year from ``--year``, the title or the file name. The projection chapter
  compares its first step with it.
- ``city-yearbook``: a China City Statistical Yearbook prefecture table (中国城市统计年鉴, 全市): the
  yearbook's layout (``城市`` | ``区划代码`` | ``年份`` | ``<label>(<unit>)`` … such as ``地区生产总值(万元)``,
  ``在岗职工平均工资(元)``, ``年末总人口(万人)``, optionally over a ``全市 | 市辖区`` row) or the CSMAR city
  export (``Sgnyea``, ``Ctnm_id``, field codes ``Eect13``, ``Gdpct01`` …). Rows go to
  ``prefecture_series.csv`` (2020 codes, units converted); the data year comes from ``年份`` or ``--year``.
- ``birthplace-matrix``: a census birthplace matrix (按现住地和出生地分的人口, long-form sample counts):
  a header row ``现住地\\出生地 | 北京 | 天津 … 新疆`` and one row per province, both in the NBS order, or
  the chord-diagram script of the shipped source (``var city_name``, ``var population``). Rows go to
  ``birthplace_flows.csv``; the census year comes from ``--year``, the title or the file name.

By default nothing is written: the plan (rows added, changed old → new, left alone, per file and indicator)
is printed. ``--apply`` writes it: the merged tables are written into a staged copy of ``data/raw/`` and
validated there (the checks of ``make data``) before any file is replaced; a value that differs from the
one already in the file is refused unless ``--replace``. The source file (name, sha256, table, unit, date)
is recorded under the resource's ``imports`` in ``data/datapackage.json``. The files and the record are
replaced together or not at all: a journal (``data/.import-journal/``, see :mod:`neoutflow.data.journal`)
is written first, and an import interrupted half-way is rolled back by the next import or ``make data``.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import pandas as pd

from neoutflow import paths
from neoutflow.data.importer.birthplace import BIRTHPLACE, read_birthplace
from neoutflow.data.importer.census_communique import CENSUS_COMMUNIQUE, read_communique
from neoutflow.data.importer.census_indicators import CENSUS_INDICATORS, read_census_indicators
from neoutflow.data.importer.census_yearbook import CENSUS_YEARBOOK, read_census_yearbook
from neoutflow.data.importer.city_yearbook import CITY_YEARBOOK, read_city_yearbook
from neoutflow.data.importer.core import (
    IMPORT_COMMAND,
    ConflictError,
    ImportFailure,
    Layout,
    LayoutError,
    Plan,
    RegionError,
    Source,
    UnitError,
    YearError,
    read_grid,
    text_of,
)
from neoutflow.data.importer.merge import KEYS, apply, describe, merge, plan
from neoutflow.data.importer.portal import CRAWL, PORTAL, read_crawl, read_portal
from neoutflow.data.importer.sample_survey import SAMPLE_SURVEY, read_survey
from neoutflow.data.indicators import SERIES

__all__ = [
    "KEYS",
    "KINDS",
    "LAYOUTS",
    "ConflictError",
    "ImportFailure",
    "LayoutError",
    "RegionError",
    "UnitError",
    "YearError",
    "apply",
    "describe",
    "detect",
    "main",
    "merge",
    "plan",
    "read_birthplace",
    "read_census_indicators",
    "read_census_yearbook",
    "read_city_yearbook",
    "read_communique",
    "read_crawl",
    "read_portal",
    "read_source",
    "read_survey",
    "run",
]

# The layouts, in the order they are tried when detecting (the first that recognises the file wins).
LAYOUTS: tuple[Layout, ...] = (
    PORTAL,
    CRAWL,
    CENSUS_YEARBOOK,
    CENSUS_INDICATORS,
    SAMPLE_SURVEY,  # before the census communiqué: its province table is titled like table 3-1
    CENSUS_COMMUNIQUE,
    CITY_YEARBOOK,
    BIRTHPLACE,
)
KINDS = tuple(layout.kind for layout in LAYOUTS)
BOUNDARY_KINDS = (CENSUS_YEARBOOK.kind, CENSUS_INDICATORS.kind)
_BY_KIND = {layout.kind: layout for layout in LAYOUTS}


def default_source(path: Path, kind: str) -> str:
    """The source key of the rows: a folder of ``../shared/sources`` the file sits in, else the layout's."""
    from neoutflow.data.provenance import REPOS

    parts = Path(path).resolve().parts
    for p in reversed(parts[:-1]):
        if p in REPOS:
            return p
    return _BY_KIND[kind].source


def detect(grid: pd.DataFrame) -> str | None:
    return next((layout.kind for layout in LAYOUTS if layout.detect(grid)), None)


def read_source(
    path: Path,
    raw_dir: Path | None = None,
    kind: str | None = None,
    year: int | None = None,
    source: str | None = None,
    indicators=None,
    boundaries: Path | None = None,
    diagonal: bool = False,
    zero_cells: bool = False,
) -> Source:
    """Read and convert one file; raises :class:`ImportFailure` naming what was expected.

    ``boundaries``: for a census yearbook table on older boundaries, the county table on the project's
    boundaries its counties are regrouped by (``--boundaries``).
    """
    path, raw_dir = Path(path), Path(raw_dir or paths.RAW)
    if kind is not None and kind not in KINDS:
        raise ImportFailure(f"unknown --kind {kind!r}; choose from {', '.join(KINDS)}")
    # a container only some layout reads (a script) has its own grid reader
    grids = {suffix: reader for layout in LAYOUTS for suffix, reader in layout.grids.items()}
    grid = grids.get(path.suffix.lower(), read_grid)(path)
    if grid.empty:
        raise LayoutError(f"{path.name}: the file is empty")
    kind = kind or detect(grid)
    if kind is None:
        raise LayoutError(
            f"{path.name}: layout not recognised. Expected one of: "
            + "; ".join(layout.expected for layout in LAYOUTS)
            + f". First row found: {[text_of(v) for v in grid.iloc[0][:6]]}. A layout not listed is not supported: "
            "export the figures again in one of these layouts, or add the rows by hand in the tidy format of "
            "data/README.md. If the file was cut short (an interrupted download), get it again"
        )
    src = source or default_source(path, kind)
    options = {"year": year, "indicators": indicators}
    if boundaries is not None:
        if kind not in BOUNDARY_KINDS:
            raise ImportFailure(f"{path.name}: --boundaries applies to {' and '.join(BOUNDARY_KINDS)} tables only")
        options["boundaries"] = Path(boundaries)
    if diagonal or zero_cells:
        if kind != BIRTHPLACE.kind:
            raise ImportFailure(f"{path.name}: --diagonal and --zero-cells apply to {BIRTHPLACE.kind} tables only")
        options.update(diagonal=diagonal, zero_cells=zero_cells)
    parts = _BY_KIND[kind].read(path, raw_dir, src, grid, **options)
    return Source(path, kind, parts, hashlib.sha256(path.read_bytes()).hexdigest())


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
    boundaries: Path | None = None,
    diagonal: bool = False,
    zero_cells: bool = False,
) -> Plan:
    raw_dir = Path(raw_dir or paths.RAW)
    from neoutflow.data import journal

    for line in journal.recover(raw_dir.parent):  # an earlier import killed half-way: undo it first
        echo(f"note: {line}")
    src = read_source(file, raw_dir, kind, year, source, indicators, boundaries, diagonal, zero_cells)
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
    ap.add_argument(
        "--year",
        type=int,
        help="census year of a census table or birthplace matrix (default: from the file name), or the "
        "data year of a city-yearbook table (default: its 年份 column)",
    )
    ap.add_argument(
        "--boundaries",
        type=Path,
        help="a 2020-layout county table by which the counties of a 2010-layout yearbook table are regrouped",
    )
    ap.add_argument(
        "--diagonal",
        action="store_true",
        help="birthplace matrix: the table prints those living in their province of birth on the diagonal "
        "(counted and left out; otherwise a non-zero diagonal cell is refused)",
    )
    ap.add_argument(
        "--zero-cells",
        action="store_true",
        help="birthplace matrix: the table has zeros off the diagonal in otherwise full rows (otherwise refused)",
    )
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
            boundaries=args.boundaries,
            diagonal=args.diagonal,
            zero_cells=args.zero_cells,
        )
    except ImportFailure as exc:
        print(f"import: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
