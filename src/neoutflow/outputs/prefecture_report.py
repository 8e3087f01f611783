"""What notebook ``04_prefecture_wages`` reports: the prefecture wage models and the specification curve,
recorded, labelled and written.

:mod:`neoutflow.analysis.prefecture_models` and :mod:`neoutflow.analysis.spec_curve` fit and return data; the
results keys, their Chinese labels and words (:mod:`neoutflow.outputs.claims`), the variable dictionary and
every file of the chapter are made here. Each recorded model's specification (dataset rows by code, outcome,
regressors, covariance) is kept beside the dataset so that a test can refit it independently.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from neoutflow import atomic
from neoutflow.analysis import datasets
from neoutflow.analysis import prefecture_models as pm
from neoutflow.analysis import spec_curve as sc
from neoutflow.formatting import list_zh
from neoutflow.outputs import tables as rt
from neoutflow.outputs.claims import (
    curve_verdict,
    interaction_pair_reading,
    interaction_word,
    interval_count_sentence,
    interval_word,
    significance_word,
)
from neoutflow.reference import short_province_name

DATASET_FILE = "analysis_prefecture_wages.csv"
SPECS_FILE = "prefecture_wages_models.json"

# Model prefix -> its column header in the models table.
TABLE_TITLES = {
    "pw_net": "(1) 净迁移",
    "pw_young": "(2) 青年净迁移",
    "pw_net_region": "(3) 净迁移",
    "pw_young_region": "(4) 青年净迁移",
}
MODELS_NOTE = (
    "注：括号内为按省聚类的标准误（CRV1，G/(G−1)·(n−1)/(n−k−1) 校正），p 值按 t(G−1) 分布计算；"
    + rt.STAR_NOTE
    + "。(3)(4) 加入研究地区 × 相对工资交互项。"
)
# At most this many units without a wage are named in a sentence (more are counted).
MAX_NAMED = 3
# The note when the study region has no prefecture with a wage: no interaction models.
MODELS_NOTE_NO_REGION = MODELS_NOTE.removesuffix("(3)(4) 加入研究地区 × 相对工资交互项。")
# The data files of the prefecture wage dataset, cited in the tables' 资料来源 lines.
SOURCES = ("census_population", "census_indicators", "prefecture_series")
# Focal coefficient of the specification curve -> the y-axis label of its figure.
CURVE_YLABELS = {"wage": "相对工资（对数）系数", "education": f"{datasets.label(pm.COLLEGE)}系数"}
# Counterfactual reference -> its name in the table's columns and in the map's panels.
CF_COLUMNS = {"national_median": "全国中位数", "province_mean": "本省平均"}
CF_MAP_TITLES = {"province_mean": "工资达到本省平均", "national_median": "工资达到全国中位数"}
CF_MAP_LABEL = "净迁移率变化（百分点）"

# Model prefix (neoutflow.analysis.prefecture_models.MODELS) -> its title in the results.
MODEL_TITLES = {
    "pw_net": "地级净迁移模型",
    "pw_young": "地级青年净迁移模型",
    "pw_net_region": "地级净迁移模型（研究地区交互）",
    "pw_young_region": "地级青年净迁移模型（研究地区交互）",
}

LABELS = {
    pm.WAGE: "相对工资（对数，地级，在岗职工）",
    pm.GDPPC: "人均 GDP（对数，地级）",
    pm.SECONDARY: "第二产业占 GDP 比重",
    pm.TERTIARY: "第三产业占 GDP 比重",
    pm.CAPITAL: "省会或副省级城市",
    pm.REGION: "研究地区",
    pm.REGION_WAGE: "研究地区 × 相对工资",
}
DEFINITIONS = {
    pm.WAGE: ("ln(比值)", "基期地级市在岗职工平均工资与全国地级单位平均工资（对数均值）之比的自然对数"),
    pm.GDPPC: ("ln(元/人)", "基期地级市地区生产总值（城市统计年鉴，全市）除以基期普查常住人口后的自然对数"),
    pm.SECONDARY: ("%", "基期第二产业增加值占地区生产总值的百分比（城市统计年鉴，全市）"),
    pm.TERTIARY: ("%", "基期第三产业增加值占地区生产总值的百分比（城市统计年鉴，全市）"),
    pm.CAPITAL: ("0/1", "省会（首府）或副省级城市为 1"),
    pm.REGION: ("0/1", "研究地区（参数 study_region）的地级单位为 1"),
    pm.REGION_WAGE: ("ln(比值)", "研究地区虚拟变量与相对工资（对数）的乘积"),
}


def record_years(rs, base_year: int, end_year: int) -> None:
    rs.record("base_year", base_year, "年", "基期年份", digits=0, display=str(base_year))
    rs.record("end_year", end_year, "年", "期末年份", digits=0, display=str(end_year))


def region_words(text: str, region_name: str) -> str:
    """A label, title or note with the study region named ("研究地区" → "东北")."""
    return text.replace("研究地区", region_name)


def write_data(rs, pref: pd.DataFrame, tab_dir: Path, base_year: int, region_name: str = "东北") -> None:
    """The model dataset and its dictionary beside the tables; the sample's size and wages recorded, the
    study region's (column ``in_region``) beside the nation's, and the sentence that gives them
    (``region_wage_sentence``: how many of the region's prefectures have a wage, which lack one)."""
    write_dataset(pref, tab_dir / DATASET_FILE)
    dictionary(pref.columns, region_name).to_csv(
        tab_dir / "prefecture_wages_dictionary.csv", index=False, lineterminator="\n"
    )
    wage = pref["city_avg_wage_staff"]
    inside = pref[pm.REGION].astype(bool)
    region_wage = pref.loc[inside, "city_avg_wage_staff"]
    n = region_name
    rs.record("region_name", n, "", "研究地区", display=n)
    rs.record("n_units", len(pref), "个", "地级单位总数", digits=0)
    rs.record("n_wage", int(wage.notna().sum()), "个", f"{base_year}年有工资的地级单位数", digits=0)
    rs.record("n_region_units", int(inside.sum()), "个", f"{n}的地级单位数", digits=0)
    rs.record("n_region_wage", int(region_wage.notna().sum()), "个", f"{base_year}年有工资的{n}地级单位数", digits=0)
    rs.record("wage_median", float(wage.median()), "元", f"{base_year}年地级工资中位数", digits=0)
    missing = list(pref.loc[inside & wage.isna(), "name_zh"])
    # name the units without a wage when they are few; otherwise count them (the list is in the dataset)
    shown = "、".join(missing) if len(missing) <= MAX_NAMED else f"其余 {len(missing)} 个单位"
    lacking = f"（{shown}缺工资数据）" if missing else ""
    if region_wage.notna().any():
        rs.record("wage_region_median", float(region_wage.median()), "元", f"{base_year}年{n}地级工资中位数", digits=0)
        ratio = 100 * float(region_wage.median() / wage.median())
        label = f"{n}地级工资中位数 ÷ 全国地级工资中位数"
        rs.record("wage_region_ratio", ratio, "%", label, digits=0, suffix="%")
        text = (
            f"{n}的 {rs['n_region_units'].display} 个地级单位中有 {rs['n_region_wage'].display} 个{lacking}。"
            f"{n}地级工资的中位数为 "
            f"{rs['wage_region_median'].display} 元，是全国地级中位数 {rs['wage_median'].display} 元的 "
            f"{rs['wage_region_ratio'].display}（{n}中位数 ÷ 全国中位数）"
        )
    else:
        text = f"{n}没有有工资数据的地级单位，本章的{n}交互项和{n}反事实从略"
    rs.record("region_wage_sentence", text, "", f"{n}地级单位的工资数据", display=text)
    named = "、".join(missing) if len(missing) <= MAX_NAMED else f"{n}有 {len(missing)} 个地级单位"
    text = f"{named}无工资数据，以斜线表示。" if missing else f"{n}各地级单位均有工资数据。"
    rs.record("region_no_wage_note", text, "", f"{n}无工资数据的地级单位（地图注）", display=text)


def write_models(
    rs, fits: dict, samples: dict, tab_dir: Path, base_year: int, end_year: int, region_name: str = "东北"
) -> str:
    """Record the models, write their specifications, coefficients, table and left-out units; the table
    as Markdown."""
    specs = record_models(rs, fits, samples, region_name)
    record_interaction(rs, fits, region_name)
    save_specs(specs, tab_dir / SPECS_FILE)
    pm.coefficient_frame(fits).to_csv(tab_dir / "prefecture_wages_coefficients.csv", index=False, lineterminator="\n")
    table = model_table(fits, TABLE_TITLES, region_name)
    caption = f"地级净迁移率的省份固定效应回归（{base_year}–{end_year}）"
    note = region_words(MODELS_NOTE if set(pm.INTERACTION_MODELS) <= set(fits) else MODELS_NOTE_NO_REGION, region_name)
    rt.write_table(table, tab_dir, "prefecture_wages_models", caption, note, SOURCES)
    dropped = samples["pw_net"][1]
    dropped.to_csv(tab_dir / "prefecture_wages_dropped.csv", index=False, lineterminator="\n")
    rs.record("n_dropped", len(dropped), "个", "主模型未纳入的地级单位数", digits=0)
    record_provinces_out(rs, samples["pw_net"][0], dropped)
    return rt.to_markdown(table, caption, "prefecture_wages_models", note, SOURCES)


# How a unit's reason (datasets.prefecture_sample) reads after the names of the provinces it leaves out, by the
# phrase that identifies it; a missing variable is named by its label.
LEFT_OUT_PHRASES = (
    ("仅此一个单位", "在样本中只剩一个地级单位（直辖市，或同省其他单位已被排除），被省份固定效应完全吸收"),
    ("省直辖县级单位", "只有省直辖县级单位的集合，没有可比的地级市"),
    ("基期后新设", "只有基期后新设的单位"),
)
_MISSING = re.compile(r"缺少(基期解释变量|结果变量)（(.+)）$")


def left_out_phrase(reason: str) -> str:
    """One reason of :func:`datasets.prefecture_sample` as the predicate of a sentence about provinces, without
    brackets around a label that has its own: "缺少基期解释变量（log_relative_wage_city）" → "缺少基期的相对工资
    （对数，地级，在岗职工）"."""
    for phrase, predicate in LEFT_OUT_PHRASES:
        if phrase in reason:
            return predicate
    m = _MISSING.match(reason)
    if m:
        what = m.group(2)
        what = label(what) if re.fullmatch(r"[a-z_0-9]+", what) else what
        return f"缺少基期的{what}" if m.group(1) == "基期解释变量" else f"缺少{what}"
    raise ValueError(f"no phrase for the reason {reason!r}; add it to LEFT_OUT_PHRASES")


def record_provinces_out(rs, kept: pd.DataFrame, dropped: pd.DataFrame) -> None:
    """The provinces the prefecture sample leaves out entirely, grouped by the reasons of their units: one
    clause per reason, naming its provinces once ("北京、天津和上海在样本中只剩一个地级单位，…；河南缺少…")."""
    out = datasets.provinces_left_out(kept, dropped)
    names = _province_names()
    by_reason: dict[str, list[str]] = {}
    for code, reasons in zip(out["province_code"], out["reasons"], strict=True):
        for reason in reasons:
            by_reason.setdefault(left_out_phrase(reason), []).append(names[code])
    text = "；".join(f"{list_zh(provinces)}{predicate}" for predicate, provinces in by_reason.items()) or "无"
    rs.record("pw_provinces_out_n", len(out), "个", "地级样本中没有任何单位的省份数", digits=0)
    rs.record("pw_provinces_out", text, "", "地级样本中没有任何单位的省份及原因", display=text)


def _province_names() -> dict[str, str]:
    """Province code → short Chinese name."""
    from neoutflow import data

    reg = data.load_regions()
    reg = reg[reg["level"] == "province"]
    return {str(c): short_province_name(n) for c, n in zip(reg["code"], reg["name_zh"], strict=True)}


def write_curve(rs, curve: pd.DataFrame, tab_dir: Path) -> pd.DataFrame:
    """The specification curve written and summarised (:func:`record_curve`); returns the summary."""
    curve.to_csv(tab_dir / "prefecture_wages_spec_curve.csv", index=False, lineterminator="\n")
    return record_curve(rs, curve)


def write_counterfactuals(rs, cf: pd.DataFrame, tab_dir: Path, region_name: str = "东北") -> pd.DataFrame:
    """Record the study region's prefectures' wage counterfactuals, write them and their table; the table."""
    record_counterfactuals(rs, cf, region_name)
    cf.to_csv(tab_dir / "prefecture_wages_counterfactuals.csv", index=False, lineterminator="\n")
    wide = cf.pivot(index=["code", "name_zh"], columns="reference", values=["change", "ci_low", "ci_high"])
    what = {"change": "变化", "ci_low": "下限", "ci_high": "上限"}
    values = [f"{what[v]}（{CF_COLUMNS[ref]}）" for v, ref in wide.columns]
    table = rt.frame_table(wide.reset_index().set_axis(["代码", "地区", *values], axis=1), dict.fromkeys(values, 2))
    rt.write_table(
        table,
        tab_dir,
        "prefecture_wages_counterfactuals",
        f"{region_name}地级单位工资反事实：净迁移率的变化（百分点）",
        "注：变化 = 工资系数 × 对数工资差；95% 区间按聚类标准误与 t(G−1) 计算。"
        + rs["region_no_wage_note"].display.replace("，以斜线表示", ""),
        sources=SOURCES,
    )
    return table


def label(variable: str, region_name: str = "东北") -> str:
    return region_words(LABELS.get(variable) or datasets.label(variable), region_name)


# What each prefecture-model coefficient records: results-key part, column of ``prefecture_models.coefficients``,
# label, digits (None: 4 when the standard error is below 0.01, else 3) and whether the sign is printed.
COEFFICIENT_RESULTS = (
    ("coef", "coef", "的系数", None, True),
    ("se", "se", "系数的聚类标准误", None, False),
    ("p", "p", "系数的 p 值", 3, False),
    ("low", "ci_low", " 95% 区间下限", None, True),
    ("high", "ci_high", " 95% 区间上限", None, True),
)


def record_model(rs, specs: dict, prefix: str, fit_, title: str, data: pd.DataFrame, outcome: str, regressors) -> None:
    """Record ``<prefix>_coef_/_se_/_p_/_low_/_high_/_word_<term>``, ``_n``, ``_clusters``, ``_r2_within``
    and register the specification in ``specs`` (rows of :data:`DATASET_FILE` by code)."""
    if prefix in specs:
        raise ValueError(f"model prefix {prefix!r} recorded twice")
    if len(data) != int(fit_._N):
        raise ValueError(f"{prefix}: {len(data)} rows for a fit on {int(fit_._N)} observations")
    specs[prefix] = {
        "dataset": DATASET_FILE,
        "codes": [str(c) for c in data["code"]],
        "outcome": outcome,
        "regressors": list(regressors),
        "fixed_effects": pm.FIXED_EFFECTS,
        "cov_type": "CRV1",
        "cluster": pm.FIXED_EFFECTS,
        "ssc": pm.SSC,
        "df_t": "G - 1",
    }
    for _, r in pm.coefficients(fit_).iterrows():
        key, name = r["term"], label(r["term"])
        digits = 4 if abs(r["se"]) < 0.01 else 3
        for part, column, what, fixed_digits, signed in COEFFICIENT_RESULTS:
            d = digits if fixed_digits is None else fixed_digits
            rs.record(f"{prefix}_{part}_{key}", r[column], "", f"{title}：{name}{what}", digits=d, signed=signed)
        w = significance_word(r["p"])
        rs.record(f"{prefix}_word_{key}", w, "", f"{title}：{name}在 5% 水平是否显著", display=w)
        sign = interval_word(r["ci_low"], r["ci_high"], "sign")
        rs.record(f"{prefix}_dir_{key}", sign, "", f"{title}：{name}系数的方向（由 95% 区间判断）", display=sign)
    rs.record(f"{prefix}_n", int(fit_._N), "个", f"{title}：样本量（地级单位）", digits=0)
    rs.record(f"{prefix}_clusters", int(data[pm.FIXED_EFFECTS].nunique()), "个", f"{title}：聚类（省份）数", digits=0)
    rs.record(f"{prefix}_r2_within", float(fit_._r2_within), "", f"{title}：组内 R²", digits=3)


def record_models(rs, fits: dict, samples: dict, region_name: str = "东北") -> dict:
    """Record every fitted model of :data:`neoutflow.analysis.prefecture_models.MODELS` (:func:`record_model`,
    on its estimation sample); returns the specifications by prefix."""
    specs: dict = {}
    for prefix, (outcome, regs) in pm.MODELS.items():
        if prefix in fits:
            title = region_words(MODEL_TITLES[prefix], region_name)
            record_model(rs, specs, prefix, fits[prefix], title, samples[prefix][0], outcome, regs)
    return specs


def record_interaction(rs, fits: dict, region_name: str = "东北") -> None:
    """``<prefix>_interaction_word`` (:func:`interaction_word`) for each interaction model, and the paragraph
    that reports them (``interaction_sentence``), or says why there are none."""
    n = region_name
    if not set(pm.INTERACTION_MODELS) <= set(fits):
        text = f"{n}没有有工资数据的地级单位，无法检验薪酬在{n}是否更重要"
        rs.record("interaction_sentence", text, "", f"{n} × 相对工资交互项", display=text)
        return
    for prefix in pm.INTERACTION_MODELS:
        c = pm.coefficients(fits[prefix]).set_index("term")
        w = interaction_word(float(c.at[pm.REGION_WAGE, "coef"]), float(c.at[pm.REGION_WAGE, "p"]), region=n)
        what = f"{region_words(MODEL_TITLES[prefix], n)}：交互项的判断（5% 水平）"
        rs.record(f"{prefix}_interaction_word", w, "", what, display=w)
    net, young = ("pw_net_region", "pw_young_region")
    term = pm.REGION_WAGE
    reading = interaction_pair_reading(*(rs[f"{m}_interaction_word"].display for m in (net, young)))
    text = (
        f"薪酬在{n}是否更重要？加入“{n} × 相对工资”交互项后，交互项系数在净迁移模型中为 "
        f"{rs[f'{net}_coef_{term}'].display}（p = {rs[f'{net}_p_{term}'].display}），在青年模型中为 "
        f"{rs[f'{young}_coef_{term}'].display}（p = {rs[f'{young}_p_{term}'].display}）：{reading}"
    )
    rs.record("interaction_sentence", text, "", f"{n} × 相对工资交互项", display=text)


def record_wild(rs, wild: pd.DataFrame, tab_dir: Path) -> pd.DataFrame:
    """``<prefix>_wild_p_<term>`` (the larger of the Rademacher and Webb p-values, the one the verdicts use),
    ``_wild_p_rademacher_/_wild_p_webb_``, ``_wild_word_<term>``; writes the table as CSV."""
    for _, r in wild.iterrows():
        prefix, term = r["model"], r["term"]
        title, name = MODEL_TITLES[prefix], label(term)
        for w in ("rademacher", "webb"):
            what = f"{title}：{name}的野聚类自助法 p 值（{w}）"
            rs.record(f"{prefix}_wild_p_{w}_{term}", float(r[f"p_{w}"]), "", what, digits=3)
        p = max(float(r["p_rademacher"]), float(r["p_webb"]))
        rs.record(f"{prefix}_wild_p_{term}", p, "", f"{title}：{name}的野聚类自助法 p 值（两种权重中较大者）", digits=3)
        word = significance_word(p)
        rs.record(f"{prefix}_wild_word_{term}", word, "", f"{title}：{name}在野聚类自助法下是否显著", display=word)
    rs.record("wild_reps", int(wild["reps"].iloc[0]), "次", "野聚类自助法的重复次数", digits=0)
    rs.record("wild_clusters", int(wild["clusters"].iloc[0]), "个", "野聚类自助法的聚类（省份）数", digits=0)
    wild.to_csv(Path(tab_dir) / "prefecture_wild_bootstrap.csv", index=False, lineterminator="\n")
    return wild


def record_sector_sensitivity(rs, sens: pd.DataFrame) -> None:
    """``<model>_nosector_coef_/_se_/_p_/_wild_p_/_word_gdp``: GDP per capita without the sector shares."""
    for _, r in sens.iterrows():
        prefix, title = r["model"], MODEL_TITLES[r["model"]]
        what = f"{title}（不控制 GDP 产业结构）：人均 GDP 系数"
        rs.record(f"{prefix}_nosector_coef_gdp", r["coef"], "", what, digits=2)
        rs.record(f"{prefix}_nosector_se_gdp", r["se"], "", what + "的聚类标准误", digits=2)
        rs.record(f"{prefix}_nosector_p_gdp", r["p"], "", what + "的 p 值（CRV1）", digits=3)
        p = max(float(r["p_rademacher"]), float(r["p_webb"]))
        rs.record(f"{prefix}_nosector_wild_p_gdp", p, "", what + "的野聚类自助法 p 值（较大者）", digits=3)
        word = significance_word(p)
        rs.record(f"{prefix}_nosector_word_gdp", word, "", what + "在野聚类自助法下是否显著", display=word)


def record_joint_test(rs, joint: pd.DataFrame) -> None:
    """``sc_joint_<focal>_p``, ``_observed``, ``_null_median``, ``_word``: the curve's joint test."""
    for _, r in joint.iterrows():
        key, name = f"sc_joint_{r['focal']}", CURVE_LABELS[r["focal"]]
        rs.record(f"{key}_observed", int(r["observed"]), "个", f"{name}：区间不含零且方向占多数的设定数", digits=0)
        rs.record(f"{key}_null_median", r["null_median"], "个", f"{name}：零假设下该数目的中位数", digits=0)
        rs.record(f"{key}_p", r["p"], "", f"{name}：设定曲线联合检验的 p 值（野自助法，零假设成立）", digits=3)
        word = significance_word(float(r["p"]))
        rs.record(f"{key}_word", word, "", f"{name}：设定曲线联合检验是否显著", display=word)
    rs.record("sc_joint_reps", int(joint["reps"].iloc[0]), "次", "设定曲线联合检验的重复次数", digits=0)


def save_specs(specs: dict, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(specs, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def dictionary(columns: Sequence[str], region_name: str = "东北") -> pd.DataFrame:
    """Chinese label, unit and definition of each column (new variables here, others from datasets)."""
    rows = []
    for c in columns:
        if c in DEFINITIONS:
            unit, definition = DEFINITIONS[c]
            lab, definition = region_words(LABELS[c], region_name), region_words(definition, region_name)
            rows.append({"variable": c, "label": lab, "unit": unit, "definition": definition})
        elif c in datasets.DICTIONARY:
            lab, unit, definition, _ = datasets.DICTIONARY[c]
            rows.append({"variable": c, "label": lab, "unit": unit, "definition": definition})
    return pd.DataFrame(rows)


def write_dataset(data: pd.DataFrame, path: Path) -> Path:
    """The model dataset at full float precision (``repr``), so a refit from the file is exact."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic.replacing(path) as tmp:
        data.to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8")
    return path


def record_counterfactuals(rs, cf: pd.DataFrame, region_name: str = "东北") -> None:
    """``cfp_<code>_<reference>`` with ``_low``/``_high``; the study region's mean change per reference
    and the counts of prefectures whose interval lies above zero, below zero, or contains it."""
    short = {"province_mean": "prov", "national_median": "nat"}
    what = {"province_mean": "本省地级单位平均工资", "national_median": "全国地级单位工资中位数"}
    for _, r in cf.iterrows():
        key = f"cfp_{r['code']}_{short[r['reference']]}"
        txt = f"{r['name_zh']}：若工资达到{what[r['reference']]}，净迁移率的变化"
        rs.record(key, r["change"], "百分点", txt, digits=2, signed=True)
        rs.record(f"{key}_low", r["ci_low"], "百分点", txt + "（95% 区间下限）", digits=2, signed=True)
        rs.record(f"{key}_high", r["ci_high"], "百分点", txt + "（95% 区间上限）", digits=2, signed=True)
    for ref, part in cf.groupby("reference", sort=False):
        s = short[ref]
        rs.record(f"cfp_{s}_n", len(part), "个", f"有反事实的{region_name}地级单位数（{what[ref]}）", digits=0)
        label = f"{region_name}地级单位平均变化（{what[ref]}）"
        rs.record(f"cfp_{s}_mean", part["change"].mean(), "百分点", label, digits=2)
        rs.record(f"cfp_{s}_min", part["change"].min(), "百分点", f"最大负向变化（{what[ref]}）", digits=2, signed=True)
        rs.record(f"cfp_{s}_max", part["change"].max(), "百分点", f"最大正向变化（{what[ref]}）", digits=2, signed=True)
        above, below = int((part["ci_low"] > 0).sum()), int((part["ci_high"] < 0).sum())
        rs.record(f"cfp_{s}_n_above", above, "个", f"95% 区间在零以上的单位数（{what[ref]}）", digits=0)
        rs.record(f"cfp_{s}_n_below", below, "个", f"95% 区间在零以下的单位数（{what[ref]}）", digits=0)
        rs.record(f"cfp_{s}_n_zero", len(part) - above - below, "个", f"95% 区间含零的单位数（{what[ref]}）", digits=0)
        sentence = interval_count_sentence(above, below, len(part) - above - below)
        rs.record(f"cfp_{s}_interval_sentence", sentence, "", f"各单位 95% 区间的位置（{what[ref]}）", display=sentence)


def model_table(fits: dict, titles: dict[str, str], region_name: str = "东北") -> pd.DataFrame:
    """Terms down, models across: ``coef`` over ``(se)`` with the report's stars (t(G−1) p-values); n and within R² last."""
    terms = list(dict.fromkeys(t for f in fits.values() for t in pm.coefficients(f)["term"]))
    rows = []
    for t in terms:
        cells, ses = {"变量": label(t, region_name)}, {"变量": ""}
        for k, f in fits.items():
            c = pm.coefficients(f).set_index("term")
            if t in c.index:
                d = 4 if abs(c.at[t, "se"]) < 0.01 else 3
                star = rt.stars(float(c.at[t, "p"]))
                cells[titles[k]] = f"{c.at[t, 'coef']:.{d}f}{star}"
                ses[titles[k]] = f"({c.at[t, 'se']:.{d}f})"
            else:
                cells[titles[k]] = ses[titles[k]] = ""
        rows += [cells, ses]
    rows.append({"变量": "样本量", **{titles[k]: str(int(f._N)) for k, f in fits.items()}})
    rows.append({"变量": "组内 R²", **{titles[k]: f"{f._r2_within:.3f}" for k, f in fits.items()}})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- the specification curve

CURVE_LABELS = {
    "wage": "相对工资",
    "education": "大专及以上人口",
    "none": "无控制变量",
    "economy": "人均 GDP",
    "industry": "产业结构",
    "demography": "年龄与城镇化",
    "other_focal": "另一核心变量",
    "full": "全部控制变量",
    "all": "全样本",
    "no_capitals": "剔除直辖市/省会",
    "no_region": "剔除研究地区",
    "no_high_leverage": "剔除高影响点",
    "province": "省级",
    "prefecture": "地级（省份固定效应）",
    "net_migration_rate": "存活比净迁移",
    "young_adult_net_migration_rate": "青年净迁移",
    "residual_migration_rate": "残差法净迁移",
    "population_growth": "人口增长",
}


def curve_labels(region_name: str) -> dict[str, str]:
    """:data:`CURVE_LABELS` with the study region named (the sample "剔除东北")."""
    return {k: region_words(v, region_name) for k, v in CURVE_LABELS.items()}


def record_curve(rs, curve: pd.DataFrame) -> pd.DataFrame:
    """Record ``sc_n``; per focal and level (``all``, ``province``, ``prefecture``): ``sc_<focal>_<level>_n``,
    ``_n_excl`` (intervals excluding zero), ``_share_excl`` (= n_excl / n, in %), ``_share_pos`` (%),
    ``_share_pos_excl``, ``_median`` and ``_verdict`` (words chosen by :func:`neoutflow.outputs.claims.curve_verdict`); levels also ``full``. Returns the summary."""
    s = sc.summary(curve)
    rs.record("sc_n", len(curve), "个", "设定曲线的设定总数", digits=0)
    for _, r in s.iterrows():
        key = f"sc_{r['focal']}_{r['level']}"
        level = str(r["level"])
        if level.startswith("controls_"):
            scope = f"控制变量为“{CURVE_LABELS[level.removeprefix('controls_')]}”的"
        elif level.startswith("sample_"):
            scope = f"样本为“{CURVE_LABELS[level.removeprefix('sample_')]}”的"
        else:
            scope = {"all": "全部", "full": "含全部控制变量的"}.get(level) or CURVE_LABELS[level]
        what = f"{CURVE_LABELS[r['focal']]}系数（{scope}设定）"
        rs.record(f"{key}_n", r["n_specs"], "个", f"{what}：设定数", digits=0)
        rs.record(f"{key}_n_excl", r["n_exclude_zero"], "个", f"{what}：95% 区间不含零的设定数", digits=0)
        rs.record(
            f"{key}_share_excl",
            100 * r["share_exclude_zero"],
            "%",
            f"{what}：区间不含零的设定占比",
            digits=0,
            suffix="%",
        )
        rs.record(
            f"{key}_share_pos", 100 * r["share_positive"], "%", f"{what}：估计值为正的设定占比", digits=0, suffix="%"
        )
        rs.record(
            f"{key}_share_pos_excl",
            100 * r["share_positive_exclude_zero"],
            "%",
            f"{what}：区间在零以上的占比",
            digits=0,
            suffix="%",
        )
        rs.record(
            f"{key}_median",
            r["median_estimate"],
            "",
            f"{what}：估计值中位数",
            digits=2,
        )
        w = curve_verdict(r["share_positive_exclude_zero"], r["share_negative_exclude_zero"])
        rs.record(f"{key}_verdict", w, "", f"{what}：设定曲线的判断（95% 区间）", display=w)
    return s
