"""Validated tables kept between processes (build/.data-cache): keys, reuse, and what is never kept."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pandas as pd
import pytest
from data_helpers import copy_project_data

from neoutflow import paths
from neoutflow.data import load
from neoutflow.data.schemas import DataValidationError


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    """An empty cache folder, and no table remembered in this process."""
    folder = tmp_path / "data-cache"
    monkeypatch.setattr(load, "VALIDATED_CACHE", folder)
    monkeypatch.setattr(load, "_cache", {})
    return folder


def test_key_follows_every_input(tmp_path, monkeypatch):
    table, regions = tmp_path / "t.csv", tmp_path / "regions.csv"
    table.write_text("code,value\n210000,1\n", encoding="utf-8")
    regions.write_text("code\n210000\n", encoding="utf-8")
    monkeypatch.setenv("NEOUTFLOW_LATEST_YEAR", "2025")
    base = load.validated_key("census_totals", table, regions)
    assert load.validated_key("census_totals", table, regions) == base  # same inputs, same key
    assert load.validated_key("province_series", table, regions) != base  # another table's rules
    assert load.validated_key("census_totals", table, None) != base  # not checked against regions
    regions.write_text("code\n220000\n", encoding="utf-8")
    assert load.validated_key("census_totals", table, regions) != base
    regions.write_text("code\n210000\n", encoding="utf-8")
    table.write_text("code,value\n210000,2\n", encoding="utf-8")
    assert load.validated_key("census_totals", table, regions) != base
    table.write_text("code,value\n210000,1\n", encoding="utf-8")
    monkeypatch.setenv("NEOUTFLOW_LATEST_YEAR", "2026")  # the latest year accepted is a rule too
    assert load.validated_key("census_totals", table, regions) != base


def test_a_kept_table_is_read_back_without_validating(cache_dir, monkeypatch):
    first = load.load_census_totals()
    kept = sorted(p.name for p in cache_dir.iterdir())
    assert [n.split("-")[0] for n in kept] == ["census_totals", "regions"]
    monkeypatch.setattr(load, "_cache", {})  # as a new process would start

    def no_validation(*args, **kwargs):
        raise AssertionError("validated again although the table was kept")

    monkeypatch.setattr(load, "validate_frame", no_validation)
    pd.testing.assert_frame_equal(load.load_census_totals(), first)


def test_an_unreadable_entry_is_validated_again(cache_dir, monkeypatch):
    first = load.load_census_totals()
    (entry,) = cache_dir.glob("census_totals-*.pickle")
    entry.write_bytes(b"not a pickle")
    monkeypatch.setattr(load, "_cache", {})
    pd.testing.assert_frame_equal(load.load_census_totals(), first)
    assert entry.read_bytes() != b"not a pickle"  # rewritten


def test_other_raw_folders_are_not_kept(cache_dir, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(paths.RAW, raw)
    load.load_census_totals(raw_dir=raw)
    assert not cache_dir.exists()


def test_an_invalid_table_is_not_kept_and_replaces_nothing(cache_dir, tmp_path, monkeypatch):
    load.load_census_totals()
    before = sorted(p.name for p in cache_dir.iterdir())
    raw = tmp_path / "raw"
    shutil.copytree(paths.RAW, raw)
    path = raw / "census_totals.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(lines[1].split(",")[0], "999999", 1)  # an unknown code
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(paths, "RAW", raw)  # as if it were the project's own data/raw
    monkeypatch.setattr(load, "_cache", {})
    with pytest.raises(DataValidationError):
        load.load_census_totals()
    assert sorted(p.name for p in cache_dir.iterdir()) == before


def test_a_process_reading_kept_tables_does_not_load_pandera(tmp_path):
    project = copy_project_data(tmp_path / "project")
    (project / "src" / "neoutflow").mkdir(parents=True)  # what marks a project root
    env = dict(os.environ, NEOUTFLOW_ROOT=str(project))
    code = (
        "import sys; from neoutflow.data import load; load.load_population(); load.load_province_series(); "
        "print('pandera' in sys.modules)"
    )
    runs = [
        subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
        for _ in range(2)
    ]
    assert runs == ["True\n", "False\n"]  # validated (pandera loaded) once, then only read
    assert sorted(p.name.split("-")[0] for p in (project / "build" / ".data-cache").iterdir()) == [
        "census_population",
        "province_series",
        "regions",
    ]
