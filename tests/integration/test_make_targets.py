"""`make clean`, `distclean`, `import` and `make` from report/ (issue #29, item 7), in a copy of the project.

`clean`, `distclean` and `import` take the build lock (build/.lock) like the build does, so none of them
pulls files from under a running build; `make clean` removes everything the build writes; `make` in
report/ runs the target at the project root instead of make's bare "No rule to make target".
"""

from __future__ import annotations

import fcntl
from pathlib import Path

import pytest
from project_copy import copy_project, run_make

# Everything a build writes (by make report, the release step and Quarto), relative to the root.
BUILD_OUTPUTS = [
    "build/results/x.json",
    "build/params.json",
    "build-hand/results/x.json",
    "data/processed/.validated",
    "_output/report.pdf",
    "_variables.yml",
    "_availability.yml",
    ".quarto/x",
]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return copy_project(tmp_path_factory.mktemp("targets") / "project")


def _fake_build(project: Path) -> None:
    for rel in BUILD_OUTPUTS:
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text("built\n")


def test_clean_removes_everything_the_build_writes(project):
    _fake_build(project)
    proc = run_make(project, "clean")
    assert proc.returncode == 0, proc.stderr
    left = [rel for rel in BUILD_OUTPUTS if (project / rel).exists()]
    assert left == [], left
    assert not (project / "build").exists()


@pytest.mark.parametrize("goal", [["clean"], ["distclean"], ["import", "FILE=nothing.xls"]])
def test_clean_distclean_and_import_wait_for_a_running_build(project, goal):
    _fake_build(project)
    (project / "build").mkdir(exist_ok=True)
    with open(project / "build" / ".lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # a build is running
        proc = run_make(project, *goal, "BUILD_LOCK_WAIT=0")
    assert proc.returncode != 0
    assert "another build is running" in proc.stderr, proc.stderr
    assert (project / "_output" / "report.pdf").is_file() and (project / ".venv").exists()


def test_make_in_the_report_folder_runs_the_top_level_target(project):
    proc = run_make(project / "report", "help")
    assert proc.returncode == 0, proc.stderr
    assert "running 'make help' in the project root" in proc.stderr
    assert "List the targets" in proc.stdout
