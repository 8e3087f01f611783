"""Run one numbered notebook with papermill, atomically.

``python -m neoutflow.pipeline.run_notebook 01_outflow`` executes ``notebooks/01_outflow.ipynb``
with the parameters in ``build/params/01_outflow.json`` (those of params.yaml
that the notebook's ``parameters`` cell declares) and its ``output_dir`` pointed at a staging folder. Only when
every cell succeeds are the executed notebook and the staged results, figures
and tables moved into ``build/``; a failure leaves the previous outputs as they
were, names the cell and the exception, and keeps the partly executed notebook in
``build/failed/`` (never among the executed notebooks the report links).

A notebook that is nothing but an optional part of the report (``data.preflight.NOTEBOOK_PARTS``) is not
run when that part's inputs are missing: its previous outputs are withdrawn and the published notebook is
the source with a first cell saying why (the report prints the same reason).

By hand with ``key=value`` overrides, the run writes to ``build-hand/`` (or
``--build-dir DIR``), not ``build/``: the report's outputs and the parameters its
appendix lists stay consistent, and the next ``make report`` has nothing stale.
Executed notebooks carry paths relative to the project root only.

The kernel talks to papermill over IPC sockets (files in Jupyter's runtime folder), not TCP
(:func:`kernel_manager_class`), and the log gets one line per notebook when it starts and one when it is
done (with the number of cells), not papermill's progress bar, which interleaves when notebooks run in
parallel; the bar is kept for a hand run in a terminal.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from neoutflow import atomic, inputs, paths
from neoutflow import params as params_mod
from neoutflow.timing import Stopwatch

KERNEL = "neoutflow"
HAND_BUILD = "build-hand"  # default output folder of hand runs with overrides (relative to the root)
OUTPUT_KINDS = ("results", "figures", "tables")


class NotebookFailed(RuntimeError):
    pass


def kernel_manager_class() -> type:
    """A Jupyter kernel manager whose kernels use IPC transport: local sockets in Jupyter's runtime folder
    (private to the user) instead of TCP ports on localhost. Over TCP without CurveZMQ keys ipykernel warns,
    rightly, that any local user could read the traffic; the build needs no network transport at all, and
    IPC also needs no free ports when notebooks start in parallel."""
    import tempfile
    import uuid

    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.paths import jupyter_runtime_dir

    class IpcKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            runtime = Path(jupyter_runtime_dir())
            if len(str(runtime)) > 80:  # a socket path has at most 107 bytes
                runtime = Path(tempfile.gettempdir())
            runtime.mkdir(parents=True, exist_ok=True)
            kwargs.setdefault("transport", "ipc")
            # An absolute, unique socket prefix (the default, "kernel-ipc" in the working directory, would be
            # shared by kernels started side by side); jupyter_client removes the socket files at shutdown.
            kwargs.setdefault("ip", str(runtime / f"neoutflow-{uuid.uuid4().hex[:12]}-ipc"))
            super().__init__(**kwargs)

        async def _async_interrupt_kernel(self) -> None:
            # jupyter_client interrupts a kernel before every shutdown; once the last cell has run there is
            # nothing to interrupt, and ipykernel would log "ERROR | KeyboardInterrupt caught in kernel" into
            # a build that succeeded. An interrupt while cells run (a timeout) still goes through.
            if self.shutting_down:
                return
            await super()._async_interrupt_kernel()

    return IpcKernelManager


def _show_progress_bar(progress: bool) -> bool:
    """papermill's bar only for a hand run in a terminal: under make (notebooks in parallel) or in a log
    the bars interleave, and the start and done lines say enough."""
    return progress and sys.stderr.isatty() and "MAKELEVEL" not in os.environ


def _write_manifest(path: Path, name: str, values: dict, published: dict, read: list[str] | None = None) -> None:
    """Record which outputs a notebook made (for the report's figure/table map) and which data files it read."""
    shown = {k: v for k, v in values.items() if k != "output_dir"}
    record = {"notebook": f"notebooks/{name}.ipynb", "parameters": shown, "outputs": published}
    record["inputs"] = [f"{inputs.RAW_DIR}/{f}" for f in read or []]
    atomic.write_text(path, json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n")


def _relative(path: Path) -> str:
    try:
        return os.path.relpath(Path(path).resolve(), paths.ROOT.resolve())
    except ValueError:  # another drive
        return str(path)


def unstage(text: str, staging: Path, build_dir: Path) -> str:
    """``text`` with the staging folder's path replaced by the folder it publishes to (``build``): an error
    names ``build/results/x.json``, not a temporary ``build/.<name>-<pid>-….staging/results/x.json``."""
    target = _relative(build_dir)
    for form in sorted({str(staging.resolve()), str(staging), _relative(staging)}, key=len, reverse=True):
        text = text.replace(form, target)
    return text


def _strip_timings(path: Path, staging: Path | None = None, build_dir: Path | None = None) -> None:
    """Drop execution timestamps and random cell ids that papermill and nbclient record, so that the same
    inputs give the same executed notebook bytes; the staging folder becomes the build folder and absolute
    paths under the project root become relative ones."""
    import nbformat

    text = path.read_text(encoding="utf-8")
    if staging is not None:
        text = text.replace(str(staging.resolve()), _relative(build_dir or paths.BUILD))
    root = str(paths.ROOT.resolve())
    text = text.replace(root + "/", "").replace(root, ".")
    path.write_text(text, encoding="utf-8")
    nb = nbformat.read(str(path), as_version=4)
    for meta in [nb.metadata.get("papermill", {})] + [c.metadata.get("papermill", {}) for c in nb.cells]:
        for key in ("start_time", "end_time", "duration", "input_path", "output_path"):
            meta.pop(key, None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"  # papermill gives it a random id
    nbformat.write(nb, str(path))


def run(name: str, overrides: dict | None = None, build_dir: Path | None = None, progress: bool = True) -> Path:
    """Execute ``notebooks/<name>.ipynb``; return the executed notebook's path."""
    build_dir = Path(build_dir or paths.BUILD).resolve()
    source = paths.NOTEBOOKS / f"{name}.ipynb"
    if not source.is_file():
        raise NotebookFailed(f"no notebook {source}")
    # The Makefile stores each notebook's parameters in build/params/<name>.json;
    # by hand, params.yaml is read and validated directly.
    params_file = build_dir / "params" / f"{name}.json"
    if params_file.is_file():
        values = params_mod.load_json(params_file)
    else:
        values = params_mod.notebook_values(params_mod.load(), source)
    declared = set(params_mod.declared_parameters(source))
    unknown = set(overrides or {}) - declared
    if unknown:
        raise NotebookFailed(
            f"{source.name} declares no parameter {', '.join(sorted(unknown))}; "
            f"it declares: {', '.join(sorted(declared))}"
        )
    if overrides:
        # a hand run's overrides are validated like PARAMS: `highlight_regions=[220000]` becomes codes
        checked = params_mod.load(overrides={k: v for k, v in overrides.items() if k != "output_dir"})
        values.update(params_mod.notebook_values(checked, source))
        values.update({k: v for k, v in overrides.items() if k == "output_dir"})
    part = _unavailable_part(name, values)
    if part is not None:
        return _omit(name, source, values, part, build_dir)
    with atomic.staging_dir(build_dir, name) as staging:
        return _execute(name, source, values, declared, build_dir, staging, progress)


def _unavailable_part(name: str, values: dict):
    """The optional part (``preflight.Part``) this notebook is, if its inputs are missing; else None."""
    from neoutflow.data import preflight

    part_name = preflight.NOTEBOOK_PARTS.get(name)
    if part_name is None:
        return None
    years = values if {"base_year", "end_year", "study_region"} <= set(values) else _build_params() | values
    part = preflight.availability(years["base_year"], years["end_year"], region=years["study_region"])[part_name]
    return None if part.available else part


def _build_params() -> dict:
    """The parameters of this build (``build/params.json``, written by make before any notebook), else
    params.yaml's."""
    built = paths.BUILD / "params.json"
    return params_mod.load_json(built) if built.is_file() else params_mod.load().model_dump()


def _omit(name: str, source: Path, values: dict, part, build_dir: Path) -> Path:
    """Withdraw the outputs of the notebook's last run and publish it unexecuted, saying why."""
    import nbformat

    manifest = build_dir / "manifest" / f"{name}.json"
    if manifest.is_file():
        for rel in json.loads(manifest.read_text(encoding="utf-8")).get("outputs", {}):
            (build_dir / rel).unlink(missing_ok=True)
    nb = nbformat.read(str(source), as_version=4)
    nb.cells.insert(0, nbformat.v4.new_markdown_cell(f"**本笔记本未运行。** {part.reason()}", id="not-run"))
    target = build_dir / "notebooks" / f"{name}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_text(target, nbformat.writes(nb) + "\n")
    _write_manifest(manifest, name, values, {})
    print(f"==> {name} not run: {part.reason()}", flush=True)
    return target


def _publish_outputs(staging: Path, build_dir: Path) -> dict[str, str]:
    """Each kind of staged output (results, figures, tables) published into build/; their sha256 by name."""
    published = {}
    for kind in OUTPUT_KINDS:
        src_dir = staging / kind
        if not src_dir.is_dir():
            continue
        for f in sorted(src_dir.iterdir()):
            published[f"{kind}/{f.name}"] = hashlib.sha256(f.read_bytes()).hexdigest()
        atomic.publish(src_dir, build_dir / kind)
    return published


def _execute(
    name: str, source: Path, values: dict, declared: set, build_dir: Path, staging: Path, progress: bool
) -> Path:
    import papermill
    from papermill.exceptions import PapermillExecutionError

    if "output_dir" in declared:
        values["output_dir"] = str(staging.resolve())
    executed_dir = build_dir / "notebooks"
    executed_dir.mkdir(parents=True, exist_ok=True)
    partial = staging / f"{name}.ipynb"  # inside the staging folder: concurrent runs never share it
    failed = build_dir / "failed" / f"{name}.ipynb"  # outside build/notebooks: never linked or published

    def keep_failed() -> str:
        if not partial.exists():
            return ""
        failed.parent.mkdir(parents=True, exist_ok=True)
        _strip_timings(partial, staging, build_dir)
        partial.replace(failed)
        return f"; the partly executed notebook is kept at {_relative(failed)}"

    print(f"==> running notebook {name} with {values}", flush=True)
    clock = Stopwatch()
    # the loaders in the kernel note each data file they read (neoutflow.inputs)
    inputs_log = staging / ".inputs.log"
    os.environ[inputs.LOG_ENV] = str(inputs_log.resolve())
    current: dict = {}  # the cell being executed, for a kernel that dies without a traceback
    executed: set[int] = set()  # the cells run, for the done line

    def on_cell(cell, cell_index):
        current.update(index=cell_index, source=cell.source)
        executed.add(cell_index)

    try:
        papermill.execute_notebook(
            str(source),
            str(partial),
            parameters=values,
            kernel_name=KERNEL,
            kernel_manager_class=kernel_manager_class(),
            cwd=str(paths.ROOT),
            progress_bar=_show_progress_bar(progress),
            log_output=False,
            on_cell_execute=on_cell,
        )
    except PapermillExecutionError as exc:
        kept = keep_failed()
        raise NotebookFailed(
            f"notebook {_relative(source)} failed in cell {exc.cell_index} "
            f"(execution count {exc.exec_count}): {exc.ename}: {unstage(str(exc.evalue), staging, build_dir)}\n"
            f"previous outputs are unchanged{kept}"
        ) from None
    except Exception as exc:  # kernel died, bad parameters, ...
        cell = _running_cell(current)
        kept = keep_failed()
        raise NotebookFailed(
            f"notebook {_relative(source)} could not run{cell}: {type(exc).__name__}: "
            f"{unstage(str(exc), staging, build_dir)}\n"
            f"previous outputs are unchanged{kept}"
        ) from None
    read = inputs.read_log(inputs_log)
    inputs_log.unlink(missing_ok=True)
    strays = inputs.undeclared(name, read)
    if strays:
        kept = keep_failed()
        raise NotebookFailed(
            f"notebook {_relative(source)} read {', '.join(f'{inputs.RAW_DIR}/{f}' for f in strays)}, which "
            f"neoutflow.inputs.NOTEBOOK_INPUTS does not declare for {name}: add it there (make then reruns "
            f"{name} when the file changes)\nprevious outputs are unchanged{kept}"
        )
    # Success: publish staged outputs, then the executed notebook (the make target) last.
    published = _publish_outputs(staging, build_dir)
    _write_manifest(build_dir / "manifest" / f"{name}.json", name, values, published, read)
    failed.unlink(missing_ok=True)
    (executed_dir / f"{name}.failed.ipynb").unlink(missing_ok=True)  # left by older versions
    _strip_timings(partial, staging, build_dir)
    target = executed_dir / f"{name}.ipynb"
    partial.replace(target)
    print(f"==> {name} done in {clock}, {len(executed)} cells run", flush=True)
    return target


def _running_cell(current: dict) -> str:
    """' in cell N (first line …)' for the cell that was executing when the kernel died, if known."""
    if "index" not in current:
        return ""
    lines = str(current.get("source", "")).strip().splitlines()
    first = lines[0][:60] if lines else ""
    return f" in cell {current['index']} ({first!r}: the kernel died or was stopped while running it)"


def write_params(build_dir: Path | None = None, overrides: dict | None = None, dry_run: bool = False) -> list[Path]:
    """Recompute ``build/params.json`` and every ``build/params/<name>.json`` from params.yaml + overrides.

    Run by make on every build (so a file never outlives the parameters it was made from, whatever
    ran before); each file is rewritten only when its content changes, so only the notebooks whose
    parameters changed rerun. Returns the files written, or with ``dry_run`` (``make -n``, ``make -q``)
    writes nothing and returns the files that would be written.
    """
    build_dir = Path(build_dir or paths.BUILD)
    p = params_mod.load(overrides=overrides)
    wanted: list[tuple[Path, params_mod.Params | dict]] = [(build_dir / "params.json", p)]
    for source in sorted(paths.NOTEBOOKS.glob("[0-9]*.ipynb")):
        wanted.append((build_dir / "params" / f"{source.stem}.json", params_mod.notebook_values(p, source)))
    if dry_run:
        return [target for target, values in wanted if params_mod.differs(values, target)]
    return [target for target, values in wanted if params_mod.write_if_changed(values, target)]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("--write-params", "--stale-params"):
        # --stale-params (make -n / -q): validate, write nothing, print the files that would change
        dry_run = argv[0] == "--stale-params"
        try:
            written = write_params(overrides=params_mod.parse_overrides(argv[1:]), dry_run=dry_run)
        except params_mod.ParamsError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        for path in written:
            shown = path.relative_to(paths.ROOT) if path.is_relative_to(paths.ROOT) else path
            print(shown if dry_run else f"==> parameters changed; wrote {shown}")
        return 0
    if not argv or argv[0].startswith("-"):
        print(
            "usage: python -m neoutflow.pipeline.run_notebook NAME [key=value ...] [--build-dir DIR]\n"
            f"  with key=value overrides the outputs go to {HAND_BUILD}/ unless --build-dir is given",
            file=sys.stderr,
        )
        return 2
    build_dir = None
    if "--build-dir" in argv:
        i = argv.index("--build-dir")
        if i + 1 >= len(argv):
            print("error: --build-dir needs a folder", file=sys.stderr)
            return 2
        build_dir = Path(argv[i + 1])
        argv = argv[:i] + argv[i + 2 :]
    try:
        overrides = params_mod.parse_overrides(argv[1:])
        if overrides and build_dir is None:
            build_dir = paths.ROOT / HAND_BUILD
            print(
                f"==> hand run with overrides: outputs go to {HAND_BUILD}/ (build/ and the report are untouched; "
                f'`make report PARAMS="..."` changes the report)',
                flush=True,
            )
        run(argv[0], overrides, build_dir=build_dir)
    except (NotebookFailed, params_mod.ParamsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except PermissionError as exc:
        print(f"error: cannot write {exc.filename or exc}: the folder is not writable", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
