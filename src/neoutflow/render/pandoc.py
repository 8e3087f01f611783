"""The registry-only render route: pandoc (pypandoc-binary) + Typst (typst wheel).

One pandoc run per document and format does what Quarto does, with the report's own Lua code in
``report/`` (Python only passes the options on and runs the programs):
``qmd-reader.lua`` reads the ``.qmd`` with its includes; ``quarto-compat.lua`` stands in for
Quarto (conditional blocks, shortcodes, numbering, Chinese cross-references, checks naming every
file:line of a broken reference); ``typeset.lua`` (the typesetting rules Quarto runs too) and,
for Typst, ``typst-tables.lua``. Pandoc then writes Typst with the Typst partials Quarto also
uses (compiled by the ``typst`` package with the CJK font folders), standalone HTML (finished by
:mod:`.webfont`) or Word with ``report/reference.docx``, with citeproc and the CSL style.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import yaml

from neoutflow.fonts import MONO, SANS, SERIF
from neoutflow.render import webfont
from neoutflow.render.config import Document, Project, as_list, merged_options

TEMPLATE = Path(__file__).parent / "templates" / "report.typ"
LUA = Path(__file__).resolve().parents[3] / "report"  # the report's Lua code, shared with Quarto
READER = LUA / "qmd-reader.lua"
FILTERS = {
    "typst": ["quarto-compat.lua", "typeset.lua", "front-matter.lua", "typst-tables.lua"],
    "html": ["quarto-compat.lua", "typeset.lua", "front-matter.lua", "html-extras.lua"],
    "docx": ["quarto-compat.lua", "typeset.lua", "front-matter.lua"],
}
# Front-matter keys handed to pandoc as document metadata (all options go to the filters).
META_KEYS = tuple(
    "title subtitle author date abstract keywords subject bibliography csl nocite link-citations reference-section-title".split()
)
EXTENSIONS = {"typst": "pdf", "html": "html", "docx": "docx"}
BENIGN_WARNINGS = ("Could not load translations for", "has no translation defined")


class RouteError(RuntimeError):
    """A failure in the registry-only route; the message says what and where."""


@dataclass(frozen=True)
class Job:
    """One document rendered to one format."""

    project: Project
    document: Document
    fmt: str
    variables: dict  # _variables.yml
    date: str | None  # the date shown, when the document does not set one
    epoch: int  # PDF creation time (SOURCE_DATE_EPOCH)


def environment_note() -> str:
    import pypandoc

    return f"pandoc {pypandoc.get_pandoc_version()} from pypandoc-binary, typst {metadata.version('typst')}"


def pandoc_warnings(stderr: str) -> list[str]:
    """Pandoc's ``[WARNING]`` messages (with their continuation lines), minus the
    benign ones: pandoc ships no Chinese translation file for its own few terms."""
    blocks: list[str] = []
    for line in stderr.splitlines():
        if line.startswith("[WARNING]"):
            blocks.append(line.removeprefix("[WARNING]").strip())
        elif blocks and line.startswith(" "):
            blocks[-1] += " " + line.strip()
    return [b for b in blocks if not any(s in b for s in BENIGN_WARNINGS)]


def run_pandoc(args: list[str], stdin: str, cwd: Path, step: str, env: dict | None = None) -> str:
    """Run pandoc; its warnings are errors, so a bad input never passes silently. An error of
    the report's Lua code ("neoutflow: …") is given as it is."""
    import pypandoc

    pandoc, env = pypandoc.get_pandoc_path(), {**os.environ, **(env or {})}
    proc = subprocess.run(
        [pandoc, *args], input=stdin, capture_output=True, text=True, encoding="utf-8", cwd=cwd, env=env
    )
    if proc.returncode != 0:
        ours = re.search(r"neoutflow: (.*)", proc.stderr)
        raise RouteError(ours.group(1) if ours else f"pandoc ({step}) failed:\n{proc.stderr.strip()}")
    warnings = pandoc_warnings(proc.stderr)
    if warnings:
        raise RouteError(f"pandoc ({step}) warned (warnings are errors):\n" + "\n".join(warnings))
    return proc.stdout


def _lang(options: dict) -> tuple[str, str | None]:
    """``('zh', 'cn')`` from ``lang: zh`` or ``zh-CN``; a bare ``zh`` means Simplified (mainland)."""
    lang = str(options.get("lang", "en"))
    base, _, region = lang.replace("_", "-").partition("-")
    if base == "zh" and not region:
        region = "CN"
    return base.lower(), (region.lower() or None)


def _term(options: dict, key: str, zh: str, en: str) -> str:
    """A term from ``language:`` (Quarto's translation keys), else the document language's default."""
    return str((options.get("language") or {}).get(key, zh if _lang(options)[0] == "zh" else en))


def _toc_title(options: dict) -> str:
    return str(options.get("toc-title") or _term(options, "toc-title-document", "目录", "Contents"))


def pandoc_metadata(job: Job, options: dict) -> dict:
    """The metadata pandoc reads with the body (title, author, references...)."""
    meta = {k: options[k] for k in META_KEYS if k in options}
    if "author" in meta:  # Quarto's author objects ({name: ..., affiliations: ...}) → names
        meta["author"] = [a.get("name", "") if isinstance(a, dict) else a for a in as_list(meta["author"])]
    if job.date and str(meta.get("date", "")) in ("", "today", "now", "last-modified"):
        meta["date"] = job.date
    base, region = _lang(options)
    meta["lang"] = f"{base}-{region.upper()}" if region else base
    meta.setdefault("reference-section-title", _term(options, "section-title-references", "参考文献", "References"))
    if "bibliography" in meta:
        meta.setdefault("link-citations", True)
        for bib in as_list(meta["bibliography"]):
            if not Path(bib).is_file():
                raise RouteError(f"bibliography file not found: {bib}")
    csl = options.get("csl")
    if csl and not Path(csl).is_file():
        raise RouteError(f"CSL style not found: {csl}")
    return meta


def _text(value):
    """Shortcode values as Quarto prints them: ``true``/``false``, empty for null, else ``str``."""
    if isinstance(value, dict):
        return {str(k): _text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_text(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def route_context(job: Job, options: dict, workdir: Path) -> dict[str, str]:
    """The environment of the Lua code: the options, variables and paths it needs."""
    context = {"root": str(job.project.root), "options": options, "variables": _text(job.variables)}
    path = workdir / "route.json"
    path.write_text(json.dumps(context, ensure_ascii=False, default=str), encoding="utf-8")
    src = str(Path(__file__).resolve().parents[2])  # for python -m neoutflow.render.webfont
    pythonpath = os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")]))
    return {"NEOUTFLOW_ROUTE": str(path), "NEOUTFLOW_ROOT": str(job.project.root), "PYTHONPATH": pythonpath}


def read_document(document: Document, root: Path, out: Path) -> Path:
    """The document as :data:`READER` reads it, as pandoc's JSON in ``out``: read once, every format's job
    starts from it (the same outputs, without parsing the report once per format)."""
    args = [str(document.path), "-f", str(READER), "-t", "json"]
    out.write_text(
        run_pandoc(args, "", document.path.parent, "reading", {"NEOUTFLOW_ROOT": str(root)}), encoding="utf-8"
    )
    return out


def pandoc_args(job: Job, options: dict, workdir: Path, source: Path | None = None) -> list[str]:
    """Reader (or ``source``, the document :func:`read_document` read), filters, metadata, writer options."""
    meta_file = workdir / "metadata.yml"
    meta = pandoc_metadata(job, options)
    # paths on the command line, taken literally (read as Markdown in the file, "a-_b_" lost its underscores)
    files = [f"--bibliography={b}" for b in as_list(meta.pop("bibliography", None))]
    files += [f"--csl={c}" for c in as_list(meta.pop("csl", None))]
    meta_file.write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
    reader = [str(source), "-f", "json"] if source is not None else [str(job.document.path), "-f", str(READER)]
    args = [*reader, f"--metadata-file={meta_file}", *files, "--wrap=none"]
    args += [f"--lua-filter={LUA / name}" for name in FILTERS[job.fmt]]
    if options.get("bibliography"):
        args.append("--citeproc")
    if job.fmt == "typst":
        base, region = _lang(options)
        variables = {
            "papersize": options.get("papersize", "a4"),
            "mainfont": options.get("mainfont", SERIF),
            "sansfont": options.get("sansfont", SANS),
            "monofont": options.get("monofont", MONO),
            "fontsize": options.get("fontsize", "10.5pt"),
            "lang": base,  # Typst wants the language and region apart: zh, cn
            "region": region or "",
            "toc-depth": options.get("toc-depth", 2),
            "toc-title": _toc_title(options),
        }
        args += ["-t", "typst", f"--template={TEMPLATE}", *(f"--variable={k}:{v}" for k, v in variables.items())]
        return args + (["--variable=toc:true"] if options.get("toc") else [])
    if options.get("toc"):
        args += ["--toc", f"--toc-depth={options.get('toc-depth', 3)}", f"--metadata=toc-title:{_toc_title(options)}"]
    if job.fmt == "docx":  # the styles (fonts, three-line tables, captions) are the reference document's
        return [*args, "-t", "docx", *(f"--reference-doc={d}" for d in as_list(options.get("reference-doc")))]
    args += ["-t", "html5", "--standalone", "--embed-resources", "--mathml", "--section-divs"]
    for css in as_list(options.get("css")):
        if not Path(css).is_file():
            raise RouteError(f"CSS file not found: {css}")
        args.append(f"--css={css}")
    return args


def compile_pdf(typ: Path, root: Path, out: Path, epoch: int, font_dirs: list[Path]) -> Path:
    """Typst source → PDF, with only the given fonts (no system fonts: same PDF everywhere)."""
    import typst

    try:
        compiler = typst.Compiler(root=str(root), font_paths=[str(d) for d in font_dirs], ignore_system_fonts=True)
        pdf, warnings = compiler.compile_with_warnings(input=typ.read_bytes(), format="pdf", timestamp=epoch)
    except typst.TypstError as exc:
        detail = "\n".join(filter(None, [exc.message, getattr(exc, "diagnostic", ""), *exc.hints]))
        raise RouteError(f"typst could not compile {typ.name}:\n{detail}") from None
    if warnings:
        raise RouteError(
            f"typst warned while compiling {typ.name} (warnings are errors): " + "; ".join(w.message for w in warnings)
        )
    assert isinstance(pdf, bytes), "a single PDF, not one image per page"
    out.write_bytes(pdf)
    return out


def output_name(doc: Document, options: dict) -> str:
    """``output-file`` without extension (Quarto adds the format's), else the document's stem."""
    name = str(options.get("output-file") or doc.path.stem)
    return Path(name).stem if Path(name).suffix in (".pdf", ".html") else name


def render_job(job: Job, workdir: Path, font_dirs: list[Path], source: Path | None = None) -> Path:
    """Render one document (``source``: as read by :func:`read_document`) to one format inside ``workdir``."""
    if job.fmt not in EXTENSIONS:
        raise RouteError(
            f"format '{job.fmt}' of {job.document.path.name} is not supported by the "
            f"registry-only route (supported: {', '.join(EXTENSIONS)}); install Quarto"
        )
    if not READER.is_file():
        raise RouteError(f"the report's Lua filters are missing: {READER} not found")
    options = merged_options(job.project, job.document, job.fmt)
    env = route_context(job, options, workdir)
    args = pandoc_args(job, options, workdir, source)
    out = workdir / f"{output_name(job.document, options)}.{EXTENSIONS[job.fmt]}"
    step = f"writing {'Typst' if job.fmt == 'typst' else job.fmt.upper()}"
    if job.fmt == "typst":
        typ = workdir / f"{job.document.path.stem}.typ"
        typ.write_text(run_pandoc(args, "", job.document.path.parent, step, env), encoding="utf-8")
        return compile_pdf(typ, job.project.root, out, job.epoch, font_dirs)
    run_pandoc([*args, f"--output={out}"], "", job.document.path.parent, step, env)
    return webfont.finish_html(out) if job.fmt == "html" else out
