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
  Northeast interaction (:func:`interaction_word`), any significant term (:func:`evidence_word`), a
  specification curve (:func:`curve_verdict`), a scenario that can or cannot test a recommendation
  (:func:`scenario_verdict`), the projection's pay lever (:func:`pay_verdict`), the robustness verdicts (:data:`ROBUSTNESS_WORDS`) and the verdict on each
  of the paper's recommendations (:func:`recommendation_verdict`, :func:`within_word`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

# The level of every test the report words (two-sided), and of its intervals (1 − ALPHA).
ALPHA = 0.05
UNDECIDED = "无法判断"

# --- significance ------------------------------------------------------------------------------------


def significance_word(p: float, alpha: float = ALPHA) -> str:
    """显著 / 不显著 at ``alpha`` (two-sided): ``p < alpha`` is significant."""
    return "显著" if p < alpha else "不显著"


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


def interaction_word(coef: float, p: float, alpha: float = ALPHA) -> str:
    """Does pay matter more or less in the Northeast? From the Northeast × wage term at ``alpha``."""
    if p >= alpha:
        return UNDECIDED + "东北与其他地区的工资关联是否不同"
    return "东北的工资关联更强" if coef > 0 else "东北的工资关联更弱"


def curve_verdict(share_positive_excl: float, share_negative_excl: float) -> str:
    """A specification curve (95% intervals): when at least half of the specifications have an interval
    entirely above (below) zero → 过半设定支持正向（负向）关联; otherwise 多数设定无法判断."""
    if share_positive_excl >= 0.5:
        return "过半设定支持正向关联（95% 区间在零以上）"
    if share_negative_excl >= 0.5:
        return "过半设定支持负向关联（95% 区间在零以下）"
    return f"多数设定{UNDECIDED}（过半设定的 95% 区间含零或方向不一）"


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
