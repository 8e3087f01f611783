"""ARCHITECTURE.md is the map of the code: every module of ``src/neoutflow`` is on it and nothing that is gone;
the tests it cites exist; the README's package layout is the one generated from it."""

from __future__ import annotations

import ast

from architecture import ARCHITECTURE, ROOT, cited_tests, layout_block, mapped_modules, readme_block, source_modules


def test_every_module_is_on_the_map():
    missing = sorted(source_modules() - set(mapped_modules()))
    assert not missing, (
        f"modules missing from ARCHITECTURE.md's module map: {', '.join(missing)} "
        "(add a row under their subpackage, then `python tests/support/architecture.py --write`)"
    )


def test_the_map_names_only_modules_that_exist_and_each_once():
    mapped = mapped_modules()
    gone = sorted(set(mapped) - source_modules())
    assert not gone, f"ARCHITECTURE.md lists modules that do not exist: {', '.join(gone)}"
    twice = sorted({m for m in mapped if mapped.count(m) > 1})
    assert not twice, f"ARCHITECTURE.md lists these modules twice: {', '.join(twice)}"


def test_the_check_names_a_missing_module(tmp_path):
    (tmp_path / "neoutflow" / "analysis").mkdir(parents=True)
    for rel in ("__init__.py", "analysis/__init__.py", "analysis/new_thing.py", "analysis/__main__.py"):
        (tmp_path / "neoutflow" / rel).write_text("")
    assert source_modules(tmp_path / "neoutflow") == {"neoutflow", "neoutflow.analysis", "neoutflow.analysis.new_thing"}
    assert "neoutflow.analysis.new_thing" not in mapped_modules()


def test_cited_tests_exist():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    problems = []
    for path, name in cited_tests(text):
        file = ROOT / path
        if not file.is_file():
            problems.append(f"{path} does not exist")
        elif name:
            defined = {n.name for n in ast.walk(ast.parse(file.read_text(encoding="utf-8"))) if hasattr(n, "name")}
            if name not in defined:
                problems.append(f"{path} defines no {name}")
    assert not problems, "ARCHITECTURE.md cites: " + "; ".join(problems)


def test_readme_layout_is_generated_from_the_map():
    assert readme_block() == layout_block(), (
        "README.md's package layout differs from ARCHITECTURE.md's module map: "
        "run `python tests/support/architecture.py --write`"
    )


DOCS = ("README.md", "ARCHITECTURE.md", "CONTRIBUTING.md", "data/README.md", "report/*.qmd")


def _top_level_names(module: str) -> set[str]:
    rel = module.replace(".", "/")
    path = ROOT / "src" / f"{rel}.py"
    path = path if path.is_file() else ROOT / "src" / rel / "__init__.py"
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.ImportFrom | ast.Import):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return names


def test_docs_name_only_modules_that_exist():
    """A dotted ``neoutflow.…`` name in the docs is a module, or a module and one of its top-level names
    (the stale ``neoutflow.extract`` of the appendix and the codebook would fail here)."""
    import re

    modules = source_modules()
    stale = []
    for pattern in DOCS:
        for doc in sorted(ROOT.glob(pattern)):
            for name in sorted(set(re.findall(r"\bneoutflow(?:\.[A-Za-z_]\w*)+", doc.read_text(encoding="utf-8")))):
                parts = name.split(".")
                known = max((i for i in range(1, len(parts) + 1) if ".".join(parts[:i]) in modules), default=0)
                rest = parts[known:]
                if known == 0 or len(rest) > 1 or (rest and rest[0] not in _top_level_names(".".join(parts[:known]))):
                    stale.append(f"{doc.relative_to(ROOT)}: {name}")
    assert not stale, "names of modules that do not exist: " + "; ".join(stale)
