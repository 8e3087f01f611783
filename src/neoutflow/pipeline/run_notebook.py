"""Run one numbered notebook with papermill, atomically.

``python -m neoutflow.pipeline.run_notebook 01_outflow`` executes ``notebooks/01_outflow.ipynb``
with the parameters in ``build/params/01_outflow.json`` (those of params.yaml
that the notebook's ``parameters`` cell declares) and its ``output_dir`` pointed at a staging folder. Only when
every cell succeeds are the executed notebook and the staged results, figures
and tables moved into ``build/``; a failure leaves the previous outputs as they
were, names the cell and the exception, and keeps the partly executed notebook.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from pathlib import Path

from neoutflow import atomic, paths
from neoutflow import params as params_mod

KERNEL = "neoutflow"
OUTPUT_KINDS = ("results", "figures", "tables")


class NotebookFailed(RuntimeError):
    pass


def _write_manifest(path: Path, name: str, values: dict, published: dict) -> None:
    """Record which outputs a notebook made (for the report's figure/table map)."""
    shown = {k: v for k, v in values.items() if k != "output_dir"}
    record = {"notebook": f"notebooks/{name}.ipynb", "parameters": shown, "outputs": published}
    atomic.write_text(path, json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n")


def _strip_timings(path: Path, staging: Path | None = None, published_as: str = "build") -> None:
    """Drop execution timestamps and random cell ids that papermill and nbclient record, and write the
    per-run staging folder as the folder the outputs are published to, so that the same inputs give the
    same executed notebook bytes and the notebook carries no absolute path of this machine."""
    import nbformat

    text = path.read_text(encoding="utf-8")
    if staging is not None:
        for form in {str(staging.resolve()), str(staging)}:
            text = text.replace(form, published_as)
    nb = nbformat.reads(text, as_version=4)
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
    values.update(overrides or {})
    with atomic.staging_dir(build_dir, name) as staging:
        return _execute(name, source, values, declared, build_dir, staging, progress)


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
    failed = executed_dir / f"{name}.failed.ipynb"
    print(f"==> running notebook {name} with {values}", flush=True)
    start = time.perf_counter()
    try:
        papermill.execute_notebook(
            str(source),
            str(partial),
            parameters=values,
            kernel_name=KERNEL,
            cwd=str(paths.ROOT),
            progress_bar=progress,
            log_output=False,
        )
    except PapermillExecutionError as exc:
        partial.replace(failed)
        raise NotebookFailed(
            f"notebook {source.relative_to(paths.ROOT)} failed in cell {exc.cell_index} "
            f"(execution count {exc.exec_count}): {exc.ename}: {exc.evalue}\n"
            f"the partly executed notebook is kept at {failed}; previous outputs are unchanged"
        ) from None
    except Exception as exc:  # kernel died, bad parameters, ...
        if partial.exists():
            partial.replace(failed)
        raise NotebookFailed(f"notebook {source} could not run: {type(exc).__name__}: {exc}") from None
    # Success: publish staged outputs, then the executed notebook (the make target) last.
    published = {}
    for kind in OUTPUT_KINDS:
        src_dir = staging / kind
        if not src_dir.is_dir():
            continue
        for f in sorted(src_dir.iterdir()):
            published[f"{kind}/{f.name}"] = hashlib.sha256(f.read_bytes()).hexdigest()
        atomic.publish(src_dir, build_dir / kind)
    _write_manifest(build_dir / "manifest" / f"{name}.json", name, values, published)
    failed.unlink(missing_ok=True)
    _strip_timings(
        partial, staging, os.path.relpath(build_dir, paths.ROOT) if build_dir.is_relative_to(paths.ROOT) else "build"
    )
    target = executed_dir / f"{name}.ipynb"
    partial.replace(target)
    print(f"==> {name} done in {time.perf_counter() - start:.1f} s", flush=True)
    return target


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        print("usage: python -m neoutflow.pipeline.run_notebook NAME [key=value ...]", file=sys.stderr)
        return 2
    try:
        run(argv[0], params_mod.parse_overrides(argv[1:]))
    except (NotebookFailed, params_mod.ParamsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
