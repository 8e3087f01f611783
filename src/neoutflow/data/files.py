"""The data files of the project, named once, and the one way they are written.

``RAW_FILES`` maps each extract (a resource of ``data/datapackage.json``) to its
path inside ``data/raw/``; ``PROCESSED_FILES`` names the analysis tables that
``make data`` builds in ``data/processed/``. :func:`write_csv` writes every
tidy CSV the same deterministic way (UTF-8 without BOM, ``\\n`` line ends,
fixed number text), so a rebuild from unchanged inputs rewrites identical bytes.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from neoutflow import atomic

# Extract (resource) name -> path inside data/raw/.
RAW_FILES = {
    "regions": "regions.csv",
    "census_population": "census_population.csv",
    "census_totals": "census_totals.csv",
    "census_indicators": "census_indicators.csv",
    "province_series": "province_series.csv",
    "prefecture_series": "prefecture_series.csv",
    "birthplace_flows": "birthplace_flows.csv",
    "province_life_expectancy": "province_life_expectancy.csv",
    "projection_benchmarks": "projection_benchmarks.csv",
    "boundaries_prefectures": "boundaries/prefectures.geojson",
    "boundaries_provinces": "boundaries/provinces.geojson",
    "boundaries_basemap": "boundaries/basemap.geojson",
}


# Boundary level -> its GeoJSON resource.
BOUNDARY_RESOURCES = {"prefecture": "boundaries_prefectures", "province": "boundaries_provinces"}
BOUNDARY_FILES = {level: RAW_FILES[name] for level, name in BOUNDARY_RESOURCES.items()}
# The national base map drawn under the maps (China's provinces with Taiwan, Hong Kong and Macao, and
# the South China Sea maritime boundary line): background only, never joined to data.
BASEMAP_RESOURCE = "boundaries_basemap"
TABLE_RESOURCES = tuple(name for name, path in RAW_FILES.items() if path.endswith(".csv"))

# The analysis tables of data/processed/ (besides manifest.json and the .validated stamp).
PROCESSED_FILES = {
    "population": "population.csv",
    "province_panel": "province_panel.csv",
    "prefecture_panel": "prefecture_panel.csv",
    "province_series_wide": "province_series_wide.csv",
}


def format_value(x) -> str:
    """Fixed text for a number: integers without a decimal point, others to 4 decimals, no exponent."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if isinstance(x, (int,)) or float(x).is_integer():
        return str(int(round(float(x))))
    text = f"{float(x):.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def write_csv(df: pd.DataFrame, path: Path) -> Path:
    """UTF-8 (no BOM), comma, ``\\n``; floats through :func:`format_value`; written atomically."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].map(format_value)
        elif pd.api.types.is_bool_dtype(out[col]):
            out[col] = out[col].map({True: "true", False: "false"})
    with atomic.replacing(path) as tmp:
        out.to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8")
    return path
