"""The loader API on the shipped data: shapes, types, filters and errors."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from neoutflow import data, paths
from neoutflow.reference import PROVINCES


def test_constants():
    assert data.AGE_GROUPS[0] == "0-4" and data.AGE_GROUPS[-1] == "85+" and len(data.AGE_GROUPS) == 18
    assert data.NORTHEAST == ("210000", "220000", "230000")


def test_regions():
    r = data.load_regions()
    assert r["code"].is_unique
    prov = r[r["level"] == "province"]
    assert sorted(prov["code"]) == sorted(PROVINCES)
    assert prov["name_en"].notna().all()
    ne = r[r["province_code"].isin(data.NORTHEAST) & (r["level"] == "prefecture")]
    assert len(ne) == 36
    assert set(ne["region"]) == {"northeast"}
    # 公主岭 was moved from 四平 to 长春: both are flagged
    flagged = r.set_index("code")["boundary_changed"]
    assert flagged["220100"] and flagged["220300"]
    assert "公主岭" in r.set_index("code").at["220100", "boundary_note"]


def test_population_types_and_order():
    p = data.load_population("province", [2010, 2020])
    assert list(p.columns) == ["code", "year", "sex", "age_group", "population"]
    assert isinstance(p["age_group"].dtype, pd.CategoricalDtype) and p["age_group"].cat.ordered
    assert list(p["age_group"].cat.categories) == data.AGE_GROUPS
    assert p["population"].dtype == "int64" and p["year"].dtype == "int64"
    assert len(p) == 31 * 2 * 2 * 18
    first = p[(p["code"] == "210000") & (p["year"] == 2010) & (p["sex"] == "male")]
    assert list(first["age_group"]) == data.AGE_GROUPS


@pytest.mark.shipped_data
def test_population_level_filter_and_prefecture_boundaries():
    pref = data.load_population("prefecture")
    assert set(pref["year"]) == {2010, 2020}
    codes = set(pref["code"])
    assert "220100" in codes and not any(c.endswith("0000") for c in codes)
    # the same units in both years (2010 regrouped to 2020 boundaries)
    by_year = pref.groupby("year")["code"].apply(set)
    assert by_year[2010] == by_year[2020]
    # 长春 2010 includes 公主岭 (1,092,936 in the 2010 yearbook)
    cc = pref[(pref["code"] == "220100") & (pref["year"] == 2010)]["population"].sum()
    assert cc == 7_674_439 + 1_092_936


@pytest.mark.shipped_data
def test_missing_year_is_a_clear_error():
    with pytest.raises(data.DataValidationError, match="rows for year 2030"):
        data.load_population(years=[2020, 2030])


def test_bad_level_is_rejected():
    with pytest.raises(ValueError, match="level must be one of"):
        data.load_census_totals("county")


@pytest.mark.shipped_data
def test_census_indicators_long_and_wide():
    long = data.load_census_indicators("province")
    assert {"code", "year", "indicator", "value", "unit", "source"} <= set(long.columns)
    wide = data.load_census_indicators("province", wide=True)
    assert wide.index.names == ["code", "year"]
    assert {"college_per_100k", "manufacturing_share", "years_of_schooling", "inmigrant_share"} <= set(wide.columns)
    assert len(wide) == 62


def test_province_series_filter_and_wide():
    s = data.load_province_series(["avg_wage", "gdp"], wide=True)
    assert list(s.columns) == ["avg_wage", "gdp"]
    assert s.loc[("110000", 2010), "avg_wage"] == 65158
    with pytest.raises(ValueError, match="not in province_series"):
        data.load_province_series(["no_such_series"])


def test_boundaries():
    g = data.load_boundaries("prefecture")
    assert g.crs.to_epsg() == 4326 and g.geometry.is_valid.all()
    assert set(g["code"]) == set(data.load_regions().query("level == 'prefecture'")["code"])
    p = data.load_boundaries("province")
    assert len(p) == 31


@pytest.mark.shipped_data
def test_panel():
    panel = data.load_panel("province")
    assert len(panel) == 62 and panel["northeast"].sum() == 6
    ln = panel[(panel["code"] == "210000") & (panel["year"] == 2020)].iloc[0]
    assert ln["population"] == 42_591_407 and ln["college_per_100k"] == 18216


def test_loaders_accept_a_raw_dir_and_gbk(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(paths.RAW, raw)
    text = (raw / "regions.csv").read_text(encoding="utf-8")
    (raw / "regions.csv").write_bytes(text.encode("gbk"))
    (raw / "census_totals.csv").write_bytes(b"\xef\xbb\xbf" + (raw / "census_totals.csv").read_bytes())
    pd.testing.assert_frame_equal(data.load_regions(raw_dir=raw), data.load_regions())
    pd.testing.assert_frame_equal(data.load_census_totals(raw_dir=raw), data.load_census_totals())
