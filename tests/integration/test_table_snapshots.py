"""Snapshots of every table the report publishes, so a changed number shows as a readable diff.

Each table of ``build/tables/`` that a chapter includes is compared with its committed copy in
``tests/integration/__snapshots__/test_table_snapshots/`` (one Markdown file per table: ``git diff`` shows
the changed rows). A change on purpose (new data, a corrected method) is recorded with

    make test PYTEST_ARGS="tests/integration/test_table_snapshots.py --snapshot-update"

and committed with the change that caused it. Left out: the appendix's ``repro_*`` tables (checksums,
software versions, the commit), which change with every commit and are checked by the appendix tests.
"""

from __future__ import annotations

import re

import pytest
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from neoutflow import paths

pytestmark = pytest.mark.shipped_data  # the numbers are those of the shipped data


class MarkdownTable(SingleFileSnapshotExtension):
    _write_mode = WriteMode.TEXT
    file_extension = "md"


def published_tables() -> list[str]:
    """The tables the report's chapters include (``{{< include ../build/tables/NAME.md >}}``)."""
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(paths.REPORT.glob("*.qmd")))
    return sorted(set(re.findall(r"build/tables/([a-z0-9_]+)\.md", text)))


TABLES = [name for name in published_tables() if not name.startswith("repro_")]


def test_the_report_publishes_tables():
    assert len(TABLES) >= 20, TABLES


@pytest.mark.parametrize("name", TABLES)
def test_published_table(built_project, snapshot, name):
    text = (built_project / "build" / "tables" / f"{name}.md").read_text(encoding="utf-8")
    assert text == snapshot(extension_class=MarkdownTable)
