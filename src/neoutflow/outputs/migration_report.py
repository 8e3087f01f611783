"""Results of notebook 03 beyond the survival variants: the "821万" magnitude checks, students in
the young-adult cohort, the width of the ranges and the life-expectancy scaling.

Derived numbers go through :mod:`neoutflow.outputs.derived` (components recorded first)."""

from __future__ import annotations

import pandas as pd

from neoutflow.analysis import hukou as hk
from neoutflow.analysis import survival as sv
from neoutflow.analysis.outflow import PAPER_CLAIM
from neoutflow.formatting import direction_word
from neoutflow.outputs import derived
from neoutflow.outputs.outflow_figures import short_province_name
from neoutflow.outputs.results import ResultSet
from neoutflow.reference import CENSUS_ENUMERATION

WAN = 1e4


def record_hukou_checks(rs: ResultSet, gap: pd.DataFrame, cells: pd.DataFrame, names: pd.Series, ne) -> None:
    """2010 registered − resident gap per province and for the Northeast, the register-based out-stock,
    the press cells of table 7-3 by hukou province and their shares of the paper's figures."""
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
    press = hk.press_cells_by_hukou(cells, list(ne))
    for code in ne:
        rs.record(f"paper_{code}", PAPER_CLAIM[code], "persons", f"原文{names[code]}", digits=0, **wan)
        rs.record(f"press_{code}", press[code], "persons", f"表7-3三格：户籍{names[code]}", **wan)
        derived.record(rs, f"press_share_{code}", "%", f"三格占原文{names[code]}之比", suffix="%")
    for res in sorted(set(cells["residence"])):
        total = cells.loc[cells["residence"] == res, "persons"].sum()
        rs.record(f"press_in_{res}", total, "persons", f"住{names[res]}、户籍东北", **wan)
    derived.record(rs, "press_ne", "persons", "表7-3九格合计", **wan)
    derived.record(rs, "press_share_ne", "%", "九格占821万之比", suffix="%")
    derived.record(rs, "press_to_outstock", "ratio", "九格合计对2010登记推算存量之比", suffix="倍")
    below = all(press[c] < PAPER_CLAIM[c] for c in ne)
    word = (
        "均小于原文各省数字，与存量解读不矛盾" if below else "已有省份超过原文数字，与“821万”是全部外省存量的解读矛盾"
    )
    rs.record("press_word", word, "", "九格与原文数字的比较", display=word)


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
        "ne_cohort_30_34_net", cohort_net, "persons", "东北2020年30–34岁队列净迁移（平均）", scale=WAN, suffix="万"
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


def mortality_reading(deaths: pd.DataFrame, theta_e0: pd.Series | None, ne) -> str:
    """What the two mortality checks support about the Northeast's mortality relative to the national level.

    Both multipliers below one in every province (the resident-exposure differential fit and the
    life-expectancy scaling): the direction is supported, with the proviso that the differential
    fit assumes deaths under-registered alike everywhere; the two disagree or straddle one:
    the data cannot say."""
    d = deaths.set_index("code")
    diff = [float(d.loc[c, "theta_differential"]) for c in ne]
    e0 = [float(v) for (c, _sex), v in theta_e0.items() if c in set(ne)] if theta_e0 is not None else []
    if all(t < 1 for t in diff) and e0 and all(t < 1 for t in e0):
        return "支持东北死亡水平低于全国（两项检验方向一致）"
    if all(t > 1 for t in diff) and e0 and all(t > 1 for t in e0):
        return "支持东北死亡水平高于全国（两项检验方向一致）"
    return "无法判断东北死亡水平高于还是低于全国（两项检验方向不一致）"


def record_mortality(rs: ResultSet, deaths: pd.DataFrame, theta_e0, ne, names: pd.Series) -> None:
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
    word = mortality_reading(deaths, theta_e0, ne)
    rs.record("mortality_reading", word, "", "东北死亡水平相对全国的判断", display=word)
