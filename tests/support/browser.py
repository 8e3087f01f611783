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
  const scrollers = ".table-scroll, figure.quarto-float-tbl > div, .cell-output-display, pre";
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
    return _probe(html, width, PROBE)


def _probe(html: Path, width: int, probe: str) -> dict:
    page = html.parent / f".probe-{width}.html"
    page.write_text(probe.replace("PAGE", html.name).replace("WIDTH", str(width)), encoding="utf-8")
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


# What a phone reader needs (issue 28, item 5), measured inside the page at the iframe's width:
# captions that fit the screen (not cut by a scroller or the viewport), the contents folded,
# every figure opening at its full size, every figure and table with its data to download.
READER_PROBE = """
<!doctype html><html><head><meta charset="utf-8"></head><body style="margin:0">
<iframe id="f" src="PAGE" style="border:0;width:WIDTHpx;height:900px"></iframe>
<script>
document.getElementById("f").addEventListener("load", () => {
  const win = window.frames[0], document = win.document;
  const vw = document.documentElement.clientWidth;
  const clipped = [];
  for (const cap of document.querySelectorAll("caption, figcaption")) {
    const r = cap.getBoundingClientRect();
    let cut = r.left < -1 || r.right > vw + 1 || cap.scrollWidth > cap.clientWidth + 1;
    for (let p = cap.parentElement; p && p !== document.body; p = p.parentElement) {
      const style = win.getComputedStyle(p);
      if (style.overflowX !== "visible" && p.scrollWidth > p.clientWidth + 1) cut = true;
    }
    if (cut) clipped.push(cap.textContent.trim().slice(0, 40));
  }
  const fold = document.querySelector("nav#TOC details");
  const toc = document.getElementById("TOC");
  const figures = [], missingData = [];
  for (const fig of document.querySelectorAll("figure")) {
    const img = fig.querySelector("img");
    const inner = fig.querySelector("table[id]");
    const id = fig.id || (inner ? inner.id : "") || (fig.parentElement.closest("div.quarto-float[id]") || {}).id || "";
    let next = fig.nextElementSibling;
    if (fig.parentElement.matches("div.quarto-float")) next = fig.parentElement.nextElementSibling;
    const link = next && next.matches(".data-download") ? next.querySelector("a[download]") : null;
    const data = link ? decodeURIComponent(link.getAttribute("href").split(",").slice(1).join(",")) : "";
    if (!link || data.split("\\n").filter((l) => l.trim()).length < 2) missingData.push(id);
    if (!img) continue;
    img.click();
    const big = document.querySelector(".zoom-overlay img");
    const shown = big ? Math.round(big.getBoundingClientRect().width) : 0;
    figures.push({id: id, natural: img.naturalWidth, shown: shown,
                  overlay: !!big, scrolls: big ? big.parentElement.scrollWidth > vw : false});
    document.dispatchEvent(new KeyboardEvent("keydown", {key: "Escape"}));
  }
  const out = {viewport: vw, captions: document.querySelectorAll("caption, figcaption").length,
               clipped: clipped, tocFolded: !!fold && !fold.open,
               tocHeight: toc ? Math.round(toc.getBoundingClientRect().height) : null,
               figures: figures, missingData: missingData,
               overlayLeft: document.querySelectorAll(".zoom-overlay").length};
  const pre = window.document.createElement("pre");
  pre.id = "layout-probe";
  pre.textContent = JSON.stringify(out);
  window.document.body.appendChild(pre);
});
</script></body></html>
"""


def reader(html: Path, width: int) -> dict:
    """Load ``html`` at ``width`` CSS pixels and report what a reader finds (:data:`READER_PROBE`)."""
    return _probe(html, width, READER_PROBE)


def check_phone_reader(html: Path) -> dict:
    """Assert what a phone reader needs (:data:`READER_PROBE` at 390 px); return the probe."""
    probe = reader(html, 390)
    assert probe["viewport"] == 390
    assert probe["captions"] > 40, probe
    assert probe["clipped"] == [], probe["clipped"]
    assert probe["tocFolded"] and 0 < probe["tocHeight"] < 80, probe
    assert len(probe["figures"]) >= 15
    for fig in probe["figures"]:
        assert fig["overlay"] and fig["natural"] > 390 and fig["shown"] == fig["natural"] and fig["scrolls"], fig
    assert probe["overlayLeft"] == 0, "Escape closes the enlarged figure"
    assert probe["missingData"] == [], probe["missingData"]
    return probe
