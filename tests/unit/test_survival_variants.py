"""Forward, reverse and average census survival, the mortality adjustment and the yearly
decomposition on toy populations small enough to check by hand (synthetic data).

Toy ages 0-4, 5-9, 10-14, 15+ and a ten-year interval: base 0-4 → end 10-14; base
5-9, 10-14, 15+ → end 15+. Two regions, women only.

    region A: base [100, 100, 100, 200] → cohorts [100, 400]; end 10-14 = 99, 15+ = 300
    region B: base [300, 100, 100, 100] → cohorts [300, 300]; end 10-14 = 261, 15+ = 260
    national cohorts [400, 700], end [360, 560] → S = [0.9, 0.8]
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from neoutflow.analysis import survival as sv
from neoutflow.analysis.demography import DemographyError

AGES = ["0-4", "5-9", "10-14", "15+"]


def _long(table):
    return pd.DataFrame(
        [
            {"code": code, "year": year, "sex": sex, "age_group": age, "population": n}
            for (code, year, sex), counts in table.items()
            for age, n in zip(AGES, counts, strict=True)
        ]
    )


TOY = _long(
    {
        ("A", 2010, "female"): [100, 100, 100, 200],
        ("B", 2010, "female"): [300, 100, 100, 100],
        ("A", 2020, "female"): [50, 50, 99, 300],
        ("B", 2020, "female"): [80, 80, 261, 260],
    }
)


@pytest.fixture
def variants():
    return sv.survival_variants(TOY, 2010, 2020).set_index(["code", "age_group"])


def test_ratios(variants):
    assert variants.loc[("A", "10-14"), "survival_ratio"] == pytest.approx(0.9)
    assert variants.loc[("A", "15+"), "survival_ratio"] == pytest.approx(0.8)


@pytest.mark.parametrize(
    ("cell", "forward", "reverse", "average"),
    [
        # forward = observed − S·base; reverse = observed/S − base; average = mean of the two
        (("A", "10-14"), 99 - 0.9 * 100, 99 / 0.9 - 100, (9 + 10) / 2),
        (("A", "15+"), 300 - 0.8 * 400, 300 / 0.8 - 400, (-20 - 25) / 2),
        (("B", "10-14"), 261 - 0.9 * 300, 261 / 0.9 - 300, (-9 - 10) / 2),
        (("B", "15+"), 260 - 0.8 * 300, 260 / 0.8 - 300, (20 + 25) / 2),
    ],
)
def test_variants_by_hand(variants, cell, forward, reverse, average):
    row = variants.loc[cell]
    assert row["forward"] == pytest.approx(forward)
    assert row["reverse"] == pytest.approx(reverse)
    assert row["average"] == pytest.approx(average)
    assert row["net_migration"] == pytest.approx(forward)


def test_unadjusted_variants_sum_to_zero_over_regions(variants):
    sums = variants.groupby(level="age_group", observed=True)[list(sv.VARIANTS)].sum()
    np.testing.assert_allclose(sums.to_numpy(), 0, atol=1e-9)


def test_variant_totals_and_old_age_share(variants):
    v = variants.reset_index()
    tot = sv.variant_totals(v, {"A": "g"})
    assert tot.loc["g", "forward"] == pytest.approx(9 - 20)
    assert tot.loc["g", "reverse"] == pytest.approx(10 - 25)
    share = sv.old_age_share(v, {"A": "g"}, min_age=15)
    assert share.loc["g", "forward"] == pytest.approx(100 * -20 / -11)


def test_as_variant_feeds_the_summaries(variants):
    v = sv.as_variant(variants.reset_index(), "reverse")
    assert (v["observed"] - v["expected"]).tolist() == pytest.approx(v["reverse"].tolist())
    with pytest.raises(DemographyError, match="variant"):
        sv.as_variant(v, "sideways")


# ---------------------------------------------------------------- mortality adjustment


def test_implied_deaths_at_national_ratios(variants):
    # closed cohort, A: 100·(1 − 0.9) + 400·(1 − 0.8) = 10 + 80
    assert sv.implied_deaths(variants.reset_index(), exposure="closed")["A"] == pytest.approx(90)
    # residents, A: average-variant migrants 9.5 and −22.5, present half the period:
    # 0.1·(100 + 9.5/2) + 0.2·(400 − 22.5/2) = 10.475 + 77.75
    assert sv.implied_deaths(variants.reset_index())["A"] == pytest.approx(88.225)


def test_fit_reproduces_registered_deaths_exactly(variants):
    v = variants.reset_index()
    # θ = 2: S² = 0.81, 0.64 → deaths 100·0.19 + 400·0.36 = 163 (A); θ = 1/2 for B
    registered = pd.Series({"A": 163.0, "B": 300 * (1 - 0.9**0.5) + 300 * (1 - 0.8**0.5)})
    theta = sv.fit_hazard_multipliers(v, registered, exposure="closed")
    assert theta["A"] == pytest.approx(2, abs=1e-9)
    assert theta["B"] == pytest.approx(0.5, abs=1e-9)
    np.testing.assert_allclose(sv.implied_deaths(v, theta, exposure="closed").loc[["A", "B"]], registered, rtol=1e-10)
    adj = sv.adjusted_variants(v, theta).set_index(["code", "age_group"])
    assert adj.loc[("A", "10-14"), "forward"] == pytest.approx(99 - 81)
    assert adj.loc[("A", "15+"), "forward"] == pytest.approx(300 - 0.64 * 400)
    assert adj.loc[("A", "15+"), "reverse"] == pytest.approx(300 / 0.64 - 400)
    resident = sv.fit_hazard_multipliers(v, registered)
    check = sv.deaths_check(v, registered, resident).set_index("code")
    assert check.loc["A", "implied_to_registered"] == pytest.approx(88.225 / 163)
    assert check.loc["A", "implied_deaths_closed"] == pytest.approx(90)
    assert check.loc["A", "implied_deaths_adjusted"] == pytest.approx(163)
    # adjusted ratios differ by region: the zero-sum identity no longer holds
    assert abs(adj["forward"].sum()) > 1


def test_coverage_gains_are_not_rescaled():
    assert sv.adjusted_ratio(np.array([1.15, 0.5]), 2.0).tolist() == pytest.approx([1.15, 0.25])


def test_fit_refuses_unreachable_deaths(variants):
    with pytest.raises(DemographyError, match="outside the implied range"):
        sv.fit_hazard_multipliers(variants.reset_index(), pd.Series({"A": 1e6}))


def test_registered_deaths_by_hand():
    years = range(2009, 2021)
    yearend = pd.DataFrame({"code": "A", "year": list(years), "yearend_population": 1000.0})
    rates = pd.DataFrame({"code": "A", "year": list(years), "death_rate": 10.0})
    # 10 deaths a year; weights 2/12 + 9 + 10/12 = 10 years
    assert sv.registered_deaths(rates, yearend, 2010, 2020)["A"] == pytest.approx(100)
    with pytest.raises(DemographyError, match="missing"):
        sv.registered_deaths(rates[rates["year"] != 2015], yearend, 2010, 2020)


# ---------------------------------------------------------------- diagnostics


def test_yearly_decomposition_by_hand():
    series = pd.DataFrame(
        [
            {"code": "A", "year": 2009, "indicator": "yearend_population", "value": 1000.0},
            {"code": "A", "year": 2010, "indicator": "yearend_population", "value": 1010.0},
            {"code": "A", "year": 2010, "indicator": "natural_growth_rate", "value": 5.0},
            {"code": "A", "year": 2009, "indicator": "natural_growth_rate", "value": 5.0},
        ]
    )
    out = sv.yearly_decomposition(series, ["A"])
    assert out["year"].tolist() == [2010]  # 2009 lacks the year-end before it
    row = out.iloc[0]
    assert row["natural_increase"] == pytest.approx(5 / 1000 * 1005)
    assert row["net_migration"] == pytest.approx(10 - 5.025)
    assert row["natural_increase"] + row["net_migration"] == pytest.approx(row["population_change"])


def test_cohort_sex_ratios():
    toy = pd.concat([TOY, TOY.assign(sex="male", population=TOY["population"] * 1.1)], ignore_index=True)
    v = sv.survival_variants(toy, 2010, 2020)
    out = sv.cohort_sex_ratios(v, {"A": "g", "B": "g"}).set_index("age_group")
    assert out.loc["15+", "base"] == pytest.approx(110)
    assert out.loc["15+", "change"] == pytest.approx(0)


def test_differential_deaths_keep_the_implied_total_and_zero_sum(variants):
    v = variants.reset_index()
    implied = sv.implied_deaths(v)
    registered = pd.Series({"A": 50.0, "B": 150.0})
    diff = sv.differential_deaths(registered, implied)
    assert diff.sum() == pytest.approx(implied.sum())
    assert diff["A"] / diff["B"] == pytest.approx(50 / 150)
    adj = sv.adjusted_variants(v, sv.fit_hazard_multipliers(v, diff, exposure="closed"))
    # closed-cohort fit, all cohorts S < 1: equal implied deaths in total → equal expected survivors → zero sum
    assert adj["forward"].sum() == pytest.approx(0, abs=1e-6)


def test_estimates_and_ruling_on_the_toy(variants):
    v = variants.reset_index()
    sets = {"national": v, "differential": v, "registered": v}
    est = sv.estimates_table(sets, {"A": "northeast", "B": "cmp"}, young=(10, 14), old=15)
    row = est.set_index(["ratios", "variant", "group"]).loc[("national", "forward", "northeast")]
    assert row["net_migration"] == pytest.approx(-11)
    assert row["old_net_migration"] == pytest.approx(-20)
    assert row["old_rate"] == pytest.approx(100 * -20 / 400)
    assert row["sum_all_regions"] == pytest.approx(0, abs=1e-9)
    # a hand-made benchmark: 40–59 and 60+ observed −30 and −10 on bases 500 and 500, expected −5 and −5
    bench = {
        "schedule": {
            "northeast": {
                "middle_observed": -30.0,
                "old_observed": -10.0,
                "middle_expected": -5.0,
                "old_expected": -5.0,
            }
        },
        "bands": pd.DataFrame({"middle_base": [500.0], "old_base": [500.0]}, index=["A"]),
    }
    ruling = sv.old_age_ruling(est, bench, ["A"])
    assert ruling["old_rate_multiple"] == pytest.approx(4)  # −40 / −10
    assert ruling["anomaly_word"] == "异常"
    assert ruling["old_credible"] == pytest.approx(-10)
    assert ruling["old_excess"] == pytest.approx(-30)
    assert ruling["old_excess_share"] == pytest.approx(75)
    assert ruling["northeast_old_rate"] == pytest.approx(-4)
    pref = est.set_index(["ratios", "variant", "group"]).loc[("national", sv.PREFERRED_VARIANT, "northeast")]
    assert ruling["conservative_estimate"] == pytest.approx(pref["net_migration"] - pref["old_net_migration"] - 10)
    assert ruling["mortality_word"] == "不能解释，反而加大"  # no adjustment: nothing removed
    # an expected schedule without loss at 40+: not comparable, anomalous
    bench["schedule"]["northeast"] |= {"middle_expected": 1.0, "old_expected": 0.0}
    assert sv.old_age_ruling(est, bench, ["A"])["anomaly_word"] == "异常"


def test_age_benchmark_picks_provinces_on_the_total_only():
    # synthetic: end ages 20-24 … 60+ in one table; regions X (loss), Y (loss at 60+ only, gain in total), Z (gain)
    rows = []
    for code, nets in {"X": [-10, -5, -1, -1, -2], "Y": [5, 5, 1, 1, -1], "Z": [5, 0, 0, 0, 3]}.items():
        for n, grp in zip(nets, ["20-24", "25-29", "40-44", "45-49", "60+"], strict=True):
            rows.append({"code": code, "age_group": grp, "base_population": 100.0, "average": float(n), "sex": "f"})
    v = pd.DataFrame(rows)
    assert sv.outmigration_group(v, "average", exclude=[]) == ["X"]
    b = sv.band_rates(v, "average")
    assert b.loc["X", "middle_rate"] == pytest.approx(-1)
    assert b.loc["Y", "old_rate"] == pytest.approx(-1)
    assert sv.band_of("35-39") == "young" and sv.band_of("55-59") == "middle" and sv.band_of("85+") == "old"
    assert sv.band_of("15-19") is None
