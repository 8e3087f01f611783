"""Read a Quarto project the way Quarto does, for the registry-only render route: ``_quarto.yml``
(render list, output folder, options per format) and each document's front matter. Options
merge in Quarto's order, later winning: project-wide, project per-format, document-wide,
document per-format; relative paths are resolved where they were written.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

import yaml

PROJECT_FILE = "_quarto.yml"
# Options that name files; resolved to absolute paths layer by layer.
PATH_KEYS = ("bibliography", "csl", "css", "include-in-header", "reference-doc")
# Keys that only steer Quarto itself, never passed on as document metadata.
NON_META_KEYS = ("project", "format", "execute", "jupyter", "engine")


class RenderConfigError(ValueError):
    """A project or front-matter setting the route cannot use (names file and key)."""


@dataclass(frozen=True)
class Document:
    path: Path  # absolute path of the .qmd
    front_matter: dict


@dataclass(frozen=True)
class Project:
    root: Path
    config: dict  # _quarto.yml as read (paths resolved)
    output_dir: Path
    documents: tuple[Document, ...]


# libyaml's safe loader when PyYAML has it (the same values, about 8 times faster on the
# 90 KB _variables.yml), else the pure-Python one
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_mapping(text: str, where: str) -> dict:
    """The YAML mapping in ``text`` (``{}`` when empty); ``where`` names it in errors."""
    try:
        data = yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise RenderConfigError(f"{where}: invalid YAML: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise RenderConfigError(f"{where}: expected a mapping, got {type(data).__name__}")
    return data


def front_matter(text: str, where: str) -> dict:
    """A document's ``---``-fenced YAML front matter (``{}`` without one); the body is
    read by pandoc (``report/qmd-reader.lua``)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        return {}
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return load_mapping("".join(lines[1:i]), f"{where} (front matter)")
    raise RenderConfigError(f"{where}: front matter opened with '---' on line 1 is never closed")


def _resolve_paths(options: dict, base: Path) -> dict:
    """Copy of ``options`` with file options made absolute relative to ``base``."""
    out = dict(options)

    def resolve(v):
        return str((base / v).resolve()) if isinstance(v, str) and "://" not in v else v

    for key in PATH_KEYS:
        if (value := out.get(key)) is not None:
            out[key] = [resolve(v) for v in value] if isinstance(value, list) else resolve(value)
    return out


def _formats(options: dict, where: str) -> dict[str, dict]:
    """Normalise ``format:`` (a name, a list of names or a mapping) to ``{name: options}``."""
    fmt = options.get("format")
    if fmt is None or isinstance(fmt, str | list):
        return {str(f): {} for f in as_list(fmt)}
    if isinstance(fmt, dict):
        out: dict[str, dict] = {}
        for name, value in fmt.items():
            if value in (None, "default"):
                out[str(name)] = {}
            elif isinstance(value, dict):
                out[str(name)] = value
            else:
                raise RenderConfigError(f"{where}: format '{name}' must be 'default' or a mapping of options")
        return out
    raise RenderConfigError(f"{where}: 'format' must be a name, a list or a mapping")


def deep_merge(*layers: dict) -> dict:
    """Merge mappings left to right; nested mappings merge, anything else is replaced."""
    out: dict = {}
    for layer in layers:
        for key, value in layer.items():
            if isinstance(value, dict) and isinstance(out.get(key), dict):
                out[key] = deep_merge(out[key], value)
            else:
                out[key] = copy.deepcopy(value)
    return out


def load_project(root: Path) -> Project:
    """Read ``_quarto.yml`` and the documents it renders."""
    root = Path(root).resolve()
    cfg_path = root / PROJECT_FILE
    if not cfg_path.is_file():
        raise RenderConfigError(f"{cfg_path}: not found (is {root} a Quarto project?)")
    config = load_mapping(cfg_path.read_text(encoding="utf-8"), str(cfg_path))
    project = config.get("project") or {}
    if not isinstance(project, dict):
        raise RenderConfigError(f"{cfg_path}: 'project' must be a mapping")
    output_dir = root / str(project.get("output-dir", "."))
    render = project.get("render")
    if not render:
        raise RenderConfigError(f"{cfg_path}: 'project: render:' must list the documents to render")
    docs = []
    for entry in render if isinstance(render, list) else [render]:
        matches = sorted(root.glob(str(entry))) if any(c in str(entry) for c in "*?[") else [root / str(entry)]
        if not matches or not all(m.is_file() for m in matches):
            raise RenderConfigError(f"{cfg_path}: 'project: render:' names {entry!r}, which does not exist")
        for m in matches:
            text = m.read_text(encoding="utf-8")
            docs.append(Document(m.resolve(), front_matter(text, str(m.relative_to(root)))))
    return Project(root, config, output_dir.resolve(), tuple(docs))


def document_formats(project: Project, doc: Document) -> list[str]:
    """Formats a document renders to, in the order they are declared."""
    merged = {**_formats(project.config, PROJECT_FILE), **_formats(doc.front_matter, str(doc.path))}
    if not merged:
        raise RenderConfigError(f"{doc.path}: no output format in {PROJECT_FILE} or the front matter")
    return list(merged)


def merged_options(project: Project, doc: Document, fmt: str) -> dict:
    """All options in force for ``doc`` rendered to ``fmt`` (Quarto's precedence)."""
    layers: list[dict] = []
    for options, base, where in (
        (project.config, project.root, str(project.root / PROJECT_FILE)),
        (doc.front_matter, doc.path.parent, str(doc.path)),
    ):  # each level: its metadata files, its general options, its options for ``fmt``
        general = _resolve_paths({k: v for k, v in options.items() if k not in NON_META_KEYS}, base)
        for_fmt = _resolve_paths(_formats(options, where).get(fmt, {}), base)
        layers += [*_metadata_files(general, base, where), general, for_fmt]
    return deep_merge(*layers)


def _metadata_files(options: dict, base: Path, where: str) -> list[dict]:
    """The mappings of the layer's ``metadata-files`` (Quarto merges them under the layer that names them)."""
    out = []
    for name in as_list(options.get("metadata-files")):
        path = (Path(base) / str(name)).resolve()
        if not path.is_file():
            raise RenderConfigError(
                f"{where}: 'metadata-files' names {name}, which does not exist"
                " (the release step, `python -m neoutflow.pipeline.release`, writes the report's metadata files)"
            )
        out.append(load_mapping(path.read_text(encoding="utf-8"), str(path)))
    return out


def as_list(value) -> list:
    return [] if value is None else list(value) if isinstance(value, list | tuple) else [value]
