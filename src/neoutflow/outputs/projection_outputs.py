"""Results, tables and figures of the cohort-component projection (notebooks/06_projection.ipynb)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from neoutflow.analysis import projection as pj
from neoutflow.formatting import list_zh, row_decimals
from neoutflow.outputs import tables as rt
from neoutflow.outputs.claims import (
    count_word,
    direction_word,
    group_effect_word,
    pay_verdict,
    region_group_name,
    significance_word,
)
from neoutflow.outputs.style import PALETTE
from neoutflow.reference import AGE_GROUPS, DEFAULT_STUDY_REGION, STUDY_REGIONS


@dataclass(frozen=True)
class Region:
    """The study region the chapter is about: its name (``东北``), provinces, and how the prose names the
    provinces together (``label``: ``东北三省``, ``西北五省区``, :func:`neoutflow.outputs.claims.region_group_name`);
    each province by its short name; results keys from :func:`neoutflow.reference.province_key`."""

    name: str
    codes: tuple[str, ...]
    label: str

    @classmethod
    def of(cls, study_region: dict, full_names) -> Region:
        """From the notebook's ``study_region`` parameter (``{"name": …, "provinces": […]}``) and the provinces'
        full names by code (``辽宁省``: ``regions.csv``'s ``name_zh``)."""
        if not study_region.get("provinces"):
            raise ValueError(f"study_region {study_region!r}: expected a name and at least one province code")
        codes = tuple(str(c) for c in study_region["provinces"])
        missing = [c for c in codes if c not in full_names]
        if missing:
            raise ValueError(f"no name for the study region's provinces {missing}")
        name = str(study_region["name"])
        return cls(name, codes, region_group_name(name, [str(full_names[c]) for c in codes]))

    @property
    def names(self) -> dict[str, str]:
        return pj.region_names(self.codes, self.label)

    @property
    def keys(self) -> dict[str, str]:
        return pj.region_keys(self.codes)

    @property
    def all(self) -> tuple[str, ...]:
        """The provinces, then the region's total (:data:`neoutflow.analysis.projection.TOTAL`)."""
        return (*self.codes, pj.TOTAL)


# The default study region, for calls without one (the notebook passes its own): what Region.of gives for 东北.
DEFAULT_REGION = Region(DEFAULT_STUDY_REGION, STUDY_REGIONS[DEFAULT_STUDY_REGION], "东北三省")
SEX_NAMES = {"male": "男", "female": "女"}
TOLERANCE_PCT = 1.5  # acceptance of the published baseline's last year-end value
BASELINE_LABEL = "校准基准"


def old_age_words(region: Region = DEFAULT_REGION, rates_years: tuple[int, int] = (2010, 2020)) -> dict[str, str]:
    """How the chapter names each 40+ treatment (:data:`neoutflow.analysis.projection.OLD_AGE_MIGRATION`)."""
    first, last = rates_years
    return {
        "benchmark": "40 岁及以上按附录 A 的期望年龄模式迁移（外流省份合计拟合的 Rogers–Castro 曲线，按本省 20–39 岁净迁出缩放）",
        "observed": f"40 岁及以上沿用{region.name}本省 {first}–{last} 年的净迁移率",
    }


def _listing(rs, key: str, label: str, parts, sep: str = "、") -> str:
    """Record a list the prose quotes whole (one item per province, built from recorded displays)."""
    text = sep.join(parts)
    rs.record(key, text, "", label, display=text)
    return text


def _shown(rs, key: str) -> str:
    return rs[key].display


INDICATORS = {
    "total": ("总人口", "人", dict(digits=0, scale=1e4, suffix="万")),
    "young": ("20–39 岁人口", "人", dict(digits=0, scale=1e4, suffix="万")),
    "old_age_dependency": ("老年抚养比", "", dict(digits=1)),
}


def _year(rs, key, value, label):
    rs.record(key, int(value), "年", label, digits=0, display=str(int(value)))


def record_mortality(rs, check: pd.DataFrame, years: tuple[int, int], region: Region = DEFAULT_REGION) -> None:
    """The life table per province and sex: fitted e0, the published e0, the check, the improvement."""
    from neoutflow.analysis import lifetable as lt

    _year(rs, "mortality_first", years[0], "死亡水平拟合的首年")
    _year(rs, "mortality_last", years[1], "死亡水平拟合的末年")
    _year(rs, "e0_year", check["e0_year"].iloc[0], "已发布分省预期寿命的年份")
    rs.record("gompertz_slope", lt.SLOPE, "", "Gompertz 斜率 θ", digits=2)
    rs.record("makeham_c", lt.MAKEHAM_C, "", "Makeham 常数项 c", digits=4)
    lx = lt.survivorship(lt.level_for_e0(78.0))
    rs.record(
        "infant_mortality",
        1000 * (1 - lx[int(round(1 / lt.STEP_YEARS))]),
        "‰",
        "婴儿死亡率（e0 = 78 岁时）",
        digits=1,
        suffix="‰",
    )
    gaps = []
    keys, names = region.keys, region.names
    for _, r in check.iterrows():
        k, n, sx = keys[r["code"]], names[r["code"]], r["sex"]
        rs.record(f"e0_{k}_{sx}", r["e0"], "岁", f"{n}（{SEX_NAMES[sx]}）：拟合生命表的预期寿命", digits=1)
        rs.record(f"e0pub_{k}_{sx}", r["e0_published"], "岁", f"{n}（{SEX_NAMES[sx]}）：已发布预期寿命", digits=1)
        rs.record(f"e0exp_{k}_{sx}", r["e0_expected"], "岁", f"{n}（{SEX_NAMES[sx]}）：按前十年速度外推", digits=1)
        rs.record(f"e0gap_{k}_{sx}", r["gap"], "岁", f"{n}（{SEX_NAMES[sx]}）：拟合 − 外推", digits=1, signed=True)
        gaps.append(r["gap"])
        if sx == "male":
            rs.record(
                f"improvement_{k}", 100 * r["improvement"], "%", f"{n}：死亡水平年均下降（近期）", digits=1, suffix="%"
            )
            rs.record(
                f"improvement_early_{k}",
                100 * r["improvement_early"],
                "%",
                f"{n}：死亡水平年均下降（前十年）",
                digits=1,
                suffix="%",
            )
    word = direction_word(gaps, "compare")
    rs.record("e0_check_word", word, "", "拟合预期寿命相对外推值", display=word)
    _mortality_lists(rs, region)
    pace = direction_word(check["improvement"] - check["improvement_early"], "pace")
    rs.record("improvement_pace_word", pace, "", "近期死亡改善速度相对前十年", display=pace)


def _mortality_lists(rs, region: Region) -> None:
    """The chapter's lists of the life-table numbers, one item per province in the region's order."""
    keys, names = region.keys, region.names
    fitted = []
    for i, c in enumerate(region.codes):
        m, f = _shown(rs, f"e0_{keys[c]}_male"), _shown(rs, f"e0_{keys[c]}_female")
        fitted.append(f"{names[c]}男性 {m} 岁、女性 {f} 岁" if i == 0 else f"{names[c]} {m} 岁、{f} 岁")
    _listing(rs, "e0_list", "拟合的预期寿命（各省，男、女）", fitted, "，")
    pub = [_shown(rs, f"e0pub_{keys[c]}_{sx}") for c in region.codes for sx in ("male", "female")]
    _listing(rs, "e0pub_list", "已发布的预期寿命（各省，男、女）", pub)
    exp = [f"{names[c]} {_shown(rs, f'e0exp_{keys[c]}_male')}" for c in region.codes]
    _listing(rs, "e0exp_male_list", "外推的男性预期寿命（各省）", exp)
    _listing(
        rs, "e0gap_male_list", "拟合 − 外推（男性，各省）", [_shown(rs, f"e0gap_{keys[c]}_male") for c in region.codes]
    )
    imp = [f"{names[c]} {_shown(rs, f'improvement_{keys[c]}')}" for c in region.codes]
    _listing(rs, "improvement_list", "死亡水平年均下降（近期，各省）", imp, "，")
    early = [_shown(rs, f"improvement_early_{keys[c]}") for c in region.codes]
    _listing(rs, "improvement_early_list", "死亡水平年均下降（前十年，各省）", early)


def record_old_age_schedule(rs, schedule, region: Region = DEFAULT_REGION) -> None:
    """Per province: the expected schedule's scale and its ten-year 40–59 and 60+ net migration rates beside the
    province's own (``old_sched_*``; % of the base cohort)."""
    bands = {"middle": "40–59 岁", "old": "60 岁及以上"}
    keys, names = region.keys, region.names
    for code, row in schedule.iterrows():
        k, n = keys[code], names[code]
        rs.record(f"old_sched_scale_{k}", row["scale"], "", f"{n}：期望年龄模式的缩放系数", digits=2)
        for band, words in bands.items():
            for kind, what in (("expected", "期望"), ("observed", "本省实际")):
                rs.record(
                    f"old_sched_{band}_{kind}_{k}",
                    row[f"{band}_{kind}_rate"],
                    "%",
                    f"{n}：{words}十年净迁移率（{what}，占基期人口）",
                    digits=1,
                    signed=True,
                    suffix="%",
                )
    codes = [str(c) for c in schedule.index]
    scales = [_shown(rs, f"old_sched_scale_{keys[c]}") for c in codes]
    _listing(rs, "old_sched_scale_list", "期望年龄模式的缩放系数（各省）", scales)
    for band, words in bands.items():
        for kind, what in (("expected", "期望"), ("observed", "本省实际")):
            items = [_shown(rs, f"old_sched_{band}_{kind}_{keys[c]}") for c in codes]
            _listing(rs, f"old_sched_{band}_{kind}_list", f"{words}十年净迁移率（{what}，各省）", items)


def record_inputs(
    rs, inputs: pj.Inputs, natural_model: np.ndarray, natural_observed: np.ndarray, region: Region = DEFAULT_REGION
) -> None:
    """Fertility and the natural growth check of the published inputs."""
    rs.record("mean_age_at_birth", pj.MEAN_AGE_AT_BIRTH, "岁", "生育年龄分布（伽马）的均值", digits=1)
    rs.record("sd_age_at_birth", pj.SD_AGE_AT_BIRTH, "岁", "生育年龄分布（伽马）的标准差", digits=1)
    first, last = pj.rates_years(inputs.start_year)
    _year(rs, "rates_base_year", first, "迁移年龄模式所用普查间隔的首年")
    _year(rs, "rates_end_year", last, "迁移年龄模式所用普查间隔的末年")
    rs.record("rates_children_ages", "0–9", "岁", "儿童—妇女比法的年龄", display="0–9")
    old = inputs.notes.get("old_age", "benchmark")
    rule = old_age_words(region, (first, last))[old]
    rs.record("old_age_rule", rule, "", "40 岁及以上迁移的处理", display=rule)
    record_old_age_schedule(rs, inputs.notes["old_age_schedule"], region)
    keys, names = region.keys, region.names
    for i, code in enumerate(inputs.codes):
        k, n = keys[code], names[code]
        rs.record(f"tfr_{k}", inputs.tfr[i], "", f"{n}：校准的总和生育率", digits=2)
        rs.record(f"srb_{k}", 100 * inputs.srb[i], "", f"{n}：出生性别比", digits=1)
        rs.record(
            f"natural_model_{k}",
            natural_model[i],
            "‰",
            f"{n}：模型第一步的年自然增长率",
            digits=1,
            signed=True,
            suffix="‰",
        )
        rs.record(
            f"natural_observed_{k}",
            natural_observed[i],
            "‰",
            f"{n}：统计的平均自然增长率",
            digits=1,
            signed=True,
            suffix="‰",
        )
    ks = [keys[c] for c in inputs.codes]
    _listing(
        rs,
        "tfr_list",
        "校准的总和生育率（各省）",
        [f"{names[c]} {_shown(rs, f'tfr_{keys[c]}')}" for c in inputs.codes],
        "，",
    )
    model = [f"{names[c]} {_shown(rs, f'natural_model_{keys[c]}')}" for c in inputs.codes]
    _listing(rs, "natural_model_list", "模型第一步的年自然增长率（各省）", model)
    _listing(
        rs, "natural_observed_list", "统计的平均自然增长率（各省）", [_shown(rs, f"natural_observed_{k}") for k in ks]
    )
    gap = np.asarray(natural_model, dtype=float) - np.asarray(natural_observed, dtype=float)
    word = direction_word(gap, "compare")
    if word == "低于":
        clause = "模型值均低于统计值：模型的一步居中于更晚的年份，人口更老、出生率沿用近年水平，因此自然增长更低"
    elif word == "高于":
        clause = "模型值均高于统计值"
    elif word == "等于":
        clause = "模型值与统计值相同"
    else:
        clause = "模型值与统计值之差有正有负，没有一致的偏向"
    rs.record("natural_gap_clause", clause, "", "模型与统计的自然增长率之比较", display=clause)


def intensity_display(value: float, grid: np.ndarray = pj.INTENSITY_GRID) -> str:
    """The fitted intensity as printed; at the search range's end it is a bound, not an estimate."""
    if value <= grid[0] + 1e-9:
        return f"≤ {grid[0]:.2f}（拟合达到搜索范围的下界）".replace("-", "−")
    if value >= grid[-1] - 1e-9:
        return f"≥ {grid[-1]:.2f}（拟合达到搜索范围的上界）"
    return f"{value:.2f}".replace("-", "−")


def _record_out_of_sample(rs, oos: pd.DataFrame, test_last_fit: int, region: Region = DEFAULT_REGION) -> None:
    """Each province's out-of-sample error by year (and the first test year's under its own key)."""
    keys, names = region.keys, region.names
    for _, r in oos[oos["year"] > test_last_fit].iterrows():
        key = keys[r["code"]]
        if int(r["year"]) == test_last_fit + 1:
            rs.record(
                f"oos_{key}_first",
                r["error_pct"],
                "%",
                f"{names[r['code']]}：样本外首年误差",
                digits=1,
                signed=True,
                suffix="%",
            )
        rs.record(
            f"oos_{key}_{int(r['year'])}",
            r["error_pct"],
            "%",
            f"{names[r['code']]} {int(r['year'])}：样本外误差",
            digits=1,
            signed=True,
            suffix="%",
        )


def record_calibration(
    rs,
    k_test: np.ndarray,
    oos: pd.DataFrame,
    k: np.ndarray,
    bt: pd.DataFrame,
    codes: tuple[str, ...],
    fit_years: tuple[int, int],
    test_last_fit: int,
    region: Region = DEFAULT_REGION,
    direction: np.ndarray | None = None,
) -> pd.DataFrame:
    """The intensity fitted on the first years and its out-of-sample errors; the published refit and its
    in-sample errors. ``direction`` (per province, the sign of the 2010–2020 shape's net migration; default
    net out-migration) says what an intensity below or above 1 means. Returns the back-test table."""
    _year(rs, "fit_first", fit_years[0], "迁移强度拟合的首年")
    _year(rs, "fit_last", fit_years[1], "迁移强度拟合的末年（发布版）")
    _year(rs, "test_fit_last", test_last_fit, "样本外检验：拟合的末年")
    _year(rs, "test_first", test_last_fit + 1, "样本外检验的首年")
    rs.record("tolerance", TOLERANCE_PCT, "%", "发布基准末年误差的容许范围", digits=1, suffix="%")
    keys, names = region.keys, region.names
    for i, code in enumerate(codes):
        key, n = keys[code], names[code]
        for tag, val, what in (("k_test", k_test[i], "仅用前两年拟合"), ("k", k[i], "四年拟合，发布版")):
            rs.record(f"{tag}_{key}", val, "", f"{n}：迁移强度（{what}）", digits=2, display=intensity_display(val))
    _intensity_clause(rs, np.asarray(k, dtype=float), codes, region, direction)
    _record_out_of_sample(rs, oos, test_last_fit, region)
    last = int(bt["year"].max())
    _year(rs, "backtest_last_year", last, "回测的最后一年")
    oos_last = oos[oos["year"] == last].set_index("code")["error_pct"]
    rs.record(
        "oos_max_abs",
        float(oos[oos["year"] > test_last_fit]["error_pct"].abs().max()),
        "%",
        "样本外误差绝对值的最大值",
        digits=1,
        suffix="%",
    )
    for _, r in bt[bt["year"] == last].iterrows():
        key, n = keys[r["code"]], names[r["code"]]
        rs.record(
            f"bt_{key}_last_error_pct",
            r["error_pct"],
            "%",
            f"{n} {last}：发布基准的误差",
            digits=1,
            signed=True,
            suffix="%",
        )
        rs.record(
            f"bt_{key}_projected", r["projected"], "人", f"{n} {last}：发布基准", digits=0, scale=1e4, suffix="万"
        )
        rs.record(f"bt_{key}_observed", r["observed"], "人", f"{n} {last}：统计", digits=0, scale=1e4, suffix="万")
        rs.record(
            f"oos_{key}_last", oos_last[r["code"]], "%", f"{n} {last}：样本外误差", digits=1, signed=True, suffix="%"
        )
        within = abs(r["error_pct"]) <= TOLERANCE_PCT
        shown = f"在 ±{TOLERANCE_PCT:.1f}% 以内" if within else f"超出 ±{TOLERANCE_PCT:.1f}%"
        rs.record(f"bt_{key}_verdict", bool(within), "", f"{n}：误差是否在容许范围内", display=shown)
    _calibration_lists(rs, codes, region, test_last_fit)
    return _backtest_table(bt, oos, names)


def _backtest_table(bt: pd.DataFrame, oos: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """The published baseline and the fit on the first years beside the year-end series, by region and year."""
    table = bt.merge(oos[["code", "year", "projected", "error_pct"]], on=["code", "year"], suffixes=("", "_oos"))
    show = table.assign(
        region=table["code"].map(names),
        projected=table["projected"] / 1e4,
        observed=table["observed"] / 1e4,
        projected_oos=table["projected_oos"] / 1e4,
    )
    return rt.frame_table(
        show[["region", "year", "observed", "projected", "error_pct", "projected_oos", "error_pct_oos"]],
        {"projected": 0, "observed": 0, "error_pct": 1, "projected_oos": 0, "error_pct_oos": 1},
        {
            "region": "地区",
            "year": "年末",
            "observed": "统计（万人）",
            "projected": "发布基准（万人）",
            "error_pct": "误差（%）",
            "projected_oos": "前两年拟合（万人）",
            "error_pct_oos": "误差（%）",
        },
    )


def intensity_list(shown: Sequence[tuple[str, str]]) -> str:
    """``(province, intensity as printed)`` as one list; provinces whose fit stopped at an end of the search range
    (:func:`intensity_display`) named together with the bound said once: "山西 0.00、江西 −0.04；安徽和湖北的
    拟合达到搜索范围的下界（≤ −1.00）"."""
    items: list[str] = []
    bounds: dict[str, list[str]] = {}
    for name, value in shown:
        if value.startswith(("≤", "≥")):
            bounds.setdefault(value, []).append(name)
        else:
            items.append(f"{name} {value}")
    listed = "、".join(items)
    for value, who in bounds.items():
        bound, why = value.rstrip("）").split("（", 1)
        listed += ("；" if listed else "") + f"{list_zh(who)}的{why}（{bound.strip()}）"
    return listed


def _calibration_lists(rs, codes, region: Region, test_last_fit: int) -> None:
    """The chapter's lists of the intensities and the back-test errors, one item per province."""
    keys, names = region.keys, region.names
    for tag, what in (("k_test", "仅用前两年拟合"), ("k", "四年拟合，发布版")):
        listed = intensity_list([(names[c], _shown(rs, f"{tag}_{keys[c]}")) for c in codes])
        rs.record(f"{tag}_list", listed, "", f"迁移强度（{what}，各省）", display=listed)
    first = [f"{names[c]} {_shown(rs, f'oos_{keys[c]}_first')}" for c in codes]
    _listing(rs, "oos_first_list", f"样本外首年（{test_last_fit + 1}）误差（各省）", first)
    _listing(rs, "oos_last_list", "样本外末年误差（各省）", [_shown(rs, f"oos_{keys[c]}_last") for c in codes])
    # the provinces grouped by whether their error is within the tolerance, so the verdict is said once per group
    groups: dict[str, list[str]] = {}
    for c in codes:
        groups.setdefault(_shown(rs, f"bt_{keys[c]}_verdict"), []).append(
            f"{names[c]} {_shown(rs, f'bt_{keys[c]}_last_error_pct')}"
        )
    if len(groups) == 1:
        ((verdict, items),) = groups.items()
        bt = [f"{'、'.join(items)}，{'均' if len(items) > 1 else ''}{verdict}"]
    else:
        bt = [f"{'、'.join(items)}{verdict}" for verdict, items in groups.items()]
    _listing(rs, "bt_list", "发布基准末年误差及是否在容许范围内（各省，按是否在范围内合述）", bt, sep="，")


def _intensity_clause(rs, k: np.ndarray, codes, region: Region, direction: np.ndarray | None) -> None:
    """What the published intensities say, province by province: an intensity is a multiple of the 2010–2020 age
    shape, so below 1 the recent net migration is weaker than that interval's average, above 1 stronger, and
    below 0 of the opposite direction. ``direction``: −1 where the shape is net out-migration, +1 net in."""
    names = region.names
    sign = np.full(len(codes), -1.0) if direction is None else np.sign(np.asarray(direction, dtype=float))
    flow = {-1.0: "净迁出", 1.0: "净迁入", 0.0: "净迁移"}
    opposite = {-1.0: "净迁入", 1.0: "净迁出", 0.0: "净迁移"}
    groups: dict[str, list[str]] = {}
    for i, c in enumerate(codes):
        if k[i] < 0:
            what = f"为负值，表示按同一年龄模式的{opposite[sign[i]]}"
        elif k[i] < 1:
            what = f"近年的{flow[sign[i]]}弱于上一个普查间隔的平均水平"
        elif k[i] > 1:
            what = f"近年的{flow[sign[i]]}强于上一个普查间隔的平均水平"
        else:
            what = f"近年的{flow[sign[i]]}与上一个普查间隔的平均水平相同"
        groups.setdefault(what, []).append(names[c])
    word = direction_word(k - 1, "compare")
    if word in ("低于", "高于", "等于"):
        head = f"均{word} 1" if len(codes) > 1 else f"{word} 1"
    else:
        sides: dict[str, list[str]] = {}
        for i, c in enumerate(codes):
            sides.setdefault(direction_word(k[i] - 1, "compare"), []).append(names[c])
        head = "，".join(f"{'、'.join(who)}{side} 1" for side, who in sides.items())
    parts = [f"{'、'.join(who)}{what}" for what, who in groups.items()]
    if len(groups) == 1 and len(codes) > 1:
        parts = [f"各省{next(iter(groups))}"]
    elif len(codes) == 1:
        parts = [next(iter(groups))]
    clause = f"{head}：" + "；".join(parts)
    rs.record("k_clause", clause, "", "发布的迁移强度相对 1 及其含义", display=clause)
    # what the scenarios act on: a share of the calibrated net out-migration, smaller or larger than 2010–2020's
    out = sign < 0
    if out.all() and (k < 1).all():
        base = "近年的净迁出已经弱于上一个普查间隔，以净迁出的比例表示的迁移情景作用的基数随之变小"
    elif out.all() and (k > 1).all():
        base = "近年的净迁出强于上一个普查间隔，以净迁出的比例表示的迁移情景作用的基数随之变大"
    else:
        base = "各省近年的迁移强度与上一个普查间隔的关系不一（见迁移校准一节），以净迁出的比例表示的迁移情景只作用于校准后仍为净迁出的年龄和省份"
    rs.record("k_base_clause", base, "", "情景作用的基数相对上一个普查间隔", display=base)


def record_replay(rs, replay: pd.DataFrame, replay_mp: pd.DataFrame) -> None:
    """The replay of the last census interval: the largest error at any age (10+) with ``M/(S·P)`` and, for
    contrast, with ``M/P`` at ages 70+."""
    rs.record(
        "replay_max_abs",
        float(replay["error_pct"].abs().max()),
        "%",
        "回放：各年龄组误差绝对值的最大值",
        digits=2,
        suffix="%",
    )
    largest = float(replay["error_pct"].abs().max())
    # below the printed precision the largest error would print as "0.00%": say it is below 0.01%
    clause = "都小于 0.01%" if largest < 0.005 else f"最大为 {rs['replay_max_abs'].display}"
    rs.record("replay_max_abs_clause", clause, "", "回放：各年龄组误差绝对值的最大值（句）", display=clause)
    old = replay_mp[replay_mp["age_group"].map(lambda g: int(g.rstrip("+").split("-")[0]) >= 70)]
    rs.record(
        "replay_mp_old_max",
        float(old["error_pct"].abs().max()),
        "%",
        "以 M/P 回放：70 岁及以上误差绝对值的最大值",
        digits=1,
        suffix="%",
    )


def indicator_draws(sim: np.ndarray) -> dict[str, np.ndarray]:
    """Indicators ``(n, R+1, T+1)`` of trajectories ``(n, R, T+1, 2, A)`` with the region's total appended."""
    return pj.indicators(pj.with_northeast(sim, region_axis=1))


def _record_spreads(rs, spreads, n: int, seed: int, region: Region = DEFAULT_REGION) -> None:
    """The number of draws, the seed and the spreads the draws come from (with the years they are read from)."""
    rs.record("draws", n, "条", "蒙特卡罗轨迹数", digits=0)
    rs.record("seed", seed, "", "随机数种子", digits=0, display=str(seed))
    rs.record("sd_tfr", 100 * spreads.tfr, "%", "出生率对数年变化的标准差", digits=1, suffix="%")
    rs.record("sd_mortality", 100 * spreads.mortality, "%", "逐年拟合死亡水平（对数）的标准差", digits=1, suffix="%")
    _year(rs, "sd_tfr_first", spreads.tfr_years[0], "生育离散度的首年")
    _year(rs, "sd_tfr_last", spreads.tfr_years[1], "生育离散度的末年")
    _year(rs, "sd_mig_first", spreads.migration_years[0], "迁移离散度的首年")
    _year(rs, "sd_mig_last", spreads.migration_years[1], "迁移离散度的末年")
    _year(rs, "sd_mort_first", spreads.mortality_years[0], "死亡离散度的首年")
    _year(rs, "sd_mort_last", spreads.mortality_years[1], "死亡离散度的末年")
    keys, names = region.keys, region.names
    for i, code in enumerate(region.codes):
        rs.record(f"sd_mig_{keys[code]}", spreads.migration[i], "", f"{names[code]}：迁移强度的标准差", digits=2)
    items = [f"{names[c]} {_shown(rs, f'sd_mig_{keys[c]}')}" for c in region.codes]
    _listing(rs, "sd_mig_list", "迁移强度的标准差（各省）", items, "，")


def _record_direction(rs, path: np.ndarray, var: str, key: str, n_: str, label: str) -> None:
    """The direction of an indicator over the projection (and, for counts, its change in %)."""
    if var != "old_age_dependency":
        start, last = path[0], path[-1]
        word = direction_word(last - start, "change_to")
        rs.record(f"base_{key}_{var}_direction", word, "", f"{n_}：{label}的变化方向", display=word)
        rs.record(
            f"base_{key}_{var}_change_pct",
            100 * (last / start - 1),
            "%",
            f"{n_}：{label}变化",
            digits=1,
            signed=True,
            suffix="%",
        )
    else:
        word = direction_word(path[-1] - path[0], "to")
        rs.record(f"base_{key}_{var}_direction", word, "", f"{n_}：{label}的变化方向", display=word)


def record_bands(
    rs,
    sim: np.ndarray,
    det: np.ndarray,
    variants: dict,
    years: list[int],
    spreads,
    n: int,
    seed: int,
    region: Region = DEFAULT_REGION,
) -> pd.DataFrame:
    """Medians, 80% and 95% bands by region, indicator and year; the deterministic baseline and the high/low
    variants; the spreads. Returns the bands table."""
    from neoutflow.analysis import stochastic as st

    _record_spreads(rs, spreads, n, seed, region)
    ind = indicator_draws(sim)
    dind = pj.indicators(pj.with_northeast(det[None], region_axis=1))
    vind = {k: pj.indicators(pj.with_northeast(v[None], region_axis=1)) for k, v in variants.items()}
    rows = []
    end = years[-1]
    for var, (label, unit, fmt) in INDICATORS.items():
        for r, code in enumerate(region.all):
            key, n_ = region.keys[code], region.names[code]
            for t, y in enumerate(years):
                b = st.bands(ind[var][:, r, t])
                base = dind[var][0, r, t]
                tag = "end" if y == end else str(y)
                rs.record(f"base_{key}_{tag}_{var}", base, unit, f"{n_} {y}：{label}（确定性校准基准）", **fmt)
                if t == 0:
                    rs.record(f"{key}_{var}_start", base, unit, f"{n_}：{label}（起点普查）", **fmt)
                    continue
                for q, v in b.items():
                    rs.record(f"mc_{key}_{tag}_{var}_{q}", v, unit, f"{n_} {y}：{label}（{q}）", **fmt)
                for vn, vv in vind.items():
                    rs.record(
                        f"{vn}_{key}_{tag}_{var}", vv[var][0, r, t], unit, f"{n_} {y}：{label}（{vn}方案）", **fmt
                    )
                rows.append(
                    {
                        "region": n_,
                        "indicator": label,
                        "year": y,
                        "baseline": rs[f"base_{key}_{tag}_{var}"].display.removesuffix("万"),
                        "median": rs[f"mc_{key}_{tag}_{var}_median"].display.removesuffix("万"),
                        "b80": f"{rs[f'mc_{key}_{tag}_{var}_lo80'].display.removesuffix('万')}–{rs[f'mc_{key}_{tag}_{var}_hi80'].display.removesuffix('万')}",
                        "b95": f"{rs[f'mc_{key}_{tag}_{var}_lo95'].display.removesuffix('万')}–{rs[f'mc_{key}_{tag}_{var}_hi95'].display.removesuffix('万')}",
                        "variants": f"{rs[f'low_{key}_{tag}_{var}'].display.removesuffix('万')} / {rs[f'high_{key}_{tag}_{var}'].display.removesuffix('万')}",
                    }
                )
            _record_direction(rs, dind[var][0, r], var, key, n_, label)
    table = pd.DataFrame(rows)
    return rt.frame_table(
        table,
        columns={
            "region": "地区",
            "indicator": "指标",
            "year": "年份",
            "baseline": "确定性基准",
            "median": "中位数",
            "b80": "80% 区间",
            "b95": "95% 区间",
            "variants": "低 / 高方案",
        },
    )


def record_variant(
    rs,
    name: str,
    label: str,
    k: np.ndarray,
    end_total_ne: float,
    base_total_ne: float,
    codes,
    region: Region = DEFAULT_REGION,
) -> None:
    """A deterministic variant of the calibration (e.g. the 40+ loss as migration); ``*_ne_*`` is the region's
    total."""
    keys, names = region.keys, region.names
    for i, code in enumerate(codes):
        rs.record(f"{name}_k_{keys[code]}", k[i], "", f"{names[code]}：迁移强度（{label}）", digits=2)
    items = [f"{names[c]} {_shown(rs, f'{name}_k_{keys[c]}')}" for c in codes]
    _listing(rs, f"{name}_k_list", f"迁移强度（{label}，各省）", items)
    rs.record(
        f"{name}_ne_end_total",
        end_total_ne,
        "人",
        f"{region.label}末年总人口（{label}）",
        digits=0,
        scale=1e4,
        suffix="万",
    )
    rs.record(
        f"{name}_ne_end_diff",
        end_total_ne - base_total_ne,
        "人",
        f"与校准基准之差（{label}）",
        digits=0,
        scale=1e4,
        suffix="万",
        signed=True,
    )


# ---------------------------------------------------------------- scenarios

SCENARIO_LABELS = {"pay": "薪酬与产业", "retention": "青年留存", "births": "生育支持", "all": "三者合一"}


def record_pay_lever(rs, lever: pd.DataFrame, outcome_label: str, region: Region = DEFAULT_REGION) -> None:
    """The pay lever from the main model: coefficient, p-value, the change and the share with its interval."""
    from neoutflow.outputs import derived

    first = lever.iloc[0]
    rs.record("pay_variable", first["variable"], "", "薪酬杠杆所用的工资变量", display=first["variable"])
    rs.record("pay_outcome", outcome_label, "", "薪酬杠杆所用模型的因变量", display=outcome_label)
    # the decimals the determinants chapter gives the same coefficient (three significant digits of its SE)
    rs.record("pay_coef", first["coef"], "", "主模型：工资变量的系数", digits=row_decimals([first["se"]], base=3))
    rs.record("pay_p", first["coef_p"], "", "其野自助法 p 值（Rademacher 与 Webb 中较大者，同决定因素一章）", digits=3)
    rs.record("pay_p_model", first["coef_p_model"], "", "其稳健标准误的 p 值（对照）", digits=3)
    sig = significance_word(first["coef_p"])
    rs.record("pay_sig", sig, "", "该系数在 5% 水平是否显著（野自助法 p 值，未做多重比较校正）", display=sig)
    keys, names = region.keys, region.names
    for _, r in lever.iterrows():
        k, n = keys[r["code"]], names[r["code"]]
        rs.record(f"pay_{k}_observed", r["observed"], "%", f"{n}：{outcome_label}", digits=2)
        what = f"{n}：若工资达到全国中位数，净迁移率的变化"
        rs.record(f"pay_{k}_change", r["change"], "百分点", what, digits=2, signed=True)
        boot = "的野自助 95% 区间"
        rs.record(f"pay_{k}_change_low", r["ci_low"], "百分点", what + boot + "下限", digits=2, signed=True)
        rs.record(f"pay_{k}_change_high", r["ci_high"], "百分点", what + boot + "上限", digits=2, signed=True)
        for end in ("", "_low", "_high"):
            derived.record(rs, f"pay_{k}_share{end}", "%", f"{n}：净迁出被消除的比例（估计{end}）", digits=0)
        word = pay_verdict(r["share_low"], r["share_high"])
        rs.record(f"pay_{k}_verdict", word, "", f"{n}：薪酬杠杆是否不为零", display=word)
        share, low, high = (rs[f"pay_{k}_share{end}"].display for end in ("", "_low", "_high"))
        # an interval 0%–0% says nothing: a lever whose whole interval is at zero is stated as zero
        zero = word == "为零" or share == low == high == "0"
        phrase = "比例为零" if zero else f"比例为 {share}%（95% 区间 {low}%–{high}%），{word}"
        if r["observed"] >= 0:  # net in-migration: there is no net out-migration for the lever to remove
            phrase = "该省为净迁入，没有可以减少的净迁出"
        rs.record(f"pay_{k}_share_phrase", phrase, "", f"{n}：净迁出被消除的比例及其区间", display=phrase)
        position = direction_word(-r["gap"], "compare")
        rs.record(f"pay_{k}_wage_position", position, "", f"{n}的工资相对全国中位数", display=position)
    _pay_sentence(rs, lever, region)


def _pay_sentence(rs, lever: pd.DataFrame, region: Region) -> None:
    """The chapter's sentences on the pay lever: each province's net migration rate and change (a province whose
    wage is not below the national median is said so at its numbers: the lever lowers its wage), then the share
    of net out-migration removed, provinces that share a reading (为零, 净迁入, 不为零 …) grouped so that it is
    said once."""
    keys, names = region.keys, region.names
    parts = []
    shares: dict[str, list[str]] = {}
    for i, (_, r) in enumerate(lever.iterrows()):
        k, n = keys[r["code"]], names[r["code"]]
        obs, chg = _shown(rs, f"pay_{k}_observed"), _shown(rs, f"pay_{k}_change")
        lo, hi = _shown(rs, f"pay_{k}_change_low"), _shown(rs, f"pay_{k}_change_high")
        position = direction_word(-r["gap"], "compare")
        if position != direction_word(-1.0, "compare"):
            lead = f"{n}的工资{position}全国中位数，净迁移率为 {obs}%"
        else:
            lead = f"{n}的净迁移率为 {obs}%" if i == 0 else f"{n}为 {obs}%"
        interval = f"95% 区间 {lo} 至 {hi}" if i == 0 else f"{lo} 至 {hi}"
        parts.append(f"{lead}，变化 {chg} 个百分点（{interval}）")
        phrase = _shown(rs, f"pay_{k}_share_phrase")
        if r["observed"] >= 0:
            shares.setdefault("为净迁入，没有可以减少的净迁出", []).append(n)
        elif phrase == "比例为零":
            shares.setdefault("为零", []).append(n)
        else:
            share, low, high = (rs[f"pay_{k}_share{end}"].display for end in ("", "_low", "_high"))
            word = _shown(rs, f"pay_{k}_verdict")
            shares.setdefault(word, []).append(f"{n} {share}%（95% 区间 {low}%–{high}%）")
    clauses = [f"{list_zh(items)}{'均' if len(items) > 1 else ''}{word}" for word, items in shares.items()]
    text = "；".join(parts) + "。净迁出被消除的比例：" + "；".join(clauses)
    rs.record("pay_sentence", text, "", "薪酬杠杆：各省的净迁移率、变化与净迁出被消除的比例", display=text)


def scenario_differences(base: np.ndarray, scen: np.ndarray) -> dict[str, np.ndarray]:
    """Per-trajectory differences of the indicators (scenario − baseline): ``(n, R+1, T+1)``, with
    ``children`` (ages 0–19) besides the three indicators."""
    b, s = indicator_draws(base), indicator_draws(scen)
    out = {k: s[k] - b[k] for k in b}
    kids = pj.age_mask(0, 19)
    diff = pj.with_northeast(scen - base, region_axis=1).sum(axis=-2)
    out["children"] = diff[..., kids].sum(axis=-1)
    return out


def record_scenarios(
    rs,
    diffs: dict[str, dict[str, np.ndarray]],
    levers: dict[str, str],
    years: list[int],
    region: Region = DEFAULT_REGION,
) -> pd.DataFrame:
    """Differences from the baseline in the last year (median and 95% interval), per scenario, region and
    indicator; a sentence per scenario chosen from its lever values. Returns the table."""
    from neoutflow.analysis import stochastic as st

    rows = []
    for name, d in diffs.items():
        label = SCENARIO_LABELS[name]
        rs.record(f"lever_{name}", levers[name], "", f"{label}：杠杆", display=levers[name])
        for r, code in enumerate(region.all):
            key = region.keys[code]
            row = {"scenario": label, "region": region.names[code]}
            for var, (vlabel, unit, fmt) in INDICATORS.items():
                b = st.bands(d[var][:, r, -1], levels=(0.95,))
                for q in ("median", "lo95", "hi95"):
                    rs.record(
                        f"diff_{name}_{key}_{var}_{q}",
                        b[q],
                        unit,
                        f"{region.names[code]}：{label}与基准之差（{vlabel}，{q}）",
                        **{**fmt, "signed": True},
                    )
                med = rs[f"diff_{name}_{key}_{var}_median"].display.removesuffix("万")
                lo = rs[f"diff_{name}_{key}_{var}_lo95"].display.removesuffix("万")
                hi = rs[f"diff_{name}_{key}_{var}_hi95"].display.removesuffix("万")
                row[var] = f"{med} [{lo}, {hi}]"
            rows.append(row)
        ne = d["total"][:, -1, -1]
        lo, hi = np.percentile(ne, [2.5, 97.5])
        # "excludes zero" only when the end is away from zero at the printed precision (1万)
        where = region.name
        if np.allclose(ne, 0):
            word = f"不改变{where}总人口"
        elif lo >= 0.5e4:
            word = f"使{where}总人口多于基准（95% 区间不含零）"
        elif hi <= -0.5e4:
            word = f"使{where}总人口少于基准（95% 区间不含零）"
        else:
            word = f"对{where}总人口的影响与零无法区分（95% 区间含零）"
        rs.record(f"effect_word_{name}", word, "", f"{label}：效应的方向与确定性", display=word)
        total, kids = float(np.median(ne)), float(np.median(d["children"][:, -1, -1]))
        if total <= 0:
            kid_word = "没有增加人口"
        elif total < 0.5e4:  # prints as 0万: nothing to say what the added people are
            kid_word = "几乎没有增加人口"
        elif kids > 0.5 * total:
            kid_word = "增加的主要是 20 岁以下的儿童和少年"
        else:
            kid_word = "增加的主要是 20 岁及以上人口"
        rs.record(f"kids_word_{name}", kid_word, "", f"{label}：增加的人口是否主要是儿童", display=kid_word)
    table = pd.DataFrame(rows)
    return rt.frame_table(
        table,
        columns={
            "scenario": "情景",
            "region": "地区",
            "total": f"{years[-1]} 总人口之差（万人）",
            "young": f"{years[-1]} 20–39 岁之差（万人）",
            "old_age_dependency": f"{years[-1]} 老年抚养比之差",
        },
    )


# ---------------------------------------------------------------- figures


def population_figure(
    observed: pd.DataFrame,
    census: pd.DataFrame,
    sim: np.ndarray,
    det: np.ndarray,
    variants: dict,
    start_year: int,
    region: Region = DEFAULT_REGION,
):
    """Population per province and for the region: year-end series and census counts, then the calibrated
    baseline with its 80% and 95% bands and the deterministic high/low variants (two panels a row)."""
    from neoutflow.analysis import stochastic as st

    total = indicator_draws(sim)["total"] / 1e4  # (n, R+1, T+1)
    base = pj.indicators(pj.with_northeast(det[None], region_axis=1))["total"][0] / 1e4
    var = {k: pj.indicators(pj.with_northeast(v[None], region_axis=1))["total"][0] / 1e4 for k, v in variants.items()}
    years = start_year + pj.STEP * np.arange(total.shape[-1])
    rows = -(-len(region.all) // 2)
    fig, axes = plt.subplots(rows, 2, figsize=(9, 3.2 * rows), sharex=True, squeeze=False)
    for ax in axes.ravel()[len(region.all) :]:
        ax.set_visible(False)
    for r, (ax, code) in enumerate(zip(axes.ravel(), region.all)):
        codes = list(region.codes) if code == pj.TOTAL else [code]
        part = observed[observed["code"].astype(str).isin(codes)]
        counts = part.groupby("year")["value"].count()
        ye = part.groupby("year")["value"].sum()[counts == len(codes)]
        ax.plot(ye.index, ye.to_numpy() / 1e4, color="black", lw=1.3, label="年末常住人口（统计）")
        cz = census[census["code"].astype(str).isin(codes)].groupby("year")["population"].sum()
        ax.plot(cz.index, cz.to_numpy() / 1e4, "o", color="black", ms=4, mfc="white", label="普查")
        b = st.bands(total[:, r, :])
        ax.fill_between(years, b["lo95"], b["hi95"], color=PALETTE["northeast"], alpha=0.15, lw=0, label="95% 区间")
        ax.fill_between(years, b["lo80"], b["hi80"], color=PALETTE["northeast"], alpha=0.3, lw=0, label="80% 区间")
        ax.plot(years, base[r], color=PALETTE["northeast"], lw=1.8, label=BASELINE_LABEL)
        for k, style in (("high", "--"), ("low", ":")):
            ax.plot(
                years,
                var[k][r],
                color=PALETTE["neutral"],
                lw=1.0,
                ls=style,
                label={"high": "高方案", "low": "低方案"}[k],
            )
        ax.axvline(start_year, color=PALETTE["neutral"], lw=0.8, ls="--")
        ax.set_title(region.names[code])
        ax.set_ylabel("万人")
    handles, labels = axes[0, 0].get_legend_handles_labels()  # below the panels, not over the series
    fig.legend(handles, labels, loc="lower center", ncol=4, frameon=False, fontsize=8, bbox_to_anchor=(0.5, -0.01))
    fig.tight_layout(rect=(0, 0.16 / rows, 1, 1))
    return fig


def scenario_figure(diffs: dict[str, dict[str, np.ndarray]]):
    """Differences from the baseline in the last year, the region's total: medians with 80% and 95% intervals."""
    from neoutflow.analysis import stochastic as st

    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
    names = list(diffs)
    for ax, var, label in ((axes[0], "total", "总人口之差（万人）"), (axes[1], "young", "20–39 岁人口之差（万人）")):
        for i, name in enumerate(names):
            b = st.bands(diffs[name][var][:, -1, -1] / 1e4)
            ax.plot([b["lo95"], b["hi95"]], [i, i], color=PALETTE["neutral"], lw=1.2)
            ax.plot([b["lo80"], b["hi80"]], [i, i], color=PALETTE["northeast"], lw=4)
            ax.plot(b["median"], i, "o", color="black", ms=4)
        ax.axvline(0, color="black", lw=0.6)
        ax.set_yticks(range(len(names)), [SCENARIO_LABELS[n] for n in names])
        ax.set_xlabel(label)
    fig.tight_layout()
    return fig


def pyramid_figure(start: np.ndarray, end: np.ndarray, start_year: int, end_year: int):
    """The region's pyramid: the start census (line) vs the calibrated baseline in the end year (bars).
    ``start``, ``end``: ``(2, A)``."""
    fig, ax = plt.subplots(figsize=(6.5, 4.6))
    y = np.arange(len(AGE_GROUPS))
    for j, (sex, sign, colour) in enumerate((("male", -1, PALETTE["male"]), ("female", 1, PALETTE["female"]))):
        ax.barh(y, sign * end[j] / 1e4, color=colour, alpha=0.75, height=0.85, label=f"{end_year}（{SEX_NAMES[sex]}）")
        ax.step(
            sign * start[j] / 1e4, y, where="mid", color="black", lw=1.0, label=f"{start_year} 普查" if j == 0 else None
        )
    ax.set_yticks(y, AGE_GROUPS)
    ax.set_xlabel("万人（左：男，右：女）")
    ticks = ax.get_xticks()
    ax.set_xticks(ticks, [f"{abs(t):.0f}" for t in ticks])
    ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- benchmarks and the 2025 survey


def national_series(series: pd.DataFrame) -> pd.Series:
    """NBS year-end population of the 31 provinces (their sum), by year, for the years every province has."""
    ye = series[series["indicator"] == "yearend_population"].assign(code=lambda d: d["code"].astype(str))
    ye = ye[ye["code"] != "100000"]
    counts = ye.groupby("year")["value"].count()
    return ye.groupby("year")["value"].sum()[counts == 31]


def _record_nation(
    rs, row: dict, wpp, nbs, nat_ssp, last_obs: int, y: int, tag: str, ne_base: float, region: Region = DEFAULT_REGION
) -> None:
    """The nation in year ``y``: WPP's change from the last observed year applied to the NBS level, SSP2,
    and the region's share; adds the nation's columns to ``row``."""
    # the nation: WPP's change from the last observed year applied to the NBS level
    growth = wpp[("medium", y)] / wpp[("medium", last_obs)]
    row["nat_wpp"] = wpp[("medium", y)] / 1e4
    row["nat_wpp_nbs"] = nbs[last_obs] * growth / 1e4
    row["nat_wpp_band"] = f"{wpp[('lo80', y)] / 1e4:,.0f}–{wpp[('hi80', y)] / 1e4:,.0f}"
    row["nat_ssp2"] = nat_ssp[("SSP2", y)] / 1e4
    rs.record(f"wpp_{tag}", wpp[("medium", y)], "人", f"WPP 2024 中方案 {y} 年末", digits=0, scale=1e4, suffix="万")
    rs.record(f"wpp_{tag}_lo95", wpp[("lo95", y)], "人", f"WPP 2024 {y} 95% 下限", digits=0, scale=1e4, suffix="万")
    rs.record(f"wpp_{tag}_hi95", wpp[("hi95", y)], "人", f"WPP 2024 {y} 95% 上限", digits=0, scale=1e4, suffix="万")
    rs.record(
        f"wpp_{tag}_growth",
        100 * (growth - 1),
        "%",
        f"WPP 2024：{last_obs}–{y} 年变化",
        digits=1,
        signed=True,
        suffix="%",
    )
    rs.record(
        f"wpp_nbs_{tag}",
        nbs[last_obs] * growth,
        "人",
        f"按 WPP 变化推算的国家统计局口径 {y}",
        digits=0,
        scale=1e4,
        suffix="万",
    )
    ne_share = 100 * ne_base / (nbs[last_obs] * growth)
    rs.record(
        f"ne_share_{tag}", ne_share, "%", f"{region.name}占全国（{y}，校准基准 / 按 WPP 推算）", digits=1, suffix="%"
    )


def ssp_missing(bench: pd.DataFrame, region: Region = DEFAULT_REGION) -> list[str]:
    """The region's provinces the extract of the provincial SSP projection lacks (the comparison needs all)."""
    ssp = bench[bench["source"] == "ssp_provincial"]
    have = set(ssp["code"].astype(str))
    return [c for c in region.codes if c not in have]


def _record_ssp_sentences(rs, region: Region, missing: list[str], start_year: int) -> None:
    """The sentences that introduce the SSP comparison, or say why it is left out."""
    if missing:
        who = "、".join(region.names[c] for c in missing)
        intro = f"给出{region.label}的校准基准"
        sentence = (
            f"的来源文件未说明出处和许可，本报告只摘录了少数省份与全国的数值用于比较，其中不含{who}，"
            f"因此{region.label}不与之比较。"
        )
        figure = ""
    else:
        intro = f"把{region.label}的校准基准放在以 {start_year} 年普查为基数的分省 SSP 预测旁边"
        figure = "与分省 SSP 预测"
        ssp2, lo, hi = (_shown(rs, k) for k in ("ssp2_ne_end", "ssp_ne_end_min", "ssp_ne_end_max"))
        year = _shown(rs, "survey_year")
        diff, survey, survey_diff = (
            _shown(rs, k) for k in ("ssp2_ne_end_diff", f"ssp2_ne_{year}", f"ssp2_ne_{year}_diff")
        )
        base_pct, ssp_pct = _shown(rs, "base_ne_total_change_pct"), _shown(rs, "ssp2_ne_change_pct")
        word = _shown(rs, "ne_vs_ssp2_word")
        both_fall = rs["base_ne_total_change_pct"].value < 0 and rs["ssp2_ne_change_pct"].value < 0
        what = f"降幅（{base_pct}）因此{word}" if both_fall else f"变化（{base_pct}）不同于"
        sentence = (
            f"中，SSP2 的{region.label} {_shown(rs, 'end_year')} 年为 {ssp2}（五种路径在 {lo}–{hi} 之间），"
            f"与校准基准之差为 {diff}；它在 {year} 年为 {survey}，与校准基准之差为 "
            f"{survey_diff}，而统计的 {_shown(rs, 'backtest_last_year')} 年末人口为 {_shown(rs, 'bt_ne_observed')}。"
            f"差别可能主要来自迁移：SSP 的分省迁移假设不是按{region.name}近年的年末人口校准的，校准基准的{what} "
            f"SSP2（{ssp_pct}）。"
        )
    rs.record("ssp_intro", intro, "", "与 SSP 比较的引言（或从略的说明）", display=intro)
    rs.record("ssp_sentence", sentence, "", "与 SSP 的比较（或从略的理由）", display=sentence)
    rs.record("ssp_figure_part", figure, "", "图中是否有 SSP", display=figure)


def record_benchmarks(
    rs,
    bench: pd.DataFrame,
    series: pd.DataFrame,
    sim: np.ndarray,
    det: np.ndarray,
    start_year: int,
    years: list[int],
    region: Region = DEFAULT_REGION,
) -> pd.DataFrame:
    """The region beside the SSP projections (when the extract has all its provinces) and the nation beside
    WPP 2024; returns the comparison table."""
    from neoutflow.analysis import stochastic as st

    total = indicator_draws(sim)["total"]  # (n, R+1, T+1)
    base = pj.indicators(pj.with_northeast(det[None], region_axis=1))["total"][0]
    ssp = bench[bench["source"] == "ssp_provincial"]
    missing = ssp_missing(bench, region)
    ne_ssp = ssp[ssp["code"].astype(str).isin(region.codes)].groupby(["variant", "year"])["population"].sum()
    nat_ssp = ssp[ssp["code"] == "100000"].set_index(["variant", "year"])["population"]
    wpp = bench[bench["source"] == "wpp2024"].set_index(["variant", "year"])["population"]
    nbs = national_series(series)
    last_obs = int(nbs.index.max())
    gap = wpp[("medium", last_obs)] - nbs[last_obs]
    _year(rs, "nbs_last_year", last_obs, "全国年末人口（31 省之和）的最后一年")
    rs.record("nbs_last", nbs[last_obs], "人", "全国年末人口（31 省之和）", digits=0, scale=1e4, suffix="万")
    rs.record(
        "wpp_last", wpp[("medium", last_obs)], "人", "WPP 2024 同年末（中方案）", digits=0, scale=1e4, suffix="万"
    )
    rs.record("wpp_gap", gap, "人", "WPP 2024 与国家统计局之差", digits=0, scale=1e4, suffix="万", signed=True)
    rows = []
    for y in years[1:]:
        t = years.index(y)
        tag = "end" if y == years[-1] else str(y)
        b = st.bands(total[:, -1, t])
        row = {"year": y, "ne_base": base[-1, t] / 1e4, "ne_band": f"{b['lo80'] / 1e4:,.0f}–{b['hi80'] / 1e4:,.0f}"}
        rs.record(f"ssp2_nat_{tag}", nat_ssp[("SSP2", y)], "人", f"SSP2 31 省 {y}", digits=0, scale=1e4, suffix="万")
        if not missing:
            _record_region_ssp(rs, row, ne_ssp, base[-1, t], y, tag, region)
        _record_nation(rs, row, wpp, nbs, nat_ssp, last_obs, y, tag, base[-1, t], region)
        rows.append(row)
    if not missing:
        ne_change = 100 * (base[-1, -1] / base[-1, 0] - 1)
        ssp2_change = 100 * (ne_ssp[("SSP2", years[-1])] / ne_ssp[("SSP2", start_year)] - 1)
        rs.record(
            "ssp2_ne_change_pct",
            ssp2_change,
            "%",
            f"SSP2 {region.name}起点至末年的变化",
            digits=1,
            signed=True,
            suffix="%",
        )
        word = direction_word(-(ne_change - ssp2_change), "compare")  # the baseline's decline vs SSP2's
        rs.record("ne_vs_ssp2_word", word, "", "校准基准的降幅相对 SSP2", display=word)
    table = pd.DataFrame(rows)
    short = region.name
    return rt.frame_table(
        table,
        {c: 0 for c in table.columns if c not in ("year", "ne_band", "nat_wpp_band")},
        {
            "year": "年份",
            "ne_base": f"{short}：校准基准",
            "ne_band": f"{short}：80% 区间",
            **{f"ne_SSP{i}": f"{short}：SSP{i}" for i in range(1, 6)},
            "nat_wpp": "全国：WPP 中方案",
            "nat_wpp_band": "全国：WPP 80% 区间",
            "nat_wpp_nbs": "全国：WPP 变化 × 国家统计局水平",
            "nat_ssp2": "全国：SSP2（31 省）",
        },
    )


SSP_VARIANTS = ("SSP1", "SSP2", "SSP3", "SSP4", "SSP5")


def _record_region_ssp(rs, row: dict, ne_ssp, base: float, y: int, tag: str, region: Region) -> None:
    """The region's SSP1–5 in year ``y``: the table's columns, SSP2 and the range of the five, SSP2 − baseline."""
    for v in SSP_VARIANTS:
        row[f"ne_{v}"] = ne_ssp[(v, y)] / 1e4
    label, name = region.label, region.name
    rs.record(f"ssp2_ne_{tag}", ne_ssp[("SSP2", y)], "人", f"SSP2 {label} {y}", digits=0, scale=1e4, suffix="万")
    lo, hi = min(ne_ssp[(v, y)] for v in SSP_VARIANTS), max(ne_ssp[(v, y)] for v in SSP_VARIANTS)
    rs.record(f"ssp_ne_{tag}_min", lo, "人", f"SSP1–5 {name} {y} 最低", digits=0, scale=1e4, suffix="万")
    rs.record(f"ssp_ne_{tag}_max", hi, "人", f"SSP1–5 {name} {y} 最高", digits=0, scale=1e4, suffix="万")
    rs.record(
        f"ssp2_ne_{tag}_diff",
        ne_ssp[("SSP2", y)] - base,
        "人",
        f"SSP2 − 校准基准（{name} {y}）",
        digits=0,
        scale=1e4,
        suffix="万",
        signed=True,
    )


def benchmark_figure(
    bench: pd.DataFrame,
    series: pd.DataFrame,
    sim: np.ndarray,
    det: np.ndarray,
    start_year: int,
    region: Region = DEFAULT_REGION,
):
    """Left: the region, observed, the calibrated baseline with its 80% band and SSP1–5 (when the extract has all
    its provinces). Right: the nation, NBS year-end, WPP 2024 medium with its 80%/95% bounds, WPP's change on the
    NBS level, and SSP2."""
    from neoutflow.analysis import stochastic as st

    total = indicator_draws(sim)["total"][:, -1] / 1e4
    base = pj.indicators(pj.with_northeast(det[None], region_axis=1))["total"][0, -1] / 1e4
    years = start_year + pj.STEP * np.arange(total.shape[-1])
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.8))
    ye = series[series["indicator"] == "yearend_population"].assign(code=lambda d: d["code"].astype(str))
    ne = ye[ye["code"].isin(region.codes)].groupby("year")["value"].agg(["sum", "count"])
    ne = ne[ne["count"] == len(region.codes)]["sum"]
    ne = ne[ne.index >= 2010]
    ax1.plot(ne.index, ne / 1e4, color="black", lw=1.3, label="年末常住人口（统计）")
    b = st.bands(total)
    ax1.fill_between(years, b["lo80"], b["hi80"], color=PALETTE["northeast"], alpha=0.3, lw=0, label="80% 区间")
    ax1.plot(years, base, color=PALETTE["northeast"], lw=1.8, label=BASELINE_LABEL)
    if not ssp_missing(bench, region):
        ssp = bench[(bench["source"] == "ssp_provincial") & bench["code"].astype(str).isin(region.codes)]
        ssp = ssp[ssp["year"] <= years[-1]].groupby(["variant", "year"])["population"].sum()
        # the other SSPs as one range (a panel shows at most five series), SSP2 as the line
        others = pd.concat([ssp.loc[v] for v in SSP_VARIANTS if v != "SSP2"], axis=1) / 1e4
        ax1.fill_between(others.index, others.min(axis=1), others.max(axis=1), color=PALETTE["neutral"], alpha=0.3,
                         lw=0, label="SSP1/3/4/5 范围")  # fmt: skip
        ax1.plot(ssp.loc["SSP2"].index, ssp.loc["SSP2"] / 1e4, color=PALETTE["neutral"], lw=1.6, label="SSP2")
    ax1.set_title(region.label)
    ax1.set_ylabel("万人")
    ax1.legend(fontsize=7, loc="best")  # a rising region would put its series under a fixed corner
    nbs = national_series(series)
    nbs = nbs[nbs.index >= 2015]
    ax2.plot(nbs.index, nbs / 1e8, color="black", lw=1.3, label="年末人口（31 省之和）")
    wpp = bench[bench["source"] == "wpp2024"].pivot(index="year", columns="variant", values="population")
    wpp = wpp[wpp.index <= years[-1]]
    ax2.fill_between(
        wpp.index, wpp["lo95"] / 1e8, wpp["hi95"] / 1e8, color=PALETTE["other"], alpha=0.15, lw=0, label="WPP 95% 区间"
    )
    ax2.fill_between(
        wpp.index, wpp["lo80"] / 1e8, wpp["hi80"] / 1e8, color=PALETTE["other"], alpha=0.3, lw=0, label="WPP 80% 区间"
    )
    ax2.plot(wpp.index, wpp["medium"] / 1e8, color=PALETTE["other"], lw=1.6, label="WPP 2024 中方案")
    last = int(nbs.index.max())
    rebased = nbs[last] * wpp["medium"] / wpp.loc[last, "medium"]
    ax2.plot(wpp.index, rebased / 1e8, color=PALETTE["other"], lw=1.2, ls="--", label="WPP 变化 × 统计局水平")
    nat = bench[(bench["source"] == "ssp_provincial") & (bench["code"] == "100000") & (bench["variant"] == "SSP2")]
    nat = nat[nat["year"] <= years[-1]]
    ax2.plot(nat["year"], nat["population"] / 1e8, color=PALETTE["neutral"], lw=1.6, label="SSP2（31 省）")
    ax2.set_title("全国")
    ax2.set_ylabel("亿人")
    ax2.legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    return fig


def record_survey_check(
    rs, census: pd.DataFrame, det: np.ndarray, sim: np.ndarray, start_year: int, region: Region = DEFAULT_REGION
) -> None:
    """The projection at 1 November of the 1% sample survey that ends its first step (2025 after 2020), and —
    when the survey's province totals are in ``census_totals`` (``make import … KIND=sample-survey``) — the
    errors against them. ``survey_comparison`` (the errors; empty without the survey) is shown when the release
    marks the part ``survey`` available (``has-survey-data``), ``survey_pending`` otherwise."""
    from neoutflow.analysis import stochastic as st
    from neoutflow.data.preflight import survey_year

    year = survey_year(start_year)
    t = (year - start_year) // pj.STEP
    base = pj.indicators(pj.with_northeast(det[None], region_axis=1))["total"][0, :, t]
    total = indicator_draws(sim)["total"][:, :, t]
    _year(rs, "survey_year", year, "1% 人口抽样调查的年份")
    bands = []
    keys, names = region.keys, region.names
    for r, code in enumerate(region.all):
        key = keys[code]
        b = st.bands(total[:, r])
        bands.append(b)
        rs.record(
            f"survey_{key}_projected",
            base[r],
            "人",
            f"{names[code]}：调查时点的校准基准",
            digits=0,
            scale=1e4,
            suffix="万",
        )
        rs.record(f"survey_{key}_lo80", b["lo80"], "人", "80% 下限", digits=0, scale=1e4, suffix="万")
        rs.record(f"survey_{key}_hi80", b["hi80"], "人", "80% 上限", digits=0, scale=1e4, suffix="万")
    items = []
    for i, c in enumerate(region.codes):
        lo, hi = _shown(rs, f"survey_{keys[c]}_lo80"), _shown(rs, f"survey_{keys[c]}_hi80")
        band = f"80% 区间 {lo}–{hi}" if i == 0 else f"{lo}–{hi}"
        items.append(f"{names[c]} {_shown(rs, f'survey_{keys[c]}_projected')}（{band}）")
    _listing(rs, "survey_projected_list", "调查时点的校准基准及其 80% 区间（各省）", items, "，")
    got = census[(census["year"] == year) & census["code"].astype(str).isin(region.codes)]
    got = got.set_index(got["code"].astype(str))["population"]
    comparison = ""
    if len(got) == len(region.codes):
        obs = [float(got[c]) for c in region.codes]
        obs.append(sum(obs))
        comparison = _survey_comparison(rs, year, base, obs, bands, region)
    elif (census["year"] == year).any():  # the survey is in, but not for every province of the region
        lacking = "、".join(names[c] for c in region.codes if c not in got.index)
        comparison = f"{year} 年 1% 人口抽样调查的数据缺少{lacking}，{region.label}不与调查比较。"
    pending = f"{year} 年 1% 人口抽样调查的分省人口公布并纳入本报告的数据后，这里将给出预测与调查之差。"
    rs.record("survey_comparison", comparison, "", "1% 抽样调查的比较（无调查数据时为空）", display=comparison)
    rs.record("survey_pending", pending, "", "1% 抽样调查尚未纳入时的说明", display=pending)


def _survey_comparison(
    rs, year: int, base, obs: list[float], bands: list[dict], region: Region = DEFAULT_REGION
) -> str:
    """Record the survey's totals and the errors (projection − survey); the sentence that quotes them."""
    parts, inside = [], []
    for r, code in enumerate(region.all):
        key, name = region.keys[code], region.names[code]
        rs.record(f"survey_{key}_observed", obs[r], "人", f"{name}：调查人口", digits=0, scale=1e4, suffix="万")
        err = 100 * (base[r] / obs[r] - 1)
        rs.record(f"survey_{key}_error_pct", err, "%", f"{name}：与调查之差", digits=1, signed=True, suffix="%")
        parts.append(f"{name} {rs[f'survey_{key}_observed'].display}（{rs[f'survey_{key}_error_pct'].display}）")
        if bands[r]["lo80"] <= obs[r] <= bands[r]["hi80"]:
            inside.append(name)
    within = "、".join(inside) if inside else "没有一个"
    rs.record("survey_inside_80", within, "", "调查值落在 80% 区间内的地区", display=within)
    return (
        f"{year} 年 1% 人口抽样调查的常住人口为（括号内为校准基准与调查之差，预测 − 调查）："
        + "，".join(parts)
        + f"；落在 80% 区间内的是{within}。"
    )


# ---------------------------------------------------------------- what the notebook writes


def notes(region: Region = DEFAULT_REGION, ssp: bool = True) -> dict[str, tuple[str, str]]:
    """Caption and note of each of the chapter's tables (the benchmark table's depend on the region and on
    whether the SSP extract covers it)."""
    name = region.name
    compared = f"{name}的校准基准与 SSP 为普查时点" if ssp else f"{name}的校准基准为普查时点"
    return {
        **NOTES,
        "projection_benchmarks": (
            f"与其他预测的比较：{region.label}与全国（万人）",
            f"注：{compared}（11 月 1 日）；WPP 2024 为 12 月 31 日，口径不含港澳台，水平高于国家统计局；"
            "“WPP 变化 × 国家统计局水平”把 WPP 中方案的变化用于国家统计局最后一年的年末人口（31 省之和）。",
        ),
    }


NOTES = {
    "projection_backtest": (
        "迁移强度的校准与检验：年末常住人口",
        "注：预测为第一个五年步长内的几何插值；误差 = 预测 − 统计。“前两年拟合”只用前两年的年末人口、出生和死亡校准，"
        "后两年为样本外检验；“发布基准”用四年全部校准。",
    ),
    "projection_bands": (
        "校准基准的概率预测：总人口、20–39 岁人口和老年抚养比",
        "注：人口单位为万人；老年抚养比 = 65 岁及以上 / 15–64 岁 × 100；区间为蒙特卡罗轨迹的分位数；"
        "低、高方案为三项输入同取 80% 区间端点的确定性预测；年份为普查时点（11 月 1 日）。",
    ),
    "projection_scenarios": (
        "情景与校准基准之差（末年）",
        "注：中位数 [95% 区间]，由同一组轨迹逐条相减得到；人口单位为万人；老年抚养比之差为百分点。",
    ),
}


# The data files each table draws on (its 资料来源 line): the projection's inputs, the pay lever's province
# model, the published projections it is compared with.
_INPUTS = ("census_population", "province_series", "province_life_expectancy")
SOURCES = {
    "projection_backtest": _INPUTS,
    "projection_bands": _INPUTS,
    "projection_scenarios": (*_INPUTS, "census_indicators"),
    "projection_benchmarks": (*_INPUTS, "projection_benchmarks"),
}


def write_table(table, tab_dir, name: str, region: Region = DEFAULT_REGION, ssp: bool = True) -> None:
    """Write one of the chapter's tables with its caption and note (:func:`notes`) and sources."""
    caption, note = notes(region, ssp)[name]
    rt.write_table(table, tab_dir, name, caption, note, SOURCES[name])


def save_figure(fig, fig_dir, name: str) -> None:
    from neoutflow.outputs import style

    style.save(fig, fig_dir / f"{name}.png")


def record_parameters(
    rs,
    years: dict[str, int],
    retention_share: float,
    retention_ages,
    tfr_increase: float,
    region: Region = DEFAULT_REGION,
) -> None:
    """The parameters the chapter quotes (years as plain text) and the region it is about."""
    for key, value in years.items():
        _year(rs, key, value, key)
    rs.record("region_name", region.name, "", "研究地区", display=region.name)
    rs.record("region_label", region.label, "", "研究地区各省的合称", display=region.label)
    _listing(rs, "provinces_list", "研究地区的省份", [region.names[c] for c in region.codes])
    rs.record("retention_share", 100 * retention_share, "%", "青年留存：净迁出减少的比例", digits=0)
    lo, hi = retention_ages
    rs.record("retention_ages", f"{lo}–{hi}", "岁", "青年留存杠杆的年龄", display=f"{lo}–{hi}")
    rs.record("tfr_increase", tfr_increase, "", "生育支持：总和生育率的增加", digits=1)
    rs.record("baseline_label", BASELINE_LABEL, "", "基准的名称", display=BASELINE_LABEL)
    # the chapter's sentence for each parameter lever: a lever set to zero is said to change nothing
    share, ages, tfr = rs["retention_share"].display, rs["retention_ages"].display, rs["tfr_increase"].display
    target = rs["tfr_target_year"].display
    if round(100 * retention_share) > 0:
        retention = f"{ages} 岁的净迁出减少 {share}%"
    else:
        retention = f"政策变量设为零，{ages} 岁的净迁出不变，情景与基准相同"
    if round(tfr_increase, 1) > 0:
        births = f"总和生育率到 {target} 年线性提高 {tfr}，此后保持"
    else:
        births = "政策变量设为零，总和生育率不变，情景与基准相同"
    rs.record("retention_sentence", retention, "", "青年留存杠杆的说明（随杠杆取值）", display=retention)
    rs.record("births_sentence", births, "", "生育支持杠杆的说明（随杠杆取值）", display=births)
    off = [
        name
        for name, on in (("青年留存", round(100 * retention_share) > 0), ("生育支持", round(tfr_increase, 1) > 0))
        if not on
    ]
    combined = "同时实现"
    if len(off) == 2:
        combined += "；青年留存与生育支持均设为零，因此它与薪酬与产业情景相同"
    elif off:
        combined += f"；{off[0]}设为零，因此只含另外两项"
    rs.record("all_sentence", combined, "", "三者合一的说明（随杠杆取值）", display=combined)
    on = [name for name in ("青年留存", "生育支持") if name not in off]
    phrase = "三组建议同时实现时" if not off else "、".join(["薪酬与产业", *on]) + f"实现（{'与'.join(off)}设为零）时"
    rs.record("all_phrase", phrase, "", "摘要中三者合一情景的称呼（随杠杆取值）", display=phrase)


def lever_labels(retention_share: float, retention_ages, tfr_increase: float, tfr_target_year: int) -> dict[str, str]:
    lo, hi = retention_ages
    return {
        "pay": "各年龄净迁出按主模型的工资反事实减少（比例见正文，含系数的不确定性）",
        "retention": f"{lo}–{hi} 岁净迁出减少 {100 * retention_share:.0f}%"
        if round(100 * retention_share) > 0
        else f"政策变量为零（{lo}–{hi} 岁净迁出不变）",
        "births": f"总和生育率到 {tfr_target_year} 年提高 {tfr_increase:.1f}"
        if round(tfr_increase, 1) > 0
        else "政策变量为零（总和生育率不变）",
        "all": "三项同时实现",
    }


def population_table(base_run: np.ndarray, codes, start_year: int) -> pd.DataFrame:
    """The calibrated baseline by region (with the Northeast), year, sex and age group."""
    return pj.tidy(
        pj.with_northeast(base_run[None], region_axis=1), [pj.Scenario("baseline")], [*codes, "northeast"], start_year
    )


def calibration_outputs(
    rs,
    cal: dict,
    population,
    series,
    base_year: int,
    end_year: int,
    fit_years,
    test_last_fit: int,
    mortality_years,
    tab_dir,
    region: Region = DEFAULT_REGION,
) -> pd.DataFrame:
    """Record and write the calibration (:func:`record_calibration`), the natural growth check and the replay."""
    inputs = cal["inputs"]
    # the direction of each province's 2010–2020 shape at intensity 1: net out- (−1) or in-migration (+1)
    direction = np.sign((inputs.migration * inputs.population).sum(axis=(1, 2)))
    table = record_calibration(
        rs,
        cal["k_test"],
        cal["oos"],
        inputs.k(),
        cal["backtest"],
        inputs.codes,
        tuple(fit_years),
        test_last_fit,
        region,
        direction,
    )
    write_table(table, tab_dir, "projection_backtest", region)
    natural = pj.mean_rate(series, "natural_growth_rate", inputs.codes, tuple(mortality_years))
    record_inputs(rs, inputs, pj.natural_growth_check(inputs), natural, region)
    # the interval whose rates the projection uses (whatever the report's own base and end years)
    first, last = pj.rates_years(inputs.start_year)
    record_replay(
        rs,
        pj.replay(population, inputs.codes, first, last),
        pj.replay(population, inputs.codes, first, last, denominator="base"),
    )
    return table


# the projection's numbers the English abstract quotes: (key, signed)
ENGLISH = (
    ("base_ne_end_total", False),
    ("mc_ne_end_total_lo95", False),
    ("mc_ne_end_total_hi95", False),
    ("diff_all_ne_total_median", True),
)


def record_english(rs) -> None:
    """The abstract's projection numbers in millions for the English abstract (``83.76 million``)."""
    for key, signed in ENGLISH:
        if key in rs:
            value = rs[key].value
            display = f"{value / 1e6:+.2f} million" if signed else f"{value / 1e6:.2f} million"
            rs.record(f"{key}_en", value, "人", rs[key].label + "（英文摘要）", display=display)


SCENARIO_ORDER = ("pay", "retention", "births", "all")


def scenario_sentence(rs, region_name: str) -> str:
    """The scenarios' differences from the baseline in the region's total (median and 95% interval), scenarios
    that share an effect word grouped so that it is said once; what the added people are (when a scenario adds
    people) said once for the group when the scenarios agree on it, else at each scenario's numbers."""
    all_label = rs["all_phrase"].display if "all_phrase" in rs else SCENARIO_LABELS["all"]
    leads = {"pay": f"薪酬与产业情景下{region_name}人口之差为", "retention": "青年留存为", "births": "生育支持为"}
    groups: dict[str, list[tuple[str, str]]] = {}
    for name in (n for n in SCENARIO_ORDER if f"effect_word_{n}" in rs):
        med, lo, hi = (rs[f"diff_{name}_ne_total_{q}"].display for q in ("median", "lo95", "hi95"))
        item = f"{leads.get(name, all_label + '为')} {med}（{lo} 至 {hi}）"
        effect = rs[f"effect_word_{name}"].display
        kids = rs[f"kids_word_{name}"].display if "多于基准" in effect else ""
        groups.setdefault(effect, []).append((item, kids))
    clauses = []
    for effect, members in groups.items():
        items, kinds = [m[0] for m in members], {m[1] for m in members}
        if len(kinds) == 1:
            kids = kinds.pop()
            clauses.append("，".join([*items, group_effect_word(effect, len(items))] + ([kids] if kids else [])))
        else:  # the scenarios that add the same kind of people together, then the shared effect, for all of them
            by_kind: dict[str, list[str]] = {}
            for item, kids in members:
                by_kind.setdefault(kids, []).append(item)
            said = "；".join("，".join([*its] + ([kids] if kids else [])) for kids, its in by_kind.items())
            clauses.append(f"{said}；{count_word(len(items))}者{group_effect_word(effect, len(items))}")
    return "；".join(clauses)


def scenario_outputs(
    rs, sim, runs: dict, levers: dict, out_years, tab_dir, fig_dir, region: Region = DEFAULT_REGION
) -> pd.DataFrame:
    """Differences from the baseline per trajectory, recorded, tabled and drawn."""
    diffs = {name: scenario_differences(sim, run_) for name, run_ in runs.items()}
    table = record_scenarios(rs, diffs, levers, out_years, region)
    text = scenario_sentence(rs, region.name)
    rs.record("scenarios_sentence", text, "", "各情景与基准之差（句，相同的判断合并）", display=text)
    record_english(rs)
    write_table(table, tab_dir, "projection_scenarios", region)
    save_figure(scenario_figure(diffs), fig_dir, "projection_scenarios")
    return table


def pyramid_outputs(inputs: pj.Inputs, base_run: np.ndarray, end_year: int, fig_dir, tab_dir) -> None:
    """The Northeast pyramid figure and the baseline population table (csv)."""
    fig = pyramid_figure(inputs.population.sum(axis=0), base_run[:, -1].sum(axis=0), inputs.start_year, end_year)
    save_figure(fig, fig_dir, "projection_pyramids")
    tidy = population_table(base_run, inputs.codes, inputs.start_year)
    tidy.to_csv(tab_dir / "projection_population.csv", index=False, lineterminator="\n")


def benchmark_outputs(
    rs, bench, series, census, sim, base_run, start_year: int, out_years, tab_dir, fig_dir, region=DEFAULT_REGION
):
    """The comparison with WPP and SSP (table, figure; SSP only when its extract covers the region) and the
    survey check."""
    table = record_benchmarks(rs, bench, series, sim, base_run, start_year, out_years, region)
    missing = ssp_missing(bench, region)
    write_table(table, tab_dir, "projection_benchmarks", region, ssp=not missing)
    fig = benchmark_figure(bench, series, sim, base_run, start_year, region)
    save_figure(fig, fig_dir, "projection_benchmarks")
    record_survey_check(rs, census, base_run, sim, start_year, region)
    _record_ssp_sentences(rs, region, missing, start_year)
    return table
