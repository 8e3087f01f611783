"""The recommendation verdicts (outputs/conclusions.py) on synthetic results (made-up numbers, not data)."""

from __future__ import annotations

import pytest

from neoutflow.outputs import claims
from neoutflow.outputs import conclusions as cc


def _synthetic(overrides: dict | None = None) -> dict:
    """Every key the synthesis reads, with made-up values: all tests significant in the implied direction."""
    out: dict = {}
    for rec in cc.RECOMMENDATIONS:
        for t in rec.tests:
            for key, value in ((t.coef, 1.0 * t.sign), (t.p, 0.001)):
                nb, name = key.split(".", 1)
                out.setdefault(nb, {})[name] = {"value": value}
    out["determinants"]["cf_education_verdict"] = {"value": "支持"}
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


def test_synthesis_on_synthetic_results():
    d = _displays(_synthetic())
    assert d["rec_pay_verdict"] == d["rec_industry_verdict"] == d["rec_education_verdict"] == claims.SUPPORT
    assert d["rec_pay_verdict_en"] == "supported" and d["within_net_wage"] == "得到确认"
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
    # the education counterfactual cannot test more education: cannot be judged whatever the coefficients
    d = _displays(_synthetic({"determinants.cf_education_verdict": "无法判断"}))
    assert d["rec_education_verdict"] == claims.UNDECIDED and d["rec_education_testable"] == "不能"


def test_missing_result_is_named():
    results = _synthetic()
    del results["flows"]["mb_o_log_relative_wage_p"]
    with pytest.raises(KeyError, match="flows.mb_o_log_relative_wage_p"):
        cc.synthesise(results)
