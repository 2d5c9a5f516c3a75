"""Find the interface texts marked for translation in the dashboard's source.

A marked text is a string literal (or implicitly concatenated literals) passed as the first
argument to ``translate``, ``_`` or ``N_`` (also as ``i18n.translate``). Both branches of a
conditional expression passed there count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

MARKERS = {"translate", "_", "N_"}
DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _literals(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    return []


def marked_in_source(source: str) -> set[str]:
    """The texts marked for translation in one module's source."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and _name(node.func) in MARKERS and node.args:
            found.update(_literals(node.args[0]))
    return found


def marked_texts(root: Path = DASHBOARD) -> dict[str, set[str]]:
    """Marked text -> the files (relative to ``root``'s parent) that mark it."""
    out: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        for text in marked_in_source(path.read_text(encoding="utf-8")):
            out.setdefault(text, set()).add(str(path.relative_to(root.parent)))
    return out
