"""Git metadata (commit, date) only from the project's own repository (issue #29, item 5).

A ``git archive`` copy unpacked inside another work tree must not stamp that repository's commit
and date on the report: the Makefile's SOURCE_DATE_EPOCH, the appendix's commit and date and the
renderer's date all say "unknown" there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from neoutflow import paths
from neoutflow.pipeline import repro
from neoutflow.render import run as render_run

GIT = shutil.which("git")
pytestmark = pytest.mark.skipif(GIT is None, reason="git is not installed")


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": "2001-02-03T04:05:06Z", "GIT_COMMITTER_DATE": "2001-02-03T04:05:06Z"}
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=cwd,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


@pytest.fixture
def nested(tmp_path):
    """An unrelated repository with one commit, and a project copy (not a repository) inside it."""
    outer = tmp_path / "other-repo"
    outer.mkdir()
    _git(outer, "init", "-q")
    (outer / "readme.txt").write_text("another project\n")
    _git(outer, "add", ".")
    _git(outer, "commit", "-q", "-m", "unrelated")
    inner = outer / "vendor" / "neoutflow"
    inner.mkdir(parents=True)
    shutil.copy2(paths.ROOT / "Makefile", inner / "Makefile")
    return outer, inner


def _make_epoch(project: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in {"SOURCE_DATE_EPOCH", "MAKEFLAGS", "MAKELEVEL", "MFLAGS"}}
    out = subprocess.run(
        ["make", "--no-print-directory", "--eval", "show-epoch: ; @echo '[$(SOURCE_DATE_EPOCH)]'", "show-epoch"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip().splitlines()[-1]


def test_copy_inside_another_work_tree_takes_no_git_metadata(nested, monkeypatch):
    outer, inner = nested
    assert paths.own_git("rev-parse", "HEAD", root=outer)  # the outer repository itself: its own metadata
    assert paths.own_git("rev-parse", "HEAD", root=inner) is None
    assert paths.own_git("log", "-1", "--format=%ct", root=inner) is None
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert render_run.source_date_epoch(inner) is None
    assert render_run.source_date_epoch(outer) == 981173106
    monkeypatch.setattr(paths, "ROOT", inner)
    assert repro.build_date() == repro.NO_DATE


def test_makefile_asks_git_only_in_its_own_repository(nested):
    outer, inner = nested
    assert _make_epoch(inner) == "[]"
    shutil.copy2(inner / "Makefile", outer / "Makefile")
    assert _make_epoch(outer) == "[981173106]"
