"""Run the report's Lua code (report/*.lua) through pandoc on a piece of Markdown, as the
registry-only route does (neoutflow.render.pandoc), for tests of the rules themselves."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pypandoc

from neoutflow.render import config, pandoc


def run(
    markdown: str,
    tmp_path: Path,
    to: str = "plain",
    filters: tuple[str, ...] = ("quarto-compat.lua", "typeset.lua"),
    options: dict | None = None,
    variables: dict | None = None,
    name: str = "doc.qmd",
) -> str:
    """The output of ``pandoc tmp_path/name -f qmd-reader.lua --lua-filter …`` (``to`` may be
    ``plain``, ``json``, ``typst`` or ``html``); raises :class:`pandoc.RouteError` on failure."""
    doc = tmp_path / name
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(markdown, encoding="utf-8")
    project = config.Project(tmp_path, {}, tmp_path / "_output", ())
    job = pandoc.Job(project, config.Document(doc, {}), "html", variables or {}, None, 0)
    work = tmp_path / ".work"
    work.mkdir(exist_ok=True)
    env = pandoc.route_context(job, {"number-sections": True, **(options or {})}, work)
    args = [str(doc), "-f", str(pandoc.READER), *(f"--lua-filter={pandoc.LUA / f}" for f in filters), "-t", to]
    return pandoc.run_pandoc([*args, "--wrap=none"], "", doc.parent, "test", env)


def ast(markdown: str, tmp_path: Path, **kwargs) -> dict:
    return json.loads(run(markdown, tmp_path, to="json", **kwargs))


def text_of(markdown: str, tmp_path: Path, **kwargs) -> str:
    return run(markdown, tmp_path, **kwargs).strip()


def pandoc_lua(script: str) -> str:
    """``pandoc lua`` on a script (for calling a filter's functions directly)."""
    proc = subprocess.run(
        [pypandoc.get_pandoc_path(), "lua", "-"], input=script, capture_output=True, text=True, encoding="utf-8"
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr)
    return proc.stdout
