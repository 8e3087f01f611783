"""The 资料来源 lines (outputs.sources): a table's line cites files of the provenance record through
``{{< var sources.* >}}`` and follows its note; the publications of a topic are named from the record's
source titles, not typed in."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from neoutflow import paths
from neoutflow.outputs import sources
from neoutflow.outputs import tables as rt


def test_a_citation_names_each_file_once_through_the_release_values():
    line = sources.citation(["census_population", "province_series", "census_population"])
    assert line == "资料来源：{{< var sources.census_population >}}；{{< var sources.province_series >}}。"


@pytest.mark.parametrize("names", [[], ["no_such_file"]])
def test_a_citation_refuses_what_the_record_does_not_hold(names):
    with pytest.raises(ValueError, match="provenance record"):
        sources.citation(names)


def test_a_tables_source_line_follows_its_note():
    table = pd.DataFrame({"地区": ["辽宁"], "值": ["1.0"]})
    text = rt.to_markdown(table, "标题", "demo", "注：说明。", ["census_totals"])
    caption, note, line = text.split("\n\n")[1:4]
    assert caption.startswith(": 标题 {#tbl-demo}")
    assert note.strip() == "注：说明。" and line.strip() == "资料来源：{{< var sources.census_totals >}}。"


def test_every_topic_is_named_from_the_record():
    named = sources.topic_sources()
    assert named["industry_tables"] == "《中国2010年人口普查分县资料》《中国人口普查分县资料—2020》"
    record = json.loads(paths.DATAPACKAGE.read_text(encoding="utf-8"))
    titles = " ".join(s["title"] for r in record["resources"] for s in r.get("sources", []))
    assert all(book in titles for book in named["industry_tables"].replace("》", "》\n").split())


def test_a_topic_without_a_source_is_an_error(tmp_path):
    record = json.loads(paths.DATAPACKAGE.read_text(encoding="utf-8"))
    for r in record["resources"]:
        if r["name"] == "census_indicators":
            r["sources"] = [s for s in r["sources"] if "industry" not in s["title"]]
    path = tmp_path / "datapackage.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValueError, match="covering 'industry'"):
        sources.topic_sources(path)


def test_the_results_set_holds_every_file_and_topic(tmp_path):
    written = json.loads(sources.write(tmp_path).read_text(encoding="utf-8"))
    keys = set(written.get("values", written))
    assert {"census_population", "boundaries_basemap", "industry_tables"} <= keys
