"""Prefecture (地级) wages, GDP and population 2010–2020 (``prefecture_series.csv``).

Source: ``csmar_cre_city_eileenchen`` — a CSMAR China Regional Economy export whose city
tables are compiled from the China City Statistical Yearbook (中国城市统计年鉴, 全市 figures).

Read by the user importer's reader (``neoutflow.data.importer.read_city_yearbook``, layout
``city-yearbook``), so developer extraction and ``make import`` cannot drift apart; the choices
(recoding to 2020 codes, dropped units, the ``same_territory_as_2020`` flag, units) are documented
and made there. This module only names the two shipped files and checks that every field is read.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from neoutflow.data import importer
from neoutflow.data.importer.city_yearbook import (  # noqa: F401 - re-exported for the tests and docs
    BOUNDARY_CHANGES,
    CODE_MAP,
    CRE_FIELDS,
    CRE_FOLDER,
    CRE_SOURCE,
    DROPPED,
    UNITS,
)

FOLDER = CRE_FOLDER
WAGE_FILE = f"{FOLDER}/CRE_Eplwagct.csv"
GDP_FILE = f"{FOLDER}/CRE_Gdpct.csv"
SOURCE = CRE_SOURCE

# source file -> field -> (indicator, factor to the registered unit)
FIELDS = {
    file: {f: (indicator, UNITS[indicator][unit]) for f, (indicator, unit) in CRE_FIELDS[Path(file).stem].items()}
    for file in (WAGE_FILE, GDP_FILE)
}


def build_prefecture_series(sources: Path, regions: pd.DataFrame) -> pd.DataFrame:
    """Tidy long table: code, year, indicator, value, unit, same_territory_as_2020, source."""

    parts = []
    for file, fields in FIELDS.items():
        try:
            (part,) = importer.read_city_yearbook(Path(sources) / file, None, SOURCE, regions=regions)
        except importer.ImportFailure as exc:
            raise ValueError(f"{file}: {exc}") from None
        read = {s.rsplit(".", 1)[-1] for s in part.rows["source"]}
        missing = sorted(set(fields) - read)
        if missing:
            raise ValueError(f"{file}: no values for the fields {missing}")
        parts.append(part.rows)
    out = pd.concat(parts, ignore_index=True)
    dup = out.duplicated(["code", "year", "indicator"], keep=False)
    if dup.any():
        raise ValueError(f"duplicate prefecture rows after recoding: {out[dup].head().to_dict('records')}")
    return out.sort_values(["code", "indicator", "year"]).reset_index(drop=True)
