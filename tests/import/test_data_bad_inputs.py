"""A corpus of bad inputs: each corrupts one thing in a copy of data/raw.

Every case must make ``make data`` (``neoutflow.data.run``) fail with a message
naming the file, the CSV line and the column (missing rows have no line: the
message then names the key), and leave ``data/processed/`` and
``datapackage.json`` exactly as they were. A few cases also run
``python -m neoutflow.data`` in a subprocess with NEOUTFLOW_ROOT pointing at
the copy, to check the exit code and that no traceback is printed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from data_helpers import copy_project_data, find_line, read_lines, set_field, tree_digest, write_lines

from neoutflow import data
from neoutflow.data import make


@dataclass
class Expect:
    file: str
    row: int | None
    column: str | None
    contains: tuple[str, ...] = ()


# ------------------------------------------------------------ corruptions
# Each takes data/raw of a copy, corrupts it, and returns what the message must say.


def cell_case(name: str, file: str, row_prefix: str, column: str, value: str, contains: tuple[str, ...]):
    """A corruption that sets one cell: ``column`` of the row starting ``row_prefix`` in ``file``."""

    def corrupt(raw: Path) -> Expect:
        n = set_field(raw / file, row_prefix, column, value)
        return Expect(file, n, column, contains)

    corrupt.__name__ = name
    return corrupt


# One wrong cell each. name: (file, start of the row, column, bad value, what the message must say)
CELL_CASES = {
    "negative_count": ("census_population.csv", "210100,2020,female,30-34,", "population", "-512", ("-512", "≥ 0")),
    "wan_slip_total": ("census_totals.csv", "220000,2020,", "population", "2407", ("2407", "万人")),
    "wan_slip_cell": ("census_population.csv", "230000,2010,male,40-44,", "population", "189", ("189", "万人")),
    "wan_decimal": ("census_population.csv", "210000,2020,male,25-29,", "population", "143.52", ("143.52", "万人")),
    "wage_in_wan_yuan": ("province_series.csv", "110000,2010,avg_wage,", "value", "6.5158", ("6.5158", "万元")),
    "text_in_numeric": ("province_series.csv", "210000,2015,gdp,", "value", "n/a", ("'n/a'", "a number")),
    "thousands_separator": ("census_totals.csv", "230000,2000,", "population", "36,237,576", ("thousands separators",)),
    "unknown_code": ("census_indicators.csv", "220100,2020,urban_share,", "code", "229900", ("229900", "regions.csv")),
    "share_over_100": ("census_indicators.csv", "210000,2020,urban_share,", "value", "172.14", ("172.14", "≤ 100")),
    "bad_sex": ("census_population.csv", "110000,2020,male,0-4,", "sex", "M", ("'M'", "male, female")),
    "wrong_unit": ("province_series.csv", "210000,2010,yearend_population,", "unit", "万人", ("'万人'", "'persons'")),
    "unknown_indicator": (
        "census_indicators.csv",
        "230000,2010,urban_share,",
        "indicator",
        "urbanisation",
        ("'urbanisation'", "urban_share"),
    ),
    "wrong_region": ("regions.csv", "220000,", "region", "east", ("'east'", "northeast")),
}
CELL_CORRUPTIONS = [cell_case(name, *spec) for name, spec in CELL_CASES.items()]


def missing_province(raw: Path) -> Expect:
    p = raw / "census_population.csv"
    write_lines(p, [ln for ln in read_lines(p) if not ln.startswith("220000,2020,")])
    return Expect("census_population.csv", None, "code", ("220000", "2020", "Jilin"))


def duplicate_row(raw: Path) -> Expect:
    p = raw / "census_totals.csv"
    lines = read_lines(p)
    n = find_line(p, "210000,2010,")
    lines.insert(n, lines[n - 1])  # the same row again, on line n + 1
    write_lines(p, lines)
    return Expect("census_totals.csv", n, "code,year", ("more than once",))


def missing_year(raw: Path) -> Expect:
    p = raw / "census_totals.csv"
    write_lines(p, [ln for ln in read_lines(p) if not ln.startswith("210000,2000,")])
    return Expect("census_totals.csv", None, "code", ("210000", "2000"))


def prefecture_sum_mismatch(raw: Path) -> Expect:
    p = raw / "census_population.csv"
    set_field(p, "220100,2020,male,20-24,", "population", "900000")
    first = find_line(p, "220000,2020,")  # the first row of Jilin in 2020
    return Expect("census_population.csv", first, "population", ("prefectures of 220000 Jilin in 2020", "exactly"))


def _add(path: Path, prefix: str, column: str, delta: int) -> int:
    """Add ``delta`` to an integer cell; returns its line."""
    line = read_lines(path)[find_line(path, prefix) - 1]
    header = read_lines(path)[0].split(",")
    return set_field(path, prefix, column, str(int(line.split(",")[header.index(column)]) + delta))


# Plausibility (issue 17): each of these passed validation before.


def wage_times_ten(raw: Path) -> Expect:
    """Liaoning's 2010 wage ×10: a year-over-year jump naming both rows and values."""
    p = raw / "province_series.csv"
    n = set_field(p, "210000,2010,avg_wage,", "value", "344370")
    prev = find_line(p, "210000,2009,avg_wage,")
    return Expect("province_series.csv", n, "value", ("344370", f"row {prev}: ", "avg_wage of 210000", "+60%"))


def year_in_future(raw: Path) -> Expect:
    """A 2099 row: years after the current year are rejected."""
    p = raw / "province_series.csv"
    n = set_field(p, "210000,2010,avg_wage,", "year", "2099")
    return Expect("province_series.csv", n, "year", ("2099", "current year"))


def persons_moved_between_prefectures(raw: Path) -> Expect:
    """100,000 persons moved from 沈阳 to 长春 (2020): both provinces' prefecture sums are off by exactly that."""
    p = raw / "census_population.csv"
    _add(p, "210100,2020,male,30-34,", "population", -100_000)
    _add(p, "220100,2020,male,30-34,", "population", 100_000)
    first = find_line(p, "210000,2020,")
    return Expect("census_population.csv", first, "population", ("210000 Liaoning in 2020", "exactly", "-100,000"))


def persons_moved_between_provinces(raw: Path) -> Expect:
    """100,000 persons moved from 辽宁 to 黑龙江 in every row, totals edited to match: the city file disagrees."""
    cp, ct = raw / "census_population.csv", raw / "census_totals.csv"
    for code, delta in (("210", -100_000), ("230", 100_000)):
        _add(cp, f"{code}000,2020,male,30-34,", "population", delta)
        _add(cp, f"{code}100,2020,male,30-34,", "population", delta)
        _add(ct, f"{code}000,2020,", "population", delta)
    first = find_line(ct, "210000,2020,")
    return Expect("census_totals.csv", first, "population", ("210000 Liaoning in 2020", "exactly", "+100,000"))


def prefecture_totals_disagree(raw: Path) -> Expect:
    """A census_totals prefecture figure edited (province sum kept): compared with census_population."""
    ct = raw / "census_totals.csv"
    _add(ct, "210100,2020,", "population", -50_000)
    _add(ct, "210200,2020,", "population", 50_000)
    return Expect("census_population.csv", None, "population", ("210100", "census_totals.csv", "+50,000"))


def missing_column(raw: Path) -> Expect:
    p = raw / "census_totals.csv"
    lines = read_lines(p)
    write_lines(p, [",".join(c for i, c in enumerate(ln.split(",")) if i != 2) if ln else ln for ln in lines])
    return Expect("census_totals.csv", 1, "population", ("a column named 'population'",))


def missing_age_group(raw: Path) -> Expect:
    p = raw / "census_population.csv"
    drop = find_line(p, "210100,2010,female,85+,")
    lines = read_lines(p)
    del lines[drop - 1]
    write_lines(p, lines)
    first = find_line(p, "210100,2010,")
    return Expect("census_population.csv", first, "age_group", ("210100", "female 85+"))


def empty_file(raw: Path) -> Expect:
    (raw / "census_indicators.csv").write_bytes(b"")
    return Expect("census_indicators.csv", 1, None, ("empty",))


def wrong_delimiter(raw: Path) -> Expect:
    p = raw / "census_totals.csv"
    p.write_text(p.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    return Expect("census_totals.csv", 1, "code;year;population;source;boundary", ("delimiter",))


def official_total(raw: Path) -> Expect:
    p = raw / "census_population.csv"
    line = read_lines(p)[find_line(p, "210000,2010,female,0-4,") - 1]
    set_field(p, "210000,2010,female,0-4,", "population", str(int(line.split(",")[-1]) + 1))
    first = find_line(p, "110000,2010,")
    return Expect("census_population.csv", first, "population", ("official 2010 total 1,332,810,869",))


def blank_line(raw: Path) -> Expect:
    p = raw / "census_totals.csv"
    lines = read_lines(p)
    lines.insert(9, "")  # becomes line 10
    write_lines(p, lines)
    return Expect("census_totals.csv", 10, "code", ("empty",))


def not_text(raw: Path) -> Expect:
    (raw / "census_totals.csv").write_bytes(bytes(range(128, 256)) * 4)
    return Expect("census_totals.csv", None, None, ("UTF-8", "GBK"))


def boundary_unknown_code(raw: Path) -> Expect:
    p = raw / "boundaries" / "provinces.geojson"
    text = p.read_text(encoding="utf-8")
    p.write_text(text.replace('"code":"230000"', '"code":"239900"', 1), encoding="utf-8")
    return Expect("boundaries/provinces.geojson", 8, "code", ("239900", "regions.csv"))


def utf16_without_bom(raw: Path) -> Expect:
    p = raw / "census_totals.csv"
    p.write_bytes(p.read_text(encoding="utf-8").encode("utf-16-le"))
    return Expect("census_totals.csv", None, None, ("UTF-16", "CSV UTF-8"))


def scientific_notation(raw: Path) -> Expect:
    n = set_field(raw / "census_totals.csv", "230000,2000,", "population", "1.2e6")
    return Expect("census_totals.csv", n, "population", ("1.2e6", "scientific notation"))


CASES = [
    utf16_without_bom,
    scientific_notation,
    missing_province,
    duplicate_row,
    missing_year,
    prefecture_sum_mismatch,
    missing_column,
    missing_age_group,
    empty_file,
    wrong_delimiter,
    official_total,
    blank_line,
    not_text,
    boundary_unknown_code,
    wage_times_ten,
    year_in_future,
    persons_moved_between_prefectures,
    persons_moved_between_provinces,
    prefecture_totals_disagree,
    *CELL_CORRUPTIONS,
]
BY_NAME = {case.__name__: case for case in CASES}


# ----------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def built_project(tmp_path_factory):
    """A project copy with a good data/processed/ built once."""
    root = copy_project_data(tmp_path_factory.mktemp("good") / "proj")
    rc = make.run(
        root / "data" / "raw",
        root / "data" / "processed",
        root / "data" / "datapackage.json",
        echo=lambda *a, **k: None,
    )
    assert rc == 0
    return root


@pytest.fixture
def project(built_project, tmp_path):
    dest = tmp_path / "proj"
    shutil.copytree(built_project, dest)
    return dest


class Capture:
    def __init__(self):
        self.lines: list[str] = []

    def __call__(self, msg: str, err: bool = False) -> None:
        self.lines.append(msg)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def run_make_data(root: Path) -> tuple[int, str]:
    cap = Capture()
    rc = make.run(root / "data" / "raw", root / "data" / "processed", root / "data" / "datapackage.json", echo=cap)
    return rc, cap.text


def assert_names(msg: str, exp: Expect) -> None:
    assert exp.file in msg, msg
    if exp.row is not None:
        assert f"row {exp.row}," in msg, msg
    if exp.column is not None:
        assert f"column '{exp.column}'" in msg, msg
    for s in exp.contains:
        assert s in msg, f"{s!r} not in:\n{msg}"


# -------------------------------------------------------------------- tests


def test_corpus_is_large_enough():
    assert len(CASES) >= 15


@pytest.mark.parametrize("corrupt", CASES, ids=[c.__name__ for c in CASES])
def test_bad_input_fails_clearly_and_changes_nothing(project, corrupt):
    raw = project / "data" / "raw"
    before_processed = tree_digest(project / "data" / "processed")
    before_dp = (project / "data" / "datapackage.json").read_bytes()
    exp = corrupt(raw)
    rc, msg = run_make_data(project)
    assert rc == 1, msg
    assert_names(msg, exp)
    assert "FAIL" in msg
    assert tree_digest(project / "data" / "processed") == before_processed
    assert (project / "data" / "datapackage.json").read_bytes() == before_dp
    assert not list((project / "data").glob(".processed-*")), "temporary build folder left behind"


@pytest.mark.parametrize(
    "corrupt",
    [BY_NAME[n] for n in ("negative_count", "missing_column", "wan_slip_total")],
    ids=["negative_count", "missing_column", "wan_slip_total"],
)
def test_cli_on_corrupt_copy_exits_1_without_traceback(project, corrupt):
    exp = corrupt(project / "data" / "raw")
    before = tree_digest(project / "data" / "processed")
    env = dict(os.environ, NEOUTFLOW_ROOT=str(project))
    proc = subprocess.run(
        [sys.executable, "-m", "neoutflow.data"], env=env, capture_output=True, text=True, cwd=project, timeout=300
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert_names(proc.stderr, exp)
    assert tree_digest(project / "data" / "processed") == before


def test_loader_raises_data_validation_error_with_row_and_column(project):
    raw = project / "data" / "raw"
    exp = BY_NAME["negative_count"](raw)
    with pytest.raises(data.DataValidationError) as err:
        data.load_population(raw_dir=raw)
    assert_names(str(err.value), exp)
    assert any(p.row == exp.row and p.column == "population" for p in err.value.problems)


def test_many_problems_are_listed_up_to_a_limit(project):
    p = project / "data" / "raw" / "census_totals.csv"
    lines = read_lines(p)
    lines = [lines[0]] + [",".join(["x"] + ln.split(",")[1:]) if ln else ln for ln in lines[1:]]
    write_lines(p, lines)
    with pytest.raises(data.DataValidationError) as err:
        data.load_census_totals(raw_dir=project / "data" / "raw")
    msg = str(err.value)
    assert len(err.value.problems) > 100
    assert "… and" in msg and msg.count("\n  - ") == 20
