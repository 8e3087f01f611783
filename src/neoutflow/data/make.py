"""``make data`` (``python -m neoutflow.data``): validate ``data/raw/``, build ``data/processed/``.

Every raw file is validated (one line per file) and checked against the
checksums in ``data/datapackage.json``; then the analysis tables are built in
``data/processed/`` atomically (in a staging folder beside it, swapped in whole;
on failure the old folder is untouched) and ``data/processed/.validated`` is
written last.

Policy for changed raw files (a corrected figure, a new census year): ``make import``
records what it writes (and an import interrupted half-way is rolled back here first,
see :mod:`neoutflow.data.journal`), so a valid file whose checksum differs from
``datapackage.json`` was edited by hand: ``make data`` says so, names the files,
records their new checksums with a ``hand_edits`` entry (date, old and new checksum)
and carries on (``--strict`` fails instead, for CI). Invalid files are never
recorded. Raw files saved as GBK or UTF-8 with BOM (Chinese Excel) are read
correctly and accepted with a note; ``python -m neoutflow.data.record --to-utf8``
rewrites them as UTF-8.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import warnings
from pathlib import Path

from neoutflow import atomic, paths
from neoutflow.data import journal, provenance
from neoutflow.data.files import PROCESSED_FILES, write_csv
from neoutflow.data.load import (
    _echo,
    _label,
    _raw,
    load_panel,
    load_population,
    load_province_series,
    load_regions,
    validate_all,
)
from neoutflow.data.schemas import SPECS, DataValidationError
from neoutflow.reference import LEVELS
from neoutflow.timing import Stopwatch

RECORD_COMMAND = "python -m neoutflow.data.record"


def _last_build_hashes(processed: Path) -> dict[str, str]:
    """Raw-file checksums of the last successful build (``data/processed/manifest.json``), if any."""
    try:
        return dict(json.loads((processed / "manifest.json").read_text(encoding="utf-8")).get("raw", {}))
    except (OSError, ValueError, AttributeError):
        return {}


def build_processed(raw_dir, out: Path) -> list[Path]:
    """The analysis tables (deterministic CSV) written into ``out``."""
    regions = load_regions(raw_dir)
    pop = load_population(raw_dir=raw_dir).merge(
        regions[["code", "level", "province_code", "region"]], on="code", how="left"
    )
    pop["age_group"] = pop["age_group"].astype(str)
    written = [write_csv(pop, out / PROCESSED_FILES["population"])]
    for level in LEVELS:
        written.append(write_csv(load_panel(level, raw_dir), out / PROCESSED_FILES[f"{level}_panel"]))
    series = load_province_series(wide=True, raw_dir=raw_dir).reset_index()
    written.append(write_csv(series, out / PROCESSED_FILES["province_series_wide"]))
    return written


def run(raw_dir=None, processed=None, datapackage_path=None, strict: bool = False, echo=None) -> int:
    echo = echo or _echo
    clock = Stopwatch()

    raw_dir = _raw(raw_dir)
    processed = Path(processed) if processed is not None else paths.PROCESSED
    dp_path = Path(datapackage_path) if datapackage_path is not None else paths.DATAPACKAGE
    for line in journal.recover(Path(raw_dir).parent):  # an import killed half-way: undo it first
        echo(f"  note  {line}")
    echo(f"validating {_label(raw_dir)}/")
    try:
        encodings = validate_all(raw_dir, echo=echo)
    except DataValidationError as exc:
        echo(
            f"\nmake data: {exc}\n\nNothing was changed in {_label(processed)}/. Fix the rows above and rerun "
            f"`make data`.",
            err=True,
        )
        return 1
    for name, enc in encodings.items():
        if enc != "utf-8":
            echo(
                f"  note  {SPECS[name].path} is {enc.upper()}-encoded: read correctly; to store it as UTF-8 run "
                f"`python -m neoutflow.data.record --to-utf8`"
            )
    last_build = _last_build_hashes(processed)
    errors, changed = provenance.check_record(dp_path, raw_dir, last_build)
    if errors:
        listing = "\n".join(f"  - {e}" for e in errors)
        echo(
            f"\nmake data: the provenance record {_label(dp_path)} does not match the data and code:\n{listing}\n\n"
            f"If the data or the record were changed deliberately, re-record it with `{RECORD_COMMAND}` "
            f"(it validates data/raw first) and commit it. Nothing was changed.",
            err=True,
        )
        return 1
    if changed:
        listing = ", ".join(changed)
        if strict:
            echo(
                f"\nmake data: {listing} changed since {_label(dp_path)} was written (checksums differ). "
                f"If the change is intended, record it with `{RECORD_COMMAND}` and "
                f"rerun. Nothing was changed.",
                err=True,
            )
            return 1
        echo(
            f"  note  hand edit — changed since the last record: {listing}, and no `make import` wrote the new "
            f"content. Valid, so it is recorded in {_label(dp_path)} as a hand edit (date, old and new checksum "
            f"under 'hand_edits'); commit both, and say in the commit where the new figures come from (an "
            f"official table is better imported with `make import`, which records its source)"
        )
    with atomic.staging_dir(processed.parent, processed.name) as tmp:
        written = build_processed(raw_dir, tmp)
        manifest = {
            "raw": provenance.file_hashes(raw_dir),
            "processed": {p.name: provenance.sha256(p) for p in written},
        }
        atomic.write_text(tmp / "manifest.json", json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        if changed:
            provenance.update_hashes(dp_path, raw_dir, hand_edit=datetime.date.today().isoformat())
        atomic.write_text(tmp / ".validated", "validated\n")
        atomic.publish(tmp, processed, whole=True)
    for p in written:
        echo(f"  wrote {_label(processed / p.name)}")
    echo(f"==> data ok: {_label(processed)}/.validated in {clock}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m neoutflow.data", description="Validate data/raw and build data/processed (make data)."
    )
    ap.add_argument("--raw-dir", type=Path, default=None, help="raw folder (default data/raw)")
    ap.add_argument("--processed", type=Path, default=None, help="output folder (default data/processed)")
    ap.add_argument("--strict", action="store_true", help="fail if checksums differ from datapackage.json")
    ap.add_argument("--check-only", action="store_true", help="validate only; write nothing")
    args = ap.parse_args(argv)
    warnings.simplefilter("default")
    if args.check_only:
        try:
            validate_all(args.raw_dir, echo=_echo)
        except DataValidationError as exc:
            _echo(f"\n{exc}", err=True)
            return 1
        return 0
    try:
        return run(args.raw_dir, args.processed, strict=args.strict, echo=_echo)
    except PermissionError as exc:
        where = Path(exc.filename).parent if exc.filename else None
        _echo(
            f"\nmake data: cannot write {_label(where) + '/' if where else 'the output'}: the folder is not "
            f"writable ({exc.strerror}). Make it writable (or work in a writable copy) and rerun. Nothing was changed.",
            err=True,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
