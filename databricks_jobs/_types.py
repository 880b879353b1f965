"""Small shared vocabulary: the "not given" sentinel, JSON aliases and tiny protocols."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from typing import Any, Final, Literal, TypeAlias

__all__ = ["NOT_GIVEN", "JSON", "JSONObject", "NotGiven", "QueryValue"]

JSON: TypeAlias = "bool | int | float | str | Sequence[JSON] | Mapping[str, JSON] | None"
"""Any value that can be written as JSON."""

JSONObject: TypeAlias = "dict[str, Any]"
"""A decoded JSON object (values typed loosely: they are checked when decoded into models)."""

QueryValue: TypeAlias = "str | int | float | bool | Sequence[str | int] | None"
"""A value that can be put in a query string (None means left out)."""


class NotGiven(enum.Enum):
    """Type of `NOT_GIVEN`: marks an argument the caller did not pass (as opposed to `None`)."""

    NOT_GIVEN = enum.auto()

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __bool__(self) -> Literal[False]:
        return False


NOT_GIVEN: Final = NotGiven.NOT_GIVEN
"""Sentinel for "the caller did not give this": distinct from `None` ("send null")."""
