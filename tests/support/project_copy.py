"""Copy the project's tracked files to another folder, sharing the virtualenv.

Used by the pipeline tests and the build benchmark, which must build in a
scratch copy so that the user's own ``build/`` and ``_output/`` are never touched.
The copy links to this checkout's ``.venv`` (the Makefile's venv stamp is keyed by
the requirements' hash, so nothing is reinstalled) and imports its own ``src/``
through ``PYTHONPATH`` (set by the Makefile).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from neoutflow import paths

# Never copied: generated or machine-specific.
SKIP_DIRS = {".git", ".venv", "build", "_output", ".quarto", "__pycache__", ".pytest_cache", "processed"}


def tracked_files(root: Path) -> list[Path]:
    """Files git tracks (plus untracked, not ignored); a plain walk outside a checkout."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root,
            capture_output=True,
            check=True,
        ).stdout
        files = [Path(p) for p in out.decode().split("\0") if p]
    except (OSError, subprocess.CalledProcessError):
        files = [
            p.relative_to(root)
            for p in root.rglob("*")
            if p.is_file() and not SKIP_DIRS & set(p.relative_to(root).parts)
        ]
    return [f for f in files if (root / f).is_file() and not SKIP_DIRS & set(f.parts)]


def copy_project(dest: Path, root: Path | None = None, link_venv: bool = True) -> Path:
    """Copy the project into ``dest`` (created); return ``dest``."""
    root = Path(root or paths.ROOT)
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for rel in tracked_files(root):
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / rel, target)
    venv = root / ".venv"
    if link_venv and venv.is_dir() and not (dest / ".venv").exists():
        (dest / ".venv").symlink_to(venv.resolve())
    return dest


def copy_built(built: Path, dest: Path) -> Path:
    """A writable copy of a project already built (``built_project``): outputs, caches and file times kept,
    the ``.venv`` link kept as a link. For a test that changes inputs: its ``make`` then redoes only what
    the change reaches, as in a user's checkout, instead of a cold build of its own."""
    shutil.copytree(built, dest, symlinks=True)
    return Path(dest)


def run_make(project: Path, *targets: str, timeout: float = 1200) -> subprocess.CompletedProcess:
    """Run ``make`` in ``project`` as a user would, not as a sub-make of the caller.

    The caller's make variables and NEOUTFLOW_ROOT are dropped, so the copy's own
    Makefile, parameters and paths are in force. Output is captured, not checked.
    """
    drop = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "NEOUTFLOW_ROOT"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    return subprocess.run(
        ["make", "--no-print-directory", *targets],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
