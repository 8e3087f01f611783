"""The guard of the ``shipped_data`` tests: which data/raw files differ from the committed provenance record."""

from __future__ import annotations

import hashlib
import json
import subprocess

from shipped import changed_files


def _record(root, files):
    resources = [
        {"name": p.stem, "path": f"raw/{p.name}", "hash": "sha256:" + hashlib.sha256(p.read_bytes()).hexdigest()}
        for p in files
    ]
    (root / "data" / "datapackage.json").write_text(json.dumps({"resources": resources}), encoding="utf-8")


def test_an_import_is_named_and_the_committed_data_pass(tmp_path):
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    a, b = raw / "a.csv", raw / "b.csv"
    a.write_text("x\n1\n", encoding="utf-8")
    b.write_text("y\n2\n", encoding="utf-8")
    _record(tmp_path, [a, b])
    git = ["git", "-c", "user.email=t@example.org", "-c", "user.name=t"]
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "shipped"], cwd=tmp_path, check=True)
    assert changed_files(tmp_path) == ()
    # an import: a file rewritten and the working record updated with it; the committed record still tells
    a.write_text("x\n1\n3\n", encoding="utf-8")
    (raw / "c.csv").write_text("z\n", encoding="utf-8")
    _record(tmp_path, [a, b, raw / "c.csv"])
    assert changed_files(tmp_path) == ("raw/a.csv", "raw/c.csv")


def test_without_git_the_working_record_is_used(tmp_path):
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    a = raw / "a.csv"
    a.write_text("x\n1\n", encoding="utf-8")
    _record(tmp_path, [a])
    assert changed_files(tmp_path) == ()
    a.write_text("x\n2\n", encoding="utf-8")
    assert changed_files(tmp_path) == ("raw/a.csv",)
