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
