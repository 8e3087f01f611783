"""Whether data/raw/ still holds the data as committed (see the ``shipped_data`` marker in tests/conftest.py)."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path


def changed_files(root: Path) -> tuple[str, ...]:
    """The files of data/raw/ whose bytes differ from the committed provenance record (or are not in it).

    The record is ``data/datapackage.json`` as committed (git HEAD); an import rewrites both the files
    and the working copy of the record, so the committed one is what tells. Without git history the
    working record is used (it still catches a file changed by hand)."""
    try:
        text = subprocess.run(
            ["git", "show", "HEAD:data/datapackage.json"], cwd=root, capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        text = (root / "data" / "datapackage.json").read_text(encoding="utf-8")
    recorded = {r["path"]: r.get("hash", "").removeprefix("sha256:") for r in json.loads(text)["resources"]}
    data = root / "data"
    present = {
        str(p.relative_to(data)) for p in (data / "raw").rglob("*") if p.is_file() and p.suffix in {".csv", ".geojson"}
    }
    changed = []
    for rel in sorted(present | set(recorded)):
        path = data / rel
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
        if digest != recorded.get(rel):
            changed.append(rel)
    return tuple(changed)
