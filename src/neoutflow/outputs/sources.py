"""The source lines (资料来源) of the report's figures and tables, taken from the provenance record.

Each file of ``data/raw/`` carries its source line in ``data/datapackage.json`` (``source_zh``, written by
:mod:`neoutflow.data.provenance`); the release records them as the results set ``sources`` so that a caption
or table note cites what it draws on with ``{{< var sources.<file> >}}`` (one source of truth).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

from neoutflow import paths
from neoutflow.data.provenance import SOURCES
from neoutflow.outputs.results import ResultSet


def source_lines(datapackage: Path | None = None) -> dict[str, str]:
    """Resource name → its source line, from the provenance record."""
    record = json.loads(Path(datapackage or paths.DATAPACKAGE).read_text(encoding="utf-8"))
    missing = [r["name"] for r in record["resources"] if not r.get("source_zh")]
    if missing:
        raise ValueError(f"data/datapackage.json gives no source_zh for {missing}: run `make data`")
    return {r["name"]: r["source_zh"] for r in record["resources"]}


# The publications a topic of a file comes from, named by the provenance record's source titles: key in the
# results set ``sources`` -> (file, the word its source titles use for the topic).
TOPIC_SOURCES = {"industry_tables": ("census_indicators", "industry")}


def topic_sources(datapackage: Path | None = None) -> dict[str, str]:
    """:data:`TOPIC_SOURCES` key → the publications (《…》, in record order, each once) of the file's sources
    whose title names the topic: e.g. the census yearbooks whose county tables give employment by industry."""
    record = json.loads(Path(datapackage or paths.DATAPACKAGE).read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in record["resources"]}
    out = {}
    for key, (name, topic) in TOPIC_SOURCES.items():
        titles = [s.get("title", "") for s in resources[name].get("sources", [])]
        books = dict.fromkeys(b for t in titles if topic in t for b in re.findall(r"《[^》]+》", t))
        if not books:
            raise ValueError(f"data/datapackage.json names no source of {name} covering {topic!r}")
        out[key] = "".join(books)
    return out


def citation(names: Sequence[str]) -> str:
    """The 资料来源 paragraph of a table's note citing the files ``names`` (resources of the provenance record,
    or keys of :data:`TOPIC_SOURCES`) through ``{{< var sources.<name> >}}``, resolved when the report renders."""
    unknown = [n for n in names if n not in SOURCES and n not in TOPIC_SOURCES]
    if unknown or not names:
        known = sorted([*SOURCES, *TOPIC_SOURCES])
        raise ValueError(f"a 资料来源 line needs files of the provenance record; unknown {unknown}, known: {known}")
    return "资料来源：" + "；".join(f"{{{{< var sources.{n} >}}}}" for n in dict.fromkeys(names)) + "。"


def write(results_dir: Path, datapackage: Path | None = None) -> Path:
    """Record every file's source line, and the publications of :data:`TOPIC_SOURCES`, as the results set
    ``sources``; returns the file written."""
    rs = ResultSet("sources")
    for name, line in source_lines(datapackage).items():
        rs.record(name, 1, "", f"资料来源：{name}", display=line)
    for key, books in topic_sources(datapackage).items():
        rs.record(key, 1, "", f"资料来源：{key}", display=books)
    return rs.save(results_dir)
