"""The two-period province panel (analysis.persistence) and its wild bootstrap p-values, re-derived with
plain numpy/pandas: the residual rates, the fixed-effects slope as a first difference, the lagged model,
and a seeded numpy wild restricted bootstrap of the same hypotheses."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from neoutflow import data
from neoutflow.analysis import persistence as pe
from neoutflow.outputs import persistence_report as pr


@pytest.fixture(scope="module")
def shipped():
    totals = data.load_census_totals("province")
    series = data.load_province_series()
    codes = sorted(data.load_regions().query("level == 'province'")["code"].astype(str))
    return totals, series, codes, pe.panel(totals, series, codes)


def test_interpolated_yearend_on_a_toy():
    """SYNTHETIC: census 100 at 2000 + 10/12, first year-end figure 121 for 2005 (time 2006): the missing
    year-ends lie on the log-linear path between the two."""
    totals = pd.DataFrame({"code": ["1"], "year": [2000], "population": [100.0]})
    series = pd.DataFrame({"code": "1", "year": range(2005, 2011), "indicator": "yearend_population", "value": 121.0})
    out = pe.filled_yearend(series, totals, 2000, 2010).set_index("year")["value"]
    t0, t1 = 2000 + 10 / 12, 2006.0
    for y in range(1999, 2005):
        expected = 100 * (121 / 100) ** ((y + 1 - t0) / (t1 - t0))
        assert out[y] == pytest.approx(expected, rel=1e-12)
    assert out[2007] == 121.0


def _residual_rate(totals, series, code, base, end):
    """Plain pandas: census change minus natural increase, as % of the base census (weights 2/12 and 10/12
    for the census years), year-end population interpolated as documented where it is not shipped."""
    pop = totals[totals["code"].astype(str) == code].set_index("year")["population"]
    s = series[series["code"].astype(str) == code]
    rate = s[s["indicator"] == "natural_growth_rate"].set_index("year")["value"]
    ye = s[s["indicator"] == "yearend_population"].set_index("year")["value"]
    first = ye.index.min()

    def yearend(y):
        if y in ye.index:
            return ye[y]
        w = (y + 1 - (base + 10 / 12)) / (first + 1 - (base + 10 / 12))
        return pop[base] * (ye[first] / pop[base]) ** w

    natural = 0.0
    for y in range(base, end + 1):
        weight = 2 / 12 if y == base else 10 / 12 if y == end else 1.0
        r = rate.get(y, rate[rate.index[np.argmin(abs(rate.index - y))]])
        natural += weight * r / 1000 * (yearend(y - 1) + yearend(y)) / 2
    return 100 * (pop[end] - pop[base] - natural) / pop[base]


def test_panel_rates_match_an_independent_computation(shipped):
    totals, series, _, long = shipped
    got = long.set_index(["code", "base_year"])["rate"]
    for code in ("210000", "230000", "440000", "610000"):
        for base, end in pe.PERIODS:
            assert got[(code, base)] == pytest.approx(_residual_rate(totals, series, code, base, end), abs=1e-9)
    assert len(long) == 2 * 31 and not long.isna().any().any()


def test_models_match_numpy(shipped):
    *_, long = shipped
    fits = pe.fit_models(long)
    w = pe.wide(long)
    # fixed effects with two periods = the first-difference slope
    dy, dx = w["rate_late"] - w["rate_early"], w["wage_late"] - w["wage_early"]
    xd = np.column_stack([np.ones(len(dx)), dx])
    b_fd = np.linalg.lstsq(xd, dy.to_numpy(), rcond=None)[0]
    assert fits["fe"].params["wage"] == pytest.approx(b_fd[1], rel=1e-9)
    x = np.column_stack([np.ones(len(w)), w["wage_late"], w["rate_early"]])
    b = np.linalg.lstsq(x, w["rate_late"].to_numpy(), rcond=None)[0]
    assert fits["lagged"].params[["Intercept", "wage", "rate_early"]].to_numpy() == pytest.approx(b, rel=1e-9)
    assert pe.persistence_correlation(long) == pytest.approx(np.corrcoef(w["rate_early"], w["rate_late"])[0, 1])


def _numpy_wild_p(x, y, j, reps, seed):
    """Wild restricted bootstrap (Rademacher, null imposed, HC1 t) of β_j = 0, in plain numpy."""
    n, k = x.shape

    def t_stat(yy):
        xtx_inv = np.linalg.inv(x.T @ x)
        b = xtx_inv @ x.T @ yy
        u = yy - x @ b
        v = xtx_inv @ (x.T * u**2) @ x @ xtx_inv * n / (n - k)
        return b[j] / np.sqrt(v[j, j])

    xr = np.delete(x, j, axis=1)
    br = np.linalg.lstsq(xr, y, rcond=None)[0]
    fitted, resid = xr @ br, y - xr @ br
    rng = np.random.default_rng(seed)
    t0 = t_stat(y)
    ts = np.array([t_stat(fitted + resid * rng.choice([-1.0, 1.0], n)) for _ in range(reps)])
    return float(np.mean(np.abs(ts) >= abs(t0)))


def test_wild_pvalues_match_a_numpy_bootstrap(shipped):
    *_, long = shipped
    wild = pr.wild_pvalues(long, reps=999, seed=7)
    w = pe.wide(long)
    x = np.column_stack([np.ones(len(w)), w["wage_late"], w["rate_early"]])
    p_np = _numpy_wild_p(x, w["rate_late"].to_numpy(), 1, 999, 11)
    # Different random draws and the package takes the larger of two weight types: agree within Monte Carlo error
    assert wild[("lagged", "wage")] == pytest.approx(p_np, abs=0.03)
    x1 = x[:, :2]
    assert wild[("cross", "wage")] == pytest.approx(_numpy_wild_p(x1, w["rate_late"].to_numpy(), 1, 999, 11), abs=0.02)


def test_table_stars_follow_the_wild_pvalues_the_text_quotes(shipped, tmp_path):
    """The persistence table's stars come from the p-values handed to it (the wild bootstrap's, which the
    text quotes), not from the HC3 t-tests: flipping one p flips its star, a term without one has none."""
    fits = pe.fit_models(shipped[3])
    hc3 = {(name, "wage"): float(fit.pvalues["wage"]) for name, fit in fits.items()}
    wild = {key: 0.5 if p < 0.05 else 0.0001 for key, p in hc3.items()}  # the opposite verdict each time
    table = pr.persistence_table(fits, tmp_path, wild)
    rows = table.split("\n")
    wage_row = next(r for r in rows if r.startswith("| 相对工资"))
    later_row = next(r for r in rows if r.startswith("| 2010–2020 时期"))
    cells = [c.strip() for c in wage_row.strip("|").split("|")[1:]]
    for cell, (key, p) in zip(cells, wild.items(), strict=True):
        assert cell.endswith("***") == (p < 0.001), (key, cell)
        assert ("*" in cell) == (p < 0.05), (key, cell)
    assert "*" not in later_row and "野自助法" in table
