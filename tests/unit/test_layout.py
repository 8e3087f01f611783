"""The package's layout: stages import one way, no cycles, thin notebooks, one parameter vocabulary;
analysis returns data (it neither records, writes files nor imports outputs); the importer and the
extractor share lower modules instead of importing each other; no function longer than 80 lines."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import papermill
import pytest

from neoutflow import params

SRC = Path(__file__).resolve().parents[2] / "src" / "neoutflow"
NOTEBOOKS = sorted((SRC.parents[1] / "notebooks").glob("[0-9]*.ipynb"))
# Which stage may import which (top-level modules are the foundation everyone may use).
STAGES = ("data", "analysis", "outputs", "pipeline", "render")
MAY_IMPORT = {
    "top": set(),
    "data": {"top"},
    "analysis": {"top", "data"},
    "outputs": {"top", "data", "analysis"},
    "pipeline": {"top", "data", "analysis", "outputs"},
    "render": {"top"},
}
MAX_NOTEBOOK_CODE_LINES = 120
MAX_FUNCTION_LINES = 80
# Calls that record results or write files: ``rs.record(...)``, ``df.to_csv(...)``, ``fig.savefig(...)``,
# ``json.dump(...)``, ``path.write_text(...)``, the project's writers (``write_table``, ``write_csv`` …).
WRITER_CALLS = {
    "record",
    "to_csv",
    "to_excel",
    "to_parquet",
    "to_json",
    "savefig",
    "save",
    "savez",
    "dump",
    "write",
    "write_text",
    "write_bytes",
    "write_table",
    "write_csv",
    "write_all",
    "replacing",
    "mkdir",
}
# Modules whose import alone gives a module the means to write (atomic replacement of files).
WRITER_MODULES = {"neoutflow.atomic", "neoutflow.data.files"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports (anywhere in the file, functions included)."""
    modules = {_module_name(p): p for p in SRC.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        deps = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("neoutflow"):
                assert node.level == 0, f"{path}: relative import"
                for alias in node.names:
                    candidate = f"{node.module}.{alias.name}"
                    deps.add(candidate if candidate in modules else node.module)
            elif isinstance(node, ast.Import):
                deps |= {a.name for a in node.names if a.name.startswith("neoutflow")}
        graph[name] = {d for d in deps if d in modules and d != name}
    return graph


def _stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in STAGES) else "top"


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """A cycle in a directed graph (as the list of its nodes, first repeated at the end), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m):
        state[m] = 1
        stack.append(m)
        for d in sorted(edges.get(m, ())):
            if state.get(d) == 1:
                return stack[stack.index(d) :] + [d]
            if d not in state and (found := visit(d)):
                return found
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(edges):
        if m not in state and (found := visit(m)):
            return found
    return None


def test_no_import_cycles():
    graph = import_graph()
    # A package importing its own submodules (re-exports) is not a cycle through the package.
    edges = {m: {d for d in deps if not d.startswith(m + ".")} for m, deps in graph.items()}
    cycle = find_cycle(edges)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_cycle_check_catches_the_old_cycle():
    # the cycle this layout removed: data -> datapackage -> data (hidden by function-level imports)
    old = {
        "neoutflow.data": {"neoutflow.datapackage", "neoutflow.extract"},
        "neoutflow.datapackage": {"neoutflow.data"},
        "neoutflow.extract": {"neoutflow.datapackage"},
    }
    assert find_cycle(old) == ["neoutflow.data", "neoutflow.datapackage", "neoutflow.data"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_stages_import_one_way():
    bad = []
    for module, deps in import_graph().items():
        own = _stage(module)
        for d in deps:
            other = _stage(d)
            if other != own and other not in MAY_IMPORT[own]:
                bad.append(f"{module} ({own}) imports {d} ({other})")
    assert not bad, "\n".join(bad)


def _code_cells(nb_path: Path) -> list[str]:
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_are_thin(nb_path):
    cells = _code_cells(nb_path)
    lines = sum(len([ln for ln in c.splitlines() if ln.strip()]) for c in cells)
    assert lines <= MAX_NOTEBOOK_CODE_LINES, f"{nb_path.name}: {lines} code lines"
    for src in cells:
        tree = ast.parse(src)
        defs = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.Lambda))]
        assert not defs, f"{nb_path.name}: defines {[type(d).__name__ for d in defs]}; logic belongs in src/"
        raises = [n for n in ast.walk(tree) if isinstance(n, ast.Raise)]
        assert not raises, f"{nb_path.name}: checks parameters itself; Params does that"


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_parameters_are_params_fields(nb_path):
    declared = papermill.inspect_notebook(str(nb_path))
    assert "output_dir" in declared, f"{nb_path.name} declares no output_dir"
    unknown = set(declared) - {"output_dir"} - set(params.Params.model_fields)
    assert not unknown, f"{nb_path.name} declares parameters that Params does not know: {sorted(unknown)}"
    defaults = params.Params().model_dump()  # as papermill passes them (a study region as a mapping)
    for name, info in declared.items():
        if name == "output_dir" or info["default"] in (None, "None"):
            continue
        # the notebook's default is the Params default (papermill gives it as source text)
        assert ast.literal_eval(info["default"]) == defaults[name], f"{nb_path.name}: default of {name}"


def test_every_param_is_used_by_some_notebook():
    declared = set().union(*(papermill.inspect_notebook(str(p)) for p in NOTEBOOKS))
    unused = set(params.Params.model_fields) - declared
    assert not unused, f"Params fields no notebook declares: {sorted(unused)}"


def test_params_allowed_values_come_from_the_vocabularies():
    from neoutflow import reference

    schema = params.Params.model_json_schema()["properties"]
    assert tuple(schema["outcome"]["enum"]) == reference.OUTCOMES
    assert tuple(schema["regressors"]["enum"]) == tuple(reference.REGRESSOR_SETS)
    assert tuple(schema["cov_type"]["enum"]) == reference.PROVINCE_COV_TYPES
    assert tuple(schema["level"]["enum"]) == reference.LEVELS


# ------------------------------------------------------------ analysis returns data


def _opens_for_writing(call: ast.Call) -> bool:
    """``open(path, "w")`` / ``path.open("a")`` / ``open(path, mode="x")``: a mode with w, a, x or +."""
    func = call.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
    if name != "open":
        return False
    args = list(call.args[1:] if isinstance(func, ast.Name) else call.args)
    modes = [a for a in args[:1]] + [k.value for k in call.keywords if k.arg == "mode"]
    return any(isinstance(m, ast.Constant) and isinstance(m.value, str) and set(m.value) & set("wax+") for m in modes)


def writes(source: str, filename: str = "<module>") -> list[str]:
    """Where ``source`` records results or writes files: writer calls (:data:`WRITER_CALLS`), ``open`` for
    writing, imports of writer modules (:data:`WRITER_MODULES`) or of :mod:`neoutflow.outputs`."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
            if name in WRITER_CALLS or _opens_for_writing(node):
                found.append(f"{filename}:{node.lineno}: {ast.unparse(node)[:80]}")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            if isinstance(node, ast.ImportFrom):
                names += [f"{node.module}.{a.name}" for a in node.names]
            for n in names:
                if n in WRITER_MODULES or n == "neoutflow.outputs" or n.startswith("neoutflow.outputs."):
                    found.append(f"{filename}:{node.lineno}: imports {n}")
    return found


def test_analysis_records_nothing_and_writes_no_file():
    found = [w for p in sorted((SRC / "analysis").rglob("*.py")) for w in writes(p.read_text(encoding="utf-8"), p.name)]
    assert not found, "analysis returns data; recording and files belong in outputs:\n" + "\n".join(found)


def test_the_write_check_catches_a_planted_record_call(tmp_path):
    """A ``record(...)`` call (and the other ways of writing) placed in an analysis module is reported."""
    planted = tmp_path / "analysis" / "planted.py"
    planted.parent.mkdir()
    planted.write_text(
        "import json\n"
        "from neoutflow.outputs.results import ResultSet\n\n"
        "def fit_and_record(rs, fit, path, df):\n"
        "    rs.record('b', fit.params['x'], '', 'label')\n"
        "    df.to_csv(path)\n"
        "    with open(path, 'w') as f:\n"
        "        json.dump({}, f)\n"
        "    return fit\n",
        encoding="utf-8",
    )
    found = writes(planted.read_text(encoding="utf-8"), planted.name)
    assert sorted({int(f.split(":")[1]) for f in found}) == [2, 5, 6, 7, 8]  # import, record, to_csv, open, dump
    assert any("rs.record(" in f for f in found)
    assert not writes("def fit(df):\n    with open(df, encoding='utf-8') as f:\n        return f.read()\n")


# ------------------------------------------------------ importer and extractor


def imports(path: Path) -> list[tuple[str, bool]]:
    """``(module, inside a function)`` for every package import of the module at ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    inner = {
        id(n) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) for n in ast.walk(f)
    }
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("neoutflow"):
            out += [(f"{node.module}.{a.name}", id(node) in inner) for a in node.names]
        elif isinstance(node, ast.Import):
            out += [(a.name, id(node) in inner) for a in node.names if a.name.startswith("neoutflow")]
    return out


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


IMPORTER, EXTRACT = "neoutflow.data.importer", "neoutflow.data.extract"


def importer_extract_problems(src: Path = SRC) -> list[str]:
    """The user-facing importer never imports the developers' extractor (they share lower modules such
    as :mod:`neoutflow.data.yearbook` instead), and the extractor imports the importer at module level only."""
    bad = []
    for path in sorted((src / "data").rglob("*.py")):
        parts = list(path.relative_to(src.parent).with_suffix("").parts)
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        for dep, in_function in imports(path):
            if _within(module, IMPORTER) and _within(dep, EXTRACT):
                bad.append(f"{module} imports {dep} (the importer must not depend on the extractor)")
            elif _within(module, EXTRACT) and _within(dep, IMPORTER) and in_function:
                bad.append(f"{module} imports {dep} inside a function (import it at module level)")
    return bad


def test_importer_and_extractor_do_not_import_each_other():
    bad = importer_extract_problems()
    assert not bad, "\n".join(bad)


def test_the_importer_check_catches_an_import_of_the_extractor(tmp_path):
    pkg = tmp_path / "neoutflow" / "data"
    (pkg / "importer").mkdir(parents=True)
    (pkg / "extract").mkdir()
    (pkg / "importer" / "reader.py").write_text(
        "def read(path):\n    from neoutflow.data.extract.census import short_province_name\n", encoding="utf-8"
    )
    (pkg / "extract" / "run.py").write_text("def main():\n    from neoutflow.data import importer\n", encoding="utf-8")
    bad = importer_extract_problems(tmp_path / "neoutflow")
    assert len(bad) == 2 and "must not depend" in bad[1] and "inside a function" in bad[0]


# ------------------------------------------------------------ function length


def long_functions(source: str, filename: str = "<module>", limit: int = MAX_FUNCTION_LINES) -> list[str]:
    """Functions (methods and nested functions included) longer than ``limit`` lines, decorators aside."""
    return [
        f"{filename}:{n.lineno} {n.name}: {n.end_lineno - n.lineno + 1} lines"
        for n in ast.walk(ast.parse(source, filename))
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.end_lineno - n.lineno + 1 > limit
    ]


def test_no_function_is_longer_than_80_lines():
    found = [
        f
        for p in sorted(SRC.rglob("*.py"))
        for f in long_functions(p.read_text(encoding="utf-8"), str(p.relative_to(SRC)))
    ]
    assert not found, f"split into named steps (at most {MAX_FUNCTION_LINES} lines each):\n" + "\n".join(found)


def test_the_length_check_counts_lines():
    body = "".join(f"    x{i} = {i}\n" for i in range(MAX_FUNCTION_LINES - 1))
    assert not long_functions(f"def f():\n{body}")  # exactly the limit
    assert long_functions(f"def f():\n{body}    return 1\n") == [f"<module>:1 f: {MAX_FUNCTION_LINES + 1} lines"]


# ------------------------------------------------------------ one module of claim words

CLAIMS = SRC / "outputs" / "claims.py"


def word_functions(source: str, filename: str = "<module>") -> list[str]:
    """Functions that choose a claim word (named ``*_word`` or ``*verdict``), which belong in outputs/claims.py."""
    return [
        f"{filename}:{n.lineno} {n.name}"
        for n in ast.walk(ast.parse(source, filename))
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
        and (n.name.endswith("_word") or n.name.endswith("verdict"))
    ]


def test_claim_words_are_chosen_in_one_module():
    found = [
        f
        for p in sorted(SRC.rglob("*.py"))
        if p != CLAIMS
        for f in word_functions(p.read_text(encoding="utf-8"), str(p.relative_to(SRC)))
    ]
    assert not found, "claim words are chosen in outputs/claims.py only:\n" + "\n".join(found)
    assert word_functions("def strength_word(p):\n    return '显著' if p < 0.05 else '不显著'\n")
