"""Migration-flow analysis on synthetic, hand-checkable data (labelled SYNTHETIC)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from neoutflow.analysis import flows as fl


def test_haversine_beijing_shanghai():
    # 北京 (116.4074E, 39.9042N) – 上海 (121.4737E, 31.2304N): about 1,067 km great-circle
    assert fl.haversine_km(116.4074, 39.9042, 121.4737, 31.2304) == pytest.approx(1067, abs=5)
    assert fl.haversine_km(0, 0, 0, 1) == pytest.approx(2 * np.pi * fl.EARTH_RADIUS_KM / 360, rel=1e-12)


def test_pairs_contiguity_and_distance():
    # SYNTHETIC: three unit squares; A and B share an edge, C stands apart
    g = gpd.GeoDataFrame(
        {"code": ["A", "B", "C"], "name_zh": ["甲", "乙", "丙"]},
        geometry=[box(100, 30, 101, 31), box(101, 30, 102, 31), box(110, 30, 111, 31)],
        crs=4326,
    )
    p = fl.province_pairs(g).set_index(["origin", "destination"])
    assert len(p) == 6
    assert p.loc[("A", "B"), "contiguous"] == 1 == p.loc[("B", "A"), "contiguous"]
    assert p.loc[("A", "C"), "contiguous"] == 0
    assert p.loc[("A", "B"), "distance_km"] == pytest.approx(p.loc[("B", "A"), "distance_km"])
    assert p.loc[("A", "B"), "distance_km"] == pytest.approx(fl.haversine_km(100.5, 30.5, 101.5, 30.5), rel=1e-3)


def _flows():
    # SYNTHETIC flows among 210000 (NE), 220000 (NE), 110000 and 440000
    rows = []
    vals = {
        (2000, "210000", "110000"): 100, (2010, "210000", "110000"): 300,
        (2000, "220000", "110000"): 50, (2010, "220000", "110000"): 50,
        (2000, "210000", "220000"): 80, (2010, "210000", "220000"): 40,
        (2000, "220000", "440000"): 0, (2010, "220000", "440000"): 20,
        (2000, "110000", "210000"): 30, (2010, "110000", "210000"): 10,
        (2000, "440000", "220000"): 5, (2010, "440000", "220000"): 15,
    }  # fmt: skip
    for (y, o, d), v in vals.items():
        rows.append({"origin": o, "destination": d, "year": y, "persons_sample": v, "persons_estimated": v * 10})
    return pd.DataFrame(rows).assign(sampling_fraction=0.1)


def test_descriptives_by_hand():
    d = fl.region_destinations(_flows(), origins=("210000", "220000")).set_index("destination")
    assert d.loc["110000", "stock_2010"] == 3500 and d.loc["110000", "stock_2000"] == 1500
    assert d.loc["110000", "growth_pct"] == pytest.approx(100 * (3500 / 1500 - 1))
    assert d.loc["110000", "rank_2010"] == 1
    assert d["share_2010_pct"].sum() == pytest.approx(100)
    inflow = fl.inflows_to_region(_flows()).set_index("origin")
    assert inflow.loc["110000", "stock_2010"] == 100 and inflow.loc["440000", "change"] == 100
    # another region: Beijing and Guangdong; the inflows are those born outside them
    inflow = fl.inflows_to_region(_flows(), ("110000", "440000")).set_index("origin")
    assert set(inflow.index) == {"210000", "220000"}
    assert inflow.loc["220000", "stock_2010"] == 500 + 200 and inflow.loc["220000", "stock_2000"] == 500
    assert inflow.loc["210000", "change"] == 3000 - 1000


def _synthetic_dyads(seed=1):
    # SYNTHETIC gravity data: 12 regions, Poisson outcome with known coefficients
    rng = np.random.default_rng(seed)
    codes = [f"{i:02d}" for i in range(12)]
    o, d = np.meshgrid(codes, codes, indexing="ij")
    df = pd.DataFrame({"origin": o.ravel(), "destination": d.ravel()})
    df = df[df["origin"] != df["destination"]].reset_index(drop=True)
    df["log_distance"] = rng.uniform(4, 8, len(df))
    df["contiguous"] = (rng.uniform(size=len(df)) < 0.2).astype(int)
    oc = dict(zip(codes, rng.normal(size=12), strict=True))
    df["o_x"] = df["origin"].map(oc)
    df["d_x"] = df["destination"].map(dict(zip(codes, rng.normal(size=12), strict=True)))
    eta = 8 - 1.2 * df["log_distance"] + 0.5 * df["contiguous"] - 0.7 * df["o_x"] + 0.9 * df["d_x"]
    df["y"] = rng.poisson(np.exp(eta))
    return df


@pytest.mark.parametrize(
    "regs,fes",
    [(("log_distance", "contiguous", "o_x", "d_x"), ()), (("log_distance", "contiguous"), ("origin", "destination"))],
)
def test_numpy_refit_matches_pyfixest(regs, fes):
    df = _synthetic_dyads()
    fit = fl.fit_ppml(df, "y", regs, fes)
    c = fl.coef_frame(fit).set_index("term")
    spec = {"regressors": list(regs), "fixed_effects": list(fes), "intercept": not fes, "outcome": "y",
            "cluster": list(fl.CLUSTERS)}  # fmt: skip
    b, se = fl.refit(spec, df)
    assert np.abs(b[c.index] - c["coef"]).max() < 1e-6
    assert np.abs(se[c.index] - c["se"]).max() < 1e-6


def test_statsmodels_glm_same_point_estimates():
    import statsmodels.api as sm

    df = _synthetic_dyads(2)
    regs = ("log_distance", "contiguous", "o_x", "d_x")
    fit = fl.fit_ppml(df, "y", regs)
    glm = sm.GLM(df["y"], sm.add_constant(df[list(regs)]), family=sm.families.Poisson()).fit(tol=1e-13)
    assert np.abs(glm.params.values - fit.coef().values).max() < 1e-6


def test_counterfactual_is_exp_of_linear_change():
    df = _synthetic_dyads(3)
    regs = ("log_distance", "contiguous", "o_x", "d_x")
    fit = fl.fit_ppml(df, "y", regs)
    df = df.rename(columns={"y": "stock"})
    chars = pd.DataFrame({"x": df.groupby("origin")["o_x"].first()})
    renamed = df.rename(columns={"o_x": "o_x"})
    cf = fl.median_origin_counterfactual(fit, renamed, chars, origins=("00", "05"), which=("x",)).set_index("origin")
    b = fit.coef()["o_x"]
    for o in ("00", "05"):
        gap = chars["x"].median() - chars.loc[o, "x"]
        assert cf.loc[o, "change_pct"] == pytest.approx((np.exp(b * gap) - 1) * 100, rel=1e-10)
        assert cf.loc[o, "cf_low"] < cf.loc[o, "counterfactual"] < cf.loc[o, "cf_high"]
        assert cf.loc[o, "change_pct_low"] < cf.loc[o, "change_pct"] < cf.loc[o, "change_pct_high"]


def test_pseudo_r2_on_the_fitted_sample_when_ppml_drops_separated_pairs():
    """Issue #29 item 6: an origin with no flows is separated; fepois drops its pairs, and the
    pseudo-R² correlates the outcome of the rows it kept (was a numpy shape error, 930 vs 870)."""
    rng = np.random.default_rng(7)  # SYNTHETIC dyads among 8 provinces
    codes = [f"{i}0000" for i in range(11, 19)]
    d = pd.DataFrame([(o, t) for o in codes for t in codes if o != t], columns=["origin", "destination"])
    d["log_distance"] = rng.normal(size=len(d))
    d["stock"] = rng.poisson(np.exp(3 + 0.5 * d["log_distance"])).astype(float)
    d.loc[d["origin"] == codes[2], "stock"] = 0.0  # no one born in this province lives elsewhere
    fit = fl.fit_ppml(d, "stock", ["log_distance"], ("origin", "destination"))
    assert fit._N == len(d) - (len(codes) - 1)
    kept = d[d["origin"] != codes[2]]
    # the fitted means (not the linear predictor, fepois's default prediction): exp of the link
    want = np.corrcoef(kept["stock"], np.exp(np.asarray(fit.predict(), float)))[0, 1] ** 2
    assert fl.pseudo_r2(fit, d, "stock") == pytest.approx(want, rel=1e-12)
