"""The committed extracts are exactly what ``neoutflow.data.extract`` derives from ../shared/sources.

Skipped (via the ``shared_sources`` fixture) where the sources are absent, as in
users' clones. Reading the two census yearbooks takes about 25 s, so the
extraction runs once per session.
"""

from __future__ import annotations

import json

import pytest

from neoutflow import paths
from neoutflow.data import provenance
from neoutflow.data.extract import run as extract

pytestmark = pytest.mark.sources


@pytest.fixture(scope="module")
def census_units(shared_sources):
    from neoutflow.data.extract.census import CensusUnits

    return CensusUnits(shared_sources)


@pytest.fixture(scope="module")
def extracted(shared_sources, census_units, tmp_path_factory):
    out = tmp_path_factory.mktemp("extract") / "raw"
    out.mkdir()
    extract.extract_all(shared_sources, out, census=census_units)
    return out


@pytest.mark.parametrize("rel", sorted(provenance.resource_paths().values()))
def test_extract_reproduces_committed_bytes(extracted, rel):
    new, committed = (extracted / rel).read_bytes(), (paths.RAW / rel).read_bytes()
    assert new == committed, f"data/raw/{rel} differs from a fresh extraction: run `make extract` and review"


def test_datapackage_rebuilds_identically(extracted, shared_sources, tmp_path):
    dp = tmp_path / "datapackage.json"
    provenance.write(dp, extracted, shared_sources)
    assert json.loads(dp.read_text(encoding="utf-8")) == json.loads(paths.DATAPACKAGE.read_text(encoding="utf-8"))


def test_yearbook_counts_reproduce_communique_college(shared_sources, census_units):
    """SOURCES.md: 大专及以上 per 100,000 from the county-file counts equals communiqué table 6-1 (2020)."""
    from neoutflow.data.extract import census_indicators as ei
    from neoutflow.data.importer import census_indicators as ci
    from neoutflow.reference import NATIONAL_CODE

    prov = census_units.provinces[2020]
    computed = ci.unit_indicators(prov, 2020, "yearbook")
    table_61 = ei.read_communique_tables(shared_sources, ei.province_names(census_units))[0]
    official = table_61[table_61["code"] != NATIONAL_CODE].set_index("code")["value"]
    got = computed[computed["indicator"] == "college_per_100k"].set_index("code")["value"].round()
    assert len(official) == 31
    assert (got[official.index] == official).all()


def test_extract_rejects_missing_sources(tmp_path):
    with pytest.raises(FileNotFoundError, match="shared/sources"):
        extract.extract_all(tmp_path / "no_such_folder", tmp_path / "out")
