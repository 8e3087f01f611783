"""Every example command of README.md's and data/README.md's sections on updating the data, run as written.

The commands are read from the sections themselves (lines of the fenced blocks; inline code that starts with
``make `` or ``python -m ``, except synopses with ``[…]`` or ``…``), so a command added to the docs is run
here too. They run in order on a scratch copy of the project (``make`` as a user would, ``python -m`` with
the copy's interpreter). The files they name are written by the test — SYNTHETIC DATA, FOR THIS TEST ONLY:
a portal export of 2024 natural growth rates equal to the 2023 figures, a made-up 2030 census county
table (:func:`official_files.synthetic_census_table`) and communiqué table 6-1 (:func:`official_files.table_61`). Imported alone, those leave the new years short of
other inputs, so ``check-inputs`` and ``report`` must stop before any notebook, listing what is missing.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess

import pandas as pd
import pytest
from official_files import synthetic_census_table, table_61
from project_copy import copy_project, run_make

from neoutflow import paths

SECTIONS = {"README.md": "## Updating the data", "data/README.md": "## How to add a new census"}
READ = {"dtype": {"code": str}, "keep_default_na": False}
# What each command must do on the walk-through's synthetic files: exit status 0, or stop (non-zero) on the
# inputs the new years still lack.
SUCCEEDS = {"import", "data", "neoutflow.data.record", "neoutflow.data.importer"}
STOPS_ON_MISSING = {"check-inputs", "report", "neoutflow.data.preflight"}  # when naming the new years
NEW_YEARS = "end_year=2030"
# Named in the prose but run elsewhere: the default build is the session's built copy (tests/integration/conftest.py);
# `make extract` is for developers with ../shared/sources (tests/import/test_data_extract.py runs the extraction).
RUN_ELSEWHERE = {"make report", "make extract"}


def section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return text[start : end if end >= 0 else None]


def example_commands(text: str) -> list[str]:
    """The commands of one section, in order, each once."""
    found: list[tuple[int, str]] = []
    for block in re.finditer(r"```[a-z]*\n(.*?)```", text, flags=re.S):
        for line in block.group(1).splitlines():
            line = line.split(" #")[0].strip()
            if line and not line.startswith("#"):
                found.append((block.start(), line))
    prose = re.sub(r"```.*?```", lambda m: " " * len(m.group()), text, flags=re.S)
    for span in re.finditer(r"`([^`]+)`", prose):
        command = " ".join(span.group(1).split())
        if command.startswith(("make ", "python -m ")) and not re.search(r"\[|…", command):
            found.append((span.start(), command))
    ordered = [c for _, c in sorted(found, key=lambda x: x[0])]
    return list(dict.fromkeys(ordered))


def command_name(words: list[str]) -> str:
    """``make <target>`` → the target; ``python -m <module>`` → the module."""
    return words[1] if words[0] == "make" else words[2]


def test_the_parser_finds_fenced_and_inline_commands():
    text = (
        "## Updating the data\n```sh\n# a comment\nmake import FILE=a.xls   # dry run\n```\n"
        'Then `make check-inputs PARAMS="base_year=2020\n   end_year=2030"`, not `make import FILE=… [APPLY=1]`,'
        " and `python -m neoutflow.data.record`; `APPLY=1` is a variable.\n"
    )
    assert example_commands(text) == [
        "make import FILE=a.xls",
        'make check-inputs PARAMS="base_year=2020 end_year=2030"',
        "python -m neoutflow.data.record",
    ]


def test_each_documented_section_has_commands():
    for doc, heading in SECTIONS.items():
        commands = example_commands(section((paths.ROOT / doc).read_text(encoding="utf-8"), heading))
        assert any(c.startswith("make import") for c in commands), (doc, commands)
        assert any(c.startswith("make check-inputs") for c in commands), (doc, commands)


def synthetic_file(project, path, assigns: dict[str, str]):
    """Write the file a documented command names (by its kind, or the kind its name suggests)."""
    kind = assigns.get("KIND") or (
        "census-yearbook" if "census" in path.name else "census-communique" if "6-1" in path.name else "nbs-portal"
    )
    if kind == "census-communique":
        table_61(project, path)
    elif kind == "census-yearbook":
        year = int(assigns.get("YEAR") or re.search(r"(20\d\d)", path.name).group(1))
        synthetic_census_table(project, year).to_excel(path, index=False)
    elif kind == "nbs-portal":
        raw = project / "data" / "raw"
        regions = pd.read_csv(raw / "regions.csv", **READ)
        prov = regions[regions["level"] == "province"].sort_values("code")
        ser = pd.read_csv(raw / "province_series.csv", **READ)
        g = ser[(ser["indicator"] == "natural_growth_rate") & (ser["year"] == 2023)].set_index("code")["value"]
        rows = [["数据库：分省年度数据"], ["指标：人口自然增长率(‰)"], ["时间：最近20年"], ["时间", *prov["name_zh"]]]
        rows += [["2024年", *[f"{g[c]:g}" for c in prov["code"]]], ["数据来源：国家统计局"]]
        width = max(len(r) for r in rows)
        frame = pd.DataFrame([r + [None] * (width - len(r)) for r in rows])
        with pd.ExcelWriter(path, engine="openpyxl") as writer:  # the portal's .xls name, xlsx content
            frame.to_excel(writer, header=False, index=False)
    else:
        pytest.fail(f"no synthetic file for KIND={kind} ({path.name}): add one to {__name__}.synthetic_file")


def run_command(project, command: str, files) -> subprocess.CompletedProcess:
    words = shlex.split(command)
    assigns = dict(w.split("=", 1) for w in words[2:] if "=" in w and not w.startswith("-"))
    if "FILE" in assigns:
        local = files / os.path.basename(os.path.expanduser(assigns["FILE"]))
        if not local.exists():
            synthetic_file(project, local, assigns)
        words = [w if not w.startswith("FILE=") else f"FILE={local}" for w in words]
    if words[0] == "make":
        return run_make(project, *words[1:])
    assert words[:2] == ["python", "-m"], command
    env = {k: v for k, v in os.environ.items() if k not in {"NEOUTFLOW_ROOT", "MAKEFLAGS", "MAKELEVEL"}}
    env["PYTHONPATH"] = str(project / "src")
    python = str(project / ".venv" / "bin" / "python")
    return subprocess.run([python, *words[1:]], cwd=project, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("doc", sorted(SECTIONS))
def test_documented_update_commands_run(doc, tmp_path, monkeypatch):
    monkeypatch.setenv("NEOUTFLOW_LATEST_YEAR", "2030")  # the synthetic census lies in the future
    commands = example_commands(section((paths.ROOT / doc).read_text(encoding="utf-8"), SECTIONS[doc]))
    project = copy_project(tmp_path / "project")
    files = tmp_path / "files"
    files.mkdir()
    for command in [c for c in commands if c not in RUN_ELSEWHERE]:
        proc = run_command(project, command, files)
        out = proc.stdout + proc.stderr
        name = command_name(shlex.split(command))
        if name in SUCCEEDS or (name in STOPS_ON_MISSING and NEW_YEARS not in command):
            assert proc.returncode == 0, f"{doc}: `{command}` failed:\n{out[-3000:]}"
        elif name in STOPS_ON_MISSING:
            assert proc.returncode != 0 and "natural_growth_rate" in out, f"{doc}: `{command}`:\n{out[-3000:]}"
        else:
            pytest.fail(f"{doc}: `{command}`: say in {__name__} what it must do")
        if command.startswith("make import") and "分省年度数据" in command and "APPLY" not in command:
            assert "natural_growth_rate: 31 added" in out, out  # the README shows this dry-run line
    notebooks = project / "build" / "notebooks"
    assert not notebooks.exists() or not any(notebooks.iterdir()), "a notebook ran although inputs are missing"
