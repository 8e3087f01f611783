"""The Rogers–Castro fit recovers known parameters from a synthetic schedule (synthetic data)."""

from __future__ import annotations

import numpy as np
import pytest

from neoutflow.analysis import survival as sv

TRUE = {"a2": 0.08, "mu2": 18.0, "alpha2": 0.12, "lambda2": 0.45, "c": 0.003}
AGES = np.arange(7.5, 85, 5.0)  # cohort ages at mid-interval, as in the census data


def test_fit_recovers_known_parameters():
    rates = sv.rogers_castro(AGES, **TRUE)
    fit = sv.fit_rogers_castro(AGES, rates)
    for name, value in TRUE.items():
        assert fit[name] == pytest.approx(value, rel=1e-6), name
    assert fit["rmse"] < 1e-10


def test_weights_do_not_move_an_exact_fit_and_peak_is_where_the_derivative_vanishes():
    rates = sv.rogers_castro(AGES, **TRUE)
    fit = sv.fit_rogers_castro(AGES, rates, weights=np.linspace(1, 3, len(AGES)))
    assert fit["mu2"] == pytest.approx(TRUE["mu2"], rel=1e-6)
    age, height = sv.rogers_castro_peak(TRUE)
    eps = 1e-4
    assert sv.rogers_castro(age - eps, **TRUE) < height > sv.rogers_castro(age + eps, **TRUE)
    assert fit["peak_age"] == pytest.approx(age, rel=1e-6)


def test_noisy_schedule_is_recovered_approximately():
    rng = np.random.default_rng(7)
    rates = sv.rogers_castro(AGES, **TRUE) * (1 + rng.normal(0, 0.01, len(AGES)))
    fit = sv.fit_rogers_castro(AGES, rates)
    assert fit["peak_age"] == pytest.approx(sv.rogers_castro_peak(TRUE)[0], abs=0.5)
    assert fit["c"] == pytest.approx(TRUE["c"], abs=5e-4)


def test_cohort_mid_age():
    assert sv.cohort_mid_age("20-24") == pytest.approx(17.5)
    assert sv.cohort_mid_age("85+") == pytest.approx(82.5)
