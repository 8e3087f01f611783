"""A content-addressed cache for the render's slow, pure steps.

Compressing the HTML's figures, subsetting the web fonts (piece by piece) and
converting the executed notebooks to HTML depend only on their input
bytes (and the tools' versions), so their results are kept under
``build/.render-cache/<kind>/<sha256 of the inputs>``: a prose edit re-renders
without redoing them. The cache is an optimisation only: an
entry is the same bytes the step would compute, a missing or unreadable folder
just means computing, and ``make clean`` removes it with ``build/``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

_folder: Path | None = None


def use(folder: Path | None) -> None:
    """Cache under ``folder`` from now on (None: no cache)."""
    global _folder
    _folder = Path(folder) if folder is not None else None


def key(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def contains(kind: str, digest: str) -> bool:
    return _folder is not None and (_folder / kind / digest).is_file()


def memo(kind: str, digest: str, compute: Callable[[], bytes]) -> bytes:
    """The cached bytes for ``digest``, or ``compute()`` stored for next time."""
    if _folder is None:
        return compute()
    path = _folder / kind / digest
    try:
        return path.read_bytes()
    except OSError:
        pass
    data = compute()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")  # threads too
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError:
        pass  # a read-only build folder: no cache, same result
    return data


def memo_to_file(kind: str, digest: str, compute: Callable[[], bytes], dest: Path) -> Path:
    """Write the bytes :func:`memo` gives to ``dest``: a kept entry is copied as a file
    (nothing read into Python), otherwise ``compute()`` is stored and written."""
    if not copy_kept(kind, digest, dest):
        Path(dest).write_bytes(memo(kind, digest, compute))
    return dest


def copy_kept(kind: str, digest: str, dest: Path) -> bool:
    """Copy the kept entry to ``dest`` (nothing read into Python); False when there is none."""
    try:
        return _folder is not None and shutil.copyfile(_folder / kind / digest, dest) is not None
    except OSError:
        return False
