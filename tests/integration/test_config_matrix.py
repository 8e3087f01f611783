"""The report built for a matrix of configurations, each held to the same consistency checks (issue #26, item 4).

Every configuration is a ``make report PARAMS=…`` in a copy of the session's built project
(:func:`project_copy.copy_built`), so make redoes only what the parameters reach (``highlight_regions``:
``01_outflow`` and the render; ``outcome``/``regressors``: ``02_determinants``, the projection that reads
its outcome, and the render) instead of a cold build each. The default configuration is the session's
build itself. Each built report (PDF and HTML) is checked for unresolved values, and its results for
derived numbers that re-derive from their components and direction words that follow their values.

Two configurations change the study region (a region change reruns every notebook): the five Northwest
provinces, with their prefectures, and a region of municipalities (京津沪), which has no prefecture level, so
the report leaves the prefecture parts out and says why. Each report about a region other than the Northeast
is scanned (PDF and HTML) for the Northeast's names outside explicitly marked comparisons
(:mod:`region_scan`), and with the register scan (:mod:`prose_scan`).

Configurations the report cannot honour (a highlight outside the region; a regressor set lacking the terms
the chapters quote) must be refused by ``make report`` before any notebook runs, naming the allowed values,
with the previous outputs untouched.

Every ``make report PARAMS="…"`` command in README.md is one of the configurations here (or is run by
``test_readme_commands.py``), so the README's examples are built by the tests.
"""

from __future__ import annotations

import json
import math
import re
import shlex

import pdf_text
import pytest
from project_copy import copy_built, run_make

from neoutflow import paths
from neoutflow.outputs import derived

pytestmark = pytest.mark.matrix

# name -> PARAMS, each built (PDF and HTML) and checked
BUILT = {
    "highlight_jilin": "highlight_regions=[220000]",
    "young_adult_full": "outcome=young_adult_net_migration_rate regressors=full",
    "northwest": "study_region=西北",
    "municipalities_without_prefectures": "study_region=京津沪:110000,120000,310000",
}
# the configurations about another region than the Northeast: scanned for the Northeast's names
OTHER_REGIONS = {"northwest", "municipalities_without_prefectures"}
# name -> (PARAMS, what the refusal must name): refused before any notebook runs
REFUSED = {
    "unknown_region": ("study_region=华北", ["study_region", "华北", "presets: 东北, 西北"]),
    "highlight_outside_region": ("highlight_regions=[440000]", ["highlight_regions", "440000", "210000"]),
    "wages_only_main_model": ("regressors=wages", ["regressors", "allowed: baseline, full"]),
}
# README commands run by another test (the data walk-through builds the new census years itself)
# and the regressor walk-through's build, run below after its edit
RUN_ELSEWHERE = {"base_year=2020 end_year=2030", "regressors=full"}


def _results(project) -> dict:
    return {
        f"{p.stem}.{k}": r
        for p in sorted((project / "build" / "results").glob("*.json"))
        for k, r in json.loads(p.read_text(encoding="utf-8")).items()
    }


def _pdf_text(project) -> str:
    import subprocess

    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(project / "_output/report.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _texts(project) -> dict[str, str]:
    pdf = pdf_text.text(project / "_output/report.pdf")
    page = (project / "_output/report.html").read_text(encoding="utf-8")
    page = page[page.find("<body") :]
    page = re.sub(r"<(script|style|math)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return {"pdf": pdf, "html": re.sub(r"<[^>]+>", " ", page)}


# Each configuration is built once per session, whichever fixture asks for it first: the checks that apply
# only to some configurations are parametrised over those (no skipped combinations).
_BUILDS: dict[str, tuple[str, object]] = {}


def _build(name: str, built_project, tmp_path_factory):
    if name not in _BUILDS:
        project = copy_built(built_project, tmp_path_factory.mktemp(f"matrix-{name}") / "project")
        proc = run_make(project, "report", f"PARAMS={BUILT[name]}")
        assert proc.returncode == 0, f"{name}: {proc.stdout[-3000:]}{proc.stderr[-3000:]}"
        _BUILDS[name] = (name, project)
    return _BUILDS[name]


@pytest.fixture(scope="module", params=sorted(BUILT))
def configured(request, built_project, tmp_path_factory):
    return _build(request.param, built_project, tmp_path_factory)


@pytest.fixture(scope="module", params=sorted(OTHER_REGIONS))
def other_region(request, built_project, tmp_path_factory):
    """A configuration about another region than the Northeast (the Northeast's reports are scanned by
    test_rendered_text.py)."""
    return _build(request.param, built_project, tmp_path_factory)


@pytest.fixture(scope="module")
def without_prefectures(built_project, tmp_path_factory):
    return _build("municipalities_without_prefectures", built_project, tmp_path_factory)


def test_the_configuration_was_built_with_its_parameters(configured):
    from neoutflow import params

    name, project = configured
    used = json.loads((project / "build" / "params.json").read_text(encoding="utf-8"))
    overrides = params.parse_overrides(shlex.split(BUILT[name]))
    asked = params.load(overrides=overrides).model_dump()
    for key in overrides:
        assert used[key] == asked[key], f"{name}: {key} is {used[key]!r}, not {asked[key]!r}"


def _region(project) -> tuple[str, list[str]]:
    used = json.loads((project / "build" / "params.json").read_text(encoding="utf-8"))
    return used["study_region"]["name"], used["study_region"]["provinces"]


def test_a_report_about_another_region_names_the_northeast_only_in_marked_comparisons(other_region):
    from region_scan import foreign_names, unmarked_in_html, unmarked_in_pdf

    name, project = other_region
    region, provinces = _region(project)
    results = _results(project)
    inside = [r["display"] for k, r in results.items() if k.startswith("outflow.") and r.get("unit") == "names"]
    names = foreign_names(provinces, region, inside)
    html = (project / "_output/report.html").read_text(encoding="utf-8")
    found = unmarked_in_html(html, names) + unmarked_in_pdf(_pdf_text(project), html, names)
    assert not found, f"{name}: " + "\n".join(found)
    title = results["outflow.report_title"]["display"]
    assert title.startswith(region), f"{name}: the title {title!r} is not about {region}"
    assert re.sub(r"\s+", "", title) in re.sub(r"\s+", "", _pdf_text(project)), f"{name}: no title in the PDF"


def test_a_report_about_another_region_reads_as_a_journal_article(other_region):
    from prose_scan import problems
    from test_rendered_text import pdf_body, reader_text

    name, project = other_region
    page = (project / "_output/report.html").read_text(encoding="utf-8")
    found = problems(reader_text(page)) + [f"PDF {p}" for p in problems(pdf_body(project), pdf=True)]
    assert not found, f"{name}: sentences an editor would not pass:\n" + "\n".join(found)


def test_a_region_without_prefectures_leaves_those_parts_out_saying_why(without_prefectures):
    name, project = without_prefectures
    region, _ = _region(project)
    flat = re.sub(r"\s+", "", _texts(project)["html"])
    assert f"研究地区{region}的" in flat and "地级单位之间的比较无从谈起" in flat
    page = (project / "_output/report.html").read_text(encoding="utf-8")
    for part in ("fig-outflow-map", "fig-outflow-map-migration", "tbl-outflow-ne-prefectures"):
        assert f'id="{part}"' not in page, f"{name}: the report shows {part}"
    availability = (project / "_availability.yml").read_text(encoding="utf-8")
    assert "has-prefecture-data: false" in availability


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
    commands = [c for c in re.findall(r'make report PARAMS="([^"]+)"', readme) if c not in ("...", "…")]
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


# SYNTHETIC DATA, FOR THIS TEST ONLY: a 2030 census in which the Northeast's population RISES by 5 % (net
# in-migration), built with every projection lever at zero (issue #29, item 4: words that follow the numbers)
RISING_FACTOR = 1.05
RISING_PARAMS = "base_year=2020 end_year=2030 projection_retention_share=0 projection_tfr_increase=0"
# (what is wrong, pattern) over the report's text with whitespace removed
UNTRUE_WITH_RISING_POPULATION = [
    ("a fall said to come from migration", r"人口减少[^。]*?几乎全部来自迁移"),
    ("a stale 2010-boundary note", r"2010年(?:边界|区划|第六次|地级数据)"),
    ("a definition change the data cannot know", r"2020年和2030年普查的“省外流入人口”口径不同"),
]


@pytest.fixture(scope="module")
def rising(built_project, tmp_path_factory):
    from synthetic_census import SYNTHETIC_YEAR, add_synthetic_census

    project = copy_built(built_project, tmp_path_factory.mktemp("matrix-rising") / "project")
    add_synthetic_census(project / "data" / "raw", northeast=RISING_FACTOR)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NEOUTFLOW_LATEST_YEAR", str(SYNTHETIC_YEAR))  # the synthetic rows lie in the future
        proc = run_make(project, "report", f"PARAMS={RISING_PARAMS}")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return project


def _only_ratios_above_one(flat: str) -> list[str]:
    """ "只相当于/仅相当于 … N 倍" with N ≥ 1 (a ratio above one is not "only")."""
    found = []
    for m in re.finditer(r"[只仅]相当于[^。；]{0,60}?([\d.]+)倍", flat):
        if float(m.group(1)) >= 1:
            found.append(m.group(0))
    return found


def test_the_scans_flag_what_issue_29_reported():
    assert _only_ratios_above_one("它只相当于住在东北以外的东北出生者的7.07倍（流入存量÷流出存量）")
    assert not _only_ratios_above_one("它只相当于住在东北以外的东北出生者的0.12倍")
    bad = "仅相当于人口变化的349.3%：人口减少几乎全部来自迁移"
    assert any(re.search(p, bad) for _, p in UNTRUE_WITH_RISING_POPULATION)


def test_the_rising_census_rose(rising):
    outflow = _results(rising)
    assert outflow["outflow.ne_population_end"]["value"] > outflow["outflow.ne_population_base"]["value"]


@pytest.mark.parametrize("kind", ["pdf", "html"])
def test_no_untrue_sentence_with_a_rising_population_and_levers_at_zero(rising, kind):
    from test_levers_at_zero import untrue_sentences

    text = _texts(rising)[kind]
    flat = re.sub(r"\s+", "", text)
    found = [f"{what}: {m.group(0)}" for what, p in UNTRUE_WITH_RISING_POPULATION for m in re.finditer(p, flat)]
    found += [f"'only' before a ratio above one: {s}" for s in _only_ratios_above_one(flat)]
    found += [f"{what}: {passage}" for what, passage in untrue_sentences(text) if what != ZERO_WIDTH]
    for marker in ("{{<", "?@", "??"):
        if marker in text:
            found.append(f"unresolved {marker!r}")
    assert not found, "\n".join(found)


ZERO_WIDTH = "an interval of zero width at zero"


def test_the_pay_lever_with_net_in_migration_is_not_printed_as_a_zero_interval(rising):
    from test_levers_at_zero import untrue_sentences

    found = [passage for what, passage in untrue_sentences(_texts(rising)["html"]) if what == ZERO_WIDTH]
    assert not found, "\n".join(found)


def test_the_rising_report_names_the_new_census_and_keeps_its_numbers_consistent(rising):
    from directions import wrong_directions

    flat = re.sub(r"\s+", "", _texts(rising)["pdf"])
    assert "2030年第八次全国人口普查" in flat, "the data list does not name the census used"
    results = _results(rising)
    assert not wrong_directions(results), "\n".join(wrong_directions(results))
    for key, (formula, components) in derived.DERIVED.items():
        if key in results and all(c in results for c in components):
            again = derived.evaluate(formula, [results[c]["value"] for c in components])
            assert math.isclose(results[key]["value"], again, rel_tol=1e-9, abs_tol=1e-9), key
