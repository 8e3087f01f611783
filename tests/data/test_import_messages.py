"""Messages that name what was expected and what to do (issue #29, item 7), on temporary copies.

SYNTHETIC DATA, FOR THESE TESTS ONLY: the files below are written by the tests.
"""

from __future__ import annotations

import datetime

import pytest

from neoutflow import paths
from neoutflow.data import importer
from neoutflow.data.importer.core import check_year


def test_a_future_year_names_the_override_and_the_readme_documents_it(monkeypatch):
    monkeypatch.delenv("NEOUTFLOW_LATEST_YEAR", raising=False)
    year = datetime.date.today().year + 4
    with pytest.raises(importer.YearError) as err:
        check_year(year, "表.xlsx")
    msg = str(err.value)
    assert f"NEOUTFLOW_LATEST_YEAR={year} make import" in msg and "表.xlsx" in msg
    monkeypatch.setenv("NEOUTFLOW_LATEST_YEAR", str(year))
    assert check_year(year, "表.xlsx") == year
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    at = readme.index("outside the plausible range")  # where the README explains the year check
    assert "NEOUTFLOW_LATEST_YEAR=2030 make import" in readme[at : at + 600]
    assert "NEOUTFLOW_LATEST_YEAR" in (paths.DATA / "README.md").read_text(encoding="utf-8")
