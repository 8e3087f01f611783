"""Validated data for the analysis: the loaders.

Loaders read ``data/raw/`` (or ``raw_dir=``), validate with :mod:`neoutflow.data.schemas`
and return DataFrames; a problem raises :class:`DataValidationError` naming the
file, CSV line, column, value and expectation.

``make data`` (:mod:`neoutflow.data.make`) runs :func:`validate_all` on every file.

A validated table is kept in ``build/.data-cache/`` (see :func:`validated_key`), so the
notebooks' kernels, each a new process, read what ``make data`` validated instead of
validating it again; only tables of the project's own ``data/raw/`` are kept.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import pandas as pd

from neoutflow import paths
from neoutflow.data.files import BASEMAP_RESOURCE, BOUNDARY_FILES, RAW_FILES
from neoutflow.data.schemas import (
    PREFECTURE_CROSS_TOLERANCE,
    SPECS,
    DataValidationError,
    Problem,
    latest_allowed_year,
    read_text_table,
    to_plain,
    validate_frame,
)
from neoutflow.inputs import note_read
from neoutflow.reference import AGE_GROUPS, LEVELS, NATIONAL_CODE, NORTHEAST

__all__ = [
    "AGE_GROUPS",
    "NORTHEAST",
    "NATIONAL_CODE",
    "DataValidationError",
    "load_regions",
    "load_population",
    "load_census_totals",
    "load_census_indicators",
    "load_province_series",
    "load_prefecture_series",
    "load_basemap",
    "load_boundaries",
    "load_birthplace_flows",
    "load_life_expectancy",
    "load_projection_benchmarks",
    "load_panel",
    "validate_all",
    "cross_checks",
]


_cache: dict[tuple, tuple[pd.DataFrame, str]] = {}
VALIDATED_CACHE = paths.BUILD / ".data-cache"


def _raw(raw_dir) -> Path:
    return Path(raw_dir) if raw_dir is not None else paths.RAW


def _note(raw_dir, rel: str) -> None:
    """Record a read of the project's own data/raw/ file ``rel`` (see :mod:`neoutflow.inputs`)."""
    if raw_dir is None or Path(raw_dir).resolve() == paths.RAW.resolve():
        note_read(rel)


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


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """The validation code, the vocabularies and the library versions a validated table depends on."""
    from neoutflow import reference
    from neoutflow.data import files, indicators, schemas

    h = hashlib.sha256()
    for module in (reference, files, indicators, schemas, sys.modules[__name__]):
        h.update(Path(module.__file__).read_bytes())
    for package in ("pandas", "numpy", "pandera"):
        h.update(f"{package}={metadata.version(package)};".encode())
    return h.hexdigest()


def validated_key(name: str, path: Path, regions_path: Path | None) -> str:
    """What a validated table depends on, hashed: its file's bytes, those of regions.csv when
    codes are checked against it, the validation code and library versions, and the latest
    year accepted (the clock, or ``NEOUTFLOW_LATEST_YEAR``)."""
    h = hashlib.sha256(f"{name};{_code_digest()};{latest_allowed_year()};".encode())
    for p in (path, regions_path):
        if p is not None:
            data = p.read_bytes()
            h.update(len(data).to_bytes(8, "big") + data)
    return h.hexdigest()


def _cache_file(name: str, raw_dir, with_regions: bool) -> Path | None:
    """Where the validated table is kept, or None (another raw folder, or a file that is not there)."""
    raw = _raw(raw_dir)
    if raw.resolve() != paths.RAW.resolve():
        return None  # test corpora and staged imports are validated every time
    path = raw / SPECS[name].path
    try:
        digest = validated_key(name, path, raw / SPECS["regions"].path if with_regions else None)
    except OSError:
        return None
    return VALIDATED_CACHE / f"{name}-{digest}.pickle"


def _load_validated(target: Path | None) -> tuple[pd.DataFrame, str] | None:
    if target is None:
        return None
    try:
        df, enc = pickle.loads(target.read_bytes())
    except Exception:  # noqa: BLE001 - absent, partly written by an old version, unreadable: validate
        return None
    return (df, enc) if isinstance(df, pd.DataFrame) and isinstance(enc, str) else None


def _store_validated(target: Path | None, name: str, value: tuple[pd.DataFrame, str]) -> None:
    """Keep the table (atomically: a reader sees the old entry, the new one or none); drop older
    entries of the same table. A folder that cannot be written just means no cache."""
    if target is None:
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(target)
        for old in target.parent.glob(f"{name}-*.pickle"):
            if old != target:
                old.unlink(missing_ok=True)
    except OSError:
        pass


def _read_valid(name: str, raw_dir=None, regions: pd.DataFrame | None = None) -> tuple[pd.DataFrame, str]:
    """(typed table, encoding), validated; cached in this process on the file's (and regions.csv's)
    path, size and mtime, and across processes on their contents (:func:`validated_key`)."""
    path = _raw(raw_dir) / SPECS[name].path
    _note(raw_dir, SPECS[name].path)
    key = (name, _stat_key(path), _stat_key(_raw(raw_dir) / SPECS["regions"].path))
    if key[1] is None:
        key = None
    if key in _cache:
        df, enc = _cache[key]
        return df.copy(), enc
    target = _cache_file(name, raw_dir, regions is not None) if key is not None else None
    kept = _load_validated(target)
    if kept is not None:
        df, enc = kept
    else:
        raw, enc = read_text_table(path, _label(path))
        df = to_plain(validate_frame(name, raw, _label(path), regions), SPECS[name])
        _store_validated(target, name, (df, enc))
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
        raise DataValidationError(
            [
                Problem(
                    label,
                    None,
                    "year",
                    y,
                    f"rows for year {y} (years present: {', '.join(map(str, present))}); "
                    "add them as described in data/README.md",
                )
                for y in missing
            ]
        )
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
            raise ValueError(
                f"indicators {unknown} not in province_series.csv; available: {sorted(df['indicator'].unique())}"
            )
        df = df[df["indicator"].isin(indicators)]
    df = df.sort_values(["code", "year", "indicator"]).reset_index(drop=True)
    return _widen(df) if wide else df


def load_prefecture_series(
    indicators: list[str] | None = None, wide: bool = False, same_territory_only: bool = False, raw_dir=None
) -> pd.DataFrame:
    """Yearly prefecture series 2010–2020 (City Statistical Yearbook, 全市), keyed by 2020 codes.

    ``same_territory_only`` drops the unit-years printed for a territory that later changed.
    Never combine with :func:`load_province_series` (different wage definition and GDP vintage).
    """
    regions = _regions(raw_dir)
    df, _ = _read_valid("prefecture_series", raw_dir, regions)
    if indicators is not None:
        unknown = sorted(set(indicators) - set(df["indicator"]))
        if unknown:
            raise ValueError(
                f"indicators {unknown} not in prefecture_series.csv; available: {sorted(df['indicator'].unique())}"
            )
        df = df[df["indicator"].isin(indicators)]
    if same_territory_only:
        df = df[df["same_territory_as_2020"].astype(bool)]
    df = df.sort_values(["code", "year", "indicator"]).reset_index(drop=True)
    return _widen(df) if wide else df


def load_birthplace_flows(years: list[int] | None = None, diagonal: bool = False, raw_dir=None) -> pd.DataFrame:
    """Census lifetime migrants: origin (province of birth), destination (province of residence), year,
    persons_sample, sampling_fraction, persons_estimated. The zero diagonal is dropped unless ``diagonal``."""
    regions = _regions(raw_dir)
    df, _ = _read_valid("birthplace_flows", raw_dir, regions)
    df = _check_years(df, years, "birthplace_flows", raw_dir)
    if not diagonal:
        df = df[df["origin"] != df["destination"]]
    return df.sort_values(["year", "origin", "destination"]).reset_index(drop=True)


def load_life_expectancy(years: list[int] | None = None, raw_dir=None) -> pd.DataFrame:
    """Life expectancy at birth: ``code, year, sex (total/male/female), life_expectancy`` (years).

    31 provinces and 100000 (全国), censuses 1990/2000/2010; 重庆 has no 1990 rows and 新疆 no 1990
    total (corrected transcription errors, see data/README.md)."""
    df, _ = _read_valid("province_life_expectancy", raw_dir)
    df = _check_years(df, years, "province_life_expectancy", raw_dir)
    return df.sort_values(["code", "year", "sex"]).reset_index(drop=True)


def load_projection_benchmarks(raw_dir=None) -> pd.DataFrame:
    """The projections the report compares with: ``source, variant, code, year, date, population`` (persons)."""
    df, _ = _read_valid("projection_benchmarks", raw_dir)
    return df.sort_values(["source", "variant", "code", "year"]).reset_index(drop=True)


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
    _note(raw_dir, BOUNDARY_FILES[level])
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
            problems.append(
                Problem(label, i + 1, "code", r["code"], f"a {level} code listed in regions.csv (row = feature number)")
            )
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


def load_basemap(raw_dir=None):
    """The national base map (EPSG:4326): code, name_zh, kind ('province': the 34 province-level units,
    Taiwan, Hong Kong and Macao included; 'maritime_boundary': the South China Sea line) and geometry.
    A map's background only: the data are joined to :func:`load_boundaries`."""
    import geopandas as gpd

    rel = RAW_FILES[BASEMAP_RESOURCE]
    path = _raw(raw_dir) / rel
    _note(raw_dir, rel)
    label = _label(path)
    if not path.is_file():
        raise DataValidationError([Problem(label, None, None, None, "the base map file to exist")])
    gdf = gpd.read_file(path)
    problems = [
        Problem(label, None, "kind", kind, "a feature of this kind")
        for kind in ("province", "maritime_boundary")
        if "kind" not in gdf.columns or not (gdf["kind"] == kind).any()
    ]
    if gdf.crs is None or gdf.crs.to_epsg() != 4326:
        problems.append(Problem(label, None, "crs", str(gdf.crs), "WGS84 (EPSG:4326)"))
    if problems:
        raise DataValidationError(problems)
    gdf["code"] = gdf["code"].astype(str)
    return gdf[["code", "name_zh", "kind", "geometry"]].sort_values(["kind", "code"]).reset_index(drop=True)


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
    first = [
        "code",
        "name_zh",
        "name_en",
        "province_code",
        "region",
        "northeast",
        "boundary_changed",
        "year",
        "population",
    ]
    return (
        panel[first + [c for c in panel.columns if c not in first]].sort_values(["code", "year"]).reset_index(drop=True)
    )


# ------------------------------------------------------------- make data

TABLE_ORDER = [
    "regions",
    "census_population",
    "census_totals",
    "census_indicators",
    "province_series",
    "prefecture_series",
    "birthplace_flows",
    "province_life_expectancy",
    "projection_benchmarks",
]


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
    try:
        load_basemap(raw_dir)
        echo(f"  ok    {RAW_FILES[BASEMAP_RESOURCE]}")
    except DataValidationError as exc:
        echo(f"  FAIL  {RAW_FILES[BASEMAP_RESOURCE]}")
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
    """census_population against census_totals, for the years both have.

    Provinces: equal. Prefectures: equal in the city file's boundary year (``boundary``) for units
    whose territory did not change; in other years within ``PREFECTURE_CROSS_TOLERANCE`` (the city
    file restates them on later boundaries); ``boundary_changed`` units are not compared.
    """
    pop = load_population(raw_dir=raw_dir).groupby(["code", "year"])["population"].sum()
    totals = load_census_totals(raw_dir=raw_dir)
    tot = totals.set_index(["code", "year"])
    regions = load_regions(raw_dir).set_index("code")
    label = _label(_raw(raw_dir) / SPECS["census_population"].path)
    other = _label(_raw(raw_dir) / SPECS["census_totals"].path)
    problems = []
    for k in pop.index.intersection(tot.index):
        code, year = k
        p, t = int(pop[k]), int(tot.at[k, "population"])
        if p == t:
            continue
        if regions.at[code, "level"] == "province":
            expected = f"{code} {year} to total {t:,} as in census_totals.csv (difference {p - t:+,})"
        else:
            if bool(regions.at[code, "boundary_changed"]):
                continue
            boundary = str(tot.at[k, "boundary"])
            exact = boundary == str(year)
            if not exact and abs(p - t) <= PREFECTURE_CROSS_TOLERANCE * t:
                continue
            within = "exactly" if exact else f"within {PREFECTURE_CROSS_TOLERANCE:.1%}"
            expected = (
                f"prefecture {code} {regions.at[code, 'name_zh']} {year} (summed over sex and age) to equal its "
                f"{other} figure {t:,} {within} (difference {p - t:+,})"
            )
        problems.append(Problem(label, None, "population", p, expected))
    if problems:
        raise DataValidationError(problems)


def _echo(msg: str, err: bool = False) -> None:
    print(msg, file=sys.stderr if err else sys.stdout, flush=True)
