"""Results, tables and figures of the cohort-component projection (notebooks/06_projection.ipynb)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from neoutflow.analysis import projection as pj
from neoutflow.formatting import RANGE_DASH
from neoutflow.outputs import tables as rt
from neoutflow.outputs.claims import direction_word, interval_word, pay_verdict, significance_word
from neoutflow.outputs.style import PALETTE
from neoutflow.reference import AGE_GROUPS

REGIONS = ("210000", "220000", "230000", "northeast")
COLOURS = {
    "baseline": PALETTE["neutral"],
    "pay": PALETTE["other"],
    "retention": PALETTE["accent"],
    "births": PALETTE["highlight"],
    "all": PALETTE["northeast"],
}
THRESHOLD_PCT = 3.0  # back-test tolerance for the last year's total
# COVID-19 restrictions on movement (history): named as a possible cause of a back-test gap only when the
# back-test years overlap them.
PANDEMIC_YEARS = (2020, 2022)


def record_inputs(rs, inputs: pj.Inputs, natural_model: np.ndarray, natural_observed: np.ndarray) -> None:
    """The calibration, stated: TFR, sex ratio at birth, crude birth rate target, natural growth check."""
    rs.record("mean_age_at_birth", pj.MEAN_AGE_AT_BIRTH, "岁", "生育年龄分布（伽马）的均值", digits=1)
    rs.record("sd_age_at_birth", pj.SD_AGE_AT_BIRTH, "岁", "生育年龄分布（伽马）的标准差", digits=1)
    rs.record("birth_survival", inputs.birth_survival, "", "出生到 0–4 岁组的存活比（假设）", digits=3)
    first, last = pj.rates_years(inputs.start_year)
    rs.record("rates_base_year", first, "年", "存活比与迁移率所用普查间隔的首年", digits=0, display=str(first))
    rs.record("rates_end_year", last, "年", "存活比与迁移率所用普查间隔的末年", digits=0, display=str(last))
    rs.record("rates_interval", last - first, "年", "该普查间隔的年数", digits=0, display=str(last - first))
    born = f"0–{last - first - 1}"  # ages born within the interval: no base cohort, child–woman ratio instead
    rs.record("rates_children_ages", born, "岁", "期间出生、以儿童—妇女比法估计迁移的年龄", display=born)
    for i, code in enumerate(inputs.codes):
        k, n = pj.KEYS[code], pj.NAMES[code]
        rs.record(f"tfr_{k}", inputs.tfr[i], "", f"{n}：校准的总和生育率（基准）", digits=2)
        rs.record(f"srb_{k}", 100 * inputs.srb[i], "", f"{n}：出生性别比（2020 年普查 0–4 岁男/女 × 100）", digits=1)
        rs.record(f"cbr_{k}", inputs.crude_birth_rate[i], "‰", f"{n}：校准目标的平均出生率", digits=2)
        rs.record(f"natural_model_{k}", natural_model[i], "‰", f"{n}：模型在第一步的年自然增长率", digits=2)
        rs.record(f"natural_observed_{k}", natural_observed[i], "‰", f"{n}：同期统计的平均自然增长率", digits=2)
        gap = natural_model[i] - natural_observed[i]
        rs.record(f"natural_gap_{k}", gap, "‰", f"{n}：模型自然增长率 − 统计自然增长率", digits=2, signed=True)
        young = pj.age_mask(*pj.YOUNG_ADULT_AGES)
        w = inputs.population[i, :, young]
        rate = (inputs.migration[i, :, young].T * w.T).sum() / w.sum()
        rs.record(
            f"young_migration_rate_{k}", 100 * rate, "%", f"{n}：20–39 岁五年净迁移率（基准，按人口加权）", digits=2
        )


PAY_SOURCES = {"estimate": "上述估计", "fixed": "params.yaml 中的固定值"}


def record_pay_lever(
    rs, lever: pd.DataFrame, source: str, fixed: tuple[float, float, float]
) -> tuple[tuple[float, ...], tuple[tuple[float, ...], tuple[float, ...]]]:
    """Record the estimated pay lever (:func:`neoutflow.analysis.projection.pay_effect`) with its components and
    words, and the lever applied: the estimate (``source="estimate"``) or ``fixed = (central, low, high)`` shares
    for every province. Returns the applied ``(central per region, (low per region, high per region))``."""
    from neoutflow.outputs import derived

    first = lever.iloc[0]
    rs.record("pay_variable", first["variable"], "", "薪酬杠杆所用的工资变量", display=first["variable"])
    rs.record("pay_coef", first["coef"], "", "青年净迁移率主模型：工资变量的系数", digits=2)
    rs.record("pay_se", first["se"], "", "其标准误", digits=2)
    rs.record("pay_p", first["coef_p"], "", "其 p 值", digits=3)
    sig = significance_word(first["coef_p"])
    rs.record("pay_sig", sig, "", "该系数在 5% 水平是否显著", display=sig)
    for _, r in lever.iterrows():
        k, n = pj.KEYS[r["code"]], pj.NAMES[r["code"]]
        rs.record(f"pay_{k}_observed", r["observed"], "%", f"{n}：2010–2020 年青年（20–39 岁）净迁移率", digits=2)
        what = f"{n}：若工资达到全国中位数，青年净迁移率的变化"
        rs.record(f"pay_{k}_change", r["change"], "百分点", what, digits=2, signed=True)
        rs.record(f"pay_{k}_change_low", r["ci_low"], "百分点", what + "的 95% 区间下限", digits=2, signed=True)
        rs.record(f"pay_{k}_change_high", r["ci_high"], "百分点", what + "的 95% 区间上限", digits=2, signed=True)
        word = interval_word(r["ci_low"], r["ci_high"], "zero")
        rs.record(f"pay_{k}_change_zero", word, "", what + "的 95% 区间是否包含零", display=word)
        position = direction_word(-r["gap"], "compare")  # gap = median − wage
        rs.record(f"pay_{k}_wage_position", position, "", f"{n}的工资相对全国中位数", display=position)
        for end in ("", "_low", "_high"):
            derived.record(rs, f"pay_{k}_share{end}", "%", f"{n}：20–39 岁净迁出被消除的比例（估计{end}）", digits=0)
        word = pay_verdict(r["share_low"], r["share_high"])
        rs.record(f"pay_{k}_verdict", word, "", f"{n}：估计的薪酬杠杆是否不为零", display=word)
    rs.record("pay_source", source, "", "薪酬杠杆的来源", display=PAY_SOURCES[source])
    if source == "estimate":
        central = tuple(float(x) for x in lever["share"])
        low, high = tuple(float(x) for x in lever["share_low"]), tuple(float(x) for x in lever["share_high"])
    else:
        central, low, high = ((float(v),) * len(lever) for v in fixed)
    for i, code in enumerate(lever["code"]):
        k, n = pj.KEYS[code], pj.NAMES[code]
        rs.record(f"pay_{k}_lever", 100 * central[i], "%", f"{n}：情景中 20–39 岁净迁出减少的比例", digits=0)
        rs.record(f"pay_{k}_lever_low", 100 * low[i], "%", f"{n}：其区间下端", digits=0)
        rs.record(f"pay_{k}_lever_high", 100 * high[i], "%", f"{n}：其区间上端", digits=0)
    return central, (low, high)


def _record_backtest_errors(rs, bt: pd.DataFrame, last: int) -> None:
    """Each region's error by year; in the last year also the projected and observed populations and the verdict."""
    for _, r in bt.iterrows():
        k, n, y = pj.KEYS[r["code"]], pj.NAMES[r["code"]], int(r["year"])
        rs.record(
            f"bt_{k}_{y}_error_pct",
            r["error_pct"],
            "%",
            f"{n} {y} 年末：预测误差（预测 − 统计）",
            digits=1,
            signed=True,
        )
        if y == last:
            rs.record(
                f"bt_{k}_last_error_pct",
                r["error_pct"],
                "%",
                f"{n} {y} 年末（回测末年）：预测误差",
                digits=1,
                signed=True,
            )
            rs.record(
                f"bt_{k}_projected", r["projected"], "人", f"{n} {y} 年末：基准预测", digits=0, scale=1e4, suffix="万"
            )
            rs.record(
                f"bt_{k}_observed",
                r["observed"],
                "人",
                f"{n} {y} 年末：统计的常住人口",
                digits=0,
                scale=1e4,
                suffix="万",
            )
            within = abs(r["error_pct"]) <= THRESHOLD_PCT
            rs.record(
                f"bt_{k}_verdict",
                bool(within),
                "",
                f"{n}：{y} 年误差是否在 ±3% 以内",
                display="在 ±3% 以内" if within else "超出 ±3%",
            )


def record_backtest(rs, bt: pd.DataFrame, implied: np.ndarray, codes: tuple[str, ...]) -> pd.DataFrame:
    """Errors by region and year; the 2024 verdict (within ±3% or not) chosen here; the implied intensity."""
    first, last = int(bt["year"].min()), int(bt["year"].max())
    rs.record("backtest_first_year", first, "年", "回测的第一年", digits=0, display=str(first))
    rs.record("backtest_last_year", last, "年", "回测的最后一年", digits=0, display=str(last))
    rs.record("backtest_threshold", THRESHOLD_PCT, "%", "回测误差的容许范围", digits=0)
    _record_backtest_errors(rs, bt, last)
    over = [
        pj.NAMES[c]
        for c in codes
        if abs(bt[(bt["code"] == c) & (bt["year"] == last)]["error_pct"].iloc[0]) > THRESHOLD_PCT
    ]
    rs.record("bt_over_names", "、".join(over), "", "2024 年误差超出 ±3% 的省份", display="、".join(over) or "无")
    errs = bt[bt["year"] == last]["error_pct"]
    sign = "低估" if (errs < 0).all() else ("高估" if (errs > 0).all() else "有高估也有低估")
    rs.record("bt_direction", sign, "", f"{last} 年各地区误差的方向", display=sign)
    bias = direction_word(errs, "bias")
    rs.record("bt_bias_word", bias, "", f"{last} 年基准相对统计偏高还是偏低", display=bias)
    # an implied intensity below 1: the year-end series imply less net out-migration than the census rates
    for key, kind in (("implied_intensity_compare", "compare"), ("implied_intensity_pace", "pace")):
        word = direction_word(np.asarray(implied) - 1, kind)
        rs.record(key, word, "", f"隐含迁移强度相对 1 的方向（{kind}）", display=word)
    p0, p1 = PANDEMIC_YEARS
    if first <= p1 and last >= p0:
        note = f"，也可能是 {p0}{RANGE_DASH}{p1} 年疫情期间人口流动受限所致"
    else:
        note = f"；回测期在 {p0}{RANGE_DASH}{p1} 年疫情之后，疫情期间的流动限制不能解释这一差距"
    rs.record("bt_pandemic_note", note, "", "回测期与疫情年份是否重叠", display=note)
    rs.record("bt_over_count", len(over), "个", "2024 年误差超出 ±3% 的省份数", digits=0)
    for i, code in enumerate(codes):
        rs.record(
            f"implied_intensity_{pj.KEYS[code]}",
            implied[i],
            "",
            f"{pj.NAMES[code]}：使 {last} 年预测与统计一致的迁移强度（2010–2020 年率的倍数，仅作诊断）",
            digits=2,
        )
    show = bt.assign(region=bt["code"].map(pj.NAMES), projected=bt["projected"] / 1e4, observed=bt["observed"] / 1e4)
    return rt.frame_table(
        show[["region", "year", "projected", "observed", "error_pct"]],
        {"projected": 0, "observed": 0, "error_pct": 1},
        {
            "region": "地区",
            "year": "年末",
            "projected": "基准预测（万人）",
            "observed": "统计（万人）",
            "error_pct": "误差（%）",
        },
    )


# The direction word the prose puts before each indicator's end value ("从 a 减少到 b", "从 a 升至 b").
WORD_KINDS = {"total": "change_to", "young": "change_to", "old_age_dependency": "to"}


def record_scenarios(rs, summ: pd.DataFrame, years: tuple[int, ...]) -> pd.DataFrame:
    """Total, 20–39 and old-age dependency by scenario, region and year (with the interval ends where the
    lever has them); differences from the baseline in the last year. Returns the table."""
    s = summ.set_index(["scenario", "code", "year"])
    last = years[-1]
    what = {
        "total": ("总人口", "人", dict(digits=0, scale=1e4, suffix="万")),
        "young": ("20–39 岁人口", "人", dict(digits=0, scale=1e4, suffix="万")),
        "old_age_dependency": ("老年抚养比（65 岁及以上/15–64 岁 × 100）", "", dict(digits=1)),
    }
    rows = []
    for code in REGIONS:
        k, n = pj.KEYS[code], pj.NAMES[code]
        start = s.loc[("baseline", code, int(summ["year"].min()))]
        for var, (label, unit, fmt) in what.items():
            rs.record(f"{k}_{var}_start", start[var], unit, f"{n}：{label}（起点普查）", **fmt)
        for scen in pj.SCENARIOS:
            row = {"region": n, "scenario": pj.SCENARIO_LABELS[scen]}
            for y in years:
                # the last year is recorded twice: by its year (tables) and as "end", which the prose quotes
                tags = (str(y), "end") if y == last else (str(y),)
                for var, (label, unit, fmt) in what.items():
                    v = s.loc[(scen, code, y), var]
                    for tag in tags:
                        key = f"{scen}_{k}_{tag}_{var}"
                        rs.record(key, v, unit, f"{n} {y}（{pj.SCENARIO_LABELS[scen]}）：{label}", **fmt)
                        if (f"{scen}_low", code, y) in s.index:
                            lo, hi = s.loc[(f"{scen}_low", code, y), var], s.loc[(f"{scen}_high", code, y), var]
                            rs.record(f"{key}_low", lo, unit, f"{label}：区间下端", **fmt)
                            rs.record(f"{key}_high", hi, unit, f"{label}：区间上端", **fmt)
                    key = f"{scen}_{k}_{y}_{var}"
                    text = rs[key].display.removesuffix("万")
                    if f"{key}_low" in rs:
                        text += f" [{rs[key + '_low'].display.removesuffix('万')}, {rs[key + '_high'].display.removesuffix('万')}]"
                    row[f"{var}_{y}"] = text
            for var, (label, unit, fmt) in what.items():
                base = s.loc[("baseline", code, last), var]
                if scen == "baseline":  # 从 a 减少到 b / 从 a 升至 b
                    word = direction_word(base - start[var], WORD_KINDS[var])
                    rs.record(
                        f"baseline_{k}_{var}_direction", word, "", f"{n}：基准情景{label}的变化方向", display=word
                    )
                if scen != "baseline":
                    diff = s.loc[(scen, code, last), var] - base
                    rs.record(
                        f"diff_{scen}_{k}_{var}",
                        diff,
                        unit,
                        f"{n} {last}：{pj.SCENARIO_LABELS[scen]}与基准之差（{label}）",
                        **{**fmt, "signed": True},
                    )
            change = 100 * (s.loc[(scen, code, last), "total"] / start["total"] - 1)
            rs.record(
                f"{scen}_{k}_change_pct",
                change,
                "%",
                f"{n}：{pj.SCENARIO_LABELS[scen]}情景下起点至 {last} 年总人口变化",
                digits=1,
                signed=True,
            )
            rows.append(row)
    table = pd.DataFrame(rows)
    cols = {"region": "地区", "scenario": "情景"}
    for y in years:
        cols.update(
            {
                f"total_{y}": f"{y} 总人口（万人）",
                f"young_{y}": f"{y} 20–39 岁（万人）",
                f"old_age_dependency_{y}": f"{y} 老年抚养比",
            }
        )
    return rt.frame_table(table[list(cols)], columns=cols)


def population_figure(observed: pd.DataFrame, census: pd.DataFrame, summ: pd.DataFrame, start_year: int):
    """Population 2000–end per region: year-end series and census counts, then the scenarios (fans: interval)."""
    fig, axes = plt.subplots(2, 2, figsize=(9, 6.4), sharex=True)
    for ax, code in zip(axes.ravel(), REGIONS):
        codes = list(pj.NAMES)[:3] if code == "northeast" else [code]
        ye = observed[observed["code"].isin(codes)].groupby("year")["value"].sum(min_count=len(codes))
        ye = ye[observed[observed["code"].isin(codes)].groupby("year")["value"].count() == len(codes)]
        ax.plot(ye.index, ye.to_numpy() / 1e4, color="black", lw=1.3, label="年末常住人口（统计）")
        cz = census[census["code"].isin(codes)].groupby("year")["population"].sum()
        ax.plot(cz.index, cz.to_numpy() / 1e4, "o", color="black", ms=4, mfc="white", label="普查")
        for scen in pj.SCENARIOS:
            part = summ[(summ["scenario"] == scen) & (summ["code"] == code)]
            ax.plot(part["year"], part["total"] / 1e4, color=COLOURS[scen], lw=1.6, label=pj.SCENARIO_LABELS[scen])
            lo = summ[(summ["scenario"] == f"{scen}_low") & (summ["code"] == code)]
            hi = summ[(summ["scenario"] == f"{scen}_high") & (summ["code"] == code)]
            if len(lo):
                ax.fill_between(
                    lo["year"], lo["total"] / 1e4, hi["total"].to_numpy() / 1e4, color=COLOURS[scen], alpha=0.2, lw=0
                )
        ax.axvline(start_year, color=PALETTE["neutral"], lw=0.8, ls="--")
        ax.set_title(pj.NAMES[code])
        ax.set_ylabel("万人")
    axes[0, 0].legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    return fig


def pyramid_figure(tidy: pd.DataFrame, code: str, start_year: int, end_year: int):
    """Pyramids of ``code``: the start census vs the end year under the baseline and all-together scenarios."""
    fig, axes = plt.subplots(1, 2, figsize=(9, 4.6), sharey=True)
    y = np.arange(len(AGE_GROUPS))
    start = tidy[(tidy["scenario"] == "baseline") & (tidy["code"] == code) & (tidy["year"] == start_year)]
    for ax, scen in zip(axes, ("baseline", "all")):
        end = tidy[(tidy["scenario"] == scen) & (tidy["code"] == code) & (tidy["year"] == end_year)]
        for sex, sign, colour in (("male", -1, PALETTE["male"]), ("female", 1, PALETTE["female"])):
            s0 = start[start["sex"] == sex].set_index("age_group")["population"].reindex(AGE_GROUPS) / 1e4
            s1 = end[end["sex"] == sex].set_index("age_group")["population"].reindex(AGE_GROUPS) / 1e4
            ax.barh(
                y,
                sign * s1.to_numpy(),
                color=colour,
                alpha=0.75,
                height=0.85,
                label=f"{end_year}（{'男' if sex == 'male' else '女'}）",
            )
            ax.step(
                sign * s0.to_numpy(),
                y,
                where="mid",
                color="black",
                lw=1.0,
                label=f"{start_year} 普查" if sex == "male" else None,
            )
        ax.set_title(f"{pj.NAMES[code]}：{start_year} 与 {end_year}（{pj.SCENARIO_LABELS[scen]}）")
        ax.set_xlabel("万人（左：男，右：女）")
        ax.set_yticks(y, AGE_GROUPS)
        ticks = ax.get_xticks()
        ax.set_xticks(ticks, [f"{abs(t):.0f}" for t in ticks])
    axes[0].legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    return fig
