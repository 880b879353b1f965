"""An httpx transport over aiohttp (asyncio only), imported when first chosen.

It reports failures as our `ConnectionFailed` / `RequestTimeout` with ``request_sent`` taken
from aiohttp's trace signals (headers sent), because aiohttp's exception classes do not say
whether the request left: a connection dropped after a full request can surface as a
connect timeout.

aiohttp sends a GET, PUT or DELETE a second time by itself when the server closes the
connection before answering; the retry policy must be the only one to decide that (one
attempt of ours is one request on the wire). No aiohttp release has a public switch for
it (a private session attribute turns it off), so it is stopped through public hooks: a
client middleware turns the disconnect into an error aiohttp does not retry (aiohttp 3.12
and later), and on every version a trace hook refuses to send the same request twice.
"""

from __future__ import annotations

import ssl
from collections.abc import Awaitable, Callable
from types import SimpleNamespace
from typing import Any, Final, Literal

import aiohttp
import anyio
import httpx
import yarl

from .._config import PoolLimits
from .._errors import (
    ClientClosedError,
    ConnectionFailed,
    DatabricksError,
    RequestTimeout,
    refused_before_sending,
)
from .._sending import SendRecord, record_of
from ._body import declared_too_large, read_capped, read_response, too_large
from ._slots import take_slot

__all__ = ["AiohttpTransport"]

_SKIP_HEADERS = frozenset({"content-length", "transfer-encoding", "connection"})


_MIDDLEWARES_FROM: Final = (3, 12)
"""The first aiohttp release with client middlewares."""


class _NotSentAgain(Exception):
    """A disconnect aiohttp would have answered by sending the request again by itself."""

    def __init__(self, original: BaseException) -> None:
        super().__init__("the connection broke; not sent again")
        self.original = original


class _Progress:
    """One request through aiohttp: its `SendRecord`, and how often aiohttp began sending it."""

    __slots__ = ("record", "sends")

    def __init__(self, record: SendRecord) -> None:
        self.record = record
        self.sends = 0


async def _on_headers_sent(
    session: aiohttp.ClientSession, context: SimpleNamespace, params: Any
) -> None:
    # Fires as aiohttp begins writing the request, before the first byte of it is written.
    progress = context.trace_request_ctx
    if not isinstance(progress, _Progress):
        return
    if progress.sends and progress.record.sent:
        # aiohttp is about to send the same request again on its own: refuse, so nothing
        # of the second copy is written (versions without middlewares come this far).
        raise _NotSentAgain(ConnectionError("the server closed the connection"))
    progress.sends += 1
    progress.record.sent = True


async def _refuse_resend(
    request: aiohttp.ClientRequest, handler: Callable[[aiohttp.ClientRequest], Awaitable[Any]]
) -> Any:
    """A client middleware: a disconnect aiohttp would retry by itself is raised instead."""
    try:
        return await handler(request)
    except (aiohttp.ClientOSError, aiohttp.ServerDisconnectedError) as exc:
        raise _NotSentAgain(exc) from exc


def _supports_middlewares() -> bool:
    version = tuple(int(part) for part in aiohttp.__version__.split(".")[:2] if part.isdigit())
    return version >= _MIDDLEWARES_FROM


class AiohttpTransport(httpx.AsyncBaseTransport):
    """Sends httpx requests with one pooled `aiohttp.ClientSession` (created at first use).

    Answers with the body read whole (at most `max_body` bytes, else `ResponseTooLarge`),
    and keeps the request's `SendRecord`: sent when aiohttp begins writing it, the status
    when the answer's head arrives.
    """

    def __init__(self, *, limits: PoolLimits, verify: ssl.SSLContext, max_body: int) -> None:
        self._limits = limits
        self._max_body = max_body
        self._ssl = verify
        self._session: aiohttp.ClientSession | None = None
        self._closed = False
        # aiohttp has no pool timeout of its own: requests wait for a connection here.
        self._slots = anyio.Semaphore(limits.max_connections)

    def _open(self) -> aiohttp.ClientSession:
        trace = aiohttp.TraceConfig()
        trace.on_request_headers_sent.append(_on_headers_sent)
        connector = aiohttp.TCPConnector(
            limit=self._limits.max_connections,
            limit_per_host=self._limits.max_connections,
            keepalive_timeout=self._limits.keepalive_expiry,
            ssl=self._ssl,
        )
        options: dict[str, Any] = {}
        if _supports_middlewares():
            options["middlewares"] = (_refuse_resend,)
        self._session = aiohttp.ClientSession(
            connector=connector,
            trace_configs=[trace],
            cookie_jar=aiohttp.DummyCookieJar(),
            auto_decompress=False,
            trust_env=False,
            skip_auto_headers=("User-Agent", "Accept-Encoding"),
            **options,
        )
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send one request and read the whole response body."""
        record = record_of(request)
        record.reset()  # a new exchange (after a 401, the auth flow sends the request again)
        await take_slot(self._slots, request)
        try:
            return await self._send(request, record)
        finally:
            self._slots.release()

    async def _send(self, request: httpx.Request, record: SendRecord) -> httpx.Response:
        if self._closed:  # never open a session again after close (it would never be closed)
            raise ClientClosedError()
        session = self._session or self._open()
        timeouts = request.extensions.get("timeout", {})
        connect, read = timeouts.get("connect"), timeouts.get("read")
        timeout = aiohttp.ClientTimeout(
            total=None, connect=connect, sock_connect=connect, sock_read=read
        )
        headers = [
            (name, value)
            for name, value in request.headers.multi_items()
            if name.lower() not in _SKIP_HEADERS
        ]
        body = await request.aread()
        progress = _Progress(record)
        try:
            async with session.request(
                request.method,
                yarl.URL(str(request.url), encoded=True),
                data=body or None,
                headers=headers,
                timeout=timeout,
                allow_redirects=False,
                trace_request_ctx=progress,
            ) as response:
                record.status = response.status
                content = await self._read(response, request)
                return read_response(
                    response.status,
                    list(response.raw_headers),
                    content,
                    request,
                    {"http_version": b"HTTP/1.1"},
                )
        except DatabricksError:  # ours already (a body over the cap): not aiohttp's failure
            raise
        except TimeoutError as exc:
            sent = record.sent
            phase: Literal["read", "connect"] = "read" if sent else "connect"
            error: DatabricksError = RequestTimeout(
                f"{phase} timeout ({type(exc).__name__})",
                phase=phase,
                method=request.method,
                path=request.url.path,
                request_sent=sent,
            )
        except _NotSentAgain as stopped:
            error = ConnectionFailed.caused_by(
                stopped.original,
                request_sent=record.sent,
                method=request.method,
                path=request.url.path,
            )
        except (aiohttp.ClientError, OSError) as exc:
            error = ConnectionFailed.caused_by(
                exc, request_sent=record.sent, method=request.method, path=request.url.path
            )
        except ValueError:
            # aiohttp refuses a header value holding a control character with a bare
            # ValueError while serialising the headers, before writing any of them (its
            # headers-sent signal has already fired by then, so the record cannot tell).
            # Broken answers are ClientErrors, handled above.
            record.sent = False
            error = refused_before_sending(request.method, request.url.path)
        # Raised outside the except clauses: aiohttp's error, whose text may quote a header
        # or a status line a hostile server wrote, is neither the cause nor the context.
        raise error

    async def _read(self, response: aiohttp.ClientResponse, request: httpx.Request) -> bytes:
        """The whole body, in one piece; `ResponseTooLarge` past `max_body` bytes.

        A body whose declared length fits is read by aiohttp in one go; one without a
        declared length (chunked) is read chunk by chunk and refused at the one that
        crosses the cap.
        """
        declared = response.content_length
        if declared_too_large(declared, self._max_body):
            raise too_large(request, self._max_body)
        if declared is not None:
            return await response.read()
        return await read_capped(response.content.iter_any(), request, self._max_body)

    async def aclose(self) -> None:
        """Close the session and its connections; later requests raise `ClientClosedError`."""
        self._closed = True
        session, self._session = self._session, None
        if session is not None:
            await session.close()
