"""The comparison with Gu et al. (2022): all five origin-wage estimates, each with a difference test
re-derived by hand (synthetic coefficients of ours, made up; theirs as quoted in the module)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from neoutflow.outputs import flows_outputs as fo


def _models(coef: float, se: float) -> dict:
    rows = []
    for term in ("d_log_relative_wage", "o_log_relative_wage"):
        rows.append(
            {"term": term, "coef": coef, "se": se, "ci_low": coef - 2 * se, "ci_high": coef + 2 * se, "p": 0.01}
        )
    return {m: {"coefs": pd.DataFrame(rows)} for m in ("b", "d")}


def test_all_five_periods_with_a_difference_test():
    comp = fo.comparison_table(_models(-1.9, 0.7))
    origin = comp[(comp["term"] == "o_log_relative_wage") & (comp["model"] == "b")]
    assert list(origin["period"]) == list(fo.GU2022_ORIGIN_WAGE)
    assert len(origin) == 5
    for _, r in origin.iterrows():
        theirs, se = fo.GU2022_ORIGIN_WAGE[r["period"]]
        z = (-1.9 - theirs) / math.sqrt(0.7**2 + se**2)
        assert r["diff_p"] == pytest.approx(math.erfc(abs(z) / math.sqrt(2)), rel=1e-12)
        inside = -1.9 - 1.4 <= theirs <= -1.9 + 1.4
        assert (r["agree"] != "不一致") == inside
