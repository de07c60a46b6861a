"""Imports point one way: articles → matches → trophies → players → leaf packages, and no
app imports the project package (fanportal), which wires them all together."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LEAVES = {"images", "apikit", "pagecache", "revisions", "tokens"}
# What each package may import of the project's own packages, besides itself.
ALLOWED = {
    **dict.fromkeys(LEAVES, LEAVES),
    "players": LEAVES,
    "trophies": LEAVES | {"players"},
    "matches": LEAVES | {"players", "trophies"},
    "articles": LEAVES | {"players", "trophies", "matches"},
}
PROJECT = set(ALLOWED) | {"fanportal", "bench", "tests"}


def imported_packages(source: str) -> set[str]:
    """The top-level packages a module imports, at the top or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


def wrong_way_imports(package: str, source: str) -> set[str]:
    return (imported_packages(source) & PROJECT) - ALLOWED[package] - {package}


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_a_package_imports_only_downward(package):
    found = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for name in wrong_way_imports(package, path.read_text(encoding="utf-8"))
    }
    assert found == set()


def test_the_check_finds_an_import_running_back_up():
    source = "def f():\n    from fanportal.settings import BASE_DIR\nimport articles.models\n"
    assert wrong_way_imports("players", source) == {"fanportal", "articles"}
    assert wrong_way_imports("articles", "from players.models import Player") == set()
