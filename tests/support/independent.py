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


def independent_projection(start, survival, migration, share, tfr, srb, birth_survival):
    """A cohort-component projection in plain Python loops, one region and one five-year step at a time.

    ``start (R, 2, A)`` persons; ``survival (R, T, 2, A)`` (the last group's own ratio staying in the open group);
    ``migration (R, 2, A)`` five-year net rates on the survivors (by age at the end of the step; the first group's
    applies to the births); ``share (A,)`` the fertility schedule; ``tfr (R,)``; ``srb (R,)`` males per female
    birth; ``birth_survival (R, T, 2)``. Births over a step are ``tfr × Σ share × mean of the women at its start
    and end``. Returns the totals ``(R, T+1)``.
    """
    start = np.asarray(start, dtype=float)
    regions, _, ages = start.shape
    steps = np.asarray(survival).shape[1]
    totals = np.zeros((regions, steps + 1))
    for r in range(regions):
        pop = [[float(v) for v in start[r, x]] for x in range(2)]
        totals[r, 0] = sum(map(sum, pop))
        for t in range(steps):
            new = [[0.0] * ages for _ in range(2)]
            for x in range(2):
                s = survival[r][t][x]
                for a in range(1, ages):
                    new[x][a] = pop[x][a - 1] * s[a - 1]
                new[x][ages - 1] += pop[x][ages - 1] * s[ages - 1]
                for a in range(1, ages):
                    new[x][a] *= 1 + migration[r][x][a]
            births = tfr[r] * sum(share[a] * (pop[1][a] + new[1][a]) / 2 for a in range(ages))
            boys = births * srb[r] / (1 + srb[r])
            new[0][0] = boys * birth_survival[r][t][0] * (1 + migration[r][0][0])
            new[1][0] = (births - boys) * birth_survival[r][t][1] * (1 + migration[r][1][0])
            pop = new
            totals[r, t + 1] = sum(map(sum, pop))
    return totals
