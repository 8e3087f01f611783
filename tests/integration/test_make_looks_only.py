"""``make -n`` and ``make -q`` only look: they write nothing, and the next unchanged build has nothing to do.

Run on the session's built project (it must stay as built: that is what is checked).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from project_copy import run_make


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


def changed(before: dict, after: dict) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


@pytest.mark.parametrize(
    ("args", "reruns"),
    [
        (["PARAMS=outcome=young_adult_net_migration_rate"], ["02_determinants"]),
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
    ran = sorted(
        line.split("run_notebook ")[1].split()[0] for line in proc.stdout.splitlines() if "run_notebook 0" in line
    )
    assert ran == reruns, proc.stdout
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
