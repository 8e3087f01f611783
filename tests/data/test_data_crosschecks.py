"""The shipped extracts against the official figures in SOURCES.md, and the provenance record."""

from __future__ import annotations

import json

import pytest

from neoutflow import data, paths
from neoutflow.data import provenance
from neoutflow.data.extract import basemap

NE_CENSUS = {  # SOURCES.md
    ("210000", 2010): 43_746_323,
    ("210000", 2020): 42_591_407,
    ("220000", 2010): 27_452_815,
    ("220000", 2020): 24_073_453,
    ("230000", 2010): 38_313_991,
    ("230000", 2020): 31_850_088,
    ("210000", 2000): 41_824_412,
    ("220000", 2000): 26_802_191,
    ("230000", 2000): 36_237_576,
}
TOTALS_31 = {2000: 1_242_612_226, 2010: 1_332_810_869, 2020: 1_409_778_724}


@pytest.fixture(scope="module")
def pop():
    return data.load_population("province").groupby(["code", "year"])["population"].sum()


@pytest.fixture(scope="module")
def totals():
    return data.load_census_totals().set_index(["code", "year"])["population"]


def test_northeast_census_populations(pop, totals):
    for key, value in NE_CENSUS.items():
        assert totals[key] == value
        if key[1] != 2000:
            assert pop[key] == value
    change = sum(NE_CENSUS[(c, 2020)] - NE_CENSUS[(c, 2010)] for c in data.NORTHEAST)
    assert change == -10_998_181


def test_31_province_totals(pop, totals):
    provinces = data.load_regions().query("level == 'province'")["code"]
    for year, official in TOTALS_31.items():
        assert totals[totals.index.get_level_values("code").isin(provinces)].xs(year, level="year").sum() == official
        if year != 2000:
            assert pop.xs(year, level="year").sum() == official


def test_prefecture_sums(totals):
    """Yearbook prefectures add up exactly; the adjusted city file leaves Jilin short as documented."""
    pref = data.load_population("prefecture").groupby(["code", "year"])["population"].sum()
    prov = pref.groupby(
        [pref.index.get_level_values("code").str[:2] + "0000", pref.index.get_level_values("year")]
    ).sum()
    p = data.load_population("province").groupby(["code", "year"])["population"].sum()
    assert (prov - p).abs().max() == 0
    city = data.load_census_totals("prefecture")
    jl = city[city["code"].str.startswith("22")].groupby("year")["population"].sum()
    assert 27_452_815 - jl[2010] == 47_553 and 24_073_453 - jl[2020] == 61_146
    for c in ("21", "23"):
        s = city[city["code"].str.startswith(c)].groupby("year")["population"].sum()
        assert s[2010] == totals[(c + "0000", 2010)] and s[2020] == totals[(c + "0000", 2020)]
    assert len(city[city["code"].str[:2].isin(["21", "22", "23"])]["code"].unique()) == 36


def test_inmigrants_and_college():
    ind = data.load_census_indicators("province").set_index(["code", "year", "indicator"])["value"]
    inm = ind.xs("inmigrants_other_province", level="indicator")
    assert inm.xs(2020, level="year").sum() == 124_837_153
    assert inm.xs(2010, level="year").sum() == 85_876_337
    college = {"210000": 18_216, "220000": 16_738, "230000": 14_793}
    for code, v in college.items():
        assert ind[(code, 2020, "college_per_100k")] == v
    # the corrected 河北 2010 row matches the yearbook's printed 第一产业 share
    assert round(ind[("130000", 2010, "primary_share")], 2) == 59.70
    nat = data.load_census_indicators().set_index(["code", "year", "indicator"])["value"]
    assert nat[("100000", 2020, "college_per_100k")] == 15_467
    assert nat[("100000", 2020, "years_of_schooling")] == 9.91


def test_wages():
    s = data.load_province_series(["avg_wage", "avg_wage_staff"]).set_index(["code", "year", "indicator"])["value"]
    assert s[("110000", 2010, "avg_wage")] == 65_158
    # 在岗职工 is a little above 就业人员 where both exist (Guangdong 2006–2010 and two others slightly below)
    both = s.unstack("indicator").dropna()
    ratio = both["avg_wage_staff"] / both["avg_wage"] - 1
    assert len(both) == 31 * 14 and (ratio > -0.01).all() and (ratio > 0).mean() > 0.95
    national = s[s.index.get_level_values("code") == "100000"]
    # the sources have no national wage (national 2010 = 36,539; 2020 = 97,379 in the yearbook)
    assert national.empty


def test_series_units_and_coverage():
    s = data.load_province_series()
    pop = s[s["indicator"] == "yearend_population"]
    assert (pop["unit"] == "persons").all() and pop["value"].min() > 1e6
    assert set(s.loc[s["indicator"] == "birth_rate", "year"]) == set(range(2000, 2024))
    assert set(s.loc[s["indicator"] == "avg_wage", "year"]) == set(range(2006, 2024))
    assert set(s.loc[s["indicator"] == "higher_education_institutions", "year"]) == set(range(2000, 2020))
    gdp = s[s["indicator"] == "gdp"]
    assert set(gdp["source"]) == {"nva_nbs_crawl"}  # one vintage


def test_datapackage_hashes_match_files():
    dp = json.loads(paths.DATAPACKAGE.read_text(encoding="utf-8"))
    names = {r["name"] for r in dp["resources"]}
    assert names == set(provenance.resource_paths())
    for r in dp["resources"]:
        f = paths.DATA / r["path"]
        assert r["hash"] == f"sha256:{provenance.sha256(f)}", f"{r['path']}: run python -m neoutflow.data.provenance"
        assert r["bytes"] == f.stat().st_size
        assert r["sources"] and all(s["path"] and s["title"] for s in r["sources"])
        for s in r["sources"]:
            assert len(s.get("sha256", "")) == 64, s["path"]
    assert provenance.changed_files(paths.DATAPACKAGE, paths.RAW) == []


def test_datapackage_documents_every_indicator():
    dp = json.loads(paths.DATAPACKAGE.read_text(encoding="utf-8"))
    res = {r["name"]: r for r in dp["resources"]}
    for name in ("census_indicators", "province_series"):
        documented = {i["name"] for i in res[name]["indicators"]}
        used = set(getattr(data, f"load_{name}")()["indicator"])
        assert used <= documented


def test_source_files_unchanged(shared_sources):
    """The sources' checksums in datapackage.json still match ../shared/sources."""
    dp = json.loads(paths.DATAPACKAGE.read_text(encoding="utf-8"))
    for r in dp["resources"]:
        for s in r["sources"]:
            if s["path"] == basemap.WHEEL:  # the base map's wheel (PyPI), where a developer has it
                wheel = basemap.cached_wheel()
                if wheel is not None:
                    assert provenance.sha256(wheel) == s["sha256"], s["path"]
                continue
            assert provenance.sha256(shared_sources / s["path"]) == s["sha256"], s["path"]


def test_readme_documents_every_file_column_and_indicator():
    from neoutflow.data.indicators import CENSUS, SERIES
    from neoutflow.data.schemas import SPECS

    readme = (paths.DATA / "README.md").read_text(encoding="utf-8")
    for spec in SPECS.values():
        assert f"raw/{spec.path}" in readme
        for col in spec.columns:
            assert f"`{col}`" in readme, col
    for name in list(CENSUS) + list(SERIES):
        assert f"`{name}`" in readme, name
    assert "How to add a new census or survey year" in readme
