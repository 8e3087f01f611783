"""The projection benchmarks extract (``projection_benchmarks.csv``): WPP 2024 China and the provincial SSP rows."""

from __future__ import annotations

import pandas as pd
import pytest

from neoutflow import data
from neoutflow.data.files import RAW_FILES


def test_shipped_extract_loads_and_has_the_compared_rows():
    df = data.load_projection_benchmarks()
    wpp = df[df["source"] == "wpp2024"].set_index(["variant", "year"])["population"]
    # SOURCE.md: China medium 1,417,733.6 thousand at end-2024 and 1,370,645.1 thousand at end-2035
    assert wpp[("medium", 2024)] == pytest.approx(1_417_733_636, abs=1)
    assert wpp[("medium", 2035)] == pytest.approx(1_370_645_051, abs=1)
    for y in (2025, 2030, 2035, 2050):
        assert wpp[("lo95", y)] <= wpp[("lo80", y)] <= wpp[("medium", y)] <= wpp[("hi80", y)] <= wpp[("hi95", y)]
    ssp = df[df["source"] == "ssp_provincial"].set_index(["variant", "code", "year"])["population"]
    census_2020 = {"210000": 42_591_407, "220000": 24_073_453, "230000": 31_850_088, "100000": 1_409_778_724}
    for v in ("SSP1", "SSP2", "SSP3", "SSP4", "SSP5"):
        for code, persons in census_2020.items():
            assert ssp[(v, code, 2020)] == persons  # re-based on the 2020 census
    ne = sum(ssp[("SSP2", c, 2035)] for c in ("210000", "220000", "230000"))
    assert ne == pytest.approx(88_330_000, rel=1e-3)  # SOURCES.md: SSP2 Northeast 8,833万 in 2035


def test_extract_reproduces_the_shipped_file(shared_sources):
    from neoutflow import paths
    from neoutflow.data.extract import benchmarks as ebm

    built = ebm.build_projection_benchmarks(shared_sources)
    shipped = pd.read_csv(paths.RAW / RAW_FILES["projection_benchmarks"], dtype={"code": str})
    pd.testing.assert_frame_equal(built.reset_index(drop=True), shipped, check_dtype=False)


def test_the_ssp_extract_covers_the_preset_regions_and_starts_at_their_census():
    """Every province of a preset study region has its five SSP paths, each re-based on the 2020 census (the
    shipped census totals, read here with pandas); no other province is extracted (the file states no licence)."""
    from neoutflow import paths
    from neoutflow.reference import STUDY_REGIONS

    df = pd.read_csv(paths.RAW / RAW_FILES["projection_benchmarks"], dtype={"code": str})
    ssp = df[df["source"] == "ssp_provincial"]
    presets = {c for codes in STUDY_REGIONS.values() for c in codes}
    assert set(ssp["code"]) == presets | {"100000"}
    census = pd.read_csv(paths.RAW / "census_totals.csv", dtype={"code": str})
    census = census[census["year"] == 2020].set_index("code")["population"]
    start = ssp[ssp["year"] == 2020].set_index(["variant", "code"])["population"]
    for v in ("SSP1", "SSP2", "SSP3", "SSP4", "SSP5"):
        for code in presets:
            assert start[(v, code)] == census[code], (v, code)
        assert len(ssp[(ssp["variant"] == v)].groupby("code")["year"].nunique().unique()) == 1
