"""Rate limits per endpoint and the shared back-off gate, on a virtual clock."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Awaitable, Callable

import anyio
import httpx
import pytest
import respx
from hypothesis import given, settings
from hypothesis import strategies as st

from databricks_jobs import (
    ConfigError,
    RateBudgetExhausted,
    RateLimited,
    RateLimits,
    RequestTimeout,
    RetryPolicy,
    Timeouts,
    VirtualClock,
    Workspace,
)
from databricks_jobs._limits import _WAITING, _Bucket, _Ticket, endpoint_of

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


@pytest.mark.parametrize(
    ("build", "named"),
    [
        (lambda: RateLimits(default=0), "rate limit default"),
        (lambda: RateLimits(default=float("nan")), "rate limit default"),
        (lambda: RateLimits(default="fast"), "rate limit default"),  # type: ignore[arg-type]
        (lambda: RateLimits(default=True), "rate limit default"),
        (lambda: RateLimits(per_endpoint={"jobs/run-now": -5}), "for 'jobs/run-now'"),
        (lambda: RateLimits(per_endpoint={"jobs/list": "x"}), "for 'jobs/list'"),  # type: ignore[dict-item]
        (lambda: RateLimits(per_endpoint=[("jobs/list", 5)]), "per_endpoint must map"),  # type: ignore[arg-type]
        (lambda: RateLimits(max_waiting=-1), "max_waiting"),
        (lambda: RateLimits(max_waiting=True), "max_waiting"),
    ],
)
def test_bad_rate_limits_are_config_errors_naming_what_is_wrong(
    build: Callable[[], object], named: str
) -> None:
    with pytest.raises(ConfigError, match=re.escape(named)):
        build()


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
async def test_a_429_pauses_its_endpoint_and_every_task_calling_it(anyio_backend: str) -> None:
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
        tg.start_soon(ws.request, "GET", "/api/2.2/jobs/get")
        await until(lambda: clock.sleepers == 1)  # throttled: asleep until t=10
        tg.start_soon(ws.request, "GET", "/api/2.2/jobs/get")
        await until(lambda: clock.sleepers == 2)  # held at the gate, nothing sent
        await ws.request("GET", "/api/2.2/jobs/runs/get")  # another endpoint: at once
        assert sent == [("/api/2.2/jobs/get", 0.0), ("/api/2.2/jobs/runs/get", 0.0)]
        clock.advance(10)
    assert sorted(sent) == [
        ("/api/2.2/jobs/get", 0.0),
        ("/api/2.2/jobs/get", 10.0),
        ("/api/2.2/jobs/get", 10.0),
        ("/api/2.2/jobs/runs/get", 0.0),
    ]


@pytest.mark.anyio
async def test_the_gate_respects_the_retry_cap(anyio_backend: str) -> None:
    clock = VirtualClock()
    routes = router()
    throttled = httpx.Response(429, json={"message": "x"}, headers={"Retry-After": "3600"})
    routes.get("/x").mock(side_effect=[throttled, throttled, httpx.Response(200, json={})])
    routes.get("/y").respond(200, json={})
    # 429s are retried until the budget: 7 s leaves room for one wait of 5 s, not two.
    policy = RetryPolicy(attempts=2, max_retry_after=5, budget=7)
    async with mock_workspace(routes, clock=clock, retry=policy) as ws:
        with pytest.raises(RateLimited):
            await ws.request("GET", "/x")
        assert clock.now() == 5.0  # one wait, capped at 5 s instead of an hour
        await ws.request("GET", "/y")  # another endpoint is not held back
        assert clock.now() == 5.0
        await ws.request("GET", "/x")
    assert clock.now() == 10.0  # the second 429 closed the gate of /x for 5 s (capped) as well


# --- callers that give up give their slots back ---------------------------------------------

RUN_NOW = "/api/2.2/jobs/run-now"


def recording_routes(clock: VirtualClock, sent: list[float]) -> respx.Router:
    routes = router()

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(clock.now())
        return httpx.Response(200, json={"run_id": 1})

    routes.post(RUN_NOW).mock(side_effect=answer)
    return routes


def trigger(ws: Workspace, i: int) -> Awaitable[object]:
    return ws.request("POST", RUN_NOW, body={"job_id": 1, "idempotency_token": f"t{i}"})


@pytest.mark.anyio
async def test_thousands_of_cancelled_waiters_leave_no_wait_behind(anyio_backend: str) -> None:
    clock = VirtualClock(auto_advance=False)  # waiters stay asleep until cancelled
    sent: list[float] = []
    limits = RateLimits(per_endpoint={"jobs/run-now": 20})
    async with mock_workspace(recording_routes(clock, sent), clock=clock, rate_limits=limits) as ws:
        for i in range(20):  # a second's worth at once: the burst
            await trigger(ws, i)
        with anyio.CancelScope() as scope:
            async with anyio.create_task_group() as tg:
                for i in range(3000):
                    tg.start_soon(trigger, ws, 20 + i)
                await until(lambda: clock.sleepers == 3000)
                scope.cancel()  # a web framework dropping 3,000 callers
        assert sent == [0.0] * 20
        assert clock.sleepers == 0
        clock.auto_advance = True
        await trigger(ws, 4000)
    # The rate implies one interval after the burst; the slots of the cancelled callers are
    # not waited for (they reached 150 s before).
    assert sent[-1] == pytest.approx(0.05)


@pytest.mark.anyio
async def test_waiters_cut_by_the_total_deadline_give_their_slots_back(anyio_backend: str) -> None:
    clock = VirtualClock(auto_advance=False)
    sent: list[float] = []
    limits = RateLimits(per_endpoint={"jobs/run-now": 20})
    routes = recording_routes(clock, sent)
    cut: list[RequestTimeout] = []
    refused: list[RateBudgetExhausted] = []

    async def timed_out(i: int) -> None:
        try:
            await trigger(ws, i)
        except RequestTimeout as error:
            cut.append(error)
        except RateBudgetExhausted as error:
            refused.append(error)

    timeouts = Timeouts(total=0.2)  # real seconds: the virtual clock never moves meanwhile
    async with mock_workspace(routes, clock=clock, rate_limits=limits, timeouts=timeouts) as ws:
        for i in range(20):
            await trigger(ws, i)
        async with anyio.create_task_group() as tg:
            for i in range(2000):
                tg.start_soon(timed_out, 20 + i)
        # The few whose slot lay within the deadline waited and were cut; the others were
        # refused at once (their slots lay seconds away). Neither kind sent anything.
        assert len(cut) + len(refused) == 2000
        assert 1 <= len(cut) <= 4
        assert all(e.phase == "total" and not e.request_sent for e in cut)
        assert all(not e.request_sent for e in refused)
        clock.auto_advance = True
        await trigger(ws, 4000)
    assert sent[-1] == pytest.approx(0.05)


@pytest.mark.anyio
async def test_slots_given_back_midway_go_to_the_next_callers(anyio_backend: str) -> None:
    clock = VirtualClock()
    sent: list[float] = []
    limits = RateLimits(per_endpoint={"jobs/run-now": 10})
    async with mock_workspace(recording_routes(clock, sent), clock=clock, rate_limits=limits) as ws:
        async with anyio.create_task_group() as tg:
            scopes = [anyio.CancelScope() for _ in range(1010)]
            waiting: set[int] = set()

            async def waiter(i: int) -> None:
                with scopes[i]:
                    waiting.add(i)
                    await trigger(ws, i)
                waiting.discard(i)

            async def give_up_and_replace() -> None:
                await clock.sleep(0.05)  # before any waiter's slot comes
                # Every other waiter whose slot is 10 s or more away gives up (the newcomers
                # need a few turns of the event loop to reach the limiter: by then the first
                # waiters' slots have come)...
                leaving = sorted(waiting)[100:][1::2]
                for i in leaving:
                    scopes[i].cancel()
                for i in range(len(leaving)):  # ... and as many newcomers arrive
                    tg.start_soon(trigger, ws, 2000 + i)

            for i in range(1010):
                tg.start_soon(waiter, i)
            tg.start_soon(give_up_and_replace)
    assert len(sent) == 1010
    # The newcomers fill the slots the others left: the last request goes at 100 s, as
    # 1,010 requests at 10 a second after a burst of 10 would (not at 150 s).
    assert max(sent) == pytest.approx(100.0)
    after_burst = sorted(sent)[10:]
    assert all(b - a >= 0.1 - 1e-9 for a, b in itertools.pairwise(after_burst))


def gcra_start(sent: list[float], rate: float, now: float) -> float:
    """When a fresh bucket that saw only the requests `sent` (in order) lets one at `now` go.

    The generic cell rate algorithm by virtual scheduling: a theoretical arrival time that
    each request moves one interval on, a second's worth of burst as its tolerance.
    """
    interval, tolerance = 1 / rate, max(0.0, rate - 1) / rate
    theoretical = float("-inf")
    for at in sent:
        theoretical = max(theoretical, at) + interval
    return max(now, theoretical - tolerance)


@given(
    rate=st.sampled_from([1.0, 5.0, 20.0, 100.0]),
    steps=st.lists(
        st.tuples(
            st.floats(min_value=0.0, max_value=2.0),  # time passes
            st.integers(min_value=0, max_value=30),  # callers arrive
            st.floats(min_value=0.0, max_value=1.0),  # the share of waiters that give up
        ),
        min_size=1,
        max_size=25,
    ),
    seed=st.integers(0, 2**16),
)
@settings(max_examples=200, deadline=None)
def test_the_bucket_keeps_the_rate_and_wastes_no_slot(
    rate: float, steps: list[tuple[float, int, float]], seed: int
) -> None:
    import random

    draw = random.Random(seed)
    bucket = _Bucket(rate)
    now = 0.0
    waiting: list[_Ticket] = []
    sent: list[float] = []
    for elapsed, arrivals, giving_up in steps:
        now += elapsed
        for ticket in sorted(waiting, key=lambda t: t.slot.start):
            if ticket.slot.start <= now:  # its caller woke at its start, and sent
                sent.append(ticket.slot.start)
                bucket.used(ticket, ticket.slot.start)
        waiting = [t for t in waiting if t.slot.state is _WAITING]
        for _ in range(arrivals):
            ticket = bucket.reserve(now)
            if ticket.slot.start <= now:
                bucket.used(ticket, now)
                sent.append(now)
            else:
                waiting.append(ticket)
        for ticket in list(waiting):
            if draw.random() < giving_up:
                bucket.give_back(ticket)
                waiting.remove(ticket)
        starts = sorted(t.slot.start for t in waiting)
        # No holes while anyone waits: the waiters hold the slots right after what was sent.
        if starts:
            assert starts[0] <= gcra_start(sorted(sent), rate, now) + 1e-9
    # Every request sent kept the rate: a fresh bucket would have let each one go by then.
    ordered = sorted(sent)
    for i, at in enumerate(ordered):
        assert gcra_start(ordered[:i], rate, at) <= at + 1e-9
    # Once every waiter has given up, the next caller waits only as the requests sent imply.
    for ticket in waiting:
        bucket.give_back(ticket)
    assert bucket.reserve(now).slot.start <= gcra_start(ordered, rate, now) + 1e-9
