"""Tables of notebook 03 (survival variants, deaths, comparison provinces, cohort sex ratios)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from neoutflow.analysis import survival as sv
from neoutflow.outputs import tables as rt
from neoutflow.outputs.migration_figures import RATIOS_ZH, VARIANT_ZH

WAN = 1e4


def write_all(checks: dict, names: pd.Series, northeast, comparison, directory: Path, base_year: int, end_year: int):
    """Write ``migration_variants``, ``migration_deaths``, ``migration_comparison``, ``migration_sex_ratios``."""
    est = checks["estimates"]
    ne = est[est["group"] == "northeast"].assign(
        ratios=lambda d: d["ratios"].map(RATIOS_ZH),
        variant=lambda d: d["variant"].map(VARIANT_ZH),
        net_migration=lambda d: d["net_migration"] / WAN,
        young_adult_net_migration=lambda d: d["young_adult_net_migration"] / WAN,
        sum_all_regions=lambda d: d["sum_all_regions"] / WAN,
    )
    cols = {
        "ratios": "存活比",
        "variant": "变体",
        "net_migration": "净迁移（万人）",
        "net_migration_rate": "净迁移率（%）",
        "young_adult_net_migration": "20–39岁（万人）",
        "old_share": "40岁及以上占比（%）",
        "old_rate": "40岁及以上净迁移率（%）",
        "sum_all_regions": "31省之和（万人）",
    }
    rt.write_table(
        rt.frame_table(ne[list(cols)], dict.fromkeys(list(cols)[2:], 1), cols),
        directory,
        "migration_variants",
        f"东北三省 {base_year}—{end_year} 年净迁移（{end_year} 年 {end_year - base_year} 岁及以上）：三种变体与四套存活比",
        "注：净迁移率占基期队列；40 岁及以上按末期年龄；“31省之和”为该套存活比下全部省份净迁移之和，"
        "未调整的变体按构造为零；死亡差异调整按常住人口暴露（迁移者平均在本地居住半个时期）拟合；"
        "“封闭队列暴露”把迁出者离开后的死亡也算作本地登记死亡，只作敏感性；“按预期寿命缩放”为第二项检验。",
    )
    d = checks["deaths"]
    d = d[d["code"].isin([*northeast, *comparison])].assign(
        name=lambda x: x["code"].map(names),
        implied_deaths=lambda x: x["implied_deaths"] / WAN,
        implied_deaths_closed=lambda x: x["implied_deaths_closed"] / WAN,
        registered_deaths=lambda x: x["registered_deaths"] / WAN,
    )
    cols = {
        "name": "省份",
        "implied_deaths": "推算死亡：常住暴露（万人）",
        "implied_deaths_closed": "推算死亡：封闭队列（万人）",
        "registered_deaths": "登记死亡（万人）",
        "implied_to_registered": "推算/登记",
        "theta": "风险乘数（对准登记）",
        "theta_differential": "风险乘数（死亡差异）",
        "theta_differential_closed": "风险乘数（死亡差异，封闭队列）",
    }
    rt.write_table(
        rt.frame_table(
            d[list(cols)],
            {"implied_deaths": 1, "implied_deaths_closed": 1, "registered_deaths": 1}
            | dict.fromkeys(list(cols)[4:], 3),
            cols,
        ),
        directory,
        "migration_deaths",
        f"{base_year}—{end_year} 年推算死亡与登记死亡",
        "注：登记死亡 = 粗死亡率 × 年平均人口，按普查时点加权，是常住人口中的死亡；"
        "常住暴露的推算死亡 = (1 − 存活比) × (基期队列 + 净迁移/2)，封闭队列 = 基期队列 × (1 − 存活比)，"
        "后者把迁出者离开后的死亡也计入。推算/登记按常住暴露。",
    )
    c = est[
        (est["ratios"] == "national") & (est["variant"] == "average") & est["group"].isin([*northeast, *comparison])
    ]
    c = c.assign(name=lambda x: x["group"].map(names), net_migration=lambda x: x["net_migration"] / WAN)
    cols = {
        "name": "省份",
        "net_migration": "净迁移（万人）",
        "net_migration_rate": "净迁移率（%）",
        "old_share": "40岁及以上占比（%）",
        "old_rate": "40岁及以上净迁移率（%）",
    }
    rt.write_table(
        rt.frame_table(
            c[list(cols)], {"net_migration": 1, "net_migration_rate": 2, "old_share": 1, "old_rate": 2}, cols
        ),
        directory,
        "migration_comparison",
        "东北三省与净流出规模相近省份（全国存活比，平均变体）",
    )
    s = checks["sex_ratios"].pivot(index="age_group", columns="group", values=["base", "end", "change"])
    s.columns = [f"{g}_{k}" for k, g in s.columns]
    s = s.reset_index().assign(age_group=lambda x: x["age_group"].astype(str))
    cols = {"age_group": f"{end_year}年年龄组"}
    for g, zh in (("northeast", "东北"), ("national", "全国")):
        cols |= {f"{g}_base": f"{zh}{base_year}", f"{g}_end": f"{zh}{end_year}", f"{g}_change": f"{zh}变化"}
    rt.write_table(
        rt.frame_table(s[list(cols)], dict.fromkeys(list(cols)[1:], 1), cols),
        directory,
        "migration_sex_ratios",
        "队列性别比（男性/女性 × 100）：同一出生队列在两次普查中",
    )
    return s


def old_age_sex_ratio_gap(sex_table: pd.DataFrame, old: int = sv.OLD_AGE) -> float:
    """Mean over the groups aged ``old``+ of (Northeast change − national change) in the cohort sex ratio."""
    low = sex_table["age_group"].map(lambda g: int(str(g).rstrip("+").split("-")[0]))
    o = sex_table[low >= old]
    return float((o["northeast_change"] - o["national_change"]).mean())


def record_decomposition(rs, dec: pd.DataFrame, names, base_year: int, end_year: int) -> None:
    """The yearly decomposition's numbers by role (not by calendar year), so a new census period
    needs no new result keys: natural growth at the end census (or the series' last year before it)
    and in the series' last year; residual net migration summed over the intercensal years."""
    first, last = int(dec["year"].min()), int(dec["year"].max())
    census_year = min(int(end_year), last)
    rs.record("series_first_year", first - 1, "year", "年末人口序列首年", display=str(first - 1))
    rs.record("decomposition_first_year", first, "year", "逐年分解首年", display=str(first))
    rs.record("decomposition_last_year", last, "year", "逐年分解末年", display=str(last))
    rs.record("natural_growth_census_year", census_year, "year", "期末普查年（或序列末年）", display=str(census_year))
    lo, hi = int(base_year) + 1, min(int(end_year), last)
    rs.record("intercensal_first_year", lo, "year", "普查间首个完整年份", display=str(lo))
    rs.record("intercensal_last_year", hi, "year", "普查间末年", display=str(hi))
    for code in sorted(dec["code"].unique()):
        d = dec[dec["code"] == code].set_index("year")
        for tag, year in (("census", census_year), ("last", last)):
            rate = d.loc[year, "natural_growth_rate"]
            rs.record(
                f"natural_growth_{code}_{tag}", rate, "‰", f"{names[code]}{year}年自然增长率", digits=2, suffix="‰"
            )
        total = d.loc[lo:hi, "net_migration"].sum()
        label = f"{names[code]}{lo}–{hi}年残差净迁移之和"
        rs.record(f"net_migration_intercensal_{code}", total, "persons", label, scale=1e4, suffix="万")
