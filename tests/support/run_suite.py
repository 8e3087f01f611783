"""``make test``'s pytest step: the whole suite in two lanes, one per core, around one shared build.

    python tests/support/run_suite.py                # what `make test` runs (after ruff and mypy)
    python tests/support/run_suite.py -k NAME ...    # any pytest arguments: one plain pytest, as before
    python tests/support/run_suite.py --cpu-profile DIR   # the lanes record each test's CPU (cpu_profile.py)

Without pytest arguments the suite runs as two pytest processes side by side (the machine the targets
are set for has two cores, and most of the integration tier is one process at a time: a test's checks,
a papermill kernel, a Typst compile), each printed whole when it ends:

- lane 1 makes the session's one cold build (``make report ENGINE=pandoc`` in a scratch copy, as the
  ``built_project`` fixture would), then runs the integration modules not listed in ``LANE_2``;
- lane 2 runs the unit, data and import tiers meanwhile (they need no build), then, once the build is
  there, the integration modules of ``LANE_2`` (the heaviest rebuilds, chosen so that the lanes take
  about the same CPU: ``bench/test_suite_cpu.md``).

Both integration lanes read the one build through ``NEOUTFLOW_TEST_BUILT`` (``tests/integration/conftest.py``:
it must be up to date, ``make -q report``; no test writes into it: a test that changes inputs copies it), so
the session still makes one cold build. Every test runs exactly as in one process: the split is by module,
and module fixtures stay within their module. The exit status is the first failing lane's (the build's, if
it fails). Scratch folders are removed after a run that passed and kept, named, after one that failed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SUPPORT = Path(__file__).resolve().parent
sys.path.insert(0, str(SUPPORT))

# Integration modules run in lane 2 after the fast tiers (paths from the project root).
LANE_2 = (
    "tests/integration/test_config_matrix.py",
    "tests/integration/test_rerun_partial_data.py",
    "tests/integration/test_reliability.py",
)
FAST_TIERS = ("tests/unit", "tests/data", "tests/import")


class Lane(threading.Thread):
    """Run ``steps`` (each a callable returning (label, return code, output)) one after another,
    stopping at the first failure."""

    def __init__(self, name: str, steps) -> None:
        super().__init__(name=name)
        self.steps = steps
        self.results: list[tuple[str, int, str, float]] = []

    def run(self) -> None:
        for step in self.steps:
            start = time.perf_counter()
            label, code, output = step()
            wall = time.perf_counter() - start
            self.results.append((label, code, output, wall))
            print(f"==> {self.name}: {label} done ({wall:.0f} s wall, exit {code})", flush=True)
            if code != 0:
                return

    @property
    def code(self) -> int:
        return next((c for _, c, _, _ in self.results if c != 0), 0)


def pytest_step(label: str, args: list[str], env: dict, wait: threading.Event | None = None):
    def step():
        if wait is not None:
            wait.wait()
            if not getattr(wait, "ok", False):
                return label, 1, f"{label}: not run (the shared build failed)\n"
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", *args], cwd=ROOT, env=env, capture_output=True, text=True
        )
        return label, proc.returncode, proc.stdout + proc.stderr

    return step


def build_step(project: Path, done: threading.Event):
    def step():
        from project_copy import copy_project, run_make

        before = os.times()
        copy_project(project)
        proc = run_make(project, "report", "ENGINE=pandoc")
        after = os.times()
        cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
        done.ok = proc.returncode == 0  # type: ignore[attr-defined]
        done.set()
        said = f"==> the shared build: make report ENGINE=pandoc in {project} ({cpu:.0f} s CPU)\n"
        if proc.returncode != 0:
            said += proc.stdout[-3000:] + proc.stderr[-3000:]
        return "shared build", proc.returncode, said

    return step


def lanes(scratch: Path, profile: Path | None) -> list[Lane]:
    project = scratch / "built" / "project"
    built = threading.Event()
    env = dict(os.environ, NEOUTFLOW_TEST_BUILT=str(project))
    env.pop("PYTEST_ADDOPTS", None)

    def args(lane: str, *paths: str) -> list[str]:
        out = [*paths, f"--basetemp={scratch / lane}"]
        if profile is not None:
            out += ["-p", "cpu_profile", f"--cpu-profile={profile / lane}.json"]
        return out

    if profile is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SUPPORT), env.get("PYTHONPATH")]))
    first_integration = ["tests/integration", *(f"--ignore={m}" for m in LANE_2)]
    return [
        Lane(
            "lane 1",
            [
                build_step(project, built),
                pytest_step("integration (lane 1)", args("integration-1", *first_integration), env),
            ],
        ),
        Lane(
            "lane 2",
            [
                pytest_step("unit, data, import", args("fast", *FAST_TIERS), env),
                pytest_step("integration (lane 2)", args("integration-2", *LANE_2), env, wait=built),
            ],
        ),
    ]


def main(argv: list[str]) -> int:
    profile = None
    if argv[:1] == ["--cpu-profile"]:
        profile, argv = Path(argv[1]).resolve(), argv[2:]
        profile.mkdir(parents=True, exist_ok=True)
    if argv:  # a chosen part of the suite: one pytest, as before
        return subprocess.call([sys.executable, "-m", "pytest", *argv], cwd=ROOT)
    scratch = Path(tempfile.mkdtemp(prefix="neoutflow-suite-"))
    start, before = time.perf_counter(), os.times()
    running = lanes(scratch, profile)
    for lane in running:
        lane.start()
    for lane in running:
        lane.join()
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    for lane in running:
        for label, code, output, wall in lane.results:
            print(f"==> {lane.name}: {label} ({wall:.0f} s wall, exit {code})", flush=True)
            print(output, flush=True)
    code = next((lane.code for lane in running if lane.code != 0), 0)
    print(
        f"==> the suite in two lanes: {time.perf_counter() - start:.0f} s wall, {cpu:.0f} s CPU "
        f"({cpu / 60:.1f} min, user + system of every process); exit {code}"
    )
    if code == 0:
        shutil.rmtree(scratch, ignore_errors=True)
    else:
        print(f"==> kept for inspection: {scratch}")
    return code


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
