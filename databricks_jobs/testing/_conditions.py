"""Condition tasks and parameter references: ``{{job.parameters.name}}`` and the six ops."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["evaluate_condition", "resolve_refs"]

_REF = re.compile(r"\{\{\s*job\.parameters\.([\w.-]+)\s*\}\}")
_NUMERIC = {
    "GREATER_THAN": lambda a, b: a > b,
    "GREATER_THAN_OR_EQUAL": lambda a, b: a >= b,
    "LESS_THAN": lambda a, b: a < b,
    "LESS_THAN_OR_EQUAL": lambda a, b: a <= b,
}


def resolve_refs(text: str, params: Mapping[str, Any]) -> str:
    """Replace ``{{job.parameters.NAME}}`` in `text` by the run's parameter values."""
    return _REF.sub(lambda m: str(params.get(m.group(1), "")), text)


def evaluate_condition(spec: Mapping[str, Any], params: Mapping[str, Any]) -> str | None:
    """Return ``"true"``/``"false"`` for a condition_task spec, or None if it cannot be read.

    EQUAL_TO and NOT_EQUAL compare strings; the other ops compare numbers.
    """
    left = resolve_refs(str(spec.get("left", "")), params)
    right = resolve_refs(str(spec.get("right", "")), params)
    op = spec.get("op")
    if op == "EQUAL_TO":
        return str(left == right).lower()
    if op == "NOT_EQUAL":
        return str(left != right).lower()
    compare = _NUMERIC.get(str(op))
    if compare is None:
        return None
    try:
        return str(bool(compare(float(left), float(right)))).lower()
    except ValueError:
        return None
