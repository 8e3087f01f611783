"""The import journal: an import changes ``data/raw/`` and its record together, or not at all.

``make import … APPLY=1`` replaces several files (the raw files it adds rows to, then
``data/datapackage.json`` with the import's entry). Before it replaces the first one it writes the
journal ``data/.import-journal/``: ``journal.json`` (the source file, its checksum, and for every file
to be replaced its checksum before and after) and ``before/``, a copy of each file as it was. The
folder is made complete under a temporary name and renamed into place, so it is either whole or
absent. Once the last file is replaced, the journal is removed.

A run killed in between (a kill, a power cut) leaves the journal. The next ``make import`` or
``make data`` rolls the interrupted import back: each file it had already replaced is restored from
``before/`` and the journal is removed, and they say so (the import is then simply run again). A file
whose content is neither the journal's "before" nor its "after" was changed by hand since; it is left
as it is and named. Nothing is ever silently kept half-imported.

For tests, ``NEOUTFLOW_FAULT`` kills the importing process at a fixed point (``after-journal``: the
journal written, no file replaced; ``after-raw-write``: the first raw file replaced, the record not).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
from pathlib import Path

from neoutflow import atomic

JOURNAL = ".import-journal"
FAULT_ENV = "NEOUTFLOW_FAULT"


def _sha(path: Path) -> str | None:
    from neoutflow.data.provenance import sha256

    return sha256(path) if path.is_file() else None


def fault(point: str) -> None:
    """Kill this process (SIGKILL: no clean-up runs) if ``NEOUTFLOW_FAULT`` names ``point``; tests only."""
    if os.environ.get(FAULT_ENV, "").strip() == point:
        os.kill(os.getpid(), signal.SIGKILL)


def journal_dir(data_dir: Path) -> Path:
    return Path(data_dir) / JOURNAL


def begin(data_dir: Path, source: dict, files: dict[Path, bytes]) -> Path:
    """Write the journal for replacing each of ``files`` (path → new content); returns its folder.

    ``source``: what is imported (file name, sha256, kind), stated if the import must be rolled back.
    """
    data_dir = Path(data_dir)
    final = journal_dir(data_dir)
    if final.exists():  # an earlier interrupted import: undo it first (the caller normally has)
        raise RuntimeError(f"{final} exists: an interrupted import must be rolled back first")
    tmp = data_dir / f"{JOURNAL}-{os.getpid()}.tmp"  # removed by atomic.remove_stale_staging if we die
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "before").mkdir(parents=True)
    entries = []
    for i, (path, content) in enumerate(files.items()):
        path = Path(path)
        saved = None
        if path.is_file():
            saved = f"before/{i}-{path.name}"
            shutil.copy2(path, tmp / saved)
        entries.append(
            {
                "path": os.path.relpath(path, data_dir),
                "before": _sha(path),
                "after": hashlib.sha256(content).hexdigest(),
                "saved": saved,
            }
        )
    (tmp / "journal.json").write_text(
        json.dumps({"source": source, "files": entries}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    tmp.replace(final)
    return final


def end(data_dir: Path) -> None:
    """The import is complete: remove the journal."""
    shutil.rmtree(journal_dir(data_dir), ignore_errors=True)


def recover(data_dir: Path) -> list[str]:
    """Roll back an import that was interrupted; returns what was done, one line each (empty: nothing to do)."""
    data_dir = Path(data_dir)
    atomic.remove_stale_staging(data_dir)  # an unfinished journal (.import-journal-<pid>.tmp) of a dead run
    folder = journal_dir(data_dir)
    if not folder.is_dir():
        return []
    try:
        record = json.loads((folder / "journal.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # cannot happen (the folder is renamed into place whole); say so
        raise RuntimeError(
            f"{folder}/journal.json is unreadable ({exc}); restore data/raw/ and data/datapackage.json "
            f"with `git checkout -- data/`, then remove {folder}"
        ) from None
    src = record.get("source", {})
    name = f"{src.get('file', '?')} (sha256 {str(src.get('sha256', ''))[:12]}…)"
    restored, untouched, by_hand = [], [], []
    for entry in record["files"]:
        path = data_dir / entry["path"]
        now = _sha(path)
        if now == entry["before"]:
            untouched.append(entry["path"])
        elif now == entry["after"]:
            if entry["saved"]:
                atomic.write_bytes(path, (folder / entry["saved"]).read_bytes())
            else:
                path.unlink()
            restored.append(entry["path"])
        else:
            by_hand.append(entry["path"])
    shutil.rmtree(folder)
    lines = [
        f"an import of {name} was interrupted before it finished; rolled back: "
        + (f"restored {', '.join(restored)} as they were before it" if restored else "it had replaced no file yet")
        + ". Nothing of it is kept; run the import again (make import FILE=… APPLY=1) to import it."
    ]
    if by_hand:
        lines.append(
            f"{', '.join(by_hand)} changed since the interrupted import (neither its old nor its new content): "
            f"left as it is, and treated as a hand edit"
        )
    return lines
