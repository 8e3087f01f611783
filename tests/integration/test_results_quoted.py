"""Every result a notebook records is quoted by the report, or listed here as deliberately unquoted, with why.

``build/results/*.json`` holds more than the prose prints: the full record of every fitted specification,
every scenario in every year, the parts of each derived number. A record that no chapter quotes and no
family below accounts for is an orphan, left behind when the prose stopped quoting it (the press cells of
census table 7-3 were one: recorded, shipped and validated long after the report dropped them). A result
is accounted for when

- a chapter quotes it (``{{< var notebook.key >}}``; ``<key>_en`` quotes ``<key>``, a composed clause
  its parts: :func:`neoutflow.outputs.derived.quoted_keys`);
- it is a component of an accounted derived number (:data:`neoutflow.outputs.derived.DERIVED`), recorded so
  that tests/integration/test_report_consistency.py can re-derive the number;
- the conclusions read it for their verdicts (:data:`neoutflow.outputs.conclusions.RECOMMENDATIONS`);
- or it belongs to a family of :data:`UNQUOTED` (a pattern and the reason it is kept).

Every family must still match a record (a family nothing matches is stale and goes).
"""

from __future__ import annotations

import json
import re

import pytest

from neoutflow.outputs import conclusions, derived

V = r"[a-z0-9_]+"  # a variable, regressor or variant name inside a key
P = r"(?:liaoning|jilin|heilongjiang|ne)"  # a province of the study region, or the region
C = r"\d{6}"  # a region code
Y = r"\d{4}"  # a year

# notebook -> [(pattern of the key, why it is recorded although no chapter quotes it)]
UNQUOTED: dict[str, list[tuple[str, str]]] = {
    "availability": [
        (r"survey", "the survey part's availability: its sentence is printed through survey_pending"),
    ],
    "conclusions": [
        (rf"p_adj_{V}", "Holm-adjusted p-value of every test: the verdict table prints the smallest per group"),
        (r"rec_(pay|industry)_above_sentence", "printed only for the group whose counterfactual extrapolates"),
        (r"within_(net|young)_(wage|gdp)(_en)?", "the within-province word of each prefecture model and outcome"),
    ],
    "determinants": [
        (
            rf"{V}_(coef|se|p|sig|sig_en)_{V}",
            "every coefficient, standard error, p-value and significance word of every specification: the "
            "regression tables print them, the prose quotes the focal ones",
        ),
        (rf"{V}_(adj_r2|r2|r2_within|n|clusters)", "fit statistics of every specification: the regression tables"),
        (rf"cf_{V}", "counterfactual of every province, indicator group and interval bound: the counterfactual table"),
        (rf"{P}_{V}_vs_median", "each province's indicator against the national median: the counterfactual table"),
        (
            rf"region_{V}_vs_median(_clause)?",
            "the region against the national median, one word and one clause per indicator of the descriptive "
            "table: the prose quotes those of the indicators it discusses",
        ),
        (
            r"region_gap_explained_share",
            "the share of the region's gap the fundamentals explain: read by region_gap_sentence, which the prose "
            "quotes (a registered derived number, re-derived by the consistency test)",
        ),
        (rf"(loo|vif|wild|robust_outcomes)_{V}", "robustness and inference per regressor: the robustness tables"),
        (rf"persist_{V}_se", "standard errors of the persistence models: the persistence table"),
        (rf"pref_(dropped|n)_{V}", "prefecture sample accounting: the prefecture table's notes"),
        (
            rf"(series_year|vars|column)_{V}|wage_growth_end_year",
            "the regressor sets, table columns and data years (the yearly series, the end of the wage-growth "
            "period), kept with the estimates they label and date",
        ),
        (
            r"region_raw_(hc3_word|ri_agree|ri_sets)",
            "the inference checks of the unadjusted Northeast column, recorded by the loop that records the "
            "adjusted column's, which the prose quotes",
        ),
        (
            r"(cooks_max|cooks_max_province|cov_type|end_year|n_provinces|national_wage_method|regressor_set|"
            r"pref_outcome)",
            "settings and diagnostics of the run: the appendix and the tables' notes",
        ),
    ],
    "flows": [
        (
            rf"m[a-g]_{V}_(coef|se|p|sig|sign|high|low)|m[a-g]_(n|pseudo_r2)",
            "every term of every gravity model: the gravity tables print them",
        ),
        (rf"cf_{P}_{V}", "the flow counterfactual of every province and bound: the flow counterfactual table"),
        (rf"cmp_[bd]_o_{V}", "the comparison of each origin coefficient across census years: the comparison table"),
        (rf"gap_{V}", "each province's gap to the destinations: the gap table"),
        (rf"stock_{P}_{Y}(_sample)?", "birthplace stocks per province and census: the stock table"),
        (rf"stock_{P}_growth", "each province's change of its stock: read by origins_sentence, which the prose quotes"),
        (
            r"outside_top\d_(stock|growth)",
            "stock and growth of the five largest destinations: the destination table; the stocks are read by "
            "outside_top_list, which the prose quotes",
        ),
        (rf"within_pair_{Y}", "the largest within-region stock per census: read by within_pair_sentence (quoted)"),
    ],
    "migration_checks": [
        (
            rf"(ne|sum)_(national|registered|differential|differential_closed|e0)_{V}",
            "every survival-ratio variant (Northeast total, young, old share, zero sum): the appendix tables",
        ),
        (rf"(theta|theta_e0)_{V}", "mortality adjustment factors per province and sex: the appendix table"),
        (rf"(old_rate|old_share|young_rate)_{C}", "age-band rates per province: the age-benchmark table"),
        (rf"natural_growth_{C}_{V}", "natural growth per province: the residual table"),
        (rf"rc_{V}", "parameters of the fitted Rogers–Castro schedule: the schedule figure's note"),
        (
            r"ne_a60_net|ne_forward_reverse_gap|preferred_(set|variant|name_en)|stock_word(_national)?",
            "the preferred estimate's identity and checks behind the chosen wording",
        ),
    ],
    "outflow": [
        (
            rf"(liaoning|jilin|heilongjiang)_{V}",
            "every measure per province: the outflow tables print them, the prose names provinces only where "
            "they differ",
        ),
        (
            r"ne_(population_change_word|residual_net_migration_rate|young_adult_share_all_ages)",
            "Northeast alternatives of quoted figures (the change word beside the direction word, the residual "
            "method's rate, the young share of the total with the children), kept for the direction and "
            "derivation checks",
        ),
        (r"boundary_table_note|provinces_count|paper_to_net_outflow_10plus_ratio_verb", "table notes and wording"),
        (
            r"(birth|death)_rate_direction|vital_(rates|population)_(first|last)_year",
            "the years and direction words of the vital series: read by vital_paragraph, which the prose quotes",
        ),
        (
            r"report_title",
            "the title for the study region and its direction of net migration: the release step reads it and "
            "writes it into _availability.yml as the document's title",
        ),
    ],
    "prefecture_wages": [
        (
            rf"pw_(net|young)(_ne|_nosector|_region)?_"
            rf"((coef|se|p|low|high|dir|word|wild_word|wild_p|wild_p_webb|wild_p_rademacher)_{V}|n|clusters|r2_within)",
            "every term and fit statistic of both prefecture wage models (with the Northeast interaction, with "
            "the study region's interaction, without the sector share): the prefecture tables",
        ),
        (
            r"pw_(net|young)_region_interaction_word",
            "the verdict on the study region's wage interaction: read by interaction_sentence (quoted)",
        ),
        (
            r"n_region_(units|wage)|wage_(median|region_median|region_ratio)",
            "the region's prefecture and wage counts and medians: read by region_wage_sentence (quoted)",
        ),
        (rf"cfp_{C}_(nat|prov)(_low|_high)?", "the counterfactual of every Northeast prefecture: its map and table"),
        (
            r"cfp_(nat|prov)_(n|n_above|n_below|n_zero|mean|interval_sentence)",
            "where the prefecture counterfactuals' intervals lie under either reference: the prose quotes one",
        ),
        (
            rf"sc_(education|wage)_{V}_(median|n|n_excl|share_excl|share_pos|share_pos_excl|verdict)",
            "every slice of the specification curve: its figure and table",
        ),
        (r"end_year|wild_clusters|wild_reps", "settings of the run: the tables' notes"),
    ],
    "projection": [
        (
            rf"(base|high|low|mc|diff_{V})_{V}",
            "every projection variant, scenario, province and year: the projection tables",
        ),
        (rf"{P}_{V}_start|(bt|oos)_{V}", "the start populations and the back-test: the projection tables"),
        (rf"(e0exp|e0gap|srb|pay)_{V}", "life-table checks and the pay scenario per province: the projection tables"),
        (rf"(wpp|ssp2|ssp)_{V}|ne_share_{Y}", "the published benchmarks per year: the benchmark table"),
        (
            rf"(e0|e0pub)_{P}_(male|female)|survey_{P}_(projected|lo80|hi80)|"
            rf"(improvement|improvement_early|k|k_test|variant_old_k|natural_model|natural_observed|tfr|sd_mig|"
            rf"old_sched_scale|old_sched_(middle|old)_(expected|observed))_{P}",
            "each province's part of a listing the prose quotes (e0_list, tfr_list, k_list, survey_projected_list, "
            "…): the listing is composed from the recorded parts",
        ),
        (r"ne_vs_ssp2_word", "the calibrated baseline's decline against SSP2: read by ssp_sentence (quoted)"),
        (
            r"kids_word_(pay|retention)|lever_(all|births|pay|retention)|pay_(p_model|sig|variable)|"
            r"retention_(ages|share)|tfr_(increase|target_year)|tolerance",
            "scenario definitions: the scenario table",
        ),
    ],
    "sources": [
        (rf"{V}", "the source line of every data file: figures and tables print those of the files they draw"),
    ],
}


@pytest.fixture(scope="module")
def results(built_project) -> dict[str, dict]:
    return {
        f"{p.stem}.{k}": r
        for p in sorted((built_project / "build" / "results").glob("*.json"))
        for k, r in json.loads(p.read_text(encoding="utf-8")).items()
    }


def accounted(results: dict, report_dir) -> tuple[set[str], dict[str, list[str]]]:
    """(keys accounted for without a family, {family pattern: the unquoted keys it holds})."""
    quoted = set().union(*(derived.quoted_keys(p.read_text(encoding="utf-8")) for p in report_dir.glob("*.qmd")))
    done = quoted & set(results)
    grow = True
    while grow:  # the components of accounted derived numbers, and theirs
        parts = {c for k in done if k in derived.DERIVED for c in derived.DERIVED[k][1]} - done
        done |= parts & set(results)
        grow = bool(parts & set(results))
    read = {k for r in conclusions.RECOMMENDATIONS for t in r.tests for k in (t.coef, t.p, t.p_alt) if k}
    done |= read | {r.above for r in conclusions.RECOMMENDATIONS if r.above}
    families: dict[str, list[str]] = {}
    for key in sorted(set(results) - done):
        nb, name = key.split(".", 1)
        for pattern, _ in UNQUOTED.get(nb, []):
            if re.fullmatch(pattern, name):
                families.setdefault(f"{nb}: {pattern}", []).append(key)
                break
    return done, families


def test_every_result_is_quoted_or_listed(results, built_project):
    done, families = accounted(results, built_project / "report")
    listed = {k for keys in families.values() for k in keys}
    orphans = sorted(set(results) - done - listed)
    assert not orphans, (
        f"{len(orphans)} results no chapter quotes and no family of UNQUOTED lists (stop recording them, quote "
        "them, or list them with the reason they are kept):\n" + "\n".join(orphans)
    )


def test_every_family_still_lists_a_result(results, built_project):
    _, families = accounted(results, built_project / "report")
    stale = [f"{nb}: {p}" for nb, entries in UNQUOTED.items() for p, _ in entries if f"{nb}: {p}" not in families]
    assert not stale, "families of UNQUOTED that no unquoted result matches any more:\n" + "\n".join(stale)


def test_an_orphan_is_caught():
    """A record no chapter quotes and no family lists is reported (the press cells' shares as they were)."""
    from pathlib import Path

    results = {"migration_checks.press_share_ne": {}, "migration_checks.paper_ne_outflow": {}}
    done, families = accounted(results, Path(__file__).resolve().parents[2] / "report")
    assert "migration_checks.paper_ne_outflow" in done
    assert "migration_checks.press_share_ne" not in done and not families
