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

from collections.abc import Sequence

import numpy as np
import pandas as pd

from neoutflow.analysis import datasets
from neoutflow.reference import NORTHEAST

WAGE = "log_relative_wage_city"
GDPPC = "log_gdp_per_capita_city"
SECONDARY = "city_secondary_share_gdp"
TERTIARY = "city_tertiary_share_gdp"
CAPITAL = "capital_or_subprovincial"
# The study region's prefectures × the relative wage: is pay more important in the region?
REGION = "in_region"
REGION_WAGE = "region_x_wage"
COLLEGE = "college_share"
CENSUS_CONTROLS = ("college_share", "share_age_65_plus", "urban_share")
MAIN_REGRESSORS = (WAGE, GDPPC, SECONDARY, TERTIARY, *CENSUS_CONTROLS, CAPITAL)
INTERACTION_REGRESSORS = (*MAIN_REGRESSORS, REGION_WAGE)
OUTCOMES = ("net_migration_rate", "young_adult_net_migration_rate")
FIXED_EFFECTS = "province_code"
SSC = {"k_adj": True, "k_fixef": "nonnested", "G_adj": True, "G_df": "min"}

# Provincial capitals (省会/首府) and the sub-provincial cities (副省级市) that are not capitals.
CAPITALS = (
    "130100 140100 150100 210100 220100 230100 320100 330100 340100 350100 360100 370100 410100 420100 "
    "430100 440100 450100 460100 510100 520100 530100 540100 610100 620100 630100 640100 650100"
).split()
SUB_PROVINCIAL = ("210200", "330200", "350200", "370200", "440300")  # 大连 宁波 厦门 青岛 深圳


def add_city_economy(
    pref: pd.DataFrame, series: pd.DataFrame, base_year: int = 2010, region: Sequence[str] = NORTHEAST
) -> pd.DataFrame:
    """Join base-year city wage, GDP per capita and GDP shares; add the wage, capital, study-region
    (``region``: its province codes; column ``in_region``) and interaction variables. ``series``: long
    prefecture series (code, year, indicator, value)."""
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
    out[REGION] = out["province_code"].astype(str).isin([str(c) for c in region]).astype(int).to_numpy()
    out[REGION_WAGE] = (out[REGION] * out[WAGE]).to_numpy()
    return out


def prefecture_wage_dataset(
    base_year: int = 2010, end_year: int = 2020, region: Sequence[str] = NORTHEAST
) -> pd.DataFrame:
    """:func:`add_city_economy` on the shipped data."""
    from neoutflow import data

    pref = datasets.prefecture_dataset(base_year, end_year)
    return add_city_economy(pref, data.load_prefecture_series(), base_year, region)


def region_has_wages(pref: pd.DataFrame) -> bool:
    """Whether the study region holds prefectures with a wage: without them the interaction models and the
    region's counterfactuals cannot be estimated (a region of municipalities)."""
    return bool((pref[REGION].astype(bool) & pref[WAGE].notna()).any())


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


# ---------------------------------------------------------------- counterfactuals


def region_counterfactuals(data: pd.DataFrame, fit_, level: float = 0.95) -> pd.DataFrame:
    """For each prefecture of the study region (column ``in_region``) with a wage: the change in the fitted
    outcome if its base-year wage equalled (a) its province's mean and (b) the national median of prefecture
    wages.

    Change = β_wage × (log w_ref − log w_i) (+ β_{region×wage} × the same gap if the model has the
    interaction). References are means/medians of log wages over the units of ``data`` (province
    mean = geometric mean of its prefectures' wages). Interval: ± t(G−1) × |gap| × se of the slope
    combination (delta method, exact for a linear contrast).
    """
    from scipy import stats

    coef = fit_.coef()
    vcov = pd.DataFrame(fit_._vcov, index=coef.index, columns=coef.index)
    slope_terms = [WAGE] + ([REGION_WAGE] if REGION_WAGE in coef.index else [])
    slope = float(sum(coef[t] for t in slope_terms))
    se_slope = float(np.sqrt(vcov.loc[slope_terms, slope_terms].to_numpy().sum()))
    g = int(data[FIXED_EFFECTS].nunique())
    crit = float(stats.t.ppf(0.5 + level / 2, g - 1))
    lw = data[WAGE]
    prov_mean = lw.groupby(data[FIXED_EFFECTS]).transform("mean")
    nat_median = float(lw.median())
    ne = data[REGION].astype(bool)
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


# ---------------------------------------------------------------- the reported models

# Model prefix -> (outcome, regressors); titles in neoutflow.outputs.prefecture_report.
MODELS = {
    "pw_net": ("net_migration_rate", MAIN_REGRESSORS),
    "pw_young": ("young_adult_net_migration_rate", MAIN_REGRESSORS),
    "pw_net_region": ("net_migration_rate", INTERACTION_REGRESSORS),
    "pw_young_region": ("young_adult_net_migration_rate", INTERACTION_REGRESSORS),
}
INTERACTION_MODELS = ("pw_net_region", "pw_young_region")


def fit_all(data: pd.DataFrame) -> tuple[dict, dict]:
    """Fit every model of :data:`MODELS` (the interaction models only when the study region has prefectures
    with a wage, :func:`region_has_wages`); returns ``(fits, samples)`` by prefix, ``samples`` as
    ``(kept, dropped)`` (:func:`sample`)."""
    fits, samples = {}, {}
    for prefix, (outcome, regs) in MODELS.items():
        if prefix in INTERACTION_MODELS and not region_has_wages(data):
            continue
        kept, dropped = sample(data, outcome, regs)
        fits[prefix] = fit(kept, outcome, regs)
        samples[prefix] = (kept, dropped)
    return fits, samples


# The coefficients the verdicts read (outputs/conclusions.py), tested by the wild cluster bootstrap.
WILD_TERMS = {
    "pw_net": (WAGE, GDPPC, SECONDARY),
    "pw_young": (WAGE, GDPPC, SECONDARY),
    "pw_net_region": (REGION_WAGE,),
    "pw_young_region": (REGION_WAGE,),
}
WILD_REPS = 9999
WILD_SEED = 20201101


def wild_cluster(samples: dict, reps: int = WILD_REPS, seed: int = WILD_SEED) -> pd.DataFrame:
    """Wild cluster restricted bootstrap (by province, Rademacher and Webb weights) of the coefficients in
    :data:`WILD_TERMS`, province fixed effects as dummies; ``model, term, estimate, t, p_rademacher, p_webb,
    reps, clusters``. With about 22 clusters the CRV1 t(G − 1) reference is unreliable; this is the
    standard remedy (MacKinnon, Nielsen and Webb 2023)."""
    from neoutflow.analysis import inference

    parts = []
    for prefix, terms in WILD_TERMS.items():
        if prefix not in samples:  # an interaction model left out (no prefecture of the region has a wage)
            continue
        outcome, regs = MODELS[prefix]
        kept = samples[prefix][0]
        contrasts = {t: {t: 1.0} for t in terms}
        out = inference.wild_tests(
            kept, outcome, list(regs), contrasts, reps, seed, cluster=FIXED_EFFECTS, fixed_effects=FIXED_EFFECTS
        )
        parts.append(out.rename(columns={"name": "term"}).assign(model=prefix, clusters=kept[FIXED_EFFECTS].nunique()))
    return pd.concat(parts, ignore_index=True)


def sector_sensitivity(samples: dict, reps: int = WILD_REPS, seed: int = WILD_SEED) -> pd.DataFrame:
    """GDP per capita without the GDP sector-share controls: each main model refitted on its own sample
    without :data:`SECONDARY` and :data:`TERTIARY`; ``model, coef, se, p`` (CRV1, t(G − 1)) and the wild
    cluster bootstrap ``p_rademacher, p_webb`` of the GDP per capita slope."""
    from neoutflow.analysis import inference

    rows = []
    for prefix in ("pw_net", "pw_young"):
        outcome, regs = MODELS[prefix]
        kept = samples[prefix][0]
        regs = [r for r in regs if r not in (SECONDARY, TERTIARY)]
        c = coefficients(fit(kept, outcome, regs)).set_index("term").loc[GDPPC]
        wild = inference.wild_tests(
            kept, outcome, regs, {GDPPC: {GDPPC: 1.0}}, reps, seed, cluster=FIXED_EFFECTS, fixed_effects=FIXED_EFFECTS
        ).iloc[0]
        rows.append(
            {
                "model": prefix,
                "coef": float(c["coef"]),
                "se": float(c["se"]),
                "p": float(c["p"]),
                "p_rademacher": float(wild["p_rademacher"]),
                "p_webb": float(wild["p_webb"]),
            }
        )
    return pd.DataFrame(rows)


def coefficient_frame(fits: dict) -> pd.DataFrame:
    """All fits' coefficient tables stacked, with a ``model`` column."""
    return pd.concat([coefficients(f).assign(model=k) for k, f in fits.items()], ignore_index=True)
