"""Independent recomputations for tests: plain pandas/numpy, none of the package's code."""

from __future__ import annotations

import numpy as np
import pandas as pd


def independent_net_migration_10plus(csv_path, codes, base=2010, end=2020):
    """Net migration aged 10+ at ``end`` straight from the CSV, with plain pandas/numpy and
    an age-lower-bound bookkeeping of its own (not the module's cohort matrix)."""
    raw = pd.read_csv(csv_path, dtype={"code": str})
    raw = raw[raw["code"].str.endswith("0000")]  # the 31 provinces
    raw["low"] = raw["age_group"].str.extract(r"^(\d+)")[0].astype(int)
    shift = end - base
    top = raw["low"].max()  # 85: the open group
    # the age (lower bound) each base-year group reaches at the end census, capped at the open group
    base_rows = raw[raw["year"] == base].assign(low_end=lambda d: np.minimum(d["low"] + shift, top))
    cohort = base_rows.groupby(["code", "sex", "low_end"])["population"].sum()
    observed = raw[(raw["year"] == end) & (raw["low"] >= shift)].set_index(["code", "sex", "low"])["population"]
    observed.index = observed.index.rename("low_end", level="low")
    national_ratio = observed.groupby(level=["sex", "low_end"]).sum() / cohort.groupby(level=["sex", "low_end"]).sum()
    out = {}
    for code in codes:
        total = 0.0
        for (sex, low_end), s in national_ratio.items():
            total += observed[(code, sex, low_end)] - s * cohort[(code, sex, low_end)]
        out[code] = total
    return out
