"""The executed notebooks' HTML views read like the report: its embedded fonts, formulas as MathML
(no MathJax from a CDN), no `{#tbl-…}` labels meant for the report, and each cell's results first
with its code folded beneath (``report/notebook-view.css`` and ``.js``).

:func:`write_views` keeps each view in the render cache and makes those it lacks together (their fonts
subset at once). :func:`prepare` rewrites the notebook
before nbconvert sees it: its Markdown (cells and Markdown outputs) becomes HTML through pandoc
with ``--mathml`` (one pandoc run per notebook); the style, the script and the subset web fonts
are then added to nbconvert's page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from neoutflow.render import cache, webfont

ASSETS = Path(__file__).resolve().parents[3] / "report"
LABEL = re.compile(r"\s*\{#(?:tbl|fig|sec|eq)-[^}\s]*\}")


def write_views(views: Sequence[tuple[str, str, Path]]) -> list[Path]:
    """Each executed notebook ``(text, name, dest)`` as a self-contained HTML view at ``dest`` (nbconvert's
    lab template, figures embedded as in the outputs; nothing loaded from the network)."""
    from importlib.metadata import version

    # besides the notebook, a view depends on nbconvert, this module and the view's assets
    assets = [p.read_text(encoding="utf-8") for p in (Path(__file__), *ASSETS.glob("notebook-view.*"))]
    digests = [cache.key(text, name, version("nbconvert"), *assets) for text, name, _ in views]
    todo = [
        i for i, ((_, _, dest), d) in enumerate(zip(views, digests)) if not cache.copy_kept("notebook-html", d, dest)
    ]
    pages = webfont.embed_fonts([_html(*views[i][:2]) for i in todo], body_pieces=1)
    for i, page in zip(todo, pages, strict=True):
        cache.memo_to_file("notebook-html", digests[i], partial(page.encode, "utf-8"), views[i][2])
    return [dest for _, _, dest in views]


@lru_cache(maxsize=1)
def _html_exporter():
    """One exporter for every notebook (converted one after another): its templates compile once."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    exporter.embed_images = True
    return exporter


def _html(text: str, name: str) -> str:
    """The view's page, without its web fonts."""
    import nbformat

    nb = nbformat.reads(text, as_version=4)
    prepare(nb)  # Markdown and formulas as HTML with MathML, no report labels
    html, _ = _html_exporter().from_notebook_node(nb, resources={"metadata": {"name": name}})
    # nbconvert links require.js and MathJax from a CDN: the views need neither offline.
    html = re.sub(r'<script[^>]*src="https?://[^"]*"[^>]*>\s*</script>', "", html)
    html = re.sub(r'<link[^>]*href="https?://[^"]*"[^>]*/?>', "", html)
    # inline scripts that would fetch from a CDN (the Mermaid loader; the notebooks draw none)
    html = re.sub(r"<script[^>]*>(?:(?!</script>).)*?https?://(?:(?!</script>).)*</script>", "", html, flags=re.S)
    # the view's style and script (results first, code folded) and the report's subset web fonts
    style, script = ((ASSETS / f"notebook-view.{ext}").read_text(encoding="utf-8") for ext in ("css", "js"))
    html = LABEL.sub("", html).replace("</head>", f"<style>\n{style}</style>\n</head>", 1)
    return html.replace("</body>", f"<script>\n{script}</script>\n</body>", 1)  # the fonts: write_views


def _markdown_parts(nb) -> list[tuple[Any, str]]:
    """(holder, key) of every Markdown text: cell sources and ``text/markdown`` outputs."""
    parts: list[tuple[Any, str]] = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            parts.append((cell, "source"))
        for out in cell.get("outputs", []):
            if "text/markdown" in out.get("data", {}):
                parts.append((out["data"], "text/markdown"))
    return parts


def prepare(nb) -> None:
    """Markdown → HTML with MathML (labels stripped), in place; ``text/markdown`` outputs become
    ``text/html`` ones (a table then looks like the report's)."""
    from neoutflow.render.pandoc import run_pandoc

    parts = _markdown_parts(nb)
    if not parts:
        return
    text = "\n\n".join(
        f"::: {{#nbpart-{i}}}\n{LABEL.sub('', ''.join(holder[key]))}\n:::" for i, (holder, key) in enumerate(parts)
    )
    html = run_pandoc(["-f", "markdown", "-t", "html5", "--mathml", "--wrap=none"], text, Path.cwd(), "notebook view")
    pieces = re.split(r'<div id="nbpart-(\d+)">\n?', html)
    converted = {int(i): body.rsplit("</div>", 1)[0].strip() for i, body in zip(pieces[1::2], pieces[2::2])}
    for i, (holder, key) in enumerate(parts):
        if key == "text/markdown":
            holder.pop(key)
            holder["text/html"] = converted.get(i, "")
        else:
            holder[key] = converted.get(i, "")
