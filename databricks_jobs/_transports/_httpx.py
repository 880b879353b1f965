"""httpx's own transport (httpcore; any event loop), reporting failures as our errors.

Whether a failed request had started to leave this host is read from httpcore's ``trace``
extension events (``send_request_headers`` and ``send_request_body``), never from the
exception class, and reported as ``request_sent``.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from typing import Any, Final, Literal, TypeAlias

import anyio
import httpx

from .._config import PoolLimits
from .._errors import (
    ClientClosedError,
    ConnectionFailed,
    DatabricksError,
    RequestTimeout,
    refused_before_sending,
)
from .._sending import SendRecord, record_of
from ._body import declared_too_large, read_capped, reread, too_large
from ._slots import take_slot

__all__ = ["TIMEOUT_PHASES", "TracingHTTPTransport", "from_httpx"]

_SENT_EVENTS: Final = ("send_request_headers", "send_request_body")
Phase: TypeAlias = Literal["connect", "read", "write", "pool"]
TIMEOUT_PHASES: Final[Mapping[type[httpx.TimeoutException], Phase]] = {
    httpx.ConnectTimeout: "connect",
    httpx.ReadTimeout: "read",
    httpx.WriteTimeout: "write",
    httpx.PoolTimeout: "pool",
}
"""The phase of each httpx timeout."""


class _SendProgress:
    """Marks the request's `SendRecord` sent from httpcore trace events.

    The record is marked when httpcore begins writing the request. `headers_sent` marks the
    header block written whole: h11 refuses an invalid header value while building that
    block, before writing any of it, so such a refusal left nothing.
    """

    __slots__ = ("headers_sent", "record")

    def __init__(self, record: SendRecord) -> None:
        self.record = record
        self.headers_sent = False

    async def trace(self, event_name: str, info: Mapping[str, Any]) -> None:
        if (
            not self.record.sent
            and event_name.endswith(".started")
            and any(marker in event_name for marker in _SENT_EVENTS)
        ):
            self.record.sent = True
        if event_name.endswith("send_request_headers.complete"):
            self.headers_sent = True


class TracingHTTPTransport(httpx.AsyncBaseTransport):
    """httpx's own transport, answering with the body read whole and ``request_sent`` known.

    Requests beyond the pool size wait here, on a semaphore, rather than in httpcore's pool,
    whose queue gets slow when long (1,000 queued requests took about 30 times longer than
    200, measured on this transport). A connection slot is held until the body is read.
    """

    def __init__(self, *, limits: PoolLimits, verify: ssl.SSLContext, max_body: int) -> None:
        self._closed = False
        self._max_body = max_body
        self._slots = anyio.Semaphore(limits.max_connections)
        self._inner = httpx.AsyncHTTPTransport(
            verify=verify,
            limits=httpx.Limits(
                max_connections=limits.max_connections,
                max_keepalive_connections=limits.max_keepalive_connections,
                keepalive_expiry=limits.keepalive_expiry,
            ),
            trust_env=False,
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send through httpcore, recording progress with its trace hook; read the body."""
        record = record_of(request)
        record.reset()  # a new exchange (after a 401, the auth flow sends the request again)
        progress = _SendProgress(record)
        request.extensions = {**request.extensions, "trace": progress.trace}
        await take_slot(self._slots, request)
        try:
            if self._closed:  # a request that waited for a slot while the pool closed
                raise ClientClosedError()
            return await self._send(request, progress)
        finally:
            self._slots.release()

    async def _send(self, request: httpx.Request, progress: _SendProgress) -> httpx.Response:
        """Send through httpcore and read the answer; map its failures to ours."""
        try:
            response = await self._inner.handle_async_request(request)
            try:
                progress.record.status = response.status_code
                if declared_too_large(response.headers.get("content-length"), self._max_body):
                    raise too_large(request, self._max_body)
                assert isinstance(response.stream, httpx.AsyncByteStream)
                body = await read_capped(response.stream, request, self._max_body)
                _no_reuse_if_more_arrived(response.stream)
            finally:
                await response.aclose()
            return reread(response, body, request, self._max_body)
        except httpx.LocalProtocolError as exc:
            # Refused while h11 built the request; some bytes left only if the headers had.
            progress.record.sent = progress.headers_sent
            error = from_httpx(exc, request, sent=progress.headers_sent)
        except httpx.TransportError as exc:
            error = from_httpx(exc, request, sent=progress.record.sent)
        # Raised outside the except clause: the httpx error, whose text may quote a header
        # value, is neither the cause nor the context of ours.
        raise error

    async def aclose(self) -> None:
        """Close the pooled connections; later requests raise `ClientClosedError`."""
        self._closed = True
        await self._inner.aclose()


def _no_reuse_if_more_arrived(stream: httpx.AsyncByteStream) -> None:
    """Keep a connection out of the pool when bytes followed the answer just read.

    A server (or something on the way) that sends a second response after the one asked for
    would have it taken as the answer of the connection's next request: a `jobs/create`
    answered with another job's id, and every answer after it shifted by one. httpcore puts
    a connection back in the pool without looking at h11's buffer, so h11 is told the
    exchange failed (`h11.Connection.send_failed`), and httpcore closes the connection.
    The way to h11's state runs through httpx's and httpcore's private attributes; where they
    differ (another httpcore release) nothing is done, and a test tells.
    """
    state = getattr(
        getattr(
            getattr(getattr(stream, "_httpcore_stream", None), "_stream", None),
            "_connection",
            None,
        ),
        "_h11_state",
        None,
    )
    trailing = getattr(state, "trailing_data", None)
    if trailing is not None and trailing[0]:
        state.send_failed()  # type: ignore[union-attr]


def from_httpx(exc: httpx.TransportError, request: httpx.Request, *, sent: bool) -> DatabricksError:
    """Our error for an httpx failure of `request`; `sent` says whether it had left.

    Nothing of the httpx message is copied: h11's refusal of a header value quotes it whole.
    """
    method, path = request.method, request.url.path
    if isinstance(exc, httpx.LocalProtocolError) and not sent:
        return refused_before_sending(method, path)
    if isinstance(exc, httpx.TimeoutException):
        phase = TIMEOUT_PHASES.get(type(exc), "read")
        return RequestTimeout(
            f"{phase} timeout (httpx.{type(exc).__name__})",
            phase=phase,
            method=method,
            path=path,
            request_sent=sent,
        )
    return ConnectionFailed.caused_by(exc, request_sent=sent, method=method, path=path)
