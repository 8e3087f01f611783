"""What notebook 02 records, tabulates and writes on persistence (a two-period province panel) and on
spatial dependence (Moran's I, the SLX check). Estimates come from :mod:`neoutflow.analysis.persistence`
and :mod:`neoutflow.analysis.spatial`; the p-values the prose uses are the wild restricted bootstrap's
(:mod:`neoutflow.analysis.inference`, the larger of the Rademacher and Webb p-values)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from neoutflow.analysis import flows as fl
from neoutflow.analysis import inference
from neoutflow.analysis import persistence as pe
from neoutflow.analysis import spatial as sp
from neoutflow.outputs import tables as rt
from neoutflow.outputs.claims import persistence_reading, significance_word, spatial_reading
from neoutflow.outputs.results import ResultSet

REPS = 9999
SEED = 20201101
MODEL_HEADERS = {
    "cross": "(1) 2010–2020",
    "lagged": "(2) 2010–2020，含滞后项",
    "placebo": "(3) 2000–2010",
    "fe": "(4) 两期面板，省份固定效应",
}
# How each model's wild bootstrap is run: (outcome, regressors, cluster/fixed effects)
WILD_DESIGNS = {
    "cross": ("rate_late", ["wage"], None),
    "lagged": ("rate_late", ["wage", "rate_early"], None),
    "placebo": ("rate_early", ["wage"], None),
    "fe": ("rate", ["wage", "later"], "code"),
}
TERM_LABELS = {
    "wage": "相对工资（对数）",
    "rate_early": "2000–2010 年净迁移率（%）",
    "later": "2010–2020 时期",
}


def _frames(long: pd.DataFrame) -> dict[str, pd.DataFrame]:
    w = pe.wide(long).reset_index().rename(columns={"wage_late": "wage"})
    return {"cross": w, "lagged": w, "placebo": w, "fe": long.rename(columns={"log_relative_wage": "wage"})}


def wild_pvalues(long: pd.DataFrame, reps: int = REPS, seed: int = SEED) -> dict[tuple[str, str], float]:
    """``{(model, term): p}``: the larger of the Rademacher and Webb wild restricted bootstrap p-values
    (by province clusters, fixed effects as dummies, in the panel)."""
    frames, out = _frames(long), {}
    for name, (outcome, regs, group) in WILD_DESIGNS.items():
        terms = [t for t in regs if t != "later"]
        res = inference.wild_tests(
            frames[name], outcome, regs, {t: {t: 1.0} for t in terms}, reps, seed, cluster=group, fixed_effects=group
        )
        for _, r in res.iterrows():
            out[(name, r["name"])] = max(float(r["p_rademacher"]), float(r["p_webb"]))
    return out


def record_persistence(rs: ResultSet, long: pd.DataFrame, fits: Mapping[str, Any], wild: Mapping) -> None:
    """The panel's numbers: the correlation of the two decades, each model's pay coefficient with its
    wild bootstrap p-value and word, the lagged outcome's coefficient."""
    rs.record("persist_corr", pe.persistence_correlation(long), "", "两个十年省级净迁移率的相关系数", digits=2)
    rs.record("persist_n", int(long["code"].nunique()), "个", "两期面板的省份数", digits=0)
    first = int(long.attrs["yearend_first"])
    rs.record("persist_yearend_first", first, "年", "年末人口序列的起始年份", digits=0, display=str(first))
    filled = long.attrs.get("filled_rates", [])
    rs.record("persist_filled", len(filled), "个", "以相邻年份补齐的自然增长率（省·年）", digits=0)
    for period, grp in long.groupby("base_year"):
        rs.record(
            f"persist_mean_{period}", float(grp["rate"].mean()), "%", f"{period}年起十年净迁移率的省际均值", suffix="%"
        )
    for name, fit in fits.items():
        for term in ("wage", "rate_early"):
            if term not in fit.params.index:
                continue
            key, digits = f"persist_{name}_{term}", 1 if term == "wage" else 2
            what = f"{MODEL_HEADERS[name]}：{TERM_LABELS[term]}"
            rs.record(f"{key}_coef", float(fit.params[term]), "", f"{what}系数", digits=digits)
            rs.record(f"{key}_se", float(fit.bse[term]), "", f"{what}标准误", digits=digits)
            p = wild[(name, term)]
            rs.record(f"{key}_p", p, "", f"{MODEL_HEADERS[name]}：{TERM_LABELS[term]}的野自助法 p 值", digits=3)
            word = significance_word(p)
            rs.record(f"{key}_word", word, "", f"{MODEL_HEADERS[name]}：{TERM_LABELS[term]}是否显著", display=word)


def record_with_lag(rs: ResultSet, base, lagged, frame: pd.DataFrame, outcome: str, regs: Sequence[str]) -> None:
    """The main model's pay coefficient without and with the 2000–2010 rate, and the wild p-value of each."""
    for key, fit, reg in (("main", base, list(regs)), ("main_lag", lagged, [*regs, "rate_early"])):
        res = inference.wild_tests(frame, outcome, reg, {"log_relative_wage": {"log_relative_wage": 1.0}}, REPS, SEED)
        p = max(float(res["p_rademacher"].iloc[0]), float(res["p_webb"].iloc[0]))
        what = "主模型" + ("加入 2000–2010 年净迁移率后" if key == "main_lag" else "（同一样本）")
        rs.record(f"persist_{key}_wage_coef", float(fit.params["log_relative_wage"]), "", f"{what}相对工资系数")
        rs.record(f"persist_{key}_wage_p", p, "", f"{what}相对工资系数的野自助法 p 值", digits=3)
        word = significance_word(p)
        rs.record(f"persist_{key}_wage_word", word, "", f"{what}相对工资系数是否显著", display=word)


def record_readings(rs: ResultSet) -> None:
    """Chapter 7's summary sentences, from the coefficients and p-values recorded above."""

    def pair(key: str) -> tuple[float, float]:
        return float(rs[f"{key}_coef"].value), float(rs[f"{key}_p"].value)

    reading = persistence_reading(
        pair("persist_cross_wage"),
        pair("persist_placebo_wage"),
        pair("persist_fe_wage"),
        pair("persist_main_wage"),
        pair("persist_main_lag_wage"),
    )
    rs.record("persist_reading", reading, "", "两期面板对省级工资关联的含义（句）", display=reading)
    reading = spatial_reading(float(rs["moran_outcome_p"].value), float(rs["moran_residual_p"].value))
    rs.record("spatial_reading", reading, "", "空间依赖对省级模型标准误的含义（句）", display=reading)


def persistence_table(fits: Mapping[str, Any], tables_dir: Path, wild: Mapping[tuple[str, str], float]) -> str:
    """The four models side by side (Markdown; written with its CSV). The stars follow the wild bootstrap
    p-values the text quotes (``wild``, from :func:`wild_pvalues`); a term without one is not starred."""
    columns = []
    for name, fit in fits.items():
        col = rt.column(fit, MODEL_HEADERS[name], {"省份固定效应": "是" if name == "fe" else "否"})
        col.pvalues = pd.Series({t: wild.get((name, t), float("nan")) for t in fit.params.index}, dtype=float)
        columns.append(col)
    table = rt.regression_table(columns, TERM_LABELS, terms=["wage", "rate_early", "later", "Intercept"],
                                extra_rows=["省份固定效应"])  # fmt: skip
    note = (
        "注：被解释变量为残差法净迁移率（占期初普查人口的 %）；相对工资为职工平均工资与全国人口加权均值之比的对数，"
        "(1)–(3) 取 2010 年值，(4) 取各期期初（2000、2010 年）值；括号内为标准误，(1)–(3) 为 HC3，"
        "(4) 按省聚类；" + rt.STAR_NOTE + "，p 值与正文相同，为野自助法（限制原假设，Rademacher 与 Webb 权重中"
        "较大者，(4) 按省聚类）所得；时期虚拟变量和常数项不做此检验，不标星号。"
    )
    name, caption = "persistence_panel", "净迁移的持续性：两个十年的省级模型"
    sources = ("census_totals", "province_series")
    rt.write_table(table, tables_dir, name, caption, note, sources)
    return rt.to_markdown(table, caption, name, note, sources)


def record_spatial(rs: ResultSet, prov: pd.DataFrame, main_fit, outcome: str, regs: Sequence[str], w, seed: int):
    """Moran's I of the outcome and of the main model's residuals; the SLX check (neighbours' pay
    added to the main model); returns the diagnostics as a frame for the table."""
    rows = {
        "outcome": sp.moran(prov[outcome], w, seed),
        "residual": sp.moran(main_fit.resid.to_numpy(), w, seed),
    }
    slx = sp.slx(prov, outcome, regs, ["log_relative_wage"], w, "HC3")
    rows["slx_residual"] = sp.moran(slx.resid.to_numpy(), w, seed)
    labels = {"outcome": "结果变量", "residual": "主模型残差", "slx_residual": "SLX 模型残差"}
    for key, m in rows.items():
        rs.record(f"moran_{key}_i", m["i"], "", f"Moran's I：{labels[key]}", digits=3)
        rs.record(f"moran_{key}_p", m["p_sim"], "", f"Moran's I 的置换检验 p 值：{labels[key]}", digits=3)
        word = significance_word(m["p_sim"])
        rs.record(f"moran_{key}_word", word, "", f"Moran's I 是否显著：{labels[key]}", display=word)
    rs.record("moran_expected", rows["outcome"]["expected"], "", "无空间自相关时 Moran's I 的期望", digits=3)
    rs.record("moran_permutations", sp.PERMUTATIONS, "次", "Moran's I 置换次数", digits=0)
    for term, what in (("log_relative_wage", "本省相对工资"), ("w_log_relative_wage", "相邻省份相对工资均值")):
        rs.record(f"slx_{term}_coef", float(slx.params[term]), "", f"SLX 模型：{what}系数")
        rs.record(f"slx_{term}_p", float(slx.pvalues[term]), "", f"SLX 模型：{what}系数的 HC3 p 值", digits=3)
        word = significance_word(float(slx.pvalues[term]))
        rs.record(f"slx_{term}_word", word, "", f"SLX 模型：{what}系数是否显著", display=word)
    frame = pd.DataFrame(rows).T.rename(index=labels)
    return frame


def spatial_table(frame: pd.DataFrame, tables_dir: Path) -> str:
    """Moran's I table (Markdown; written with its CSV)."""
    out = rt.frame_table(
        frame.reset_index(names="对象")[["对象", "i", "expected", "z", "p_norm", "p_sim"]],
        {"i": 3, "expected": 3, "z": 2, "p_norm": 3, "p_sim": 3},
        {"i": "Moran's I", "expected": "期望值", "z": "z（随机化）", "p_norm": "p（正态近似）", "p_sim": "p（置换）"},
    )
    note = (
        "注：空间权重为省界相邻（共享边界长度为正，与引力模型的“相邻省份”同一定义，行标准化），海南以质心最近的省份为邻；"
        f"置换检验 {sp.PERMUTATIONS} 次，固定随机种子；残差的置换检验未计入系数估计，仅作诊断。"
    )
    name, caption = "spatial_moran", "省级净迁移率及模型残差的空间自相关"
    sources = ("census_population", "census_indicators", "province_series", "boundaries_provinces")
    rt.write_table(out, tables_dir, name, caption, note, sources)
    return rt.to_markdown(out, caption, name, note, sources)


def run(report, boundaries, reps: int = REPS, seed: int = SEED) -> str:
    """Notebook 02's persistence and spatial step on its ``DeterminantsReport`` (after ``datasets`` and
    ``regressor_sets``): records into the report's results, writes both tables, returns their Markdown."""
    from neoutflow import data

    codes = [str(c) for c in report.prov["code"]]
    long = pe.panel(data.load_census_totals("province"), data.load_province_series(), codes)
    fits = pe.fit_models(long)
    wild = wild_pvalues(long, reps, seed)
    record_persistence(report.rs, long, fits, wild)
    base, lagged, frame = pe.with_lag(report.prov, long, report.outcome, report.reg, report.cov_type)
    record_with_lag(report.rs, base, lagged, frame, report.outcome, report.reg)
    pairs = fl.province_pairs(boundaries)
    w = sp.contiguity_weights(pairs, codes)
    names = [report.names[c] for c in sp.islands(pairs, codes)]
    report.rs.record(
        "spatial_islands", "、".join(names), "", "无相邻省份者（以最近省份为邻）", display="、".join(names)
    )
    moran = record_spatial(report.rs, report.prov, report.main, report.outcome, report.reg, w, seed)
    record_readings(report.rs)
    return persistence_table(fits, report.tables_dir, wild) + "\n" + spatial_table(moran, report.tables_dir)
