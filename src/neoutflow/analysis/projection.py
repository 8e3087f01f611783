"""Cohort-component projection of the study region's provinces, in five-year steps, with policy scenarios.

The population is an array ``(..., sex, age)`` with sexes ``(male, female)`` and
five-year age groups ``0-4`` … with one open last group (``85+``); any leading
axes (scenario, region) are carried along, so one call projects every scenario
for every region at once (plain numpy, no Python loop over regions or scenarios).

One step of five years (Preston, Heuveline & Guillot, *Demography*, ch. 6):

1. **Survival.** ``survival[..., a]`` (``a < A-1``) is the five-year survival
   ratio from group ``a`` to ``a + 1``; ``survival[..., A-1]`` that of the open
   group staying in it, so ``P'(open) = s[A-2]·P(A-2) + s[A-1]·P(open)``.
2. **Migration** as a net rate on the population at risk: the survivors reaching
   group ``a`` are multiplied by ``1 + m[..., a]`` (``m`` indexed by the age at
   the end of the step; ``m[..., 0]`` applies to the surviving births).
3. **Births** over the step: ``TFR × Σ_a share_a × (W_a(t) + W_a(t+5)) / 2``
   where ``share`` is the fertility schedule (shares of the TFR by the mother's
   age group, summing to one) and ``W`` the women at the start and at the end of
   the step. They are split by the sex ratio at birth, survive to ``0-4`` with
   ``birth_survival`` and migrate with ``m[..., 0]``.

The inputs built from the data (:func:`build_inputs`): national census survival
ratios 2010–2020 (:func:`national_survival`, from :mod:`neoutflow.analysis.demography`),
turned into five-year ratios; a gamma fertility schedule (:func:`gamma_schedule`)
scaled per province to the TFR that reproduces the recent crude birth rates
(:func:`calibrate_tfr`); the sex ratio at birth read from the census ``0-4``
group; and the 2010–2020 survival-ratio net migration rates by sex and age,
smoothed and turned into five-year rates (:func:`migration_rates`). The survival
input is an argument everywhere, so mortality-adjusted provincial ratios can
replace the national ones without touching the projection.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from neoutflow.analysis import demography
from neoutflow.analysis import survival as sv
from neoutflow.reference import AGE_GROUPS, NORTHEAST, SEXES, province_key, province_name

STEP = 5
# The survival and migration rates come from the census interval ending at the start year, which must be
# ten years (two five-year steps: :func:`national_survival`).
RATES_INTERVAL = 10
# Fertility schedule: a gamma density of the mother's age above 15, with the mean
# age at childbearing and its spread stated here (assumptions, close to China's
# 2020 census mean age at childbearing of about 29; see the report's limits).
FERTILITY_START_AGE = 15
FERTILITY_END_AGE = 50
MEAN_AGE_AT_BIRTH = 29.5
SD_AGE_AT_BIRTH = 5.5
# Births surviving to the 0-4 group at the end of a five-year step: under-five
# mortality in China was about 7.5 per 1,000 in 2020, and the births of a step are
# on average exposed for half of it, so about 0.995 survive (an assumption).
BIRTH_SURVIVAL = 0.995
YOUNG_ADULT_AGES = (20, 39)
GRADUATE_AGES = (20, 29)
WORKING_AGES = (15, 64)
OLD_AGE = 65
# Scenario order and Chinese labels (the report's legend).
SCENARIOS = ("baseline", "pay", "retention", "births", "all")
SCENARIO_LABELS = {
    "baseline": "基准（近期趋势）",
    "pay": "薪酬与产业",
    "retention": "毕业生留存",
    "births": "生育支持",
    "all": "三者合一",
}
# The study region's total is carried as one more region after its provinces, under this code (the name it had
# when the region was always the Northeast, kept so that the default outputs do not change) and results key.
TOTAL = "northeast"
TOTAL_KEY = "ne"


def region_names(codes, label: str) -> dict[str, str]:
    """Code → Chinese name for the provinces and the region's total (:data:`TOTAL`)."""
    return {**{str(c): province_name(c) for c in codes}, TOTAL: label}


def region_keys(codes) -> dict[str, str]:
    """Code → results key for the provinces and the region's total."""
    return {**{str(c): province_key(c) for c in codes}, TOTAL: TOTAL_KEY}


class ProjectionError(ValueError):
    """Inputs the projection cannot use, with what was expected."""


# ---------------------------------------------------------------- the projection


def project_step(
    population: np.ndarray,
    survival: np.ndarray,
    migration: np.ndarray,
    fertility_share: np.ndarray,
    tfr: np.ndarray | float,
    srb: np.ndarray | float,
    birth_survival: np.ndarray | float = BIRTH_SURVIVAL,
) -> np.ndarray:
    """One five-year step (see the module docstring). ``population (..., 2, A)``; ``survival`` and
    ``migration`` broadcast to it; ``fertility_share (A,)``; ``tfr`` and ``srb`` (males per female
    birth) broadcast to the leading axes; ``birth_survival`` to ``(..., 2)`` (one value per sex)."""
    pop = np.asarray(population, dtype=float)
    s = np.broadcast_to(np.asarray(survival, dtype=float), pop.shape)
    m = np.broadcast_to(np.asarray(migration, dtype=float), pop.shape)
    new = np.zeros_like(pop)
    new[..., 1:] = pop[..., :-1] * s[..., :-1]
    new[..., -1] += pop[..., -1] * s[..., -1]
    new[..., 1:] *= 1 + m[..., 1:]
    women = (pop[..., 1, :] + new[..., 1, :]) / 2
    births = np.asarray(tfr, dtype=float) * (women * fertility_share).sum(axis=-1)
    srb = np.asarray(srb, dtype=float)
    bs = np.broadcast_to(np.asarray(birth_survival, dtype=float), pop.shape[:-1])
    new[..., 0, 0] = births * srb / (1 + srb) * bs[..., 0] * (1 + m[..., 0, 0])
    new[..., 1, 0] = births / (1 + srb) * bs[..., 1] * (1 + m[..., 1, 0])
    return new


def project(
    population: np.ndarray,
    survival: np.ndarray,
    migration: np.ndarray,
    fertility_share: np.ndarray,
    tfr: np.ndarray,
    srb: np.ndarray | float,
    steps: int,
    birth_survival: np.ndarray | float = BIRTH_SURVIVAL,
    survival_steps: bool | None = None,
) -> np.ndarray:
    """``steps`` five-year steps; returns ``(..., steps + 1, 2, A)`` with the start first.

    ``tfr`` may carry a last axis of length ``steps`` (one TFR per step) or none (constant);
    ``migration`` and ``survival`` likewise may carry a step axis before ``(2, A)``: shape
    ``(..., steps, 2, A)``; with a per-step survival, ``birth_survival`` is ``(..., steps, 2)``.
    ``survival_steps`` says whether ``survival`` has the step axis (``None``: when it has one more axis
    than ``population``).
    """
    pop = np.asarray(population, dtype=float)
    if pop.ndim < 2 or pop.shape[-2] != 2:
        raise ProjectionError(f"population must have shape (..., 2, A); got {pop.shape}")
    if (pop < 0).any():
        raise ProjectionError("population has negative counts")
    tfr = np.asarray(tfr, dtype=float)
    mig = np.asarray(migration, dtype=float)
    surv = np.asarray(survival, dtype=float)
    bs = np.asarray(birth_survival, dtype=float)
    per_step_tfr = tfr.ndim >= 1 and tfr.shape[-1] == steps and tfr.ndim > pop.ndim - 2
    per_step_mig = mig.ndim == pop.ndim + 1
    per_step_surv = surv.ndim == pop.ndim + 1 if survival_steps is None else survival_steps
    out = [pop]
    for t in range(steps):
        out.append(
            project_step(
                out[-1],
                surv[..., t, :, :] if per_step_surv else surv,
                mig[..., t, :, :] if per_step_mig else mig,
                fertility_share,
                tfr[..., t] if per_step_tfr else tfr,
                srb,
                bs[..., t, :] if per_step_surv and bs.ndim >= 2 else bs,
            )
        )
    return np.stack(out, axis=-3)


def interpolate_total(totals: np.ndarray, years_after_start: float) -> np.ndarray:
    """Total population ``years_after_start`` years after the start, geometric within the step.

    ``totals (..., T+1)`` at 0, 5, 10, … years."""
    totals = np.asarray(totals, dtype=float)
    j = min(int(years_after_start // STEP), totals.shape[-1] - 2)
    frac = (years_after_start - STEP * j) / STEP
    return totals[..., j] * (totals[..., j + 1] / totals[..., j]) ** frac


# ---------------------------------------------------------------- fertility


def gamma_schedule(
    ages: list[str] | None = None,
    mean_age: float = MEAN_AGE_AT_BIRTH,
    sd: float = SD_AGE_AT_BIRTH,
    start: int = FERTILITY_START_AGE,
    end: int = FERTILITY_END_AGE,
) -> np.ndarray:
    """Shares of the TFR by the mother's five-year age group: a gamma density of ``age - start``
    with the given mean and standard deviation, integrated over each group, truncated to
    ``start``–``end`` and renormalised. Groups outside those ages get zero."""
    from scipy import stats

    ages = list(ages or AGE_GROUPS)
    if not start < mean_age < end or sd <= 0:
        raise ProjectionError(f"mean age {mean_age} must lie in ({start}, {end}) and sd {sd} be positive")
    shape = ((mean_age - start) / sd) ** 2
    scale = sd**2 / (mean_age - start)
    share = np.zeros(len(ages))
    for i, g in enumerate(ages):
        low, high = demography.age_group_bounds(g)
        high = end if high is None else high + 1
        lo, hi = max(low, start), min(high, end)
        if hi > lo:
            share[i] = stats.gamma.cdf(hi - start, shape, scale=scale) - stats.gamma.cdf(lo - start, shape, scale=scale)
    return share / share.sum()


def calibrate_tfr(women: np.ndarray, total: np.ndarray, crude_birth_rate: np.ndarray, share: np.ndarray) -> np.ndarray:
    """The TFR whose births equal the observed ones: ``CBR/1000 × population = TFR × Σ share_a/5 × W_a``.

    ``women (R, A)``, ``total (R,)``, ``crude_birth_rate (R,)`` in ‰ (births per 1,000 per year)."""
    births = np.asarray(crude_birth_rate, dtype=float) / 1000 * np.asarray(total, dtype=float)
    exposure = (np.asarray(women, dtype=float) * share).sum(axis=-1) / STEP
    if (exposure <= 0).any():
        raise ProjectionError("no women of childbearing age: the TFR is undefined")
    return births / exposure


def tfr_path(
    base_tfr: np.ndarray, increase: float, start_year: int, target_year: int, steps: int, origin: int | None = None
) -> np.ndarray:
    """TFR per step ``(R, steps)``: the base plus ``increase`` phased in linearly from ``start_year`` to
    ``target_year`` and held after, read at each step's midpoint (steps counted from ``origin``, by default
    ``start_year``)."""
    mid = (start_year if origin is None else origin) + STEP * (np.arange(steps) + 0.5)
    span = max(target_year - start_year, 1e-9)
    phase = np.clip((mid - start_year) / span, 0, 1)
    return np.asarray(base_tfr, dtype=float)[..., None] + increase * phase


# ---------------------------------------------------------------- survival and migration from the censuses


def _wide(population: pd.DataFrame, year: int, code: str | None = None) -> np.ndarray:
    """``(2, A)`` persons of one year (summed over codes unless ``code`` is given)."""
    df = population[population["year"] == year]
    if code is not None:
        df = df[df["code"].astype(str) == code]
    w = df.groupby(["sex", "age_group"], observed=True)["population"].sum().unstack("age_group")
    return w.reindex(index=list(SEXES), columns=AGE_GROUPS).to_numpy(dtype=float)


def national_survival(population: pd.DataFrame, base_year: int = 2010, end_year: int = 2020) -> np.ndarray:
    """Five-year survival ratios ``(2, A)`` from the national ten-year census survival ratios.

    Kept as the census-ratio alternative to the life table (:mod:`neoutflow.analysis.lifetable`), which the
    projection uses: these ratios carry the two censuses' coverage differences as well as mortality.
    The ten-year ratio ``S(j)`` of base group ``j`` (to ``j+2``) is the product of two five-year ratios;
    each five-year log-ratio is taken as the average of the two ten-year log-ratios that contain it, halved
    (the first and the 75–79 → 80–84 transitions from the one ratio that contains them). The last two
    (80–84 → 85+ and 85+ → 85+) share one ratio ``x`` solved exactly from the open group. Ratios above 1
    are set to 1.
    """
    if end_year - base_year != RATES_INTERVAL:
        raise ProjectionError("the five-year ratios are derived from a ten-year census interval")
    net = demography.survival_ratio_net_migration(population, base_year, end_year)
    first = net[net["code"] == net["code"].iloc[0]]
    ratios = first.pivot(index="sex", columns="age_group", values="survival_ratio").reindex(list(SEXES))
    log10 = np.log(np.minimum(ratios.to_numpy(dtype=float), 1.0))
    n = len(AGE_GROUPS)
    closed = log10[:, :-1]
    s = np.zeros((2, n))
    s[:, 0] = closed[:, 0] / 2
    s[:, 1 : n - 3] = (closed[:, :-1] + closed[:, 1:]) / 4
    s[:, n - 3] = closed[:, -1] / 2
    s = np.exp(s)
    base, end = _wide(population, base_year), _wide(population, end_year)
    a, b, c = base[:, n - 3], base[:, n - 2] + base[:, n - 1], end[:, n - 1]
    x = (-s[:, n - 3] * a + np.sqrt((s[:, n - 3] * a) ** 2 + 4 * b * c)) / (2 * b)
    s[:, n - 2] = s[:, n - 1] = np.minimum(x, 1.0)
    return np.minimum(s, 1.0)


def smooth_ages(rates: np.ndarray) -> np.ndarray:
    """1-2-1 moving average over the last (age) axis; the end groups average with their one neighbour (2-1)."""
    r = np.asarray(rates, dtype=float)
    out = r.copy()
    out[..., 1:-1] = (r[..., :-2] + 2 * r[..., 1:-1] + r[..., 2:]) / 4
    out[..., 0] = (2 * r[..., 0] + r[..., 1]) / 3
    out[..., -1] = (r[..., -2] + 2 * r[..., -1]) / 3
    return out


# The net-migration chapter's ruling on the 40+ loss (§3): only the part an age schedule not selected on the
# outcome expects is credible as migration. By default ("benchmark") ages 40+ migrate at that chapter's expected
# schedule (:func:`neoutflow.analysis.survival.age_benchmark` under the chapter's preferred estimate: a
# Rogers–Castro curve fitted to the out-migration provinces as a group, scaled by each province's own 20–39
# loss); "observed" keeps the province's own 40+ rates (the variant).
OLD_AGE_MIGRATION = ("benchmark", "observed")
OLD_AGE_FROM = 40


def chapter_benchmark(
    population: pd.DataFrame,
    series: pd.DataFrame,
    life_expectancy: pd.DataFrame | None,
    codes,
    base_year: int = 2010,
    end_year: int = 2020,
) -> dict:
    """The net-migration chapter's age benchmark, as that chapter computes it
    (:func:`neoutflow.analysis.survival.migration_checks`: the preferred ratio set and variant)."""
    checks = sv.migration_checks(population, series, base_year, end_year, [str(c) for c in codes], life_expectancy)
    return checks["benchmark"]


def national_benchmark(population: pd.DataFrame, codes, base_year: int = 2010, end_year: int = 2020) -> dict:
    """The same benchmark under the national ratios and the preferred variant (no deaths series needed)."""
    v = sv.survival_variants(population, base_year, end_year)
    return sv.age_benchmark(v, sv.PREFERRED_VARIANT, [str(c) for c in codes], int(end_year) - int(base_year))


def expected_old_age_rates(
    population: pd.DataFrame, benchmark: dict, codes, base_year: int = 2010, end_year: int = 2020
) -> np.ndarray:
    """A benchmark's expected schedule as ten-year rates over the survivors ``(R, 2, A)`` (both sexes alike; NaN
    below the first fitted group).

    The schedule expects ``k·rc(x)`` net out-migrants per head of the base cohort (``k``: the province's scale);
    over the survivors the projection's rates are defined on, that is ``−k·rc(x) / S`` with ``S`` the national
    survival ratio of the cohort and sex, so the projected persons are the schedule's.
    """
    net = demography.survival_ratio_net_migration(population, base_year, end_year)
    first = net[net["code"].astype(str) == str(net["code"].iloc[0])]
    s = first.pivot(index="sex", columns="age_group", values="survival_ratio")
    s = s.rename(columns=str).reindex(index=list(SEXES), columns=AGE_GROUPS).to_numpy(dtype=float)
    curve = benchmark["curve"]["fitted"]
    per_head = curve.rename(index=str).reindex(AGE_GROUPS).to_numpy(dtype=float)  # (A,)
    k = np.array([benchmark["schedule"][str(c)]["scale"] for c in codes])
    return -k[:, None, None] * per_head[None, None, :] / s[None]


def ten_year_rates(
    population: pd.DataFrame,
    codes: list[str],
    base_year: int = 2010,
    end_year: int = 2020,
    old_age: str = "benchmark",
    denominator: str = "survivors",
    benchmark: dict | None = None,
) -> np.ndarray:
    """Ten-year net migration rates ``(R, 2, A)`` by age at ``end_year``, from the census survival-ratio method.

    Ages 10+: ``M / (S·P)``, the net migration over the survivors it is applied to (``denominator="base"``:
    ``M / P``, the old definition, kept only to show its bias). Ages 0–9: the child–woman-ratio estimate over
    the children expected without migration. ``old_age="benchmark"``: at ages 40+ the expected schedule of the
    net-migration chapter (``benchmark``, e.g. :func:`chapter_benchmark`; without it :func:`national_benchmark`)
    replaces each province's own rates (:func:`expected_old_age_rates`; that chapter's ruling); ``"observed"``
    keeps them.
    National census survival ratios (the provinces' sum) make the estimates add up to zero over provinces,
    so coverage differences common to all provinces do not enter the age pattern.
    """
    if old_age not in OLD_AGE_MIGRATION:
        raise ProjectionError(f"old_age must be one of {OLD_AGE_MIGRATION}; got {old_age!r}")
    adults = demography.survival_ratio_net_migration(population, base_year, end_year)
    kids = demography.child_net_migration(population, base_year, end_year)
    adults = adults.assign(
        denominator=adults["expected"] if denominator == "survivors" else adults["base_population"],
        age_group=adults["age_group"].astype(str),
    )
    kids = kids.assign(denominator=kids["observed"] - kids["net_migration"], age_group=kids["age_group"].astype(str))
    both = pd.concat(
        [
            adults[["code", "sex", "age_group", "net_migration", "denominator"]],
            kids[["code", "sex", "age_group", "net_migration", "denominator"]],
        ]
    )
    both["code"] = both["code"].astype(str)

    def rates(frame: pd.DataFrame) -> np.ndarray:
        g = frame.groupby(["sex", "age_group"])[["net_migration", "denominator"]].sum()
        r = (g["net_migration"] / g["denominator"]).unstack("age_group")
        return r.reindex(index=list(SEXES), columns=AGE_GROUPS).to_numpy(dtype=float)

    out = np.stack([rates(both[both["code"] == c]) for c in codes])
    if old_age == "benchmark":
        if benchmark is None:
            benchmark = national_benchmark(population, codes, base_year, end_year)
        expected = expected_old_age_rates(population, benchmark, codes, base_year, end_year)
        old = age_mask(OLD_AGE_FROM, None)
        out[..., old] = expected[..., old]
    return out


def old_age_schedule(bench: dict, codes) -> pd.DataFrame:
    """Per province (index ``code``): the schedule's scale ``k`` and the ten-year net migration rates (% of the
    base cohort) at 40–59 and 60+, expected and observed, as the benchmark reads them."""
    rows = {}
    for c in codes:
        sched, bands = bench["schedule"][str(c)], bench["bands"].loc[str(c)]
        rows[str(c)] = {
            "scale": sched["scale"],
            "middle_expected_rate": sched["middle_expected_rate"],
            "old_expected_rate": sched["old_expected_rate"],
            "middle_observed_rate": float(bands["middle_rate"]),
            "old_observed_rate": float(bands["old_rate"]),
        }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("code")


def migration_rates(
    population: pd.DataFrame,
    codes: list[str],
    base_year: int = 2010,
    end_year: int = 2020,
    smooth: bool = True,
    old_age: str = "benchmark",
    benchmark: dict | None = None,
) -> np.ndarray:
    """Five-year net migration rates ``(R, 2, A)`` by age at the end of a step: the ten-year rates of
    :func:`ten_year_rates`, smoothed over age (:func:`smooth_ages`) and turned into five-year rates
    ``(1 + m10)^(1/2) − 1``. This is the age **shape**; its level (the intensity) is fitted to the
    year-end series (:func:`fit_intensity`)."""
    out = ten_year_rates(population, codes, base_year, end_year, old_age, benchmark=benchmark)
    if smooth:
        out = smooth_ages(out)
    return np.sqrt(1 + out) - 1


def age_mask(low: int, high: int | None) -> np.ndarray:
    """Boolean ``(A,)`` of the groups lying wholly within ``low``–``high`` (``None``: no upper bound)."""
    bounds = [demography.age_group_bounds(g) for g in AGE_GROUPS]
    top = np.inf if high is None else high
    return np.array([a >= low and (np.inf if b is None else b) <= top for a, b in bounds])


# ---------------------------------------------------------------- scenarios


@dataclass(frozen=True)
class Scenario:
    """A scenario's levers. Reductions shrink net **out**-migration (negative rates) at the given ages
    by that share; net in-migration is left alone. Both apply multiplicatively where they overlap. The
    migration levers phase in linearly from ``phase_start`` to ``phase_end`` (read at each step's midpoint);
    ``phase_start = None`` applies them in full from the start."""

    name: str
    young_reduction: float | tuple[float, ...] = 0.0
    graduate_reduction: float = 0.0
    tfr_increase: float = 0.0
    young_ages: tuple[int, int | None] = YOUNG_ADULT_AGES  # (low, None): no upper bound
    graduate_ages: tuple[int, int | None] = GRADUATE_AGES
    phase_start: int | None = None
    phase_end: int | None = None

    def migration(self, rates: np.ndarray, strength: float = 1.0) -> np.ndarray:
        """``rates`` ``(R, 2, A)`` (or ``(2, A)``) with the levers applied at ``strength`` (0–1);
        ``young_reduction`` is one share for every region or a tuple with one share per region."""
        rates = np.asarray(rates, dtype=float)
        young = np.asarray(self.young_reduction, dtype=float) * strength
        if young.ndim:  # one share per region: broadcast over sex and age
            young = young[:, None, None]
        factor = (1 - young * age_mask(*self.young_ages)) * (
            1 - strength * self.graduate_reduction * age_mask(*self.graduate_ages)
        )
        return np.where(rates < 0, rates * factor, rates)

    def phase(self, start_year: int, steps: int) -> np.ndarray:
        """Strength of the migration levers per step (0–1), at each step's midpoint."""
        if self.phase_start is None:
            return np.ones(steps)
        mid = start_year + STEP * (np.arange(steps) + 0.5)
        span = max((self.phase_end or self.phase_start) - self.phase_start, 1e-9)
        return np.clip((mid - self.phase_start) / span, 0, 1)

    def migration_path(self, rates: np.ndarray, start_year: int, steps: int) -> np.ndarray:
        """``(R, steps, 2, A)``: the levers at each step's phase-in strength."""
        return np.stack([self.migration(rates, f) for f in self.phase(start_year, steps)], axis=-3)


def scenarios(
    pay_reduction: float, retention_share: float, tfr_increase: float, pay_interval: tuple[float, float] | None = None
) -> list[Scenario]:
    """The five scenarios, then (with ``pay_interval``) the pay and all-together ones at the interval's ends
    (names ``pay_low``, ``pay_high``, ``all_low``, ``all_high``)."""
    out = [
        Scenario("baseline"),
        Scenario("pay", young_reduction=pay_reduction),
        Scenario("retention", graduate_reduction=retention_share),
        Scenario("births", tfr_increase=tfr_increase),
        Scenario("all", pay_reduction, retention_share, tfr_increase),
    ]
    if pay_interval is not None:
        for end, value in zip(("low", "high"), pay_interval):
            out.append(replace(out[1], name=f"pay_{end}", young_reduction=value))
            out.append(replace(out[4], name=f"all_{end}", young_reduction=value))
    return out


# ---------------------------------------------------------------- the pay lever, from the determinants estimate

PAY_OUTCOME = "young_adult_net_migration_rate"


def pay_shares(observed, change, low, high) -> pd.DataFrame:
    """Share of net out-migration removed by a counterfactual change in the net migration rate.

    ``observed`` is a region's net migration rate (negative: net out-migration), ``change`` the predicted change
    of that rate and ``[low, high]`` its 95% interval (same unit). The share is ``change / −observed``, clipped to
    ``[0, 1]`` (a lever removes out-migration, it neither adds out-migration nor creates net in-migration); the
    interval's ends are mapped the same way (monotone, so the order is kept), so an interval that includes zero has
    a lower end of 0. A region without net out-migration gets 0 throughout. Returns ``share, share_low,
    share_high`` (fractions) and ``excludes_zero`` (the change's interval excludes zero).
    """
    obs = np.asarray(observed, dtype=float)
    out = np.where(obs < 0, -obs, np.nan)

    def share(x):
        return np.where(np.isnan(out), 0.0, np.clip(np.asarray(x, dtype=float) / out, 0.0, 1.0))

    lo, hi = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    return pd.DataFrame(
        {
            "share": share(change),
            "share_low": share(lo),
            "share_high": share(hi),
            "excludes_zero": (lo > 0) | (hi < 0),
        }
    )


PAY_WEIGHTS = "webb"  # the wild weights of the pay lever's draws (the verdicts take the larger of both p-values)


def pay_effect(
    prov: pd.DataFrame,
    regressors: list[str],
    cov_type: str,
    draws: int,
    seed: int,
    reps: int,
    codes: tuple[str, ...] = NORTHEAST,
    outcome: str = PAY_OUTCOME,
) -> tuple[pd.DataFrame, np.ndarray]:
    """The determinants chapter's wage counterfactual on ``outcome``, as the pay lever, with the wild bootstrap
    the report's verdicts use.

    Fits the province model (``outcome``, ``regressors``; the report's main model is the overall net migration
    rate, not the most favourable 20–39 specification) and asks what each of ``codes`` would have had with its
    wage variables at the national median (the counterfactual ``g'β`` of
    :func:`neoutflow.analysis.models.counterfactual_contrasts`). Its uncertainty is that of the main inference:
    ``draws`` coefficient vectors from the wild bootstrap (:func:`neoutflow.analysis.inference.
    wild_coefficient_draws`, Webb weights, ``seed``) give the change per draw and its 95% percentile interval
    (``ci_low, ci_high``; the delta-method interval with ``cov_type`` errors is kept as ``delta_low, delta_high``), and
    the wage coefficient's p-value is the wild restricted bootstrap's (``reps``, the larger of the Rademacher and
    Webb p-values, as in the verdicts). Returns one row per code (``code, observed, change, ci_low, ci_high,
    delta_low, delta_high, coef, se, coef_p, coef_p_model, gap`` and the shares of :func:`pay_shares`) and the
    change draws ``(draws, len(codes))`` in percentage points.
    """
    from neoutflow.analysis import inference, models  # the projection itself needs no regression code

    fit = models.fit_ols(prov, outcome, list(regressors), cov_type=cov_type)
    cf = models.counterfactuals(fit, prov, outcome, list(codes), list(regressors))
    cf = cf[cf["family"] == "wages"].set_index("code").reindex(list(codes)).reset_index()
    if cf["change"].isna().any():
        raise ProjectionError(f"the regressor set {list(regressors)} has no wage variable: no pay lever to estimate")
    wage = [v for v in regressors if models.VARIABLE_FAMILY.get(v) == "wages"][0]
    x, y, names = inference.design(prov, outcome, list(regressors))
    info, g = models.counterfactual_contrasts(names, prov, list(codes), list(regressors))
    g = g[(info["family"] == "wages").to_numpy()]
    change = inference.wild_coefficient_draws(x, y, draws, seed, PAY_WEIGHTS) @ g.T  # (draws, R)
    out = cf[["code", "observed", "change", "ci_low", "ci_high"]].rename(
        columns={"ci_low": "delta_low", "ci_high": "delta_high"}
    )
    out["ci_low"], out["ci_high"] = np.quantile(change, [0.025, 0.975], axis=0)
    out["variable"] = wage
    out["coef"], out["se"], out["coef_p_model"] = fit.params[wage], fit.bse[wage], fit.pvalues[wage]
    out["coef_p"] = fit.pvalues[wage]  # without bootstrap replications (reps 0): the model's own p-value
    if reps >= 1:
        wild = inference.wild_tests(prov, outcome, list(regressors), {wage: {wage: 1.0}}, reps, seed).iloc[0]
        out["coef_p"] = max(float(wild[f"p_{w}"]) for w in inference.WEIGHTS)
    # the wage gap to the national median (positive: the province's wage is below it)
    out["gap"] = prov[wage].median() - prov.set_index("code").loc[list(codes), wage].to_numpy()
    shares = pay_shares(out["observed"], out["change"], out["ci_low"], out["ci_high"])
    return pd.concat([out.reset_index(drop=True), shares], axis=1), change


def pay_share_draws(lever: pd.DataFrame, change: np.ndarray) -> np.ndarray:
    """Draws ``(n, R)`` of the share of net out-migration the pay lever removes: each draw of the change (one
    bootstrap coefficient vector shared by the provinces, ``change (n, R)``) divided by the province's net
    out-migration rate and clipped to ``[0, 1]`` (:func:`pay_shares`)."""
    obs = lever["observed"].to_numpy(dtype=float)
    out = np.where(obs < 0, -obs, np.nan)
    return np.where(np.isnan(out), 0.0, np.clip(np.asarray(change, dtype=float) / out, 0.0, 1.0))


# ---------------------------------------------------------------- inputs from the data and the run


@dataclass(frozen=True)
class Inputs:
    """Everything a projection of ``codes`` from ``start_year`` needs (arrays over regions first).

    Mortality is a life table per region and sex (:mod:`neoutflow.analysis.lifetable`): Gompertz levels
    ``levels (R, 2)`` fitted in ``mortality_year`` and falling at ``improvement (R,)`` a year; ``survival``
    (``(2, A)``, ``(R, 2, A)``) overrides it when given (toy populations, the census-ratio alternative).
    Migration is ``intensity (R,)`` times the age shape ``migration (R, 2, A)`` (five-year rates)."""

    codes: tuple[str, ...]
    start_year: int
    population: np.ndarray  # (R, 2, A)
    migration: np.ndarray  # (R, 2, A) five-year rates, the 2010–2020 shape at intensity 1
    fertility_share: np.ndarray  # (A,)
    tfr: np.ndarray  # (R,)
    srb: np.ndarray  # (R,)
    crude_birth_rate: np.ndarray  # (R,) ‰, the calibration target
    levels: np.ndarray | None = None  # (R, 2)
    improvement: np.ndarray | None = None  # (R,)
    mortality_year: float = 2022.0
    intensity: np.ndarray | None = None  # (R,); None: 1
    survival: np.ndarray | None = None
    birth_survival: float = BIRTH_SURVIVAL
    notes: dict = field(default_factory=dict)

    def k(self) -> np.ndarray:
        return np.ones(len(self.codes)) if self.intensity is None else np.asarray(self.intensity, dtype=float)

    def mortality(self, steps: int, level_factor: np.ndarray | float = 1.0) -> tuple[np.ndarray, np.ndarray]:
        """``(survival (..., R, steps, 2, A), birth_survival (..., R, steps, 2))``; ``level_factor`` multiplies
        the Gompertz levels (broadcast to ``(..., R)``: a Monte Carlo draw of the mortality level)."""
        from neoutflow.analysis import lifetable as lt

        if self.survival is not None:
            s = np.broadcast_to(np.asarray(self.survival, dtype=float), (len(self.codes), 2, len(AGE_GROUPS)))
            s = np.repeat(s[:, None], steps, axis=1)
            return s, np.full((len(self.codes), steps, 2), self.birth_survival)
        lv = np.asarray(level_factor, dtype=float)[..., None] * self.levels
        assert self.improvement is not None, "life-table inputs carry their improvement rates"
        return lt.step_survival(lv, self.improvement, self.mortality_year, self.start_year, steps, STEP)


def rates_years(start_year: int) -> tuple[int, int]:
    """The census years whose net migration rates (the age shape) the projection from ``start_year`` uses."""
    return int(start_year) - RATES_INTERVAL, int(start_year)


def _mean_by_code(series: pd.DataFrame, indicator: str, years: tuple[int, ...], codes) -> np.ndarray:
    df = series[(series["indicator"] == indicator) & series["year"].between(*years)]
    means = df.assign(code=df["code"].astype(str)).groupby("code")["value"].mean()
    missing = [c for c in codes if c not in means.index]
    if missing:
        raise ProjectionError(f"no {indicator} {years[0]}–{years[1]} for {missing}")
    return means.reindex(list(codes)).to_numpy(dtype=float)


def build_inputs(
    population: pd.DataFrame,
    series: pd.DataFrame,
    life_expectancy: pd.DataFrame | None = None,
    start_year: int = 2020,
    birth_rate_years: tuple[int, ...] = (2021, 2023),
    mortality_years: tuple[int, ...] = (2021, 2023),
    codes: tuple[str, ...] = NORTHEAST,
    old_age: str = "benchmark",
    survival: np.ndarray | None = None,
    benchmark: dict | None = None,
) -> Inputs:
    """Inputs from the census table (province level, both census years), the yearly series
    (``birth_rate``, ``death_rate``, ``yearend_population``) and the provincial life expectancy.

    Mortality: life tables fitted to the registered deaths of ``mortality_years``
    (:func:`neoutflow.analysis.lifetable.fit_levels`) unless ``survival`` is given. Fertility: the TFR that
    reproduces the mean crude birth rate of ``birth_rate_years``. Migration: the 2010–2020 age shape
    (:func:`migration_rates`, ``old_age`` as there) at intensity 1 (fit it with :func:`fit_intensity`); its 40+
    benchmark is ``benchmark`` if given, else the net-migration chapter's (:func:`chapter_benchmark`, which needs
    ``life_expectancy``; without it the national-ratio one).
    """
    from neoutflow.analysis import lifetable as lt

    base_year, _ = rates_years(start_year)
    pop = population[population["year"].isin([base_year, start_year])]
    start = np.stack([_wide(pop, start_year, c) for c in codes])
    if benchmark is None:
        benchmark = (
            national_benchmark(pop, codes, base_year, start_year)
            if life_expectancy is None
            else chapter_benchmark(pop, series, life_expectancy, codes, base_year, start_year)
        )
    mig = migration_rates(pop, list(codes), base_year, start_year, old_age=old_age, benchmark=benchmark)
    share = gamma_schedule()
    cbr = _mean_by_code(series, "birth_rate", birth_rate_years, codes)
    tfr = calibrate_tfr(start[:, 1, :], start.sum(axis=(1, 2)), cbr, share)
    srb = start[:, 0, 0] / start[:, 1, 0]
    levels = improvement = None
    notes: dict = {
        "old_age": old_age,
        "old_age_benchmark": benchmark,
        "old_age_schedule": old_age_schedule(benchmark, codes),
        "birth_rate_years": tuple(birth_rate_years),
        "mortality_years": tuple(mortality_years),
    }
    year = float(np.mean(mortality_years))
    if survival is None:
        if life_expectancy is None:
            raise ProjectionError("the life-table mortality needs the provincial life expectancy table")
        fitted = lt.fit_levels(population, series, life_expectancy, tuple(codes), tuple(mortality_years), start_year)
        levels = lt.levels_array(fitted, tuple(codes))
        improvement = fitted.groupby("code", sort=False)["improvement"].first().reindex(list(codes)).to_numpy()
        notes["mortality"] = fitted
    return Inputs(
        tuple(codes),
        int(start_year),
        start,
        mig,
        share,
        tfr,
        srb,
        cbr,
        levels=levels,
        improvement=improvement,
        mortality_year=year,
        survival=None if survival is None else np.asarray(survival, dtype=float),
        notes=notes,
    )


def run(
    inputs: Inputs,
    scens: list[Scenario],
    end_year: int = 2035,
    tfr_target_year: int = 2030,
) -> np.ndarray:
    """Project every scenario for every region: ``(S, R, T+1, 2, A)``, ``T = (end_year - start) / 5``."""
    span = end_year - inputs.start_year
    if span <= 0 or span % STEP:
        raise ProjectionError(f"horizon {inputs.start_year}–{end_year} must be a positive multiple of {STEP} years")
    steps = span // STEP
    base = inputs.migration * inputs.k()[:, None, None]
    mig = np.stack([s.migration_path(base, inputs.start_year, steps) for s in scens])  # (S, R, T, 2, A)
    tfr = np.stack(
        [
            tfr_path(
                inputs.tfr,
                s.tfr_increase,
                s.phase_start or inputs.start_year,
                tfr_target_year,
                steps,
                inputs.start_year,
            )
            for s in scens
        ]
    )  # (S, R, T)
    surv, bs = inputs.mortality(steps)
    pop = np.broadcast_to(inputs.population, (len(scens), *inputs.population.shape))
    return project(pop, surv, mig, inputs.fertility_share, tfr, inputs.srb, steps, bs, survival_steps=True)


# ---------------------------------------------------------------- summaries


def indicators(projected: np.ndarray) -> dict[str, np.ndarray]:
    """``total``, ``young`` (20–39), ``old_age_dependency`` (65+ per 100 aged 15–64) over ``(..., T+1)``."""
    by_age = projected.sum(axis=-2)
    young = by_age[..., age_mask(*YOUNG_ADULT_AGES)].sum(axis=-1)
    working = by_age[..., age_mask(*WORKING_AGES)].sum(axis=-1)
    old = by_age[..., age_mask(OLD_AGE, None)].sum(axis=-1)
    return {"total": by_age.sum(axis=-1), "young": young, "old_age_dependency": 100 * old / working}


def with_northeast(projected: np.ndarray, region_axis: int = 1) -> np.ndarray:
    """Append the study region's total (sum over its provinces) as the last region (:data:`TOTAL`)."""
    total = projected.sum(axis=region_axis, keepdims=True)
    return np.concatenate([projected, total], axis=region_axis)


def tidy(projected: np.ndarray, scens: list[Scenario], codes: list[str], start_year: int) -> pd.DataFrame:
    """Long table ``scenario, code, year, sex, age_group, population`` of a ``(S, R, T+1, 2, A)`` array."""
    s, r, t, x, a = projected.shape
    idx = pd.MultiIndex.from_product(
        [[sc.name for sc in scens], list(codes), start_year + STEP * np.arange(t), list(SEXES), AGE_GROUPS],
        names=["scenario", "code", "year", "sex", "age_group"],
    )
    return pd.DataFrame({"population": projected.ravel()}, index=idx).reset_index()


def summary(projected: np.ndarray, scens: list[Scenario], codes: list[str], start_year: int) -> pd.DataFrame:
    """``scenario, code, year, total, young, old_age_dependency`` (regions as given, e.g. with the Northeast)."""
    ind = indicators(projected)
    s, r, t = ind["total"].shape
    idx = pd.MultiIndex.from_product(
        [[sc.name for sc in scens], list(codes), start_year + STEP * np.arange(t)], names=["scenario", "code", "year"]
    )
    return pd.DataFrame({k: v.ravel() for k, v in ind.items()}, index=idx).reset_index()


# ---------------------------------------------------------------- back-test


def census_offset(year_end: int, start_year: int, census_month: int = demography.CENSUS_MONTH) -> float:
    """Years from the census (1 <month> start_year) to 31 December of ``year_end``."""
    return year_end + 1 - (start_year + (census_month - 1) / 12)


def _totals_at(projected_totals: np.ndarray, years: list[int], start_year: int) -> np.ndarray:
    """Year-end totals ``(..., len(years))`` interpolated from five-year totals ``(..., T+1)``."""
    return np.stack([interpolate_total(projected_totals, census_offset(y, start_year)) for y in years], axis=-1)


def _horizon(years: list[int], start_year: int) -> int:
    return int(np.ceil(max(census_offset(y, start_year) for y in years) / STEP)) * STEP


def backtest(inputs: Inputs, yearend: pd.DataFrame, years: list[int], scenario: Scenario | None = None) -> pd.DataFrame:
    """Baseline totals interpolated to each year end vs the year-end series.

    ``yearend``: ``code, year, value`` (persons). Returns ``code, year, projected, observed, error,
    error_pct`` (error = projected − observed), for the regions and their total (:data:`TOTAL`).
    """
    scen = [scenario or Scenario("baseline")]
    proj = run(inputs, scen, inputs.start_year + _horizon(years, inputs.start_year))[0]  # (R, T+1, 2, A)
    totals = proj.sum(axis=(-1, -2))
    totals = np.vstack([totals, totals.sum(axis=0, keepdims=True)])
    obs = yearend.assign(code=yearend["code"].astype(str)).set_index(["code", "year"])["value"]
    rows = []
    for i, code in enumerate([*inputs.codes, TOTAL]):
        for y in years:
            if code == TOTAL:
                o = sum(float(obs.loc[(c, y)]) for c in inputs.codes)
            else:
                o = float(obs.loc[(code, y)])
            p = float(interpolate_total(totals[i], census_offset(y, inputs.start_year)))
            rows.append({"code": code, "year": y, "projected": p, "observed": o})
    out = pd.DataFrame(rows)
    out["error"] = out["projected"] - out["observed"]
    out["error_pct"] = 100 * out["error"] / out["observed"]
    return out


INTENSITY_GRID = np.linspace(-1.0, 3.0, 401)


def fit_intensity(
    inputs: Inputs, yearend: pd.DataFrame, years: list[int], grid: np.ndarray = INTENSITY_GRID
) -> np.ndarray:
    """Per region, the migration intensity (multiple of the 2010–2020 shape) that minimises the squared
    log errors of the baseline's year-end totals over ``years``: a grid search (every candidate projected at
    once, one array operation), refined by a parabola through the best grid point and its neighbours."""
    steps = _horizon(years, inputs.start_year) // STEP
    surv, bs = inputs.mortality(steps)
    mig = grid[:, None, None, None] * inputs.migration[None]  # (G, R, 2, A)
    pop = np.broadcast_to(inputs.population, mig.shape)
    tfr = inputs.tfr
    totals = project(pop, surv, mig, inputs.fertility_share, tfr, inputs.srb, steps, bs, survival_steps=True)
    totals = totals.sum(axis=(-1, -2))
    at = _totals_at(totals, years, inputs.start_year)  # (G, R, Y)
    obs = yearend.assign(code=yearend["code"].astype(str)).set_index(["code", "year"])["value"]
    o = np.array([[float(obs.loc[(c, y)]) for y in years] for c in inputs.codes])
    sse = (np.log(at / o) ** 2).sum(axis=-1)  # (G, R)
    best = np.clip(sse.argmin(axis=0), 1, len(grid) - 2)
    out = np.empty(len(inputs.codes))
    for r, j in enumerate(best):
        y0, y1, y2 = sse[j - 1, r], sse[j, r], sse[j + 1, r]
        h = grid[1] - grid[0]
        denom = y0 - 2 * y1 + y2
        out[r] = grid[j] + (0.5 * h * (y0 - y2) / denom if denom > 0 else 0.0)
        raw = sse[:, r].argmin()
        if raw in (0, len(grid) - 1):  # the optimum lies at (or beyond) the search range: report the bound
            out[r] = grid[raw]
    return np.clip(out, grid[0], grid[-1])


def implied_intensity(inputs: Inputs, yearend: pd.DataFrame, year: int) -> np.ndarray:
    """Per region, the intensity at which the baseline hits the year-end population of ``year`` exactly."""
    return fit_intensity(inputs, yearend, [year])


def natural_growth_check(inputs: Inputs) -> np.ndarray:
    """The model's natural growth rate (‰ per year) over the first step, without migration, per region:
    a check of the life table and the TFR against the vital statistics' natural growth rate."""
    closed = replace(inputs, intensity=np.zeros(len(inputs.codes)))
    totals = run(closed, [Scenario("baseline")], inputs.start_year + STEP)[0].sum(axis=(-1, -2))
    return 1000 * ((totals[:, 1] / totals[:, 0]) ** (1 / STEP) - 1)


def replay(
    population: pd.DataFrame,
    codes: tuple[str, ...],
    base_year: int = 2010,
    end_year: int = 2020,
    denominator: str = "survivors",
) -> pd.DataFrame:
    """Replay ``base_year`` → ``end_year`` in two five-year steps with the interval's own (unsmoothed) rates.

    Survival: each cohort's national ten-year census ratio, split evenly over its two steps (the square root
    per step, the open group's combined ratio for every component ending in it); migration: each cohort's
    ten-year rate ``M/(S·P)`` (``denominator="base"``: the biased ``M/P``), split the same way. Ages 10+ at the
    end (the cohorts alive at the start) must come back to the census; the children depend on fertility and
    are left out. Returns ``code, sex, age_group, replayed, observed, error_pct``.
    """
    if end_year - base_year != 2 * STEP:
        raise ProjectionError("the replay covers one ten-year census interval")
    pop = population[population["year"].isin([base_year, end_year])]
    adults = demography.survival_ratio_net_migration(pop, base_year, end_year)
    first = adults[adults["code"] == adults["code"].iloc[0]]
    s10 = first.pivot(index="sex", columns="age_group", values="survival_ratio").reindex(list(SEXES))
    s10 = s10.to_numpy(dtype=float)  # (2, A-2): end groups 10-14 … 85+
    n = len(AGE_GROUPS)
    # ratio per cohort by its base group: base groups 0..n-4 → s10[:, j]; 75+ (n-3, n-2, n-1) → the open one
    by_base = np.concatenate([s10[:, :-1], np.repeat(s10[:, -1:], 3, axis=1)], axis=1)  # (2, n)
    half = np.sqrt(by_base)
    step1 = half.copy()  # from group a at step 1: cohort based at a
    step2 = np.ones((2, n))
    step2[:, 1:] = half[:, :-1]  # from group a at step 2: cohort based at a-1
    step2[:, n - 1] = half[:, n - 1]
    surv = np.stack([step1, step2])  # (T=2, 2, A)
    m10 = ten_year_rates(pop, list(codes), base_year, end_year, old_age="observed", denominator=denominator)
    g1 = np.sqrt(1 + m10)  # (R, 2, A) by end group
    mig1 = np.ones_like(g1)
    mig1[..., : n - 1] = g1[..., 1:]  # end group g at step 1 ends the interval in g+1
    mig1[..., n - 1] = g1[..., n - 1]
    mig2 = g1.copy()
    mig2[..., 0] = 1 + m10[..., 0]  # born in step 2: one step
    mig = np.stack([mig1, mig2], axis=1) - 1  # (R, T, 2, A)
    start = np.stack([_wide(pop, base_year, c) for c in codes])
    out = project(start, surv, mig, gamma_schedule(), np.zeros(()), 1.05, 2, np.ones((2, 2)), survival_steps=True)[
        :, -1
    ]
    rows = []
    observed = np.stack([_wide(pop, end_year, c) for c in codes])
    for i, c in enumerate(codes):
        for j, sex in enumerate(SEXES):
            for a in range(2, n):
                rows.append(
                    {
                        "code": c,
                        "sex": sex,
                        "age_group": AGE_GROUPS[a],
                        "replayed": out[i, j, a],
                        "observed": observed[i, j, a],
                    }
                )
    df = pd.DataFrame(rows)
    df["error_pct"] = 100 * (df["replayed"] / df["observed"] - 1)
    return df


def mean_rate(series: pd.DataFrame, indicator: str, codes: tuple[str, ...], years: tuple[int, int]) -> np.ndarray:
    """Mean of a yearly rate over ``years`` (inclusive) per code, in the order of ``codes``."""
    df = series[(series["indicator"] == indicator) & series["year"].between(*years)]
    means = df.assign(code=df["code"].astype(str)).groupby("code")["value"].mean()
    return means.reindex(list(codes)).to_numpy(dtype=float)


# ---------------------------------------------------------------- the calibrated run (what the notebook calls)


def calibrated_inputs(
    population: pd.DataFrame,
    series: pd.DataFrame,
    life_expectancy: pd.DataFrame,
    start_year: int,
    birth_rate_years: tuple[int, int],
    mortality_years: tuple[int, int],
    fit_years: tuple[int, int],
    test_last_fit_year: int,
    old_age: str = "benchmark",
    codes: tuple[str, ...] = NORTHEAST,
) -> dict:
    """The out-of-sample test and the published calibration of the provinces ``codes`` in one call.

    Test: fertility, mortality and the intensity from the fit years up to ``test_last_fit_year`` only, the
    back-test over every fit year (the later ones out of sample). Published: everything refitted on all the fit
    years. Returns ``inputs`` (published, intensity set), ``k_test``, ``oos`` and ``backtest`` (tables of
    :func:`backtest`), ``years``."""
    years = list(range(int(fit_years[0]), int(fit_years[1]) + 1))
    base_year, _ = rates_years(start_year)
    bench = chapter_benchmark(
        population[population["year"].isin([base_year, start_year])],
        series,
        life_expectancy,
        tuple(codes),
        base_year,
        start_year,
    )
    test = build_inputs(
        population,
        series,
        life_expectancy,
        start_year,
        (birth_rate_years[0], test_last_fit_year),
        (mortality_years[0], test_last_fit_year),
        tuple(codes),
        old_age=old_age,
        benchmark=bench,
    )
    yearend = series[series["indicator"] == "yearend_population"]
    k_test = fit_intensity(test, yearend, [y for y in years if y <= test_last_fit_year])
    oos = backtest(replace(test, intensity=k_test), yearend, years)
    inputs = build_inputs(
        population,
        series,
        life_expectancy,
        start_year,
        tuple(birth_rate_years),
        tuple(mortality_years),
        tuple(codes),
        old_age=old_age,
        benchmark=bench,
    )
    inputs = replace(inputs, intensity=fit_intensity(inputs, yearend, years))
    return {
        "inputs": inputs,
        "k_test": k_test,
        "oos": oos,
        "backtest": backtest(inputs, yearend, years),
        "years": years,
    }


def policy_scenarios(
    pay_shares: np.ndarray,
    retention_share: float,
    retention_ages: tuple[int, int],
    tfr_increase: float,
    phase: tuple[int, int],
) -> dict[str, tuple[Scenario, np.ndarray | None]]:
    """The four policy scenarios with the draws of their pay lever (``None``: no pay lever): pay (the main
    model's share of net out-migration at every age, drawn per trajectory), youth retention (``retention_share``
    of net out-migration at ``retention_ages``), births (TFR + ``tfr_increase``) and all three; migration levers
    phase in over ``phase``."""
    ph: dict[str, Any] = dict(phase_start=int(phase[0]), phase_end=int(phase[1]))
    everyone: tuple[int, int | None] = (0, None)
    young: tuple[int, int | None] = (int(retention_ages[0]), int(retention_ages[1]))
    return {
        "pay": (Scenario("pay", young_ages=everyone, **ph), pay_shares),
        "retention": (Scenario("retention", young_reduction=retention_share, young_ages=young, **ph), None),
        "births": (Scenario("births", tfr_increase=tfr_increase, **ph), None),
        "all": (
            Scenario(
                "all",
                young_ages=everyone,
                graduate_reduction=retention_share,
                graduate_ages=young,
                tfr_increase=tfr_increase,
                **ph,
            ),
            pay_shares,
        ),
    }


def old_age_variant(
    population: pd.DataFrame,
    series: pd.DataFrame,
    life_expectancy: pd.DataFrame,
    inputs: Inputs,
    end_year: int,
    fit_years: list[int],
) -> tuple[str, Inputs, np.ndarray]:
    """The other 40+ treatment, calibrated the same way: ``(old_age, inputs, run (R, T+1, 2, A))``."""
    other = "observed" if inputs.notes.get("old_age") == "benchmark" else "benchmark"
    alt = build_inputs(
        population,
        series,
        life_expectancy,
        inputs.start_year,
        inputs.notes["birth_rate_years"],
        inputs.notes["mortality_years"],
        codes=inputs.codes,
        old_age=other,
        benchmark=inputs.notes.get("old_age_benchmark"),
    )
    yearend = series[series["indicator"] == "yearend_population"]
    alt = replace(alt, intensity=fit_intensity(alt, yearend, fit_years))
    return other, alt, run(alt, [Scenario("baseline")], end_year)[0]
