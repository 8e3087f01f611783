"""Helpers for the data tests: temporary project copies and CSV edits by line."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from pathlib import Path

from neoutflow import paths


def copy_project_data(dest: Path) -> Path:
    """A minimal project root for NEOUTFLOW_ROOT: data/raw, data/datapackage.json, params.yaml."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(paths.RAW, dest / "data" / "raw")
    shutil.copy2(paths.DATAPACKAGE, dest / "data" / "datapackage.json")
    shutil.copy2(paths.PARAMS_FILE, dest / "params.yaml")
    return dest


def tree_digest(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder`` (relative path → digest)."""
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def write_lines(path: Path, lines: list[str]) -> None:
    path.write_text("\n".join(lines), encoding="utf-8")


def find_line(path: Path, prefix: str) -> int:
    """1-based CSV line number (header = 1) of the first line starting with ``prefix``."""
    for i, line in enumerate(read_lines(path), start=1):
        if line.startswith(prefix):
            return i
    raise AssertionError(f"no line starting with {prefix!r} in {path}")


def set_field(path: Path, prefix: str, column: str, value: str) -> int:
    """Set ``column`` of the first line starting with ``prefix``; returns its line number."""
    lines = read_lines(path)
    header = lines[0].split(",")
    n = find_line(path, prefix)
    cells = _split(lines[n - 1])
    cells[header.index(column)] = value
    lines[n - 1] = _join(cells)
    write_lines(path, lines)
    return n


def _split(line: str) -> list[str]:
    # the extracts quote fields with commas (units like "per 100,000 residents")
    return next(csv.reader([line]))


def _join(cells: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(cells)
    return buf.getvalue()


def raw(root: Path) -> Path:
    """The copy's ``data/raw``."""
    return Path(root) / "data" / "raw"


def dp(root: Path) -> Path:
    """The copy's provenance record, ``data/datapackage.json``."""
    return Path(root) / "data" / "datapackage.json"
