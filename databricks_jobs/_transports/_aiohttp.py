"""An httpx transport over aiohttp (asyncio only), imported when first chosen.

It reports failures as our `ConnectionFailed` / `RequestTimeout` with ``request_sent`` taken
from the moment aiohttp begins writing the request, because aiohttp's exception classes do
not say whether the request left: a connection dropped after a full request can surface as
a connect timeout. That moment is marked by aiohttp's own request class, subclassed
(``ClientSession(request_class=...)``, a documented parameter): its ``send`` is where aiohttp
starts writing to a connection. aiohttp's trace signals could mark it too, but a session
with any trace config builds a trace object and sends about six signals per request: a fifth of
aiohttp's own cost per call (decision 56).

aiohttp sends a GET, PUT or DELETE a second time by itself when the server closes the
connection before answering; the retry policy must be the only one to decide that (one
attempt of ours is one request on the wire). No aiohttp release has a public switch for
it. The session's private switch is turned off where it exists, and on every version the
request class refuses to send the same request twice, before any byte of the second copy.
"""

from __future__ import annotations

import ssl
from contextvars import ContextVar
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
from ._body import Answer, Received, declared_too_large, read_capped, read_response, too_large
from ._slots import take_slot

__all__ = ["AiohttpTransport"]

_SKIP_HEADERS = frozenset({b"content-length", b"transfer-encoding", b"connection"})
_URL_CACHE_SIZE = 512
"""Parsed URLs kept (the cache is emptied when full)."""
_HEADERS_CACHE_SIZE = 256
"""Decoded header sets kept (the cache is emptied when full)."""


_RESEND_SWITCH: Final = "_retry_connection"
"""The private session attribute that turns aiohttp's own re-send off (3.10 to 3.14 have it)."""


class _NotSentAgain(Exception):
    """A second send of one request, which aiohttp would have made by itself: refused."""

    def __init__(self, original: BaseException) -> None:
        super().__init__("the connection broke; not sent again")
        self.original = original


_SENDING: Final[ContextVar[SendRecord | None]] = ContextVar(
    "databricks_jobs_aiohttp_sending", default=None
)
"""The record of the request this task is handing to aiohttp (set around ``session.request``).

The exchange resets the record before it hands the request over, so a record that already
says sent when aiohttp begins sending means aiohttp is sending the same request again.
"""


class _MarkingRequest(aiohttp.ClientRequest):
    """aiohttp's request, which marks our `SendRecord` sent as aiohttp begins writing it."""

    async def send(self, conn: Any) -> aiohttp.ClientResponse:
        record = _SENDING.get()
        if record is not None:
            if record.sent:
                # aiohttp is about to send the same request again on its own: refuse, so
                # nothing of the second copy is written.
                raise _NotSentAgain(ConnectionError("the server closed the connection"))
            protocol = conn.protocol
            if protocol is None or protocol.should_close:
                # A kept-alive connection that received bytes while it sat in the pool (a
                # second response nobody asked for): they would be read as this request's
                # answer, a `jobs/create` "answered" without being sent. Nothing is written;
                # the connection is dropped and the error says not sent.
                conn.close()
                raise aiohttp.ServerDisconnectedError(
                    "a kept-alive connection held data nobody asked for; it was closed"
                )
            record.sent = True
        return await super().send(conn)


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
        self._timeouts: dict[tuple[float | None, float | None], aiohttp.ClientTimeout] = {}
        self._urls: dict[str, yarl.URL] = {}
        self._headers: dict[tuple[tuple[bytes, bytes], ...], tuple[tuple[str, str], ...]] = {}

    def _open(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(
            limit=self._limits.max_connections,
            limit_per_host=self._limits.max_connections,
            keepalive_timeout=self._limits.keepalive_expiry,
            ssl=self._ssl,
        )
        session = aiohttp.ClientSession(
            connector=connector,
            request_class=_MarkingRequest,
            cookie_jar=aiohttp.DummyCookieJar(),
            auto_decompress=False,
            trust_env=False,
            skip_auto_headers=("User-Agent", "Accept-Encoding"),
        )
        if hasattr(session, _RESEND_SWITCH):  # the cheap way; `_MarkingRequest` still guards
            setattr(session, _RESEND_SWITCH, False)
        self._session = session
        return session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send one request and read the whole response body (as an `httpx.Response`)."""
        answer = await self.exchange(request)
        if isinstance(answer, httpx.Response):
            return answer
        return read_response(answer.status_code, answer.headers, answer.content, request)

    async def exchange(self, request: httpx.Request) -> Received:
        """Send one request and read the whole response body: what a Workspace calls.

        One coroutine from the connection slot to the answer (a frame less per request).
        """
        record = record_of(request)
        record.reset()  # a new exchange (after a 401, the auth flow sends the request again)
        await take_slot(self._slots, request)
        try:
            if self._closed:  # never open a session again after close (it would never be closed)
                raise ClientClosedError()
            session = self._session or self._open()
            timeouts = request.extensions.get("timeout", {})
            connect, read = timeouts.get("connect"), timeouts.get("read")
            timeout = self._timeouts.get((connect, read))
            if timeout is None:  # one per Workspace in practice: its Timeouts
                timeout = aiohttp.ClientTimeout(
                    total=None, connect=connect, sock_connect=connect, sock_read=read
                )
                self._timeouts[connect, read] = timeout
            headers = self._headers_of(request.headers)
            try:
                body = request.content  # read already, as a Workspace's requests are
            except httpx.RequestNotRead:
                body = await request.aread()
            sending = _SENDING.set(record)
            try:
                async with session.request(
                    request.method,
                    self._yarl_url(request.url),
                    data=body or None,
                    headers=headers,
                    timeout=timeout,
                    allow_redirects=False,
                ) as response:
                    record.status = response.status
                    if response.status < 200:  # a final answer is 2xx to 5xx (httpx agrees)
                        raise aiohttp.ClientResponseError(
                            response.request_info,
                            (),
                            status=response.status,
                            message="an answer with an informational status is not valid HTTP",
                        )
                    content = await self._read(response, request)
                    if "Content-Encoding" not in response.headers:
                        return Answer(response.status, response.raw_headers, content)
                    # Decoded as httpx decodes it (the session leaves bodies as they came).
                    return read_response(
                        response.status,
                        list(response.raw_headers),
                        content,
                        request,
                        {"http_version": b"HTTP/1.1"},
                        max_bytes=self._max_body,
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
                # `send` has begun, so the record says sent: it cannot tell).
                # Broken answers are ClientErrors, handled above.
                record.sent = False
                error = refused_before_sending(request.method, request.url.path)
            finally:
                _SENDING.reset(sending)
            # Raised outside the except clauses: aiohttp's error, whose text may quote a header
            # or a status line a hostile server wrote, is neither the cause nor the context.
            raise error
        finally:
            self._slots.release()

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

    def _headers_of(self, given: httpx.Headers) -> tuple[tuple[str, str], ...]:
        """The headers for aiohttp: the raw pairs decoded, kept per set of raw pairs.

        Decoded with the headers' encoding found once: what `multi_items` gives, without
        finding it again for every header. A Workspace's requests carry a few sets of
        headers (with or without a body, and its length), so each is decoded once.
        """
        raw = tuple(given.raw)
        headers = self._headers.get(raw)
        if headers is None:
            encoding = given.encoding
            headers = tuple(
                (name.decode(encoding), value.decode(encoding))
                for name, value in ((name.lower(), value) for name, value in raw)
                if name not in _SKIP_HEADERS
            )
            if len(self._headers) >= _HEADERS_CACHE_SIZE:
                self._headers.clear()
            self._headers[raw] = headers
        return headers

    def _yarl_url(self, url: httpx.URL) -> yarl.URL:
        """The URL for aiohttp, already encoded; kept per URL (paths and polls repeat)."""
        text = str(url)
        parsed = self._urls.get(text)
        if parsed is None:
            parsed = yarl.URL(text, encoded=True)
            if len(self._urls) >= _URL_CACHE_SIZE:
                self._urls.clear()
            self._urls[text] = parsed
        return parsed

    async def aclose(self) -> None:
        """Close the session and its connections; later requests raise `ClientClosedError`."""
        self._closed = True
        session, self._session = self._session, None
        if session is not None:
            await session.close()
