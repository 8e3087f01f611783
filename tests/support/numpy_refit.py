"""Independent refit of a recorded prefecture model: explicit province dummies, plain numpy.

Conventions (stated in neoutflow.analysis.prefecture_models): CRV1 clustered by province,
V = G/(G−1) · (n−1)/(n−k−1) · (X'X)⁻¹ (Σ_g X_g'e_g e_g'X_g) (X'X)⁻¹ restricted to the slopes,
k = number of slopes; the dummies are the full design here (no demeaning), so this checks
the within transformation too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def refit(spec: dict, dataset: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    df = dataset.set_index("code").loc[spec["codes"]]
    y = df[spec["outcome"]].to_numpy(float)
    slopes = df[spec["regressors"]].to_numpy(float)
    groups = df[spec["cluster"]].astype(str).to_numpy()
    levels = sorted(set(groups))
    dummies = (groups[:, None] == np.array(levels)[None, :]).astype(float)
    x = np.column_stack([slopes, dummies])
    xtx_inv = np.linalg.inv(x.T @ x)
    beta = xtx_inv @ x.T @ y
    e = y - x @ beta
    meat = np.zeros((x.shape[1], x.shape[1]))
    for g in levels:
        s = x[groups == g].T @ e[groups == g]
        meat += np.outer(s, s)
    n, k, g = len(y), slopes.shape[1], len(levels)
    v = xtx_inv @ meat @ xtx_inv * g / (g - 1) * (n - 1) / (n - k - 1)
    return beta[:k], np.sqrt(np.diag(v)[:k])


def ols_hc3(y: np.ndarray, slopes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """OLS of ``y`` on an intercept and ``slopes`` with HC3 standard errors, plain numpy:
    V = (X'X)⁻¹ X' diag(e²/(1−h)²) X (X'X)⁻¹. Returns the slopes' coefficients and standard errors."""
    x = np.column_stack([np.ones(len(y)), slopes])
    xtx_inv = np.linalg.inv(x.T @ x)
    beta = xtx_inv @ x.T @ y
    e = y - x @ beta
    h = np.einsum("ij,jk,ik->i", x, xtx_inv, x)
    v = xtx_inv @ (x.T * (e / (1 - h)) ** 2) @ x @ xtx_inv
    return beta[1:], np.sqrt(np.diag(v)[1:])
