"""Small shared vocabulary: JSON aliases."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias

__all__ = ["JSON", "JSONObject", "QueryValue"]

JSON: TypeAlias = "bool | int | float | str | Sequence[JSON] | Mapping[str, JSON] | None"
"""Any value that can be written as JSON."""

JSONObject: TypeAlias = "dict[str, Any]"
"""A decoded JSON object (values typed loosely: they are checked when decoded into models)."""

QueryValue: TypeAlias = str | int | float | bool | Sequence[str | int] | None
"""A value that can be put in a query string (None means left out)."""
