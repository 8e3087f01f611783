"""Spatial diagnostics of the province models: Moran's I and a spatially lagged regressor (SLX).

Weights: contiguity of the shipped province boundaries as the gravity models define it (a shared
border of positive length; the simplified polygons do not share vertices exactly, so a vertex-based
queen rule from the geometries would split the map), each island (Hainan) linked to its nearest
province by centroid distance, row-standardised, as a ``libpysal`` weights object.
Moran's I (``esda``) is computed for the outcome and for the residuals of a fitted model, with a
permutation p-value (conditional randomisation, a fixed seed) and the normal-approximation p-value
under randomisation; for residuals the permutation ignores that they are estimated, so it is a
diagnostic, not an exact test. The SLX check adds the neighbours' average of chosen regressors
(``W x``) to the model: a spill-over of, say, the neighbours' pay into a province's migration shows
as a coefficient on ``W x`` and as a change in the province's own coefficient.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm

PERMUTATIONS = 9999


def contiguity_weights(pairs: pd.DataFrame, codes: Sequence[str]):
    """Row-standardised contiguity weights (``libpysal.weights.W``, in ``codes`` order) from the province
    pairs of :func:`neoutflow.analysis.flows.province_pairs` (contiguous = a shared border of positive
    length, the gravity models' definition); a province without one (an island) gets its nearest province
    by centroid distance as its one neighbour."""
    from libpysal.weights import W

    codes = [str(c) for c in codes]
    p = pairs.assign(origin=pairs["origin"].astype(str), destination=pairs["destination"].astype(str))
    p = p[p["origin"].isin(codes) & p["destination"].isin(codes)]
    neighbours = {c: sorted(p.loc[(p["origin"] == c) & (p["contiguous"] == 1), "destination"]) for c in codes}
    for c in islands(pairs, codes):
        own = p[p["origin"] == c]
        neighbours[c] = [str(own.loc[own["distance_km"].idxmin(), "destination"])]
        neighbours[neighbours[c][0]] = sorted({*neighbours[neighbours[c][0]], c})  # symmetric
    w = W(neighbours, id_order=codes, silence_warnings=True)
    w.transform = "r"
    return w


def islands(pairs: pd.DataFrame, codes: Sequence[str]) -> list[str]:
    """The provinces among ``codes`` with no contiguous neighbour among them."""
    codes = [str(c) for c in codes]
    p = pairs[pairs["origin"].astype(str).isin(codes) & pairs["destination"].astype(str).isin(codes)]
    linked = set(p.loc[p["contiguous"] == 1, "origin"].astype(str))
    return sorted(c for c in codes if c not in linked)


def moran(values: Sequence[float], w, seed: int, permutations: int = PERMUTATIONS) -> dict[str, float]:
    """Moran's I of ``values`` (in the weights' order): ``i, expected, z, p_norm, p_sim``."""
    from esda.moran import Moran

    np.random.seed(seed)  # esda draws its permutations from numpy's global generator
    m = Moran(np.asarray(values, dtype=float), w, permutations=permutations)
    return {
        "i": float(m.I),
        "expected": float(m.EI),
        "z": float(m.z_rand),
        "p_norm": float(m.p_rand),
        "p_sim": float(m.p_sim),
    }


def spatial_lag(frame: pd.DataFrame, w, columns: Sequence[str]) -> pd.DataFrame:
    """``W x`` for each column (rows in the weights' order), named ``w_<column>``."""
    from libpysal.weights import lag_spatial

    return pd.DataFrame({f"w_{c}": lag_spatial(w, frame[c].to_numpy(dtype=float)) for c in columns}, index=frame.index)


def slx(frame: pd.DataFrame, outcome: str, regressors: Sequence[str], lagged: Sequence[str], w, cov_type: str):
    """OLS of ``outcome`` on ``regressors`` and ``W x`` of ``lagged`` (statsmodels, ``cov_type`` errors)."""
    x = pd.concat([frame[list(regressors)], spatial_lag(frame, w, lagged)], axis=1).astype(float)
    return sm.OLS(frame[outcome].astype(float), sm.add_constant(x)).fit(cov_type=cov_type)
