"""A tiny raw HTTP/1.1 server on loopback whose misbehaviour each test chooses."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import anyio
import anyio.abc
import attrs
import pytest

from databricks_jobs import RetryPolicy, VirtualClock, Workspace

Behaviour = Callable[["Exchange"], Awaitable[None]]

COMBOS = [("asyncio", "aiohttp"), ("asyncio", "httpx"), ("trio", "httpx")]
"""Each transport on each event loop it runs on."""
combos = pytest.mark.parametrize(("anyio_backend", "transport"), COMBOS)


def workspace(url: str, transport: object, **options: Any) -> Workspace:
    """A Workspace on `url` with `transport`: no retries, a virtual clock, no environment.

    `options` go to `Workspace` and win over these defaults (``token=None`` with a client id
    and secret for OAuth, ``retry=`` for retries).
    """
    defaults: dict[str, Any] = {
        "token": "dapi-loopback",
        "retry": RetryPolicy.never(),
        "clock": VirtualClock(),
        "env": {},
    }
    return Workspace(host=url, transport=transport, **{**defaults, **options})


@attrs.define
class Exchange:
    """One received request and the stream to answer (or not answer) on."""

    stream: anyio.abc.SocketStream
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    header_lines: list[str] = attrs.Factory(list)
    """The header lines as received, in order (repeats kept)."""

    async def respond(
        self, status: int, body: bytes = b"{}", headers: dict[str, str] | None = None
    ) -> None:
        lines = [f"HTTP/1.1 {status} X"]
        merged = {"content-type": "application/json", **(headers or {})}
        merged["content-length"] = str(len(body))
        lines += [f"{k}: {v}" for k, v in merged.items()]
        await self.stream.send(("\r\n".join(lines) + "\r\n\r\n").encode() + body)


@attrs.define
class LoopbackServer:
    """Counts connections and requests; `behaviour` decides what each request gets."""

    behaviour: Behaviour
    port: int = 0
    connections: int = 0
    requests: list[Exchange] = attrs.Factory(list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _handle(self, stream: anyio.abc.SocketStream) -> None:
        self.connections += 1
        async with stream:
            buffer = b""
            while True:
                try:
                    while b"\r\n\r\n" not in buffer:
                        chunk = await stream.receive()
                        buffer += chunk
                except (anyio.EndOfStream, anyio.BrokenResourceError):
                    return
                head, _, rest = buffer.partition(b"\r\n\r\n")
                request_line, *header_lines = head.decode("latin-1").split("\r\n")
                method, path, _ = request_line.split(" ", 2)
                headers = {}
                for line in header_lines:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                length = int(headers.get("content-length", "0"))
                try:
                    while len(rest) < length:
                        rest += await stream.receive()
                except (anyio.EndOfStream, anyio.BrokenResourceError):
                    return
                body, buffer = rest[:length], rest[length:]
                exchange = Exchange(stream, method, path, headers, body, header_lines)
                self.requests.append(exchange)
                await self.behaviour(exchange)
                if getattr(exchange, "closed", False):
                    return


class Drop(Exception):
    """Raised by a behaviour to close the connection without answering."""


async def drop(exchange: Exchange) -> None:
    """Read the whole request, then close the connection without a byte of response."""
    await exchange.stream.aclose()
    raise Drop


@asynccontextmanager
async def loopback_server(behaviour: Behaviour) -> AsyncIterator[LoopbackServer]:
    """Serve on 127.0.0.1 (a free port) until the block ends."""
    server = LoopbackServer(behaviour)
    listener = await anyio.create_tcp_listener(local_host="127.0.0.1", local_port=0)
    server.port = listener.extra(anyio.abc.SocketAttribute.local_port)

    async def serve_one(stream: anyio.abc.SocketStream) -> None:
        with contextlib.suppress(Drop, anyio.BrokenResourceError, anyio.ClosedResourceError):
            await server._handle(stream)

    async with anyio.create_task_group() as tg:
        tg.start_soon(listener.serve, serve_one)
        try:
            yield server
        finally:
            tg.cancel_scope.cancel()
    await listener.aclose()
