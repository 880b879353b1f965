"""Cancelling batches and waits mid-flight leaves nothing behind; pools stay bounded."""

from __future__ import annotations

import asyncio

import anyio
import anyio.lowlevel
import pytest

from databricks_jobs import PoolLimits, Timeouts, VirtualClock, Workspace, bulk
from databricks_jobs.bulk import Progress
from databricks_jobs.testing import Emulator

from ..core.loopback import Exchange, loopback_server
from ..resources.specs import two_task_job

pytestmark = pytest.mark.anyio


def live_tasks(backend: str) -> int | None:
    """Tasks alive besides this test's own (asyncio only: trio keeps no registry)."""
    if backend != "asyncio":
        return None
    return len(asyncio.all_tasks()) - 1


async def test_cancelled_batch_leaves_no_tasks_or_connections(anyio_backend: str) -> None:
    emulator = Emulator(VirtualClock())
    emulator.faults.add("latency", path="jobs/run-now", seconds=0.02)
    async with emulator.serve() as url:
        await anyio.sleep(0.05)  # the server's accept loop starts
        baseline = live_tasks(anyio_backend)  # the server, before any client connection
        ws = Workspace(
            host=url,
            token=emulator.token,
            clock=emulator.clock,
            limits=PoolLimits(max_connections=4),
            timeouts=Timeouts(pool=2),
            env={},
        )
        async with ws:
            job_id = await ws.jobs.create(two_task_job())
            with anyio.CancelScope() as scope:

                def stop(progress: Progress) -> None:
                    if progress.done >= 10:
                        scope.cancel()

                batch = bulk.run_now_batch(ws, [job_id] * 200, concurrency=8, on_progress=stop)
                await batch.run()
            assert scope.cancelled_caught
            assert 10 <= len(batch.started) < 200
            # Every connection slot came back: eight calls through a pool of four succeed
            # within the pool timeout.
            async with anyio.create_task_group() as tg:
                for _ in range(8):
                    tg.start_soon(ws.request, "GET", "/api/2.2/jobs/list")
            results = await bulk.run_now(ws, batch.requests, concurrency=8)
        # No task of the client is left, and no connection: the server's handler tasks
        # for them end as soon as it notices (allow a loaded machine a few seconds).
        with anyio.move_on_after(5):
            while live_tasks(anyio_backend) != baseline:  # noqa: ASYNC110 - a task count
                await anyio.sleep(0.05)
        assert live_tasks(anyio_backend) == baseline
    assert all(r.ok for r in results)
    assert emulator.applied["jobs/run-now"] == 200  # the restart started the rest, once each


async def test_cancelled_wait_never_cancels_the_run(ws: Workspace, emulator: Emulator) -> None:
    job_id = await ws.jobs.create(two_task_job())
    emulator.script_task("a", outcome="HANG")
    started = await ws.jobs.run_now(job_id)
    with anyio.move_on_after(0.3) as scope:  # real time: the wait polls meanwhile
        await ws.runs.wait(started.run_id, poll=60)
    assert scope.cancelled_caught
    assert emulator.requests_to("runs/cancel") == []
    status = emulator.run_state(started.run_id)["status"]["state"]
    assert status in ("PENDING", "RUNNING", "QUEUED")
    run = await ws.runs.cancel_and_wait(started.run_id)  # the client keeps working
    assert str(run.state.result_state if run.state else None) == "CANCELED"


async def test_thousand_concurrent_calls_use_a_bounded_pool(anyio_backend: str) -> None:
    open_now = most = 0

    async def answer(exchange: Exchange) -> None:
        nonlocal open_now, most
        open_now += 1
        most = max(most, open_now)
        await anyio.lowlevel.checkpoint()
        open_now -= 1
        await exchange.respond(200, b'{"jobs": []}')

    async with loopback_server(answer) as server:
        ws = Workspace(
            host=server.url,
            token="t",
            limits=PoolLimits(max_connections=8),
            clock=VirtualClock(),
            env={},
        )
        async with ws, anyio.create_task_group() as tg:
            for _ in range(1000):
                tg.start_soon(ws.request, "GET", "/api/2.2/jobs/list")
    assert len(server.requests) == 1000
    assert server.connections <= 8
    assert most <= 8
