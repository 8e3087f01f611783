"""Census birthplace matrices: residents by province of residence × province of birth (``birthplace_flows.csv``).

Source: two 31×31 integer matrices (``var population = [[...]]``) in the D3
chord-diagram scripts ``flow.js`` (2000, 5th census) and ``flow1.js`` (2010, 6th
census) of vis2014/Assignment3. Rows are the province of current residence
(the destination of a lifetime migrant), columns the province of birth (the
origin), both in the order of ``var city_name`` (NBS order 北京 … 新疆), checked
against :data:`neoutflow.reference.NBS_ORDER`. Values are long-form sample counts; the sampling
fraction is the published national total over the sample total (2010:
102,306,900 lifetime inter-provincial migrants → 10%; 2000: ≈9.5%, the long-form
fraction, not verified against a published total).

Read by the user importer's reader (``neoutflow.data.importer.read_birthplace``, layout
``birthplace-matrix``), so developer extraction and ``make import`` cannot drift apart.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from neoutflow.data import importer
from neoutflow.data.importer import ImportFailure
from neoutflow.data.importer.birthplace import (  # noqa: F401 - re-exported for the tests and docs
    LONG_FORM_FRACTION,
    NBS_NAMES,
    read_matrix_grid,
    script_grid,
)
from neoutflow.data.schemas import FLOW_SAMPLE_TOTALS

FOLDER = "vis2014_census_flow_matrices"
FILES = {2000: f"{FOLDER}/flow.js", 2010: f"{FOLDER}/flow1.js"}


def read_matrix(path: Path) -> tuple[list[str], np.ndarray]:
    """(province names, 31×31 int matrix: rows = residence, columns = birthplace) of one script."""

    try:
        mat, _, _ = read_matrix_grid(script_grid(path), path)
    except ImportFailure as exc:
        raise ValueError(str(exc)) from None
    if (np.diag(mat) != 0).any():
        raise ValueError(f"{path}: the script's diagonal must be 0")
    return list(NBS_NAMES), mat


def build_birthplace_flows(sources: Path) -> pd.DataFrame:
    """Tidy origin (birthplace) × destination (residence) × year table, both census years."""

    parts = []
    for year, rel in FILES.items():
        try:
            (part,) = importer.read_birthplace(Path(sources) / rel, year=year)
        except importer.ImportFailure as exc:
            raise ValueError(f"{rel}: {exc}") from None
        total = int(part.rows["persons_sample"].sum())
        if total != FLOW_SAMPLE_TOTALS[year]:
            raise ValueError(f"{rel}: total {total:,} ≠ {FLOW_SAMPLE_TOTALS[year]:,}")
        parts.append(part.rows)
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["year", "origin", "destination"]).reset_index(drop=True)
