"""Spatial diagnostics of the province models: Moran's I and a spatially lagged regressor (SLX).

Weights: queen contiguity of the shipped province boundaries (``libpysal``), each island (Hainan,
which shares no border) attached to its nearest province by centroid distance, then row-standardised.
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

ALBERS_CHINA = "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +datum=WGS84 +units=m"
PERMUTATIONS = 9999


def contiguity_weights(boundaries, codes: Sequence[str]):
    """Row-standardised queen contiguity (islands attached to their nearest neighbour), in ``codes`` order."""
    from libpysal import weights

    geo = boundaries.assign(code=boundaries["code"].astype(str)).set_index("code").loc[list(codes)]
    geo = geo.reset_index().to_crs(ALBERS_CHINA)
    queen = weights.Queen.from_dataframe(geo, ids=list(geo["code"]), use_index=False, silence_warnings=True)
    if queen.islands:
        pts = geo.assign(geometry=geo.geometry.centroid)
        knn = weights.KNN.from_dataframe(pts, k=1, ids=list(geo["code"]), use_index=False)
        queen = weights.attach_islands(queen, knn)
    queen.transform = "r"
    return queen


def islands(boundaries, codes: Sequence[str]) -> list[str]:
    """The provinces without a contiguous neighbour (attached by distance in :func:`contiguity_weights`)."""
    from libpysal import weights

    geo = boundaries.assign(code=boundaries["code"].astype(str)).set_index("code").loc[list(codes)].reset_index()
    queen = weights.Queen.from_dataframe(geo, ids=list(geo["code"]), use_index=False, silence_warnings=True)
    return sorted(str(i) for i in queen.islands)


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
