"""Fixtures of the unit tests."""

from __future__ import annotations

import matplotlib
import pytest

from neoutflow.outputs import style


@pytest.fixture(scope="module")
def report_style():
    """The report's figure style for a module of figure tests (``pytestmark = pytest.mark.usefixtures(...)``)."""
    matplotlib.use("Agg")
    style.use()
    yield
    matplotlib.pyplot.close("all")
