"""What the API reference pages document: their mkdocstrings directives, resolved.

The reference pages (``docs/reference/``) are made of mkdocstrings directives
(``::: databricks_jobs.models.tasks``): a directive naming an object documents it, one
naming a module documents the names of its ``__all__`` (or of its ``members`` option).
"""

from __future__ import annotations

import importlib
import inspect
import re
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from .code_blocks import ROOT

__all__ = ["REFERENCE", "directives", "docstrings", "documented", "resolve"]

REFERENCE = ROOT / "docs" / "reference"
_DIRECTIVE = re.compile(r"^::: (?P<path>\S+)\n(?P<options>(?:[ \t]+\S.*\n?)*)", re.M)


def resolve(path: str) -> Any:
    """Import the object a dotted path names: the longest importable module, then attributes."""
    parts = path.split(".")
    for split in range(len(parts), 0, -1):
        try:
            value: Any = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for name in parts[split:]:
            value = getattr(value, name)
        return value
    raise ImportError(path)


def directives(page: Path) -> list[tuple[str, dict[str, Any]]]:
    """The ``:::`` directives of a page: the path each names and its options."""
    found = []
    for match in _DIRECTIVE.finditer(page.read_text(encoding="utf-8")):
        options = yaml.safe_load(match.group("options")) if match.group("options") else None
        found.append((match.group("path"), (options or {}).get("options", {})))
    return found


def documented() -> tuple[set[str], list[object]]:
    """The dotted paths the reference names, and the objects it documents."""
    paths: set[str] = set()
    objects: list[object] = []
    for page in sorted(REFERENCE.rglob("*.md")):
        for path, options in directives(page):
            value = resolve(path)
            paths.add(path)
            objects.append(value)
            if isinstance(value, types.ModuleType):
                members = options.get("members") or getattr(value, "__all__", [])
                paths.update(f"{path}.{name}" for name in members)
                objects.extend(getattr(value, name) for name in members)
    return paths, objects


def docstrings(objects: list[object]) -> Iterator[tuple[str, str]]:
    """``(where, docstring)`` of each documented object and of its public members, once each.

    A class's or module's members are what the page shows under it: the public names
    defined in it (a module's ``__all__``), methods and properties of a class.
    """
    seen: set[int] = set()
    for obj in objects:
        for name, value in [("", obj), *_members(obj)]:
            doc = _own_doc(value)
            if doc is None or id(value) in seen:
                continue
            seen.add(id(value))
            owner = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", repr(obj))
            yield (f"{owner}.{name}" if name else owner), doc


def _members(obj: object) -> list[tuple[str, object]]:
    if isinstance(obj, types.ModuleType):
        return [(name, getattr(obj, name)) for name in getattr(obj, "__all__", [])]
    if isinstance(obj, type):
        return [
            (name, value.fget if isinstance(value, property) else value)
            for name, value in vars(obj).items()
            if not name.startswith("_") and (callable(value) or isinstance(value, property))
        ]
    return []


def _own_doc(value: object) -> str | None:
    """The docstring written on `value` itself (not a class's inherited one)."""
    if isinstance(value, types.ModuleType | type) or inspect.isroutine(value):
        doc = value.__dict__.get("__doc__") if isinstance(value, type) else value.__doc__
        return inspect.cleandoc(doc) if isinstance(doc, str) else None
    return None
