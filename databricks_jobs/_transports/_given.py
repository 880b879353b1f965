"""A transport given as ``transport=`` (one we do not ship), held to what ours promise.

Ours read the body whole within the cap, report failures as our errors and mark the
request's `SendRecord` from their own progress records. A given transport cannot say
whether a request left, so every exchange handed to it counts as sent, and its failures are
judged by their class: an ``httpx.ConnectError``, ``ConnectTimeout``, ``PoolTimeout`` or
``LocalProtocolError`` as not sent, anything else as sent (the conservative side).
"""

from __future__ import annotations

import httpx

from .._sending import record_of
from ._body import declared_too_large, read_capped, reread, too_large
from ._httpx import from_httpx

__all__ = ["GivenTransport"]

_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.LocalProtocolError)
"""Failures of a given transport that come before any byte of the request can have left."""


class GivenTransport(httpx.AsyncBaseTransport):
    """Wraps a given transport: bodies read whole within the cap, failures as our errors."""

    def __init__(self, inner: httpx.AsyncBaseTransport, *, max_body: int) -> None:
        self.inner = inner
        self._max_body = max_body

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Hand the request over (counted as sent) and read the whole answer."""
        record = record_of(request)
        record.reset()
        record.sent = True
        try:
            response = await self.inner.handle_async_request(request)
            record.status = response.status_code
            if response.is_stream_consumed:  # built in memory (in-process transports): read
                response.request = request
                if len(response.content) > self._max_body:
                    raise too_large(request, self._max_body)
                return response
            try:
                if declared_too_large(response.headers.get("content-length"), self._max_body):
                    raise too_large(request, self._max_body)
                body = await read_capped(response.aiter_raw(), request, self._max_body)
            finally:
                await response.aclose()
            return reread(response, body, request, self._max_body)
        except httpx.TransportError as exc:
            sent = not isinstance(exc, _NOT_SENT)
            record.sent = sent
            error = from_httpx(exc, request, sent=sent)
        raise error  # outside the except clause: the httpx text is not chained

    async def aclose(self) -> None:
        """Close the given transport."""
        await self.inner.aclose()
