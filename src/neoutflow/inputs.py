"""The data files each notebook reads, declared once.

:data:`NOTEBOOK_INPUTS` maps each numbered notebook to the files of ``data/raw/`` it reads (through the
loaders of :mod:`neoutflow.data` and ``data.availability``). Everything else is derived from it:

- the Makefile's prerequisites of ``build/notebooks/<name>.ipynb`` (make reads ``python -m neoutflow.inputs
  --make`` when it starts), so a changed file reruns exactly the notebooks that read it;
- the preflight's "needed by" (:func:`neoutflow.data.preflight.Need.needed_by`);
- the check after every notebook run: the loaders note each file they read (:func:`note_read`, into the file
  named by ``NEOUTFLOW_INPUTS_LOG``), and :mod:`neoutflow.pipeline.run_notebook` fails a notebook that read a
  file not declared here and lists what it read in ``build/manifest/<name>.json``.

Adding a loader call to a notebook (or to the analysis code it calls) that reads another file: add the file
here. Standard library only: make imports this module at every start, before the environment exists.
"""

from __future__ import annotations

import os
import sys

RAW_DIR = "data/raw"
LOG_ENV = "NEOUTFLOW_INPUTS_LOG"

# The census files: regions (codes, levels), population by sex and age, totals, indicators.
_CENSUS = ("regions.csv", "census_population.csv", "census_totals.csv", "census_indicators.csv")

# Notebook -> the files of data/raw/ it reads (paths inside data/raw/, as in neoutflow.data.files.RAW_FILES).
NOTEBOOK_INPUTS: dict[str, tuple[str, ...]] = {
    "01_outflow": (
        *_CENSUS,
        "province_series.csv",
        "boundaries/prefectures.geojson",
        "boundaries/basemap.geojson",  # the national map is drawn on the base map (provinces with Taiwan, inset)
    ),
    "02_determinants": (*_CENSUS, "province_series.csv", "boundaries/provinces.geojson"),  # contiguity (Moran)
    "03_migration_checks": (
        *_CENSUS,
        "province_series.csv",
        "province_life_expectancy.csv",
        "birthplace_flows.csv",  # the Northeast-born stock, for the destination side of 60+ moves
    ),
    "04_prefecture_wages": (
        *_CENSUS,
        "province_series.csv",
        "prefecture_series.csv",
        "boundaries/prefectures.geojson",
    ),
    "05_flows": (
        *_CENSUS,
        "province_series.csv",
        "birthplace_flows.csv",
        "boundaries/provinces.geojson",
        "boundaries/basemap.geojson",
    ),
    # 06 also refits the young-adult province model of 02 (its pay lever), so it reads what 02 reads.
    "06_projection": (*_CENSUS, "province_series.csv", "province_life_expectancy.csv", "projection_benchmarks.csv"),
}


def readers(file: str) -> tuple[str, ...]:
    """The notebooks that read ``file`` (a path inside data/raw/), in order."""
    return tuple(nb for nb, files in NOTEBOOK_INPUTS.items() if file in files)


def make_lines() -> list[str]:
    """``name=data/raw/a.csv,data/raw/b.csv`` per notebook: what the Makefile reads (no spaces inside)."""
    return [f"{nb}=" + ",".join(f"{RAW_DIR}/{f}" for f in files) for nb, files in NOTEBOOK_INPUTS.items()]


_noted: set[tuple[str, str]] = set()


def note_read(file: str) -> None:
    """Record that ``file`` (a path inside the project's data/raw/) was read, if a run asked for a record."""
    log = os.environ.get(LOG_ENV)
    if not log or (log, file) in _noted:
        return
    _noted.add((log, file))
    with open(log, "a", encoding="utf-8") as fh:  # one short line per file: appends do not interleave
        fh.write(file + "\n")


def read_log(path) -> list[str]:
    """The files a run noted (sorted, once each); none if it read nothing."""
    try:
        with open(path, encoding="utf-8") as fh:
            return sorted({line.strip() for line in fh if line.strip()})
    except FileNotFoundError:
        return []


def undeclared(name: str, files: list[str]) -> list[str]:
    """The files among ``files`` that notebook ``name`` does not declare."""
    declared = set(NOTEBOOK_INPUTS.get(name, ()))
    return [f for f in files if f not in declared]


if __name__ == "__main__":
    if sys.argv[1:] != ["--make"]:
        sys.exit("usage: python -m neoutflow.inputs --make")
    print(" ".join(make_lines()))
