"""Response bodies read whole, within the size cap: an `Answer`, or one `httpx.Response`.

Every transport a Workspace uses answers with the body already read: ours read it as it
arrives (aiohttp's or httpcore's stream), a transport we do not ship is read by the adapter
around it. A body larger than the cap raises `ResponseTooLarge` as soon as that is known: at
the headers when a ``Content-Length`` says so, otherwise at the chunk that crosses it.

What the request path reads of an answer is `Received`: its status, headers and body. The
aiohttp transport answers with an `Answer`, which holds just that; an `httpx.Response` around
a body already read costs a tenth of a call (decision 58).
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterator, Mapping, Sequence
from typing import Any, Final, Protocol

import httpx

from .._errors import ResponseTooLarge

__all__ = [
    "Answer",
    "Received",
    "declared_too_large",
    "read_capped",
    "read_response",
    "reread",
    "too_large",
]


class Received(Protocol):
    """An answer read whole: what the request path, the auth flows and telemetry read of it.

    An `httpx.Response` whose body was read is one; so is an `Answer`.
    """

    @property
    def status_code(self) -> int:
        """The HTTP status."""
        ...

    @property
    def headers(self) -> httpx.Headers:
        """The answer's headers."""
        ...

    @property
    def content(self) -> bytes:
        """The body, whole (its content encoding, if any, undone)."""
        ...

    async def aread(self) -> bytes:
        """The body (already read)."""
        ...


class Answer:
    """An answer read whole, without an `httpx.Response` around it.

    Its `headers` are made from the raw pairs when first asked for: an answer that succeeds
    is usually never asked. Only for a body without a content encoding (the transport hands
    an encoded one to `read_response`, which undoes it).
    """

    __slots__ = ("_headers", "_raw_headers", "content", "status_code")

    def __init__(
        self, status_code: int, raw_headers: Sequence[tuple[bytes, bytes]], content: bytes
    ) -> None:
        self.status_code = status_code
        self.content = content
        self._raw_headers = raw_headers
        self._headers: httpx.Headers | None = None

    @property
    def headers(self) -> httpx.Headers:
        """The answer's headers, as httpx gives them."""
        if self._headers is None:
            self._headers = httpx.Headers(list(self._raw_headers))
        return self._headers

    async def aread(self) -> bytes:
        """The body (already read)."""
        return self.content

    def __repr__(self) -> str:
        return f"<Answer [{self.status_code}]>"


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
    """Join `chunks` into one body; `ResponseTooLarge` past `max_bytes`.

    A single chunk is returned as it is, not copied. Others are added to one buffer as they
    come: a list of chunks cost about 57 bytes of memory per byte of a body sent one byte per
    chunk, past the cap many times over.
    """
    first = b""
    buffer: bytearray | None = None
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        if size > max_bytes:
            raise too_large(request, max_bytes)
        if buffer is not None:
            buffer += chunk
        elif first:
            buffer = bytearray(first)
            buffer += chunk
        else:
            first = chunk
    return first if buffer is None else bytes(buffer)


def read_response(
    status: int,
    headers: Any,
    body: bytes,
    request: httpx.Request,
    extensions: Mapping[str, Any] | None = None,
    *,
    max_bytes: int | None = None,
) -> httpx.Response:
    """An `httpx.Response` holding `body` as its content, already read (not copied again).

    Built from a stream rather than ``content=``, which would also compute content headers;
    reading it applies a ``Content-Encoding`` the server declared, as httpx does. With
    `max_bytes`, an encoded body is first decoded piece by piece and measured:
    `ResponseTooLarge` when it would decode to more (a small compressed body can hold
    gigabytes), before the whole of it is decoded in memory.
    """
    response = httpx.Response(
        status,
        headers=headers,
        stream=httpx.ByteStream(body),
        request=request,
        extensions=extensions,
    )
    if max_bytes is not None and response.headers.get("content-encoding", "identity") != "identity":
        _check_decoded_size(response.headers, body, request, max_bytes)
    response.read()
    return response


def reread(
    response: httpx.Response, body: bytes, request: httpx.Request, max_bytes: int
) -> httpx.Response:
    """`read_response` for the answer to `request` whose raw `body` was read from its stream."""
    return read_response(
        response.status_code,
        response.headers,
        body,
        request,
        response.extensions,
        max_bytes=max_bytes,
    )


_PIECE: Final = 1024
"""Encoded bytes decoded at a time while measuring a body: gzip and deflate turn 1 KiB into
at most about 1 MiB, so measuring holds at most the cap and one such piece."""


class _Pieces(httpx.SyncByteStream):
    """A body handed out in pieces of `_PIECE` bytes."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def __iter__(self) -> Iterator[bytes]:
        body = self._body
        for start in range(0, len(body), _PIECE):
            yield body[start : start + _PIECE]


def _check_decoded_size(
    headers: httpx.Headers, body: bytes, request: httpx.Request, max_bytes: int
) -> None:
    """`ResponseTooLarge` if `body`, encoded as `headers` say, decodes to over `max_bytes`."""
    probe = httpx.Response(200, headers=headers, stream=_Pieces(body))
    size = 0
    try:
        for piece in probe.iter_bytes():
            size += len(piece)
            if size > max_bytes:
                raise too_large(request, max_bytes)
    finally:
        probe.close()
