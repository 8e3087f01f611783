"""Intercensal net migration: census survival ratios and the vital-statistics residual.

Every function takes plain DataFrames and returns new ones, so the methods can
be checked on hand-made toy populations as well as on the census tables.

Population tables are long, one row per ``code × year × sex × age_group`` with
the columns ``code, year, sex, age_group, population`` (persons). Age groups are
five-year groups from ``0-4`` with one open-ended last group (``85+`` in the 2010
and 2020 censuses); they are read from the labels, so a future census with
another open group needs no code change.

Census survival-ratio method (e.g. Shryock & Siegel, *Methods and Materials of
Demography*, ch. on internal migration): between censuses ``t`` and ``t + 5k``,
the national ratio ``S = N_{t+5k}(a + 5k) / N_t(a)`` of each sex-specific cohort
is the share that "survives" to be counted again. It folds mortality and
differences in census coverage together, and is applied to each region's
cohort at ``t``: ``expected = S × region_t(a)``; ``net migration = observed -
expected``. With the national table equal to the sum of the regions, the
regional net migrations of every cohort add up to zero by construction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from neoutflow.reference import SEXES

POPULATION_COLUMNS = ("code", "year", "sex", "age_group", "population")
# Young adults at the second census: the ages at which people move for study and work.
YOUNG_ADULT_AGES = (20, 39)
# Women of childbearing age at the birth of the children (used for ages born in the period).
CHILDBEARING_AGES = (15, 49)

_CLOSED = re.compile(r"^(\d+)-(\d+)$")
_OPEN = re.compile(r"^(\d+)\+$")


class DemographyError(ValueError):
    """Input a demographic method cannot use, with what was expected."""


# ---------------------------------------------------------------- age groups


def age_group_bounds(label: str) -> tuple[int, int | None]:
    """``"20-24"`` → ``(20, 24)``; ``"85+"`` → ``(85, None)``."""
    text = str(label).strip()
    m = _CLOSED.match(text)
    if m:
        return int(m.group(1)), int(m.group(2))
    m = _OPEN.match(text)
    if m:
        return int(m.group(1)), None
    raise DemographyError(f"age group {label!r} is neither 'a-b' nor 'a+'")


def ordered_age_groups(labels: Iterable[str]) -> list[str]:
    """The distinct labels in age order, checked to be contiguous five-year groups
    from 0 with exactly one open-ended last group."""
    distinct = sorted({str(x) for x in labels}, key=lambda s: age_group_bounds(s)[0])
    if not distinct:
        raise DemographyError("no age groups in the data")
    for i, label in enumerate(distinct):
        low, high = age_group_bounds(label)
        if low != 5 * i:
            raise DemographyError(
                f"age groups must be contiguous five-year groups from 0; "
                f"expected one starting at {5 * i}, found {label!r} (groups: {distinct})"
            )
        last = i == len(distinct) - 1
        if high is None and not last:
            raise DemographyError(f"open-ended group {label!r} is not the last one")
        if high is not None and (last or high != low + 4):
            raise DemographyError(
                f"age group {label!r} is not a five-year group"
                if not last
                else f"the last age group {label!r} must be open-ended (like '85+')"
            )
    return distinct


def _groups_in(ages: Sequence[str], low: int, high: int) -> list[str]:
    """The groups lying wholly within ages ``low``–``high``; error if the bounds cut a group."""
    chosen = []
    for g in ages:
        a, b = age_group_bounds(g)
        b = np.inf if b is None else b
        if a >= low and b <= high:
            chosen.append(g)
        elif a <= high and b >= low:
            raise DemographyError(f"ages {low}–{high} cut the age group {g!r}")
    if not chosen:
        raise DemographyError(f"no age group lies within ages {low}–{high}")
    return chosen


# ---------------------------------------------------------------- checks


def _interval_groups(base_year: int, end_year: int) -> int:
    """Number of five-year age groups a cohort moves up between the censuses."""
    gap = int(end_year) - int(base_year)
    if gap <= 0 or gap % 5:
        raise DemographyError(
            f"the interval {base_year}–{end_year} ({gap} years) must be a positive multiple "
            "of 5 years, so that five-year cohorts map onto five-year age groups"
        )
    return gap // 5


def _check_population(population: pd.DataFrame, years: Sequence[int], what: str) -> pd.DataFrame:
    """The rows of ``years``, validated: columns, sexes, no gaps, no duplicates, counts ≥ 0."""
    if not isinstance(population, pd.DataFrame):
        raise DemographyError(f"{what} must be a DataFrame, got {type(population).__name__}")
    missing = [c for c in POPULATION_COLUMNS if c not in population.columns]
    if missing:
        raise DemographyError(f"{what} lacks columns {missing}; expected {list(POPULATION_COLUMNS)}")
    df = population.loc[:, list(POPULATION_COLUMNS)].copy()
    df["code"] = df["code"].astype(str)
    df["age_group"] = df["age_group"].astype(str)
    df["sex"] = df["sex"].astype(str)
    df["year"] = pd.to_numeric(df["year"], errors="raise").astype(int)
    present = sorted(int(y) for y in df["year"].unique())
    absent = [y for y in years if y not in present]
    if absent:
        raise DemographyError(f"{what} has no rows for year(s) {absent}; years present: {present}")
    df = df[df["year"].isin(years)]
    bad_sex = sorted(set(df["sex"]) - set(SEXES))
    if bad_sex:
        raise DemographyError(f"{what}: sex must be one of {SEXES}, found {bad_sex}")
    values = pd.to_numeric(df["population"], errors="coerce")
    if values.isna().any():
        row = df[values.isna()].iloc[0]
        raise DemographyError(f"{what}: population missing or not numeric at {row.to_dict()}")
    if (values < 0).any():
        row = df[values < 0].iloc[0]
        raise DemographyError(f"{what}: negative population at {row.to_dict()}")
    df["population"] = values.astype(float)
    keys = ["code", "year", "sex", "age_group"]
    dup = df.duplicated(keys, keep=False)
    if dup.any():
        raise DemographyError(f"{what}: duplicate rows for {df.loc[dup, keys].iloc[0].to_dict()}")
    return df


def _wide(df: pd.DataFrame, year: int, ages: list[str], what: str) -> pd.DataFrame:
    """Persons by (code, sex) × age group for one year; every group must be present."""
    part = df[df["year"] == year]
    wide = part.pivot(index=["code", "sex"], columns="age_group", values="population")
    wide = wide.reindex(columns=ages)
    gaps = wide.isna()
    if gaps.any().any():
        (code, sex), row = next((idx, r) for idx, r in gaps.iterrows() if r.any())
        raise DemographyError(f"{what}: region {code}, {sex}, {year} lacks age group(s) {list(row[row].index)}")
    return wide


# ---------------------------------------------------------------- survival ratios


def _cohort_matrix(base: np.ndarray, k: int) -> np.ndarray:
    """Base-year persons regrouped by the age group they reach ``k`` groups later.

    Column ``j`` is the cohort reaching end group ``k + j``; the last column
    gathers every base group that ends in the open group.
    """
    n = base.shape[1]
    closed = base[:, : n - 1 - k]
    open_end = base[:, n - 1 - k :].sum(axis=1, keepdims=True)
    return np.hstack([closed, open_end])


def _reference_population(base, end, national, years: list[int], ages: list[str]):
    """The reference population's base and end tables (sex × age): the regions' sum, or ``national`` checked."""
    if national is None:
        return base.groupby(level="sex").sum(), end.groupby(level="sex").sum()
    nat = _check_population(national, years, "national population")
    if nat["code"].nunique() != 1:
        raise DemographyError(
            f"national population must hold one reference population, found codes {sorted(nat['code'].unique())}"
        )
    nat_ages = ordered_age_groups(nat["age_group"])
    if nat_ages != ages:
        raise DemographyError(f"national age groups {nat_ages} differ from the regions' {ages}")
    nat_base = _wide(nat, years[0], ages, "national population").droplevel("code")
    nat_end = _wide(nat, years[1], ages, "national population").droplevel("code")
    return nat_base, nat_end


def survival_ratio_net_migration(
    population: pd.DataFrame, base_year: int, end_year: int, national: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Net migration by region × sex × age at ``end_year`` with national census survival ratios.

    ``population``: long table (``code, year, sex, age_group, population``) of the
    regions, both years, every age group. ``national``: the same columns for one
    reference population (``code`` may be any single value); when omitted it is
    the sum of the regions given, and the net migrations then add up to zero over
    the regions for every sex and age. An explicit national table (e.g. with the
    army and persons of undetermined residence) breaks that identity on purpose.

    Only ages ≥ 5k at ``end_year`` (10+ for a ten-year interval) are covered:
    younger persons were born during the period and have no base-year cohort
    (see :func:`child_net_migration` for a separate, rougher estimate).

    Returns ``code, sex, age_group`` (at ``end_year``, ordered categorical),
    ``base_age_group`` (the cohort's group at ``base_year``), ``base_population``,
    ``survival_ratio``, ``expected``, ``observed``, ``net_migration`` (persons).
    """
    k = _interval_groups(base_year, end_year)
    years = [int(base_year), int(end_year)]
    df = _check_population(population, years, "population")
    ages = ordered_age_groups(df["age_group"])
    if k >= len(ages):
        raise DemographyError(f"an interval of {5 * k} years leaves no cohort inside the age groups {ages}")
    base = _wide(df, years[0], ages, "population")
    end = _wide(df, years[1], ages, "population")
    only = base.index.symmetric_difference(end.index)
    if len(only):
        raise DemographyError(f"regions/sexes present in only one census year: {list(only)}")
    end = end.reindex(base.index)

    nat_base, nat_end = _reference_population(base, end, national, years, ages)
    sexes = base.index.get_level_values("sex")
    lacking = sorted(set(sexes) - set(nat_base.index))
    if lacking:
        raise DemographyError(f"national population lacks sex(es) {lacking}")

    end_ages = ages[k:]
    nat_cohort = _cohort_matrix(nat_base.to_numpy(), k)
    nat_observed = nat_end.to_numpy()[:, k:]
    if (nat_cohort <= 0).any():
        raise DemographyError("a national base-year cohort is empty: survival ratios undefined")
    ratios = pd.DataFrame(nat_observed / nat_cohort, index=nat_base.index, columns=end_ages)

    cohort = _cohort_matrix(base.to_numpy(), k)
    surv = ratios.reindex(sexes).to_numpy()
    expected = cohort * surv
    observed = end.to_numpy()[:, k:]
    n = len(ages)
    base_labels = ages[: n - 1 - k] + [f"{age_group_bounds(ages[n - 1 - k])[0]}+"]

    shape = cohort.shape
    out = pd.DataFrame(
        {
            "code": np.repeat(base.index.get_level_values("code").to_numpy(), shape[1]),
            "sex": np.repeat(sexes.to_numpy(), shape[1]),
            "age_group": np.tile(end_ages, shape[0]),
            "base_age_group": np.tile(base_labels, shape[0]),
            "base_population": cohort.ravel(),
            "survival_ratio": surv.ravel(),
            "expected": expected.ravel(),
            "observed": observed.ravel(),
        }
    )
    out["net_migration"] = out["observed"] - out["expected"]
    out["code"] = out["code"].astype(str)
    out["sex"] = out["sex"].astype(str)
    out["base_age_group"] = out["base_age_group"].astype(str)
    out["age_group"] = pd.Categorical(out["age_group"], categories=end_ages, ordered=True)
    return out.sort_values(["code", "sex", "age_group"], ignore_index=True)


def child_net_migration(
    population: pd.DataFrame,
    base_year: int,
    end_year: int,
    national: pd.DataFrame | None = None,
    childbearing_ages: tuple[int, int] = CHILDBEARING_AGES,
) -> pd.DataFrame:
    """Rough net migration of children born during the period (ages < 5k at ``end_year``).

    They have no base-year cohort. Assumption (the child-woman-ratio method):
    children move with their mothers, so a region's net migration of children in
    group ``g`` is its own ratio of those children to the women who bore them
    (childbearing ages at the birth, i.e. ``15+5g``–``49+5g`` at ``end_year``)
    times the survival-ratio net migration of those women. Using the region's own
    ratio keeps low-fertility regions (the Northeast) from showing their missing
    births as migration; the price is that the estimate no longer sums to zero.
    Kept apart from the primary (ages ≥ 5k) measure. In an interval longer than 15 years the youngest
    childbearing ages at ``end_year`` were themselves born in the period and have no survival-ratio
    migration: the window is cut at age 5k (the ratio and the women's migration use the same cut window).

    Returns ``code, sex, age_group, observed, mothers, mothers_net_migration,
    child_woman_ratio, net_migration``.
    """
    k = _interval_groups(base_year, end_year)
    adults = survival_ratio_net_migration(population, base_year, end_year, national)
    df = _check_population(population, [int(end_year)], "population")
    ages = ordered_age_groups(df["age_group"])
    women = adults[adults["sex"] == "female"]
    frames = []
    for g, child_group in enumerate(ages[:k]):
        low, high = childbearing_ages[0] + 5 * g, childbearing_ages[1] + 5 * g
        mothers_groups = [a for a in _groups_in(ages, low, high) if age_group_bounds(a)[0] >= 5 * k]
        if not mothers_groups:
            raise DemographyError(
                f"mothers of children aged {child_group} (ages {low}–{high} at {end_year}) were all born in "
                f"the period; the interval is too long for this estimate"
            )
        w = (
            women[women["age_group"].astype(str).isin(mothers_groups)]
            .groupby("code")[["observed", "net_migration"]]
            .sum()
        )
        kids = df[df["age_group"] == child_group].groupby(["code", "sex"], as_index=False)["population"].sum()
        kids = kids.rename(columns={"population": "observed"})
        kids["mothers"] = kids["code"].map(w["observed"])
        kids["mothers_net_migration"] = kids["code"].map(w["net_migration"])
        if (kids["mothers"] <= 0).any():
            raise DemographyError(
                f"no women aged {low}–{high} in region(s) {list(kids.loc[kids['mothers'] <= 0, 'code'])}"
            )
        kids["child_woman_ratio"] = kids["observed"] / kids["mothers"]
        kids["net_migration"] = kids["child_woman_ratio"] * kids["mothers_net_migration"]
        kids.insert(2, "age_group", child_group)
        frames.append(kids)
    out = pd.concat(frames, ignore_index=True)
    out["age_group"] = pd.Categorical(out["age_group"], categories=ages[:k], ordered=True)
    return out.sort_values(["code", "sex", "age_group"], ignore_index=True)


# ---------------------------------------------------------------- residual method


def _series(frame: pd.DataFrame, indicator: str, what: str) -> pd.Series:
    """A ``code × year`` series from a long (``indicator, value``), plain ``value`` or wide frame."""
    if not isinstance(frame, pd.DataFrame):
        raise DemographyError(f"{what} must be a DataFrame, got {type(frame).__name__}")
    df = frame
    if "indicator" in df.columns:
        df = df[df["indicator"] == indicator]
        col = "value"
    elif indicator in df.columns:
        col = indicator
    else:
        col = "value"
    for c in ("code", "year", col):
        if c not in df.columns:
            raise DemographyError(f"{what} lacks column {c!r} (or rows of indicator {indicator!r})")
    s = df.assign(code=df["code"].astype(str), year=df["year"].astype(int)).set_index(["code", "year"])[col]
    if s.index.duplicated().any():
        raise DemographyError(f"{what}: duplicate code × year rows, e.g. {s.index[s.index.duplicated()][0]}")
    return pd.to_numeric(s, errors="raise").astype(float)


# The censuses count the population at 00:00 on 1 November; a calendar year's
# natural increase is weighted by the share of it that falls inside the period.
CENSUS_MONTH = 11


def period_year_weights(base_year: int, end_year: int, census_month: int = CENSUS_MONTH) -> pd.Series:
    """Share of each calendar year inside (1 <month> base_year, 1 <month> end_year).

    For 1 Nov 2010 – 1 Nov 2020: 2010 counts 2/12 (Nov, Dec), 2011–2019 fully,
    2020 counts 10/12 (Jan–Oct); the weights add up to the ten years.
    """
    if end_year <= base_year:
        raise DemographyError(f"end_year {end_year} must come after base_year {base_year}")
    before = (census_month - 1) / 12  # months of the census year before the count
    weights = {base_year: 1 - before, end_year: before}
    weights.update({y: 1.0 for y in range(base_year + 1, end_year)})
    return pd.Series(weights, name="weight").sort_index()


def residual_net_migration(
    census_totals: pd.DataFrame,
    natural_growth_rates: pd.DataFrame,
    yearend_population: pd.DataFrame,
    base_year: int,
    end_year: int,
    census_month: int = CENSUS_MONTH,
) -> pd.DataFrame:
    """Net migration as the part of the census-to-census change not explained by natural increase.

    ``natural increase of year y = natural_growth_rate_y (‰) / 1000 × mean population of y``,
    the mean being the average of the year-end populations of ``y - 1`` and ``y``
    (the NBS rates are per mean population). Years are weighted by their share of
    the intercensal period (:func:`period_year_weights`: censuses on 1 November).

    Choices to keep in mind when reading the result: the vital rates come from the
    annual sample surveys and were not revised after the 2020 census, while the
    year-end series was; the census change includes any change in census coverage;
    so the residual absorbs coverage and registration errors as well as migration.

    ``census_totals``: ``code, year, population``. ``natural_growth_rates``: ``code,
    year`` and the rate (long with ``indicator == "natural_growth_rate"``, or a
    ``natural_growth_rate``/``value`` column). ``yearend_population``: likewise
    (``yearend_population``, persons). Returns ``code, census_base, census_end,
    census_change, natural_increase, net_migration`` for the regions present in all three.
    """
    census = _series(census_totals, "population", "census_totals")
    rates = _series(natural_growth_rates, "natural_growth_rate", "natural_growth_rates")
    yearend = _series(yearend_population, "yearend_population", "yearend_population")
    weights = period_year_weights(int(base_year), int(end_year), census_month)
    needed_years = list(range(int(base_year) - 1, int(end_year) + 1))

    codes = sorted(set(census.index.get_level_values("code")))
    rows = []
    for code in codes:
        try:
            base, end = census.loc[(code, int(base_year))], census.loc[(code, int(end_year))]
        except KeyError:
            raise DemographyError(f"census_totals lacks {code} in {base_year} or {end_year}") from None
        if code not in rates.index.get_level_values("code"):
            continue  # a region without vital statistics (e.g. a prefecture) is left out
        r, p = rates.loc[code], yearend.loc[code] if code in yearend.index.get_level_values("code") else None
        missing_r = [y for y in weights.index if y not in r.index]
        missing_p = needed_years if p is None else [y for y in needed_years if y not in p.index]
        if missing_r or missing_p:
            raise DemographyError(
                f"region {code}: natural growth rates missing for {missing_r}, "
                f"year-end population missing for {missing_p}"
            )
        mean_pop = pd.Series({y: (p.loc[y - 1] + p.loc[y]) / 2 for y in weights.index})
        natural = float((r.loc[weights.index] / 1000 * mean_pop * weights).sum())
        rows.append(
            {
                "code": code,
                "census_base": base,
                "census_end": end,
                "census_change": end - base,
                "natural_increase": natural,
                "net_migration": end - base - natural,
            }
        )
    if not rows:
        raise DemographyError("no region has both census totals and vital statistics")
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- summaries


def population_change(census_totals: pd.DataFrame, base_year: int, end_year: int) -> pd.DataFrame:
    """``code, population_base, population_end, population_change, population_change_pct``."""
    s = _series(census_totals, "population", "census_totals")
    wide = s.unstack("year")
    for y in (base_year, end_year):
        if y not in wide.columns:
            raise DemographyError(f"census_totals has no year {y}; years present: {sorted(wide.columns)}")
    wide = wide[[base_year, end_year]].dropna()
    out = pd.DataFrame(
        {
            "code": wide.index.astype(str),
            "population_base": wide[base_year].to_numpy(),
            "population_end": wide[end_year].to_numpy(),
        }
    )
    out["population_change"] = out["population_end"] - out["population_base"]
    out["population_change_pct"] = 100 * out["population_change"] / out["population_base"]
    return out


def _young_groups(net: pd.DataFrame, young_adult_ages: tuple[int, int]) -> list[str]:
    ages = (
        list(net["age_group"].cat.categories)
        if isinstance(net["age_group"].dtype, pd.CategoricalDtype)
        else ordered_age_groups(net["age_group"])
    )
    return _groups_in(ages, *young_adult_ages)


def summarise_net_migration(
    net: pd.DataFrame,
    residual: pd.DataFrame | None = None,
    young_adult_ages: tuple[int, int] = YOUNG_ADULT_AGES,
    groups: dict[str, str] | None = None,
) -> pd.DataFrame:
    """One row per region (or per group of regions) from :func:`survival_ratio_net_migration`.

    Columns: ``base_population`` (everyone at the base census: all its cohorts
    survive into the covered ages), ``expected`` and ``observed`` (persons of the
    covered ages at the end census), ``net_migration``, ``net_migration_rate`` (% of
    ``base_population``), ``young_adult_base_population`` (the base-year cohort of
    those aged 20–39 at the end), ``young_adult_net_migration``,
    ``young_adult_net_migration_rate`` (% of that cohort), ``young_adult_share`` (%
    of the net migration); with ``residual``: ``residual_net_migration`` and
    ``residual_net_migration_rate`` (% of the base census total).

    ``groups`` maps codes to group names (e.g. the Northeast); regions not in it
    are dropped, and sums are taken over the group.
    """
    need = {"code", "age_group", "base_population", "expected", "observed", "net_migration"}
    if not need <= set(net.columns):
        raise DemographyError(f"net migration table lacks {sorted(need - set(net.columns))}")
    df = net.copy()
    df["code"] = df["code"].astype(str)
    key = "code"
    if groups is not None:
        df["group"] = df["code"].map(groups)
        df = df.dropna(subset=["group"])
        key = "group"
    young = _young_groups(net, young_adult_ages)
    df["is_young"] = df["age_group"].astype(str).isin(young)
    cols = ["base_population", "expected", "observed", "net_migration"]
    total = df.groupby(key)[cols].sum()
    yng = df[df["is_young"]].groupby(key)[["base_population", "net_migration"]].sum()
    out = total.copy()
    out["net_migration_rate"] = 100 * out["net_migration"] / out["base_population"]
    out["young_adult_base_population"] = yng["base_population"]
    out["young_adult_net_migration"] = yng["net_migration"]
    out["young_adult_net_migration_rate"] = 100 * yng["net_migration"] / yng["base_population"]
    out["young_adult_share"] = 100 * yng["net_migration"] / out["net_migration"]
    if residual is not None:
        res = residual.assign(code=residual["code"].astype(str))
        if groups is not None:
            res = res.assign(group=res["code"].map(groups)).dropna(subset=["group"])
        res = res.groupby(key)[["census_base", "net_migration"]].sum(min_count=1)
        out["residual_net_migration"] = res["net_migration"]
        out["residual_net_migration_rate"] = 100 * res["net_migration"] / res["census_base"]
    return out.reset_index()


def net_migration_rates_by_age(
    net: pd.DataFrame, groups: dict[str, str] | None = None, by_sex: bool = True
) -> pd.DataFrame:
    """Net migration rate (% of the base-year cohort) by age at the end census.

    ``groups`` maps codes to group names (e.g. "东北三省", "其他省份"); without it
    each region is its own group. Returns ``group, [sex,] age_group, base_population,
    net_migration, net_migration_rate``.
    """
    df = net.copy()
    df["group"] = df["code"].astype(str).map(groups) if groups is not None else df["code"].astype(str)
    df = df.dropna(subset=["group"])
    keys = ["group", "sex", "age_group"] if by_sex else ["group", "age_group"]
    out = df.groupby(keys, observed=True)[["base_population", "net_migration"]].sum().reset_index()
    out["net_migration_rate"] = 100 * out["net_migration"] / out["base_population"]
    return out
