"""Acceptance check for the survival variants: the Northeast estimates (ages 10+ in 2020) recomputed
from ``data/raw/census_population.csv`` with the csv module and plain numpy, without the package's
loaders or demography code, agree with :mod:`neoutflow.analysis.survival` to 1e-9 relative (floating-point
summation order is the only difference allowed)."""

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
    assert package == pytest.approx(independent, rel=1e-9)


def _independent_theta() -> dict[str, float]:
    """θ of the differential adjustment on resident exposure, recomputed with csv + numpy and a bisection
    of its own: registered deaths Σ_y w_y·rate_y/1000·(P_{y-1}+P_y)/2 (w = 2/12, 1 × 9, 10/12), rescaled to
    the national closed-cohort implied total; resident deaths Σ (1−S^θ)·(P_t + M_a/2) over both sexes."""
    counts: dict[tuple[str, int, str], np.ndarray] = {}
    with open(paths.ROOT / "data" / "raw" / "census_population.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = row["code"]
            if code.endswith("0000") and code != "100000":
                key = (code, int(row["year"]), row["sex"])
                counts.setdefault(key, np.zeros(len(AGES)))[AGES.index(row["age_group"])] += float(row["population"])
    series: dict[tuple[str, str, int], float] = {}
    with open(paths.ROOT / "data" / "raw" / "province_series.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["indicator"] in ("death_rate", "yearend_population") and row["value"]:
                series[(row["code"], row["indicator"], int(row["year"]))] = float(row["value"])
    codes = sorted({c for c, _, _ in counts})
    weights = {2010: 2 / 12, **dict.fromkeys(range(2011, 2020), 1.0), 2020: 10 / 12}
    registered = {
        c: sum(
            w
            * series[(c, "death_rate", y)]
            / 1000
            * (series[(c, "yearend_population", y - 1)] + series[(c, "yearend_population", y)])
            / 2
            for y, w in weights.items()
        )
        for c in codes
    }
    coh = lambda x: np.append(x[:15], x[15:].sum())  # noqa: E731
    cells = {}  # code → list of (base, end, national ratio) per sex
    for sex in ("male", "female"):
        nat10 = sum(counts[(c, 2010, sex)] for c in codes)
        nat20 = sum(counts[(c, 2020, sex)] for c in codes)
        ratio = nat20[2:] / coh(nat10)
        for c in codes:
            cells.setdefault(c, []).append((coh(counts[(c, 2010, sex)]), counts[(c, 2020, sex)][2:], ratio))
    closed_total = sum(float((b * (1 - s)).sum()) for c in codes for b, _, s in cells[c])
    scale = closed_total / sum(registered.values())

    def resident(c: str, theta: float) -> float:
        total = 0.0
        for b, e, s in cells[c]:
            x = np.where(s < 1, s**theta, s)
            migrants = ((e - x * b) + (e / x - b)) / 2
            total += float(((1 - x) * (b + migrants / 2)).sum())
        return total

    out = {}
    for c in NE:
        lo, hi, target = 0.05, 20.0, registered[c] * scale
        for _ in range(200):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if resident(c, mid) < target else (lo, mid)
        out[c] = (lo + hi) / 2
    return out


def test_resident_exposure_theta_matches_an_independent_computation():
    pop = data.load_population("province", [2010, 2020])
    series = data.load_province_series(["death_rate", "yearend_population"])
    v = sv.survival_variants(pop, 2010, 2020)
    registered = sv.registered_deaths(
        series[series["indicator"] == "death_rate"], series[series["indicator"] == "yearend_population"], 2010, 2020
    )
    theta = sv.fit_hazard_multipliers(v, sv.differential_deaths(registered, sv.implied_deaths(v)))
    for code, value in _independent_theta().items():
        assert theta[code] == pytest.approx(value, rel=1e-9)
