"""Attempts on the wire equal the retry policy's attempts, under every transport.

aiohttp sends a GET, PUT or DELETE a second time by itself when the server closes the
connection before answering, so `RetryPolicy.never()` used to put two requests on the wire
and ``attempts=3`` six. Counted at a loopback server that reads each request whole and
closes the connection without answering. `nox -s aiohttp_floor` runs this file with the
oldest aiohttp the project allows; the normal run uses the newest installed.
"""

from __future__ import annotations

import pytest

from databricks_jobs import (
    ConnectionFailed,
    OutcomeUnknown,
    RetryPolicy,
    VirtualClock,
    Workspace,
)

from .loopback import Exchange, combos, drop, loopback_server

pytestmark = pytest.mark.anyio

SAFE = [("GET", "/api/2.2/jobs/get"), ("PUT", "/api/2.0/permissions/jobs/7"),
        ("DELETE", "/api/2.0/some/thing")]  # fmt: skip


def workspace(url: str, transport: str, attempts: int) -> Workspace:
    return Workspace(
        host=url,
        token="dapi-wire",
        transport=transport,  # type: ignore[arg-type]
        retry=RetryPolicy(attempts=attempts),
        clock=VirtualClock(),
        env={},
    )


@combos
@pytest.mark.parametrize("attempts", [1, 3])
@pytest.mark.parametrize(("method", "path"), SAFE)
async def test_a_dropped_safe_request_is_sent_as_often_as_the_policy_says(
    anyio_backend: str, transport: str, attempts: int, method: str, path: str
) -> None:
    async with loopback_server(drop) as server:
        async with workspace(server.url, transport, attempts) as ws:
            with pytest.raises(ConnectionFailed) as caught:
                await ws.request(method, path, body={} if method == "PUT" else None)
    assert len(server.requests) == attempts
    assert caught.value.request_sent is True
    assert caught.value.attempts == attempts


@combos
async def test_a_dropped_post_is_sent_once(anyio_backend: str, transport: str) -> None:
    async with loopback_server(drop) as server:
        async with workspace(server.url, transport, 3) as ws:
            with pytest.raises(OutcomeUnknown):
                await ws.request("POST", "/api/2.2/jobs/create", body={"name": "n"})
    assert len(server.requests) == 1


@combos
@pytest.mark.parametrize("attempts", [1, 2])
async def test_a_reused_connection_that_drops_is_not_retried_behind_the_policy(
    anyio_backend: str, transport: str, attempts: int
) -> None:
    async def answer_then_drop(exchange: Exchange) -> None:
        if len(server.requests) == 1:
            await exchange.respond(200, b"{}")  # keeps the connection for the next request
        else:
            await drop(exchange)

    async with loopback_server(answer_then_drop) as server:
        async with workspace(server.url, transport, attempts) as ws:
            await ws.request("GET", "/api/2.2/jobs/list")
            with pytest.raises(ConnectionFailed):
                await ws.request("GET", "/api/2.2/jobs/list")
    assert len(server.requests) == 1 + attempts


@pytest.mark.parametrize("anyio_backend", ["asyncio"])
@pytest.mark.parametrize(("method", "path"), SAFE)
async def test_without_aiohttps_private_switch_the_request_class_still_refuses_a_resend(
    anyio_backend: str, method: str, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A future aiohttp without the private switch: our request class is the guard alone."""
    from databricks_jobs._transports import _aiohttp

    monkeypatch.setattr(_aiohttp, "_RESEND_SWITCH", "_no_such_switch")
    async with loopback_server(drop) as server:
        async with workspace(server.url, "aiohttp", 1) as ws:
            with pytest.raises(ConnectionFailed) as caught:
                await ws.request(method, path, body={} if method == "PUT" else None)
    assert len(server.requests) == 1
    assert caught.value.request_sent is True
