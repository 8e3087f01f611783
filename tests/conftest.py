"""Shared fixtures and the test groups. Tests run inside .venv (``make test``).

The folder a test lives in is its group, set here once as a marker:
``tests/unit`` (pure functions, synthetic data), ``tests/data`` (the shipped
extracts and their validation), ``tests/import`` (the importer's and the
extractor's round trips through official-table layouts; marked ``slow``),
``tests/integration`` (real papermill runs, renders and whole builds; also
marked ``slow``). ``make test-fast`` runs unit + data; ``make test`` runs
everything. Test support code (scratch project copies, data helpers) lives in
``tests/support`` and is importable from every test.

A test marked ``shipped_data`` checks values of the shipped ``data/raw/``; when
an import has changed those files since the committed provenance record
(``data/datapackage.json`` at git HEAD), it is skipped with a reason naming the
changed files instead of failing on a raw diff.
"""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
sys.path.insert(0, str(Path(__file__).parent / "support"))
# This checkout's package source first, whichever checkout .venv was installed from (as the Makefile does).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import pytest  # noqa: E402
from shipped import changed_files  # noqa: E402

from neoutflow import paths  # noqa: E402

GROUPS = ("unit", "data", "import", "integration")
SLOW_GROUPS = ("import", "integration")


def pytest_configure(config):
    config.addinivalue_line("markers", "import: the importer's and extractor's round trips (tests/import)")
    config.addinivalue_line(
        "markers", "shipped_data: checks values of the shipped data/raw (skipped, naming the files, after an import)"
    )
    config.addinivalue_line(
        "markers", "matrix: the report built for a matrix of configurations (tests/integration/test_config_matrix.py)"
    )


def pytest_collection_modifyitems(config, items):
    tests_dir = Path(__file__).parent
    for item in items:
        group = Path(item.fspath).relative_to(tests_dir).parts[0]
        if group not in GROUPS:
            raise pytest.UsageError(f"{item.nodeid}: tests live in tests/{{{','.join(GROUPS)}}}/")
        item.add_marker(getattr(pytest.mark, group))
        if group in SLOW_GROUPS:
            item.add_marker(pytest.mark.slow)


@cache
def changed_shipped_data() -> tuple[str, ...]:
    return changed_files(paths.ROOT)


def pytest_runtest_setup(item):
    if item.get_closest_marker("shipped_data") is None:
        return
    changed = changed_shipped_data()
    if changed:
        pytest.skip(
            f"data/{', data/'.join(changed)} changed since the committed data/datapackage.json (an import?): "
            "this test checks the shipped values. After a deliberate import, update its expected values "
            "(table snapshots: --snapshot-update) and commit them with the data; or restore the shipped data "
            "with `git checkout -- data/`."
        )


@pytest.fixture
def project(tmp_path):
    """A scratch copy of the project's data (``data/``, ``params.yaml``); the loaders' cache cleared around it.

    (The data and import tests' fixture; integration modules define their own ``project``.)"""
    from data_helpers import copy_project_data

    from neoutflow.data import load

    root = copy_project_data(tmp_path / "project")
    load._cache.clear()
    yield root
    load._cache.clear()


@pytest.fixture(scope="session")
def root():
    return paths.ROOT


@pytest.fixture(scope="session")
def shared_sources():
    """../shared/sources, or skip: users' clones do not have it."""
    if not paths.SHARED_SOURCES.is_dir():
        pytest.skip(f"{paths.SHARED_SOURCES} is absent (only developers have it)")
    return paths.SHARED_SOURCES
