"""The registry-only render route: pandoc (pypandoc-binary) + Typst (typst wheel).

For one document and one format (``typst`` → PDF, ``html`` → HTML):

1. merge the options (:mod:`render_config`) and expand shortcodes
   (:mod:`render_shortcodes`);
2. pandoc reads the Markdown into its AST;
3. panflute filters number figures, tables and sections, resolve ``@fig-``/
   ``@tbl-``/``@sec-`` references (:mod:`filters.crossref`), check every cited
   key is in the bibliography and that every image exists;
4. pandoc writes Typst (with the package's template) or standalone HTML, with
   citeproc and the CSL style;
5. for PDF, the ``typst`` package compiles with the CJK font folders.

Everything is written into a work folder given by the caller.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import panflute as pf
import yaml

from neoutflow.fonts import MONO, SANS, SERIF
from neoutflow.render import cache, markdown, webfont
from neoutflow.render.config import Document, Project, merged_options
from neoutflow.render.filters import crossref, typeset
from neoutflow.render.shortcodes import expand

TEMPLATES = Path(__file__).parent / "templates"
TYPST_TEMPLATE = TEMPLATES / "report.typ"
# Pandoc's Markdown as Quarto reads it, plus: a line break between two CJK
# characters is no space (authors may wrap Chinese paragraphs).
READER = "markdown+east_asian_line_breaks"
# Front-matter keys handed to pandoc as document metadata.
META_KEYS = (
    "title",
    "subtitle",
    "author",
    "date",
    "abstract",
    "keywords",
    "bibliography",
    "csl",
    "nocite",
    "link-citations",
    "reference-section-title",
)
EXTENSIONS = {"typst": "pdf", "html": "html"}
BENIGN_WARNINGS = ("Could not load translations for", "has no translation defined")


class RouteError(RuntimeError):
    """A failure in the registry-only route; the message says what and where."""


class Shared:
    """Work the jobs of one render share: a step with the same inputs in two jobs (pandoc reading
    the same Markdown for the PDF and the HTML) runs once; a job asking while another computes
    it waits for that result (or its error)."""

    def __init__(self, pdf_first: bool = False) -> None:
        self._lock = threading.Lock()
        self._results: dict[tuple, Future] = {}
        # The PDF job is the longer one (Typst compiles after pandoc has written the Typst
        # source), so with ``pdf_first`` the other jobs begin their Python steps (which share
        # one interpreter lock) only once a PDF job has handed its document to pandoc.
        self.pdf_first = pdf_first
        self.pdf_prepared = threading.Event()

    def once(self, key: tuple, compute: Callable[[], object]):
        with self._lock:
            future = self._results.get(key)
            mine = future is None
            if future is None:
                future = self._results[key] = Future()
        if mine:
            try:
                future.set_result(compute())
            except BaseException as exc:  # handed to every job that asks
                future.set_exception(exc)
        return future.result()


@dataclass(frozen=True)
class Job:
    """One document rendered to one format."""

    project: Project
    document: Document
    fmt: str
    variables: dict  # _variables.yml
    date: str | None  # the date shown, when the document does not set one
    epoch: int  # PDF creation time (SOURCE_DATE_EPOCH)
    shared: Shared = field(default_factory=Shared, compare=False)  # with the render's other jobs


def pandoc_path() -> str:
    try:
        import pypandoc
    except ImportError as exc:
        raise RouteError("pypandoc-binary is not installed (pip install -r requirements.txt)") from exc
    return pypandoc.get_pandoc_path()


def pandoc_version() -> str:
    import pypandoc

    return pypandoc.get_pandoc_version()


def typst_version() -> str:
    return metadata.version("typst")


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


def run_pandoc(args: list[str], stdin: str, cwd: Path, step: str) -> str:
    """Run pandoc; its warnings are errors, so a bad input never passes silently."""
    proc = subprocess.run(
        [pandoc_path(), *args], input=stdin, capture_output=True, text=True, encoding="utf-8", cwd=cwd
    )
    if proc.returncode != 0:
        raise RouteError(f"pandoc ({step}) failed:\n{proc.stderr.strip()}")
    warnings = pandoc_warnings(proc.stderr)
    if warnings:
        raise RouteError(f"pandoc ({step}) warned (warnings are errors):\n" + "\n".join(warnings))
    return proc.stdout


def bibliography_keys(files: list[str], cwd: Path) -> set[str]:
    """The entry keys of the bibliography files, read by pandoc (as CSL JSON); kept in the
    render cache by the file's bytes and pandoc's version."""
    keys: set[str] = set()
    for f in files:
        path = Path(cwd) / f
        if not path.is_file():
            raise RouteError(f"bibliography file not found: {f}")

        def read(f=f) -> bytes:
            out = run_pandoc([f, "-t", "csljson"], "", cwd, f"reading {Path(f).name}")
            return json.dumps(sorted(item["id"] for item in json.loads(out))).encode("utf-8")

        digest = cache.key(path.read_bytes(), path.suffix, pandoc_version())
        keys.update(json.loads(cache.memo("bibliography-keys", digest, read)))
    return keys


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _lang(options: dict) -> tuple[str, str | None]:
    """``('zh', 'cn')`` from ``lang: zh`` or ``zh-CN``; a bare ``zh`` means Simplified (mainland)."""
    lang = str(options.get("lang", "en"))
    base, _, region = lang.replace("_", "-").partition("-")
    if base == "zh" and not region:
        region = "CN"
    return base.lower(), (region.lower() or None)


def _locator(sources: list[Path], root: Path):
    """A function giving ``file:line`` for every use of ``@label`` in the sources."""

    def locate(label: str) -> list[str]:
        hits = []
        for src in dict.fromkeys(sources):
            for n, line in enumerate(src.read_text(encoding="utf-8-sig").splitlines(), 1):
                if "@" + label in line:
                    try:
                        name = src.relative_to(root)
                    except ValueError:
                        name = src
                    hits.append(f"{name}:{n}")
        return hits

    return locate


def _images(doc: pf.Doc, base: Path, root: Path, fmt: str) -> None:
    """Check every local image exists; point Typst at it from the project root (its sandbox)."""

    def action(elem, doc):
        if not isinstance(elem, pf.Image) or "://" in elem.url or elem.url.startswith("data:"):
            return
        path = (base / elem.url).resolve()
        if not path.is_file():
            raise RouteError(
                f"image not found: {elem.url} (looked for {path}); "
                "figures come from the notebooks: run `make notebooks`"
            )
        if fmt == "typst":
            try:
                elem.url = "/" + path.relative_to(root).as_posix()
            except ValueError:
                raise RouteError(f"image {path} is outside the project {root}; Typst cannot read it") from None
        else:
            elem.url = str(path)

    doc.walk(action)


def _table_widths(doc: pf.Doc, setting) -> None:
    """Quarto's ``tbl-colwidths``: ``false`` drops the widths pandoc derives from a wide
    pipe table's dashes (the engine sizes columns to their content), a list of
    percentages sets them; ``true``/``auto`` keep pandoc's."""
    if setting is None or setting is True or setting == "auto":
        return
    if setting is not False and not (isinstance(setting, list) and all(isinstance(w, (int, float)) for w in setting)):
        raise RouteError(f"tbl-colwidths must be true, false, auto or a list of percentages, not {setting!r}")

    def action(elem, doc):
        if isinstance(elem, pf.Table):
            if setting is False:
                elem.colspec = [(align, "ColWidthDefault") for align, _ in elem.colspec]
            elif len(setting) == len(elem.colspec):
                elem.colspec = [(align, w / 100) for (align, _), w in zip(elem.colspec, setting)]
            else:
                raise RouteError(
                    f"tbl-colwidths gives {len(setting)} widths for a table of "
                    f"{len(elem.colspec)} columns (#{elem.identifier or 'unlabelled'})"
                )

    doc.walk(action)


def _header_includes(options: dict, base: Path) -> list[str]:
    """Quarto's ``include-in-header`` (``text:`` or file entries) as raw text."""
    out = []
    for item in _as_list(options.get("include-in-header")):
        if isinstance(item, dict) and "text" in item:
            out.append(str(item["text"]))
        elif isinstance(item, dict) and "file" in item:
            out.append((base / str(item["file"])).read_text(encoding="utf-8"))
        elif isinstance(item, str):
            out.append((base / item).read_text(encoding="utf-8"))
    return out


def pandoc_metadata(job: Job, options: dict) -> dict:
    """The metadata block pandoc reads with the body (title, author, references...)."""
    meta = {k: options[k] for k in META_KEYS if k in options}
    if "author" in meta:  # Quarto's author objects ({name: ..., affiliations: ...}) → names
        meta["author"] = [a.get("name", "") if isinstance(a, dict) else a for a in _as_list(meta["author"])]
    if job.date and str(meta.get("date", "")) in ("", "today", "now", "last-modified"):
        meta["date"] = job.date
    base, region = _lang(options)
    meta["lang"] = f"{base}-{region.upper()}" if region else base
    if "reference-section-title" not in meta:
        lang_opts = options.get("language") or {}
        meta["reference-section-title"] = lang_opts.get(
            "section-title-references", "参考文献" if base == "zh" else "References"
        )
    if "bibliography" in meta:
        meta.setdefault("link-citations", True)
    return meta


def prepare_ast(job: Job) -> tuple[pf.Doc, dict]:
    """Expanded, parsed and cross-referenced document, plus the options in force."""
    project, doc = job.project, job.document
    options = merged_options(project, doc, job.fmt)
    expanded = expand(doc.path, project.root, job.variables, options, job.fmt, text=doc.body, first_line=doc.body_line)
    meta = pandoc_metadata(job, options)
    source = "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=True) + "---\n\n" + expanded.text
    # The PDF's and the HTML's sources are the same text unless a shortcode or option differs:
    # then pandoc reads it once for both.
    ast_json = job.shared.once(
        ("read", source, str(doc.path.parent)),
        lambda: markdown.read(
            source,
            READER,
            pandoc_version(),
            lambda text: run_pandoc(["-f", READER, "-t", "json"], text, doc.path.parent, "reading Markdown"),
        ),
    )
    ast = pf.load(io.StringIO(ast_json))
    locate = _locator(expanded.sources, project.root)
    try:
        crossref.apply(ast, crossref.CrossrefStyle.from_options(options), locate)
    except crossref.CrossrefError as exc:
        raise RouteError(f"{doc.path.name}: {exc}") from None
    cited = crossref.citation_keys(ast)
    if cited:
        bib = _as_list(options.get("bibliography"))
        if not bib:
            raise RouteError(f"{doc.path.name} cites @{cited[0]} but no bibliography is set")
        known = bibliography_keys(bib, doc.path.parent)
        missing = [k for k in cited if k not in known]
        if missing:
            where = ", ".join(locate(missing[0])) or doc.path.name
            raise RouteError(
                f"citation @{missing[0]} (used at {where}) is not in "
                f"{', '.join(Path(b).name for b in bib)}"
                + (f"; also missing: {', '.join(missing[1:])}" if missing[1:] else "")
            )
    _images(ast, doc.path.parent, project.root, job.fmt)
    _table_widths(ast, options.get("tbl-colwidths"))
    typeset.apply(ast, job.fmt)
    return ast, options


def _dump(ast: pf.Doc) -> str:
    buf = io.StringIO()
    pf.dump(ast, buf)
    return buf.getvalue()


def _citeproc_args(options: dict) -> list[str]:
    if not options.get("bibliography"):
        return []
    csl = options.get("csl")
    if csl and not Path(csl).is_file():
        raise RouteError(f"CSL style not found: {csl}")
    return ["--citeproc"]


def _typst_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def write_typst(job: Job, ast: pf.Doc, options: dict, workdir: Path) -> Path:
    """Pandoc AST → Typst source, with the package's template."""
    base, region = _lang(options)
    authors = [a.get("name", "") if isinstance(a, dict) else str(a) for a in _as_list(options.get("author"))]
    variables = {
        "papersize": str(options.get("papersize", "a4")),
        "mainfont": str(options.get("mainfont", SERIF)),
        "sansfont": str(options.get("sansfont", SANS)),
        "monofont": str(options.get("monofont", MONO)),
        "fontsize": str(options.get("fontsize", "10.5pt")),
        "lang": base,  # Typst wants the language and region apart: zh, cn
        "region": region or "",
        "toc-depth": str(options.get("toc-depth", 2)),
        "toc-title": str(
            options.get("toc-title")
            or (options.get("language") or {}).get("toc-title-document", "目录" if base == "zh" else "Contents")
        ),
    }
    args = ["-f", "json", "-t", "typst", "--wrap=none", f"--template={TYPST_TEMPLATE}"]
    args += [f"--variable={k}:{v}" for k, v in variables.items()]
    args += [f"--variable=pdf-author:{_typst_escape(a)}" for a in authors if a]
    if options.get("toc"):
        args.append("--variable=toc:true")
    for raw in _header_includes(options, job.document.path.parent):
        args.append(f"--variable=header-includes:{raw}")
    args += _citeproc_args(options)
    typ = run_pandoc(args, _dump(ast), job.document.path.parent, "writing Typst")
    path = workdir / (job.document.path.stem + ".typ")
    path.write_text(typ, encoding="utf-8")
    return path


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
    assert isinstance(pdf, bytes)  # format="pdf": one document, not a page list
    out.write_bytes(pdf)
    return out


def _screen_images(ast: pf.Doc, folder: Path) -> None:
    """Point the HTML's figures at downscaled, palette-compressed copies (see :mod:`.webfont`).

    The copies are made side by side (image encoding runs outside Python's lock)."""
    images = []

    def collect(elem, doc):
        if isinstance(elem, pf.Image) and elem.url.lower().endswith(".png") and Path(elem.url).is_file():
            images.append(elem)

    ast.walk(collect)
    sources = sorted({Path(e.url) for e in images})
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        made = dict(zip(sources, pool.map(lambda src: webfont.compress_png(src, folder / src.name), sources)))
    for elem in images:
        elem.url = str(made[Path(elem.url)])


def write_html(job: Job, ast: pf.Doc, options: dict, out: Path) -> Path:
    """Pandoc AST → one self-contained HTML file: compressed figures, MathML (no script, no
    network), and the subset CJK web fonts embedded."""
    _screen_images(ast, out.parent / "html-images")
    args = [
        "-f",
        "json",
        "-t",
        "html5",
        "--standalone",
        "--embed-resources",
        "--mathml",
        "--wrap=none",
        "--section-divs",
        f"--output={out}",
    ]
    if options.get("toc"):
        base, _ = _lang(options)
        title = options.get("toc-title") or (options.get("language") or {}).get(
            "toc-title-document", "目录" if base == "zh" else "Contents"
        )
        args += ["--toc", f"--toc-depth={options.get('toc-depth', 3)}", f"--metadata=toc-title:{title}"]
    for css in _as_list(options.get("css")):
        if not Path(css).is_file():
            raise RouteError(f"CSS file not found: {css}")
        args.append(f"--css={css}")
    for raw in _header_includes(options, job.document.path.parent):
        args.append(f"--variable=header-includes:{raw}")
    args += _citeproc_args(options)
    run_pandoc(args, _dump(ast), job.document.path.parent, "writing HTML")
    webfont.embed_fonts(out)
    return out


def output_name(doc: Document, options: dict) -> str:
    """``output-file`` without extension (Quarto adds the format's), else the document's stem."""
    name = str(options.get("output-file") or doc.path.stem)
    return Path(name).stem if Path(name).suffix in (".pdf", ".html") else name


def render_job(job: Job, workdir: Path, font_dirs: list[Path]) -> Path:
    """Render one document to one format inside ``workdir``; return the output file."""
    if job.fmt not in EXTENSIONS:
        raise RouteError(
            f"format '{job.fmt}' of {job.document.path.name} is not supported by the "
            f"registry-only route (supported: {', '.join(EXTENSIONS)}); install Quarto"
        )
    if job.fmt == "typst":
        try:
            ast, options = prepare_ast(job)
        finally:  # success or not, the other jobs go on
            job.shared.pdf_prepared.set()
    else:
        if job.shared.pdf_first:
            job.shared.pdf_prepared.wait()
        ast, options = prepare_ast(job)
    out = workdir / f"{output_name(job.document, options)}.{EXTENSIONS[job.fmt]}"
    if job.fmt == "typst":
        typ = write_typst(job, ast, options, workdir)
        return compile_pdf(typ, job.project.root, out, job.epoch, font_dirs)
    return write_html(job, ast, options, out)


def environment_note() -> str:
    return f"pandoc {pandoc_version()} from pypandoc-binary, typst {typst_version()}"
