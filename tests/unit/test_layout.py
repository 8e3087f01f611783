"""The package's layout: stages import one way, no cycles, thin notebooks, one parameter vocabulary."""

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
    defaults = params.Params()
    for name, info in declared.items():
        if name == "output_dir" or info["default"] in (None, "None"):
            continue
        # the notebook's default is the Params default (papermill gives it as source text)
        assert ast.literal_eval(info["default"]) == getattr(defaults, name), f"{nb_path.name}: default of {name}"


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
