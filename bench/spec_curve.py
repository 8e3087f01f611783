"""Time the specification curve (``neoutflow.analysis.spec_curve.run``): target < 10 s.

Usage: ``.venv/bin/python bench/spec_curve.py [--repeat N]``. Data loading and the curve
are timed separately; prints the number of specifications and the best/median time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

TARGET_S = 10.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    from neoutflow.analysis import datasets
    from neoutflow.analysis import prefecture_models as pm
    from neoutflow.analysis import spec_curve as sc

    t0 = time.perf_counter()
    prov, pref = datasets.province_dataset(), pm.prefecture_wage_dataset()
    load = time.perf_counter() - t0
    times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        curve = sc.run(prov, pref)
        times.append(time.perf_counter() - t)
    total = load + min(times)
    print(f"specifications: {len(curve)}")
    print(f"data load: {load:.2f} s; curve: best {min(times):.3f} s, median {statistics.median(times):.3f} s")
    print(f"load + curve: {total:.2f} s (target < {TARGET_S:g} s): {'ok' if total < TARGET_S else 'SLOW'}")
    return 0 if total < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
