"""Steps of notebook 02 (determinants) that summarise fitted models: the coefficient rows of many
fits, and which findings survive the robustness checks.

The fits are recorded (with a specification for an independent refit) by
:mod:`neoutflow.outputs.determinants_report`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from neoutflow.analysis import models


def coefficient_rows(fits: Mapping[str, object], terms_only: bool = True) -> pd.DataFrame:
    """All fits' coefficient tables stacked, with a ``model`` column (for CSV export)."""
    parts = []
    for name, fit in fits.items():
        t = models.coefficient_table(fit)
        if terms_only:
            t = t[~t["term"].str.startswith("C(")]
        parts.append(t.assign(model=name))
    return pd.concat(parts, ignore_index=True)[["model", "term", "coef", "se", "t", "p", "ci_low", "ci_high"]]


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
