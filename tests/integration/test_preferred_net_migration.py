"""One headline for the Northeast's net migration 2010–2020 (issue 23).

Reads ``build/results`` and ``build/tables`` of a freshly built copy and the report sources
``report/*.qmd``. Checks that

- the preferred estimate recorded once (``migration_checks.preferred_*``) is the estimate of the
  ratio set and variant it names, and that the range holds every reading the report calls plausible
  (the zero-sum sets × variants, the coverage readings and the conservative estimate);
- the abstract quotes the preferred estimate;
- every paragraph that quotes another reading of the Northeast's net migration (the national-ratio
  forward figures of notebook 01, or a named variant of notebook 03) names that variant in words;
- every table showing the national-ratio forward figure names the forward variant.
"""

from __future__ import annotations

import json
import re

import pytest

from neoutflow import paths
from neoutflow.outputs import derived
from neoutflow.outputs.migration_figures import VARIANT_ZH

REPORT = paths.ROOT / "report"
# notebook 01's figures for the Northeast: national ratios, forward variant
FORWARD_KEYS = {
    "outflow.ne_net_migration_10plus",
    "outflow.ne_net_migration_all_ages",
    "outflow.ne_young_adult_net_migration",
    "outflow.ne_net_migration_rate",
}
# notebook 03's named readings: ne_<set>_<variant>[_young|_old_share]
NAMED = re.compile(r"^migration_checks\.ne_[a-z_]+?_(forward|reverse|average)(_young|_old_share)?$")


@pytest.fixture(scope="module")
def results(built_project):
    out = {}
    for p in (built_project / "build" / "results").glob("*.json"):
        out |= {f"{p.stem}.{k}": r for k, r in json.loads(p.read_text(encoding="utf-8")).items()}
    return out


def _paragraphs():
    for p in sorted(REPORT.glob("*.qmd")):
        for para in re.split(r"\n\s*\n", p.read_text(encoding="utf-8")):
            yield p.name, para


def test_preferred_estimate_is_the_named_reading(results):
    s = results["migration_checks.preferred_set"]["value"]
    v = results["migration_checks.preferred_variant"]["value"]
    assert results["migration_checks.preferred_net"]["value"] == results[f"migration_checks.ne_{s}_{v}"]["value"]
    assert (
        results["migration_checks.preferred_young"]["value"] == results[f"migration_checks.ne_{s}_{v}_young"]["value"]
    )


def test_range_holds_every_plausible_reading(results):
    lo, hi = results["migration_checks.ne_range_min"]["value"], results["migration_checks.ne_range_max"]["value"]
    readings = [
        results[f"migration_checks.ne_{s}_{v}"]["value"]
        for s in ("national", "differential")
        for v in ("forward", "reverse", "average")
    ]
    readings += [results[k]["value"] for k in ("migration_checks.ne_coverage_0", "migration_checks.ne_coverage_2")]
    readings += [
        results["migration_checks.conservative_estimate"]["value"],
        results["migration_checks.preferred_net"]["value"],
    ]
    assert all(lo - 1e-6 <= r <= hi + 1e-6 for r in readings), (lo, hi, readings)
    assert min(readings) == pytest.approx(lo) and max(readings) == pytest.approx(hi)
    ylo, yhi = (results[f"migration_checks.ne_young_range_{e}"]["value"] for e in ("min", "max"))
    young = [
        results[k]["value"] for k in ("migration_checks.ne_coverage_0_young", "migration_checks.ne_coverage_2_young")
    ]
    young.append(results["migration_checks.preferred_young"]["value"])
    assert all(ylo - 1e-6 <= y <= yhi + 1e-6 for y in young)


def test_the_abstract_and_the_821_comparison_quote_the_preferred_estimate():
    abstract = (REPORT / "_abstract.qmd").read_text(encoding="utf-8")
    assert "migration_checks.preferred_net" in derived.quoted_keys(abstract)
    assert "migration_checks.paper_range_word" in derived.quoted_keys(abstract)
    outflow = (REPORT / "_03_outflow.qmd").read_text(encoding="utf-8")
    section = outflow[outflow.index("{#sec-outflow-821}") : outflow.index("{#sec-outflow-all}")]
    keys = derived.quoted_keys(section)
    assert {"migration_checks.preferred_net", "migration_checks.ne_range_min", "migration_checks.ne_range_max"} <= keys
    assert "migration_checks.paper_range_word" in keys


def test_every_other_reading_names_its_variant():
    problems = []
    for name, para in _paragraphs():
        keys = derived.quoted_keys(para)
        text = derived.VAR.sub("", para)
        if keys & FORWARD_KEYS and not ("前向" in text or "forward" in text):
            problems.append(f"{name}: {sorted(keys & FORWARD_KEYS)} without naming the forward variant\n  {para[:120]}")
        for key in keys:
            m = NAMED.match(key)
            if m and VARIANT_ZH[m.group(1)] not in text:
                problems.append(f"{name}: {key} without naming {VARIANT_ZH[m.group(1)]}\n  {para[:120]}")
    assert not problems, "\n".join(problems)


def test_tables_showing_the_forward_figure_name_it(results, built_project):
    shown = results["outflow.ne_net_migration_10plus"]["value"] / 1e4
    value = f"{shown:,.1f}"
    tables = [p for p in (built_project / "build" / "tables").glob("*.md") if value in p.read_text(encoding="utf-8")]
    assert tables, f"no table shows the forward figure {value}"
    unnamed = [p.name for p in tables if "前向" not in p.read_text(encoding="utf-8")]
    assert not unnamed, f"tables showing {value} without naming the forward variant: {unnamed}"


def test_the_check_rejects_an_unnamed_forward_figure():
    para = "东北的净迁移为 {{< var outflow.ne_net_migration_10plus >}}。"
    keys = derived.quoted_keys(para)
    assert keys & FORWARD_KEYS and "前向" not in derived.VAR.sub("", para)
