"""Render: a Quarto project to PDF and HTML, by Quarto or the registry-only route.

Owns reading ``_quarto.yml`` (:mod:`.config`), the pandoc + Typst route (:mod:`.pandoc`, which
runs the report's Lua filters in ``report/``, the typesetting rules Quarto runs too) and the
Typst template and partials; :mod:`.run` picks the engine and publishes atomically. Knows nothing about population: it imports
only :mod:`neoutflow.atomic` and :mod:`neoutflow.fonts` from the package.
"""

from neoutflow.render.run import RenderFailed, render

__all__ = ["RenderFailed", "render"]
