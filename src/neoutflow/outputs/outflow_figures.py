"""Figures of the outflow chapter: each function takes tidy data and returns a Figure.

Call :func:`neoutflow.outputs.style.use` once before drawing (the notebook does), and
save with :func:`neoutflow.outputs.style.save`. Labels are Chinese; colours come from
``style.PALETTE`` (Okabe–Ito; the Northeast in vermillion).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from neoutflow.outputs import cartography as carto
from neoutflow.outputs import figure_data, style
from neoutflow.reference import province_of, short_province_name

CHINA_ALBERS = carto.CHINA_ALBERS
WAN = 1e4  # 万


def _require(df: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what} lacks columns {missing}")


def neighbouring_provinces(boundaries, focus_provinces: Sequence[str]) -> list[str]:
    """Province codes sharing a border with any of ``focus_provinces`` (from prefecture polygons)."""
    geo = boundaries[["code", "geometry"]].copy()
    geo["province"] = geo["code"].astype(str).map(province_of)
    provinces = geo.dissolve(by="province").to_crs(CHINA_ALBERS)
    focus = provinces[provinces.index.isin(focus_provinces)]
    if focus.empty:
        raise ValueError(f"no boundaries for provinces {list(focus_provinces)}")
    # A 1 km buffer bridges slivers between polygons digitised separately.
    area = focus.geometry.buffer(1000).union_all()
    touching = provinces[provinces.intersects(area)].index
    return sorted(c for c in touching if c not in set(focus_provinces))


def short_name(name: str) -> str:
    """Prefecture name without its administrative suffix: 延边朝鲜族自治州 → 延边, 哈尔滨市 → 哈尔滨."""
    name = str(name)
    for suffix in ("朝鲜族自治州", "蒙古族自治州", "自治州", "地区", "市", "盟"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name.removesuffix(suffix)
    return name


def _focus_and_context(change, boundaries, focus_provinces, neighbour_provinces, value: str):
    """The focus provinces' prefectures with ``value`` and the neighbours' prefectures, both projected."""
    _require(change, ["code", value], "change")
    _require(boundaries, ["code", "geometry"], "boundaries")
    geo = boundaries.copy()
    geo["code"] = geo["code"].astype(str)
    geo["province"] = geo["code"].map(province_of)
    focus = geo[geo["province"].isin(focus_provinces)].merge(
        change[["code", value]].assign(code=lambda d: d["code"].astype(str)), on="code", how="left"
    )
    if focus.empty:
        raise ValueError(f"no boundaries for provinces {list(focus_provinces)}")
    if focus[value].isna().all():
        raise ValueError(f"no {value} for {focus['code'].tolist()}")
    # a unit the census totals do not cover (新疆's 直辖县级行政区划 has boundaries but no census rows) is
    # drawn as context, in grey, rather than failing the map
    blank = focus[value].isna()
    context = pd.concat(
        [
            geo[geo["province"].isin(neighbour_provinces)].assign(no_data=False),
            focus.loc[blank, geo.columns].assign(no_data=True),
        ]
    )
    focus = focus[~blank]
    return focus.to_crs(CHINA_ALBERS), context.to_crs(CHINA_ALBERS)


def annotate_units(ax, units, value: str, limit: float, fontsize: float = 8.5, avoid=()) -> list:
    """Short names of the units with the largest ``|value|`` first (the extremes the text names), each
    at a point inside its unit, leaving out those that would collide; white on a dark fill."""
    order = units.assign(_size=units[value].abs()).sort_values("_size", ascending=False)
    pts = [(p.x, p.y) for p in order.geometry.representative_point()]
    dark = order[value].abs() > 0.6 * limit
    return carto.place_names(
        ax,
        pts,
        [short_name(n) for n in order["name_zh"]],
        fontsize=fontsize,
        colours=["#222222"] * len(order),
        halo=["#333333" if d else "white" for d in dark],
        text_colours=["white" if d else "#222222" for d in dark],
        avoid=avoid,
    )


def map_population_change(
    change: pd.DataFrame,
    boundaries,
    focus_provinces: Sequence[str],
    neighbour_provinces: Sequence[str] = (),
    value: str = "population_change_pct",
    label: str = "常住人口变化（%）",
    title: str | None = None,
    annotate: bool = True,
):
    """Prefecture map: ``value`` for prefectures of ``focus_provinces`` on a diverging
    scale centred at 0; prefectures of ``neighbour_provinces`` in light grey for context.

    ``change``: ``code`` and ``value``; ``boundaries``: GeoDataFrame with ``code, name_zh, geometry``.
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import TwoSlopeNorm

    focus, context = _focus_and_context(change, boundaries, focus_provinces, neighbour_provinces, value)

    fig, ax = plt.subplots(figsize=(5.0, 5.4))
    if not context.empty:
        context.plot(ax=ax, color="#E5E5E5", edgecolor="white", linewidth=0.4)
        # the study region's units without a value: grey, hatched, named "无数据" in the legend
        if context["no_data"].any():
            context[context["no_data"]].plot(ax=ax, color="#E5E5E5", edgecolor="#999999", hatch="///", linewidth=0.4)
    limit = float(np.nanmax(np.abs(focus[value]))) or 1.0
    norm = TwoSlopeNorm(vmin=-limit, vcenter=0.0, vmax=limit)
    # RdBu is a ColorBrewer diverging scheme readable with the common colour-vision deficiencies.
    focus.plot(
        ax=ax,
        column=value,
        cmap="RdBu",
        norm=norm,
        edgecolor="white",
        linewidth=0.5,
        legend=True,
        legend_kwds={"label": label, "shrink": 0.6, "orientation": "vertical"},
    )
    figure_data.name_areas(ax, focus)
    provinces = focus.dissolve(by="province")
    provinces.boundary.plot(ax=ax, color="#333333", linewidth=0.9)
    xmin, ymin, xmax, ymax = focus.total_bounds
    pad = 0.06 * max(xmax - xmin, ymax - ymin)
    ax.set_xlim(xmin - pad, xmax + pad)
    ax.set_ylim(ymin - pad, ymax + pad)
    ax.set_axis_off()
    furniture = carto.scale_bar(ax, loc=(0.62, 0.04)) + carto.north_arrow(ax, loc=(0.06, 0.86))
    if annotate and "name_zh" in focus.columns:
        annotate_units(ax, focus, value, limit, avoid=carto.artist_boxes(ax, furniture))
    if not context.empty:
        from matplotlib.patches import Patch

        handles = [Patch(facecolor="#E5E5E5", edgecolor="white", label="相邻省份")] * bool((~context["no_data"]).any())
        handles += [Patch(facecolor="#E5E5E5", edgecolor="#999999", hatch="///", label="无数据")] * bool(
            context["no_data"].any()
        )
        ax.legend(
            handles=handles,
            loc="lower right",
            bbox_to_anchor=(1.0, 0.1),
            frameon=False,
            fontsize=8,
        )
    if title:
        ax.set_title(title)
    return fig


def ranked_bars(
    summary: pd.DataFrame,
    value: str,
    highlight: Sequence[str],
    name: str = "name_zh",
    xlabel: str = "净迁移率（%）",
    title: str | None = None,
):
    """Horizontal bars of ``value`` by region, largest at the top; ``highlight`` codes in vermillion."""
    import matplotlib.pyplot as plt

    _require(summary, ["code", name, value], "summary")
    df = summary.assign(code=summary["code"].astype(str)).sort_values(value, ascending=True)
    colours = [style.PALETTE["northeast"] if c in set(highlight) else style.PALETTE["neutral"] for c in df["code"]]
    fig, ax = plt.subplots(figsize=(6.0, max(3.0, 0.22 * len(df) + 0.8)))
    ax.barh(df[name], df[value], color=colours, height=0.7)
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("")
    ax.grid(axis="y", visible=False)
    ax.margins(y=0.01)
    for label in ax.get_yticklabels():
        if df.loc[df[name] == label.get_text(), "code"].isin(highlight).any():
            label.set_color(style.PALETTE["northeast"])
    if title:
        ax.set_title(title)
    return fig


SEX_ZH = {"male": "男性", "female": "女性"}


def age_profiles(
    rates: pd.DataFrame,
    group_colours: dict[str, str],
    value: str = "net_migration_rate",
    ylabel: str = "净迁移率（占基期队列的%）",
    xlabel: str | None = None,
):
    """Net migration rate by age, one panel per sex, one line per group.

    ``rates``: ``group, sex, age_group, value`` (from ``demography.net_migration_rates_by_age``).
    """
    import matplotlib.pyplot as plt

    _require(rates, ["group", "sex", "age_group", value], "rates")
    ages = (
        list(rates["age_group"].cat.categories)
        if isinstance(rates["age_group"].dtype, pd.CategoricalDtype)
        else list(dict.fromkeys(rates["age_group"].astype(str)))
    )
    ages = [a for a in ages if a in set(rates["age_group"].astype(str))]
    x = np.arange(len(ages))
    fig, axes = plt.subplots(1, 2, figsize=(7.2, 3.4), sharey=True)
    markers = ["o", "s", "^", "D", "v"]
    for ax, sex in zip(axes, ("male", "female"), strict=True):
        for i, (group, colour) in enumerate(group_colours.items()):
            part = rates[(rates["group"] == group) & (rates["sex"] == sex)].set_index(
                rates["age_group"].astype(str)[(rates["group"] == group) & (rates["sex"] == sex)]
            )
            ax.plot(
                x,
                part[value].reindex(ages).to_numpy(),
                color=colour,
                marker=markers[i % len(markers)],
                markersize=3,
                linewidth=1.4,
                label=group,
            )
        ax.axhline(0, color="#333333", linewidth=0.8)
        ax.set_title(SEX_ZH[sex])
        ax.set_xticks(x, ages, rotation=60, ha="right", fontsize=7)
        ax.set_xlabel(xlabel or "期末年龄组（岁）")
    axes[0].set_ylabel(ylabel)
    axes[0].legend(frameon=False)
    fig.tight_layout()
    return fig


def _pyramid_frame(population: pd.DataFrame, base_year: int, end_year: int) -> tuple[pd.DataFrame, list[str]]:
    """``year × sex`` columns of one region's population in 万, age groups as rows (in order)."""
    _require(population, ["year", "sex", "age_group", "population"], "population")
    ages = (
        list(population["age_group"].cat.categories)
        if isinstance(population["age_group"].dtype, pd.CategoricalDtype)
        else list(dict.fromkeys(population["age_group"].astype(str)))
    )
    wide = (
        population.assign(age_group=population["age_group"].astype(str))
        .pivot_table(index="age_group", columns=["year", "sex"], values="population", aggfunc="sum")
        .reindex(ages)
        / WAN
    )
    for y in (base_year, end_year):
        if y not in wide.columns.get_level_values("year"):
            raise ValueError(f"no population for {y}")
    return wide, ages


def _draw_pyramid(ax, wide: pd.DataFrame, ages: list[str], base_year: int, end_year: int, tick_labels: bool = True):
    y = np.arange(len(ages))
    for sex, sign in (("male", -1), ("female", 1)):
        colour = style.PALETTE[sex]
        ax.barh(
            y, sign * wide[(end_year, sex)], height=0.85, color=colour, alpha=0.85, label=f"{end_year}年 {SEX_ZH[sex]}"
        )
        # the base year as a step outline so the two censuses can be read on one axis
        xs = np.repeat(sign * wide[(base_year, sex)].to_numpy(), 2)
        ys = np.column_stack([y - 0.5, y + 0.5]).ravel()
        ax.plot(xs, ys, color="#222222", linewidth=1.0, label=f"{base_year}年" if sex == "male" else None)
    ax.axvline(0, color="#333333", linewidth=0.6)
    if tick_labels:  # shared y axes share their ticks: empty labels on one panel would blank them all
        ax.set_yticks(y, ages, fontsize=8)


def _symmetric_ticks(ax) -> None:
    ticks = ax.get_xticks()
    ax.set_xticks(ticks, [f"{abs(t):,.0f}" for t in ticks])


def population_pyramid(population: pd.DataFrame, base_year: int, end_year: int, title: str | None = None):
    """Population pyramid of one region: ``end_year`` as bars, ``base_year`` as an outline.

    ``population``: ``year, sex, age_group, population`` of one region (persons; drawn in 万).
    """
    import matplotlib.pyplot as plt

    if "code" in population.columns and population["code"].nunique() > 1:
        raise ValueError("population_pyramid draws one region; filter the table first")
    wide, ages = _pyramid_frame(population, base_year, end_year)
    fig, ax = plt.subplots(figsize=(6.0, 5.0))
    _draw_pyramid(ax, wide, ages, base_year, end_year)
    _symmetric_ticks(ax)
    ax.set_xlabel("人口（万人）　　男 ← │ → 女")
    ax.set_ylabel("年龄组（岁）")
    ax.legend(frameon=False, loc="upper right", fontsize=8)
    if title:
        ax.set_title(title)
    return fig


PYRAMIDS_PER_ROW = 3


def population_pyramids(population: pd.DataFrame, codes: Sequence[str], names, base_year: int, end_year: int):
    """Small multiples: one pyramid per region of ``codes`` (left to right, three a row), on one population
    scale so that the panels compare; each panel titled with the region's name.

    ``population``: ``code, year, sex, age_group, population`` (persons; drawn in 万).
    """
    import matplotlib.pyplot as plt

    _require(population, ["code"], "population")
    codes = [str(c) for c in codes]
    missing = [c for c in codes if not (population["code"].astype(str) == c).any()]
    if missing:
        raise ValueError(f"no census population for {missing}")
    # at most three panels a row: four or more side by side are too narrow to read (中部 has six provinces)
    ncols = min(len(codes), PYRAMIDS_PER_ROW)
    nrows = -(-len(codes) // ncols)
    fig, grid = plt.subplots(
        nrows, ncols, figsize=(style.TEXT_WIDTH_IN, 4.4 if nrows == 1 else 3.4 * nrows), sharex=True, sharey=True,
        squeeze=False,
    )  # fmt: skip
    for ax in grid.ravel()[len(codes) :]:
        ax.set_visible(False)
    axes = list(grid.ravel()[: len(codes)])
    for i, (ax, code) in enumerate(zip(axes, codes, strict=True)):
        wide, ages = _pyramid_frame(population[population["code"].astype(str) == code], base_year, end_year)
        _draw_pyramid(ax, wide, ages, base_year, end_year, tick_labels=i % ncols == 0)
        ax.set_title(str(names.get(code, code)), color=style.PALETTE["northeast"])
        ax.grid(axis="y", visible=False)
    for ax in axes:
        _symmetric_ticks(ax)
        ax.tick_params(axis="x", labelsize=7)
    for row in grid:
        row[0].set_ylabel("年龄组（岁）")
    fig.supxlabel("人口（万人）　　男 ← │ → 女", fontsize=8)
    handles, texts = axes[0].get_legend_handles_labels()
    fig.legend(handles, texts, loc="lower center", ncol=3, frameon=False, bbox_to_anchor=(0.5, -0.05), fontsize=8)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


def map_provinces(
    values: pd.DataFrame,
    basemap,
    highlight: Sequence[str],
    value: str = "net_migration_rate",
    label: str = "净迁移率（%）",
    name: str = "name_zh",
):
    """National province map on the base map (Albers, South China Sea inset, scale bar, north arrow):
    ``value`` on a diverging scale centred at 0, the colour bar beside the map; provinces of the base
    map without a value (台湾省, 香港, 澳门) in grey as 资料暂缺; the ``highlight`` provinces outlined and
    named in vermillion.

    ``values``: ``code, value`` (and ``name``); ``basemap``: :func:`neoutflow.data.load_basemap`.
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import TwoSlopeNorm
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    _require(values, ["code", value], "values")
    _require(basemap, ["code", "kind", "geometry"], "basemap")
    vals = values.assign(code=values["code"].astype(str)).drop(columns=["geometry"], errors="ignore")
    prov_codes = set(basemap.loc[basemap["kind"] == "province", "code"].astype(str))
    missing = sorted(prov_codes - set(vals.dropna(subset=[value])["code"]) - set(carto.NO_VALUE_CODES))
    if missing:
        raise ValueError(f"no {value} for {missing}")
    limit = float(np.nanmax(np.abs(vals[value]))) or 1.0
    norm = TwoSlopeNorm(vmin=-limit, vcenter=0.0, vmax=limit)
    fig, ax = plt.subplots(figsize=(style.TEXT_WIDTH_IN, 5.0))
    carto.draw_basemap(ax, basemap, vals, value, cmap="RdBu", norm=norm)
    geo = basemap[basemap["code"].astype(str).isin([str(c) for c in highlight])].to_crs(carto.CHINA_ALBERS)
    geo = geo.merge(vals.drop(columns=[name], errors="ignore"), on="code", how="left")
    if not geo.empty:
        geo.boundary.plot(ax=ax, color=style.PALETTE["northeast"], linewidth=1.4)
        pts = [(p.x, p.y) for p in geo.geometry.representative_point()]
        names = [short_province_name(n) for n in geo["name_zh"]]
        carto.place_names(ax, pts, names, fontsize=8.5, colours=[style.PALETTE["northeast"]] * len(names))
    carto.national_frame(ax)
    carto.south_sea_inset(ax, basemap, vals, value, cmap="RdBu", norm=norm)
    carto.scale_bar(ax, loc=(0.03, 0.04))
    carto.north_arrow(ax, loc=(0.05, 0.83))
    sm = plt.cm.ScalarMappable(cmap="RdBu", norm=norm)
    fig.colorbar(sm, ax=ax, shrink=0.6, label=label, orientation="vertical", pad=0.02)
    ax.legend(
        handles=[
            Line2D([], [], color=style.PALETTE["northeast"], lw=1.4, label="东北三省"),
            Patch(facecolor=carto.NO_DATA, edgecolor="white", label=carto.NO_DATA_LABEL),
        ],
        loc="lower left",
        bbox_to_anchor=(0.0, 0.12),
        frameon=False,
        fontsize=8,
    )
    return fig


VITAL_ZH = {"birth_rate": "出生率", "death_rate": "死亡率", "yearend_population": "年末常住人口"}


def vital_series(series: pd.DataFrame, codes: Sequence[str], names):
    """Births, deaths and year-end population over time, one column per region of ``codes``:
    the crude birth and death rates (‰) in the top row, the year-end population (万人) in vermillion
    in the bottom row (one scale per row, so that the columns compare).

    ``series``: long ``code, year, indicator, value`` with ``birth_rate``, ``death_rate`` (‰)
    and ``yearend_population`` (persons), as from ``data.load_province_series``.
    """
    import matplotlib.pyplot as plt

    _require(series, ["code", "year", "indicator", "value"], "series")
    codes = [str(c) for c in codes]
    wide = series.assign(code=series["code"].astype(str)).pivot_table(
        index=["code", "year"], columns="indicator", values="value"
    )
    missing = [i for i in VITAL_ZH if i not in wide.columns]
    if missing:
        raise ValueError(f"series lacks indicators {missing}")
    absent = [c for c in codes if c not in wide.index.get_level_values("code")]
    if absent:
        raise ValueError(f"no series for {absent}")
    fig, axes = plt.subplots(
        2, len(codes), figsize=(style.TEXT_WIDTH_IN, 4.6), sharex=True, sharey="row", squeeze=False
    )
    for j, code in enumerate(codes):
        d = wide.loc[code]
        top, bottom = axes[0, j], axes[1, j]
        rates = d[["birth_rate", "death_rate"]].dropna(how="all")
        top.plot(rates.index, rates["birth_rate"], "-o", ms=2.5, lw=1.3, color=style.PALETTE["accent"], label="出生率")
        top.plot(rates.index, rates["death_rate"], "-s", ms=2.5, lw=1.3, color="#333333", label="死亡率")
        top.set_title(str(names.get(code, code)), color=style.PALETTE["northeast"])
        pop = d["yearend_population"].dropna() / WAN
        bottom.plot(pop.index, pop, "-", lw=1.6, color=style.PALETTE["northeast"], label="年末常住人口")
        bottom.set_xlabel("年份")
        bottom.tick_params(axis="x", rotation=45)
    axes[0, 0].set_ylabel("‰")
    axes[1, 0].set_ylabel("年末常住人口（万人）")
    axes[0, 0].legend(frameon=False, fontsize=7.5, loc="lower left")
    fig.tight_layout()
    return fig
