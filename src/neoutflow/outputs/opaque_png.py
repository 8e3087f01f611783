"""A matplotlib backend that writes a figure on an opaque background as a PNG without alpha.

:func:`neoutflow.outputs.style.save` saves through it (``backend="module://…"``, so
``bbox_inches`` and the print resolution work as for any backend). Every figure of the
report is drawn on white, so the alpha channel of matplotlib's RGBA PNG is 255 everywhere
and carries nothing, yet Typst decodes and re-encodes it as a separate soft mask for each
image of the PDF. Without it the PDF looks the same and compiles faster. A figure that
does have transparent pixels is written as RGBA, as matplotlib would.
"""

from __future__ import annotations

import numpy as np
from matplotlib import __version__ as mpl_version
from matplotlib.backends.backend_agg import FigureCanvasAgg


class FigureCanvas(FigureCanvasAgg):
    # print_figure also passes the options other renderers use (dpi, facecolor, orientation…);
    # Agg has applied them by the time it draws, so they are accepted and not used here.
    def print_png(self, filename_or_obj, *, metadata=None, pil_kwargs=None, **_other_renderers):
        from PIL import Image
        from PIL.PngImagePlugin import PngInfo

        FigureCanvasAgg.draw(self)
        rgba = np.asarray(self.buffer_rgba())
        opaque = bool(rgba[..., 3].min() == 255)
        image = Image.fromarray(np.ascontiguousarray(rgba[..., :3]) if opaque else rgba)
        # matplotlib's text chunks: Software unless set to None (as style.save does)
        info = PngInfo()
        for key, value in {
            "Software": f"Matplotlib version{mpl_version}, https://matplotlib.org/",
            **(metadata or {}),
        }.items():
            if value is not None:
                info.add_text(key, value)
        kwargs = {"format": "png", "dpi": (self.figure.dpi, self.figure.dpi), "pnginfo": info, **(pil_kwargs or {})}
        image.save(filename_or_obj, **kwargs)
