"""Running one notebook with papermill into a scratch folder, as the notebook tests do."""

from __future__ import annotations

import json
from pathlib import Path

from neoutflow import paths


def execute(notebook: Path, out: Path, **parameters) -> Path:
    """Execute ``notebook`` with ``output_dir=out`` (and ``parameters``) on the project kernel."""
    import papermill

    from neoutflow.pipeline.run_notebook import kernel_manager_class

    out.mkdir(parents=True, exist_ok=True)
    papermill.execute_notebook(
        str(notebook),
        str(out / Path(notebook).name),
        parameters={"output_dir": str(out), **parameters},
        kernel_name="neoutflow",
        kernel_manager_class=kernel_manager_class(),  # IPC, as the build: no TCP warning in the test log
        cwd=str(paths.ROOT),
        progress_bar=False,
    )
    return out


def results(out: Path, name: str) -> dict:
    return json.loads((out / "results" / f"{name}.json").read_text(encoding="utf-8"))
