"""``metadata-files`` in the registry-only route's reading of ``_quarto.yml`` (as Quarto merges them)."""

from __future__ import annotations

import pytest

from neoutflow.render import config


def project(tmp_path, meta_file: bool = True):
    (tmp_path / "_quarto.yml").write_text(
        "project:\n  render: [doc.qmd]\nmetadata-files: [_parts.yml]\nhas-x: false\nformat:\n  html: {}\n",
        encoding="utf-8",
    )
    (tmp_path / "doc.qmd").write_text("---\ntitle: T\n---\n\nbody\n", encoding="utf-8")
    if meta_file:
        (tmp_path / "_parts.yml").write_text("has-x: true\nhas-y: true\n", encoding="utf-8")
    p = config.load_project(tmp_path)
    return p, p.documents[0]


def test_metadata_files_merge_under_the_layer_that_names_them(tmp_path):
    p, doc = project(tmp_path)
    options = config.merged_options(p, doc, "html")
    # the file's keys are there; the project's own has-x (written in the same layer) wins over the file
    assert options["has-y"] is True and options["has-x"] is False and options["title"] == "T"


def test_a_missing_metadata_file_names_the_release_step(tmp_path):
    p, doc = project(tmp_path, meta_file=False)
    with pytest.raises(config.RenderConfigError, match="_parts.yml, which does not exist.*release"):
        config.merged_options(p, doc, "html")


def test_a_bibliography_in_a_folder_with_underscores_is_found(tmp_path):
    """Paths go to pandoc on the command line, taken literally: in the metadata file they are read as Markdown,
    and "suite-_4r_8tm_" lost its underscores to emphasis (a CI run failed on such a temporary folder)."""
    from neoutflow.render import pandoc

    root = tmp_path / "suite-_4r_8tm_"
    root.mkdir()
    (root / "refs.bib").write_text("@book{k, author = {甲}, title = {书}, year = {2020}}\n", encoding="utf-8")
    (root / "_quarto.yml").write_text(
        "project:\n  render: [doc.qmd]\nbibliography: refs.bib\nformat:\n  html: {}\n", encoding="utf-8"
    )
    (root / "doc.qmd").write_text("---\ntitle: T\n---\n\n见 [@k]。\n", encoding="utf-8")
    p = config.load_project(root)
    doc = p.documents[0]
    options = config.merged_options(p, doc, "html")
    job = pandoc.Job(p, doc, "html", {}, None, 0)
    work = root / ".work"
    work.mkdir()
    args = pandoc.pandoc_args(job, options, work)
    assert any(a.startswith("--bibliography=") and a.endswith("suite-_4r_8tm_/refs.bib") for a in args)
    assert "bibliography" not in (work / "metadata.yml").read_text(encoding="utf-8")
    env = pandoc.route_context(job, options, work)
    out = root / "doc.html"
    pandoc.run_pandoc([*args, f"--output={out}"], "", root, "test", env)
    assert "甲" in out.read_text(encoding="utf-8")  # the reference was found and cited
