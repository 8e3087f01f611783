"""notebooks/06_projection.ipynb runs with papermill on the shipped data: the back-test errors the report
quotes are recomputed from their components, and the pay lever is the young-adult wage counterfactual."""

from __future__ import annotations

import json
import re

import notebook_runs
import numpy as np
import pandas as pd
import pytest

from neoutflow import data, paths
from neoutflow.analysis import datasets as ad
from neoutflow.analysis import models
from neoutflow.outputs import derived

NOTEBOOK = paths.NOTEBOOKS / "06_projection.ipynb"
REGIONS = {"210000": "liaoning", "220000": "jilin", "230000": "heilongjiang"}


def _run(tmp_path, **parameters):
    out = notebook_runs.execute(NOTEBOOK, tmp_path / "out", **parameters)
    return out, notebook_runs.results(out, "projection")


@pytest.fixture(scope="module")
def default_run(built_project):
    """The default parameters' outputs: those of the session's one built project (no run of its own)."""
    out = built_project / "build"
    return out, notebook_runs.results(out, "projection")


def test_outputs_exist(default_run):
    out, results = default_run
    for name in ("projection_population", "projection_pyramids"):
        assert (out / "figures" / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
    for name in ("projection_backtest", "projection_scenarios"):
        assert (out / "tables" / f"{name}.md").read_text(encoding="utf-8").lstrip().startswith("|"), name
    assert results["pay_source"]["value"] == "estimate"


def test_quoted_backtest_errors_are_recomputed_from_their_components(default_run):
    out, results = default_run
    last = results["backtest_last_year"]["value"]
    chapter = (paths.REPORT / "_05b_projection.qmd").read_text(encoding="utf-8")
    # the chapter quotes the last back-test year's errors by their "last" keys, not by a typed year
    assert not re.findall(r"projection\.bt_[a-z]+_\d{4}_error_pct", chapter), "a back-test year typed in a key"
    quoted = sorted(set(re.findall(r"projection\.(bt_([a-z]+)_last_error_pct)", chapter)))
    assert quoted, "the projection chapter quotes no back-test error"
    yearend = data.load_province_series(["yearend_population"])
    yearend = yearend.assign(code=yearend["code"].astype(str))
    table = pd.read_csv(out / "tables" / "projection_backtest.csv", encoding="utf-8-sig")
    for key, region in quoted:
        assert results[key]["value"] == results[f"bt_{region}_{last}_error_pct"]["value"], key
        projected = results[f"bt_{region}_projected"]["value"]
        observed = results[f"bt_{region}_observed"]["value"]
        assert results[key]["value"] == pytest.approx(100 * (projected - observed) / observed, rel=1e-12)
        # the observed component is the shipped year-end series (the Northeast: the three provinces' sum)
        codes = [c for c, k in REGIONS.items() if k == region] or list(REGIONS)
        series = yearend[(yearend["year"] == last) & yearend["code"].isin(codes)]
        assert observed == pytest.approx(series["value"].sum(), rel=1e-12)
        assert results[f"bt_{region}_verdict"]["value"] == (abs(results[key]["value"]) <= 3.0)
    # the table prints the same errors (one decimal)
    last_rows = table[table.iloc[:, 1] == last]
    assert len(last_rows) == 4
    errors = sorted(round(results[k]["value"], 1) for k, _ in quoted)
    assert errors == sorted(last_rows.iloc[:, -1].round(1).tolist())


def _hc3(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Plain-numpy OLS with HC3 errors (an independent check of the recorded coefficient)."""
    xtx_inv = np.linalg.inv(x.T @ x)
    beta = xtx_inv @ x.T @ y
    e = y - x @ beta
    h = np.einsum("ij,jk,ik->i", x, xtx_inv, x)
    meat = x.T @ (x * (e / (1 - h))[:, None] ** 2)
    return beta, np.sqrt(np.diag(xtx_inv @ meat @ xtx_inv))


def test_pay_lever_is_the_young_adult_wage_counterfactual(default_run):
    _, results = default_run
    prov = ad.province_dataset(2010, 2020)
    reg = models.regressor_set("baseline")
    x = np.column_stack([np.ones(len(prov)), prov[reg].to_numpy(float)])
    y = prov["young_adult_net_migration_rate"].to_numpy(float)
    beta, se = _hc3(x, y)
    i = 1 + reg.index("log_relative_wage")
    assert results["pay_coef"]["value"] == pytest.approx(beta[i], rel=1e-8)
    assert results["pay_se"]["value"] == pytest.approx(se[i], rel=1e-8)
    median = prov["log_relative_wage"].median()
    by_code = prov.set_index("code")
    for code, k in REGIONS.items():
        change = beta[i] * (median - by_code.loc[code, "log_relative_wage"])
        assert results[f"pay_{k}_change"]["value"] == pytest.approx(change, rel=1e-8)
        assert results[f"pay_{k}_observed"]["value"] == pytest.approx(
            by_code.loc[code, "young_adult_net_migration_rate"], rel=1e-12
        )
        out = -results[f"pay_{k}_observed"]["value"]
        for end, comp in (("", "change"), ("_low", "change_low"), ("_high", "change_high")):
            expected = 100 * min(1.0, max(0.0, results[f"pay_{k}_{comp}"]["value"] / out)) if out > 0 else 0.0
            assert results[f"pay_{k}_share{end}"]["value"] == pytest.approx(expected)
            assert results[f"pay_{k}_lever{end}"]["value"] == pytest.approx(expected)  # the estimate is applied
        assert results[f"pay_{k}_share_low"]["value"] <= results[f"pay_{k}_share"]["value"]
        assert results[f"pay_{k}_share"]["value"] <= results[f"pay_{k}_share_high"]["value"]
        low = results[f"pay_{k}_change_low"]["value"]
        if low <= 0:  # interval includes zero (or lies below it): the lever's lower end is 0
            assert results[f"pay_{k}_share_low"]["value"] == 0
            assert results[f"pay_{k}_verdict"]["display"] != "不为零"


def test_matches_the_determinants_notebook(built_project):
    """The same coefficient as notebook 02 records, in a freshly built copy."""
    results = built_project / "build" / "results"
    det, pr = (json.loads((results / f"{n}.json").read_text(encoding="utf-8")) for n in ("determinants", "projection"))
    assert pr["pay_coef"]["value"] == pytest.approx(det["o_young_coef_log_relative_wage"]["value"], rel=1e-10)


def test_fixed_source_imposes_the_stated_values(tmp_path):
    _, results = _run(tmp_path, projection_pay_source="fixed")
    for k in REGIONS.values():
        assert results[f"pay_{k}_lever"]["value"] == pytest.approx(25)
        assert results[f"pay_{k}_lever_low"]["value"] == pytest.approx(10)
        assert results[f"pay_{k}_lever_high"]["value"] == pytest.approx(40)
    # the estimate is still recorded, from its components
    for key in [k for k in derived.DERIVED if k.startswith("projection.pay_")]:
        formula, comps = derived.DERIVED[key]
        values = [results[c.split(".", 1)[1]]["value"] for c in comps]
        assert results[key.split(".", 1)[1]]["value"] == pytest.approx(derived.evaluate(formula, values))
