"""Quarto ``post-render`` step (``_quarto.yml``): finish the outputs as the registry-only route does.

Runs under the project's ``.venv`` Python whatever Python Quarto found (it re-executes itself
there). :func:`neoutflow.render.quarto.finish` moves the outputs to ``_output/report.{pdf,html}``
(Quarto mirrors the document's folder), removes the figures Quarto copied beside them, fails
the build naming each unresolved cross-reference and its file and line, gives the HTML reduced
screen copies of the figures and the CJK web-font subsets, and (after a plain ``quarto render``;
``make report`` does it itself) copies the executed notebooks and their HTML views beside it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pre_render import in_venv, reexec_in_venv  # noqa: E402 - the folder is put on the path first


def main() -> int:
    if not in_venv():
        print("error: no project environment (.venv); run `make report`", file=sys.stderr)
        return 1
    sys.path.insert(0, str(ROOT / "src"))
    from neoutflow.render import quarto as quarto_route

    out = ROOT / os.environ.get("QUARTO_PROJECT_OUTPUT_DIR", "_output")
    try:
        quarto_route.finish(ROOT, out, stage_notebooks=os.environ.get("NEOUTFLOW_PIPELINE") != "done")
    except quarto_route.BrokenReference as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    reexec_in_venv()
    sys.exit(main())
