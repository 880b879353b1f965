"""`EmulatorTransport`: an httpx transport that answers from an emulator in-process.

Faults that drop the connection raise ``httpx.RemoteProtocolError`` ("Server disconnected
without sending a response."), as httpx does when a real server closes the connection; a
stall longer than the request's read timeout raises ``httpx.ReadTimeout`` after that timeout.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio
import httpx

from ._wire import EmulatorRequest

if TYPE_CHECKING:
    from ._emulator import Emulator

__all__ = ["EmulatorTransport"]


class EmulatorTransport(httpx.AsyncBaseTransport):
    """Answers httpx requests by calling the emulator directly (no sockets, any event loop)."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Answer one request, applying the emulator's faults."""
        body = await request.aread()
        headers: dict[str, str] = {}
        for raw_name, raw_value in request.headers.raw:
            name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        emulated = EmulatorRequest(
            method=request.method,
            path=request.url.path,
            query_string=request.url.query.decode("ascii", "replace"),
            headers=headers,
            body=body,
            scheme=request.url.scheme,
        )
        reply = await self.emulator.respond(emulated)
        if reply.drop or reply.response is None:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        if reply.stall > 0:
            timeouts = request.extensions.get("timeout") or {}
            read_timeout = timeouts.get("read")
            if read_timeout is not None and reply.stall >= read_timeout:
                await anyio.sleep(read_timeout)
                raise httpx.ReadTimeout("The read operation timed out", request=request)
            await anyio.sleep(reply.stall)
        response = reply.response
        # A stream, not ``content=``: httpx would read it at once, decoding a body the
        # emulator compressed (a ``gzip_bomb``) before the client could measure it. The
        # client reads the stream as it reads one from the wire.
        return httpx.Response(
            response.status,
            headers=response.headers,
            stream=httpx.ByteStream(response.body),
            request=request,
        )

    def __repr__(self) -> str:
        return f"<databricks_jobs.testing.EmulatorTransport emulator at {id(self.emulator):#x}>"
