"""The 2025 1% sample survey reaches the projection chapter once it is imported.

SYNTHETIC DATA, FOR THIS TEST ONLY: a survey communiqué's province table made from the 2020 census totals
(the Northeast −4 %, the other provinces +1 %; tests/support/official_files.py ``survey_table``) is imported
with ``make import … KIND=sample-survey APPLY=1`` into a copy of the built project; ``make report`` must then
mark the part available and print the comparison (the survey's figures and the errors the results record),
where the shipped report prints the sentence that the comparison awaits the survey.
"""

from __future__ import annotations

import json

import pytest
from official_files import survey_table
from project_copy import copy_built, run_make
from test_rendered_text import reader_text

REGIONS = ("liaoning", "jilin", "heilongjiang", "ne")


def _text(project) -> str:
    """The report's text from the HTML: a page break (with the running header and a float set between the two
    halves of a sentence) would split a sentence in the PDF's text."""
    return reader_text((project / "_output/report.html").read_text(encoding="utf-8"))


def _results(project) -> dict:
    return json.loads((project / "build" / "results" / "projection.json").read_text(encoding="utf-8"))


def _squeeze(text: str) -> str:
    """Without white space, and with the typeset minus sign the report prints for a hyphen-minus."""
    return "".join(text.split()).replace("-", "−")


@pytest.fixture(scope="module")
def surveyed(built_project, tmp_path_factory):
    project = copy_built(built_project, tmp_path_factory.mktemp("survey") / "project")
    table = survey_table(project, tmp_path_factory.mktemp("file") / "survey_2025_provinces.csv")
    proc = run_make(project, "import", f"FILE={table}", "KIND=sample-survey", "APPLY=1")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    proc = run_make(project, "report")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return project


def test_without_the_survey_the_chapter_says_it_awaits_it(built_project):
    res = _results(built_project)
    assert res["survey_comparison"]["display"] == ""
    assert "has-survey-data: false" in (built_project / "_availability.yml").read_text(encoding="utf-8")
    assert _squeeze(res["survey_pending"]["display"]) in _squeeze(_text(built_project))


def test_the_imported_survey_is_compared_in_the_report(surveyed):
    record = json.loads((surveyed / "data" / "datapackage.json").read_text(encoding="utf-8"))
    (entry,) = {r["name"]: r for r in record["resources"]}["census_totals"]["imports"]
    assert entry["kind"] == "sample-survey" and entry["added"] == 31  # provenance of the imported table
    assert "has-survey-data: true" in (surveyed / "_availability.yml").read_text(encoding="utf-8")
    res = _results(surveyed)
    for key in REGIONS:
        projected, observed = res[f"survey_{key}_projected"]["value"], res[f"survey_{key}_observed"]["value"]
        assert res[f"survey_{key}_error_pct"]["value"] == pytest.approx(100 * (projected / observed - 1))
    text = _squeeze(_text(surveyed))
    assert _squeeze(res["survey_comparison"]["display"]) in text
    assert _squeeze(res["survey_pending"]["display"]) not in text
