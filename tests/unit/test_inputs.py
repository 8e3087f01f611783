"""Each notebook's data inputs are declared once (neoutflow.inputs); the Makefile and the preflight use that."""

from __future__ import annotations

import subprocess

from neoutflow import inputs, params, paths
from neoutflow.data import preflight
from neoutflow.data.files import RAW_FILES


def test_every_notebook_declares_known_files():
    notebooks = sorted(p.stem for p in paths.NOTEBOOKS.glob("[0-9]*.ipynb"))
    assert sorted(inputs.NOTEBOOK_INPUTS) == notebooks
    known = set(RAW_FILES.values())
    for nb, files in inputs.NOTEBOOK_INPUTS.items():
        assert files, nb
        assert set(files) <= known, (nb, sorted(set(files) - known))
        assert len(set(files)) == len(files), nb


def test_the_makefile_takes_its_prerequisites_from_the_declaration():
    # `make -pn help` prints make's variables and runs nothing
    proc = subprocess.run(
        ["make", "--no-print-directory", "-pn", "help"], cwd=paths.ROOT, capture_output=True, text=True, check=True
    )
    found = {}
    for line in proc.stdout.splitlines():
        if line.startswith("NB_DATA_") and " := " in line:
            name, value = line.split(" := ", 1)
            found[name.removeprefix("NB_DATA_")] = value.split()
    assert found == {nb: [f"data/raw/{f}" for f in files] for nb, files in inputs.NOTEBOOK_INPUTS.items()}
    makefile = (paths.ROOT / "Makefile").read_text(encoding="utf-8")
    assert "build/notebooks/%.ipynb: notebooks/%.ipynb build/params/%.json $$(NB_DATA_$$*)" in makefile
    assert "NB_DATA_0" not in makefile.replace("NB_DATA_$$*", ""), "a notebook's inputs typed in the Makefile"


def test_the_preflight_names_the_readers_from_the_declaration():
    for need in preflight.needs(params.load()):
        file = RAW_FILES[need.resource]
        named = need.needed_by.split(" (")[0].split(", ")
        assert set(named) <= set(inputs.readers(file)), (need, inputs.readers(file))


def test_a_preflight_need_of_an_undeclared_reader_is_refused():
    try:
        preflight.Need("birthplace_flows", "province", None, (2010,), by=("02_determinants",))
    except ValueError as exc:
        assert "02_determinants" in str(exc) and "NOTEBOOK_INPUTS" in str(exc)
    else:
        raise AssertionError("a need naming a notebook that does not read the file was accepted")


def test_loaders_note_what_they_read(tmp_path, monkeypatch):
    from neoutflow.data import load

    log = tmp_path / "inputs.log"
    monkeypatch.setenv(inputs.LOG_ENV, str(log))
    load.load_census_totals()
    assert inputs.read_log(log) == ["census_totals.csv", "regions.csv"]
    assert inputs.undeclared("05_flows", inputs.read_log(log)) == []
    assert inputs.undeclared("05_flows", ["prefecture_series.csv"]) == ["prefecture_series.csv"]
