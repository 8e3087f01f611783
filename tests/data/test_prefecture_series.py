"""prefecture_series.csv: reproduces the CSMAR city export cell by cell, equals published figures, is validated."""

from __future__ import annotations

import pandas as pd
import pytest

from neoutflow import data, paths
from neoutflow.data import schemas
from neoutflow.data.extract import prefecture as epf


@pytest.fixture(scope="module")
def series():
    return data.load_prefecture_series()


def _value(df, code, year, indicator):
    row = df[(df["code"] == code) & (df["year"] == year) & (df["indicator"] == indicator)]
    assert len(row) == 1, (code, year, indicator)
    return float(row["value"].iloc[0])


@pytest.mark.parametrize(
    "code, year, indicator, expected",
    [
        ("210100", 2010, "city_gdp", 5017.54),  # 沈阳
        ("230100", 2010, "city_gdp", 3664.85),  # 哈尔滨
        ("210200", 2010, "city_gdp", 5158.16),  # 大连
        ("220100", 2020, "city_gdp", 6638.03),  # 长春
        ("110100", 2010, "city_avg_wage_staff", 65682.17),  # 北京 在岗职工 (就业人员: 65,158)
        ("110100", 2020, "city_avg_wage_staff", 185026),
        ("310100", 2020, "city_avg_wage_staff", 174678),
    ],
)
def test_spot_values_equal_published_figures(series, code, year, indicator, expected):
    assert _value(series, code, year, indicator) == pytest.approx(expected, abs=0.005)


def test_keys_units_and_coverage(series):
    regions = data.load_regions()
    prefectures = set(regions.loc[regions["level"] == "prefecture", "code"])
    assert set(series["code"]) <= prefectures
    assert not series.duplicated(["code", "year", "indicator"]).any()
    assert sorted(series["year"].unique()) == list(range(2010, 2021))
    wage = series[series["indicator"] == "city_avg_wage_staff"]
    ne = regions.loc[(regions["level"] == "prefecture") & (regions["region"] == "northeast"), "code"]
    assert len(ne) == 36
    for year in (2010, 2020):
        have = set(wage.loc[wage["year"] == year, "code"])
        assert len(have) >= 295
        assert set(ne) - have <= {"222400", "232700"}  # 延边 (both years), 大兴安岭 (2020)
    # 元, not 万元: prefecture wages lie between 10,000 and 400,000 yuan
    assert wage["value"].between(10_000, 400_000).all()


def test_wage_definition_differs_from_provincial_series(series):
    """The city wage is 在岗职工; the provincial avg_wage is 就业人员 (Beijing 2010: 65,682 vs 65,158)."""
    prov = data.load_province_series(["avg_wage"])
    p = float(prov[(prov["code"] == "110000") & (prov["year"] == 2010)]["value"].iloc[0])
    c = _value(series, "110100", 2010, "city_avg_wage_staff")
    assert p == 65158 and c > p


def test_boundary_flags(series):
    jinan = series[(series["code"] == "370100") & (series["indicator"] == "city_gdp")]
    flags = dict(zip(jinan["year"], jinan["same_territory_as_2020"], strict=True))
    assert not flags[2018] and flags[2019]
    assert series[series["code"] == "210100"]["same_territory_as_2020"].all()


def _bad_copy(tmp_path, edit):
    raw = tmp_path / "raw"
    raw.mkdir()
    for rel in ("regions.csv", "prefecture_series.csv"):
        (raw / rel).write_bytes((paths.RAW / rel).read_bytes())
    df = pd.read_csv(raw / "prefecture_series.csv", dtype=str, keep_default_na=False)
    edit(df)
    df.to_csv(raw / "prefecture_series.csv", index=False, lineterminator="\n")
    return raw


def test_wage_in_wan_yuan_is_rejected(tmp_path):
    def edit(df):
        i = df.index[(df["indicator"] == "city_avg_wage_staff")][0]
        df.loc[i, "value"] = "6.568"  # 万元

    raw = _bad_copy(tmp_path, edit)
    with pytest.raises(schemas.DataValidationError, match="city_avg_wage_staff"):
        data.load_prefecture_series(raw_dir=raw)


def test_province_code_is_rejected(tmp_path):
    def edit(df):
        df.loc[0, "code"] = "210000"

    raw = _bad_copy(tmp_path, edit)
    with pytest.raises(schemas.DataValidationError, match="prefecture-level code"):
        data.load_prefecture_series(raw_dir=raw)


def test_extract_reproduces_every_source_cell(shared_sources, series):
    """Independent of the extractor's melt: each source cell, recoded and scaled, equals the shipped value."""
    shipped = series.set_index(["code", "year", "indicator"])["value"]
    n = 0
    for file, fields in epf.FIELDS.items():
        src = pd.read_csv(shared_sources / file, dtype=str, encoding="utf-8-sig", keep_default_na=False)
        src = src[src["Sgnyea"].astype(int).between(2010, 2020) & ~src["Ctnm_id"].isin(epf.DROPPED)]
        for field, (indicator, factor) in fields.items():
            cells = src[src[field].str.strip() != ""]
            for code, year, text in zip(cells["Ctnm_id"], cells["Sgnyea"], cells[field], strict=True):
                key = (epf.CODE_MAP.get(code, code), int(year), indicator)
                assert shipped[key] == pytest.approx(float(text) * factor, rel=1e-12), key
                n += 1
    assert n == len(series)
