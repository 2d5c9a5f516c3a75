"""Field checks of the taxonomy file: each returns the usable value and appends problems.

Used by :mod:`data.reference.taxonomy` while it reads ``data/reference/taxonomy.yaml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def text_list(value: Any, where: str, problems: list[str]) -> tuple[str, ...]:
    """A list of non-empty strings (a missing list is empty)."""
    items = value if isinstance(value, list | tuple) else ()
    good = tuple(item for item in items if isinstance(item, str) and item.strip())
    if len(good) != len(items) or not isinstance(value, list | tuple | None):
        bad = [item for item in items if item not in good] if items else value
        problems.append(f"{where}: expected a list of non-empty strings (quote them): {bad!r}")
    return good


def by_language(value: Any, where: str, problems: list[str]) -> dict:
    """A mapping language -> list of non-empty strings (synonyms, group names)."""
    if not isinstance(value, Mapping | None):
        problems.append(f"{where}: expected a mapping language -> list of strings")
    items = value.items() if isinstance(value, Mapping) else ()
    return {str(lang): text_list(texts, f"{where}.{lang}", problems) for lang, texts in items}


def translations(value: Any, where: str, problems: list[str]) -> dict[str, str]:
    """A mapping language -> one non-empty text (display labels or descriptions)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        problems.append(f"{where}: expected a mapping language -> text")
        return {}
    good = {str(lang): text.strip() for lang, text in value.items()
            if isinstance(text, str) and text.strip()}
    if len(good) != len(value):
        problems.append(f"{where}: every language needs a non-empty text (quote it)")
    return good
