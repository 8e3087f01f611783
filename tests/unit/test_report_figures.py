"""The figures readers expect (issue 14), drawn from SYNTHETIC data: labels present, the Northeast
highlighted, the fitted line where the model puts it, and the pyramid drawing what its caption says."""

from __future__ import annotations

from types import SimpleNamespace

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from matplotlib.colors import to_hex
from shapely.geometry import box

from neoutflow.outputs import determinants_figures as dfig
from neoutflow.outputs import outflow_figures as figs
from neoutflow.outputs import outflow_report as report
from neoutflow.outputs import style
from neoutflow.outputs.results import ResultSet
from neoutflow.reference import short_province_name

matplotlib.use("Agg")
NE_HEX = style.PALETTE["northeast"].lower()
NE = ["210000", "220000", "230000"]
NAMES = {"210000": "辽宁省", "220000": "吉林省", "230000": "黑龙江省", "110000": "北京市", "650000": "新疆维吾尔自治区"}


pytestmark = pytest.mark.usefixtures("report_style")


def _texts(fig) -> dict[str, str]:
    """Every non-empty text of a figure → its colour (hex)."""
    from matplotlib.text import Text

    return {t.get_text(): to_hex(t.get_color()).lower() for t in fig.findobj(Text) if t.get_text()}


def _outflow_stub() -> SimpleNamespace:
    """What the report functions read from an Outflow, for five toy provinces and two prefectures."""
    codes = [*NE, "110000", "650000"]
    return SimpleNamespace(
        base_year=2010,
        end_year=2020,
        provinces=codes,
        names=pd.Series(NAMES),
        province_of=pd.Series({c: c for c in codes} | {"210100": "210000", "220100": "220000"}),
        slugs={"210000": "liaoning", "220000": "jilin", "230000": "heilongjiang"},
    )


def _census(codes, ages=("0-4", "5-9", "10+")) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"code": c, "year": y, "sex": s, "age_group": a, "population": 1e4 * (k + 1) * (i + 1)}
            for k, c in enumerate(codes)
            for y in (2010, 2020)
            for s in ("male", "female")
            for i, a in enumerate(ages)
        ]
    )


# ------------------------------------------------------------------ pyramid


def test_pyramids_one_panel_per_province_on_one_scale():
    fig = figs.population_pyramids(_census(NE), NE, NAMES, 2010, 2020)
    axes = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title() for ax in axes] == ["辽宁省", "吉林省", "黑龙江省"]
    assert all(to_hex(ax.title.get_color()).lower() == NE_HEX for ax in axes)
    assert all(len(ax.patches) == 6 for ax in axes)  # 3 age groups × 2 sexes, end year as bars
    # one scale: the third province (3× the first) has the widest bars, same x limits everywhere
    assert len({ax.get_xlim() for ax in axes}) == 1
    assert max(abs(p.get_width()) for p in axes[2].patches) == pytest.approx(9.0)  # 万
    fig.canvas.draw()  # the age groups label the rows (issue 28: the shared axis had lost them)
    assert [t.get_text() for t in axes[0].get_yticklabels()] == ["0-4", "5-9", "10+"]
    with pytest.raises(ValueError, match="no census population"):
        figs.population_pyramids(_census(NE[:2]), NE, NAMES, 2010, 2020)


def test_more_than_three_pyramids_wrap_to_rows_of_three():
    codes = ["140000", "340000", "360000", "410000", "420000", "430000"]  # 中部: six provinces
    names = {c: f"省{i}" for i, c in enumerate(codes)}
    fig = figs.population_pyramids(_census(codes), codes, names, 2010, 2020)
    axes = [ax for ax in fig.axes if ax.get_title()]
    assert len(axes) == 6 and len({round(ax.get_position().y0, 3) for ax in axes}) == 2  # two rows
    assert len({round(ax.get_position().x0, 3) for ax in axes}) == 3  # three columns
    assert [ax.get_ylabel() for ax in axes] == ["年龄组（岁）", "", "", "年龄组（岁）", "", ""]
    fig = figs.population_pyramids(_census(codes[:4]), codes[:4], names, 2010, 2020)
    assert sum(ax.get_visible() for ax in fig.axes if ax.name == "rectilinear") == 4  # the empty cells hidden


def test_pyramid_region_parameter_picks_what_is_drawn():
    o, pop = _outflow_stub(), _census(NE)
    codes, subject = report.pyramid_subject(o, None, NE)
    assert codes == NE and subject.startswith("辽宁省、吉林省、黑龙江省") and "分省" in subject
    rs = ResultSet("outflow")
    fig = report.pyramid_figure(o, None, pop, NE, rs)
    assert rs["pyramid_subject"].display == subject
    assert sum(1 for ax in fig.axes if ax.get_title()) == 3
    # set: that region alone, named in the title and the caption's subject
    rs = ResultSet("outflow")
    fig = report.pyramid_figure(o, "220000", pop, NE, rs)
    assert rs["pyramid_subject"].display == "吉林省"
    assert len(fig.axes) == 1 and fig.axes[0].get_title() == "吉林省人口金字塔"
    # a prefecture highlighted counts for its province
    assert report.pyramid_subject(o, None, ["210100", "220100"])[0] == ["210000", "220000"]
    with pytest.raises(ValueError, match="no census population for pyramid_region '650000'"):
        report.pyramid_figure(o, "650000", pop, NE)


# ------------------------------------------------------------------ maps


def _provinces_geo() -> gpd.GeoDataFrame:
    """A SYNTHETIC base map: five provinces and Taiwan as boxes, and a maritime line."""
    from shapely.geometry import LineString, MultiLineString

    cells = {"210000": (122, 40), "220000": (124, 43), "230000": (126, 46), "110000": (116, 40), "650000": (85, 42)}
    cells["710000"] = (120.5, 22.5)
    names = NAMES | {"710000": "台湾省"}
    line = MultiLineString([LineString([(110, 18), (109, 15)]), LineString([(112, 4), (114, 5)])])
    return gpd.GeoDataFrame(
        {
            "code": [*cells, "100000"],
            "name_zh": [names[c] for c in cells] + ["海上边界线"],
            "kind": ["province"] * len(cells) + ["maritime_boundary"],
        },
        geometry=[box(x, y, x + 2, y + 2) for x, y in cells.values()] + [line],
        crs=4326,
    )


def test_national_map_names_and_outlines_the_northeast():
    rates = pd.DataFrame(
        {"code": list(NAMES), "name_zh": list(NAMES.values()), "net_migration_rate": [-3, -9, -15, 8, 2]}
    )
    fig = figs.map_provinces(rates, _provinces_geo(), NE, label="净迁移率（%）")
    texts = _texts(fig)
    for name in ("辽宁", "吉林", "黑龙江"):
        assert texts[name] == NE_HEX  # named in vermillion (suffix dropped)
    assert "北京" not in texts and "净迁移率（%）" in texts  # colour-bar label
    assert texts["东北三省"]  # legend entry for the outline
    ax = fig.axes[0]
    edges = {to_hex(c).lower() for coll in ax.collections for c in np.atleast_2d(coll.get_edgecolor())}
    assert NE_HEX in edges
    with pytest.raises(ValueError, match=r"no net_migration_rate for \['650000'\]"):
        figs.map_provinces(rates.iloc[:4], _provinces_geo(), NE)


def test_short_province_names():
    assert short_province_name("黑龙江省") == "黑龙江"
    assert short_province_name("新疆维吾尔自治区") == "新疆"
    assert short_province_name("内蒙古自治区") == "内蒙古"
    assert short_province_name("北京市") == "北京"


def test_prefecture_map_of_net_migration_rate():
    geo = gpd.GeoDataFrame(
        {"code": ["210100", "210200", "220100"], "name_zh": ["沈阳市", "大连市", "长春市"]},
        geometry=[box(120, 40, 121, 41), box(121, 40, 122, 41), box(122, 40, 123, 41)],
        crs=4326,
    )
    rates = pd.DataFrame({"code": ["210100", "210200"], "net_migration_rate": [11.4, -30.9]})
    fig = figs.map_population_change(
        rates, geo, ["210000"], ["220000"], value="net_migration_rate", label="净迁移率（%）"
    )
    texts = _texts(fig)
    assert {"沈阳", "大连", "净迁移率（%）", "相邻省份"} <= set(texts)
    pref = pd.DataFrame({"name_zh": ["沈阳市", "大连市", "大兴安岭地区"], "net_migration_rate": [11.4, 2.0, -30.9]})
    rs = ResultSet("outflow")
    report.record_prefecture_migration(rs, pref)
    assert rs["ne_prefecture_highest_rate_name"].display == "沈阳"
    assert rs["ne_prefecture_lowest_rate_name"].display == "大兴安岭"
    assert rs["ne_prefecture_lowest_rate"].value == -30.9
    assert rs["ne_prefectures_net_inflow_count"].value == 2


# ------------------------------------------------------------------ births, deaths, population


def _series() -> pd.DataFrame:
    rows = []
    for k, code in enumerate(NE):
        for year in range(2000 + k, 2024):
            t = year - 2000
            rows += [
                {"code": code, "year": year, "indicator": "birth_rate", "value": 10.0 - 0.3 * t},
                {"code": code, "year": year, "indicator": "death_rate", "value": 5.0 + 0.2 * t + k},
            ]
        rows += [
            {"code": code, "year": y, "indicator": "yearend_population", "value": 4e7 - 1e5 * (y - 2005)}
            for y in range(2005, 2025)
        ]
    return pd.DataFrame(rows)


def test_vital_series_panels_and_colours():
    fig = figs.vital_series(_series(), NE, NAMES)
    assert len(fig.axes) == 6
    top = fig.axes[:3]
    assert [ax.get_title() for ax in top] == ["辽宁省", "吉林省", "黑龙江省"]
    assert all(to_hex(ax.title.get_color()).lower() == NE_HEX for ax in top)
    assert {"出生率", "死亡率", "‰", "年末常住人口（万人）"} <= set(_texts(fig))
    for ax in fig.axes[3:]:  # the population in vermillion, in 万
        (line,) = ax.lines
        assert to_hex(line.get_color()).lower() == NE_HEX
        assert line.get_ydata()[0] == pytest.approx(4000.0)
    with pytest.raises(ValueError, match="lacks indicators"):
        figs.vital_series(_series().query("indicator != 'death_rate'"), NE, NAMES)
    with pytest.raises(ValueError, match=r"no series for \['110000'\]"):
        figs.vital_series(_series(), ["110000"], NAMES)


def test_vital_series_records_the_quoted_values():
    rs = ResultSet("outflow")
    report.vital_series_figure(rs, _outflow_stub(), _series(), NE)
    # common span: rates from 2002 (the last province to start) to 2023; population 2005–2024
    assert rs["vital_rates_first_year"].value == 2002 and rs["vital_rates_last_year"].value == 2023
    assert rs["vital_population_first_year"].value == 2005 and rs["vital_population_last_year"].value == 2024
    assert rs["liaoning_birth_rate_first"].value == pytest.approx(10.0 - 0.3 * 2)
    assert rs["heilongjiang_death_rate_last"].value == pytest.approx(5.0 + 0.2 * 23 + 2)
    assert rs["jilin_yearend_population_last"].value == pytest.approx(4e7 - 1e5 * 19)
    # death rate above birth rate from 10 − 0.3t < 5 + 0.2t + k, i.e. t > 10 − 2k
    assert rs["liaoning_deaths_exceed_births_year"].value == 2011
    assert rs["jilin_deaths_exceed_births_year"].value == 2009
    assert rs["heilongjiang_deaths_exceed_births_year"].value == 2007


# ------------------------------------------------------------------ wages scatter


def _provinces_frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 10
    codes = [*NE, *[f"{i}0000" for i in range(31, 31 + n - 3)]]
    x = np.linspace(-0.3, 0.4, n)
    z = rng.normal(size=n)
    y = 20 * x + 2 * z + rng.normal(scale=0.5, size=n)
    return pd.DataFrame(
        {"code": codes, "name_zh": [f"省{i}" for i in range(n)], "log_relative_wage": x, "aging": z, "rate": y}
    )


def test_wage_scatter_names_every_province_and_draws_the_model_line():
    d = _provinces_frame()
    fit = smf.ols("rate ~ log_relative_wage + aging", d).fit()
    labels = {"rate": "净迁移率（%）", "log_relative_wage": "相对工资（对数）"}
    fig = dfig.fitted_scatter_figure(
        d, "log_relative_wage", "rate", fit, labels, NE, line_label="工资模型拟合线", region_label="东北三省"
    )
    ax = fig.axes[0]
    texts = _texts(fig)
    for code, name in zip(d["code"], d["name_zh"]):
        assert texts[name] == (NE_HEX if code in NE else style.LABEL_GREY.lower()), name
    assert {"净迁移率（%）", "相对工资（对数）", "工资模型拟合线", "东北三省", "其他省份"} <= set(texts)
    # the Northeast's points in vermillion
    (ne_points,) = [c for c in ax.collections if to_hex(c.get_facecolor()[0]).lower() == NE_HEX]
    assert len(ne_points.get_offsets()) == 3
    # the line: slope = the model's coefficient, through the means (other regressors at their mean)
    (line,) = [ln for ln in ax.lines if ln.get_label() == "工资模型拟合线"]
    xs, ys = line.get_xdata(), line.get_ydata()
    assert (ys[1] - ys[0]) / (xs[1] - xs[0]) == pytest.approx(fit.params["log_relative_wage"])
    at_mean = np.interp(d["log_relative_wage"].mean(), xs, ys)
    assert at_mean == pytest.approx(d["rate"].mean())  # OLS passes through the means
    with pytest.raises(ValueError, match="no coefficient for 'college'"):
        dfig.fitted_scatter_figure(d.assign(college=1.0), "college", "rate", fit, labels, NE)
