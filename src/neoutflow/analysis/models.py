"""Regressions of net migration on industry, education and wages, with robustness checks.

Everything here takes a plain analysis DataFrame (one row per region, see
:mod:`neoutflow.analysis.datasets`) and returns statsmodels results or DataFrames,
so the notebook stays a sequence of calls and the tests can use a synthetic
data-generating process.

With 31 provinces the cross-section supports only a handful of regressors: the
named regressor sets below take one variable per family (industry, education,
wages) plus two controls in the ``baseline`` set, and the ``full`` set is kept
as a deliberately over-fitted check on collinearity, not as the main model.
Inference uses t(n - k) (``use_t=True``) rather than the normal approximation
statsmodels uses by default for robust covariances, because n is small.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from statsmodels.stats.outliers_influence import OLSInfluence, variance_inflation_factor

from neoutflow.reference import CONTROLS, COV_TYPES, FAMILIES, PREFECTURE_SETS, REGRESSOR_SETS  # noqa: F401

# ---------------------------------------------------------------- regressor sets

VARIABLE_FAMILY = {v: fam for fam, vs in FAMILIES.items() for v in vs}


INTERCEPT = "Intercept"


class ModelError(ValueError):
    """Data or a specification the models cannot use, with what was expected."""


def regressor_set(name: str) -> list[str]:
    """The variables of a named regressor set (see :data:`REGRESSOR_SETS`)."""
    try:
        return list(REGRESSOR_SETS[name])
    except KeyError:
        raise ModelError(f"unknown regressor set {name!r}; choose one of {sorted(REGRESSOR_SETS)}") from None


def family_variables(regressors: Sequence[str]) -> dict[str, list[str]]:
    """``{family: [its variables among regressors]}`` for the families present, plus ``all``
    when there are two or more."""
    out = {fam: [v for v in regressors if VARIABLE_FAMILY.get(v) == fam] for fam in FAMILIES}
    out = {fam: vs for fam, vs in out.items() if vs}
    if len(out) > 1:
        out["all"] = [v for vs in out.values() for v in vs]
    return out


# ---------------------------------------------------------------- checks and fitting

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def check_data(
    data: pd.DataFrame, columns: Sequence[str], what: str = "analysis data", min_rows: int | None = None
) -> pd.DataFrame:
    """The named columns as floats; errors for absent, non-numeric or missing values."""
    if not isinstance(data, pd.DataFrame):
        raise ModelError(f"{what} must be a DataFrame, got {type(data).__name__}")
    for c in columns:
        if not _NAME.match(str(c)):
            raise ModelError(f"variable name {c!r} must be a Python identifier (used in formulas)")
    absent = [c for c in columns if c not in data.columns]
    if absent:
        raise ModelError(f"{what} lacks column(s) {absent}; it has {list(data.columns)}")
    out = pd.DataFrame(index=data.index)
    for c in columns:
        values = pd.to_numeric(data[c], errors="coerce").astype(float)
        bad = values.isna() | ~np.isfinite(values)
        if bad.any():
            rows = list(data.index[bad][:5])
            raise ModelError(
                f"{what}: column {c!r} is missing or not finite in rows {rows}" + (" …" if bad.sum() > 5 else "")
            )
        out[c] = values
    need = min_rows if min_rows is not None else len(columns) + 2
    if len(out) < need:
        raise ModelError(f"{what}: {len(out)} rows are too few for {len(columns)} variables (need ≥ {need})")
    return out


def formula(outcome: str, regressors: Sequence[str], fixed_effects: str | None = None) -> str:
    rhs = " + ".join(regressors) if regressors else "1"
    if fixed_effects:
        rhs += f" + C({fixed_effects})"
    return f"{outcome} ~ {rhs}"


def fit_ols(
    data: pd.DataFrame,
    outcome: str,
    regressors: Sequence[str],
    cov_type: str = "HC3",
    fixed_effects: str | None = None,
    cluster: str | None = None,
    use_t: bool = True,
):
    """OLS of ``outcome`` on ``regressors`` (+ intercept, + ``C(fixed_effects)``).

    ``cov_type``: ``HC3`` (default; (X'X)⁻¹X'diag(e²/(1-h)²)X(X'X)⁻¹), ``HC2``, ``HC1``,
    ``HC0``, ``nonrobust`` or ``cluster`` (needs ``cluster``, a column of group ids;
    statsmodels' small-sample factor G/(G-1)·(N-1)/(N-K) and t(G-1) inference).
    Returns a statsmodels results object; missing values raise instead of being dropped.
    """
    if cov_type not in COV_TYPES:
        raise ModelError(f"unknown cov_type {cov_type!r}; choose one of {COV_TYPES}")
    if outcome in regressors:
        raise ModelError(f"outcome {outcome!r} is also a regressor")
    if len(set(regressors)) != len(regressors):
        raise ModelError(f"regressors repeat a variable: {list(regressors)}")
    numeric = check_data(data, [outcome, *regressors])
    frame = numeric.copy()
    for extra in (fixed_effects, cluster):
        if extra is None:
            continue
        if extra not in data.columns:
            raise ModelError(f"data lack the grouping column {extra!r}")
        if data[extra].isna().any():
            raise ModelError(f"grouping column {extra!r} has missing values")
        frame[extra] = data[extra].astype(str)
    model = smf.ols(formula(outcome, regressors, fixed_effects), data=frame)
    rank = np.linalg.matrix_rank(model.exog)
    if rank < model.exog.shape[1]:
        raise ModelError(
            f"the regressors {list(regressors)} are perfectly collinear (rank {rank} < {model.exog.shape[1]} columns)"
        )
    if cov_type == "cluster":
        if cluster is None:
            raise ModelError("cov_type='cluster' needs the name of a cluster column")
        groups = pd.factorize(frame[cluster])[0]
        return model.fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=use_t)
    if cov_type.startswith("HC"):
        q, _ = np.linalg.qr(model.exog)  # leverage h_i = ‖row i of Q‖², without the n×n hat matrix
        if np.any(np.isclose((q**2).sum(axis=1), 1.0)):
            raise ModelError(
                "an observation has leverage 1 (e.g. a singleton fixed-effect group); "
                "HC standard errors are undefined — drop it first"
            )
    return model.fit(cov_type=cov_type, use_t=use_t)


def term_key(term: str) -> str:
    """A statsmodels term as a results-key fragment: ``Intercept`` → ``const``."""
    return "const" if term == INTERCEPT else re.sub(r"[^0-9A-Za-z_]+", "_", term).strip("_")


def coefficient_table(fit, terms: Sequence[str] | None = None, alpha: float = 0.05) -> pd.DataFrame:
    """``term, coef, se, t, p, ci_low, ci_high`` (confidence level ``1 - alpha``)."""
    ci = fit.conf_int(alpha=alpha)
    table = pd.DataFrame(
        {
            "term": list(fit.params.index),
            "coef": fit.params.to_numpy(),
            "se": fit.bse.to_numpy(),
            "t": fit.tvalues.to_numpy(),
            "p": fit.pvalues.to_numpy(),
            "ci_low": ci.iloc[:, 0].to_numpy(),
            "ci_high": ci.iloc[:, 1].to_numpy(),
        }
    )
    if terms is not None:
        table = table.set_index("term").loc[list(terms)].reset_index()
    return table


def fit_statistics(fit) -> dict[str, float]:
    """``n, k`` (parameters), ``r2``, ``adj_r2``, ``df_resid``."""
    return {
        "n": int(fit.nobs),
        "k": int(fit.df_model + 1),
        "r2": float(fit.rsquared),
        "adj_r2": float(fit.rsquared_adj),
        "df_resid": float(fit.df_resid),
    }


# ---------------------------------------------------------------- standardised effects, VIF


def zscore(data: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Columns centred and divided by their sample standard deviation (ddof = 1)."""
    numeric = check_data(data, columns, min_rows=2)
    sd = numeric.std(ddof=1)
    flat = list(sd.index[sd == 0])
    if flat:
        raise ModelError(f"cannot standardise constant column(s) {flat}")
    out = data.copy()
    for c in columns:
        out[c] = (numeric[c] - numeric[c].mean()) / sd[c]
    return out


def standardised_fit(data: pd.DataFrame, outcome: str, regressors: Sequence[str], cov_type: str = "HC3"):
    """The regression refitted on z-scored outcome and regressors (beta coefficients).

    A beta is the change in the outcome, in its standard deviations, for one
    standard deviation of the regressor; it equals ``coef × sd(x) / sd(y)``.
    """
    return fit_ols(zscore(data, [outcome, *regressors]), outcome, regressors, cov_type=cov_type)


def standardised_coefficients(
    data: pd.DataFrame, outcome: str, regressors: Sequence[str], cov_type: str = "HC3"
) -> pd.DataFrame:
    """:func:`coefficient_table` of :func:`standardised_fit`, without the intercept."""
    return coefficient_table(standardised_fit(data, outcome, regressors, cov_type), terms=list(regressors))


def vif_table(data: pd.DataFrame, regressors: Sequence[str]) -> pd.DataFrame:
    """Variance inflation factors ``1 / (1 - R²_j)`` (auxiliary regressions with an intercept).

    Returns ``variable, vif, aux_r2``. A VIF of 10 means the variable's sampling
    variance is ten times what it would be were it uncorrelated with the others.
    """
    if len(regressors) < 2:
        raise ModelError("VIFs need at least two regressors")
    x = check_data(data, regressors)
    exog = np.column_stack([np.ones(len(x)), x.to_numpy()])
    vifs = [variance_inflation_factor(exog, j + 1) for j in range(len(regressors))]
    return pd.DataFrame({"variable": list(regressors), "vif": vifs, "aux_r2": [1 - 1 / v for v in vifs]})


# ---------------------------------------------------------------- influence


def leave_one_out(
    data: pd.DataFrame, outcome: str, regressors: Sequence[str], id_col: str = "code", cov_type: str = "HC3"
) -> pd.DataFrame:
    """Each observation dropped in turn (n refits): ``dropped, term, coef, se, p``.

    Standard errors and p-values use ``cov_type``, so one can also see whether a
    coefficient stays "significant" without any single province.
    """
    if id_col not in data.columns:
        raise ModelError(f"data lack the id column {id_col!r}")
    parts = []
    for i in range(len(data)):
        fit = fit_ols(data.drop(index=data.index[i]), outcome, regressors, cov_type=cov_type)
        parts.append(
            pd.DataFrame(
                {
                    "dropped": str(data[id_col].iloc[i]),
                    "term": list(fit.params.index),
                    "coef": fit.params.to_numpy(),
                    "se": fit.bse.to_numpy(),
                    "p": fit.pvalues.to_numpy(),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def leave_one_out_summary(loo: pd.DataFrame, fit, alpha: float = 0.05) -> pd.DataFrame:
    """Per term: the full-sample coefficient, the leave-one-out range, which drop
    moves it most each way, in how many refits its sign differs from the full fit,
    and in how many it is significant at ``alpha``."""
    rows = []
    for term in fit.params.index:
        part = loo[loo["term"] == term].reset_index(drop=True)
        full = float(fit.params[term])
        rows.append(
            {
                "term": term,
                "coef": full,
                "loo_min": float(part["coef"].min()),
                "loo_max": float(part["coef"].max()),
                "dropped_at_min": part["dropped"].iloc[int(part["coef"].to_numpy().argmin())],
                "dropped_at_max": part["dropped"].iloc[int(part["coef"].to_numpy().argmax())],
                "sign_changes": int((np.sign(part["coef"]) != np.sign(full)).sum()),
                "n_significant": int((part["p"] < alpha).sum()),
                "n_refits": len(part),
            }
        )
    return pd.DataFrame(rows)


def influence_table(fit, ids: Sequence[str]) -> pd.DataFrame:
    """Leverage, Cook's distance, externally studentised residual and DFBETAS per observation.

    Computed from the OLS fit (influence measures are not covariance-specific).
    Conventional flags: Cook's D > 4/n; |DFBETAS| > 2/√n.
    """
    ids = [str(i) for i in ids]
    if len(ids) != int(fit.nobs):
        raise ModelError(f"{len(ids)} ids for {int(fit.nobs)} observations")
    infl = OLSInfluence(fit)
    out = pd.DataFrame(
        {
            "code": ids,
            "leverage": infl.hat_matrix_diag,
            "cooks_d": infl.cooks_distance[0],
            "student_resid": infl.resid_studentized_external,
        }
    )
    dfb = pd.DataFrame(infl.dfbetas, columns=[f"dfbetas_{term_key(t)}" for t in fit.params.index])
    out = pd.concat([out, dfb], axis=1)
    n = len(ids)
    out["cooks_flag"] = out["cooks_d"] > 4 / n
    return out


def partial_regression(
    data: pd.DataFrame, outcome: str, regressors: Sequence[str], variable: str, id_col: str = "code"
) -> pd.DataFrame:
    """Added-variable data for ``variable`` (Frisch–Waugh–Lovell).

    Residuals of the outcome and of ``variable`` on the other regressors (with an
    intercept); the OLS slope through them equals the full-model coefficient.
    Returns ``code, x_resid, y_resid``.
    """
    if variable not in regressors:
        raise ModelError(f"{variable!r} is not among the regressors {list(regressors)}")
    others = [r for r in regressors if r != variable]
    num = check_data(data, [outcome, *regressors])
    z = np.column_stack([np.ones(len(num)), num[others].to_numpy()])

    def resid(v: np.ndarray) -> np.ndarray:
        beta, *_ = np.linalg.lstsq(z, v, rcond=None)
        return v - z @ beta

    return pd.DataFrame(
        {
            "code": data[id_col].astype(str).to_numpy(),
            "x_resid": resid(num[variable].to_numpy()),
            "y_resid": resid(num[outcome].to_numpy()),
        }
    )


# ---------------------------------------------------------------- the study region question


def region_gap_models(
    data: pd.DataFrame, outcome: str, regressors: Sequence[str], cov_type: str = "HC3", indicator: str = "study_region"
) -> dict:
    """Is the study region's outflow larger than its fundamentals predict?

    ``raw``: the outcome on the region's 0/1 ``indicator`` alone (the unconditional gap);
    ``adjusted``: the indicator beside ``regressors`` (the gap the fundamentals leave
    unexplained). A negative adjusted coefficient on a net-migration outcome
    means more outflow than industry, education and wages predict. With a region of
    a few provinces the indicator is identified by that many residuals (three for the
    Northeast): treat it as descriptive.
    """
    if indicator not in data.columns:
        raise ModelError(f"data lack the indicator column {indicator!r}")
    values = set(pd.to_numeric(data[indicator], errors="coerce").unique())
    if not values <= {0, 1} or len(values) < 2:
        raise ModelError(f"{indicator!r} must be a 0/1 dummy with both values, found {sorted(values)}")
    return {
        "raw": fit_ols(data, outcome, [indicator], cov_type=cov_type),
        "adjusted": fit_ols(data, outcome, [*regressors, indicator], cov_type=cov_type),
    }


# ---------------------------------------------------------------- counterfactuals


def _reference_values(data: pd.DataFrame, variables: Sequence[str], reference) -> pd.Series:
    if reference is None:
        return check_data(data, variables, min_rows=1).median()
    ref = pd.Series(reference, dtype=float)
    missing = [v for v in variables if v not in ref.index]
    if missing:
        raise ModelError(f"reference values lack {missing}")
    return ref


def counterfactual_contrasts(
    terms: Sequence[str],
    data: pd.DataFrame,
    targets: Sequence[str],
    regressors: Sequence[str],
    reference: Mapping[str, float] | None = None,
    id_col: str = "code",
) -> tuple[pd.DataFrame, np.ndarray]:
    """The linear contrasts behind :func:`counterfactuals`.

    For target ``i`` and family ``f``, ``g[k] = m_k − x_ik`` for the family's
    variables ``k`` and 0 elsewhere (intercept included), so the change in the
    predicted outcome is ``g'β``. Returns (``code, family, variables``, matrix of g rows).
    """
    families = family_variables(regressors)
    if not families:
        raise ModelError(f"no industry, education or wage variable among {list(regressors)}")
    ref = _reference_values(data, [v for vs in families.values() for v in vs], reference)
    terms = list(terms)
    ids = data[id_col].astype(str)
    rows, g_rows = [], []
    for code in targets:
        hit = data[ids == str(code)]
        if len(hit) != 1:
            raise ModelError(f"target {code!r} matches {len(hit)} rows of the data")
        for fam, variables in families.items():
            g = np.zeros(len(terms))
            for v in variables:
                g[terms.index(v)] = ref[v] - float(hit[v].iloc[0])
            rows.append({"code": str(code), "family": fam, "variables": ",".join(variables)})
            g_rows.append(g)
    return pd.DataFrame(rows), np.vstack(g_rows)


def counterfactuals(
    fit,
    data: pd.DataFrame,
    outcome: str,
    targets: Sequence[str],
    regressors: Sequence[str],
    reference: Mapping[str, float] | None = None,
    id_col: str = "code",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Predicted change in ``outcome`` for each target if a family of its regressors
    were at the reference (default: the median over all rows of ``data``).

    One family at a time (industry, education, wages, where present in the model)
    and all together. The change ``g'β`` is linear in β, so given the fit's
    (robust) covariance V its delta-method standard error ``√(g'Vg)`` is exact;
    the interval uses the fit's t or normal reference distribution. The reference
    values are treated as fixed policy targets, not estimates.

    Returns ``code, family, variables, observed, fitted, change,
    se, ci_low, ci_high, p, counterfactual`` (observed + change: the province
    keeps its own unexplained residual).
    """
    if len(fit.fittedvalues) != len(data):
        raise ModelError("the fit and the data have different rows; pass the data the model was fitted on")
    info, g = counterfactual_contrasts(fit.params.index, data, targets, regressors, reference, id_col)
    test = fit.t_test(g)
    ci = np.asarray(test.conf_int(alpha=alpha))
    ids = data[id_col].astype(str).to_numpy()
    y = check_data(data, [outcome], min_rows=1)[outcome].to_numpy()
    fitted = np.asarray(fit.fittedvalues)
    pos = {c: i for i, c in enumerate(ids)}
    out = info.copy()
    out["observed"] = [y[pos[c]] for c in out["code"]]
    out["fitted"] = [fitted[pos[c]] for c in out["code"]]
    out["change"] = np.asarray(test.effect).ravel()
    out["se"] = np.asarray(test.sd).ravel()
    out["ci_low"], out["ci_high"] = ci[:, 0], ci[:, 1]
    out["p"] = np.asarray(test.pvalue).ravel()
    out["counterfactual"] = out["observed"] + out["change"]
    return out


# ---------------------------------------------------------------- prefectures


def drop_singletons(data: pd.DataFrame, group: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split off rows that are alone in their fixed-effect group.

    A singleton is fitted exactly by its own dummy: it carries no information on
    the slopes and has leverage 1, which makes HC standard errors undefined.
    Returns (kept, dropped).
    """
    sizes = data.groupby(group)[group].transform("size")
    return data[sizes > 1], data[sizes == 1]


def prefecture_model(
    data: pd.DataFrame,
    outcome: str,
    regressors: Sequence[str],
    fixed_effects: str = "province_code",
    cov_type: str = "cluster",
):
    """Prefecture OLS with province fixed effects.

    The province dummies absorb everything common to a province (its wage level,
    provincial policy, the survival-ratio's national-vs-provincial mortality
    gap), so the slopes compare prefectures within a province. Default errors
    are clustered by province: prefectures of one province share labour markets
    and policies, so their residuals are unlikely to be independent; with about
    30 clusters, cluster-robust errors are at the low end of reliability, so
    inference uses t(G − 1) and the notebook reports HC3 beside them.
    Singleton provinces must be dropped first (:func:`drop_singletons`).
    """
    cluster = fixed_effects if cov_type == "cluster" else None
    return fit_ols(data, outcome, regressors, cov_type=cov_type, fixed_effects=fixed_effects, cluster=cluster)


def within_r2(fit, data: pd.DataFrame, outcome: str, group: str) -> float:
    """R² of the within (group-demeaned) regression: the share of within-group
    variation of the outcome the regressors explain."""
    y = pd.to_numeric(data[outcome]).astype(float)
    demeaned = y - y.groupby(data[group].astype(str)).transform("mean")
    return float(1 - fit.ssr / float((demeaned**2).sum()))
