"""What notebook 01 reports: the outflow numbers recorded for the prose, its tables and figures.

Each function takes the measures of :func:`neoutflow.analysis.outflow.measure_outflow`
and records results (:class:`~neoutflow.outputs.results.ResultSet`), writes a
table (Markdown for the report, full-precision CSV beside it) or draws a figure.
Result keys are stable whatever the parameters, so the report can quote them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from neoutflow.analysis import demography as dm
from neoutflow.analysis.outflow import (
    NE_KEY,
    PAPER_CLAIM,
    PAPER_PERIOD,
    Outflow,
    focus_provinces,
)
from neoutflow.formatting import list_zh
from neoutflow.outputs import derived, style
from neoutflow.outputs import outflow_figures as figs
from neoutflow.outputs import outflow_tables as tables
from neoutflow.outputs.claims import direction_word, region_group_name
from neoutflow.outputs.results import ResultSet
from neoutflow.reference import REGIONS_ZH

WAN = 1e4
_WAN = dict(digits=1, scale=WAN, suffix="万")
# a count the statistical yearbooks publish to the 万 (year-end population): no false decimal
_WAN_PUBLISHED = dict(digits=0, scale=WAN, suffix="万")


def _measure_columns(labels: dict[str, str], measures: list[str], by: int, ey: int):
    """Headers and number formats of a table: ``labels`` (text columns) then ``measures``, each
    measure's Chinese header and (decimals, scale) written once here for every outflow table."""
    known = {
        "population_base": (f"{by}年常住人口（万人）", (1, WAN)),
        "population_end": (f"{ey}年常住人口（万人）", (1, WAN)),
        "population_change_pct": ("人口变化（%）", (2, 1)),
        "net_migration": (f"净迁移（万人，{ey - by}岁及以上）", (1, WAN)),
        "net_migration_rate": ("净迁移率（%）", (2, 1)),
        "young_adult_net_migration": ("20–39岁净迁移（万人）", (1, WAN)),
        "young_adult_net_migration_rate": ("20–39岁净迁移率（%）", (2, 1)),
        "residual_net_migration": ("残差法净迁移（万人）", (1, WAN)),
    }
    headers = dict(labels) | {m: known[m][0] for m in measures}
    return headers, {m: known[m][1] for m in measures}


# China's censuses fall in years ending in 0, its 1% sample surveys (mini-censuses) in years ending in 5.
CENSUS_EVERY = 10
SURVEY_OFFSET = 5


def covered_ages(o: Outflow) -> str:
    """The ages the survival-ratio measure covers at the end year: those born before the base census
    (``10岁及以上`` over a 10-year interval, ``20岁及以上`` over 20 years)."""
    return f"{o.end_year - o.base_year}岁及以上"


def next_data_years(end_year: int) -> tuple[int, int]:
    """The first 1% sample survey and the first census after ``end_year``: ``(2025, 2030)`` after 2020."""
    census = (end_year // CENSUS_EVERY + 1) * CENSUS_EVERY
    survey = census - CENSUS_EVERY + SURVEY_OFFSET
    return (survey if survey > end_year else survey + CENSUS_EVERY), census


def record_setup(rs: ResultSet, o: Outflow) -> None:
    """The census years and the interval between them, and the next data that could extend the analysis."""
    rs.record("base_year", o.base_year, "year", "基期普查年份", display=str(o.base_year))
    rs.record("end_year", o.end_year, "year", "末期普查年份", display=str(o.end_year))
    n = o.end_year - o.base_year
    rs.record("interval_years", n, "years", "两次普查相隔的年数", display=str(n))
    record_context_words(rs, o)
    survey, census = next_data_years(o.end_year)
    rs.record("next_survey_year", survey, "year", "末期普查之后的第一次 1% 人口抽样调查", display=str(survey))
    rs.record("next_census_year", census, "year", "末期普查之后的第一次人口普查", display=str(census))


# --- words that follow the data: census names, boundary vintages, the source of the population change ----


def census_name(year: int) -> str:
    """``2020`` → ``2020 年第七次`` (the censuses since 2000 every ten years: 第五次 in 2000); another year
    (a 1% sample survey) → ``2025 年``."""
    if year >= 2000 and year % 10 == 0:
        n = 5 + (year - 2000) // 10
        digits = "零一二三四五六七八九十"
        ordinal = digits[n] if n <= 10 else f"十{digits[n - 10]}"
        return f"{year} 年第{ordinal}次"
    return f"{year} 年"


def boundary_vintages(years, raw_dir=None) -> dict[int, int]:
    """Census year → the year of the administrative boundaries its prefecture-level rows are on
    (``census_totals.csv``'s ``boundary``: a year they were regrouped to, or "as enumerated")."""
    from neoutflow.data import load_census_totals

    t = load_census_totals(raw_dir=raw_dir)
    t = t[~t["code"].astype(str).str.endswith("0000")]
    out = {}
    for y in years:
        b = {str(v) for v in t.loc[t["year"] == y, "boundary"]}
        found = sorted(int(v) for v in b if v.isdigit())
        out[int(y)] = found[-1] if found else int(y)
    return out


def boundary_words(by: int, ey: int, vintages: dict[int, int]) -> dict[str, str]:
    """The sentences that name boundary vintages, from the data used: the data list's regrouping sentence,
    the prefecture table's note and the limitation on definitions and boundaries."""
    from neoutflow.reference import CENSUS_ENUMERATION

    vintage = vintages[ey]
    regrouped = [y for y in (by, ey) if vintages[y] != y]
    years = "、".join(str(y) for y in regrouped)
    if regrouped:
        example = "（例如公主岭市从四平市划入长春市）" if regrouped == [2010] and vintage == 2020 else ""
        data = f"{years} 年地级数据按 {vintage} 年行政区划重新归并{example}，使两次普查口径一致。"
        note = (
            f"常住人口为按{vintage}年行政区划调整后的普查数；净迁移按普查分年龄人口（{years}年已按{vintage}年区划归并）"
        )
        limit = (
            f"地级单位 {years} 年数据按 {vintage} 年区划归并，少数在县级以下调整的区划无法完全对齐，"
            "相关单位在地级模型中另作处理。"
        )
    else:
        data = f"两次普查的地级数据均按 {vintage} 年行政区划统计，无需归并。"
        note = f"常住人口为按{vintage}年行政区划的普查数；净迁移按普查分年龄人口"
        limit = f"两次普查的地级数据均按 {vintage} 年区划统计，无需归并。"
    a, b = CENSUS_ENUMERATION.get(by), CENSUS_ENUMERATION.get(ey)
    if a and b and a != b:
        limit = f"{by} 年和 {ey} 年普查的“省外流入人口”口径不同；" + limit
    elif not (a and b):
        limit = f"{by} 年和 {ey} 年普查“省外流入人口”的登记口径是否一致，本项目的数据没有记录；" + limit
    return {
        "census_list": f"{census_name(by)}和 {census_name(ey)}全国人口普查",
        "boundary_data_sentence": data,
        "boundary_table_note": note,
        "limitation_boundaries": limit,
    }


def change_source_words(change: float, natural: float) -> dict[str, str]:
    """Words for "the natural increase was X, equal to Y% of the population change: the change came (almost
    all) from migration / mainly from natural increase", chosen from the signs and sizes."""
    migration = change - natural
    verb = direction_word(change, "change")
    share = natural / change if change else float("inf")
    if change == 0:
        clause = "人口总量基本不变，自然增长与迁移相互抵消"
    elif migration * change > 0 and abs(migration) >= 0.9 * abs(change) and abs(share) <= 0.1:
        clause = f"人口{verb}几乎全部来自迁移"
    elif migration * change > 0 and abs(migration) >= abs(natural):
        clause = f"人口{verb}主要来自迁移"
    elif natural * change > 0 and abs(natural) > abs(migration):
        mig = "净迁入" if migration > 0 else "净迁出"
        clause = f"人口{verb}主要来自自然增长，迁移为{mig}" if migration else f"人口{verb}全部来自自然增长"
    else:
        clause = f"人口{verb}来自迁移与自然增长的共同作用"
    small = 0 <= share <= 0.25
    return {
        "ne_natural_increase_qualifier": "只有" if small else "为",
        "ne_natural_increase_share_verb": "仅相当于" if small else "相当于",
        "ne_change_source_clause": clause,
    }


def record_context_words(rs: ResultSet, o: Outflow, raw_dir=None) -> None:
    """The census names and boundary sentences of the data actually used (data list, table note, limitation)."""
    words = boundary_words(o.base_year, o.end_year, boundary_vintages((o.base_year, o.end_year), raw_dir))
    labels = {
        "census_list": "所用两次普查的名称（数据来源）",
        "boundary_data_sentence": "地级数据的区划口径（数据来源）",
        "boundary_table_note": "地级表注：区划口径",
        "limitation_boundaries": "局限：口径与区划",
    }
    for key, text in words.items():
        rs.record(key, text, "", labels[key], display=text)


def record_zero_sum(rs: ResultSet, o: Outflow) -> float:
    """Province net migration sums to zero by construction; checked and recorded."""
    zero_sum = float(o.net_prov["net_migration"].sum())
    if abs(zero_sum) >= 1:
        raise AssertionError(f"province net migration should sum to zero, sums to {zero_sum}")
    rs.record(
        "provinces_net_migration_sum",
        zero_sum,
        "persons",
        "31个省份存活比法净迁移之和（应为0）",
        display="不足 1 人",  # |sum| < 1 is checked above
    )
    return zero_sum


def survival_ratio_table(o: Outflow, ratios: pd.DataFrame) -> pd.DataFrame:
    shown = ratios.copy()
    shown.columns = [figs.SEX_ZH[c] for c in shown.columns]
    return shown.round(4).T


def provinces_table(prov: pd.DataFrame, o: Outflow, directory: Path) -> Path:
    by, ey = o.base_year, o.end_year
    prov = prov.assign(region_zh=prov["region"].map(REGIONS_ZH))
    headers, formats = _measure_columns(
        {"name_zh": "省份", "region_zh": "地区"},
        [
            "population_base",
            "population_end",
            "population_change_pct",
            "net_migration",
            "net_migration_rate",
            "young_adult_net_migration",
            "young_adult_net_migration_rate",
            "residual_net_migration",
        ],
        by,
        ey,
    )
    md, _ = tables.write_table(
        tables.format_columns(prov, formats, headers),
        prov,
        directory,
        "outflow_provinces",
        f"各省份{by}—{ey}年人口变化与净迁移（按净迁移率排序）",
        note=(
            f"注：净迁移为普查存活比法估计（全国存活比、前向法，用于省际比较），覆盖 {ey} 年 {ey - by} 岁及以上人口，"
            f"净迁移率以 {by} 年常住人口为分母；20–39 岁净迁移率以该队列 {by} 年人数为分母；残差法净迁移 = 普查人口变化 − "
            "期间自然增长。"
        ),
        sources=("census_population", "census_totals", "province_series"),
    )
    return md


def ranked_rates_figure(o: Outflow, prov: pd.DataFrame, level: str, highlight_regions):
    """Net migration rates ranked: provinces, or the prefectures of the highlighted provinces."""
    province_of = o.province_of
    if level == "province":
        bars, highlight = prov, list(highlight_regions)
    else:
        focus = focus_provinces(o, highlight_regions)
        bars = o.summary_pref[o.summary_pref["code"].map(province_of).isin(focus)].assign(
            name_zh=lambda d: d["code"].map(o.names).map(figs.short_name)
        )
        highlight = [c for c in bars["code"] if c in highlight_regions or province_of[c] in highlight_regions]
    return figs.ranked_bars(
        bars,
        "net_migration_rate",
        highlight,
        xlabel=f"{o.base_year}—{o.end_year}年净迁移率（占{o.base_year}年人口的%）",
    )


def _record_region(rs: ResultSet, o: Outflow, key, label, s, ch, child, inmig) -> None:
    """One region's (or the Northeast's) numbers; ``s``: summary row, ``ch``: population change row."""
    by, ey = o.base_year, o.end_year
    rs.record(f"{key}_population_base", ch["population_base"], "persons", f"{label}{by}年普查常住人口", **_WAN)
    rs.record(f"{key}_population_end", ch["population_end"], "persons", f"{label}{ey}年普查常住人口", **_WAN)
    rs.record(f"{key}_population_change", ch["population_change"], "persons", f"{label}普查人口变化", **_WAN)
    rs.record(
        f"{key}_population_change_pct", ch["population_change_pct"], "%", f"{label}普查人口变化率", digits=2, suffix="%"
    )
    rs.record(
        f"{key}_net_migration_10plus",
        s["net_migration"],
        "persons",
        f"{label}存活比法净迁移（{ey}年{ey - by}岁及以上）",
        **_WAN,
    )
    rs.record(
        f"{key}_net_migration_rate",
        s["net_migration_rate"],
        "%",
        f"{label}净迁移率（占{by}年人口）",
        digits=2,
        suffix="%",
    )
    rs.record(
        f"{key}_young_adult_net_migration",
        s["young_adult_net_migration"],
        "persons",
        f"{label}20–39岁（{ey}年）净迁移",
        **_WAN,
    )
    rs.record(
        f"{key}_young_adult_net_migration_rate",
        s["young_adult_net_migration_rate"],
        "%",
        f"{label}20–39岁净迁移率（占该队列{by}年人数）",
        digits=2,
        suffix="%",
    )
    rs.record(
        f"{key}_young_adult_share", s["young_adult_share"], "%", f"{label}净迁移中20–39岁所占比重", digits=1, suffix="%"
    )
    rs.record(
        f"{key}_child_net_migration",
        child,
        "persons",
        f"{label}期间出生者（{ey}年0–{ey - by - 1}岁）净迁移粗估",
        **_WAN,
    )
    rs.record(
        f"{key}_net_migration_all_ages",
        s["net_migration"] + child,
        "persons",
        f"{label}净迁移（{ey - by}岁及以上 + 期间出生者粗估）",
        **_WAN,
    )
    rs.record(f"{key}_natural_increase", s["natural_increase"], "persons", f"{label}期间自然增长（生命统计）", **_WAN)
    rs.record(f"{key}_residual_net_migration", s["residual_net_migration"], "persons", f"{label}残差法净迁移", **_WAN)
    rs.record(
        f"{key}_residual_net_migration_rate",
        s["residual_net_migration_rate"],
        "%",
        f"{label}残差法净迁移率（占{by}年人口）",
        digits=2,
        suffix="%",
    )
    for year, tag in ((by, "base"), (ey, "end")):
        if year in inmig:
            rs.record(
                f"{key}_inmigrants_other_province_{tag}",
                inmig[year],
                "persons",
                f"{label}{year}年省外流入人口（存量）",
                **_WAN,
            )
    if by in inmig and ey in inmig:  # "末期 … 高于/低于基期 …"
        word = direction_word(inmig[ey] - inmig[by], "compare")
        rs.record(f"{key}_inmigrants_compare", word, "", f"{label}省外流入人口：末期相对基期", display=word)


def record_region(rs: ResultSet, o: Outflow, prov: pd.DataFrame) -> None:
    """Each province's of the study region and the region's total numbers, and their ranks among provinces
    (the total under the key ``ne_…``, :data:`~neoutflow.analysis.outflow.NE_KEY`)."""
    ne = list(o.region)
    total = region_total_name(o)
    names, slug = o.names, o.slugs
    summary_ne = (
        dm.summarise_net_migration(o.net_prov, o.residual, groups={c: NE_KEY for c in ne})
        .set_index("group")
        .loc[NE_KEY]
        .copy()
    )
    nat_increase = o.residual.set_index("code")["natural_increase"]
    child_by_code = o.child_by_code
    inmig = o.inmigrants
    ch_prov = o.change_prov.set_index("code")
    sp = o.summary_prov.set_index("code").assign(natural_increase=nat_increase)
    for c in ne:
        _record_region(
            rs, o, slug[c], names[c], sp.loc[c], ch_prov.loc[c], child_by_code[c], inmig.loc[c].dropna().to_dict()
        )
    ch_ne = ch_prov.loc[ne].sum()
    ch_ne["population_change_pct"] = 100 * ch_ne["population_change"] / ch_ne["population_base"]
    summary_ne["natural_increase"] = nat_increase[ne].sum()
    _record_region(rs, o, NE_KEY, total, summary_ne, ch_ne, child_by_code[ne].sum(), inmig.reindex(ne).sum().to_dict())
    change = ch_ne["population_change"]
    for key, kind in (("ne_population_direction", "to"), ("ne_population_change_word", "change")):
        word = direction_word(change, kind)
        rs.record(key, word, "", f"{total}普查人口变化的方向（{kind}）", display=word)
    # the sentence on the source of the change (and the section heading) follows its signs and sizes
    for key, word in change_source_words(float(change), float(summary_ne["natural_increase"])).items():
        rs.record(key, word, "", f"{total}人口变化来源的措辞（{key}）", display=word)
    # rank 1 = the lowest net migration rate (the heaviest outflow)
    rank = prov.set_index("code")["net_migration_rate"].rank(method="min")
    for c in ne:
        rs.record(
            f"{slug[c]}_net_migration_rate_rank",
            int(rank[c]),
            "rank",
            f"{names[c]}净迁移率在{len(prov)}个省份中的位次（1 = 净流出率最高）",
            display=str(int(rank[c])),
        )
    rs.record("provinces_count", len(prov), "count", "参与计算的省份数", display=str(len(prov)))
    derived.record(
        rs,
        "ne_young_adult_share_all_ages",
        "%",
        f"{total}20–39岁净迁移占净迁移（{covered_ages(o)} + 期间出生者粗估）的比重",
        digits=1,
        suffix="%",
    )


def region_total_name(o: Outflow) -> str:
    """What the prose calls the region's provinces together: 东北三省, 西北五省区, 京津沪三市."""
    return region_group_name(o.region_name, [str(o.names[c]) for c in o.region])


# --- the study region in words: its name, its provinces, and the province-by-province sentences ----------


def record_region_words(rs: ResultSet, o: Outflow) -> None:
    """The study region as the prose names it: ``region_name`` (东北, 西北), ``region_total_name`` (东北三省,
    西北五省区) and ``region_provinces`` (辽宁、吉林和黑龙江), each province's name by its key, and whether
    the seed paper's own claims (the "821万") are this region's to check."""
    from neoutflow.reference import region_name_en

    rs.record("region_name", o.region_name, "", "研究地区", display=o.region_name)
    en = region_name_en(o.region_name, o.region)
    rs.record("region_name_en", o.region_name, "", "研究地区（英文摘要）", display=en)
    total = region_total_name(o)
    rs.record("region_total_name", total, "", "研究地区各省合称", display=total)
    names = [str(province_label(o, c)) for c in o.region]
    rs.record("region_provinces", list_zh(names), "names", "研究地区所含省份", display=list_zh(names))
    rs.record("region_province_count", len(names), "count", "研究地区的省份数", display=str(len(names)))
    for code in o.region:
        rs.record(
            f"{o.slugs[code]}_name", province_label(o, code), "name", "研究地区的省份", display=province_label(o, code)
        )


def province_label(o: Outflow, code: str) -> str:
    """The short Chinese name the prose uses for a province (黑龙江, 新疆)."""
    from neoutflow.reference import province_name

    return province_name(code)


def report_title(region_name: str, net_migration: float) -> str:
    """The report's title: 人口外流 for a region that lost people to migration, else 人口迁移."""
    what = "人口外流" if net_migration < 0 else "人口迁移"
    return f"{region_name}{what}：事实、成因与对策检验"


def chapter_words(region_name: str, net_migration: float) -> dict[str, str]:
    """The outflow chapter's title, question and section headings: about people leaving when the region lost
    people to migration, about people moving otherwise (a region that gains does not have 谁在离开)."""
    if net_migration < 0:
        return {
            "chapter_title": "人口外流的事实",
            "chapter_question": f"{region_name}的人口究竟流失了多少、谁在离开、从哪里离开",
            "who_heading": "谁在离开：青年和中年劳动力",
            "where_heading": f"从哪里离开：{region_name}的地级单位",
        }
    return {
        "chapter_title": "人口迁移的事实",
        "chapter_question": f"{region_name}的人口迁移有多大规模、哪些人在流动、流向哪些地方",
        "who_heading": "谁在流动：青年和中年劳动力",
        "where_heading": f"流向哪里：{region_name}的地级单位",
    }


def record_province_sentences(rs: ResultSet, o: Outflow) -> None:
    """The province-by-province sentences of the outflow chapter, written from the recorded values for any
    number of provinces (a region of one province has none: its total is its province)."""
    codes, slug = list(o.region), o.slugs
    name = {c: province_label(o, c) for c in codes}

    def v(c, key):
        return rs[f"{slug[c]}_{key}"]

    several = len(codes) > 1
    title = report_title(o.region_name, rs["ne_net_migration_10plus"].value)
    rs.record("report_title", title, "", "报告标题（随研究地区与其净迁移的方向）", display=title)
    for key, text in chapter_words(o.region_name, rs["ne_net_migration_10plus"].value).items():
        rs.record(key, text, "", f"第 3 章的标题与设问（{key}，随净迁移的方向）", display=text)
    # the census change, the largest decline first
    by_change = sorted(codes, key=lambda c: v(c, "population_change").value)
    parts = [
        f"{name[c]} {v(c, 'population_change').display}（{v(c, 'population_change_pct').display}）" for c in by_change
    ]
    text = f"其中{'，'.join(parts)}。" if several else ""
    rs.record("provinces_change_sentence", text, "", "各省普查人口变化（句）", display=text)
    # the ranks among all provinces, the heaviest outflow first
    by_rank = sorted(codes, key=lambda c: v(c, "net_migration_rate_rank").value)
    first, *rest = by_rank
    ranks = [f"{name[first]}的净迁出率排第 {v(first, 'net_migration_rate_rank').display} 位"]
    ranks += [f"{name[c]}排第 {v(c, 'net_migration_rate_rank').display} 位" for c in rest]
    text = "，".join(ranks)
    rs.record("provinces_rank_sentence", text, "", "各省净迁出率的位次（句）", display=text)
    rates = "、".join(v(c, "net_migration_rate").display for c in codes)
    text = (
        f"{'、'.join(name[c] for c in codes)}的净迁移率依次为 {rates}"
        if several
        else f"{name[first]}的净迁移率为 {v(first, 'net_migration_rate').display}"
    )
    rs.record("provinces_rates_sentence", text, "", "各省净迁移率（句）", display=text)
    # the region's extremes on the map
    low, high = by_rank[0], by_rank[-1]
    if several:
        text = (
            f"区域内净迁移率最低的是{name[low]}（第 {v(low, 'net_migration_rate_rank').display} 位，"
            f"{v(low, 'net_migration_rate').display}），最高的是{name[high]}（第 {v(high, 'net_migration_rate_rank').display}"
            f" 位，{v(high, 'net_migration_rate').display}）"
        )
    else:
        text = (
            f"{name[low]}排第 {v(low, 'net_migration_rate_rank').display} 位（{v(low, 'net_migration_rate').display}）"
        )
    rs.record("provinces_map_sentence", text, "", "地图上各省的位置（句）", display=text)
    # the youngest adults' heaviest outflow
    young = min(codes, key=lambda c: v(c, "young_adult_net_migration_rate").value)
    text = (
        f"{name[young]}这一年龄段的净迁移率最低，为 {v(young, 'young_adult_net_migration_rate').display}"
        if several
        else f"这一年龄段的净迁移率为 {v(young, 'young_adult_net_migration_rate').display}"
    )
    rs.record("provinces_young_sentence", text, "", "各省青年净迁移率（句）", display=text)


def record_vital_sentences(rs: ResultSet, o: Outflow, codes) -> None:
    """The births-and-deaths paragraph for the provinces of the vital-series figure (any number)."""
    codes = list(codes)
    name = {c: province_label(o, c) for c in codes}
    slug = o.slugs | {c: c for c in codes if c not in o.slugs}
    r0, r1 = rs["vital_rates_first_year"].display, rs["vital_rates_last_year"].display
    p0, p1 = rs["vital_population_first_year"].display, rs["vital_population_last_year"].display
    several = len(codes) > 1
    who = "、".join(name[c] for c in codes)

    def values(ind, end):
        shown = [rs[f"{slug[c]}_{ind}_{end}"].display for c in codes]
        return list_zh(shown)

    each = "分别" if several else ""
    text = (
        f"{r0} 年{who}的出生率{each}为 {values('birth_rate', 'first')}，死亡率{each}为 {values('death_rate', 'first')}；"
        f"到 {r1} 年，出生率{rs['birth_rate_direction'].display} {values('birth_rate', 'last')}，"
        f"死亡率{rs['death_rate_direction'].display} {values('death_rate', 'last')}。"
    )
    crossed = [c for c in codes if rs[f"{slug[c]}_deaths_exceed_births_year"].value is not None]
    never = [c for c in codes if c not in crossed]
    if crossed:
        years = [f"{name[c]}是 {rs[f'{slug[c]}_deaths_exceed_births_year'].display} 年" for c in crossed]
        text += "死亡率第一次高于出生率的年份，" + "，".join(years)
        text += f"；{list_zh([name[c] for c in never])}的死亡率始终低于出生率。" if never else "。"
    else:
        text += f"到 {r1} 年为止，{who if several else name[codes[0]]}的死亡率{'都' if several else ''}没有高于出生率。"
    firsts = "、".join(f"{name[c]} {rs[f'{slug[c]}_yearend_population_first'].display}" for c in codes)
    lasts = list_zh([rs[f"{slug[c]}_yearend_population_last"].display for c in codes])
    text += f"年末常住人口在 {p0} 年为{firsts}，{p1} 年{each}为 {lasts}。"
    rs.record("vital_paragraph", text, "", "出生、死亡与年末人口（段）", display=text)


def age_profile_figure(o: Outflow, level: str, highlight_regions, rs: ResultSet | None = None):
    """Net migration rates by age: the highlighted regions against the rest of the country (with ``rs``, the
    highlighted group's name is recorded as ``age_profile_subject`` for the caption)."""
    names, province_of = o.names, o.province_of
    if level == "province":
        age_net, age_codes = o.net_prov, o.provinces
        focus = set(highlight_regions)
    else:
        age_net, age_codes = o.net_pref, list(o.pref_codes)
        focus = {c for c in age_codes if c in highlight_regions or province_of[c] in highlight_regions}
    if sorted(highlight_regions) == sorted(o.region):
        focus_label = region_total_name(o)
    else:
        focus_label = "、".join(names[c] for c in highlight_regions)
    rest_label = "全国其他地区"
    if rs is not None:
        rs.record("age_profile_subject", focus_label, "", "按年龄净迁移率图所画的地区", display=focus_label)
    groups = {c: (focus_label if c in focus else rest_label) for c in age_codes}
    by_age = dm.net_migration_rates_by_age(age_net, groups)
    return figs.age_profiles(
        by_age,
        {focus_label: style.PALETTE["northeast"], rest_label: style.PALETTE["other"]},
        xlabel=f"{o.end_year}年年龄组（岁）",
    )


def record_age_and_sex(rs: ResultSet, o: Outflow) -> None:
    """The study region's peak out-migration age group and its net migration by sex."""
    ne, total = list(o.region), region_total_name(o)
    ne_age = dm.net_migration_rates_by_age(o.net_prov, {c: NE_KEY for c in ne}, by_sex=False).set_index("age_group")
    peak = ne_age["net_migration_rate"].idxmin()
    rs.record(
        "ne_peak_outmigration_age_group",
        str(peak),
        "age group",
        f"{total}净迁移率最低的年龄组（{o.end_year}年）",
        display=f"{peak}岁",
    )
    rs.record(
        "ne_peak_outmigration_rate",
        ne_age.loc[peak, "net_migration_rate"],
        "%",
        f"{total}该年龄组净迁移率",
        digits=1,
        suffix="%",
    )
    ne_sex = o.net_prov[o.net_prov["code"].isin(ne)].groupby("sex")[["net_migration", "base_population"]].sum()
    for sex in ("male", "female"):
        rs.record(
            f"ne_net_migration_{sex}",
            ne_sex.loc[sex, "net_migration"],
            "persons",
            f"{total}{figs.SEX_ZH[sex]}净迁移（{covered_ages(o)}）",
            **_WAN,
        )
        rs.record(
            f"ne_net_migration_rate_{sex}",
            100 * ne_sex.loc[sex, "net_migration"] / ne_sex.loc[sex, "base_population"],
            "%",
            f"{total}{figs.SEX_ZH[sex]}净迁移率",
            digits=2,
            suffix="%",
        )


def pyramid_subject(o: Outflow, pyramid_region: str | None, highlight_regions=None) -> tuple[list[str], str]:
    """Which regions the pyramid draws, and how the caption names them.

    ``pyramid_region`` set: that one region. ``None`` (the default): one panel per province of
    ``highlight_regions`` (the study region's provinces by default), as small multiples."""
    highlight_regions = o.region if highlight_regions is None else highlight_regions
    if pyramid_region is not None:
        codes = [str(pyramid_region)]
    else:
        codes = focus_provinces(o, highlight_regions)
    names = [str(o.names.get(c, c)) for c in codes]
    if len(codes) == 1:
        return codes, names[0]
    return codes, "、".join(names) + "（分省并排）"


def pyramid_figure(o: Outflow, pyramid_region: str | None, population: pd.DataFrame, highlight_regions=None, rs=None):
    """The census pyramids, base year against end year: ``pyramid_region`` alone when it is set,
    otherwise the provinces of ``highlight_regions`` side by side (see :func:`pyramid_subject`).
    With ``rs``, the subject is recorded as ``pyramid_subject`` for the caption."""
    codes, subject = pyramid_subject(o, pyramid_region, highlight_regions)
    for code in codes:
        if not (population["code"].astype(str) == code).any():
            raise ValueError(f"no census population for pyramid_region {code!r}")
    if rs is not None:
        rs.record("pyramid_subject", subject, "", "人口金字塔所画的地区", display=subject)
    if len(codes) == 1:
        pop = population[population["code"].astype(str) == codes[0]]
        return figs.population_pyramid(pop, o.base_year, o.end_year, title=f"{subject}人口金字塔")
    return figs.population_pyramids(population, codes, panel_names(o, codes), o.base_year, o.end_year)


# A panel title longer than this (宁夏回族自治区) runs into its neighbour's: the panels then use short names.
PANEL_NAME_CHARS = 4


def panel_names(o: Outflow, codes) -> pd.Series:
    """The pyramids' panel titles: the full names (辽宁省), or every province's short name (宁夏, 新疆) when one
    of them is too long for its panel."""
    from neoutflow.reference import short_province_name

    names = o.names
    if any(len(str(names[c])) > PANEL_NAME_CHARS for c in codes):
        return names.map(short_province_name)
    return names


def province_map(o: Outflow, prov: pd.DataFrame, highlight_regions=None):
    """National map of the provinces' net migration rates; the highlighted provinces outlined."""
    from neoutflow import data

    highlight = focus_provinces(o, o.region if highlight_regions is None else highlight_regions)
    return figs.map_provinces(
        prov[["code", "name_zh", "net_migration_rate"]],
        data.load_basemap(),
        highlight,
        label=f"净迁移率，{o.base_year}—{o.end_year}年（占{o.base_year}年人口的%）",
    )


def prefectures_table(pref: pd.DataFrame, o: Outflow, directory: Path) -> Path:
    by, ey = o.base_year, o.end_year
    headers, formats = _measure_columns(
        {"name_zh": "地级单位", "province": "省份"},
        [
            "population_base",
            "population_end",
            "population_change_pct",
            "net_migration",
            "net_migration_rate",
            "young_adult_net_migration_rate",
        ],
        by,
        ey,
    )
    md, _ = tables.write_table(
        tables.format_columns(pref, formats, headers),
        pref,
        directory,
        "outflow_ne_prefectures",
        f"{region_total_name(o)}地级单位{by}—{ey}年人口变化与净迁移",
        note=(
            f"注：{boundary_words(by, ey, boundary_vintages((by, ey)))['boundary_table_note']}"
            "和全国（31个省份合计）存活比计算，净迁移率以该单位基期分年龄人口合计为分母。" + unassigned_note(o)
        ),
        sources=("census_population", "census_totals"),
    )
    return md


# A province's prefecture-level census totals may fall short of its own (people not assigned to a prefecture
# after the boundary adjustment); a shortfall above this share of the province is named in the table note.
UNASSIGNED_SHARE = 1e-4


def unassigned_note(o: Outflow) -> str:
    """The table note's sentence naming the study region's provinces whose prefecture totals fall short of
    the province's census population (Jilin's, after the 2020 boundary adjustment), or ``""``."""
    end = o.change_pref.assign(province=lambda d: d["code"].map(o.province_of)).groupby("province")["population_end"]
    prov = o.change_prov.set_index("code")["population_end"]
    short = [c for c in o.region if c in end.groups and prov[c] - end.sum()[c] > UNASSIGNED_SHARE * prov[c]]
    if not short:
        return ""
    names = "、".join(str(o.names[c]) for c in short)
    its = "其" if len(short) == 1 else "各省"
    return (
        f"调整后的常住人口数中{names}有少量人口未归入地级单位，故{its}地市合计略小于全省；"
        "分年龄人口（净迁移）的地市合计与全省一致。"
    )


def record_prefectures(rs: ResultSet, pref: pd.DataFrame) -> None:
    declining = pref[pref["population_change"] < 0]
    growing = pref[pref["population_change"] > 0].sort_values("population_change_pct", ascending=False)
    names = list_zh(list(growing["name_zh"].map(figs.short_name)))
    n, down = len(pref), len(declining)
    if down == n:
        text = f"{n} 个地级单位的常住人口全部减少"
    elif down == 0:
        text = f"{n} 个地级单位的常住人口没有一个减少"
    elif len(growing) <= 3:
        text = f"{n} 个地级单位中，有 {down} 个常住人口减少，只有{names}增加"
    else:
        text = f"{n} 个地级单位中，有 {down} 个常住人口减少，{len(growing)} 个增加"
    rs.record("prefectures_change_sentence", text, "", "地级单位人口增减（句）", display=text)
    worst = pref.loc[pref["population_change_pct"].idxmin()]
    rs.record("ne_prefecture_largest_decline_name", worst["name_zh"], "name", "人口降幅最大的研究地区地级单位")
    rs.record(
        "ne_prefecture_largest_decline_pct",
        worst["population_change_pct"],
        "%",
        "人口降幅最大的研究地区地级单位的人口变化率",
        digits=1,
        suffix="%",
    )


def prefecture_map(o: Outflow, highlight_regions):
    focus = focus_provinces(o, highlight_regions)
    neighbours = figs.neighbouring_provinces(o.boundaries, focus)
    return figs.map_population_change(
        o.change_pref.copy(),
        o.boundaries,
        focus,
        neighbours,
        label=f"常住人口变化，{o.base_year}—{o.end_year}年（%）",
    )


def prefecture_migration_map(o: Outflow, highlight_regions):
    """Prefecture map of the survival-ratio net migration rate (the population-change map's companion)."""
    focus = focus_provinces(o, highlight_regions)
    neighbours = figs.neighbouring_provinces(o.boundaries, focus)
    return figs.map_population_change(
        o.summary_pref[["code", "net_migration_rate"]].copy(),
        o.boundaries,
        focus,
        neighbours,
        value="net_migration_rate",
        label=f"净迁移率，{o.base_year}—{o.end_year}年（占{o.base_year}年人口的%）",
    )


def record_prefecture_migration(rs: ResultSet, pref: pd.DataFrame) -> None:
    """The prefectures with the lowest and the highest net migration rate, and how many gained."""
    low = pref.loc[pref["net_migration_rate"].idxmin()]
    high = pref.loc[pref["net_migration_rate"].idxmax()]
    for key, row, what in (("lowest", low, "最低"), ("highest", high, "最高")):
        name = figs.short_name(row["name_zh"])
        rs.record(f"ne_prefecture_{key}_rate_name", name, "name", f"净迁移率{what}的研究地区地级单位", display=name)
        rs.record(
            f"ne_prefecture_{key}_rate",
            row["net_migration_rate"],
            "%",
            f"净迁移率{what}的研究地区地级单位的净迁移率",
            digits=2,
            suffix="%",
            signed=True,
        )
    gaining = int((pref["net_migration_rate"] > 0).sum())
    rs.record("ne_prefectures_net_inflow_count", gaining, "count", "净迁入的研究地区地级单位数", display=str(gaining))


VITAL_INDICATORS = ["birth_rate", "death_rate", "yearend_population"]


def _common_years(frame) -> tuple[int, int]:
    """The first and last year every region of a ``code × year``-indexed frame has."""
    span = frame.reset_index().groupby("code")["year"].agg(["min", "max"])
    return int(span["min"].max()), int(span["max"].min())


def vital_series_figure(rs: ResultSet, o: Outflow, series: pd.DataFrame, provinces=None):
    """Birth and death rates and year-end population of the study region's provinces over time (the chapter
    quotes each of them, whichever are highlighted), and the values the text quotes: each series' first and
    last year, the rates then, the population then, and the first year the death rate exceeded the birth rate."""
    codes = focus_provinces(o, o.region if provinces is None else provinces)
    sel = series[series["code"].astype(str).isin(codes) & series["indicator"].isin(VITAL_INDICATORS)]
    wide = sel.pivot_table(index=["code", "year"], columns="indicator", values="value")
    rates = wide[["birth_rate", "death_rate"]].dropna()
    pops = wide["yearend_population"].dropna()
    years = {"rates": _common_years(rates), "population": _common_years(pops)}
    for what, (first, last) in years.items():
        zh = "出生率和死亡率" if what == "rates" else "年末常住人口"
        rs.record(f"vital_{what}_first_year", first, "year", f"{zh}序列（三省共有）的首年", display=str(first))
        rs.record(f"vital_{what}_last_year", last, "year", f"{zh}序列（三省共有）的末年", display=str(last))
    slugs = o.slugs
    (r0, r1), (p0, p1) = years["rates"], years["population"]
    for ind in ("birth_rate", "death_rate"):
        change = [wide.loc[(c, r1), ind] - wide.loc[(c, r0), ind] for c in codes]
        word = direction_word(change, "to")
        rs.record(f"{ind}_direction", word, "", f"{figs.VITAL_ZH[ind]}从首年到末年的变化方向", display=word)
    for code in codes:
        slug, name = slugs.get(code, code), o.names.get(code, code)
        d = wide.loc[code]
        for y, end in ((r0, "first"), (r1, "last")):
            for ind in ("birth_rate", "death_rate"):
                label = f"{name}{y}年{figs.VITAL_ZH[ind]}"
                rs.record(f"{slug}_{ind}_{end}", d.loc[y, ind], "‰", label, digits=2, suffix="‰")
        for y, end in ((p0, "first"), (p1, "last")):
            label = f"{name}{y}年年末常住人口"
            rs.record(
                f"{slug}_yearend_population_{end}", d.loc[y, "yearend_population"], "persons", label, **_WAN_PUBLISHED
            )
        r = d[["birth_rate", "death_rate"]].dropna()
        crossed = r.index[r["death_rate"] > r["birth_rate"]]
        shown = str(int(crossed.min())) if len(crossed) else "未出现"
        label = f"{name}死亡率首次高于出生率的年份"
        year = int(crossed.min()) if len(crossed) else None
        rs.record(f"{slug}_deaths_exceed_births_year", year, "year", label, display=shown)
    return figs.vital_series(sel, codes, o.names)


def methods_table(methods: pd.DataFrame, o: Outflow, directory: Path) -> Path:
    young = o.end_year - o.base_year - 1  # oldest age born in the period
    headers = {
        "name_zh": "地区",
        "census_change": "普查人口变化",
        "natural_increase": "期间自然增长",
        "residual_net_migration": "残差法净迁移",
        "net_migration_10plus": f"存活比法净迁移（前向，{covered_ages(o)}）",
        "child_net_migration": f"期间出生者净迁移粗估（0–{young}岁）",
        "net_migration_all_ages": "存活比法合计（前向）",
        "difference": "残差法 − 存活比法合计",
    }
    formats = {k: (1, WAN) for k in headers if k != "name_zh"}
    md, _ = tables.write_table(
        tables.format_columns(methods, formats, headers),
        methods,
        directory,
        "outflow_methods",
        f"{region_total_name(o)}{o.base_year}—{o.end_year}年净迁移：存活比法与生命统计残差法（万人）",
        note=(
            f"注：存活比法为全国存活比、前向法（{o.region_name}的首选估计与区间另见净迁移检验一节）；期间自然增长按普查时点"
            "（11月1日）折算首末年份；期间出生者净迁移按儿童–妇女比法粗估，不计入主指标。"
        ),
        sources=("census_population", "census_totals", "province_series"),
    )
    return md


def record_methods(rs: ResultSet, methods: pd.DataFrame) -> None:
    m = methods.set_index("code")
    ne = m.loc[NE_KEY]
    if abs(ne["difference"] - (ne["residual_net_migration"] - ne["net_migration_all_ages"])) >= 1:
        raise AssertionError("methods table: difference is not residual − survival-ratio total")
    derived.record(
        rs,
        "ne_methods_difference",
        "persons",
        "研究地区合计的残差法净迁移与存活比法合计（主指标 + 期间出生者粗估）之差",
        **_WAN,
    )
    derived.record(
        rs,
        "ne_natural_increase_share_of_change",
        "%",
        "研究地区合计的期间自然增长占普查人口变化的比重",
        digits=1,
        suffix="%",
    )


def record_paper_claim(rs: ResultSet, o: Outflow) -> None:
    rs.record(
        "paper_ne_outflow",
        sum(PAPER_CLAIM.values()),
        "persons",
        "原文：东北三省10年人口流出",
        digits=0,
        scale=WAN,
        suffix="万",
    )
    for c, v in PAPER_CLAIM.items():
        rs.record(
            f"paper_{o.slugs[c]}_outflow",
            v,
            "persons",
            f"原文：{o.names[c]}人口流出",
            digits=0,
            scale=WAN,
            suffix="万",
        )


def reconciliation_table(recon: pd.DataFrame, o: Outflow, directory: Path) -> Path:
    by, ey = o.base_year, o.end_year
    same_period = (by, ey) == PAPER_PERIOD
    headers = {
        "name_zh": "地区",
        "paper_outflow": "原文所引流出",
        "census_decline": "普查人口减少",
        "net_outflow_10plus": f"存活比法净流出（前向，{covered_ages(o)}）",
        "net_outflow_all_ages": "存活比法净流出合计（前向）",
        "residual_net_outflow": "残差法净流出",
        "inmigrants_base": f"{by}年省外流入存量",
        "inmigrants_end": f"{ey}年省外流入存量",
    }
    formats = {k: (1, WAN) for k in headers if k != "name_zh"}
    md, _ = tables.write_table(
        tables.format_columns(recon, formats, headers),
        recon,
        directory,
        "outflow_reconciliation",
        "原文“821万”与普查测度的比较（万人）",
        note=(
            "注：论文数字未注明来源与口径。表中人口减少与净流出取正值；存活比法为全国存活比、前向法，净流出合计含期间出生者粗估。"
            "省外流入存量为普查时居住在本省、户口登记在外省的人口。"
            + ("" if same_period else f"本次计算期间为{by}—{ey}年，与论文的2010—2020年不同，仅供参考。")
        ),
        sources=("census_population", "census_totals", "census_indicators"),
    )
    return md


def record_reconciliation(rs: ResultSet, recon: pd.DataFrame, o: Outflow) -> None:
    r = recon.set_index("code")
    names = o.names
    ne = list(o.region)  # the Northeast three: the paper's claim is checked only for the region it is about
    derived.record(rs, "paper_to_net_outflow_ratio", "ratio", "论文821万与存活比法净流出合计之比", digits=2)
    derived.record(rs, "paper_to_census_decline_ratio", "ratio", "论文821万与普查人口减少之比", digits=2)
    # "below" only when both methods give a larger net outflow than the paper
    below = [
        names[c]
        for c in ne
        if r.loc[c, "paper_outflow"] < min(r.loc[c, "net_outflow_10plus"], r.loc[c, "residual_net_outflow"])
    ]
    over = [names[c] for c in ne if r.loc[c, "paper_outflow"] > r.loc[c, "net_outflow_all_ages"]]
    rs.record(
        "paper_below_net_outflow_provinces",
        "、".join(below) if below else "无",
        "names",
        "论文数字小于两种方法净流出估计的省份",
    )
    rs.record(
        "paper_above_net_outflow_provinces",
        "、".join(over) if over else "无",
        "names",
        "论文数字大于存活比法净流出合计的省份",
    )
    derived.record(
        rs,
        "paper_to_net_outflow_10plus_ratio",
        "ratio",
        f"论文821万与存活比法净流出（{covered_ages(o)}）之比",
        digits=2,
    )
    # "只相当于 … 倍" only for a ratio below 1 ("only 7.07 times" read wrong under other data)
    for name in ("paper_to_census_decline_ratio", "paper_to_net_outflow_ratio", "paper_to_net_outflow_10plus_ratio"):
        word = ratio_verb(float(rs[name].value))
        rs.record(f"{name}_verb", word, "", f"{rs[name].label}的措辞", display=word)


def ratio_verb(ratio: float) -> str:
    """``只相当于`` for a ratio between 0 and 1, else ``相当于``."""
    return "只相当于" if 0 < ratio < 1 else "相当于"


def results_overview(rs: ResultSet) -> pd.DataFrame:
    """The recorded numbers as a table (key, printed text, label), for the notebook's last cell."""
    return pd.DataFrame([{"key": k, "display": v["display"], "label": v["label"]} for k, v in rs.to_dict().items()])
