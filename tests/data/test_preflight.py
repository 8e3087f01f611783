"""The preflight (``make check-inputs``): every input the chosen years need, all missing ones at once.

SYNTHETIC DATA, FOR THESE TESTS ONLY: a made-up 2030 census is added to a scratch copy of data/raw
in the ways a user might (province rows only; through the importer without yearly series).
"""

from __future__ import annotations

import pandas as pd
import pytest
from data_helpers import raw
from official_files import synthetic_census_table

from neoutflow import params
from neoutflow.data import importer, preflight
from neoutflow.data.files import RAW_FILES

READ = {"dtype": {"code": str}, "keep_default_na": False}


@pytest.fixture
def project(project, monkeypatch):
    monkeypatch.setenv("NEOUTFLOW_LATEST_YEAR", "2030")
    return project


def p(**kw):
    return params.load(overrides=kw)


def add_province_rows(root, year=2030):
    """README steps 1–2 only: province census rows and province totals for the new year."""
    for name in ("census_population", "census_totals"):
        path = raw(root) / RAW_FILES[name]
        df = pd.read_csv(path, **READ)
        new = df[(df["year"] == 2020) & df["code"].str.endswith("0000")].assign(year=year)
        pd.concat([df, new]).to_csv(path, index=False, lineterminator="\n")


def test_committed_data_pass_for_the_default_years():
    rc, text = preflight.report(p())
    assert rc == 0 and "all present" in text


@pytest.mark.shipped_data  # the years the shipped series lack
def test_every_missing_input_is_listed_at_once(project):
    add_province_rows(project)
    rc, text = preflight.report(p(base_year=2020, end_year=2030), raw(project))
    assert rc == 1
    missing = {
        (m.need.resource, m.need.level, m.need.what): m.years
        for m in preflight.check(p(base_year=2020, end_year=2030), raw(project))[1]
    }
    assert missing[("province_series", "province", "natural_growth_rate")] == list(range(2024, 2031))
    assert missing[("province_series", "province", "yearend_population")] == list(range(2025, 2031))
    assert missing[("census_population", "prefecture", "population by sex and age")] == [2030]
    assert missing[("census_totals", "prefecture", "population")] == [2030]
    assert missing[("census_indicators", "province", "inmigrants_other_province")] == [2030]
    assert ("census_population", "province", "population by sex and age") not in missing
    assert "province_series.csv, province, natural_growth_rate, 2024–2030: no rows (years present: 2000–2023)" in text
    assert "make import" in text


def test_a_province_missing_in_one_year_is_named(project):
    path = raw(project) / RAW_FILES["province_series"]
    df = pd.read_csv(path, **READ)
    drop = (df["code"] == "220000") & (df["indicator"] == "natural_growth_rate") & (df["year"] == 2015)
    df[~drop].to_csv(path, index=False, lineterminator="\n")
    _, text = preflight.report(p(), raw(project))
    assert "natural_growth_rate, 2015: missing for 1 of 31 provinces (220000)" in text


@pytest.mark.shipped_data
def test_twenty_year_interval_is_checked(project):
    _, missing = preflight.check(p(base_year=2010, end_year=2030), raw(project))
    assert {m.need.resource for m in missing} >= {"census_population", "census_totals", "province_series"}


def test_after_importing_the_census_only_the_series_remain(project, tmp_path):
    f = tmp_path / "census_county_2030.xlsx"
    synthetic_census_table(project).to_excel(f, index=False)
    importer.run(
        f, raw_dir=raw(project), datapackage=project / "data" / "datapackage.json", do_apply=True, echo=lambda *_: None
    )
    _, missing = preflight.check(p(base_year=2020, end_year=2030), raw(project))
    assert {m.need.resource for m in missing} == {"province_series", "census_indicators"}


def test_cli(capsys):
    assert preflight.main([]) == 0
    assert "all present" in capsys.readouterr().out
    assert preflight.main(["end_year=2030", "base_year=2020"]) == 1
    assert "MISSING" in capsys.readouterr().err
    assert preflight.main(["end_year=2023"]) == 2  # not a multiple of 5 from base_year: rejected by Params


@pytest.mark.shipped_data
def test_missing_prefecture_rows_leave_out_a_part_not_the_build(project):
    """SYNTHETIC: a complete 2030 province year (series included), but no 2030 prefecture rows."""
    add_province_rows(project)
    path = raw(project) / RAW_FILES["province_series"]
    df = pd.read_csv(path, **READ)
    last = df[df["year"] == 2023]
    extra = [last.assign(year=y) for y in range(2024, 2031)]
    pd.concat([df, *extra]).to_csv(path, index=False, lineterminator="\n")
    ind = pd.read_csv(raw(project) / RAW_FILES["census_indicators"], **READ)
    new = ind[(ind["year"] == 2020) & ind["code"].str.endswith("0000")].assign(year=2030)
    pd.concat([ind, new]).to_csv(raw(project) / RAW_FILES["census_indicators"], index=False, lineterminator="\n")
    rc, text = preflight.report(p(base_year=2020, end_year=2030), raw(project))
    assert rc == 0, text
    assert "the report leaves out: 地级单位的分析" in text
    parts = preflight.availability(2020, 2030, raw(project))
    assert not parts["prefecture"].available and parts["inmigrants"].available
    assert parts["prefecture"].reason() == (
        "本报告未包含地级单位的分析：数据中缺少 2030 年地级人口普查分性别、年龄人口（census_population.csv）、"
        "2030 年地级人口普查常住人口总数（census_totals.csv）。补齐这些数据后重新运行 make report 即可包含这部分。"
    )
    assert parts["inmigrants"].reason() == ""
