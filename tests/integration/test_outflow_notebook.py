"""notebooks/01_outflow.ipynb runs with papermill on the shipped data, with two parameter sets."""

from __future__ import annotations

import nbformat
import notebook_runs
import pytest

from neoutflow import data, paths

NOTEBOOK = paths.NOTEBOOKS / "01_outflow.ipynb"
FIGURES = [
    "outflow_map_prefectures",
    "outflow_map_prefecture_migration",
    "outflow_map_provinces",
    "outflow_net_migration_rates",
    "outflow_age_profiles",
    "outflow_pyramid",
    "outflow_vital_series",
]
TABLES = ["outflow_provinces", "outflow_ne_prefectures", "outflow_methods", "outflow_reconciliation"]
REGIONS = ["ne", "liaoning", "jilin", "heilongjiang"]
PER_REGION = [
    "population_base",
    "population_end",
    "population_change",
    "population_change_pct",
    "net_migration_10plus",
    "net_migration_rate",
    "young_adult_net_migration",
    "young_adult_net_migration_rate",
    "young_adult_share",
    "child_net_migration",
    "net_migration_all_ages",
    "natural_increase",
    "residual_net_migration",
    "residual_net_migration_rate",
    "inmigrants_other_province_base",
    "inmigrants_other_province_end",
]


def _run(tmp_path, **parameters):
    out = notebook_runs.execute(NOTEBOOK, tmp_path / "out", **parameters)
    return out, notebook_runs.results(out, "outflow")


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    return _run(tmp_path_factory.mktemp("outflow_default"))


def test_committed_notebook_is_clean_and_parameterised():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    for name in ("base_year", "end_year", "level", "highlight_regions", "output_dir"):
        assert f"{name} =" in tagged[0].source
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, "clear the notebook's outputs before committing"


def test_default_run_outputs(default_run):
    out, results = default_run
    for name in FIGURES:
        png = out / "figures" / f"{name}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
    for name in TABLES:
        md = (out / "tables" / f"{name}.md").read_text(encoding="utf-8")
        assert f"{{#tbl-{name.replace('_', '-')}}}" in md and md.lstrip().startswith("|"), name
        assert (out / "tables" / f"{name}.csv").stat().st_size > 0
    provinces = (out / "tables" / "outflow_provinces.md").read_text(encoding="utf-8")
    assert provinces.count("\n|") == 31 + 1  # header rule + 31 provinces (header is the first line)
    for region in REGIONS:
        for item in PER_REGION:
            assert f"{region}_{item}" in results, f"{region}_{item}"
    assert abs(results["provinces_net_migration_sum"]["value"]) < 1
    assert results["ne_net_migration_10plus"]["display"].endswith("万")
    assert results["ne_net_migration_rate"]["display"].endswith("%")
    assert results["paper_ne_outflow"]["display"] == "821万"
    # the census change of the three provinces (SOURCES.md: −10,998,181)
    assert results["ne_population_change"]["value"] == -10_998_181


def test_northeast_agrees_with_independent_computation(default_run):
    from independent import independent_net_migration_10plus as _independent_net_migration_10plus

    _, results = default_run
    ne = list(data.NORTHEAST)
    expected = _independent_net_migration_10plus(paths.RAW / "census_population.csv", ne)
    for code, slug in zip(ne, ["liaoning", "jilin", "heilongjiang"], strict=True):
        assert results[f"{slug}_net_migration_10plus"]["value"] == pytest.approx(expected[code], rel=1e-9)
    assert results["ne_net_migration_10plus"]["value"] == pytest.approx(sum(expected.values()), rel=1e-9)


def test_other_parameters_without_code_edits(tmp_path, default_run):
    first_out, first = default_run
    out, results = _run(tmp_path, level="prefecture", highlight_regions=["220000"])
    for name in FIGURES:
        assert (out / "figures" / f"{name}.png").is_file(), name
    # The quoted numbers do not depend on what is highlighted or on the figure level.
    for key in ("ne_net_migration_10plus", "jilin_net_migration_rate", "ne_residual_net_migration"):
        assert results[key] == first[key]
    # the pyramid draws the highlighted provinces (Jilin alone now, the three side by side by default)
    pyramid = "outflow_pyramid.png"
    assert (out / "figures" / pyramid).read_bytes() != (first_out / "figures" / pyramid).read_bytes()
