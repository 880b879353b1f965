"""A batch never calls an item failed when its token may have started a run.

Each item's state is checked against the emulator's record of which token started which run
(`Emulator.started_by_token`): `STARTED` is the run its token started, `FAILED` means its
token started nothing, `UNRESOLVED` says a run may exist (and sending again finds out), and
`RUN_DELETED` that its token's run was deleted. Under each transport, over loopback.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from databricks_jobs import (
    ConcurrentRunsLimit,
    RateLimited,
    RetryPolicy,
    ServiceUnavailable,
    Timeouts,
    Workspace,
    bulk,
    to_dict,
)
from databricks_jobs.bulk import ItemState
from databricks_jobs.models import JobSettings, NotebookTask, QueueSettings, RunNow, Task
from databricks_jobs.testing import Emulator

from ..reliability.writes import COMBOS, handle

pytestmark = [pytest.mark.anyio, pytest.mark.parametrize(("anyio_backend", "transport"), COMBOS)]


def job(name: str = "fan-out", **settings: object) -> dict[str, object]:
    task = Task(
        task_key="t", existing_cluster_id="c", notebook_task=NotebookTask(notebook_path="/n")
    )
    return to_dict(JobSettings(name=name, tasks=[task], **settings))  # type: ignore[arg-type]


@pytest.fixture
async def url(emulator: Emulator, anyio_backend: str) -> AsyncIterator[str]:
    async with emulator.serve() as served:
        yield served


def workspace(url: str, emulator: Emulator, transport: str) -> Workspace:
    return Workspace(
        host=url,
        token=emulator.token,
        transport=transport,  # type: ignore[arg-type]
        clock=emulator.clock,
        retry=RetryPolicy(attempts=2),
        timeouts=Timeouts(read=0.1),  # a stalled answer trips it
        env={},
    )


def check_against_the_emulator(results: list[bulk.BulkResult[RunNow]], emulator: Emulator) -> None:
    """No item says more than the emulator's record of tokens and runs allows."""
    record = emulator.started_by_token()
    for result in results:
        token = result.idempotency_token
        if result.state is ItemState.STARTED:
            assert result.run is not None
            assert record[token] == result.run.run_id
        elif result.state is ItemState.FAILED:
            assert token not in record, result  # failed for good: nothing was started
        elif result.state is ItemState.RUN_DELETED:
            assert token in record
            assert not emulator.run_exists(record[token])
        else:
            assert result.state is ItemState.UNRESOLVED


async def test_a_run_lost_behind_refusals_is_unresolved_then_found(
    anyio_backend: str, transport: str, emulator: Emulator, url: str
) -> None:
    job_id = handle(emulator, "POST", "/api/2.2/jobs/create", job(max_concurrent_runs=10))["job_id"]
    emulator.faults.next("drop_after", path="jobs/run-now")  # item 0 starts, unseen
    emulator.faults.next("503", path="jobs/run-now")  # and its retry is refused
    async with workspace(url, emulator, transport) as ws:
        batch = bulk.run_now_batch(ws, [job_id] * 3, concurrency=1)
        results = await batch.run()
        assert [r.state for r in results] == [ItemState.UNRESOLVED, *[ItemState.STARTED] * 2]
        assert isinstance(results[0].error, ServiceUnavailable)
        assert results[0].error.may_have_applied
        assert batch.unresolved == [results[0]]
        assert batch.progress() == bulk.Progress(3, 2, 0, 0, 1, 0)
        check_against_the_emulator(results, emulator)
        assert results[0].idempotency_token in emulator.started_by_token()  # it did start
        again = await batch.run()  # sending the token again finds the run
    assert [r.state for r in again] == [ItemState.STARTED] * 3
    assert again[0].run is not None
    assert emulator.started_by_token()[again[0].idempotency_token] == again[0].run.run_id
    assert emulator.applied["jobs/run-now"] == 3  # nothing started twice


async def test_an_item_refused_every_time_failed_for_good(
    anyio_backend: str, transport: str, emulator: Emulator, url: str
) -> None:
    job_id = handle(emulator, "POST", "/api/2.2/jobs/create", job())["job_id"]
    emulator.faults.next("503", n=2, path="jobs/run-now")
    async with workspace(url, emulator, transport) as ws:
        results = await bulk.run_now(ws, [job_id], concurrency=1)
    assert results[0].state is ItemState.FAILED
    assert isinstance(results[0].error, ServiceUnavailable)
    assert not results[0].error.may_have_applied
    check_against_the_emulator(results, emulator)


async def test_throttled_after_a_dropped_attempt_is_unresolved(
    anyio_backend: str, transport: str, emulator: Emulator, url: str
) -> None:
    job_id = handle(emulator, "POST", "/api/2.2/jobs/create", job())["job_id"]
    emulator.faults.next("stall", path="jobs/run-now", seconds=5)  # it starts; no answer
    throttle = emulator.faults.add("429", path="jobs/run-now", retry_after=1)
    async with workspace(url, emulator, transport) as ws:
        results = await bulk.run_now(ws, [job_id], concurrency=1)
    # 429s are retried until the time budget (120 s on the virtual clock), not for 2 attempts.
    assert emulator.faults.injected["429"] > 2
    emulator.faults.remove(throttle)
    assert results[0].state is ItemState.UNRESOLVED
    assert isinstance(results[0].error, RateLimited)
    check_against_the_emulator(results, emulator)


async def test_the_concurrent_runs_limit_after_an_ambiguous_attempt_is_unresolved(
    anyio_backend: str, transport: str, emulator: Emulator, url: str
) -> None:
    emulator.script_task("t", outcome="HANG")
    busy = handle(
        emulator, "POST", "/api/2.2/jobs/create", job(queue=QueueSettings(enabled=False))
    )["job_id"]
    handle(emulator, "POST", "/api/2.2/jobs/run-now", {"job_id": busy})  # its one run slot
    emulator.faults.next("500", path="jobs/run-now")  # not applied, but who can tell
    async with workspace(url, emulator, transport) as ws:
        results = await bulk.run_now(ws, [busy], concurrency=1)
    assert results[0].state is ItemState.UNRESOLVED
    assert isinstance(results[0].error, ConcurrentRunsLimit)
    check_against_the_emulator(results, emulator)


async def test_a_token_whose_run_was_deleted_is_named(
    anyio_backend: str, transport: str, emulator: Emulator, url: str
) -> None:
    job_id = handle(emulator, "POST", "/api/2.2/jobs/create", job())["job_id"]
    async with workspace(url, emulator, transport) as ws:
        requests = bulk.with_tokens([RunNow(job_id=job_id)])
        (first,) = await bulk.run_now(ws, requests)
        assert first.run is not None
        await ws.runs.cancel_and_wait(first.run.run_id)
        await ws.runs.delete(first.run.run_id)
        (again,) = await bulk.run_now(ws, requests)
    assert again.state is ItemState.RUN_DELETED
    assert again.error is not None
    check_against_the_emulator([again], emulator)
