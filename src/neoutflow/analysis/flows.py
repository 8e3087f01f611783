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

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from neoutflow.reference import NORTHEAST

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
# The counterfactual changes these (population is the gravity mass, not a policy characteristic).
CF_CHARACTERISTICS = tuple(c for c in CHARACTERISTICS if c != "log_population")
DYADIC = ("log_distance", "contiguous")
ORIGIN_DEST = tuple(f"o_{c}" for c in CHARACTERISTICS) + tuple(f"d_{c}" for c in CHARACTERISTICS)
# The study region's origin (``region_origin``, 1 for the pairs whose origin is in the region) and its
# interactions in model (c).
REGION_TERMS = ("region_x_log_distance", "region_x_d_log_relative_wage")

# Model name -> (outcome, regressors, fixed effects); titles in neoutflow.outputs.flows_outputs.
MODELS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "a": ("stock", DYADIC, ("origin", "destination")),
    "b": ("stock", DYADIC + ORIGIN_DEST, ()),
    "c": ("stock", DYADIC + REGION_TERMS, ("origin", "destination")),
    "d": ("stock_change", DYADIC + ORIGIN_DEST, ()),
}
# Like-with-like variants for the comparison with Gu et al. (2022), who model flows conditional on the
# migrant stock: the 2000 stock of the same pair as a network (lagged-stock) term, with no fixed effects (e),
# with origin fixed effects and destination characteristics (f), with destination fixed effects and origin
# characteristics (g). One-sided fixed effects identify the other side's characteristics.
NETWORK = ("log_stock_2000",)
ORIGIN_CHARS = tuple(f"o_{c}" for c in CHARACTERISTICS)
DEST_CHARS = tuple(f"d_{c}" for c in CHARACTERISTICS)
EXTENSIONS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "e": ("stock", DYADIC + NETWORK + ORIGIN_DEST, ()),
    "f": ("stock", DYADIC + NETWORK + DEST_CHARS, ("origin",)),
    "g": ("stock", DYADIC + NETWORK + ORIGIN_CHARS, ("destination",)),
}
# The 2000 long-form sampling fraction is not verified against the census volume: model (d) is refitted
# over this range (the 2000 stocks rescaled from the sample counts).
SAMPLING_FRACTIONS = (0.090, 0.095, 0.100, 0.105)
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


def region_destinations(flows: pd.DataFrame, origins: Sequence[str] = NORTHEAST) -> pd.DataFrame:
    """Where those born in the region's provinces ``origins`` (together) lived outside their birth province,
    by destination: estimated persons 2000 and 2010, change, growth (%), share of the 2010 stock, rank 2010.
    Moves among the region's provinces are included (for the Northeast, a 吉林-born person in 辽宁 counts)."""
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


def inflows_to_region(flows: pd.DataFrame, region: Sequence[str] = NORTHEAST) -> pd.DataFrame:
    """Persons born outside the region living in one of its provinces, by origin: 2000, 2010, change."""
    region = list(region)
    f = flows[flows["destination"].isin(region) & ~flows["origin"].isin(region)]
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
    out["college_share"] = p["college_share"]  # % of residents (datasets.RESCALED)
    out["secondary_share"] = p["secondary_share"]
    out["share_age_65_plus"] = p["share_age_65_plus"]
    out["log_population"] = np.log(p["population_base"])
    return out


def dyad_dataset(
    flows: pd.DataFrame, pairs: pd.DataFrame, chars: pd.DataFrame, region: Sequence[str] = NORTHEAST
) -> pd.DataFrame:
    """One row per ordered pair of provinces (930): stock 2000 and 2010 (estimated persons), the
    2000→2010 change (``stock_change_raw``) and its PPML outcome ``stock_change`` (negatives set to 0),
    log distance, contiguity, the study region's origin (``region``: its province codes) and its
    interactions, origin and destination characteristics."""
    f = flows[flows["origin"] != flows["destination"]]
    wide = f.pivot_table(index=["origin", "destination"], columns="year", values="persons_estimated").reset_index()
    wide.columns.name = None
    wide = wide.rename(columns={2000: "stock_2000", 2010: "stock"})
    wide["log_stock_2000"] = np.log(wide["stock_2000"])  # every pair has a positive 2000 stock
    wide["stock_change_raw"] = wide["stock"] - wide["stock_2000"]
    wide["stock_change"] = wide["stock_change_raw"].clip(lower=0)
    df = wide.merge(pairs, on=["origin", "destination"], how="left", validate="one_to_one")
    if df["distance_km"].isna().any():
        raise ValueError("province pairs lack a distance: boundaries and flows disagree on the provinces")
    df["log_distance"] = np.log(df["distance_km"])
    df["region_origin"] = df["origin"].isin([str(c) for c in region]).astype(int)
    if not df["region_origin"].any():
        raise ValueError(f"no province of the study region ({', '.join(map(str, region))}) is an origin in the flows")
    for side in ("o", "d"):
        key = "origin" if side == "o" else "destination"
        c = chars.add_prefix(f"{side}_")
        df = df.merge(c, left_on=key, right_index=True, how="left")
    df["region_x_log_distance"] = df["region_origin"] * df["log_distance"]
    df["region_x_d_log_relative_wage"] = df["region_origin"] * df["d_log_relative_wage"]
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
    mu = np.asarray(fit.predict(type="response"), dtype=float)  # fepois predicts the link (log μ) by default
    y = fit._data[outcome] if len(fit._data) == len(mu) else df[outcome]
    return float(np.corrcoef(y.to_numpy(float), mu)[0, 1] ** 2)


def fit_model(dyads: pd.DataFrame, name: str, outcome: str, regs: Sequence[str], fes: Sequence[str]) -> dict:
    """One PPML model: ``{fit, coefs, spec, n, pseudo_r2}`` (``spec`` is what the independent refit reads)."""
    fit = fit_ppml(dyads, outcome, regs, fes)
    spec = {
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
    return {
        "fit": fit,
        "coefs": coef_frame(fit),
        "spec": spec,
        "n": int(fit._N),
        "pseudo_r2": pseudo_r2(fit, dyads, outcome),
    }


def fit_models(dyads: pd.DataFrame, which: dict | None = None) -> dict[str, dict]:
    """Fit every model in ``which`` (default :data:`MODELS`; :data:`EXTENSIONS` for the variants)."""
    return {name: fit_model(dyads, name, *spec) for name, spec in (which or MODELS).items()}


def rescale_2000(dyads: pd.DataFrame, flows: pd.DataFrame, fraction: float) -> pd.DataFrame:
    """``dyads`` with the 2000 stocks re-estimated as sample count / ``fraction`` (and the change,
    its clipped PPML outcome and the log stock recomputed)."""
    f = flows[(flows["year"] == 2000) & (flows["origin"] != flows["destination"])]
    sample = f.set_index(["origin", "destination"])["persons_sample"]
    out = dyads.copy()
    out["stock_2000"] = sample.reindex(pd.MultiIndex.from_frame(out[["origin", "destination"]])).to_numpy() / fraction
    out["log_stock_2000"] = np.log(out["stock_2000"])
    out["stock_change_raw"] = out["stock"] - out["stock_2000"]
    out["stock_change"] = out["stock_change_raw"].clip(lower=0)
    return out


def sampling_sensitivity(
    dyads: pd.DataFrame, flows: pd.DataFrame, terms: Sequence[str], fractions: Sequence[float] = SAMPLING_FRACTIONS
) -> pd.DataFrame:
    """Model (d) refitted for each 2000 sampling fraction: ``fraction, term, coef, se, p, zero_share``
    (``zero_share``: the share of pairs whose clipped change is zero)."""
    outcome, regs, fes = MODELS["d"]
    rows = []
    for frac in fractions:
        d = rescale_2000(dyads, flows, frac)
        c = coef_frame(fit_ppml(d, outcome, regs, fes)).set_index("term")
        zero = float((d["stock_change"] == 0).mean())
        rows += [
            {"fraction": frac, "term": t, **c.loc[t, ["coef", "se", "p"]].to_dict(), "zero_share": zero} for t in terms
        ]
    return pd.DataFrame(rows)


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
    """Model (b): predicted stock of each origin's born (the study region's provinces) living elsewhere, at its own
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


def dense_design(dyads: pd.DataFrame, regressors: Sequence[str], fixed_effects: Sequence[str]) -> np.ndarray:
    """The regressors, then one full set of dummies for the first fixed effect and the others without their
    first level (no intercept when there are fixed effects): the column space ``fepois`` absorbs."""
    cols = [dyads[r].to_numpy(float) for r in regressors]
    if not fixed_effects:
        cols.insert(0, np.ones(len(dyads)))
    for k, fe in enumerate(fixed_effects):
        levels = sorted(dyads[fe].astype(str).unique())
        cols += [(dyads[fe].astype(str) == lev).to_numpy(float) for lev in levels[(1 if k else 0) :]]
    return np.column_stack(cols)


def region_wild_tests(dyads: pd.DataFrame, reps: int, seed: int) -> pd.DataFrame:
    """Model (c)'s study-region interactions tested with the wild cluster score bootstrap by origin (31 origin
    clusters, those of the region among them): ``term, t, p_rademacher, p_webb, reps``."""
    from neoutflow.analysis import inference

    outcome, regs, fes = MODELS["c"]
    x = dense_design(dyads, regs, fes)
    y = dyads[outcome].to_numpy(float)
    rows = []
    for term in REGION_TERMS:
        restricted = fit_ppml(dyads, outcome, [r for r in regs if r != term], fes)  # the null imposed
        if int(restricted._N) != len(dyads):
            raise ValueError("the restricted model dropped pairs: the score bootstrap needs every pair")
        mu = np.asarray(restricted.predict(type="response"), dtype=float)
        j = list(regs).index(term)
        t, p = inference.score_wild_poisson(x, y, j, dyads["origin"].to_numpy(), reps, seed, mu=mu)
        rows.append({"term": term, "t": t, **{f"p_{w}": v for w, v in p.items()}, "reps": int(reps)})
    return pd.DataFrame(rows)
