"""The HTTP client of a Workspace: one pooled transport, its event loop, the auth flow.

Transports (`databricks_jobs._transports`): ``"aiohttp"`` (an httpx transport over aiohttp;
asyncio only, about six times cheaper per call than httpx's own at high concurrency),
``"httpx"`` (httpx's own transport; any event loop), ``"auto"`` (aiohttp on asyncio when it
imports, httpx otherwise, decided at the first request), or any ``httpx.AsyncBaseTransport``
(tests, the in-process emulator), wrapped so that it keeps the same promises.

Whether a failed request had started to leave this host is decided by the transports we
ship, from their own progress records (httpcore trace events, aiohttp trace signals), and
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
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Final, Literal, TypeAlias, cast

import anyio
import attrs
import httpx

from ._config import PoolLimits, Timeouts, check_header_text
from ._errors import ClientClosedError, ConfigError, EventLoopError
from ._transports import GivenTransport, Received, TracingHTTPTransport
from ._version import __version__

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "HttpClient",
    "Received",
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
_SIZED_METHODS: Final = frozenset({"POST", "PUT", "PATCH"})
"""Methods whose requests httpx always gives a ``Content-Length`` (0 without a body)."""
_URL_CACHE_SIZE: Final = 512
"""Parsed URLs kept per path: parsing one costs tens of microseconds per request."""
_SIZED_CACHE_SIZE: Final = 256
"""Header sets kept per body length (the cache is emptied when full)."""


@attrs.frozen
class _HeaderSet:
    """A request's headers made once: without a body, with one, and sized but empty."""

    plain: httpx.Headers
    json: httpx.Headers
    empty_plain: httpx.Headers
    empty_json: httpx.Headers
    _sized: dict[int, httpx.Headers] = attrs.field(factory=dict, eq=False, repr=False)

    def sized(self, length: int) -> httpx.Headers:
        """The headers of a JSON body of `length` bytes (kept per length: bodies repeat)."""
        headers = self._sized.get(length)
        if headers is None:
            # What setting ``Content-Length`` on a copy of `json` gives: it comes last.
            headers = httpx.Headers([*self.json.raw, (b"Content-Length", b"%d" % length)])
            if len(self._sized) >= _SIZED_CACHE_SIZE:
                self._sized.clear()
            self._sized[length] = headers
        return headers


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
        # The headers of every request, ``Host`` first as httpx puts it: built once, copied.
        try:
            self._base = httpx.URL(base_url)
        except httpx.InvalidURL as error:  # an IDNA 2008 refusal: zero-width, fullwidth, ...
            reason = str(error).split(",")[0]
            raise ConfigError(f"host {base_url!r} is not a valid host name ({reason})") from None
        self._host = self._base.netloc
        self._header_sets: dict[str | None, _HeaderSet] = {None: self._header_set(None)}
        self._transport: httpx.AsyncBaseTransport | None = None
        # How one exchange is made: the aiohttp transport's `exchange` (an `Answer` back),
        # any other transport's `handle_async_request`.
        self._exchange: Callable[[httpx.Request], Awaitable[Received]] | None = None
        self._urls: dict[str, httpx.URL] = {}
        self._query_urls: dict[tuple[Any, ...], httpx.URL] = {}
        self._timeout_extension = httpx.Timeout(
            connect=timeouts.connect, read=timeouts.read, write=timeouts.write, pool=timeouts.pool
        ).as_dict()
        self._transport_name: str | None = None
        self._closed = False
        self._closing: anyio.Event | None = None
        self._loop: object | None = None  # the event loop this client belongs to
        self._lock = threading.Lock()  # binds the loop: two threads may race to first use

    def _header_set(self, authorization: str | None) -> _HeaderSet:
        """The four header sets of a request (with or without a body, and a content type)."""
        host = (b"Host", self._host)
        ours = [(name.encode(), value.encode("ascii")) for name, value in self._headers.items()]
        if authorization is not None:
            # Encoded as httpx encodes a value set on a request's headers (UTF-8).
            ours.append((b"Authorization", authorization.encode()))
        json_type = (b"Content-Type", b"application/json")
        empty = (b"Content-Length", b"0")  # a POST, PUT or PATCH without a body: after Host
        return _HeaderSet(
            plain=httpx.Headers([host, *ours]),
            json=httpx.Headers([host, *ours, json_type]),
            empty_plain=httpx.Headers([host, empty, *ours]),
            empty_json=httpx.Headers([host, empty, *ours, json_type]),
        )

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
        authorization: str | None = None,
    ) -> httpx.Request:
        """Return the request a call would send (for dry runs, logging and `send`).

        Its headers are what ``httpx.Request(content=...)`` would give (``Host``, ours, then
        ``Content-Length``), made from headers built once instead of computed per request:
        that took three quarters of the time to build one (decision 58). `authorization`
        is an ``Authorization`` value that never changes (a personal access token's), built
        into those headers; a dry run's request is built without it.
        """
        url = self._urls.get(path)
        if url is None:
            url = self._on_the_workspace(path)
            if len(self._urls) < _URL_CACHE_SIZE:
                self._urls[path] = url
        if params:
            url = self._with_query(path, url, params)
        extensions = {"timeout": self._timeout_extension}
        if headers:  # a request of its own kind (the OAuth token request): httpx builds it
            given = dict(self._headers)
            if content is not None:
                given["Content-Type"] = "application/json"
            given.update(headers)
            return httpx.Request(method, url, content=content, headers=given, extensions=extensions)
        sets = self._header_sets.get(authorization)
        if sets is None:
            sets = self._header_sets[authorization] = self._header_set(authorization)
        request_headers: httpx.Headers
        if content:
            request_headers = sets.sized(len(content))
        elif method in _SIZED_METHODS:
            request_headers = sets.empty_plain if content is None else sets.empty_json
        else:  # httpx copies a Headers as it is, without checking each again
            request_headers = sets.plain if content is None else sets.json
        request = httpx.Request(
            method,
            url,
            stream=httpx.ByteStream(content or b""),
            headers=request_headers,
            extensions=extensions,
        )
        request.read()  # the body is bytes in hand: `content` is readable, as httpx makes it
        return request

    def _on_the_workspace(self, path: str) -> httpx.URL:
        """The URL of `path` on the workspace; `httpx.InvalidURL` if it would leave it.

        The URL is the base URL and the path joined as text, so a path that does not start
        with ``/`` would go on naming the host (``.evil.example/x``, ``@evil.example/x``: the
        token would go there), and ``//host/x`` names another host outright.
        """
        if not path.startswith("/") or path.startswith(("//", "/\\")):
            raise httpx.InvalidURL("it must be a path on the workspace, starting with one '/'")
        url = httpx.URL(self.base_url + path)
        base = self._base
        if (url.scheme, url.userinfo, url.host, url.port) != (
            base.scheme,
            base.userinfo,
            base.host,
            base.port,
        ):  # no path that starts with "/" gets here: the last line of defence
            raise httpx.InvalidURL("it would name another host than the workspace's")
        return url

    def _with_query(
        self, path: str, url: httpx.URL, params: Mapping[str, str | list[str]]
    ) -> httpx.URL:
        """`url` with `params` as its query, as ``httpx.Request(params=...)`` makes it.

        Kept per path and query: merging costs twice what the rest of a request does, and a
        poll asks for the same run again and again. The cache is emptied when full, so a
        process that reads many different runs keeps the recent ones.
        """
        key: tuple[Any, ...] = (path, *params.items())
        try:
            merged = self._query_urls.get(key)
        except TypeError:  # a list of values: kept as a tuple
            key = (path, *((k, v if isinstance(v, str) else tuple(v)) for k, v in params.items()))
            merged = self._query_urls.get(key)
        if merged is None:
            merged = url.copy_with(params=params)
            if len(self._query_urls) >= _URL_CACHE_SIZE:
                self._query_urls.clear()
            self._query_urls[key] = merged
        return merged

    def send(self, request: httpx.Request, *, auth: httpx.Auth | None) -> Awaitable[Received]:
        """Send one request (no retries here); the answer comes with its body read.

        `auth` is driven as an httpx auth flow (a 401 may make it send again); the flow is
        closed however the exchange ends. None: the request carries its credential already
        (built with a personal access token's header), or needs none: the exchange itself
        is awaited, without a coroutine of ours around it.
        Failures are our errors, made by the transport.
        """
        exchange = self._exchange
        if exchange is None or self._closed or current_loop() is not self._loop:
            exchange = self._exchange_for_loop()
        if auth is None:
            return exchange(request)
        return self._send_with_flow(exchange, request, auth)

    async def _send_with_flow(
        self,
        exchange: Callable[[httpx.Request], Awaitable[Received]],
        request: httpx.Request,
        auth: httpx.Auth,
    ) -> Received:
        flow = auth.async_auth_flow(request)
        try:
            request = await flow.__anext__()
            while True:
                response = await exchange(request)
                try:
                    # The flows read what `Received` has (an `Answer` is not a Response).
                    request = await flow.asend(cast(httpx.Response, response))
                except StopAsyncIteration:
                    return response
        finally:
            await flow.aclose()  # a flow cut short (a failed exchange) runs its cleanup

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

    def _exchange_for_loop(self) -> Callable[[httpx.Request], Awaitable[Received]]:
        """The exchange of this loop's transport, made at first use; refused when unusable."""
        self.check_usable()
        with self._lock:
            if self._transport is None or self._exchange is None:
                transport = self._make_transport()
                exchange = getattr(transport, "exchange", None)
                self._exchange = exchange or transport.handle_async_request
                self._transport = transport
            return self._exchange

    def _make_transport(self) -> httpx.AsyncBaseTransport:
        choice = self._choice
        if not isinstance(choice, str):
            self._transport_name = type(choice).__name__
            return GivenTransport(choice, max_body=self.max_response_bytes)
        on_asyncio = isinstance(self._loop, asyncio.AbstractEventLoop)
        if choice == "auto":
            choice = "aiohttp" if on_asyncio and _aiohttp_available() else "httpx"
        if choice == "aiohttp":
            if not on_asyncio:
                raise EventLoopError(
                    "the aiohttp transport runs only on asyncio; use transport='httpx' (or "
                    "'auto', which picks httpx's transport) under trio"
                )
            from ._transports._aiohttp import AiohttpTransport

            self._transport_name = "aiohttp"
            return AiohttpTransport(
                limits=self.limits,
                verify=self._ssl_context(),
                max_body=self.max_response_bytes,
            )
        self._transport_name = "httpx"
        return TracingHTTPTransport(
            limits=self.limits, verify=self._ssl_context(), max_body=self.max_response_bytes
        )

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
            self._exchange = None
        try:
            if transport is not None:
                with anyio.CancelScope(shield=True):
                    await transport.aclose()
        finally:
            self._closing.set()


def _aiohttp_available() -> bool:
    try:
        import aiohttp  # noqa: F401
    except ImportError:
        return False
    return True
