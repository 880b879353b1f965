"""The core client's auth, retry and error rules, end to end against the emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator

import anyio
import pytest

from databricks_jobs import (
    BadGateway,
    ConcurrentRunsLimit,
    NotFound,
    OutcomeUnknown,
    RateLimited,
    RateLimits,
    RetryPolicy,
    Timeouts,
    VirtualClock,
    Workspace,
)
from databricks_jobs.models import JobSettings, QueueSettings
from databricks_jobs.testing import DEFAULT_CLIENT, Emulator

from .specs import two_task_job

pytestmark = pytest.mark.anyio


@pytest.fixture
async def oauth(anyio_backend: str) -> AsyncIterator[tuple[Emulator, Workspace]]:
    clock = VirtualClock(auto_advance=False)
    emulator = Emulator(clock, token_ttl=600)
    client_id, secret = DEFAULT_CLIENT
    async with (
        emulator.serve() as url,
        Workspace(
            host=url,
            client_id=client_id,
            client_secret=secret,
            clock=clock,
            rate_limits=RateLimits.unlimited(),  # a manual clock: limits would wait for it
            env={},
        ) as ws,
    ):
        yield emulator, ws


async def test_oauth_single_flight_and_refresh_ahead_of_expiry(
    oauth: tuple[Emulator, Workspace],
) -> None:
    emulator, ws = oauth
    async with anyio.create_task_group() as tg:
        for _ in range(50):
            tg.start_soon(ws.request, "GET", "/api/2.2/jobs/list")
    assert emulator.token_requests == 1
    assert isinstance(emulator.clock, VirtualClock)
    emulator.clock.advance(500)  # 100 s left of 600: refreshed before the service refuses it
    await ws.request("GET", "/api/2.2/jobs/list")
    assert emulator.token_requests == 2
    assert all(r.status == 200 for r in emulator.requests_to("jobs/list"))


async def test_oauth_refresh_on_401(oauth: tuple[Emulator, Workspace]) -> None:
    emulator, ws = oauth
    await ws.request("GET", "/api/2.2/jobs/list")
    emulator.expire_tokens()
    job_id = await ws.jobs.create(two_task_job())
    assert job_id > 0
    assert emulator.token_requests == 2
    assert [r.status for r in emulator.requests_to("jobs/create")] == [401, 200]
    assert emulator.applied["jobs/create"] == 1


async def test_429_waits_for_retry_after(ws: Workspace, emulator: Emulator) -> None:
    emulator.faults.next("429", path="jobs/list", retry_after=30)
    started = ws.clock.now()
    assert [job async for job in ws.jobs.list()] == []
    assert ws.clock.now() - started >= 30
    assert emulator.faults.injected["429"] == 1


async def test_throttling_that_never_ends_gives_rate_limited(
    ws: Workspace, emulator: Emulator
) -> None:
    emulator.faults.add("429", path="jobs/list", retry_after=1)
    started = ws.clock.now()
    with pytest.raises(RateLimited) as caught:
        await ws.request("GET", "/api/2.2/jobs/list")
    assert caught.value.retry_after == 1
    # Not applied, so retried until the time budget, past the policy's attempts.
    assert caught.value.attempts == len(emulator.requests_to("jobs/list"))
    assert caught.value.attempts > RetryPolicy().attempts
    assert ws.clock.now() - started > RetryPolicy().budget - 1


async def test_run_limit_is_not_retried(ws: Workspace, emulator: Emulator) -> None:
    settings = JobSettings(
        name="one at a time",
        max_concurrent_runs=1,
        queue=QueueSettings(enabled=False),
        tasks=two_task_job().tasks,
        job_clusters=two_task_job().job_clusters,
    )
    emulator.script_task("a", duration=10_000)
    job_id = await ws.jobs.create(settings)
    await ws.jobs.run_now(job_id)
    with pytest.raises(ConcurrentRunsLimit, match=r"already 1 active runs \(limit: 1\)"):
        await ws.jobs.run_now(job_id)
    assert len(emulator.requests_to("jobs/run-now")) == 2


async def test_5xx_retried_on_reads_never_on_create(ws: Workspace, emulator: Emulator) -> None:
    job_id = await ws.jobs.create(two_task_job())
    emulator.faults.next("500", path="jobs/get")
    emulator.faults.next("502", path="jobs/get")
    assert (await ws.jobs.get(job_id)).job_id == job_id
    assert len(emulator.requests_to("jobs/get")) == 3
    emulator.faults.next("502", path="jobs/create")
    with pytest.raises(OutcomeUnknown) as caught:
        await ws.jobs.create(two_task_job())
    assert isinstance(caught.value.error, BadGateway)
    assert "502 Bad Gateway" in caught.value.error.message


async def test_read_timeout_retried_on_reads(emulator: Emulator, anyio_backend: str) -> None:
    emulator.faults.next("stall", path="jobs/list", seconds=2)
    async with (
        emulator.serve() as url,
        Workspace(
            host=url,
            token=emulator.token,
            clock=emulator.clock,
            timeouts=Timeouts(read=0.2),
            env={},
        ) as ws,
    ):
        assert [job async for job in ws.jobs.list()] == []
    # The stalled attempt, then at least one more (a loaded machine may need another).
    assert len(emulator.requests_to("jobs/list")) >= 2
    assert emulator.faults.injected["stall"] == 1


async def test_dropped_before_effect_is_retried_for_reads(
    ws: Workspace, emulator: Emulator
) -> None:
    emulator.faults.next("drop_before", path="runs/list")
    assert [run async for run in ws.runs.list()] == []
    assert emulator.faults.injected["drop_before"] == 1


async def test_missing_run_is_not_found(ws: Workspace) -> None:
    with pytest.raises(NotFound, match="Run 424242 does not exist"):
        await ws.runs.get(424242)
