"""The wild cluster score bootstrap for PPML (analysis.inference.score_wild_poisson) against a plain-numpy
restatement (numpy IRLS under the null, the score statistic from an explicit weighted projection, the same
seeded draws), its size on SYNTHETIC data with no effect, and the ranking rule of outputs.claims."""

from __future__ import annotations

import numpy as np
import pytest

from neoutflow.analysis import flows as fl
from neoutflow.analysis import inference
from neoutflow.outputs.claims import NO_RANKING, ranking_word, ranks_first


def _synthetic(seed: int, effect: float):
    """SYNTHETIC: 12 clusters × 15 observations, Poisson counts, a cluster-level regressor of interest."""
    rng = np.random.default_rng(seed)
    g = np.repeat(np.arange(12), 15)
    z = rng.normal(size=len(g))
    d = rng.normal(size=12)[g] * rng.normal(size=len(g))
    x = np.column_stack([np.ones(len(g)), z, d])
    mu = np.exp(0.5 + 0.3 * z + effect * d + rng.normal(scale=0.3, size=12)[g])
    return x, rng.poisson(mu).astype(float), g


def _numpy_score_test(x, y, j, g, reps, seed, kind):
    xr = np.delete(x, j, axis=1)
    beta = fl.irls_poisson(xr, y)
    mu = np.exp(xr @ beta)
    w = np.diag(mu)
    xt = x[:, j] - xr @ np.linalg.solve(xr.T @ w @ xr, xr.T @ w @ x[:, j])
    s = np.array([np.sum((xt * (y - mu))[g == c]) for c in np.unique(g)])
    n_g = len(s)
    t = s.sum() / np.sqrt(n_g / (n_g - 1) * np.sum(s**2))
    rng = np.random.default_rng(seed)
    if kind == "rademacher":
        draws = rng.choice(np.array([-1.0, 1.0]), size=(reps, n_g))
    else:
        webb = np.sqrt(np.array([0.5, 1.0, 1.5]))
        draws = rng.choice(np.concatenate([-webb, webb]), size=(reps, n_g))
    tb = np.array([(d * s).sum() / np.sqrt(n_g / (n_g - 1) * np.sum((d * s) ** 2)) for d in draws])
    return t, np.mean(np.abs(tb) >= abs(t) - 1e-12)


@pytest.mark.parametrize("effect", [0.0, 0.4])
def test_score_bootstrap_matches_numpy(effect):
    x, y, g = _synthetic(5, effect)
    t, p = inference.score_wild_poisson(x, y, 2, g, 999, 17)
    for kind in inference.WEIGHTS:
        t_np, p_np = _numpy_score_test(x, y, 2, g, 999, 17, kind)
        assert t == pytest.approx(t_np, rel=1e-6)
        assert p[kind] == pytest.approx(p_np, abs=1e-12)


def test_score_bootstrap_size_under_the_null():
    """SYNTHETIC: with no effect, the 5% test rejects in roughly 5% of 200 samples (0–12% allowed)."""
    rejections = [
        inference.score_wild_poisson(*_synthetic(s, 0.0)[:2], 2, _synthetic(s, 0.0)[2], 399, s)[1]["webb"] < 0.05
        for s in range(200)
    ]
    assert 0.0 <= np.mean(rejections) <= 0.12


def test_ranking_only_when_intervals_clear():
    assert ranks_first((2.0, 3.0), [(-1.0, 1.5), (0.1, 1.9)])
    assert not ranks_first((2.0, 3.0), [(-2.1, 0.0)])  # magnitude overlap on the negative side
    assert not ranks_first((-0.5, 3.0), [(0.0, 0.1)])  # an interval containing zero ranks nothing
    assert ranking_word((2.0, 3.0), [(1.0, 2.5)], "最大") == NO_RANKING
    assert ranking_word((2.0, 3.0), [(1.0, 1.5)], "最大") == "最大"
