"""Spatial diagnostics (analysis.spatial) re-derived in numpy: the weights from the contiguous pairs, Moran's I
and its randomisation moments, the spatial lag; and a toy map whose answer is known (SYNTHETIC)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from neoutflow import data
from neoutflow.analysis import flows as fl
from neoutflow.analysis import spatial as sp


def _toy_pairs() -> pd.DataFrame:
    """SYNTHETIC: four regions on a line (a–b–c–d) and an island e nearest to d."""
    xy = {"a": 0.0, "b": 1.0, "c": 2.0, "d": 3.0, "e": 3.5}
    rows = [
        (o, d, abs(xy[o] - xy[d]), int(abs(xy[o] - xy[d]) == 1.0 and "e" not in (o, d)))
        for o in xy
        for d in xy
        if o != d
    ]
    return pd.DataFrame(rows, columns=["origin", "destination", "distance_km", "contiguous"])


def _dense(w, codes):
    full, _ = w.full()
    return full  # rows in the weights' id order, which is ``codes``


def test_toy_weights_islands_and_lag():
    codes = list("abcde")
    pairs = _toy_pairs()
    assert sp.islands(pairs, codes) == ["e"]
    w = sp.contiguity_weights(pairs, codes)
    m = _dense(w, codes)
    expected = np.array(
        [
            [0, 1, 0, 0, 0],
            [0.5, 0, 0.5, 0, 0],
            [0, 0.5, 0, 0.5, 0],
            [0, 0, 0.5, 0, 0.5],
            [0, 0, 0, 1, 0],
        ]
    )
    assert m == pytest.approx(expected)
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0, 5.0]})
    assert sp.spatial_lag(frame, w, ["x"])["w_x"].to_numpy() == pytest.approx(expected @ frame["x"].to_numpy())


def _moran_numpy(y, m):
    """Moran's I and its randomisation z (Cliff and Ord), from the formulas."""
    n = len(y)
    z = y - y.mean()
    s0 = m.sum()
    i = n / s0 * (z @ m @ z) / (z @ z)
    s1 = 0.5 * ((m + m.T) ** 2).sum()
    s2 = ((m.sum(0) + m.sum(1)) ** 2).sum()
    b2 = n * (z**4).sum() / (z @ z) ** 2
    ei = -1 / (n - 1)
    a = n * ((n**2 - 3 * n + 3) * s1 - n * s2 + 3 * s0**2)
    c = b2 * ((n**2 - n) * s1 - 2 * n * s2 + 6 * s0**2)
    var = (a - c) / ((n - 1) * (n - 2) * (n - 3) * s0**2) - ei**2
    return i, ei, (i - ei) / np.sqrt(var)


def test_moran_on_the_provinces_matches_numpy():
    boundaries = data.load_boundaries("province")
    codes = sorted(boundaries["code"].astype(str))
    pairs = fl.province_pairs(boundaries)
    w = sp.contiguity_weights(pairs, codes)
    m = _dense(w, codes)
    # the weights are the gravity models' contiguity, row-standardised, Hainan linked to its nearest province
    contiguous = pairs[pairs["contiguous"] == 1]
    for code in ("210000", "110000"):
        assert set(np.array(codes)[m[codes.index(code)] > 0]) == set(
            contiguous.loc[contiguous["origin"] == code, "destination"]
        )
    assert m.sum(axis=1) == pytest.approx(np.ones(len(codes)))
    assert w.n_components == 1
    y = np.random.default_rng(3).normal(size=len(codes)) + m @ np.arange(len(codes), dtype=float) / 10
    got = sp.moran(y, w, seed=1, permutations=999)
    i, ei, z = _moran_numpy(y, m)
    assert got["i"] == pytest.approx(i, rel=1e-10)
    assert got["expected"] == pytest.approx(ei)
    assert got["z"] == pytest.approx(z, rel=1e-8)
    assert 0 < got["p_sim"] <= 1 and got == sp.moran(y, w, seed=1, permutations=999)  # seeded
