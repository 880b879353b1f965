"""What the request path reads of an answer is the same under every transport.

The aiohttp transport answers with a light `Answer` (status, raw headers, body) instead of an
`httpx.Response` (decision 58). These tests hold it to what an `httpx.Response` gave: a body
the server compressed is decoded, a header the error reads (``Retry-After``,
``x-request-id``) is found whatever its case, and a repeated header keeps every value.
Against a raw loopback server, under each transport on each loop it runs on.
"""

from __future__ import annotations

import gzip
import json
import zlib

import pytest

from databricks_jobs import (
    ApiError,
    DatabricksError,
    DecodeError,
    RateLimited,
    RetryPolicy,
    VirtualClock,
    Workspace,
)

from .loopback import Exchange, combos, loopback_server, workspace

pytestmark = pytest.mark.anyio

ANSWER = {"job_id": 7, "settings": {"name": "ünïcode", "tasks": [{"task_key": "a"}]}}


@combos
@pytest.mark.parametrize(
    ("encoding", "compress"),
    [("gzip", gzip.compress), ("deflate", zlib.compress), ("identity", lambda b: b)],
)
async def test_a_compressed_body_is_decoded(
    anyio_backend: str, transport: str, encoding: str, compress: object
) -> None:
    body = compress(json.dumps(ANSWER).encode())  # type: ignore[operator]

    async def compressed(exchange: Exchange) -> None:
        await exchange.respond(200, body, {"Content-Encoding": encoding})

    async with loopback_server(compressed) as server, workspace(server.url, transport) as ws:
        assert await ws.request("GET", "/api/2.2/jobs/get", query={"job_id": 7}) == ANSWER
        job = await ws.jobs.get(7)
    assert job.settings is not None
    assert job.settings.name == "ünïcode"


@combos
async def test_the_error_reads_headers_whatever_their_case(
    anyio_backend: str, transport: str
) -> None:
    async def throttled(exchange: Exchange) -> None:
        body = json.dumps({"error_code": "REQUEST_LIMIT_EXCEEDED", "message": "slow down"})
        await exchange.respond(429, body.encode(), {"RETRY-AFTER": "7", "X-Request-ID": "req-42"})

    async with loopback_server(throttled) as server, workspace(server.url, transport) as ws:
        with pytest.raises(RateLimited) as caught:
            await ws.request("GET", "/api/2.2/jobs/get", query={"job_id": 7})
    assert caught.value.retry_after == 7
    assert caught.value.request_id == "req-42"


@combos
@pytest.mark.parametrize("status", [200, 502])
async def test_an_answer_that_is_not_json_names_its_content_type(
    anyio_backend: str, transport: str, status: int
) -> None:
    async def html(exchange: Exchange) -> None:
        await exchange.respond(
            status, b"<html>bad gateway</html>", {"Content-Type": "text/html; charset=utf-8"}
        )

    async with loopback_server(html) as server, workspace(server.url, transport) as ws:
        with pytest.raises(DatabricksError) as caught:
            await ws.request("GET", "/api/2.2/jobs/get", query={"job_id": 7})
    if status == 200:
        assert isinstance(caught.value, DecodeError)
        assert "text/html" in str(caught.value)
    else:
        assert isinstance(caught.value, ApiError)
        assert caught.value.status == 502
        assert "HTML page" in str(caught.value)


@combos
async def test_a_401_answer_drives_the_refreshing_flow_on_every_transport(
    anyio_backend: str, transport: str
) -> None:
    """The auth flow reads the answer (an `Answer` under aiohttp) to refresh on a 401."""
    tokens = iter(["t-expired", "t-fresh"])

    async def provider() -> str:
        return next(tokens)

    async def by_token(exchange: Exchange) -> None:
        if exchange.headers["authorization"] == "Bearer t-expired":
            body = json.dumps({"error_code": "UNAUTHENTICATED", "message": "expired"})
            await exchange.respond(401, body.encode())
        else:
            await exchange.respond(200, json.dumps(ANSWER).encode())

    async with loopback_server(by_token) as server:
        ws = Workspace(
            host=server.url,
            token_provider=provider,
            transport=transport,  # type: ignore[arg-type]
            retry=RetryPolicy.never(),
            clock=VirtualClock(),
            env={},
        )
        async with ws:
            assert await ws.request("GET", "/api/2.2/jobs/get", query={"job_id": 7}) == ANSWER
    sent = [exchange.headers["authorization"] for exchange in server.requests]
    assert sent == ["Bearer t-expired", "Bearer t-fresh"]
