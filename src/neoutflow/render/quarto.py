"""The Quarto route's own steps, run by ``report/pre_render.py`` and ``report/post_render.py``
around every Quarto render (from ``make report`` or a plain ``quarto render``).

Before: the CJK fonts linked into ``build/fonts/`` (``font-paths`` in ``_quarto.yml``), the
title-page date, an empty file for every table only a hidden block includes (the CSL style is
copied by :func:`neoutflow.render.run.copy_csl`, as for the other route). After (:func:`finish`):
the outputs moved to ``_output/``, Quarto's figure copies removed, the HTML finished as the other
route's (:func:`neoutflow.render.webfont.finish_html`), and the build failed, naming the
reference and its place, when a cross-reference is unresolved (Quarto only prints ``?@label``).
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path

import yaml

from neoutflow import atomic, fonts
from neoutflow.render import webfont

REPORT_DIR = "report"


class BrokenReference(RuntimeError):
    """Unresolved cross-references in the rendered report (the message names each and its place)."""


def link_fonts(dest: Path) -> list[Path]:
    """Symbolic links in ``dest`` to the project's CJK font files (copies where links fail)."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    wanted = {}
    for folder in reversed(fonts.font_dirs()):  # the first folder (Debian's) wins
        for f in folder.glob("Noto*CJK*"):
            if f.suffix.lower() in (".otf", ".ttf", ".ttc", ".otc"):
                wanted[f.name] = f.resolve()
    for old in dest.iterdir():
        if old.name not in wanted or (old.is_symlink() and old.resolve() != wanted[old.name]):
            old.unlink()
    for name, src in sorted(wanted.items()):
        if (link := dest / name).exists():
            continue
        try:
            link.symlink_to(src)
        except OSError:
            shutil.copyfile(src, link)
    return sorted(dest.iterdir())


def hidden_includes(root: Path) -> list[Path]:
    """Missing files that only blocks hidden by the project's metadata (``_availability.yml``) include
    (Quarto includes before it drops hidden blocks, so it needs them, empty), as the report's own Lua
    filter (quarto-compat.lua, run here by the other route's pandoc) sees them."""
    from neoutflow.render import config, pandoc

    project, found = config.load_project(Path(root)), set[Path]()
    with tempfile.TemporaryDirectory() as tmp:
        for doc in project.documents:
            job = pandoc.Job(project, doc, "html", {}, None, 0)
            env = pandoc.route_context(job, config.merged_options(project, doc, "html"), Path(tmp))
            env["NEOUTFLOW_HIDDEN_INCLUDES"] = listing = str(Path(tmp) / "hidden-includes.json")
            args = [str(doc.path), "-f", str(pandoc.READER), f"--lua-filter={pandoc.LUA / 'quarto-compat.lua'}"]
            pandoc.run_pandoc([*args, "-t", "plain"], "", doc.path.parent, "listing hidden includes", env)
            found |= {project.root / p for p in json.loads(Path(listing).read_text(encoding="utf-8"))}
    return sorted(found)


def write_date(root: Path) -> str | None:
    """The title page's date for Quarto, from ``SOURCE_DATE_EPOCH`` or the last commit (as the
    registry-only route dates it), as ``date`` in ``report/_metadata.yml`` (Quarto's directory
    metadata, which only Quarto reads; ``date-format`` in ``_quarto.yml`` writes it in Chinese).
    Without either there is no date to state: the file is removed (Quarto would print "Invalid
    Date" for the registry route's wording). Returns the ISO date or None."""
    from datetime import UTC, datetime

    from neoutflow.render.run import source_date_epoch

    target = Path(root) / REPORT_DIR / "_metadata.yml"
    epoch = source_date_epoch(Path(root))
    if epoch is None:
        target.unlink(missing_ok=True)
        return None
    day = datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%d")
    header = "# Written by report/pre_render.py: the title page's date (the last commit's).\n"
    atomic.write_text(target, header + yaml.safe_dump({"date": day}), if_changed=True)
    return day


_UNRESOLVED = re.compile(r"\?@([A-Za-z][\w:.-]*[\w])")


def reference_places(label: str, root: Path) -> list[str]:
    """``file:line`` of every ``@label`` in the report's sources (the whole label, not a prefix)."""
    pattern = re.compile(r"(?<![\w.-])@" + re.escape(label) + r"(?![\w-]|[.:][\w])")
    places = []
    folder = Path(root) / REPORT_DIR
    for src in sorted([*folder.glob("*.md"), *folder.glob("*.qmd")]):
        for n, line in enumerate(src.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                places.append(f"{src.relative_to(root)}:{n}")
    return places


def check_references(outputs: list[Path], root: Path) -> None:
    """Raise :class:`BrokenReference` naming each reference Quarto left unresolved (it prints
    ``?@label``) and where it is written, in order of appearance, once each."""
    found: dict[str, None] = {}
    for out in outputs:
        if out.suffix == ".html":
            text = out.read_text(encoding="utf-8")
        elif out.suffix == ".pdf":
            from pypdf import PdfReader

            text = "\n".join(page.extract_text() or "" for page in PdfReader(out).pages)
        else:
            continue
        found |= dict.fromkeys(_UNRESOLVED.findall(text))
    if found:
        lines = [f"  @{label} in {', '.join(reference_places(label, root)) or 'an unknown place'}" for label in found]
        raise BrokenReference(
            f"{len(found)} cross-reference(s) point to no section, figure or table:\n" + "\n".join(lines)
        )


def finish(root: Path, out_dir: Path, stage_notebooks: bool) -> list[Path]:
    """Everything after Quarto's render (see the module's docstring); returns the outputs."""
    root, out_dir = Path(root), Path(out_dir)
    nested = out_dir / REPORT_DIR
    for f in sorted(nested.glob("report.*")):  # a missing folder globs to nothing
        f.replace(out_dir / f.name)
    # Quarto copies the figures the PDF uses beside it (build/figures/…); the report embeds them
    for leftover in sorted(p for p in out_dir.iterdir() if p.is_dir() and p.name != "notebooks"):
        shutil.rmtree(leftover)
    outputs = sorted(p for p in out_dir.glob("report.*") if p.suffix in (".html", ".pdf"))
    check_references(outputs, root)
    for html in (p for p in outputs if p.suffix == ".html"):
        webfont.finish_html(html)
    if stage_notebooks:
        from neoutflow.render.run import stage_notebooks as stage

        stage(root, out_dir)
    return outputs
