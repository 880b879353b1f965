"""The total deadline never hides an ambiguity, and `request_sent` says what really left.

`Timeouts(total=...)` cuts a call wherever it is. Cut after the request's bytes left, a
write that is not safe to repeat raises `OutcomeUnknown` (the `RequestTimeout` as its
cause), because it may have been applied; a safe one raises the `RequestTimeout` with
``request_sent`` True. Cut while it still waited (at the back-off gate, the rate limiter,
the token fetch), nothing left: ``request_sent`` is False and the request never reached the
server. A call whose wait at the gate or the limiter would outlast the deadline is refused at
once (`RateBudgetExhausted`), never sent. Each under aiohttp on asyncio, httpx on asyncio and
httpx on trio, over loopback.
"""

from __future__ import annotations

import anyio
import pytest

from databricks_jobs import (
    OutcomeUnknown,
    PoolLimits,
    RateBudgetExhausted,
    RateLimited,
    RateLimits,
    RequestTimeout,
    RetryPolicy,
    Timeouts,
    VirtualClock,
    Workspace,
    to_dict,
)
from databricks_jobs.testing import DEFAULT_CLIENT, Emulator

from ..resources.specs import two_task_job
from .writes import COMBOS, handle

pytestmark = [pytest.mark.anyio, pytest.mark.parametrize(("anyio_backend", "transport"), COMBOS)]

TOTAL = 0.3
"""Real seconds: the total deadline is the event loop's time, not the Workspace clock."""


def workspace(url: str, transport: str, **options: object) -> Workspace:
    options.setdefault("token", "dapi-emulator")
    options.setdefault("clock", VirtualClock(auto_advance=False))  # a wait on it never ends
    options.setdefault("timeouts", Timeouts(read=30, total=TOTAL))
    return Workspace(host=url, transport=transport, env={}, **options)  # type: ignore[arg-type]


async def test_cut_after_sending_an_unsafe_write_is_outcome_unknown(
    anyio_backend: str, transport: str
) -> None:
    emulator = Emulator(VirtualClock())
    emulator.faults.next("stall", path="jobs/create", seconds=5)  # applied, answered late
    async with emulator.serve() as url, workspace(url, transport) as ws:
        with pytest.raises(OutcomeUnknown) as caught:
            await ws.jobs.create(two_task_job())
    cause = caught.value.error
    assert isinstance(cause, RequestTimeout)
    assert cause.phase == "total"
    assert cause.request_sent is True
    assert caught.value.__cause__ is cause
    assert caught.value.may_have_applied
    assert emulator.applied["jobs/create"] == 1  # it was: the job exists
    assert len(emulator.requests_to("jobs/create")) == 1


async def test_cut_after_sending_a_safe_request_is_a_timeout_that_was_sent(
    anyio_backend: str, transport: str
) -> None:
    emulator = Emulator(VirtualClock())
    emulator.faults.next("stall", path="jobs/list", seconds=5)
    async with emulator.serve() as url, workspace(url, transport) as ws:
        with pytest.raises(RequestTimeout) as caught:
            await ws.jobs.list().to_list()
    assert caught.value.phase == "total"
    assert caught.value.request_sent is True
    assert not caught.value.may_have_applied  # a read applies nothing


async def test_cut_at_the_back_off_gate_was_never_sent(anyio_backend: str, transport: str) -> None:
    emulator = Emulator(VirtualClock())
    emulator.faults.next("429", path="jobs/create", retry_after=30)
    # The pause is capped at 0.1 s of a clock that stands: within the deadline, never over.
    retry = RetryPolicy(attempts=1, max_retry_after=0.1)
    async with emulator.serve() as url, workspace(url, transport, retry=retry) as ws:
        with pytest.raises(RateLimited):
            await ws.jobs.create(two_task_job())  # closes the gate of jobs/create
        with pytest.raises(RequestTimeout) as caught:
            await ws.jobs.create(two_task_job())
    assert caught.value.phase == "total"
    assert caught.value.request_sent is False  # waiting at the gate: nothing left
    assert not caught.value.may_have_applied
    assert "0 attempts sent" in str(caught.value)
    assert len(emulator.requests_to("jobs/create")) == 1  # the 429 only


async def test_a_gate_closed_past_the_deadline_refuses_at_once(
    anyio_backend: str, transport: str
) -> None:
    emulator = Emulator(VirtualClock())
    emulator.faults.next("429", path="jobs/create", retry_after=30)
    async with emulator.serve() as url, workspace(url, transport, retry=RetryPolicy.never()) as ws:
        with pytest.raises(RateLimited):
            await ws.jobs.create(two_task_job())  # closes the gate of jobs/create for 30 s
        with pytest.raises(RateBudgetExhausted) as caught:
            await ws.jobs.create(two_task_job())
    assert caught.value.request_sent is False
    assert not caught.value.may_have_applied
    assert caught.value.endpoint == "jobs/create"
    assert caught.value.retry_after == 30.0  # the clock stands: the whole pause is ahead
    assert 0 < caught.value.time_left <= TOTAL  # type: ignore[operator]
    assert len(emulator.requests_to("jobs/create")) == 1  # the 429 only


async def test_cut_at_the_rate_limiter_was_never_sent(anyio_backend: str, transport: str) -> None:
    emulator = Emulator(VirtualClock())
    limits = RateLimits(per_endpoint={"jobs/create": 10})  # a burst of 10, then 0.1 s apart
    async with emulator.serve() as url, workspace(url, transport, rate_limits=limits) as ws:
        for _ in range(10):
            await ws.jobs.create(two_task_job())  # the burst of this second
        with pytest.raises(RequestTimeout) as caught:
            await ws.jobs.create(two_task_job())  # waits 0.1 s of a clock that stands
    assert caught.value.request_sent is False
    assert not isinstance(caught.value, OutcomeUnknown)
    assert len(emulator.requests_to("jobs/create")) == 10


async def test_a_slot_past_the_deadline_is_refused_at_once(
    anyio_backend: str, transport: str
) -> None:
    emulator = Emulator(VirtualClock())
    limits = RateLimits(per_endpoint={"jobs/create": 1})
    async with emulator.serve() as url, workspace(url, transport, rate_limits=limits) as ws:
        await ws.jobs.create(two_task_job())  # the one request of this second
        with pytest.raises(RateBudgetExhausted) as caught:
            await ws.jobs.create(two_task_job())  # its slot is 1 s away; 0.3 s are left
    assert caught.value.request_sent is False
    assert not caught.value.may_have_applied  # a create that was never sent created nothing
    assert caught.value.retry_after == 1.0
    assert "client-side rate budget is exhausted" in str(caught.value)
    assert len(emulator.requests_to("jobs/create")) == 1


async def test_cut_during_the_token_fetch_was_never_sent(
    anyio_backend: str, transport: str
) -> None:
    emulator = Emulator(VirtualClock())
    emulator.faults.next("stall", path="/oidc/v1/token", seconds=5)
    client_id, client_secret = DEFAULT_CLIENT
    async with (
        emulator.serve() as url,
        workspace(
            url, transport, token=None, client_id=client_id, client_secret=client_secret
        ) as ws,
    ):
        with pytest.raises(RequestTimeout) as caught:
            await ws.jobs.create(two_task_job())
    assert caught.value.request_sent is False  # the token request left; the create did not
    assert not caught.value.may_have_applied
    assert emulator.requests_to("jobs/create") == []


async def test_cancelled_waiters_give_their_connection_slots_back(
    anyio_backend: str, transport: str
) -> None:
    emulator = Emulator(VirtualClock())
    emulator.faults.next("stall", path="jobs/runs/list", seconds=0.3)  # holds the connection
    async with (
        emulator.serve() as url,
        workspace(
            url,
            transport,
            clock=VirtualClock(),
            limits=PoolLimits(max_connections=1),
            timeouts=Timeouts(read=30, pool=5),
        ) as ws,
    ):
        async with anyio.create_task_group() as tg:
            tg.start_soon(ws.request, "GET", "/api/2.2/jobs/runs/list")
            with anyio.CancelScope() as waiters:
                async with anyio.create_task_group() as queue:
                    for _ in range(2000):
                        queue.start_soon(ws.request, "GET", "/api/2.2/jobs/list")
                    await anyio.sleep(0.05)  # they wait for the one connection slot
                    waiters.cancel()
        # The stalled call has finished; the next call gets the connection at once.
        with anyio.fail_after(2):
            await ws.jobs.list().to_list()
    assert len(emulator.requests_to("jobs/list")) == 1  # none of the 2,000 went out


async def test_thousands_of_cancelled_waiters_leave_no_wait_behind(
    anyio_backend: str, transport: str
) -> None:
    clock = VirtualClock(auto_advance=False)  # shared: the emulator logs when requests came
    emulator = Emulator(clock)
    job_id = handle(emulator, "POST", "/api/2.2/jobs/create", to_dict(two_task_job()))["job_id"]
    limits = RateLimits(per_endpoint={"jobs/run-now": 20})
    async with (
        emulator.serve() as url,
        workspace(url, transport, clock=clock, rate_limits=limits, timeouts=Timeouts()) as ws,
    ):
        for _ in range(20):  # the burst: a second's worth at once
            await ws.jobs.run_now(job_id)
        with anyio.CancelScope() as waiters:
            async with anyio.create_task_group() as tg:
                for _ in range(2000):
                    tg.start_soon(ws.jobs.run_now, job_id)
                with anyio.fail_after(10):
                    while clock.sleepers < 2000:  # noqa: ASYNC110 - a plain counter
                        await anyio.sleep(0.01)
                waiters.cancel()  # callers that went away
        clock.auto_advance = True
        await ws.jobs.run_now(job_id)
    sent = [r.time for r in emulator.requests_to("jobs/run-now")]
    assert len(sent) == 21  # none of the 2,000 went out
    assert sent[-1] == pytest.approx(0.05)  # one interval after the burst, not 100 s
