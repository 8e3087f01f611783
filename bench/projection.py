"""Time the projection: inputs (life tables, intensity fit), spreads, and a Monte Carlo run.

``PYTHONPATH=src python bench/projection.py [draws]`` from the project root (default 5,000 trajectories for the
three provinces to 2035). Acceptance: the Monte Carlo run in seconds (< 5 s); this is a benchmark, not a unit
test, because timings on a shared machine vary.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace

from neoutflow import data
from neoutflow.analysis import projection as pj
from neoutflow.analysis import stochastic as st


def main(draws: int = 5000) -> None:
    pop = data.load_population(level="province")
    series = data.load_province_series(["birth_rate", "death_rate", "natural_growth_rate", "yearend_population"])
    le = data.load_life_expectancy()
    yearend = series[series["indicator"] == "yearend_population"]
    t0 = time.perf_counter()
    inputs = pj.build_inputs(pop, series, le)
    inputs = replace(inputs, intensity=pj.fit_intensity(inputs, yearend, [2021, 2022, 2023, 2024]))
    t1 = time.perf_counter()
    sp = st.spreads(inputs, pop, series, le)
    t2 = time.perf_counter()
    times = []
    for seed in range(3):
        s = time.perf_counter()
        sim = st.simulate(inputs, sp, 2035, draws, seed=seed)
        times.append(time.perf_counter() - s)
    t3 = time.perf_counter()
    best = min(times)
    print(f"inputs (life tables, TFR, migration shape, intensity fit): {t1 - t0:.3f} s")
    print(f"spreads from the yearly series: {t2 - t1:.3f} s")
    print(
        f"Monte Carlo: {draws} trajectories x {len(inputs.codes)} provinces to 2035, shape {sim.shape}: "
        f"best of 3 {best:.3f} s, median {sorted(times)[1]:.3f} s (acceptance: < 5 s)"
    )
    print(f"total: {t3 - t0:.3f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
