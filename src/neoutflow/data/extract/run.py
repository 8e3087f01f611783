"""Derive the tidy extracts in ``data/raw/`` from ``../shared/sources`` (developers only).

Usage: ``python -m neoutflow.data.extract [--sources DIR] [--out DIR] [--only NAME ...]``
(``make extract``). Users never need this: the extracts are committed. Output is
deterministic (sorted rows, fixed number formatting, ``\\n`` line ends), so a
rerun on unchanged sources rewrites identical bytes and ``git diff`` shows
real changes only. ``data/datapackage.json`` is refreshed afterwards.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from neoutflow import paths
from neoutflow.data.files import RAW_FILES as FILES
from neoutflow.data.files import write_csv


def extract_all(sources: Path, out: Path, only: list[str] | None = None, census=None) -> list[Path]:
    """Write every extract (or those in ``only``) under ``out``; returns the files written.

    ``census``: an already read ``extract_census.CensusUnits`` (tests reuse one).
    """
    from neoutflow.data.extract import census as ec

    if not sources.is_dir():
        raise FileNotFoundError(f"{sources} not found: extraction needs ../shared/sources (developers only)")
    want = set(only or FILES)
    unknown = want - set(FILES)
    if unknown:
        raise ValueError(f"unknown extracts {sorted(unknown)}; choose from {sorted(FILES)}")
    written: list[Path] = []

    census_needed = want & {"regions", "census_population", "census_totals", "census_indicators"}
    if census_needed:
        if census is None:
            print("reading census yearbooks (about 30 s) ...", flush=True)
        cu = census or ec.CensusUnits(sources)
        city = ec.read_city(sources)
        if "regions" in want:
            written.append(write_csv(ec.build_regions(cu, city), out / FILES["regions"]))
        if "census_population" in want:
            written.append(write_csv(ec.build_census_population(cu), out / FILES["census_population"]))
        if "census_totals" in want:
            written.append(write_csv(ec.build_census_totals(cu, sources, city), out / FILES["census_totals"]))
        if "census_indicators" in want:
            from neoutflow.data.extract import census_indicators as ei

            written.append(write_csv(ei.build_census_indicators(cu, sources), out / FILES["census_indicators"]))
    if "province_series" in want:
        from neoutflow.data.extract import series as es

        written.append(write_csv(es.build_province_series(sources), out / FILES["province_series"]))
    if "prefecture_series" in want:
        import pandas as pd

        from neoutflow.data.extract import prefecture as epf

        # the regions just extracted, else the committed ones (``--only prefecture_series --out DIR``)
        regions_file = out / FILES["regions"]
        regions = pd.read_csv(regions_file if regions_file.is_file() else paths.RAW / FILES["regions"], dtype=str)
        written.append(write_csv(epf.build_prefecture_series(sources, regions), out / FILES["prefecture_series"]))
    if "birthplace_flows" in want:
        from neoutflow.data.extract import flows as ef

        written.append(write_csv(ef.build_birthplace_flows(sources), out / FILES["birthplace_flows"]))
    if "province_life_expectancy" in want:
        from neoutflow.data.extract import life_expectancy as ele

        path = out / FILES["province_life_expectancy"]
        written.append(write_csv(ele.build_province_life_expectancy(sources), path))
    if "projection_benchmarks" in want:
        from neoutflow.data.extract import benchmarks as ebm

        written.append(write_csv(ebm.build_projection_benchmarks(sources), out / FILES["projection_benchmarks"]))
    if want & {"boundaries_prefectures", "boundaries_provinces"}:
        from neoutflow.data.extract import geo as eg

        written += eg.write_boundaries(sources, out / "boundaries", want)
    if "boundaries_basemap" in want:
        from neoutflow.data.extract import basemap as ebase

        written.append(ebase.write_basemap(out / "boundaries"))
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m neoutflow.data.extract", description=__doc__.splitlines()[0])
    ap.add_argument("--sources", type=Path, default=paths.SHARED_SOURCES, help="the shared sources folder")
    ap.add_argument("--out", type=Path, default=paths.RAW, help="output folder (default data/raw)")
    ap.add_argument("--only", nargs="*", choices=sorted(FILES), help="extract only these")
    ap.add_argument("--no-datapackage", action="store_true", help="do not refresh data/datapackage.json")
    args = ap.parse_args(argv)
    try:
        written = extract_all(args.sources, args.out, args.only)
    except (FileNotFoundError, ValueError, KeyError) as exc:
        print(f"extract: {exc}", file=sys.stderr)
        return 1
    for p in written:
        print(f"wrote {p}")
    if not args.no_datapackage and args.out.resolve() == paths.RAW.resolve():
        from neoutflow.data import provenance

        provenance.write(paths.DATAPACKAGE, paths.RAW, sources=args.sources)
        print(f"wrote {paths.DATAPACKAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
