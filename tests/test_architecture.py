"""The shape of atlas/ (issue 23): a small root, no import circle, stores reached only through their contract."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

from atlas.stores.base import Store
from atlas.stores.files import FileStore
from tests.conftest import ROOT

ATLAS = ROOT / "atlas"
MAX_ROOT_MODULES = 14


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(ATLAS.rglob("*.py"))}


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Every atlas module ``path`` imports, at module level or inside a function (``from pkg import mod`` included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name in modules and name != _module_name(path)}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    graph = {name: _imports(path, modules) for name, path in modules.items()}
    # importing a.b.c runs a/__init__ and a/b/__init__ first: those are edges too, but a package's own
    # __init__ importing nothing of its children is the norm here, so only real import statements count
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_import_circle_in_atlas_function_level_imports_included():
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_a_circle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]


def test_the_atlas_root_keeps_only_the_layer_core_and_single_file_features():
    root = sorted(p.name for p in ATLAS.glob("*.py") if p.name != "__init__.py")
    assert len(root) <= MAX_ROOT_MODULES, root


BRANCHES = [
    re.compile(r"getattr\(\s*store"),
    re.compile(r"\bstore\.kind\b"),
    re.compile(r"isinstance\([^)]*(FileStore|PostgisStore)"),
    re.compile(r"hasattr\(\s*store"),
]


def test_no_code_branches_on_a_store_type_outside_the_factory():
    offenders = []
    for path in ATLAS.rglob("*.py"):
        if path.name == "factory.py" and path.parent.name == "stores":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if any(pattern.search(line) for pattern in BRANCHES):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_only_the_stores_know_where_their_files_are():
    offenders = []
    for path in ATLAS.rglob("*.py"):
        if "stores" in path.relative_to(ATLAS).parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"store\(\)\.data_dir|store\.data_dir", line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert offenders == []


def test_a_store_that_forgets_an_operation_cannot_be_made():
    class Forgetful(Store):
        def layer(self, layer_id):
            raise AssertionError("never reached")

    with pytest.raises(TypeError, match="abstract"):
        Forgetful(None)


def test_the_file_store_implements_the_contract_without_inheriting_another_store():
    assert not inspect.isabstract(FileStore)
    assert FileStore.__mro__[1] is Store


def test_the_postgis_store_implements_the_contract_without_inheriting_the_file_store():
    from atlas.stores.postgis.store import PostgisStore

    assert not inspect.isabstract(PostgisStore)
    assert PostgisStore.__mro__[1] is Store
    assert FileStore not in PostgisStore.__mro__


FEATURE_BLUEPRINTS = ("parks", "corridors", "scenarios")
# what a feature blueprint may take from atlas.web: the app's shared parts, not another blueprint (``auth`` is
# the sign-in blueprint and also the access decorators every write route uses)
SHARED_WEB = {"extension", "i18n", "security", "auth", "db", "texts", "sheets", "years"}


def _private_imports(path: Path) -> list[str]:
    """``from atlas.x import _name`` statements of ``path`` (a module reaching into another's privates)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{node.module}.{alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("atlas")
        for alias in node.names
        if alias.name.startswith("_")
    ]


def test_no_module_imports_another_modules_private_names():
    found = {name: _private_imports(path) for name, path in _modules().items()}
    assert {name: names for name, names in found.items() if names} == {}


def test_feature_blueprints_use_only_the_domain_and_the_shared_web_parts():
    modules = _modules()
    for feature in FEATURE_BLUEPRINTS:
        path = modules[f"atlas.web.{feature}"]
        web = {name.split(".")[2] for name in _imports(path, modules) if name.startswith("atlas.web.")}
        assert web <= SHARED_WEB, (feature, web - SHARED_WEB)
    for shared in SHARED_WEB - {"auth"}:  # the shared parts are helpers, not blueprints
        assert "Blueprint(" not in modules[f"atlas.web.{shared}"].read_text(encoding="utf-8"), shared


def test_each_pdf_route_lives_in_its_features_blueprint():
    import server

    app = server.create_app()
    endpoints = {rule.rule: rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.endswith(".pdf")}
    assert endpoints == {"/parks/<park_id>.pdf": "parks.park_pdf", "/corridors/compare.pdf": "corridors.compare_pdf"}
