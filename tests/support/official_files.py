"""Official-layout files for tests. SYNTHETIC DATA, FOR TESTS ONLY.

``synthetic_census_table``: a census yearbook county table in the 2020 layout for a made-up census
year, derived from the committed 2020 rows (the Northeast −8 %, other provinces +1 %).
"""

from __future__ import annotations

import pandas as pd

from neoutflow.data.files import RAW_FILES
from neoutflow.reference import AGE_GROUPS, MUNICIPALITIES

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
