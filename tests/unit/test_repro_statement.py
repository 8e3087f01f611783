"""The data-availability statement, the data table of the appendix and its notebook list come from one
source list each: ``data/datapackage.json`` (statement and table) and the build's manifests (notebooks)."""

from __future__ import annotations

import json
import re

from neoutflow.pipeline import repro


def test_statement_counts_the_repositories_the_table_names():
    table = repro.data_table()
    named = set()
    for row in table.splitlines()[2:]:
        cells = [c.strip() for c in row.strip("|").split("|")]
        if len(cells) == 4:
            named.update(c.replace("\u200b", "").replace("\\_", "_") for c in cells[2].split("；") if c != "—")
    statement = repro.data_statement()
    assert f"读取的是 {len(named)} 个公开仓库" in statement, (named, statement)
    assert "@tbl-repro-data" in statement and "/" not in statement  # names live in the table, not the prose


def test_notebook_list_names_every_notebook_run(tmp_path):
    for name in ("01_a", "02_b", "03_c"):
        (tmp_path / f"{name}.json").write_text(json.dumps({"notebook": f"notebooks/{name}.ipynb"}), encoding="utf-8")
    sentence = repro.notebooks_sentence(tmp_path)
    assert sentence.startswith("本次构建运行了 3 个 notebook")
    assert re.findall(r"\[(\w+)\]\(notebooks/\1\.html\)", sentence) == ["01_a", "02_b", "03_c"]
