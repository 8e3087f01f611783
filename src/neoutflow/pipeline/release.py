"""Release the build to the report: the only step between the notebooks and the render.

``python -m neoutflow.pipeline.release`` (run by ``make report`` before rendering)
first derives ``build/results/conclusions.json`` from the notebooks' results (the verdict for each of the
paper's recommendations, :mod:`neoutflow.outputs.conclusions`), then writes ``_variables.yml`` from
``build/results/*.json`` (what ``{{< var >}}`` prints) and the reproducibility appendix tables in
``build/tables/repro_*.md``, and records the data files' source lines (资料来源, from the provenance record)
as the results set ``sources`` (:mod:`neoutflow.outputs.sources`).

It also releases which optional parts of the report the data allow (:data:`neoutflow.data.preflight.PARTS`):
``_availability.yml`` (read by ``_quarto.yml``'s ``metadata-files``) holds a boolean per part
(``has-prefecture-data`` …) for the chapters' ``.content-visible when-meta=…`` blocks, and the results set
``availability`` the sentence printed in place of a part that is left out.
The report reads only these released files, never the notebooks' internals.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from neoutflow import atomic, paths
from neoutflow import params as params_mod
from neoutflow.data import preflight
from neoutflow.outputs import conclusions, sources
from neoutflow.outputs.results import ResultSet, write_quarto_variables
from neoutflow.pipeline import repro
from neoutflow.reference import NORTHEAST, SEED_PAPER_REGION

AVAILABILITY_FILE = "_availability.yml"


def meta_key(part: str) -> str:
    """The document option that says whether a part is in the report (``has-prefecture-data``)."""
    return f"has-{part}-data"


def build_values() -> dict:
    """The parameters of this build (``build/params.json``, else params.yaml)."""
    built = paths.BUILD / "params.json"
    return params_mod.load_json(built) if built.is_file() else params_mod.load().model_dump()


def availability() -> dict[str, preflight.Part]:
    """The optional parts for the parameters of this build (``build/params.json``, else params.yaml)."""
    values = build_values()
    return preflight.availability(
        values["base_year"],
        values["end_year"],
        projection_start_year=values["projection_start_year"],
        region=values.get("study_region"),
    )


# The report's title page and metadata for the study region: the title notebook 01 records (人口外流 or
# 人口迁移, from the region's net migration), the PDF's subject and keywords.
DEFAULT_TITLE = "东北人口外流：事实、成因与对策检验"
SEED_REGION_META = "is-seed-region"  # the chapters' blocks on the seed paper's own (Northeast) figures
KEYWORDS = ["人口普查", "存活比法", "净迁移", "相对工资", "反事实测算"]


def region_meta(values: dict, results_dir: Path) -> dict:
    """The document options that follow the study region: ``title``, ``subject``, ``keywords`` and
    ``is-seed-region`` (whether the seed paper's Northeast figures are the region's to check)."""
    region = values.get("study_region") or {"name": SEED_PAPER_REGION, "provinces": list(NORTHEAST)}
    name, seed = region["name"], sorted(region["provinces"]) == sorted(NORTHEAST)
    title = DEFAULT_TITLE
    try:
        outflow = json.loads((results_dir / "outflow.json").read_text(encoding="utf-8"))
        title = outflow["report_title"]["display"]
    except (OSError, KeyError, ValueError):
        pass  # notebook 01 not run yet: the Northeast's title
    return {
        "title": title,
        "subject": f"以两次人口普查检验{name}人口外流的规模、构成与成因及相关对策建议",
        "keywords": [f"{name}人口外流", *KEYWORDS],
        SEED_REGION_META: seed,
    }


def write_availability(parts: dict[str, preflight.Part], results_dir: Path, values: dict | None = None) -> list[Path]:
    meta = {meta_key(name): part.available for name, part in parts.items()}
    meta |= region_meta(build_values() if values is None else values, results_dir)
    target = paths.ROOT / AVAILABILITY_FILE
    header = (
        "# Written by `python -m neoutflow.pipeline.release`: which optional parts the data allow, and the\n"
        "# title, subject and keywords of the study region.\n"
    )
    atomic.write_text(target, header + yaml.safe_dump(meta, sort_keys=True, allow_unicode=True), if_changed=True)
    rs = ResultSet("availability")
    for name, part in parts.items():
        label = f"{preflight.PARTS[name]}：从略的原因（数据齐全时为空）"
        rs.record(name, part.available, "", label, display=part.reason())
    return [target, rs.save(results_dir)]


def release() -> list:
    parts = availability()
    omitted = frozenset(name for name, part in parts.items() if not part.available)
    written = write_availability(parts, paths.RESULTS)
    written.append(conclusions.write(paths.RESULTS, omitted))
    written.append(sources.write(paths.RESULTS))
    written += [write_quarto_variables(target=paths.ROOT / "_variables.yml", directory=paths.RESULTS)]
    return written + repro.write_all()


if __name__ == "__main__":
    for p in release():
        print(f"==> wrote {p.relative_to(paths.ROOT)}")
