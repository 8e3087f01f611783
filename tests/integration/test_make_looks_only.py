"""``make -n`` and ``make -q`` only look: they write nothing, and the next unchanged build has nothing to do;
and make reruns a notebook exactly when a data file it reads (as declared in ``neoutflow.inputs``) changes.

Run on the session's built project (it must stay as built: that is what is checked).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from project_copy import run_make

from neoutflow import inputs


def tree(project: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under the project (not the linked .venv): path -> (mtime_ns, size)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(project):
        dirnames[:] = [d for d in dirnames if not (Path(dirpath) == project and d == ".venv")]
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            st = p.lstat()
            out[str(p.relative_to(project))] = (st.st_mtime_ns, st.st_size)
    return out


def rerun(make_output: str) -> list[str]:
    """The notebooks a (dry) make run lists."""
    return sorted(
        line.split("run_notebook ")[1].split()[0] for line in make_output.splitlines() if "run_notebook 0" in line
    )


def changed(before: dict, after: dict) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


@pytest.mark.parametrize(
    ("args", "reruns"),
    [
        # 06 takes its pay lever from the main model, so it declares the outcome too
        (["PARAMS=outcome=young_adult_net_migration_rate"], ["02_determinants", "06_projection"]),
        (["PARAMS=highlight_regions=[220000]"], ["01_outflow"]),
        (["ENGINE=quarto"], []),
        ([], []),
    ],
    ids=["outcome", "highlight", "engine", "nothing"],
)
def test_dry_run_writes_nothing_and_lists_what_would_run(built_project, args, reruns):
    before = tree(built_project)
    proc = run_make(built_project, "-n", "report", *args)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert changed(before, tree(built_project)) == [], f"make -n report {' '.join(args)} wrote files"
    assert rerun(proc.stdout) == reruns, proc.stdout
    if args:  # a changed parameter or engine: the dry run shows the render it would redo
        assert "neoutflow.render" in proc.stdout, proc.stdout
    else:
        assert "neoutflow.render" not in proc.stdout, proc.stdout
    # the unchanged build that follows is still up to date
    assert run_make(built_project, "-q", "report").returncode == 0
    assert changed(before, tree(built_project)) == []


def test_question_mode_says_out_of_date_without_writing(built_project):
    before = tree(built_project)
    proc = run_make(built_project, "-q", "report", "PARAMS=outcome=young_adult_net_migration_rate")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert changed(before, tree(built_project)) == []


# --- each notebook's inputs, declared once in neoutflow.inputs ---------------------------------


def test_each_notebook_read_exactly_what_it_declares(built_project):
    """The loaders note every file they read; run_notebook refuses an undeclared one and lists them."""
    for nb, files in inputs.NOTEBOOK_INPUTS.items():
        manifest = json.loads((built_project / "build" / "manifest" / f"{nb}.json").read_text(encoding="utf-8"))
        assert manifest["inputs"] == sorted(f"data/raw/{f}" for f in files), nb


@pytest.mark.parametrize("file", sorted({f for files in inputs.NOTEBOOK_INPUTS.values() for f in files}))
def test_a_changed_file_reruns_the_notebooks_that_read_it(built_project, file):
    before = tree(built_project)
    proc = run_make(built_project, "-n", "-W", f"data/raw/{file}", "report")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert changed(before, tree(built_project)) == []
    assert rerun(proc.stdout) == sorted(inputs.readers(file)), proc.stdout
