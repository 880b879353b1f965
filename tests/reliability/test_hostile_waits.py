"""Waits under a failing service: transient errors are outlived, other errors are reported.

`runs.wait` outlives transient errors on every read until its deadline, the final whole read
included, and a cancel that fails on timeout rides on the `WaitTimeout`. `bulk.wait` yields
every run that finished and reports a run it cannot read on its item, never as a bare
exception group.
"""

from __future__ import annotations

import json
import re

import pytest

from databricks_jobs import (
    ClientClosedError,
    DecodeError,
    PermissionDenied,
    RetryPolicy,
    ServiceUnavailable,
    VirtualClock,
    WaitTimeout,
    Workspace,
    bulk,
)
from databricks_jobs.models import Run
from databricks_jobs.testing import Emulator

from ..core.loopback import Exchange, loopback_server
from ..resources.specs import two_task_job

pytestmark = pytest.mark.anyio


async def test_the_final_whole_read_outlives_transient_errors(
    ws: Workspace, emulator: Emulator
) -> None:
    job_id = await ws.jobs.create(two_task_job())
    started = await ws.jobs.run_now(job_id)
    outage: list[int] = []

    def fail_reads_once_it_ended(run: Run) -> None:
        if run.status and run.status.state == "TERMINATED" and not outage:
            # More 503s in a row than one call's retries: the whole read raises once.
            emulator.faults.next("503", path="jobs/runs/get", n=8)
            outage.append(1)

    run = await ws.runs.wait(started.run_id, timeout=3600, on_update=fail_reads_once_it_ended)
    assert run.run_id == started.run_id
    assert [t.task_key for t in run.tasks or []] == ["a", "b"]
    assert emulator.faults.injected["503"] == 8


async def test_a_run_that_ended_but_cannot_be_read_times_out_without_a_cancel(
    ws: Workspace, emulator: Emulator
) -> None:
    job_id = await ws.jobs.create(two_task_job())
    emulator.script_task("b", outcome="FAILED", error="bad row")
    started = await ws.jobs.run_now(job_id)

    def fail_reads_once_it_ended(run: Run) -> None:
        if run.status and run.status.state == "TERMINATED" and not emulator.faults.rules:
            emulator.faults.add("503", path="jobs/runs/get")

    ended = r"ended \(failed.*bad row\), but reading it whole kept failing"
    with pytest.raises(WaitTimeout, match=ended) as caught:
        await ws.runs.wait(
            started.run_id,
            timeout=600,
            cancel_on_timeout=True,
            on_update=fail_reads_once_it_ended,
        )
    assert isinstance(caught.value.__cause__, ServiceUnavailable)
    assert caught.value.run is not None  # the last state seen: the run's first page
    assert caught.value.cancel_error is None
    assert emulator.requests_to("runs/cancel") == []  # an ended run is not cancelled


def running_run(run_id: int) -> bytes:
    return json.dumps(
        {"run_id": run_id, "state": {"life_cycle_state": "RUNNING"}, "status": {"state": "RUNNING"}}
    ).encode()


async def test_a_failing_cancel_on_timeout_rides_on_the_wait_timeout(anyio_backend: str) -> None:
    refusal = {"error_code": "PERMISSION_DENIED", "message": "User cannot cancel run 7."}

    async def service(exchange: Exchange) -> None:
        if exchange.path.startswith("/api/2.2/jobs/runs/get"):
            await exchange.respond(200, running_run(7))
        else:
            await exchange.respond(403, json.dumps(refusal).encode())

    clock = VirtualClock()
    async with loopback_server(service) as server:
        async with Workspace(host=server.url, token="t", clock=clock, env={}) as ws:
            with pytest.raises(WaitTimeout) as caught:
                await ws.runs.wait(7, timeout=60, cancel_on_timeout=True)
    error = caught.value
    assert isinstance(error.cancel_error, PermissionDenied)
    assert "cancelling it failed" in str(error)
    assert "User cannot cancel run 7." in str(error)
    assert error.run is not None
    assert error.run.run_id == 7
    assert [r.path for r in server.requests].count("/api/2.2/jobs/runs/cancel") == 1
    assert clock.now() == pytest.approx(60)


def terminated(run_id: int, result: str) -> bytes:
    return json.dumps(
        {
            "run_id": run_id,
            "state": {"life_cycle_state": "TERMINATED", "result_state": result},
            "status": {"state": "TERMINATED", "termination_details": {"code": result}},
        }
    ).encode()


async def test_bulk_wait_yields_what_finished_and_reports_what_it_cannot_read(
    anyio_backend: str,
) -> None:
    """Runs 1 and 4 finish; 2 is forbidden; 3 answers a login page with status 200."""
    answers = {
        1: (200, terminated(1, "SUCCESS"), "application/json"),
        2: (403, b'{"error_code": "PERMISSION_DENIED", "message": "no"}', "application/json"),
        3: (200, b"<html><title>Sign in</title></html>", "text/html"),
        4: (200, terminated(4, "FAILED"), "application/json"),
    }

    async def service(exchange: Exchange) -> None:
        if exchange.path.startswith("/api/2.2/jobs/runs/list"):
            await exchange.respond(200, b'{"runs": []}')  # none of them is active any more
            return
        run_id = int(re.search(r"run_id=(\d+)", exchange.path).group(1))  # type: ignore[union-attr]
        status, body, kind = answers[run_id]
        await exchange.respond(status, body, {"content-type": kind})

    async with loopback_server(service) as server:
        ws = Workspace(
            host=server.url, token="t", clock=VirtualClock(), retry=RetryPolicy.never(), env={}
        )
        async with ws:
            finished = {f.run_id: f async for f in bulk.wait(ws, [1, 2, 3, 4], poll=5)}
    assert sorted(finished) == [1, 2, 3, 4]
    assert finished[1].succeeded
    assert finished[4].outcome is not None
    assert finished[4].outcome.kind.value == "failed"
    assert isinstance(finished[2].error, PermissionDenied)
    assert isinstance(finished[3].error, DecodeError)
    for unreadable in (2, 3):
        assert finished[unreadable].run is None
        assert finished[unreadable].outcome is None
        assert not finished[unreadable].succeeded


async def test_bulk_wait_outlives_transient_errors(ws: Workspace, emulator: Emulator) -> None:
    job_id = await ws.jobs.create(two_task_job())
    emulator.script_task("a", duration=120)
    started = await bulk.run_now(ws, [job_id, job_id])
    run_ids = [r.run.run_id for r in started if r.run]
    emulator.faults.add("503", path="jobs/runs/", rate=0.5)
    finished = [f async for f in bulk.wait(ws, run_ids, poll=10)]
    assert sorted(f.run_id for f in finished) == sorted(run_ids)
    assert all(f.error is None and f.run is not None for f in finished)
    assert emulator.faults.injected["503"] > 0


async def test_bulk_wait_on_a_closed_workspace_raises(ws: Workspace, emulator: Emulator) -> None:
    """A closed Workspace is not a run that cannot be read: the wait raises, plainly."""
    job_id = await ws.jobs.create(two_task_job())
    started = await ws.jobs.run_now(job_id)
    await ws.aclose()
    waiting = bulk.wait(ws, [started.run_id])  # one run: read directly, not listed
    with pytest.raises(ClientClosedError):
        await anext(waiting)  # raised, not yielded as that run's error
