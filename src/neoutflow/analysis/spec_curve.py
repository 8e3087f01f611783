"""Specification curve (multiverse) for the wage and education coefficients.

Every combination of focal coefficient (wage, education) × outcome × control set × sample ×
level (31 provinces; prefectures with province fixed effects) is fitted with a small numpy OLS
(:func:`ols`): province fixed effects by within-province demeaning; one covariance per level,
the preferred one (HC3 for provinces, CRV1 by province for prefectures, the pyfixest convention
of :mod:`neoutflow.analysis.prefecture_models`). No formula parsing, no model objects: the
336 fits run in well under a second (``bench/spec_curve.py``).

Scales: the outcomes are all rates in %, but the wage variable is a log ratio at both levels
and the education variable is per 100,000 residents, so estimates are comparable within a
focal coefficient. Prefecture industry = city GDP shares; province industry = census
secondary employment share (the only sector variable of the province dataset).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product

import numpy as np
import pandas as pd
from scipy import stats

from neoutflow.analysis import prefecture_models as pm
from neoutflow.reference import MUNICIPALITIES, NORTHEAST

FOCALS = ("wage", "education")
LEVEL_VARS = {
    "province": {
        "wage": ["log_relative_wage"],
        "education": ["college_share"],
        "economy": ["log_gdp_per_capita"],
        "industry": ["secondary_share"],
        "demography": ["share_age_65_plus", "urban_share"],
    },
    "prefecture": {
        "wage": [pm.WAGE],
        "education": [pm.COLLEGE],
        "economy": [pm.GDPPC],
        "industry": [pm.SECONDARY, pm.TERTIARY],
        "demography": ["share_age_65_plus", "urban_share"],
    },
}
CONTROL_SETS = ("none", "economy", "industry", "demography", "other_focal", "full")
SAMPLES = ("all", "no_capitals", "no_region", "no_high_leverage")
LEVEL_OUTCOMES = {
    "province": (
        "net_migration_rate",
        "young_adult_net_migration_rate",
        "residual_migration_rate",
        "population_growth",
    ),
    "prefecture": ("net_migration_rate", "young_adult_net_migration_rate", "population_growth"),
}
# One covariance per level, the one the report prefers there: counting a second estimator as a
# "specification" would count each estimate twice (and the classical one is rejected everywhere else).
LEVEL_COVS = {"province": ("HC3",), "prefecture": ("cluster",)}
DIMENSIONS = ("outcome", "controls", "sample", "level")


@dataclass
class Fit:
    beta: np.ndarray
    se: np.ndarray
    df: int
    n: int
    leverage: np.ndarray


def _demean(a: np.ndarray, g: np.ndarray) -> np.ndarray:
    counts = np.bincount(g)
    if a.ndim == 1:
        return a - (np.bincount(g, weights=a) / counts)[g]
    means = np.stack([np.bincount(g, weights=a[:, j]) / counts for j in range(a.shape[1])], axis=1)
    return a - means[g]


def _group_sums(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Rows of ``values`` summed by group (codes 0..G−1), each group's rows added one after another in
    their order: the bytes ``np.add.at`` into zeros gives, one vector step per row rank, not per row."""
    order = np.argsort(groups, kind="stable")
    rank = np.arange(len(groups)) - np.searchsorted(groups[order], groups[order])  # place within its group
    out = np.zeros((int(groups.max()) + 1, *values.shape[1:]))
    for r in range(int(rank.max()) + 1):
        rows = order[rank == r]  # one row of each group at most
        out[groups[rows]] += values[rows]
    return out


def ols(y: np.ndarray, x: np.ndarray, groups: np.ndarray | None = None, cov: str = "HC3") -> Fit:
    """OLS of ``y`` on ``x`` (no intercept column: one is added, or absorbed by ``groups``).

    ``groups``: integer codes 0..G−1 of the fixed effect (also the clusters for ``cov="cluster"``).
    ``cov``: ``HC3``; ``iid`` (classical); ``cluster`` = CRV1 with G/(G−1)·(n−1)/(n−k−1), k = slope
    count (the fixed effects, nested in the clusters, count as one parameter, as in pyfixest's
    ``k_fixef="nonnested"``), t(G−1).
    """
    n = len(y)
    if groups is None:
        xm, ym = np.column_stack([np.ones(n), x]), y
        extra = 0
        h0 = np.zeros(n)
    else:
        _, groups = np.unique(groups, return_inverse=True)
        xm, ym = _demean(x, groups), _demean(y, groups)
        extra = int(groups.max()) + 1
        h0 = 1.0 / np.bincount(groups)[groups]  # the fixed effects' part of the hat matrix
    k = xm.shape[1]
    xtx_inv = np.linalg.inv(xm.T @ xm)
    beta = xtx_inv @ (xm.T @ ym)
    e = ym - xm @ beta
    h = h0 + np.einsum("ij,jk,ik->i", xm, xtx_inv, xm)
    if cov == "HC3":
        u = xm * (e / (1 - h))[:, None]
        v = xtx_inv @ (u.T @ u) @ xtx_inv
        df = n - k - extra
    elif cov == "iid":
        df = n - k - extra
        v = xtx_inv * float(e @ e) / df
    elif cov == "cluster":
        if groups is None:
            raise ValueError("cluster errors need groups")
        g = int(groups.max()) + 1
        scores = _group_sums(xm * e[:, None], groups)
        v = xtx_inv @ (scores.T @ scores) @ xtx_inv * (g / (g - 1)) * ((n - 1) / (n - k - 1))
        df = g - 1
    else:
        raise ValueError(f"cov must be HC3, iid or cluster, got {cov!r}")
    off = 1 if groups is None else 0  # drop the intercept
    return Fit(beta[off:], np.sqrt(np.diag(v))[off:], df, n, h)


def _regressors(level: str, focal: str, controls: str) -> list[str]:
    v = LEVEL_VARS[level]
    other = "education" if focal == "wage" else "wage"
    extra = {
        "none": [],
        "economy": v["economy"],
        "industry": v["industry"],
        "demography": v["demography"],
        "other_focal": v[other],
        "full": [*v["economy"], *v["industry"], *v["demography"], *v[other]],
    }[controls]
    return [*v[focal], *extra]


def _full_regressors(level: str) -> list[str]:
    v = LEVEL_VARS[level]
    return [*v["wage"], *v["education"], *v["economy"], *v["industry"], *v["demography"]]


def _capital(df: pd.DataFrame, level: str) -> pd.Series:
    if level == "province":
        return df["code"].isin(MUNICIPALITIES)
    return df["code"].isin([*pm.CAPITALS, *pm.SUB_PROVINCIAL])


def _drop_singletons(df: pd.DataFrame) -> pd.DataFrame:
    size = df.groupby("province_code")["code"].transform("size")
    return df[size > 1]


def sample_frames(
    data: pd.DataFrame, level: str, outcome: str, region: Sequence[str] = NORTHEAST
) -> dict[str, pd.DataFrame]:
    """The four samples of one level × outcome: complete cases for the full regressor set, then
    without capitals, without the study region (``region``: its province codes), without units of
    leverage > 3k/n in the full model."""
    regs = _full_regressors(level)
    base = data.dropna(subset=[outcome, *regs])
    if level == "prefecture":
        base = _drop_singletons(base[~base["county_group"].astype(bool)])
    prov = "province_code" if level == "prefecture" else "code"
    groups = base["province_code"].to_numpy() if level == "prefecture" else None
    full = ols(base[outcome].to_numpy(float), base[regs].to_numpy(float), groups, "HC3")
    k = len(regs) + (0 if groups is None else base["province_code"].nunique())
    out = {
        "all": base,
        "no_capitals": base[~_capital(base, level)],
        "no_region": base[~base[prov].str[:2].add("0000").isin([str(c) for c in region])],
        "no_high_leverage": base[full.leverage <= 3 * (k + (groups is None)) / len(base)],
    }
    if level == "prefecture":
        out = {k_: _drop_singletons(v) for k_, v in out.items()}
    return out


def run(
    province: pd.DataFrame, prefecture: pd.DataFrame, level: float = 0.95, region: Sequence[str] = NORTHEAST
) -> pd.DataFrame:
    """Every specification: one row with the dimensions, estimate, se, ci_low, ci_high, p, n
    (``region``: the study region the sample ``no_region`` leaves out)."""
    rows = []
    for lev, data in (("province", province), ("prefecture", prefecture)):
        for outcome in LEVEL_OUTCOMES[lev]:
            frames = sample_frames(data, lev, outcome, region)
            for smp, frame in frames.items():
                y = frame[outcome].to_numpy(float)
                groups = frame["province_code"].to_numpy() if lev == "prefecture" else None
                for focal, controls, cov in product(FOCALS, CONTROL_SETS, LEVEL_COVS[lev]):
                    regs = _regressors(lev, focal, controls)
                    f = ols(y, frame[regs].to_numpy(float), groups, cov)
                    crit = stats.t.ppf(0.5 + level / 2, f.df)
                    b, s = float(f.beta[0]), float(f.se[0])
                    rows.append(
                        {
                            "focal": focal,
                            "outcome": outcome,
                            "controls": controls,
                            "sample": smp,
                            "level": lev,
                            "cov": cov,
                            "term": regs[0],
                            "estimate": b,
                            "se": s,
                            "ci_low": b - crit * s,
                            "ci_high": b + crit * s,
                            "p": float(2 * stats.t.sf(abs(b / s), f.df)),
                            "n": f.n,
                        }
                    )
    return pd.DataFrame(rows)


def summary(curve: pd.DataFrame) -> pd.DataFrame:
    """Per focal coefficient: number of specs, share whose 95% interval excludes zero, shares
    positive / negative-and-excluding-zero, median estimate — overall (``all``), by level, for the
    specs with the full control set (``full``), and by control set (``controls_<set>``) and sample
    (``sample_<sample>``)."""
    rows = []
    groups = [((f, "all"), curve[curve["focal"] == f]) for f in FOCALS]
    groups += [
        ((f, lv), curve[(curve["focal"] == f) & (curve["level"] == lv)]) for f in FOCALS for lv in LEVEL_OUTCOMES
    ]
    groups += [((f, "full"), curve[(curve["focal"] == f) & (curve["controls"] == "full")]) for f in FOCALS]
    # by control set and by sample (levels named "controls_<set>", "sample_<sample>")
    groups += [
        ((f, f"controls_{c}"), curve[(curve["focal"] == f) & (curve["controls"] == c)])
        for f in FOCALS
        for c in CONTROL_SETS
    ]
    groups += [
        ((f, f"sample_{m}"), curve[(curve["focal"] == f) & (curve["sample"] == m)]) for f in FOCALS for m in SAMPLES
    ]
    for (focal, lev), part in groups:
        excl = (part["ci_low"] > 0) | (part["ci_high"] < 0)
        rows.append(
            {
                "focal": focal,
                "level": lev,
                "n_specs": len(part),
                "n_exclude_zero": int(excl.sum()),
                "share_exclude_zero": float(excl.mean()),
                "share_positive": float((part["estimate"] > 0).mean()),
                "share_positive_exclude_zero": float((part["ci_low"] > 0).mean()),
                "share_negative_exclude_zero": float((part["ci_high"] < 0).mean()),
                "median_estimate": float(part["estimate"].median()),
            }
        )
    return pd.DataFrame(rows)


def ordered(curve: pd.DataFrame, focal: str, dims: Sequence[str] = DIMENSIONS) -> pd.DataFrame:
    """One focal coefficient's specs sorted by estimate (the curve's x axis)."""
    part = curve[curve["focal"] == focal].sort_values(["estimate", *dims], kind="mergesort")
    return part.reset_index(drop=True)


# ---------------------------------------------------------------- joint test


def _null_draws(y: np.ndarray, x: np.ndarray, groups, weights: np.ndarray, cov: str, crit: float) -> np.ndarray:
    """For one specification: +1 / −1 / 0 per bootstrap draw as the focal coefficient's interval lies above
    zero, below zero or contains it, with outcomes drawn under the null (wild restricted bootstrap:
    fitted values of the model without the focal variable plus its residuals times ``weights``, one
    column per draw, rows aligned with ``y``)."""
    n = len(y)
    if groups is None:
        xm, ym, extra = np.column_stack([x, np.ones(n)]), y, 0
        h0 = np.zeros(n)
    else:
        _, groups = np.unique(groups, return_inverse=True)
        xm, ym = _demean(x, groups), _demean(y, groups)
        extra = int(groups.max()) + 1
        h0 = 1.0 / np.bincount(groups)[groups]
    k = xm.shape[1]
    xtx_inv = np.linalg.inv(xm.T @ xm)
    a = (xtx_inv @ xm.T)[0]  # focal row: beta_focal = a @ y
    h = h0 + np.einsum("ij,jk,ik->i", xm, xtx_inv, xm)
    xr = xm[:, 1:]
    br, *_ = np.linalg.lstsq(xr, ym, rcond=None) if xr.shape[1] else (np.zeros(0),)
    fitted_r = xr @ br if xr.shape[1] else np.zeros(n)
    ystar = fitted_r[:, None] + (ym - fitted_r)[:, None] * weights  # n × B
    b = a @ ystar
    e = ystar - xm @ (xtx_inv @ (xm.T @ ystar))
    if cov == "HC3":
        se = np.sqrt(((a / (1 - h))[:, None] ** 2 * e**2).sum(axis=0))
    else:  # cluster (CRV1 by the fixed-effect groups)
        g = int(groups.max()) + 1
        scores = _group_sums(a[:, None] * e, groups)
        se = np.sqrt((scores**2).sum(axis=0) * (g / (g - 1)) * ((n - 1) / (n - k - 1)))
    del extra
    t = b / se
    return np.where(t > crit, 1, np.where(t < -crit, -1, 0))


def joint_test(
    province: pd.DataFrame,
    prefecture: pd.DataFrame,
    reps: int = 999,
    seed: int = 20201101,
    level: float = 0.95,
    region: Sequence[str] = NORTHEAST,
) -> pd.DataFrame:
    """Simonsohn, Simmons and Nelson's joint test of a specification curve, by wild restricted bootstrap.

    For each focal coefficient, every specification's outcome is redrawn under the null that the focal
    coefficient is zero (:func:`_null_draws`), with one Rademacher weight per province shared by all
    specifications in a draw (at the prefecture level the weight applies to all prefectures of the
    province: the cluster wild bootstrap), so the dependence between specifications is kept. The
    statistic is the number of specifications whose interval excludes zero in the observed majority
    direction; the p-value is ``(1 + #draws with at least as many) / (1 + reps)`` (SSN 2020, "Specification
    curve analysis", Nature Human Behaviour). Returns ``focal, n_specs, observed, direction, p, reps,
    null_median`` (the median count under the null).
    """
    rng = np.random.default_rng(seed)
    codes = sorted(set(province["code"].astype(str)) | set(prefecture["province_code"].astype(str)))
    w = pd.DataFrame(rng.choice([-1.0, 1.0], size=(len(codes), reps)), index=codes)
    curve = run(province, prefecture, level, region)
    out = []
    for focal in FOCALS:
        part = curve[curve["focal"] == focal]
        pos, neg = int((part["ci_low"] > 0).sum()), int((part["ci_high"] < 0).sum())
        direction = 1 if pos >= neg else -1
        observed = max(pos, neg)
        counts = np.zeros(reps, dtype=int)
        for lev, data in (("province", province), ("prefecture", prefecture)):
            for outcome in LEVEL_OUTCOMES[lev]:
                for frame in sample_frames(data, lev, outcome, region).values():
                    y = frame[outcome].to_numpy(float)
                    prov_col = "code" if lev == "province" else "province_code"
                    weights = w.loc[frame[prov_col].astype(str)].to_numpy()
                    groups = frame["province_code"].to_numpy() if lev == "prefecture" else None
                    for controls, cov in product(CONTROL_SETS, LEVEL_COVS[lev]):
                        regs = _regressors(lev, focal, controls)
                        df = len(y) - len(regs) - 1 if groups is None else frame["province_code"].nunique() - 1
                        crit = stats.t.ppf(0.5 + level / 2, df)
                        sig = _null_draws(y, frame[regs].to_numpy(float), groups, weights, cov, crit)
                        counts += sig == direction
        out.append(
            {
                "focal": focal,
                "n_specs": len(part),
                "observed": observed,
                "direction": direction,
                "p": float((1 + np.sum(counts >= observed)) / (1 + reps)),
                "reps": reps,
                "null_median": float(np.median(counts)),
            }
        )
    return pd.DataFrame(out)
