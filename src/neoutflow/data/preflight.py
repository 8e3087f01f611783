"""Preflight: every input the chosen years need, and ALL that are missing, before any notebook runs.

Usage: ``python -m neoutflow.data.preflight [key=value ...]`` (``make check-inputs PARAMS="end_year=2030"``;
``make report`` runs it before the notebooks). The parameters are those of ``params.yaml`` with the
overrides given. Each input is listed by file, level (province/prefecture), indicator and years, with the
notebooks that read it; the exit status is 1 if an input is missing, and every missing one is
named at once (instead of the first error a notebook would meet). Nothing is validated here beyond
presence: ``make data`` checks the values.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from neoutflow import paths
from neoutflow.data.files import RAW_FILES
from neoutflow.data.indicators import CENSUS_REGRESSORS, PREFECTURE_REGRESSORS
from neoutflow.reference import AGE_GROUPS, PROVINCES, SEXES

PREFLIGHT_COMMAND = "python -m neoutflow.data.preflight"
CELLS = len(SEXES) * len(AGE_GROUPS)  # sex × age-group rows of one unit-year in census_population


@dataclass(frozen=True)
class Need:
    """One input: rows of ``resource`` at ``level`` (for ``indicator``) in each of ``years``."""

    resource: str
    level: str
    indicator: str | None
    years: tuple[int, ...]
    needed_by: str
    # province level: all 31 provinces (census_population: every sex × age cell); prefecture level: any unit

    @property
    def what(self) -> str:
        return self.indicator or ("population by sex and age" if self.resource == "census_population" else "population")


@dataclass
class Missing:
    need: Need
    years: list[int]
    detail: str

    def line(self) -> str:
        n = self.need
        return (
            f"{RAW_FILES[n.resource]}, {n.level}, {n.what}, {span(self.years)}: {self.detail} (needed by {n.needed_by})"
        )


def span(years: list[int]) -> str:
    years = sorted(years)
    if not years:
        return ""
    runs, start, prev = [], years[0], years[0]
    for y in years[1:] + [None]:
        if y is not None and y == prev + 1:
            prev = y
            continue
        runs.append(f"{start}" if start == prev else f"{start}–{prev}")
        if y is not None:
            start = prev = y
    return ", ".join(runs)


def needs(p) -> list[Need]:
    """The inputs the notebooks read for parameters ``p`` (a :class:`neoutflow.params.Params`)."""
    b, e = int(p.base_year), int(p.end_year)
    censuses = (b, e)
    out = [
        Need("census_population", "province", None, censuses, "01_outflow, 02_determinants, 03_migration_checks"),
        Need("census_population", "prefecture", None, censuses, "01_outflow, 04_prefecture_wages"),
        Need("census_totals", "province", None, censuses, "01_outflow, 02_determinants"),
        Need("census_totals", "prefecture", None, censuses, "01_outflow, 04_prefecture_wages"),
        Need(
            "province_series",
            "province",
            "natural_growth_rate",
            tuple(range(b, e + 1)),
            "01_outflow, 02_determinants (residual net migration)",
        ),
        Need(
            "province_series",
            "province",
            "yearend_population",
            tuple(range(b - 1, e + 1)),
            "01_outflow, 02_determinants (residual net migration)",
        ),
        Need("province_series", "province", "death_rate", tuple(range(b, e + 1)), "03_migration_checks"),
    ]
    out += [
        Need("census_indicators", "province", ind, (b,), f"02_determinants (regressors, base year {b})")
        for ind in CENSUS_REGRESSORS
    ]
    out += [
        Need("census_indicators", "prefecture", ind, (b,), "04_prefecture_wages (regressors)")
        for ind in PREFECTURE_REGRESSORS
    ]
    out.append(
        Need(
            "census_indicators",
            "province",
            "inmigrants_other_province",
            censuses,
            "01_outflow (in-migrants from other provinces, quoted in the report)",
        )
    )
    s = int(p.projection_start_year)
    first, last = (int(y) for y in p.projection_birth_rate_years)
    out += [
        Need("census_population", "province", None, (s,), "06_projection (start population)"),
        Need("census_totals", "province", None, (s,), "06_projection"),
        Need("province_series", "province", "birth_rate", tuple(range(first, last + 1)), "06_projection (fertility)"),
        Need(
            "province_series",
            "province",
            "natural_growth_rate",
            tuple(range(first, last + 1)),
            "06_projection (calibration)",
        ),
    ]
    return out


def _read(raw_dir: Path, resource: str) -> pd.DataFrame | None:
    path = Path(raw_dir) / RAW_FILES[resource]
    if not path.is_file():
        return None
    return pd.read_csv(path, dtype={"code": str}, keep_default_na=False, encoding_errors="replace")


def check(p, raw_dir: Path | None = None) -> tuple[list[Need], list[Missing]]:
    """(every input, those missing)."""
    raw_dir = Path(raw_dir or paths.RAW)
    tables = {}
    levels = {}
    regions = _read(raw_dir, "regions")
    if regions is not None:
        levels = dict(zip(regions["code"], regions["level"], strict=False))
    missing: list[Missing] = []
    all_needs = needs(p)
    provinces = sorted(PROVINCES)
    for n in all_needs:
        if n.resource not in tables:
            tables[n.resource] = _read(raw_dir, n.resource)
        df = tables[n.resource]
        if df is None:
            missing.append(Missing(n, list(n.years), "the file is missing"))
            continue
        sub = df[df["code"].map(levels).eq(n.level)] if levels else df.iloc[0:0]
        if n.indicator is not None and "indicator" in sub.columns:
            sub = sub[sub["indicator"] == n.indicator]
        present_years = sorted(int(y) for y in pd.to_numeric(sub["year"], errors="coerce").dropna().unique())
        sub = sub.assign(year=pd.to_numeric(sub["year"], errors="coerce"))
        per = sub.groupby(["year", "code"]).size()
        if n.level == "province":
            lacking: dict[tuple[str, ...], list[int]] = {}
            for y in n.years:
                have = per.loc[y] if y in per.index.get_level_values("year") else pd.Series(dtype=int)
                full = CELLS if n.resource == "census_population" else 1
                absent = tuple(c for c in provinces if have.get(c, 0) < full)
                if absent:
                    lacking.setdefault(absent, []).append(y)
            for absent, years in lacking.items():
                if len(absent) == len(provinces):
                    detail = "no rows" + (f" (years present: {span(present_years)})" if present_years else "")
                else:
                    detail = f"missing for {len(absent)} of 31 provinces ({', '.join(absent[:6])}{' …' if len(absent) > 6 else ''})"
                missing.append(Missing(n, years, detail))
        else:
            years = [y for y in n.years if y not in present_years]
            if years:
                detail = "no rows" + (f" (years present: {span(present_years)})" if present_years else "")
                missing.append(Missing(n, years, detail))
    return all_needs, missing


def report(p, raw_dir: Path | None = None) -> tuple[int, str]:
    all_needs, missing = check(p, raw_dir)
    head = f"inputs for base_year={p.base_year}, end_year={p.end_year} (projection from {p.projection_start_year}):"
    lines = [head, f"  {len(all_needs)} inputs checked in data/raw/"]
    if not missing:
        lines.append("  all present")
        return 0, "\n".join(lines)
    lines.append(f"  MISSING ({len(missing)}):")
    lines += [f"  - {m.line()}" for m in missing]
    lines.append(
        "  Add them with `make import FILE=<official table>` (see 'Updating the data' in README.md), "
        'or choose years the data have, e.g. make report PARAMS="end_year=2020".'
    )
    return 1, "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from neoutflow import params as params_mod

    argv = sys.argv[1:] if argv is None else argv
    raw_dir = None
    if argv and argv[0].startswith("--raw-dir="):
        raw_dir, argv = Path(argv[0].split("=", 1)[1]), argv[1:]
    try:
        p = params_mod.load(overrides=params_mod.parse_overrides(argv))
    except params_mod.ParamsError as exc:
        print(f"preflight: {exc}", file=sys.stderr)
        return 2
    rc, text = report(p, raw_dir)
    print(text, file=sys.stderr if rc else sys.stdout)
    return rc


if __name__ == "__main__":
    sys.exit(main())
