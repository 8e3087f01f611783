"""``make data`` (``python -m neoutflow.data``) on a temporary copy of the project data, without ../shared."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pandas as pd
import pytest
from data_helpers import copy_project_data, set_field, tree_digest

from neoutflow import data
from neoutflow.data import make, provenance

PROCESSED = {
    ".validated",
    "manifest.json",
    "population.csv",
    "province_panel.csv",
    "prefecture_panel.csv",
    "province_series_wide.csv",
}


def _run(root, **kw):
    lines = []
    rc = make.run(
        root / "data" / "raw",
        root / "data" / "processed",
        root / "data" / "datapackage.json",
        echo=lambda msg, err=False: lines.append(msg),
        **kw,
    )
    return rc, "\n".join(lines)


@pytest.fixture
def project(tmp_path):
    return copy_project_data(tmp_path / "proj")


def test_make_data_cli_works_without_shared_sources(project, tmp_path):
    env = dict(os.environ, NEOUTFLOW_ROOT=str(project), NEOUTFLOW_SOURCES=str(tmp_path / "absent"))
    proc = subprocess.run(
        [sys.executable, "-m", "neoutflow.data"], env=env, cwd=project, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for name in (
        "regions.csv",
        "census_population.csv",
        "census_totals.csv",
        "census_indicators.csv",
        "province_series.csv",
        "boundaries/prefectures.geojson",
        "boundaries/provinces.geojson",
    ):
        assert f"ok    {name}" in proc.stdout
    assert set(tree_digest(project / "data" / "processed")) == PROCESSED
    manifest = json.loads((project / "data" / "processed" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["raw"] == provenance.file_hashes(project / "data" / "raw")


def test_processed_tables_are_deterministic(project):
    assert _run(project)[0] == 0
    first = tree_digest(project / "data" / "processed")
    assert _run(project)[0] == 0
    assert tree_digest(project / "data" / "processed") == first
    panel = pd.read_csv(project / "data" / "processed" / "province_panel.csv", dtype={"code": str})
    # one row per province and census year (whichever census years the data hold)
    assert len(panel) == 31 * panel["year"].nunique() and "college_per_100k" in panel.columns


def test_corrected_figure_is_recorded_with_a_note(project):
    """Policy: a valid change passes, is reported, and its new checksum is recorded."""
    raw = project / "data" / "raw"
    set_field(raw / "province_series.csv", "110000,2010,avg_wage,", "value", "65159")
    rc, out = _run(project)
    assert rc == 0, out
    assert "changed since the last record: province_series.csv" in out
    assert provenance.changed_files(project / "data" / "datapackage.json", raw) == []


def test_strict_mode_fails_on_changed_checksums(project):
    raw = project / "data" / "raw"
    set_field(raw / "province_series.csv", "110000,2010,avg_wage,", "value", "65159")
    before = (project / "data" / "datapackage.json").read_bytes()
    rc, out = _run(project, strict=True)
    assert rc == 1
    assert "python -m neoutflow.data.record" in out
    assert (project / "data" / "datapackage.json").read_bytes() == before
    assert not (project / "data" / "processed").exists()


def test_a_new_census_year_is_new_rows(project):
    """A (clearly synthetic) 2025 sample survey: rows appended, no code change, loaders see it."""
    raw = project / "data" / "raw"
    pop = pd.read_csv(raw / "census_population.csv", dtype={"code": str})
    new = pop[(pop["year"] == 2020) & pop["code"].str.endswith("0000")].assign(year=2025)
    new["population"] = (new["population"] * 0.99).round().astype(int)  # synthetic
    with open(raw / "census_population.csv", "a", encoding="utf-8", newline="") as fh:
        new.to_csv(fh, header=False, index=False, lineterminator="\n")
    rc, out = _run(project)
    assert rc == 0, out
    p = data.load_population("province", [2020, 2025], raw_dir=raw)
    assert set(p["year"]) == {2020, 2025}


def test_gbk_file_is_accepted_and_can_be_converted(project):
    raw = project / "data" / "raw"
    original = (raw / "regions.csv").read_bytes()
    (raw / "regions.csv").write_bytes(original.decode("utf-8").encode("gbk"))
    rc, out = _run(project)
    assert rc == 0, out
    assert "regions.csv is GBK-encoded" in out and "--to-utf8" in out
    env = dict(os.environ, NEOUTFLOW_ROOT=str(project))
    proc = subprocess.run(
        [sys.executable, "-m", "neoutflow.data.record", "--to-utf8"],
        env=env,
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (raw / "regions.csv").read_bytes() == original
    assert provenance.changed_files(project / "data" / "datapackage.json", raw) == []
