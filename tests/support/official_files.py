"""Official-layout files for tests. SYNTHETIC DATA, FOR TESTS ONLY.

``synthetic_census_table``: a census yearbook county table in the 2020 layout for a made-up census
year, derived from the committed 2020 rows (the Northeast −8 %, other provinces +1 %).
``table_61``: census communiqué table 6-1 as published (title, two-line header with the unit, 全国 and the
provinces), the committed 2020 figures scaled.
"""

from __future__ import annotations

import csv
import io

import pandas as pd

from neoutflow.data.files import RAW_FILES
from neoutflow.reference import AGE_GROUPS, MUNICIPALITIES, NATIONAL_CODE

READ = {"dtype": {"code": str}, "keep_default_na": False}

_AGE_2020 = ["1到4岁"] + [f"{a}到{a + 4}岁" for a in range(5, 85, 5)] + ["85岁以上"]


def synthetic_census_table(root, year: int = 2030) -> pd.DataFrame:
    """A county table in the 2020 yearbook layout for a made-up census: the 2020 rows, Northeast −8 %."""
    pop = pd.read_csv(root / "data" / "raw" / RAW_FILES["census_population"], **READ)
    regions = pd.read_csv(root / "data" / "raw" / RAW_FILES["regions"], **READ).set_index("code")
    new = pop[pop["year"] == 2020].copy()
    factor = new["code"].str[:2].isin(["21", "22", "23"]).map({True: 0.92, False: 1.01})
    new["population"] = (new["population"] * factor).round().astype(int)
    pref = new[~new["code"].str.endswith("0000")]
    cells = pref.groupby([pref["code"].str[:2] + "0000", "sex", "age_group"])["population"].sum()
    key = pd.MultiIndex.from_frame(new[["code", "sex", "age_group"]])
    has = key.isin(cells.index)
    new.loc[has, "population"] = cells.reindex(key[has]).to_numpy()
    wide = new.pivot_table(index="code", columns=["sex", "age_group"], values="population", aggfunc="sum")
    rows = []
    for code in sorted(wide.index):
        pc = code[:2] + "0000"
        if code != pc and pc in MUNICIPALITIES:
            continue  # a municipality is its province row
        prov_name = regions.at[pc, "name_zh"]
        name = regions.at[code, "name_zh"]
        r = {"区划代码": int(code), "省": prov_name, "市": name, "区县": name}
        w = wide.loc[code]
        r["人口数_合计"] = int(w.sum())
        for sex, zh in (("male", "男"), ("female", "女")):
            r[f"人口数_{zh}"] = int(w[sex].sum())
            zero_four = int(w[(sex, "0-4")])
            r[f"{zh}_0岁"] = zero_four // 5
            r[f"{zh}_1到4岁"] = zero_four - zero_four // 5
            for lab, grp in zip(_AGE_2020[1:], AGE_GROUPS[1:], strict=True):
                r[f"{zh}_{lab}"] = int(w[(sex, grp)])
        rows.append(r)
    head = {"区划代码": None, "省": "全国", "市": "全国", "区县": "全国"}
    return pd.DataFrame([head, *rows])


def provinces(root) -> pd.DataFrame:
    r = pd.read_csv(root / "data" / "raw" / RAW_FILES["regions"], **READ)
    return r[r["level"] == "province"].sort_values("code")


def spaced(name: str) -> str:
    """Two-character names are printed with two spaces in the communiqué: 北京 → '北  京'."""
    return f"{name[0]}  {name[1]}" if len(name) == 2 else name


def short_names(root) -> dict[str, str]:
    from neoutflow.reference import short_province_name

    prov = provinces(root)
    return {c: short_province_name(n) for c, n in zip(prov["code"], prov["name_zh"], strict=True)}


def write_rows(rows: list[list[str]], path):
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8-sig")
    return path


def table_61(root, path, factor=1.1, unit="人/10 万人", names=None):
    """Table 6-1 as published: title, two-line header with the unit, 全国 and the provinces (SYNTHETIC: the
    2020 figures × ``factor``)."""
    ind = pd.read_csv(root / "data" / "raw" / RAW_FILES["census_indicators"], **READ).set_index(
        ["code", "year", "indicator"]
    )["value"]
    names = names or short_names(root)
    rows = [
        ["各地区每 10 万人口中拥有的各类受教育程度人数", "Unnamed: 1", "Unnamed: 2", "Unnamed: 3", "Unnamed: 4"],
        [f"地区 \n单位：{unit}", "大学\n（大专及以上）", "高中\n(含中专)", "初中 ", "小学"],
    ]
    for code, name in [(NATIONAL_CODE, "全 国")] + [(c, spaced(n)) for c, n in names.items()]:
        college = round(ind[(code, 2020, "college_per_100k")] * factor)
        rows.append([name + " ", str(college), "15000", "34000", "24000"])
    return write_rows(rows, path)


def survey_table(root, path, year: int = 2025, unit: str = "人", scale: float = 1.0):
    """A 1% sample survey communiqué's province table (SYNTHETIC: the 2020 census totals, the Northeast −4 %, the
    other provinces +1 %), with a 全国 row, spaced names, a unit line and a share column; ``scale`` divides the
    printed values (10,000 for a table in 万人)."""
    tot = pd.read_csv(root / "data" / "raw" / RAW_FILES["census_totals"], **READ)
    tot = tot[(tot["year"] == 2020) & tot["code"].str.endswith("0000")].set_index("code")["population"]
    values = {c: v * (0.96 if c[:2] in ("21", "22", "23") else 1.01) for c, v in tot.items()}
    total = sum(values.values())
    rows = [
        [f"{year}年全国1%人口抽样调查主要数据公报 表1 各地区人口（SYNTHETIC, FOR TESTS ONLY）", "", ""],
        [f"单位：{unit}", "", ""],
        ["地  区", "人口数", "比重（%）"],
        ["全  国", f"{total / scale:.2f}" if scale != 1 else str(round(total)), "100.00"],
    ]
    for code, name in short_names(root).items():
        v = values[code] / scale
        rows.append([spaced(name), f"{v:.2f}" if scale != 1 else str(round(v)), f"{100 * values[code] / total:.2f}"])
    rows.append(["注：合计不含现役军人。", "", ""])
    return write_rows(rows, path)
