"""Three published cells of the 7th census table 7-3 (``hukou_press_cells.csv``).

Table 7-3 of 《中国人口普查年鉴—2020》 (第七次全国人口普查 长表, 按现住地和户口登记地分的人口)
cross-tabulates residents by province of residence and province of household registration.
The table itself is not among the project's sources; the nine cells below (residents of
山东, 北京 and 河北 whose hukou is in 辽宁, 吉林 or 黑龙江) were quoted in press reports and are
copied from issue 18 of this project, which quotes them. No press outlet is named there or in
``../shared/sources`` / ``../shared/seed``, so the source is recorded as "press reports quoted
in issue 18". They are a partial view: three destinations out of thirty.
"""

from __future__ import annotations

import pandas as pd

SOURCE = "第七次全国人口普查 长表 表7-3, as quoted in press reports (press reports quoted in issue 18)"
# (residence, hukou) -> persons, 2020 census
CELLS = {
    ("370000", "210000"): 174_663,
    ("370000", "220000"): 344_030,
    ("370000", "230000"): 631_631,
    ("110000", "210000"): 370_648,
    ("110000", "220000"): 284_376,
    ("110000", "230000"): 455_150,
    ("130000", "210000"): 168_371,
    ("130000", "220000"): 156_219,
    ("130000", "230000"): 337_060,
}


def build_hukou_press_cells() -> pd.DataFrame:
    """``residence, hukou, year, persons, source`` sorted by residence and hukou."""
    rows = [
        {"residence": res, "hukou": hk, "year": 2020, "persons": n, "source": "press_table_7-3"}
        for (res, hk), n in CELLS.items()
    ]
    return pd.DataFrame(rows).sort_values(["residence", "hukou"]).reset_index(drop=True)
