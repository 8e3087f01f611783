"""report/reference.docx (the Word report's styles) is what its recipe, report/reference_docx.py,
builds from pandoc's own reference document: rebuilt, it is the same bytes."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_reference_docx_is_what_its_recipe_builds():
    spec = importlib.util.spec_from_file_location("reference_docx", ROOT / "report" / "reference_docx.py")
    assert spec is not None and spec.loader is not None
    recipe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(recipe)
    built = recipe.build()
    assert built == (ROOT / "report" / "reference.docx").read_bytes(), (
        "report/reference.docx differs from its recipe: run .venv/bin/python report/reference_docx.py"
    )
    assert recipe.build() == built  # the same bytes every time
