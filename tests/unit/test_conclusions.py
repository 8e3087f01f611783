"""The recommendation verdicts (outputs/conclusions.py) on synthetic results (made-up numbers, not data)."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest

from neoutflow.outputs import claims
from neoutflow.outputs import conclusions as cc


def _synthetic(overrides: dict | None = None) -> dict:
    """Every key the synthesis reads, with made-up values: all tests significant in the implied direction."""
    out: dict = {}
    for rec in cc.RECOMMENDATIONS:
        pairs = [(rec.above, 0)]
        for t in rec.tests:
            pairs += [(t.coef, 1.0 * t.sign), (t.p, 0.001), (t.p_alt, 0.001)]
        for key, value in pairs:
            if key:
                nb, name = key.split(".", 1)
                out.setdefault(nb, {})[name] = {"value": value}
    for model in ("net", "young"):
        for var in ("log_relative_wage_city", "log_gdp_per_capita_city"):
            out["prefecture_wages"][f"pw_{model}_coef_{var}"] = {"value": 1.0}
            out["prefecture_wages"][f"pw_{model}_wild_p_{var}"] = {"value": 0.001}
    for key, value in (overrides or {}).items():
        nb, name = key.split(".", 1)
        out[nb][name] = {"value": value}
    return out


def _displays(results: dict) -> dict:
    return {k: v["display"] for k, v in cc.synthesise(results).to_dict().items()}


def test_holm_matches_statsmodels():
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(7)
    cases = [[0.001, 0.04, 0.03, 0.2, 0.012, 0.5, 0.0049], [0.5], [0.01, 0.01, 0.01], list(rng.uniform(0, 0.1, 12))]
    for p in cases:
        np.testing.assert_allclose(cc.holm(p), multipletests(p, method="holm")[1], rtol=0, atol=1e-15)
    assert cc.holm([]) == []


def test_synthesis_on_synthetic_results():
    d = _displays(_synthetic())
    assert d["rec_pay_verdict"] == d["rec_industry_verdict"] == d["rec_education_verdict"] == claims.SUPPORT
    assert d["rec_pay_verdict_en"] == "supported" and d["within_net_wage"] == "得到确认"
    assert d["rec_pay_robust"] == "稳健"
    # the province wage coefficient not significant, the prefecture one of the wrong sign and significant
    d = _displays(
        _synthetic(
            {
                "determinants.wild_p_log_relative_wage": 0.10,
                "prefecture_wages.pw_net_coef_log_relative_wage_city": -2.0,
            }
        )
    )
    assert d["rec_pay_verdict"] == claims.UNDECIDED and d["rec_pay_n_against"] == "1"
    assert d["within_net_wage"] == "没有得到确认" and d["within_net_gdp"] == "得到确认"
    # only the prefecture wage coefficient not significant: partly supported, not supported
    d = _displays(_synthetic({"prefecture_wages.pw_net_wild_p_log_relative_wage_city": 0.5}))
    assert d["rec_pay_verdict"] == claims.PARTIAL and d["within_net_wage"] == "没有得到确认"
    # provinces above the reference: a caveat on the counterfactual, not a change of the association verdict
    d = _displays(_synthetic({"determinants.cf_education_above_count": 2}))
    assert d["rec_education_verdict"] == claims.SUPPORT and d["rec_education_above"] == "2"


def test_holm_adjustment_decides_and_fragility_is_labelled():
    # 0.03 and 0.04 are significant alone but not after Holm across the 12 tests (2 × 0.03 > 0.05)
    d = _displays(_synthetic({"determinants.wild_p_log_relative_wage": 0.03, "flows.mb_o_log_relative_wage_p": 0.04}))
    assert d["rec_pay_n_for"] == "1"  # only the prefecture test survives
    assert d["rec_pay_verdict"] == claims.PARTIAL and d["rec_pay_robust"] == "脆弱"  # unadjusted: 支持


def _verdicts_with(tests_by_slug: dict, values: dict) -> dict:
    recs = [dataclasses.replace(r, tests=tests_by_slug[r.slug]) for r in cc.RECOMMENDATIONS]
    return cc.verdicts(recs, values)


def test_rule_is_invariant_to_the_order_of_indicators_and_flips_with_a_decisive_test():
    results = _synthetic({"determinants.wild_p_manufacturing_share": 0.3})
    values = {k: cc._value(results, k) for r in cc.RECOMMENDATIONS for t in r.tests for k in (t.coef, t.p)}
    base = {r.slug: r.tests for r in cc.RECOMMENDATIONS}
    reference = _verdicts_with(base, values)
    assert reference["industry"] == claims.PARTIAL
    for perm in itertools.islice(itertools.permutations(base["industry"]), 0, 720, 37):
        assert _verdicts_with({**base, "industry": tuple(perm)}, values) == reference
    for perm in itertools.permutations(base["pay"]):
        assert _verdicts_with({**base, "pay": tuple(perm)}, values) == reference
    # flipping a decisive test: the prefecture secondary share significant against the implied sign
    key = "prefecture_wages.pw_net_coef_city_secondary_share_gdp"
    flipped = _verdicts_with(base, {**values, key: -values[key]})
    assert flipped["industry"] == claims.UNDECIDED and flipped["pay"] == reference["pay"]


def test_missing_result_is_named():
    results = _synthetic()
    del results["flows"]["mb_o_log_relative_wage_p"]
    with pytest.raises(KeyError, match="flows.mb_o_log_relative_wage_p"):
        cc.synthesise(results)


def test_verdicts_in_one_clause_merge_the_shared_ones():
    same = _displays(_synthetic())
    assert same["verdicts_clause"] == f"薪酬、产业和教育均“{claims.SUPPORT}”"
    # the pay tests against the implied direction: pay stands apart, industry and education share a verdict
    flipped = {t.coef: -1.0 * t.sign for r in cc.RECOMMENDATIONS if r.slug == "pay" for t in r.tests}
    mixed = _displays(_synthetic(flipped))
    assert mixed["rec_pay_verdict"] != claims.SUPPORT
    assert mixed["verdicts_clause"] == f"薪酬“{mixed['rec_pay_verdict']}”，产业和教育均“{claims.SUPPORT}”"


def test_coefficients_are_quoted_with_three_significant_digits():
    assert [cc.coefficient(x) for x in (22.654993, 2.2161, -0.23349, 0.0030311, -1.9161, 0.0)] == [
        "22.7",
        "2.22",
        "-0.233",
        "0.00303",
        "-1.92",
        "0",
    ]


def test_evidence_sentence_quotes_the_verdicts_own_tests_and_what_holm_leaves():
    from prose_scan import problems

    d = _displays(_synthetic({"determinants.wild_p_log_relative_wage": 0.04}))
    pay = d["rec_pay_evidence"]
    # the p-values the verdict reads (wild bootstrap; the flow model's cluster-robust), kind named once per run
    assert pay.startswith(
        "省级主模型中相对工资的系数为 1.00（野自助法 p = 0.040），地级模型中相对工资的系数为 1.00（p = 0.001）"
    )
    assert "出生地流量模型中迁出地工资的系数为 -1.00（聚类稳健 p = 0.001；预期为负）" in pay
    assert pay.endswith(f"经 Holm 校正（全部 {d['n_tests']} 个检验）后，三项都在预期方向上显著")
    # every combination of significance and sign of the three pay tests: a sentence that agrees with the table
    tests = cc.RECOMMENDATIONS[1].tests
    assert [t.label for t in tests] == ["省级", "地级", "流量（迁出地）"]
    for signs in itertools.product([1, -1], repeat=3):
        for ps in itertools.product([0.0001, 0.9], repeat=3):
            over = {}
            for t, s, p in zip(tests, signs, ps):
                over[t.coef], over[t.p] = s * t.sign * 1.0, p
            d = _displays(_synthetic(over))
            text, n_for, n_against = d["rec_pay_evidence"], int(d["rec_pay_n_for"]), int(d["rec_pay_n_against"])
            assert not problems(text), (text, problems(text))
            assert "0 项" not in text and "零项" not in text
            if n_for == 3:
                assert text.endswith("三项都在预期方向上显著")
            elif n_for == n_against == 0:
                assert "三项都不显著（校正后最小 p = " in text
            else:
                assert ("在预期方向上显著" in text) == (n_for > 0)
                assert ("在相反方向上显著" in text) == (n_against > 0)
            wrong = sum(s < 0 for s in signs)
            if n_for + n_against < 3:
                assert ("都在预期方向上" in text) == (wrong == 0)
                assert ("都与预期方向相反" in text) == (wrong == 3)


def test_holm_clause_for_a_single_test():
    assert cc.holm_clause([(1.0, 0.01, 1)], 5) == "经 Holm 校正（全部 5 个检验）后，这一项在预期方向上显著"
    assert (
        cc.holm_clause([(-1.0, 0.5, 1)], 5)
        == "经 Holm 校正（全部 5 个检验）后，这一项不显著（校正后 p = 0.500）；点估计与预期方向相反"
    )
    assert cc.holm_clause([(1.0, 0.5, 1)] * 12, 12).startswith("经 Holm 校正（全部 12 个检验）后，12 项都不显著")
