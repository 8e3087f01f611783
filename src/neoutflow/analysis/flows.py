"""Where people go: census birthplace stocks, province geography and PPML gravity models.

Data: ``birthplace_flows.csv`` (persons born in province *o* living in province
*d* at the 2000 and 2010 censuses: lifetime stocks, not five-year flows).

Geography (computed here, not stored): polygon centroids of the shipped province
boundaries (centroid taken in an Albers equal-area projection for China, then
back to longitude/latitude), great-circle distance between them (haversine,
mean Earth radius 6,371.0088 km), and contiguity = the two polygons share a
border of positive length.

Gravity models are Poisson pseudo-maximum likelihood (PPML), fitted with
pyfixest ``fepois``. Why pyfixest and not statsmodels GLM: the structural models
have 31 + 31 fixed effects, which ``fepois`` absorbs (alternating projections)
instead of inverting a 930 × 70 dummy design, and it computes two-way clustered
errors directly; statsmodels GLM gives the same point estimates (the test refits
every model with a numpy IRLS and dummies) but has no multi-way clustering.

Standard errors (the documented convention, reproduced by the test): clustered
two-way by origin and by destination (Cameron–Gelbach–Miller),
``V = c · (V_origin + V_destination − V_dyad)``, where each ``V_g`` is the
sandwich ``H⁻¹ (Σ_g s_g s_gᵀ) H⁻¹`` with ``H = X' diag(μ) X`` and scores
``s_g = Σ_{i∈g} x_i (y_i − μ_i)``; one observation per dyad makes ``V_dyad`` the
heteroskedasticity-robust (HC0) sandwich. ``c = G/(G−1)`` with ``G = 31`` (the
smaller number of clusters, pyfixest ``G_df="min"``) and no degrees-of-freedom
correction for the number of parameters (``k_adj=False``). Fixed-effect
coefficients are not reported; their presence does not change the other
coefficients' sandwich (Frisch–Waugh–Lovell).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from neoutflow.formatting import direction_word
from neoutflow.reference import NORTHEAST, PROVINCES

EARTH_RADIUS_KM = 6371.0088
ALBERS_CHINA = "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +datum=WGS84 +units=m"
ALPHA = 0.05

# Origin and destination characteristics (from analysis.datasets.province_dataset, base year 2010).
CHARACTERISTICS = (
    "log_relative_wage",
    "log_gdp_per_capita",
    "college_share",
    "secondary_share",
    "share_age_65_plus",
    "log_population",
)
CHAR_LABELS = {
    "log_relative_wage": "工资（对数）",
    "log_gdp_per_capita": "人均GDP（对数）",
    "college_share": "大专及以上比重",
    "secondary_share": "第二产业就业比重",
    "share_age_65_plus": "65岁及以上比重",
    "log_population": "常住人口（对数）",
}
TERM_LABELS = {
    "log_distance": "距离（对数）",
    "contiguous": "相邻省份",
    "Intercept": "常数项",
    "ne_x_log_distance": "东北出生 × 距离（对数）",
    "ne_x_d_log_relative_wage": "东北出生 × 迁入地工资（对数）",
    **{f"o_{k}": f"迁出地{v}" for k, v in CHAR_LABELS.items()},
    **{f"d_{k}": f"迁入地{v}" for k, v in CHAR_LABELS.items()},
}
# The counterfactual changes these (population is the gravity mass, not a policy characteristic).
CF_CHARACTERISTICS = tuple(c for c in CHARACTERISTICS if c != "log_population")
DYADIC = ("log_distance", "contiguous")
ORIGIN_DEST = tuple(f"o_{c}" for c in CHARACTERISTICS) + tuple(f"d_{c}" for c in CHARACTERISTICS)
NE_TERMS = ("ne_x_log_distance", "ne_x_d_log_relative_wage")

# Model name -> (title, outcome, regressors, fixed effects).
MODELS: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]] = {
    "a": ("(a) 结构引力：固定效应", "stock", DYADIC, ("origin", "destination")),
    "b": ("(b) 迁出地与迁入地特征", "stock", DYADIC + ORIGIN_DEST, ()),
    "c": ("(c) 东北出生交互项", "stock", DYADIC + NE_TERMS, ("origin", "destination")),
    "d": ("(d) 2000→2010 存量变化", "stock_change", DYADIC + ORIGIN_DEST, ()),
}
CLUSTERS = ("origin", "destination")
SSC = dict(k_adj=False, G_adj=True, G_df="min")


# ------------------------------------------------------------------ geography


def haversine_km(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Great-circle distance (km) between points given in degrees."""
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(v, dtype=float)) for v in (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))


def centroids(boundaries) -> pd.DataFrame:
    """code, name_zh, lon, lat: polygon centroids (equal-area projection, returned in degrees)."""
    projected = boundaries.to_crs(ALBERS_CHINA).geometry.centroid.to_crs(4326)
    return pd.DataFrame(
        {"code": boundaries["code"].astype(str).values, "name_zh": boundaries["name_zh"].values}
    ).assign(lon=projected.x.values, lat=projected.y.values)


def province_pairs(boundaries) -> pd.DataFrame:
    """Every ordered pair of distinct provinces: origin, destination, distance_km, contiguous (0/1)."""
    cen = centroids(boundaries).set_index("code")
    geom = dict(zip(boundaries["code"].astype(str), boundaries.geometry, strict=True))
    codes = sorted(cen.index)
    rows = []
    for o in codes:
        for d in codes:
            if o == d:
                continue
            shared = geom[o].intersection(geom[d]).length if o < d else None
            rows.append((o, d, shared))
    pairs = pd.DataFrame(rows, columns=["origin", "destination", "shared"])
    sym = {(o, d): s for o, d, s in rows if s is not None}
    pairs["contiguous"] = [int(sym[tuple(sorted((o, d)))] > 0) for o, d in zip(pairs["origin"], pairs["destination"])]
    pairs["distance_km"] = haversine_km(
        cen.loc[pairs["origin"], "lon"], cen.loc[pairs["origin"], "lat"],
        cen.loc[pairs["destination"], "lon"], cen.loc[pairs["destination"], "lat"],
    )  # fmt: skip
    return pairs.drop(columns="shared")


# --------------------------------------------------------------- descriptives


def names_zh() -> dict[str, str]:
    """Short Chinese province names (北京, 内蒙古, …) from the extract's explicit NBS order."""
    from neoutflow.data.importer.birthplace import NBS_ORDER

    return {c: n for n, c in NBS_ORDER}


def northeast_destinations(flows: pd.DataFrame, origins: Sequence[str] = NORTHEAST) -> pd.DataFrame:
    """Where the Northeast-born (all three provinces together) lived outside their birth province, by
    destination: estimated persons 2000 and 2010, change, growth (%), share of the 2010 stock, rank 2010.
    Moves among the three Northeast provinces are included (a 吉林-born person in 辽宁 counts)."""
    f = flows[flows["origin"].isin(origins)]
    wide = f.pivot_table(index="destination", columns="year", values="persons_estimated", aggfunc="sum").fillna(0)
    out = pd.DataFrame(index=wide.index)
    out["stock_2000"], out["stock_2010"] = wide[2000], wide[2010]
    out["change"] = out["stock_2010"] - out["stock_2000"]
    out["growth_pct"] = out["change"] / out["stock_2000"] * 100
    out["share_2010_pct"] = out["stock_2010"] / out["stock_2010"].sum() * 100
    out = out.sort_values("stock_2010", ascending=False)
    out["rank_2010"] = np.arange(1, len(out) + 1)
    out["rank_2000"] = out["stock_2000"].rank(ascending=False, method="min").astype(int)
    return out.reset_index()


def stocks_by_origin(flows: pd.DataFrame, origins: Sequence[str] = NORTHEAST) -> pd.DataFrame:
    """Persons born in each origin living in another province, by year (sample and estimated)."""
    f = flows[flows["origin"].isin(origins)]
    return f.groupby(["origin", "year"])[["persons_sample", "persons_estimated"]].sum().reset_index()


def inflows_to_northeast(flows: pd.DataFrame) -> pd.DataFrame:
    """Persons born outside the Northeast living in one of its provinces, by origin: 2000, 2010, change."""
    f = flows[flows["destination"].isin(NORTHEAST) & ~flows["origin"].isin(NORTHEAST)]
    wide = f.pivot_table(index="origin", columns="year", values="persons_estimated", aggfunc="sum").fillna(0)
    out = pd.DataFrame({"stock_2000": wide[2000], "stock_2010": wide[2010]})
    out["change"] = out["stock_2010"] - out["stock_2000"]
    out["share_2010_pct"] = out["stock_2010"] / out["stock_2010"].sum() * 100
    return out.sort_values("stock_2010", ascending=False).reset_index()


# ------------------------------------------------------------------ datasets


def province_characteristics(prov: pd.DataFrame) -> pd.DataFrame:
    """The origin/destination characteristics from a province dataset (index code)."""
    p = prov.set_index("code")
    out = pd.DataFrame(index=p.index)
    out["log_relative_wage"] = p["log_relative_wage"]
    out["log_gdp_per_capita"] = p["log_gdp_per_capita"]
    out["college_share"] = p["college_per_100k"] / 1000  # per 100,000 -> % of residents
    out["secondary_share"] = p["secondary_share"]
    out["share_age_65_plus"] = p["share_age_65_plus"]
    out["log_population"] = np.log(p["population_base"])
    return out


def dyad_dataset(flows: pd.DataFrame, pairs: pd.DataFrame, chars: pd.DataFrame) -> pd.DataFrame:
    """One row per ordered pair of provinces (930): stock 2000 and 2010 (estimated persons), the
    2000→2010 change (``stock_change_raw``) and its PPML outcome ``stock_change`` (negatives set to 0),
    log distance, contiguity, Northeast origin and its interactions, origin and destination characteristics."""
    f = flows[flows["origin"] != flows["destination"]]
    wide = f.pivot_table(index=["origin", "destination"], columns="year", values="persons_estimated").reset_index()
    wide.columns.name = None
    wide = wide.rename(columns={2000: "stock_2000", 2010: "stock"})
    wide["stock_change_raw"] = wide["stock"] - wide["stock_2000"]
    wide["stock_change"] = wide["stock_change_raw"].clip(lower=0)
    df = wide.merge(pairs, on=["origin", "destination"], how="left", validate="one_to_one")
    if df["distance_km"].isna().any():
        raise ValueError("province pairs lack a distance: boundaries and flows disagree on the provinces")
    df["log_distance"] = np.log(df["distance_km"])
    df["ne_origin"] = df["origin"].isin(NORTHEAST).astype(int)
    for side in ("o", "d"):
        key = "origin" if side == "o" else "destination"
        c = chars.add_prefix(f"{side}_")
        df = df.merge(c, left_on=key, right_index=True, how="left")
    df["ne_x_log_distance"] = df["ne_origin"] * df["log_distance"]
    df["ne_x_d_log_relative_wage"] = df["ne_origin"] * df["d_log_relative_wage"]
    return df.sort_values(["origin", "destination"]).reset_index(drop=True)


# ------------------------------------------------------------------- fitting


def formula(outcome: str, regressors: Sequence[str], fixed_effects: Sequence[str]) -> str:
    rhs = " + ".join(regressors)
    return f"{outcome} ~ {rhs}" + (f" | {' + '.join(fixed_effects)}" if fixed_effects else "")


def fit_ppml(df: pd.DataFrame, outcome: str, regressors: Sequence[str], fixed_effects: Sequence[str] = ()):
    """pyfixest ``fepois`` with the documented two-way clustered errors (module docstring)."""
    import pyfixest as pf
    from pyfixest.demeaners import MapDemeaner

    return pf.fepois(
        formula(outcome, regressors, fixed_effects),
        data=df,
        vcov={"CRV1": "+".join(CLUSTERS)},
        ssc=pf.ssc(**SSC),
        iwls_tol=1e-12,
        iwls_maxiter=100,
        # alternating projections (pyfixest's default backend and iteration cap) to 1e-12; the typed
        # configuration replaces the deprecated `fixef_tol=` argument, with the same result
        demeaner=MapDemeaner(fixef_tol=1e-12),
        fixef_rm="none",
    )


def coef_frame(fit) -> pd.DataFrame:
    """term, coef, se, z, p, ci_low, ci_high (normal 95% intervals)."""
    b, se = fit.coef(), fit.se()
    z = b / se
    p = 2 * stats.norm.sf(np.abs(z))
    q = stats.norm.ppf(1 - ALPHA / 2)
    return pd.DataFrame(
        {"term": b.index, "coef": b.values, "se": se.values, "z": z.values, "p": p, "ci_low": b - q * se,
         "ci_high": b + q * se}
    ).reset_index(drop=True)  # fmt: skip


def pseudo_r2(fit, df: pd.DataFrame, outcome: str) -> float:
    """Squared correlation between the outcome and the PPML fitted values (Santos Silva & Tenreyro),
    on the fitted sample: ``fepois`` drops the pairs whose outcome is separated (a fixed effect whose
    outcomes are all zero), so the outcome is taken from the rows it kept (``fit._data``), not ``df``."""
    mu = np.asarray(fit.predict(), dtype=float)
    y = fit._data[outcome] if len(fit._data) == len(mu) else df[outcome]
    return float(np.corrcoef(y.to_numpy(float), mu)[0, 1] ** 2)


def fit_models(dyads: pd.DataFrame) -> dict[str, dict]:
    """Fit every model in :data:`MODELS`: ``{name: {fit, coefs, spec, n, pseudo_r2}}``."""
    out = {}
    for name, (title, outcome, regs, fes) in MODELS.items():
        fit = fit_ppml(dyads, outcome, regs, fes)
        spec = {
            "title": title,
            "dataset": f"flows_dyads_{name}.csv",
            "estimator": "PPML (pyfixest fepois)",
            "formula": formula(outcome, regs, fes),
            "outcome": outcome,
            "regressors": list(regs),
            "intercept": not fes,
            "fixed_effects": list(fes),
            "cluster": list(CLUSTERS),
            "vcov": "two-way CRV1 by origin and destination: V = c (V_origin + V_destination - V_dyad), "
            "c = G/(G-1), G = min cluster count; no k adjustment",
            "ssc": SSC,
            "n": int(fit._N),
        }
        out[name] = {
            "fit": fit,
            "coefs": coef_frame(fit),
            "spec": spec,
            "n": int(fit._N),
            "pseudo_r2": pseudo_r2(fit, dyads, outcome),
        }
    return out


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
        record[name] = {**spec, "coef": c["coef"].to_dict(), "se": c["se"].to_dict()}
    path = tab_dir / "flows_models.json"
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------- an independent refit


def irls_poisson(x: np.ndarray, y: np.ndarray, tol: float = 1e-13, maxiter: int = 200) -> np.ndarray:
    """Poisson MLE by iteratively reweighted least squares (numpy only)."""
    beta = np.zeros(x.shape[1])
    eta = np.log(y.mean() + 1e-12) * np.ones(len(y))
    mu = np.exp(eta)
    for _ in range(maxiter):
        z = eta + (y - mu) / mu
        w = mu
        xw = x * w[:, None]
        new = np.linalg.lstsq(xw.T @ x, xw.T @ z, rcond=None)[0]
        eta = x @ new
        mu = np.exp(eta)
        if np.max(np.abs(new - beta)) < tol * (1 + np.max(np.abs(new))):
            beta = new
            break
        beta = new
    return beta


def twoway_cluster_vcov(x: np.ndarray, y: np.ndarray, beta: np.ndarray, g1, g2) -> np.ndarray:
    """The documented convention: c (V_g1 + V_g2 − V_g1×g2), c = G/(G−1), G = min(#g1, #g2)."""
    mu = np.exp(x @ beta)
    bread = np.linalg.pinv(x.T @ (x * mu[:, None]))
    scores = x * (y - mu)[:, None]

    def meat(groups):
        s = pd.DataFrame(scores).groupby(np.asarray(groups)).sum().to_numpy()
        return s.T @ s

    inter = pd.Series(list(zip(g1, g2, strict=True))).astype(str).to_numpy()
    n_g = min(len(set(g1)), len(set(g2)))
    c = n_g / (n_g - 1)
    return c * bread @ (meat(g1) + meat(g2) - meat(inter)) @ bread


def refit(spec: dict, df: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Refit one written model with dummies and numpy IRLS; (coef, se) of its regressors."""
    cols, names = [], []
    if spec["intercept"]:
        cols.append(np.ones(len(df)))
        names.append("Intercept")
    for r in spec["regressors"]:
        cols.append(df[r].to_numpy(float))
        names.append(r)
    for j, fe in enumerate(spec["fixed_effects"]):
        levels = sorted(df[fe].astype(str).unique())
        for lev in levels[(1 if j > 0 else 0) :]:  # one full set, the others without their first level
            cols.append((df[fe].astype(str) == lev).to_numpy(float))
    x = np.column_stack(cols)
    y = df[spec["outcome"]].to_numpy(float)
    beta = irls_poisson(x, y)
    v = twoway_cluster_vcov(x, y, beta, df[spec["cluster"][0]].astype(str), df[spec["cluster"][1]].astype(str))
    k = len(names)
    return pd.Series(beta[:k], index=names), pd.Series(np.sqrt(np.diag(v)[:k]), index=names)


# ------------------------------------------------------------- counterfactual


def median_origin_counterfactual(
    fit,
    dyads: pd.DataFrame,
    chars: pd.DataFrame,
    origins: Sequence[str] = NORTHEAST,
    which: Sequence[str] = CF_CHARACTERISTICS,
) -> pd.DataFrame:
    """Model (b): predicted stock of each Northeast origin's born living elsewhere, at its own
    characteristics and with every origin characteristic set to the 31-province median.

    ``S = Σ_d exp(x_od'b)``; the counterfactual multiplies each destination term by
    ``exp((m − x_o)'b_o)``. Intervals: delta method on log S (95%, normal) with the model's
    clustered covariance; the change's interval from the delta method on S_cf − S_fit.
    ``which``: the characteristics set to the median (default the five of :data:`CF_CHARACTERISTICS`).
    ``observed_scaled``: the observed stock times S_cf / S (the model's proportional change applied to
    the observed stock, since model (b) has no origin effect and misses some origins' level)."""
    b = fit.coef()
    v = fit._vcov
    names = list(b.index)
    med = chars.median()
    q = stats.norm.ppf(1 - ALPHA / 2)
    rows = []
    for o in origins:
        part = dyads[dyads["origin"] == o]
        x = np.column_stack([np.ones(len(part)) if n == "Intercept" else part[n].to_numpy(float) for n in names])
        x_cf = x.copy()
        for c in which:
            x_cf[:, names.index(f"o_{c}")] = med[c]
        mu, mu_cf = np.exp(x @ b.values), np.exp(x_cf @ b.values)
        s, s_cf = mu.sum(), mu_cf.sum()
        g, g_cf = x.T @ mu, x_cf.T @ mu_cf
        se_log = np.sqrt(g_cf @ v @ g_cf) / s_cf
        se_log_fit = np.sqrt(g @ v @ g) / s
        gd = g_cf - g
        se_diff = np.sqrt(gd @ v @ gd)
        dlog = float(np.log(s_cf / s))
        gr = g_cf / s_cf - g / s
        se_dlog = float(np.sqrt(gr @ v @ gr))
        rows.append(
            {
                "origin": o,
                "observed": float(part["stock"].sum()),
                "fitted": s,
                "fitted_low": s * np.exp(-q * se_log_fit),
                "fitted_high": s * np.exp(q * se_log_fit),
                "counterfactual": s_cf,
                "cf_low": s_cf * np.exp(-q * se_log),
                "cf_high": s_cf * np.exp(q * se_log),
                "change": s_cf - s,
                "change_low": s_cf - s - q * se_diff,
                "change_high": s_cf - s + q * se_diff,
                "observed_scaled": float(part["stock"].sum()) * np.exp(dlog),
                "observed_scaled_low": float(part["stock"].sum()) * np.exp(dlog - q * se_dlog),
                "observed_scaled_high": float(part["stock"].sum()) * np.exp(dlog + q * se_dlog),
                "change_pct": (np.exp(dlog) - 1) * 100,
                "change_pct_low": (np.exp(dlog - q * se_dlog) - 1) * 100,
                "change_pct_high": (np.exp(dlog + q * se_dlog) - 1) * 100,
            }
        )
    return pd.DataFrame(rows)


# ------------------------------------------------------------------ words


def significance_word(p: float, alpha: float = ALPHA) -> str:
    """显著 / 不显著 at ``alpha`` (two-sided)."""
    return "显著" if p < alpha else "不显著"


def interval_word(low: float, high: float) -> str:
    """Whether a 95% interval of a change excludes zero: 增加 / 减少 / 无法判断."""
    if low > 0:
        return "增加"
    if high < 0:
        return "减少"
    return "无法判断"


def sign_word(x: float, pos: str = "正", neg: str = "负") -> str:
    return pos if x > 0 else neg


def compare_word(ours: float, ours_low: float, ours_high: float, theirs: float) -> str:
    """Their point estimate against our 95% interval: 一致 (inside, and our interval excludes 0),
    不矛盾（本文区间含零） (inside, but ours is not significant), 不一致 (outside)."""
    if not ours_low <= theirs <= ours_high:
        return "不一致"
    return "一致" if (ours_low > 0 or ours_high < 0) else "不矛盾（本文区间含零）"


PROVINCE_CODES = tuple(PROVINCES)


# ------------------------------------------------------------------ results


def _rec(rs, key: str, value, unit: str, label: str, **kw):
    """``rs.record`` with the unit shown: 万人 values as "219万", percentages as "+22.4%"."""
    if unit in ("万人", "%") and "display" not in kw:
        kw.setdefault("suffix", "万" if unit == "万人" else "%")
    return rs.record(key, value, unit, label, **kw)


SLUGS = {"210000": "liaoning", "220000": "jilin", "230000": "heilongjiang"}

# Gu, Lao, Wen & Zhao (2022), 地理学报 77(12): ESF-PPML on census/survey five-year flows (issue 12 summary).
GU2022 = {
    "d_log_relative_wage": (1.75, "显著", "迁入地工资弹性约 1.75，显著为正"),
    "o_log_relative_wage": (None, "不显著", "迁出地工资不显著（2015–2020 年）"),
}


# The seed paper's "821万" by province (persons; the same figures as notebook 01's PAPER_CLAIM).
PAPER_CLAIM = {"230000": 393e4, "220000": 241e4, "210000": 187e4}


def magnitude_word(ratio: float) -> str:
    """同一量级 when two magnitudes are within a factor of two of each other, else 不同量级."""
    return "同一量级" if 0.5 <= ratio <= 2 else "不同量级"


def _wan(x: float) -> float:
    return float(x) / 1e4


def record_descriptives(rs, flows: pd.DataFrame, top: int = 5) -> dict[str, pd.DataFrame]:
    """Record the stock descriptives; returns the tables (destinations, by origin, inflows)."""
    nm = names_zh()
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
    by_origin = stocks_by_origin(flows)
    for _, r in by_origin.iterrows():
        slug, y = SLUGS[r["origin"]], int(r["year"])
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
            f"stock_{SLUGS[o]}_growth",
            g,
            "%",
            f"{nm[o]}出生、居住在外省人口 2000→2010 的增长",
            digits=1,
            signed=True,
        )
    x10 = by_origin[by_origin["year"] == 2010]["persons_sample"].sum() * 10
    b10 = by_origin[by_origin["year"] == 2010].set_index("origin")["persons_sample"] * 10
    for o, v in PAPER_CLAIM.items():
        _rec(
            rs,
            f"x10_to_paper_{SLUGS[o]}",
            b10[o] / v,
            "倍",
            f"{nm[o]}：2010年出生地存量（样本×10）÷ 原文数字",
            digits=2,
        )
    ratio_all = x10 / sum(PAPER_CLAIM.values())
    _rec(rs, "x10_to_paper", ratio_all, "倍", "三省：2010年出生地存量（样本×10）÷ 原文“821万”", digits=2)
    _rec(rs, "x10_to_paper_word", ratio_all, "", "二者是否同一量级（相差不到两倍）", display=magnitude_word(ratio_all))
    _rec(rs, "ne_stock_2010_x10", _wan(x10), "万人", "东北三省出生、居住在本省以外的人口，2010年样本数×10", digits=0)

    dest = northeast_destinations(flows)
    for year in (2000, 2010):
        _rec(
            rs,
            f"ne_stock_{year}",
            _wan(dest[f"stock_{year}"].sum()),
            "万人",
            f"{year}年东北三省出生、居住在出生省以外的人口",
            digits=0,
        )
    ne_total_g = (dest["stock_2010"].sum() / dest["stock_2000"].sum() - 1) * 100
    _rec(rs, "ne_stock_growth", ne_total_g, "%", "东北出生外省人口 2000→2010 的增长", digits=1, signed=True)
    inside = dest[dest["destination"].isin(NORTHEAST)]
    within = [inside[f"stock_{y}"].sum() / dest[f"stock_{y}"].sum() for y in (2000, 2010)]
    _rec(
        rs,
        "ne_within_trend",
        within[1] - within[0],
        "",
        "东北内部比重的变化方向",
        display=direction_word(within[1] - within[0], "to"),
    )
    for year in (2000, 2010):
        share = inside[f"stock_{year}"].sum() / dest[f"stock_{year}"].sum() * 100
        _rec(
            rs,
            f"ne_within_share_{year}",
            share,
            "%",
            f"{year}年东北出生外省人口中住在东北另两省的比重（东北内部 / 全部）",
            digits=1,
        )
    outside = dest[~dest["destination"].isin(NORTHEAST)].reset_index(drop=True)
    for year in (2000, 2010):
        _rec(
            rs,
            f"ne_outside_{year}",
            _wan(outside[f"stock_{year}"].sum()),
            "万人",
            f"{year}年东北出生、住在东北三省以外的人口",
            digits=0,
        )
    g_out = (outside["stock_2010"].sum() / outside["stock_2000"].sum() - 1) * 100
    _rec(rs, "ne_outside_trend", g_out, "", "东北以外存量的变化方向", display=direction_word(g_out, "change_to"))
    _rec(rs, "ne_outside_growth", g_out, "%", "东北出生、住在东北以外的人口 2000→2010 的增长", digits=1, signed=True)
    for i, r in outside.head(top).iterrows():
        _rec(
            rs,
            f"outside_top{i + 1}_name",
            r["destination"],
            "",
            f"东北以外第{i + 1}大目的地（2010）",
            display=nm[r["destination"]],
        )
        _rec(
            rs,
            f"outside_top{i + 1}_stock",
            _wan(r["stock_2010"]),
            "万人",
            f"东北以外第{i + 1}大目的地的东北出生人口（2010）",
            digits=0,
        )
        _rec(
            rs,
            f"outside_top{i + 1}_growth",
            r["growth_pct"],
            "%",
            f"东北以外第{i + 1}大目的地 2000→2010 增长",
            digits=0,
            signed=True,
        )
    top_share = outside.head(top)["stock_2010"].sum() / outside["stock_2010"].sum() * 100
    _rec(rs, "outside_top_share", top_share, "%", f"前{top}大目的地占东北以外东北出生人口的比重（2010）", digits=0)
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

    inflow = inflows_to_northeast(flows)
    for year in (2000, 2010):
        _rec(
            rs,
            f"inflow_{year}",
            _wan(inflow[f"stock_{year}"].sum()),
            "万人",
            f"{year}年居住在东北、出生在东北以外的人口",
            digits=0,
        )
    d_in = inflow["stock_2010"].sum() - inflow["stock_2000"].sum()
    _rec(rs, "inflow_trend", d_in, "", "流入东北存量的变化方向", display=direction_word(d_in, "change"))
    ratio = inflow["stock_2010"].sum() / outside["stock_2010"].sum()
    _rec(
        rs,
        "inflow_to_outflow_ratio",
        ratio,
        "倍",
        "2010年流入东北的外省出生人口 ÷ 住在东北以外的东北出生人口",
        digits=2,
    )
    for i, r in inflow.head(3).iterrows():
        _rec(
            rs,
            f"inflow_top{i + 1}_name",
            r["origin"],
            "",
            f"流入东北的第{i + 1}大来源地（2010）",
            display=nm[r["origin"]],
        )
        _rec(
            rs,
            f"inflow_top{i + 1}_share",
            r["share_2010_pct"],
            "%",
            f"第{i + 1}大来源地占流入东北人口的比重（2010）",
            digits=0,
        )
    return {"destinations": dest, "by_origin": by_origin, "inflows": inflow}


def term_key(term: str) -> str:
    return term.lower()


def record_models(rs, models: dict[str, dict], dyads: pd.DataFrame) -> None:
    """``m<name>_coef_<term>`` / ``_se_`` / ``_p_`` / ``_sig_`` (显著/不显著 at 5%), ``_low``/``_high``;
    ``m<name>_n``, ``_pseudo_r2``; the handling of negative stock changes in (d)."""
    for name, m in models.items():
        title = m["spec"]["title"]
        for _, r in m["coefs"].iterrows():
            k, lab = f"m{name}_{term_key(r['term'])}", TERM_LABELS.get(r["term"], r["term"])
            _rec(rs, f"{k}_coef", r["coef"], "", f"{title}：{lab}的系数", digits=2, signed=True)
            _rec(rs, f"{k}_se", r["se"], "", f"{title}：{lab}系数的聚类标准误", digits=2)
            _rec(rs, f"{k}_p", r["p"], "", f"{title}：{lab}系数的 p 值", digits=3)
            _rec(rs, f"{k}_low", r["ci_low"], "", f"{title}：{lab}系数 95% 区间下限", digits=2, signed=True)
            _rec(rs, f"{k}_high", r["ci_high"], "", f"{title}：{lab}系数 95% 区间上限", digits=2, signed=True)
            _rec(rs, f"{k}_sig", r["p"], "", f"{title}：{lab}在 5% 水平上", display=significance_word(r["p"]))
            _rec(rs, f"{k}_sign", r["coef"], "", f"{title}：{lab}系数的符号", display=sign_word(r["coef"]))
        _rec(rs, f"m{name}_n", m["n"], "个", f"{title}：省对数", digits=0)
        _rec(rs, f"m{name}_pseudo_r2", m["pseudo_r2"], "", f"{title}：伪 R²", digits=2)
    ne_p = models["c"]["coefs"].set_index("term").loc[list(NE_TERMS), "p"]
    _rec(rs,
        "mc_ne_evidence", float(ne_p.min()), "", "东北交互项中最小的 p 值（任一项在 5% 水平上显著即“有证据表明”）",
        display="有证据表明" if (ne_p < ALPHA).any() else "没有证据表明",
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
                compare_word(c["coef"], c["ci_low"], c["ci_high"], theirs)
                if theirs is not None
                else ("一致" if word == their_word else "不一致")
            )
            rows.append(
                {
                    "term": term,
                    "model": name,
                    "coef": c["coef"],
                    "ci_low": c["ci_low"],
                    "ci_high": c["ci_high"],
                    "p": c["p"],
                    "ours_word": word,
                    "theirs": their_text,
                    "agree": agree,
                }
            )
    return pd.DataFrame(rows)


def record_characteristics(rs, chars: pd.DataFrame, flows: pd.DataFrame) -> None:
    """Each Northeast province's characteristics against the 31-province median (高于/低于), the
    correlation of log wage and log GDP per capita across provinces, and the 辽宁-born in 黑龙江."""
    med = chars.median()
    nm = names_zh()
    for code in NORTHEAST:
        for c in CF_CHARACTERISTICS:
            gap = float(chars.loc[code, c] - med[c])
            _rec(rs,
                f"gap_{SLUGS[code]}_{c}", gap, "",
                f"{nm[code]}的{CHAR_LABELS[c]}减 31 省中位数", display=direction_word(gap, "compare"), digits=3,
            )  # fmt: skip
    r = chars["log_relative_wage"].corr(chars["log_gdp_per_capita"])
    _rec(rs, "corr_wage_gdp", r, "", "31 省相对工资（对数）与人均 GDP（对数）的相关系数（2010）", digits=2)
    f = flows[(flows["origin"] == "210000") & (flows["destination"] == "230000")].set_index("year")
    for y in (2000, 2010):
        _rec(rs, f"liaoning_in_heilongjiang_{y}", _wan(f.loc[y, "persons_estimated"]), "万人",
                  f"{y}年辽宁出生、住在黑龙江的人口", digits=0)  # fmt: skip


def record_comparison(rs, comp: pd.DataFrame) -> None:
    _rec(rs, "gu_d_wage", GU2022["d_log_relative_wage"][0], "", "Gu 等（2022）迁入地工资弹性", digits=2)
    for _, r in comp.iterrows():
        k = f"cmp_{r['model']}_{term_key(r['term'])}"
        _rec(rs, k, r["agree"], "", f"模型 {r['model']} 的{TERM_LABELS[r['term']]}与 Gu 等（2022）", display=r["agree"])


def record_counterfactual(rs, cf: pd.DataFrame, family: str = "all") -> None:
    """``cf_<province>_<family>_...``; family ``all`` (six origin characteristics) or ``wage``."""
    nm = names_zh()
    which = {"all": "全部迁出地特征", "wage": "迁出地工资"}[family]
    for _, r in cf.iterrows():
        s, n = f"{SLUGS[r['origin']]}_{family}", nm[r["origin"]]
        what = f"{n}：若{which}达到全国中位数"
        _rec(rs, f"cf_{s}_observed", _wan(r["observed"]), "万人", f"{n}出生、居住在外省的人口（2010，推算）", digits=0)
        _rec(rs, f"cf_{s}_fitted", _wan(r["fitted"]), "万人", f"{n}：模型 (b) 的拟合值", digits=0)
        for k in ("counterfactual", "cf_low", "cf_high"):
            _rec(rs, f"cf_{s}_{k}", _wan(r[k]), "万人", f"{what}，预测存量（{k}）", digits=0)
        for k in ("change_pct", "change_pct_low", "change_pct_high"):
            _rec(rs, f"cf_{s}_{k}", r[k], "%", f"{what}，存量的变化（{k}）", digits=0, signed=True)
        for k in ("observed_scaled", "observed_scaled_low", "observed_scaled_high"):
            _rec(rs, f"cf_{s}_{k}", _wan(r[k]), "万人", f"{what}，按比例调整的实际存量（{k}）", digits=0)
        word = interval_word(r["change_pct_low"], r["change_pct_high"])
        _rec(rs, f"cf_{s}_word", r["change_pct"], "", f"{what}，存量变化的方向（95% 区间）", display=word)
