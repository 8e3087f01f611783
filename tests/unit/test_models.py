"""neoutflow.analysis.models on synthetic data with a known data-generating process.

Every data set here is SYNTHETIC (random draws with fixed seeds), made only to
check the estimators against independent numpy implementations.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from neoutflow.analysis import models

TRUE = {"Intercept": 1.0, "x1": 2.0, "x2": -0.5, "x3": 0.3}


def synthetic(n: int, seed: int = 1, hetero: bool = True) -> pd.DataFrame:
    """SYNTHETIC regions: y = 1 + 2·x1 − 0.5·x2 + 0.3·x3 + e, e heteroskedastic in x1."""
    rng = np.random.default_rng(seed)
    x1 = rng.normal(0, 1, n)
    x2 = 0.6 * x1 + rng.normal(0, 1, n)  # correlated regressors, as wages and GDP are
    x3 = rng.uniform(-2, 2, n)
    scale = np.exp(0.5 * x1) if hetero else np.ones(n)
    e = rng.normal(0, 1, n) * scale
    y = TRUE["Intercept"] + TRUE["x1"] * x1 + TRUE["x2"] * x2 + TRUE["x3"] * x3 + e
    return pd.DataFrame(
        {
            "code": [f"{i:06d}" for i in range(n)],
            "y": y,
            "x1": x1,
            "x2": x2,
            "x3": x3,
            "northeast": (np.arange(n) < 3).astype(int),
            "group": [f"g{i % 7}" for i in range(n)],
        }
    )


def design(df: pd.DataFrame, cols) -> np.ndarray:
    return np.column_stack([np.ones(len(df)), df[list(cols)].to_numpy(float)])


def numpy_ols_hc3(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Independent OLS + HC3: (X'X)^-1 X' diag(e²/(1-h)²) X (X'X)^-1."""
    xtx_inv = np.linalg.inv(x.T @ x)
    beta = xtx_inv @ x.T @ y
    e = y - x @ beta
    h = np.einsum("ij,jk,ik->i", x, xtx_inv, x)
    meat = x.T @ (x * (e**2 / (1 - h) ** 2)[:, None])
    return beta, xtx_inv @ meat @ xtx_inv


REG = ["x1", "x2", "x3"]


def test_coefficients_recovered_in_a_large_sample():
    df = synthetic(20_000, seed=7)
    fit = models.fit_ols(df, "y", REG)
    for term, value in TRUE.items():
        assert fit.params[term] == pytest.approx(value, abs=0.05)
    # HC3 differs from the non-robust SE under heteroskedasticity, and is the default
    assert fit.cov_type == "HC3"


def test_hc3_standard_errors_equal_numpy_implementation():
    df = synthetic(31, seed=3)
    fit = models.fit_ols(df, "y", REG, cov_type="HC3")
    beta, cov = numpy_ols_hc3(design(df, REG), df["y"].to_numpy())
    np.testing.assert_allclose(fit.params.to_numpy(), beta, rtol=0, atol=1e-10)
    np.testing.assert_allclose(fit.bse.to_numpy(), np.sqrt(np.diag(cov)), rtol=0, atol=1e-10)
    # t(n - k) inference, not the normal approximation
    assert fit.use_t and fit.df_resid == 31 - 4


def test_cluster_standard_errors_equal_numpy_implementation():
    df = synthetic(60, seed=5)
    fit = models.fit_ols(df, "y", REG, cov_type="cluster", cluster="group")
    x, y = design(df, REG), df["y"].to_numpy()
    xtx_inv = np.linalg.inv(x.T @ x)
    e = y - x @ (xtx_inv @ x.T @ y)
    meat = np.zeros((4, 4))
    for g in df["group"].unique():
        s = x[df["group"].to_numpy() == g].T @ e[df["group"].to_numpy() == g]
        meat += np.outer(s, s)
    n_g, n, k = df["group"].nunique(), len(df), 4
    cov = n_g / (n_g - 1) * (n - 1) / (n - k) * xtx_inv @ meat @ xtx_inv
    np.testing.assert_allclose(fit.bse.to_numpy(), np.sqrt(np.diag(cov)), rtol=1e-10)


def test_standardised_coefficients_are_coef_times_sd_ratio():
    df = synthetic(31, seed=11)
    fit = models.fit_ols(df, "y", REG)
    beta = models.standardised_coefficients(df, "y", REG).set_index("term")
    for v in REG:
        expected = fit.params[v] * df[v].std(ddof=1) / df["y"].std(ddof=1)
        assert beta.loc[v, "coef"] == pytest.approx(expected, rel=1e-10)
        # t statistics are invariant to rescaling
        assert beta.loc[v, "t"] == pytest.approx(fit.tvalues[v], rel=1e-10)
    assert "Intercept" not in beta.index


def test_vif_by_hand_on_three_variables():
    df = synthetic(31, seed=13)
    table = models.vif_table(df, REG).set_index("variable")
    for v in REG:
        others = [o for o in REG if o != v]
        x = design(df, others)
        b, *_ = np.linalg.lstsq(x, df[v].to_numpy(), rcond=None)
        resid = df[v].to_numpy() - x @ b
        r2 = 1 - resid @ resid / ((df[v] - df[v].mean()) ** 2).sum()
        assert table.loc[v, "vif"] == pytest.approx(1 / (1 - r2), rel=1e-10)
    assert table.loc["x1", "vif"] > table.loc["x3", "vif"]  # x1 and x2 are correlated by design


def test_counterfactual_change_and_delta_method_se():
    df = synthetic(31, seed=17).rename(
        columns={"x1": "log_relative_wage", "x2": "college_share", "x3": "manufacturing_share"}
    )
    reg = ["log_relative_wage", "college_share", "manufacturing_share"]
    fit = models.fit_ols(df, "y", reg)
    targets = ["000000", "000002"]
    cf = models.counterfactuals(fit, df, "y", targets, reg)
    assert set(cf["family"]) == {"wages", "education", "industry", "all"}
    assert len(cf) == 2 * 4
    med = df[reg].median()
    v = fit.cov_params().to_numpy()
    terms = list(fit.params.index)
    for _, row in cf.iterrows():
        x = df.loc[df["code"] == row["code"]].iloc[0]
        g = np.zeros(len(terms))
        for var in row["variables"].split(","):
            g[terms.index(var)] = med[var] - x[var]
        assert row["change"] == pytest.approx(g @ fit.params.to_numpy(), abs=1e-12)
        assert row["se"] == pytest.approx(np.sqrt(g @ v @ g), rel=1e-10)
        assert row["counterfactual"] == pytest.approx(x["y"] + row["change"], abs=1e-12)
    # "all" is the sum of the three one-at-a-time changes (the model is linear)
    per = cf.pivot(index="code", columns="family", values="change")
    np.testing.assert_allclose(per["all"], per[["wages", "education", "industry"]].sum(axis=1), atol=1e-12)


def test_leave_one_out_refits_without_each_row():
    df = synthetic(31, seed=23)
    loo = models.leave_one_out(df, "y", REG)
    assert len(loo) == 31 * 4 and list(loo["dropped"].unique()) == list(df["code"])
    keep = np.arange(31) != 4
    b, cov = numpy_ols_hc3(design(df, REG)[keep], df["y"].to_numpy()[keep])
    row = loo[loo["dropped"] == df["code"].iloc[4]].set_index("term")
    np.testing.assert_allclose(row.loc[["Intercept", *REG], "coef"].to_numpy(float), b, atol=1e-10)
    np.testing.assert_allclose(row.loc[["Intercept", *REG], "se"].to_numpy(float), np.sqrt(np.diag(cov)), rtol=1e-10)
    summary = models.leave_one_out_summary(loo, models.fit_ols(df, "y", REG)).set_index("term")
    assert (summary["loo_min"] <= summary["coef"]).all() and (summary["coef"] <= summary["loo_max"]).all()
    assert (summary["n_refits"] == 31).all() and summary.loc["x1", "n_significant"] <= 31


def test_influence_cooks_distance_by_hand():
    df = synthetic(31, seed=29)
    fit = models.fit_ols(df, "y", REG)
    infl = models.influence_table(fit, df["code"])
    x, y = design(df, REG), df["y"].to_numpy()
    h = np.diag(x @ np.linalg.inv(x.T @ x) @ x.T)
    e = y - x @ np.linalg.lstsq(x, y, rcond=None)[0]
    s2 = e @ e / (31 - 4)
    cooks = e**2 / (4 * s2) * h / (1 - h) ** 2
    np.testing.assert_allclose(infl["cooks_d"], cooks, rtol=1e-10)
    np.testing.assert_allclose(infl["leverage"], h, rtol=1e-10)
    assert {"dfbetas_const", "dfbetas_x1"} <= set(infl.columns)


def test_partial_regression_slope_equals_coefficient():
    df = synthetic(31, seed=31)
    fit = models.fit_ols(df, "y", REG)
    pr = models.partial_regression(df, "y", REG, "x2")
    slope = (pr["x_resid"] @ pr["y_resid"]) / (pr["x_resid"] @ pr["x_resid"])
    assert slope == pytest.approx(fit.params["x2"], rel=1e-10)


def test_region_gap_models_and_dummy_check():
    df = synthetic(31, seed=37)
    out = models.region_gap_models(df, "y", REG, indicator="northeast")
    raw = out["raw"]
    gap = df.loc[df["northeast"] == 1, "y"].mean() - df.loc[df["northeast"] == 0, "y"].mean()
    assert raw.params["northeast"] == pytest.approx(gap, abs=1e-10)
    assert "northeast" in out["adjusted"].params.index
    with pytest.raises(models.ModelError, match="0/1 dummy"):
        models.region_gap_models(df.assign(northeast=2), "y", REG, indicator="northeast")
    with pytest.raises(models.ModelError, match="indicator column"):
        models.region_gap_models(df, "y", REG)  # the default indicator, study_region, is not in these data


def test_fixed_effects_singletons_and_within_r2():
    df = synthetic(60, seed=41)
    df.loc[0, "group"] = "alone"
    kept, dropped = models.drop_singletons(df, "group")
    assert list(dropped["code"]) == ["000000"] and len(kept) == 59
    with pytest.raises(models.ModelError, match="leverage 1"):
        models.fit_ols(df, "y", REG, fixed_effects="group")
    fit = models.prefecture_model(kept, "y", REG, fixed_effects="group")
    assert fit.cov_type == "cluster"
    # within R² equals the R² of the regression on group-demeaned data (no intercept)
    dm = kept[["y", *REG]] - kept.groupby("group")[["y", *REG]].transform("mean")
    b, *_ = np.linalg.lstsq(dm[REG].to_numpy(), dm["y"].to_numpy(), rcond=None)
    r = dm["y"].to_numpy() - dm[REG].to_numpy() @ b
    assert models.within_r2(fit, kept, "y", "group") == pytest.approx(1 - r @ r / (dm["y"] ** 2).sum(), rel=1e-10)
    np.testing.assert_allclose(fit.params[REG].to_numpy(), b, rtol=1e-9)


def test_regressor_sets_and_families():
    for name, variables in models.REGRESSOR_SETS.items():
        assert models.regressor_set(name) == list(variables)
        assert len(variables) <= 8, "31 observations allow only a few regressors"
    fams = models.family_variables(models.regressor_set("baseline"))
    assert set(fams) == {"industry", "education", "wages", "all"}
    assert all(len(fams[f]) == 1 for f in ("industry", "education", "wages"))
    assert set(models.family_variables(models.regressor_set("wages"))) == {"wages"}  # no "all" for one family
    with pytest.raises(models.ModelError, match="unknown regressor set"):
        models.regressor_set("kitchen_sink")


def test_bad_input_gives_clear_errors():
    df = synthetic(31, seed=43)
    with pytest.raises(models.ModelError, match="lacks column"):
        models.fit_ols(df, "y", ["x1", "nope"])
    bad = df.copy()
    bad.loc[5, "x1"] = np.nan
    with pytest.raises(models.ModelError, match="missing or not finite"):
        models.fit_ols(bad, "y", REG)
    with pytest.raises(models.ModelError, match="perfectly collinear"):
        models.fit_ols(df.assign(x4=2 * df["x1"]), "y", [*REG, "x4"])
    with pytest.raises(models.ModelError, match="cov_type"):
        models.fit_ols(df, "y", REG, cov_type="HC9")
    with pytest.raises(models.ModelError, match="too few"):
        models.fit_ols(df.head(4), "y", REG)
