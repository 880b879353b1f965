"""`Workspace.track_calls` tells a trigger that was still waiting from one whose request left.

A cancellation carries no information of its own. The tracked calls of the cancelled block
do: a trigger cut while waiting (at the rate limiter, the back-off gate, between retries
after a 429) cannot have started a run; one cut after its request began to leave may have.
Over loopback, under aiohttp on asyncio, httpx on asyncio and httpx on trio.
"""

from __future__ import annotations

from collections.abc import Callable

import anyio
import pytest

from databricks_jobs import RateLimits, Timeouts, TrackedCalls, VirtualClock, Workspace
from databricks_jobs.testing import Emulator

from ..resources.specs import two_task_job
from .writes import COMBOS, handle

pytestmark = [pytest.mark.anyio, pytest.mark.parametrize(("anyio_backend", "transport"), COMBOS)]


def workspace(url: str, transport: str, **options: object) -> Workspace:
    options.setdefault("token", "dapi-emulator")
    options.setdefault("clock", VirtualClock(auto_advance=False))  # a wait on it never ends
    options.setdefault("timeouts", Timeouts(read=30))
    return Workspace(host=url, transport=transport, env={}, **options)  # type: ignore[arg-type]


def new_job(emulator: Emulator) -> int:
    return int(handle(emulator, "POST", "/api/2.2/jobs/create", {"name": "j"})["job_id"])


async def until(condition: Callable[[], bool]) -> None:
    """Let the other tasks (and the server) run until `condition` holds (bounded)."""
    with anyio.fail_after(10):
        while not condition():  # noqa: ASYNC110 - a condition of other tasks and the server
            await anyio.sleep(0.005)


async def cut_when(ws: Workspace, job_id: int, ready: Callable[[], bool]) -> TrackedCalls:
    """Trigger a run with a token, cancel the trigger once `ready()` holds; return its calls."""
    async with anyio.create_task_group() as tg:
        tracked: list[TrackedCalls] = []

        async def trigger() -> None:
            with ws.track_calls() as calls:
                tracked.append(calls)
                await ws.jobs.run_now(job_id, idempotency_token="order-42")

        tg.start_soon(trigger)
        await until(ready)
        tg.cancel_scope.cancel()  # the caller went away
    (calls,) = tracked
    return calls


async def test_a_trigger_cut_at_the_rate_limiter_applied_nothing(
    anyio_backend: str, transport: str
) -> None:
    emulator = Emulator(VirtualClock())
    job_id = new_job(emulator)
    clock = VirtualClock(auto_advance=False)
    limits = RateLimits(per_endpoint={"jobs/run-now": 1})
    async with (
        emulator.serve() as url,
        workspace(url, transport, clock=clock, rate_limits=limits) as ws,
    ):
        await ws.jobs.run_now(job_id)  # the one run-now of this second
        calls = await cut_when(ws, job_id, lambda: clock.sleepers == 1)
    assert calls.calls == 1
    assert calls.sent is False
    assert calls.may_have_applied is False
    assert calls.idempotency_tokens == ("order-42",)
    assert len(emulator.requests_to("jobs/run-now")) == 1  # the first only
    assert emulator.applied["jobs/run-now"] == 1


async def test_a_trigger_cut_after_its_request_left_may_have_applied(
    anyio_backend: str, transport: str
) -> None:
    emulator = Emulator(VirtualClock())
    job_id = new_job(emulator)
    emulator.faults.next("stall", path="jobs/run-now", seconds=5)  # applied, answered late
    async with emulator.serve() as url, workspace(url, transport) as ws:
        calls = await cut_when(ws, job_id, lambda: emulator.applied["jobs/run-now"] == 1)
        assert calls.sent is True
        assert calls.may_have_applied is True
        # The same token finds the run the cut request started: exactly one run.
        again = await ws.jobs.run_now(job_id, idempotency_token="order-42")
    assert emulator.applied["jobs/run-now"] == 1
    assert emulator.started_by_token()["order-42"] == again.run_id


async def test_a_trigger_refused_with_429_then_cut_applied_nothing(
    anyio_backend: str, transport: str
) -> None:
    emulator = Emulator(VirtualClock())
    job_id = new_job(emulator)
    emulator.faults.next("429", path="jobs/run-now", retry_after=30)
    clock = VirtualClock(auto_advance=False)
    async with emulator.serve() as url, workspace(url, transport, clock=clock) as ws:
        calls = await cut_when(ws, job_id, lambda: clock.sleepers == 1)  # its retry waits
    assert calls.sent is True  # the 429's request left...
    assert calls.may_have_applied is False  # ... and the 429 says it was not applied
    assert emulator.applied["jobs/run-now"] == 0


async def test_what_is_tracked(anyio_backend: str, transport: str) -> None:
    emulator = Emulator(VirtualClock())
    job_id = new_job(emulator)
    async with (
        emulator.serve() as url,
        workspace(url, transport) as ws,
        workspace(url, transport) as other,
    ):
        with ws.track_calls() as outer:
            await ws.jobs.get(job_id)
            assert outer.sent is True
            assert outer.may_have_applied is False  # a read applies nothing
            with ws.track_calls() as inner:
                await other.jobs.get(job_id)  # another Workspace's call: not this one's
                async with anyio.create_task_group() as tg:  # a task started in the block
                    tg.start_soon(ws.jobs.create, two_task_job())
        assert inner.calls == 1
        assert inner.may_have_applied is True  # the create was answered 200
        assert outer.calls == 2
        assert outer.may_have_applied is True
        await ws.jobs.get(job_id)  # after the block: not tracked
    assert outer.calls == 2
    assert repr(outer) == "TrackedCalls(calls=2, sent=True, may_have_applied=True)"
