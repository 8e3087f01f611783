"""The paper's three recommendations mapped to the evidence of the notebooks, with verdicts chosen here.

Run by the release step (:mod:`neoutflow.pipeline.release`) on the released results of every notebook
(``build/results/*.json``); it writes ``build/results/conclusions.json``, which the report prints like any
other results set. Nothing is estimated here: every input is a recorded coefficient and its p-value.

Each recommendation is tested by the indicators the report maps to it (report/_01_argument.qmd), in each
model that has them: the province main model, the prefecture models with province fixed effects and the
origin side of the birthplace-flow gravity model (PPML). The p-values of the province and prefecture tests
are wild restricted bootstrap p-values (:mod:`neoutflow.analysis.inference`; by province for the
prefecture models; the larger of the Rademacher and Webb p-values); the gravity model's remain
cluster-robust (no wild bootstrap for PPML in the libraries used). A test is a
coefficient, its p-value and the sign the recommendation implies (more pay, industry or education where
people live → less net out-migration: positive in the migration models, negative for the origin in the
flow model). At the 5% level (:data:`neoutflow.outputs.claims.ALPHA`; words and rules in
:func:`neoutflow.outputs.claims.recommendation_verdict`):

- **支持**: every test is significant in the implied direction;
- **部分支持**: no test is significant against the implied direction, at least one is significant in it,
  but not all;
- **一致但不显著**: no test is significant at all, and every point estimate has the implied sign;
- **无法判断**: some test is significant against the implied direction (the evidence conflicts), the
  estimates are neither significant nor of one sign, or the data cannot test the recommendation (the
  education counterfactual can only lower the Northeast's education to the median).
"""

from __future__ import annotations

from dataclasses import dataclass

from neoutflow.outputs.claims import (
    ALPHA,
    UNDECIDED,
    VERDICT_ENGLISH,
    WITHIN_WORDS,
    recommendation_verdict,
    within_word,
)
from neoutflow.outputs.results import ResultSet


@dataclass(frozen=True)
class Test:
    """One coefficient: results keys of its estimate and p-value, the implied sign, a short label."""

    coef: str
    p: str
    sign: int
    label: str
    # the optional part of the report it comes from (data.preflight.PARTS); left out with that part
    part: str | None = None


@dataclass(frozen=True)
class Recommendation:
    slug: str
    label: str
    tests: tuple[Test, ...]
    # a results key whose display is 无法判断 when the data cannot test the recommendation
    gate: str | None = None


RECOMMENDATIONS = (
    Recommendation(
        "education",
        "全年龄段教育链条",
        (
            Test("determinants.baseline_coef_college_per_100k", "determinants.wild_p_college_per_100k", 1, "省级"),
            Test(
                "determinants.pref_coef_college_per_100k",
                "determinants.pref_wild_p_college_per_100k",
                1,
                "地级",
                "prefecture",
            ),
            Test("flows.mb_o_college_share_coef", "flows.mb_o_college_share_p", -1, "流量（迁出地）"),
        ),
        gate="determinants.cf_education_verdict",
    ),
    Recommendation(
        "pay",
        "用人环境与薪酬",
        (
            Test("determinants.baseline_coef_log_relative_wage", "determinants.wild_p_log_relative_wage", 1, "省级"),
            Test(
                "prefecture_wages.pw_net_coef_log_relative_wage_city",
                "prefecture_wages.pw_net_wild_p_log_relative_wage_city",
                1,
                "地级",
                "prefecture",
            ),
            Test("flows.mb_o_log_relative_wage_coef", "flows.mb_o_log_relative_wage_p", -1, "流量（迁出地）"),
        ),
    ),
    Recommendation(
        "industry",
        "能创造就业的产业",
        (
            Test(
                "determinants.baseline_coef_manufacturing_share",
                "determinants.wild_p_manufacturing_share",
                1,
                "省级制造业",
            ),
            Test(
                "determinants.pref_coef_manufacturing_share",
                "determinants.pref_wild_p_manufacturing_share",
                1,
                "地级制造业",
                "prefecture",
            ),
            Test(
                "prefecture_wages.pw_net_coef_log_gdp_per_capita_city",
                "prefecture_wages.pw_net_wild_p_log_gdp_per_capita_city",
                1,
                "地级人均GDP",
                "prefecture",
            ),
            Test("flows.mb_o_secondary_share_coef", "flows.mb_o_secondary_share_p", -1, "流量第二产业"),
            Test("flows.mb_o_log_gdp_per_capita_coef", "flows.mb_o_log_gdp_per_capita_p", -1, "流量人均GDP"),
        ),
    ),
)


def _value(results: dict, key: str):
    nb, name = key.split(".", 1)
    try:
        return results[nb][name]["value"]
    except KeyError:
        raise KeyError(f"conclusions: result {key} is missing; run the notebook that records it") from None


def synthesise(results: dict, omitted: frozenset[str] = frozenset()) -> ResultSet:
    """``conclusions`` results from ``{notebook: {key: {value, ...}}}`` (:func:`results.load_all`); the tests
    of the ``omitted`` parts of the report (their inputs are missing) are left out."""
    rs = ResultSet("conclusions")
    rs.record("alpha", 100 * ALPHA, "%", "判断所用的显著性水平", digits=0)
    for rec in RECOMMENDATIONS:
        tests = [t for t in rec.tests if t.part not in omitted]
        est = [(float(_value(results, t.coef)), float(_value(results, t.p)), t.sign) for t in tests]
        testable = rec.gate is None or _value(results, rec.gate) != UNDECIDED
        word = recommendation_verdict(est, testable)
        rs.record(f"rec_{rec.slug}_verdict", word, "", f"{rec.label}：证据的判断", display=word)
        rs.record(
            f"rec_{rec.slug}_verdict_en", word, "", f"{rec.label}：证据的判断（英文）", display=VERDICT_ENGLISH[word]
        )
        n_for = sum(c * s > 0 and p < ALPHA for c, p, s in est)
        n_against = sum(c * s < 0 and p < ALPHA for c, p, s in est)
        rs.record(f"rec_{rec.slug}_n", len(est), "个", f"{rec.label}：检验的系数个数", digits=0)
        rs.record(f"rec_{rec.slug}_n_for", n_for, "个", f"{rec.label}：在预期方向上显著的个数", digits=0)
        rs.record(f"rec_{rec.slug}_n_against", n_against, "个", f"{rec.label}：与预期方向相反且显著的个数", digits=0)
        rs.record(
            f"rec_{rec.slug}_testable",
            testable,
            "",
            f"{rec.label}：数据能否检验",
            display="能" if testable else "不能",
        )
    pw = "prefecture_wages.pw_{}_{}_{}"
    for model in ("net", "young") if "prefecture" not in omitted else ():
        for var, slug in (("log_relative_wage_city", "wage"), ("log_gdp_per_capita_city", "gdp")):
            coef = float(_value(results, pw.format(model, "coef", var)))
            p = float(_value(results, pw.format(model, "wild_p", var)))
            word = within_word(coef, p)
            label = (
                f"省内地级单位之间（{'净迁移' if model == 'net' else '青年净迁移'}模型）：{slug} 的正向关联是否得到确认"
            )
            rs.record(f"within_{model}_{slug}", word, "", label, display=word)
            rs.record(f"within_{model}_{slug}_en", word, "", label + "（英文）", display=WITHIN_WORDS[word])
    return rs


def write(directory=None, omitted: frozenset[str] = frozenset()):
    """Synthesise from the results in ``directory`` (default ``build/results``) and save ``conclusions.json``."""
    from neoutflow.outputs import results as res

    loaded = {k: v for k, v in res.load_all(directory).items() if k != "conclusions"}
    return synthesise(loaded, omitted).save(directory)
