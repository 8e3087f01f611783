"""Build benchmark: cold, no-op, one-data-file and prose-only rebuilds.

Run with ``make bench``. Works in a scratch copy of the project (the user's
build/ and _output/ are untouched), sharing .venv, so first-time installs are
excluded from every timing. Prints each time and its ratio to the cold build,
and checks the targets of issue 7: no-op <= 2 % of cold, prose-only <= 25 %,
cold <= 180 s. Exits 1 if a target is missed.
"""

from __future__ import annotations

import csv
import io
import os
import sys
import tempfile
import time
from pathlib import Path

from neoutflow import paths

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))
from project_copy import copy_project, run_make  # noqa: E402

TARGETS = {"no-op": 0.02, "prose-only": 0.25}
COLD_LIMIT_S = 180.0


def make(project: Path, *args: str) -> float:
    start = time.perf_counter()
    proc = run_make(project, *args)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit(f"make {' '.join(args)} failed in {project}")
    return elapsed


def correct_one_figure(project: Path) -> str:
    """Change one yearly figure in province_series.csv, as a user correcting a typo would."""
    path = project / "data" / "raw" / "province_series.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header = rows[0]
    i_code, i_year, i_ind, i_val = (header.index(c) for c in ("code", "year", "indicator", "value"))
    for row in rows[1:]:
        if row[i_code] == "210000" and row[i_year] == "2015" and row[i_ind] == "birth_rate":
            row[i_val] = f"{float(row[i_val]) + 0.01:.2f}"
            break
    else:
        raise SystemExit("benchmark: no 2015 birth_rate row for 210000 in province_series.csv")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return "data/raw/province_series.csv (辽宁 2015 birth_rate + 0.01‰)"


def edit_prose(project: Path) -> str:
    path = project / "report" / "_06_limitations.qmd"
    path.write_text(path.read_text(encoding="utf-8") + "\n基准测试在临时副本中追加的一句话。\n", encoding="utf-8")
    return "report/_06_limitations.qmd (one sentence appended)"


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="neoutflow-bench-") as tmp:
        project = copy_project(Path(tmp) / "project", paths.ROOT)
        print(f"benchmark copy: {project}  ({os.cpu_count()} cores)", flush=True)
        make(project, "env")  # no-op: the venv is shared and already installed
        times = {"cold": make(project, "report")}
        print(f"  cold build           {times['cold']:7.1f} s", flush=True)
        times["no-op"] = make(project, "report")
        what = correct_one_figure(project)
        times["one data file"] = make(project, "report")
        print(f"  (changed {what})")
        what = edit_prose(project)
        times["prose-only"] = make(project, "report")
        print(f"  (changed {what})")
    print("\n| build | seconds | ratio to cold | target |\n|---|---:|---:|---|")
    ok = times["cold"] <= COLD_LIMIT_S
    print(f"| cold | {times['cold']:.2f} | 1.000 | <= {COLD_LIMIT_S:.0f} s {'ok' if ok else 'MISSED'} |")
    for name in ("no-op", "one data file", "prose-only"):
        ratio = times[name] / times["cold"]
        target = TARGETS.get(name)
        verdict = "" if target is None else f"<= {target:.2f} {'ok' if ratio <= target else 'MISSED'}"
        ok &= target is None or ratio <= target
        print(f"| {name} | {times[name]:.2f} | {ratio:.3f} | {verdict} |")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
