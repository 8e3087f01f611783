"""Typesetting of the rendered report, on a small Chinese project (tests/fixtures/mini_report)
given a build/ with negative numbers, ranges, a regression table and an executed notebook with
a figure: no network resource in the HTML, no page-level sideways scroll at 390 px (headless
Chromium), every minus in the PDF is U+2212, the notebook views exist with their images; and,
when Quarto is installed, the same under Quarto."""

from __future__ import annotations

import base64
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import quarto_kit
import yaml
from pypdf import PdfReader

from neoutflow import fonts
from neoutflow.outputs.results import ResultSet, write_quarto_variables
from neoutflow.render import run as render_run

ROOT = Path(__file__).parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "mini_report"
EPOCH = "1704067200"
# 1×1 PNG (a figure output of the executed notebook)
PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360f8ff3f0005fe02fea7d6a4bd0000000049454e44ae426082"
    )
).decode()


def _build(root: Path) -> None:
    import matplotlib.pyplot as plt

    from neoutflow.outputs import style

    style.use()
    fig, ax = plt.subplots(figsize=(4.8, 3.0))
    ax.bar(["辽宁", "吉林", "黑龙江"], [-115.5, -337.9, -646.4])
    style.save(fig, root / "build" / "figures" / "demo.png")
    plt.close(fig)
    rs = ResultSet("demo")
    rs.record("loss", -10998181, "persons", "东北三省常住人口变化", scale=1e4, suffix="万人")
    rs.save(root / "build" / "results")
    write_quarto_variables(target=root / "_variables.yml", directory=root / "build" / "results")
    tables = root / "build" / "tables"
    tables.mkdir(parents=True, exist_ok=True)
    wide_header = " | ".join(f"2010-2020年第{i}项指标变化（万人）" for i in range(1, 8))
    wide_row = " | ".join(f"-{i}1,234.5" for i in range(1, 8))
    (tables / "demo.md").write_text(
        f"| 地区 | {wide_header} |\n|:---|" + "---:|" * 7 + "\n"
        f"| 新疆维吾尔自治区 | {wide_row} |\n| 大兴安岭地区 | {wide_row} |\n\n: 宽表 {{#tbl-demo}}\n",
        encoding="utf-8",
    )
    rows = "".join(
        f"| 变量{i:02d} | -0.{i:03d}*** | 0.{i:03d} |\n|  | (0.0{i:02d}) | (0.1{i:02d}) |\n" for i in range(1, 36)
    )
    (tables / "long.md").write_text(
        f"| 变量 | (1) 基准 | (2) 稳健 |\n|:---|---:|---:|\n{rows}| 样本量 N | 31 | 31 |\n\n: 回归表 {{#tbl-long}}\n",
        encoding="utf-8",
    )
    nb = root / "build" / "notebooks"
    nb.mkdir(parents=True, exist_ok=True)
    cell = {
        "cell_type": "code",
        "execution_count": 1,
        "id": "c1",
        "metadata": {},
        "source": ["fig"],
        "outputs": [
            {
                "output_type": "display_data",
                "data": {"image/png": PNG, "text/plain": ["<Figure>"]},
                "metadata": {},
            },
            {"output_type": "stream", "name": "stdout", "text": [f"wrote {root}/build/figures/demo.png\n"]},
        ],
    }
    notebook = {
        "cells": [cell],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (nb / "01_demo.ipynb").write_text(json.dumps(notebook), encoding="utf-8")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("typeset") / "project"
    shutil.copytree(FIXTURE, root)
    shutil.copy(ROOT / "report" / "report.css", root / "report" / "report.css")
    cfg = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8"))
    cfg["format"]["html"]["css"] = "report/report.css"
    (root / "_quarto.yml").write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    results = root / "report" / "_results.qmd"
    results.write_text(
        results.read_text(encoding="utf-8") + "\n2010—2020 年间，30-34 岁组变化最大（p = 0.000）。\n", encoding="utf-8"
    )
    _build(root)
    return root


@pytest.fixture(scope="module")
def rendered(project):
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
    try:
        out = render_run.render(project, engine="pandoc", quiet=True)
    finally:
        mp.undo()
    return project, out


class _Resources(HTMLParser):
    """URLs the page loads (src of any element, href of <link>, url(...) in styles)."""

    def __init__(self):
        super().__init__()
        self.loads: list[str] = []
        self._style = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("src"):
            self.loads.append(a["src"])
        if tag == "link" and a.get("href"):
            self.loads.append(a["href"])
        if tag == "style":
            self._style = True
        if a.get("style"):
            self.loads += re.findall(r"url\(['\"]?([^'\")]+)", a["style"])

    def handle_endtag(self, tag):
        if tag == "style":
            self._style = False

    def handle_data(self, data):
        if self._style:
            self.loads += re.findall(r"url\(['\"]?([^'\")]+)", data)
            self.loads += re.findall(r"@import\s+['\"]([^'\"]+)", data)


def network_loads(html: str) -> list[str]:
    parser = _Resources()
    parser.feed(html)
    return [u for u in parser.loads if re.match(r"(https?:)?//", u.strip())]


def test_html_loads_nothing_from_the_network(rendered):
    _, out = rendered
    html = out["html"].read_text(encoding="utf-8")
    assert network_loads(html) == []
    assert "data:font/woff" in html, "the subset CJK web font is embedded"
    for view in (out["notebooks"]).glob("*.html"):
        assert network_loads(view.read_text(encoding="utf-8")) == [], view.name


def test_html_typography_and_table_wrappers(rendered):
    _, out = rendered
    html = out["html"].read_text(encoding="utf-8")
    assert html.count('class="table-scroll"') == 2
    text = re.sub(r"<[^>]+>", "", html.split("</head>", 1)[1])
    assert "2010–2020" in text and "30–34" in text and "p &lt; 0.001" in html
    assert not re.search(r"(?<![\w.\-])-\d", text), re.findall(r".{10}(?<![\w.\-])-\d.{5}", text)[:3]
    assert "−1,099.8" in text


def test_phone_width_no_page_level_sideways_scroll(rendered, tmp_path):
    from browser import chromium, layout

    if chromium() is None:
        pytest.skip("headless Chromium not installed (Debian: apt-get install chromium)")
    _, out = rendered
    probe = layout(out["html"], 390, tmp_path)
    assert probe["viewport"] == 390
    assert probe["scrollWidth"] <= probe["viewport"], probe
    assert probe["nwide"] == 0, probe["wide"]
    assert probe["scrollers"] == 2


def test_pdf_minus_signs_are_u2212(rendered):
    _, out = rendered
    text = "\n".join(page.extract_text() or "" for page in PdfReader(out["pdf"]).pages)
    assert "−1,099.8" in text or "−1, 099.8" in text.replace("\n", "")
    assert "−0.001" in text
    hyphen_numbers = re.findall(r"(?<![\w.\-/])-\d[\d,.]*", text)
    assert hyphen_numbers == [], hyphen_numbers[:5]


def test_pdf_regression_pairs_and_edge_rows_are_grouped(rendered, tmp_path):
    """The Typst source report/typst-tables.lua makes (as the route writes it)."""
    project, _ = rendered
    from neoutflow.render import config, pandoc

    proj = config.load_project(project)
    doc = proj.documents[0]
    job = pandoc.Job(proj, doc, "typst", render_run.prepare_variables(project), None, 0)
    options = config.merged_options(proj, doc, "typst")
    env = pandoc.route_context(job, options, tmp_path)
    source = pandoc.run_pandoc(pandoc.pandoc_args(job, options, tmp_path), "", doc.path.parent, "test", env)
    assert source.count("table.cell(rowspan: 2)") == 35  # every coefficient with its SE
    assert "table.cell(rowspan: 3)" in source  # first/last three rows held together
    assert "#neo-table(breakable: true)" in source and "#neo-table(breakable: false)" in source
    columns = re.search(r"columns: \(0%, ([^)]*)\)", source).group(1)
    assert all(float(w.rstrip("%")) >= 5 for w in columns.split(", ")), columns


def test_notebook_views_beside_the_notebooks(rendered):
    project, out = rendered
    folder = out["notebooks"]
    view = folder / "01_demo.html"
    assert (folder / "01_demo.ipynb").is_file() and view.is_file()
    html = view.read_text(encoding="utf-8")
    assert "data:image/png;base64," in html
    assert str(project) not in html and str(project) not in (folder / "01_demo.ipynb").read_text(encoding="utf-8")
    report = out["html"].read_text(encoding="utf-8")
    assert str(project) not in report


@pytest.mark.skipif(quarto_kit.quarto() is None, reason=quarto_kit.skip_reason())
def test_quarto_uses_the_shared_partials_and_no_network(tmp_path, monkeypatch):
    """The real project's Quarto configuration, rendered by Quarto (where it or the test kit is)."""
    cfg = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    partials = cfg["format"]["typst"]["template-partials"]
    assert all((ROOT / p).is_file() for p in partials)
    assert cfg["format"]["html"]["html-math-method"] == "mathml"
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    # Quarto looks for template partials inside the project: the shared ones, at the same paths
    for p in partials:
        (project / p).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / p, project / p)
    quarto_cfg = yaml.safe_load((project / "_quarto.yml").read_text(encoding="utf-8"))
    quarto_cfg["format"]["typst"]["template-partials"] = partials
    quarto_cfg["format"]["typst"]["font-paths"] = [str(d) for d in fonts.font_dirs()]
    quarto_cfg["format"]["html"]["html-math-method"] = "mathml"
    quarto_cfg["crossref"]["sec-prefix"] = "第"
    quarto_cfg["filters"] = ["quarto", str(ROOT / "report" / "typeset.lua")]
    (project / "_quarto.yml").write_text(yaml.safe_dump(quarto_cfg, allow_unicode=True), encoding="utf-8")
    _build(project)
    monkeypatch.setattr(render_run, "quarto_path", quarto_kit.quarto)
    monkeypatch.setenv("PATH", quarto_kit.quarto_env()["PATH"])
    out = render_run.render(project, engine="quarto", quiet=True)
    html = out["html"].read_text(encoding="utf-8")
    assert network_loads(html) == []
    assert "第 1 章" in re.sub(r"<[^>]+>", "", html)
    assert out["pdf"].stat().st_size > 0
