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


def variant_profiles(
    profiles: pd.DataFrame,
    group: str = "northeast",
    benchmark: str = "outmigration",
    benchmark_label: str = "其他净迁出省份合计（全国存活比，平均）",
    expected: pd.Series | None = None,
    benchmark_ratios: tuple[str, str] = ("national", "average"),
):
    """Net migration rate by end age: one line per ratio set × variant for ``group``, the benchmark
    group (``benchmark_ratios``: ratio set and variant) in grey, and, if given, ``expected`` (rate % by end age
    group: the Rogers–Castro schedule scaled to the group's 20–39 loss) as a dashed black line."""
    fig, ax = plt.subplots(figsize=(7.2, 5.4))
    colours = {
        "national": PALETTE["northeast"],
        "differential": PALETTE["other"],
        "registered": PALETTE["accent"],
        "e0": PALETTE["highlight"],
        "differential_closed": "#8c6bb1",
    }
    styles = {"forward": "-", "reverse": "--", "average": ":"}
    for (ratios, variant), d in profiles[profiles["group"] == group].groupby(["ratios", "variant"], sort=False):
        if ratios in FORWARD_ONLY and variant != "forward":
            continue
        ax.plot(
            d["age_group"],
            d["rate"],
            styles[variant],
            color=colours[ratios],
            lw=1.4,
            label=f"东北：{RATIOS_ZH[ratios]}，{VARIANT_ZH[variant]}",
        )
    b = profiles[
        (profiles["group"] == benchmark)
        & (profiles["ratios"] == benchmark_ratios[0])
        & (profiles["variant"] == benchmark_ratios[1])
    ]
    ax.plot(
        b["age_group"],
        b["rate"],
        "-o",
        ms=3,
        color=PALETTE["neutral"],
        lw=1.6,
        label=benchmark_label,
    )
    if expected is not None:
        ax.plot(
            list(expected.index),
            expected.to_numpy(),
            "--",
            color="black",
            lw=1.4,
            label="东北：期望年龄模式（Rogers–Castro）",
        )
    ax.axhline(0, color="black", lw=0.6)
    ax.set_xlabel("2020 年年龄组")
    ax.set_ylabel("净迁移率（占 2010 年队列 %）")
    ax.tick_params(axis="x", rotation=60)
    # below the axes: inside, it hid the comparison provinces' young-adult trough
    ax.legend(fontsize=7, ncol=2, loc="upper center", bbox_to_anchor=(0.5, -0.22), frameon=False)
    fig.tight_layout()
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
    label = f"其他净迁出省份合计（{len(bench['group'])} 个，首选估计：{preferred_label}）"
    return variant_profiles(
        checks["profiles"], benchmark_label=label, expected=expected, benchmark_ratios=(pref["set"], pref["variant"])
    )
