"""Notebooks 02, 04 and 05 for another study region (the five Northwest provinces, ``study_region=西北``): the
region's indicator, interactions and counterfactuals are the region's, each checked against an independent
recomputation from the published datasets (plain numpy, pandas), and the generated sentences name the
region's provinces and none of the Northeast's."""

from __future__ import annotations

import json
from itertools import combinations
from math import comb
from pathlib import Path

import notebook_runs
import numpy as np
import pandas as pd
import pytest

from neoutflow import data, paths
from tests.support.numpy_refit import refit

NORTHWEST = {"name": "西北", "provinces": ["610000", "620000", "630000", "640000", "650000"]}
NORTHWEST_NAMES = ("陕西", "甘肃", "青海", "宁夏", "新疆")
NORTHEAST_NAMES = ("辽宁", "吉林", "黑龙江")
TOL = 1e-8


@pytest.fixture(scope="module")
def northwest(tmp_path_factory) -> Path:
    """Notebooks 02, 04 and 05 run for the Northwest into one scratch folder (few bootstrap replicates)."""
    out = tmp_path_factory.mktemp("northwest")
    notebook_runs.execute(paths.NOTEBOOKS / "02_determinants.ipynb", out, study_region=NORTHWEST, bootstrap_reps=99)
    notebook_runs.execute(paths.NOTEBOOKS / "04_prefecture_wages.ipynb", out, study_region=NORTHWEST)
    notebook_runs.execute(paths.NOTEBOOKS / "05_flows.ipynb", out, study_region=NORTHWEST)
    return out


def results(out: Path, name: str) -> dict:
    return notebook_runs.results(out, name)


def sentences(res: dict) -> list[str]:
    return [
        str(v["display"]) for k, v in res.items() if k.endswith(("_sentence", "_clause")) or k.startswith("region_")
    ]


def hc3(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """OLS with HC3 standard errors from the textbook formulas."""
    xtx_inv = np.linalg.inv(x.T @ x)
    beta = xtx_inv @ x.T @ y
    e = y - x @ beta
    h = np.einsum("ij,jk,ik->i", x, xtx_inv, x)
    cov = xtx_inv @ (x.T @ (x * (e**2 / (1 - h) ** 2)[:, None])) @ xtx_inv
    return beta, np.sqrt(np.diag(cov))


def test_region_indicator_is_the_northwest_and_refits_with_numpy(northwest):
    res = results(northwest, "determinants")
    prov = pd.read_csv(northwest / "tables" / "analysis_province.csv", dtype={"code": str})
    # the indicator, rebuilt here from the codes rather than read from the code under test
    dummy = prov["code"].isin(NORTHWEST["provinces"]).to_numpy(float)
    assert dummy.sum() == 5 and (prov["study_region"].to_numpy(float) == dummy).all()
    y = prov[res["outcome"]["value"]].to_numpy(float)
    beta, se = hc3(np.column_stack([np.ones(len(y)), dummy]), y)
    assert res["region_raw_coef_study_region"]["value"] == pytest.approx(beta[1], abs=TOL)
    assert res["region_raw_se_study_region"]["value"] == pytest.approx(se[1], abs=TOL)
    # the raw gap is the difference of the two groups' means
    gap = y[dummy == 1].mean() - y[dummy == 0].mean()
    assert res["region_raw_coef_study_region"]["value"] == pytest.approx(gap, abs=TOL)
    specs = json.loads((northwest / "tables" / "determinants_models.json").read_text(encoding="utf-8"))
    regs = specs["region"]["regressors"]
    assert regs[-1] == "study_region"
    x = np.column_stack([np.ones(len(y)), prov[regs[:-1]].to_numpy(float), dummy])
    beta, se = hc3(x, y)
    assert res["region_coef_study_region"]["value"] == pytest.approx(beta[-1], abs=TOL)
    assert res["region_se_study_region"]["value"] == pytest.approx(se[-1], abs=TOL)
    # exact randomisation over every 5-province set; the raw gap's p-value recomputed by enumeration
    assert res["region_raw_ri_sets"]["value"] == comb(31, 5)
    n = len(y)
    total = y.sum()
    observed = abs(gap)
    hits = 0
    for s in combinations(range(n), 5):
        inside = y[list(s)].sum()
        g = inside / 5 - (total - inside) / (n - 5)
        hits += abs(g) >= observed - 1e-10 * max(1.0, observed)
    assert res["region_raw_ri_p"]["value"] == pytest.approx(hits / comb(31, 5), abs=1e-12)


def test_counterfactuals_cover_the_northwest_provinces(northwest):
    res = results(northwest, "determinants")
    cf = pd.read_csv(northwest / "tables" / "determinants_counterfactuals.csv", encoding="utf-8-sig")
    regions = data.load_regions()
    full = regions.loc[regions["code"].astype(str).isin(NORTHWEST["provinces"]), "name_zh"]
    assert set(cf["省份"]) == set(full) and len(full) == 5
    for slug in ("shaanxi", "gansu", "qinghai", "ningxia", "xinjiang"):
        assert f"cf_{slug}_wage" in res
    assert res["region_group"]["display"] == "西北五省区"
    text = " ".join(sentences(res))
    assert all(name in text for name in NORTHWEST_NAMES)
    assert not any(name in text for name in NORTHEAST_NAMES), text


def test_prefecture_interaction_is_the_northwest_and_refits(northwest):
    res = results(northwest, "prefecture_wages")
    pref = pd.read_csv(
        northwest / "tables" / "analysis_prefecture_wages.csv", dtype={"code": str, "province_code": str}
    )
    inside = pref["province_code"].isin(NORTHWEST["provinces"])
    units = data.load_regions()
    units = units[
        (units["level"] == "prefecture") & units["code"].astype(str).str[:2].isin(["61", "62", "63", "64", "65"])
    ]
    assert res["n_region_units"]["value"] == int(inside.sum()) == len(units)
    np.testing.assert_allclose(
        pref["region_x_wage"].to_numpy(float), inside.to_numpy(float) * pref["log_relative_wage_city"], equal_nan=True
    )
    specs = json.loads((northwest / "tables" / "prefecture_wages_models.json").read_text(encoding="utf-8"))
    beta, se = refit(specs["pw_net_region"], pref)
    k = specs["pw_net_region"]["regressors"].index("region_x_wage")
    assert res["pw_net_region_coef_region_x_wage"]["value"] == pytest.approx(beta[k], abs=TOL)
    assert res["pw_net_region_se_region_x_wage"]["value"] == pytest.approx(se[k], abs=TOL)
    cf = pd.read_csv(
        northwest / "tables" / "prefecture_wages_counterfactuals.csv", dtype={"代码": str}, encoding="utf-8-sig"
    )
    assert len(cf) > 0 and set(cf["代码"].str[:2]) <= {"61", "62", "63", "64", "65"}
    text = " ".join(sentences(res))
    assert "西北" in text and not any(name in text for name in NORTHEAST_NAMES), text


def test_flows_describe_and_interact_the_northwest(northwest):
    res = results(northwest, "flows")
    flows = data.load_birthplace_flows()
    f = flows[flows["origin"].isin(NORTHWEST["provinces"]) & (flows["origin"] != flows["destination"])]
    for year in (2000, 2010):
        expected = f.loc[f["year"] == year, "persons_estimated"].sum() / 1e4
        assert res[f"region_stock_{year}"]["value"] == pytest.approx(expected, rel=1e-12)
    dyads = pd.read_csv(northwest / "tables" / "flows_dyads_c.csv", dtype={"origin": str, "destination": str})
    origin = dyads["origin"].isin(NORTHWEST["provinces"]).to_numpy(float)
    np.testing.assert_allclose(dyads["region_x_log_distance"], origin * dyads["log_distance"], rtol=0, atol=1e-12)
    assert "mc_region_x_log_distance_coef" in res
    cf = pd.read_csv(northwest / "tables" / "flows_counterfactual.csv")
    assert len(cf) == 2 * len(NORTHWEST["provinces"])
    text = " ".join(sentences(res))
    assert all(name in text for name in NORTHWEST_NAMES)
    assert not any(name in text for name in NORTHEAST_NAMES), text
