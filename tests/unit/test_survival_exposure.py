"""The mortality adjustment fitted on resident exposure (synthetic toy populations, labelled as such).

Toy (synthetic): one region ``R`` inside a nation; per cohort a national ten-year survival ``S``;
the region's true survival is ``S^θ*`` with ``θ* = 0.8``; the region loses people by a constant
out-migration flow over the interval. Its registered deaths are the deaths of its *residents*,
computed exactly (continuous time, constant hazard within each cohort):

    N(t) = N0 e^{-μt} + k N0 (1 − e^{-μt}) / μ,   deaths = ∫ μ N(t) dt,   end count = N(T)

with ``μ = −ln(S^θ*) / T`` and ``k`` the yearly net migration per head of the base cohort.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from neoutflow.analysis import survival as sv

T = 10.0
THETA = 0.8
NATIONAL_S = np.array([0.995, 0.99, 0.97, 0.93, 0.85, 0.70, 0.45])
BASE = np.array([900.0, 1000.0, 1100.0, 1000.0, 800.0, 500.0, 250.0])
MIGRATION = -0.012  # per head of the base cohort per year: −12% over the ten years


def _resident(s_true: np.ndarray, k: float):
    """Exact deaths among residents and end counts of each cohort (closed form of the integral)."""
    mu = -np.log(s_true) / T
    end = BASE * s_true + k * BASE * (1 - s_true) / mu
    # ∫0^T μ N dt = N0 (1 − e^{-μT}) + k N0 (T − (1 − e^{-μT})/μ)
    deaths = BASE * (1 - s_true) + k * BASE * (T - (1 - s_true) / mu)
    return deaths, end


def _toy(k: float = MIGRATION):
    deaths, end = _resident(NATIONAL_S**THETA, k)
    ages = [f"{10 * i}-{10 * i + 9}" for i in range(len(BASE))]
    v = pd.DataFrame(
        {"code": "R", "age_group": ages, "base_population": BASE, "observed": end, "survival_ratio": NATIONAL_S}
    )
    return v, pd.Series({"R": deaths.sum()})


def test_resident_fit_reproduces_registered_deaths_and_recovers_theta():
    v, registered = _toy()
    theta = sv.fit_hazard_multipliers(v, registered)
    # the registered deaths are met exactly (to the solver's tolerance) …
    assert sv.implied_deaths(v, theta)["R"] == pytest.approx(registered["R"], rel=1e-12)
    # … and the multiplier is the true one, up to the half-period approximation of the exposure
    assert theta["R"] == pytest.approx(THETA, rel=5e-3)


def test_closed_cohort_fit_on_the_same_toy_is_biased_down():
    v, registered = _toy()
    closed = sv.fit_hazard_multipliers(v, registered, exposure="closed")
    resident = sv.fit_hazard_multipliers(v, registered)
    assert sv.implied_deaths(v, closed, exposure="closed")["R"] == pytest.approx(registered["R"], rel=1e-12)
    # the out-migrants' deaths after they left are counted as if registered: θ too low
    assert closed["R"] < THETA * 0.95
    assert abs(closed["R"] - THETA) > 10 * abs(resident["R"] - THETA)


def test_without_migration_both_exposures_agree_and_are_exact():
    v, registered = _toy(k=0.0)
    for exposure in sv.EXPOSURES:
        theta = sv.fit_hazard_multipliers(v, registered, exposure=exposure)
        assert theta["R"] == pytest.approx(THETA, rel=1e-10)


def test_an_inflow_biases_the_closed_fit_up():
    v, registered = _toy(k=0.01)
    assert sv.fit_hazard_multipliers(v, registered, exposure="closed")["R"] > THETA * 1.04
    assert sv.fit_hazard_multipliers(v, registered)["R"] == pytest.approx(THETA, rel=5e-3)


def test_unknown_exposure_is_refused():
    v, registered = _toy()
    with pytest.raises(ValueError, match="exposure"):
        sv.implied_deaths(v, exposure="open")
