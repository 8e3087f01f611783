"""Render: a Quarto project to PDF and HTML, by Quarto or the registry-only route.

Owns reading ``_quarto.yml`` (:mod:`.config`), the ``{{< var >}}`` / include
shortcodes (:mod:`.shortcodes`), the pandoc + Typst route (:mod:`.pandoc`), the
cross-reference filter (:mod:`.filters`) and the Typst template; :mod:`.run` picks
the engine and publishes atomically. Knows nothing about population: it imports
only :mod:`neoutflow.atomic` and :mod:`neoutflow.fonts` from the package.
"""

from neoutflow.render.run import RenderFailed, render

__all__ = ["RenderFailed", "render"]
