"""One built copy of the project for the tests that read a finished report.

The tests that check the report's text and numbers must not depend on whether
the developer happened to run ``make report`` in the checkout: they read a
scratch copy built once per session (``make report`` in a copy, as a user would).
"""

from __future__ import annotations

import pytest
from project_copy import copy_project, run_make


@pytest.fixture(scope="session")
def built_project(tmp_path_factory):
    dest = copy_project(tmp_path_factory.mktemp("built") / "project")
    # the registry-only route, whether or not Quarto is installed (tests/integration/test_quarto.py
    # compares the Quarto route with it)
    proc = run_make(dest, "report", "ENGINE=pandoc")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return dest
