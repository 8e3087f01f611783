"""Text in figures is at least 8 pt where the report prints it (issue 28): the size a figure is printed
at is its chapter's ``width=N%`` of the text width, and the saved image is the tight bounding box.
SYNTHETIC plots."""

from __future__ import annotations

import re

import matplotlib
import pytest
from matplotlib.text import Text

from neoutflow import paths
from neoutflow.outputs import style

matplotlib.use("Agg")
pytestmark = pytest.mark.usefixtures("report_style")


def _widths_in_chapters() -> dict[str, float]:
    """Figure stem → placed fraction, read here by splitting the chapters' image lines."""
    out = {}
    for qmd in (paths.ROOT / "report").glob("*.qmd"):
        for line in qmd.read_text(encoding="utf-8").splitlines():
            if "build/figures/" not in line or "width=" not in line:
                continue
            stem = line.split("build/figures/")[1].split(".png")[0]
            out[stem] = int(re.search(r"width=(\d+)%", line).group(1)) / 100
    return out


def test_placed_fraction_is_the_chapter_width():
    widths = _widths_in_chapters()
    assert len(widths) >= 15
    for stem, frac in widths.items():
        assert style.placed_fraction(f"/anywhere/{stem}.png") == pytest.approx(frac), stem
    assert style.placed_fraction("not_in_the_report.png") == 1.0


@pytest.mark.parametrize("placed", [0.5, 0.7, 1.0])
def test_text_is_at_least_8pt_at_the_printed_size(placed):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.3, 3.5))
    ax.plot([0, 1, 2], [3, 1, 2], label="序列")
    ax.set_xlabel("横轴标签", fontsize=6)
    ax.set_title("标题", fontsize=7)
    ax.annotate("注记", (1, 1), fontsize=5)
    ax.legend(fontsize=6)
    style.enforce_min_text(fig, placed=placed)
    fig.canvas.draw()
    box = fig.get_tightbbox(fig.canvas.get_renderer())
    scale = placed * style.TEXT_WIDTH_IN / (box.width + 2 * style.PAD_IN)  # the image scaled to its place
    sizes = [t.get_fontsize() * scale for t in fig.findobj(Text) if t.get_text() and t.get_visible()]
    assert min(sizes) >= 8.0 - 1e-6
    plt.close(fig)
