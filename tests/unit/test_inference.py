"""The wild bootstrap and randomisation p-values, re-derived with independent code.

Synthetic data only (labelled). The wild restricted bootstrap comes from the
``wildboottest`` package; here it is re-implemented in plain numpy (restricted
OLS, Rademacher/Webb multipliers, HC1/CRV1 t-statistics). With clusters few
enough for full enumeration both must agree exactly; otherwise within Monte
Carlo error. The exhaustive randomisation test is checked against a loop of
statsmodels fits over every assignment.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from neoutflow.analysis import inference

WEBB = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])


def synthetic(n: int, seed: int, clusters: int | None = None) -> pd.DataFrame:
    """Synthetic (labelled) heteroskedastic data with a weak x1 effect."""
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    y = 0.5 + 0.35 * x1 - 0.2 * x2 + rng.normal(size=n) * (0.5 + np.abs(x1))
    df = pd.DataFrame({"y": y, "x1": x1, "x2": x2, "synthetic": True})
    if clusters:
        df["g"] = [f"c{i % clusters:02d}" for i in range(n)]
    return df


def t_stat(x, y, r, cl):
    """CRV1 t-statistic of r'β (each row its own cluster = HC1)."""
    n, k = x.shape
    xtx_inv = np.linalg.inv(x.T @ x)
    b = xtx_inv @ x.T @ y
    u = y - x @ b
    groups = np.unique(cl)
    meat = np.zeros((k, k))
    for g in groups:
        s = x[cl == g].T @ u[cl == g]
        meat += np.outer(s, s)
    G = len(groups)
    v = (G / (G - 1)) * ((n - 1) / (n - k)) * xtx_inv @ meat @ xtx_inv
    return (r @ b) / np.sqrt(r @ v @ r)


def numpy_wild_p(x, y, r, cl, weights: np.ndarray) -> tuple[float, float]:
    """Restricted wild (cluster) bootstrap with the given G-column weight draws."""
    t0 = t_stat(x, y, r, cl)
    # Restricted OLS under r'β = 0.
    xtx_inv = np.linalg.inv(x.T @ x)
    b = xtx_inv @ x.T @ y
    br = b - xtx_inv @ r * (r @ b) / (r @ xtx_inv @ r)
    ur = y - x @ br
    groups, idx = np.unique(cl, return_inverse=True)
    ts = np.array([t_stat(x, x @ br + ur * w[idx], r, cl) for w in weights])
    return float(t0), float(np.mean(np.abs(ts) >= abs(t0)))


def test_t_statistic_is_hc1_and_p_matches_numpy_rademacher():
    df = synthetic(31, seed=3)
    x, y, names = inference.design(df, "y", ["x1", "x2"])
    r = np.array([0.0, 1.0, 0.0])
    t, p = inference.wild_test(x, y, r, reps=9999, seed=11, weights="rademacher")
    hc1 = sm.OLS(y, x).fit(cov_type="HC1")
    assert t == pytest.approx(hc1.tvalues[1], rel=1e-8)
    rng = np.random.default_rng(5)
    t_np, p_np = numpy_wild_p(x, y, r, np.arange(31), rng.choice([-1.0, 1.0], size=(4000, 31)))
    assert t_np == pytest.approx(t, rel=1e-10)
    assert 0.005 < p < 0.5  # an informative case, not a corner
    assert p == pytest.approx(p_np, abs=0.025)  # Monte Carlo error of 4,000 + 9,999 draws


def test_webb_and_a_linear_contrast_match_numpy():
    df = synthetic(31, seed=8)
    x, y, _ = inference.design(df, "y", ["x1", "x2"])
    r = np.array([0.0, 0.7, -0.4])  # a counterfactual-style combination of two slopes
    t, p = inference.wild_test(x, y, r, reps=9999, seed=2, weights="webb")
    rng = np.random.default_rng(9)
    t_np, p_np = numpy_wild_p(x, y, r, np.arange(31), rng.choice(WEBB, size=(4000, 31)))
    assert t == pytest.approx(t_np, rel=1e-8)
    assert p == pytest.approx(p_np, abs=0.025)


def test_wild_cluster_full_enumeration_is_exact():
    df = synthetic(60, seed=4, clusters=8)
    x, y, _ = inference.design(df, "y", ["x1", "x2"])
    r = np.array([0.0, 1.0, 0.0])
    cl = df["g"].to_numpy()
    # 2^8 = 256 ≤ reps: the package enumerates every Rademacher sign vector.
    t, p = inference.wild_test(x, y, r, reps=999, seed=1, weights="rademacher", cluster=cl)
    signs = np.array(list(itertools.product([-1.0, 1.0], repeat=8)))
    t_np, p_np = numpy_wild_p(x, y, r, cl, signs)
    assert t == pytest.approx(t_np, rel=1e-8)
    assert p == pytest.approx(p_np, abs=1 / 256 + 1e-12)


def test_wild_tests_are_seeded_and_name_their_contrasts():
    df = synthetic(31, seed=3)
    contrasts = {"x1": {"x1": 1.0}, "combo": {"x1": 0.5, "x2": 1.0}}
    a = inference.wild_tests(df, "y", ["x1", "x2"], contrasts, reps=499, seed=7)
    b = inference.wild_tests(df, "y", ["x1", "x2"], contrasts, reps=499, seed=7)
    pd.testing.assert_frame_equal(a, b)
    assert list(a["name"]) == ["x1", "combo"]
    beta = sm.OLS(df["y"], sm.add_constant(df[["x1", "x2"]])).fit().params
    assert a.loc[1, "estimate"] == pytest.approx(0.5 * beta["x1"] + beta["x2"], rel=1e-10)
    with pytest.raises(inference.InferenceError):
        inference.wild_tests(df, "y", ["x1"], {"bad": {"x9": 1.0}}, reps=9, seed=1)


def test_exact_randomisation_equals_a_loop_of_fits():
    rng = np.random.default_rng(12)
    n = 12
    df = pd.DataFrame({"x1": rng.normal(size=n), "ne": 0.0, "synthetic": True})
    df.loc[[0, 1, 2], "ne"] = 1.0
    df["y"] = 0.3 * df["x1"] - 1.1 * df["ne"] + rng.normal(size=n)
    ri = inference.randomisation_exact(df, "y", ["x1"], "ne")
    coefs = []
    for s in itertools.combinations(range(n), 3):
        d = np.zeros(n)
        d[list(s)] = 1.0
        fit = sm.OLS(df["y"].to_numpy(), np.column_stack([np.ones(n), df["x1"], d])).fit()
        coefs.append(fit.params[2])
    coefs = np.array(coefs)
    observed = sm.OLS(df["y"].to_numpy(), np.column_stack([np.ones(n), df["x1"], df["ne"]])).fit().params[2]
    assert ri["coef"] == pytest.approx(observed, rel=1e-10)
    assert ri["n_sets"] == 220
    assert ri["p"] == pytest.approx(np.mean(np.abs(coefs) >= abs(observed) - 1e-10), abs=1e-12)


def test_rescaled_contrasts_share_a_run_and_flip_the_sign_of_t():
    df = synthetic(31, seed=3)
    contrasts = {"x1": {"x1": 1.0}, "minus_half": {"x1": -0.5}}
    out = inference.wild_tests(df, "y", ["x1", "x2"], contrasts, reps=499, seed=7).set_index("name")
    x, y, _ = inference.design(df, "y", ["x1", "x2"])
    t, p = inference.wild_test(x, y, np.array([0.0, -0.5, 0.0]), reps=499, seed=7, weights="webb")
    assert out.loc["minus_half", "t"] == pytest.approx(t, rel=1e-10) == -out.loc["x1", "t"]
    assert out.loc["minus_half", "p_webb"] == out.loc["x1", "p_webb"] == pytest.approx(p, abs=0.0)


@pytest.mark.parametrize("clusters", [None, 8])
def test_numpy_denominator_equals_the_packages_numba_path(clusters):
    """The bootstrap denominators of the numpy override equal those of wildboottest's own (numba) code."""
    from wildboottest.wildboottest import WildboottestCL

    df = synthetic(60, seed=6, clusters=clusters or 8)
    x, y, _ = inference.design(df, "y", ["x1", "x2"])
    cl = np.arange(len(y)) if clusters is None else pd.factorize(df["g"])[0]
    r = np.array([0.0, 1.0, 0.0])
    boots = []
    for cls in (WildboottestCL, inference._wildboot_class()):
        b = cls(X=x, Y=y, cluster=cl, R=r, B=499, seed=3, parallel=False)
        b.get_scores(bootstrap_type="11", impose_null=True, adj=True, cluster_adj=True)
        b.get_weights(weights_type="webb")
        b.get_numer()
        b.get_denom()
        boots.append(b)
    assert boots[1].denom == pytest.approx(boots[0].denom, rel=1e-10)
