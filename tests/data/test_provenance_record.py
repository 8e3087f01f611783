"""The provenance record (data/datapackage.json) is a checked input of ``make data`` (issue 17).

Missing, edited or invented entries fail with a message saying what differs and the command that
re-records it; a deliberate, valid data change is still recorded with a note.
"""

from __future__ import annotations

import json
import shutil

import pytest
from data_helpers import copy_project_data, set_field

from neoutflow.data import make, record

RECORD = "python -m neoutflow.data.record"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = copy_project_data(tmp_path_factory.mktemp("prov") / "proj")
    assert _run(root)[0] == 0
    return root


@pytest.fixture
def project(built, tmp_path):
    dest = tmp_path / "proj"
    shutil.copytree(built, dest)
    return dest


def _run(root, strict=False):
    lines = []
    rc = make.run(
        root / "data" / "raw",
        root / "data" / "processed",
        root / "data" / "datapackage.json",
        strict=strict,
        echo=lambda m, err=False: lines.append(m),
    )
    return rc, "\n".join(lines)


def _edit(root, fn):
    p = root / "data" / "datapackage.json"
    dp = json.loads(p.read_text(encoding="utf-8"))
    fn(dp)
    p.write_text(json.dumps(dp, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _hash(dp):
    dp["resources"][1]["hash"] = "sha256:" + "0" * 64


def _invent(dp):
    dp["resources"].append(dict(dp["resources"][0], name="made_up", path="raw/made_up.csv"))


def _drop(dp):
    del dp["resources"][2]


def _describe(dp):
    dp["resources"][0]["description"] = "something else"


CASES = {
    "deleted": (lambda root: (root / "data" / "datapackage.json").unlink(), "missing"),
    "edited_hash": (lambda root: _edit(root, _hash), "the record was edited"),
    "invented": (lambda root: _edit(root, _invent), "'made_up' is not a raw file"),
    "dropped": (lambda root: _edit(root, _drop), "is missing from the record"),
    "edited_field": (lambda root: _edit(root, _describe), "description"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_record_fails_make_data_and_says_how_to_rerecord(project, case):
    corrupt, says = CASES[case]
    before = (project / "data" / "processed" / "manifest.json").read_bytes()
    corrupt(project)
    dp = project / "data" / "datapackage.json"
    dp_before = dp.read_bytes() if dp.exists() else None
    rc, msg = _run(project)
    assert rc == 1, msg
    assert says in msg and RECORD in msg, msg
    assert (project / "data" / "processed" / "manifest.json").read_bytes() == before
    assert (dp.read_bytes() if dp.exists() else None) == dp_before, "the record was silently rewritten"


@pytest.mark.parametrize("case", ["edited_hash", "invented", "dropped", "edited_field"])
def test_record_command_repairs_the_record(project, case, monkeypatch):
    CASES[case][0](project)
    dp = project / "data" / "datapackage.json"
    assert record.main(["--check", "--raw-dir", str(project / "data" / "raw"), "--datapackage", str(dp)]) == 1
    assert record.main(["--raw-dir", str(project / "data" / "raw"), "--datapackage", str(dp)]) == 0
    assert record.main(["--check", "--raw-dir", str(project / "data" / "raw"), "--datapackage", str(dp)]) == 0
    assert _run(project)[0] == 0


def test_valid_data_change_is_recorded_with_a_note(project):
    set_field(project / "data" / "raw" / "province_series.csv", "210000,2010,avg_wage,", "value", "34500")
    rc, msg = _run(project)
    assert rc == 0, msg
    assert "changed since the last record: province_series.csv" in msg
    assert _run(project, strict=True)[0] == 0  # recorded: nothing differs any more
