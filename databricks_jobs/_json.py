"""Reading JSON answers from the wire: what ``json.loads`` reads, refused as a `ValueError`.

Every answer the client parses (the API's, an error body, the token endpoint's, the
Databricks CLI's output) goes through `parse_json`: the value ``json.loads`` gives, faster for
the usual answer, and a `ValueError` for anything it cannot read, a value nested too deeply
for Python's recursion limit included (``json.loads`` raises `RecursionError` there, which a
hostile server could otherwise send through every caller's error handling).
"""

from __future__ import annotations

import json
from typing import Any, Final

__all__ = ["JSONTooDeep", "parse_json"]

_DECODER: Final = json.JSONDecoder()


class JSONTooDeep(ValueError):
    """JSON nested deeper than Python's recursion limit lets the `json` module read."""

    def __init__(self) -> None:
        super().__init__("JSON nested too deeply to read")


def parse_json(content: bytes | bytearray | str) -> Any:
    """Parse a JSON text as ``json.loads(content)`` does, faster for the common answer.

    ``json.loads`` of bytes first finds their encoding (UTF-8, -16 or -32, a byte-order mark
    or none), and then skips whitespace around the value with two regular expressions: for
    a small answer, twice what parsing it costs. An answer that opens with ``{`` and ends
    with ``}`` (what the service sends), with a second byte that is not zero, is UTF-8 by the
    same rule and has no whitespace around it: it is decoded and parsed at once. Anything
    else (and an object followed by more) goes through ``json.loads``, whose value or error
    it gets. Raises `ValueError` (`json.JSONDecodeError`, `UnicodeDecodeError`, or
    `JSONTooDeep`) for what cannot be read.
    """
    try:
        if (
            isinstance(content, bytes)
            and content[:1] == b"{"
            and content[-1:] == b"}"
            and content[1:2] != b"\x00"
        ):
            text = content.decode("utf-8", "surrogatepass")  # as json.loads decodes it
            value, end = _DECODER.raw_decode(text)
            if end == len(text):
                return value
        return json.loads(content)
    except RecursionError:
        raise JSONTooDeep() from None
