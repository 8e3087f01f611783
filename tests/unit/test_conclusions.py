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


def _numpy_holm(p):
    """Holm's step-down adjustment written out (independent of statsmodels)."""
    p = np.asarray(p, float)
    order = np.argsort(p)
    m = len(p)
    adj = np.maximum.accumulate((m - np.arange(m)) * p[order])
    out = np.empty(m)
    out[order] = np.minimum(adj, 1.0)
    return out


def test_holm_matches_numpy():
    p = [0.001, 0.04, 0.03, 0.2, 0.012, 0.5, 0.0049]
    np.testing.assert_allclose(cc.holm(p), _numpy_holm(p), rtol=0, atol=1e-15)


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
