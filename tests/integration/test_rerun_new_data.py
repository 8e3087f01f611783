"""Rerun with updated census data: a new year is new rows, not new code.

SYNTHETIC DATA, FOR THIS TEST ONLY: a made-up "2030 census" (tests/support/synthetic_census.py)
is added as rows to a scratch copy of the project, together with made-up yearly
vital rates and populations for 2024-2030. Setting base_year=2020, end_year=2030
must carry the new year through the notebooks to the results and the report.
The made-up birth rates rise and death rates fall after the last published year,
the opposite of the shipped series, so the report's direction words must flip
(出生率升至 / 死亡率降至 here, 出生率降至 / 死亡率升至 on the shipped data).
"""

from __future__ import annotations

import json

import pdf_text
import pytest
from directions import wrong_directions
from project_copy import copy_built, run_make
from synthetic_census import SYNTHETIC_YEAR, add_synthetic_census


@pytest.fixture(scope="module")
def rerun(built_project, tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NEOUTFLOW_LATEST_YEAR", str(SYNTHETIC_YEAR))  # the synthetic rows lie in the future
        yield _rerun(built_project, tmp_path_factory)


def _rerun(built_project, tmp_path_factory):
    # the user's case: a built checkout gets a new census and new years
    project = copy_built(built_project, tmp_path_factory.mktemp("rerun") / "project")
    add_synthetic_census(project / "data" / "raw")
    params = (project / "params.yaml").read_text(encoding="utf-8")
    params = params.replace("base_year: 2010", "base_year: 2020").replace("end_year: 2020", "end_year: 2030")
    (project / "params.yaml").write_text(params, encoding="utf-8")
    proc = run_make(project, "report")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return project


def test_new_year_reaches_the_results(rerun):
    outflow = json.loads((rerun / "build/results/outflow.json").read_text(encoding="utf-8"))
    assert outflow["base_year"]["value"] == 2020 and outflow["end_year"]["value"] == SYNTHETIC_YEAR
    # the synthetic Northeast shrinks by 8 %, so its census change is -8 %
    assert outflow["ne_population_change_pct"]["value"] == pytest.approx(-8.0, abs=0.01)
    # the words follow the synthetic data: births rose and deaths fell, the Northeast still shrank
    assert outflow["birth_rate_direction"]["display"] == "升至"
    assert outflow["death_rate_direction"]["display"] == "降至"
    assert outflow["ne_population_direction"]["display"] == "降至"
    assert outflow["interval_years"]["value"] == 10 and outflow["next_census_year"]["value"] == 2040
    every = {
        f"{p.stem}.{k}": r
        for p in (rerun / "build/results").glob("*.json")
        for k, r in json.loads(p.read_text(encoding="utf-8")).items()
    }
    assert not wrong_directions(every), wrong_directions(every)
    determinants = json.loads((rerun / "build/results/determinants.json").read_text(encoding="utf-8"))
    assert determinants["base_year"]["value"] == 2020
    assert determinants["baseline_n"]["value"] == 31
    table = (rerun / "build/tables/outflow_provinces.md").read_text(encoding="utf-8")
    assert "2030" in table


def test_new_year_reaches_the_report(rerun):
    text = pdf_text.text(rerun / "_output/report.pdf")
    text = "".join(text.split()).replace("\u2212", "-")
    outflow = json.loads((rerun / "build/results/outflow.json").read_text(encoding="utf-8"))
    assert outflow["ne_population_change_pct"]["display"] in text
    assert "2030年" in text
    # the direction words and years quoted from the results, as the PDF prints them
    o = {k: r["display"] for k, r in outflow.items()}
    assert f"出生率升至{o['liaoning_birth_rate_last']}" in text, "the birth-rate word did not flip"
    assert f"死亡率降至{o['liaoning_death_rate_last']}" in text, "the death-rate word did not flip"
    assert f"常住人口从{o['ne_population_base']}降至{o['ne_population_end']}" in text
    assert "2035年1%人口抽样调查或2040年普查" in text
    html = (rerun / "_output/report.html").read_text(encoding="utf-8")
    assert "2030" in html


def test_sentences_naming_years_boundaries_and_sources_follow_the_new_census(rerun):
    """Issue #29 item 4 (the outflow and data text): the data list names the census actually used, and no
    table note, data sentence or limitation speaks of 2010 boundaries or of a definition change it cannot know."""
    text = pdf_text.text(rerun / "_output/report.pdf")
    text = "".join(text.split())
    assert "2020年第七次和2030年第八次全国人口普查" in text
    assert "2010年第六次" not in text and "2010年地级数据" not in text
    assert "2020年和2030年普查的“省外流入人口”口径不同" not in text
    note = (rerun / "build/tables/outflow_ne_prefectures.md").read_text(encoding="utf-8")
    assert "2010年" not in note
    # the synthetic Northeast shrinks while its rates were made to rise: the words come from the signs
    outflow = json.loads((rerun / "build/results/outflow.json").read_text(encoding="utf-8"))
    clause = outflow["ne_change_source_clause"]["display"]
    assert f"规模：{clause}" in text and clause.startswith("人口减少")
