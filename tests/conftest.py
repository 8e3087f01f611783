"""Shared fixtures. Tests run inside .venv (``make test``)."""

from __future__ import annotations

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import pytest

from neoutflow import paths


@pytest.fixture(scope="session")
def root():
    return paths.ROOT


@pytest.fixture(scope="session")
def shared_sources():
    """../shared/sources, or skip: users' clones do not have it."""
    if not paths.SHARED_SOURCES.is_dir():
        pytest.skip(f"{paths.SHARED_SOURCES} is absent (only developers have it)")
    return paths.SHARED_SOURCES
