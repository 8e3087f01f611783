"""Fixtures of the data tests."""

from __future__ import annotations

import pytest
from data_helpers import copy_project_data

from neoutflow.data import load


@pytest.fixture
def project(tmp_path):
    """A scratch copy of the project's data (``data/``, ``params.yaml``); the loaders' cache cleared around it."""
    root = copy_project_data(tmp_path / "project")
    load._cache.clear()
    yield root
    load._cache.clear()
