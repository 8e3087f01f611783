"""Read the 2010 and 2020 census yearbook tables (county files of leiii/census) into province and
prefecture units and population by age: shared by the importer (``make import``, a user's yearbook table)
and the extractor (``make extract``, the shipped data), which both import this module and not each other.

The county files interleave province, prefecture and county rows. This module
turns each into one table of *units* with a ``kind`` (province, prefecture,
leaf), the prefecture each leaf sits under, and the columns the project uses
under year-independent names. Nothing is summed across kinds here.

Row structure, learned from the files:

- 2010: province rows have codes ``xx0000``; prefecture rows are not indented
  (codes ``xxxx00``, or no code for the municipalities' 市辖区/县 and for
  省直辖县级行政区划); county rows are indented. A few county rows lack codes
  (大兴安岭's 加格达奇…, the 南海 islands), so the prefecture of a county row is
  the prefecture row above it.
- 2020: explicit 省/市/区县 columns; province ``xx0000``, prefecture ``xxxx00``;
  省直辖县级行政区划 group rows have no code; 济源 (419001) has no group row.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from neoutflow.reference import AGE_GROUPS, MUNICIPALITIES, SEXES

YEARBOOK_FILES = {
    2010: "leiii_census/data/census/census_county_2010_v1.xlsx",
    2020: "leiii_census/data/census/census_county_2020_v1.xlsx",
}

# Source age labels in the order of AGE_GROUPS, with 0岁 and 1-4岁 both feeding "0-4".
_AGE_2010 = ["0岁", "1-4岁"] + [f"{a}-{a + 4}岁" for a in range(5, 85, 5)] + ["85岁及以上"]
_AGE_2020 = ["0岁", "1到4岁"] + [f"{a}到{a + 4}岁" for a in range(5, 85, 5)] + ["85岁以上"]
_SEX_2010 = {"male": "男", "female": "女"}


def _age_columns(year: int) -> dict[str, list[str]]:
    """Map ``"<sex>_<age_group>"`` to the source column(s) summed into it."""
    out: dict[str, list[str]] = {}
    labels = _AGE_2010 if year == 2010 else _AGE_2020
    for sex, zh in _SEX_2010.items():
        cols = []
        for lab in labels:
            if year == 2010:
                cols.append(f"{lab}（{zh}）")
            else:
                cols.append(f"{zh}_{lab}")
        groups = [cols[0:2]] + [[c] for c in cols[2:]]
        for group, cols_ in zip(AGE_GROUPS, groups, strict=True):
            out[f"{sex}_{group}"] = cols_
    return out


# Year-independent names -> source columns (lists are summed).
_COLUMNS = {
    2010: {
        "pop_total": ["合计"],
        "pop_male": ["男"],
        "pop_female": ["女"],
        "urban": ["城镇人口"],
        "rural": ["乡村人口"],
        "registered": ["户籍人口"],
        "inmig_other_province": ["迁入人口（人）-外省"],
        "college": ["大学专科-男", "大学专科-女", "大学本科及以上-男", "大学本科及以上-女"],
        "edu_base": [
            "未上过学-男",
            "未上过学-女",
            "小学-男",
            "小学-女",
            "初中-男",
            "初中-女",
            "高中-男",
            "高中-女",
            "大学专科-男",
            "大学专科-女",
            "大学本科及以上-男",
            "大学本科及以上-女",
        ],
        "ind_total": ["各种行业人口\n总计"],
        "ind_primary": ["农林牧渔业"],
        "ind_mining": ["采矿业"],
        "ind_manufacturing": ["制造业"],
        "ind_utilities": ["电力、燃气\n及水的生产\n和供应业"],
        "ind_construction": ["建筑业"],
    },
    2020: {
        "pop_total": ["人口数_合计"],
        "pop_male": ["人口数_男"],
        "pop_female": ["人口数_女"],
        "urban": ["城镇人口"],
        "rural": ["乡村人口"],
        "inmig_other_province": ["户口登记地在外乡镇街道人口_省外"],
        "college": ["大学专科_男", "大学专科_女", "本科及以上_男", "本科及以上_女"],
        "edu_base": [
            "未上过学_男",
            "未上过学_女",
            "学前教育_男",
            "学前教育_女",
            "小学_男",
            "小学_女",
            "初中_男",
            "初中_女",
            "高中_男",
            "高中_女",
            "大学专科_男",
            "大学专科_女",
            "本科及以上_男",
            "本科及以上_女",
        ],
        "ind_total": ["各种行业人口总计"],
        "ind_primary": ["农林牧渔业"],
        "ind_mining": ["采矿业"],
        "ind_manufacturing": ["制造业"],
        "ind_utilities": ["电力热力燃气及水生产和供应业"],
        "ind_construction": ["建筑业"],
    },
}
# Averages and rates: kept as published; re-aggregation weights them (see WEIGHTS).
_RATES = {
    2010: {"years_of_schooling": "平均受教育年限（年）-合计", "birth_rate": "出生率（‰）", "death_rate": "死亡率（‰）"},
    2020: {"years_of_schooling": "平均受教育年限_合计"},
}
# Weight of each averaged column when several units are combined.
WEIGHTS = {"years_of_schooling": "edu_base", "birth_rate": "pop_total", "death_rate": "pop_total"}

_GROUP_NAMES = ("省直辖县级行政区划", "自治区直辖县级行政区划")


def count_columns(year: int) -> list[str]:
    return list(_COLUMNS[year]) + list(_age_columns(year))


def rate_columns(year: int) -> list[str]:
    return list(_RATES[year])


def source_columns(layout: int) -> dict[str, list[str]]:
    """The project's column names of one layout → the source header(s) each is read from."""
    spec = {name: list(cols) for name, cols in _COLUMNS[layout].items()}
    spec.update(_age_columns(layout))
    spec.update({name: [col] for name, col in _RATES[layout].items()})
    return spec


def _fix_2010_columns(df: pd.DataFrame) -> pd.DataFrame:
    # One header in the 2010 file closes with an ASCII parenthesis: 45-49岁（女)
    return df.rename(columns={c: c.replace("（女)", "（女）") for c in df.columns})


def _standardise(raw: pd.DataFrame, year: int, required=None) -> pd.DataFrame:
    """The project's columns from one yearbook's rows (counts summed, rates kept).

    ``year`` names the layout (2010 or 2020). ``required``: the project's column names that must be
    present (default all); the others are left missing (NaN) when the table lacks them, so a table
    with population by age and sex only can be read (``neoutflow.data.importer``).
    """
    out = {}
    spec = dict(_COLUMNS[year])
    spec.update(_age_columns(year))
    for name, cols in spec.items():
        missing = [c for c in cols if c not in raw.columns]
        if missing and required is not None and name not in required:
            out[name] = pd.Series(np.nan, index=raw.index)
            continue
        if missing:
            raise KeyError(f"{year} yearbook: columns {missing} not found")
        block = raw[cols].map(_clean_cell).apply(pd.to_numeric, errors="raise")
        # A count left blank in the yearbook means none (e.g. 乡村人口 of wholly urban districts);
        # a row with every part blank stays missing.
        out[name] = block.sum(axis=1, min_count=1)
    for name, col in _RATES[year].items():
        if col not in raw.columns and required is not None and name not in required:
            out[name] = pd.Series(np.nan, index=raw.index)
            continue
        out[name] = pd.to_numeric(raw[col], errors="raise")
    return pd.DataFrame(out, index=raw.index)


_REPEATED = re.compile(r"^\s*(\d+(?:\.\d+)?)(?:\s+\1)+\s*$")


def _clean_cell(value):
    """A number pasted twice into one cell ("5      5", 工布江达县 2010) is that number.

    The prefecture row confirms it (林芝地区 utilities 73 = sum of counties with 5).
    Any other text is left for ``to_numeric`` to reject.
    """
    if isinstance(value, str):
        m = _REPEATED.match(value)
        if m:
            return m.group(1)
    return value


def _code(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or pd.isna(value):
        return ""
    return str(int(float(value)))


LAYOUTS = (2010, 2020)


def read_yearbook(path: Path, year: int, raw: pd.DataFrame | None = None, required=None) -> pd.DataFrame:
    """Units of one yearbook: code, name, kind, province_code, group (prefecture key), + columns.

    ``year`` names the layout (2010: 地区 with indented counties; 2020: 省/市/区县 columns); a later
    census in the 2020 layout is read with ``year=2020``. ``raw``: the table already read.
    """
    if raw is None:
        raw = pd.read_excel(path, dtype=object)
    if year == 2010:
        raw = _fix_2010_columns(raw)
        return _structure_2010(raw, required)
    if year == 2020:
        return _structure_2020(raw, required)
    raise ValueError(f"no yearbook layout known for {year}")


def _structure_2010(raw: pd.DataFrame, required=None) -> pd.DataFrame:
    meta = []
    province = group = None
    keep = []
    for idx, row in raw.iterrows():
        name = row["地区"]
        if not isinstance(name, str) or not name.strip() or "bbs" in name:
            continue  # blank separators and one advertisement line
        code = _code(row["区划代码"])
        indented = name != name.lstrip()
        name = name.strip()
        if code.endswith("0000"):
            province, group, kind = code, code, "province"
        elif not indented:
            kind = "prefecture"
            if code:
                group = code
            elif name in _GROUP_NAMES:
                group = province[:2] + "9000"
            elif province in MUNICIPALITIES:
                group = f"{province[:2]}:{name}"  # 市辖区 / 县 of a municipality
            else:
                raise ValueError(f"2010 yearbook row {idx + 2}: uncoded prefecture row {name!r}")
        else:
            kind = "leaf"
        meta.append((code or None, name, kind, province, group))
        keep.append(idx)
    units = pd.DataFrame(meta, columns=["code", "name", "kind", "province_code", "group"], index=keep)
    return pd.concat([units, _standardise(raw.loc[keep], 2010, required)], axis=1).reset_index(drop=True)


def _structure_2020(raw: pd.DataFrame, required=None) -> pd.DataFrame:
    meta = []
    province = group = None
    keep = []
    for idx, row in raw.iterrows():
        code = _code(row["区划代码"])
        prov_name, name = str(row["省"]).strip(), str(row["区县"]).strip()
        if prov_name == "全国":
            continue
        if code.endswith("0000"):
            province, group, kind = code, code, "province"
        elif code.endswith("00"):
            group, kind = code, "prefecture"
        elif not code and name in _GROUP_NAMES:
            group, kind = province[:2] + "9000", "prefecture"
        else:
            kind = "leaf"
        if kind == "leaf" and code[2:4] == "90":
            leaf_group = code[:2] + "9000"  # 济源 has no group row in 2020
        else:
            leaf_group = group
        meta.append((code or None, name, kind, province, leaf_group))
        keep.append(idx)
    units = pd.DataFrame(meta, columns=["code", "name", "kind", "province_code", "group"], index=keep)
    return pd.concat([units, _standardise(raw.loc[keep], 2020, required)], axis=1).reset_index(drop=True)


# ------------------------------------------------------------ prefectures


def prefecture_units(units: pd.DataFrame, year: int) -> pd.DataFrame:
    """One row per prefecture-level unit in the yearbook's own boundaries.

    Municipalities become one unit ``xx0100``; province-administered county-level
    units become ``xx9000`` (their group row, or the sum of members where the
    yearbook has no group row, as for 济源 in 2020).
    """
    counts, rates = count_columns(year), rate_columns(year)
    rows = []
    for prov in sorted(units["province_code"].unique()):
        sub = units[units["province_code"] == prov]
        if prov in MUNICIPALITIES:
            whole = sub[sub["kind"] == "province"].iloc[0]
            rows.append(_as_unit(whole, prov[:2] + "0100", counts, rates))
            continue
        prefs = sub[sub["kind"] == "prefecture"]
        for _, p in prefs.iterrows():
            rows.append(_as_unit(p, p["group"], counts, rates))
        # groups with members but no group row (济源 2020)
        for grp in sorted(set(sub.loc[sub["kind"] == "leaf", "group"]) - set(prefs["group"])):
            if grp == prov:
                continue
            members = sub[(sub["kind"] == "leaf") & (sub["group"] == grp)]
            rows.append(combine(members, grp, year))
    return pd.DataFrame(rows).reset_index(drop=True)


def _as_unit(row: pd.Series, code: str, counts, rates) -> dict:
    out = {"code": code, "name": row["name"]}
    out.update({c: row[c] for c in counts + rates})
    return out


def combine(members: pd.DataFrame, code: str, year: int) -> dict:
    """Sum counts; weight averages and rates by their base (see WEIGHTS)."""
    out = {"code": code, "name": "+".join(members["name"])}
    for c in count_columns(year):
        out[c] = members[c].sum(min_count=1)
    for c in rate_columns(year):
        w = members[WEIGHTS[c]]
        ok = members[c].notna() & w.notna()
        out[c] = float((members.loc[ok, c] * w[ok]).sum() / w[ok].sum()) if ok.all() and w[ok].sum() > 0 else np.nan
    return out


_SUFFIX = re.compile(r"(自治县|自治旗|林区|特区|县|市|区|旗)$")


def name_core(name: str) -> str:
    """``"密云县"`` and ``"密云区"`` → ``"密云"``: county names across a 县→区 change."""
    return _SUFFIX.sub("", name.strip())


# 2010 prefecture-level codes renamed or dissolved by 2020 (NBS code tables):
# a 地区 became a 市 on the same territory, 莱芜 merged into 济南 (2019); 巢湖 (341400)
# was split in 2011, so its counties are placed one by one (LEAF_TO_2020).
RECODE_2010 = {
    "522200": "520600",
    "522400": "520500",  # 铜仁, 毕节
    "542100": "540300",
    "542200": "540500",
    "542300": "540200",  # 昌都, 山南, 日喀则
    "542400": "540600",
    "542600": "540400",  # 那曲, 林芝
    "632100": "630200",  # 海东
    "652100": "650400",
    "652200": "650500",  # 吐鲁番, 哈密
    "371200": "370100",  # 莱芜 → 济南
}
# 2010 counties whose 2020 county has another name (so names cannot place them).
LEAF_TO_2020 = {
    "341402": "340100",  # 居巢区 (巢湖) → 巢湖市, 合肥
}


def leaf_targets(units2010: pd.DataFrame, units2020: pd.DataFrame, pref2020: set[str]) -> pd.DataFrame:
    """For each 2010 county row, the 2020 prefecture-level unit whose territory holds it.

    A county keeps its 2010 prefecture (recoded as in RECODE_2010) unless a 2020
    county of the same province with the same name core sits under another
    prefecture (e.g. 公主岭 from 四平 to 长春; 密云县 → 密云区). Cores that are not
    unique within the province in either year (城区, 郊区, …) are not used.
    """
    leaves10 = units2010[units2010["kind"] == "leaf"].copy()
    cand = units2020[units2020["kind"] == "leaf"][["province_code", "name", "group"]].copy()
    # 2020 prefecture rows without county rows of their own (儋州, 东莞, …) also place counties.
    groups_with_leaves = set(cand["group"])
    solo = units2020[(units2020["kind"] == "prefecture") & ~units2020["group"].isin(groups_with_leaves)]
    cand = pd.concat([cand, solo[["province_code", "name", "group"]]], ignore_index=True)
    cand["core"] = cand["name"].map(name_core)
    leaves10["core"] = leaves10["name"].map(name_core)
    uniq20 = cand.drop_duplicates(["province_code", "core"], keep=False)
    uniq20 = uniq20.assign(group=uniq20["group"].map(lambda g: _municipal(g)))
    dup10 = leaves10.duplicated(["province_code", "core"], keep=False)
    lookup = uniq20.set_index(["province_code", "core"])["group"]

    targets = []
    for i, leaf in leaves10.iterrows():
        default = _default_target(leaf["group"], leaf["province_code"], pref2020)
        target, how = default, "same prefecture"
        if leaf["code"] in LEAF_TO_2020:
            target, how = LEAF_TO_2020[leaf["code"]], "listed transfer"
        elif not dup10[i] and (leaf["province_code"], leaf["core"]) in lookup.index:
            by_name = lookup[(leaf["province_code"], leaf["core"])]
            if by_name != default:
                target, how = by_name, "moved (county name matched in 2020)"
        if target is None:
            raise ValueError(f"2010 county {leaf['name']} ({leaf['code']}) has no 2020 prefecture")
        targets.append((i, target, how))
    t = pd.DataFrame(targets, columns=["i", "target", "how"]).set_index("i")
    return leaves10.join(t)


def _municipal(group: str) -> str:
    prov = group[:2] + "0000"
    return group[:2] + "0100" if prov in MUNICIPALITIES else group


def _default_target(group: str, province: str, pref2020: set[str]) -> str | None:
    if province in MUNICIPALITIES:
        return province[:2] + "0100"
    if group in pref2020:
        return group
    return RECODE_2010.get(group)


def reaggregate_2010(units2010: pd.DataFrame, units2020: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """2010 prefecture-level units on 2020 boundaries, and the county moves applied.

    Where a 2020 unit holds exactly the counties of one 2010 prefecture row, that
    row is used as published (so its averages are the yearbook's); otherwise the
    counties are combined (counts summed, averages weighted).
    """
    pref20 = prefecture_units(units2020, 2020)
    pref2020 = set(pref20["code"])
    leaves = leaf_targets(units2010, units2020, pref2020)
    pref10 = prefecture_units(units2010, 2010).set_index("code")
    # leaves of each 2010 prefecture-level group (municipalities as one unit)
    leaves = leaves.assign(source=leaves["group"].map(_municipal_2010))
    rows = []
    for target in sorted(pref2020):
        members = leaves[leaves["target"] == target]
        if members.empty:
            continue  # e.g. 三沙 placed by name; handled below if it has members
        sources = set(members["source"])
        whole = len(sources) == 1 and (leaves["source"] == next(iter(sources))).sum() == len(members)
        src = next(iter(sources))
        if whole and src in pref10.index:
            row = pref10.loc[src].to_dict()
            row["code"] = target
            rows.append(row)
        else:
            rows.append(combine(members, target, 2010))
    moves = leaves[leaves["how"] != "same prefecture"][
        ["code", "name", "province_code", "source", "target", "how", "pop_total"]
    ]
    return pd.DataFrame(rows), moves.reset_index(drop=True)


def _municipal_2010(group: str) -> str:
    if ":" in group:  # 市辖区/县 of a municipality
        return group[:2] + "0100"
    return group


# ------------------------------------------------ province and prefecture units

# Source errors found by comparing each province row with the sum of its prefecture
# rows: (year, province, column) -> the share the yearbook prints for the corrected
# value, which confirms the sum of prefectures. The sum replaces the province cell.
CORRECTIONS = {
    # 河北 2010: 农林牧渔业 printed as 2,006; its prefectures sum to 2,390,479 = 59.70% of
    # the employed, the 第一产业（%） the same row prints.
    (2010, "130000", "ind_primary"): ("ind_total", 59.70),
}
# Province rows must equal the sum of their prefecture-level units within this
# relative tolerance (blank cells of tiny units such as 三沙 aside).
CONSISTENCY_TOLERANCE = 1e-4


def unit_tables(
    units: pd.DataFrame, layout: int, year: int, boundary_units: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Province rows (corrected, checked) and prefecture-level units of one yearbook, and the county moves.

    ``layout`` names the column layout (2010 or 2020), ``year`` the census. With ``boundary_units`` (the
    units of a 2020-layout table) the counties of a 2010-layout table are regrouped into the 2020
    prefecture-level units (``yearbook.reaggregate_2010``); otherwise the prefectures are as enumerated.
    Shared by ``make extract`` and ``make import`` (``neoutflow.data.importer.census_yearbook``).
    """
    provinces = units[units["kind"] == "province"].reset_index(drop=True)
    if boundary_units is None:
        prefectures, moves = prefecture_units(units, layout), pd.DataFrame()
    else:
        prefectures, moves = reaggregate_2010(units, boundary_units)
    return correct_provinces(provinces, prefectures, year, layout), prefectures, moves


def prefecture_sums(prefectures: pd.DataFrame, layout: int) -> pd.DataFrame:
    cols = count_columns(layout)
    return prefectures.groupby(prefectures["code"].str[:2] + "0000")[cols].sum(min_count=1)


def correct_provinces(
    provinces: pd.DataFrame, prefectures: pd.DataFrame, year: int, layout: int | None = None
) -> pd.DataFrame:
    """Apply CORRECTIONS (each confirmed by the printed share), then require province = Σ prefectures.

    ``layout``: the yearbook's column layout (default: ``year``, as for the 2010 and 2020 censuses).
    """
    layout = layout or year
    out = provinces.set_index("code").copy()
    sums = prefecture_sums(prefectures, layout)
    checked = out.index.intersection(sums.index)  # a table may list some provinces without prefectures
    for (y, code, col), (base, printed) in CORRECTIONS.items():
        if y != year or code not in checked:
            continue
        value = sums.at[code, col]
        share = value / out.at[code, base] * 100
        if abs(share - printed) > 0.01:
            raise ValueError(f"{year} {code} {col}: prefecture sum gives {share:.2f}%, the yearbook prints {printed}%")
        out.at[code, col] = value
    cols = count_columns(layout)
    diff = ((out.loc[checked, cols] - sums.loc[checked, cols]).abs() / out.loc[checked, cols]).stack()
    bad = diff[diff > CONSISTENCY_TOLERANCE]
    if not bad.empty:
        raise ValueError(f"{year}: province rows differ from the sum of their prefectures: {bad.to_dict()}")
    return out.reset_index()


# ------------------------------------------------------- census population


def population_long(units: pd.DataFrame, year: int) -> pd.DataFrame:
    """code, year, sex, age_group, population from one table of units."""
    cols = [f"{s}_{g}" for s in SEXES for g in AGE_GROUPS]
    ages = units.set_index("code")[cols].copy()
    # Blank yearbook cells are zero (三沙's islands in 2010) only if the row still adds up.
    filled = ages.fillna(0)
    total = units.set_index("code")["pop_total"]
    bad = (filled.sum(axis=1) - total).abs() > 0.5
    if bad.any():
        raise ValueError(f"{year}: age groups do not add up to the total for {list(total.index[bad])}")
    long = filled.stack().rename("population").reset_index()
    long.columns = ["code", "key", "population"]
    long[["sex", "age_group"]] = long["key"].str.split("_", n=1, expand=True)
    long["year"] = year
    long["population"] = long["population"].round().astype("int64")
    return long[["code", "year", "sex", "age_group", "population"]]


def sort_population(df: pd.DataFrame) -> pd.DataFrame:
    order = {g: i for i, g in enumerate(AGE_GROUPS)}
    key = df.assign(_s=df["sex"].map({"male": 0, "female": 1}), _a=df["age_group"].map(order))
    return key.sort_values(["code", "year", "_s", "_a"]).drop(columns=["_s", "_a"]).reset_index(drop=True)
