"""Coverage sensitivity and the choice of the preferred estimate (synthetic toy data, labelled as such)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from neoutflow.analysis import survival as sv


def _variants():
    # synthetic: two regions, one sex, end ages 10-14, 25-29 (coverage ages) and 60-64 (not)
    rows = []
    for code, base, obs in (
        ("A", [100.0, 100.0, 100.0], [120.0, 80.0, 70.0]),
        ("B", [300.0] * 3, [330.0, 285.0, 250.0]),
    ):
        for age, b, o, s in zip(["10-14", "25-29", "60-64"], base, obs, [1.1, 0.9, 0.8], strict=True):
            rows.append(
                {
                    "code": code,
                    "sex": "female",
                    "age_group": age,
                    "base_population": b,
                    "observed": o,
                    "survival_ratio": s,
                }
            )
    return sv._net_columns(pd.DataFrame(rows))


def test_gompertz_survival_matches_the_life_table():
    level = sv.gompertz_level(75.0)
    x = np.arange(0.0, 131.0, 0.01)
    lx = np.exp(-level / sv.GOMPERTZ_SLOPE * np.expm1(sv.GOMPERTZ_SLOPE * x))
    i, j = 2250, 3250  # ages 22.5 and 32.5
    assert sv.gompertz_survival(22.5, 10, level) == pytest.approx(lx[j] / lx[i], rel=1e-9)


def test_coverage_weight_one_changes_nothing_and_zero_uses_the_life_table():
    v = _variants()
    coverage = pd.DataFrame(
        {"sex": ["female", "female"], "age_group": ["10-14", "25-29"], "coverage": [1.1 / 0.99, 0.9 / 0.99]}
    )
    same = sv.coverage_variants(v, coverage, 1.0)
    np.testing.assert_allclose(same["forward"], v["forward"])
    none = sv.coverage_variants(v, coverage, 0.0).set_index(["code", "age_group"])
    # weight 0: the ratio is the life table's (0.99) at the coverage ages, unchanged elsewhere
    assert none.loc[("A", "10-14"), "survival_ratio"] == pytest.approx(0.99)
    assert none.loc[("A", "25-29"), "forward"] == pytest.approx(80 - 0.99 * 100)
    assert none.loc[("A", "60-64"), "survival_ratio"] == pytest.approx(0.8)
    double = sv.coverage_variants(v, coverage, 2.0).set_index(["code", "age_group"])
    assert double.loc[("A", "10-14"), "survival_ratio"] == pytest.approx(1.1**2 / 0.99)


def test_coverage_terms_on_national_life_expectancy():
    v = _variants()
    life = pd.DataFrame({"code": ["100000"], "year": [2010], "sex": ["female"], "life_expectancy": [77.0]})
    c = sv.coverage_terms(v, life, 2010, "100000").set_index("age_group")
    assert list(c.index) == ["10-14", "25-29"]  # 60-64 lies outside 10–39
    level = sv.gompertz_level(77.0)
    assert c.loc["25-29", "life_table"] == pytest.approx(sv.gompertz_survival(17.5, 10, level))
    assert c.loc["25-29", "coverage"] == pytest.approx(0.9 / c.loc["25-29", "life_table"])


def _estimates(diff_sum: float):
    return pd.DataFrame(
        [
            {
                "ratios": "differential",
                "variant": "average",
                "group": "northeast",
                "net_migration": -100.0,
                "sum_all_regions": diff_sum,
            },
            {
                "ratios": "national",
                "variant": "average",
                "group": "northeast",
                "net_migration": -90.0,
                "sum_all_regions": 0.0,
            },
        ]
    )


def test_choose_preferred_by_the_stated_criteria():
    theta = pd.Series({"A": 0.9})
    e0_low = pd.Series({("A", "male"): 0.95, ("A", "female"): 0.9})
    e0_high = pd.Series({("A", "male"): 1.05, ("A", "female"): 1.1})
    assert sv.choose_preferred(_estimates(0.5), theta, e0_low, ["A"])["set"] == "differential"
    # the checks disagree in direction, or the set departs from zero-sum by more than 1%: national ratios
    assert sv.choose_preferred(_estimates(0.5), theta, e0_high, ["A"])["set"] == "national"
    assert sv.choose_preferred(_estimates(5.0), theta, e0_low, ["A"])["set"] == "national"
    assert sv.choose_preferred(_estimates(0.5), theta, None, ["A"])["set"] == "national"
    assert sv.choose_preferred(_estimates(0.5), theta, e0_low, ["A"])["variant"] == "average"
