"""Prefecture models of 2010–2020 net migration on wages, output, industry and education.

Data: :func:`neoutflow.analysis.datasets.prefecture_dataset` (census outcomes and census
regressors on 2020 boundaries) joined with the base-year City Statistical Yearbook series
(``prefecture_series.csv``: 在岗职工 wage, GDP per capita, GDP shares).

Choices, stated once:

- **Relative wage reference: the national mean.** ``log_relative_wage_city`` is the log of
  the prefecture's 在岗职工 wage over the national mean of prefecture wages (the
  geometric mean over the prefectures that report one, i.e. the mean log wage). With
  province fixed effects the reference does not matter for the slope (any province
  constant is absorbed); without them (the province-level and no-FE robustness fits)
  a national reference keeps the variation between provinces that the provincial
  model's ``log_relative_wage`` (relative to the national wage) uses. A province
  reference would remove exactly that variation.
- **GDP per capita = city GDP / base-census resident population.** The yearbook's own
  per-capita column is missing for whole provinces in 2010 (all of Hebei, Inner Mongolia,
  Ningxia) and mixes registered and resident denominators; the census population is the
  resident population on 2020 boundaries, the same denominator as the outcomes.
- **Errors clustered by province** with pyfixest ``feols`` and CRV1. Small-sample
  convention (``SSC``, pyfixest's default, written explicitly): V = G/(G−1) · (n−1)/(n−k−1) ·
  (X̃'X̃)⁻¹ (Σ_g X̃_g' e_g e_g' X̃_g) (X̃'X̃)⁻¹, with X̃ the province-demeaned regressors,
  G the number of provinces, n the observations and k the slope count (the province
  effects are nested in the clusters and count as a single parameter); p-values and
  intervals from t(G − 1). With about 28 clusters this is at the low end of reliability.
- The municipalities are single-unit provinces, fitted exactly by their fixed effect,
  and dropped (:func:`neoutflow.analysis.datasets.prefecture_sample`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from neoutflow.analysis import datasets
from neoutflow.reference import NORTHEAST

WAGE = "log_relative_wage_city"
GDPPC = "log_gdp_per_capita_city"
SECONDARY = "city_secondary_share_gdp"
TERTIARY = "city_tertiary_share_gdp"
CAPITAL = "capital_or_subprovincial"
NE_WAGE = "northeast_x_wage"
COLLEGE = "college_per_100k"
CENSUS_CONTROLS = ("college_per_100k", "share_age_65_plus", "urban_share")
MAIN_REGRESSORS = (WAGE, GDPPC, SECONDARY, TERTIARY, *CENSUS_CONTROLS, CAPITAL)
INTERACTION_REGRESSORS = (*MAIN_REGRESSORS, NE_WAGE)
OUTCOMES = ("net_migration_rate", "young_adult_net_migration_rate")
FIXED_EFFECTS = "province_code"
SSC = {"k_adj": True, "k_fixef": "nonnested", "G_adj": True, "G_df": "min"}
DATASET_FILE = "analysis_prefecture_wages.csv"
SPECS_FILE = "prefecture_wages_models.json"

# Provincial capitals (省会/首府) and the sub-provincial cities (副省级市) that are not capitals.
CAPITALS = (
    "130100 140100 150100 210100 220100 230100 320100 330100 340100 350100 360100 370100 410100 420100 "
    "430100 440100 450100 460100 510100 520100 530100 540100 610100 620100 630100 640100 650100"
).split()
SUB_PROVINCIAL = ("210200", "330200", "350200", "370200", "440300")  # 大连 宁波 厦门 青岛 深圳

LABELS = {
    WAGE: "相对工资（对数，地级，在岗职工）",
    GDPPC: "人均 GDP（对数，地级）",
    SECONDARY: "第二产业占 GDP 比重",
    TERTIARY: "第三产业占 GDP 比重",
    CAPITAL: "省会或副省级城市",
    NE_WAGE: "东北 × 相对工资",
}
DEFINITIONS = {
    WAGE: ("ln(比值)", "基期地级市在岗职工平均工资与全国地级单位平均工资（对数均值）之比的自然对数"),
    GDPPC: ("ln(元/人)", "基期地级市地区生产总值（城市统计年鉴，全市）除以基期普查常住人口后的自然对数"),
    SECONDARY: ("%", "基期第二产业增加值占地区生产总值的百分比（城市统计年鉴，全市）"),
    TERTIARY: ("%", "基期第三产业增加值占地区生产总值的百分比（城市统计年鉴，全市）"),
    CAPITAL: ("0/1", "省会（首府）或副省级城市为 1"),
    NE_WAGE: ("ln(比值)", "东北地区虚拟变量与相对工资（对数）的乘积"),
}


def label(variable: str) -> str:
    return LABELS.get(variable) or datasets.label(variable)


def add_city_economy(pref: pd.DataFrame, series: pd.DataFrame, base_year: int = 2010) -> pd.DataFrame:
    """Join base-year city wage, GDP per capita and GDP shares; add the wage, capital and
    interaction variables. ``series``: long prefecture series (code, year, indicator, value)."""
    wide = series[series["year"] == base_year].pivot(index="code", columns="indicator", values="value")
    out = pref.copy()
    idx = out["code"].astype(str)
    wage = idx.map(wide.get("city_avg_wage_staff", pd.Series(dtype=float)))
    log_wage = np.log(wage.astype(float))
    out["city_avg_wage_staff"] = wage.to_numpy()
    out[WAGE] = (log_wage - log_wage.mean()).to_numpy()  # national mean of log wages (NaNs skipped)
    gdp = idx.map(wide.get("city_gdp", pd.Series(dtype=float))).astype(float)
    out[GDPPC] = np.log(gdp * 1e8 / out["population_base"].astype(float)).to_numpy()
    for col in (SECONDARY, TERTIARY):
        out[col] = idx.map(wide.get(col, pd.Series(dtype=float))).astype(float).to_numpy()
    out[CAPITAL] = idx.isin([*CAPITALS, *SUB_PROVINCIAL]).astype(int).to_numpy()
    out[NE_WAGE] = (out["province_code"].isin(NORTHEAST).astype(int) * out[WAGE]).to_numpy()
    return out


def prefecture_wage_dataset(base_year: int = 2010, end_year: int = 2020) -> pd.DataFrame:
    """:func:`add_city_economy` on the shipped data."""
    from neoutflow import data

    pref = datasets.prefecture_dataset(base_year, end_year)
    return add_city_economy(pref, data.load_prefecture_series(), base_year)


def sample(df: pd.DataFrame, outcome: str, regressors: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Estimation sample and dropped units with reasons (see :func:`datasets.prefecture_sample`)."""
    kept, dropped = datasets.prefecture_sample(df, outcome, list(regressors), FIXED_EFFECTS)
    return kept.sort_values("code").reset_index(drop=True), dropped


def formula(outcome: str, regressors: Sequence[str], fixed_effects: str | None = FIXED_EFFECTS) -> str:
    rhs = " + ".join(regressors)
    return f"{outcome} ~ {rhs}" + (f" | {fixed_effects}" if fixed_effects else "")


def fit(df: pd.DataFrame, outcome: str, regressors: Sequence[str], vcov: str = "cluster"):
    """pyfixest ``feols`` with province fixed effects; ``vcov``: ``cluster`` (CRV1 by province) or ``HC1``."""
    import pyfixest as pf

    v = {"CRV1": FIXED_EFFECTS} if vcov == "cluster" else vcov
    return pf.feols(formula(outcome, regressors), data=df, vcov=v, ssc=pf.ssc(**SSC))


def coefficients(fit_) -> pd.DataFrame:
    """term, coef, se, t, p, ci_low, ci_high (95%)."""
    t = fit_.tidy()
    return pd.DataFrame(
        {
            "term": t.index.astype(str),
            "coef": t["Estimate"].to_numpy(float),
            "se": t["Std. Error"].to_numpy(float),
            "t": t["t value"].to_numpy(float),
            "p": t["Pr(>|t|)"].to_numpy(float),
            "ci_low": t["2.5%"].to_numpy(float),
            "ci_high": t["97.5%"].to_numpy(float),
        }
    )


def strength_word(p: float, alpha: float = 0.05) -> str:
    """显著 / 不显著 at ``alpha`` (two-sided)."""
    return "显著" if p < alpha else "不显著"


def interval_word(low: float, high: float) -> str:
    """From a 95% interval: 为正 / 为负 (excludes zero) or 无法判断 (contains zero)."""
    if low > 0:
        return "为正"
    if high < 0:
        return "为负"
    return "无法判断"


def record(rs, specs: dict, prefix: str, fit_, title: str, data: pd.DataFrame, outcome: str, regressors) -> None:
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
        "fixed_effects": FIXED_EFFECTS,
        "cov_type": "CRV1",
        "cluster": FIXED_EFFECTS,
        "ssc": SSC,
        "df_t": "G - 1",
    }
    for _, r in coefficients(fit_).iterrows():
        key, name = r["term"], label(r["term"])
        digits = 4 if abs(r["se"]) < 0.01 else 3
        rs.record(f"{prefix}_coef_{key}", r["coef"], "", f"{title}：{name}的系数", digits=digits, signed=True)
        rs.record(f"{prefix}_se_{key}", r["se"], "", f"{title}：{name}系数的聚类标准误", digits=digits)
        rs.record(f"{prefix}_p_{key}", r["p"], "", f"{title}：{name}系数的 p 值", digits=3)
        rs.record(f"{prefix}_low_{key}", r["ci_low"], "", f"{title}：{name} 95% 区间下限", digits=digits, signed=True)
        rs.record(f"{prefix}_high_{key}", r["ci_high"], "", f"{title}：{name} 95% 区间上限", digits=digits, signed=True)
        w = strength_word(r["p"])
        rs.record(f"{prefix}_word_{key}", w, "", f"{title}：{name}在 5% 水平是否显著", display=w)
        d = interval_word(r["ci_low"], r["ci_high"])
        rs.record(f"{prefix}_dir_{key}", d, "", f"{title}：{name}系数的方向（由 95% 区间判断）", display=d)
    rs.record(f"{prefix}_n", int(fit_._N), "个", f"{title}：样本量（地级单位）", digits=0)
    rs.record(f"{prefix}_clusters", int(data[FIXED_EFFECTS].nunique()), "个", f"{title}：聚类（省份）数", digits=0)
    rs.record(f"{prefix}_r2_within", float(fit_._r2_within), "", f"{title}：组内 R²", digits=3)


def interaction_word(coef: float, p: float, alpha: float = 0.05) -> str:
    """Does pay matter more or less in the Northeast? From the NE × wage term at ``alpha``."""
    if p >= alpha:
        return "无法判断东北与其他地区的工资关联是否不同"
    return "东北的工资关联更强" if coef > 0 else "东北的工资关联更弱"


def record_interaction(rs, fits: dict) -> None:
    """``ne_wage_word_<outcome prefix>``: :func:`interaction_word` for each interaction model."""
    for prefix in ("pw_net_ne", "pw_young_ne"):
        c = coefficients(fits[prefix]).set_index("term")
        w = interaction_word(float(c.at[NE_WAGE, "coef"]), float(c.at[NE_WAGE, "p"]))
        rs.record(f"{prefix}_interaction_word", w, "", f"{MODELS[prefix][2]}：交互项的判断（5% 水平）", display=w)


def save_specs(specs: dict, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(specs, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def dictionary(columns: Sequence[str]) -> pd.DataFrame:
    """Chinese label, unit and definition of each column (new variables here, others from datasets)."""
    rows = []
    for c in columns:
        if c in DEFINITIONS:
            unit, definition = DEFINITIONS[c]
            rows.append({"variable": c, "label": LABELS[c], "unit": unit, "definition": definition})
        elif c in datasets.DICTIONARY:
            lab, unit, definition, _ = datasets.DICTIONARY[c]
            rows.append({"variable": c, "label": lab, "unit": unit, "definition": definition})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- counterfactuals


def northeast_counterfactuals(data: pd.DataFrame, fit_, level: float = 0.95) -> pd.DataFrame:
    """For each Northeast prefecture with a wage: the change in the fitted outcome if its base-year
    wage equalled (a) its province's mean and (b) the national median of prefecture wages.

    Change = β_wage × (log w_ref − log w_i) (+ β_{NE×wage} × the same gap if the model has the
    interaction). References are means/medians of log wages over the units of ``data`` (province
    mean = geometric mean of its prefectures' wages). Interval: ± t(G−1) × |gap| × se of the slope
    combination (delta method, exact for a linear contrast).
    """
    from scipy import stats

    coef = fit_.coef()
    vcov = pd.DataFrame(fit_._vcov, index=coef.index, columns=coef.index)
    slope_terms = [WAGE] + ([NE_WAGE] if NE_WAGE in coef.index else [])
    slope = float(sum(coef[t] for t in slope_terms))
    se_slope = float(np.sqrt(vcov.loc[slope_terms, slope_terms].to_numpy().sum()))
    g = int(data[FIXED_EFFECTS].nunique())
    crit = float(stats.t.ppf(0.5 + level / 2, g - 1))
    lw = data[WAGE]
    prov_mean = lw.groupby(data[FIXED_EFFECTS]).transform("mean")
    nat_median = float(lw.median())
    ne = data[FIXED_EFFECTS].isin(NORTHEAST)
    rows = []
    for ref, refval in (("province_mean", prov_mean), ("national_median", nat_median)):
        gap = (refval - lw)[ne] if isinstance(refval, pd.Series) else (refval - lw[ne])
        change = slope * gap
        half = crit * se_slope * gap.abs()
        rows.append(
            pd.DataFrame(
                {
                    "code": data.loc[ne, "code"].to_numpy(),
                    "name_zh": data.loc[ne, "name_zh"].to_numpy(),
                    "province_code": data.loc[ne, FIXED_EFFECTS].to_numpy(),
                    "reference": ref,
                    "wage_gap_log": gap.to_numpy(),
                    "change": change.to_numpy(),
                    "ci_low": (change - half).to_numpy(),
                    "ci_high": (change + half).to_numpy(),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


# ---------------------------------------------------------------- the recorded models

MODELS = {
    "pw_net": ("net_migration_rate", MAIN_REGRESSORS, "地级净迁移模型"),
    "pw_young": ("young_adult_net_migration_rate", MAIN_REGRESSORS, "地级青年净迁移模型"),
    "pw_net_ne": ("net_migration_rate", INTERACTION_REGRESSORS, "地级净迁移模型（东北交互）"),
    "pw_young_ne": ("young_adult_net_migration_rate", INTERACTION_REGRESSORS, "地级青年净迁移模型（东北交互）"),
}


def fit_all(rs, data: pd.DataFrame) -> tuple[dict, dict, dict]:
    """Fit and record every model of :data:`MODELS`; returns ``(specs, fits, samples)``."""
    specs, fits, samples = {}, {}, {}
    for prefix, (outcome, regs, title) in MODELS.items():
        kept, dropped = sample(data, outcome, regs)
        fits[prefix] = fit(kept, outcome, regs)
        samples[prefix] = (kept, dropped)
        record(rs, specs, prefix, fits[prefix], title, kept, outcome, regs)
    return specs, fits, samples


def write_dataset(data: pd.DataFrame, path: Path) -> Path:
    """The model dataset at full float precision (``repr``), so a refit from the file is exact."""
    from neoutflow import atomic

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic.replacing(path) as tmp:
        data.to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8")
    return path


def coefficient_frame(fits: dict) -> pd.DataFrame:
    """All fits' coefficient tables stacked, with a ``model`` column."""
    return pd.concat([coefficients(f).assign(model=k) for k, f in fits.items()], ignore_index=True)


def record_counterfactuals(rs, cf: pd.DataFrame) -> None:
    """``cfp_<code>_<reference>`` with ``_low``/``_high``; the Northeast mean change per reference
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
        rs.record(f"cfp_{s}_n", len(part), "个", f"有反事实的东北地级单位数（{what[ref]}）", digits=0)
        rs.record(f"cfp_{s}_mean", part["change"].mean(), "百分点", f"东北地级单位平均变化（{what[ref]}）", digits=2)
        rs.record(f"cfp_{s}_min", part["change"].min(), "百分点", f"最大负向变化（{what[ref]}）", digits=2, signed=True)
        rs.record(f"cfp_{s}_max", part["change"].max(), "百分点", f"最大正向变化（{what[ref]}）", digits=2, signed=True)
        above, below = int((part["ci_low"] > 0).sum()), int((part["ci_high"] < 0).sum())
        rs.record(f"cfp_{s}_n_above", above, "个", f"95% 区间在零以上的单位数（{what[ref]}）", digits=0)
        rs.record(f"cfp_{s}_n_below", below, "个", f"95% 区间在零以下的单位数（{what[ref]}）", digits=0)
        rs.record(f"cfp_{s}_n_zero", len(part) - above - below, "个", f"95% 区间含零的单位数（{what[ref]}）", digits=0)


def model_table(fits: dict, titles: dict[str, str]) -> pd.DataFrame:
    """Terms down, models across: ``coef`` over ``(se)``; * p < 0.05 (t(G−1)); n and within R² last."""
    terms = list(dict.fromkeys(t for f in fits.values() for t in coefficients(f)["term"]))
    rows = []
    for t in terms:
        cells, ses = {"变量": label(t)}, {"变量": ""}
        for k, f in fits.items():
            c = coefficients(f).set_index("term")
            if t in c.index:
                d = 4 if abs(c.at[t, "se"]) < 0.01 else 3
                star = "*" if c.at[t, "p"] < 0.05 else ""
                cells[titles[k]] = f"{c.at[t, 'coef']:.{d}f}{star}"
                ses[titles[k]] = f"({c.at[t, 'se']:.{d}f})"
            else:
                cells[titles[k]] = ses[titles[k]] = ""
        rows += [cells, ses]
    rows.append({"变量": "样本量", **{titles[k]: str(int(f._N)) for k, f in fits.items()}})
    rows.append({"变量": "组内 R²", **{titles[k]: f"{f._r2_within:.3f}" for k, f in fits.items()}})
    return pd.DataFrame(rows)
