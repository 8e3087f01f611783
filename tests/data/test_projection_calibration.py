"""The projection on the shipped data: the 2010→2020 replay, the life-table fit and the calibrated baseline."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from neoutflow import data
from neoutflow.analysis import lifetable as lt
from neoutflow.analysis import projection as pj


@pytest.fixture(scope="module")
def shipped():
    pop = data.load_population(level="province")
    series = data.load_province_series(["birth_rate", "death_rate", "natural_growth_rate", "yearend_population"])
    return pop, series, data.load_life_expectancy()


def test_replay_2010_2020_reproduces_the_census_at_every_age(shipped):
    pop, _, _ = shipped
    rep = pj.replay(pop, pj.NORTHEAST)
    assert set(rep["age_group"]) >= {"70-74", "75-79", "80-84", "85+"}
    assert rep["error_pct"].abs().max() < 0.5
    # the old rate M/P applied to survivors over-projects the oldest cohorts (the bias the fix removes)
    old = pj.replay(pop, pj.NORTHEAST, denominator="base")
    assert old[old["age_group"].isin(["75-79", "80-84"])]["error_pct"].abs().max() > 0.5


def test_life_table_reproduces_registered_deaths_and_a_plausible_e0(shipped):
    pop, series, le = shipped
    fit = lt.fit_levels(pop, series, le, pj.NORTHEAST, (2021, 2023))
    assert fit["e0"].between(70, 90).all()
    for code, part in fit.groupby("code"):
        female = part[part["sex"] == "female"]["e0"].iloc[0]
        male = part[part["sex"] == "male"]["e0"].iloc[0]
        assert female > male, code
        # registered deaths imply an e0 above the 2010 census table
        assert (part["e0"] > part["e0_published"]).all(), code


def test_calibrated_baseline_meets_the_2024_series_within_1_5_percent(shipped):
    pop, series, le = shipped
    yearend = series[series["indicator"] == "yearend_population"]
    inputs = pj.build_inputs(pop, series, le)
    k = pj.fit_intensity(inputs, yearend, [2021, 2022, 2023, 2024])
    bt = pj.backtest(replace(inputs, intensity=k), yearend, [2024])
    assert bt["error_pct"].abs().max() < 1.5
    assert np.isfinite(k).all()
