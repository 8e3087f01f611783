"""Acceptance check for the survival variants: the Northeast estimates (ages 10+ in 2020) recomputed
from ``data/raw/census_population.csv`` with the csv module and plain numpy, without the package's
loaders or demography code, agree within 1% with :mod:`neoutflow.analysis.survival`."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from neoutflow import data, paths
from neoutflow.analysis import survival as sv

AGES = [f"{a}-{a + 4}" for a in range(0, 85, 5)] + ["85+"]
NE = ("210000", "220000", "230000")


def _independent() -> dict[str, float]:
    counts: dict[tuple[str, int, str], np.ndarray] = {}
    with open(paths.ROOT / "data" / "raw" / "census_population.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = row["code"]
            if not (code.endswith("0000") and code != "100000"):
                continue  # provinces only
            key = (code, int(row["year"]), row["sex"])
            counts.setdefault(key, np.zeros(len(AGES)))[AGES.index(row["age_group"])] += float(row["population"])
    assert len({k[0] for k in counts}) == 31
    totals = {"forward": 0.0, "reverse": 0.0, "average": 0.0}
    for sex in ("male", "female"):
        nat10 = sum(v for (c, y, s), v in counts.items() if y == 2010 and s == sex)
        nat20 = sum(v for (c, y, s), v in counts.items() if y == 2020 and s == sex)
        # cohorts: 2010 group i → 2020 group i + 2; 2010 groups 75+ → 2020 85+
        coh = lambda x: np.append(x[:15], x[15:].sum())  # noqa: E731
        ratio = nat20[2:] / coh(nat10)
        for code in NE:
            base, end = coh(counts[(code, 2010, sex)]), counts[(code, 2020, sex)][2:]
            fwd, rev = (end - ratio * base).sum(), (end / ratio - base).sum()
            totals["forward"] += fwd
            totals["reverse"] += rev
            totals["average"] += (fwd + rev) / 2
    return totals


@pytest.mark.parametrize("variant", sv.VARIANTS)
def test_northeast_variants_match_an_independent_computation(variant):
    pop = data.load_population("province", [2010, 2020])
    package = sv.variant_totals(sv.survival_variants(pop, 2010, 2020), dict.fromkeys(NE, "ne")).loc["ne", variant]
    independent = _independent()[variant]
    assert independent < 0
    assert package == pytest.approx(independent, rel=0.01)
