"""Census-survival variants, a mortality-differential adjustment and the checks that go with them.

Notation (one sex, one cohort aged ``a`` at the first census ``t`` and ``a + n``
at the second, ``n = 10`` years): ``P_t(a)`` the region's count at ``t``,
``P_{t+n}(a+n)`` at ``t + n``, ``S`` the national census survival ratio
``N_{t+n}(a+n) / N_t(a)`` (:func:`neoutflow.analysis.demography.survival_ratio_net_migration`).
Following United Nations *Manual VI* (1970, ch. II) and Preston, Heuveline &
Guillot (2001, §§ 7–8 on intercensal cohort comparisons):

- **forward** (end-of-period) estimate: ``M_f = P_{t+n}(a+n) - S · P_t(a)``; it
  counts the migrants as survivors at ``t + n``;
- **reverse** (start-of-period) estimate: ``M_r = P_{t+n}(a+n) / S - P_t(a)``; it
  "revives" the survivors back to ``t`` and counts the migrants at ``t``
  (``M_r = M_f / S``);
- **average**: ``M_a = (M_f + M_r) / 2``, which assumes the moves are spread
  evenly over the interval (Manual VI's preferred compromise).

With ``S`` computed from the sum of the regions all three add up to zero over
the regions, cohort by cohort and sex by sex.

**Mortality-differential adjustment.** The national ratio gives every region the
national mortality. Here each region gets a proportional hazard multiplier ``θ``:
for cohorts whose national ratio is below one, ``S_region = S^θ`` (i.e. the
cumulated hazard ``-ln S`` multiplied by ``θ``); cohorts whose ratio is one or
more carry mostly census-coverage gains, not survival, and are left unchanged.

**What registered deaths measure, and the exposure they are matched on.** The registered
deaths (crude death rate of the annual population change sample survey × mean year-end
population, weighted like the residual method) are deaths *among the region's residents*
over the interval: an out-migrant who dies after leaving is registered at the destination.
So ``θ`` is fitted on **resident exposure**: the implied deaths are
``Σ (1 − S_region) · (P_t(a) + M_a(a)/2)``, the closed cohort plus half the net migration
(``M_a``, the average variant at the adjusted ratios: migrants spread evenly over the
interval are present on average half of it). Matching instead the deaths of the whole
closed base cohort, ``Σ P_t(a) · (1 − S_region)``, counts the out-migrants' later deaths
as if registered in the region; in a region losing people this inflates the implied deaths
and biases ``θ`` down (the region looks healthier than it is). That closed-cohort fit is
kept only as a sensitivity (ratio set ``differential_closed``). On a continuous toy with
constant hazard and an even migration flow the resident approximation is within 0.3% of
the exact resident deaths up to ten-year survival 0.4 (``tests/unit/test_survival_exposure.py``).

``θ`` is the value at which those implied deaths equal the region's registered deaths, or —
the *differential* version — those deaths rescaled so that their national total equals the
implied national total (:func:`differential_deaths`; the resident and closed national totals
coincide, since the net migrations add up to zero cohort by cohort). The registered deaths
are not published by sex, so one ``θ`` is fitted per region and applied to both sexes'
national ratios (the sex pattern of mortality stays national). The estimates adjusted to
registered deaths no longer sum to zero; those of the differential version nearly do (the
departure is reported).

**Life-expectancy scaling (second check).** Without provincial life tables, the
national ratios are scaled to each province's life expectancy at birth ``e0``
(2010 census, by sex) by the same proportional hazard: ``S_region = S^θ`` with
``θ = a_region / a_national``, where ``a`` is the level of a Gompertz hazard
``μ(x) = a·exp(b·x)`` (slope ``b`` = :data:`GOMPERTZ_SLOPE` per year, a typical adult
value) chosen so that the Gompertz life table has that ``e0``. Under proportional
hazards the multiplier moves every age alike, so ``θ`` depends only on the two ``e0``
and ``b``; a higher provincial ``e0`` gives ``θ < 1`` (fewer deaths, more expected
survivors, hence a larger net outflow). It ignores infant and child mortality, which
weigh on ``e0`` but not on the cohorts aged 10+ here, and it is not zero-sum over the
regions (reported as such).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import brentq, least_squares
from scipy.stats import spearmanr

from neoutflow.analysis import demography as dm
from neoutflow.analysis.demography import DemographyError

VARIANTS = ("forward", "reverse", "average")


# ---------------------------------------------------------------- variants


def _net_columns(out: pd.DataFrame) -> pd.DataFrame:
    s = out["survival_ratio"]
    out["forward"] = out["observed"] - s * out["base_population"]
    out["reverse"] = out["observed"] / s - out["base_population"]
    out["average"] = (out["forward"] + out["reverse"]) / 2
    return out


def survival_variants(
    population: pd.DataFrame, base_year: int, end_year: int, national: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Forward, reverse and average census-survival net migration by region × sex × age.

    Same inputs as :func:`~neoutflow.analysis.demography.survival_ratio_net_migration`;
    returns its table with the extra columns ``forward``, ``reverse``, ``average``
    (persons; ``forward`` equals its ``net_migration``).
    """
    net = dm.survival_ratio_net_migration(population, base_year, end_year, national)
    if (net["survival_ratio"] <= 0).any():
        raise DemographyError("a survival ratio is zero: the reverse estimate is undefined")
    return _net_columns(net)


def as_variant(variants: pd.DataFrame, variant: str) -> pd.DataFrame:
    """The table with ``net_migration`` (and ``expected``) set to one variant, for the summaries."""
    if variant not in VARIANTS:
        raise DemographyError(f"variant must be one of {VARIANTS}, got {variant!r}")
    out = variants.copy()
    out["net_migration"] = out[variant]
    out["expected"] = out["observed"] - out[variant]
    return out


def variant_totals(variants: pd.DataFrame, groups: dict[str, str], min_age: int | None = None) -> pd.DataFrame:
    """Sum of each variant by group (``groups`` maps code → group), optionally only ages ≥ ``min_age``."""
    df = variants.assign(group=variants["code"].astype(str).map(groups)).dropna(subset=["group"])
    if min_age is not None:
        low = df["age_group"].astype(str).map(lambda g: dm.age_group_bounds(g)[0])
        df = df[low >= min_age]
    return df.groupby("group")[list(VARIANTS)].sum()


def old_age_share(variants: pd.DataFrame, groups: dict[str, str], min_age: int = 40) -> pd.DataFrame:
    """Per group and variant: % of the net migration (10+) found at ages ≥ ``min_age`` at the end census."""
    return 100 * variant_totals(variants, groups, min_age) / variant_totals(variants, groups)


# ---------------------------------------------------------------- deaths


def registered_deaths(
    death_rates: pd.DataFrame,
    yearend_population: pd.DataFrame,
    base_year: int,
    end_year: int,
    census_month: int = dm.CENSUS_MONTH,
) -> pd.Series:
    """Registered deaths between the censuses per region: Σ_y w_y · rate_y/1000 · mean population_y.

    Same weighting as the residual method (:func:`~neoutflow.analysis.demography.period_year_weights`);
    the mean population of a year is the average of two year-ends. ``death_rates``
    long (``indicator == "death_rate"``) or with a ``death_rate``/``value`` column.
    """
    rates = dm._series(death_rates, "death_rate", "death_rates")
    yearend = dm._series(yearend_population, "yearend_population", "yearend_population")
    weights = dm.period_year_weights(int(base_year), int(end_year), census_month)
    out = {}
    for code in sorted(set(rates.index.get_level_values("code")) & set(yearend.index.get_level_values("code"))):
        r, p = rates.loc[code], yearend.loc[code]
        need = [y for y in weights.index if y not in r.index or y not in p.index or y - 1 not in p.index]
        if need:
            raise DemographyError(f"region {code}: death rate or year-end population missing around years {need}")
        mean_pop = pd.Series({y: (p.loc[y - 1] + p.loc[y]) / 2 for y in weights.index})
        out[code] = float((r.loc[weights.index] / 1000 * mean_pop * weights).sum())
    return pd.Series(out, name="registered_deaths")


def adjusted_ratio(ratio: np.ndarray | pd.Series, theta: float | np.ndarray | pd.Series):
    """``S^θ`` where ``S < 1``; ratios of one or more (coverage gains) unchanged."""
    s = np.asarray(ratio, dtype=float)
    t = np.asarray(theta, dtype=float)
    return np.where(s < 1, np.power(np.clip(s, 1e-12, None), t), s)


EXPOSURES = ("resident", "closed")


def _deaths(base, observed, s, exposure: str):
    """Deaths of one region's cohorts at (adjusted) ratios ``s`` under an exposure (see the module notes)."""
    if exposure == "closed":
        return base * (1 - s)
    if exposure == "resident":
        # residents: the closed cohort plus half the net migration (average variant) at these ratios
        migrants = (observed - s * base + observed / s - base) / 2
        return (1 - s) * (base + migrants / 2)
    raise DemographyError(f"exposure must be one of {EXPOSURES}, got {exposure!r}")


def implied_deaths(variants: pd.DataFrame, theta: pd.Series | None = None, exposure: str = "resident") -> pd.Series:
    """Deaths the survival ratios imply per region, with S adjusted by ``theta`` if given.

    ``exposure="resident"`` (default): deaths among the region's residents,
    ``Σ (1 − S)·(P_t + M_a/2)`` with ``M_a`` the average-variant net migration at these ratios —
    the migrants are present on average half the period; ``"closed"``: deaths of the closed base cohort, ``Σ P_t·(1 − S)``
    (it counts the out-migrants' deaths after they left; kept as a sensitivity).
    """
    s = variants["survival_ratio"].to_numpy()
    if theta is not None:
        s = adjusted_ratio(s, variants["code"].astype(str).map(theta).to_numpy())
    d = _deaths(variants["base_population"].to_numpy(), variants["observed"].to_numpy(), s, exposure)
    return pd.Series(d, index=variants["code"].astype(str)).groupby(level=0).sum().rename("implied_deaths")


def fit_hazard_multipliers(
    variants: pd.DataFrame,
    registered: pd.Series,
    low: float = 0.05,
    high: float = 20.0,
    exposure: str = "resident",
    xtol: float = 1e-13,
) -> pd.Series:
    """Per region, the ``θ`` at which :func:`implied_deaths` (same ``exposure``) equals ``registered``.

    Root found with :func:`scipy.optimize.brentq`. Implied deaths rise monotonically with ``θ``
    under both exposures (the resident deaths ``(1−S)(3P/4 + O/4 − S P/4 + O/(4S))`` fall as ``S`` rises);
    a region whose registered deaths lie outside what ``θ ∈ [low, high]`` can produce is an
    error, not a silent clip.
    """
    registered = registered.astype(float)
    out = {}
    for code, part in variants.groupby(variants["code"].astype(str)):
        if code not in registered.index:
            continue
        base = part["base_population"].to_numpy()
        obs = part["observed"].to_numpy()
        s = part["survival_ratio"].to_numpy()
        target = float(registered[code])

        def gap(theta, base=base, obs=obs, s=s, target=target):
            return float(_deaths(base, obs, adjusted_ratio(s, theta), exposure).sum()) - target

        if not gap(low) <= 0 <= gap(high):
            raise DemographyError(
                f"region {code}: registered deaths {target:,.0f} outside the implied range "
                f"{gap(low) + target:,.0f}–{gap(high) + target:,.0f} for θ in [{low}, {high}]"
            )
        out[code] = float(brentq(gap, low, high, xtol=xtol, rtol=4 * np.finfo(float).eps, maxiter=500))
    if not out:
        raise DemographyError("no region has both a census cohort table and registered deaths")
    return pd.Series(out, name="theta")


def differential_deaths(registered: pd.Series, implied: pd.Series) -> pd.Series:
    """Registered deaths rescaled so that their total equals the implied total over the same regions.

    Keeps each region's registered death *differential* but the national level of the
    census ratios: the under-registration of deaths is taken as uniform across regions.
    Fitted to these, the forward estimates add up to zero again over the regions.
    """
    common = registered.index.intersection(implied.index)
    return (registered.loc[common] * implied.loc[common].sum() / registered.loc[common].sum()).rename(
        "registered_deaths"
    )


GOMPERTZ_SLOPE = 0.09


def gompertz_e0(level: float, slope: float = GOMPERTZ_SLOPE, top: float = 130.0, step: float = 0.05) -> float:
    """Life expectancy at birth of the Gompertz hazard ``level · exp(slope · x)`` (trapezoid rule to age ``top``)."""
    x = np.arange(0.0, top + step, step)
    lx = np.exp(-level / slope * np.expm1(slope * x))
    return float(np.sum((lx[1:] + lx[:-1]) / 2) * step)


def gompertz_level(e0: float, slope: float = GOMPERTZ_SLOPE) -> float:
    """The Gompertz level ``a`` whose life table has life expectancy ``e0`` (bisection on log a)."""
    lo, hi = np.log(1e-9), np.log(1.0)
    if not gompertz_e0(np.exp(hi), slope) < e0 < gompertz_e0(np.exp(lo), slope):
        raise DemographyError(f"life expectancy {e0} outside what a Gompertz hazard with slope {slope} gives")
    for _ in range(100):
        m = (lo + hi) / 2
        if gompertz_e0(np.exp(m), slope) > e0:
            lo = m
        else:
            hi = m
    return float(np.exp((lo + hi) / 2))


def life_expectancy_year(life_expectancy: pd.DataFrame, base_year: int) -> int:
    """The year of life expectancy to scale ``base_year``'s ratios with: ``base_year`` itself, or the
    latest earlier year the table has (provincial life tables follow each census by years)."""
    years = sorted(int(y) for y in life_expectancy["year"].unique() if int(y) <= int(base_year))
    if not years:
        raise DemographyError(f"no life expectancy for {base_year} or earlier")
    return years[-1]


def e0_hazard_multipliers(
    life_expectancy: pd.DataFrame, year: int, national: str, slope: float = GOMPERTZ_SLOPE
) -> pd.Series:
    """``θ`` per (code, sex) that moves the national Gompertz hazard to each region's ``e0`` of ``year``.

    ``life_expectancy``: ``code, year, sex, life_expectancy`` with ``sex`` male/female (a
    ``total`` row is ignored) and the national row under code ``national``.
    """
    le = life_expectancy[(life_expectancy["year"] == int(year)) & life_expectancy["sex"].isin(["male", "female"])]
    v = le.set_index(["code", "sex"])["life_expectancy"].astype(float)
    if not {(national, "male"), (national, "female")} <= set(v.index):
        raise DemographyError(f"no national ({national}) male and female life expectancy for {year}")
    out = {}
    for sex in ("male", "female"):
        base = gompertz_level(v[(national, sex)], slope)
        for code in v.xs(sex, level="sex").index:
            if code != national:
                out[(code, sex)] = gompertz_level(v[(code, sex)], slope) / base
    return pd.Series(out, name="theta").rename_axis(["code", "sex"])


def scaled_variants(variants: pd.DataFrame, theta: pd.Series) -> pd.DataFrame:
    """The three variants with each region × sex's ratios ``S^θ`` (``theta`` indexed by code, sex)."""
    key = pd.MultiIndex.from_arrays([variants["code"].astype(str), variants["sex"].astype(str)])
    keep = key.isin(theta.index)
    out = variants[keep].copy()
    t = theta.reindex(key[keep]).to_numpy()
    out["national_survival_ratio"] = out["survival_ratio"]
    out["survival_ratio"] = adjusted_ratio(out["survival_ratio"], t)
    out = _net_columns(out)
    out["net_migration"] = out["forward"]
    out["expected"] = out["observed"] - out["forward"]
    return out.reset_index(drop=True)


def adjusted_variants(variants: pd.DataFrame, theta: pd.Series) -> pd.DataFrame:
    """The three variants recomputed with each region's ratios ``S^θ`` (regions without ``θ`` dropped)."""
    out = variants[variants["code"].astype(str).isin(theta.index)].copy()
    out["national_survival_ratio"] = out["survival_ratio"]
    out["survival_ratio"] = adjusted_ratio(out["survival_ratio"], out["code"].astype(str).map(theta))
    out = _net_columns(out)
    out["net_migration"] = out["forward"]
    out["expected"] = out["observed"] - out["forward"]
    return out.reset_index(drop=True)


def deaths_check(variants: pd.DataFrame, registered: pd.Series, theta: pd.Series) -> pd.DataFrame:
    """Per region: implied deaths at national ratios (resident exposure, and the closed cohort's),
    registered deaths, their ratio, θ (resident exposure) and the implied deaths after the fit."""
    nat = implied_deaths(variants)
    fit = implied_deaths(variants[variants["code"].astype(str).isin(theta.index)], theta)
    out = pd.DataFrame(
        {
            "implied_deaths": nat,
            "implied_deaths_closed": implied_deaths(variants, exposure="closed"),
            "registered_deaths": registered,
        }
    ).dropna()
    out["implied_to_registered"] = out["implied_deaths"] / out["registered_deaths"]
    out["theta"] = theta
    out["implied_deaths_adjusted"] = fit
    out.index.name = "code"
    return out.reset_index()


# ---------------------------------------------------------------- diagnostics


def cohort_sex_ratios(variants: pd.DataFrame, groups: dict[str, str]) -> pd.DataFrame:
    """Males per 100 females of each cohort at both censuses, by group: ``group, age_group, base, end, change``.

    A cohort's sex ratio moves with sex-selective migration and mortality but also
    with coverage differences between the sexes; a jump that the national
    population shows too is a census artefact, not a regional one.
    """
    df = variants.assign(group=variants["code"].astype(str).map(groups)).dropna(subset=["group"])
    g = df.groupby(["group", "age_group", "sex"], observed=True)[["base_population", "observed"]].sum().unstack("sex")
    out = pd.DataFrame(
        {
            "base": 100 * g[("base_population", "male")] / g[("base_population", "female")],
            "end": 100 * g[("observed", "male")] / g[("observed", "female")],
        }
    )
    out["change"] = out["end"] - out["base"]
    return out.reset_index()


def yearly_decomposition(series: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """Year-end population change = natural increase + residual net migration, per region and year.

    ``series`` long (``code, year, indicator, value``) with ``yearend_population``
    and ``natural_growth_rate`` (‰ of the mean population). Natural increase of
    year ``y`` = rate_y / 1000 × (P_{y-1} + P_y) / 2; the residual is the rest.
    Only years with both year-ends and the rate are kept. Returns ``code, year,
    population, population_change, natural_increase, net_migration,
    natural_growth_rate, net_migration_rate`` (‰ of the mean population).
    """
    pop = dm._series(series[series["indicator"] == "yearend_population"], "yearend_population", "series")
    rate = dm._series(series[series["indicator"] == "natural_growth_rate"], "natural_growth_rate", "series")
    rows = []
    for code in codes:
        if code not in pop.index.get_level_values("code"):
            raise DemographyError(f"no year-end population for {code}")
        p, r = pop.loc[code], rate.loc[code] if code in rate.index.get_level_values("code") else pd.Series()
        for y in sorted(p.index):
            if y - 1 in p.index and y in r.index:
                mean = (p.loc[y - 1] + p.loc[y]) / 2
                change = p.loc[y] - p.loc[y - 1]
                natural = r.loc[y] / 1000 * mean
                rows.append(
                    {
                        "code": code,
                        "year": int(y),
                        "population": p.loc[y],
                        "population_change": change,
                        "natural_increase": natural,
                        "net_migration": change - natural,
                        "natural_growth_rate": r.loc[y],
                        "net_migration_rate": 1000 * (change - natural) / mean,
                    }
                )
    if not rows:
        raise DemographyError("no year has both year-end populations and a natural growth rate")
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- census coverage at young ages

# Coverage at ages 10–39 (end census) is varied because there the national census ratio is mostly
# coverage: ten-year survival from life tables is above 0.98 at these ages, yet the national ratios
# range well below and above one (children under-counted in 2010, students counted at school,
# young adults missed in 2020). ``COVERAGE_WEIGHTS``: the Northeast's coverage change taken as none
# (w = 0: the region's cohorts survive by the life table alone), the national one (w = 1, the
# survival-ratio method's assumption) and twice the national one (w = 2).
COVERAGE_AGES = (10, 39)
COVERAGE_WEIGHTS = (0.0, 1.0, 2.0)


def gompertz_survival(x0, years: float, level: float, slope: float = GOMPERTZ_SLOPE):
    """``l(x0 + years) / l(x0)`` of the Gompertz hazard ``level · exp(slope · x)``."""
    x0 = np.asarray(x0, dtype=float)
    return np.exp(-level / slope * np.exp(slope * x0) * np.expm1(slope * years))


def coverage_terms(
    variants: pd.DataFrame,
    life_expectancy: pd.DataFrame,
    year: int,
    national: str,
    interval: int = 10,
    ages: tuple[int, int] = COVERAGE_AGES,
    slope: float = GOMPERTZ_SLOPE,
) -> pd.DataFrame:
    """National census ratio ÷ life-table survival, by sex and end age group within ``ages``.

    The life table: a Gompertz hazard (slope ``slope``) whose life expectancy at birth equals the
    national ``e0`` of ``year`` by sex (:func:`gompertz_level`); a cohort aged ``x``–``x+4`` at the
    first census survives ``l(x + 2.5 + n) / l(x + 2.5)``. A Gompertz hazard has no accident hump and
    understates mortality at 10–39, by less than one percent of ten-year survival; the coverage terms it
    gives are an order of magnitude larger. Returns ``sex, age_group, census_ratio, life_table, coverage``."""
    le = life_expectancy[(life_expectancy["year"] == int(year)) & (life_expectancy["code"] == national)]
    e0 = le.set_index("sex")["life_expectancy"].astype(float)
    rows = []
    ratios = variants.drop_duplicates(["sex", "age_group"])[["sex", "age_group", "survival_ratio"]]
    for _, r in ratios.iterrows():
        low, high = dm.age_group_bounds(str(r["age_group"]))
        if high is None or low < ages[0] or high > ages[1]:
            continue
        if r["sex"] not in e0.index:
            raise DemographyError(f"no national life expectancy for {r['sex']} in {year}")
        lt = float(gompertz_survival(low - interval + 2.5, interval, gompertz_level(e0[r["sex"]], slope), slope))
        rows.append(
            {
                "sex": r["sex"],
                "age_group": str(r["age_group"]),
                "census_ratio": float(r["survival_ratio"]),
                "life_table": lt,
                "coverage": float(r["survival_ratio"]) / lt,
            }
        )
    if not rows:
        raise DemographyError(f"no end age group within ages {ages}")
    return pd.DataFrame(rows)


def coverage_variants(variants: pd.DataFrame, coverage: pd.DataFrame, weight: float) -> pd.DataFrame:
    """The variants with each region's ratio at the coverage ages multiplied by ``coverage^(weight − 1)``:
    the region's coverage change is ``weight`` times the national one (1: unchanged)."""
    key = pd.MultiIndex.from_arrays([variants["sex"].astype(str), variants["age_group"].astype(str)])
    c = coverage.set_index(["sex", "age_group"])["coverage"]
    factor = np.where(key.isin(c.index), np.power(c.reindex(key).to_numpy(), weight - 1.0), 1.0)
    out = variants.copy()
    out["survival_ratio"] = out["survival_ratio"].to_numpy() * np.nan_to_num(factor, nan=1.0)
    out = _net_columns(out)
    out["net_migration"] = out["forward"]
    out["expected"] = out["observed"] - out["forward"]
    return out


# ---------------------------------------------------------------- model migration schedule

# Rogers & Castro (1981), *Model Migration Schedules* (IIASA RR-81-30): the labour-force component and
# the constant of their model schedule,
#     m(x) = a2·exp(−α2·(x − μ2) − exp(−λ2·(x − μ2))) + c,
# fitted by least squares (:func:`scipy.optimize.least_squares`, bounded, several starts) to a pooled
# profile of net OUT-migration rates, so that it describes what a labour-driven outflow looks like at
# every age. The pre-labour-force component ``a1·exp(−α1·x)`` needs ages under ten, which the
# survival-ratio method does not have (cohorts are aged 5+ at mid-interval), and the retirement peak is
# the feature under test: neither is fitted. ``c`` may be negative (net return of older people).
# The labour peak lies at age ``μ2 + ln(λ2/α2)/λ2`` (:func:`rogers_castro_peak`); with few points
# per peak ``a2`` and ``μ2`` trade off, so the peak age and height are the parameters to read.
ROGERS_CASTRO_PARAMS = ("a2", "mu2", "alpha2", "lambda2", "c")
_RC_LOWER = (0.0, 0.0, 0.01, 0.01, -1.0)
_RC_UPPER = (10.0, 100.0, 3.0, 5.0, 1.0)
_RC_STARTS = ((0.1, 20.0, 0.1, 0.4, 0.0), (0.3, 18.0, 0.2, 0.5, 0.01), (1.0, 30.0, 0.5, 0.1, 0.0))


def rogers_castro(x, a2, mu2, alpha2, lambda2, c):
    """The Rogers–Castro labour-force component plus a constant at ages ``x``."""
    x = np.asarray(x, dtype=float)
    return a2 * np.exp(-alpha2 * (x - mu2) - np.exp(-lambda2 * (x - mu2))) + c


def rogers_castro_peak(params: dict) -> tuple[float, float]:
    """Age and height (constant included) of the labour-force peak of fitted parameters."""
    age = params["mu2"] + np.log(params["lambda2"] / params["alpha2"]) / params["lambda2"]
    return float(age), float(rogers_castro(age, *(params[p] for p in ROGERS_CASTRO_PARAMS)))


def fit_rogers_castro(ages, rates, weights=None, starts=_RC_STARTS) -> dict:
    """Least-squares fit of :func:`rogers_castro` to ``rates`` at ``ages`` (optionally weighted); the best
    of several starting points. Returns the parameters by name, ``peak_age``, ``peak_rate`` and ``rmse``
    (unweighted, unit of ``rates``). Raises :class:`DemographyError` if no start converges."""
    x, y = np.asarray(ages, dtype=float), np.asarray(rates, dtype=float)
    w = np.ones_like(y) if weights is None else np.sqrt(np.asarray(weights, dtype=float) / np.mean(weights))
    best = None
    for start in starts:
        res = least_squares(
            lambda p: w * (rogers_castro(x, *p) - y),
            np.clip(start, _RC_LOWER, _RC_UPPER),
            bounds=(_RC_LOWER, _RC_UPPER),
            x_scale="jac",
            xtol=1e-15,
            ftol=1e-15,
            gtol=1e-15,
            max_nfev=50000,
        )
        if res.success and (best is None or res.cost < best.cost):
            best = res
    if best is None:
        raise DemographyError("Rogers–Castro fit did not converge from any starting point")
    out = dict(zip(ROGERS_CASTRO_PARAMS, (float(v) for v in best.x), strict=True))
    out["peak_age"], out["peak_rate"] = rogers_castro_peak(out)
    out["rmse"] = float(np.sqrt(np.mean((rogers_castro(x, *best.x) - y) ** 2)))
    return out


def cohort_mid_age(age_group: str, interval: int = 10, open_width: int = 5) -> float:
    """Age at the middle of the interval of the cohort in ``age_group`` at the end census (midpoint
    of the group minus half the interval; an open group is given ``open_width`` years)."""
    low, high = dm.age_group_bounds(age_group)
    high = low + open_width - 1 if high is None else high
    return (low + high + 1) / 2 - interval / 2


# ---------------------------------------------------------------- age benchmark (not chosen on the outcome)

AGE_BANDS = {"young": (20, 39), "middle": (40, 59), "old": (60, None)}


def band_of(age_group: str) -> str | None:
    """``young`` (20–39), ``middle`` (40–59), ``old`` (60+) or ``None`` for the end age group."""
    low = dm.age_group_bounds(age_group)[0]
    for band, (a, b) in AGE_BANDS.items():
        if low >= a and (b is None or low <= b - 4):
            return band
    return None


def band_rates(v: pd.DataFrame, variant: str) -> pd.DataFrame:
    """Per region: net migration (persons) and rate (% of the base cohort) of each age band, and of 10+."""
    df = v.assign(band=v["age_group"].astype(str).map(band_of), code=v["code"].astype(str))
    g = df.dropna(subset=["band"]).groupby(["code", "band"])[["base_population", variant]].sum().unstack("band")
    out = pd.DataFrame(index=g.index)
    for band in AGE_BANDS:
        out[f"{band}_net"] = g[(variant, band)]
        out[f"{band}_base"] = g[("base_population", band)]
        out[f"{band}_rate"] = 100 * g[(variant, band)] / g[("base_population", band)]
    tot = df.groupby("code")[["base_population", variant]].sum()
    out["total_net"] = tot[variant]
    out["total_rate"] = 100 * tot[variant] / tot["base_population"]
    return out


def outmigration_group(v: pd.DataFrame, variant: str, exclude) -> list[str]:
    """Regions (other than ``exclude``) with a net loss at ages 10+ under ``variant``: the group is
    chosen on the total only, not on the age pattern."""
    tot = v.groupby(v["code"].astype(str))[variant].sum()
    return sorted(c for c, x in tot.items() if x < 0 and c not in set(exclude))


def _old_age_destinations(bands: pd.DataFrame, ne: list[str], df: pd.DataFrame, stock: pd.Series | None) -> dict:
    """Where the 60+ gains are (see :func:`age_benchmark`): the gaining regions, the rate a uniform coverage
    artefact would give, the five largest gainers' share, and with ``stock`` the Spearman correlation."""
    others = bands.drop(index=ne)
    gains = others.loc[others["old_net"] > 0, ["old_net", "old_base", "old_rate"]].sort_values(
        "old_net", ascending=False
    )
    ne_loss = float(bands.loc[ne, "old_net"].sum())
    top = gains.head(5)
    destinations = {
        "gainers": gains,
        "n_gainers": len(gains),
        "n_others": len(others),
        "uniform_rate": 100 * -ne_loss / float(others["old_base"].sum()),
        "top_share": 100 * float(top["old_net"].sum() / gains["old_net"].sum()),
        "top_base_share": 100 * float(top["old_base"].sum() / gains["old_base"].sum()),
    }
    if stock is not None:
        base_all = df.groupby("code")["base_population"].sum()
        common = others.index.intersection(stock.index.astype(str))
        density = 100 * stock.rename(index=str).loc[common] / base_all.loc[common]
        rho, p = spearmanr(others.loc[common, "old_rate"], density)
        destinations |= {"stock_rho": float(rho), "stock_p": float(p), "stock_n": len(common)}
    return destinations


def age_benchmark(v: pd.DataFrame, variant: str, northeast, interval: int = 10, stock: pd.Series | None = None) -> dict:
    """The Northeast's 40–59 and 60+ losses against benchmarks not selected on the outcome.

    - ``bands``: every region's net migration by band (:func:`band_rates`) with its rank among all
      regions (1 = largest loss) for each band;
    - ``group``: the out-migration regions (:func:`outmigration_group`) and their pooled band rates;
    - ``schedule``: a Rogers–Castro schedule fitted to the pooled out-migration group's net
      out-migration rate by age (ages at mid-interval, weighted by the cohorts), and per Northeast
      province and for the Northeast as a whole the *expected* band losses: the schedule scaled to the
      unit's own 20–39 loss (``k = observed 20–39 / schedule 20–39``), applied to its 40–59 and 60+ cohorts;
    - ``destinations``: regions gaining at 60+, and a concentration check. If the Northeast's 60+
      loss were a coverage artefact (its own census undercounting the old in 2020 or overcounting them
      in 2010), the national ratio would carry it and every other region would gain at the same rate
      ``u = −loss / (their 60+ base)``; real moves go to a few destinations. ``top_share``: share of all
      60+ gains going to the five largest gainers; ``top_base_share``: those five's share of the 60+ base
      of all gaining regions. With ``stock`` (persons born in the Northeast living in each other region
      at the base census), the Spearman correlation across the other regions between their 60+ net
      migration rate and that stock per 100 of their base population: old people who really move
      follow their children, so a positive correlation points to real moves, none to an artefact.
    """
    ne = [str(c) for c in northeast]
    bands = band_rates(v, variant)
    for band in [*AGE_BANDS, "total"]:
        bands[f"{band}_rank"] = bands[f"{band}_rate"].rank(method="min").astype(int)
    group = outmigration_group(v, variant, ne)
    pooled = bands.loc[group, [f"{b}_net" for b in AGE_BANDS] + [f"{b}_base" for b in AGE_BANDS]].sum()
    group_rates = {b: 100 * pooled[f"{b}_net"] / pooled[f"{b}_base"] for b in AGE_BANDS}

    df = v.assign(code=v["code"].astype(str), age_group=v["age_group"].astype(str))
    prof = df[df["code"].isin(group)].groupby("age_group", sort=False)[["base_population", variant]].sum()
    prof = prof[prof.index.map(lambda g: dm.age_group_bounds(g)[0] >= interval)]
    ages = np.array([cohort_mid_age(g, interval) for g in prof.index])
    out_rate = -prof[variant].to_numpy() / prof["base_population"].to_numpy()  # net OUT-migration, per head
    params = fit_rogers_castro(ages, out_rate, weights=prof["base_population"].to_numpy())
    curve = pd.Series(rogers_castro(ages, *(params[p] for p in ROGERS_CASTRO_PARAMS)), index=prof.index)

    def expected(codes: list[str]) -> dict:
        part = df[df["code"].isin(codes)].groupby("age_group")[["base_population", variant]].sum()
        part = part.loc[[g for g in curve.index if g in part.index]]
        band = part.index.map(band_of)
        exp_out = curve.reindex(part.index) * part["base_population"]  # expected net out-migrants per cohort
        young = band == "young"
        k = float(-part.loc[young, variant].sum() / exp_out[young].sum())
        res = {"scale": k}
        for b in ("middle", "old"):
            m = band == b
            res[f"{b}_expected"] = float(-k * exp_out[m].sum())
            res[f"{b}_observed"] = float(part.loc[m, variant].sum())
            res[f"{b}_expected_rate"] = 100 * res[f"{b}_expected"] / float(part.loc[m, "base_population"].sum())
        return res

    schedule = {code: expected([code]) for code in ne}
    schedule["northeast"] = expected(ne)

    destinations = _old_age_destinations(bands, ne, df, stock)
    return {
        "bands": bands,
        "group": group,
        "group_rates": group_rates,
        "params": params,
        "curve": pd.DataFrame({"mid_age": ages, "observed": out_rate, "fitted": curve.to_numpy()}, index=prof.index),
        "schedule": schedule,
        "destinations": destinations,
    }


# ---------------------------------------------------------------- the checks of notebook 03

# Ratio sets compared: the national ratios (zero-sum), the ratios fitted to registered deaths
# rescaled to the national implied total (differential only, zero-sum for forward), and the
# ratios fitted to registered deaths as published (their level included; not zero-sum).
# "e0": national ratios scaled to each province's 2010 life expectancy (second check, not zero-sum;
# only when the life expectancies are given).
RATIO_SETS = ("national", "differential", "registered", "e0")
# Variants that enter the range: the zero-sum ones. The "registered" set is shown as a diagnostic.
RANGE_SETS = ("national", "differential")
# The preferred estimate, by stated criteria (:func:`choose_preferred`): the average variant (migrants
# spread evenly over the interval, the assumption the resident exposure also makes); the ratios with the
# mortality differential ("differential") if the two mortality checks agree in direction for every
# Northeast province and that set departs from zero-sum by at most ZERO_SUM_TOLERANCE of the Northeast's
# estimate, else the national ratios.
PREFERRED_VARIANT = "average"
ZERO_SUM_TOLERANCE = 0.01
# Ruling thresholds: the mortality adjustment "explains" the old-age loss if it removes at least
# this share of it; the Northeast's loss at 40+ is "anomalous" if its rate is at least this multiple
# of the rate the expected schedule gives it (:func:`age_benchmark`), or if that schedule expects no loss.
MORTALITY_EXPLAINS_SHARE = 0.5
ANOMALY_MULTIPLE = 2.0
OLD_AGE = 40
# Destination side: a correlation of the other regions' 60+ gains with the Northeast-born stock is
# "significant" at this level (Spearman test).
DESTINATION_ALPHA = 0.05


def _young_old_masks(v: pd.DataFrame, young: tuple[int, int], old: int):
    low = v["age_group"].astype(str).map(lambda g: dm.age_group_bounds(g)[0])
    return (low >= young[0]) & (low <= young[1] - 4), low >= old


def estimates_table(
    sets: dict[str, pd.DataFrame], groups: dict[str, str], young=dm.YOUNG_ADULT_AGES, old: int = OLD_AGE
) -> pd.DataFrame:
    """One row per ratio set × variant × group: net migration 10+, rate (% of base), 20–39, 40+,
    40+ share (%) and the sum over every region (the departure from zero-sum)."""
    rows = []
    for name, v in sets.items():
        is_young, is_old = _young_old_masks(v, young, old)
        for variant in VARIANTS:
            for group in sorted(set(groups.values())):
                inside = v["code"].astype(str).map(groups).eq(group)
                total = float(v.loc[inside, variant].sum())
                base = float(v.loc[inside, "base_population"].sum())
                rows.append(
                    {
                        "ratios": name,
                        "variant": variant,
                        "group": group,
                        "net_migration": total,
                        "net_migration_rate": 100 * total / base,
                        "young_adult_net_migration": float(v.loc[inside & is_young, variant].sum()),
                        "old_net_migration": float(v.loc[inside & is_old, variant].sum()),
                        "old_share": 100 * float(v.loc[inside & is_old, variant].sum()) / total,
                        "old_rate": 100
                        * float(v.loc[inside & is_old, variant].sum())
                        / float(v.loc[inside & is_old, "base_population"].sum()),
                        "sum_all_regions": float(v[variant].sum()),
                    }
                )
    return pd.DataFrame(rows)


def age_profiles(sets: dict[str, pd.DataFrame], groups: dict[str, str]) -> pd.DataFrame:
    """Net migration rate (% of the base cohort) by end age, ratio set, variant and group."""
    frames = []
    for name, v in sets.items():
        df = v.assign(group=v["code"].astype(str).map(groups)).dropna(subset=["group"])
        g = df.groupby(["group", "age_group"], observed=True)[["base_population", *VARIANTS]].sum()
        for variant in VARIANTS:
            frames.append(
                pd.DataFrame(
                    {
                        "ratios": name,
                        "variant": variant,
                        "rate": 100 * g[variant] / g["base_population"],
                        "net_migration": g[variant],
                    }
                ).reset_index()
            )
    out = pd.concat(frames, ignore_index=True)
    out["age_group"] = out["age_group"].astype(str)
    return out


def choose_preferred(
    estimates: pd.DataFrame,
    theta_differential: pd.Series,
    theta_e0: pd.Series | None,
    northeast_codes,
    group="northeast",
) -> dict:
    """The preferred ratio set and variant by the criteria above, with what decided it."""
    codes = [str(c) for c in northeast_codes]
    e = estimates.set_index(["ratios", "variant", "group"])
    diff = e.loc[("differential", PREFERRED_VARIANT, group)]
    departure = abs(float(diff["sum_all_regions"])) / abs(float(diff["net_migration"]))
    d = [float(theta_differential[c]) for c in codes]
    e0 = [] if theta_e0 is None else [float(v) for (c, _sex), v in theta_e0.items() if c in set(codes)]
    agree = bool(e0) and (all(t < 1 for t in d + e0) or all(t > 1 for t in d + e0))
    chosen = "differential" if agree and departure <= ZERO_SUM_TOLERANCE else "national"
    return {
        "set": chosen,
        "variant": PREFERRED_VARIANT,
        "mortality_agrees": agree,
        "zero_sum_departure": 100 * departure,
    }


def old_age_ruling(
    estimates: pd.DataFrame,
    benchmark: dict,
    northeast_codes,
    northeast: str = "northeast",
    preferred: tuple[str, str] = ("national", PREFERRED_VARIANT),
) -> dict:
    """The plain ruling on the Northeast's loss at ages ``old``+ (40+ = the 40–59 and 60+ bands).

    - mortality: how much of the old-age loss (national ratios, forward) the differential
      mortality adjustment removes (negative: it adds to it);
    - benchmark: the expected schedule of :func:`age_benchmark` (Rogers–Castro, fitted to the pooled
      out-migration regions, scaled to the Northeast's own 20–39 loss) gives the part "credible as
      labour-driven migration"; the rest is the anomaly; the conservative estimate replaces the
      observed 40+ loss of the preferred estimate by the expected one;
    - words are chosen from the thresholds above.
    """
    e = estimates.set_index(["ratios", "variant", "group"])
    nat = e.loc[("national", "forward", northeast)]
    adj = e.loc[("differential", "forward", northeast)]
    removed = 1 - adj["old_net_migration"] / nat["old_net_migration"] if nat["old_net_migration"] != 0 else 0.0
    if removed >= MORTALITY_EXPLAINS_SHARE:
        mortality_word = "能够解释"
    elif removed > 0:
        mortality_word = "只能解释一小部分"
    else:
        mortality_word = "不能解释，反而加大"
    sched = benchmark["schedule"]["northeast"]
    observed = sched["middle_observed"] + sched["old_observed"]
    credible = min(sched["middle_expected"] + sched["old_expected"], 0.0)
    bands = benchmark["bands"]
    codes = [str(c) for c in northeast_codes]
    base = float(bands.loc[codes, "middle_base"].sum() + bands.loc[codes, "old_base"].sum())
    observed_rate, expected_rate = 100 * observed / base, 100 * credible / base
    comparable = credible < 0
    multiple = observed / credible if comparable else None
    anomalous = not comparable or multiple >= ANOMALY_MULTIPLE
    pref = e.loc[(*preferred, northeast)]
    return {
        "mortality_removed_share": 100 * float(removed),
        "mortality_word": mortality_word,
        "upper_bound_word": "是上限" if removed > 0 else "不是上限",
        "northeast_old_rate": float(observed_rate),
        "expected_old_rate": float(expected_rate),
        "old_rate_multiple": multiple if comparable else "不可比（期望年龄模式在 40 岁以上并无净迁出）",
        "anomaly_word": "异常" if anomalous else "不异常",
        "old_observed": float(observed),
        "old_credible": float(credible),
        "old_excess": float(observed - credible),
        "old_excess_share": 100 * float((observed - credible) / observed) if observed != 0 else 0.0,
        "conservative_estimate": float(pref["net_migration"] - pref["old_net_migration"] + credible),
    }


def northeast_born_stock(flows: pd.DataFrame, northeast, base_year: int) -> pd.Series:
    """Persons born in the Northeast living in each other region at the base census (or the latest birthplace
    matrix before it), from :func:`neoutflow.data.load_birthplace_flows`."""
    ne = [str(c) for c in northeast]
    year = flows.loc[flows["year"] <= int(base_year), "year"].max()
    f = flows[
        (flows["year"] == year) & flows["origin"].astype(str).isin(ne) & ~flows["destination"].astype(str).isin(ne)
    ]
    return f.groupby(f["destination"].astype(str))["persons_estimated"].sum()


def _ratio_sets(v: pd.DataFrame, registered: pd.DataFrame, life_expectancy, base_year: int, national_code: str):
    """The survival-ratio sets (national; adjusted on resident exposure to the mortality differential and to
    registered deaths; the closed-cohort sensitivity; scaled to life expectancy when given) and the hazard
    multipliers behind them."""
    implied = implied_deaths(v)
    theta_reg = fit_hazard_multipliers(v, registered)
    theta_diff = fit_hazard_multipliers(v, differential_deaths(registered, implied))
    # the closed-cohort fit (out-migrants' deaths after they left counted as if registered): sensitivity only
    closed = implied_deaths(v, exposure="closed")
    theta_closed = fit_hazard_multipliers(v, differential_deaths(registered, closed), exposure="closed")
    sets = {
        "national": v,
        "differential": adjusted_variants(v, theta_diff),
        "registered": adjusted_variants(v, theta_reg),
        "differential_closed": adjusted_variants(v, theta_closed),
    }
    theta_e0 = None
    if life_expectancy is not None:
        theta_e0 = e0_hazard_multipliers(
            life_expectancy, life_expectancy_year(life_expectancy, base_year), national_code
        )
        sets["e0"] = scaled_variants(v, theta_e0)
    return sets, theta_reg, theta_diff, theta_closed, theta_e0


def _coverage_readings(
    v, sets: dict, preferred: tuple, life_expectancy, base_year: int, end_year: int, national_code: str, northeast
):
    """The census coverage term at 10–39 and the Northeast's estimates with its coverage change taken as none
    or twice the national one (preferred ratio set and variant); ``(None, None)`` without life expectancy."""
    if life_expectancy is None:
        return None, None
    coverage = coverage_terms(
        v,
        life_expectancy,
        life_expectancy_year(life_expectancy, base_year),
        national_code,
        int(end_year) - int(base_year),
    )
    cov_sets = {f"coverage_{w:g}": coverage_variants(sets[preferred[0]], coverage, w) for w in COVERAGE_WEIGHTS}
    coverage_est = estimates_table(cov_sets, dict.fromkeys(northeast, "northeast"))
    coverage_est = coverage_est[coverage_est["variant"] == preferred[1]]
    return coverage, coverage_est


def migration_checks(
    population: pd.DataFrame,
    series: pd.DataFrame,
    base_year: int,
    end_year: int,
    northeast: list[str],
    life_expectancy: pd.DataFrame | None = None,
    national_code: str = "100000",
    stock: pd.Series | None = None,
) -> dict:
    """Everything notebook 03 shows: variants under the ratio sets, deaths, profiles, sex ratios,
    the age benchmark and the ruling.

    ``population``: the provinces' census table (both years); ``series``: the long province
    series with ``death_rate`` and ``yearend_population``. Groups: "northeast", "outmigration" (the
    other regions with a net loss at 10+ under the preferred estimate, :func:`outmigration_group`)
    and each Northeast province under its own code. With ``life_expectancy``
    (:func:`neoutflow.data.load_life_expectancy`), the set "e0" scales the national ratios to each
    province's ``base_year`` life expectancy (:func:`e0_hazard_multipliers`). ``stock``: persons born
    in the Northeast living in each other region at ``base_year`` (for the destination check).
    """
    v = survival_variants(population, base_year, end_year)
    registered = registered_deaths(
        series[series["indicator"] == "death_rate"],
        series[series["indicator"] == "yearend_population"],
        base_year,
        end_year,
    )
    sets, theta_reg, theta_diff, theta_closed, theta_e0 = _ratio_sets(
        v, registered, life_expectancy, base_year, national_code
    )
    choice = choose_preferred(
        estimates_table(sets, dict.fromkeys(northeast, "northeast")), theta_diff, theta_e0, northeast
    )
    preferred = (choice["set"], choice["variant"])
    benchmark = age_benchmark(sets[preferred[0]], preferred[1], northeast, int(end_year) - int(base_year), stock)
    # the same benchmark under the national ratios: the 60+ rates move with the mortality assumption
    benchmark_national = age_benchmark(sets["national"], preferred[1], northeast, int(end_year) - int(base_year), stock)
    groups = {**dict.fromkeys(benchmark["group"], "outmigration"), **dict.fromkeys(northeast, "northeast")}
    singles = {c: c for c in northeast}
    estimates = pd.concat([estimates_table(sets, groups), estimates_table(sets, singles)], ignore_index=True)
    deaths = (
        deaths_check(v, registered, theta_reg)
        .merge(theta_diff.rename("theta_differential").rename_axis("code").reset_index(), on="code")
        .merge(theta_closed.rename("theta_differential_closed").rename_axis("code").reset_index(), on="code")
    )
    national = dict.fromkeys(v["code"].astype(str).unique(), "national")
    sex = pd.concat(
        [cohort_sex_ratios(v, dict.fromkeys(northeast, "northeast")), cohort_sex_ratios(v, national)],
        ignore_index=True,
    )
    in_range = estimates[estimates["ratios"].isin(RANGE_SETS) & (estimates["group"] == "northeast")]
    coverage, coverage_est = _coverage_readings(
        v, sets, preferred, life_expectancy, base_year, end_year, national_code, northeast
    )
    if coverage_est is not None:
        in_range = pd.concat([in_range, coverage_est], ignore_index=True)
    ruling = old_age_ruling(estimates, benchmark, northeast, preferred=preferred)
    # every reading the report calls plausible: the zero-sum sets × variants, the coverage readings and
    # the conservative estimate (40+ at the expected schedule only)
    totals = [*in_range["net_migration"].astype(float), ruling["conservative_estimate"]]
    return {
        "sets": sets,
        "estimates": estimates,
        "profiles": age_profiles(sets, groups),
        "deaths": deaths,
        "sex_ratios": sex,
        "benchmark": benchmark,
        "benchmark_national": benchmark_national,
        "ruling": ruling,
        "preferred": choice,
        "theta_e0": theta_e0,
        "coverage": coverage,
        "coverage_estimates": coverage_est,
        "range": (min(totals), max(totals)),
        "young_range": (
            float(in_range["young_adult_net_migration"].min()),
            float(in_range["young_adult_net_migration"].max()),
        ),
    }
