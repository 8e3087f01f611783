"""Prefecture wage models and the specification-curve engine on synthetic data (labelled SYNTHETIC)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from neoutflow.analysis import prefecture_models as pm
from neoutflow.analysis import spec_curve as sc
from neoutflow.outputs import prefecture_report as pr
from neoutflow.outputs.results import ResultSet
from tests.support.numpy_refit import refit


def synthetic(n_prov=12, per=8, seed=1) -> pd.DataFrame:
    """SYNTHETIC prefectures: outcome = 3·wage + province effect + noise."""
    rng = np.random.default_rng(seed)
    prov = np.repeat([f"{21 + i:02d}0000" for i in range(n_prov)], per)
    codes = [f"{p[:2]}{j + 1:02d}00" for p, j in zip(prov, np.tile(range(per), n_prov), strict=True)]
    df = pd.DataFrame({"code": codes, "province_code": prov, "name_zh": codes})
    for v in pm.MAIN_REGRESSORS + (pm.REGION_WAGE,):
        df[v] = rng.normal(size=len(df))
    df[pm.REGION] = df["province_code"].isin(["210000", "220000", "230000"]).astype(int)
    effect = pd.Series(rng.normal(size=n_prov) * 5, index=sorted(set(prov)))
    df["net_migration_rate"] = 3 * df[pm.WAGE] + df["province_code"].map(effect) + rng.normal(size=len(df))
    return df


def test_fe_cluster_fit_matches_dummy_refit():
    df = synthetic()
    regs = list(pm.MAIN_REGRESSORS)
    f = pm.fit(df, "net_migration_rate", regs)
    spec = {"codes": list(df["code"]), "outcome": "net_migration_rate", "regressors": regs, "cluster": "province_code"}
    beta, se = refit(spec, df)
    np.testing.assert_allclose(f.coef().to_numpy(), beta, atol=1e-8)
    np.testing.assert_allclose(f.se().to_numpy(), se, atol=1e-8)
    o = sc.ols(df["net_migration_rate"].to_numpy(), df[regs].to_numpy(), df["province_code"].to_numpy(), "cluster")
    np.testing.assert_allclose(o.beta, beta, atol=1e-8)
    np.testing.assert_allclose(o.se, se, atol=1e-8)


@pytest.mark.parametrize("cov, sm_cov", [("HC3", "HC3"), ("iid", "nonrobust")])
def test_engine_matches_statsmodels(cov, sm_cov):
    df = synthetic()
    x = df[[pm.WAGE, pm.GDPPC]].to_numpy()
    y = df["net_migration_rate"].to_numpy()
    ref = sm.OLS(y, sm.add_constant(x)).fit(cov_type=sm_cov)
    o = sc.ols(y, x, None, cov)
    np.testing.assert_allclose(o.beta, ref.params[1:], atol=1e-10)
    np.testing.assert_allclose(o.se, ref.bse[1:], atol=1e-10)


def test_engine_fe_hc3_matches_dummies():
    df = synthetic()
    x = df[[pm.WAGE, pm.GDPPC]].to_numpy()
    y = df["net_migration_rate"].to_numpy()
    d = pd.get_dummies(df["province_code"]).to_numpy(float)
    ref = sm.OLS(y, np.column_stack([x, d])).fit(cov_type="HC3")
    o = sc.ols(y, x, df["province_code"].to_numpy(), "HC3")
    np.testing.assert_allclose(o.beta, ref.params[:2], atol=1e-10)
    np.testing.assert_allclose(o.se, ref.bse[:2], atol=1e-10)


def test_add_city_economy_relative_wage_and_capitals():
    pref = pd.DataFrame(
        {
            "code": ["210100", "210200", "220200", "110100"],
            "province_code": ["210000", "210000", "220000", "110000"],
            "population_base": [1e6, 2e6, 1e6, 1e7],
        }
    )
    series = pd.DataFrame(
        {
            "code": ["210100", "210200", "220200", "110100", "210100", "210200", "220200", "110100"],
            "year": 2010,
            "indicator": ["city_avg_wage_staff"] * 4 + ["city_gdp"] * 4,
            "value": [40_000.0, 10_000.0, 20_000.0, 80_000.0, 100.0, 300.0, 50.0, 1000.0],
        }
    )
    out = pm.add_city_economy(pref, series).set_index("code")
    # geometric mean of 40k, 10k, 20k, 80k = 28,284; log ratios sum to zero
    assert out[pm.WAGE].sum() == pytest.approx(0, abs=1e-12)
    assert out.loc["210200", pm.WAGE] == pytest.approx(np.log(10 / (40 * 10 * 20 * 80) ** 0.25))
    assert out.loc["210200", pm.GDPPC] == pytest.approx(np.log(300e8 / 2e6))
    assert out[pm.CAPITAL].to_dict() == {"210100": 1, "210200": 1, "220200": 0, "110100": 0}
    assert out.loc["110100", pm.REGION_WAGE] == 0 and out.loc["220200", pm.REGION_WAGE] == out.loc["220200", pm.WAGE]
    # another study region: Beijing's prefecture is in it, the Northeast's are not
    other = pm.add_city_economy(pref, series, region=["110000"]).set_index("code")
    assert other[pm.REGION].to_dict() == {"210100": 0, "210200": 0, "220200": 0, "110100": 1}
    assert (
        other.loc["110100", pm.REGION_WAGE] == other.loc["110100", pm.WAGE] and other.loc["220200", pm.REGION_WAGE] == 0
    )


def test_counterfactual_is_slope_times_gap():
    df = synthetic()
    f = pm.fit(df, "net_migration_rate", list(pm.MAIN_REGRESSORS))
    cf = pm.region_counterfactuals(df, f)
    ne = df[df["province_code"].isin(["210000", "220000", "230000"])]
    assert len(cf) == 2 * len(ne)
    nat = cf[cf["reference"] == "national_median"].set_index("code")
    gap = df[pm.WAGE].median() - ne.set_index("code")[pm.WAGE]
    np.testing.assert_allclose(nat["change"], f.coef()[pm.WAGE] * gap.loc[nat.index], atol=1e-12)
    assert (nat["ci_low"] <= nat["change"]).all() and (nat["change"] <= nat["ci_high"]).all()
    prov = cf[cf["reference"] == "province_mean"]
    assert prov.groupby("province_code")["wage_gap_log"].sum().abs().max() < 1e-12  # gaps to own mean sum to 0


def test_counterfactuals_follow_the_study_region():
    """The counterfactual covers the prefectures marked as the study region, whichever they are; a region
    without a prefecture that has a wage leaves the interaction models out."""
    df = synthetic()
    df[pm.REGION] = df["province_code"].isin(["250000", "260000"]).astype(int)
    f = pm.fit(df, "net_migration_rate", list(pm.MAIN_REGRESSORS))
    cf = pm.region_counterfactuals(df, f)
    assert set(cf["province_code"]) == {"250000", "260000"}
    assert set(cf["code"]) == set(df.loc[df[pm.REGION] == 1, "code"])
    assert pm.region_has_wages(df)
    assert not pm.region_has_wages(df.assign(**{pm.REGION: 0}))
    none = df.assign(
        **{pm.REGION: 0, pm.REGION_WAGE: 0.0, "young_adult_net_migration_rate": df["net_migration_rate"]},
        county_group=False,
        population_base=1.0,
    )
    fits, _ = pm.fit_all(none)
    assert set(fits) == {"pw_net", "pw_young"}


def test_record_writes_words_and_specs():
    df = synthetic()
    rs, specs = ResultSet("t"), {}
    f = pm.fit(df, "net_migration_rate", list(pm.MAIN_REGRESSORS))
    pr.record_model(rs, specs, "m", f, "模型", df, "net_migration_rate", list(pm.MAIN_REGRESSORS))
    assert rs[f"m_word_{pm.WAGE}"].display == "显著"  # SYNTHETIC slope 3, se ≈ 0.1
    assert specs["m"]["ssc"] == pm.SSC and len(specs["m"]["codes"]) == len(df)
    with pytest.raises(ValueError, match="twice"):
        pr.record_model(rs, specs, "m", f, "模型", df, "net_migration_rate", list(pm.MAIN_REGRESSORS))


@pytest.mark.parametrize("clustered", [False, True])
def test_joint_test_null_draws_match_refits(clustered):
    """Synthetic data: each null draw of the specification-curve joint test equals a refit by statsmodels /
    the spec-curve engine on the redrawn outcome (restricted fit + residual × weight)."""
    rng = np.random.default_rng(4)
    n, g = 60, 10
    groups = np.repeat(np.arange(g), n // g) if clustered else None
    x = rng.normal(size=(n, 2))
    y = 0.2 * x[:, 0] + x[:, 1] + rng.normal(size=n) + (groups if clustered else 0)
    w = rng.choice([-1.0, 1.0], size=(g if clustered else n, 7))
    weights = w[groups] if clustered else w
    cov = "cluster" if clustered else "HC3"
    crit = 2.1
    got = sc._null_draws(y, x, groups, weights, cov, crit)
    if clustered:
        d = pd.get_dummies(groups).to_numpy(float)
        restricted = sm.OLS(y, np.column_stack([x[:, 1], d])).fit()
    else:
        restricted = sm.OLS(y, sm.add_constant(x[:, 1])).fit()
    for j in range(weights.shape[1]):
        ystar = restricted.fittedvalues + restricted.resid * weights[:, j]
        f = sc.ols(ystar, x, groups, cov)
        t = f.beta[0] / f.se[0]
        assert got[j] == (1 if t > crit else -1 if t < -crit else 0)


@pytest.mark.parametrize(("missing", "named"), [(0, "西北各地级单位均有工资数据"), (1, "市0"), (5, "其余 5 个单位")])
def test_region_wage_sentence_names_few_missing_units_and_counts_many(tmp_path, missing, named):
    wages = [None] * missing + [30_000.0] * (8 - missing)
    pref = pd.DataFrame(
        {
            "code": [f"61{i:02d}00" for i in range(8)],
            "name_zh": [f"市{i}" for i in range(8)],
            "province_code": "610000",
            "city_avg_wage_staff": wages,
            pm.REGION: 1,
        }
    )
    rs = ResultSet("t")
    pr.write_data(rs, pref, tmp_path, 2010, "西北")
    assert rs["n_region_units"].value == 8 and rs["n_region_wage"].value == 8 - missing
    text = rs["region_wage_sentence"].display + rs["region_no_wage_note"].display
    assert named in text and "东北" not in text


def test_provinces_left_out_are_grouped_by_reason_without_nested_brackets():
    from prose_scan import problems

    from neoutflow.analysis import datasets

    # every reason datasets.prefecture_sample can give has a phrase (a new reason must get one)
    reasons = [
        "省直辖县级单位的集合，并非一个地级市（不构成统一的劳动力市场，成员可随区划调整而变）",
        "基期普查中无此单位（基期后新设），基期人口无从比较",
        "缺少结果变量（net_migration_rate）",
        "缺少基期解释变量（log_relative_wage_city）",
        "所在省份在样本中仅此一个单位（直辖市，或同省其他单位已被排除），被省份固定效应完全吸收",
    ]
    phrases = [pr.left_out_phrase(r) for r in reasons]
    assert phrases[3] == "缺少基期的" + pr.label("log_relative_wage_city")
    assert phrases[4].startswith("在样本中只剩一个地级单位")
    with pytest.raises(ValueError, match="no phrase"):
        pr.left_out_phrase("另一个原因")
    # three provinces: one a singleton, two missing the wage (one of them also the outcome), grouped by reason
    dropped = pd.DataFrame(
        {
            "province_code": ["110000", "410000", "540000", "540000"],
            "reason": [reasons[4], reasons[3], reasons[3], reasons[2]],
        }
    )
    kept = pd.DataFrame({"province_code": ["999999"]})
    rs = ResultSet("prefecture_wages")
    pr.record_provinces_out(rs, kept, dropped)
    text = rs["pw_provinces_out"].value
    assert rs["pw_provinces_out_n"].value == 3 and len(datasets.provinces_left_out(kept, dropped)) == 3
    assert text.startswith("北京在样本中只剩一个地级单位") and "；河南和西藏缺少基期的相对工资" in text
    assert text.endswith("；西藏缺少" + pr.label("net_migration_rate"))
    assert not problems(text), problems(text)
