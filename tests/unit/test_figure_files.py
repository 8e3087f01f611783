"""The figure files style.save writes (SYNTHETIC plots): opaque RGB PNGs with matplotlib's pixels,
at the print resolution, without text chunks, the same bytes every time; RGBA where a figure is
transparent."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest
from PIL import Image

from neoutflow.outputs import style

pytestmark = pytest.mark.usefixtures("report_style")


def _synthetic_figure():
    fig, ax = matplotlib.pyplot.subplots(figsize=(4, 2.5))
    ax.plot([2010, 2015, 2020], [3.0, -1.5, 2.0], marker="o", label="合成数据")
    ax.set_title("合成示例 −1.5")
    ax.legend()
    return fig


def test_opaque_figure_is_rgb_with_matplotlibs_pixels(tmp_path):
    fig = _synthetic_figure()
    ours = style.save(fig, tmp_path / "ours.png")
    fig.savefig(tmp_path / "matplotlib.png", format="png", metadata={"Software": None})
    with Image.open(ours) as a, Image.open(tmp_path / "matplotlib.png") as b:
        assert (a.mode, b.mode) == ("RGB", "RGBA")
        assert a.size == b.size
        assert a.info["dpi"] == pytest.approx((style.DPI, style.DPI), abs=0.01)
        assert not getattr(a, "text", {})  # no Software or date chunk
        rgba = np.asarray(b)
        assert rgba[..., 3].min() == 255
        assert np.array_equal(np.asarray(a), rgba[..., :3])
    assert type(fig.canvas).__module__.startswith("matplotlib.")  # the figure's own canvas is back


def test_same_bytes_every_time(tmp_path):
    fig = _synthetic_figure()
    assert style.save(fig, tmp_path / "a.png").read_bytes() == style.save(fig, tmp_path / "b.png").read_bytes()


def test_transparent_figure_keeps_its_alpha(tmp_path):
    fig = _synthetic_figure()
    fig.patch.set_alpha(0.0)
    for ax in fig.axes:
        ax.patch.set_alpha(0.0)
    with Image.open(style.save(fig, tmp_path / "t.png")) as im:
        assert im.mode == "RGBA"
        assert np.asarray(im)[..., 3].min() < 255
