"""A real HTTP/1.1 server on loopback, on anyio TCP listeners and h11 (asyncio or trio).

It closes connections exactly when a fault says so: before or after the request took effect.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http import HTTPStatus
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import anyio
import anyio.abc
import h11

from ._wire import EmulatorRequest, EmulatorResponse

if TYPE_CHECKING:
    from ._emulator import Emulator

__all__ = ["serve_http"]

_log = logging.getLogger("databricks_jobs.testing")
_MAX_BODY = 64 * 1024 * 1024
_RECEIVE = 65536


@asynccontextmanager
async def serve_http(emulator: Emulator, host: str, port: int) -> AsyncIterator[str]:
    """Listen on `host`:`port` (0 picks a free port) and yield ``http://host:port``."""
    listener = await anyio.create_tcp_listener(local_host=host, local_port=port)
    bound = listener.extra(anyio.abc.SocketAttribute.local_port)

    async def handle(stream: anyio.abc.SocketStream) -> None:
        await _serve_connection(emulator, stream)

    try:
        async with anyio.create_task_group() as group:
            group.start_soon(listener.serve, handle)
            try:
                yield f"http://{host}:{bound}"
            finally:
                group.cancel_scope.cancel()
    finally:
        await listener.aclose()


async def _serve_connection(emulator: Emulator, stream: anyio.abc.SocketStream) -> None:
    conn = h11.Connection(h11.SERVER, max_incomplete_event_size=_RECEIVE * 4)
    try:
        while True:
            request = await _read_request(conn, stream)
            if request is None:
                return
            reply = await emulator.respond(request)
            if reply.drop or reply.response is None:
                return
            if reply.stall > 0:
                await anyio.sleep(reply.stall)
            await _send(conn, stream, reply.response)
            if conn.our_state is not h11.DONE or conn.their_state is not h11.DONE:
                return
            conn.start_next_cycle()
    except (
        anyio.BrokenResourceError,
        anyio.ClosedResourceError,
        anyio.EndOfStream,
        ConnectionError,
        h11.ProtocolError,
    ):
        return
    except Exception:  # never let one connection take the server down
        _log.exception("the emulator's HTTP server failed on a connection")
    finally:
        with anyio.CancelScope(shield=True):
            await stream.aclose()


async def _read_request(
    conn: h11.Connection, stream: anyio.abc.SocketStream
) -> EmulatorRequest | None:
    head: h11.Request | None = None
    body = bytearray()
    while True:
        event = conn.next_event()
        if event is h11.NEED_DATA:
            try:
                data = await stream.receive(_RECEIVE)
            except anyio.EndOfStream:
                data = b""
            conn.receive_data(data)
            continue
        if isinstance(event, h11.Request):
            head = event
        elif isinstance(event, h11.Data):
            body += event.data
            if len(body) > _MAX_BODY:
                return None
        elif isinstance(event, h11.EndOfMessage):
            break
        elif isinstance(event, h11.ConnectionClosed) or event is h11.PAUSED:
            return None
    if head is None:
        return None
    path, query = _path_and_query(head.target.decode("latin-1"))
    headers: dict[str, str] = {}
    for raw_name, raw_value in head.headers:
        name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return EmulatorRequest(
        method=head.method.decode("ascii"),
        path=path,
        query_string=query,
        headers=headers,
        body=bytes(body),
    )


async def _send(
    conn: h11.Connection, stream: anyio.abc.SocketStream, response: EmulatorResponse
) -> None:
    headers = [(name, value) for name, value in response.headers]
    headers.append(("content-length", str(len(response.body))))
    headers.append(("server", "brickjobs-emulator"))
    response_head = h11.Response(
        status_code=response.status, headers=headers, reason=_reason(response.status)
    )
    data = conn.send(response_head)
    if data:
        await stream.send(data)
    if response.body:
        data = conn.send(h11.Data(data=response.body))
        if data:
            await stream.send(data)
    data = conn.send(h11.EndOfMessage())
    if data:
        await stream.send(data)


def _path_and_query(target: str) -> tuple[str, str]:
    """Split a request target, in origin form (``/api/...``) or absolute form.

    A client behind ``HTTP_PROXY`` sends the absolute form (``http://host/api/...``), which
    HTTP/1.1 servers must accept (RFC 9112, 3.2.2): that is how a client that drops the
    port of its host (the legacy databricks-cli) reaches an emulator on another port.
    """
    if target.startswith(("http://", "https://")):
        parts = urlsplit(target)
        return parts.path or "/", parts.query
    path, _, query = target.partition("?")
    return path, query


def _reason(status: int) -> bytes:
    """Return the reason phrase of `status` ("Bad Request"); clients print it in errors."""
    try:
        return HTTPStatus(status).phrase.encode("ascii")
    except ValueError:
        return b""
