"""Shared fixtures and the test groups. Tests run inside .venv (``make test``).

The folder a test lives in is its group, set here once as a marker:
``tests/unit`` (pure functions, synthetic data), ``tests/data`` (the shipped
extracts and their validation), ``tests/integration`` (real papermill runs,
renders and whole builds; also marked ``slow``). ``make test-fast`` runs unit +
data; ``make test`` runs everything. Test support code (scratch project copies,
data helpers) lives in ``tests/support`` and is importable from every test.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
sys.path.insert(0, str(Path(__file__).parent / "support"))
# This checkout's package source first, whichever checkout .venv was installed from (as the Makefile does).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import pytest  # noqa: E402

from neoutflow import paths  # noqa: E402

GROUPS = ("unit", "data", "integration")


def pytest_collection_modifyitems(config, items):
    tests_dir = Path(__file__).parent
    for item in items:
        group = Path(item.fspath).relative_to(tests_dir).parts[0]
        if group not in GROUPS:
            raise pytest.UsageError(f"{item.nodeid}: tests live in tests/{{{','.join(GROUPS)}}}/")
        item.add_marker(getattr(pytest.mark, group))
        if group == "integration":
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def root():
    return paths.ROOT


@pytest.fixture(scope="session")
def shared_sources():
    """../shared/sources, or skip: users' clones do not have it."""
    if not paths.SHARED_SOURCES.is_dir():
        pytest.skip(f"{paths.SHARED_SOURCES} is absent (only developers have it)")
    return paths.SHARED_SOURCES
