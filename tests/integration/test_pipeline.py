"""The whole pipeline, as a user runs it: `make report` in a scratch copy.

Checks the report's text against build/results, no-op rebuilds, atomic failure
of a broken notebook, and bit-for-bit determinism of two clean builds.
Slow (a few minutes): marked ``slow``.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from pathlib import Path

import pdf_text as pdf_pages_text
import pytest
from project_copy import copy_built
from project_copy import run_make as make_in

CHAPTER_HEADINGS = [
    "摘要",
    "论点",
    "数据与方法",
    "人口外流的事实",
    "外流的成因",
    "反事实",
    "局限",
    "参考文献",
    "可复现性",
]


def run_make(project: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    proc = make_in(project, *args)
    if check and proc.returncode != 0:
        pytest.fail(f"make {' '.join(args)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


def digests(folder: Path, pattern: str = "*") -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob(pattern))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def project(built_project, tmp_path_factory):
    """A copy of the session's built project (these tests break, clean and rebuild it)."""
    return copy_built(built_project, tmp_path_factory.mktemp("pipeline") / "project")


def pdf_text(path: Path) -> str:
    return pdf_pages_text.text(path)


def squash(text: str) -> str:
    """Text without white space, with Typst's typographic minus read as a hyphen-minus."""
    return re.sub(r"\s+", "", text).replace("\u2212", "-")


def key_numbers(project: Path) -> dict[str, str]:
    """Display strings of the headline results the prose quotes."""
    results = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in (project / "build/results").glob("*.json")}
    wanted = {
        "outflow": [
            "ne_population_change",
            "ne_population_change_pct",
            "ne_net_migration_10plus",
            "ne_net_migration_rate",
            "ne_residual_net_migration",
            "ne_young_adult_net_migration",
            "ne_young_adult_share",
            "heilongjiang_net_migration_rate",
            "jilin_net_migration_rate",
            "liaoning_net_migration_rate",
            "paper_to_net_outflow_ratio",
        ],
    }
    out = {}
    for nb, keys in wanted.items():
        for key in keys:
            out[f"{nb}.{key}"] = results[nb][key]["display"]
    # every determinants number the abstract quotes is checked too (whatever the model found)
    return out


def test_outputs_exist(project):
    for rel in (
        "_output/report.pdf",
        "_output/report.html",
        "_output/report.docx",
        "build/results/outflow.json",
        "build/results/determinants.json",
        "build/notebooks/01_outflow.ipynb",
        "build/notebooks/02_determinants.ipynb",
    ):
        assert (project / rel).is_file(), f"{rel} missing after make report"


def test_pdf_shows_title_chapters_numbers_and_references(project):
    text = squash(pdf_text(project / "_output/report.pdf"))
    assert "东北人口外流" in text
    for heading in CHAPTER_HEADINGS:
        assert heading in text, f"chapter heading {heading!r} not in the PDF"
    numbers = key_numbers(project)
    assert len(numbers) >= 10
    for key, display in numbers.items():
        assert squash(display) in text, f"{key} = {display!r} not in the PDF text"
    assert "??" not in text and "@fig-" not in text and "@tbl-" not in text and "@sec-" not in text
    assert "张云龙.以人口高质量发展推动东北全面振兴的对策研究" in text and "HAMILTON" in text  # bibliography
    assert re.search(r"图\d+", text) and re.search(r"表\d+", text)


def test_pdf_embeds_cjk_fonts(project):
    from pypdf import PdfReader

    fonts = set()
    for page in PdfReader(project / "_output/report.pdf").pages:
        for font in (page.get("/Resources") or {}).get("/Font", {}).values():
            fonts.add(str(font.get_object().get("/BaseFont")))
    assert any("CJK" in f for f in fonts), f"no CJK font embedded: {fonts}"


def test_html_shows_numbers_and_links_notebooks(project):
    html = (project / "_output/report.html").read_text(encoding="utf-8")
    text = squash(re.sub(r"<[^>]+>", "", html))
    for key, display in key_numbers(project).items():
        assert squash(display) in text, f"{key} = {display!r} not in the HTML"
    assert "??" not in text and "@fig-" not in text
    assert 'href="notebooks/01_outflow.ipynb"' in html
    assert (project / "_output/notebooks/01_outflow.ipynb").is_file()


def test_noop_rebuild_does_nothing(project):
    assert run_make(project, "-q", "report", check=False).returncode == 0, "make -q report: something is out of date"
    before = digests(project / "_output")
    out = run_make(project, "report").stdout
    assert "run_notebook" not in out and "neoutflow.render" not in out
    assert digests(project / "_output") == before


def test_broken_notebook_keeps_previous_report(project):
    import nbformat

    nb_path = project / "notebooks/02_determinants.ipynb"
    original = nb_path.read_bytes()
    before_output = digests(project / "_output")
    before_results = digests(project / "build/results")
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells.insert(
        len(nb.cells) // 2, nbformat.v4.new_code_cell("raise RuntimeError('deliberately broken for the test')")
    )
    nbformat.write(nb, nb_path)
    try:
        proc = run_make(project, "report", check=False)
        assert proc.returncode != 0
        message = proc.stdout + proc.stderr
        assert "02_determinants" in message and "cell" in message
        assert "RuntimeError: deliberately broken for the test" in message
        assert (project / "build/failed/02_determinants.ipynb").is_file()
        assert not list((project / "build/notebooks").glob("*failed*"))
        assert digests(project / "_output") == before_output, "the previous report changed"
        assert digests(project / "build/results") == before_results, "previous results changed"
    finally:
        nb_path.write_bytes(original)
    # once mended, the next build succeeds again
    run_make(project, "report")


def test_two_clean_builds_are_identical(project):
    first = {d: digests(project / d) for d in ("build/results", "build/tables", "build/figures", "_output")}
    run_make(project, "clean")
    assert not (project / "build").exists()
    run_make(project, "report")
    second = {d: digests(project / d) for d in ("build/results", "build/tables", "build/figures", "_output")}
    for d in first:
        assert first[d] == second[d], f"{d} differs between two clean builds: " + ", ".join(
            k for k in set(first[d]) | set(second[d]) if first[d].get(k) != second[d].get(k)
        )
