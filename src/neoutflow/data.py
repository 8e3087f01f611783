"""Validated data for the analysis: loaders, and ``python -m neoutflow.data`` (``make data``).

Loaders read ``data/raw/`` (or ``raw_dir=``), validate with :mod:`neoutflow.schemas`
and return DataFrames; a problem raises :class:`DataValidationError` naming the
file, CSV line, column, value and expectation.

``python -m neoutflow.data`` validates every raw file (one line per file), checks
the files against the checksums in ``data/datapackage.json``, then builds the
analysis tables in ``data/processed/`` atomically (built in a temporary folder
next to it and swapped in; on failure the old folder is untouched) and finally
writes ``data/processed/.validated``.

Policy for changed raw files (a corrected figure, a new census year): if a file
is valid but its checksum differs from ``datapackage.json``, ``make data`` says
which files changed, records their new checksums in ``datapackage.json`` and
carries on (``--strict`` fails instead, for CI). Invalid files are never
recorded. Raw files saved as GBK or UTF-8 with BOM (Chinese Excel) are read
correctly and accepted with a warning; ``python -m neoutflow.datapackage
--update --to-utf8`` rewrites them as UTF-8.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

import pandas as pd

from . import paths
from .reference import AGE_GROUPS, LEVELS, NATIONAL_CODE, NORTHEAST
from .schemas import SPECS, DataValidationError, Problem, read_text_table, to_plain, validate_frame

__all__ = [
    "AGE_GROUPS", "NORTHEAST", "NATIONAL_CODE", "DataValidationError",
    "load_regions", "load_population", "load_census_totals", "load_census_indicators",
    "load_province_series", "load_boundaries", "load_panel", "validate_all", "main",
]

BOUNDARY_FILES = {"prefecture": "boundaries/prefectures.geojson", "province": "boundaries/provinces.geojson"}

_cache: dict[tuple, tuple[pd.DataFrame, str]] = {}


def _raw(raw_dir) -> Path:
    return Path(raw_dir) if raw_dir is not None else paths.RAW


def _label(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(paths.ROOT))
    except ValueError:
        return str(path)


def _stat_key(path: Path):
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (str(path.resolve()), st.st_size, st.st_mtime_ns)


def _read_valid(name: str, raw_dir=None, regions: pd.DataFrame | None = None) -> tuple[pd.DataFrame, str]:
    """(typed table, encoding), validated; cached on the file's (and regions.csv's) path, size and mtime."""
    path = _raw(raw_dir) / SPECS[name].path
    key = (name, _stat_key(path), _stat_key(_raw(raw_dir) / SPECS["regions"].path))
    if key[1] is None:
        key = None
    if key in _cache:
        df, enc = _cache[key]
        return df.copy(), enc
    raw, enc = read_text_table(path, _label(path))
    df = to_plain(validate_frame(name, raw, _label(path), regions), SPECS[name])
    if key is not None:
        _cache[key] = (df, enc)
    return df.copy(), enc


def _regions(raw_dir=None) -> pd.DataFrame:
    return _read_valid("regions", raw_dir)[0]


def _with_level(df: pd.DataFrame, regions: pd.DataFrame, level: str | None) -> pd.DataFrame:
    if level is None:
        return df
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS} or None, got {level!r}")
    lv = df["code"].map(dict(zip(regions["code"], regions["level"], strict=True)))
    return df[lv == level]


def _check_years(df: pd.DataFrame, years, name: str, raw_dir) -> pd.DataFrame:
    if years is None:
        return df
    years = [int(y) for y in years]
    present = sorted(df["year"].unique().tolist())
    missing = [y for y in years if y not in present]
    if missing:
        label = _label(_raw(raw_dir) / SPECS[name].path)
        raise DataValidationError([Problem(label, None, "year", y,
                                           f"rows for year {y} (years present: {', '.join(map(str, present))}); "
                                           "add them as described in data/README.md") for y in missing])
    return df[df["year"].isin(years)]


# ----------------------------------------------------------------- loaders


def load_regions(raw_dir=None) -> pd.DataFrame:
    """code, name_zh, name_en, level, province_code, region, boundary_changed, boundary_note."""
    return _regions(raw_dir).reset_index(drop=True)


def load_population(level: str | None = None, years: list[int] | None = None, raw_dir=None) -> pd.DataFrame:
    """code, year, sex, age_group (ordered categorical), population (persons)."""
    regions = _regions(raw_dir)
    df, _ = _read_valid("census_population", raw_dir, regions)
    df = _check_years(_with_level(df, regions, level), years, "census_population", raw_dir)
    df = df[["code", "year", "sex", "age_group", "population"]].copy()
    df["age_group"] = pd.Categorical(df["age_group"], categories=AGE_GROUPS, ordered=True)
    return df.sort_values(["code", "year", "sex", "age_group"]).reset_index(drop=True)


def load_census_totals(level: str | None = None, raw_dir=None) -> pd.DataFrame:
    """code, year, population, source, boundary."""
    regions = _regions(raw_dir)
    df, _ = _read_valid("census_totals", raw_dir, regions)
    return _with_level(df, regions, level).sort_values(["code", "year"]).reset_index(drop=True)


def load_census_indicators(level: str | None = None, wide: bool = False, raw_dir=None) -> pd.DataFrame:
    """Long: code, year, indicator, value, unit, source. Wide: index (code, year), one column per indicator."""
    regions = _regions(raw_dir)
    df, _ = _read_valid("census_indicators", raw_dir, regions)
    df = _with_level(df, regions, level)
    df = df.sort_values(["code", "year", "indicator"]).reset_index(drop=True)
    return _widen(df) if wide else df


def load_province_series(indicators: list[str] | None = None, wide: bool = False, raw_dir=None) -> pd.DataFrame:
    """Yearly series, 31 provinces (+ ``100000`` = 全国 where the source has it)."""
    regions = _regions(raw_dir)
    df, _ = _read_valid("province_series", raw_dir, regions)
    if indicators is not None:
        unknown = sorted(set(indicators) - set(df["indicator"]))
        if unknown:
            raise ValueError(f"indicators {unknown} not in province_series.csv; "
                             f"available: {sorted(df['indicator'].unique())}")
        df = df[df["indicator"].isin(indicators)]
    df = df.sort_values(["code", "year", "indicator"]).reset_index(drop=True)
    return _widen(df) if wide else df


def _widen(df: pd.DataFrame) -> pd.DataFrame:
    wide = df.pivot(index=["code", "year"], columns="indicator", values="value")
    wide.columns.name = None
    return wide.sort_index()


def load_boundaries(level: str = "prefecture", raw_dir=None):
    """GeoDataFrame (EPSG:4326) with code, name_zh and geometry, checked against regions.csv."""
    import geopandas as gpd

    if level not in BOUNDARY_FILES:
        raise ValueError(f"level must be one of {tuple(BOUNDARY_FILES)}, got {level!r}")
    regions = _regions(raw_dir)
    path = _raw(raw_dir) / BOUNDARY_FILES[level]
    label = _label(path)
    if not path.is_file():
        raise DataValidationError([Problem(label, None, None, None, "the boundary file to exist")])
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # noqa: BLE001 - any reader failure is a data problem here
        raise DataValidationError([Problem(label, None, None, None, f"readable GeoJSON ({exc})")]) from None
    problems = []
    for col in ("code", "name_zh"):
        if col not in gdf.columns:
            problems.append(Problem(label, None, col, None, f"a '{col}' property on every feature"))
    if problems:
        raise DataValidationError(problems)
    gdf["code"] = gdf["code"].astype(str)
    known = set(regions.loc[regions["level"] == level, "code"])
    for i, r in gdf.iterrows():
        if r["code"] not in known:
            problems.append(Problem(label, i + 1, "code", r["code"], f"a {level} code listed in regions.csv "
                                                                   "(row = feature number)"))
        if r.geometry is None or r.geometry.is_empty:
            problems.append(Problem(label, i + 1, "geometry", r["code"], "a non-empty polygon"))
    dup = gdf["code"].duplicated(keep=False)
    for i in gdf.index[dup]:
        problems.append(Problem(label, i + 1, "code", gdf.at[i, "code"], "one feature per code"))
    if gdf.crs is None or gdf.crs.to_epsg() != 4326:
        problems.append(Problem(label, None, "crs", str(gdf.crs), "WGS84 (EPSG:4326)"))
    if problems:
        raise DataValidationError(problems)
    return gdf[["code", "name_zh", "geometry"]].sort_values("code").reset_index(drop=True)


def load_panel(level: str = "province", raw_dir=None) -> pd.DataFrame:
    """One row per unit × census year: names, region, census population and every census indicator."""
    regions = _regions(raw_dir)
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
    pop = load_population(level, raw_dir=raw_dir).groupby(["code", "year"], observed=True)["population"].sum()
    ind = load_census_indicators(level, wide=True, raw_dir=raw_dir)
    panel = pop.rename("population").to_frame().join(ind, how="outer").reset_index()
    meta = regions[["code", "name_zh", "name_en", "province_code", "region", "boundary_changed"]]
    panel = panel.merge(meta, on="code", how="left")
    panel["northeast"] = panel["province_code"].isin(NORTHEAST)
    first = ["code", "name_zh", "name_en", "province_code", "region", "northeast", "boundary_changed",
             "year", "population"]
    return panel[first + [c for c in panel.columns if c not in first]].sort_values(["code", "year"]).reset_index(
        drop=True)


# ------------------------------------------------------------- make data

TABLE_ORDER = ["regions", "census_population", "census_totals", "census_indicators", "province_series"]


def validate_all(raw_dir=None, echo=None) -> dict:
    """Validate every raw table and boundary file; returns {name: encoding}. Raises on any problem."""
    echo = echo or _echo
    raw_dir = _raw(raw_dir)
    encodings: dict[str, str] = {}
    errors: list[DataValidationError] = []
    try:
        _, encodings["regions"] = _read_valid("regions", raw_dir)
        echo(f"  ok    {SPECS['regions'].path}")
    except DataValidationError:
        echo(f"  FAIL  {SPECS['regions'].path}")
        raise  # every other file is checked against regions.csv
    regions = _regions(raw_dir)
    for name in TABLE_ORDER[1:]:
        try:
            df, encodings[name] = _read_valid(name, raw_dir, regions)
            echo(f"  ok    {SPECS[name].path} ({len(df):,} rows)")
        except DataValidationError as exc:
            echo(f"  FAIL  {SPECS[name].path}")
            errors.append(exc)
    for level, rel in BOUNDARY_FILES.items():
        try:
            load_boundaries(level, raw_dir)
            echo(f"  ok    {rel}")
        except DataValidationError as exc:
            echo(f"  FAIL  {rel}")
            errors.append(exc)
    if not errors:
        try:
            cross_checks(raw_dir)
            echo("  ok    cross-file checks (census_population vs census_totals)")
        except DataValidationError as exc:
            echo("  FAIL  cross-file checks")
            errors.append(exc)
    if errors:
        raise DataValidationError([p for e in errors for p in e.problems])
    return encodings


def cross_checks(raw_dir=None) -> None:
    """Province totals in census_population equal census_totals for the years both have."""
    pop = load_population("province", raw_dir=raw_dir).groupby(["code", "year"])["population"].sum()
    tot = load_census_totals("province", raw_dir=raw_dir).set_index(["code", "year"])["population"]
    both = pop.index.intersection(tot.index)
    label = _label(_raw(raw_dir) / SPECS["census_population"].path)
    problems = [Problem(label, None, "population", int(pop[k]),
                        f"{k[0]} {k[1]} to total {int(tot[k]):,} as in census_totals.csv "
                        f"(difference {int(pop[k] - tot[k]):+,})")
                for k in both if pop[k] != tot[k]]
    if problems:
        raise DataValidationError(problems)


def build_processed(raw_dir, out: Path) -> list[Path]:
    """The analysis tables (deterministic CSV) written into ``out``."""
    from .extract import write_csv

    regions = load_regions(raw_dir)
    pop = load_population(raw_dir=raw_dir).merge(
        regions[["code", "level", "province_code", "region"]], on="code", how="left")
    pop["age_group"] = pop["age_group"].astype(str)
    written = [write_csv(pop, out / "population.csv")]
    for level in LEVELS:
        written.append(write_csv(load_panel(level, raw_dir), out / f"{level}_panel.csv"))
    series = load_province_series(wide=True, raw_dir=raw_dir).reset_index()
    written.append(write_csv(series, out / "province_series_wide.csv"))
    return written


def _swap_in(tmp: Path, target: Path) -> None:
    old = target.with_name(target.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.rename(old)
    tmp.rename(target)
    if old.exists():
        shutil.rmtree(old)


def run(raw_dir=None, processed=None, datapackage_path=None, strict: bool = False, echo=None) -> int:
    from . import datapackage

    echo = echo or _echo

    raw_dir = _raw(raw_dir)
    processed = Path(processed) if processed is not None else paths.PROCESSED
    dp_path = Path(datapackage_path) if datapackage_path is not None else paths.DATAPACKAGE
    echo(f"validating {_label(raw_dir)}/")
    try:
        encodings = validate_all(raw_dir, echo=echo)
    except DataValidationError as exc:
        echo(f"\nmake data: {exc}\n\nNothing was changed in {_label(processed)}/. Fix the rows above and rerun "
             f"`make data`.", err=True)
        return 1
    for name, enc in encodings.items():
        if enc != "utf-8":
            echo(f"  note  {SPECS[name].path} is {enc.upper()}-encoded: read correctly; to store it as UTF-8 run "
                 f"`python -m neoutflow.datapackage --update --to-utf8`")
    changed = datapackage.changed_files(dp_path, raw_dir)
    if changed:
        listing = ", ".join(changed)
        if strict:
            echo(f"\nmake data: {listing} changed since {_label(dp_path)} was written (checksums differ). "
                 f"If the change is intended, record it with `python -m neoutflow.datapackage --update` and "
                 f"rerun. Nothing was changed.", err=True)
            return 1
        echo(f"  note  changed since the last record: {listing}; valid, so their new checksums are recorded in "
             f"{_label(dp_path)} (commit both)")
    processed.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".processed-", dir=processed.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private; processed/ is an ordinary folder
    try:
        written = build_processed(raw_dir, tmp)
        manifest = {"raw": datapackage.file_hashes(raw_dir),
                    "processed": {p.name: datapackage.sha256(p) for p in written}}
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        if changed:
            datapackage.update_hashes(dp_path, raw_dir)
        (tmp / ".validated").write_text("validated\n", encoding="utf-8")
        _swap_in(tmp, processed)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    for p in written:
        echo(f"  wrote {_label(processed / p.name)}")
    echo(f"data ok: {_label(processed)}/.validated")
    return 0


def _echo(msg: str, err: bool = False) -> None:
    print(msg, file=sys.stderr if err else sys.stdout, flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m neoutflow.data", description="Validate data/raw and build "
                                                                              "data/processed (make data).")
    ap.add_argument("--raw-dir", type=Path, default=None, help="raw folder (default data/raw)")
    ap.add_argument("--processed", type=Path, default=None, help="output folder (default data/processed)")
    ap.add_argument("--strict", action="store_true", help="fail if checksums differ from datapackage.json")
    ap.add_argument("--check-only", action="store_true", help="validate only; write nothing")
    args = ap.parse_args(argv)
    warnings.simplefilter("default")
    if args.check_only:
        try:
            validate_all(args.raw_dir, echo=_echo)
        except DataValidationError as exc:
            _echo(f"\n{exc}", err=True)
            return 1
        return 0
    return run(args.raw_dir, args.processed, strict=args.strict, echo=_echo)


if __name__ == "__main__":
    sys.exit(main())
