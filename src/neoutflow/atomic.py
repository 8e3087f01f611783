"""Atomic writes: single files (write beside, rename over) and staged folders.

A reader (make, Quarto, a user) never sees a half-written file, and a failed
write leaves the previous file as it was. ``if_changed`` keeps a file that
already holds the same content untouched, so its timestamp does not make
``make`` rebuild what depends on it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replacing(path: Path | str) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success it replaces ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")  # per process: concurrent writers never share one
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


# --- staged folders -------------------------------------------------------------------------
# Every multi-file output (data/processed/, a notebook's results/figures/tables,
# the rendered report) is built in a staging folder and published only when the
# whole step succeeded. The folder sits inside the destination's parent, so each
# publishing move is a rename on one filesystem (the report's is inside ``_output`` itself, which
# may be a mount of its own); its name carries the process id,
# so concurrent runs never share one and a later run can tell a dead run's leftovers.

STAGING_SUFFIX = ".staging"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_staging(parent: Path | str) -> list[Path]:
    """Remove staging folders in ``parent`` left by processes that no longer run."""
    removed = []
    for path in sorted(Path(parent).glob(f".*-*-*{STAGING_SUFFIX}")):
        try:
            pid = int(path.name.rsplit("-", 2)[-2])
        except (ValueError, IndexError):
            continue
        if path.is_dir() and not _pid_alive(pid):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    # what a killed publish leaves: .<name>-<pid>.old (swapped-out folder) and .<name>-<pid>.tmp (copy)
    for path in sorted([*Path(parent).glob(".*-*.old"), *Path(parent).glob(".*-*.tmp")]):
        try:
            pid = int(path.stem.rsplit("-", 1)[-1])
        except (ValueError, IndexError):
            continue
        if not _pid_alive(pid):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path)
    return removed


@contextmanager
def staging_dir(parent: Path | str, label: str) -> Iterator[Path]:
    """A new empty folder ``<parent>/.<label>-<pid>-<random>.staging``, removed on exit.

    Whatever was not published out of it by then (a failure, an interrupt) is
    discarded; leftovers of killed runs are removed by :func:`remove_stale_staging`.
    """
    parent = Path(parent)
    made = not parent.exists()
    parent.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(parent)
    tmp = Path(tempfile.mkdtemp(prefix=f".{label}-{os.getpid()}-", suffix=STAGING_SUFFIX, dir=parent))
    tmp.chmod(0o755)  # mkdtemp makes it private; the outputs are ordinary files
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if made:  # a folder made only to stage in is not left behind, empty, by a failed run
            with contextlib.suppress(OSError):
                parent.rmdir()


def _move(src: Path, dest: Path) -> None:
    """Rename, or copy then rename when ``dest`` is on another filesystem (a bind mount)."""
    try:
        src.replace(dest)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        tmp = dest.with_name(f".{dest.name}-{os.getpid()}.tmp")
        if src.is_dir():
            shutil.copytree(src, tmp)
        else:
            shutil.copy2(src, tmp)
        if dest.is_dir() and not dest.is_symlink():
            old = dest.with_name(f".{dest.name}-{os.getpid()}.old")
            dest.replace(old)
            tmp.replace(dest)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.replace(dest)


def publish(staged: Path | str, dest: Path | str, whole: bool = False) -> list[Path]:
    """Publish a staged folder's content to ``dest``; return the published paths.

    ``whole=True``: ``dest`` becomes the staged folder (the old ``dest`` is swapped
    out and removed), for outputs that are only valid together (data/processed/).
    Otherwise each entry of ``staged`` replaces the entry of the same name in
    ``dest`` and other entries of ``dest`` are kept (build/figures/, _output/).
    """
    staged, dest = Path(staged), Path(dest)
    if whole:
        old = dest.with_name(f".{dest.name}-{os.getpid()}.old")
        if dest.exists():
            dest.replace(old)
        try:
            _move(staged, dest)
        except BaseException:
            if old.exists() and not dest.exists():
                old.replace(dest)
            raise
        shutil.rmtree(old, ignore_errors=True)
        return [dest]
    dest.mkdir(parents=True, exist_ok=True)
    published = []
    for item in sorted(staged.iterdir()):
        target = dest / item.name
        swapped: Path | None = None
        if item.is_dir() and target.is_dir() and not target.is_symlink():
            # swapped out beside the target (same filesystem), removed once the new one is in place
            swapped = dest / f".{item.name}-{os.getpid()}.old"
            target.replace(swapped)
        try:
            _move(item, target)
        except BaseException:
            if swapped is not None and not target.exists():
                swapped.replace(target)
            raise
        if swapped is not None:
            shutil.rmtree(swapped, ignore_errors=True)
        published.append(target)
    return published
