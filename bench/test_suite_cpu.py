"""Tables of the test suite's CPU per test, from the records of ``tests/support/cpu_profile.py``.

    .venv/bin/python bench/test_suite_cpu.py RECORD.json [AFTER.json] [--top 20] [--by module]

One record: its top tests (CPU seconds, user + system with children, and the builds each made). Two
records: the top tests of the first with the second's figure beside them (matched by test id), and the
totals of both. ``--by module`` sums per test file instead (a module fixture's build is charged to the
module's first test, so per file is the fairer comparison of two orders of running). Prints Markdown.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path


def load(path: str) -> dict:
    """A record (``--cpu-profile`` JSON) or the per-test lines of one (``*.jsonl``: a run stopped before its
    end); several paths joined by commas are read as one (e.g. the lanes of ``run_suite.py``)."""
    rows: list[dict] = []
    for part in path.split(","):
        text = Path(part).read_text(encoding="utf-8")
        rows += (
            [json.loads(line) for line in text.splitlines()] if part.endswith(".jsonl") else json.loads(text)["tests"]
        )
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        for k, v in row["counts"].items():
            counts[k] += v
    total = {"cpu": sum(r["cpu"] for r in rows), "wall": sum(r["wall"] for r in rows), "tests": len(rows)}
    return {"total": {**total, "counts": dict(counts)}, "tests": sorted(rows, key=lambda r: -r["cpu"])}


def per_key(record: dict, by: str) -> dict[str, dict]:
    out: dict[str, dict] = defaultdict(lambda: {"cpu": 0.0, "tests": 0, "make": 0, "notebook": 0, "render": 0})
    for row in record["tests"]:
        key = row["test"].split("::")[0] if by == "module" else row["test"]
        entry = out[key]
        entry["cpu"] += row["cpu"]
        entry["tests"] += 1
        for count in ("make", "notebook", "render"):
            entry[count] += row["counts"].get(count, 0)
    return dict(out)


def table(before: dict, after: dict | None, top: int, by: str) -> str:
    first = per_key(before, by)
    second = per_key(after, by) if after else {}
    rows = sorted(first.items(), key=lambda kv: -kv[1]["cpu"])[:top]
    head = "| # | " + ("test file" if by == "module" else "test") + " | CPU s | make / notebooks / renders |"
    sep = "|---|---|---:|---|"
    if after:
        head += " CPU s after | make / notebooks / renders after |"
        sep += "---:|---|"
    lines = [head, sep]
    for i, (key, e) in enumerate(rows, 1):
        line = f"| {i} | `{key}` | {e['cpu']:.1f} | {e['make']} / {e['notebook']} / {e['render']} |"
        if after:
            a = second.get(key)
            line += f" {a['cpu']:.1f} | {a['make']} / {a['notebook']} / {a['render']} |" if a else " (gone) | |"
        lines.append(line)
    for label, record in ((("before" if after else "total"), before), ("after", after)):
        if record:
            t = record["total"]
            lines.append(
                f"\n{label}: {t['cpu']:.0f} s CPU ({t['cpu'] / 60:.1f} min) over {t['tests']} tests "
                f"(their own CPU, the session's shared build not included); {t['counts']}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after", nargs="?")
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--by", choices=("test", "module"), default="test")
    args = parser.parse_args(argv)
    print(table(load(args.before), load(args.after) if args.after else None, args.top, args.by))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
