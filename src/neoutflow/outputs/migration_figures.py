"""Figures of notebook 03: the Northeast's age profile under each survival variant, and the yearly
decomposition of population change into natural increase and residual net migration."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from neoutflow.outputs.style import PALETTE

VARIANT_ZH = {"forward": "前向", "reverse": "反向", "average": "平均"}
RATIOS_ZH = {
    "national": "全国存活比",
    "differential": "死亡差异调整",
    "registered": "按登记死亡调整",
    "e0": "按预期寿命缩放",
    "differential_closed": "死亡差异调整（封闭队列暴露，敏感性）",
    "coverage_0": "覆盖变化为零（10–39岁）",
    "coverage_1": "覆盖变化同全国（10–39岁）",
    "coverage_2": "覆盖变化为全国两倍（10–39岁）",
}
# Ratio sets drawn with the forward variant only (keeps the legend readable).
FORWARD_ONLY = {"e0", "differential_closed"}


# Colours of the ratio sets (Okabe–Ito; no orange beside the Northeast's vermillion).
RATIO_COLOURS = {
    "national": PALETTE["northeast"],
    "differential": PALETTE["other"],
    "registered": PALETTE["accent"],
    "e0": PALETTE["female"],
    "differential_closed": "#000000",
}
VARIANT_STYLES = {"forward": "-", "reverse": "--", "average": ":"}


def variant_profiles(
    profiles: pd.DataFrame,
    group: str = "northeast",
    benchmark: str = "outmigration",
    benchmark_label: str = "其他净迁出省份合计（全国存活比，平均）",
    expected: pd.Series | None = None,
    benchmark_ratios: tuple[str, str] = ("national", "average"),
):
    """Net migration rate by end age of ``group``, in two panels of at most five lines: left, every
    ratio set with the forward variant; right, the national ratios with the three variants, the
    benchmark group (``benchmark_ratios``: ratio set and variant) in grey and, if given, ``expected``
    (rate % by end age group: the Rogers–Castro schedule scaled to the group's 20–39 loss) dashed."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(6.3, 5.2), sharey=True)
    own = profiles[profiles["group"] == group]
    for ratios, d in own[(own["variant"] == "forward") & own["ratios"].isin(RATIO_COLOURS)].groupby(
        "ratios", sort=False
    ):
        left.plot(d["age_group"], d["rate"], "-", color=RATIO_COLOURS[ratios], lw=1.4, label=RATIOS_ZH[ratios])
    for variant, d in own[own["ratios"] == "national"].groupby("variant", sort=False):
        right.plot(
            d["age_group"], d["rate"], VARIANT_STYLES[variant], color=RATIO_COLOURS["national"], lw=1.4,
            label=f"全国存活比，{VARIANT_ZH[variant]}",
        )  # fmt: skip
    b = profiles[
        (profiles["group"] == benchmark)
        & (profiles["ratios"] == benchmark_ratios[0])
        & (profiles["variant"] == benchmark_ratios[1])
    ]
    right.plot(b["age_group"], b["rate"], "-o", ms=2.5, color=PALETTE["neutral"], lw=1.4, label=benchmark_label)
    if expected is not None:
        right.plot(list(expected.index), expected.to_numpy(), "--", color="black", lw=1.2, label="期望年龄模式")
    left.set_title("各套存活比（前向）")
    right.set_title("三种写法与比较")
    left.set_ylabel("净迁移率（占 2010 年队列 %）")
    for ax in (left, right):
        ax.axhline(0, color="black", lw=0.6)
        ax.set_xlabel("2020 年年龄组")
        ax.tick_params(axis="x", rotation=90)
    # one legend below both panels (inside, it hid the young-adult trough), a column per panel: two
    # legends side by side let the long comparison label run into the other
    handles, labels = [], []
    for ax in (left, right):
        h, lab = ax.get_legend_handles_labels()
        handles += h + [plt.Line2D([], [], alpha=0)] * (5 - len(h))
        labels += lab + [""] * (5 - len(lab))
    fig.legend(handles, labels, ncol=2, loc="lower center", bbox_to_anchor=(0.5, 0.0), frameon=False, fontsize=9)
    fig.tight_layout(rect=(0, 0.26, 1, 1))
    return fig


def yearly_decomposition(decomposition: pd.DataFrame, names: dict[str, str], revised: tuple[int, int] | None = None):
    """One panel per region: bars of natural increase and residual net migration (万人) per year,
    the year-end population change as a line. ``revised`` (first, last year): the years whose year-end
    populations were back-revised to the end census, shaded and labelled as such."""
    codes = list(dict.fromkeys(decomposition["code"]))
    fig, axes = plt.subplots(1, len(codes), figsize=(3.0 * len(codes), 3.4), sharey=True)
    axes = [axes] if len(codes) == 1 else list(axes)
    for ax, code in zip(axes, codes, strict=True):
        d = decomposition[decomposition["code"] == code]
        ax.bar(d["year"] - 0.2, d["natural_increase"] / 1e4, width=0.4, color=PALETTE["accent"], label="自然增长")
        ax.bar(
            d["year"] + 0.2,
            d["net_migration"] / 1e4,
            width=0.4,
            color=PALETTE["northeast"],
            alpha=0.6,
            label="残差净迁移",
        )
        ax.plot(d["year"], d["population_change"] / 1e4, "k-", lw=1.2, label="年末人口变化")
        ax.axhline(0, color="black", lw=0.5)
        if revised is not None:
            ax.axvspan(revised[0] - 0.5, revised[1] + 0.5, color=PALETTE["neutral"], alpha=0.15, lw=0)
        ax.set_title(names.get(code, code))
        ax.set_xlabel("年份")
    axes[0].set_ylabel("万人")
    if revised is not None:
        axes[0].text(
            (revised[0] + revised[1]) / 2,
            0.98,
            "普查后修订年份",
            transform=axes[0].get_xaxis_transform(),
            ha="center",
            va="top",
            fontsize=7,
        )
    axes[0].legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    return fig


def benchmark_profiles(checks: dict, preferred_label: str):
    """:func:`variant_profiles` with the out-migration provinces (preferred estimate) and the Northeast's
    expected schedule (Rogers–Castro curve scaled to its 20–39 loss) from :func:`~neoutflow.analysis.survival.migration_checks`."""
    bench, pref = checks["benchmark"], checks["preferred"]
    expected = -100 * bench["schedule"]["northeast"]["scale"] * bench["curve"]["fitted"]
    label = f"其他净迁出省份合计（{len(bench['group'])} 个，\n首选估计：{preferred_label}）"
    return variant_profiles(
        checks["profiles"], benchmark_label=label, expected=expected, benchmark_ratios=(pref["set"], pref["variant"])
    )
