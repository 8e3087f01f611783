"""Small-sample inference fitted to the design: wild (restricted) bootstrap and exact randomisation.

With 31 provinces, a few high-leverage units and three treated provinces, the
sandwich standard errors and a pairs bootstrap are the least reliable choices.
This module supplies:

* :func:`wild_test` — the wild restricted bootstrap (WRE/WCR, null imposed) of a
  linear hypothesis ``R'β = 0`` from the ``wildboottest`` package, with
  Rademacher or Webb (six-point) weights. Without a cluster variable each row is
  its own cluster, which is the heteroskedasticity-robust wild bootstrap of the
  HC1 t-statistic; with one (e.g. province for prefectures), the wild cluster
  bootstrap of the CRV1 t-statistic.
* :func:`wild_tests` — the same for several named contrasts of one design.
* :func:`wild_coefficient_draws` — draws of the coefficients from the unrestricted wild bootstrap (the same
  weights), to carry an estimate's uncertainty into a simulation.
* :func:`randomisation_exact` — Fisher randomisation inference for a 0/1
  indicator held by ``k`` units: the coefficient refitted under every one of the
  ``C(n, k)`` assignments (4,495 for three provinces among 31), two-sided
  p-value ``#{|b*| ≥ |b|} / C(n, k)``. Exhaustive, so no seed is involved.

Everything returns plain numbers or DataFrames; recording is done in outputs.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from itertools import combinations

import numpy as np
import pandas as pd

WEIGHTS = ("rademacher", "webb")
WEIGHT_LABELS = {"rademacher": "Rademacher", "webb": "Webb"}


class InferenceError(ValueError):
    """A design or hypothesis the resampling methods cannot use."""


def design(data: pd.DataFrame, outcome: str, regressors: Sequence[str], fixed_effects: str | None = None):
    """``(X, y, names)`` with an intercept first and, if given, one dummy per fixed-effect
    level after the first (the same column space as the formula fit)."""
    cols = [outcome, *regressors]
    num = data[cols].apply(pd.to_numeric, errors="raise").astype(float)
    if num.isna().any().any():
        raise InferenceError(f"missing values in {cols}")
    parts = [np.ones((len(num), 1)), num[list(regressors)].to_numpy()]
    names = ["Intercept", *regressors]
    if fixed_effects is not None:
        dummies = pd.get_dummies(data[fixed_effects].astype(str), prefix="fe", drop_first=True, dtype=float)
        parts.append(dummies.to_numpy())
        names += list(dummies.columns)
    return np.column_stack(parts), num[outcome].to_numpy(), names


def _wildboot_class():
    """``wildboottest.WildboottestCL`` with the CRV1 bootstrap denominator computed by numpy.

    The package computes it in a numba function defined inside ``get_denom``: a new function object, so a new
    compilation (about half a CPU second), on every test; the province and prefecture chapters run dozens. The
    same sum — ``ssc · Σ_g (C_g v_gb − Σ_h v_hb H_gh)²`` for each replication ``b`` — is one matrix product
    here (identical p-values: ``tests/unit/test_inference.py`` compares it with the package's own path).
    """
    from wildboottest.wildboottest import WildboottestCL

    class NumpyDenominator(WildboottestCL):
        def get_denom(self):
            if self.crv_type != "crv1":
                return super().get_denom()
            # H_gh = R'(X'X)⁻¹ X_g'X_g (X'X)⁻¹ s_h, as the package builds it (rows g, columns h)
            a = np.stack([self.R @ self.tXXinv @ xg @ self.tXXinv for xg in self.tXgXg_list])  # (G, k)
            h = a @ self.scores_mat  # (G, G)
            z = np.asarray(self.Cg)[:, None] * self.v - h @ self.v  # (G, B)
            self.denom = self.ssc * np.sum(z**2, axis=0)

    return NumpyDenominator


def wild_test(
    x: np.ndarray,
    y: np.ndarray,
    r: np.ndarray,
    reps: int,
    seed: int,
    weights: str = "webb",
    cluster: np.ndarray | None = None,
) -> tuple[float, float]:
    """Wild restricted bootstrap of ``H0: r'β = 0``; returns ``(t, p)`` (two-sided, symmetric).

    Uses ``wildboottest.WildboottestCL`` with the null imposed on the bootstrap DGP
    ("11": CRV1 scores with the usual small-sample factors). ``cluster=None`` makes
    each row its own cluster (heteroskedastic wild bootstrap).
    """
    if weights not in WEIGHTS:
        raise InferenceError(f"weights must be one of {WEIGHTS}, got {weights!r}")
    if reps < 1:
        raise InferenceError(f"reps must be ≥ 1, got {reps}")
    r = np.asarray(r, dtype=float)
    if r.shape != (x.shape[1],) or not np.any(r):
        raise InferenceError(f"the contrast must be a non-zero vector of length {x.shape[1]}")
    # Integer cluster codes: the package's compiled kernels do not take string labels.
    cl = np.arange(len(y)) if cluster is None else pd.factorize(np.asarray(cluster))[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # full-enumeration notice when 2^G ≤ reps
        boot = _wildboot_class()(X=x, Y=y, cluster=cl, R=r, B=int(reps), seed=int(seed), parallel=False)
        boot.get_scores(bootstrap_type="11", impose_null=True, adj=True, cluster_adj=True)
        boot.get_weights(weights_type=weights)
        boot.get_numer()
        boot.get_denom()
        boot.get_tboot()
        boot.get_vcov()
        boot.get_tstat()
        boot.get_pvalue(pval_type="two-tailed")
    return float(np.ravel(boot.t_stat)[0]), float(np.ravel(boot.pvalue)[0])


# The two-point and six-point wild weights (mean 0, variance 1): Rademacher ±1; Webb ±√(1/2), ±1, ±√(3/2).
_WEIGHT_VALUES = {
    "rademacher": np.array([-1.0, 1.0]),
    "webb": np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)]),
}


def wild_coefficient_draws(x: np.ndarray, y: np.ndarray, n: int, seed: int, weights: str = "webb") -> np.ndarray:
    """``(n, k)`` draws of the OLS coefficients from the (unrestricted) wild bootstrap, each row its own cluster.

    ``y* = Xβ̂ + v·ê·√(N/(N−k))``, ``v`` drawn from the ``weights`` distribution, refitted: the draws are centred
    on β̂ with the HC1 covariance in expectation. The restricted version (:func:`wild_test`) gives the p-values the
    report's verdicts use; this unrestricted one gives a distribution to carry an estimate forward (the pay lever
    of the projection) with the same resampling scheme and weights.
    """
    if weights not in WEIGHTS:
        raise InferenceError(f"weights must be one of {WEIGHTS}, got {weights!r}")
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    e = (y - x @ beta) * np.sqrt(len(y) / (len(y) - x.shape[1]))
    v = np.random.default_rng(int(seed)).choice(_WEIGHT_VALUES[weights], size=(int(n), len(y)))
    return beta[None, :] + (v * e[None, :]) @ np.linalg.pinv(x).T


def wild_tests(
    data: pd.DataFrame,
    outcome: str,
    regressors: Sequence[str],
    contrasts: Mapping[str, Mapping[str, float]],
    reps: int,
    seed: int,
    cluster: str | None = None,
    fixed_effects: str | None = None,
    weights: Sequence[str] = WEIGHTS,
) -> pd.DataFrame:
    """Wild restricted bootstrap p-values for named contrasts ``{name: {term: weight}}``.

    Returns one row per contrast: ``name, estimate, t, p_<weights>…, reps``. The same
    seed is used for every contrast and weight type, so each p-value is reproducible
    on its own.
    """
    x, y, names = design(data, outcome, regressors, fixed_effects)
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    cl = None if cluster is None else data[cluster].astype(str).to_numpy()
    rows, done = [], {}
    for name, terms in contrasts.items():
        unknown = [t for t in terms if t not in names]
        if unknown:
            raise InferenceError(f"contrast {name!r} uses terms not in the model: {unknown}")
        r = np.array([float(terms.get(t, 0.0)) for t in names])
        row = {"name": name, "estimate": float(r @ beta)}
        # The test of r'β = 0 is unchanged by rescaling r (same restricted fit, same |t|), so
        # contrasts along one direction (a one-variable scenario and its coefficient) share one run.
        lead = r[np.flatnonzero(r)[0]] if np.any(r) else 1.0
        key = tuple(np.round(r / lead, 12))
        for w in weights:
            if (key, w) not in done:
                t, p = wild_test(x, y, r, reps, seed, w, cl)
                done[(key, w)] = (t * np.sign(lead), p)  # t of the normalised contrast
            t, p = done[(key, w)]
            row["t"], row[f"p_{w}"] = t * np.sign(lead), p
        row["reps"] = int(reps)
        rows.append(row)
    return pd.DataFrame(rows)


def randomisation_exact(
    data: pd.DataFrame, outcome: str, regressors: Sequence[str], indicator: str
) -> dict[str, float]:
    """Exact randomisation p-value for the coefficient of a 0/1 ``indicator``.

    Under the sharp null that the indicator has no effect on any unit, every
    assignment of the ``k`` treated labels among the ``n`` units is equally likely;
    the coefficient is refitted for all ``C(n, k)`` of them (the other regressors
    fixed). Returns ``coef, p, n_sets, k, rank`` (rank: how many assignments give
    an absolute coefficient at least the observed one, the observed included).
    """
    x, y, _ = design(data, outcome, regressors)
    d = pd.to_numeric(data[indicator]).to_numpy().astype(float)
    if not set(np.unique(d)) <= {0.0, 1.0}:
        raise InferenceError(f"{indicator} must be 0/1")
    n, k = len(d), int(d.sum())
    if not 1 <= k < n:
        raise InferenceError(f"{indicator} must be held by some but not all units")
    # Frisch–Waugh: the indicator's coefficient is (M d)'(M y) / (M d)'(M d), M the
    # annihilator of the other regressors; so b for every assignment is one product.
    q, _ = np.linalg.qr(x)
    m = np.eye(n) - q @ q.T
    my = m @ y
    sets = np.array(list(combinations(range(n), k)))
    dd = np.zeros((len(sets), n))
    np.put_along_axis(dd, sets, 1.0, axis=1)
    md = dd @ m  # rows: M d for each assignment (M symmetric)
    denom = np.einsum("ij,ij->i", md, md)
    ok = denom > 1e-12  # assignments collinear with the controls carry no slope
    b_all = (md @ my)[ok] / denom[ok]
    md_obs = m @ d
    b_obs = float(md_obs @ my / (md_obs @ md_obs))
    tol = 1e-10 * max(1.0, abs(b_obs))
    hits = int(np.sum(np.abs(b_all) >= abs(b_obs) - tol))
    return {"coef": b_obs, "p": hits / int(ok.sum()), "n_sets": int(ok.sum()), "k": k, "rank": hits}


def _draws(rng: np.random.Generator, shape: tuple[int, int], weights: str) -> np.ndarray:
    if weights == "rademacher":
        return rng.choice(np.array([-1.0, 1.0]), size=shape)
    webb = np.sqrt(np.array([0.5, 1.0, 1.5]))
    return rng.choice(np.concatenate([-webb, webb]), size=shape)


def score_wild_poisson(
    x: np.ndarray,
    y: np.ndarray,
    j: int,
    cluster: np.ndarray,
    reps: int,
    seed: int,
    weights: Sequence[str] = WEIGHTS,
    mu: np.ndarray | None = None,
) -> tuple[float, dict[str, float]]:
    """Wild cluster score bootstrap (Kline and Santos 2012) of ``β_j = 0`` in a Poisson (PPML) model; ``(t, {weights: p})``.

    No library at hand bootstraps PPML (``wildboottest`` and pyfixest's ``wildboottest`` are for linear
    models), so this is written out. The model is fitted under the null (column ``j`` left out; statsmodels
    GLM), ``x_j`` is partialled out of the other columns with the weights ``μ̃``, and the cluster scores
    ``S_g = Σ_{i∈g} x̃_ij (y_i − μ̃_i)`` give the score statistic ``t = ΣS_g / √(G/(G−1) ΣS_g²)``. Each
    replicate multiplies the ``S_g`` by one draw per cluster (Rademacher or Webb) and recomputes ``t``; the
    two-sided p-value is the share of ``|t*| ≥ |t|``. No refit per replicate, so it is cheap. ``mu``: the
    fitted means under the null when the caller has them (e.g. from ``fepois`` with the fixed effects
    absorbed, much faster than a dense GLM); they must come from the model without column ``j``.
    """
    import statsmodels.api as sm

    if not set(weights) <= set(WEIGHTS):
        raise InferenceError(f"weights must be among {WEIGHTS}, got {weights!r}")
    xr = np.delete(x, j, axis=1)
    if mu is None:
        mu = sm.GLM(y, xr, family=sm.families.Poisson()).fit(tol=1e-13, maxiter=200).mu
    mu = np.asarray(mu, dtype=float)
    coef, *_ = np.linalg.lstsq(xr * np.sqrt(mu)[:, None], x[:, j] * np.sqrt(mu), rcond=None)
    xt = x[:, j] - xr @ coef
    codes, groups = np.unique(np.asarray(cluster), return_inverse=True)
    s = np.bincount(groups, weights=xt * (y - mu), minlength=len(codes))
    g = len(codes)
    t = s.sum() / np.sqrt(g / (g - 1) * (s**2).sum())
    p = {}
    for kind in weights:  # the same seed for each weight type, as in wild_tests
        sb = _draws(np.random.default_rng(seed), (int(reps), g), kind) * s
        tb = sb.sum(axis=1) / np.sqrt(g / (g - 1) * (sb**2).sum(axis=1))
        p[kind] = float(np.mean(np.abs(tb) >= abs(t) - 1e-12))
    return float(t), p
