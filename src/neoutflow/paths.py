"""Every path the project uses, derived from one project root.

The root is found from ``NEOUTFLOW_ROOT`` if set (tests point it at a temporary
copy of the project), otherwise by walking up from the current directory, then
from this file, to the folder holding ``params.yaml``.
"""

from __future__ import annotations

import os
from pathlib import Path


def _find_root() -> Path:
    env = os.environ.get("NEOUTFLOW_ROOT")
    if env:
        return Path(env).resolve()
    for start in (Path.cwd(), Path(__file__).resolve().parent):
        for candidate in (start, *start.parents):
            if (candidate / "params.yaml").is_file() and (candidate / "src" / "neoutflow").is_dir():
                return candidate
    raise RuntimeError(
        "cannot find the project root (a folder with params.yaml and src/neoutflow); "
        "run from inside the project or set NEOUTFLOW_ROOT"
    )


ROOT = _find_root()
PARAMS_FILE = ROOT / "params.yaml"
DATA = ROOT / "data"
RAW = DATA / "raw"
PROCESSED = DATA / "processed"
DATAPACKAGE = DATA / "datapackage.json"
NOTEBOOKS = ROOT / "notebooks"
BUILD = ROOT / "build"
RESULTS = BUILD / "results"
FIGURES = BUILD / "figures"
TABLES = BUILD / "tables"
EXECUTED = BUILD / "notebooks"
REPORT = ROOT / "report"
OUTPUT = ROOT / "_output"
# The compiled official-statistics files; present for developers, absent for users.
SHARED_SOURCES = Path(os.environ.get("NEOUTFLOW_SOURCES", ROOT.parent / "shared" / "sources"))


def own_git(*args: str, root: Path | None = None) -> str | None:
    """Output of ``git <args>`` run in the project root, only if the root is its repository's top level.

    A copy unpacked inside another work tree (a ``git archive`` copy in someone's checkout) would
    otherwise take that repository's commit and date for its own; then this returns None ("unknown").
    """
    import subprocess

    root = Path(root or ROOT).resolve()

    def run(*a: str) -> str | None:
        try:
            out = subprocess.run(["git", "-C", str(root), *a], capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return out.stdout.strip() if out.returncode == 0 and out.stdout.strip() else None

    top = run("rev-parse", "--show-toplevel")
    if top is None or Path(top).resolve() != root:
        return None
    return run(*args)
