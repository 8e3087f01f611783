"""Nothing wrong reaches the report (issue 17): concurrent builds, hand runs, failed and killed runs, metadata.

Each test works in a copy of the project (``copy_project``) with real ``make`` processes, papermill runs
and signals; the module builds the copy once and the tests run on it in order.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from project_copy import copy_built, run_make

from neoutflow.pipeline import repro

DEFAULT_OUTCOME = "net_migration_rate"


def _env(project: Path) -> dict:
    drop = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "NEOUTFLOW_ROOT", "SOURCE_DATE_EPOCH"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["PYTHONPATH"] = str(project / "src")
    env["NEOUTFLOW_ROOT"] = str(project)
    return env


def _results(project: Path) -> dict:
    return {
        p.name: json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((project / "build" / "results").glob("*.json"))
    }


def _leftovers(project: Path) -> list[Path]:
    pats = [".*.staging", ".*.tmp", ".*.old"]
    found = []
    for folder in (project, project / "data", project / "build", project / "_output"):
        for pat in pats:
            found += list(folder.glob(pat))
    return found


@pytest.fixture(scope="module")
def built(built_project, tmp_path_factory):
    """A copy of the session's built project (these tests change it)."""
    project = copy_built(built_project, tmp_path_factory.mktemp("reliability") / "project")
    return project, _results(project)


def test_concurrent_builds_wait_for_each_other_and_end_consistent(built):
    project, clean = built
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "NEOUTFLOW_ROOT"}}
    first = subprocess.Popen(
        ["make", "--no-print-directory", "report", "PARAMS=outcome=population_growth"],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1.5)
    second = run_make(project, "report")
    out1, err1 = first.communicate(timeout=1200)
    assert first.returncode == 0, out1[-2000:] + err1[-2000:]
    assert second.returncode == 0, second.stdout[-2000:] + second.stderr[-2000:]
    assert "another build is running" in second.stderr
    # the second (default parameters) ran after the first: results, parameters and appendix agree
    assert json.loads((project / "build/params.json").read_text(encoding="utf-8"))["outcome"] == DEFAULT_OUTCOME
    assert _results(project) == clean
    third = run_make(project, "report")
    assert third.returncode == 0 and "Nothing to be done" in third.stdout, third.stdout + third.stderr
    assert not _leftovers(project)


def test_hand_run_with_overrides_leaves_build_and_report_alone(built):
    project, clean = built
    before = (project / "build/notebooks/01_outflow.ipynb").read_bytes()
    proc = subprocess.run(
        [sys.executable, "-m", "neoutflow.pipeline.run_notebook", "01_outflow", "highlight_regions=[220000]"],
        cwd=project,
        env=_env(project),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "build-hand/" in proc.stdout
    assert (project / "build-hand/notebooks/01_outflow.ipynb").is_file()
    assert (project / "build/notebooks/01_outflow.ipynb").read_bytes() == before
    assert _results(project) == clean
    again = run_make(project, "report")
    assert again.returncode == 0 and "Nothing to be done" in again.stdout, again.stdout + again.stderr


def test_executed_notebooks_carry_relative_paths_only(built):
    project, _ = built
    for nb in [*(project / "build/notebooks").glob("*.ipynb"), *(project / "_output/notebooks").glob("*.ipynb")]:
        text = nb.read_text(encoding="utf-8")
        assert str(project) not in text, nb
        assert ".staging" not in text, nb


def _notebook(path: Path, code: str) -> None:
    nb = {
        "cells": [
            {"cell_type": "code", "execution_count": None, "id": "p", "metadata": {"tags": ["parameters"]},
             "outputs": [], "source": 'output_dir = "build"'},
            {"cell_type": "code", "execution_count": None, "id": "a", "metadata": {}, "outputs": [],
             "source": "x = 1"},
            {"cell_type": "code", "execution_count": None, "id": "b", "metadata": {}, "outputs": [], "source": code},
        ],
        "metadata": {"kernelspec": {"name": "neoutflow", "display_name": "Python (neoutflow)", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }  # fmt: skip
    path.write_text(json.dumps(nb), encoding="utf-8")


@pytest.mark.parametrize(
    "code, says",
    [("raise ValueError('boom')", "failed in cell 3"), ("import os\nos._exit(1)", "in cell 3")],
    ids=["exception", "dead_kernel"],
)
def test_failed_notebook_is_kept_aside_never_published_and_names_the_cell(built, code, says):
    project, _ = built
    _notebook(project / "notebooks" / "98_broken.ipynb", code)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "neoutflow.pipeline.run_notebook", "98_broken"],
            cwd=project,
            env=_env(project),
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert proc.returncode == 1
        assert says in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
        assert not list((project / "build/notebooks").glob("98_broken*"))
        assert not list((project / "_output").rglob("*failed*"))
        assert not list((project / "build").glob(".98_broken-*"))
    finally:
        (project / "notebooks" / "98_broken.ipynb").unlink()


def test_killed_data_build_leaves_nothing_the_next_build_keeps(built):
    project, _ = built
    raw = project / "data/raw/census_totals.csv"
    times = raw.stat()
    raw.touch()
    try:
        _killed_data_build(project)
    finally:
        # the file's own time back: the later tests' builds need not rerun every notebook that reads it
        os.utime(raw, ns=(times.st_atime_ns, times.st_mtime_ns))


def _killed_data_build(project: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "neoutflow.data"],
        cwd=project,
        env=_env(project),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 120
    while time.time() < deadline and not list((project / "data").glob(".processed-*")):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    again = run_make(project, "data")
    assert again.returncode == 0, again.stdout[-2000:] + again.stderr[-2000:]
    assert not list((project / "data").glob(".processed-*"))


def test_missing_provenance_record_is_noticed_by_make(built):
    project, _ = built
    dp = project / "data/datapackage.json"
    saved = dp.read_bytes()
    dp.unlink()
    try:
        proc = run_make(project, "report")
        assert proc.returncode != 0
        assert "datapackage.json" in proc.stderr and "python -m neoutflow.data.record" in proc.stderr, proc.stderr
    finally:
        dp.write_bytes(saved)


def test_report_publishes_into_an_output_folder_on_its_own_filesystem(built):
    """Issue #29 item 6: `_output` a tmpfs (or a container bind mount): publishing gave "Invalid cross-device
    link". The report is staged inside `_output` itself; a second render replaces the notebooks' folder."""
    from mounts import tmpfs

    project, _ = built
    with tmpfs(project / "_output") as out:
        for _ in range(2):
            (out / "report.pdf").unlink(missing_ok=True)
            proc = run_make(project, "report")
            assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
            assert "cross-device" not in proc.stderr
            assert (out / "report.pdf").stat().st_size > 0 and (out / "notebooks").is_dir()
            assert not _leftovers(project), _leftovers(project)
    assert not _leftovers(project)


def test_build_without_git_history_states_no_invented_date(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setattr(repro, "_git", lambda *a: None)
    assert repro.build_date() == repro.NO_DATE
    assert "2024" not in repro.build_date()


def test_read_only_data_folder_gives_one_line(monkeypatch, capsys, tmp_path):
    from neoutflow import atomic
    from neoutflow.data import make

    def denied(parent, label):
        raise PermissionError(13, "Permission denied", str(Path(parent) / f".{label}-1-x.staging"))

    monkeypatch.setattr(atomic, "staging_dir", denied)
    assert make.main([]) == 1
    err = capsys.readouterr().err
    assert "not writable" in err and "data/" in err and "Traceback" not in err
