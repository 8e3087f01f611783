"""The claim words of the report, chosen by code from signs, p-values and intervals: the only place they live.

The prose never types a word that depends on the data (显著, 支持, 无法判断, 降至 …); it quotes a
results key whose display is one of the words here. One idea, one set of words:

- **significance** (:func:`significance_word`): a p-value against :data:`ALPHA` → 显著 / 不显著;
- **direction of a change** (:func:`direction_word`): the sign of one or several changes → the word of a
  grammatical kind (:data:`DIRECTION_WORDS`: 降至/升至, 减少/增加, 低于/高于 …);
- **what a 95% interval says** (:func:`interval_word`): whether it lies above zero, below zero, or
  contains it, worded for its kind (:data:`INTERVAL_WORDS`: a coefficient's sign 为正/为负, a change
  增加/减少, or zero itself 不包含零/包含零); "cannot tell" is always 无法判断;
- the composite judgements built on these: a point estimate's sign (:func:`sign_word`), an external
  estimate against our interval (:func:`compare_word`), two magnitudes (:func:`magnitude_word`), the
  study region's interaction (:func:`interaction_word`), any significant term (:func:`evidence_word`), a
  specification curve (:func:`curve_verdict`), a scenario that can or cannot test a recommendation
  (:func:`scenario_verdict`), the projection's pay lever (:func:`pay_verdict`), the robustness verdicts (:data:`ROBUSTNESS_WORDS`) and the verdict on each
  of the paper's recommendations (:func:`recommendation_verdict`, :func:`within_word`);
- the study region and its provinces as sentences name them (:func:`region_group_name`, :class:`RegionWords`),
  with subjects that share a word grouped (:func:`shared_clause`, :func:`grouped_clause`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from neoutflow.reference import short_province_name

# The level of every test the report words (two-sided), and of its intervals (1 − ALPHA).
ALPHA = 0.05
UNDECIDED = "无法判断"

# --- significance ------------------------------------------------------------------------------------


def significance_word(p: float, alpha: float = ALPHA) -> str:
    """显著 / 不显著 at ``alpha`` (two-sided): ``p < alpha`` is significant."""
    return "显著" if p < alpha else "不显著"


# the same words in the English abstract
SIGNIFICANCE_ENGLISH = {"显著": "significant at the 5% level", "不显著": "not significant at the 5% level"}


# --- direction words ---------------------------------------------------------------------------------
#
# The word the prose puts before a number whose direction could differ with other data ("从 a 降至 b",
# "人口减少", "低于中位数") is chosen from the sign of the change, here, for every chapter; the chapters
# never type one (tests/unit/test_prose_words.py scans them). Each kind lists the words for
# (lower, unchanged, higher, mixed): "mixed" is for several changes that do not share a sign.
DIRECTION_WORDS: dict[str, tuple[str, str, str, str]] = {
    "to": ("降至", "保持在", "升至", "分别变为"),  # 出生率降至 a、b 和 c；从 a 升至 b
    "change": ("减少", "不变", "增加", "有增有减"),  # 人口减少；十年间增加
    "change_to": ("减少到", "保持在", "增加到", "分别变为"),  # 从 a 减少到 b
    "compare": ("低于", "等于", "高于", "不同于"),  # x 低于 y (the change is x − y)
    "pace": ("放缓", "不变", "加快", "快慢不一"),  # 迁移放缓 (the change is the rate's ratio − 1)
    "bias": ("偏低", "无偏", "偏高", "有高有低"),  # 预测偏低 (the change is the error)
}


def direction_word(change, kind: str = "to") -> str:
    """The word of ``kind`` (:data:`DIRECTION_WORDS`) for the sign of ``change``.

    ``change`` is one number or several (e.g. one per province): several get the common word when
    they all share a sign, else the kind's "mixed" word. ``direction_word(-3.2)`` → ``"降至"``,
    ``direction_word([1, 2], "change")`` → ``"增加"``, ``direction_word([-1, 2], "to")`` → ``"分别变为"``.
    """
    if kind not in DIRECTION_WORDS:
        raise ValueError(f"direction kind {kind!r}: expected one of {', '.join(DIRECTION_WORDS)}")
    lower, same, higher, mixed = DIRECTION_WORDS[kind]
    values = [float(v) for v in change] if isinstance(change, Iterable) else [float(change)]
    if any(math.isnan(v) for v in values):
        raise ValueError(f"direction of a missing value (NaN) in {values!r}")
    signs = {(v > 0) - (v < 0) for v in values}
    if not signs:
        raise ValueError("direction of no values")
    if len(signs) > 1:
        return mixed
    return {-1: lower, 0: same, 1: higher}[signs.pop()]


# --- what an interval says ---------------------------------------------------------------------------

# kind -> (interval below zero, interval containing zero, interval above zero)
INTERVAL_WORDS: dict[str, tuple[str, str, str]] = {
    "sign": ("为负", UNDECIDED, "为正"),  # 系数方向为正 (a coefficient)
    "change": ("减少", UNDECIDED, "增加"),  # 存量变化的方向：增加 (a change)
    "zero": ("不包含零", "包含零", "不包含零"),  # 两省的区间分别包含零、不包含零
}


def interval_word(low: float, high: float, kind: str = "sign") -> str:
    """The word of ``kind`` (:data:`INTERVAL_WORDS`) for a (95%) interval ``[low, high]``: entirely
    below zero, containing zero (an end at zero counts as containing it), or entirely above zero."""
    if kind not in INTERVAL_WORDS:
        raise ValueError(f"interval kind {kind!r}: expected one of {', '.join(INTERVAL_WORDS)}")
    below, contains, above = INTERVAL_WORDS[kind]
    if low > 0:
        return above
    if high < 0:
        return below
    return contains


def sign_word(x: float) -> str:
    """The sign of a point estimate: 正 / 负."""
    return "正" if x > 0 else "负"


# --- composite judgements ----------------------------------------------------------------------------


def compare_word(ours_low: float, ours_high: float, theirs: float) -> str:
    """Another study's point estimate against our 95% interval: 一致 (inside, and our interval excludes 0),
    不矛盾（本文区间含零） (inside, but ours is not significant), 不一致 (outside)."""
    if not ours_low <= theirs <= ours_high:
        return "不一致"
    return "一致" if (ours_low > 0 or ours_high < 0) else "不矛盾（本文区间含零）"


def agreement_word(ours: str, theirs: str) -> str:
    """Two significance words (:func:`significance_word`) compared: 一致 / 不一致."""
    return "一致" if ours == theirs else "不一致"


def magnitude_word(ratio: float) -> str:
    """同一量级 when two magnitudes are within a factor of two of each other, else 不同量级."""
    return "同一量级" if 0.5 <= ratio <= 2 else "不同量级"


def rank_word(rank: int) -> str:
    """A coefficient's place by absolute size among its model's: 最大, 第 2 大 …"""
    return "最大" if rank == 1 else f"第 {rank} 大"


def evidence_word(p_values: Iterable[float], alpha: float = ALPHA) -> str:
    """有证据表明 when any of the terms is significant at ``alpha``, else 没有证据表明."""
    return "有证据表明" if any(p < alpha for p in p_values) else "没有证据表明"


def method_agreement_word(p_values: Iterable[float], alpha: float = ALPHA) -> str:
    """Whether several tests of one hypothesis (e.g. HC3 t and wild bootstrap) agree at ``alpha``."""
    sig = {p < alpha for p in p_values}
    return "各推断方法结论一致" if len(sig) == 1 else "结论对推断方法敏感"


def sign_stability_word(values: Iterable[float]) -> str:
    """Whether several estimates of one coefficient (e.g. over a range of an unverified input) share a sign."""
    signs = {(v > 0) - (v < 0) for v in values}
    return "符号不变" if len(signs) == 1 else "符号随之改变"


def significance_stability_word(p_values: Iterable[float], alpha: float = ALPHA) -> str:
    """Whether several estimates of one coefficient are all significant, all not, or mixed, at ``alpha``."""
    sig = {p < alpha for p in p_values}
    if len(sig) > 1:
        return "显著性随之改变"
    return "均显著" if sig.pop() else "均不显著"


NO_RANKING = "与其他估计的 95% 区间相互重叠，不能排出大小"


def ranks_first(lead: tuple[float, float], others: Iterable[tuple[float, float]]) -> bool:
    """Whether an estimate may be called the largest in magnitude: its 95% interval excludes zero and its
    smaller absolute end lies beyond the larger absolute end of every other estimate's interval."""
    low, high = lead
    if low <= 0 <= high:
        return False
    floor = min(abs(low), abs(high))
    return all(floor > max(abs(a), abs(b)) for a, b in others)


def ranking_word(lead: tuple[float, float], others: Iterable[tuple[float, float]], claim: str) -> str:
    """``claim`` (a ranking such as 是各变量中最大的) when :func:`ranks_first` holds, else :data:`NO_RANKING`:
    no sentence ranks estimates whose intervals overlap."""
    return claim if ranks_first(lead, others) else NO_RANKING


def interaction_word(coef: float, p: float, alpha: float = ALPHA, region: str = "东北") -> str:
    """Does pay matter more or less in the study ``region``? From the region × wage term at ``alpha``."""
    if p >= alpha:
        return UNDECIDED + f"{region}与其他地区的工资关联是否不同"
    return f"{region}的工资关联更强" if coef > 0 else f"{region}的工资关联更弱"


def interaction_pair_reading(net_word: str, young_word: str) -> str:
    """The net and young-adult models' readings of the region × wage term (:func:`interaction_word`), said once
    when they agree: "两个交互项都不显著，无法判断东北与其他地区的工资关联是否不同"."""
    if net_word == young_word:
        return f"两个交互项{'都不显著' if net_word.startswith(UNDECIDED) else '都显著'}，{net_word}"
    return f"净迁移模型中{net_word}，青年模型中{young_word}"


def curve_verdict(share_positive_excl: float, share_negative_excl: float) -> str:
    """A specification curve (95% intervals): when at least half of the specifications have an interval
    entirely above (below) zero → 过半设定支持正向（负向）关联; otherwise 多数设定无法判断."""
    if share_positive_excl >= 0.5:
        return "过半设定的 95% 区间在零以上，支持正向关联"
    if share_negative_excl >= 0.5:
        return "过半设定的 95% 区间在零以下，支持负向关联"
    return f"过半设定的 95% 区间含零或方向不一，多数设定{UNDECIDED}"


def scenario_verdict(testable: bool, changes_excluding_zero: Iterable[float]) -> str:
    """Can a counterfactual scenario test a recommendation, and does it support it? 无法判断 when the
    scenario cannot test it or no interval excludes zero; else 支持 when every change whose interval
    excludes zero is positive, 不支持 otherwise."""
    changes = list(changes_excluding_zero)
    if not testable or not changes:
        return UNDECIDED
    return "支持" if all(c > 0 for c in changes) else "不支持"


def pay_verdict(share_low: float, share_high: float) -> str:
    """The word for a province's estimated pay lever (the projection), from its 95% interval as shares of
    its young net out-migration removed, after clipping to [0, 1]: 为零 / 不为零 / 与零无法区分."""
    if share_high <= 0:
        return "为零"
    if share_low > 0:
        return "不为零"
    return "与零无法区分"


# Verdict codes of :func:`neoutflow.analysis.determinants.robustness_summary`.
ROBUSTNESS_WORDS = {"robust": "显著且稳健", "direction": "方向稳定，但统计上不确定", "fragile": "不稳健"}

# --- the paper's recommendations (outputs.conclusions) ----------------------------------------------

SUPPORT, PARTIAL, CONSISTENT = "支持", "部分支持", "一致但不显著"
VERDICT_ENGLISH = {
    SUPPORT: "supported",
    PARTIAL: "partly supported",
    CONSISTENT: "consistent but not significant",
    UNDECIDED: "cannot be judged",
}


# What each verdict lets a policy reader do with a recommendation (the 政策启示 of the conclusions): what the
# evidence supports, then what it does not.
POLICY_READING = {
    SUPPORT: (
        "证据支持把它列为优先方向：各项检验都在预期方向上显著",
        "但这是横截面上的关联，不能据此给出政策效果的大小，实施时仍需评估",
    ),
    PARTIAL: (
        "证据与它部分一致：有检验在预期方向上显著，但并非全部",
        "它可以作为值得试点、并同时评估效果的方向，但不宜当作已被证明能留住人口的对策",
    ),
    CONSISTENT: (
        "各项估计的方向与它一致",
        "但统计上不能排除没有关联，因此既不能作为优先投入的依据，也不能据此否定",
    ),
    UNDECIDED: (
        "现有证据不足以判断它：或者无法检验，或者各项检验的方向相互矛盾",
        "它既没有得到支持，也没有被否定，需要更多的数据或更强的识别才能判断",
    ),
}


def recommendation_verdict(
    estimates: list[tuple[float, float, int]], testable: bool = True, alpha: float = ALPHA
) -> str:
    """The word for ``(coefficient, p-value, implied sign)`` tests (rules in :mod:`neoutflow.outputs.conclusions`)."""
    if not testable or not estimates:
        return UNDECIDED
    signed = [(c * s > 0, p < alpha) for c, p, s in estimates]
    n_for = sum(right and sig for right, sig in signed)
    n_against = sum((not right) and sig for right, sig in signed)
    if n_against:
        return UNDECIDED
    if n_for == len(signed):
        return SUPPORT
    if n_for:
        return PARTIAL
    if all(right for right, _ in signed):
        return CONSISTENT
    return UNDECIDED


WITHIN_WORDS = {"得到确认": "confirmed", "没有得到确认": "not confirmed"}


def within_word(coef: float, p: float, sign: int = 1, alpha: float = ALPHA) -> str:
    """Whether a within-province (prefecture) coefficient confirms an association of the implied sign."""
    return "得到确认" if p < alpha and coef * sign > 0 else "没有得到确认"


def destination_stock_word(dest: dict, alpha: float) -> str:
    """The correlation of the 60+ gains with the Northeast-born stock (notebook 03's destination check)."""
    if dest["stock_p"] < alpha:
        return "显著正相关" if dest["stock_rho"] > 0 else "显著负相关"
    return "无显著相关"


# --- sentences for several subjects or counts ----------------------------------------------------------
#
# Written per case, so that every configuration reads as an editor would write it: subjects that share a
# word get it once ("黑龙江和吉林均包含零"), a zero count is "没有" or "均", not "有 0 个".


def _join(names: Sequence[str]) -> str:
    """ "甲", "甲和乙", "甲、乙和丙"."""
    names = list(names)
    return names[0] if len(names) == 1 else "、".join(names[:-1]) + "和" + names[-1]


def shared_clause(subjects: Sequence[str], words: Sequence[str]) -> str:
    """One predicate per subject: ``["黑龙江", "吉林"], ["包含零", "包含零"]`` → "黑龙江和吉林均包含零";
    different words → "黑龙江包含零、吉林不包含零"."""
    if len(subjects) != len(words) or not subjects:
        raise ValueError(f"{len(subjects)} subjects for {len(words)} words")
    if len(set(words)) == 1:
        return f"{_join(subjects)}均{words[0]}" if len(subjects) > 1 else f"{subjects[0]}{words[0]}"
    return "、".join(f"{s}{w}" for s, w in zip(subjects, words, strict=True))


def change_count_phrase(n: int, what: str = "符号") -> str:
    """How often a sign changed: 0 → "符号没有改变", n → "符号改变 n 次"."""
    return f"{what}没有改变" if n == 0 else f"{what}改变 {n} 次"


def interval_count_sentence(n_above: int, n_below: int, n_zero: int, unit: str = "个单位") -> str:
    """Where the 95% intervals of ``n`` units lie, without zero counts: "35 个单位的 95% 区间均包含零",
    "35 个单位中，95% 区间在零以上的有 3 个，其余 32 个含零"."""
    n = n_above + n_below + n_zero
    if n == 0:
        raise ValueError("no intervals to count")
    for count, where in ((n_zero, "包含零"), (n_above, "在零以上"), (n_below, "在零以下")):
        if count == n:
            return f"{n} {unit}的 95% 区间均{where}"
    parts = [f"{where}的有 {count} 个" for count, where in ((n_above, "在零以上"), (n_below, "在零以下")) if count]
    if n_zero:
        parts.append(f"含零的有 {n_zero} 个")
    return f"{n} {unit}中，95% 区间" + "，".join(parts)


def grouped_clause(subjects: Sequence[str], words: Sequence[str], tail: str = "") -> str:
    """Subjects grouped by their word, in the order met: ``["辽宁", "黑龙江", "吉林"], ["高于", "低于",
    "低于"], "中位数"`` → "辽宁高于中位数，黑龙江和吉林均低于中位数"."""
    return "，".join(f"{_join(g)}{'均' if len(g) > 1 else ''}{w}{tail}" for w, g in _by_word(subjects, words).items())


def _by_word(subjects: Sequence[str], words: Sequence[str]) -> dict[str, list[str]]:
    """The subjects grouped by their word, groups and subjects in the order met."""
    if len(subjects) != len(words) or not subjects:
        raise ValueError(f"{len(subjects)} subjects for {len(words)} words")
    groups: dict[str, list[str]] = {}
    for s, w in zip(subjects, words, strict=True):
        groups.setdefault(w, []).append(s)
    return groups


def change_direction_clause(items: Sequence[str], words: Sequence[str]) -> str:
    """Quantities grouped by the direction of their change (:data:`WORDS` ``change``), in the order met, so that
    a word is said once per group (:func:`grouped_clause`, with an undecided direction read as an interval
    containing zero): ``["安徽 −41%", "江西 −19%（−38% 至 +4%）", "湖北 −15%"], ["减少", "无法判断", "减少"]`` →
    "安徽 −41%和湖北 −15%均减少，江西 −19%（−38% 至 +4%）的区间含零，方向无法判断"."""
    return "，".join(
        f"{_join(g)}的区间{'均' if len(g) > 1 else ''}含零，方向无法判断"
        if w == UNDECIDED
        else f"{_join(g)}{'均' if len(g) > 1 else ''}{w}"
        for w, g in _by_word(items, words).items()
    )


CHINESE_COUNTS = "一二三四五六七八九十"


def count_word(n: int) -> str | None:
    """A small count before a measure word as Chinese writes it: 一, 两 (两省, 两项, not 二), 三 … 十; None
    above ten (the caller writes the digits)."""
    if not 1 <= n <= len(CHINESE_COUNTS):
        return None
    return "两" if n == 2 else CHINESE_COUNTS[n - 1]


# How a province-level unit's full name ends -> the character that counts it in a group's name (省, 区, 市).
UNIT_KINDS = (("自治区", "区"), ("省", "省"), ("市", "市"))


def region_group_name(name: str, full_names: Sequence[str]) -> str:
    """A study region as a journal names its provinces together: 东北 and 辽宁省、吉林省、黑龙江省 → "东北三省";
    five provinces and autonomous regions → "西北五省区"; provinces and a municipality → "长三角四省市"; more
    than ten units → "中部 12 个省级单位"."""
    if not full_names:
        raise ValueError(f"the region {name!r} names no province")
    kinds = []
    for full in full_names:
        kind = next((k for end, k in UNIT_KINDS if str(full).endswith(end)), None)
        if kind is None:
            raise ValueError(f"{full!r} is not the full name of a province-level unit (…省, …自治区, …市)")
        kinds.append(kind)
    n = len(full_names)
    count = count_word(n)
    if count is None:
        return f"{name} {n} 个省级单位"
    return f"{name}{count}" + "".join(k for k in "省区市" if k in kinds)


@dataclass(frozen=True)
class RegionWords:
    """How the prose names a study region: ``name`` (东北), ``provinces`` (codes), ``short`` (code → 辽宁),
    ``group`` (东北三省, :func:`region_group_name`) and ``listed`` (辽宁、吉林和黑龙江)."""

    name: str
    provinces: tuple[str, ...]
    short: dict
    group: str
    listed: str

    @classmethod
    def of(cls, study_region: Mapping, full_names: Mapping[str, str]) -> RegionWords:
        """From the ``study_region`` parameter (``{"name", "provinces"}``) and the provinces' full names by code
        (``辽宁省``; the province dataset's ``name_zh``)."""
        codes = tuple(str(c) for c in study_region["provinces"])
        missing = [c for c in codes if c not in full_names]
        if missing:
            raise ValueError(f"no name for the study region's provinces {missing}")
        full = [str(full_names[c]) for c in codes]
        short = {c: short_province_name(n) for c, n in zip(codes, full, strict=True)}
        name = str(study_region["name"])
        return cls(name, codes, short, region_group_name(name, full), _join([short[c] for c in codes]))


# --- Chapter 7's summary: what the persistence, spatial and comparability checks mean for the province models
# Each reading is chosen from significance (ALPHA) and signs, so that every configuration gets a sentence that
# says what its own numbers show.


def persistence_reading(
    cross: tuple[float, float],
    placebo: tuple[float, float],
    fe: tuple[float, float],
    main: tuple[float, float],
    main_lag: tuple[float, float],
    alpha: float = ALPHA,
) -> str:
    """What the two-decade panel says about the province pay association, from ``(coefficient, p)`` of the
    cross-section (model 1), the placebo on the earlier decade (model 3), the fixed-effects panel (model 4) and
    the main model without and with the earlier decade's rate. Three clauses joined by "；"."""
    same = (lambda c: c * cross[0] > 0) if cross[0] != 0 else (lambda c: False)
    if placebo[1] < alpha and same(placebo[0]):
        first = (
            "2010 年的相对工资与此前十年（2000—2010 年）的净迁移也显著相关（模型 3），而工资不可能吸引在它之前"
            "发生的迁移，因此截面上的工资关联至少有一部分来自长期存在的省际差异或迁移对工资的反作用"
        )
    elif placebo[1] < alpha:
        first = "2010 年的相对工资与此前十年（2000—2010 年）的净迁移显著相关，但方向与此后十年相反（模型 3）"
    else:
        first = (
            "2010 年的相对工资与此前十年（2000—2010 年）的净迁移没有显著关联（模型 3），"
            "这一检验没有发现工资关联来自长期省际差异的证据"
        )
    main_sig, lag_sig = main[1] < alpha, main_lag[1] < alpha
    second = (
        "控制上一个十年的净迁移后，主模型的工资系数"
        + {
            (True, True): "仍然显著",
            (True, False): "不再显著",
            (False, True): "变得显著",
            (False, False): "与控制前一样不显著",
        }[(main_sig, lag_sig)]
    )
    if fe[1] < alpha:
        third = "只用各省自身工资的变化识别时，工资系数" + ("也显著且方向相同" if same(fe[0]) else "显著但方向相反")
    else:
        third = "只用各省自身工资的变化识别时，工资系数不显著"
    return f"{first}；{second}；{third}（模型 4）"


def spatial_reading(outcome_p: float, residual_p: float, alpha: float = ALPHA) -> str:
    """What Moran's I of the outcome and of the main model's residuals means for the province models' errors."""
    if residual_p < alpha:
        return "主模型的残差仍有显著的空间自相关，把各省当作相互独立的标准误可能偏小，前文省级模型的 p 值应从宽解读"
    if outcome_p < alpha:
        return (
            "净迁移率本身在相邻省份之间显著相关，但主模型的残差没有显著的空间自相关：这种相关已由解释变量吸收，"
            "把各省当作相互独立的标准误没有因此明显偏小"
        )
    return "净迁移率和主模型残差都没有显著的空间自相关，把各省当作相互独立的标准误没有因此明显偏小"


def inside_count_clause(model: str, inside: int, n: int) -> str:
    """How many of ``n`` published estimates one model's 95% interval contains, without "0 个"."""
    if not 0 <= inside <= n or n < 1:
        raise ValueError(f"{inside} of {n} estimates")
    if inside == n:
        return f"{model} 的 95% 区间包含全部 {n} 个" if n > 1 else f"{model} 的 95% 区间包含它"
    if inside == 0:
        return f"{model} 的 95% 区间不包含其中任何一个" if n > 1 else f"{model} 的 95% 区间不包含它"
    return f"{model} 的 95% 区间包含其中 {inside} 个"


def compatibility_reading(insides: Sequence[int], n: int, other: str, what: str = "估计") -> str:
    """Whether the report's estimates agree with ``other``'s: compatible when some model's interval contains
    every published estimate, incompatible when none contains any, partly compatible otherwise."""
    if max(insides) == n:
        return f"本报告的{what}与{other}的结果相容"
    if max(insides) == 0:
        return f"本报告的{what}与{other}的结果不相容"
    return f"本报告的{what}与{other}的结果部分相容"


def group_effect_word(word: str, n: int) -> str:
    """A scenario's effect word said once for ``n`` scenarios that share it: "对东北总人口的影响均与零无法区分
    （95% 区间含零）", "均使东北总人口多于基准（95% 区间不含零）"."""
    if n == 1:
        return word
    if "的影响与零" in word:
        return word.replace("的影响与零", "的影响均与零")
    return "均" + word


def paired_comparison_clause(
    subjects: Sequence[str], words_a: Sequence[str], words_b: Sequence[str], name_a: str, name_b: str, tail: str
) -> str:
    """Two indicators compared for the same subjects, each comparison said once: when both indicators give
    the same clause, "甲和乙，辽宁、吉林和黑龙江均高于全国中位数"; otherwise the subjects with one word for both
    first ("河南和湖南的两项指标均低于全国中位数"), then each indicator's clause for the others ("甲，山西高于全国
    中位数；乙，山西低于全国中位数"), so that no subject is given the same comparison twice."""
    if list(words_a) == list(words_b):
        return f"{name_a}和{name_b}，{grouped_clause(subjects, words_a, tail)}"
    same = [(s, a) for s, a, b in zip(subjects, words_a, words_b, strict=True) if a == b]
    other = [(s, a, b) for s, a, b in zip(subjects, words_a, words_b, strict=True) if a != b]
    clauses = (
        [f"{_join(g)}的两项指标均{w}{tail}" for w, g in _by_word([s for s, _ in same], [w for _, w in same]).items()]
        if same
        else []
    )
    for name, k in ((name_a, 1), (name_b, 2)):
        clauses.append(f"{name}，{grouped_clause([o[0] for o in other], [o[k] for o in other], tail)}")
    return "；".join(clauses)
