"""Parametric life tables for the projection: a Siler–Makeham hazard per province and sex.

The force of mortality at exact age ``x`` is

    μ(x) = a·exp(−b·x) + c + B·exp(θ·x)

an infant/child term (``a``, ``b``), a constant Makeham term ``c`` and a Gompertz term whose
level ``B`` carries the province and sex (Siler 1979; Gompertz–Makeham above childhood). The
shape constants are stated assumptions (module constants below): ``θ`` = 0.09 per year of age
(the slope the migration chapter uses), an infant term that gives an infant mortality rate of
about 5.5‰ and under-five of about 7‰ (China's 2020 level) and ``c`` = 0.0002.

What the data fix (:func:`fit_levels`):

* **The sex differential** from the shipped provincial life expectancy by sex (the latest census
  life table, 2010): ``B`` is solved per sex so that e0 equals the published value; their ratio is
  kept.
* **The level** from registered deaths: one multiplier per province scales both sexes' ``B`` so that
  the deaths the life table implies for the province's population (census age–sex structure
  scaled to the year-end totals) equal the registered deaths (crude death rate × year-end
  population) averaged over the fitting years (2021–2023).
* **Improvement**: the annual rate at which ``B`` fell between the last published table (2010) and
  the fit to registered deaths (2021–2023), ``−ln(k)/(2022 − 2010)``, carried forward. The rate of the
  decade before (2000–2010, from the two published tables: :func:`improvement_rate`) is kept as the
  faster alternative.

The check (:func:`e0_check`): the e0 of the fitted table against the published 2010 value carried
forward with the 2000–2010 pace.

Life-table columns come from a fine numerical grid (``STEP_YEARS``), vectorised over any leading
axes of ``B`` (draws, provinces, sexes, steps), so a Monte Carlo over mortality levels costs one array
operation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize

from neoutflow.reference import AGE_GROUPS, SEXES

INFANT_A = 0.012  # per year at age 0
INFANT_B = 2.2  # per year of age: the child term fades by age 3
MAKEHAM_C = 0.0002
SLOPE = 0.09  # Gompertz slope θ
TOP_AGE = 125.0
STEP_YEARS = 0.05
_GRID = np.arange(0.0, TOP_AGE + STEP_YEARS / 2, STEP_YEARS)


class LifeTableError(ValueError):
    """Inputs the life table cannot use."""


def hazard(level: np.ndarray | float, ages: np.ndarray = _GRID) -> np.ndarray:
    """μ at ``ages`` for Gompertz levels ``level`` (any shape): ``(..., len(ages))``."""
    level = np.asarray(level, dtype=float)[..., None]
    return INFANT_A * np.exp(-INFANT_B * ages) + MAKEHAM_C + level * np.exp(SLOPE * ages)


def survivorship(level: np.ndarray | float) -> np.ndarray:
    """``l(x)`` on the grid (``l(0) = 1``), trapezoid-integrated hazard: ``(..., G)``."""
    mu = hazard(level)
    cum = np.concatenate(
        [np.zeros(mu.shape[:-1] + (1,)), np.cumsum((mu[..., 1:] + mu[..., :-1]) / 2 * STEP_YEARS, axis=-1)], axis=-1
    )
    return np.exp(-cum)


def _integrate(lx: np.ndarray, low: float, high: float) -> np.ndarray:
    i, j = int(round(low / STEP_YEARS)), int(round(min(high, TOP_AGE) / STEP_YEARS))
    seg = lx[..., i : j + 1]
    return ((seg[..., 1:] + seg[..., :-1]) / 2).sum(axis=-1) * STEP_YEARS


def person_years(level: np.ndarray | float) -> np.ndarray:
    """``5Lx`` by the project's age groups (the open group: ``T85``), radix 1: ``(..., A)``."""
    lx = survivorship(level)
    out = []
    for g in AGE_GROUPS:
        low = int(g.split("-")[0].rstrip("+"))
        out.append(_integrate(lx, low, TOP_AGE if g.endswith("+") else low + 5))
    return np.stack(out, axis=-1)


def life_expectancy(level: np.ndarray | float) -> np.ndarray:
    """e0 (years) for Gompertz levels ``level``."""
    return _integrate(survivorship(level), 0.0, TOP_AGE)


def death_rates(level: np.ndarray | float) -> np.ndarray:
    """Central death rates ``m`` by age group (deaths / person-years): ``(..., A)``."""
    lx = survivorship(level)
    L = person_years(level)
    starts = [int(g.split("-")[0].rstrip("+")) for g in AGE_GROUPS]
    lstart = np.stack([lx[..., int(round(s / STEP_YEARS))] for s in starts], axis=-1)
    lend = np.concatenate([lstart[..., 1:], np.zeros(lstart.shape[:-1] + (1,))], axis=-1)
    return (lstart - lend) / L


def projection_survival(level: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """Five-year survival ratios in the projection's convention and the survival of births.

    ``s[a] = 5L(a+1)/5L(a)`` for the closed groups; the last two (80–84 → 85+ and 85+ → 85+) are both
    ``T85/T80`` (so ``P'(85+) = (P(80–84) + P(85+))·T85/T80``); births of a step survive to 0–4 with
    ``5L0 / 5``. Returns ``(s (..., A), birth_survival (...))``."""
    L = person_years(level)
    s = np.empty_like(L)
    s[..., :-2] = L[..., 1:-1] / L[..., :-2]
    t80 = L[..., -2] + L[..., -1]
    s[..., -2] = s[..., -1] = L[..., -1] / t80
    return s, L[..., 0] / 5


def level_for_e0(e0: float) -> float:
    """The Gompertz level whose life table has life expectancy ``e0`` (root in log level)."""

    def f(log_level):
        return float(life_expectancy(np.exp(log_level))) - e0

    try:
        return float(np.exp(optimize.brentq(f, np.log(1e-8), np.log(0.05))))
    except ValueError as err:
        raise LifeTableError(f"no Gompertz level gives e0 = {e0}") from err


def improvement_rate(e0_early: float, e0_late: float, years: float) -> float:
    """Annual rate at which the Gompertz level fell between two life expectancies ``years`` apart."""
    return float(np.log(level_for_e0(e0_early) / level_for_e0(e0_late)) / years)


def fit_multiplier(base_levels: np.ndarray, population: np.ndarray, deaths: float) -> float:
    """The multiplier ``k`` of ``base_levels (2,)`` (male, female) at which the life table's deaths for
    ``population (2, A)`` equal ``deaths``: ``Σ m_a(k·B)·P_a = deaths``."""

    def f(log_k):
        m = death_rates(np.exp(log_k) * np.asarray(base_levels))
        return float((m * population).sum()) - deaths

    try:
        return float(np.exp(optimize.brentq(f, np.log(0.05), np.log(20.0))))
    except ValueError as err:
        raise LifeTableError(f"no mortality level reproduces {deaths:,.0f} deaths") from err


def fit_levels(
    population: pd.DataFrame,
    series: pd.DataFrame,
    life_expectancy_table: pd.DataFrame,
    codes: tuple[str, ...],
    years: tuple[int, ...] = (2021, 2023),
    census_year: int = 2020,
) -> pd.DataFrame:
    """Per province and sex: the Gompertz level fitted to registered deaths over ``years``.

    ``population``: the census table (age–sex structure of ``census_year``); ``series``: ``death_rate``
    (‰) and ``yearend_population``; ``life_expectancy_table``: ``code, year, sex, life_expectancy``
    (the last year with both sexes sets the sex differential; the one before it the improvement).
    Returns ``code, sex, level, e0, year`` (``year``: the middle of the fitting years) and, per
    province, ``multiplier`` (fitted level / level of the last published e0), ``improvement`` (annual
    rate of decline of the level, 2010 to the fit), ``improvement_early`` (the same 2000–2010, from the
    published tables), ``deaths`` (registered, yearly mean), ``e0_published`` and
    ``e0_year`` (the published table's year).
    """
    le = life_expectancy_table.assign(code=life_expectancy_table["code"].astype(str))
    rows = []
    y0, y1 = years
    for code in codes:
        own = le[le["code"] == code]
        sexed = own[own["sex"].isin(SEXES)].pivot(index="year", columns="sex", values="life_expectancy").dropna()
        if len(sexed) < 2:
            raise LifeTableError(f"{code}: life expectancy by sex for two census years is needed")
        last, before = int(sexed.index[-1]), int(sexed.index[-2])
        base = np.array([level_for_e0(float(sexed.loc[last, s])) for s in SEXES])
        total = own[own["sex"] == "total"].set_index("year")["life_expectancy"]
        early = improvement_rate(float(total.loc[before]), float(total.loc[last]), last - before)
        pop = population[(population["year"] == census_year) & (population["code"].astype(str) == code)]
        wide = pop.pivot_table(index="sex", columns="age_group", values="population", aggfunc="sum", observed=True)
        wide = wide.reindex(index=list(SEXES), columns=AGE_GROUPS).to_numpy(dtype=float)
        s = series[(series["code"].astype(str) == code) & series["year"].between(y0, y1)]
        dr = s[s["indicator"] == "death_rate"].set_index("year")["value"]
        ye = s[s["indicator"] == "yearend_population"].set_index("year")["value"]
        common = dr.index.intersection(ye.index)
        if not len(common):
            raise LifeTableError(f"{code}: no death rates with year-end populations in {y0}–{y1}")
        deaths = float((dr.loc[common] / 1000 * ye.loc[common]).mean())
        scale = float(ye.loc[common].mean()) / wide.sum()
        k = fit_multiplier(base, wide * scale, deaths)
        improvement = -np.log(k) / ((y0 + y1) / 2 - last)
        for j, sex in enumerate(SEXES):
            rows.append(
                {
                    "code": code,
                    "sex": sex,
                    "level": k * base[j],
                    "e0": float(life_expectancy(k * base[j])),
                    "year": (y0 + y1) / 2,
                    "multiplier": k,
                    "improvement": improvement,
                    "improvement_early": early,
                    "deaths": deaths,
                    "e0_published": float(sexed.loc[last, sex]),
                    "e0_year": last,
                }
            )
    return pd.DataFrame(rows)


def levels_array(levels: pd.DataFrame, codes: tuple[str, ...]) -> np.ndarray:
    """``(R, 2)`` Gompertz levels in the order of ``codes`` and ``SEXES``."""
    w = levels.pivot(index="code", columns="sex", values="level")
    return w.reindex(index=list(codes), columns=list(SEXES)).to_numpy(dtype=float)


def e0_total(levels: np.ndarray, srb: float = 1.05) -> np.ndarray:
    """Both-sex e0 of ``levels (..., 2)`` as the birth-weighted mean of the sexes' e0."""
    e = life_expectancy(levels)
    return (srb * e[..., 0] + e[..., 1]) / (1 + srb)


def e0_check(levels: pd.DataFrame) -> pd.DataFrame:
    """Per province and sex: the fitted e0 against the published e0 carried forward to the fitting
    year with the province's 2000–2010 improvement rate (``e0_expected``) and the gap (fitted − expected)."""
    out = levels.copy()
    published_level = np.array([level_for_e0(v) for v in out["e0_published"]])
    carried = published_level * np.exp(-out["improvement_early"].to_numpy() * (out["year"] - out["e0_year"]).to_numpy())
    out["e0_expected"] = life_expectancy(carried)
    out["gap"] = out["e0"] - out["e0_expected"]
    return out


def step_survival(
    levels: np.ndarray, improvement: np.ndarray, fit_year: float, start_year: int, steps: int, step: int = 5
) -> tuple[np.ndarray, np.ndarray]:
    """Survival per five-year step with the level declining at ``improvement`` a year.

    ``levels (..., R, 2)``, ``improvement (R,)``; each step uses the level at its midpoint. Returns
    ``(survival (..., R, steps, 2, A), birth_survival (..., R, steps, 2))``."""
    levels = np.asarray(levels, dtype=float)
    mid = start_year + step * (np.arange(steps) + 0.5)
    factor = np.exp(-np.asarray(improvement, dtype=float)[:, None] * (mid - fit_year)[None, :])  # (R, T)
    lv = levels[..., :, None, :] * factor[..., None]  # (..., R, T, 2)
    return projection_survival(lv)
