"""ARCHITECTURE.md's module map, the package's modules, and the README's layout section made from the map.

``python tests/support/architecture.py --write`` rewrites the README's generated layout block (between
:data:`BEGIN` and :data:`END`); without ``--write`` it says whether the block is current (exit 1 if not).
``tests/unit/test_architecture.py`` checks the map against ``src/neoutflow`` and the README against the map.
"""

from __future__ import annotations

import re
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "neoutflow"
ARCHITECTURE = ROOT / "ARCHITECTURE.md"
README = ROOT / "README.md"
BEGIN = (
    "<!-- BEGIN package layout: generated from ARCHITECTURE.md by `python tests/support/architecture.py --write` -->"
)
END = "<!-- END package layout -->"
NAME = re.compile(r"`(neoutflow(?:\.\w+)*)`")
TEST_REF = re.compile(r"`?(tests/[\w/]+\.py)(?:::(\w+))?")


@dataclass
class Group:
    package: str  # "neoutflow.data.importer"
    role: str  # the heading's text after the dash
    modules: list[str] = field(default_factory=list)


def source_modules(src: Path = SRC) -> set[str]:
    """Every module of the package as a dotted name (packages by their ``__init__``; ``__main__`` left out)."""
    names = set()
    for path in src.rglob("*.py"):
        parts = list(path.relative_to(src.parent).with_suffix("").parts)
        if parts[-1] == "__main__":
            continue
        if parts[-1] == "__init__":
            parts.pop()
        names.add(".".join(parts))
    return names


def module_map(text: str | None = None) -> list[Group]:
    """The groups of the "Module map" section: one per ``### `package` — role`` heading, with its table's modules."""
    text = ARCHITECTURE.read_text(encoding="utf-8") if text is None else text
    section = text.split("\n## Module map", 1)[1].split("\n## ", 1)[0]
    groups: list[Group] = []
    for line in section.splitlines():
        if line.startswith("### "):
            m = re.match(r"### `(neoutflow(?:\.\w+)*)` — (.+)$", line)
            if not m:
                raise ValueError(f"ARCHITECTURE.md: a module-map heading reads '### `package` — role': {line!r}")
            groups.append(Group(m.group(1), m.group(2).strip()))
        elif line.startswith("| `neoutflow") and groups:
            groups[-1].modules.append(NAME.match(line[2:]).group(1))
    return groups


def mapped_modules(groups: list[Group] | None = None) -> list[str]:
    return [m for g in (module_map() if groups is None else groups) for m in g.modules]


def cited_tests(text: str | None = None) -> list[tuple[str, str | None]]:
    """The ``tests/…py`` files (and ``::test`` names) ARCHITECTURE.md cites."""
    text = ARCHITECTURE.read_text(encoding="utf-8") if text is None else text
    return sorted({(m.group(1), m.group(2)) for m in TEST_REF.finditer(text)}, key=lambda r: (r[0], r[1] or ""))


def layout_block(groups: list[Group] | None = None, width: int = 112) -> str:
    """The README's package layout: each subpackage with its role, then its modules' short names."""
    groups = module_map() if groups is None else groups
    indent = 24
    lines = ["```"]
    for g in groups:
        rel = "src/" + g.package.replace(".", "/") + "/"
        label = rel if g.package == "neoutflow" else "  " + rel.removeprefix("src/neoutflow/")
        lines.append(f"{label:<{indent}}{g.role.replace('`', '')}".rstrip())
        short = [m.removeprefix(g.package + ".") for m in g.modules if m != g.package]
        if short:
            lines += textwrap.wrap(
                " ".join(short), width=width, initial_indent=" " * indent, subsequent_indent=" " * indent
            )
    lines.append("```")
    return "\n".join(lines)


def readme_block(readme: str | None = None) -> str:
    """The generated block as it stands in the README (without the markers)."""
    readme = README.read_text(encoding="utf-8") if readme is None else readme
    if BEGIN not in readme or END not in readme:
        raise ValueError(f"README.md has no generated package layout (the markers {BEGIN!r} … {END!r})")
    return readme.split(BEGIN, 1)[1].split(END, 1)[0].strip("\n")


def write_readme() -> bool:
    """Rewrite the README's block from the map; True if it changed."""
    readme = README.read_text(encoding="utf-8")
    new = readme.split(BEGIN, 1)[0] + BEGIN + "\n" + layout_block() + "\n" + END + readme.split(END, 1)[1]
    if new != readme:
        README.write_text(new, encoding="utf-8")
    return new != readme


if __name__ == "__main__":
    if "--write" in sys.argv[1:]:
        print("README.md layout rewritten" if write_readme() else "README.md layout already current")
    else:
        current = readme_block() == layout_block()
        print("README.md layout is current" if current else "README.md layout is stale: run with --write")
        raise SystemExit(0 if current else 1)
