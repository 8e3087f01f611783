"""How long a build step took: wall-clock and CPU seconds, as the build prints them.

CPU time is this process's user + system time plus that of the children it has waited
for (the notebook's kernel, pandoc), so on a shared machine a step's own cost can be told
apart from time spent waiting for a core. ``make bench`` reads these lines.
"""

from __future__ import annotations

import os
import time


def cpu_seconds() -> float:
    """User + system CPU seconds of this process (all threads) and its reaped children."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class Stopwatch:
    """Started when made; ``str()`` gives ``'4.2 s (cpu 3.9 s)'`` since then."""

    def __init__(self) -> None:
        self.wall_start = time.perf_counter()
        self.cpu_start = cpu_seconds()

    @property
    def wall(self) -> float:
        return time.perf_counter() - self.wall_start

    @property
    def cpu(self) -> float:
        return cpu_seconds() - self.cpu_start

    def __str__(self) -> str:
        return f"{self.wall:.1f} s (cpu {self.cpu:.1f} s)"
