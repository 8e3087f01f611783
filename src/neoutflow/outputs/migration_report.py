"""Results of notebook 03 beyond the survival variants: the "821万" magnitude checks, students in
the young-adult cohort, the width of the ranges and the life-expectancy scaling.

Derived numbers go through :mod:`neoutflow.outputs.derived` (components recorded first)."""

from __future__ import annotations

import pandas as pd

from neoutflow.analysis import hukou as hk
from neoutflow.analysis import survival as sv
from neoutflow.analysis.outflow import PAPER_CLAIM
from neoutflow.formatting import list_zh
from neoutflow.outputs import derived
from neoutflow.outputs.claims import destination_stock_word, direction_word, shared_clause
from neoutflow.outputs.results import ResultSet
from neoutflow.reference import CENSUS_ENUMERATION, short_province_name

WAN = 1e4


def record_hukou_checks(rs: ResultSet, gap: pd.DataFrame, names: pd.Series, ne) -> None:
    """2010 registered − resident gap per province and for the Northeast, the register-based out-stock and
    the paper's "821万" it is compared with."""
    wan = dict(scale=WAN, suffix="万")
    g = gap.set_index("code")
    for code in ne:
        rs.record(
            f"hukou_gap_{code}", g.loc[code, "gap"], "persons", f"{names[code]}2010户籍减常住", signed=True, **wan
        )
    rs.record("hukou_gap_ne", g.loc[list(ne), "gap"].sum(), "persons", "东北2010户籍减常住", signed=True, **wan)
    rs.record("hukou_inmigrants_ne", g.loc[list(ne), "inmigrants"].sum(), "persons", "东北2010外省户籍常住", **wan)
    derived.record(rs, "hukou_outstock_ne", "persons", "东北户籍在外省人口（2010登记推算）", **wan)
    rs.record("paper_ne_outflow", sum(PAPER_CLAIM.values()), "persons", "原文821万", digits=0, **wan)
    paper = sum(PAPER_CLAIM.values())
    rs.record("paper_ne_outflow_en", paper, "persons", "原文821万（英文摘要）", display=derived.million(paper))


def record_census_practice(rs: ResultSet, base_year: int, end_year: int) -> str:
    """An example of how the two censuses' coverage may differ: their enumeration practices where
    :data:`~neoutflow.reference.CENSUS_ENUMERATION` knows both, else a general phrase."""
    years = (int(base_year), int(end_year))
    if all(y in CENSUS_ENUMERATION for y in years):
        text = "例如 " + "、".join(f"{y} 年{CENSUS_ENUMERATION[y]}" for y in years)
    else:
        text = "例如两次普查登记常住人口方法的差别"
    rs.record("coverage_example", text, "", "两次普查覆盖差异的例子", display=text)
    return text


def record_students(rs: ResultSet, density: pd.DataFrame, ne, names: pd.Series, cohort_net: float) -> None:
    """Students per 100 residents aged 20–24 (2010), the Northeast's students beyond the national density,
    and that excess as a share of the 30–34 (2020) cohort's net out-migration."""
    d = density.set_index("code")
    for code in [*ne, "national"]:
        label = "全国" if code == "national" else names[code]
        rs.record(f"students_per_100_{code}", d.loc[code, "students_per_100"], "per 100", f"{label}在校生/20–24岁")
    rs.record(
        "excess_students_ne",
        hk.excess_students(density, list(ne)),
        "persons",
        "东北超出全国密度的在校生",
        scale=WAN,
        suffix="万",
    )
    rs.record(
        "ne_cohort_30_34_net", cohort_net, "persons", "东北2020年30–34岁队列净迁移（首选估计）", scale=WAN, suffix="万"
    )
    derived.record(rs, "excess_students_share", "%", "超额在校生占30–34岁净迁出之比", suffix="%")


def record_range_widths(rs: ResultSet) -> str:
    """Width of the ranges of the main measure (every age born before the base census) and of 20–39 (absolute and relative to the preferred estimate) and the word on
    which is the primary measure: the one with the narrower relative range. Returns the word."""
    wan = dict(scale=WAN, suffix="万")
    derived.record(rs, "ne_range_width", "persons", "主指标（基期已出生的各年龄）区间宽度", **wan)
    derived.record(rs, "ne_young_range_width", "persons", "20–39岁区间宽度", **wan)
    young = derived.record(rs, "ne_young_range_width_pct", "%", "20–39岁区间宽度/首选值", suffix="%")
    total = derived.record(rs, "ne_range_width_pct", "%", "主指标区间宽度/首选值", suffix="%")
    word = "宜作为主要指标" if young < total else "不比存活比法主指标（基期已出生的各年龄）的合计更稳健"
    rs.record("young_primary_word", word, "", "20–39岁是否作为主要指标", display=word)
    return word


def record_e0(rs: ResultSet, theta: pd.Series, ne, names: pd.Series, life: pd.DataFrame, national: str) -> None:
    """Life expectancies used (total), hazard multipliers of the Northeast (by sex) and the shifts of the
    forward estimate and of its 40+ share under each adjusted ratio set relative to the national ratios."""
    rs.record("gompertz_slope", sv.GOMPERTZ_SLOPE, "per year", "Gompertz斜率b（假定）", digits=2)
    year = int(life["year"].max())
    rs.record("e0_year", year, "year", "所用预期寿命的年份", display=str(year))
    e0 = life[life["sex"] == "total"].set_index("code")["life_expectancy"]
    for code in [*ne, national]:
        rs.record(f"e0_{code}", e0[code], "years", f"{code}出生时预期寿命", digits=2, suffix="岁")
    for code in ne:
        for sex, zh in (("male", "男"), ("female", "女")):
            rs.record(f"theta_e0_{code}_{sex}", theta[(code, sex)], "ratio", f"{names[code]}{zh}e0风险乘数", digits=3)
    # the range of the Northeast's multipliers, who sets each end, and whether they lie below or above 1
    ne_theta = {(code, sex): float(theta[(code, sex)]) for code in ne for sex in ("male", "female")}
    sex_zh = {"male": "男性", "female": "女性"}
    for end, pick in (("min", min), ("max", max)):
        code, sex = pick(ne_theta, key=ne_theta.get)
        rs.record(f"theta_e0_{end}", ne_theta[(code, sex)], "ratio", f"东北e0风险乘数的{end}", digits=3)
        who = f"{short_province_name(names[code])}{sex_zh[sex]}"
        rs.record(f"theta_e0_{end}_who", who, "", f"东北e0风险乘数{end}所属", display=who)
    word = direction_word([v - 1 for v in ne_theta.values()], "compare")
    rs.record("theta_e0_word", word, "", "东北e0风险乘数相对全国（乘数1）", display=word)
    for name in ("differential", "registered", "e0", "differential_closed"):
        derived.record(rs, f"ne_{name}_shift", "persons", f"{name}调整的变化", scale=WAN, suffix="万", signed=True)
        derived.record(rs, f"ne_{name}_old_share_shift", "pp", f"{name}的40+占比变化", suffix="个百分点", signed=True)
    derived.record(rs, "closed_artefact_share", "%", "封闭队列拟合的变化中常住暴露不再重现的部分", suffix="%")


def mortality_reading(deaths: pd.DataFrame, theta_e0: pd.Series | None, ne, region: str = "东北") -> str:
    """What the two mortality checks support about the Northeast's mortality relative to the national level.

    Both multipliers below one in every province (the resident-exposure differential fit and the
    life-expectancy scaling): the direction is supported, with the proviso that the differential
    fit assumes deaths under-registered alike everywhere; the two disagree or straddle one:
    the data cannot say."""
    d = deaths.set_index("code")
    diff = [float(d.loc[c, "theta_differential"]) for c in ne]
    e0 = [float(v) for (c, _sex), v in theta_e0.items() if c in set(ne)] if theta_e0 is not None else []
    if all(t < 1 for t in diff) and e0 and all(t < 1 for t in e0):
        return f"支持{region}死亡水平低于全国（两项检验方向一致）"
    if all(t > 1 for t in diff) and e0 and all(t > 1 for t in e0):
        return f"支持{region}死亡水平高于全国（两项检验方向一致）"
    return f"无法判断{region}死亡水平高于还是低于全国（两项检验方向不一致）"


def record_mortality(rs: ResultSet, deaths: pd.DataFrame, theta_e0, ne, names: pd.Series, region: str = "东北") -> None:
    """θ per Northeast province under both exposures, their range, and the reading of the two checks."""
    d = deaths.set_index("code")
    for code in ne:
        rs.record(
            f"theta_differential_closed_{code}",
            d.loc[code, "theta_differential_closed"],
            "ratio",
            f"{names[code]}风险乘数（差异，封闭队列）",
            digits=3,
        )
    word = mortality_reading(deaths, theta_e0, ne, region)
    rs.record("mortality_reading", word, "", "研究地区死亡水平相对全国的判断", display=word)


def record_benchmark(
    rs: ResultSet, bench: dict, ne, names: pd.Series, national: dict | None = None, region: str = "东北"
) -> None:
    """The age benchmark (:func:`neoutflow.analysis.survival.age_benchmark`): the Rogers–Castro schedule,
    the 40–59 and 60+ rates and ranks of each Northeast province with their expected rates, the pooled
    out-migration provinces, and the destination side of the 60+ moves with a code-chosen word."""
    p, bands, sched, dest = bench["params"], bench["bands"], bench["schedule"], bench["destinations"]
    n = len(bands)
    rs.record("bench_provinces", n, "count", "省份数", digits=0)
    rs.record("bench_group_n", len(bench["group"]), "count", "其他净迁出省份数", digits=0)
    rs.record("rc_peak_age", p["peak_age"], "years", "RC峰值年龄（期中）", digits=1, suffix="岁")
    rs.record("rc_peak_rate", 100 * p["peak_rate"], "%", "RC峰值十年净迁出率", suffix="%")
    rs.record("rc_c", 100 * p["c"], "%", "RC常数项", digits=2, suffix="%")
    rs.record("rc_rmse", 100 * p["rmse"], "pp", "RC拟合均方根误差", digits=2, suffix="个百分点")
    for k in ("a2", "mu2", "alpha2", "lambda2"):
        rs.record(f"rc_{k}", p[k], "parameter", f"RC参数{k}", display=f"{p[k]:.4g}")
    for band, tag, zh in (("middle", "a4059", "40–59岁"), ("old", "a60", "60岁及以上")):
        rs.record(f"outmig_{tag}_rate", bench["group_rates"][band], "%", f"其他净迁出省份{zh}", suffix="%")
        pooled = bands.loc[list(ne)].sum()
        rs.record(f"ne_{tag}_net", pooled[f"{band}_net"], "persons", f"东北{zh}净迁移", scale=WAN, suffix="万")
        rs.record(f"ne_{tag}_rate", 100 * pooled[f"{band}_net"] / pooled[f"{band}_base"], "%", f"东北{zh}", suffix="%")
        rs.record(
            f"ne_{tag}_expected_rate", sched["northeast"][f"{band}_expected_rate"], "%", f"东北{zh}期望", suffix="%"
        )
        for code in ne:
            b = bands.loc[code]
            if band == "middle":
                rs.record(f"young_rate_{code}", b["young_rate"], "%", f"{names[code]}20–39岁", suffix="%")
            rs.record(f"{tag}_rate_{code}", b[f"{band}_rate"], "%", f"{names[code]}{zh}", suffix="%")
            rs.record(f"{tag}_rank_{code}", int(b[f"{band}_rank"]), "rank", f"{names[code]}{zh}位次", digits=0)
            e = sched[code][f"{band}_expected_rate"]
            rs.record(f"{tag}_expected_{code}", e, "%", f"{names[code]}{zh}期望", suffix="%")
    for code in ne:
        e = sched[code]
        obs, exp = e["middle_observed"] + e["old_observed"], e["middle_expected"] + e["old_expected"]
        anomalous = exp >= 0 or obs / exp >= sv.ANOMALY_MULTIPLE
        if exp < 0:
            rs.record(f"old_multiple_{code}", obs / exp, "ratio", f"{names[code]}40+对期望的倍数", suffix="倍")
        else:
            rs.record(f"old_multiple_{code}", "不可比", "", f"{names[code]}40+对期望的倍数", display="不可比")
        word = "异常" if anomalous else "不异常"
        rs.record(f"anomaly_word_{code}", word, "", f"{names[code]}40+是否异常", display=word)
    top = dest["gainers"].head(3)
    # ordered by the number of persons gained, so the rates (not in that order) are given as a list after them
    shown = [f"{r:+.1f}%" for r in top["old_rate"]]
    rates = "、".join(shown[:-1]) + " 和 " + shown[-1] if len(shown) > 1 else "".join(shown)  # numbers: spaced
    listed = list_zh([short_province_name(names[c]) for c in top.index])
    text = f"{listed}（60 岁及以上净迁入率{'依次' if len(top) > 1 else ''}为 {rates}）"
    rs.record("dest_top3", text, "", "60+净迁入人数最多的三个省份", display=text)
    rs.record("dest_n_gainers", dest["n_gainers"], "count", "60+净迁入省份数", digits=0)
    rs.record("dest_n_others", dest["n_others"], "count", "东北以外省份数", digits=0)
    rs.record("dest_uniform_rate", dest["uniform_rate"], "%", "覆盖误差均摊时的60+净迁入率", digits=2, suffix="%")
    rs.record("dest_top_share", dest["top_share"], "%", "前五省份占60+净迁入之比", suffix="%")
    rs.record("dest_top_base_share", dest["top_base_share"], "%", "前五省份占净迁入省份60+基数之比", suffix="%")
    if "stock_rho" in dest:
        rs.record("stock_rho", dest["stock_rho"], "rho", "60+净迁移率与东北出生者密度的Spearman相关", digits=2)
        rs.record("stock_p", dest["stock_p"], "p", "该相关的p值", digits=3)
        rs.record("stock_n", dest["stock_n"], "count", "参与相关的省份数", digits=0)
        word = destination_stock_word(dest, sv.DESTINATION_ALPHA)
        rs.record("stock_word", word, "", "目的地一侧的判断", display=word)
        if national is not None and "stock_rho" in national["destinations"]:
            nat = national["destinations"]
            rs.record("stock_rho_national", nat["stock_rho"], "rho", "同上（全国存活比）", digits=2)
            rs.record("stock_p_national", nat["stock_p"], "p", "同上p值（全国存活比）", digits=3)
            word = destination_stock_word(nat, sv.DESTINATION_ALPHA)
            rs.record("stock_word_national", word, "", "同上判断（全国存活比）", display=word)
            both = shared_clause(["首选估计", "全国存活比"], [rs["stock_word"].display, word])
            rs.record("stock_word_clause", both, "", "两种估计下的目的地判断（合述）", display=both)
            supports = [d["stock_p"] < sv.DESTINATION_ALPHA and d["stock_rho"] > 0 for d in (dest, nat)]
            if all(supports):
                word = f"两种存活比下都支持{region}老年净迁出中有真实迁移"
            elif any(supports):
                word = "这一证据随死亡假定而变，不足以判定老年净迁出是真实迁移还是覆盖误差"
            else:
                word = "两种存活比下都没有显著相关，目的地一侧不能区分真实迁移与覆盖误差"
            rs.record("destination_word", word, "", "目的地一侧的综合判断", display=word)


def record_coverage(rs: ResultSet, checks: dict) -> None:
    """The coverage term at 10–39 (national census ratio ÷ life-table survival), its range, the life-table
    survival it is measured against, and the Northeast's estimates with no or twice the national coverage change."""
    cov = checks["coverage"]
    lo, hi = sv.COVERAGE_AGES
    rs.record("coverage_ages", f"{lo}–{hi}", "", "覆盖敏感性的年龄", display=f"{lo}–{hi}")
    rs.record("coverage_min", float(cov["coverage"].min()), "ratio", "覆盖项最小值", digits=3)
    rs.record("coverage_max", float(cov["coverage"].max()), "ratio", "覆盖项最大值", digits=3)
    rs.record("census_ratio_min", float(cov["census_ratio"].min()), "ratio", "10–39岁全国普查存活比最小值", digits=3)
    rs.record("census_ratio_max", float(cov["census_ratio"].max()), "ratio", "10–39岁全国普查存活比最大值", digits=3)
    rs.record("life_table_min", float(cov["life_table"].min()), "ratio", "10–39岁生命表十年存活最小值", digits=3)
    rs.record("coverage_weight_high", max(sv.COVERAGE_WEIGHTS), "ratio", "覆盖变化倍数上端", digits=0, suffix="倍")
    est = checks["coverage_estimates"].set_index("ratios")
    for w in sv.COVERAGE_WEIGHTS:
        if w == 1:
            continue
        tag = f"coverage_{w:g}"
        rs.record(
            f"ne_{tag}",
            est.loc[tag, "net_migration"],
            "persons",
            f"东北净迁移（覆盖倍数{w:g}）",
            scale=WAN,
            suffix="万",
        )
        rs.record(
            f"ne_{tag}_young",
            est.loc[tag, "young_adult_net_migration"],
            "persons",
            f"东北20–39岁（覆盖倍数{w:g}）",
            scale=WAN,
            suffix="万",
        )


def preferred_name(choice: dict) -> str:
    """The preferred estimate's name in words (ratio set and variant): "常住暴露下的死亡差异调整、平均写法"."""
    from neoutflow.outputs.migration_figures import RATIOS_ZH, VARIANT_ZH

    # no brackets of its own: the prose quotes it inside parentheses ("−1,064.2 万（首选估计，…）")
    what = "常住暴露下的死亡差异调整" if choice["set"] == "differential" else RATIOS_ZH[choice["set"]]
    return f"{what}、{VARIANT_ZH[choice['variant']]}写法"


def record_preferred(rs: ResultSet, checks: dict) -> None:
    """The one preferred estimate (``preferred_*``), named by its variant, and the criteria that chose it."""
    choice = checks["preferred"]
    est = checks["estimates"].set_index(["ratios", "variant", "group"])
    row = est.loc[(choice["set"], choice["variant"], "northeast")]
    name = preferred_name(choice)
    rs.record("preferred_name", f"{choice['set']}/{choice['variant']}", "", "首选估计的变体", display=name)
    en = {
        "national": "national ratios",
        "differential": "ratios with each province's mortality differential fitted on resident exposure",
    }
    name_en = f"{choice['variant']} variant, {en.get(choice['set'], choice['set'])}"
    code = f"{choice['set']}/{choice['variant']}"
    rs.record("preferred_name_en", code, "", "首选估计的变体（英文摘要）", display=name_en)
    rs.record("preferred_set", choice["set"], "", "首选估计的存活比", display=choice["set"])
    rs.record("preferred_variant", choice["variant"], "", "首选估计的写法", display=choice["variant"])
    wan = dict(scale=WAN, suffix="万")
    rs.record("preferred_net", row["net_migration"], "persons", f"东北净迁移（首选：{name}）", **wan)
    rs.record("preferred_rate", row["net_migration_rate"], "%", "东北净迁移率（首选）", suffix="%")
    rs.record("preferred_young", row["young_adult_net_migration"], "persons", "东北20–39岁（首选）", **wan)
    rs.record("preferred_old_share", row["old_share"], "%", "东北40+占比（首选）", suffix="%")
    derived.record(rs, "preferred_young_share", "%", "20–39岁占首选估计之比", suffix="%")
    for key in ("preferred_net", "preferred_young"):
        v = rs[key].value
        rs.record(f"{key}_en", v, rs[key].unit, rs[key].label + "（英文摘要）", display=derived.million(v))
    rs.record(
        "preferred_zero_sum_departure", choice["zero_sum_departure"], "%", "首选集合偏离零和", digits=2, suffix="%"
    )
    rs.record("zero_sum_tolerance", 100 * sv.ZERO_SUM_TOLERANCE, "%", "零和偏离容限", digits=0, suffix="%")
    word = "两项死亡检验方向一致" if choice["mortality_agrees"] else "两项死亡检验方向不一致"
    rs.record("preferred_mortality_word", word, "", "首选时死亡检验是否一致", display=word)


def record_paper_range(rs: ResultSet) -> str:
    """The paper's 821万 against the preferred estimate and against both ends of the range, with a word
    that holds across the range. Needs ``paper_ne_outflow``, ``preferred_net``, ``ne_range_min/max``."""
    derived.record(rs, "paper_to_preferred", "ratio", "821万/首选估计", digits=2, suffix="倍")
    derived.record(rs, "paper_to_range_min", "ratio", "821万/区间下端（净迁出最大）", digits=2, suffix="倍")
    derived.record(rs, "paper_to_range_max", "ratio", "821万/区间上端（净迁出最小）", digits=2, suffix="倍")
    paper = float(rs["paper_ne_outflow"].value)
    low, high = -float(rs["ne_range_min"].value), -float(rs["ne_range_max"].value)  # largest, smallest outflow
    preferred = -float(rs["preferred_net"].value)
    if low <= 0:  # every reading is a net gain: there is no intercensal outflow to compare the figure with
        where = "inflow"
        word = (
            "与区间内的每一个估计方向相反：无论取哪种读法，两次普查之间东北都是净迁入，原文数字不可能是这一期间的净迁出"
        )
        en = (
            "runs against every reading, all of which show a net gain of migrants between the censuses, so it "
            "cannot be the intercensal net out-migration"
        )
    elif paper < high:
        where = "below"
        word = "小于区间内的每一个估计：无论取哪种读法，原文数字都低于两次普查之间的净迁出"
        en = "is below every reading of the intercensal net out-migration, so it understates the flow"
    elif paper > low:
        where = "above"
        word = "大于区间内的每一个估计：无论取哪种读法，原文数字都高于两次普查之间的净迁出"
        en = "is above every reading of the intercensal net out-migration, so it overstates the flow"
    else:
        where = "inside"
        en = (
            "lies inside the range of intercensal net out-migration readings, so it can be read neither as an "
            "under- nor as an over-statement of the flow"
        )
        side = "低于" if paper < preferred else "高于"
        word = (
            f"落在区间之内：按首选估计原文数字{side}净迁出，但区间的另一端与之相反，"
            "因此不能据此断定原文低估还是高估了两次普查之间的流量"
        )
    rs.record("paper_range_word", where, "", "821万相对区间的位置", display=word)
    rs.record("paper_range_word_en", where, "", "821万相对区间的位置（英文摘要）", display=en)
    return word


# --- the study region's provinces in one sentence each (the appendix for a region other than the Northeast) -----

# list key -> the per-province key it quotes ("{code}" replaced by each province's code)
PROVINCE_LISTS = {
    "deaths_excess_list": "deaths_excess_{code}",
    "theta_differential_list": "theta_differential_{code}",
    "e0_list": "e0_{code}",
    "students_per_100_list": "students_per_100_{code}",
    "net_migration_intercensal_list": "net_migration_intercensal_{code}",
    "net_migration_recent_list": "net_migration_recent_{code}",
    "old_multiple_list": "old_multiple_{code}",
}


def province_values(rs: ResultSet, template: str, codes, names: pd.Series) -> str:
    """ "陕西 1.2%、甘肃 3.4%和青海 5.6%": each province's short name and the display of its key."""
    from neoutflow.formatting import list_zh

    shown = [f"{short_province_name(names[c])} {rs[template.format(code=c)].display}" for c in codes]
    return list_zh(shown)


def record_province_lists(rs: ResultSet, codes, names: pd.Series) -> None:
    """Each list of :data:`PROVINCE_LISTS` whose per-province keys are all recorded, and the age bands
    sentence (each province's 40–59 and 60+ rates with their ranks)."""
    codes = list(codes)
    for key, template in PROVINCE_LISTS.items():
        if all(template.format(code=c) in rs for c in codes):
            text = province_values(rs, template, codes, names)
            rs.record(key, text, "", f"研究地区各省：{template}", display=text)
    if all(f"a60_rank_{c}" in rs for c in codes):
        parts = [
            f"{short_province_name(names[c])}为 {rs[f'a4059_rate_{c}'].display}（第 {rs[f'a4059_rank_{c}'].display} 位）"
            f"和 {rs[f'a60_rate_{c}'].display}（第 {rs[f'a60_rank_{c}'].display} 位）"
            for c in codes
        ]
        text = "；".join(parts)
        rs.record("age_bands_sentence", text, "", "研究地区各省 40–59 岁与 60 岁及以上净迁移率及位次", display=text)
