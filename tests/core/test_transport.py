"""Transports over real loopback sockets: sent-or-not decisions, timeouts, trio, headers."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncGenerator

import anyio
import httpx
import pytest

from databricks_jobs import (
    ConnectionFailed,
    EventLoopError,
    OutcomeUnknown,
    PoolLimits,
    RequestTimeout,
    RetryPolicy,
    Timeouts,
    VirtualClock,
    Workspace,
    __version__,
)

from .loopback import Exchange, drop, loopback_server

pytestmark = pytest.mark.anyio

SHIPPED = ["httpx", "aiohttp"]


def transports_for(backend: str) -> list[str]:
    return SHIPPED if backend == "asyncio" else ["httpx"]


def workspace(url: str, transport: str, **options: object) -> Workspace:
    return Workspace(
        host=url, token="dapi-secret", transport=transport, clock=VirtualClock(), env={}, **options
    )  # type: ignore[arg-type]


async def ok(exchange: Exchange) -> None:
    await exchange.respond(200, b'{"job_id": 7}')


async def test_dropped_after_full_request_is_not_retried_for_create(anyio_backend: str) -> None:
    for transport in transports_for(anyio_backend):
        async with loopback_server(drop) as server:
            async with workspace(server.url, transport) as ws:
                with pytest.raises(OutcomeUnknown) as caught:
                    await ws.request("POST", "/api/2.2/jobs/create", body={"name": "n"})
            assert len(server.requests) == 1, transport
            error = caught.value.error
            assert isinstance(error, ConnectionFailed), transport
            assert error.request_sent is True
            assert "may have been applied" in str(caught.value)
            assert json.loads(server.requests[0].body) == {"name": "n"}


async def test_dropped_after_full_request_is_retried_for_get(anyio_backend: str) -> None:
    for transport in transports_for(anyio_backend):
        answered = 0

        async def drop_twice(exchange: Exchange) -> None:
            nonlocal answered
            if len(server.requests) <= 2:
                await drop(exchange)
            answered += 1
            await ok(exchange)

        async with loopback_server(drop_twice) as server:
            async with workspace(server.url, transport) as ws:
                data = await ws.request("GET", "/api/2.2/jobs/get", query={"job_id": 7})
        assert data == {"job_id": 7}
        assert len(server.requests) == 3, transport
        assert answered == 1


async def test_idempotent_post_is_retried_after_drop(anyio_backend: str) -> None:
    for transport in transports_for(anyio_backend):

        async def drop_first(exchange: Exchange) -> None:
            if len(server.requests) == 1:
                await drop(exchange)
            await exchange.respond(200, b'{"run_id": 1}')

        async with loopback_server(drop_first) as server:
            async with workspace(server.url, transport) as ws:
                body = {"job_id": 7, "idempotency_token": "tok-1"}
                data = await ws.request("POST", "/api/2.2/jobs/run-now", body=body, idempotent=True)
        assert data == {"run_id": 1}
        assert [json.loads(r.body) for r in server.requests] == [body, body]


async def test_refused_connection_is_retried_even_for_create(anyio_backend: str) -> None:
    for transport in transports_for(anyio_backend):
        # A port that was just free: nothing listens there, so connecting is refused.
        listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
        port = listener.extra(anyio.abc.SocketAttribute.local_port)
        await listener.aclose()
        ws = workspace(f"http://127.0.0.1:{port}", transport, retry=RetryPolicy(attempts=3))
        async with ws:
            with pytest.raises(ConnectionFailed) as caught:
                await ws.request("POST", "/api/2.2/jobs/create", body={"name": "n"})
        assert caught.value.request_sent is False, transport
        assert caught.value.attempts == 3, transport


async def test_read_timeout_on_create_is_outcome_unknown(anyio_backend: str) -> None:
    for transport in transports_for(anyio_backend):
        release = anyio.Event()

        async def stall(exchange: Exchange, release: anyio.Event = release) -> None:
            await release.wait()

        async with loopback_server(stall) as server:
            ws = workspace(server.url, transport, timeouts=Timeouts(read=0.2))
            async with ws:
                with pytest.raises(OutcomeUnknown) as caught:
                    await ws.request("POST", "/api/2.2/jobs/create", body={})
            release.set()
        assert isinstance(caught.value.error, RequestTimeout), transport
        assert caught.value.error.phase == "read"
        assert len(server.requests) == 1


async def test_total_deadline_covers_retries(anyio_backend: str) -> None:
    release = anyio.Event()

    async def stall(exchange: Exchange) -> None:
        await release.wait()

    async with loopback_server(stall) as server:
        ws = Workspace(
            host=server.url,
            token="t",
            transport="httpx",
            env={},
            timeouts=Timeouts(read=5, total=0.3),
        )
        async with ws:
            with pytest.raises(RequestTimeout) as caught:
                await ws.request("GET", "/api/2.2/jobs/list")
        release.set()
    assert caught.value.phase == "total"
    assert "0.3" in str(caught.value)


async def test_request_shape(anyio_backend: str) -> None:
    for transport in transports_for(anyio_backend):
        async with loopback_server(ok) as server:
            async with workspace(server.url, transport) as ws:
                await ws.request(
                    "GET",
                    "/api/2.2/jobs/list",
                    query={"expand_tasks": False, "limit": 2, "name": None, "x": True},
                )
                await ws.request("POST", "/api/2.2/jobs/create", body={"tags": {}, "tasks": []})
        get, post = server.requests
        assert get.method == "GET"
        assert get.path == "/api/2.2/jobs/list?expand_tasks=false&limit=2&x=true"
        assert get.body == b""
        assert get.headers["authorization"] == "Bearer dapi-secret"
        assert get.headers["user-agent"].startswith(f"brickjobs/{__version__} python/")
        assert "httpx/" in get.headers["user-agent"]
        assert get.headers["accept"] == "application/json"
        assert post.headers["content-type"] == "application/json"
        assert json.loads(post.body) == {"tags": {}, "tasks": []}


async def test_auto_transport_follows_the_event_loop(anyio_backend: str) -> None:
    async with loopback_server(ok) as server:
        async with Workspace(host=server.url, token="t", env={}) as ws:
            assert ws.transport_name is None
            await ws.request("GET", "/x")
            expected = "aiohttp" if anyio_backend == "asyncio" else "httpx"
            assert ws.transport_name == expected


@pytest.mark.parametrize("anyio_backend", ["trio"])
async def test_aiohttp_refused_under_trio(anyio_backend: str) -> None:
    async with Workspace(host="http://127.0.0.1:9", token="t", transport="aiohttp", env={}) as ws:
        with pytest.raises(EventLoopError, match="only on asyncio"):
            await ws.request("GET", "/x")


async def test_pool_limit_bounds_connections(anyio_backend: str) -> None:
    for transport in transports_for(anyio_backend):
        open_now = 0
        most = 0

        async def slow(exchange: Exchange) -> None:
            nonlocal open_now, most
            open_now += 1
            most = max(most, open_now)
            await anyio.sleep(0.01)
            open_now -= 1
            await ok(exchange)

        async with loopback_server(slow) as server:
            ws = workspace(server.url, transport, limits=PoolLimits(max_connections=3))
            async with ws, anyio.create_task_group() as tg:
                for _ in range(20):
                    tg.start_soon(ws.request, "GET", "/x")
        assert len(server.requests) == 20, transport
        assert server.connections <= 3, transport
        assert most <= 3, transport


async def test_pool_timeout_when_every_connection_is_busy(anyio_backend: str) -> None:
    for transport in transports_for(anyio_backend):
        release = anyio.Event()

        async def stall(exchange: Exchange, release: anyio.Event = release) -> None:
            await release.wait()
            await ok(exchange)

        async with loopback_server(stall) as server:
            ws = workspace(
                server.url,
                transport,
                limits=PoolLimits(max_connections=1),
                timeouts=Timeouts(pool=0.2, read=10),
                retry=RetryPolicy.never(),
            )
            async with ws, anyio.create_task_group() as tg:
                tg.start_soon(ws.request, "GET", "/first")
                await anyio.sleep(0.05)
                with pytest.raises(RequestTimeout) as caught:
                    await ws.request("POST", "/api/2.2/jobs/create", body={})
                release.set()
        assert caught.value.request_sent is False, transport
        assert [r.path for r in server.requests] == ["/first"], transport


class RecordingAuth(httpx.Auth):
    """An auth flow that notes whether it was closed, and how far it got."""

    def __init__(self) -> None:
        self.steps: list[str] = []

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        try:
            self.steps.append("sent")
            response = yield request
            self.steps.append(f"answered {response.status_code}")
        finally:
            self.steps.append("closed")


async def test_the_auth_flow_is_closed_however_the_exchange_ends(anyio_backend: str) -> None:
    """As httpx does: a flow whose exchange failed is closed, not left for the collector."""
    from databricks_jobs._config import Timeouts as HttpTimeouts
    from databricks_jobs._http import HttpClient

    for transport in transports_for(anyio_backend):
        outcomes = ((drop, ["sent", "closed"]), (ok, ["sent", "answered 200", "closed"]))
        for behaviour, expected in outcomes:
            async with loopback_server(behaviour) as server:
                http = HttpClient(base_url=server.url, timeouts=HttpTimeouts(),
                                  limits=PoolLimits(), transport=transport)  # fmt: skip
                auth = RecordingAuth()
                try:
                    with contextlib.suppress(ConnectionFailed):
                        await http.send(http.build_request("GET", "/api/2.2/jobs/list"), auth=auth)
                finally:
                    await http.aclose()
            assert auth.steps == expected, (transport, behaviour)
