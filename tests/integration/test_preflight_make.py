"""`make report` with an incomplete new census year stops before the notebooks, listing every missing input.

SYNTHETIC DATA, FOR THIS TEST ONLY: a made-up 2030 census (the 2020 province rows relabelled 2030) is
added to a scratch copy of the project the way data/README.md's manual steps 1–2 used to describe
(province rows and province totals only), which used to fail in a notebook naming one region.
"""

from __future__ import annotations

import pandas as pd
from project_copy import copy_project, run_make

READ = {"dtype": {"code": str}, "keep_default_na": False}


def test_incomplete_new_year_is_reported_before_any_notebook(tmp_path, monkeypatch):
    monkeypatch.setenv("NEOUTFLOW_LATEST_YEAR", "2030")
    project = copy_project(tmp_path / "project")
    raw = project / "data" / "raw"
    for name in ("census_population.csv", "census_totals.csv"):
        df = pd.read_csv(raw / name, **READ)
        new = df[(df["year"] == 2020) & df["code"].str.endswith("0000")].assign(year=2030)
        pd.concat([df, new]).to_csv(raw / name, index=False, lineterminator="\n")
    out = run_make(project, "check-inputs", "PARAMS=base_year=2020 end_year=2030")
    assert out.returncode != 0
    text = out.stdout + out.stderr
    for expected in (
        "province_series.csv, province, natural_growth_rate, 2024–2030",
        "province_series.csv, province, yearend_population, 2025–2030",
        "census_population.csv, prefecture, population by sex and age, 2030",
        "census_totals.csv, prefecture, population, 2030",
        "census_indicators.csv, province, inmigrants_other_province, 2030",
    ):
        assert expected in text, text
    out = run_make(project, "report", "PARAMS=base_year=2020 end_year=2030")
    text = out.stdout + out.stderr
    assert out.returncode != 0
    assert "natural_growth_rate, 2024–2030" in text
    assert not (project / "build" / "notebooks").exists() or not any((project / "build" / "notebooks").iterdir())
