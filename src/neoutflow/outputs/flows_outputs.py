"""What notebook ``05_flows`` reports: the migration-flow chapter's results, labels, tables, files and map.

:mod:`neoutflow.analysis.flows` fits the models and returns data; everything the report quotes is
recorded here (words from :mod:`neoutflow.outputs.claims`), and every file the chapter writes is written here.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from neoutflow.analysis import datasets
from neoutflow.analysis import flows as fl
from neoutflow.analysis.outflow import PAPER_CLAIM
from neoutflow.formatting import row_decimals
from neoutflow.outputs import cartography as carto
from neoutflow.outputs import style
from neoutflow.outputs import tables as rt
from neoutflow.outputs.claims import (
    RegionWords,
    agreement_word,
    change_direction_clause,
    compare_word,
    compatibility_reading,
    direction_word,
    evidence_word,
    grouped_clause,
    inside_count_clause,
    interval_word,
    magnitude_word,
    sign_stability_word,
    sign_word,
    significance_stability_word,
    significance_word,
)
from neoutflow.reference import NBS_ORDER, NORTHEAST, NORTHEAST_SLUGS, province_key

# Gu, Lao, Wen & Zhao (2022), 地理学报 77(12): ESF-PPML on census/survey five-year flows (issue 12 summary).
GU2022 = {
    "d_log_relative_wage": (1.75, "显著", "迁入地工资弹性约 1.75，显著为正"),
}
# Their origin-wage coefficient (standard error) for the pooled sample and each five-year period, Table 5,
# as quoted in issue #25 (their models: five-year flows, controlling for the migrant stock). All five are
# compared, not one chosen period: by whether the point lies in our interval and by a difference test.
GU2022_ORIGIN_WAGE = {
    "2000–2020": (-0.832, 0.174),
    "2000–2005": (-0.914, 0.209),
    "2005–2010": (-0.179, 0.292),
    "2010–2015": (-0.977, 0.252),
    "2015–2020": (-0.021, 0.227),
}

# The wild cluster score bootstrap of model (c)'s Northeast interactions: replicates and seed (those of notebook 02).
WILD_REPS = 9999
WILD_SEED = 20201101

# Model name (neoutflow.analysis.flows.MODELS) -> its title in tables and results.
MODEL_TITLES = {
    "a": "(a) 结构引力：固定效应",
    "b": "(b) 迁出地与迁入地特征",
    "c": "(c) 研究地区出生交互项",
    "d": "(d) 2000→2010 存量变化",
    "e": "(e) 加入 2000 年存量",
    "f": "(f) 加入 2000 年存量，迁出地固定效应",
    "g": "(g) 加入 2000 年存量，迁入地固定效应",
}
# Which side a variant's fixed effects absorb (the variants table's row).
FE_LABELS = {(): "无", ("origin",): "迁出地", ("destination",): "迁入地", ("origin", "destination"): "双向"}
# The data files of the gravity models (stocks, origin and destination characteristics, distance and
# contiguity), cited in the tables' 资料来源 lines.
GRAVITY_SOURCES = ("birthplace_flows", "census_indicators", "province_series", "boundaries_provinces")
CHAR_LABELS = {
    "log_relative_wage": "工资（对数）",
    "log_gdp_per_capita": "人均GDP（对数）",
    "college_share": datasets.label("college_share"),
    "secondary_share": "第二产业就业比重",
    "share_age_65_plus": "65岁及以上比重",
    "log_population": "常住人口（对数）",
}
TERM_LABELS = {
    "log_distance": "距离（对数）",
    "contiguous": "相邻省份",
    "log_stock_2000": "2000 年同一省对存量（对数）",
    "Intercept": "常数项",
    "region_x_log_distance": "研究地区出生 × 距离（对数）",
    "region_x_d_log_relative_wage": "研究地区出生 × 迁入地工资（对数）",
    **{f"o_{k}": f"迁出地{v}" for k, v in CHAR_LABELS.items()},
    **{f"d_{k}": f"迁入地{v}" for k, v in CHAR_LABELS.items()},
}

SE_NOTE = "括号内为按迁出地和迁入地双向聚类的稳健标准误（CRV1，小样本因子 G/(G−1)，G = 31）"
PSEUDO_R2 = "伪 R²（观测值与拟合值相关系数的平方）"


def _wan(x) -> float:
    return float(x) / 1e4


def names_zh() -> dict[str, str]:
    """Short Chinese province names (北京, 内蒙古, …), by code."""
    return {c: n for n, c in NBS_ORDER}


def region_words(region: RegionWords, text: str) -> str:
    """A label or title with the study region named: "研究地区" → "东北" (:data:`TERM_LABELS`, :data:`MODEL_TITLES`)."""
    return text.replace("研究地区", region.name)


def term_labels(region: RegionWords) -> dict[str, str]:
    return {k: region_words(region, v) for k, v in TERM_LABELS.items()}


def destinations_table(dest: pd.DataFrame, region: RegionWords, top: int = 15) -> pd.DataFrame:
    """Ranked destinations of those born in the region (2010), with 2000, growth and share."""
    nm = names_zh()
    d = dest.head(top).copy()
    inside = np.where(d["destination"].isin(region.provinces), f"（{region.name}）", "")
    frame = pd.DataFrame(
        {
            "排名": d["rank_2010"].astype(str),
            "居住地": d["destination"].map(nm) + inside,
            "2000年（万人）": d["stock_2000"].map(_wan),
            "2010年（万人）": d["stock_2010"].map(_wan),
            "增长（%）": d["growth_pct"],
            "占2010年比重（%）": d["share_2010_pct"],
            "2000年排名": d["rank_2000"].astype(str),
        }
    )
    return rt.frame_table(frame, {"2000年（万人）": 1, "2010年（万人）": 1, "增长（%）": 0, "占2010年比重（%）": 1})


def origins_table(by_origin: pd.DataFrame) -> pd.DataFrame:
    nm = names_zh()
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
    nm = names_zh()
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


def models_table(models: dict[str, dict], region: RegionWords) -> pd.DataFrame:
    """The four PPML models side by side (pseudo R² in place of R²; no adjusted R²)."""
    cols = []
    for name, m in models.items():
        c = m["coefs"].set_index("term")
        fe = "是" if m["spec"]["fixed_effects"] else "否"
        cols.append(
            rt.Column(
                region_words(region, MODEL_TITLES[name]),
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
    terms = [*fl.DYADIC, *fl.REGION_TERMS, *fl.ORIGIN_DEST, "Intercept"]
    labels = term_labels(region)
    table = rt.regression_table(cols, labels, terms=terms, extra_rows=("被解释变量", "迁出地、迁入地固定效应"))
    table = table[table["变量"] != rt.STAT_LABELS["adj_r2"]].reset_index(drop=True)
    table.loc[table["变量"] == rt.STAT_LABELS["r2"], "变量"] = PSEUDO_R2
    return table


def variants_table(variants: dict[str, dict]) -> pd.DataFrame:
    """The like-with-like variants (e)–(g): the 2000 stock as a network term, one-sided fixed effects."""
    cols = []
    for name, m in variants.items():
        c = m["coefs"].set_index("term")
        fe = FE_LABELS[tuple(m["spec"]["fixed_effects"])]
        cols.append(rt.Column(MODEL_TITLES[name], c["coef"], c["se"], c["p"], m["n"], m["pseudo_r2"], float("nan"),
                              {"固定效应": fe}))  # fmt: skip
    terms = [*fl.DYADIC, *fl.NETWORK, *fl.ORIGIN_DEST, "Intercept"]
    table = rt.regression_table(cols, TERM_LABELS, terms=terms, extra_rows=("固定效应",))
    table = table[table["变量"] != rt.STAT_LABELS["adj_r2"]].reset_index(drop=True)
    table.loc[table["变量"] == rt.STAT_LABELS["r2"], "变量"] = PSEUDO_R2
    return table


def write_variants(variants: dict[str, dict], sensitivity: pd.DataFrame, tab_dir: Path) -> str:
    """The variants table and the sampling-fraction sensitivity of (d) (Markdown + CSV); returns both."""
    note = (
        "注：" + SE_NOTE + "；" + rt.STAR_NOTE + "。被解释变量为 2010 年存量，PPML；"
        "“2000 年存量”为同一省对十年前的终身迁移存量（迁移网络），单侧固定效应吸收一侧的全部特征。"
    )
    name, caption = "flows_gravity_variants", "引力模型的可比口径：控制 2000 年存量与单侧固定效应"
    rt.write_table(variants_table(variants), tab_dir, name, caption, note, GRAVITY_SOURCES)
    text = rt.to_markdown(variants_table(variants), caption, name, note, GRAVITY_SOURCES)
    sens = sensitivity.assign(term=sensitivity["term"].map(TERM_LABELS), fraction=sensitivity["fraction"] * 100)
    sens = rt.frame_table(sens[["fraction", "term", "coef", "se", "p", "zero_share"]].assign(zero_share=sens["zero_share"] * 100),
                          {"fraction": 1, "coef": 3, "se": 3, "p": 3, "zero_share": 1},
                          {"fraction": "2000 年抽样比（%）", "term": "变量", "coef": "系数", "se": "标准误", "p": "p 值",
                           "zero_share": "变化置零的省对（%）"})  # fmt: skip
    note = "注：模型 (d) 在不同 2000 年抽样比下重估（2000 年存量 = 样本数 ÷ 抽样比）；标准误口径同上表。"
    name, caption = "flows_sampling_sensitivity", "模型 (d) 对 2000 年抽样比的敏感性"
    rt.write_table(sens, tab_dir, name, caption, note, GRAVITY_SOURCES)
    return text + "\n" + rt.to_markdown(sens, caption, name, note, GRAVITY_SOURCES)


def record_variants(rs, variants: dict[str, dict], sensitivity: pd.DataFrame) -> None:
    """The variants' coefficients (as :func:`record_models`), the origin wage of (e) and (g) against each of
    Gu et al.'s five estimates, and the range and sign stability of (d)'s wage terms over the sampling fractions."""
    for name, m in variants.items():
        _record_coefficients(rs, name, m)
    for name in ("e", "g"):
        c = variants[name]["coefs"].set_index("term").loc["o_log_relative_wage"]
        inside = sum(c["ci_low"] <= b <= c["ci_high"] for b, _ in GU2022_ORIGIN_WAGE.values())
        _rec(
            rs,
            f"m{name}_gu_inside",
            inside,
            "个",
            f"古恒宇等五个迁出地工资估计落在模型 ({name}) 区间内的个数",
            digits=0,
        )
    _rec(rs, "gu_periods", len(GU2022_ORIGIN_WAGE), "个", "古恒宇等迁出地工资估计的个数（合并与四期）", digits=0)
    n, insides = len(GU2022_ORIGIN_WAGE), [int(rs[f"m{name}_gu_inside"].value) for name in ("e", "g")]
    clause = "，".join(inside_count_clause(f"({name})", k, n) for name, k in zip(("e", "g"), insides))
    rs.record("gu_inside_clause", clause, "", "古恒宇等的估计落在 (e)、(g) 区间内的个数（句）", display=clause)
    reading = compatibility_reading(insides, n, "古恒宇等", "迁出地工资估计")
    rs.record("gu_reading", reading, "", "与古恒宇等的迁出地工资估计是否相容（句）", display=reading)
    for term, grp in sensitivity.groupby("term"):
        k, lab = term_key(term), TERM_LABELS[term]
        _rec(
            rs, f"md_sens_{k}_min", grp["coef"].min(), "", f"(d) {lab}系数在抽样比区间内的最小值", digits=2, signed=True
        )
        _rec(
            rs, f"md_sens_{k}_max", grp["coef"].max(), "", f"(d) {lab}系数在抽样比区间内的最大值", digits=2, signed=True
        )
        _rec(rs, f"md_sens_{k}_sign", grp["coef"].iloc[0], "", f"(d) {lab}系数的符号在抽样比区间内是否一致",
             display=sign_stability_word(grp["coef"]))  # fmt: skip
        word = significance_stability_word(grp["p"])
        _rec(rs, f"md_sens_{k}_sig", float(grp["p"].max()), "", f"(d) {lab}在抽样比区间内的显著性", display=word)
    fr = sensitivity["fraction"]
    _rec(rs, "md_sens_fraction_low", fr.min() * 100, "%", "敏感性分析的最低 2000 年抽样比", digits=1)
    _rec(rs, "md_sens_fraction_high", fr.max() * 100, "%", "敏感性分析的最高 2000 年抽样比", digits=1)


def record_region_wild(rs, wild: pd.DataFrame) -> None:
    """Model (c)'s study-region interactions under the wild cluster score bootstrap by origin: the larger of the
    Rademacher and Webb p-values (``mc_wild_p_<term>``), its word, and the evidence word over both terms."""
    for r in wild.itertuples():
        k, lab = term_key(r.term), TERM_LABELS[r.term]
        p = max(float(r.p_rademacher), float(r.p_webb))
        _rec(rs, f"mc_wild_p_{k}", p, "", f"(c) {lab}：按迁出地聚类的野得分自助法 p 值（两种权重中较大者）", digits=3)
        _rec(rs, f"mc_wild_sig_{k}", p, "", f"(c) {lab}：野得分自助法下是否显著", display=significance_word(p))
    p_all = [max(float(a), float(b)) for a, b in zip(wild["p_rademacher"], wild["p_webb"], strict=True)]
    _rec(
        rs,
        "mc_wild_evidence",
        min(p_all),
        "",
        "研究地区交互项（野得分自助法）中最小的 p 值",
        display=evidence_word(p_all),
    )
    _rec(rs, "mc_wild_reps", int(wild["reps"].iloc[0]), "次", "野得分自助法的重复次数", digits=0)


def comparison_frame(comp: pd.DataFrame) -> pd.DataFrame:
    model_names = {"b": "(b) 2010 年存量", "d": "(d) 2000→2010 存量变化"}
    frame = pd.DataFrame(
        {
            "变量": comp["term"].map(TERM_LABELS),
            "本文模型": comp["model"].map(model_names),
            "本文系数": comp["coef"],
            "95% 区间": [f"[{lo:.2f}, {hi:.2f}]" for lo, hi in zip(comp["ci_low"], comp["ci_high"], strict=True)],
            "本文（5% 水平）": comp["ours_word"],
            "古恒宇等（2022）": comp["theirs"],
            "对比": comp["agree"],
            "差异检验 p": ["" if pd.isna(p) else f"{p:.3f}" for p in comp["diff_p"]],
        }
    )
    return rt.frame_table(frame, {"本文系数": 2})


def counterfactual_frame(cf: pd.DataFrame) -> pd.DataFrame:
    nm = names_zh()
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


def flow_map(
    basemap, boundaries, flows: pd.DataFrame, year: int = 2010, top: int = 12, region: RegionWords | None = None
):
    """Map of where those born in the study region lived (``year``), on the national base map (Albers, South
    China Sea inset, scale bar, north arrow): provinces shaded by the region-born stock, the region itself in
    vermillion, arrows from the region's centroid to the ``top`` destinations outside it, width ∝ stock,
    each named with its stock (万人) beside its arrow head (a leader line where the name had to move).
    ``region``: default the Northeast.

    ``basemap``: :func:`neoutflow.data.load_basemap`; ``boundaries``: the province polygons the
    centroids are taken from (those of the gravity models)."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import Normalize
    from matplotlib.patches import FancyArrowPatch, Patch

    nm = names_zh()
    if region is None:
        region = RegionWords("东北", NORTHEAST, {c: nm[c] for c in NORTHEAST}, "东北三省", "辽宁、吉林和黑龙江")
    codes = list(region.provinces)
    cen = fl.centroids(boundaries).set_index("code")
    xy = gpd_points(cen)
    f = flows[(flows["year"] == year) & flows["origin"].isin(codes) & ~flows["destination"].isin(codes)]
    stock = f.groupby("destination")["persons_estimated"].sum().sort_values(ascending=False)
    vals = pd.DataFrame({"code": stock.index.astype(str), "stock": (stock / 1e4).to_numpy()})
    norm = Normalize(vmin=0, vmax=float(vals["stock"].max()))
    fig, ax = plt.subplots(figsize=(style.TEXT_WIDTH_IN, 5.0))
    carto.draw_basemap(ax, basemap, vals, "stock", cmap="Blues", norm=norm)
    home = basemap[basemap["code"].isin(codes)].to_crs(carto.CHINA_ALBERS)
    home.plot(ax=ax, color=style.PALETTE["northeast"], edgecolor="white", linewidth=0.4)
    src = xy.loc[codes].mean()
    wmax = stock.iloc[0]
    heads = stock.head(top)
    for code, value in heads.items():
        arrow = FancyArrowPatch(
            (src["x"], src["y"]), (xy.at[code, "x"], xy.at[code, "y"]), arrowstyle="-|>", mutation_scale=8,
            linewidth=0.6 + 4 * value / wmax, color=style.PALETTE["northeast"], alpha=0.75,
            connectionstyle="arc3,rad=0.18",
        )  # fmt: skip
        ax.add_patch(arrow)
    carto.national_frame(ax)
    inset = carto.south_sea_inset(ax, basemap, vals, "stock", cmap="Blues", norm=norm)
    fig.draw_without_rendering()  # the inset's and the names' boxes are known only once laid out
    taken = carto.place_names(
        ax, [tuple(xy.loc[c]) for c in codes], [nm[c] for c in codes], fontsize=8.5
    ) + carto.artist_boxes(ax, [inset])
    style.place_labels(
        ax,
        [xy.at[c, "x"] for c in heads.index],
        [xy.at[c, "y"] for c in heads.index],
        [f"{nm[c]} {v / 1e4:.0f}" for c, v in heads.items()],
        colours=["#222222"] * len(heads),
        fontsize=8,
        avoid=taken,
        halo=True,
    )
    carto.scale_bar(ax, loc=(0.03, 0.04))
    carto.north_arrow(ax, loc=(0.05, 0.83))
    fig.colorbar(plt.cm.ScalarMappable(cmap="Blues", norm=norm), ax=ax, shrink=0.6, pad=0.02,
                 label=f"{year}年{region.name}出生人口（万人）")  # fmt: skip
    ax.legend(
        handles=[
            Patch(facecolor=style.PALETTE["northeast"], edgecolor="white", label=f"{region.group}（出生地）"),
            Patch(facecolor=carto.NO_DATA, edgecolor="white", label=carto.NO_DATA_LABEL),
        ],
        loc="lower left",
        bbox_to_anchor=(0.0, 0.12),
        frameon=False,
        fontsize=8,
    )
    return fig


def gpd_points(cen: pd.DataFrame) -> pd.DataFrame:
    """x, y (Albers metres) of the centroids' lon, lat, indexed like ``cen``."""
    x, y = carto.project(cen["lon"], cen["lat"])
    return pd.DataFrame({"x": x, "y": y}, index=cen.index)


def write_all(
    tab_dir: Path, desc: dict, models: dict, comp: pd.DataFrame, cf: pd.DataFrame, region: RegionWords
) -> None:
    """Every table of the chapter (Markdown + CSV)."""
    g, n = region.group, region.name
    rt.write_table(
        destinations_table(desc["destinations"], region), tab_dir, "flows_destinations",
        f"{g}出生者居住在出生省以外的前 15 个省份（2000 与 2010 年）",
        "注：人口普查长表“按现住地和出生地分的人口”，样本数除以抽样比（2010 年 10%，2000 年 9.5%）推算；"
        f"各省合计，含住在{n}其他省份者（标“{n}”）；终身迁移存量，不是五年流量。",
        sources=("birthplace_flows",),
    )  # fmt: skip
    rt.write_table(
        origins_table(desc["by_origin"]), tab_dir, "flows_origins",
        f"{g}各自出生、居住在外省的人口（2000 与 2010 年）",
        "注：样本数为普查长表样本；推算数 = 样本数 / 抽样比。",
        sources=("birthplace_flows",),
    )  # fmt: skip
    rt.write_table(
        inflows_table(desc["inflows"]), tab_dir, "flows_inflows",
        f"居住在{g}、出生在{n}以外的人口：前 10 个出生地",
        f"注：口径同上；{g}之间的迁移不计入。",
        sources=("birthplace_flows",),
    )  # fmt: skip
    note = (
        "注：" + SE_NOTE + "；" + rt.STAR_NOTE + "。泊松伪最大似然（PPML，pyfixest fepois），930 个省对；"
        "迁出地与迁入地特征取 2010 年值（工资为相对全国平均工资的对数）；(d) 的存量减少置零。"
    )
    rt.write_table(
        models_table(models, region), tab_dir, "flows_gravity", "省际终身迁移的 PPML 引力模型", note, GRAVITY_SOURCES
    )
    rt.write_table(
        comparison_frame(comp), tab_dir, "flows_comparison", "本文弹性与古恒宇等（2022）的对照",
        "注：“对比”按固定规则给出：古恒宇等的点估计落在本文 95% 区间内为“一致”（本文区间含零时为“不矛盾”）；"
        "差异检验把两个估计视为独立，z = 差 ÷ √(两标准误平方和)；古恒宇等迁出地工资的五个估计引自其表 5。"
        "口径不同：本文为终身迁移存量（2010）与十年存量变化，古恒宇等为五年迁移流量（2000–2020 各期）。",
        sources=GRAVITY_SOURCES,
    )  # fmt: skip
    rt.write_table(
        counterfactual_frame(cf), tab_dir, "flows_counterfactual",
        f"若{g}的迁出地特征达到全国中位数：居住在外省的本省出生人口（2010，模型预测）",
        "注：模型 (b)；“五项特征”把迁出地的工资、人均 GDP、大专及以上比重、第二产业比重和 65 岁及以上比重"
        "同时设为 31 省中位数（人口规模不变），“仅工资”只改工资；区间为 95% delta 方法区间（双向聚类协方差）。",
        sources=GRAVITY_SOURCES,
    )  # fmt: skip


def write_models(models: dict[str, dict], dyads: pd.DataFrame, tab_dir: Path) -> Path:
    """Each model's dyad dataset (``flows_dyads_<m>.csv``), and ``flows_models.json``: spec plus the
    reported coefficients and standard errors, for an independent refit."""
    tab_dir = Path(tab_dir)
    tab_dir.mkdir(parents=True, exist_ok=True)
    record = {}
    for name, m in models.items():
        spec = m["spec"]
        cols = ["origin", "destination", spec["outcome"], *spec["regressors"]]
        dyads[cols].to_csv(tab_dir / spec["dataset"], index=False, lineterminator="\n", float_format="%.17g")
        c = m["coefs"].set_index("term")
        record[name] = {"title": MODEL_TITLES[name], **spec, "coef": c["coef"].to_dict(), "se": c["se"].to_dict()}
    path = tab_dir / "flows_models.json"
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


# ------------------------------------------------------------------ results


def _rec(rs, key: str, value, unit: str, label: str, **kw):
    """``rs.record`` with the unit shown: 万人 values as "219万", percentages as "+22.4%"."""
    if unit in ("万人", "%") and "display" not in kw:
        kw.setdefault("suffix", "万" if unit == "万人" else "%")
    return rs.record(key, value, unit, label, **kw)


def record_descriptives(rs, flows: pd.DataFrame, region: RegionWords, top: int = 5) -> dict[str, pd.DataFrame]:
    """Record the stock descriptives of the study region; returns the tables (destinations, by origin, inflows).
    The check of the seed paper's "821万" is the Northeast's whatever the region (:func:`_record_paper_check`)."""
    nm = names_zh()
    codes = list(region.provinces)
    rs.record("region_name", region.name, "", "研究地区", display=region.name)
    rs.record("region_group", region.group, "", "研究地区各省合称", display=region.group)
    rs.record("region_province_count", len(codes), "个", "研究地区的省份数", digits=0)
    _record_totals(rs, flows)
    by_origin = fl.stocks_by_origin(flows, codes)
    _record_origins(rs, by_origin, nm, region)
    _record_paper_check(rs, fl.stocks_by_origin(flows, NORTHEAST), nm)
    dest = fl.region_destinations(flows, codes)
    _record_region_stock(rs, dest, region)
    outside = dest[~dest["destination"].isin(codes)].reset_index(drop=True)
    _record_outside(rs, outside, nm, top, region)
    inflow = fl.inflows_to_region(flows, codes)
    _record_inflows(rs, inflow, outside, nm, region)
    return {"destinations": dest, "by_origin": by_origin, "inflows": inflow}


def _record_totals(rs, flows: pd.DataFrame) -> None:
    """Interprovincial lifetime migrants in the long-form sample and estimated, and the sampling fractions."""
    for year in (2000, 2010):
        part = flows[flows["year"] == year]
        _rec(
            rs,
            f"total_sample_{year}",
            int(part["persons_sample"].sum()),
            "人",
            f"{year}年长表样本中的省际终身迁移者",
            digits=0,
        )
        frac = float(part["sampling_fraction"].iloc[0]) * 100
        _rec(rs, f"sampling_fraction_{year}", frac, "%", f"{year}年长表抽样比", display=f"{frac:g}%")  # fmt: skip
        _rec(rs,
            f"total_estimated_{year}", _wan(part["persons_estimated"].sum()), "万人", f"{year}年省际终身迁移者（推算）",
            digits=0,
        )  # fmt: skip


def _record_origins(rs, by_origin: pd.DataFrame, nm: dict[str, str], region: RegionWords) -> None:
    """Each province of the region: its born living elsewhere, 2000 and 2010, and the growth; the sentence
    that gives them all (``origins_sentence``), largest 2010 stock first."""
    for _, r in by_origin.iterrows():
        slug, y = province_key(r["origin"]), int(r["year"])
        _rec(
            rs,
            f"stock_{slug}_{y}",
            _wan(r["persons_estimated"]),
            "万人",
            f"{y}年{nm[r['origin']]}出生、居住在外省的人口（推算）",
            digits=0,
        )
        _rec(
            rs,
            f"stock_{slug}_{y}_sample",
            int(r["persons_sample"]),
            "人",
            f"{y}年{nm[r['origin']]}出生、居住在外省的样本人数",
            digits=0,
        )
        if y == 2010:
            # the 821万 magnitude check: the 2010 10% sample count × 10
            _rec(
                rs,
                f"stock_{slug}_2010_x10",
                _wan(r["persons_sample"] * 10),
                "万人",
                f"{nm[r['origin']]}：2010年样本数×10",
                digits=0,
            )
    wide = by_origin.pivot(index="origin", columns="year", values="persons_estimated")
    for o, r in wide.iterrows():
        g = (r[2010] / r[2000] - 1) * 100
        _rec(
            rs,
            f"stock_{province_key(o)}_growth",
            g,
            "%",
            f"{nm[o]}出生、居住在外省人口 2000→2010 的增长",
            digits=1,
            signed=True,
        )
    order = list(wide.sort_values(2010, ascending=False).index)
    stocks = "，".join(
        f"{nm[o]}{'出生、住在外省的有 ' if i == 0 else ' '}{rs[f'stock_{province_key(o)}_2010'].display}"
        for i, o in enumerate(order)
    )
    growth = "，".join(
        f"{nm[o]}{'出生者的外省存量变化 ' if i == 0 else ' '}{rs[f'stock_{province_key(o)}_growth'].display}"
        for i, o in enumerate(sorted(order, key=lambda o: -float(wide.loc[o, 2010] / wide.loc[o, 2000])))
    )
    text = f"2010 年，{stocks}。与 2000 年相比，{growth}"
    rs.record("origins_sentence", text, "", f"{region.group}各自出生、住在外省的人口（逐省表述）", display=text)


def _record_paper_check(rs, by_origin: pd.DataFrame, nm: dict[str, str]) -> None:
    """The seed paper's "821万" (the Northeast's three provinces) against the 2010 birthplace stock, sample × 10:
    a comparison with the paper, kept for the Northeast whatever the study region."""
    b10 = by_origin[by_origin["year"] == 2010].set_index("origin")["persons_sample"] * 10
    x10 = b10.sum()
    for o, v in PAPER_CLAIM.items():
        _rec(
            rs,
            f"x10_to_paper_{NORTHEAST_SLUGS[o]}",
            b10[o] / v,
            "倍",
            f"{nm[o]}：2010年出生地存量（样本×10）÷ 原文数字",
            digits=2,
        )
        if f"stock_{NORTHEAST_SLUGS[o]}_2010_x10" not in rs:  # recorded with the region's provinces otherwise
            label = f"{nm[o]}：2010年样本数×10（与原文对照）"
            _rec(rs, f"stock_{NORTHEAST_SLUGS[o]}_2010_x10", _wan(b10[o]), "万人", label, digits=0)
            label = f"2010年{nm[o]}出生、居住在外省的样本人数（与原文对照）"
            _rec(rs, f"stock_{NORTHEAST_SLUGS[o]}_2010_sample", int(b10[o] / 10), "人", label, digits=0)
    ratio_all = x10 / sum(PAPER_CLAIM.values())
    _rec(rs, "x10_to_paper", ratio_all, "倍", "三省：2010年出生地存量（样本×10）÷ 原文“821万”", digits=2)
    _rec(rs, "x10_to_paper_word", ratio_all, "", "二者是否同一量级（相差不到两倍）", display=magnitude_word(ratio_all))
    _rec(rs, "ne_stock_2010_x10", _wan(x10), "万人", "东北三省出生、居住在本省以外的人口，2010年样本数×10", digits=0)


def _record_region_stock(rs, dest: pd.DataFrame, region: RegionWords) -> None:
    """The region's provinces' born outside their birth province, and the share living in the region's other
    provinces."""
    g, n = region.group, region.name
    for year in (2000, 2010):
        _rec(
            rs,
            f"region_stock_{year}",
            _wan(dest[f"stock_{year}"].sum()),
            "万人",
            f"{year}年{g}出生、居住在出生省以外的人口",
            digits=0,
        )
    total_g = (dest["stock_2010"].sum() / dest["stock_2000"].sum() - 1) * 100
    _rec(rs, "region_stock_growth", total_g, "%", f"{n}出生外省人口 2000→2010 的增长", digits=1, signed=True)
    inside = dest[dest["destination"].isin(region.provinces)]
    within = [inside[f"stock_{y}"].sum() / dest[f"stock_{y}"].sum() for y in (2000, 2010)]
    _rec(
        rs,
        "region_within_trend",
        within[1] - within[0],
        "",
        f"{n}内部比重的变化方向",
        display=direction_word(within[1] - within[0], "to"),
    )
    for year in (2000, 2010):
        share = inside[f"stock_{year}"].sum() / dest[f"stock_{year}"].sum() * 100
        _rec(
            rs,
            f"region_within_share_{year}",
            share,
            "%",
            f"{year}年{n}出生外省人口中住在{n}其他省份的比重（{n}内部 / 全部）",
            digits=1,
        )


def _record_outside(rs, outside: pd.DataFrame, nm: dict[str, str], top: int, region: RegionWords) -> None:
    """Those born in the region living outside it: totals, trend and the leading destinations."""
    n = region.name
    for year in (2000, 2010):
        _rec(
            rs,
            f"region_outside_{year}",
            _wan(outside[f"stock_{year}"].sum()),
            "万人",
            f"{year}年{n}出生、住在{region.group}以外的人口",
            digits=0,
        )
    g_out = (outside["stock_2010"].sum() / outside["stock_2000"].sum() - 1) * 100
    word = direction_word(g_out, "change_to")
    _rec(rs, "region_outside_trend", g_out, "", f"{n}以外存量的变化方向", display=word)
    label = f"{n}出生、住在{n}以外的人口 2000→2010 的增长"
    _rec(rs, "region_outside_growth", g_out, "%", label, digits=1, signed=True)
    for i, r in outside.head(top).iterrows():
        _rec(
            rs,
            f"outside_top{i + 1}_stock",
            _wan(r["stock_2010"]),
            "万人",
            f"{n}以外第{i + 1}大目的地的{n}出生人口（2010）",
            digits=0,
        )
        _rec(
            rs,
            f"outside_top{i + 1}_growth",
            r["growth_pct"],
            "%",
            f"{n}以外第{i + 1}大目的地 2000→2010 增长",
            digits=0,
            signed=True,
        )
    top_share = outside.head(top)["stock_2010"].sum() / outside["stock_2010"].sum() * 100
    label = f"前{top}大目的地占{n}以外{n}出生人口的比重（2010）"
    _rec(rs, "outside_top_share", top_share, "%", label, digits=0)
    names = [
        f"{nm[r['destination']]}（{rs[f'outside_top{i + 1}_stock'].display}）" for i, r in outside.head(top).iterrows()
    ]
    text = "、".join(names[:-1]) + "和" + names[-1] if len(names) > 1 else "".join(names)
    rs.record("outside_top_list", text, "", f"{n}以外的前{top}个目的地及其存量（2010）", display=text)
    rs.record("outside_top_n", len(names), "个", f"{n}以外列出的目的地个数", digits=0)
    big = outside.head(10)
    fastest = big.loc[big["growth_pct"].idxmax()]
    _rec(
        rs,
        "outside_fastest_name",
        fastest["destination"],
        "",
        "前十大目的地中增长最快者",
        display=nm[fastest["destination"]],
    )
    _rec(rs, "outside_fastest_growth", fastest["growth_pct"], "%", "前十大目的地中最快的增长", digits=0, signed=True)
    slowest = big.loc[big["growth_pct"].idxmin()]
    _rec(
        rs,
        "outside_slowest_name",
        slowest["destination"],
        "",
        "前十大目的地中增长最慢者",
        display=nm[slowest["destination"]],
    )
    _rec(rs, "outside_slowest_growth", slowest["growth_pct"], "%", "前十大目的地中最慢的增长", digits=0, signed=True)


def _record_inflows(rs, inflow: pd.DataFrame, outside: pd.DataFrame, nm: dict[str, str], region: RegionWords) -> None:
    """Persons born outside the region living in it, against those born in the region living outside."""
    n = region.name
    for year in (2000, 2010):
        _rec(
            rs,
            f"inflow_{year}",
            _wan(inflow[f"stock_{year}"].sum()),
            "万人",
            f"{year}年居住在{n}、出生在{n}以外的人口",
            digits=0,
        )
    d_in = inflow["stock_2010"].sum() - inflow["stock_2000"].sum()
    _rec(rs, "inflow_trend", d_in, "", f"流入{n}存量的变化方向", display=direction_word(d_in, "change"))
    ratio = inflow["stock_2010"].sum() / outside["stock_2010"].sum()
    _rec(
        rs,
        "inflow_to_outflow_ratio",
        ratio,
        "倍",
        f"2010年流入{n}的外省出生人口 ÷ 住在{n}以外的{n}出生人口",
        digits=2,
    )
    for i, r in inflow.head(3).iterrows():
        _rec(
            rs,
            f"inflow_top{i + 1}_name",
            r["origin"],
            "",
            f"流入{n}的第{i + 1}大来源地（2010）",
            display=nm[r["origin"]],
        )
        _rec(
            rs,
            f"inflow_top{i + 1}_share",
            r["share_2010_pct"],
            "%",
            f"第{i + 1}大来源地占流入{n}人口的比重（2010）",
            digits=0,
        )


def term_key(term: str) -> str:
    return term.lower()


# What each gravity-model coefficient records: results-key suffix, column of ``coef_frame``, label, digits
# (None: two, or more where the term's standard error needs them to show two significant digits,
# formatting.row_decimals, so a small coefficient is not printed as "0.00") and whether the sign is printed.
COEFFICIENT_RESULTS = (
    ("coef", "coef", "的系数", None, True),
    ("se", "se", "系数的聚类标准误", None, False),
    ("p", "p", "系数的 p 值", 3, False),
    ("low", "ci_low", "系数 95% 区间下限", None, True),
    ("high", "ci_high", "系数 95% 区间上限", None, True),
)


def _record_coefficients(rs, name: str, m: dict) -> None:
    title = MODEL_TITLES[name]
    for _, r in m["coefs"].iterrows():
        k, lab = f"m{name}_{term_key(r['term'])}", TERM_LABELS.get(r["term"], r["term"])
        decimals = row_decimals([r["se"]], base=2)
        for suffix, column, what, fixed_digits, signed in COEFFICIENT_RESULTS:
            d = decimals if fixed_digits is None else fixed_digits
            _rec(rs, f"{k}_{suffix}", r[column], "", f"{title}：{lab}{what}", digits=d, signed=signed)
        _rec(rs, f"{k}_sig", r["p"], "", f"{title}：{lab}在 5% 水平上", display=significance_word(r["p"]))
        _rec(rs, f"{k}_sign", r["coef"], "", f"{title}：{lab}系数的符号", display=sign_word(r["coef"]))
    _rec(rs, f"m{name}_n", m["n"], "个", f"{title}：省对数", digits=0)
    _rec(rs, f"m{name}_pseudo_r2", m["pseudo_r2"], "", f"{title}：伪 R²", digits=2)


def record_models(rs, models: dict[str, dict], dyads: pd.DataFrame) -> None:
    """``m<name>_coef_<term>`` / ``_se_`` / ``_p_`` / ``_sig_`` (显著/不显著 at 5%), ``_low``/``_high``;
    ``m<name>_n``, ``_pseudo_r2``; the handling of negative stock changes in (d)."""
    for name, m in models.items():
        _record_coefficients(rs, name, m)
    region_p = models["c"]["coefs"].set_index("term").loc[list(fl.REGION_TERMS), "p"]
    _rec(rs,
        "mc_region_evidence", float(region_p.min()), "",
        "研究地区交互项中最小的 p 值（任一项在 5% 水平上显著即“有证据表明”）", display=evidence_word(region_p),
    )  # fmt: skip
    a = models["a"]["coefs"].set_index("term").loc["log_distance", "coef"]
    _rec(
        rs,
        "ma_distance_halving_pct",
        (2 ** (-a) - 1) * 100,
        "%",
        "距离减半时存量的变化（模型 a）",
        digits=0,
        signed=True,
    )
    neg = dyads["stock_change_raw"] < 0
    _rec(rs, "d_negative_n", int(neg.sum()), "个", "2000→2010 存量减少（置零）的省对数", digits=0)
    _rec(rs, "d_negative_share", neg.mean() * 100, "%", "存量减少的省对占全部省对的比重", digits=0)
    _rec(
        rs,
        "d_negative_sum",
        _wan(-dyads.loc[neg, "stock_change_raw"].sum()),
        "万人",
        "减少的省对合计减少的人数",
        digits=0,
    )
    _rec(
        rs,
        "d_positive_sum",
        _wan(dyads.loc[~neg, "stock_change_raw"].sum()),
        "万人",
        "增加的省对合计增加的人数",
        digits=0,
    )


def comparison_table(models: dict[str, dict]) -> pd.DataFrame:
    """Our origin and destination wage and distance elasticities beside Gu et al. 2022."""
    rows = []
    for term, (theirs, their_word, their_text) in GU2022.items():
        for name in ("b", "d"):
            c = models[name]["coefs"].set_index("term").loc[term]
            word = significance_word(c["p"])
            agree = (
                compare_word(c["ci_low"], c["ci_high"], theirs)
                if theirs is not None
                else agreement_word(word, their_word)
            )
            rows.append(
                {
                    "term": term,
                    "model": name,
                    "period": "",
                    "coef": c["coef"],
                    "ci_low": c["ci_low"],
                    "ci_high": c["ci_high"],
                    "p": c["p"],
                    "ours_word": word,
                    "theirs": their_text,
                    "agree": agree,
                    "diff_p": np.nan,
                }
            )
    term = "o_log_relative_wage"
    for name in ("b", "d"):
        c = models[name]["coefs"].set_index("term").loc[term]
        for period, (theirs, se) in GU2022_ORIGIN_WAGE.items():
            # Difference of two independent estimates: z = (ours − theirs) / √(se_ours² + se_theirs²).
            z = (c["coef"] - theirs) / np.sqrt(c["se"] ** 2 + se**2)
            rows.append(
                {
                    "term": term,
                    "model": name,
                    "period": period,
                    "coef": c["coef"],
                    "ci_low": c["ci_low"],
                    "ci_high": c["ci_high"],
                    "p": c["p"],
                    "ours_word": significance_word(c["p"]),
                    "theirs": f"{period}：{theirs:.3f}（{se:.3f}）",
                    "agree": compare_word(c["ci_low"], c["ci_high"], theirs),
                    "diff_p": float(2 * stats.norm.sf(abs(z))),
                }
            )
    return pd.DataFrame(rows)


def record_characteristics(rs, chars: pd.DataFrame, flows: pd.DataFrame, region: RegionWords) -> None:
    """Each province of the region: its characteristics against the 31-province median (高于/低于), the
    correlation of log wage and log GDP per capita across provinces, and the largest stock (in 2000) one
    province of the region held of another's born (the Northeast: the 辽宁-born in 黑龙江;
    ``within_pair_sentence``)."""
    med = chars.median()
    nm = names_zh()
    codes = list(region.provinces)
    for code in codes:
        for c in fl.CF_CHARACTERISTICS:
            gap = float(chars.loc[code, c] - med[c])
            _rec(rs,
                f"gap_{province_key(code)}_{c}", gap, "",
                f"{nm[code]}的{CHAR_LABELS[c]}减 31 省中位数", display=direction_word(gap, "compare"), digits=3,
            )  # fmt: skip
    for c in fl.CF_CHARACTERISTICS:  # the region's provinces in one clause, those sharing a word together
        words = [rs[f"gap_{province_key(code)}_{c}"].display for code in codes]
        clause = grouped_clause([nm[code] for code in codes], words, "中位数")
        rs.record(f"gap_clause_{c}", clause, "", f"{region.group}的{CHAR_LABELS[c]}与 31 省中位数", display=clause)
    r = chars["log_relative_wage"].corr(chars["log_gdp_per_capita"])
    _rec(rs, "corr_wage_gdp", r, "", "31 省相对工资（对数）与人均 GDP（对数）的相关系数（2010）", digits=2)
    within = flows[flows["origin"].isin(codes) & flows["destination"].isin(codes)]
    within = within[within["origin"] != within["destination"]]
    if within.empty:
        text = f"{region.group}只有一个省份，区域内部没有省际迁移"
    else:
        first = within[within["year"] == 2000].sort_values("persons_estimated", ascending=False).iloc[0]
        o, d = first["origin"], first["destination"]
        pair = within[(within["origin"] == o) & (within["destination"] == d)].set_index("year")
        for y in (2000, 2010):
            _rec(rs, f"within_pair_{y}", _wan(pair.loc[y, "persons_estimated"]), "万人",
                 f"{y}年{nm[o]}出生、住在{nm[d]}的人口", digits=0)  # fmt: skip
        text = (
            f"{region.name}内部最大的一组出生地存量是{nm[o]}出生、住在{nm[d]}的人："
            f"2000 年 {rs['within_pair_2000'].display}，2010 年 {rs['within_pair_2010'].display}"
        )
    rs.record("within_pair_sentence", text, "", f"{region.name}内部最大的出生地存量", display=text)


def record_comparison(rs, comp: pd.DataFrame) -> None:
    _rec(rs, "gu_d_wage", GU2022["d_log_relative_wage"][0], "", "古恒宇等（2022）迁入地工资弹性", digits=2)
    for _, r in comp.iterrows():
        k = f"cmp_{r['model']}_{term_key(r['term'])}"
        what = f"模型 {r['model']} 的{TERM_LABELS[r['term']]}与 古恒宇等（2022）"
        if r["period"]:
            slug = r["period"].replace("–", "_")
            what += f"（{r['period']}）"
            if r["period"] == next(iter(GU2022_ORIGIN_WAGE)):  # the pooled estimate is the headline comparison
                _rec(rs, k, r["agree"], "", what, display=r["agree"])
            _rec(rs, f"{k}_{slug}", r["agree"], "", what, display=r["agree"])
            _rec(rs, f"{k}_{slug}_diff_p", r["diff_p"], "", what + "：差异检验 p 值", digits=3)
        else:
            _rec(rs, k, r["agree"], "", what, display=r["agree"])
    n = comp[(comp["model"] == "b") & (comp["period"] != "")]
    inside = int((n["agree"] != "不一致").sum())
    _rec(rs, "cmp_b_o_wage_inside", inside, "个", "古恒宇等迁出地工资五个估计中落在本文模型 (b) 区间内的个数", digits=0)
    differ = int((n["diff_p"] < 0.05).sum())
    _rec(rs, "cmp_b_o_wage_differ", differ, "个", "古恒宇等迁出地工资五个估计中与本文模型 (b) 差异显著的个数", digits=0)


def record_counterfactual(rs, cf: pd.DataFrame, family: str = "all") -> None:
    """``cf_<province>_<family>_...``; family ``all`` (six origin characteristics) or ``wage``."""
    nm = names_zh()
    which = {"all": "全部迁出地特征", "wage": "迁出地工资"}[family]
    for _, r in cf.iterrows():
        s, n = f"{province_key(r['origin'])}_{family}", nm[r["origin"]]
        what = f"{n}：若{which}达到全国中位数"
        _rec(rs, f"cf_{s}_observed", _wan(r["observed"]), "万人", f"{n}出生、居住在外省的人口（2010，推算）", digits=0)
        _rec(rs, f"cf_{s}_fitted", _wan(r["fitted"]), "万人", f"{n}：模型 (b) 的拟合值", digits=0)
        for k in ("counterfactual", "cf_low", "cf_high"):
            _rec(rs, f"cf_{s}_{k}", _wan(r[k]), "万人", f"{what}，预测存量（{k}）", digits=0)
        for k in ("change_pct", "change_pct_low", "change_pct_high"):
            _rec(rs, f"cf_{s}_{k}", r[k], "%", f"{what}，存量的变化（{k}）", digits=0, signed=True)
        for k in ("observed_scaled", "observed_scaled_low", "observed_scaled_high"):
            _rec(rs, f"cf_{s}_{k}", _wan(r[k]), "万人", f"{what}，按比例调整的实际存量（{k}）", digits=0)
        word = interval_word(r["change_pct_low"], r["change_pct_high"], "change")
        _rec(rs, f"cf_{s}_word", r["change_pct"], "", f"{what}，存量变化的方向（95% 区间）", display=word)


def record_counterfactual_sentences(rs, cf_all: pd.DataFrame, cf_wage: pd.DataFrame, region: RegionWords) -> None:
    """The counterfactual of model (b) for every province of the region, in sentences: all five characteristics
    (``cf_all_sentence``: the largest fall first, with its interval and direction; the rest with their
    direction), the wage alone (``cf_wage_sentence``), and the wage alone for the province whose stock the wage
    scenario lowers most (``cf_wage_lead_sentence``, quoted in the counterfactual chapter). Call after
    :func:`record_counterfactual` for both families."""
    nm = names_zh()

    def key(code: str, family: str, tail: str) -> str:
        return rs[f"cf_{province_key(code)}_{family}_{tail}"].display

    def full(code: str, family: str, lead: str) -> str:
        return (
            f"{nm[code]}{lead}{key(code, family, 'change_pct')}（区间 {key(code, family, 'change_pct_low')} 至 "
            f"{key(code, family, 'change_pct_high')}，方向：{key(code, family, 'word')}）"
        )

    order = list(cf_all.sort_values("change_pct")["origin"])
    # the other provinces grouped by direction, each word said once (not "（…，减少）" per province)
    rest = (
        change_direction_clause(
            [
                f"{nm[c]} {key(c, 'all', 'change_pct')}（{key(c, 'all', 'change_pct_low')} 至 "
                f"{key(c, 'all', 'change_pct_high')}）"
                for c in order[1:]
            ],
            [key(c, "all", "word") for c in order[1:]],
        )
        if order[1:]
        else ""
    )
    first = order[0]
    text = full(first, "all", "出生者的外省存量预计变化 ") + (f"，{rest}" if rest else "")
    text += (
        f"。把这一比例用于实际存量，{nm[first]}的 {key(first, 'all', 'observed')} 对应 "
        f"{key(first, 'all', 'observed_scaled')}（{key(first, 'all', 'observed_scaled_low')} 至 "
        f"{key(first, 'all', 'observed_scaled_high')}）"
    )
    rs.record("cf_all_sentence", text, "", f"{region.group}：五项特征达到中位数时的外省存量（逐省表述）", display=text)
    order = list(cf_wage.sort_values("change_pct")["origin"])
    lead = full(order[0], "wage", "变化 ")
    rest = (
        change_direction_clause(
            [f"{nm[c]} {key(c, 'wage', 'change_pct')}" for c in order[1:]], [key(c, "wage", "word") for c in order[1:]]
        )
        if order[1:]
        else ""
    )
    text = lead + (f"，{rest}" if rest else "")
    rs.record("cf_wage_sentence", text, "", f"{region.group}：仅工资达到中位数时的外省存量（逐省表述）", display=text)
    text = full(order[0], "wage", "出生者的外省存量变化 ")
    rs.record("cf_wage_lead_sentence", text, "", "仅工资达到中位数时外省存量变化最大的省份", display=text)
    fitted = cf_all.assign(gap=(cf_all["fitted"] / cf_all["observed"] - 1).abs()).sort_values("gap").iloc[-1]
    code = fitted["origin"]
    text = f"{nm[code]}的拟合值 {key(code, 'all', 'fitted')}，实际 {key(code, 'all', 'observed')}"
    rs.record("cf_worst_fit_sentence", text, "", "模型 (b) 拟合误差最大的省份：拟合值与实际", display=text)
