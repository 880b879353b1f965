"""The one pooled HTTP transport of a Workspace, and transport errors mapped to ours.

Transports: ``"aiohttp"`` (an httpx transport over aiohttp; asyncio only, about six times
cheaper per call than httpx's own at high concurrency), ``"httpx"`` (httpx's own transport;
any event loop), ``"auto"`` (aiohttp on asyncio when it imports, httpx otherwise, decided at
the first request), or any ``httpx.AsyncBaseTransport`` (tests, the in-process emulator).

Whether a failed request had started to leave this host is decided here, by the transports
we ship, from their own progress records (httpcore trace events, aiohttp trace signals), and
reported as ``request_sent`` on `ConnectionFailed` / `RequestTimeout`. Exception classes are
not trusted for this: an aiohttp-backed transport can report a connection dropped after a
full request as a connect timeout.

A client belongs to the event loop it is first used in (`HttpClient.check_usable`): its
connections live there. Use from another loop raises `EventLoopError`; binding the loop is
guarded by a lock, so two threads that start using one client at once cannot both create a
transport. After `aclose` nothing is reopened.
"""

from __future__ import annotations

import asyncio
import platform
import ssl
import sys
import threading
from collections.abc import AsyncIterator, Mapping
from typing import Any, Final, Literal, TypeAlias

import anyio
import httpx

from ._config import PoolLimits, Timeouts, check_header_text
from ._errors import (
    ClientClosedError,
    ConfigError,
    ConnectionFailed,
    DatabricksError,
    EventLoopError,
    RequestTimeout,
    ResponseTooLarge,
    TransportError,
    refused_before_sending,
)
from ._sending import SendRecord, record_of
from ._slots import take_slot
from ._version import __version__

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "HttpClient",
    "TransportChoice",
    "current_loop",
    "user_agent",
]

TransportChoice: TypeAlias = Literal["auto", "httpx", "aiohttp"] | httpx.AsyncBaseTransport
"""The HTTP transport: ``auto`` (aiohttp on asyncio, httpx's own under trio), ``httpx``,
``aiohttp``, or any ``httpx.AsyncBaseTransport`` (the emulator's, for one).
"""
_TRANSPORT_NAMES: Final = ("auto", "httpx", "aiohttp")
DEFAULT_MAX_RESPONSE_BYTES: Final = 128 * 1024 * 1024
"""The largest response body read (128 MiB): outputs are capped at 5 MB by the service."""
_URL_CACHE_SIZE: Final = 512
"""Parsed URLs kept per path: parsing one costs tens of microseconds per request."""
_SENT_EVENTS: Final = ("send_request_headers", "send_request_body")
Phase: TypeAlias = Literal["connect", "read", "write", "pool"]
_TIMEOUT_PHASES: Final[Mapping[type[httpx.TimeoutException], Phase]] = {
    httpx.ConnectTimeout: "connect",
    httpx.ReadTimeout: "read",
    httpx.WriteTimeout: "write",
    httpx.PoolTimeout: "pool",
}


def current_loop() -> object:
    """The running event loop: asyncio's loop, or the token of trio's run."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        pass
    trio = sys.modules.get("trio")
    if trio is not None:
        try:
            return trio.lowlevel.current_trio_token()
        except RuntimeError:
            pass
    raise EventLoopError("no event loop is running: call the Workspace from async code")


def _loop_name(loop: object) -> str:
    return "asyncio" if isinstance(loop, asyncio.AbstractEventLoop) else "trio"


def user_agent(extra: str | None = None) -> str:
    """Return the User-Agent: this library and version, then Python's and httpx's."""
    base = f"brickjobs/{__version__} python/{platform.python_version()} httpx/{httpx.__version__}"
    return f"{base} {extra}" if extra else base


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


class _ReleasingStream(httpx.AsyncByteStream):
    """A response body that gives back its pool slot when closed."""

    def __init__(self, inner: httpx.AsyncByteStream, slots: anyio.Semaphore) -> None:
        self._inner = inner
        self._slots: anyio.Semaphore | None = slots

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._inner.aclose()
        finally:
            slots, self._slots = self._slots, None
            if slots is not None:
                slots.release()


class TracingHTTPTransport(httpx.AsyncBaseTransport):
    """httpx's own transport, reporting failures as our errors with ``request_sent`` known.

    Requests beyond the pool size wait here, on a semaphore, rather than in httpcore's pool,
    whose queue gets slow when long (1,000 queued requests took about 30 times longer than
    200, measured on this transport).
    """

    def __init__(self, *, limits: PoolLimits, verify: ssl.SSLContext) -> None:
        self._closed = False
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
        """Send through httpcore, recording progress with its trace hook."""
        progress = _SendProgress(record_of(request))
        request.extensions = {**request.extensions, "trace": progress.trace}
        await take_slot(self._slots, request.extensions.get("timeout", {}).get("pool"))
        try:
            if self._closed:  # a request that waited for a slot while the pool closed
                raise ClientClosedError()
            response = await self._send(request, progress)
        except BaseException:
            self._slots.release()
            raise
        response.stream = _ReleasingStream(response.stream, self._slots)  # type: ignore[arg-type]
        return response

    async def _send(self, request: httpx.Request, progress: _SendProgress) -> httpx.Response:
        """Send through httpcore; map its failures to ours."""
        try:
            return await self._inner.handle_async_request(request)
        except httpx.LocalProtocolError as exc:
            # Refused while h11 built the request; some bytes left only if the headers had.
            progress.record.sent = progress.headers_sent
            error = _from_httpx(
                exc,
                sent=progress.headers_sent,
                method=request.method,
                path=request.url.path,
            )
        except httpx.TransportError as exc:
            error = _from_httpx(exc, sent=progress.record.sent)
        # Raised outside the except clause: the httpx error, whose text may quote a header
        # value, is neither the cause nor the context of ours.
        raise error

    async def aclose(self) -> None:
        """Close the pooled connections; later requests raise `ClientClosedError`."""
        self._closed = True
        await self._inner.aclose()


def _from_httpx(
    exc: httpx.TransportError, *, sent: bool, method: str = "", path: str = ""
) -> DatabricksError:
    """Our error for an httpx transport failure; `sent` says whether the request had left.

    Nothing of the httpx message is copied: h11's refusal of a header value quotes it whole.
    """
    if isinstance(exc, httpx.LocalProtocolError) and not sent:
        return refused_before_sending(method, path)
    if isinstance(exc, httpx.TimeoutException):
        phase = _TIMEOUT_PHASES.get(type(exc), "read")
        return RequestTimeout(
            f"{phase} timeout (httpx.{type(exc).__name__})",
            phase=phase,
            method=method,
            path=path,
            request_sent=sent,
        )
    return ConnectionFailed.caused_by(exc, request_sent=sent, method=method, path=path)


class HttpClient:
    """Owns one pooled httpx transport, built at the first request (never at construction).

    Requests are `httpx.Request` objects sent straight through the transport with an
    `httpx.Auth` flow: no `httpx.AsyncClient` in between, whose cookie jar and redirect
    machinery the API does not use and which cost a fifth of the client's CPU per call.

    Not for direct use: `Workspace` builds one and every request goes through `send`.
    """

    def __init__(
        self,
        *,
        base_url: str,
        timeouts: Timeouts,
        limits: PoolLimits,
        transport: TransportChoice = "auto",
        verify: ssl.SSLContext | str | bool = True,
        user_agent_extra: str | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        if isinstance(transport, str) and transport not in _TRANSPORT_NAMES:
            raise ConfigError(
                f"transport must be one of {', '.join(_TRANSPORT_NAMES)} or an "
                f"httpx.AsyncBaseTransport, got {transport!r}"
            )
        if verify is False:
            raise ConfigError(
                "TLS verification cannot be turned off; pass a CA bundle path or an "
                "ssl.SSLContext that trusts your certificates instead"
            )
        if not isinstance(max_response_bytes, int) or max_response_bytes < 1:
            raise ConfigError(
                f"max_response_bytes must be a positive integer, got {max_response_bytes!r}"
            )
        self.max_response_bytes = max_response_bytes
        self.base_url = base_url
        self.timeouts = timeouts
        self.limits = limits
        self._choice = transport
        self._verify = verify
        extra = check_header_text(user_agent_extra, name="user_agent_extra")
        self._headers = {"User-Agent": user_agent(extra), "Accept": "application/json"}
        self._transport: httpx.AsyncBaseTransport | None = None
        self._urls: dict[str, httpx.URL] = {}
        self._timeout_extension = httpx.Timeout(
            connect=timeouts.connect, read=timeouts.read, write=timeouts.write, pool=timeouts.pool
        ).as_dict()
        self._ours = False
        self._transport_name: str | None = None
        self._closed = False
        self._closing: anyio.Event | None = None
        self._loop: object | None = None  # the event loop this client belongs to
        self._lock = threading.Lock()  # binds the loop: two threads may race to first use

    @property
    def transport_name(self) -> str | None:
        """The transport in use (``aiohttp``, ``httpx`` or the class name), None before use."""
        return self._transport_name

    @property
    def closed(self) -> bool:
        """True after `aclose`."""
        return self._closed

    def build_request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | list[str]] | None = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Request:
        """Return the request a call would send (for dry runs, logging and `send`)."""
        request_headers = dict(self._headers)
        if content is not None:
            request_headers["Content-Type"] = "application/json"
        if headers:
            request_headers.update(headers)
        url = self._urls.get(path)
        if url is None:
            url = httpx.URL(self.base_url + path)
            if len(self._urls) < _URL_CACHE_SIZE:
                self._urls[path] = url
        return httpx.Request(
            method,
            url,
            params=params,
            content=content,
            headers=request_headers,
            extensions={"timeout": self._timeout_extension},
        )

    async def send(self, request: httpx.Request, *, auth: httpx.Auth | None) -> httpx.Response:
        """Send one request (no retries here) and read its body.

        `auth` is driven as an httpx auth flow (a 401 may make it send again). Failures are
        raised as `TransportError` subclasses.
        """
        transport = self._transport_for_loop()
        ours = self._ours
        try:
            if auth is None:
                return await _exchange(transport, request, self.max_response_bytes, ours)
            flow = auth.async_auth_flow(request)
            request = await flow.__anext__()
            while True:
                response = await _exchange(transport, request, self.max_response_bytes, ours)
                try:
                    request = await flow.asend(response)
                except StopAsyncIteration:
                    return response
        except TransportError as exc:
            exc.method, exc.path = request.method, request.url.path
            raise
        except httpx.TransportError as exc:
            # Our transports raise our own errors; an httpx error escaping them comes from
            # reading the body, so the request was sent. Foreign transports: go by class.
            sent = ours or not isinstance(
                exc,
                httpx.ConnectError
                | httpx.ConnectTimeout
                | httpx.PoolTimeout
                | httpx.LocalProtocolError,
            )
            record_of(request).sent = sent
            error = _from_httpx(exc, sent=sent, method=request.method, path=request.url.path)
        raise error  # outside the except clause: the httpx text is not chained (see above)

    def check_usable(self) -> None:
        """Refuse use after `aclose` or from another event loop; bind the loop at first use."""
        if self._closed:
            raise ClientClosedError()
        loop = current_loop()
        if loop is self._loop:
            return
        with self._lock:  # another thread's loop may be binding at this very moment
            if self._loop is None:
                self._loop = loop
                return
            bound = self._loop
        raise EventLoopError(
            f"this Workspace belongs to another event loop ({_loop_name(bound)}) than the "
            f"one running now ({_loop_name(loop)}): each asyncio.run(), anyio.run() or "
            "trio.run() starts a new loop. Create the Workspace inside the async function "
            "the loop runs (async with Workspace(...) as ws), one per loop: per script run, "
            "per task of a task queue that runs each task in its own loop; in a notebook, "
            "await in cells instead of calling asyncio.run()"
        )

    def _transport_for_loop(self) -> httpx.AsyncBaseTransport:
        transport = self._transport
        if transport is not None and not self._closed and current_loop() is self._loop:
            return transport
        self.check_usable()
        with self._lock:
            if self._transport is None:
                self._transport = self._make_transport()
            return self._transport

    def _make_transport(self) -> httpx.AsyncBaseTransport:
        choice = self._choice
        if not isinstance(choice, str):
            self._transport_name = type(choice).__name__
            return choice
        on_asyncio = isinstance(self._loop, asyncio.AbstractEventLoop)
        if choice == "auto":
            choice = "aiohttp" if on_asyncio and _aiohttp_available() else "httpx"
        if choice == "aiohttp":
            if not on_asyncio:
                raise EventLoopError(
                    "the aiohttp transport runs only on asyncio; use transport='httpx' (or "
                    "'auto', which picks httpx's transport) under trio"
                )
            self._ours = True
            from ._aiohttp import AiohttpTransport

            self._transport_name = "aiohttp"
            return AiohttpTransport(
                limits=self.limits,
                verify=self._ssl_context(),
                max_body=self.max_response_bytes,
            )
        self._ours = True
        self._transport_name = "httpx"
        return TracingHTTPTransport(limits=self.limits, verify=self._ssl_context())

    def _ssl_context(self) -> ssl.SSLContext:
        if isinstance(self._verify, ssl.SSLContext):
            return self._verify
        if isinstance(self._verify, str):
            return ssl.create_default_context(cafile=self._verify)
        return httpx.create_ssl_context()

    def check_closable(self) -> None:
        """Refuse to close from another event loop than the one whose connections these are."""
        if self._closed or self._loop is None:
            return
        loop = current_loop()
        if loop is not self._loop:
            raise EventLoopError(
                f"this Workspace belongs to another event loop ({_loop_name(self._loop)}) "
                f"than the one running now ({_loop_name(loop)}); close it (aclose(), or the "
                "end of its async with block) in the loop that used it"
            )

    async def aclose(self) -> None:
        """Close the transport and its connections; later requests raise `ClientClosedError`.

        Safe to call more than once and from several tasks: each returns once it is closed.
        """
        self.check_closable()
        if self._closing is not None:  # closing already, or closed
            with anyio.CancelScope(shield=True):
                await self._closing.wait()
            return
        self._closing = anyio.Event()
        self._closed = True
        with self._lock:
            transport, self._transport = self._transport, None
        try:
            if transport is not None:
                with anyio.CancelScope(shield=True):
                    await transport.aclose()
        finally:
            self._closing.set()


async def _exchange(
    transport: httpx.AsyncBaseTransport, request: httpx.Request, max_bytes: int, ours: bool
) -> httpx.Response:
    """One request and its whole response body (at most `max_bytes`), through the transport.

    No redirects and no cookies: the API uses neither, and httpx's cookie jar alone costs
    tens of microseconds a call. A body larger than `max_bytes` raises `ResponseTooLarge`
    as soon as that is known, without reading the rest. The request's `SendRecord` starts
    afresh: our transports mark it sent; a transport we do not ship (`ours` False) is taken
    to have sent what it was handed. The answer's status is noted as soon as it is known.
    """
    record = record_of(request)
    record.reset()
    record.sent = not ours
    response = await transport.handle_async_request(request)
    record.status = response.status_code
    if response.is_stream_consumed:  # built in memory (in-process transports): already read
        response.request = request
        if len(response.content) > max_bytes:
            raise _too_large(request, max_bytes)
        return response
    try:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise _too_large(request, max_bytes)
        raw = bytearray()
        async for chunk in response.aiter_raw():
            raw += chunk
            if len(raw) > max_bytes:
                raise _too_large(request, max_bytes)
    finally:
        await response.aclose()
    return httpx.Response(
        response.status_code,
        headers=response.headers,
        content=bytes(raw),
        request=request,
        extensions=response.extensions,
    )


def _too_large(request: httpx.Request, max_bytes: int) -> ResponseTooLarge:
    return ResponseTooLarge(
        f"{request.method} {request.url.path}: the response is larger than {max_bytes} bytes "
        "(raise max_response_bytes if this is expected)"
    )


def _aiohttp_available() -> bool:
    try:
        import aiohttp  # noqa: F401
    except ImportError:
        return False
    return True
