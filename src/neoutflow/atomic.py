"""Atomic file writes: write beside the target, then rename over it.

A reader (make, Quarto, a user) never sees a half-written file, and a failed
write leaves the previous file as it was. ``if_changed`` keeps a file that
already holds the same content untouched, so its timestamp does not make
``make`` rebuild what depends on it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replacing(path: Path | str) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success it replaces ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    try:
        yield tmp
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes(path: Path | str, data: bytes, if_changed: bool = False) -> bool:
    """Write ``data`` to ``path`` atomically; return False if skipped as unchanged."""
    path = Path(path)
    if if_changed and path.is_file() and path.read_bytes() == data:
        return False
    with replacing(path) as tmp:
        tmp.write_bytes(data)
    return True


def write_text(path: Path | str, text: str, encoding: str = "utf-8", if_changed: bool = False) -> bool:
    """Write ``text`` to ``path`` atomically; return False if skipped as unchanged."""
    return write_bytes(path, text.encode(encoding), if_changed=if_changed)
