"""The layout's rules (DESIGN §2), read from the code's own imports with ``ast``.

- Imports flow one way: ``ingest -> data``, ``dashboard -> data``, ``dashboard -> ingest``
  (the form's shared validation only), ``ingest|data|dashboard -> geo``; ``geo`` imports none
  of the others; nothing imports ``dashboard`` (``app.py`` builds it).
- SQL (SQLAlchemy, DB-API drivers) only in the data layer and in ingest's load stage.
- No import cycles between modules, lazy imports and ``TYPE_CHECKING`` imports included, and
  no module ``__getattr__`` to hide one (``app.server``, built on first use for gunicorn, is the
  one documented exception).
- No ``_private`` name imported from another module.
- No folder of the product, its tests or its benchmarks holds more than :data:`MAX_MODULES`
  modules directly (``__init__`` and ``conftest`` aside).

Every import counts, wherever it stands (top of the module, inside a function, under
``TYPE_CHECKING``), and so does ``importlib.import_module("a.literal")``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("data", "dashboard", "ingest", "geo")
#: Package -> the product packages it may import (besides itself).
ALLOWED = {
    "app": {"data", "dashboard", "ingest", "geo"},
    "data": {"geo"},
    "ingest": {"data", "geo"},
    "dashboard": {"data", "ingest", "geo"},
    "geo": set(),
}
#: The only ingest modules the dashboard may import: the checks the web form shares.
DASHBOARD_MAY_IMPORT_FROM_INGEST = {"ingest.form"}
#: Top-level modules that talk SQL.
SQL_LIBRARIES = {"sqlalchemy", "alembic", "sqlite3", "psycopg", "psycopg2"}
#: Where SQL may run: module name prefixes.
SQL_PLACES = ("data", "ingest.load")
MAX_MODULES = 15
#: Folders whose modules are a sequence by nature, not ideas side by side.
FOLDER_LIMIT_EXEMPT = {"data/store/migrations/versions"}
#: The rules, by the name :func:`violations` files what breaks them under.
RULES = ("edge", "sql", "private", "cycle", "getattr", "folder")


@dataclass
class Module:
    """One module of the product: its name, file and what it imports."""

    name: str
    path: Path
    is_package: bool
    #: (imported module, imported name or None, only under TYPE_CHECKING)
    imports: list[tuple[str, str | None, bool]] = field(default_factory=list)
    has_getattr: bool = False


def _module_name(path: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def _absolute(module: Module, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.name.split(".")
    if not module.is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _type_checking_nodes(tree: ast.Module) -> set[int]:
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                inside.update(id(n) for n in ast.walk(child))
    return inside


def _read(path: Path, name: str | None = None) -> Module:
    """The imports of the module at ``path`` (named ``name``, else by its place in the tree)."""
    name, is_package = (name, False) if name else _module_name(path)
    module = Module(name, path, is_package)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = _type_checking_nodes(tree)
    for node in ast.walk(tree):
        only_types = id(node) in typing_only
        if isinstance(node, ast.Import):
            module.imports += [(alias.name, None, only_types) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(module, node)
            module.imports += [(source, alias.name, only_types) for alias in node.names]
        elif (isinstance(node, ast.Call) and ast.unparse(node.func).endswith("import_module")
              and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)):
            module.imports.append((node.args[0].value, None, only_types))
    module.has_getattr = any(isinstance(node, ast.FunctionDef) and node.name == "__getattr__"
                             for node in tree.body)
    return module


def product_modules() -> dict[str, Module]:
    """Every module of the product packages and ``app.py``, by dotted name."""
    paths = [ROOT / "app.py"]
    for package in PACKAGES:
        paths += sorted((ROOT / package).rglob("*.py"))
    modules = [_read(path) for path in paths]
    return {module.name: module for module in modules}


def _target(modules: dict[str, Module], source: str, name: str | None) -> str:
    """The module an import statement depends on (``from pkg import submodule`` included)."""
    if name and f"{source}.{name}" in modules:
        return f"{source}.{name}"
    return source


def _top(name: str) -> str:
    return name.split(".")[0]


def violations(modules: dict[str, Module]) -> dict[str, set[str]]:
    """Every broken rule, as readable lines grouped by rule."""
    found: dict[str, set[str]] = {rule: set() for rule in RULES}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for module in modules.values():
        own = _top(module.name)
        for source, name, only_types in module.imports:
            target = _target(modules, source, name)
            top = _top(target)
            if top in ALLOWED and target in modules:
                graph[module.name].add(target)
                if top != own and top not in ALLOWED[own]:
                    found["edge"].add(f"{module.name} -> {target}")
                if (own == "dashboard" and top == "ingest"
                        and target not in DASHBOARD_MAY_IMPORT_FROM_INGEST):
                    found["edge"].add(f"{module.name} -> {target}")
                if (name and name.startswith("_") and not name.startswith("__")
                        and target != module.name):
                    found["private"].add(f"{module.name} -> {target}.{name}")
            if (top in SQL_LIBRARIES and not only_types
                    and not module.name.startswith(SQL_PLACES)):
                found["sql"].add(f"{module.name} -> {source}")
        if module.has_getattr and module.name != "app":  # app.server: built on first use
            found["getattr"].add(module.name)
    found["cycle"] = {", ".join(sorted(group)) for group in _cycles(graph)}
    found["folder"] = _crowded_folders()
    return found


def _cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.add(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(group)
    return groups


def _crowded_folders() -> set[str]:
    crowded = set()
    for package in (*PACKAGES, "tests", "benchmarks"):
        for folder in [ROOT / package, *(ROOT / package).rglob("*")]:
            if not folder.is_dir() or folder.name == "__pycache__":
                continue
            relative = folder.relative_to(ROOT).as_posix()
            count = sum(1 for p in folder.glob("*.py")
                        if p.name not in ("__init__.py", "conftest.py"))
            if count > MAX_MODULES and relative not in FOLDER_LIMIT_EXEMPT:
                crowded.add(relative)
    return crowded


@pytest.fixture(scope="module")
def found() -> dict[str, set[str]]:
    return violations(product_modules())


@pytest.mark.parametrize("rule", RULES)
def test_layout_rule(found, rule):
    assert not found[rule], f"{rule}: violations of DESIGN §2: {sorted(found[rule])}"


def test_each_rule_catches_a_planted_violation(tmp_path):
    """The checks above can fail: a module planted in geo breaks every rule once."""
    planted = tmp_path / "planted.py"
    planted.write_text(
        "from typing import TYPE_CHECKING\n"
        "import sqlalchemy\n"
        "from data.filters import _hidden\n"
        "if TYPE_CHECKING:\n"
        "    from data.store.db import Engine\n"
        "def later():\n"
        "    import importlib\n"
        "    from dashboard import ids\n"
        "    return importlib.import_module('ingest.pipeline')\n"
        "def __getattr__(name):\n"
        "    raise AttributeError(name)\n")
    modules = product_modules()
    modules["geo.planted"] = _read(planted, "geo.planted")
    modules["data.filters"].imports.append(("geo.planted", None, False))
    found = violations(modules)
    assert {"geo.planted -> dashboard.ids", "geo.planted -> ingest.pipeline",
            "geo.planted -> data.store.db"} <= found["edge"]
    assert found["sql"] == {"geo.planted -> sqlalchemy"}
    assert found["private"] == {"geo.planted -> data.filters._hidden"}
    assert any({"geo.planted", "data.filters"} <= set(c.split(", ")) for c in found["cycle"])
    assert found["getattr"] == {"geo.planted"}
    assert ("data.store.db", "Engine", True) in modules["geo.planted"].imports


def test_cycles_are_found():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]
    assert _cycles({"a": {"b"}, "b": set()}) == []
