"""Rerun with updated census data: a new year is new rows, not new code.

SYNTHETIC DATA, FOR THIS TEST ONLY: a made-up "2030 census" is derived from the
2020 figures (each province scaled by a fixed factor, the Northeast shrinking)
and added as rows to a scratch copy of the project, together with made-up yearly
vital rates and populations for 2024-2030. Setting base_year=2020, end_year=2030
must carry the new year through the notebooks to the results and the report.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from project_copy import copy_project, run_make

from neoutflow.data.schemas import PREFECTURE_SUM_EXCEPTIONS

SYNTHETIC_YEAR = 2030
NORTHEAST = {"210000", "220000", "230000"}


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
    for indicator in ("birth_rate", "death_rate", "natural_growth_rate", "yearend_population"):
        part = ser[ser["indicator"] == indicator]
        last_year = int(part["year"].max())
        last = part[part["year"] == last_year]
        for year in range(last_year + 1, SYNTHETIC_YEAR + 1):
            extra.append(last.assign(year=year))
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
    html = (rerun / "_output/report.html").read_text(encoding="utf-8")
    assert "2030" in html
