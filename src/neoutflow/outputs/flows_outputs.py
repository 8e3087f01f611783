"""Tables and the flow map of the migration-flow chapter (notebook ``05_flows``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from neoutflow.analysis import flows as fl
from neoutflow.outputs import tables as rt
from neoutflow.reference import NORTHEAST

SE_NOTE = "括号内为按迁出地和迁入地双向聚类的稳健标准误（CRV1，小样本因子 G/(G−1)，G = 31）"
PSEUDO_R2 = "伪 R²（观测值与拟合值相关系数的平方）"


def _wan(x) -> float:
    return float(x) / 1e4


def destinations_table(dest: pd.DataFrame, top: int = 15) -> pd.DataFrame:
    """Ranked destinations of the Northeast-born (2010), with 2000, growth and share."""
    nm = fl.names_zh()
    d = dest.head(top).copy()
    frame = pd.DataFrame(
        {
            "排名": d["rank_2010"].astype(str),
            "居住地": d["destination"].map(nm) + np.where(d["destination"].isin(NORTHEAST), "（东北）", ""),
            "2000年（万人）": d["stock_2000"].map(_wan),
            "2010年（万人）": d["stock_2010"].map(_wan),
            "增长（%）": d["growth_pct"],
            "占2010年比重（%）": d["share_2010_pct"],
            "2000年排名": d["rank_2000"].astype(str),
        }
    )
    return rt.frame_table(frame, {"2000年（万人）": 1, "2010年（万人）": 1, "增长（%）": 0, "占2010年比重（%）": 1})


def origins_table(by_origin: pd.DataFrame) -> pd.DataFrame:
    nm = fl.names_zh()
    w = by_origin.pivot(index="origin", columns="year", values="persons_estimated")
    s = by_origin.pivot(index="origin", columns="year", values="persons_sample")
    frame = pd.DataFrame(
        {
            "出生地": [nm[o] for o in w.index],
            "2000年样本（人）": s[2000].astype(int).map("{:,}".format).values,
            "2010年样本（人）": s[2010].astype(int).map("{:,}".format).values,
            "2000年推算（万人）": (w[2000] / 1e4).values,
            "2010年推算（万人）": (w[2010] / 1e4).values,
            "增长（%）": ((w[2010] / w[2000] - 1) * 100).values,
        }
    )
    return rt.frame_table(frame, {"2000年推算（万人）": 1, "2010年推算（万人）": 1, "增长（%）": 1})


def inflows_table(inflow: pd.DataFrame, top: int = 10) -> pd.DataFrame:
    nm = fl.names_zh()
    d = inflow.head(top)
    frame = pd.DataFrame(
        {
            "出生地": d["origin"].map(nm),
            "2000年（万人）": d["stock_2000"].map(_wan),
            "2010年（万人）": d["stock_2010"].map(_wan),
            "变化（万人）": d["change"].map(_wan),
            "占2010年比重（%）": d["share_2010_pct"],
        }
    )
    return rt.frame_table(frame, {"2000年（万人）": 1, "2010年（万人）": 1, "变化（万人）": 1, "占2010年比重（%）": 1})


def models_table(models: dict[str, dict]) -> pd.DataFrame:
    """The four PPML models side by side (pseudo R² in place of R²; no adjusted R²)."""
    cols = []
    for m in models.values():
        c = m["coefs"].set_index("term")
        fe = "是" if m["spec"]["fixed_effects"] else "否"
        cols.append(
            rt.Column(
                m["spec"]["title"],
                c["coef"],
                c["se"],
                c["p"],
                m["n"],
                m["pseudo_r2"],
                float("nan"),
                {
                    "迁出地、迁入地固定效应": fe,
                    "被解释变量": "存量 2010" if m["spec"]["outcome"] == "stock" else "存量变化",
                },
            )
        )
    terms = [*fl.DYADIC, *fl.NE_TERMS, *fl.ORIGIN_DEST, "Intercept"]
    table = rt.regression_table(cols, fl.TERM_LABELS, terms=terms, extra_rows=("被解释变量", "迁出地、迁入地固定效应"))
    table = table[table["变量"] != rt.STAT_LABELS["adj_r2"]].reset_index(drop=True)
    table.loc[table["变量"] == rt.STAT_LABELS["r2"], "变量"] = PSEUDO_R2
    return table


def comparison_frame(comp: pd.DataFrame) -> pd.DataFrame:
    model_names = {"b": "(b) 2010 年存量", "d": "(d) 2000→2010 存量变化"}
    frame = pd.DataFrame(
        {
            "变量": comp["term"].map(fl.TERM_LABELS),
            "本文模型": comp["model"].map(model_names),
            "本文系数": comp["coef"],
            "95% 区间": [f"[{lo:.2f}, {hi:.2f}]" for lo, hi in zip(comp["ci_low"], comp["ci_high"], strict=True)],
            "本文（5% 水平）": comp["ours_word"],
            "Gu 等（2022）": comp["theirs"],
            "对比": comp["agree"],
        }
    )
    return rt.frame_table(frame, {"本文系数": 2})


def counterfactual_frame(cf: pd.DataFrame) -> pd.DataFrame:
    nm = fl.names_zh()
    frame = pd.DataFrame(
        {
            "出生地": cf["origin"].map(nm),
            "情景": cf["family"].map({"all": "五项特征", "wage": "仅工资"}),
            "实际存量（万人）": cf["observed"].map(_wan),
            "模型拟合（万人）": cf["fitted"].map(_wan),
            "反事实预测（万人）": cf["counterfactual"].map(_wan),
            "预测区间": [
                f"[{lo / 1e4:.0f}, {hi / 1e4:.0f}]" for lo, hi in zip(cf["cf_low"], cf["cf_high"], strict=True)
            ],
            "变化（%）": cf["change_pct"],
            "变化区间（%）": [
                f"[{lo:.0f}, {hi:.0f}]" for lo, hi in zip(cf["change_pct_low"], cf["change_pct_high"], strict=True)
            ],
        }
    )
    return rt.frame_table(
        frame, {"实际存量（万人）": 1, "模型拟合（万人）": 1, "反事实预测（万人）": 1, "变化（%）": 0}
    )


# Label offsets (points) for the small provinces around Bohai Bay, so the labels do not overlap.
LABEL_OFFSETS = {"110000": (-22, 6), "120000": (20, -2), "130000": (-22, -14)}


def flow_map(boundaries, flows: pd.DataFrame, year: int = 2010, top: int = 12):
    """Map of where the Northeast-born lived (``year``): provinces shaded by the Northeast-born stock,
    arrows from the Northeast's centroid to the ``top`` destinations outside it, width ∝ stock."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch

    nm = fl.names_zh()
    cen = fl.centroids(boundaries).set_index("code")
    f = flows[(flows["year"] == year) & flows["origin"].isin(NORTHEAST) & ~flows["destination"].isin(NORTHEAST)]
    stock = f.groupby("destination")["persons_estimated"].sum().sort_values(ascending=False)
    gdf = boundaries.copy()
    gdf["stock"] = gdf["code"].map(stock / 1e4)
    fig, ax = plt.subplots(figsize=(8, 6.4))
    gdf.plot(ax=ax, column="stock", cmap="Blues", edgecolor="white", linewidth=0.4, legend=True,
             legend_kwds={"label": f"{year}年东北出生人口（万人）", "shrink": 0.6},
             missing_kwds={"color": "#d9d9d9"})  # fmt: skip
    gdf[gdf["code"].isin(NORTHEAST)].plot(ax=ax, color="#c0504d", edgecolor="white", linewidth=0.4)
    src = cen.loc[list(NORTHEAST), ["lon", "lat"]].mean()
    wmax = stock.iloc[0]
    for code, value in stock.head(top).items():
        lon, lat = cen.loc[code, ["lon", "lat"]]
        arrow = FancyArrowPatch(
            (src["lon"], src["lat"]), (lon, lat), arrowstyle="-|>", mutation_scale=8,
            linewidth=0.6 + 5 * value / wmax, color="#c0504d", alpha=0.7, connectionstyle="arc3,rad=0.18",
        )  # fmt: skip
        ax.add_patch(arrow)
        dx, dy = LABEL_OFFSETS.get(code, (0, 3))
        ax.annotate(f"{nm[code]} {value / 1e4:.0f}", (lon, lat), fontsize=7, ha="center", va="bottom",
                    xytext=(dx, dy), textcoords="offset points")  # fmt: skip
    for code in NORTHEAST:
        lon, lat = cen.loc[code, ["lon", "lat"]]
        ax.annotate(nm[code], (lon, lat), fontsize=8, ha="center", color="white", weight="bold")
    ax.set_xlim(73, 136)
    ax.set_ylim(17, 54)
    ax.set_axis_off()
    ax.set_title(f"东北三省（红色）出生者居住在东北以外的省份（{year}年，前 {top} 位，万人）", fontsize=11)
    return fig


def write_all(tab_dir: Path, desc: dict, models: dict, comp: pd.DataFrame, cf: pd.DataFrame) -> None:
    """Every table of the chapter (Markdown + CSV)."""
    rt.write_table(
        destinations_table(desc["destinations"]), tab_dir, "flows_destinations",
        "东北三省出生者居住在出生省以外的前 15 个省份（2000 与 2010 年）",
        "注：人口普查长表“按现住地和出生地分的人口”，样本数除以抽样比（2010 年 10%，2000 年 9.5%）推算；"
        "三省合计，含住在东北另两省者（标“东北”）；终身迁移存量，不是五年流量。",
    )  # fmt: skip
    rt.write_table(
        origins_table(desc["by_origin"]), tab_dir, "flows_origins",
        "东北三省各自出生、居住在外省的人口（2000 与 2010 年）",
        "注：样本数为普查长表样本；推算数 = 样本数 / 抽样比。",
    )  # fmt: skip
    rt.write_table(
        inflows_table(desc["inflows"]), tab_dir, "flows_inflows",
        "居住在东北三省、出生在东北以外的人口：前 10 个出生地",
        "注：口径同上；东北三省之间的迁移不计入。",
    )  # fmt: skip
    note = (
        "注：" + SE_NOTE + "；" + rt.STAR_NOTE + "。泊松伪最大似然（PPML，pyfixest fepois），930 个省对；"
        "迁出地与迁入地特征取 2010 年值（工资为相对全国平均工资的对数）；(d) 的存量减少置零。"
    )
    rt.write_table(models_table(models), tab_dir, "flows_gravity", "省际终身迁移的 PPML 引力模型", note)
    rt.write_table(
        comparison_frame(comp), tab_dir, "flows_comparison", "本文弹性与 Gu 等（2022）的对照",
        "注：“对比”由代码给出：Gu 等的点估计落在本文 95% 区间内为“一致”；只有显著性结论时比较 5% 水平的判断。"
        "口径不同：本文为终身迁移存量（2010）与十年存量变化，Gu 等为五年迁移流量（2000–2020 各期）。",
    )  # fmt: skip
    rt.write_table(
        counterfactual_frame(cf), tab_dir, "flows_counterfactual",
        "若东北三省的迁出地特征达到全国中位数：居住在外省的本省出生人口（2010，模型预测）",
        "注：模型 (b)；“五项特征”把迁出地的工资、人均 GDP、大专及以上比重、第二产业比重和 65 岁及以上比重"
        "同时设为 31 省中位数（人口规模不变），“仅工资”只改工资；区间为 95% 德尔塔方法区间（双向聚类协方差）。",
    )  # fmt: skip
