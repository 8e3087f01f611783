"""Census birthplace matrices: residents by province of residence × province of birth (``birthplace_flows.csv``).

Source: two 31×31 integer matrices (``var population = [[...]]``) in the D3
chord-diagram scripts ``flow.js`` (2000, 5th census) and ``flow1.js`` (2010, 6th
census) of vis2014/Assignment3. Rows are the province of current residence
(the destination of a lifetime migrant), columns the province of birth (the
origin), both in the order of ``var city_name`` (NBS order 北京 … 新疆). The
names are mapped to GB/T 2260 codes explicitly through :data:`NBS_ORDER`, and
checked against ``city_name``. Values are long-form sample counts; the sampling
fraction is the published national total over the sample total (2010:
102,306,900 lifetime inter-provincial migrants → 10%; 2000: ≈9.5%, the long-form
fraction, not verified against a published total).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

FOLDER = "vis2014_census_flow_matrices"
FILES = {2000: f"{FOLDER}/flow.js", 2010: f"{FOLDER}/flow1.js"}
SAMPLE_TOTALS = {2000: 7_305_955, 2010: 10_230_691}
# Fraction of the population enumerated by the long form that the sample counts represent.
SAMPLING_FRACTION = {2000: 0.095, 2010: 0.1}

# The order of ``city_name`` in the source files -> GB/T 2260 code. Explicit, not sorted:
# the test checks this order by a known cell (辽宁-born living in 黑龙江, 2000: 79,254).
NBS_ORDER: tuple[tuple[str, str], ...] = (
    ("北京", "110000"),
    ("天津", "120000"),
    ("河北", "130000"),
    ("山西", "140000"),
    ("内蒙古", "150000"),
    ("辽宁", "210000"),
    ("吉林", "220000"),
    ("黑龙江", "230000"),
    ("上海", "310000"),
    ("江苏", "320000"),
    ("浙江", "330000"),
    ("安徽", "340000"),
    ("福建", "350000"),
    ("江西", "360000"),
    ("山东", "370000"),
    ("河南", "410000"),
    ("湖北", "420000"),
    ("湖南", "430000"),
    ("广东", "440000"),
    ("广西", "450000"),
    ("海南", "460000"),
    ("重庆", "500000"),
    ("四川", "510000"),
    ("贵州", "520000"),
    ("云南", "530000"),
    ("西藏", "540000"),
    ("陕西", "610000"),
    ("甘肃", "620000"),
    ("青海", "630000"),
    ("宁夏", "640000"),
    ("新疆", "650000"),
)


def _js_literal(text: str, var: str):
    m = re.search(rf"var\s+{var}\s*=\s*(\[.*?\])\s*;", text, flags=re.S)
    if m is None:
        raise ValueError(f"no `var {var} = [...]` in the script")
    return json.loads(m.group(1))


def read_matrix(path: Path) -> tuple[list[str], np.ndarray]:
    """(province names, 31×31 int matrix: rows = residence, columns = birthplace) of one script."""
    text = Path(path).read_text(encoding="utf-8")
    names = [str(n).strip() for n in _js_literal(text, "city_name")]
    mat = np.array(_js_literal(text, "population"), dtype=np.int64)
    if mat.shape != (31, 31) or len(names) != 31:
        raise ValueError(f"{path}: expected 31 names and a 31×31 matrix, got {len(names)} and {mat.shape}")
    if [n for n, _ in NBS_ORDER] != names:
        raise ValueError(f"{path}: city_name order {names} differs from NBS_ORDER")
    if (np.diag(mat) != 0).any() or (mat < 0).any():
        raise ValueError(f"{path}: diagonal must be 0 and no cell negative")
    return names, mat


def build_birthplace_flows(sources: Path) -> pd.DataFrame:
    """Tidy origin (birthplace) × destination (residence) × year table, both census years."""
    codes = [c for _, c in NBS_ORDER]
    parts = []
    for year, rel in FILES.items():
        _, mat = read_matrix(Path(sources) / rel)
        if int(mat.sum()) != SAMPLE_TOTALS[year]:
            raise ValueError(f"{rel}: total {int(mat.sum()):,} ≠ {SAMPLE_TOTALS[year]:,}")
        dest, orig = np.meshgrid(codes, codes, indexing="ij")
        frac = SAMPLING_FRACTION[year]
        df = pd.DataFrame(
            {
                "origin": orig.ravel(),
                "destination": dest.ravel(),
                "year": year,
                "persons_sample": mat.ravel(),
                "sampling_fraction": frac,
                "persons_estimated": np.round(mat.ravel() / frac).astype(np.int64),
            }
        )
        parts.append(df)  # the zero diagonal is kept: the file is the whole 31×31 matrix
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["year", "origin", "destination"]).reset_index(drop=True)
