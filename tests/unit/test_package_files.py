"""The files of a research package: licence, citation metadata, changelog and version agree with each other
and with ``pyproject.toml``; the README says why each dependency is there."""

from __future__ import annotations

import datetime as dt
import re
import tomllib

import yaml

import neoutflow


def _pyproject(root) -> dict:
    return tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_one_version_everywhere(root):
    version = _pyproject(root)["version"]
    assert neoutflow.__version__ == version, "src/neoutflow/__init__.py and pyproject.toml disagree"
    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["version"] == version, "CITATION.cff and pyproject.toml disagree"
    changelog = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## {re.escape(version)} - \d{{4}}-\d{{2}}-\d{{2}}$", changelog, flags=re.M), (
        f"CHANGELOG.md has no '## {version} - YYYY-MM-DD' section"
    )


def test_citation_cff_has_what_cff_1_2_requires(root):
    # The full schema check is `cffconvert --validate` (not a project dependency); these are its required keys.
    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert cff["message"].strip() and cff["title"].strip()
    assert cff["authors"] and all(a.get("name") or a.get("family-names") for a in cff["authors"])
    dt.date.fromisoformat(str(cff["date-released"]))
    assert cff["license"] == _pyproject(root)["license"]["text"] == "MIT"


def test_licence_files(root):
    assert (root / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")
    assert "DATA-LICENSE.md" in (root / "data" / "README.md").read_text(encoding="utf-8")
    readme = (root / "README.md").read_text(encoding="utf-8")
    for name in ("LICENSE", "DATA-LICENSE.md", "CITATION.cff", "CHANGELOG.md", "CONTRIBUTING.md", "ARCHITECTURE.md"):
        assert (root / name).is_file() and f"]({name})" in readme, f"README.md does not link {name}"


def test_readme_says_why_each_dependency_is_there(root):
    readme = (root / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Dependencies and why each is there", 1)[1].split("\n## ", 1)[0]
    named = set()
    for line in table.splitlines():
        if line.startswith("| ") and not line.startswith("| package"):
            named |= {n.strip().lower().replace("_", "-") for n in line.split("|")[1].split(",")}
    wanted = {
        line.strip().lower()
        for line in (root / "requirements.in").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert not wanted - named, f"README's dependency table does not say why: {', '.join(sorted(wanted - named))}"
