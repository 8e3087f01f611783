"""The executed notebooks' HTML views read like the report: its embedded fonts, formulas as MathML
(no MathJax from a CDN), no `{#tbl-…}` labels meant for the report, and each cell's results first
with its code folded beneath (``report/notebook-view.css`` and ``.js``).

:func:`prepare` rewrites the notebook before nbconvert sees it: its Markdown (cells and Markdown
outputs) becomes HTML through pandoc with ``--mathml`` (one pandoc run per notebook);
:func:`finish` adds the style, the script and the subset web fonts to nbconvert's page.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from neoutflow.render import webfont

ASSETS = Path(__file__).resolve().parents[3] / "report"
LABEL = re.compile(r"\s*\{#(?:tbl|fig|sec|eq)-[^}\s]*\}")


def sources() -> list[str]:
    """What a view depends on besides the notebook (for the render cache's key)."""
    return [p.read_text(encoding="utf-8") for p in (Path(__file__), *ASSETS.glob("notebook-view.*"))]


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


def finish(html: str) -> str:
    """nbconvert's page with the view's style and script and the report's subset web fonts."""
    style = (ASSETS / "notebook-view.css").read_text(encoding="utf-8")
    script = (ASSETS / "notebook-view.js").read_text(encoding="utf-8")
    html = LABEL.sub("", html)
    html = html.replace("</head>", f"<style>\n{style}</style>\n</head>", 1)
    html = html.replace("</body>", f"<script>\n{script}</script>\n</body>", 1)
    return webfont.embed_fonts(html)
