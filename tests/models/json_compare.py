"""Strict comparison of parsed JSON: keys, values and JSON types (1, 1.0 and true differ).

Python's ``==`` says ``{"a": True} == {"a": 1}``; a lossless round trip must not turn one
into the other, so the model tests compare with `json_differences` instead.
"""

from __future__ import annotations

from typing import Any


def json_type(value: Any) -> str:
    """The JSON type of a decoded value: null, boolean, integer, number, string, array, object."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def json_differences(got: Any, want: Any, path: str = "") -> list[str]:
    """Every place where `got` differs from `want` in a key, a value or a JSON type."""
    where = path or "<root>"
    if json_type(got) != json_type(want):
        return [f"{where}: {json_type(got)} {got!r} instead of {json_type(want)} {want!r}"]
    if isinstance(want, dict):
        out = []
        for key in sorted(set(got) | set(want), key=str):
            if key not in got:
                out.append(f"{path}[{key!r}]: missing")
            elif key not in want:
                out.append(f"{path}[{key!r}]: not expected ({got[key]!r})")
            else:
                out += json_differences(got[key], want[key], f"{path}[{key!r}]")
        return out
    if isinstance(want, list | tuple):
        if len(got) != len(want):
            return [f"{where}: {len(got)} items instead of {len(want)}"]
        out = []
        for i, (a, b) in enumerate(zip(got, want, strict=True)):
            out += json_differences(a, b, f"{path}[{i}]")
        return out
    if got != want:
        return [f"{where}: {got!r} instead of {want!r}"]
    return []
