"""The notebooks' steps run without papermill: what notebooks 01 and 02 compute is importable and checked here."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from neoutflow import data
from neoutflow.analysis import outflow
from neoutflow.outputs import outflow_report as report
from neoutflow.outputs.determinants_report import DeterminantsReport
from neoutflow.outputs.results import ResultSet
from neoutflow.reference import NORTHEAST


@pytest.fixture(scope="module")
def measured():
    return outflow.measure_outflow(2010, 2020)


def test_outflow_steps_record_what_the_census_says(measured, tmp_path):
    o, rs = measured, ResultSet("outflow")
    report.record_setup(rs, o)
    report.record_zero_sum(rs, o)
    prov = outflow.province_table(o)
    report.provinces_table(prov, o, tmp_path)
    report.record_region(rs, o, prov)
    totals = data.load_census_totals("province").set_index(["code", "year"])["population"]
    change = sum(totals[(c, 2020)] - totals[(c, 2010)] for c in NORTHEAST)
    assert rs["ne_population_change"].value == change
    assert abs(rs["provinces_net_migration_sum"].value) < 1
    assert (tmp_path / "outflow_provinces.md").is_file() and (tmp_path / "outflow_provinces.csv").is_file()
    # ranks: 1 = the heaviest outflow among the 31 provinces
    ranks = [rs[f"{s}_net_migration_rate_rank"].value for s in o.slugs.values()]
    assert all(1 <= r <= 31 for r in ranks)


def test_methods_and_reconciliation_tables_add_up(measured):
    methods = outflow.methods_comparison(measured)
    m = methods.set_index("code")
    assert np.allclose(m["net_migration_all_ages"], m["net_migration_10plus"] + m["child_net_migration"])
    assert np.allclose(m.loc["ne", m.columns[2:]].astype(float), m.loc[list(NORTHEAST), m.columns[2:]].sum())
    recon = outflow.paper_reconciliation(measured, methods).set_index("code")
    assert recon.loc["ne", "paper_outflow"] == 821e4
    assert recon.loc["ne", "census_decline"] == -m.loc["ne", "census_change"]


def test_ranked_figure_takes_the_prefecture_level(measured):
    import matplotlib.pyplot as plt

    prov = outflow.province_table(measured)
    fig = report.ranked_rates_figure(measured, prov, "prefecture", ["220000"])
    assert len(fig.axes[0].patches) == len(
        [c for c in measured.summary_pref["code"] if measured.province_of[c] == "220000"]
    )
    plt.close(fig)


def test_determinants_sections_refit_by_numpy(tmp_path):
    r = DeterminantsReport(2010, 2020, "net_migration_rate", "baseline", "HC3", tables_dir=tmp_path)
    prov = r.datasets()
    r.regressor_sets()
    X = np.column_stack([np.ones(len(prov)), prov[r.reg].to_numpy(float)])
    y = prov["net_migration_rate"].to_numpy(float)
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    assert np.allclose(r.main.params.to_numpy(), beta, rtol=1e-9, atol=1e-12)
    coef = pd.Series(beta[1:], index=r.reg)
    assert r.rs["baseline_coef_log_relative_wage"].value == pytest.approx(coef["log_relative_wage"], rel=1e-9)


def test_descriptive_rows_name_a_logged_unit_once():
    from neoutflow.outputs.determinants_report import _with_unit

    assert _with_unit("相对工资（对数）", "ln(比值)") == "相对工资（ln(比值)）"
    assert _with_unit("制造业就业比重", "%") == "制造业就业比重（%）"
    assert _with_unit("东北地区", "") == "东北地区"
