"""The data CSV beside each figure (outputs.figure_data): Chinese column names a reader understands, and on
a map one row per region with its code and name (SYNTHETIC map of three squares, one of two parts)."""

from __future__ import annotations

import geopandas as gpd
import matplotlib
import pandas as pd
import pytest
from shapely.geometry import MultiPolygon, box

from neoutflow.outputs import figure_data

matplotlib.use("Agg")
pytestmark = pytest.mark.filterwarnings("ignore:Glyph")  # the test figures use matplotlib's default face


def _map(draw_name_areas: bool = True):
    import matplotlib.pyplot as plt

    frame = gpd.GeoDataFrame(
        {
            "code": ["210000", "220000", "230000"],
            "name_zh": ["甲省", "乙省", "丙省"],
            "value": [-3.5, 1.25, 0.0],
        },
        geometry=[box(0, 0, 1, 1), MultiPolygon([box(2, 0, 3, 1), box(4, 0, 5, 1)]), box(6, 0, 7, 1)],
    )
    fig, ax = plt.subplots()
    frame.plot(ax=ax, column="value", legend=True, legend_kwds={"label": "净迁移率（%）"})
    if draw_name_areas:
        figure_data.name_areas(ax, frame)
    ax.set_title("各省")
    return fig


def test_every_column_is_named_in_chinese():
    assert all(any(ord(c) > 0x4E00 for c in col) for col in figure_data.COLUMNS)


def test_a_map_lists_each_region_with_its_code_name_and_value():
    table = figure_data.figure_table(_map())
    assert list(table.columns) == figure_data.COLUMNS
    rows = table.set_index("地区代码")
    assert list(rows.index) == ["210000", "220000", "230000"]  # the two-part region once
    assert rows.loc["220000", "地区"] == "乙省"
    assert rows["地图着色值"].tolist() == pytest.approx([-3.5, 1.25, 0.0])
    assert set(rows["色标"]) == {"净迁移率（%）"} and set(rows["面板"]) == {"各省"}
    assert (rows["横轴"] == "").all()  # projected coordinates are not a quantity


def test_a_map_without_names_still_gives_its_values():
    table = figure_data.figure_table(_map(draw_name_areas=False))
    assert table["地图着色值"].tolist() == pytest.approx([-3.5, 1.25, 0.0])


def test_name_areas_refuses_a_frame_that_is_not_what_was_drawn():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    frame = gpd.GeoDataFrame({"code": ["1", "2"], "v": [1.0, 2.0]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)])
    frame.plot(ax=ax, column="v")
    with pytest.raises(ValueError, match="2 coloured patches on the axes, but 3 regions"):
        figure_data.name_areas(ax, pd.concat([frame, frame.iloc[:1]]))
    plt.close(fig)


def test_a_chart_keeps_its_points_and_axis_titles():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([2010, 2020], [1.0, 2.0], label="东北")
    ax.set_xlabel("年份")
    ax.set_ylabel("人口（万人）")
    table = figure_data.figure_table(fig)
    assert table[["系列", "横轴取值", "纵轴取值", "横轴", "纵轴"]].values.tolist() == [
        ["东北", 2010.0, 1.0, "年份", "人口（万人）"],
        ["东北", 2020.0, 2.0, "年份", "人口（万人）"],
    ]
    assert (table["地区代码"] == "").all()
    plt.close(fig)
