"""One built copy of the project per test session.

The tests that check the report's text and numbers must not depend on whether
the developer happened to run ``make report`` in the checkout: they read a
scratch copy built once per session (``make report`` in a copy, as a user would).
Every integration test that only reads outputs reads this one (``built_project``;
do not change it); a test that changes inputs works in a copy of it
(``project_copy.copy_built``), so the session makes one cold build of the project,
not one per module.

``NEOUTFLOW_TEST_BUILT=DIR`` reuses a project a previous session built (e.g.
``/tmp/pytest-of-$USER/pytest-N/built0/project``) when iterating on tests that read
outputs; it must be up to date (``make -q report`` there), else the session stops.
``make test`` uses it too: ``tests/support/run_suite.py`` makes the one build, then runs
the integration modules in two pytest processes side by side, both reading it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from project_copy import copy_project, run_make


@pytest.fixture(scope="session")
def built_project(tmp_path_factory):
    reuse = os.environ.get("NEOUTFLOW_TEST_BUILT")
    if reuse:
        dest = Path(reuse).resolve()
        proc = run_make(dest, "-q", "report")
        assert proc.returncode == 0, f"NEOUTFLOW_TEST_BUILT={reuse} is not an up-to-date build (make -q report)"
        return dest
    dest = copy_project(tmp_path_factory.mktemp("built") / "project")
    # the registry-only route, whether or not Quarto is installed (tests/integration/test_quarto.py
    # compares the Quarto route with it)
    proc = run_make(dest, "report", "ENGINE=pandoc")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return dest
