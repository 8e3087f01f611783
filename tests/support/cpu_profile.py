"""Per-test CPU time and the builds each test triggers: a pytest plugin for measuring the suite.

Load it by name (``tests/support`` is on ``sys.path`` once ``tests/conftest.py`` is read, so give it
through ``PYTHONPATH``)::

    PYTHONPATH=tests/support .venv/bin/python -m pytest -p cpu_profile tests/integration \\
        --cpu-profile=bench/out/integration_cpu.json

For each test it records, per phase (setup, call, teardown), the CPU seconds (user + system) of the
pytest process (``time.process_time``) and of its finished children (``getrusage(RUSAGE_CHILDREN)``
deltas: ``make`` and everything it ran, papermill kernels, Quarto, Chromium). A session fixture's
cold build is charged to the setup of the first test that asks for it. Wall time is recorded too, but
on a shared machine only CPU is comparable.

It also counts what each test made run: ``make`` invocations (with their goals), and, read from the
commands ``make`` echoed, the notebook runs (``neoutflow.pipeline.run_notebook NAME``), the renders
(``neoutflow.render``) and the release steps; papermill runs made in the pytest process; Quarto
commands. At the end it prints the 40 tests with the most CPU, the totals, and writes everything to
the ``--cpu-profile`` JSON file (when given). ``bench/test_suite_cpu.py`` turns two such files into the
before/after table of ``bench/test_suite_cpu.md``.

Under pytest-xdist each worker records its own tests; the controller merges nothing, so give each run
one process when measuring.
"""

from __future__ import annotations

import json
import re
import resource
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

_NOTEBOOK = re.compile(r"-m neoutflow\.pipeline\.run_notebook (\d\d_\w+)")
_RENDER = re.compile(r"-m neoutflow\.render --engine (\w+)")
_RELEASE = re.compile(r"-m neoutflow\.pipeline\.release\b")


def _cpu() -> tuple[float, float]:
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time(), kids.ru_utime + kids.ru_stime


class CpuProfile:
    def __init__(self, out: str | None) -> None:
        self.out = out
        self.tests: dict[str, dict] = {}
        self.current: str | None = None
        self.session_start = (*_cpu(), time.perf_counter())

    # -- what a test runs ---------------------------------------------------------------------------
    def _entry(self) -> dict | None:
        return self.tests.get(self.current) if self.current else None

    def note_command(self, argv, stdout) -> None:
        entry = self._entry()
        if entry is None:
            return
        args = [str(a) for a in argv] if isinstance(argv, list | tuple) else str(argv).split()
        if not args:
            return
        prog = Path(args[0]).name
        counts: Counter = entry["counts"]
        text = stdout if isinstance(stdout, str) else (stdout or b"").decode(errors="replace")
        if prog == "make":
            counts["make"] += 1
            entry["make"].append(" ".join(a for a in args[1:] if a != "--no-print-directory"))
            if {"-n", "-q", "--dry-run", "--question"} & set(args):
                return  # only looked: the commands it listed did not run
        elif prog == "quarto" or prog.endswith("quarto"):
            counts["quarto"] += 1  # (its pre-render step runs make: the notebooks it ran are counted below)
        elif "papermill" in prog:
            counts["papermill"] += 1
        for name in _NOTEBOOK.findall(" ".join(args[1:]) + "\n" + text):
            counts["notebook"] += 1
            entry["notebooks"].append(name)
        counts["render"] += len(_RENDER.findall(text))
        counts["release"] += len(_RELEASE.findall(text))

    def note_papermill(self) -> None:
        entry = self._entry()
        if entry is not None:
            entry["counts"]["papermill"] += 1

    # -- hooks --------------------------------------------------------------------------------------
    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        self.current = item.nodeid
        self.tests[item.nodeid] = {"phases": {}, "counts": Counter(), "make": [], "notebooks": []}
        yield
        self.current = None

    def _phase(self, item, phase):
        before = (*_cpu(), time.perf_counter())
        yield
        after = (*_cpu(), time.perf_counter())
        self.tests[item.nodeid]["phases"][phase] = {
            "self": after[0] - before[0],
            "children": after[1] - before[1],
            "wall": after[2] - before[2],
        }

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_setup(self, item):
        yield from self._phase(item, "setup")

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item):
        yield from self._phase(item, "call")

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_teardown(self, item, nextitem):
        yield from self._phase(item, "teardown")
        if self.out:  # one line per test as it ends, to follow a long run (``tail -f``)
            row = self.row(item.nodeid, self.tests[item.nodeid])
            with open(f"{self.out}.jsonl", "a", encoding="utf-8") as stream:
                stream.write(json.dumps(row, ensure_ascii=False) + "\n")

    @staticmethod
    def row(nodeid: str, entry: dict) -> dict:
        phases = entry["phases"]
        cpu = {p: v["self"] + v["children"] for p, v in phases.items()}
        return {
            "test": nodeid,
            "cpu": sum(cpu.values()),
            "cpu_setup": cpu.get("setup", 0.0),
            "cpu_call": cpu.get("call", 0.0),
            "cpu_children": sum(v["children"] for v in phases.values()),
            "wall": sum(v["wall"] for v in phases.values()),
            "counts": dict(entry["counts"]),
            "make": entry["make"],
            "notebooks": entry["notebooks"],
        }

    def rows(self) -> list[dict]:
        return sorted((self.row(n, e) for n, e in self.tests.items()), key=lambda r: -r["cpu"])

    def pytest_terminal_summary(self, terminalreporter):
        rows = self.rows()
        end = (*_cpu(), time.perf_counter())
        total = {
            "cpu": (end[0] - self.session_start[0]) + (end[1] - self.session_start[1]),
            "wall": end[2] - self.session_start[2],
            "tests": len(rows),
            "counts": dict(sum((Counter(r["counts"]) for r in rows), Counter())),
        }
        tr = terminalreporter
        tr.section("CPU per test (user + system, children included; top 40)")
        tr.write_line(f"{'CPU s':>8} {'setup':>7} {'wall s':>8}  make nb rend  test")
        for r in rows[:40]:
            c = r["counts"]
            tr.write_line(
                f"{r['cpu']:8.1f} {r['cpu_setup']:7.1f} {r['wall']:8.1f}  "
                f"{c.get('make', 0):4d} {c.get('notebook', 0):2d} {c.get('render', 0):4d}  {r['test']}"
            )
        tr.write_line(
            f"session: {total['cpu']:.0f} s CPU ({total['cpu'] / 60:.1f} min), {total['wall']:.0f} s wall, "
            f"{total['tests']} tests; {total['counts']}"
        )
        if self.out:
            Path(self.out).parent.mkdir(parents=True, exist_ok=True)
            Path(self.out).write_text(
                json.dumps({"total": total, "tests": rows}, ensure_ascii=False, indent=1), encoding="utf-8"
            )
            tr.write_line(f"written: {self.out}")


def pytest_addoption(parser):
    parser.addoption("--cpu-profile", default=None, help="write the per-test CPU record to this JSON file")


def pytest_configure(config):
    profile = CpuProfile(config.getoption("--cpu-profile"))
    config.pluginmanager.register(profile, "cpu_profile_recorder")

    real_run = subprocess.run

    def run(*args, **kwargs):
        proc = real_run(*args, **kwargs)
        argv = args[0] if args else kwargs.get("args")
        said = [getattr(proc, name, None) for name in ("stdout", "stderr")]
        profile.note_command(
            argv, "\n".join(s if isinstance(s, str) else (s or b"").decode(errors="replace") for s in said)
        )
        return proc

    subprocess.run = run  # type: ignore[assignment]
    try:
        import papermill

        real_execute = papermill.execute_notebook

        def execute_notebook(*args, **kwargs):
            profile.note_papermill()
            return real_execute(*args, **kwargs)

        papermill.execute_notebook = execute_notebook
    except ImportError:
        pass
