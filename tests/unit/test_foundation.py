"""The foundation: package, Makefile help, fonts, pinned dependencies, parameters."""

from __future__ import annotations

import re
import subprocess

import pytest
import yaml

import neoutflow
from neoutflow import params
from neoutflow.outputs import style


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


# conda-forge names that differ from PyPI's
CONDA_TO_PYPI = {"jupyter-client": "jupyter-client", "python": None, "quarto": None, "pip": None}


def test_package_imports():
    assert neoutflow.__version__


def test_make_help_lists_every_target(root):
    out = subprocess.run(["make", "-s", "help"], cwd=root, capture_output=True, text=True, check=True).stdout
    makefile = (root / "Makefile").read_text()
    documented = re.findall(r"^([a-zA-Z_-]+):.*## ", makefile, flags=re.M)
    for target in ("report", "test", "data", "notebooks", "clean", "help"):
        assert target in documented, f"{target} has no ## description"
    for target in documented:
        assert re.search(rf"^\s+\S*{target}\S*\s+\S", out, flags=re.M), f"make help omits {target}"


def test_dependency_lists_agree(root):
    env = yaml.safe_load((root / "environment.yml").read_text())
    conda_names = set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            conda_names |= {_norm(re.split(r"[=<>]", d)[0]) for d in dep["pip"]}
        else:
            name = _norm(re.split(r"[=<> ]", dep)[0])
            name = CONDA_TO_PYPI.get(name, name)
            if name:
                conda_names.add(name)
    top = {
        _norm(line.strip())
        for line in (root / "requirements.in").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert conda_names == top, (
        f"only in environment.yml: {conda_names - top}; only in requirements.in: {top - conda_names}"
    )


def test_requirements_are_pinned_and_cover_top_level(root):
    # requirements.txt is hash-locked (`make lock`): "name==version \" then "    --hash=sha256:..." lines
    pins, hashed = {}, set()
    name = None
    for line in (root / "requirements.txt").read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.startswith((" ", "\t")):
            assert re.fullmatch(r"\s+--hash=sha256:[0-9a-f]{64}( \\)?", line), f"requirements.txt: {line!r}"
            hashed.add(name)
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)==([\w.]+)( \\)?", line)
        assert m, f"requirements.txt: {line!r} is not pinned with =="
        name = _norm(m.group(1))
        pins[name] = m.group(2)
    assert set(pins) == hashed, f"pins without a --hash: {set(pins) - hashed}"
    top = {
        _norm(line.strip())
        for line in (root / "requirements.in").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert top <= set(pins), f"top-level packages without a pin: {top - set(pins)}"
    # environment.yml pins the same versions as requirements.txt
    env = yaml.safe_load((root / "environment.yml").read_text())
    flat = [d for d in env["dependencies"] if isinstance(d, str)]
    flat += [d for dep in env["dependencies"] if isinstance(dep, dict) for d in dep["pip"]]
    for dep in flat:
        m = re.match(r"([A-Za-z0-9_.-]+)=+([\w.]+)$", dep)
        if m and _norm(m.group(1)) in pins:
            assert pins[_norm(m.group(1))] == m.group(2), f"{dep} differs from requirements.txt"


def test_cjk_font_renders_chinese(tmp_path):
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    style.use()
    path = font_manager.findfont(font_manager.FontProperties(family=style.SANS), fallback_to_default=False)
    assert "CJK" in path
    fig, ax = plt.subplots()
    ax.set_title("东北三省人口净迁移")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font" would be a warning
        style.save(fig, tmp_path / "t.png")
    plt.close(fig)
    assert (tmp_path / "t.png").stat().st_size > 1000


def test_params_reject_unknown_and_bad_values(tmp_path):
    p = tmp_path / "params.yaml"
    p.write_text("base_year: 2010\nend_year: 2020\nbase_yaer: 2000\n")
    with pytest.raises(params.ParamsError, match="unknown parameter 'base_yaer'"):
        params.load(p)
    p.write_text("base_year: 2010\nend_year: 2017\n")
    with pytest.raises(params.ParamsError, match="positive multiple of 5"):
        params.load(p)
    p.write_text("cov_type: HC9\n")
    with pytest.raises(params.ParamsError, match="cov_type"):
        params.load(p)


def test_shipped_params_are_valid(root):
    p = params.load(root / "params.yaml")
    assert (p.base_year, p.end_year) == (2010, 2020)


def test_params_written_only_when_changed(tmp_path):
    p = params.load()
    target = tmp_path / "params.json"
    assert params.write_if_changed(p, target)
    assert not params.write_if_changed(p, target)
