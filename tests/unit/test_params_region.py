"""The study region, the highlights and the main model are checked together, before any notebook runs (issue #26)."""

from __future__ import annotations

import pytest

from neoutflow import params
from neoutflow.reference import (
    MAIN_REGRESSOR_SETS,
    NORTHEAST,
    PROVINCE_KEYS,
    REGRESSOR_SETS,
    REPORTED_TERMS,
    STUDY_REGIONS,
    province_key,
    province_name,
)


def load(**overrides):
    return params.load(overrides=overrides)


def test_the_default_study_region_is_the_northeast():
    region = load().study_region
    assert region.name == "东北" and region.provinces == list(NORTHEAST)


def test_presets_are_province_codes():
    assert {"东北", "西北", "西南", "中部", "长三角"} <= set(STUDY_REGIONS)
    for name, codes in STUDY_REGIONS.items():
        assert codes and all(c.endswith("0000") and len(c) == 6 for c in codes), name


@pytest.mark.parametrize("highlight", [[220000], ["210000", "230000"], ["220100"], [230000, 210000]])
def test_any_part_of_the_study_region_may_be_highlighted(highlight):
    assert load(highlight_regions=highlight).highlight_regions == [str(c) for c in highlight]


def test_a_highlight_outside_the_study_region_is_refused_naming_the_region():
    with pytest.raises(params.ParamsError) as err:
        load(highlight_regions=[440000])
    text = str(err.value)
    assert "440000" in text and "东北" in text and "210000" in text
    assert "(got {" not in text  # a check across parameters does not dump every parameter


@pytest.mark.parametrize("region", sorted(STUDY_REGIONS))
def test_every_preset_is_accepted_and_highlighted_whole_by_default(region):
    p = load(study_region=region)
    assert p.study_region.provinces == list(STUDY_REGIONS[region])
    assert p.highlight_regions == list(STUDY_REGIONS[region])  # highlight_regions: null in params.yaml


def test_the_region_names_and_keys_its_provinces():
    region = load(study_region="西北").study_region
    assert region.names == ["陕西", "甘肃", "青海", "宁夏", "新疆"]
    assert region.keys == ["shaanxi", "gansu", "qinghai", "ningxia", "xinjiang"]
    assert region.has_prefectures and not region.is_seed_region
    assert load().study_region.is_seed_region
    assert province_name("150100") == "内蒙古" and province_key("150000") == "inner_mongolia"
    assert len(set(PROVINCE_KEYS.values())) == len(PROVINCE_KEYS) == 31  # Shanxi and Shaanxi stay apart
    with pytest.raises(ValueError, match="990000"):
        province_name("990000")


def test_a_region_of_municipalities_has_no_prefecture_level():
    region = load(study_region={"name": "京津沪", "provinces": [110000, 120000, 310000]}).study_region
    assert region.names == ["北京", "天津", "上海"] and not region.has_prefectures


@pytest.mark.parametrize(
    ("region", "message"),
    [
        ({"name": "东北", "provinces": [210000, 220000]}, "needs a name of its own"),
        ({"name": "两省", "provinces": [210000, 210000]}, "more than once"),
        ({"name": "外", "provinces": [710000]}, "not one of the 31 provinces"),
        ({"name": "全国", "provinces": sorted(PROVINCE_KEYS)}, "none to compare"),
        ({"name": " ", "provinces": [110000]}, "give the study region a name"),
    ],
)
def test_a_region_the_data_cannot_support_is_refused_saying_why(region, message):
    with pytest.raises(params.ParamsError) as err:
        load(study_region=region)
    assert message in str(err.value)
    assert "highlight_regions" not in str(err.value)  # the region's own error, alone


def test_an_unknown_preset_lists_the_presets():
    with pytest.raises(params.ParamsError) as err:
        load(study_region="华北")
    assert all(name in str(err.value) for name in STUDY_REGIONS)


def test_a_region_given_in_full_is_accepted_when_it_is_the_northeast():
    region = load(study_region={"name": "东北", "provinces": [230000, 220000, 210000]}).study_region
    assert sorted(region.provinces) == sorted(NORTHEAST)


def test_the_main_model_must_contain_the_quoted_terms():
    assert MAIN_REGRESSOR_SETS == tuple(n for n, t in REGRESSOR_SETS.items() if set(REPORTED_TERMS) <= set(t))
    assert {"baseline", "full"} <= set(MAIN_REGRESSOR_SETS)
    for name in set(REGRESSOR_SETS) - set(MAIN_REGRESSOR_SETS):
        with pytest.raises(params.ParamsError) as err:
            load(regressors=name)
        assert f"allowed: {', '.join(MAIN_REGRESSOR_SETS)}" in str(err.value)
    assert load(regressors="full", outcome="young_adult_net_migration_rate").regressors == "full"


def test_a_region_of_ones_own_on_the_command_line():
    """``PARAMS="study_region=京津沪:110000,120000,310000"``: no spaces, braces or quotes for the shell to split."""
    overrides = params.parse_overrides(["study_region=京津沪:110000,120000,310000"])
    region = params.load(overrides=overrides).study_region
    assert region.name == "京津沪" and region.provinces == ["110000", "120000", "310000"]
    with pytest.raises(params.ParamsError) as err:
        load(study_region="华北五")
    assert "京津沪:110000,120000,310000" in str(err.value)
