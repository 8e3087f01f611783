"""Where the Quarto tests find Quarto: ``NEOUTFLOW_QUARTO`` (set by ``make test``, which installs
the test kit ``../shared/tools/quarto`` when it is present) or ``quarto`` on PATH.

Only the Quarto tests see it: the other tests' builds keep the engine they were written for.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

NO_QUARTO = (
    "neither Quarto (on PATH) nor the Quarto test kit (../shared/tools/quarto, installed by `make test`) is present"
)


def quarto() -> str | None:
    given = os.environ.get("NEOUTFLOW_QUARTO", "").strip()
    if given and Path(given).is_file():
        return given
    return shutil.which("quarto")


def skip_reason() -> str:
    error = os.environ.get("NEOUTFLOW_QUARTO_ERROR", "").strip()
    return f"{NO_QUARTO}; the kit failed to install: {error}" if error else NO_QUARTO


def quarto_env(base: dict | None = None) -> dict:
    """The environment with Quarto's folder first on PATH and the caller's make variables dropped."""
    drop = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "NEOUTFLOW_ROOT", "NEOUTFLOW_PIPELINE", "NEOUTFLOW_REEXEC"}
    env = {k: v for k, v in (base or os.environ).items() if k not in drop}
    q = quarto()
    if q:
        env["PATH"] = str(Path(q).parent) + os.pathsep + env.get("PATH", "")
    return env
