"""The analysis datasets built from the shipped data (data/raw)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from neoutflow.analysis import datasets as ad
from neoutflow.analysis import models


@pytest.fixture(scope="module")
def provinces() -> pd.DataFrame:
    return ad.province_dataset(2010, 2020)


@pytest.fixture(scope="module")
def prefectures() -> pd.DataFrame:
    return ad.prefecture_dataset(2010, 2020)


def test_province_dataset_is_complete(provinces):
    assert len(provinces) == 31 and provinces["code"].is_unique
    assert not provinces.isna().any().any()
    assert set(provinces.loc[provinces["northeast"] == 1, "code"]) == set(ad.NORTHEAST)
    needed = set(ad.OUTCOMES) | {v for vs in models.REGRESSOR_SETS.values() for v in vs}
    assert needed <= set(provinces.columns)


# plausible ranges for Chinese provinces in 2010 (units as in the dictionary)
RANGES = {
    "net_migration_rate": (-30, 30),
    "residual_migration_rate": (-30, 30),
    "population_growth": (-30, 40),
    "young_adult_net_migration_rate": (-50, 60),
    "manufacturing_share": (0, 60),
    "secondary_share": (0, 70),
    "college_share": (2, 40),
    "years_of_schooling": (4, 13),
    "urban_share": (15, 95),
    "share_age_65_plus": (3, 15),
    "share_age_0_14": (5, 30),
    "log_gdp_per_capita": (np.log(8_000), np.log(120_000)),
    "higher_education_per_million": (0.3, 8),
    "log_relative_wage": (-0.6, 0.9),
    "wage_growth": (0.3, 1.6),
}


@pytest.mark.parametrize("column", sorted(RANGES))
def test_province_values_are_plausible(provinces, column):
    low, high = RANGES[column]
    values = provinces[column]
    assert values.between(low, high).all(), provinces.loc[~values.between(low, high), ["code", column]]


def test_outcomes_agree_with_census_facts(provinces):
    p = provinces.set_index("code")
    # census change, SOURCES.md: Liaoning 43,746,323 -> 42,591,407
    assert p.loc["210000", "population_growth"] == pytest.approx(100 * (42_591_407 / 43_746_323 - 1), abs=1e-9)
    # survival-ratio net migration sums to zero over the provinces (national ratios = province sums)
    assert (p["net_migration_rate"] * p["population_base"]).sum() / p["population_base"].sum() == pytest.approx(
        0, abs=1e-9
    )
    # the two net-migration measures tell the same story (different methods, same flows)
    assert np.corrcoef(p["net_migration_rate"], p["residual_migration_rate"])[0, 1] > 0.8
    assert (p.loc[list(ad.NORTHEAST), "net_migration_rate"] < 0).all()


def test_relative_wage_is_log_ratio_to_the_national_wage(provinces):
    from neoutflow import data

    series = data.load_province_series(["avg_wage", "yearend_population"])
    pop = series[(series["indicator"] == "yearend_population") & (series["year"] == 2010)].set_index("code")["value"]
    nat, how = ad.national_wage(series, 2010, weights=pop)
    wage = series[(series["indicator"] == "avg_wage") & (series["year"] == 2010)].set_index("code")["value"]
    p = provinces.set_index("code")
    np.testing.assert_allclose(p["log_relative_wage"], np.log(wage[p.index] / nat), rtol=0, atol=1e-12)
    # population weights, not employment: within 10% of the NBS national 36,539 yuan (2010)
    assert how in ad.WAGE_METHODS and (how == "national" or abs(nat / 36_539 - 1) < 0.10)


def test_national_wage_prefers_the_national_row():
    """SYNTHETIC wages: the national row wins over the weighted mean."""
    wages = pd.DataFrame(
        {"code": ["100000", "110000", "120000"], "year": 2010, "indicator": "avg_wage", "value": [50.0, 40.0, 80.0]}
    )
    assert ad.national_wage(wages, 2010) == (50.0, "national")
    no_nat = wages[wages["code"] != "100000"]
    weights = pd.Series({"110000": 3.0, "120000": 1.0})
    assert ad.national_wage(no_nat, 2010, weights)[0] == pytest.approx(50.0)
    with pytest.raises(ad.AnalysisDataError, match="no national"):
        ad.national_wage(no_nat, 2010)


def test_dictionary_covers_every_column(provinces, prefectures):
    d = ad.data_dictionary()
    assert d["variable"].is_unique
    assert set(provinces.columns) <= set(d["variable"])
    assert set(prefectures.columns) <= set(d["variable"])
    assert (d["label_zh"].str.len() > 0).all() and (d["definition"].str.len() > 0).all()
    with pytest.raises(ad.AnalysisDataError):
        ad.data_dictionary(["no_such_variable"])


def test_prefecture_sample_and_reasons(prefectures):
    assert prefectures["code"].is_unique and len(prefectures) > 330
    regs = ["manufacturing_share", "college_share", *models.CONTROLS]
    kept, dropped = ad.prefecture_sample(prefectures, "net_migration_rate", regs)
    assert len(kept) + len(dropped) == len(prefectures)
    assert not kept[["net_migration_rate", *regs]].isna().any().any()
    assert (dropped["reason"].str.len() > 0).all()
    # every Northeast prefecture is usable; the municipalities are singletons
    assert kept["northeast"].sum() == 36
    assert {"110100", "310100", "500100", "120100"} <= set(dropped["code"])
    assert kept.groupby("province_code").size().min() >= 2
    # no implausible rates survive the sample rules (e.g. a unit set up after 2010)
    assert kept["net_migration_rate"].between(-60, 80).all()


def test_mark_study_region_by_province_or_by_prefecture():
    prov = pd.DataFrame({"code": ["210000", "220000", "610000", "620000"]})
    marked = ad.mark_study_region(prov, [610000, "620000"])
    assert list(marked[ad.REGION_TERM]) == [0, 0, 1, 1] and ad.REGION_TERM not in prov.columns
    pref = pd.DataFrame({"code": ["210100", "610100", "610200"], "province_code": ["210000", "610000", "610000"]})
    assert list(ad.mark_study_region(pref, ["610000"], "province_code")[ad.REGION_TERM]) == [0, 1, 1]
    with pytest.raises(ad.AnalysisDataError, match="no row"):
        ad.mark_study_region(prov, ["110000"])
    with pytest.raises(ad.AnalysisDataError, match="no contrast"):
        ad.mark_study_region(prov, list(prov["code"]))
    with pytest.raises(ad.AnalysisDataError, match="province_code"):
        ad.mark_study_region(prov, ["610000"], "province_code")
