"""Hostile framing: answers nobody asked for, informational finals, odd Retry-After, tiny chunks.

* A second response sent after the one asked for, on a kept-alive connection, must never be
  read as the answer of the connection's next request: a `jobs/create` "answered" with
  another job's id (httpx: the bytes came in the same write), or answered without being sent
  at all (aiohttp: the bytes arrived while the connection sat in the pool).
* A final answer with a status below 200 (``000``, ``099``, ``101``) is not valid HTTP.
* A ``Retry-After`` of hundreds or thousands of digits is read, never an untyped error.
* A body sent one byte per chunk stays within a small multiple of the size cap in memory.
"""

from __future__ import annotations

import json
import tracemalloc

import anyio
import pytest

from databricks_jobs import (
    ConnectionFailed,
    DatabricksError,
    OutcomeUnknown,
    RetryPolicy,
)
from databricks_jobs._errors import parse_retry_after
from databricks_jobs.models import JobSettings

from ..core.loopback import Exchange, combos, loopback_server, workspace

pytestmark = pytest.mark.anyio

BOUND = 20
"""Seconds: a bound on a broken run, not a measurement."""


def answer(status: int, payload: object) -> bytes:
    body = json.dumps(payload).encode()
    return (
        f"HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\n\r\n"
    ).encode() + body


SMUGGLED = answer(200, {"job_id": 666, "settings": {"name": "SMUGGLED"}})


@combos
async def test_a_response_sent_with_another_is_never_the_next_requests_answer(
    anyio_backend: str, transport: str
) -> None:
    async def behaviour(exchange: Exchange) -> None:
        if exchange.method == "GET":  # the real answer and one more in the same write
            await exchange.stream.send(answer(200, {"job_id": 1}) + SMUGGLED)
        else:
            await exchange.stream.send(answer(200, {"job_id": 2}))

    async with loopback_server(behaviour) as server, workspace(server.url, transport) as ws:
        with anyio.fail_after(BOUND):
            assert (await ws.jobs.get(1)).job_id == 1
            assert await ws.jobs.create(JobSettings(name="real")) == 2
            assert (await ws.jobs.get(1)).job_id == 1
    assert [e.method for e in server.requests] == ["GET", "POST", "GET"]


@combos
async def test_bytes_that_arrive_on_an_idle_connection_never_answer_a_write(
    anyio_backend: str, transport: str
) -> None:
    async def behaviour(exchange: Exchange) -> None:
        if exchange.method == "GET":
            await exchange.stream.send(answer(200, {"job_id": 1}))
            await anyio.sleep(0.1)
            await exchange.stream.send(SMUGGLED)  # while the connection sits in the pool
        else:
            await exchange.stream.send(answer(200, {"job_id": 2}))

    async with loopback_server(behaviour) as server:
        ws = workspace(server.url, transport, retry=RetryPolicy(attempts=2, initial_backoff=0.01))
        async with ws:
            with anyio.fail_after(BOUND):
                assert (await ws.jobs.get(1)).job_id == 1
                await anyio.sleep(0.3)  # the extra answer has arrived
                assert await ws.jobs.create(JobSettings(name="real")) == 2
    assert [e.method for e in server.requests] == ["GET", "POST"]  # the write was sent, once


@combos
@pytest.mark.parametrize("status", ["000", "099", "101"])
async def test_a_final_answer_with_an_informational_status_is_refused(
    anyio_backend: str, transport: str, status: str
) -> None:
    async def behaviour(exchange: Exchange) -> None:
        head = f"HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: 13"
        await exchange.stream.send(head.encode() + b'\r\n\r\n{"job_id": 7}')
        await exchange.stream.aclose()

    async with loopback_server(behaviour) as server, workspace(server.url, transport) as ws:
        with anyio.fail_after(BOUND), pytest.raises(DatabricksError) as caught:
            await ws.jobs.create(JobSettings(name="x"))
    assert isinstance(caught.value, OutcomeUnknown | ConnectionFailed)
    assert len(server.requests) == 1


@pytest.mark.parametrize("digits", [19, 309, 400, 4_301, 10_000])
def test_a_retry_after_of_many_digits_is_a_very_long_wait(digits: int) -> None:
    assert parse_retry_after({"retry-after": "9" * digits}) == 1e18
    assert parse_retry_after({"retry-after": "1" * 15}) == 111_111_111_111_111.0
    detail = {
        "@type": "type.googleapis.com/google.rpc.RetryInfo",
        "retry_delay": "9" * digits + "s",
    }
    assert parse_retry_after({}, (detail,)) == 1e18


@combos
@pytest.mark.parametrize("status", [429, 503])
async def test_a_throttled_answer_with_a_retry_after_of_many_digits_is_typed(
    anyio_backend: str, transport: str, status: int
) -> None:
    async def behaviour(exchange: Exchange) -> None:
        await exchange.respond(status, b'{"error_code": "X"}', {"retry-after": "9" * 5000})

    async with loopback_server(behaviour) as server, workspace(server.url, transport) as ws:
        with anyio.fail_after(BOUND), pytest.raises(DatabricksError) as caught:
            await ws.jobs.create(JobSettings(name="x"))
    assert caught.value.retry_after == 1e18  # type: ignore[attr-defined]
    assert len(server.requests) == 1


@combos
async def test_a_body_in_one_byte_chunks_stays_near_the_cap_in_memory(
    anyio_backend: str, transport: str
) -> None:
    cap = 200_000

    async def behaviour(exchange: Exchange) -> None:
        head = b"HTTP/1.1 200 X\r\ncontent-type: application/json\r\n"
        head += b"transfer-encoding: chunked\r\n\r\n"
        await exchange.stream.send(head + b"1\r\n{\r\n")
        chunk = b"1\r\n \r\n" * 4096
        for _ in range(cap // 4096 + 2):  # one byte per chunk, past the cap
            await exchange.stream.send(chunk)

    async with loopback_server(behaviour) as server:
        ws = workspace(server.url, transport, max_response_bytes=cap)
        async with ws:
            tracemalloc.start()
            try:
                with anyio.fail_after(60), pytest.raises(DatabricksError, match="larger than"):
                    await ws.request("GET", "/api/2.2/jobs/get")
                peak = tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()
    # A list of one-byte chunks cost about 57 bytes per byte of body: 11 MB here.
    assert peak < 20 * cap, peak
