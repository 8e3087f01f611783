"""Headless Chromium (Debian's ``chromium``) measuring a page's layout at a given width."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

# Chromium's headless window is at least 500 px wide, so the page is loaded in an iframe of the
# width asked for (media queries then see that width) and measured from the parent page.
PROBE = """
<!doctype html><html><head><meta charset="utf-8"></head><body style="margin:0">
<iframe id="f" src="PAGE" style="border:0;width:WIDTHpx;height:900px"></iframe>
<script>
document.getElementById("f").addEventListener("load", async () => {
  const document = window.frames[0].document;
  await document.fonts.ready;
  const vw = document.documentElement.clientWidth;
  const scrollers = ".table-scroll, div.quarto-float, .cell-output-display, pre";
  const wide = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest(scrollers) && !el.matches(scrollers)) continue;
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > vw + 1) wide.push(el.tagName + "." + el.className + " right=" + Math.round(r.right));
  }
  // tables wider than the page: each must scroll inside its own container
  const tables = [...document.querySelectorAll(".table-scroll")].map(el => ({
    overflowX: getComputedStyle(el).overflowX, width: el.clientWidth, content: el.scrollWidth}));
  const fonts = [...document.fonts].filter(f => f.status === "loaded").map(f => f.family.replace(/"/g, ""));
  const out = {viewport: vw, scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 20),
               nwide: wide.length, scrollers: tables.length, tables: tables, fontsLoaded: [...new Set(fonts)],
               bodyFont: getComputedStyle(document.querySelector("section p") || document.body).fontFamily};
  const pre = window.document.createElement("pre");
  pre.id = "layout-probe";
  pre.textContent = JSON.stringify(out);
  window.document.body.appendChild(pre);
});
</script></body></html>
"""


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def layout(html: Path, width: int, workdir: Path) -> dict:
    """Load ``html`` at ``width`` CSS pixels (web fonts loaded); report the viewport, the page's scroll
    width, the elements reaching past the viewport outside a scroll wrapper, each table wrapper's
    overflow style and widths, the font families loaded and the body text's font."""
    page = html.parent / f".probe-{width}.html"
    page.write_text(PROBE.replace("PAGE", html.name).replace("WIDTH", str(width)), encoding="utf-8")
    proc = subprocess.run(
        [
            chromium(),
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--allow-file-access-from-files",
            f"--window-size={width},900",
            "--virtual-time-budget=5000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    page.unlink(missing_ok=True)
    m = re.search(r'<pre id="layout-probe">(.*?)</pre>', proc.stdout, re.S)
    if not m:
        raise RuntimeError(f"chromium gave no layout probe (status {proc.returncode}): {proc.stderr[-500:]}")
    return json.loads(m.group(1).replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"))
