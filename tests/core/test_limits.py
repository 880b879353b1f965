"""Rate limits per endpoint and the shared back-off gate, on a virtual clock."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable

import anyio
import httpx
import pytest

from databricks_jobs import RateLimited, RateLimits, RetryPolicy, VirtualClock
from databricks_jobs._limits import endpoint_of

from .fakes import mock_workspace, router


@pytest.mark.parametrize(
    ("path", "endpoint"),
    [
        ("/api/2.2/jobs/run-now", "jobs/run-now"),
        ("/api/2.1/jobs/runs/get", "jobs/runs/get"),
        ("/api/2.0/permissions/jobs/123", "permissions/jobs/*"),
        ("/api/2.0/permissions/jobs/123/permissionLevels", "permissions/jobs/*/permissionLevels"),
        ("/oidc/v1/token", "oidc/v1/token"),
    ],
)
def test_endpoint_of(path: str, endpoint: str) -> None:
    assert endpoint_of(path) == endpoint


def test_rate_limits_configuration() -> None:
    limits = RateLimits(per_endpoint={"jobs/run-now": 50, "jobs/list": None})
    assert limits.for_endpoint("jobs/run-now") == 50
    assert limits.for_endpoint("jobs/list") is None
    assert limits.for_endpoint("jobs/get") == 30
    defaults = RateLimits()
    assert defaults.for_endpoint("jobs/run-now") == 20
    assert defaults.for_endpoint("jobs/runs/get") == 100
    unlimited = RateLimits.unlimited()
    assert unlimited.for_endpoint("jobs/run-now") is None
    with pytest.raises(ValueError, match="positive"):
        RateLimits(default=0)


@pytest.mark.anyio
async def test_requests_are_spaced_after_a_burst(anyio_backend: str) -> None:
    clock = VirtualClock()
    sent: list[float] = []
    routes = router()

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(clock.now())
        return httpx.Response(200, json={"run_id": 1})

    routes.post("/api/2.2/jobs/run-now").mock(side_effect=answer)
    limits = RateLimits(per_endpoint={"jobs/run-now": 10})
    async with (
        mock_workspace(routes, clock=clock, rate_limits=limits) as ws,
        anyio.create_task_group() as tg,
    ):
        for i in range(25):
            body = {"job_id": 1, "idempotency_token": str(i)}
            tg.start_soon(functools.partial(ws.request, body=body, idempotent=True), "POST",
                          "/api/2.2/jobs/run-now")  # fmt: skip
    assert len(sent) == 25
    ordered = sorted(sent)
    assert ordered[:10] == [0.0] * 10  # a second's worth at once
    gaps = [round(b - a, 6) for a, b in itertools.pairwise(ordered[9:])]
    assert gaps == [0.1] * 15  # then ten per second
    assert clock.now() == pytest.approx(1.5)


@pytest.mark.anyio
async def test_other_endpoints_are_not_held_back(anyio_backend: str) -> None:
    clock = VirtualClock()
    routes = router()
    routes.post("/api/2.2/jobs/run-now").respond(json={})
    routes.get("/api/2.2/jobs/list").respond(json={})
    limits = RateLimits(per_endpoint={"jobs/run-now": 1}, default=None)
    async with mock_workspace(routes, clock=clock, rate_limits=limits) as ws:
        for _ in range(3):
            await ws.request("POST", "/api/2.2/jobs/run-now", body={}, idempotent=True)
        after_triggers = clock.now()
        for _ in range(50):
            await ws.request("GET", "/api/2.2/jobs/list")
    assert after_triggers == 2.0
    assert clock.now() == 2.0


async def until(condition: Callable[[], bool]) -> None:
    """Let other tasks run until `condition` holds (real time, bounded)."""
    with anyio.fail_after(5):
        while not condition():  # noqa: ASYNC110 - polling a plain attribute of the clock
            await anyio.sleep(0.001)


@pytest.mark.anyio
async def test_one_429_pauses_every_task(anyio_backend: str) -> None:
    clock = VirtualClock(auto_advance=False)
    sent: list[tuple[str, float]] = []
    routes = router()
    answers = iter(
        [httpx.Response(429, json={"message": "slow down"}, headers={"Retry-After": "10"})]
    )

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append((request.url.path, clock.now()))
        return next(answers, httpx.Response(200, json={}))

    routes.route().mock(side_effect=answer)
    ws = mock_workspace(routes, clock=clock, rate_limits=RateLimits.unlimited())
    async with ws, anyio.create_task_group() as tg:
        tg.start_soon(ws.request, "GET", "/first")
        await until(lambda: clock.sleepers == 1)  # throttled: asleep until t=10
        tg.start_soon(ws.request, "GET", "/second")
        await until(lambda: clock.sleepers == 2)  # held at the gate, nothing sent
        assert sent == [("/first", 0.0)]
        clock.advance(10)
    assert sorted(sent) == [("/first", 0.0), ("/first", 10.0), ("/second", 10.0)]


@pytest.mark.anyio
async def test_the_gate_respects_the_retry_cap(anyio_backend: str) -> None:
    clock = VirtualClock()
    routes = router()
    routes.get("/x").respond(429, json={"message": "x"}, headers={"Retry-After": "3600"})
    routes.get("/y").respond(200, json={})
    policy = RetryPolicy(attempts=2, max_retry_after=5, budget=60)
    async with mock_workspace(routes, clock=clock, retry=policy) as ws:
        with pytest.raises(RateLimited):
            await ws.request("GET", "/x")
        assert clock.now() == 5.0  # one wait, capped at 5 s instead of an hour
        await ws.request("GET", "/y")
    assert clock.now() == 10.0  # the second 429 closed the gate for 5 s (capped) as well
