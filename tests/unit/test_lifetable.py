"""Parametric life table and the projection under it, on synthetic (toy) populations."""

from __future__ import annotations

import numpy as np
import pytest

from neoutflow.analysis import lifetable as lt
from neoutflow.analysis import projection as pj


def test_life_expectancy_is_monotone_in_the_level_and_inverts():
    levels = np.array([1e-5, 3e-5, 1e-4])
    e0 = lt.life_expectancy(levels)
    assert (np.diff(e0) < 0).all()
    assert lt.life_expectancy(lt.level_for_e0(78.0)) == pytest.approx(78.0, abs=1e-6)


def test_person_years_add_up_to_e0_and_child_mortality_is_plausible():
    level = lt.level_for_e0(78.0)
    assert lt.person_years(level).sum() == pytest.approx(78.0, abs=1e-6)
    lx = lt.survivorship(level)
    assert 0.003 < 1 - lx[int(round(1 / lt.STEP_YEARS))] < 0.008  # infant mortality, per 1
    assert 0.004 < 1 - lx[int(round(5 / lt.STEP_YEARS))] < 0.010  # under five


def test_stationary_population_stays_stationary_under_the_life_table():
    """A stationary population (5Lx per sex, radix 1 per sex) with zero migration and births that replace
    the radix stays where it is, step after step."""
    levels = np.array([lt.level_for_e0(75.0), lt.level_for_e0(80.0)])  # male, female
    L = lt.person_years(levels)  # (2, A)
    surv, bs = lt.projection_survival(levels)
    share = pj.gamma_schedule()
    women = L[1]
    # births per step: 5 per sex (radix 1 per year), srb = 1; survival of births is bs (5L0 / 5)
    tfr = 10.0 / (women * share).sum()
    out = pj.project(L, surv, np.zeros(18), share, tfr, 1.0, steps=6, birth_survival=bs)
    for t in range(7):
        assert out[t] == pytest.approx(L, rel=1e-12)


def test_fitted_multiplier_reproduces_the_deaths():
    base = np.array([lt.level_for_e0(76.0), lt.level_for_e0(81.0)])
    pop = np.full((2, 18), 1000.0)
    target = float((lt.death_rates(base * 1.3) * pop).sum())
    assert lt.fit_multiplier(base, pop, target) == pytest.approx(1.3, rel=1e-6)


def test_improvement_rate_recovers_a_known_decline():
    a, b = lt.level_for_e0(73.0), lt.level_for_e0(76.0)
    r = lt.improvement_rate(73.0, 76.0, 10)
    assert b == pytest.approx(a * np.exp(-10 * r))
    assert r > 0
