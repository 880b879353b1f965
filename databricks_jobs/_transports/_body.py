"""Response bodies read whole, within the size cap, into one `httpx.Response`.

Every transport a Workspace uses answers with the body already read: ours read it as it
arrives (aiohttp's or httpcore's stream), a transport we do not ship is read by the adapter
around it. A body larger than the cap raises `ResponseTooLarge` as soon as that is known: at
the headers when a ``Content-Length`` says so, otherwise at the chunk that crosses it.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Mapping
from typing import Any

import httpx

from .._errors import ResponseTooLarge

__all__ = ["declared_too_large", "read_capped", "read_response", "too_large"]


def too_large(request: httpx.Request, max_bytes: int) -> ResponseTooLarge:
    """The error for an answer to `request` larger than `max_bytes`."""
    return ResponseTooLarge(
        f"{request.method} {request.url.path}: the response is larger than {max_bytes} bytes "
        "(raise max_response_bytes if this is expected)"
    )


def declared_too_large(content_length: str | int | None, max_bytes: int) -> bool:
    """True when a ``Content-Length`` (text or number) announces more than `max_bytes`."""
    if isinstance(content_length, str):
        content_length = int(content_length) if content_length.isdigit() else None
    return content_length is not None and content_length > max_bytes


async def read_capped(
    chunks: AsyncIterable[bytes], request: httpx.Request, max_bytes: int
) -> bytes:
    """Join `chunks` into one body (one copy); `ResponseTooLarge` past `max_bytes`."""
    parts: list[bytes] = []
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        if size > max_bytes:
            raise too_large(request, max_bytes)
        parts.append(chunk)
    return b"".join(parts)  # a single chunk is returned as it is, not copied


def read_response(
    status: int,
    headers: Any,
    body: bytes,
    request: httpx.Request,
    extensions: Mapping[str, Any] | None = None,
) -> httpx.Response:
    """An `httpx.Response` holding `body` as its content, already read (not copied again).

    Built from a stream rather than ``content=``, which would also compute content headers;
    reading it applies a ``Content-Encoding`` the server declared, as httpx does.
    """
    response = httpx.Response(
        status,
        headers=headers,
        stream=httpx.ByteStream(body),
        request=request,
        extensions=extensions,
    )
    response.read()
    return response
