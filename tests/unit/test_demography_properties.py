"""Properties of the census-survival net migration, for populations Hypothesis makes up (SYNTHETIC DATA).

The identities the method rests on (demography.survival_ratio_net_migration, survival.survival_variants):
zero sum over the regions when the ratios come from their sum; no migration in a population that
follows its own survival (a stationary one included); reverse = forward / S and average = their mean;
each end-year age group is matched with the cohort 5k years younger at the first census; and a
person moved from one region to another at the end census moves one unit of net migration.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from neoutflow.analysis import demography as dm
from neoutflow.analysis import survival as sv
from neoutflow.reference import SEXES

AGES = [f"{a}-{a + 4}" for a in range(0, 45, 5)] + ["45+"]  # ten groups, the last open
BASE = 2010
REL = 1e-9
settings.register_profile("neoutflow", max_examples=20, deadline=None, derandomize=True)
settings.load_profile("neoutflow")

counts = st.integers(min_value=1, max_value=2_000_000).map(float)


@st.composite
def populations(draw, min_regions=2, max_regions=5):
    """(long population table, interval in years): regions × sexes × AGES at BASE and BASE + interval."""
    regions = draw(st.integers(min_regions, max_regions))
    interval = draw(st.sampled_from([5, 10, 20]))
    shape = (regions, len(SEXES), len(AGES))
    base = draw(arrays(float, shape, elements=counts))
    end = draw(arrays(float, shape, elements=counts))
    return long_table({BASE: base, BASE + interval: end}), interval


def long_table(by_year: dict[int, np.ndarray]) -> pd.DataFrame:
    frames = []
    for year, arr in by_year.items():
        index = pd.MultiIndex.from_product(
            [[f"R{r}" for r in range(arr.shape[0])], SEXES, AGES], names=["code", "sex", "age_group"]
        )
        frames.append(pd.DataFrame({"population": arr.ravel()}, index=index).reset_index().assign(year=year))
    return pd.concat(frames, ignore_index=True)[["code", "year", "sex", "age_group", "population"]]


def scale(df: pd.DataFrame) -> float:
    return float(df["population"].abs().sum())


@given(populations())
def test_zero_sum_over_the_regions_for_every_variant(case):
    pop, interval = case
    v = sv.survival_variants(pop, BASE, BASE + interval)
    for variant in sv.VARIANTS:
        sums = v.groupby(["sex", "age_group"], observed=True)[variant].sum()
        assert (sums.abs() <= REL * scale(pop)).all(), variant


@given(populations())
def test_reverse_forward_and_average_identities(case):
    pop, interval = case
    v = sv.survival_variants(pop, BASE, BASE + interval)
    s = v["survival_ratio"]
    np.testing.assert_allclose(v["forward"], v["net_migration"], rtol=0, atol=0)
    np.testing.assert_allclose(v["forward"], v["observed"] - s * v["base_population"], rtol=REL, atol=REL * scale(pop))
    np.testing.assert_allclose(v["reverse"] * s, v["forward"], rtol=REL, atol=REL * scale(pop))
    np.testing.assert_allclose(v["average"], (v["forward"] + v["reverse"]) / 2, rtol=REL, atol=REL * scale(pop))


@given(populations())
def test_each_end_age_meets_the_cohort_born_5k_years_earlier(case):
    pop, interval = case
    net = dm.survival_ratio_net_migration(pop, BASE, BASE + interval)
    k = interval // 5
    assert list(net["age_group"].cat.categories) == AGES[k:]  # the ages born in the period are left out
    for end_age, base_age in net[["age_group", "base_age_group"]].drop_duplicates().itertuples(index=False):
        assert dm.age_group_bounds(base_age)[0] + interval == dm.age_group_bounds(end_age)[0]
    # the cohort is the base-year count of that group; the open end group gathers every group ending there
    wide = pop[pop["year"] == BASE].set_index(["code", "sex", "age_group"])["population"]
    for row in net.sample(n=min(len(net), 20), random_state=0).itertuples(index=False):
        low = dm.age_group_bounds(row.base_age_group)[0]
        groups = (
            [a for a in AGES if dm.age_group_bounds(a)[0] >= low] if row.age_group == AGES[-1] else [row.base_age_group]
        )
        assert row.base_population == sum(wide[(row.code, row.sex, a)] for a in groups)


@given(populations(), st.integers(min_value=1, max_value=100_000), st.data())
def test_a_person_moved_between_regions_moves_one_unit_of_net_migration(case, persons, data):
    pop, interval = case
    k = interval // 5
    age = data.draw(st.sampled_from(AGES[k:]))
    sex = data.draw(st.sampled_from(SEXES))
    before = dm.survival_ratio_net_migration(pop, BASE, BASE + interval).set_index(["code", "sex", "age_group"])
    moved = pop.copy()
    at = (moved["year"] == BASE + interval) & (moved["sex"] == sex) & (moved["age_group"] == age)
    source = at & (moved["code"] == "R0")
    persons = min(persons, int(moved.loc[source, "population"].iloc[0]))
    moved.loc[source, "population"] -= persons
    moved.loc[at & (moved["code"] == "R1"), "population"] += persons
    after = dm.survival_ratio_net_migration(moved, BASE, BASE + interval).set_index(["code", "sex", "age_group"])
    change = (after["net_migration"] - before["net_migration"]).to_dict()
    tol = REL * scale(pop)
    for key, delta in change.items():
        want = {("R0", sex, age): -persons, ("R1", sex, age): persons}.get(key, 0)
        assert abs(delta - want) <= tol, (key, delta, want)


@given(
    st.integers(2, 5),
    st.sampled_from([5, 10, 20]),
    st.lists(st.floats(0.05, 1.0), min_size=len(AGES), max_size=len(AGES)),
    st.data(),
)
def test_a_population_that_follows_its_own_survival_has_no_migration(regions, interval, ratios, data):
    """End-year counts equal to the base cohorts times ratios common to all regions: every estimate is zero."""
    k = interval // 5
    shape = (regions, len(SEXES), len(AGES))
    base = data.draw(arrays(float, shape, elements=counts))
    end = data.draw(arrays(float, shape, elements=counts))
    n = len(AGES)
    cohort = np.concatenate([base[..., : n - 1 - k], base[..., n - 1 - k :].sum(axis=-1, keepdims=True)], axis=-1)
    end[..., k:] = cohort * np.array(ratios[: n - k])
    pop = long_table({BASE: base, BASE + interval: end})
    v = sv.survival_variants(pop, BASE, BASE + interval)
    np.testing.assert_allclose(v["survival_ratio"], np.tile(ratios[: n - k], regions * len(SEXES)), rtol=REL)
    for variant in sv.VARIANTS:
        assert (v[variant].abs() <= REL * scale(pop)).all(), variant


@given(st.integers(2, 5), st.sampled_from([5, 10, 20]), st.lists(counts, min_size=len(AGES), max_size=len(AGES)))
def test_a_stationary_population_has_no_migration(regions, interval, structure):
    """The same age structure (by sex) in every region, unchanged between the censuses: zero everywhere."""
    shape = (regions, len(SEXES), len(AGES))
    sizes = np.arange(1, regions + 1, dtype=float)[:, None, None]
    arr = np.broadcast_to(sizes * np.array(structure, dtype=float), shape).copy()
    pop = long_table({BASE: arr, BASE + interval: arr})
    net = dm.survival_ratio_net_migration(pop, BASE, BASE + interval)
    assert (net["net_migration"].abs() <= REL * scale(pop)).all()


@given(populations(), st.integers(1, 1000))
def test_scaling_every_count_scales_net_migration(case, factor):
    pop, interval = case
    a = dm.survival_ratio_net_migration(pop, BASE, BASE + interval)
    b = dm.survival_ratio_net_migration(pop.assign(population=pop["population"] * factor), BASE, BASE + interval)
    np.testing.assert_allclose(
        b["net_migration"], a["net_migration"] * factor, rtol=REL, atol=REL * scale(pop) * factor
    )
    np.testing.assert_allclose(b["survival_ratio"], a["survival_ratio"], rtol=REL)
