"""The gravity models on the shipped data: geography, and an independent refit of every written model.

Each model's dyad dataset and specification (``flows_models.json``) are written as the notebook writes
them; the refit reads only those files, builds the dummies itself and runs a numpy IRLS with the
documented two-way clustered covariance. Coefficients and standard errors must match to 1e-6.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from neoutflow import data
from neoutflow.analysis import datasets
from neoutflow.analysis import flows as fl
from neoutflow.outputs import flows_outputs as fo


@pytest.fixture(scope="module")
def built():
    flows = data.load_birthplace_flows()
    pairs = fl.province_pairs(data.load_boundaries("province"))
    chars = fl.province_characteristics(datasets.province_dataset(2010, 2020))
    dyads = fl.dyad_dataset(flows, pairs, chars)
    return flows, pairs, chars, dyads, {**fl.fit_models(dyads), **fl.fit_models(dyads, fl.EXTENSIONS)}


def test_geography(built):
    _, pairs, _, dyads, _ = built
    p = pairs.set_index(["origin", "destination"])
    assert len(p) == 930 and len(dyads) == 930
    assert p.loc[("110000", "120000"), "contiguous"] == 1  # 北京–天津
    assert p.loc[("210000", "220000"), "contiguous"] == 1  # 辽宁–吉林
    assert p.loc[("210000", "230000"), "contiguous"] == 0  # 辽宁–黑龙江 do not touch
    assert p.xs("460000", level="origin")["contiguous"].sum() == 0  # 海南 is an island
    assert (p["contiguous"].groupby(level="origin").sum() == p["contiguous"].groupby(level="destination").sum()).all()
    # 北京–上海 centroids about 1,070 km apart (city centres 1,067 km)
    assert 1000 < p.loc[("110000", "310000"), "distance_km"] < 1150


def test_negative_changes_set_to_zero(built):
    dyads = built[3]
    assert (dyads["stock_change"] >= 0).all()
    neg = dyads["stock_change_raw"] < 0
    assert (dyads.loc[neg, "stock_change"] == 0).all()
    assert (dyads.loc[~neg, "stock_change"] == dyads.loc[~neg, "stock_change_raw"]).all()


def test_written_models_refit(built, tmp_path):
    _, _, _, dyads, models = built
    path = fo.write_models(models, dyads, tmp_path)
    record = json.loads(path.read_text(encoding="utf-8"))
    assert set(record) == set(fl.MODELS) | set(fl.EXTENSIONS)  # the variants (e)–(g) are refitted too
    for name, spec in record.items():
        df = pd.read_csv(tmp_path / spec["dataset"], dtype={"origin": str, "destination": str})
        assert len(df) == spec["n"] == 930
        b, se = fl.refit(spec, df)
        want_b, want_se = pd.Series(spec["coef"]), pd.Series(spec["se"])
        assert list(b.index) == list(want_b.index)
        assert np.abs(b - want_b).max() < 1e-6, name
        assert np.abs(se - want_se).max() < 1e-6, name


def test_statsmodels_glm_matches_characteristics_model(built):
    import statsmodels.api as sm

    dyads, models = built[3], built[4]
    spec = models["b"]["spec"]
    x = sm.add_constant(dyads[spec["regressors"]].astype(float))
    glm = sm.GLM(dyads[spec["outcome"]].astype(float), x, family=sm.families.Poisson()).fit(tol=1e-14, maxiter=200)
    ours = models["b"]["coefs"].set_index("term")["coef"]
    assert np.abs(glm.params.values - ours.values).max() < 1e-6
    # the pseudo R² is the squared correlation of the outcome with the fitted means (Santos Silva–Tenreyro)
    want = np.corrcoef(dyads[spec["outcome"]].astype(float), glm.fittedvalues)[0, 1] ** 2
    assert models["b"]["pseudo_r2"] == pytest.approx(want, rel=1e-6)


def test_counterfactual_intervals(built):
    _, _, chars, dyads, models = built
    cf = fl.median_origin_counterfactual(models["b"]["fit"], dyads, chars)
    assert list(cf["origin"]) == list(fl.NORTHEAST)
    assert (cf["cf_low"] < cf["counterfactual"]).all() and (cf["counterfactual"] < cf["cf_high"]).all()
    assert np.allclose(cf["observed"], dyads[dyads["origin"].isin(fl.NORTHEAST)].groupby("origin")["stock"].sum())


def test_sampling_fraction_rescales_the_2000_stock_and_refits_model_d(built):
    """At the shipped fraction the rescaled stocks are the shipped estimates (rounded to persons); over the
    range the (d) refit is a plain PPML of the recomputed clipped change, checked with the numpy refit."""
    flows, _, _, dyads, models = built
    same = fl.rescale_2000(dyads, flows, 0.095)
    assert np.abs(same["stock_2000"] - dyads["stock_2000"]).max() <= 1.0
    sens = fl.sampling_sensitivity(dyads, flows, ["d_log_relative_wage"], (0.090, 0.105))
    for frac, row in zip((0.090, 0.105), sens.itertuples(), strict=True):
        d = fl.rescale_2000(dyads, flows, frac)
        raw = (
            d["stock"]
            - flows[(flows["year"] == 2000) & (flows["origin"] != flows["destination"])]
            .set_index(["origin", "destination"])["persons_sample"]
            .reindex(pd.MultiIndex.from_frame(d[["origin", "destination"]]))
            .to_numpy()
            / frac
        )
        assert row.zero_share == pytest.approx(float((raw <= 0).mean()))
        b, se = fl.refit({**models["d"]["spec"]}, d)
        assert row.coef == pytest.approx(b["d_log_relative_wage"], abs=1e-6)
        assert row.se == pytest.approx(se["d_log_relative_wage"], abs=1e-6)
