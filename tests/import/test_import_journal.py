"""Imports are all or nothing, their record included (issue #29, item 1).

SYNTHETIC DATA, FOR THESE TESTS ONLY: a data-portal export of made-up 2024 birth rates (the 2023
figures × 0.95), imported into a temporary copy of the project data. The importing process is killed
at a fixed point with ``NEOUTFLOW_FAULT`` (SIGKILL: no clean-up runs), as a power cut would.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest
from data_helpers import dp, raw, set_field, tree_digest
from test_importer import birth_2024, portal_grid, run, write_xlsx

from neoutflow import paths
from neoutflow.data import journal, load, make, provenance


def _import_killed(project, f, point: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MAKELEVEL"}}
    env.update(NEOUTFLOW_FAULT=point, NEOUTFLOW_ROOT=str(project), PYTHONPATH=str(paths.ROOT / "src"))
    cmd = [sys.executable, "-m", "neoutflow.data.importer", str(f), "--apply"]
    cmd += ["--raw-dir", str(raw(project)), "--datapackage", str(dp(project))]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)


def _make_data(project, tmp_path) -> tuple[int, str]:
    lines: list[str] = []
    load._cache.clear()
    rc = make.run(
        raw(project), tmp_path / "processed", dp(project), echo=lambda *a, **k: lines.append(" ".join(map(str, a)))
    )
    load._cache.clear()
    return rc, "\n".join(lines)


def _imports(project) -> list[dict]:
    res = {r["name"]: r for r in json.loads(dp(project).read_text(encoding="utf-8"))["resources"]}
    return res["province_series"].get("imports", [])


@pytest.fixture
def export(project, tmp_path):
    return write_xlsx(portal_grid(project, "人口出生率(‰)", birth_2024(project)), tmp_path / "分省年度数据.xlsx")


def test_import_killed_between_data_and_record_is_rolled_back_by_make_data(project, export, tmp_path):
    before = tree_digest(project / "data")
    proc = _import_killed(project, export, "after-raw-write")
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    # the state a kill leaves: new rows in data/raw, no import entry, and the journal
    assert provenance.sha256(raw(project) / "province_series.csv") != before["raw/province_series.csv"]
    assert (project / "data" / journal.JOURNAL / "journal.json").is_file()
    assert provenance.sha256(dp(project)) == before["datapackage.json"] and _imports(project) == []
    rc, out = _make_data(project, tmp_path)
    assert rc == 0, out
    assert "分省年度数据.xlsx" in out and "rolled back" in out and "province_series.csv" in out
    assert "hand edit" not in out  # the change an import made is not passed off as a hand edit
    assert tree_digest(project / "data") == before  # data/raw and the record as before the import
    # the import, run again, adds its rows and records its source
    _, text = run(project, export, do_apply=True)
    assert "31 added" in text
    (entry,) = _imports(project)
    assert entry["sha256"] == provenance.sha256(export) and entry["added"] == 31
    assert provenance.check_record(dp(project), raw(project)) == ([], [])


def test_import_killed_after_its_journal_is_rolled_back_by_the_next_import(project, export):
    before = tree_digest(project / "data")
    proc = _import_killed(project, export, "after-journal")
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert {f"raw/{k}": v for k, v in tree_digest(raw(project)).items()} == {
        k: v for k, v in before.items() if k.startswith("raw/")
    }
    _, text = run(project, export, do_apply=True)
    assert "interrupted" in text and "replaced no file yet" in text
    assert "31 added" in text and not (project / "data" / journal.JOURNAL).exists()
    assert len(_imports(project)) == 1
    assert provenance.check_record(dp(project), raw(project)) == ([], [])


def test_a_change_no_import_made_is_reported_and_recorded_as_a_hand_edit(project, tmp_path):
    old = provenance.sha256(raw(project) / "province_series.csv")
    set_field(raw(project) / "province_series.csv", "110000,2010,avg_wage,", "value", "65159")
    rc, out = _make_data(project, tmp_path)
    assert rc == 0, out
    assert "hand edit" in out and "province_series.csv" in out and "no `make import` wrote" in out
    res = {r["name"]: r for r in json.loads(dp(project).read_text(encoding="utf-8"))["resources"]}
    (edit,) = res["province_series"]["hand_edits"]
    assert edit["previous"] == f"sha256:{old}"
    assert edit["hash"] == f"sha256:{provenance.sha256(raw(project) / 'province_series.csv')}"
    assert provenance.check_record(dp(project), raw(project)) == ([], [])
