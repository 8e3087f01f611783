"""Province and prefecture boundaries from the 2020 polygons of the city file.

The polygons (WKT, WGS84) are grouped like the census units (province-
administered county-level cities into ``xx9000``; Hong Kong and Macao left out),
simplified as one coverage so that neighbours keep a shared edge (no slivers or
gaps), and dissolved into provinces. GeoJSON is written by hand for stable
bytes: features sorted by code, coordinates rounded to ``PRECISION`` decimals.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from neoutflow import atomic
from neoutflow.data.extract.census import CITY_FILE

# Simplification tolerance in degrees (about 2 km); small enough for national and
# Northeast maps, large enough to keep both files well under 2 MB.
TOLERANCE = 0.02
PRECISION = 3  # decimals of a degree, about 100 m


def city_polygons(sources: Path) -> pd.DataFrame:
    """code, geometry (unioned per census unit), sorted by code."""
    c = pd.read_csv(sources / CITY_FILE, dtype={"city_code": str, "province_code": str}, encoding="utf-8-sig")
    c = c[~c["province_code"].isin(["810000", "820000"])]
    code = np.where(c["city_code"].str[2:4] == "90", c["city_code"].str[:2] + "9000", c["city_code"])
    geoms = shapely.make_valid(shapely.from_wkt(c["coord"].to_numpy()))
    df = pd.DataFrame({"code": code, "geometry": geoms})
    rows = [(k, shapely.union_all(g["geometry"].to_numpy())) for k, g in df.groupby("code", sort=True)]
    return pd.DataFrame(rows, columns=["code", "geometry"])


def simplify_coverage(geoms: np.ndarray, tolerance: float = TOLERANCE) -> np.ndarray:
    """Simplify polygons that tile the country together, keeping shared borders identical."""
    out = shapely.coverage_simplify(geoms, tolerance, simplify_boundary=True)
    return shapely.make_valid(out)


def _round_coords(obj, nd: int):
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [round(float(v), nd) for v in obj]
        return [_round_coords(v, nd) for v in obj]
    return obj


def _polygonal(geom):
    """Keep only the polygon parts (make_valid may leave lines or points at shared vertices)."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)


def feature_collection(df: pd.DataFrame, names: dict[str, str]) -> dict:
    feats = []
    for _, r in df.sort_values("code").iterrows():
        geom = shapely.geometry.mapping(_polygonal(r["geometry"]))
        geom = {"type": geom["type"], "coordinates": _round_coords(geom["coordinates"], PRECISION)}
        feats.append(
            {"type": "Feature", "properties": {"code": r["code"], "name_zh": names[r["code"]]}, "geometry": geom}
        )
    return {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
        "features": feats,
    }


def write_geojson(fc: dict, path: Path) -> Path:
    # one feature per line: small diffs when a boundary changes
    lines = ['{"type":"FeatureCollection","crs":' + json.dumps(fc["crs"], separators=(",", ":")) + ',"features":[']
    feats = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in fc["features"]]
    lines.append(",\n".join(feats))
    lines.append("]}")
    atomic.write_text(path, "\n".join(lines) + "\n")
    return path


def write_boundaries(sources: Path, out: Path, want=("boundaries_prefectures", "boundaries_provinces")) -> list[Path]:
    regions = pd.read_csv(out.parent / "regions.csv", dtype=str, keep_default_na=False)
    names = dict(zip(regions["code"], regions["name_zh"], strict=True))
    pref = city_polygons(sources)
    unknown = sorted(set(pref["code"]) - set(names))
    if unknown:
        raise ValueError(f"city file polygons for codes not in regions.csv: {unknown}")
    pref["geometry"] = simplify_coverage(pref["geometry"].to_numpy())
    written = []
    if "boundaries_prefectures" in want:
        written.append(write_geojson(feature_collection(pref, names), out / "prefectures.geojson"))
    if "boundaries_provinces" in want:
        pref["province"] = pref["code"].str[:2] + "0000"
        prov = pd.DataFrame(
            [(k, shapely.coverage_union_all(g["geometry"].to_numpy())) for k, g in pref.groupby("province", sort=True)],
            columns=["code", "geometry"],
        )
        written.append(write_geojson(feature_collection(prov, names), out / "provinces.geojson"))
    return written
