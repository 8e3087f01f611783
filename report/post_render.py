"""Quarto ``post-render`` step (``_quarto.yml``): the same output paths as the registry-only route.

Quarto mirrors the document's folder inside ``output-dir`` (``_output/report/report.html``);
the report's links (``notebooks/…``) and ``make`` expect ``_output/report.{pdf,html}`` beside
``_output/notebooks/``. Under ``make report`` the render step does this itself in its staging
folder (``NEOUTFLOW_PIPELINE=done``); after a plain ``quarto render`` this script does it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main() -> int:
    if os.environ.get("NEOUTFLOW_PIPELINE") == "done":
        return 0
    out = ROOT / os.environ.get("QUARTO_PROJECT_OUTPUT_DIR", "_output")
    nested = out / "report"
    for f in sorted(nested.glob("report.*")) if nested.is_dir() else []:
        f.replace(out / f.name)
    if nested.is_dir() and not any(nested.iterdir()):
        nested.rmdir()
    from neoutflow.render.run import stage_notebooks

    stage_notebooks(ROOT, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
