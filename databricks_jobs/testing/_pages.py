"""Opaque page tokens, list limits, and the 2.2 array pages of jobs/get and runs/get."""

from __future__ import annotations

import base64
import json
from typing import Any

from ._jobs import invalid

__all__ = ["decode_token", "encode_token", "slice_arrays"]


def encode_token(kind: str, **fields: Any) -> str:
    """Return an opaque page token of `kind` holding `fields`."""
    raw = json.dumps({"k": kind, **fields}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(kind: str, token: str) -> dict[str, Any]:
    """Return the fields of a token made by `encode_token(kind, ...)`; 400 if it is not one."""
    try:
        padded = token + "=" * (-len(token) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError) as exc:
        raise invalid(f"Invalid page token: {token}") from exc
    if not isinstance(value, dict) or value.get("k") != kind:
        raise invalid(f"Invalid page token: {token}")
    return value


def slice_arrays(
    arrays: dict[str, list[Any]], page: int, size: int
) -> tuple[dict[str, list[Any]], bool]:
    """Return page `page` of every array (empty ones left out) and whether more pages follow."""
    start = page * size
    out = {name: items[start : start + size] for name, items in arrays.items()}
    more = any(len(items) > start + size for items in arrays.values())
    return {name: items for name, items in out.items() if items}, more
