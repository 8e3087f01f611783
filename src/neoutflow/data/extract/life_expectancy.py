"""Provincial life expectancy at birth, 1990 / 2000 / 2010 (``province_life_expectancy.csv``).

Source: ``fangshuai_province_life_expectancy/Data_0.xlsx`` (the compiler's transcription of
the NBS census life-expectancy table, as reprinted in 《中国卫生健康统计年鉴2018》; MIT).
Corrections of the transcription's known errors (see its SOURCE.md):

- 1990: the row printed for 重庆 carries 四川's values (the official table has 四川 66.33 and
  no 重庆 in 1990): they are assigned to 四川 (510000) and 重庆 has no 1990 rows;
- 1990 新疆 total (63.59) lies outside its male–female range (61.95–63.26): it is dropped
  (the male and female values are kept).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from neoutflow.reference import NATIONAL_CODE, PROVINCES

FILE = "fangshuai_province_life_expectancy/Data_0.xlsx"
TITLE = "中国主要年份各地区预期寿命统计(1990-2010)"
YEARS = (1990, 2000, 2010)
SEX_COLUMNS = ("total", "male", "female")
# Short names of the table, in its (NBS) order → codes ("总计" = national).
_NAMES = (
    "北京 天津 河北 山西 内蒙古 辽宁 吉林 黑龙江 上海 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 广西 海南 "
    "重庆 四川 贵州 云南 西藏 陕西 甘肃 青海 宁夏 新疆"
).split()


def _codes() -> dict[str, str]:
    if len(_NAMES) != len(PROVINCES):
        raise ValueError("the name list must cover the 31 provinces")
    return {"总计": NATIONAL_CODE} | dict(zip(_NAMES, sorted(PROVINCES), strict=True))


def build_province_life_expectancy(sources: Path) -> pd.DataFrame:
    """Long table ``code, year, sex, life_expectancy`` (years), corrections applied (module docstring)."""
    x = pd.read_excel(Path(sources) / FILE, header=None)
    if str(x.iat[0, 0]).strip() != TITLE:
        raise ValueError(f"{FILE}: expected the title {TITLE!r}, found {x.iat[0, 0]!r}")
    codes = _codes()
    rows = []
    for _, r in x.iloc[3:35].iterrows():
        name = str(r[0]).strip()
        if name not in codes:
            raise ValueError(f"{FILE}: unknown region {name!r}")
        for i, year in enumerate(YEARS):
            for j, sex in enumerate(SEX_COLUMNS):
                raw = str(r[1 + 3 * i + j]).strip()
                if raw == "/":
                    continue
                rows.append({"code": codes[name], "year": year, "sex": sex, "life_expectancy": float(raw)})
    df = pd.DataFrame(rows)
    cq, sc = "500000", "510000"
    if not df[(df["code"] == sc) & (df["year"] == 1990)].empty:
        raise ValueError(f"{FILE}: 四川 1990 now has values; revisit the 重庆/四川 correction")
    df.loc[(df["code"] == cq) & (df["year"] == 1990), "code"] = sc
    xj = (df["code"] == "650000") & (df["year"] == 1990)
    df = df[~(xj & (df["sex"] == "total"))]
    df["sex"] = pd.Categorical(df["sex"], SEX_COLUMNS, ordered=True)
    out = df.sort_values(["code", "year", "sex"]).reset_index(drop=True)
    out["sex"] = out["sex"].astype(str)
    return out
