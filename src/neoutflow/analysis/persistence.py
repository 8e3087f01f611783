"""Persistence: a two-period province panel of net migration (2000–2010, 2010–2020).

Both periods use the same outcome, net migration by the vital-statistics residual method
(:func:`neoutflow.analysis.demography.residual_net_migration`) as a percentage of the base census
total, so that the two decades are measured alike. The shipped year-end population series starts
in 2005; for the years before it (1999–2004, needed for the mean population of each year) the
year-end population is interpolated log-linearly between the 2000 census count (1 November 2000)
and the first shipped year-end figure. The natural growth rate is a few per mille, so an error of
a few per cent in these denominators moves the natural increase by a few hundredths of a per
mille of the population. A natural growth rate a province lacks in one year takes its nearest
year's rate (:func:`filled_rates`).

Pay is the average wage of staff and workers (``avg_wage_staff``, the one wage series shipped for
2000) relative to the national mean weighted by the census population, at each period's base year.

The models (all OLS; the analysis returns fitted statsmodels results, recording is in outputs):

* ``cross``: 2010–2020 rate on the 2010 relative wage (HC3);
* ``lagged``: the same with the 2000–2010 rate as a regressor (HC3);
* ``placebo``: the 2000–2010 rate on the 2010 relative wage (a later wage "explaining" an earlier
  decade: what a base-year regressor can pick up from persistence alone);
* ``fe``: both periods pooled with province and period fixed effects, errors clustered by
  province (with two periods this is the first-difference estimator). A lagged outcome together
  with province fixed effects needs at least three periods and is not identified here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf

from neoutflow.analysis import demography
from neoutflow.reference import NORTHEAST

PERIODS: tuple[tuple[int, int], ...] = ((2000, 2010), (2010, 2020))
WAGE = "avg_wage_staff"
CENSUS_TIME = 10 / 12  # 1 November, as a fraction of the census year elapsed


class PersistenceError(ValueError):
    """The panel cannot be built from the data given."""


def _indicator(series: pd.DataFrame, name: str) -> pd.DataFrame:
    s = series[series["indicator"] == name]
    return s.assign(code=s["code"].astype(str), year=s["year"].astype(int))[["code", "year", "value"]]


def filled_yearend(series: pd.DataFrame, census_totals: pd.DataFrame, base_year: int, end_year: int) -> pd.DataFrame:
    """Year-end population ``code, year, value`` for ``base_year - 1 … end_year``, shipped figures first;
    missing early years interpolated (log-linear in time) between the base census (at
    ``base_year + 10/12``) and the first shipped year-end figure (year-end ``y`` at time ``y + 1``)."""
    ye = _indicator(series, "yearend_population")
    census = census_totals.assign(code=census_totals["code"].astype(str))
    census = census[census["year"].astype(int) == base_year].set_index("code")["population"]
    rows = []
    for code, grp in ye.groupby("code"):
        if code not in census.index:
            continue
        have = grp.set_index("year")["value"]
        first = int(have.index.min())
        t0, p0, t1, p1 = base_year + CENSUS_TIME, float(census[code]), first + 1.0, float(have[first])
        for y in range(base_year - 1, end_year + 1):
            if y in have.index:
                rows.append((code, y, float(have[y])))
            elif y < first:
                w = (y + 1.0 - t0) / (t1 - t0)
                rows.append((code, y, float(np.exp(np.log(p0) + w * (np.log(p1) - np.log(p0))))))
    out = pd.DataFrame(rows, columns=["code", "year", "value"]).assign(indicator="yearend_population")
    if out.empty:
        raise PersistenceError("no province has both a base census total and a year-end population")
    return out


def filled_rates(series: pd.DataFrame, base_year: int, end_year: int) -> pd.DataFrame:
    """Natural growth rates ``code, year, value, indicator`` for ``base_year … end_year``; a year a
    province lacks takes the rate of its nearest shipped year (the 2000 rate of two provinces is not
    shipped; that year weighs 2/12 of a year in the period). ``attrs["filled"]``: the (code, year) filled."""
    r = _indicator(series, "natural_growth_rate")
    rows, filled = [], []
    for code, grp in r.groupby("code"):
        have = grp.set_index("year")["value"]
        for y in range(base_year, end_year + 1):
            if y not in have.index:
                filled.append((code, y))
            rows.append((code, y, float(have.iloc[np.argmin(np.abs(have.index.to_numpy() - y))])))
    out = pd.DataFrame(rows, columns=["code", "year", "value"]).assign(indicator="natural_growth_rate")
    out.attrs["filled"] = filled
    return out


def relative_wage(series: pd.DataFrame, census_totals: pd.DataFrame, year: int, codes: Sequence[str]) -> pd.Series:
    """log(wage / national mean), the mean weighted by the census population of ``year``."""
    w = _indicator(series, WAGE)
    w = w[(w["year"] == year) & w["code"].isin(codes)].set_index("code")["value"]
    pop = census_totals.assign(code=census_totals["code"].astype(str))
    pop = pop[pop["year"].astype(int) == year].set_index("code")["population"].reindex(w.index)
    if len(w) != len(codes) or pop.isna().any():
        raise PersistenceError(f"{WAGE} or the census total is missing for some provinces in {year}")
    return np.log(w / np.average(w, weights=pop))


def panel(census_totals: pd.DataFrame, series: pd.DataFrame, codes: Sequence[str]) -> pd.DataFrame:
    """One row per province and period: ``code, period, base_year, rate, log_relative_wage,
    northeast``; ``rate`` is the residual net migration in % of the base census total."""
    codes = [str(c) for c in codes]
    totals = census_totals.assign(code=census_totals["code"].astype(str))
    totals = totals[totals["code"].isin(codes)]
    parts, filled = [], []
    for base, end in PERIODS:
        rates = filled_rates(series[series["code"].astype(str).isin(codes)], base, end)
        filled += rates.attrs["filled"]
        ye = filled_yearend(series[series["code"].astype(str).isin(codes)], totals, base, end)
        res = demography.residual_net_migration(totals, rates, ye, base, end)
        res = res.assign(code=res["code"].astype(str)).set_index("code").reindex(codes)
        if res["net_migration"].isna().any():
            raise PersistenceError(f"residual net migration {base}–{end} is missing for some provinces")
        frame = pd.DataFrame(
            {
                "code": codes,
                "period": f"{base}–{end}",
                "base_year": base,
                "rate": (100 * res["net_migration"] / res["census_base"]).to_numpy(),
                "log_relative_wage": relative_wage(series, totals, base, codes).reindex(codes).to_numpy(),
            }
        )
        parts.append(frame)
    out = pd.concat(parts, ignore_index=True)
    out["northeast"] = out["code"].isin(NORTHEAST).astype(int)
    out["later"] = (out["base_year"] == PERIODS[-1][0]).astype(int)
    out.attrs["filled_rates"] = filled
    out.attrs["yearend_first"] = int(_indicator(series, "yearend_population")["year"].min())
    return out


def wide(long: pd.DataFrame) -> pd.DataFrame:
    """One row per province: ``rate_early, rate_late, wage_early, wage_late, northeast`` (index code)."""
    early, late = (long[long["base_year"] == b].set_index("code") for b, _ in PERIODS)
    return pd.DataFrame(
        {
            "rate_early": early["rate"],
            "rate_late": late["rate"],
            "wage_early": early["log_relative_wage"],
            "wage_late": late["log_relative_wage"],
            "northeast": late["northeast"],
        }
    )


def fit_models(long: pd.DataFrame) -> dict[str, Any]:
    """The four models of the module docstring, as fitted statsmodels results; the pay term is
    ``wage`` in every model (the 2010 relative wage in the cross-sections, each period's base-year
    relative wage in the panel)."""
    w = wide(long).reset_index().rename(columns={"wage_late": "wage"})
    panel_frame = long.rename(columns={"log_relative_wage": "wage"})
    return {
        "cross": smf.ols("rate_late ~ wage", data=w).fit(cov_type="HC3"),
        "lagged": smf.ols("rate_late ~ wage + rate_early", data=w).fit(cov_type="HC3"),
        "placebo": smf.ols("rate_early ~ wage", data=w).fit(cov_type="HC3"),
        "fe": smf.ols("rate ~ wage + later + C(code)", data=panel_frame).fit(
            cov_type="cluster", cov_kwds={"groups": pd.factorize(panel_frame["code"])[0]}
        ),
    }


def with_lag(prov: pd.DataFrame, long: pd.DataFrame, outcome: str, regressors: Sequence[str], cov_type: str):
    """The province model (``outcome`` on ``regressors``) without and with the 2000–2010 rate
    (``rate_early``) as a regressor, on the same provinces: ``(fit, fit_lagged, frame)``."""
    frame = prov.assign(code=prov["code"].astype(str)).merge(
        wide(long)[["rate_early"]], left_on="code", right_index=True, how="inner", validate="one_to_one"
    )
    rhs = " + ".join(regressors)
    base = smf.ols(f"{outcome} ~ {rhs}", data=frame).fit(cov_type=cov_type)
    lagged = smf.ols(f"{outcome} ~ {rhs} + rate_early", data=frame).fit(cov_type=cov_type)
    return base, lagged, frame


def persistence_correlation(long: pd.DataFrame) -> float:
    """Pearson correlation of the two decades' rates across provinces."""
    w = wide(long)
    return float(np.corrcoef(w["rate_early"], w["rate_late"])[0, 1])
