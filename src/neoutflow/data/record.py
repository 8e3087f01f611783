"""``python -m neoutflow.data.record``: validate ``data/raw/`` and record its checksums.

Run after a deliberate change to a raw file (a corrected figure, a new year):
the files are validated first and only valid files are recorded in
``data/datapackage.json``. ``--to-utf8`` first rewrites GBK or BOM files as
UTF-8; ``--check`` records nothing and exits 1 if a checksum differs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from neoutflow import paths
from neoutflow.data.load import validate_all
from neoutflow.data.provenance import check_record, to_utf8, update_hashes, write
from neoutflow.data.schemas import DataValidationError

RECORD_COMMAND = "python -m neoutflow.data.record"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog=RECORD_COMMAND, description=__doc__.splitlines()[0])
    ap.add_argument("--update", action="store_true", help="(the default) validate data/raw and record the checksums")
    ap.add_argument("--to-utf8", action="store_true", help="with --update: rewrite GBK/BOM CSVs as UTF-8 first")
    ap.add_argument("--check", action="store_true", help="exit 1 if a checksum differs")
    ap.add_argument("--raw-dir", type=Path, default=paths.RAW)
    ap.add_argument("--datapackage", type=Path, default=paths.DATAPACKAGE)
    args = ap.parse_args(argv)
    if not args.check:
        if args.to_utf8:
            for line in to_utf8(args.raw_dir):
                print(f"re-encoded {line}")
        try:
            validate_all(args.raw_dir)
        except DataValidationError as exc:
            print(f"\nnot recorded: {exc}", file=sys.stderr)
            return 1
        errors, _ = check_record(args.datapackage, args.raw_dir)
        if errors:  # missing, invented or edited entries: rewrite the whole record from the code
            write(args.datapackage, args.raw_dir)
            print("rewrote the record from the code: " + "; ".join(errors))
        changed = update_hashes(args.datapackage, args.raw_dir)
        print(
            f"recorded checksums in {args.datapackage}"
            + (f" (changed: {', '.join(changed)})" if changed else " (nothing changed)")
        )
        return 0
    errors, changed = check_record(args.datapackage, args.raw_dir)
    if errors:
        print(
            "the record differs from the code:\n" + "\n".join(f"  - {e}" for e in errors) + f"\n"
            f"after checking, re-record it with `{RECORD_COMMAND}`",
            file=sys.stderr,
        )
        return 1
    if changed:
        print(
            f"checksums differ from {args.datapackage}: {', '.join(changed)}\n"
            f"after checking the change, record it with `{RECORD_COMMAND}`",
            file=sys.stderr,
        )
        return 1
    print("checksums match")
    return 0


if __name__ == "__main__":
    sys.exit(main())
