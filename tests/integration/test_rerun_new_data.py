"""Rerun with updated census data: a new year is new rows, not new code.

SYNTHETIC DATA, FOR THIS TEST ONLY: a made-up "2030 census" is derived from the
2020 figures (each province scaled by a fixed factor, the Northeast shrinking)
and added as rows to a scratch copy of the project, together with made-up yearly
vital rates and populations for 2024-2030. Setting base_year=2020, end_year=2030
must carry the new year through the notebooks to the results and the report.
The made-up birth rates rise and death rates fall after the last published year,
the opposite of the shipped series, so the report's direction words must flip
(出生率升至 / 死亡率降至 here, 出生率降至 / 死亡率升至 on the shipped data).
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from directions import wrong_directions
from project_copy import copy_project, run_make

from neoutflow.data.schemas import PREFECTURE_SUM_EXCEPTIONS

SYNTHETIC_YEAR = 2030
NORTHEAST = {"210000", "220000", "230000"}
# Yearly factors of the Northeast's made-up vital rates after the last published year: births up, deaths down (enough
# to end above / below the first year of the series), within the validation's year-on-year bounds.
SYNTHETIC_RATE_FACTORS = {"birth_rate": 1.25, "death_rate": 0.9, "yearend_population": 1.0}


def factor(code: str) -> float:
    """Synthetic growth 2020->2030 by province: the Northeast loses 8 %, others gain 1 %."""
    return 0.92 if code[:2] + "0000" in NORTHEAST else 1.01


def add_synthetic_census(raw) -> None:
    read = {"dtype": {"code": str}, "keep_default_na": False}
    pop = pd.read_csv(raw / "census_population.csv", **read)
    new = pop[pop["year"] == 2020].copy()
    new["year"] = SYNTHETIC_YEAR
    new["population"] = (new["population"] * new["code"].map(factor)).round().astype(int)
    # a province's cells are the sums of its prefectures' cells, as in the real census tables
    pref = new[~new["code"].str.endswith("0000")]
    cells = pref.groupby([pref["code"].str[:2] + "0000", "sex", "age_group"])["population"].sum()
    key = pd.MultiIndex.from_frame(new[["code", "sex", "age_group"]])
    has = key.isin(cells.index)
    new.loc[has, "population"] = cells.reindex(key[has]).to_numpy()
    pd.concat([pop, new]).to_csv(raw / "census_population.csv", index=False, lineterminator="\n")

    totals = pd.read_csv(raw / "census_totals.csv", **read)
    rows = totals[totals["year"] == 2020].copy()
    rows["year"] = SYNTHETIC_YEAR
    rows["population"] = (rows["population"] * rows["code"].map(factor)).round().astype(int)
    # province totals, and the prefectures both files have, equal their age-sex tables exactly, as in a
    # real census (validation requires exact prefecture sums)
    sums = new.groupby("code")["population"].sum()
    # (provinces whose city file lacks some units keep their scaled prefecture rows: checked with a tolerance)
    lacking = rows["code"].str[:2].isin([c[:2] for c in PREFECTURE_SUM_EXCEPTIONS])
    both = rows["code"].isin(sums.index) & (rows["code"].str.endswith("0000") | ~lacking)
    rows.loc[both, "population"] = rows.loc[both, "code"].map(sums).astype(int)
    pd.concat([totals, rows]).to_csv(raw / "census_totals.csv", index=False, lineterminator="\n")

    ind = pd.read_csv(raw / "census_indicators.csv", **read)
    later = ind[ind["year"] == 2020].assign(year=SYNTHETIC_YEAR)
    pd.concat([ind, later]).to_csv(raw / "census_indicators.csv", index=False, lineterminator="\n")

    ser = pd.read_csv(raw / "province_series.csv", **read)
    extra = []
    for indicator, f in SYNTHETIC_RATE_FACTORS.items():
        part = ser[ser["indicator"] == indicator]
        last_year = int(part["year"].max())
        last = part[part["year"] == last_year]
        for year in range(last_year + 1, SYNTHETIC_YEAR + 1):
            ne = last["code"].isin(NORTHEAST)  # only the Northeast's rates move (others stay as published)
            value = last["value"] * ne.map({True: f ** (year - last_year), False: 1.0})
            extra.append(last.assign(year=year, value=value.round(2) if f != 1 else value))
    # natural growth = births − deaths, for the years after its own last published one
    rates = pd.concat([ser, *extra]).pivot_table(index=["code", "year"], columns="indicator", values="value")
    part = ser[ser["indicator"] == "natural_growth_rate"]
    last = part[part["year"] == part["year"].max()].set_index("code")
    for year in range(int(part["year"].max()) + 1, SYNTHETIC_YEAR + 1):
        growth = [round(rates.loc[(c, year), "birth_rate"] - rates.loc[(c, year), "death_rate"], 2) for c in last.index]
        extra.append(last.assign(year=year, value=growth).reset_index())
    pd.concat([ser, *extra]).to_csv(raw / "province_series.csv", index=False, lineterminator="\n")


@pytest.fixture(scope="module")
def rerun(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NEOUTFLOW_LATEST_YEAR", str(SYNTHETIC_YEAR))  # the synthetic rows lie in the future
        yield _rerun(tmp_path_factory)


def _rerun(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("rerun") / "project")
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
    from pypdf import PdfReader

    text = "".join(p.extract_text() or "" for p in PdfReader(rerun / "_output/report.pdf").pages)
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
