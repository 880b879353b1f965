"""Admission control and the per-endpoint back-off gate, on a virtual clock.

A call whose slot (or whose endpoint's reopening after a 429) lies past its deadline fails
at once with `RateBudgetExhausted` and reserves nothing; `RateLimits(max_waiting=...)`
bounds the callers waiting per endpoint. A 429 pauses the endpoint it came from; one that
says the whole workspace's limit was hit pauses them all.

Deadlines are the event loop's time (the Workspace's total timeout, a caller's cancel scope)
while the slots are on the Workspace's clock: these tests keep the clock standing
(``auto_advance=False``) and leave half a slot of margin on each side of a deadline.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import anyio
import httpx
import pytest
import respx

from databricks_jobs import (
    ApiError,
    DatabricksError,
    RateBudgetExhausted,
    RateLimited,
    RateLimits,
    RetryPolicy,
    Timeouts,
    VirtualClock,
    Workspace,
    error_from_response,
)
from databricks_jobs._retry import Decision, decide

from .fakes import mock_workspace, router

pytestmark = pytest.mark.anyio

RUN_NOW = "/api/2.2/jobs/run-now"
RUNS_GET = "/api/2.2/jobs/runs/get"
ONE_A_SECOND = RateLimits(per_endpoint={"jobs/run-now": 1})
"""No burst: slots at 0, 1, 2, ... seconds."""


def recording(clock: VirtualClock, sent: list[tuple[str, float]]) -> respx.Router:
    routes = router()

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append((request.url.path.rsplit("/", 1)[-1], clock.now()))
        return httpx.Response(200, json={"run_id": 1})

    routes.route().mock(side_effect=answer)
    return routes


def trigger(ws: Workspace, i: int) -> Awaitable[object]:
    return ws.request("POST", RUN_NOW, body={"job_id": 1, "idempotency_token": f"t{i}"})


def read_run(ws: Workspace, run_id: int) -> Awaitable[object]:
    return ws.request("GET", RUNS_GET, query={"run_id": run_id})


async def until(condition: Callable[[], bool]) -> None:
    """Let other tasks run until `condition` holds (real time, bounded)."""
    with anyio.fail_after(5):
        while not condition():  # noqa: ASYNC110 - polling a plain attribute of the clock
            await anyio.sleep(0.001)


async def outcome(call: Awaitable[object]) -> object:
    try:
        return await call
    except DatabricksError as error:
        return error


async def test_a_slot_past_the_total_deadline_is_refused_at_once(anyio_backend: str) -> None:
    clock = VirtualClock(auto_advance=False)
    sent: list[tuple[str, float]] = []
    timeouts = Timeouts(total=2.5)  # slots at 0, 1, 2 fit; 3 does not
    ws = mock_workspace(
        recording(clock, sent), clock=clock, rate_limits=ONE_A_SECOND, timeouts=timeouts
    )
    results: dict[int, object] = {}

    async def call(i: int) -> None:
        results[i] = await outcome(trigger(ws, i))

    async with ws, anyio.create_task_group() as tg:
        for i in range(6):
            tg.start_soon(call, i)
        await until(lambda: len(results) == 4 and clock.sleepers == 2)
        # Three refused at once, the clock unmoved: no wait, no retry, nothing sent.
        assert clock.now() == 0.0
        assert sent == [("run-now", 0.0)]
        refused = [r for r in results.values() if isinstance(r, RateBudgetExhausted)]
        assert len(refused) == 3
        for error in refused:
            assert error.endpoint == "jobs/run-now"
            assert error.retry_after == 3.0  # the next free slot: the refused took none
            assert error.time_left is not None
            assert 2.0 < error.time_left <= 2.5
            assert error.request_sent is False
            assert not error.may_have_applied
            assert error.idempotency_token is not None  # the call's token, as on any error
            assert "client-side rate budget is exhausted" in str(error)
            assert "3 s" in str(error)
        clock.advance(1)
        await until(lambda: len(sent) == 2)
        clock.advance(1)
    assert sent == [("run-now", 0.0), ("run-now", 1.0), ("run-now", 2.0)]


async def test_a_refusal_reserves_nothing_so_later_calls_are_not_delayed(
    anyio_backend: str,
) -> None:
    clock = VirtualClock(auto_advance=False)
    sent: list[tuple[str, float]] = []
    ws = mock_workspace(
        recording(clock, sent), clock=clock, rate_limits=ONE_A_SECOND, timeouts=Timeouts(total=0.5)
    )
    async with ws:
        await trigger(ws, 0)
        for i in range(1, 1001):  # a storm of callers whose slot lies past their deadline
            with pytest.raises(RateBudgetExhausted):
                await trigger(ws, i)
        clock.advance(1)
        await trigger(ws, 1001)  # its slot is the one after the first: nobody took 1000
    assert sent == [("run-now", 0.0), ("run-now", 1.0)]


async def test_the_callers_own_deadline_counts(anyio_backend: str) -> None:
    clock = VirtualClock(auto_advance=False)
    sent: list[tuple[str, float]] = []
    ws = mock_workspace(
        recording(clock, sent),
        clock=clock,
        rate_limits=ONE_A_SECOND,
        timeouts=Timeouts(total=None),  # no deadline of the Workspace's: only the caller's
    )
    async with ws:
        await trigger(ws, 0)
        with anyio.fail_after(0.5), pytest.raises(RateBudgetExhausted) as caught:
            await trigger(ws, 1)  # its slot is 1 s away
        assert caught.value.time_left is not None
        assert 0 < caught.value.time_left <= 0.5
        async with anyio.create_task_group() as tg:
            tg.start_soon(trigger, ws, 2)  # without a deadline it waits for its slot
            await until(lambda: clock.sleepers == 1)
            clock.advance(1)
    assert sent == [("run-now", 0.0), ("run-now", 1.0)]


async def test_a_cancelled_caller_is_cancelled_not_refused(anyio_backend: str) -> None:
    clock = VirtualClock(auto_advance=False)
    sent: list[tuple[str, float]] = []
    ws = mock_workspace(recording(clock, sent), clock=clock, rate_limits=ONE_A_SECOND)
    async with ws:
        await trigger(ws, 0)
        with anyio.CancelScope() as scope:
            scope.cancel()  # the deadline is now minus infinity, but cancellation wins
            await trigger(ws, 1)
        assert scope.cancelled_caught
    assert sent == [("run-now", 0.0)]


async def test_max_waiting_bounds_the_queue_of_an_endpoint(anyio_backend: str) -> None:
    clock = VirtualClock(auto_advance=False)
    sent: list[tuple[str, float]] = []
    limits = RateLimits(per_endpoint={"jobs/run-now": 1}, max_waiting=2)
    ws = mock_workspace(recording(clock, sent), clock=clock, rate_limits=limits)
    results: dict[int, object] = {}

    async def call(i: int) -> None:
        results[i] = await outcome(trigger(ws, i))

    async with ws, anyio.create_task_group() as tg:
        await trigger(ws, 0)
        for i in range(1, 3):
            tg.start_soon(call, i)
        await until(lambda: clock.sleepers == 2)  # two wait for 1 s and 2 s
        await ws.request("GET", RUNS_GET, query={"run_id": 1})  # other endpoints: no queue
        for i in range(3, 6):
            error = await outcome(trigger(ws, i))
            assert isinstance(error, RateBudgetExhausted)
            assert error.time_left is None
            assert error.retry_after == 3.0
            assert "2 calls already wait" in str(error)
            assert "max_waiting=2" in str(error)
        clock.advance(1)  # one is sent: a place in the queue is free again
        await until(lambda: len(sent) == 3)
        tg.start_soon(call, 6)
        await until(lambda: clock.sleepers == 2)
        clock.advance(1)
        await until(lambda: len(sent) == 4)
        clock.advance(1)
    assert sent == [
        ("run-now", 0.0),
        ("get", 0.0),
        ("run-now", 1.0),
        ("run-now", 2.0),
        ("run-now", 3.0),
    ]
    assert results[6] == {"run_id": 1}


async def test_max_waiting_zero_sends_at_once_or_refuses(anyio_backend: str) -> None:
    clock = VirtualClock(auto_advance=False)
    sent: list[tuple[str, float]] = []
    limits = RateLimits(per_endpoint={"jobs/run-now": 5}, max_waiting=0)  # a burst of 5
    async with mock_workspace(recording(clock, sent), clock=clock, rate_limits=limits) as ws:
        outcomes = [await outcome(trigger(ws, i)) for i in range(7)]
    assert outcomes[:5] == [{"run_id": 1}] * 5
    assert all(isinstance(error, RateBudgetExhausted) for error in outcomes[5:])
    assert len(sent) == 5


def test_max_waiting_is_checked() -> None:
    assert RateLimits(max_waiting=0).max_waiting == 0
    for bad in (-1, 1.5, True, "3"):
        with pytest.raises(ValueError, match="max_waiting"):
            RateLimits(max_waiting=bad)  # type: ignore[arg-type]


async def test_a_refusal_is_not_retried(anyio_backend: str) -> None:
    clock = VirtualClock()  # auto-advancing: a retry's backoff would show as time passing
    sent: list[tuple[str, float]] = []
    ws = mock_workspace(
        recording(clock, sent),
        clock=clock,
        rate_limits=ONE_A_SECOND,
        timeouts=Timeouts(total=0.5),
        retry=RetryPolicy(attempts=6),
    )
    async with ws:
        await trigger(ws, 0)
        with pytest.raises(RateBudgetExhausted):
            await trigger(ws, 1)
    assert clock.now() == 0.0
    assert (
        decide(
            RateBudgetExhausted("x", endpoint="jobs/run-now", retry_after=1.0),
            safe=True,
            policy=RetryPolicy(),
        )
        is Decision.FAIL
    )


# --- the back-off gate, per endpoint ---------------------------------------------------------


def throttling(clock: VirtualClock, sent: list[tuple[str, float]], message: str) -> respx.Router:
    """run-now answers one 429 (Retry-After 10) with `message`, then 200; others 200."""
    routes = router()
    answers = iter(
        [httpx.Response(429, json={"error_code": "REQUEST_LIMIT_EXCEEDED", "message": message},
                        headers={"Retry-After": "10"})]
    )  # fmt: skip

    def answer(request: httpx.Request) -> httpx.Response:
        endpoint = request.url.path.rsplit("/", 1)[-1]
        sent.append((endpoint, clock.now()))
        if endpoint == "run-now":
            return next(answers, httpx.Response(200, json={"run_id": 1}))
        return httpx.Response(200, json={})

    routes.route().mock(side_effect=answer)
    return routes


async def test_a_429_on_run_now_leaves_runs_get_at_full_speed(anyio_backend: str) -> None:
    clock = VirtualClock(auto_advance=False)
    sent: list[tuple[str, float]] = []
    routes = throttling(clock, sent, "Too many requests. Please wait a moment and try again.")
    limits = RateLimits(per_endpoint={"jobs/runs/get": 100})
    async with (
        mock_workspace(routes, clock=clock, rate_limits=limits) as ws,
        anyio.create_task_group() as tg,
    ):
        tg.start_soon(trigger, ws, 0)  # 429: its retry waits 10 s, and so does run-now
        await until(lambda: clock.sleepers == 1)
        tg.start_soon(trigger, ws, 1)
        await until(lambda: clock.sleepers == 2)  # held at the gate of run-now
        for run_id in range(100):  # a second's worth of runs/get: all at once
            await ws.request("GET", RUNS_GET, query={"run_id": run_id})
        assert clock.now() == 0.0
        assert [at for endpoint, at in sent if endpoint == "get"] == [0.0] * 100
        assert [at for endpoint, at in sent if endpoint == "run-now"] == [0.0]
        clock.advance(10)
    assert sorted(at for endpoint, at in sent if endpoint == "run-now") == [0.0, 10.0, 10.0]


@pytest.mark.parametrize(
    "message",
    [
        "Workspace 1965859176160743 exceeded the concurrent limit of 60 requests.",
        "Workspace-wide request limit reached. Please wait a moment and try again.",
    ],
)
async def test_a_workspace_wide_429_pauses_every_endpoint(anyio_backend: str, message: str) -> None:
    clock = VirtualClock(auto_advance=False)
    sent: list[tuple[str, float]] = []
    async with (
        mock_workspace(throttling(clock, sent, message), clock=clock) as ws,
        anyio.create_task_group() as tg,
    ):
        tg.start_soon(trigger, ws, 0)
        await until(lambda: clock.sleepers == 1)
        for run_id in range(3):
            tg.start_soon(read_run, ws, run_id)
        await until(lambda: clock.sleepers == 4)  # runs/get waits too
        assert sent == [("run-now", 0.0)]
        clock.advance(10)
    assert sorted(sent) == [("get", 10.0)] * 3 + [("run-now", 0.0), ("run-now", 10.0)]


async def test_a_gate_closed_past_the_deadline_refuses_at_once(anyio_backend: str) -> None:
    clock = VirtualClock(auto_advance=False)
    sent: list[tuple[str, float]] = []
    routes = throttling(clock, sent, "Too many requests.")
    ws = mock_workspace(routes, clock=clock, timeouts=Timeouts(total=5), retry=RetryPolicy.never())
    async with ws:
        with pytest.raises(RateLimited):
            await trigger(ws, 0)  # closes run-now for 10 s
        with pytest.raises(RateBudgetExhausted) as caught:
            await trigger(ws, 1)
        await ws.request("GET", RUNS_GET, query={"run_id": 1})  # open
    assert caught.value.retry_after == 10.0
    assert "asked to pause this endpoint" in str(caught.value)
    assert sent == [("run-now", 0.0), ("get", 0.0)]


@pytest.mark.parametrize(
    ("message", "wide"),
    [
        ("Workspace 1965859176160743 exceeded the concurrent limit of 60 requests.", True),
        ("workspace level rate limit exceeded", True),
        ("Too many requests. Please wait a moment and try again.", False),
        ("GetUserPermissionsRequest RPC token bucket limit has been exceeded.", False),
        # The per-endpoint limit of model serving, which names the workspace but not its limit.
        ("Exceeded workspace QPS rate limit for databricks-model.", False),
        ("", False),
    ],
)
def test_which_429_messages_are_workspace_wide(message: str, wide: bool) -> None:
    body = b'{"error_code": "REQUEST_LIMIT_EXCEEDED", "message": %s}' % (
        repr(message).replace("'", '"').encode()
    )
    error = error_from_response("POST", RUN_NOW, 429, {}, body)
    assert isinstance(error, RateLimited)
    assert error.workspace_wide is wide
    assert isinstance(error, ApiError)
