"""The survival-ratio and residual methods on hand-computable toy populations.

The toys use four age groups (0-4, 5-9, 10-14, 15+): the methods read the
groups from the labels, so the arithmetic stays small enough to check by hand.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from neoutflow.analysis import demography as dm
from neoutflow.analysis.demography import DemographyError

TOY_AGES = ["0-4", "5-9", "10-14", "15+"]


def _long(table: dict[tuple[str, int, str], list[float]], ages=TOY_AGES) -> pd.DataFrame:
    """{(code, year, sex): [persons by age]} → the long population table."""
    rows = [
        {"code": code, "year": year, "sex": sex, "age_group": age, "population": n}
        for (code, year, sex), counts in table.items()
        for age, n in zip(ages, counts, strict=True)
    ]
    return pd.DataFrame(rows)


# Three regions, 2010 → 2020 (k = 2 groups). Cohorts: base 0-4 → end 10-14;
# base 5-9, 10-14 and 15+ → end 15+ (the open group). End ages 0-9 were born in the period.
TOY = _long(
    {
        # female base: national 0-4 = 400; 5-9 + 10-14 + 15+ = 400 + 300 + 400 = 1100
        ("A", 2010, "female"): [100, 100, 100, 200],
        ("B", 2010, "female"): [200, 100, 100, 100],
        ("C", 2010, "female"): [100, 200, 100, 100],
        # female end: national 10-14 = 380 → S = 380/400 = 0.95; 15+ = 990 → S = 990/1100 = 0.9
        ("A", 2020, "female"): [50, 60, 75, 330],
        ("B", 2020, "female"): [80, 90, 210, 290],
        ("C", 2020, "female"): [70, 70, 95, 370],
        # male base: national 0-4 = 400; 5-9 + 10-14 + 15+ = 300 + 300 + 300 = 900
        ("A", 2010, "male"): [100, 100, 100, 100],
        ("B", 2010, "male"): [100, 100, 100, 100],
        ("C", 2010, "male"): [200, 100, 100, 100],
        # male end: national 10-14 = 360 → S = 0.9; 15+ = 720 → S = 720/900 = 0.8
        ("A", 2020, "male"): [50, 50, 80, 200],
        ("B", 2020, "male"): [60, 60, 100, 250],
        ("C", 2020, "male"): [90, 90, 180, 270],
    }
)

# Expected = S × base cohort; net = observed − expected (by hand):
EXPECTED_TOY = pd.DataFrame(
    [
        # code, sex, age, base cohort, S, expected, observed, net
        ("A", "female", "10-14", 100, 0.95, 95, 75, -20),  # 0.95 × 100
        ("A", "female", "15+", 400, 0.9, 360, 330, -30),  # 0.9 × (100 + 100 + 200)
        ("A", "male", "10-14", 100, 0.9, 90, 80, -10),  # 0.9 × 100
        ("A", "male", "15+", 300, 0.8, 240, 200, -40),  # 0.8 × (100 + 100 + 100)
        ("B", "female", "10-14", 200, 0.95, 190, 210, 20),  # 0.95 × 200
        ("B", "female", "15+", 300, 0.9, 270, 290, 20),  # 0.9 × (100 + 100 + 100)
        ("B", "male", "10-14", 100, 0.9, 90, 100, 10),
        ("B", "male", "15+", 300, 0.8, 240, 250, 10),
        ("C", "female", "10-14", 100, 0.95, 95, 95, 0),
        ("C", "female", "15+", 400, 0.9, 360, 370, 10),  # 0.9 × (200 + 100 + 100)
        ("C", "male", "10-14", 200, 0.9, 180, 180, 0),  # 0.9 × 200
        ("C", "male", "15+", 300, 0.8, 240, 270, 30),
    ],
    columns=["code", "sex", "age_group", "base_population", "survival_ratio", "expected", "observed", "net_migration"],
)


def test_toy_survival_ratio_exact():
    got = dm.survival_ratio_net_migration(TOY, 2010, 2020)
    assert list(got["age_group"].cat.categories) == ["10-14", "15+"]
    assert got["base_age_group"].tolist() == ["0-4", "5+"] * 6  # 5-9, 10-14, 15+ gathered
    got = got.assign(age_group=got["age_group"].astype(str)).drop(columns="base_age_group")
    pd.testing.assert_frame_equal(got, EXPECTED_TOY, check_dtype=False, check_exact=False, rtol=1e-12)


def test_toy_zero_sum_and_explicit_national_equal_to_sum():
    got = dm.survival_ratio_net_migration(TOY, 2010, 2020)
    assert np.allclose(got.groupby(["sex", "age_group"], observed=True)["net_migration"].sum(), 0, atol=1e-9)
    national = TOY.groupby(["year", "sex", "age_group"], as_index=False)["population"].sum().assign(code="N")
    explicit = dm.survival_ratio_net_migration(TOY, 2010, 2020, national=national)
    pd.testing.assert_frame_equal(got, explicit)


def test_explicit_national_changes_ratios():
    # A national population with 10% more survivors aged 15+ in 2020 (female 990 → 1089):
    # S = 1089/1100 = 0.99, so A expects 0.99 × 400 = 396 and its net is 330 − 396 = −66.
    national = TOY.groupby(["year", "sex", "age_group"], as_index=False)["population"].sum().assign(code="N")
    mask = (national["year"] == 2020) & (national["sex"] == "female") & (national["age_group"] == "15+")
    national.loc[mask, "population"] = 1089
    got = dm.survival_ratio_net_migration(TOY, 2010, 2020, national=national).set_index(["code", "sex", "age_group"])
    assert got.loc[("A", "female", "15+"), "net_migration"] == pytest.approx(-66)
    assert got.loc[("A", "male", "15+"), "net_migration"] == pytest.approx(-40)  # men unchanged


def test_toy_summary():
    net = dm.survival_ratio_net_migration(TOY, 2010, 2020)
    s = dm.summarise_net_migration(net, young_adult_ages=(10, 14)).set_index("code")
    # A: base population 500 (women) + 400 (men) = 900; net −20 − 30 − 10 − 40 = −100
    assert s.loc["A", "base_population"] == 900
    assert s.loc["A", "net_migration"] == pytest.approx(-100)
    assert s.loc["A", "net_migration_rate"] == pytest.approx(-100 / 900 * 100)
    # ages 10-14 at the end: cohort 100 + 100 = 200 at base; net −20 − 10 = −30 → −15%, 30% of all
    assert s.loc["A", "young_adult_base_population"] == 200
    assert s.loc["A", "young_adult_net_migration"] == pytest.approx(-30)
    assert s.loc["A", "young_adult_net_migration_rate"] == pytest.approx(-15)
    assert s.loc["A", "young_adult_share"] == pytest.approx(30)
    # B: +20 + 20 + 10 + 10 = +60 on 500 + 400 = 900
    assert s.loc["B", "net_migration"] == pytest.approx(60)
    # groups: A + C = −100 + 40 = −60 on 900 + 1000
    g = dm.summarise_net_migration(net, young_adult_ages=(10, 14), groups={"A": "AC", "C": "AC"})
    assert g["group"].tolist() == ["AC"]
    assert g.loc[0, "net_migration"] == pytest.approx(-60)
    assert g.loc[0, "base_population"] == 1900


def test_toy_rates_by_age():
    net = dm.survival_ratio_net_migration(TOY, 2010, 2020)
    r = dm.net_migration_rates_by_age(net, groups={"A": "west", "B": "east", "C": "east"})
    r = r.set_index(["group", "sex", "age_group"])
    # east women 10-14: (20 + 0) / (200 + 100) = 6.67%
    assert r.loc[("east", "female", "10-14"), "net_migration_rate"] == pytest.approx(20 / 300 * 100)
    assert r.loc[("west", "male", "15+"), "net_migration_rate"] == pytest.approx(-40 / 300 * 100)
    both = dm.net_migration_rates_by_age(net, by_sex=False).set_index(["group", "age_group"])
    # A, 10-14, both sexes: (−20 − 10) / (100 + 100)
    assert both.loc[("A", "10-14"), "net_migration_rate"] == pytest.approx(-15)


# Five-year interval (k = 1), women only, two regions, 2015 → 2020.
# Cohorts: 0-4 → 5-9; 5-9 → 10-14; 10-14 + 15+ → 15+.
TOY5 = _long(
    {
        ("A", 2015, "female"): [100, 100, 100, 100],
        ("B", 2015, "female"): [100, 200, 100, 200],  # national: 200, 300, 200 + 300 = 500
        ("A", 2020, "female"): [30, 90, 60, 150],
        ("B", 2020, "female"): [70, 110, 210, 250],  # national: 200 (S=1), 270 (S=0.9), 400 (S=0.8)
    }
)


def test_five_year_interval_and_open_group():
    got = dm.survival_ratio_net_migration(TOY5, 2015, 2020).set_index(["code", "age_group"])
    assert got.loc[("A", "5-9"), "expected"] == pytest.approx(100)  # 1.0 × 100
    assert got.loc[("A", "10-14"), "expected"] == pytest.approx(90)  # 0.9 × 100
    assert got.loc[("A", "15+"), "base_population"] == 200  # 100 + 100
    assert got.loc[("A", "15+"), "expected"] == pytest.approx(160)  # 0.8 × 200
    assert got.loc[("B", "15+"), "expected"] == pytest.approx(240)  # 0.8 × (100 + 200)
    assert got["net_migration"].tolist() == pytest.approx([-10, -30, -10, 10, 30, 10])
    assert got.loc[("B", "15+"), "base_age_group"] == "10+"


def test_open_group_with_real_age_groups_ten_years():
    # 18 real groups: for ten years 75-79, 80-84 and 85+ all map to 85+.
    ages = [f"{a}-{a + 4}" for a in range(0, 85, 5)] + ["85+"]
    base = np.arange(1, 19, dtype=float) * 10
    end = np.full(18, 7.0)
    pop = _long(
        {
            ("X", 2010, "male"): base,
            ("X", 2020, "male"): end,
            ("Y", 2010, "male"): base * 2,
            ("Y", 2020, "male"): end * 3,
        },
        ages=ages,
    )
    got = dm.survival_ratio_net_migration(pop, 2010, 2020)
    x = got[got["code"] == "X"].set_index("age_group")
    assert list(x.index.astype(str)) == ages[2:]
    assert x.loc["85+", "base_population"] == base[15] + base[16] + base[17]  # 160 + 170 + 180
    assert x.loc["85+", "base_age_group"] == "75+"
    assert x.loc["10-14", "base_population"] == base[0]
    # national S(85+) = (7 + 21) / (510 + 1020); X expects S × 510 = 28/3 ≈ 9.33, observed 7
    assert x.loc["85+", "net_migration"] == pytest.approx(7 - 28 / 1530 * 510)


def test_child_estimate_five_year_toy():
    # Mothers of children 0-4 in 2020: women 10-14 (ages passed to keep the toy small).
    got = dm.child_net_migration(TOY5, 2015, 2020, childbearing_ages=(10, 14)).set_index("code")
    # A: 30 children / 60 women = 0.5; women 10-14 net −30 → children 0.5 × −30 = −15
    assert got.loc["A", "child_woman_ratio"] == pytest.approx(0.5)
    assert got.loc["A", "net_migration"] == pytest.approx(-15)
    # B: 70 / 210 = 1/3; × (+30) = +10
    assert got.loc["B", "net_migration"] == pytest.approx(10)
    assert got["age_group"].astype(str).tolist() == ["0-4", "0-4"]


def test_child_estimate_rejects_ages_born_in_period():
    with pytest.raises(DemographyError, match="born in the period"):
        dm.child_net_migration(TOY, 2010, 2020, childbearing_ages=(5, 9))


# ---------------------------------------------------------------- zero sum on random data


@pytest.mark.parametrize("interval", [5, 10, 15])
def test_zero_sum_random_regions(interval):
    rng = np.random.default_rng(20201101)
    ages = [f"{a}-{a + 4}" for a in range(0, 85, 5)] + ["85+"]
    table = {}
    for r in range(7):
        for sex in ("male", "female"):
            for year in (2000, 2000 + interval):
                table[(f"R{r}", year, sex)] = rng.integers(1_000, 5_000_000, size=18).astype(float)
    pop = _long(table, ages=ages)
    got = dm.survival_ratio_net_migration(pop, 2000, 2000 + interval)
    sums = got.groupby(["sex", "age_group"], observed=True)["net_migration"].sum()
    assert len(sums) == 2 * (18 - interval // 5)
    assert np.abs(sums).max() < 1e-6 * got["observed"].abs().max()
    # the covered ages at the end are observed exactly; base cohorts cover everyone at base
    assert got["base_population"].sum() == pytest.approx(pop.loc[pop["year"] == 2000, "population"].sum())


# ---------------------------------------------------------------- bad input


def test_missing_age_group_names_region():
    bad = TOY.drop(
        TOY.index[(TOY["code"] == "B") & (TOY["year"] == 2020) & (TOY["sex"] == "male") & (TOY["age_group"] == "10-14")]
    )
    with pytest.raises(DemographyError, match=r"region B, male, 2020 lacks age group\(s\) \['10-14'\]"):
        dm.survival_ratio_net_migration(bad, 2010, 2020)


def test_years_not_in_data():
    with pytest.raises(DemographyError, match=r"no rows for year\(s\) \[2030\]; years present: \[2010, 2020\]"):
        dm.survival_ratio_net_migration(TOY, 2010, 2030)


@pytest.mark.parametrize("end", [2017, 2010, 2003])
def test_interval_not_positive_multiple_of_five(end):
    with pytest.raises(DemographyError, match="positive multiple of 5"):
        dm.survival_ratio_net_migration(TOY, 2010, end)


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d.assign(population=d["population"].where(d.index != 3, -1)), "negative population"),
        (
            lambda d: d.assign(population=d["population"].astype(object).where(d.index != 3, "x")),
            "missing or not numeric",
        ),
        (lambda d: d.assign(sex=d["sex"].replace("male", "M")), r"sex must be one of"),
        (lambda d: pd.concat([d, d.iloc[[0]]]), "duplicate rows"),
        (lambda d: d.drop(columns="sex"), r"lacks columns \['sex'\]"),
        (lambda d: d.assign(age_group=d["age_group"].replace("5-9", "5-10")), "five-year group"),
        (lambda d: d.assign(age_group=d["age_group"].replace("15+", "15-19")), "must be open-ended"),
        (lambda d: d[d["age_group"] != "5-9"], "contiguous five-year groups"),
        (lambda d: d[~((d["code"] == "C") & (d["year"] == 2020))], "only one census year"),
    ],
)
def test_bad_input_errors(mutate, message):
    with pytest.raises(DemographyError, match=message):
        dm.survival_ratio_net_migration(mutate(TOY), 2010, 2020)


def test_national_with_several_codes_rejected():
    with pytest.raises(DemographyError, match="one reference population"):
        dm.survival_ratio_net_migration(TOY, 2010, 2020, national=TOY)


def test_age_group_parsing():
    assert dm.age_group_bounds("85+") == (85, None)
    assert dm.age_group_bounds(" 20-24 ") == (20, 24)
    with pytest.raises(DemographyError, match="neither"):
        dm.age_group_bounds("20 to 24")
    assert dm.ordered_age_groups(["15+", "0-4", "10-14", "5-9", "0-4"]) == TOY_AGES


# ---------------------------------------------------------------- residual method


def test_period_weights_census_on_first_of_november():
    w = dm.period_year_weights(2010, 2020)
    assert w.loc[2010] == pytest.approx(2 / 12)  # November and December 2010
    assert w.loc[2020] == pytest.approx(10 / 12)  # January to October 2020
    assert w.loc[2015] == 1
    assert w.sum() == pytest.approx(10)


def _vital_toy():
    census = pd.DataFrame(
        {"code": ["A", "A", "B", "B"], "year": [2010, 2020] * 2, "population": [1000.0, 900.0, 2000.0, 2100.0]}
    )
    years = list(range(2009, 2021))
    yearend = pd.DataFrame(
        {"code": "A", "year": years, "indicator": "yearend_population", "value": [980.0, 1020.0] * 6}
    )  # alternating: every year's mean is 1000
    yearend = pd.concat([yearend, yearend.assign(code="B", value=2000.0)], ignore_index=True)
    rates = {2010: 12.0, 2020: 6.0} | {y: 10.0 for y in range(2011, 2020)}
    ngr = pd.DataFrame(
        {"code": "A", "year": list(rates), "indicator": "natural_growth_rate", "value": list(rates.values())}
    )
    ngr = pd.concat([ngr, ngr.assign(code="B", value=0.0)], ignore_index=True)
    return census, ngr, yearend


def test_residual_toy_exact():
    census, ngr, yearend = _vital_toy()
    got = dm.residual_net_migration(census, ngr, yearend, 2010, 2020).set_index("code")
    # A: mean population every year (980 + 1020) / 2 = 1000.
    # natural increase = 12‰ × 1000 × 2/12 + 9 × 10‰ × 1000 + 6‰ × 1000 × 10/12 = 2 + 90 + 5 = 97
    assert got.loc["A", "natural_increase"] == pytest.approx(97)
    # net = (900 − 1000) − 97 = −197
    assert got.loc["A", "net_migration"] == pytest.approx(-197)
    # B: no natural increase, so net = census change = +100
    assert got.loc["B", "net_migration"] == pytest.approx(100)
    assert got.loc["B", "census_change"] == 100


def test_residual_accepts_wide_columns_and_reports_gaps():
    census, ngr, yearend = _vital_toy()
    wide_rates = ngr.rename(columns={"value": "natural_growth_rate"}).drop(columns="indicator")
    got = dm.residual_net_migration(census, wide_rates, yearend, 2010, 2020)
    assert got.set_index("code").loc["A", "net_migration"] == pytest.approx(-197)
    with pytest.raises(DemographyError, match=r"year-end population missing for \[2009\]"):
        dm.residual_net_migration(census, ngr, yearend[yearend["year"] != 2009], 2010, 2020)
    with pytest.raises(DemographyError, match=r"natural growth rates missing for \[2015\]"):
        dm.residual_net_migration(census, ngr[ngr["year"] != 2015], yearend, 2010, 2020)


def test_summary_with_residual_and_population_change():
    census, ngr, yearend = _vital_toy()
    res = dm.residual_net_migration(census, ngr, yearend, 2010, 2020)
    net = dm.survival_ratio_net_migration(TOY[TOY["code"] != "C"], 2010, 2020)
    s = dm.summarise_net_migration(net, residual=res, young_adult_ages=(10, 14)).set_index("code")
    assert s.loc["A", "residual_net_migration"] == pytest.approx(-197)
    assert s.loc["A", "residual_net_migration_rate"] == pytest.approx(-19.7)  # −197 / 1000
    ch = dm.population_change(census, 2010, 2020).set_index("code")
    assert ch.loc["A", "population_change"] == -100
    assert ch.loc["B", "population_change_pct"] == pytest.approx(5)
    with pytest.raises(DemographyError, match="no year 2000"):
        dm.population_change(census, 2000, 2020)


# ---------------------------------------------------------------- the shipped census table


def test_northeast_matches_independent_computation_on_shipped_census():
    from independent import independent_net_migration_10plus as _independent_net_migration_10plus

    from neoutflow import data, paths

    ne = list(data.NORTHEAST)
    expected = _independent_net_migration_10plus(paths.RAW / "census_population.csv", ne)
    net = dm.survival_ratio_net_migration(data.load_population("province", [2010, 2020]), 2010, 2020)
    got = net.groupby("code")["net_migration"].sum()
    for code in ne:
        # the same arithmetic done another way: equal to machine precision (a 1% tolerance would let
        # tens of thousands of persons through)
        assert got[code] == pytest.approx(expected[code], rel=1e-9), code
        assert got[code] < -500_000  # all three lost people through migration
    # zero over the 31 provinces, to machine precision
    assert abs(got.sum()) <= 1e-9 * got.abs().sum()
    assert len(got) == 31


def test_child_estimate_cuts_the_window_at_ages_born_in_the_period():
    # A 10-year interval; for children 0-4 the window 5-14 holds women 5-9, born in the period (no cohort):
    # it is cut to 10-14, so it gives what the window 10-14 gives.
    ages = ["0-4", "5-9", "10-14", "15-19", "20+"]
    table = {
        (code, year, sex): [n * (1 + i) for i in range(5)]
        for code, n in (("A", 100), ("B", 150))
        for year in (2010, 2020)
        for sex in ("female", "male")
    }
    table[("A", 2020, "female")] = [90, 80, 70, 140, 400]
    toy = _long(table, ages)
    cut = dm.child_net_migration(toy, 2010, 2020, childbearing_ages=(5, 14))
    kept = dm.child_net_migration(toy, 2010, 2020, childbearing_ages=(10, 14))
    first = cut["age_group"].astype(str) == "0-4"
    pd.testing.assert_frame_equal(
        cut[first].reset_index(drop=True), kept[kept["age_group"].astype(str) == "0-4"].reset_index(drop=True)
    )
    assert cut.loc[first, "mothers"].tolist() == [70.0, 70.0, 450.0, 450.0]  # women 10-14 at the end
