"""Project code uses only Django's documented API: no private names of Django's objects.

Speed comes from doing work once (on save, in the cache), never from the ORM's or the
template engine's internals, which change between feature releases without notice.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import django
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SKIP = {".venv", "node_modules", "tests", ".git"}
# Internals that need no underscore to be internal: compiler, iterable and query plumbing.
INTERNAL_NAMES = {
    "klass_info",
    "get_related_populators",
    "apply_converters",
    "get_compiler",
    "as_sql",
    "annotation_col_map",
    "limit_offset_sql",
    "get_converters",
    "results_iter",
    "execute_sql",
    "compiler",
    "sql_with_params",
}
# Modules of Django's that are implementation, not API.
INTERNAL_MODULES = ("django.db.models.sql",)
# Documented although underscored: the model _meta API and the default and base managers
# ("Model _meta API", "Managers").
DOCUMENTED = {"_meta", "_default_manager", "_base_manager"}


def project_files() -> list[Path]:
    return sorted(
        path for path in ROOT.rglob("*.py") if not SKIP.intersection(path.relative_to(ROOT).parts)
    )


def private_names_defined(tree: ast.AST) -> set[str]:
    """Underscored names a module defines itself: its functions, classes, attributes."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return {name for name in names if name.startswith("_")}


@functools.cache
def django_private_names() -> frozenset[str]:
    """Every single-underscore name Django's own source defines or reads."""
    names: set[str] = set()
    for path in Path(django.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = getattr(node, "attr", None) or getattr(node, "name", None)
            if isinstance(name, str) and name.startswith("_") and not name.startswith("__"):
                names.add(name)
    return frozenset(names)


def uses_of_internals(source: str, *, own: set[str], filename: str = "<source>") -> list[str]:
    """Where `source` reaches into Django: 'line: what' for each use."""
    found = []
    django_private = django_private_names()
    tree = ast.parse(source)
    # Names bound to other libraries' modules and objects (os._exit is Python's, not Django's).
    foreign = {
        (alias.asname or alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        and not (getattr(node, "module", None) or node.names[0].name).startswith("django")
        for alias in node.names
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.value.id in foreign:
                continue
            name = node.attr
            private = name in django_private and name not in own and name not in DOCUMENTED
            rel_model = name == "related_model" and getattr(node.value, "attr", "") == "rel"
            if private or name in INTERNAL_NAMES or rel_model:
                found.append(f"{filename}:{node.lineno}: .{name}")
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith(INTERNAL_MODULES):
                found.append(f"{filename}:{node.lineno}: from {node.module}")
            elif node.module.startswith("django"):
                for alias in node.names:
                    if alias.name.startswith("_"):
                        found.append(f"{filename}:{node.lineno}: {alias.name} from {node.module}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(INTERNAL_MODULES):
                    found.append(f"{filename}:{node.lineno}: import {alias.name}")
    return found


def test_project_code_uses_no_private_names_of_django():
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in project_files()}
    own = set().union(*(private_names_defined(tree) for tree in trees.values()))
    found = [
        use
        for path in trees
        for use in uses_of_internals(
            path.read_text(encoding="utf-8"), own=own, filename=str(path.relative_to(ROOT))
        )
    ]
    assert found == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("queryset._iterable_class", "._iterable_class"),
        ("query.get_compiler(using)", ".get_compiler"),
        ("compiler.klass_info", ".klass_info"),
        ("request._csp_nonce", "._csp_nonce"),
        ("Player.articles.rel.related_model", ".related_model"),
        ("from django.db.models.sql.query import Query", "from django.db.models.sql.query"),
        ("import django.db.models.sql", "import django.db.models.sql"),
        ("from django.utils.functional import _lazy_proxy", "_lazy_proxy from django"),
    ],
)
def test_the_check_finds_each_kind_of_internal(source, expected):
    (use,) = uses_of_internals(source, own=set())
    assert expected in use


def test_the_check_allows_documented_names_and_the_projects_own():
    source = "import os\nArticle._meta.get_field('slug')\nself._backend.count(terms)\nos._exit(0)"
    assert uses_of_internals(source, own={"_backend"}) == []
