"""Build benchmark: cold, no-op, one-data-file and prose-only rebuilds.

Run with ``make bench`` (``make bench BENCH_ARGS="--repeat 3"`` to repeat the whole series).
Works in a scratch copy of the project (the user's build/ and _output/ are untouched),
sharing .venv, so first-time installs are excluded from every timing. For each build it
prints the wall time, its ratio to the cold build, and the CPU time (user + system of make
and everything it ran), and for each step the wall and CPU seconds it reports itself
(notebooks run side by side, so their wall times overlap; CPU times add up). The machine's
load average is printed before and after each build: on a shared machine wall times vary
with it, CPU times much less. Checks the targets (issue 10): no-op <= 2 % of cold,
prose-only <= 25 % of cold and <= 3 s, cold <= 30 s wall and <= 70 s CPU (issue 24), on the median of the
repeats.
Exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from neoutflow import paths

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))
from project_copy import copy_project, run_make  # noqa: E402

BUILDS = ("cold", "no-op", "one data file", "prose-only")
TARGETS = {"no-op": 0.02, "prose-only": 0.25}  # ratios to the cold build
# Absolute targets on a 2-core machine with the environment in place (issue 10).
LIMITS_S = {"cold": 30.0, "prose-only": 3.0}
# CPU seconds (user + system of make and everything it ran; issue 24): the cold build on 2 cores.
LIMITS_CPU_S = {"cold": 70.0}
# "==> 01_outflow done in 6.8 s (cpu 6.5 s)", "==> report rendered in …", "==> data ok: … in …"
STEP = re.compile(r"==> (?:(\S+) done in|report rendered in|data ok: .* in) ([0-9.]+) s(?: \(cpu ([0-9.]+) s\))?")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


class Build:
    """One timed ``make``: wall and CPU seconds, the load before and after, each step's times."""

    def __init__(self, project: Path, *args: str):
        before_load, cpu0, start = load(), children_cpu(), time.perf_counter()
        proc = run_make(project, *args)
        self.wall = time.perf_counter() - start
        self.cpu = children_cpu() - cpu0
        self.load = f"{before_load} → {load()}"
        if proc.returncode != 0:
            sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
            raise SystemExit(f"make {' '.join(args)} failed in {project}")
        self.steps: dict[str, tuple[float, float | None]] = {}
        for line in proc.stdout.splitlines():
            m = STEP.search(line)
            if m:
                name = m.group(1) or ("render" if "rendered" in line else "data")
                self.steps[name] = (float(m.group(2)), float(m.group(3)) if m.group(3) else None)

    def step_text(self) -> str:
        return ", ".join(f"{k} {w:.1f}" + (f"/{c:.1f}" if c is not None else "") for k, (w, c) in self.steps.items())


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


def series(tmp: Path) -> dict[str, Build]:
    """The four builds, in order, in a fresh copy of the project."""
    project = copy_project(tmp / "project", paths.ROOT)
    print(f"benchmark copy: {project}  ({os.cpu_count()} cores; load average {load()})", flush=True)
    run_make(project, "env")  # no-op: the venv is shared and already installed
    builds = {"cold": Build(project, "report")}
    builds["no-op"] = Build(project, "report")
    what_data = correct_one_figure(project)
    builds["one data file"] = Build(project, "report")
    what_prose = edit_prose(project)
    builds["prose-only"] = Build(project, "report")
    for name in BUILDS:
        b = builds[name]
        print(f"  {name:<14} wall {b.wall:6.2f} s  cpu {b.cpu:6.2f} s  load {b.load}", flush=True)
    print(f"  (changed {what_data}; then {what_prose})", flush=True)
    return builds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=1, help="run the series this many times (median reported)")
    args = ap.parse_args(argv)
    runs = []
    for i in range(args.repeat):
        if args.repeat > 1:
            print(f"series {i + 1} of {args.repeat}", flush=True)
        with tempfile.TemporaryDirectory(prefix="neoutflow-bench-") as tmp:
            runs.append(series(Path(tmp)))
    wall = {n: statistics.median(r[n].wall for r in runs) for n in BUILDS}
    cpu = {n: statistics.median(r[n].cpu for r in runs) for n in BUILDS}
    of = f" (median of {len(runs)})" if len(runs) > 1 else ""
    print(
        f"\n| build | wall s{of} | cpu s{of} | ratio to cold (wall) | target | load before → after |"
        " steps (wall/cpu s as each step reports; notebooks side by side) |"
    )
    print("|---|---:|---:|---:|---|---|---|")
    ok = True
    for name in BUILDS:
        ratio = wall[name] / wall["cold"]
        verdicts = []
        if name in TARGETS:
            verdicts.append(f"ratio <= {TARGETS[name]:.2f} {'ok' if ratio <= TARGETS[name] else 'MISSED'}")
            ok &= ratio <= TARGETS[name]
        if name in LIMITS_S:
            verdicts.append(f"<= {LIMITS_S[name]:.0f} s {'ok' if wall[name] <= LIMITS_S[name] else 'MISSED'}")
            ok &= wall[name] <= LIMITS_S[name]
        if name in LIMITS_CPU_S:
            verdicts.append(
                f"cpu <= {LIMITS_CPU_S[name]:.0f} s {'ok' if cpu[name] <= LIMITS_CPU_S[name] else 'MISSED'}"
            )
            ok &= cpu[name] <= LIMITS_CPU_S[name]
        last = runs[-1][name]
        print(
            f"| {name} | {wall[name]:.2f} | {cpu[name]:.2f} | {ratio:.3f} | {'; '.join(verdicts)} | {last.load} |"
            f" {last.step_text()} |"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
