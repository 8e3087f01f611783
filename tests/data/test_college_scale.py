"""The college variable's scale (issue 28): the analysis variable ``college_share`` is the census indicator
``college_per_100k`` ÷ 1,000, the percentage of residents with 大专 or higher education. Refitting the
province main model (HC3) and the prefecture model (province dummies, CRV1) with plain numpy on the scale
the census publishes, read from the data files rather than from the dataset, gives a college coefficient and
standard error exactly 1,000 times those of the per-100,000 fit, the same t statistic and the same other
coefficients: no p-value or verdict depends on the rescaling."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from neoutflow import data
from neoutflow.analysis import datasets, models
from neoutflow.reference import PREFECTURE_SETS, REGRESSOR_SETS
from tests.support.numpy_refit import ols_hc3, refit

FACTOR = 1_000  # persons per 100,000 in one percentage point
NEW, OLD = "college_share", "college_per_100k"


def _published(level: str, year: int = 2010) -> pd.Series:
    """``college_per_100k`` of ``year`` by code, as the census indicators file holds it."""
    ind = data.load_census_indicators(level)
    rows = ind[(ind["indicator"] == OLD) & (ind["year"] == year)]
    return rows.assign(code=rows["code"].astype(str)).set_index("code")["value"]


def _with_old_scale(frame: pd.DataFrame, level: str) -> pd.DataFrame:
    old = frame.assign(code=frame["code"].astype(str))
    old[OLD] = old["code"].map(_published(level))
    assert old[OLD].notna().all()
    return old


def test_the_dictionary_defines_the_rescaled_variable_once():
    variable, unit = datasets.RESCALED[NEW], datasets.DICTIONARY[NEW][1]
    assert variable == (OLD, 1 / FACTOR) and unit == "%"
    assert "比重" in datasets.label(NEW) and OLD not in datasets.DICTIONARY


def test_province_main_model_scales_exactly():
    prov = datasets.province_dataset()
    assert OLD not in prov.columns
    old = _with_old_scale(prov, "province")
    np.testing.assert_allclose(prov[NEW].to_numpy() * FACTOR, old[OLD].to_numpy(), rtol=1e-12)

    regs = list(REGRESSOR_SETS["baseline"])
    fit = models.fit_ols(prov, "net_migration_rate", regs, cov_type="HC3")
    old_regs = [OLD if r == NEW else r for r in regs]
    beta, se = ols_hc3(old["net_migration_rate"].to_numpy(float), old[old_regs].to_numpy(float))
    for term, b, s in zip(regs, beta, se, strict=True):
        scale = FACTOR if term == NEW else 1
        assert fit.params[term] == pytest.approx(b * scale, rel=1e-9), term
        assert fit.bse[term] == pytest.approx(s * scale, rel=1e-9), term
        assert fit.tvalues[term] == pytest.approx(b / s, rel=1e-9), term
    # the coefficient now reads at the precision of the other shares (the per-100,000 one was −0.00020)
    assert 0.01 < abs(fit.params[NEW]) < 100 and abs(beta[regs.index(NEW)]) < 0.01


def test_prefecture_model_scales_exactly():
    pref = datasets.prefecture_dataset()
    regs = list(PREFECTURE_SETS["pref"])
    kept, _ = datasets.prefecture_sample(pref, "net_migration_rate", regs)
    fit = models.prefecture_model(kept, "net_migration_rate", regs)
    old = _with_old_scale(kept, "prefecture")
    spec = {
        "codes": list(old["code"]),
        "outcome": "net_migration_rate",
        "regressors": [OLD if r == NEW else r for r in regs],
        "cluster": "province_code",
    }
    beta, se = refit(spec, old)
    # numpy_refit scales CRV1 by (n−1)/(n−k−1) with k slopes, statsmodels by (n−1)/(n−K) with K all columns
    n, k, big_k = len(old), len(regs), int(fit.df_model) + 1
    dof = np.sqrt((n - k - 1) / (n - big_k))
    for term, b, s in zip(regs, beta, se, strict=True):
        scale = FACTOR if term == NEW else 1
        assert fit.params[term] == pytest.approx(b * scale, rel=1e-8), term
        assert fit.bse[term] == pytest.approx(s * scale * dof, rel=1e-8), term
        assert fit.tvalues[term] == pytest.approx(b / (s * dof), rel=1e-8), term
