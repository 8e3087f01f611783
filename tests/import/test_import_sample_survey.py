"""``make import … KIND=sample-survey``: a 1% sample survey communiqué's province table → census_totals.csv.

SYNTHETIC DATA, FOR TESTS ONLY: the table is made from the committed 2020 census totals (the Northeast −4 %,
the other provinces +1 %; ``official_files.survey_table``).
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from data_helpers import dp, raw, tree_digest
from official_files import survey_table

from neoutflow.data import importer, load, preflight, provenance
from neoutflow.data.files import RAW_FILES

READ = {"dtype": {"code": str}, "keep_default_na": False}
DATE = "2026-03-01"


def run(root, file, **kw):
    lines: list[str] = []
    p = importer.run(file, raw_dir=raw(root), datapackage=dp(root), date=DATE, echo=lines.append, **kw)
    return p, "\n".join(lines)


def totals(root) -> pd.DataFrame:
    return pd.read_csv(raw(root) / RAW_FILES["census_totals"], **READ)


def test_survey_table_is_detected_imported_with_provenance_and_marks_the_part(project, tmp_path):
    f = survey_table(project, tmp_path / "survey.csv")
    before = tree_digest(project / "data")
    p, text = run(project, f)
    assert p.source.kind == "sample-survey"  # detected by its title, not refused as communiqué table 3-1
    assert "province: 31 added (years 2025)" in text and tree_digest(project / "data") == before
    assert not preflight.availability(2010, 2020, raw(project))["survey"].available
    run(project, f, do_apply=True)
    t = totals(project).set_index(["code", "year"])
    base = t.loc[("220000", 2020), "population"]
    assert t.loc[("220000", 2025), "population"] == round(base * 0.96)
    assert t.loc[("220000", 2025), "source"] == "sample_survey_2025"
    assert t.loc[("220000", 2025), "boundary"] == "as enumerated"
    assert ("100000", 2025) not in t.index  # the national row is checked by name and not stored
    load._cache.clear()
    load.validate_all(raw(project), echo=lambda *a, **k: None)
    assert provenance.check_record(dp(project), raw(project)) == ([], [])
    res = {r["name"]: r for r in json.loads(dp(project).read_text(encoding="utf-8"))["resources"]}
    (entry,) = res["census_totals"]["imports"]
    assert entry["kind"] == "sample-survey" and entry["added"] == 31 and entry["imported"] == DATE
    assert preflight.availability(2010, 2020, raw(project))["survey"].available


def test_survey_table_in_wan_is_converted_and_the_year_comes_from_the_title(project, tmp_path):
    f = survey_table(project, tmp_path / "table.csv", unit="万人", scale=1e4)
    p, _ = run(project, f, do_apply=True)
    t = totals(project).set_index(["code", "year"])["population"]
    assert t[("210000", 2025)] == pytest.approx(t[("210000", 2020)] * 0.96, abs=100)  # printed to 0.01 万


def test_survey_year_must_be_known(project, tmp_path):
    f = survey_table(project, tmp_path / "table.csv")
    lines = f.read_text(encoding="utf-8-sig").splitlines()
    lines[0] = lines[0].replace("2025年", "")
    f.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    before = tree_digest(project / "data")
    with pytest.raises(importer.YearError, match="--year"):
        run(project, f, kind="sample-survey")
    assert tree_digest(project / "data") == before
    p, _ = run(project, f, kind="sample-survey", year=2025)
    assert p.counts() == {("census_totals", "province"): (31, 0, 0)}
