"""Life expectancy at birth (``province_life_expectancy.csv``)."""

from __future__ import annotations

import pandas as pd
import pytest

from neoutflow import data, paths
from neoutflow.data.extract import life_expectancy as ele
from neoutflow.data.files import write_csv
from neoutflow.data.schemas import DataValidationError, check_life_expectancy
from neoutflow.reference import NATIONAL_CODE, PROVINCES


@pytest.fixture(scope="module")
def le():
    return data.load_life_expectancy()


def test_known_values(le):
    """SOURCE.md checks: national 2010 and the three Northeast provinces."""
    v = le.set_index(["code", "year", "sex"])["life_expectancy"]
    assert v[(NATIONAL_CODE, 2010, "total")] == 74.83
    assert (v[(NATIONAL_CODE, 2010, "male")], v[(NATIONAL_CODE, 2010, "female")]) == (72.38, 77.37)
    assert v[("210000", 2010, "total")] == 76.38
    assert v[("220000", 2010, "total")] == 76.18
    assert (v[("230000", 2010, "total")], v[("230000", 2010, "male")]) == (75.98, 73.52)


def test_corrections_and_coverage(le):
    y2010 = le[le["year"] == 2010]
    assert set(y2010["code"]) == set(PROVINCES) | {NATIONAL_CODE}
    assert len(y2010) == 32 * 3
    assert le[(le["code"] == "500000") & (le["year"] == 1990)].empty
    sc = le[(le["code"] == "510000") & (le["year"] == 1990)].set_index("sex")["life_expectancy"]
    assert sc["total"] == 66.33
    xj = le[(le["code"] == "650000") & (le["year"] == 1990)]
    assert set(xj["sex"]) == {"male", "female"}


def test_extract_reproduces_source(shared_sources, le):
    key = ["code", "year", "sex"]
    built = ele.build_province_life_expectancy(shared_sources).sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(built, le.sort_values(key).reset_index(drop=True), check_dtype=False)


def test_total_outside_sex_range_is_named(tmp_path):
    bad = pd.DataFrame(
        {
            "code": ["210000"] * 3,
            "year": [2010] * 3,
            "sex": ["total", "male", "female"],
            "life_expectancy": [80, 74, 78],
        }
    )
    problems = check_life_expectancy(bad, "x.csv")
    assert problems and "within 74" in str(problems[0])
    write_csv(bad, tmp_path / "province_life_expectancy.csv")
    (tmp_path / "regions.csv").write_bytes((paths.RAW / "regions.csv").read_bytes())
    with pytest.raises(DataValidationError, match="life_expectancy"):
        data.load_life_expectancy(raw_dir=tmp_path)


def test_e0_scaling_on_the_shipped_data():
    """Northeast e0 above the national level: θ < 1 for both sexes and a larger forward outflow."""
    from neoutflow.analysis import survival as sv

    ne = list(data.NORTHEAST)
    pop = data.load_population("province", [2010, 2020])
    series = data.load_province_series(["death_rate", "yearend_population"])
    checks = sv.migration_checks(pop, series, 2010, 2020, ne, data.load_life_expectancy([2010]))
    assert (checks["theta_e0"].loc[ne] < 1).all()
    e = checks["estimates"].set_index(["ratios", "variant", "group"])["net_migration"]
    assert e[("e0", "forward", "northeast")] < e[("national", "forward", "northeast")] < 0
