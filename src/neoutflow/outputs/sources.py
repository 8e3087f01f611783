"""The source lines (资料来源) of the report's figures and tables, taken from the provenance record.

Each file of ``data/raw/`` carries its source line in ``data/datapackage.json`` (``source_zh``, written by
:mod:`neoutflow.data.provenance`); the release records them as the results set ``sources`` so that a caption
or table note cites what it draws on with ``{{< var sources.<file> >}}`` (one source of truth).
"""

from __future__ import annotations

import json
from pathlib import Path

from neoutflow import paths
from neoutflow.outputs.results import ResultSet


def source_lines(datapackage: Path | None = None) -> dict[str, str]:
    """Resource name → its source line, from the provenance record."""
    record = json.loads(Path(datapackage or paths.DATAPACKAGE).read_text(encoding="utf-8"))
    missing = [r["name"] for r in record["resources"] if not r.get("source_zh")]
    if missing:
        raise ValueError(f"data/datapackage.json gives no source_zh for {missing}: run `make data`")
    return {r["name"]: r["source_zh"] for r in record["resources"]}


def write(results_dir: Path, datapackage: Path | None = None) -> Path:
    """Record every file's source line as the results set ``sources``; returns the file written."""
    rs = ResultSet("sources")
    for name, line in source_lines(datapackage).items():
        rs.record(name, 1, "", f"资料来源：{name}", display=line)
    return rs.save(results_dir)
