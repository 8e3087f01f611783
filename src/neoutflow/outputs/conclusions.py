"""The paper's three recommendations mapped to the evidence of the notebooks, with verdicts chosen here.

Run by the release step (:mod:`neoutflow.pipeline.release`) on the released results of every notebook
(``build/results/*.json``); it writes ``build/results/conclusions.json``, which the report prints like any
other results set. Nothing is estimated here: every input is a recorded coefficient and its p-values.

**Which indicators test a recommendation (one rule for all three).** Every variable the data have that
measures the thing the recommendation would change, in every model that has it: pay — relative wage;
industry — every industry-structure variable with a direction the recommendation implies (manufacturing
employment share, secondary share of GDP or of employment, GDP per capita); education — the share with
college education. The models: the province main model, the prefecture models with province fixed
effects, and the origin side of the birthplace-flow gravity model (PPML). A test is a coefficient, its
p-value and the sign the recommendation implies (more pay, industry or education where people live →
less net out-migration: positive in the migration models, negative for the origin in the flow model).

**Which p-values.** Province and prefecture tests use wild restricted bootstrap p-values
(:mod:`neoutflow.analysis.inference`; by province for the prefecture models; the larger of the
Rademacher and Webb p-values); the gravity model's remain cluster-robust (no wild bootstrap for PPML in
the libraries used). All tests of the table are one family: the p-values are Holm-adjusted across them
(:func:`holm`) before the rule is applied.

**The rule** (5% level, :data:`neoutflow.outputs.claims.ALPHA`; words in
:func:`neoutflow.outputs.claims.recommendation_verdict`), on the association only:

- **支持**: every test is significant in the implied direction;
- **部分支持**: no test is significant against the implied direction, at least one is significant in it,
  but not all;
- **一致但不显著**: no test is significant at all, and every point estimate has the implied sign;
- **无法判断**: some test is significant against the implied direction (the evidence conflicts), or the
  estimates are neither significant nor of one sign.

**Separately: what a counterfactual can say.** For each recommendation, the number of Northeast
provinces already above the reference (the national median) in its indicators; for them the
counterfactual "reach the median" lowers the indicator and cannot speak to raising it. The same caveat
for all three; it does not change the association verdict.

**Fragility.** The verdict is recomputed with the unadjusted p-values and with the analytic (HC3 / CRV1)
p-values, adjusted and not; a verdict that changes under any of these is labelled 脆弱.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from neoutflow.formatting import format_number, format_p
from neoutflow.outputs.claims import (
    ALPHA,
    POLICY_READING,
    VERDICT_ENGLISH,
    WITHIN_WORDS,
    count_word,
    grouped_clause,
    recommendation_verdict,
    within_word,
)
from neoutflow.outputs.results import ResultSet

FRAGILITY_WORDS = {True: "稳健", False: "脆弱"}
ABOVE_NAMES = {"pay": "工资", "industry": "产业", "education": "教育"}
# The recommendations in the abstract's one-clause summary of the verdicts, in its order.
VERDICT_NAMES = {"pay": "薪酬", "industry": "产业", "education": "教育"}


def above_sentence(n: int, name: str, region: str = "东北") -> str:
    """How many provinces of the study region are already above the median, without "0 个": "东北没有省份的
    教育指标高于全国中位数" / "西北有 3 个省份的教育指标高于全国中位数"."""
    return (
        f"{region}没有省份的{name}指标高于全国中位数" if n == 0 else f"{region}有 {n} 个省份的{name}指标高于全国中位数"
    )


def coefficient(x: float) -> str:
    """A coefficient with three significant digits and no plus sign (22.7, 2.22, −0.233, 0.00300), for a result
    recorded without a display."""
    if x == 0 or not math.isfinite(x):
        return format_number(x, 0)
    digits = max(0, 2 - math.floor(math.log10(abs(x))))
    return format_number(x, digits)


def evidence_sentence(tests: list[tuple[str, str, str, float, int]]) -> str:
    """Each test of one recommendation with the p-value its verdict uses (before the Holm adjustment, which
    :func:`holm_clause` reports): ``tests`` are ``(phrase, coefficient as printed, kind of p-value, p, implied
    sign)``;
    the kind is named where it changes ("野自助法 p = 0.040", then "p = 0.529"), the implied negative sign of the
    flow model's origin side at its first test."""
    parts, last_kind, said_negative = [], None, False
    for phrase, coef, kind, p, sign in tests:
        shown = format_p(p).replace("p ", f"{kind} p " if kind != last_kind else "p ", 1)
        # the implied negative sign said once, at the first test that has it
        expected = "；预期为负" if sign < 0 and not said_negative else ""
        said_negative = said_negative or sign < 0
        parts.append(f"{phrase}的系数为 {coef}（{shown}{expected}）")
        last_kind = kind
    return "，".join(parts)


def _items(n: int) -> str:
    """A count of tests as prose: 一项, 两项, 三项 … 十项, then 11 项."""
    word = count_word(n)
    return f"{word}项" if word else f"{n} 项"


def direction_counts(tests: list[tuple[float, float, int]], alpha: float = ALPHA) -> tuple[int, int, int]:
    """From ``(coefficient, adjusted p, implied sign)``: how many tests are significant in the implied
    direction, how many significant against it, and how many point estimates have the wrong sign."""
    n_for = sum(c * s > 0 and p < alpha for c, p, s in tests)
    n_against = sum(c * s < 0 and p < alpha for c, p, s in tests)
    return n_for, n_against, sum(c * s < 0 for c, _, s in tests)


def holm_clause(signs: list[tuple[float, float, int]], n_family: int, alpha: float = ALPHA) -> str:
    """What is left after the Holm adjustment, from ``(coefficient, adjusted p, implied sign)`` of one
    recommendation's tests, without "0 项": "经 Holm 校正（全部 12 个检验）后，三项都不显著（校正后最小
    p = 0.072）；各项点估计都在预期方向上"."""
    n = len(signs)
    n_for, n_against, n_wrong = direction_counts(signs, alpha)
    head = f"经 Holm 校正（全部 {n_family} 个检验）后，"
    if n_for == n:
        body = f"{_items(n)}都在预期方向上显著" if n > 1 else "这一项在预期方向上显著"
    elif n_for == 0 and n_against == 0:
        min_p = format_p(min(p for _, p, _ in signs))
        body = f"{_items(n)}都不显著（校正后最小 {min_p}）" if n > 1 else f"这一项不显著（校正后 {min_p}）"
    else:
        pieces = []
        if n_for:
            pieces.append(f"有{_items(n_for)}在预期方向上显著")
        if n_against:
            pieces.append(f"有{_items(n_against)}在相反方向上显著")
        if n_for + n_against < n:
            pieces.append("其余不显著")
        body = "，".join(pieces)
    if n_for + n_against == n:  # every test significant: its direction is already said
        return f"{head}{body}"
    if n_wrong == 0:
        tail = "各项点估计都在预期方向上" if n > 1 else "点估计在预期方向上"
    elif n_wrong == n:
        tail = "各项点估计都与预期方向相反" if n > 1 else "点估计与预期方向相反"
    else:
        tail = f"其中{_items(n_wrong)}的点估计与预期方向相反"
    return f"{head}{body}；{tail}"


@dataclass(frozen=True)
class Test:
    """One coefficient: results keys of its estimate, its verdict p-value (wild bootstrap where available)
    and its analytic p-value, the implied sign, a short label."""

    coef: str
    p: str
    sign: int
    label: str
    # what the coefficient is, as the conclusions' evidence sentence names it ("省级相对工资")
    phrase: str = ""
    # the optional part of the report it comes from (data.preflight.PARTS); left out with that part
    part: str | None = None
    # the analytic p-value (HC3 / CRV1), for the fragility check; None: same as ``p``
    p_alt: str | None = None


@dataclass(frozen=True)
class Recommendation:
    slug: str
    label: str
    tests: tuple[Test, ...]
    # results key: Northeast provinces already above the counterfactual's reference in these indicators
    above: str | None = None


D, PW, FL = "determinants", "prefecture_wages", "flows"
PREF = "prefecture"


def _province(v: str, label: str, phrase: str) -> Test:
    # the main model (params: regressors), whose wild bootstrap p-value this is: coefficient and p from one model
    return Test(f"{D}.main_coef_{v}", f"{D}.wild_p_{v}", 1, label, phrase, None, f"{D}.main_p_{v}")


def _pref_det(v: str, label: str, phrase: str) -> Test:
    return Test(f"{D}.pref_coef_{v}", f"{D}.pref_wild_p_{v}", 1, label, phrase, PREF, f"{D}.pref_p_{v}")


def _pref_pw(v: str, label: str, phrase: str) -> Test:
    return Test(f"{PW}.pw_net_coef_{v}", f"{PW}.pw_net_wild_p_{v}", 1, label, phrase, PREF, f"{PW}.pw_net_p_{v}")


def _flow(v: str, label: str, phrase: str) -> Test:
    return Test(f"{FL}.mb_o_{v}_coef", f"{FL}.mb_o_{v}_p", -1, label, phrase)


RECOMMENDATIONS = (
    Recommendation(
        "education",
        "全年龄段教育链条",
        (
            _province("college_share", "省级", "省级主模型中大专及以上学历人口比重"),
            _pref_det("college_share", "地级", "地级模型中这一比重"),
            _flow("college_share", "流量（迁出地）", "出生地流量模型中迁出地的这一比重"),
        ),
        above=f"{D}.cf_education_above_count",
    ),
    Recommendation(
        "pay",
        "用人环境与薪酬",
        (
            _province("log_relative_wage", "省级", "省级主模型中相对工资"),
            _pref_pw("log_relative_wage_city", "地级", "地级模型中相对工资"),
            _flow("log_relative_wage", "流量（迁出地）", "出生地流量模型中迁出地工资"),
        ),
        above=f"{D}.cf_wage_above_count",
    ),
    Recommendation(
        "industry",
        "能创造就业的产业",
        (
            _province("manufacturing_share", "省级制造业", "省级主模型中制造业就业比重"),
            _pref_det("manufacturing_share", "地级制造业", "地级模型中制造业就业比重"),
            _pref_pw("log_gdp_per_capita_city", "地级人均GDP", "人均 GDP（对数）"),
            _pref_pw("city_secondary_share_gdp", "地级第二产业占GDP", "第二产业占 GDP 比重"),
            _flow("secondary_share", "流量第二产业", "出生地流量模型中迁出地第二产业就业比重"),
            _flow("log_gdp_per_capita", "流量人均GDP", "迁出地人均 GDP（对数）"),
        ),
        above=f"{D}.cf_industry_above_count",
    ),
)


def _value(results: dict, key: str):
    nb, name = key.split(".", 1)
    try:
        return results[nb][name]["value"]
    except KeyError:
        raise KeyError(f"conclusions: result {key} is missing; run the notebook that records it") from None


def _coefficient_shown(results: dict, key: str) -> str:
    """A coefficient as its chapter and table print it (the notebook's display, without a plus sign, so that a
    reader finds the same number there); :func:`coefficient` when the notebook recorded no display."""
    nb, name = key.split(".", 1)
    display = results[nb][name].get("display")
    return str(display).removeprefix("+") if display else coefficient(float(_value(results, key)))


def _region_name(results: dict) -> str:
    """The study region's name as notebook 01 records it (东北 when it has not run)."""
    return str(results.get("outflow", {}).get("region_name", {}).get("display", "东北"))


def holm(p_values: list[float]) -> list[float]:
    """Holm's step-down adjusted p-values: the k-th smallest p times (m − k + 1), made monotone and capped
    at 1. Written out with numpy rather than through ``statsmodels.stats.multitest.multipletests``, which
    runs a full garbage collection on every call (75 ms each, four calls per synthesis); the tests check it
    against statsmodels."""
    if not p_values:
        return []
    p = np.asarray(p_values, dtype=float)
    order = np.argsort(p, kind="stable")
    m = len(p)
    stepped = np.minimum(np.maximum.accumulate((m - np.arange(m)) * p[order]), 1.0)
    out = np.empty(m)
    out[order] = stepped
    return [float(x) for x in out]


def verdicts(recs, values: dict, p_key: str = "p", adjust: bool = True) -> dict[str, str]:
    """``{slug: verdict}`` from ``values`` (results key → number), reading each test's ``p_key`` p-value
    (``p`` or ``p_alt``), Holm-adjusted across all tests of all ``recs`` when ``adjust``."""
    keys = [(rec.slug, t) for rec in recs for t in rec.tests]
    raw = [float(values[getattr(t, p_key) or t.p]) for _, t in keys]
    ps = holm(raw) if adjust else raw
    out: dict[str, list] = {rec.slug: [] for rec in recs}
    for (slug, t), p in zip(keys, ps):
        out[slug].append((float(values[t.coef]), p, t.sign))
    return {slug: recommendation_verdict(est) for slug, est in out.items()}


def _record_tests(rs: ResultSet, rec: Recommendation, values: dict, shown: dict, adjusted: dict, n_family: int) -> None:
    """One recommendation's tests: their counts by direction after the Holm adjustment, the smallest adjusted
    p-value, the sentence that quotes them (:func:`evidence_sentence`, :func:`holm_clause`), each adjusted p."""
    est = [(float(values[t.coef]), adjusted[t.p], t.sign) for t in rec.tests]
    n_for, n_against, _ = direction_counts(est)
    rs.record(f"rec_{rec.slug}_n", len(est), "个", f"{rec.label}：检验的系数个数", digits=0)
    rs.record(f"rec_{rec.slug}_n_for", n_for, "个", f"{rec.label}：在预期方向上显著的个数（Holm）", digits=0)
    rs.record(
        f"rec_{rec.slug}_n_against", n_against, "个", f"{rec.label}：与预期方向相反且显著的个数（Holm）", digits=0
    )
    min_p = min(p for _, p, _ in est)
    rs.record(
        f"rec_{rec.slug}_min_p_adj",
        min_p,
        "",
        f"{rec.label}：各检验 Holm 校正后的最小 p 值",
        # a table cell: "< 0.001" rather than a rounded "0.000"
        display=format_p(min_p).removeprefix("p = ").removeprefix("p "),
    )
    kinds = [("聚类稳健" if t.p.startswith(f"{FL}.") else "野自助法") for t in rec.tests]
    listed = [(t.phrase, shown[t.coef], kind, float(values[t.p]), t.sign) for t, kind in zip(rec.tests, kinds)]
    evidence = evidence_sentence(listed) + "；" + holm_clause(est, n_family)
    rs.record(
        f"rec_{rec.slug}_evidence",
        len(est),
        "个",
        f"{rec.label}：判断所依据的系数、检验 p 值与 Holm 校正的结果（句）",
        display=evidence,
    )
    for t in rec.tests:
        slug = t.p.split(".", 1)[1]
        rs.record(f"p_adj_{slug}", adjusted[t.p], "", f"{rec.label}（{t.label}）：Holm 校正后的 p 值", digits=3)


def synthesise(results: dict, omitted: frozenset[str] = frozenset()) -> ResultSet:
    """``conclusions`` results from ``{notebook: {key: {value, ...}}}`` (:func:`results.load_all`); the tests
    of the ``omitted`` parts of the report (their inputs are missing) are left out."""
    rs = ResultSet("conclusions")
    rs.record("alpha", 100 * ALPHA, "%", "判断所用的显著性水平", digits=0)
    recs = [
        Recommendation(r.slug, r.label, tuple(t for t in r.tests if t.part not in omitted), r.above)
        for r in RECOMMENDATIONS
    ]
    keys = {k for r in recs for t in r.tests for k in (t.coef, t.p, t.p_alt) if k} | {r.above for r in recs if r.above}
    values = {k: _value(results, k) for k in sorted(keys)}
    shown = {t.coef: _coefficient_shown(results, t.coef) for r in recs for t in r.tests}
    main = verdicts(recs, values)
    alternatives = [
        verdicts(recs, values, "p", False),
        verdicts(recs, values, "p_alt"),
        verdicts(recs, values, "p_alt", False),
    ]
    all_tests = [t for r in recs for t in r.tests]
    adjusted = dict(zip([t.p for t in all_tests], holm([float(values[t.p]) for t in all_tests])))
    rs.record("n_tests", len(all_tests), "个", "判断表中全部检验的个数（Holm 校正的检验族）", digits=0)
    for rec in recs:
        word = main[rec.slug]
        rs.record(f"rec_{rec.slug}_verdict", word, "", f"{rec.label}：证据的判断（Holm 校正后）", display=word)
        rs.record(
            f"rec_{rec.slug}_verdict_en", word, "", f"{rec.label}：证据的判断（英文）", display=VERDICT_ENGLISH[word]
        )
        does, does_not = POLICY_READING[word]
        rs.record(f"rec_{rec.slug}_policy_does", word, "", f"{rec.label}：证据支持什么（政策启示）", display=does)
        rs.record(f"rec_{rec.slug}_policy_not", word, "", f"{rec.label}：证据不支持什么（政策启示）", display=does_not)
        stable = all(alt[rec.slug] == word for alt in alternatives)
        rs.record(
            f"rec_{rec.slug}_robust",
            stable,
            "",
            f"{rec.label}：判断在未校正 p 值和解析标准误下是否不变",
            display=FRAGILITY_WORDS[stable],
        )
        _record_tests(rs, rec, values, shown, adjusted, len(all_tests))
        above = int(values[rec.above]) if rec.above else 0
        rs.record(
            f"rec_{rec.slug}_above",
            above,
            "个",
            f"{rec.label}：指标已高于参照值、反事实只能外推的研究地区省份数",
            digits=0,
        )
        sentence = above_sentence(above, ABOVE_NAMES.get(rec.slug, rec.label), _region_name(results))
        rs.record(
            f"rec_{rec.slug}_above_sentence", above, "", f"{rec.label}：已高于中位数的省份（句）", display=sentence
        )
    order = sorted(recs, key=lambda r: list(VERDICT_NAMES).index(r.slug))
    clause = grouped_clause([VERDICT_NAMES[r.slug] for r in order], [f"“{main[r.slug]}”" for r in order])
    rs.record("verdicts_clause", clause, "", "三组建议的判断（一句，相同的判断合并）", display=clause)
    record_within(rs, results, omitted)
    return rs


def record_within(rs: ResultSet, results: dict, omitted: frozenset[str]) -> None:
    """Whether the prefecture models confirm the province associations within provinces (wage, GDP),
    unless the prefecture part is omitted."""
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


def write(directory=None, omitted: frozenset[str] = frozenset()):
    """Synthesise from the results in ``directory`` (default ``build/results``) and save ``conclusions.json``."""
    from neoutflow.outputs import results as res

    loaded = {k: v for k, v in res.load_all(directory).items() if k != "conclusions"}
    return synthesise(loaded, omitted).save(directory)
