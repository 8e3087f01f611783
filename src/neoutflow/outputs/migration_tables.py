"""Tables of notebook 03 (survival variants, deaths, comparison provinces, cohort sex ratios)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from neoutflow.analysis import survival as sv
from neoutflow.outputs import tables as rt
from neoutflow.outputs.migration_figures import RATIOS_ZH, VARIANT_ZH

WAN = 1e4


def _write_sex_ratios(
    checks: dict, directory: Path, base_year: int, end_year: int, region: str = "东北"
) -> pd.DataFrame:
    """``migration_sex_ratios``: cohort sex ratios of the study region and the nation in both censuses."""
    s = checks["sex_ratios"].pivot(index="age_group", columns="group", values=["base", "end", "change"])
    s.columns = [f"{g}_{k}" for k, g in s.columns]
    s = s.reset_index().assign(age_group=lambda x: x["age_group"].astype(str))
    cols = {"age_group": f"{end_year}年年龄组"}
    for g, zh in (("northeast", region), ("national", "全国")):
        cols |= {f"{g}_base": f"{zh}{base_year}", f"{g}_end": f"{zh}{end_year}", f"{g}_change": f"{zh}变化"}
    rt.write_table(
        rt.frame_table(s[list(cols)], dict.fromkeys(list(cols)[1:], 1), cols),
        directory,
        "migration_sex_ratios",
        "队列性别比（男性/女性 × 100）：同一出生队列在两次普查中",
        sources=("census_population",),
    )
    return s


def write_all(
    checks: dict,
    names: pd.Series,
    northeast,
    directory: Path,
    base_year: int,
    end_year: int,
    region: str = "东北",
    total: str = "东北三省",
):
    """Write ``migration_variants``, ``migration_deaths``, ``migration_age_bands``, ``migration_destinations``,
    ``migration_rogers_castro`` and ``migration_sex_ratios``."""
    est = checks["estimates"]
    cov = checks.get("coverage_estimates")
    if cov is not None:
        cov = cov[cov["ratios"] != "coverage_1"]  # weight 1 is the preferred estimate itself
        est = pd.concat([est, cov], ignore_index=True)
    pref = checks["preferred"]
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
        f"{total} {base_year}—{end_year} 年净迁移（{end_year} 年 {end_year - base_year} 岁及以上）：三种变体与四套存活比",
        "注：净迁移率占基期队列；40 岁及以上按末期年龄；“31省之和”为该套存活比下全部省份净迁移之和，"
        "未调整的变体按构造为零；死亡差异调整按常住人口暴露（迁移者平均在本地居住半个时期）拟合；"
        "“封闭队列暴露”把迁出者离开后的死亡也算作本地登记死亡，只作敏感性；“按预期寿命缩放”为第二项检验；"
        f"“覆盖变化”两行只改 10–39 岁的存活比（{region}的普查覆盖变化取全国的 0 倍或 2 倍），以首选的存活比与写法计算。"
        f"首选估计为{RATIOS_ZH[pref['set']]}的{VARIANT_ZH[pref['variant']]}法。",
        sources=("census_population", "province_series", "province_life_expectancy"),
    )
    _write_deaths(checks["deaths"], names, northeast, directory, base_year, end_year)
    write_benchmark(checks["benchmark"], names, northeast, directory, end_year, end_year - base_year, region, total)
    return _write_sex_ratios(checks, directory, base_year, end_year, region)


def _write_deaths(
    deaths: pd.DataFrame, names: pd.Series, northeast, directory: Path, base_year: int, end_year: int
) -> None:
    """``migration_deaths``: the deaths the survival ratios imply beside the registered ones, by province."""
    d = deaths[deaths["code"].isin(list(northeast))].assign(
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
        sources=("census_population", "province_series"),
    )


def _write_rogers_castro(p: dict, directory: Path, interval: int) -> None:
    """``migration_rogers_castro``: the expected schedule's parameters."""
    zh = {
        "a2": "劳动年龄成分高度 a2",
        "mu2": "位置参数 μ2",
        "alpha2": "下降速率 α2",
        "lambda2": "上升速率 λ2",
        "c": "常数项 c",
        "peak_age": "峰值年龄（期中年龄）",
        "peak_rate": "峰值净迁出率（整个时期）",
        "rmse": "拟合均方根误差",
    }
    t = pd.DataFrame({"param": list(zh.values()), "value": [f"{p[k]:.4g}" for k in zh]})
    rt.write_table(
        rt.frame_table(t, {}, {"param": "参数", "value": "估计值"}),
        directory,
        "migration_rogers_castro",
        "期望年龄模式：Rogers–Castro 模型的参数（拟合于其他净迁出省份合计的净迁出率）",
        "注：m(x) = a2·exp(−α2(x−μ2) − exp(−λ2(x−μ2))) + c，x 为队列在两次普查期中的年龄；以各队列基期人数加权的"
        f"非线性最小二乘拟合。{interval} 岁以下无存活比估计，学龄前成分不拟合；峰值少、a2 与 μ2 相互替代，"
        "应读峰值年龄和高度。",
        sources=("census_population",),
    )


def write_benchmark(
    bench: dict,
    names: pd.Series,
    northeast,
    directory: Path,
    end_year: int,
    interval: int = 10,
    region: str = "东北",
    total: str = "东北三省",
) -> None:
    """Net migration rates by age band (20–39, 40–59, 60+) of each Northeast province, the Northeast,
    the pooled out-migration provinces, with the rank among all provinces and the rate the expected
    (Rogers–Castro) schedule gives; the provinces gaining at 60+; the schedule's parameters."""
    bands, sched, group = bench["bands"], bench["schedule"], bench["group"]
    n = len(bands)
    rows = []
    for code in [*northeast, "northeast", "outmigration"]:
        if code in bands.index:
            b = bands.loc[code]
            row = {"name": names[code], **{f"{k}_rate": b[f"{k}_rate"] for k in ("young", "middle", "old")}}
            row |= {"middle_rank": f"{int(b['middle_rank'])}/{n}", "old_rank": f"{int(b['old_rank'])}/{n}"}
        else:
            codes = list(northeast) if code == "northeast" else group
            pooled = bands.loc[codes].sum()
            label = total if code == "northeast" else f"其他净迁出省份（{len(group)} 个）合计"
            row = {
                "name": label,
                **{f"{k}_rate": 100 * pooled[f"{k}_net"] / pooled[f"{k}_base"] for k in ("young", "middle", "old")},
            }
            row |= {"middle_rank": "", "old_rank": ""}
        e = sched.get(code)
        row["middle_expected_rate"] = e["middle_expected_rate"] if e else float("nan")
        row["old_expected_rate"] = e["old_expected_rate"] if e else float("nan")
        rows.append(row)
    cols = {
        "name": "省份",
        "young_rate": "20–39岁（%）",
        "middle_rate": "40–59岁（%）",
        "middle_rank": "40–59岁位次",
        "middle_expected_rate": "40–59岁期望（%）",
        "old_rate": "60岁及以上（%）",
        "old_rank": "60岁及以上位次",
        "old_expected_rate": "60岁及以上期望（%）",
    }
    t = pd.DataFrame(rows)[list(cols)]
    rt.write_table(
        rt.frame_table(
            t,
            dict.fromkeys(["young_rate", "middle_rate", "middle_expected_rate", "old_rate", "old_expected_rate"], 2),
            cols,
        ),
        directory,
        "migration_age_bands",
        f"分年龄段净迁移率（{end_year} 年年龄，占基期队列 %，首选估计）：{region}各省、其他净迁出省份与期望年龄模式",
        f"注：位次为 {n} 个省份中净迁出率由高到低的位次（1 为净迁出最重）；“其他净迁出省份”为{region}以外 {interval} 岁及以上"
        "净迁移为负的全部省份，按合计而非年龄模式选出；“期望”为拟合于这些省份合计的 Rogers–Castro 年龄模式，"
        "按各单位自身 20–39 岁的净迁出强度缩放后在 40–59 岁与 60 岁及以上的值。",
        sources=("census_population", "province_series", "province_life_expectancy"),
    )
    g = bench["destinations"]["gainers"].head(8)
    g = pd.DataFrame({"name": g.index.map(names), "old_net": g["old_net"] / WAN, "old_rate": g["old_rate"]})
    cols = {"name": "省份", "old_net": "60岁及以上净迁入（万人）", "old_rate": "净迁移率（%）"}
    rt.write_table(
        rt.frame_table(g, {"old_net": 1, "old_rate": 2}, cols),
        directory,
        "migration_destinations",
        f"{end_year} 年 60 岁及以上净迁入最多的省份（首选估计）",
        sources=("census_population", "province_series", "province_life_expectancy"),
    )
    _write_rogers_castro(bench["params"], directory, interval)


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
    # vintages: the year-end populations of the intercensal years were back-revised to the end census;
    # the years after it are independent annual data
    revised_last = min(int(end_year) - 1, last)
    recent_first = int(end_year) + 1
    rs.record("revised_last_year", revised_last, "year", "回溯修订的末年", display=str(revised_last))
    rs.record("recent_first_year", recent_first, "year", "普查后独立年份首年", display=str(recent_first))
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
        recent = d.loc[recent_first:last, "net_migration"].sum()
        label = f"{names[code]}{recent_first}–{last}年残差净迁移之和"
        rs.record(f"net_migration_recent_{code}", recent, "persons", label, scale=1e4, suffix="万")
