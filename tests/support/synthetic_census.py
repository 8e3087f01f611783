"""A synthetic census year for rerun tests.

SYNTHETIC DATA, FOR TESTS ONLY: a made-up "2030 census" is derived from the 2020 figures (each province
scaled by a fixed factor, the Northeast shrinking) and added as rows to a scratch copy of data/raw,
together with made-up yearly vital rates and populations up to 2030 (the Northeast's birth rates rising
and death rates falling after the last published year, the opposite of the shipped series). :func:`drop_rows` then takes parts of
it away, as a user whose new census year is incomplete would have it.
"""

from __future__ import annotations

import pandas as pd

from neoutflow.data.schemas import PREFECTURE_SUM_EXCEPTIONS

SYNTHETIC_YEAR = 2030
NORTHEAST = {"210000", "220000", "230000"}
# Yearly factors of the Northeast's made-up vital rates after the last published year: births up, deaths down (enough
# to end above / below the first year of the series), within the validation's year-on-year bounds.
SYNTHETIC_RATE_FACTORS = {"birth_rate": 1.25, "death_rate": 0.9, "yearend_population": 1.0}


NORTHEAST_FACTOR = 0.92


def factor(code: str, northeast: float = NORTHEAST_FACTOR) -> float:
    """Synthetic growth 2020->2030 by province: the Northeast by ``northeast`` (loses 8 % by default), others gain 1 %."""
    return northeast if code[:2] + "0000" in NORTHEAST else 1.01


def add_synthetic_census(raw, northeast: float = NORTHEAST_FACTOR) -> None:
    """Add the synthetic census year to ``raw``; ``northeast``: the Northeast's 2020->2030 factor (above 1: a
    Northeast whose population rises, with net in-migration, for the words that must follow the signs)."""
    read = {"dtype": {"code": str}, "keep_default_na": False}
    pop = pd.read_csv(raw / "census_population.csv", **read)
    new = pop[pop["year"] == 2020].copy()
    new["year"] = SYNTHETIC_YEAR
    new["population"] = (new["population"] * new["code"].map(lambda c: factor(c, northeast))).round().astype(int)
    # a province's cells are the sums of its prefectures' cells, as in the real census tables
    pref = new[~new["code"].str.endswith("0000")]
    cells = pref.groupby([pref["code"].str[:2] + "0000", "sex", "age_group"])["population"].sum()
    key = pd.MultiIndex.from_frame(new[["code", "sex", "age_group"]])
    has = key.isin(cells.index)
    new.loc[has, "population"] = cells.reindex(key[has]).to_numpy()
    pd.concat([pop, new]).to_csv(raw / "census_population.csv", index=False, lineterminator="\n")

    totals = pd.read_csv(raw / "census_totals.csv", **read)
    rows = totals[totals["year"] == 2020].copy()
    rows["year"] = SYNTHETIC_YEAR
    rows["population"] = (rows["population"] * rows["code"].map(lambda c: factor(c, northeast))).round().astype(int)
    # province totals, and the prefectures both files have, equal their age-sex tables exactly, as in a
    # real census (validation requires exact prefecture sums)
    sums = new.groupby("code")["population"].sum()
    # (provinces whose city file lacks some units keep their scaled prefecture rows: checked with a tolerance)
    lacking = rows["code"].str[:2].isin([c[:2] for c in PREFECTURE_SUM_EXCEPTIONS])
    both = rows["code"].isin(sums.index) & (rows["code"].str.endswith("0000") | ~lacking)
    rows.loc[both, "population"] = rows.loc[both, "code"].map(sums).astype(int)
    pd.concat([totals, rows]).to_csv(raw / "census_totals.csv", index=False, lineterminator="\n")

    ind = pd.read_csv(raw / "census_indicators.csv", **read)
    later = ind[ind["year"] == 2020].assign(year=SYNTHETIC_YEAR)
    pd.concat([ind, later]).to_csv(raw / "census_indicators.csv", index=False, lineterminator="\n")

    ser = pd.read_csv(raw / "province_series.csv", **read)
    extra = []
    for indicator, f in SYNTHETIC_RATE_FACTORS.items():
        part = ser[ser["indicator"] == indicator]
        last_year = int(part["year"].max())
        last = part[part["year"] == last_year]
        for year in range(last_year + 1, SYNTHETIC_YEAR + 1):
            ne = last["code"].isin(NORTHEAST)  # only the Northeast's rates move (others stay as published)
            value = last["value"] * ne.map({True: f ** (year - last_year), False: 1.0})
            extra.append(last.assign(year=year, value=value.round(2) if f != 1 else value))
    # natural growth = births − deaths, for the years after its own last published one
    rates = pd.concat([ser, *extra]).pivot_table(index=["code", "year"], columns="indicator", values="value")
    part = ser[ser["indicator"] == "natural_growth_rate"]
    last = part[part["year"] == part["year"].max()].set_index("code")
    for year in range(int(part["year"].max()) + 1, SYNTHETIC_YEAR + 1):
        growth = [round(rates.loc[(c, year), "birth_rate"] - rates.loc[(c, year), "death_rate"], 2) for c in last.index]
        extra.append(last.assign(year=year, value=growth).reset_index())
    pd.concat([ser, *extra]).to_csv(raw / "province_series.csv", index=False, lineterminator="\n")


READ = {"dtype": {"code": str}, "keep_default_na": False}


def drop_rows(raw, name: str, year: int, prefectures_only: bool = False) -> None:
    """Remove ``year`` (only its prefecture rows if ``prefectures_only``) from ``data/raw/<name>.csv``."""
    path = raw / f"{name}.csv"
    df = pd.read_csv(path, **READ)
    drop = df["year"] == year
    if prefectures_only:
        drop &= ~df["code"].str.endswith("0000")
    df[~drop].to_csv(path, index=False, lineterminator="\n")
