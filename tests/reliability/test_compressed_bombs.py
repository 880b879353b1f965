"""A compressed answer is held to `max_response_bytes` as it decodes, not only as it arrives.

SECURITY.md promises that a hostile or broken server cannot exhaust the client: bodies are
capped. The client never asks for compression, but a server may send a body with
``Content-Encoding: gzip`` anyway, and 128 KiB of gzip can hold 128 MiB. The cap applies to
the decoded body: `ResponseTooLarge` before the whole of it is decoded in memory, on every
transport on every loop, and through a transport given as ``transport=``.
"""

from __future__ import annotations

import functools
import gzip
import json
import tracemalloc
import zlib

import httpx
import pytest

from databricks_jobs import ResponseTooLarge

from ..core.loopback import Exchange, combos, loopback_server, workspace

pytestmark = pytest.mark.anyio

CAP = 1 << 20
"""The Workspace's `max_response_bytes` in these tests: 1 MiB."""
INFLATED = 128 << 20
"""What the bomb decodes to: 128 MiB of JSON."""


@functools.cache
def bomb(encoding: str) -> bytes:
    """A JSON object of `INFLATED` bytes, compressed (about 128 KiB)."""
    wbits = 31 if encoding == "gzip" else 15  # gzip's header, or zlib's for deflate
    squeeze = zlib.compressobj(9, zlib.DEFLATED, wbits)
    zeros = b"0" * (1 << 20)
    parts = [squeeze.compress(b'{"a":"')]
    parts += [squeeze.compress(zeros) for _ in range(INFLATED >> 20)]
    parts += [squeeze.compress(b'"}'), squeeze.flush()]
    return b"".join(parts)


def answering(body: bytes, encoding: str) -> object:
    async def answer(exchange: Exchange) -> None:
        await exchange.respond(200, body, {"Content-Encoding": encoding})

    return answer


@combos
@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
async def test_a_body_that_decodes_past_the_cap_is_refused_before_it_is_decoded(
    anyio_backend: str, transport: str, encoding: str
) -> None:
    body = bomb(encoding)
    assert len(body) < CAP  # small as it arrives: only its decoded size is too large
    tracemalloc.start()
    try:
        async with (
            loopback_server(answering(body, encoding)) as server,  # type: ignore[arg-type]
            workspace(server.url, transport, max_response_bytes=CAP) as ws,
        ):
            with pytest.raises(ResponseTooLarge, match=f"larger than {CAP} bytes"):
                await ws.request("GET", "/api/2.2/jobs/get", query={"job_id": 1})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * CAP, f"decoding held {peak} bytes at its peak"


@combos
@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
@pytest.mark.parametrize("extra", [-1, 0, 1])
async def test_the_cap_counts_the_decoded_bytes_exactly(
    anyio_backend: str, transport: str, encoding: str, extra: int
) -> None:
    """A body that decodes to the cap is read; one byte more is refused."""
    text = b'{"a":"' + b"x" * (CAP - 8 + extra) + b'"}'
    assert len(text) == CAP + extra
    body = gzip.compress(text) if encoding == "gzip" else zlib.compress(text)
    async with (
        loopback_server(answering(body, encoding)) as server,  # type: ignore[arg-type]
        workspace(server.url, transport, max_response_bytes=CAP) as ws,
    ):
        if extra > 0:
            with pytest.raises(ResponseTooLarge):
                await ws.request("GET", "/api/2.2/jobs/get")
        else:
            data = await ws.request("GET", "/api/2.2/jobs/get")
            assert data == json.loads(text)


@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_a_given_transport_is_held_to_the_cap_as_it_decodes(anyio_backend: str) -> None:
    """``transport=`` any httpx transport: its answers are read through the same cap."""
    body = bomb("gzip")
    async with (
        loopback_server(answering(body, "gzip")) as server,  # type: ignore[arg-type]
        workspace(server.url, httpx.AsyncHTTPTransport(), max_response_bytes=CAP) as ws,
    ):
        with pytest.raises(ResponseTooLarge):
            await ws.request("GET", "/api/2.2/jobs/get")
