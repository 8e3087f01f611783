"""Rerun with an incomplete new census year: the parts the data cannot support are left out, saying why.

SYNTHETIC DATA, FOR THIS TEST ONLY: a made-up "2030 census" (tests/support/synthetic_census.py) is added to
a scratch copy of the project in four ways a user might have it — province rows only (no prefecture
rows), without the census indicators of the new year, both at once (with the 1% sample survey, which the
shipped data lack as well, every optional part of the report is then missing together), and complete but
read as a 20-year interval — and `make report` must give a report in each case: complete where the data
allow, with the optional parts (data.preflight.PARTS) replaced by the sentence naming the missing inputs
where they do not, in prose that passes the register scan and numbers that pass the consistency checks.
"""

from __future__ import annotations

import json
import math

import pdf_text
import pytest
from project_copy import copy_built, run_make
from synthetic_census import SYNTHETIC_YEAR, add_synthetic_census, drop_rows

from neoutflow.data.preflight import PARTS
from neoutflow.outputs import derived

SCENARIOS = {
    "province-only": ("base_year: 2020", "end_year: 2030"),
    "no-indicators": ("base_year: 2020", "end_year: 2030"),
    "all-missing": ("base_year: 2020", "end_year: 2030"),
    "twenty-years": ("base_year: 2010", "end_year: 2030"),
}


def _build(built_project, tmp_path_factory, scenario: str):
    # the user's case: a built checkout gets a (partial) new census and new years
    project = copy_built(built_project, tmp_path_factory.mktemp(scenario) / "project")
    raw = project / "data" / "raw"
    add_synthetic_census(raw)
    if scenario in ("province-only", "all-missing"):
        for name in ("census_population", "census_totals", "census_indicators"):
            drop_rows(raw, name, SYNTHETIC_YEAR, prefectures_only=True)
    if scenario in ("no-indicators", "all-missing"):
        drop_rows(raw, "census_indicators", SYNTHETIC_YEAR)
    base, end = SCENARIOS[scenario]
    params = (project / "params.yaml").read_text(encoding="utf-8")
    params = params.replace("base_year: 2010", base).replace("end_year: 2020", end)
    (project / "params.yaml").write_text(params, encoding="utf-8")
    proc = run_make(project, "report")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return project, proc.stdout + proc.stderr


@pytest.fixture(scope="module", params=list(SCENARIOS))
def built(request, built_project, tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NEOUTFLOW_LATEST_YEAR", str(SYNTHETIC_YEAR))  # the synthetic rows lie in the future
        project, log = _build(built_project, tmp_path_factory, request.param)
    yield request.param, project, log


def results(project, name: str) -> dict:
    path = project / "build" / "results" / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def report_text(project) -> tuple[str, str]:
    pdf = pdf_text.text(project / "_output/report.pdf")
    html = (project / "_output/report.html").read_text(encoding="utf-8")
    return "".join(pdf.split()), html


def test_left_out_parts_say_why_and_the_rest_is_complete(built):
    scenario, project, log = built
    availability = results(project, "availability")
    pdf, html = report_text(project)
    missing_prefectures = scenario in ("province-only", "all-missing")
    missing_inmigrants = scenario in ("no-indicators", "all-missing")
    if scenario == "all-missing":  # every optional part at once: nothing optional is left to report
        assert not [part for part in PARTS if availability[part]["value"]], availability
    assert availability["prefecture"]["value"] is not missing_prefectures
    assert availability["inmigrants"]["value"] is not missing_inmigrants
    for part, missing, file in (
        ("prefecture", missing_prefectures, "census_population.csv"),
        ("inmigrants", missing_inmigrants, "census_indicators.csv"),
    ):
        sentence = availability[part]["display"]
        if missing:
            assert f"{SYNTHETIC_YEAR}" in sentence and file in sentence, sentence
            assert "".join(sentence.split()) in pdf and sentence in html
        else:
            assert sentence == ""
    assert "本报告未包含" in pdf if (missing_prefectures or missing_inmigrants) else "本报告未包含" not in pdf


def test_a_notebook_that_is_only_a_left_out_part_is_not_run(built):
    scenario, project, log = built
    executed = (project / "build/notebooks/04_prefecture_wages.ipynb").read_text(encoding="utf-8")
    if scenario in ("province-only", "all-missing"):
        assert "04_prefecture_wages not run" in log
        assert "本笔记本未运行" in executed
        assert not (project / "build/results/prefecture_wages.json").exists()
        assert "pref_n" not in results(project, "determinants")
        # the conclusions count only the tests the data allow
        conclusions = results(project, "conclusions")
        assert conclusions["rec_pay_n"]["value"] == 2 and "within_net_wage" not in conclusions
    else:
        assert "本笔记本未运行" not in executed
        assert results(project, "prefecture_wages")["base_year"]["value"] == int(SCENARIOS[scenario][0][-4:])
        assert results(project, "conclusions")["rec_pay_n"]["value"] == 3


def test_the_years_are_those_asked_for(built):
    scenario, project, _ = built
    base, end = (int(s[-4:]) for s in SCENARIOS[scenario])
    outflow = results(project, "outflow")
    assert (outflow["base_year"]["value"], outflow["end_year"]["value"]) == (base, end)
    pdf, _ = report_text(project)
    assert f"{base}–{end}" in pdf or f"{base}—{end}" in pdf
    # the survival-ratio measure covers the ages born before the base census: 20+ over 20 years, not 10+
    assert f"{end - base}岁及以上" in pdf
    if end - base != 10:
        assert "10岁及以上" not in pdf


def test_prose_with_parts_left_out_reads_as_a_journal_article(built):
    """The register scan of the shipped build (tests/integration/test_rendered_text.py) on a build whose
    optional parts are missing: the sentences written for those cases must pass it too."""
    from prose_scan import problems
    from test_rendered_text import pdf_body, reader_text

    _, project, _ = built
    page = (project / "_output" / "report.html").read_text(encoding="utf-8")
    found = problems(reader_text(page)) + [f"PDF {p}" for p in problems(pdf_body(project), pdf=True)]
    assert not found, "sentences an editor would not pass:\n" + "\n".join(found)


def test_numbers_with_parts_left_out_are_consistent(built):
    """The consistency checks of the shipped build (tests/integration/test_report_consistency.py) on a build
    whose optional parts are missing: every derived number it records re-derives from its components, every
    value quoted from a table is in that table, and every direction word agrees with the sign of its values."""
    from directions import wrong_directions
    from test_report_consistency import _rederive, _table_shows

    _, project, _ = built
    res = {
        f"{p.stem}.{k}": r
        for p in sorted((project / "build" / "results").glob("*.json"))
        for k, r in json.loads(p.read_text(encoding="utf-8")).items()
    }
    problems = []
    for key, (_, components) in derived.DERIVED.items():
        if key not in res:  # a number of a part left out is not recorded at all
            continue
        absent = [c for c in components if c not in res]
        if absent:
            problems.append(f"{key}: components not recorded: {absent}")
            continue
        recorded, again = _rederive(key, res)
        if not math.isclose(recorded, again, rel_tol=1e-9, abs_tol=1e-9):
            problems.append(f"{key}: recorded {recorded}, components give {again}")
    for key, (name, row_label) in derived.IN_TABLE.items():
        table = project / "build" / "tables" / f"{name}.md"
        if key in res and not (
            table.is_file() and _table_shows(table.read_text(encoding="utf-8"), row_label, res[key]["display"])
        ):
            problems.append(f"{key} = {res[key]['display']} is not in the row {row_label!r} of {table.name}")
    problems += wrong_directions(res)
    assert not problems, "\n".join(problems)


def test_no_unresolved_value_with_parts_left_out(built):
    """No value, cross-reference or citation the report could not resolve (a result of a part left out
    quoted outside that part's conditional block would print as one)."""
    from test_config_matrix import _texts

    scenario, project, _ = built
    for kind, text in _texts(project).items():
        for marker in ("{{<", "?@", "??", "unknown var"):
            assert marker not in text, f"{scenario} ({kind}): {marker!r} left in the report"
