"""How exported classes and functions present themselves: under the module users import.

A class defined in a private module (``databricks_jobs._errors.NotFound``) is shown as
``databricks_jobs.NotFound`` in reprs and tracebacks, as httpx shows ``httpx.AsyncClient``.
"""

from __future__ import annotations

import inspect
import types
import typing

import attrs

__all__ = ["present_as"]


def present_as(module_name: str, value: object) -> None:
    """Show an exported class or function as ``<module_name>.<name>``; other values stay.

    A class's annotations are resolved first, in the module that defined them: tools that
    resolve type hints through ``cls.__module__`` (cattrs, pydantic, FastAPI) would otherwise
    look them up in the public module, which does not hold the names they use. A function
    keeps resolving its hints through its own globals.
    """
    if isinstance(value, type):
        _resolve_annotations(value)
    if isinstance(value, type | types.FunctionType):
        value.__module__ = module_name


def _resolve_annotations(cls: type) -> None:
    own = inspect.get_annotations(cls)
    if not own:
        return
    hints = typing.get_type_hints(cls, include_extras=True)
    cls.__annotations__ = {name: hints.get(name, hint) for name, hint in own.items()}
    if attrs.has(cls):
        attrs.resolve_types(cls)
