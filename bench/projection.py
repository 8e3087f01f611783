"""Time the cohort-component projection: every scenario (with the interval ends) for the three provinces.

``python bench/projection.py`` (from the project root, PYTHONPATH=src). Acceptance: under 2 s.
"""

from __future__ import annotations

import time

from neoutflow import data
from neoutflow.analysis import projection as pj


def main() -> None:
    pop = data.load_population(level="province")
    series = data.load_province_series(["birth_rate", "yearend_population"])
    t0 = time.perf_counter()
    inputs = pj.build_inputs(pop, series)
    t1 = time.perf_counter()
    scens = pj.scenarios(0.25, 0.3, 0.2, (0.10, 0.40))
    reps = 100
    for _ in range(reps):
        out = pj.run(inputs, scens, 2035)
    t2 = time.perf_counter()
    print(f"inputs from the census and series: {t1 - t0:.3f} s")
    print(
        f"projection of {len(scens)} scenarios x {len(inputs.codes)} provinces to 2035: "
        f"{(t2 - t1) / reps * 1000:.2f} ms per run (shape {out.shape})"
    )
    print(f"inputs + one run: {t1 - t0 + (t2 - t1) / reps:.3f} s (acceptance: < 2 s)")


if __name__ == "__main__":
    main()
