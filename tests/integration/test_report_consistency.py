"""Every derived number the report quotes: re-derived from its components, and quoted with them.

Reads ``build/results/*.json`` of a freshly built copy and the
report sources ``report/*.qmd``. The registry is
:data:`neoutflow.outputs.derived.DERIVED`; the recording code computes each
derived value from it, this test recomputes it independently from the saved
results and checks that each paragraph quoting a derived number also quotes
the components it was computed from (so a share cannot sit next to a total it
was not computed from). The ``BROKEN`` fixtures are the sentences of issue 14
as they were: the checks must reject each of them.
"""

from __future__ import annotations

import json
import math
import re

import pytest

from neoutflow import paths
from neoutflow.outputs import derived

REPORT = paths.ROOT / "report"

# The four inconsistencies of issue 14, as the report had them.
BROKEN = {
    # §3.1: a difference whose components (the survival-ratio total with the children) are not named
    "methods_difference": (
        "按存活比法，净迁移为 {{< var outflow.ne_net_migration_10plus >}}；残差法给出 "
        "{{< var outflow.ne_residual_net_migration >}}。两种方法的差距（{{< var outflow.ne_methods_difference >}}）"
        "主要来自期间出生儿童的迁移（粗估为 {{< var outflow.ne_child_net_migration >}}）。"
    ),
    # §3.4: a share of the 10+ total placed against the total with the children
    "share_against_other_total": (
        "两次普查之间东北三省的净迁移为 {{< var outflow.ne_net_migration_all_ages >}}（存活比法，含期间出生者粗估），"
        "其中 {{< var outflow.ne_young_adult_share >}} 是 {{< var outflow.end_year >}} 年 20–39 岁的青年。"
    ),
    # abstract: a ratio against the total with the children beside the 10+ figure
    "ratio_against_other_total": (
        "- **原文的“821万”**也不是十年净迁移（存活比法 {{< var outflow.ne_net_migration_10plus >}}，"
        "只相当于其 {{< var outflow.paper_to_net_outflow_ratio >}} 倍）。"
    ),
}
# §4.5: a within R² quoted from a table that shows only the overall R²
BROKEN_TABLE = "| 变量 | (1) 基准 |\n|---|---|\n| 样本量 N | 283 |\n| R² | 0.761 |\n| 调整后 R² | 0.737 |\n"


@pytest.fixture(scope="module")
def built(built_project):
    return built_project


@pytest.fixture(scope="module")
def results(built):
    results_dir = built / "build" / "results"
    return {
        f"{nb}.{k}": r
        for p in sorted(results_dir.glob("*.json"))
        for nb in [p.stem]
        for k, r in json.loads(p.read_text(encoding="utf-8")).items()
    }


def _report_text() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(REPORT.glob("*.qmd"))}


def _rederive(key: str, results: dict) -> tuple[float, float]:
    formula, components = derived.DERIVED[key]
    return results[key]["value"], derived.evaluate(formula, [results[c]["value"] for c in components])


@pytest.mark.parametrize("key", sorted(derived.DERIVED))
def test_derived_value_rederives_from_its_components(results, key):
    missing = [k for k in [key, *derived.DERIVED[key][1]] if k not in results]
    assert not missing, f"{key}: not in build/results: {missing}"
    recorded, again = _rederive(key, results)
    assert math.isclose(recorded, again, rel_tol=1e-9, abs_tol=1e-9), (
        f"{key}: recorded {recorded}, components give {again}"
    )


def test_english_displays_carry_the_same_values(results):
    for key in [k for k in results if k.endswith(derived.ENGLISH_SUFFIX)]:
        base = key.removesuffix(derived.ENGLISH_SUFFIX)
        if base in results:
            assert results[key]["value"] == results[base]["value"], key


def test_report_paragraphs_quote_the_components_of_derived_numbers():
    problems = [
        f"{name}: {key} without {missing}\n  {para[:160]}"
        for name, text in _report_text().items()
        for key, missing, para in derived.unquoted_components(text)
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_check_rejects_the_broken_sentences(case):
    assert derived.unquoted_components(BROKEN[case]), f"the check accepts the broken sentence {case!r}"


def test_check_accepts_the_fixed_sentences():
    fixed = (
        "两次普查之间东北三省的净迁移为 {{< var outflow.ne_net_migration_all_ages >}}，其中 "
        "{{< var outflow.ne_young_adult_net_migration >}} 是青年，占这一合计的 "
        "{{< var outflow.ne_young_adult_share_all_ages >}}。"
    )
    assert derived.unquoted_components(fixed) == []


def _table_shows(table_md: str, row_label: str, display: str) -> bool:
    """A row of the Markdown table labelled ``row_label`` with a cell printing ``display``."""
    for row in table_md.splitlines():
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        if row.startswith("|") and cells[0] == row_label and display in cells[1:]:
            return True
    return False


@pytest.mark.parametrize("key", sorted(derived.IN_TABLE))
def test_values_quoted_from_a_table_are_in_the_table(results, built, key):
    name, row_label = derived.IN_TABLE[key]
    table = built / "build" / "tables" / f"{name}.md"
    assert table.exists(), f"{table} missing: run make report first"
    assert _table_shows(table.read_text(encoding="utf-8"), row_label, results[key]["display"]), (
        f"{key} = {results[key]['display']} is quoted by the report but not in the row {row_label!r} of {table.name}"
    )


def test_table_check_rejects_a_table_without_the_within_r2():
    name, row_label = derived.IN_TABLE["determinants.pref_r2_within"]
    assert not _table_shows(BROKEN_TABLE, row_label, "0.678")
    assert _table_shows(BROKEN_TABLE + "| 组内 R² | 0.678 |\n", row_label, "0.678")


def test_abstract_numbers_appear_in_the_body():
    """Every result the abstract prints is printed in the body too (so it cannot say more)."""
    texts = _report_text()
    abstract = derived.quoted_keys(texts.pop("_abstract.qmd"))
    body = set().union(*(derived.quoted_keys(t) for t in texts.values()))
    english = {k for k in abstract if k.endswith(derived.ENGLISH_SUFFIX)}
    # a composed clause stands for its parts, which quoted_keys adds and the body must print
    missing = sorted(abstract - english - set(derived.COMPOSED) - body)
    assert not missing, f"the abstract quotes results the body does not: {missing}"


def test_no_typed_numbers_beside_results_in_the_abstract():
    """The abstract's numbers come from results: no digits outside {{< var >}} except years in words."""
    text = derived.VAR.sub("", (REPORT / "_abstract.qmd").read_text(encoding="utf-8"))
    text = re.sub(r"\[@[^\]]+\]|@sec-[\w-]+", "", text)
    typed = re.findall(r"\d+(?:[.,]\d+)?", text)
    allowed = {"20", "39", "31", "10", "95", "5"}  # age bounds, province count, interval and test levels
    assert set(typed) <= allowed, f"typed numbers in the abstract: {sorted(set(typed) - allowed)}"


def test_direction_words_follow_the_sign_of_their_values(results):
    """降至/升至, 减少/增加, 高于/低于 …: each word the report quotes agrees with the values it speaks of."""
    from directions import DIRECTIONS, wrong_directions

    assert not set(DIRECTIONS) - set(results), "direction words not recorded: " + str(set(DIRECTIONS) - set(results))
    assert not wrong_directions(results), "\n".join(wrong_directions(results))


@pytest.mark.parametrize(("code", "key"), [("210000", "liaoning"), ("220000", "jilin"), ("230000", "heilongjiang")])
def test_projection_old_age_schedule_is_the_net_migration_chapters(results, code, key):
    # issue 23/24: the projection's 40+ migration carries the chapter's ruling, so its expected rates are that
    # chapter's, not a second fit
    for band, chapter in (("middle", "a4059_expected"), ("old", "a60_expected")):
        ours = results[f"projection.old_sched_{band}_expected_{key}"]["value"]
        theirs = results[f"migration_checks.{chapter}_{code}"]["value"]
        assert ours == pytest.approx(theirs, rel=1e-9)
