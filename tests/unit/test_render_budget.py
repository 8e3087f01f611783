"""The render package stays small and its Lua helpers are written once (issue: the two routes had
drifted apart while each carried its own copy of the same rules)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[2]
# lines of src/neoutflow/render/*.py (1200 before the cold build's CPU work: reading once, subsetting fonts together)
LIMIT = 1250


def test_render_package_within_its_line_budget():
    lines = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in (ROOT / "src/neoutflow/render").glob("*.py"))
    assert lines <= LIMIT, f"src/neoutflow/render/ has {lines} lines (at most {LIMIT})"


def test_route_lua_helpers_defined_once():
    """fail/absolute/shown live in report/route-common.lua; the reader and the filter load them."""
    for name in ("qmd-reader.lua", "quarto-compat.lua"):
        text = (ROOT / "report" / name).read_text(encoding="utf-8")
        assert "route-common.lua" in text, name
        assert not re.search(r"^local function (fail|absolute)\(", text, flags=re.M), name
