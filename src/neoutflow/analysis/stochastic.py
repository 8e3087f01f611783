"""Monte Carlo projection: fertility, mortality level and migration intensity drawn with spreads from the data.

Three sources of uncertainty, each a draw per trajectory (seeded ``numpy.random.Generator``), shared by the
provinces of a trajectory (a common shock: the Northeast's band is not narrowed by independence):

* **Fertility**: the TFR follows a random walk in logs, one innovation per five-year step with standard
  deviation ``σ_TFR·√5``, where ``σ_TFR`` is the standard deviation of the yearly change in the log crude
  birth rate over recent years (:func:`spreads`), averaged over the provinces.
* **Mortality level**: the Gompertz levels times ``exp(σ_μ·z)``, ``σ_μ`` the standard deviation of the log
  level fitted to each recent year's registered deaths separately.
* **Migration intensity**: the calibrated intensity plus ``σ_k·z``, ``σ_k`` the standard deviation of the
  yearly residual net migration rate (year-end change minus natural increase) in units of the intensity
  (the yearly rate at intensity 1), held for the whole horizon (persistent: a pessimistic spread).

Survival for a draw's mortality level is interpolated (linear in the log factor) from life tables on a grid
of level factors, so thousands of trajectories cost a few array operations.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from neoutflow.analysis import lifetable as lt
from neoutflow.analysis import projection as pj

DRAWS = 1000
LEVEL_GRID = 41
LEVEL_SPAN = 4.5  # grid of level factors exp(±4.5σ)


@dataclass(frozen=True)
class Spreads:
    tfr: float  # sd of yearly change in log CBR
    mortality: float  # sd of the log level across years
    migration: np.ndarray  # (R,) sd of the intensity
    tfr_years: tuple[int, int]
    mortality_years: tuple[int, int]
    migration_years: tuple[int, int]


def yearly_residual_migration(series: pd.DataFrame, codes, years: tuple[int, int]) -> pd.DataFrame:
    """``code, year, rate``: (P_t − P_{t−1} − natural increase) / mean population, per year, from the
    year-end series and the natural growth rate (‰)."""
    ye = series[series["indicator"] == "yearend_population"].assign(code=lambda d: d["code"].astype(str))
    ng = series[series["indicator"] == "natural_growth_rate"].assign(code=lambda d: d["code"].astype(str))
    ye = ye.pivot(index="year", columns="code", values="value")
    ng = ng.pivot(index="year", columns="code", values="value")
    rows = []
    for c in codes:
        for y in range(years[0], years[1] + 1):
            if y in ye.index and y - 1 in ye.index and y in ng.index and pd.notna(ng.loc[y, c]):
                mean = (ye.loc[y, c] + ye.loc[y - 1, c]) / 2
                rows.append(
                    {"code": c, "year": y, "rate": (ye.loc[y, c] - ye.loc[y - 1, c]) / mean - ng.loc[y, c] / 1000}
                )
    return pd.DataFrame(rows)


def intensity_unit(inputs: pj.Inputs) -> np.ndarray:
    """Yearly net migration rate (share of the population) at intensity 1, per region: the start population's
    five-year net migration under the shape, over five years."""
    moved = (inputs.population * inputs.migration).sum(axis=(-1, -2))
    return moved / inputs.population.sum(axis=(-1, -2)) / pj.STEP


def spreads(
    inputs: pj.Inputs,
    population: pd.DataFrame,
    series: pd.DataFrame,
    life_expectancy: pd.DataFrame,
    tfr_years: tuple[int, int] = (2013, 2023),
    mortality_years: tuple[int, int] = (2019, 2023),
    migration_years: tuple[int, int] = (2015, 2023),
) -> Spreads:
    """The three spreads, from the yearly series (see the module docstring)."""
    cbr = series[(series["indicator"] == "birth_rate") & series["year"].between(*tfr_years)]
    cbr = cbr.assign(code=cbr["code"].astype(str))
    cbr = cbr[cbr["code"].isin(inputs.codes)].pivot(index="year", columns="code", values="value")
    tfr_sd = float(np.log(cbr).diff().std().mean())
    logs = []
    for y in range(mortality_years[0], mortality_years[1] + 1):
        fit = lt.fit_levels(population, series, life_expectancy, inputs.codes, (y, y), inputs.start_year)
        logs.append(np.log(fit.groupby("code", sort=False)["multiplier"].first().to_numpy()))
    mort_sd = float(np.std(np.array(logs), axis=0, ddof=1).mean())
    res = yearly_residual_migration(series, inputs.codes, migration_years)
    sd = res.groupby("code")["rate"].std().reindex(list(inputs.codes)).to_numpy()
    return Spreads(tfr_sd, mort_sd, sd / np.abs(intensity_unit(inputs)), tfr_years, mortality_years, migration_years)


def draws(n: int, steps: int, seed: int) -> dict[str, np.ndarray]:
    """Standard normal draws: ``tfr (n, steps)``, ``mortality (n,)``, ``migration (n,)`` (the pay lever's draws
    come from the wild bootstrap of its model, :func:`neoutflow.analysis.projection.pay_effect`)."""
    rng = np.random.default_rng(seed)
    return {
        "tfr": rng.standard_normal((n, steps)),
        "mortality": rng.standard_normal(n),
        "migration": rng.standard_normal(n),
    }


def _survival_grid(inputs: pj.Inputs, steps: int, sd: float):
    logf = np.linspace(-LEVEL_SPAN * max(sd, 1e-6), LEVEL_SPAN * max(sd, 1e-6), LEVEL_GRID)
    surv, bs = inputs.mortality(steps, np.exp(logf)[:, None])  # (G, R, T, 2, A), (G, R, T, 2)
    return logf, surv, bs


def _interp(logf: np.ndarray, grid: np.ndarray, x: np.ndarray) -> np.ndarray:
    pos = np.clip(np.interp(x, logf, np.arange(len(logf))), 0, len(logf) - 1 - 1e-9)
    i = pos.astype(int)
    w = (pos - i).reshape((-1,) + (1,) * (grid.ndim - 1))
    return grid[i] * (1 - w) + grid[i + 1] * w


def simulate(
    inputs: pj.Inputs,
    sp: Spreads,
    end_year: int,
    n: int = DRAWS,
    seed: int = 0,
    scenario: pj.Scenario | None = None,
    lever_draws: np.ndarray | None = None,
    tfr_target_year: int = 2030,
    z: dict | None = None,
) -> np.ndarray:
    """``n`` trajectories ``(n, R, T+1, 2, A)``. ``scenario`` applies its levers on every trajectory;
    ``lever_draws (n, R)``: per-draw shares for its ``young_reduction`` (the coefficient's uncertainty).
    The same ``seed`` (or ``z``) gives the same fertility, mortality and migration draws, so a scenario's
    difference from the baseline is taken trajectory by trajectory."""
    steps = (end_year - inputs.start_year) // pj.STEP
    z = z or draws(n, steps, seed)
    scen = scenario or pj.Scenario("baseline")
    # fertility: random walk in logs, shared by the provinces
    walk = np.cumsum(sp.tfr * np.sqrt(pj.STEP) * z["tfr"], axis=1)  # (n, T)
    base_tfr = pj.tfr_path(
        inputs.tfr, scen.tfr_increase, scen.phase_start or inputs.start_year, tfr_target_year, steps, inputs.start_year
    )  # (R, T)
    tfr = base_tfr[None] * np.exp(walk)[:, None, :]  # (n, R, T)
    # mortality level
    logf, sgrid, bgrid = _survival_grid(inputs, steps, sp.mortality)
    x = sp.mortality * z["mortality"]
    surv, bs = _interp(logf, sgrid, x), _interp(logf, bgrid, x)  # (n, R, T, 2, A), (n, R, T, 2)
    # migration intensity
    k = inputs.k()[None, :] + sp.migration[None, :] * z["migration"][:, None]  # (n, R)
    rates = k[:, :, None, None] * inputs.migration[None]  # (n, R, 2, A)
    if lever_draws is None:
        mig = scen.migration_path(rates, inputs.start_year, steps)  # (n, R, T, 2, A)
    else:
        phase = scen.phase(inputs.start_year, steps)
        young = pj.age_mask(*scen.young_ages)
        mig = np.stack(
            [np.where(rates < 0, rates * (1 - f * lever_draws[:, :, None, None] * young), rates) for f in phase],
            axis=2,
        )
        if scen.graduate_reduction:
            grad = pj.age_mask(*scen.graduate_ages)
            mig = np.where(mig < 0, mig * (1 - phase[None, None, :, None, None] * scen.graduate_reduction * grad), mig)
    pop = np.broadcast_to(inputs.population, (n, *inputs.population.shape))
    return pj.project(pop, surv, mig, inputs.fertility_share, tfr, inputs.srb, steps, bs, survival_steps=True)


def variants(inputs: pj.Inputs, sp: Spreads, end_year: int, z_value: float = 1.2816) -> dict[str, np.ndarray]:
    """Deterministic high and low variants ``(R, T+1, 2, A)``: all three inputs at the ``z_value`` quantile
    (the 80% ends) in the direction that raises (``high``) or lowers (``low``) the population."""
    steps = (end_year - inputs.start_year) // pj.STEP
    t = np.arange(1, steps + 1)
    direction = np.sign(intensity_unit(inputs))  # intensity 1 is net out-migration where negative
    out = {}
    for name, sign in (("high", 1.0), ("low", -1.0)):
        # log TFR at each step at its marginal quantile: innovations whose running sum is z·√t
        z = {
            "tfr": (sign * z_value * (np.sqrt(t) - np.sqrt(t - 1)))[None, :],
            "mortality": np.array([-sign * z_value]),
            "migration": np.zeros(1),
        }
        shifted = replace(inputs, intensity=inputs.k() + sign * z_value * sp.migration * direction)
        out[name] = simulate(shifted, sp, end_year, 1, z=z)[0]
    return out


def bands(values: np.ndarray, levels=(0.8, 0.95)) -> dict[str, np.ndarray]:
    """Median and central intervals over the first axis: ``median``, ``lo80``, ``hi80``, ``lo95``, ``hi95``."""
    out = {"median": np.median(values, axis=0)}
    for lev in levels:
        tail = (1 - lev) / 2 * 100
        tag = int(round(lev * 100))
        out[f"lo{tag}"], out[f"hi{tag}"] = np.percentile(values, [tail, 100 - tail], axis=0)
    return out


def scenario_runs(
    inputs: pj.Inputs,
    sp: Spreads,
    end_year: int,
    n: int,
    z: dict,
    scens: dict[str, tuple[pj.Scenario, np.ndarray | None]],
    tfr_target_year: int = 2030,
) -> dict[str, np.ndarray]:
    """Each scenario on the same draws ``z`` as the baseline (common random numbers): ``{name: (n, R, T+1, 2, A)}``."""
    return {
        name: simulate(inputs, sp, end_year, n, z=z, scenario=scen, lever_draws=draws_, tfr_target_year=tfr_target_year)
        for name, (scen, draws_) in scens.items()
    }
