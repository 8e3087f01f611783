"""The report built for a matrix of configurations, each held to the same consistency checks (issue #26, item 4).

Every configuration is a ``make report PARAMS=…`` in a copy of the session's built project
(:func:`project_copy.copy_built`), so make redoes only what the parameters reach (``highlight_regions``:
``01_outflow`` and the render; ``outcome``/``regressors``: ``02_determinants``, the projection that reads
its outcome, and the render) instead of a cold build each. The default configuration is the session's
build itself. Each built report (PDF and HTML) is checked for unresolved values, and its results for
derived numbers that re-derive from their components and direction words that follow their values.

Configurations the report cannot honour yet (a study region other than the Northeast, which also covers a
region without prefecture data; a regressor set lacking the terms the chapters quote) must be refused by
``make report`` before any notebook runs, naming the allowed values, with the previous outputs untouched.

Every ``make report PARAMS="…"`` command in README.md is one of the configurations here (or is run by
``test_readme_commands.py``), so the README's examples are built by the tests.
"""

from __future__ import annotations

import json
import math
import re
import shlex

import pytest
from project_copy import copy_built, run_make

from neoutflow import paths
from neoutflow.outputs import derived

pytestmark = pytest.mark.matrix

# name -> PARAMS, each built (PDF and HTML) and checked
BUILT = {
    "highlight_jilin": "highlight_regions=[220000]",
    "young_adult_full": "outcome=young_adult_net_migration_rate regressors=full",
}
# name -> (PARAMS, what the refusal must name): refused before any notebook runs
REFUSED = {
    "northwest": ("study_region=西北", ["study_region", "西北", "allowed: 东北"]),
    "southwest_without_prefectures": ("study_region=西南", ["study_region", "西南", "allowed: 东北"]),
    "highlight_outside_region": ("highlight_regions=[440000]", ["highlight_regions", "440000", "210000"]),
    "wages_only_main_model": ("regressors=wages", ["regressors", "allowed: baseline, full"]),
}
# README commands run by another test (the data walk-through builds the new census years itself)
RUN_ELSEWHERE = {"base_year=2020 end_year=2030"}


def _results(project) -> dict:
    return {
        f"{p.stem}.{k}": r
        for p in sorted((project / "build" / "results").glob("*.json"))
        for k, r in json.loads(p.read_text(encoding="utf-8")).items()
    }


def _texts(project) -> dict[str, str]:
    from pypdf import PdfReader

    pdf = "".join(p.extract_text() or "" for p in PdfReader(project / "_output/report.pdf").pages)
    page = (project / "_output/report.html").read_text(encoding="utf-8")
    page = page[page.find("<body") :]
    page = re.sub(r"<(script|style|math)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return {"pdf": pdf, "html": re.sub(r"<[^>]+>", " ", page)}


@pytest.fixture(scope="module", params=sorted(BUILT))
def configured(request, built_project, tmp_path_factory):
    name = request.param
    project = copy_built(built_project, tmp_path_factory.mktemp(f"matrix-{name}") / "project")
    proc = run_make(project, "report", f"PARAMS={BUILT[name]}")
    assert proc.returncode == 0, f"{name}: {proc.stdout[-3000:]}{proc.stderr[-3000:]}"
    return name, project


def test_the_configuration_was_built_with_its_parameters(configured):
    name, project = configured
    used = json.loads((project / "build" / "params.json").read_text(encoding="utf-8"))
    for pair in shlex.split(BUILT[name]):
        key, value = pair.split("=", 1)
        shown = json.dumps(used[key], ensure_ascii=False).replace(" ", "").replace('"', "")
        assert shown == value, f"{name}: {key} is {used[key]!r}, not {value}"


def test_no_unresolved_value_in_the_report(configured):
    name, project = configured
    for kind, text in _texts(project).items():
        for marker in ("{{<", "?@", "??", "unknown var"):
            assert marker not in text, f"{name} ({kind}): {marker!r} left in the report"


def test_derived_numbers_rederive_from_their_components(configured):
    name, project = configured
    results = _results(project)
    for key, (formula, components) in derived.DERIVED.items():
        if key not in results:
            continue  # a part the configuration leaves out
        again = derived.evaluate(formula, [results[c]["value"] for c in components])
        assert math.isclose(results[key]["value"], again, rel_tol=1e-9, abs_tol=1e-9), f"{name}: {key}"


def test_direction_words_follow_their_values(configured):
    from directions import wrong_directions

    name, project = configured
    wrong = wrong_directions(_results(project))
    assert not wrong, f"{name}: " + "\n".join(wrong)


def test_the_main_model_is_quoted_by_name_with_its_own_p_value(configured):
    """The abstract's p-value and significance word are the main model's, whichever regressor set it is."""
    name, project = configured
    results = _results(project)
    used = json.loads((project / "build" / "params.json").read_text(encoding="utf-8"))
    main = used["regressors"]
    for what in ("p", "coef"):
        ours = results[f"determinants.main_{what}_log_relative_wage"]["value"]
        assert ours == results[f"determinants.{main}_{what}_log_relative_wage"]["value"], f"{name}: main_{what}"
    shown = re.sub(r"\s+", "", _texts(project)["html"])
    assert results["determinants.main_model"]["display"] in shown, name
    assert results["determinants.outcome"]["display"] in shown, name


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_configuration_the_report_cannot_honour_is_refused_before_any_notebook(name, built_project, tmp_path):
    params_text, named = REFUSED[name]
    project = copy_built(built_project, tmp_path / "project")
    before = (project / "_output" / "report.pdf").read_bytes()
    proc = run_make(project, "report", f"PARAMS={params_text}")
    assert proc.returncode != 0, f"{name}: built a report the chapters cannot write"
    said = proc.stdout + proc.stderr
    assert "running notebook" not in said, f"{name}: a notebook ran before the refusal\n{said[-2000:]}"
    for word in named:
        assert word in said, f"{name}: the refusal does not name {word!r}\n{said[-2000:]}"
    assert (project / "_output" / "report.pdf").read_bytes() == before, f"{name}: the previous report changed"


def test_every_readme_make_report_command_is_in_the_matrix():
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r'make report PARAMS="([^"]+)"', readme)
    assert commands, "README.md shows no make report PARAMS example"
    covered = set(BUILT.values()) | {p for p, _ in REFUSED.values()} | RUN_ELSEWHERE
    missing = sorted({" ".join(c.split()) for c in commands} - covered)
    assert not missing, f"README make report commands no test builds: {missing}"


# README.md, "Adding a regressor: a worked example": the one edit, then the build it shows
EXAMPLE_EDIT = (
    '        "wage_growth",\n    )\n    + CONTROLS,',
    '        "wage_growth",\n        "share_age_0_14",\n    )\n    + CONTROLS,',
)
EXAMPLE_PARAMS = "regressors=full"
EXAMPLE_LABEL = "0–14岁人口比重"


def test_the_readme_shows_the_regressor_example_this_test_runs():
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    example = readme[readme.index("### Adding a regressor") :]
    example = example[: example.index("\n## ")]
    assert '"share_age_0_14",' in example and f'make report PARAMS="{EXAMPLE_PARAMS}"' in example
    reference = (paths.ROOT / "src/neoutflow/reference.py").read_text(encoding="utf-8")
    assert reference.count(EXAMPLE_EDIT[0]) == 1, "the full set no longer ends as the README's example expects"


def test_the_readme_regressor_example_reaches_models_tables_and_text(built_project, tmp_path):
    project = copy_built(built_project, tmp_path / "project")
    reference = project / "src/neoutflow/reference.py"
    reference.write_text(reference.read_text(encoding="utf-8").replace(*EXAMPLE_EDIT), encoding="utf-8")
    proc = run_make(project, "report", f"PARAMS={EXAMPLE_PARAMS}")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    results = _results(project)
    for key in ("full_coef_share_age_0_14", "main_coef_share_age_0_14", "vif_full_share_age_0_14"):
        assert f"determinants.{key}" in results, f"the model does not have the new regressor: {key}"
    table = (project / "build/tables/determinants_sets.md").read_text(encoding="utf-8")
    assert any(row.startswith(f"| {EXAMPLE_LABEL}") for row in table.splitlines()), "no table row for it"
    assert EXAMPLE_LABEL in results["determinants.vars_full"]["display"]
    for kind, text in _texts(project).items():
        assert EXAMPLE_LABEL in re.sub(r"\s+", "", text), f"the {kind} report does not name the new regressor"
