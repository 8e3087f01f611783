"""Steps of notebook 02 (determinants) that record numbers, kept out of the notebook.

Every reported coefficient goes through :func:`record_fit`, which also keeps a
machine-readable specification (dataset, outcome, regressors, covariance) so
that a test can refit each model independently and compare every recorded
coefficient and standard error (see ``tests/test_determinants_notebook.py``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from neoutflow.analysis import datasets, models
from neoutflow.formatting import row_decimals

# Results-key prefixes of the fits of one outcome across the four outcomes (stable
# whatever the ``outcome`` parameter is, so the report can quote them).
OUTCOME_PREFIXES = {
    "net_migration_rate": "o_netmig",
    "residual_migration_rate": "o_resid",
    "population_growth": "o_growth",
    "young_adult_net_migration_rate": "o_young",
}
PROVINCE_SLUGS = {"210000": "liaoning", "220000": "jilin", "230000": "heilongjiang"}
FAMILY_SLUGS = {"education": "education", "wages": "wage", "industry": "industry", "all": "all"}
SET_LABELS = {"baseline": "基准", "industry": "产业", "education": "教育", "wages": "工资", "full": "全部变量"}


class SpecRegistry:
    """The specifications behind the recorded coefficients: ``{prefix: spec}``."""

    def __init__(self):
        self.specs: dict[str, dict] = {}

    def add(
        self,
        prefix: str,
        dataset: str,
        codes: Sequence[str],
        outcome: str,
        regressors: Sequence[str],
        cov_type: str,
        fixed_effects: str | None = None,
        cluster: str | None = None,
        standardised: bool = False,
    ) -> None:
        """``codes``: the rows of ``dataset`` (by ``code``) the model was fitted on."""
        if prefix in self.specs:
            raise ValueError(f"model prefix {prefix!r} recorded twice")
        self.specs[prefix] = {
            "dataset": dataset,
            "codes": [str(c) for c in codes],
            "outcome": outcome,
            "regressors": list(regressors),
            "cov_type": cov_type,
            "fixed_effects": fixed_effects,
            "cluster": cluster,
            "standardised": standardised,
        }

    def save(self, path: Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.specs, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return path


def _digits(se: float) -> int:
    return row_decimals([se], base=3)


def record_fit(
    rs,
    registry: SpecRegistry,
    prefix: str,
    fit,
    title: str,
    *,
    dataset: str,
    codes: Sequence[str],
    outcome: str,
    regressors: Sequence[str],
    cov_type: str,
    fixed_effects: str | None = None,
    cluster: str | None = None,
    standardised: bool = False,
    terms: Sequence[str] | None = None,
) -> None:
    """Record ``<prefix>_coef_<term>``, ``_se_``, ``_p_`` for each term (fixed-effect dummies
    excepted unless listed in ``terms``), and ``<prefix>_n``, ``_r2``, ``_adj_r2``; register
    the specification (``codes``: the rows of ``dataset`` used)."""
    if len(codes) != int(fit.nobs):
        raise ValueError(f"{prefix}: {len(codes)} codes for a fit on {int(fit.nobs)} observations")
    registry.add(prefix, dataset, codes, outcome, regressors, cov_type, fixed_effects, cluster, standardised)
    terms = [t for t in fit.params.index if not t.startswith("C(")] if terms is None else list(terms)
    for t in terms:
        key, name = models.term_key(t), datasets.label(t) if t != models.INTERCEPT else "常数项"
        d = _digits(float(fit.bse[t]))
        rs.record(f"{prefix}_coef_{key}", float(fit.params[t]), "", f"{title}：{name}的系数", digits=d)
        rs.record(f"{prefix}_se_{key}", float(fit.bse[t]), "", f"{title}：{name}系数的标准误", digits=d)
        rs.record(f"{prefix}_p_{key}", float(fit.pvalues[t]), "", f"{title}：{name}系数的 p 值", digits=3)
    stats = models.fit_statistics(fit)
    rs.record(f"{prefix}_n", stats["n"], "个", f"{title}：样本量", digits=0)
    rs.record(f"{prefix}_r2", stats["r2"], "", f"{title}：R²", digits=3)
    rs.record(f"{prefix}_adj_r2", stats["adj_r2"], "", f"{title}：调整后 R²", digits=3)


def coefficient_rows(fits: Mapping[str, object], terms_only: bool = True) -> pd.DataFrame:
    """All fits' coefficient tables stacked, with a ``model`` column (for CSV export)."""
    parts = []
    for name, fit in fits.items():
        t = models.coefficient_table(fit)
        if terms_only:
            t = t[~t["term"].str.startswith("C(")]
        parts.append(t.assign(model=name))
    return pd.concat(parts, ignore_index=True)[["model", "term", "coef", "se", "t", "p", "ci_low", "ci_high"]]


def record_counterfactuals(rs, cf: pd.DataFrame, outcome_label: str, names: Mapping[str, str]) -> None:
    """``cf_<province>_<family>`` (change, percentage points) with ``_se``, ``_low``, ``_high``,
    ``_boot_se``/``_boot_low``/``_boot_high`` when present, and ``_level``; plus each
    province's observed and fitted outcome."""
    for code, part in cf.groupby("code", sort=False):
        slug = PROVINCE_SLUGS.get(code, code)
        first = part.iloc[0]
        nm = names.get(code, code)
        rs.record(f"cf_{slug}_observed", float(first["observed"]), "%", f"{nm}{outcome_label}（实际）", digits=2)
        rs.record(f"cf_{slug}_fitted", float(first["fitted"]), "%", f"{nm}{outcome_label}（模型拟合值）", digits=2)
        for _, r in part.iterrows():
            key = f"cf_{slug}_{FAMILY_SLUGS[r['family']]}"
            what = f"{nm}：若{models.FAMILY_LABELS[r['family']]}指标达到全国中位数，{outcome_label}的变化"
            rs.record(key, float(r["change"]), "百分点", what, digits=2, signed=True)
            rs.record(f"{key}_se", float(r["se"]), "百分点", what + "的标准误（德尔塔方法）", digits=2)
            rs.record(f"{key}_low", float(r["ci_low"]), "百分点", what + "的 95% 置信区间下限", digits=2, signed=True)
            rs.record(f"{key}_high", float(r["ci_high"]), "百分点", what + "的 95% 置信区间上限", digits=2, signed=True)
            for b in ("boot_se", "boot_low", "boot_high"):
                if b in r and pd.notna(r[b]):
                    rs.record(
                        f"{key}_{b}",
                        float(r[b]),
                        "百分点",
                        what + f"（自助法 {b[5:]}）",
                        digits=2,
                        signed=b != "boot_se",
                    )
            rs.record(f"{key}_level", float(r["counterfactual"]), "%", f"{nm}：反事实{outcome_label}", digits=2)


def fit_record(
    rs,
    registry: SpecRegistry,
    prefix: str,
    title: str,
    data: pd.DataFrame,
    outcome: str,
    regressors: Sequence[str],
    cov_type: str,
    dataset: str,
    fixed_effects: str | None = None,
    standardised: bool = False,
):
    """Fit one model (:func:`models.fit_ols`, or :func:`models.standardised_fit`), record it
    with :func:`record_fit` and return the fit. ``cov_type="cluster"`` clusters on
    ``fixed_effects`` (the province)."""
    cluster = fixed_effects if cov_type == "cluster" else None
    if standardised:
        if fixed_effects:
            raise ValueError("standardised fits with fixed effects are not supported")
        fit = models.standardised_fit(data, outcome, regressors, cov_type=cov_type)
    else:
        fit = models.fit_ols(data, outcome, regressors, cov_type=cov_type, fixed_effects=fixed_effects, cluster=cluster)
    terms = list(regressors) if standardised else None
    record_fit(
        rs,
        registry,
        prefix,
        fit,
        title,
        dataset=dataset,
        codes=list(data["code"]),
        outcome=outcome,
        regressors=regressors,
        cov_type=cov_type,
        fixed_effects=fixed_effects,
        cluster=cluster,
        standardised=standardised,
        terms=terms,
    )
    return fit


def robustness_summary(
    main_fit,
    loo_summary: pd.DataFrame,
    outcome_fits: Mapping[str, object],
    set_fits: Mapping[str, object],
    variables: Sequence[str],
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Which findings survive: per variable of the main model, its sign and p-value, the
    leave-one-out record, its sign and significance across outcomes and across the
    regressor sets that contain it, and a verdict.

    Verdicts: ``robust`` (significant at ``alpha``, no leave-one-out sign change,
    significant in at least 90% of the refits, same sign for every outcome);
    ``direction`` (same sign everywhere but not reliably significant); ``fragile``
    (the sign changes when one province is dropped or with the outcome).
    """
    loo = loo_summary.set_index("term")
    rows = []
    for v in variables:
        sign = np.sign(main_fit.params[v])
        out_same = sum(np.sign(f.params[v]) == sign for f in outcome_fits.values())
        out_sig = sum(f.pvalues[v] < alpha for f in outcome_fits.values())
        holders = [f for f in set_fits.values() if v in f.params.index]
        set_same = sum(np.sign(f.params[v]) == sign for f in holders)
        n_refits = int(loo.loc[v, "n_refits"])
        stable = loo.loc[v, "sign_changes"] == 0 and out_same == len(outcome_fits)
        if stable and main_fit.pvalues[v] < alpha and loo.loc[v, "n_significant"] >= 0.9 * n_refits:
            verdict = "robust"
        elif stable:
            verdict = "direction"
        else:
            verdict = "fragile"
        rows.append(
            {
                "variable": v,
                "coef": float(main_fit.params[v]),
                "p": float(main_fit.pvalues[v]),
                "loo_sign_changes": int(loo.loc[v, "sign_changes"]),
                "loo_significant": int(loo.loc[v, "n_significant"]),
                "loo_refits": n_refits,
                "outcomes_same_sign": int(out_same),
                "outcomes_significant": int(out_sig),
                "outcomes": len(outcome_fits),
                "sets_same_sign": int(set_same),
                "sets": len(holders),
                "verdict": verdict,
            }
        )
    return pd.DataFrame(rows)


VERDICT_LABELS = {"robust": "显著且稳健", "direction": "方向稳定，但统计上不确定", "fragile": "不稳健"}


def robustness_markdown(summary: pd.DataFrame, alpha: float = 0.05) -> str:
    """One Chinese sentence per variable, generated from :func:`robustness_summary`."""
    lines = []
    for _, r in summary.iterrows():
        direction = "正" if r["coef"] > 0 else "负"
        lines.append(
            f"- **{datasets.label(r['variable'])}**：主模型系数为{direction}（p = {r['p']:.3f}）；"
            f"逐一剔除一个省份的 {r['loo_refits']} 次重估中符号改变 {r['loo_sign_changes']} 次，"
            f"在 {alpha:g} 水平显著 {r['loo_significant']} 次；{r['outcomes']} 个结果变量中符号相同 "
            f"{r['outcomes_same_sign']} 个、显著 {r['outcomes_significant']} 个；"
            f"含该变量的 {r['sets']} 个回归设定中符号相同 {r['sets_same_sign']} 个。"
            f"判断：{VERDICT_LABELS[r['verdict']]}。"
        )
    return "\n".join(lines)
