"""Outflow figures and tables on toy data: what is drawn, and clear errors."""

from __future__ import annotations

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from neoutflow.outputs import outflow_figures as figs
from neoutflow.outputs import outflow_tables as tables
from neoutflow.outputs import style

pytestmark = pytest.mark.usefixtures("report_style")


def _grid():
    """Four prefectures of province 21 in a row, two of 22 beside them, one of 15 above, one of 65 far away."""
    cells = {
        "210100": (120, 40),
        "210200": (121, 40),
        "210300": (122, 40),
        "210400": (123, 40),
        "220100": (124, 40),
        "220200": (125, 40),
        "150100": (120, 41),
        "650100": (90, 40),
    }
    return gpd.GeoDataFrame(
        {"code": list(cells), "name_zh": [f"{c}市" for c in cells]},
        geometry=[box(x, y, x + 1, y + 1) for x, y in cells.values()],
        crs=4326,
    )


def test_neighbouring_provinces_from_shared_borders():
    assert figs.neighbouring_provinces(_grid(), ["210000"]) == ["150000", "220000"]
    assert figs.neighbouring_provinces(_grid(), ["220000"]) == ["210000"]
    with pytest.raises(ValueError, match="no boundaries"):
        figs.neighbouring_provinces(_grid(), ["990000"])


def test_map_colours_focus_and_greys_neighbours():
    change = pd.DataFrame(
        {"code": ["210100", "210200", "210300", "210400"], "population_change_pct": [-20.0, -5.0, 3.0, 10.0]}
    )
    fig = figs.map_population_change(change, _grid(), ["210000"], ["150000", "220000"])
    ax = fig.axes[0]
    # neighbours (3 polygons), focus (4), province outline; colour bar on its own axis
    assert len(fig.axes) == 2
    assert len(ax.collections) >= 2
    # a unit of the region without a value is drawn hatched and named "无数据", not coloured or dropped
    fig = figs.map_population_change(change.iloc[:3], _grid(), ["210000"])
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["无数据"]
    with pytest.raises(ValueError, match=r"no population_change_pct for"):
        figs.map_population_change(change.iloc[:0], _grid(), ["210000"])


def test_ranked_bars_order_and_highlight():
    s = pd.DataFrame({"code": ["A", "B", "C"], "name_zh": ["甲", "乙", "丙"], "net_migration_rate": [3.0, -8.0, 1.0]})
    fig = figs.ranked_bars(s, "net_migration_rate", ["B"])
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["乙", "丙", "甲"]  # lowest at the bottom
    colours = [matplotlib.colors.to_hex(p.get_facecolor()) for p in ax.patches]
    assert colours[0].lower() == style.PALETTE["northeast"].lower()
    assert colours[1].lower() == style.PALETTE["neutral"].lower()


def test_age_profiles_and_pyramid():
    ages = ["10-14", "15-19", "20+"]
    rates = pd.DataFrame(
        [
            {"group": g, "sex": s, "age_group": a, "net_migration_rate": v}
            for g, v in (("东北", -5.0), ("其他", 1.0))
            for s in ("male", "female")
            for a in ages
        ]
    )
    fig = figs.age_profiles(rates, {"东北": style.PALETTE["northeast"], "其他": style.PALETTE["other"]})
    assert len(fig.axes) == 2 and len(fig.axes[0].lines) == 3  # two groups + zero line
    pop = pd.DataFrame(
        [
            {"code": "X", "year": y, "sex": s, "age_group": a, "population": 1e4 * (i + 1)}
            for y in (2010, 2020)
            for s in ("male", "female")
            for i, a in enumerate(ages)
        ]
    )
    fig = figs.population_pyramid(pop, 2010, 2020, title="测试")
    bars = [p for p in fig.axes[0].patches]
    assert len(bars) == 6
    assert sorted(np.round([b.get_width() for b in bars], 6)) == [-3, -2, -1, 1, 2, 3]  # 万
    with pytest.raises(ValueError, match="no population for 2000"):
        figs.population_pyramid(pop, 2000, 2020)


def test_short_names():
    assert figs.short_name("延边朝鲜族自治州") == "延边"
    assert figs.short_name("大兴安岭地区") == "大兴安岭"
    assert figs.short_name("沙市") == "沙市"  # too short to cut


def test_tables_markdown_and_full_csv(tmp_path):
    full = pd.DataFrame({"name_zh": ["甲", "乙"], "net": [-12345.678, 1e6], "rate": [-1.234, float("nan")]})
    shown = tables.format_columns(
        full, {"net": (1, 1e4), "rate": (2, 1)}, {"name_zh": "地区", "net": "净迁移（万人）", "rate": "净迁移率（%）"}
    )
    assert shown.iloc[:, 1].tolist() == ["-1.2", "100.0"]
    assert shown.iloc[1, 2] == "—"
    md, csv = tables.write_table(shown, full, tmp_path, "toy_table", "测试表")
    text = md.read_text(encoding="utf-8")
    assert text.startswith("| 地区 | 净迁移（万人） | 净迁移率（%） |")
    assert ": 测试表 {#tbl-toy-table}" in text
    back = pd.read_csv(csv, encoding="utf-8-sig")
    assert back["net"].tolist() == [-12345.678, 1e6]
    with pytest.raises(ValueError, match="lacks columns"):
        tables.format_columns(full, {}, {"missing": "缺"})
