"""Release the build to the report: the only step between the notebooks and the render.

``python -m neoutflow.pipeline.release`` (run by ``make report`` before rendering)
first derives ``build/results/conclusions.json`` from the notebooks' results (the verdict for each of the
paper's recommendations, :mod:`neoutflow.outputs.conclusions`), then writes ``_variables.yml`` from
``build/results/*.json`` (what ``{{< var >}}`` prints) and the reproducibility appendix tables in
``build/tables/repro_*.md``.
The report reads only these released files, never the notebooks' internals.
"""

from __future__ import annotations

from neoutflow import paths
from neoutflow.outputs import conclusions
from neoutflow.outputs.results import write_quarto_variables
from neoutflow.pipeline import repro


def release() -> list:
    written = [conclusions.write(paths.RESULTS)]
    written += [write_quarto_variables(target=paths.ROOT / "_variables.yml", directory=paths.RESULTS)]
    return written + repro.write_all()


if __name__ == "__main__":
    for p in release():
        print(f"==> wrote {p.relative_to(paths.ROOT)}")
