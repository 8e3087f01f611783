"""Projection benchmarks (``projection_benchmarks.csv``): UN WPP 2024 for China and the provincial SSP projection.

Sources (``../shared/sources``; read each folder's SOURCE.md):

- ``un_wpp2024_ppgp/data-raw_popproj*.txt``: UN DESA Population Division, *World Population Prospects 2024*,
  total population of China (country code 156, excluding Hong Kong, Macao and Taiwan), thousands, as shipped in the
  ``wpp2024`` R package (``PPgp/wpp2024``); the package dates every value to **31 December** of its year. Variants:
  medium, low, high (±0.5 child) and the probabilistic 80% and 95% intervals. Kept: 2024–2050, converted to persons.
- ``pik_ssp_provincial_projection/SSPs_POP_Prov_v2.xlsx``: provincial projections under SSP1–SSP5, 2020–2100 in
  five-year steps, re-based on the 2020 census (persons), a working copy in ``pik-piam/PyPSA-China-PIK`` with no stated
  source or licence: only the rows a report can compare are extracted (the provinces of the preset study regions,
  :data:`neoutflow.reference.STUDY_REGIONS`, and the 31-province sum as ``100000``), 2020–2050; a region of one's own
  with other provinces is reported without this comparison.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from neoutflow.reference import NBS_ORDER, PROVINCES, STUDY_REGIONS

WPP_DIR = "un_wpp2024_ppgp"
WPP_FILES = {
    "medium": "data-raw_popprojMed.txt",
    "low": "data-raw_popprojLow.txt",
    "high": "data-raw_popprojHigh.txt",
    "lo80": "data-raw_popproj80l.txt",
    "hi80": "data-raw_popproj80u.txt",
    "lo95": "data-raw_popproj95l.txt",
    "hi95": "data-raw_popproj95u.txt",
}
WPP_CHINA = 156
SSP_FILE = "pik_ssp_provincial_projection/SSPs_POP_Prov_v2.xlsx"
SSP_SHEETS = ("SSP1", "SSP2", "SSP3", "SSP4", "SSP5")
# The provinces extracted: those of the preset study regions (a report compares its region's provinces).
SSP_CODES = tuple(sorted({c for codes in STUDY_REGIONS.values() for c in codes}))
FIRST, LAST = 2020, 2050


def _wpp(sources: Path) -> pd.DataFrame:
    rows = []
    for variant, name in WPP_FILES.items():
        df = pd.read_csv(Path(sources) / WPP_DIR / name, sep="\t")
        china = df[df["country_code"] == WPP_CHINA]
        if len(china) != 1 or str(china["country"].iloc[0]) != "China":
            raise ValueError(f"{name}: expected one row for China (country code {WPP_CHINA})")
        for col in china.columns[2:]:
            year = int(col)
            if FIRST <= year <= LAST:
                rows.append(
                    {
                        "source": "wpp2024",
                        "variant": variant,
                        "code": "100000",
                        "year": year,
                        "date": "12-31",
                        "population": int(round(float(china[col].iloc[0]) * 1000)),
                    }
                )
    return pd.DataFrame(rows)


def _ssp(sources: Path) -> pd.DataFrame:
    book = pd.read_excel(Path(sources) / SSP_FILE, sheet_name=list(SSP_SHEETS))
    rows = []
    for sheet, df in book.items():
        df = df.dropna(subset=["region"]).iloc[:31]
        if len(df) != 31:
            raise ValueError(f"{SSP_FILE} {sheet}: expected 31 province rows, found {len(df)}")
        years = [c for c in df.columns if str(c).isdigit() and FIRST <= int(c) <= LAST]
        total = df[years].sum()
        regions = _rows_by_code(df, sheet)
        for code in SSP_CODES:
            for y in years:
                rows.append(
                    {
                        "source": "ssp_provincial",
                        "variant": sheet,
                        "code": code,
                        "year": int(y),
                        "date": "11-01",
                        "population": int(round(float(regions[code][y]))),
                    }
                )
        for y in years:
            rows.append(
                {
                    "source": "ssp_provincial",
                    "variant": sheet,
                    "code": "100000",
                    "year": int(y),
                    "date": "11-01",
                    "population": int(round(float(total[y]))),
                }
            )
    return pd.DataFrame(rows)


def _rows_by_code(df: pd.DataFrame, sheet: str) -> dict[str, pd.Series]:
    """The sheet's 31 rows by province code: they are in the NBS order (SOURCE.md); each extracted row is checked
    against the province's English name (spaces and case aside)."""
    out = {}
    for (_, code), (_, row) in zip(NBS_ORDER, df.iterrows(), strict=True):
        expected = PROVINCES[code][0].replace(" ", "").lower()
        if code in SSP_CODES and str(row["region"]).replace(" ", "").lower() != expected:
            raise ValueError(f"{SSP_FILE} {sheet}: row {row['region']!r} where the NBS order has {PROVINCES[code][0]}")
        out[code] = row
    return out


def build_projection_benchmarks(sources: Path) -> pd.DataFrame:
    """Long table ``source, variant, code, year, date, population`` (persons; ``date`` month-day the values refer
    to: WPP's 31 December; the SSP file's census-based steps taken at the census date, 1 November)."""
    out = pd.concat([_wpp(sources), _ssp(sources)], ignore_index=True)
    return out.sort_values(["source", "variant", "code", "year"]).reset_index(drop=True)
