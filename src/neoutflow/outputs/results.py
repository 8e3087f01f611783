"""Numbers quoted by the report: recorded by notebooks, read by the report.

Each notebook records every number the prose may quote with :func:`record`
and saves them with :func:`save` to ``build/results/<notebook>.json``. The
report never types a number by hand: :func:`write_quarto_variables` turns all
results files into ``_variables.yml`` for Quarto's ``{{< var name >}}``
shortcode (the registry-only renderer reads the same file).

A result holds the raw ``value`` (full precision, for tests and reuse), its
``unit``, a Chinese ``label`` and ``display``: the text the report prints.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from neoutflow import atomic, paths
from neoutflow.formatting import format_number


@dataclass(frozen=True)
class Result:
    value: float | int | str
    unit: str
    label: str
    display: str


class ResultSet:
    """The numbers one notebook produces, kept in insertion order."""

    def __init__(self, name: str):
        self.name = name
        self._items: dict[str, Result] = {}

    def record(
        self,
        key: str,
        value,
        unit: str,
        label: str,
        display: str | None = None,
        digits: int = 1,
        scale: float = 1.0,
        suffix: str = "",
        signed: bool = False,
    ):
        """Record one number; ``display`` defaults to :func:`format_number`. Returns ``value``.

        A key is recorded once: a second record of the same key is refused, since silently keeping the last
        one let two different quantities share a name (the region count once overwrote a model's N).
        """
        if key in self._items:
            raise ValueError(f"result {key!r} is already recorded in {self.name!r}; each key names one number")
        if not key.replace("_", "").isalnum() or not key.isascii():
            raise ValueError(f"result key {key!r} must be ASCII letters, digits and underscores")
        if hasattr(value, "item"):  # numpy scalar -> Python scalar, so JSON is exact
            value = value.item()
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"result {key!r} is not finite: {value}")
        if display is None:
            display = format_number(value, digits, scale, suffix, signed)
        self._items[key] = Result(value, unit, label, display)
        return value

    def __getitem__(self, key: str) -> Result:
        return self._items[key]

    def __contains__(self, key: str) -> bool:
        return key in self._items

    def to_dict(self) -> dict:
        return {k: asdict(v) for k, v in self._items.items()}

    def save(self, directory: Path | None = None) -> Path:
        """Write ``<directory>/<name>.json`` atomically, keys in insertion order."""
        path = Path(directory or paths.RESULTS) / f"{self.name}.json"
        atomic.write_text(path, json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return path


def load_all(directory: Path | None = None) -> dict[str, dict[str, dict]]:
    """All results files as ``{notebook: {key: {value, unit, label, display}}}``."""
    directory = Path(directory or paths.RESULTS)
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(directory.glob("*.json"))}


def quarto_variables(directory: Path | None = None) -> dict[str, dict[str, str]]:
    """``{notebook: {key: display}}``: what ``{{< var notebook.key >}}`` prints."""
    return {nb: {k: r["display"] for k, r in items.items()} for nb, items in load_all(directory).items()}


def write_quarto_variables(target: Path | None = None, directory: Path | None = None) -> Path:
    """Write ``_variables.yml`` (project root) from the results files, atomically."""
    target = Path(target or paths.ROOT / "_variables.yml")
    text = "# Generated from build/results/*.json by neoutflow.outputs.results; do not edit.\n"
    text += yaml.safe_dump(quarto_variables(directory), allow_unicode=True, sort_keys=True, width=1000)
    atomic.write_text(target, text, if_changed=True)
    return target
