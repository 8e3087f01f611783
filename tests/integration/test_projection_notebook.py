"""notebooks/06_projection.ipynb runs with papermill on the shipped data: the back-test errors the report
quotes are recomputed from their components, and the pay lever is the young-adult wage counterfactual."""

from __future__ import annotations

import re

import notebook_runs
import numpy as np
import pandas as pd
import pytest

from neoutflow import data, paths
from neoutflow.analysis import datasets as ad
from neoutflow.analysis import models
from neoutflow.outputs import derived
from neoutflow.reference import province_key

NOTEBOOK = paths.NOTEBOOKS / "06_projection.ipynb"
REGIONS = {"210000": "liaoning", "220000": "jilin", "230000": "heilongjiang"}
NAMES = {"210000": "辽宁", "220000": "吉林", "230000": "黑龙江"}


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
    for name in ("projection_population", "projection_pyramids", "projection_scenarios"):
        assert (out / "figures" / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
    for name in ("projection_backtest", "projection_bands", "projection_scenarios"):
        assert (out / "tables" / f"{name}.md").read_text(encoding="utf-8").lstrip().startswith("|"), name
    assert results["baseline_label"]["display"] != "基准（近期趋势）"


def test_published_baseline_meets_the_year_end_series(default_run):
    out, results = default_run
    last = results["backtest_last_year"]["value"]
    yearend = data.load_province_series(["yearend_population"])
    yearend = yearend.assign(code=yearend["code"].astype(str))
    for code, region in REGIONS.items():
        projected = results[f"bt_{region}_projected"]["value"]
        observed = results[f"bt_{region}_observed"]["value"]
        series = yearend[(yearend["year"] == last) & (yearend["code"] == code)]["value"].sum()
        assert observed == pytest.approx(series, rel=1e-12)
        error = 100 * (projected - observed) / observed
        assert results[f"bt_{region}_last_error_pct"]["value"] == pytest.approx(error, rel=1e-12)
        assert abs(error) <= 1.5
    # the chapter quotes the out-of-sample errors of the test years
    chapter = (paths.REPORT / "_05b_projection.qmd").read_text(encoding="utf-8")
    # ... through the lists recorded from each province's own values
    assert "projection.oos_first_list" in chapter and "projection.oos_last_list" in chapter
    for code, region in REGIONS.items():
        first = results[f"oos_{region}_first"]["display"]
        assert f"{NAMES[code]} {first}" in results["oos_first_list"]["display"]
        assert results[f"oos_{region}_last"]["display"] in results["oos_last_list"]["display"]
    assert not re.findall(r"projection\.bt_[a-z]+_\d{4}_error_pct", chapter), "a back-test year typed in a key"


def test_bands_are_ordered(default_run):
    _, results = default_run
    for region in [*REGIONS.values(), "ne"]:
        for var in ("total", "young", "old_age_dependency"):
            v = [results[f"mc_{region}_end_{var}_{q}"]["value"] for q in ("lo95", "lo80", "median", "hi80", "hi95")]
            assert v == sorted(v), (region, var)


def _hc3(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Plain-numpy OLS with HC3 errors (an independent check of the recorded coefficient)."""
    xtx_inv = np.linalg.inv(x.T @ x)
    beta = xtx_inv @ x.T @ y
    e = y - x @ beta
    h = np.einsum("ij,jk,ik->i", x, xtx_inv, x)
    meat = x.T @ (x * (e / (1 - h))[:, None] ** 2)
    return beta, np.sqrt(np.diag(xtx_inv @ meat @ xtx_inv))


def test_pay_lever_is_the_main_models_wage_counterfactual(default_run):
    _, results = default_run
    prov = ad.province_dataset(2010, 2020)
    reg = models.regressor_set("baseline")
    x = np.column_stack([np.ones(len(prov)), prov[reg].to_numpy(float)])
    y = prov["net_migration_rate"].to_numpy(float)  # the main model's outcome, not the 20-39 one
    beta, _ = _hc3(x, y)
    i = 1 + reg.index("log_relative_wage")
    assert results["pay_coef"]["value"] == pytest.approx(beta[i], rel=1e-8)
    median = prov["log_relative_wage"].median()
    by_code = prov.set_index("code")
    for code, k in REGIONS.items():
        change = beta[i] * (median - by_code.loc[code, "log_relative_wage"])
        assert results[f"pay_{k}_change"]["value"] == pytest.approx(change, rel=1e-8)
        out = -results[f"pay_{k}_observed"]["value"]
        for end, comp in (("", "change"), ("_low", "change_low"), ("_high", "change_high")):
            expected = 100 * min(1.0, max(0.0, results[f"pay_{k}_{comp}"]["value"] / out)) if out > 0 else 0.0
            assert results[f"pay_{k}_share{end}"]["value"] == pytest.approx(expected)
        if results[f"pay_{k}_share_high"]["value"] == 0:  # a lever at zero claims nothing
            assert results[f"pay_{k}_verdict"]["display"] == "为零"
    for key in [k for k in derived.DERIVED if k.startswith("projection.pay_")]:
        formula, comps = derived.DERIVED[key]
        values = [results[c.split(".", 1)[1]]["value"] for c in comps]
        assert results[key.split(".", 1)[1]]["value"] == pytest.approx(derived.evaluate(formula, values))


def test_scenario_words_follow_the_intervals(default_run):
    _, results = default_run
    for name in ("pay", "retention", "births", "all"):
        lo = results[f"diff_{name}_ne_total_lo95"]["value"]
        word = results[f"effect_word_{name}"]["display"]
        assert ("不含零" in word) == (lo >= 0.5e4 or results[f"diff_{name}_ne_total_hi95"]["value"] <= -0.5e4)


def test_a_projection_to_2050_runs_end_to_end(tmp_path):
    """``projection_end_year: 2050`` (the option the parameters allow): bands, variants, scenarios and the
    benchmarks reach 2050 and the recorded sentences name that year (fewer draws: the same code, cheaper)."""
    out, results = _run(tmp_path, projection_end_year=2050, projection_draws=200, bootstrap_reps=199)
    assert results["end_year"]["value"] == 2050
    bands = (out / "tables" / "projection_bands.md").read_text(encoding="utf-8")
    bench = (out / "tables" / "projection_benchmarks.md").read_text(encoding="utf-8")
    scen = (out / "tables" / "projection_scenarios.md").read_text(encoding="utf-8")
    assert "2050" in bands and "2050" in bench, "the tables reach the last year"
    assert "2050" in scen or "末年" in scen
    for region in [*REGIONS.values(), "ne"]:
        v = [results[f"mc_{region}_end_total_{q}"]["value"] for q in ("lo95", "lo80", "median", "hi80", "hi95")]
        assert v == sorted(v), region
    ne = results["base_ne_end_total"]["value"]
    assert results["low_ne_end_total"]["value"] < ne < results["high_ne_end_total"]["value"]
    # the benchmark differences are recomputed from their components, in 2050
    assert results["ssp2_ne_end_diff"]["value"] == pytest.approx(results["ssp2_ne_end"]["value"] - ne, rel=1e-9)
    for name in ("pay", "retention", "births", "all"):
        assert f"diff_{name}_ne_total_median" in results
    for key, r in results.items():
        if isinstance(r.get("display"), str):
            assert "2035" not in r["display"], (key, r["display"])  # no sentence left at the default horizon
    for name in ("projection_population", "projection_benchmarks", "projection_scenarios"):
        assert (out / "figures" / f"{name}.png").stat().st_size > 0


NORTHWEST = {"name": "西北", "provinces": ["610000", "620000", "630000", "640000", "650000"]}
NORTHEAST_WORDS = re.compile("辽宁|吉林|黑龙江|东北|liaoning|jilin|heilongjiang")


@pytest.fixture(scope="module")
def northwest_run(tmp_path_factory):
    """Notebook 06 for the five Northwest provinces (fewer draws and bootstrap replications: the same code)."""
    out = notebook_runs.execute(
        NOTEBOOK, tmp_path_factory.mktemp("northwest") / "out", study_region=NORTHWEST, projection_draws=200,
        bootstrap_reps=199,
    )  # fmt: skip
    return out, notebook_runs.results(out, "projection")


def test_another_region_baseline_is_an_independent_projection_of_its_inputs(northwest_run):
    """The Northwest baseline: each province starts from its 2020 census total (read with plain pandas), the
    recorded intensities are the calibration's, and the recorded totals are a plain-loop cohort-component
    projection of the calibrated inputs (``tests/support/independent.py``), the region being their sum."""
    import independent

    from neoutflow.analysis import projection as pj
    from neoutflow.outputs import projection_outputs as po

    _, results = northwest_run
    codes = tuple(NORTHWEST["provinces"])
    keys = {c: province_key(c) for c in codes}
    assert list(keys.values()) == ["shaanxi", "gansu", "qinghai", "ningxia", "xinjiang"]
    raw = pd.read_csv(paths.RAW / "census_population.csv", dtype={"code": str})
    census = raw[(raw["year"] == 2020) & raw["code"].isin(codes)].groupby("code")["population"].sum()
    for c in codes:
        assert results[f"{keys[c]}_total_start"]["value"] == pytest.approx(census[c], rel=1e-12)
    population = data.load_population(level="province")
    series = data.load_province_series(["birth_rate", "death_rate", "natural_growth_rate", "yearend_population"])
    cal = pj.calibrated_inputs(
        population, series, data.load_life_expectancy(), 2020, (2021, 2023), (2021, 2023), (2021, 2024), 2022,
        "benchmark", codes,
    )  # fmt: skip
    inputs = cal["inputs"]
    for i, c in enumerate(codes):
        assert results[f"k_{keys[c]}"]["value"] == pytest.approx(inputs.k()[i], rel=1e-12)
    steps = (results["end_year"]["value"] - 2020) // pj.STEP
    surv, bs = inputs.mortality(steps)
    mig = inputs.migration * inputs.k()[:, None, None]
    totals = independent.independent_projection(
        inputs.population, surv, mig, inputs.fertility_share, inputs.tfr, inputs.srb, bs
    )
    for i, c in enumerate(codes):
        assert results[f"base_{keys[c]}_end_total"]["value"] == pytest.approx(totals[i, -1], rel=1e-9)
    assert results["base_ne_end_total"]["value"] == pytest.approx(totals[:, -1].sum(), rel=1e-9)
    full = data.load_regions().set_index("code")["name_zh"]
    assert results["region_label"]["display"] == po.Region.of(NORTHWEST, full).label == "西北五省区"


def test_another_region_names_only_its_own_provinces(northwest_run):
    """Every recorded sentence, label and table of the Northwest run names the Northwest, never the Northeast;
    the parts its data cannot support are left out with a sentence, not a blank."""
    out, results = northwest_run
    for key, r in results.items():
        text = f"{key} {r.get('label', '')} {r.get('display', '')}"
        assert not NORTHEAST_WORDS.search(text), (key, r)
    for table in (out / "tables").glob("projection_*.md"):
        assert not NORTHEAST_WORDS.search(table.read_text(encoding="utf-8")), table.name
    for name in ("陕西", "甘肃", "青海", "宁夏", "新疆"):
        assert name in results["provinces_list"]["display"] and name in results["pay_sentence"]["display"]
    # the SSP extract has the preset regions' provinces: the Northwest is compared with its own SSP paths
    ssp = data.load_projection_benchmarks()
    ssp = ssp[(ssp["source"] == "ssp_provincial") & (ssp["variant"] == "SSP2") & (ssp["year"] == 2035)]
    expected = ssp[ssp["code"].astype(str).isin(NORTHWEST["provinces"])]["population"].sum()
    assert results["ssp2_ne_end"]["value"] == pytest.approx(expected, rel=1e-12)
    assert results["ssp2_ne_end"]["display"] in results["ssp_sentence"]["display"]
    for key in ("ssp_intro", "ssp_sentence", "k_clause", "k_base_clause", "pay_sentence", "survey_projected_list"):
        assert results[key]["display"].strip(), key
    # the pay lever's shares are derived from their components for every province of the region
    for c in NORTHWEST["provinces"]:
        k = province_key(c)
        for end in ("", "_low", "_high"):
            formula, comps = derived.definition(f"projection.pay_{k}_share{end}")
            values = [results[comp.split(".", 1)[1]]["value"] for comp in comps]
            assert results[f"pay_{k}_share{end}"]["value"] == pytest.approx(derived.evaluate(formula, values))


def test_another_regions_pay_lever_is_the_main_models_wage_counterfactual(northwest_run):
    """The pay lever of each Northwest province: the main model's wage coefficient (plain-numpy OLS) times the
    province's gap to the national median wage, as for the Northeast."""
    _, results = northwest_run
    prov = ad.province_dataset(2010, 2020)
    reg = models.regressor_set("baseline")
    x = np.column_stack([np.ones(len(prov)), prov[reg].to_numpy(float)])
    beta, _ = _hc3(x, prov["net_migration_rate"].to_numpy(float))
    i = 1 + reg.index("log_relative_wage")
    assert results["pay_coef"]["value"] == pytest.approx(beta[i], rel=1e-8)
    median, by_code = prov["log_relative_wage"].median(), prov.set_index("code")
    for code in NORTHWEST["provinces"]:
        change = beta[i] * (median - by_code.loc[code, "log_relative_wage"])
        assert results[f"pay_{province_key(code)}_change"]["value"] == pytest.approx(change, rel=1e-8)
        if results[f"pay_{province_key(code)}_observed"]["value"] >= 0:  # net in-migration: nothing to remove
            assert results[f"pay_{province_key(code)}_share_high"]["value"] == 0
