"""Bulk triggering and waiting end to end against the emulator over loopback."""

from __future__ import annotations

from collections import Counter

import anyio
import pytest

from databricks_jobs import (
    InvalidParameterValue,
    NotFound,
    RetryPolicy,
    WaitTimeout,
    Workspace,
    bulk,
)
from databricks_jobs.bulk import ItemState, Progress
from databricks_jobs.models import JobSettings, NotebookTask, RunNow, SubmitRun, SubmitTask
from databricks_jobs.testing import Emulator

from ..resources.specs import CLUSTER, notebook

pytestmark = pytest.mark.anyio


async def busy_job(ws: Workspace, name: str = "busy") -> int:
    return await ws.jobs.create(
        JobSettings(
            name=name,
            max_concurrent_runs=1000,
            job_clusters={"shared": CLUSTER},
            tasks=[notebook("a")],
        )
    )


async def test_run_now_many_in_order_each_once(ws: Workspace, emulator: Emulator) -> None:
    job_id = await busy_job(ws)
    requests = [RunNow(job_id=job_id, job_parameters={"i": str(i)}) for i in range(120)]
    seen: list[Progress] = []
    results = await bulk.run_now(ws, requests, concurrency=16, on_progress=seen.append)
    assert [r.index for r in results] == list(range(120))
    assert all(r.ok and r.run is not None for r in results)
    assert len({r.run.run_id for r in results if r.run}) == 120
    assert len({r.idempotency_token for r in results}) == 120
    assert emulator.applied["jobs/run-now"] == 120
    sent = {r.body["idempotency_token"]: r.body["job_parameters"]["i"]
            for r in emulator.requests_to("jobs/run-now")}  # fmt: skip
    assert all(sent[r.idempotency_token] == str(r.index) for r in results)
    assert seen[-1] == Progress(total=120, done=120, failed=0, in_flight=0)
    assert max(p.in_flight for p in seen) <= 16


async def test_one_failure_does_not_lose_the_others(ws: Workspace, emulator: Emulator) -> None:
    job_id = await busy_job(ws)
    results = await bulk.run_now(ws, [job_id, 999_999, job_id], concurrency=2)
    assert [r.state for r in results] == [ItemState.STARTED, ItemState.FAILED, ItemState.STARTED]
    assert isinstance(results[1].error, NotFound | InvalidParameterValue)
    assert results[1].run is None
    assert emulator.applied["jobs/run-now"] == 2


async def test_tokens_are_known_before_sending(ws: Workspace) -> None:
    requests = bulk.with_tokens([RunNow(job_id=1), RunNow(job_id=2, idempotency_token="mine")])
    assert requests[1].idempotency_token == "mine"
    assert requests[0].idempotency_token
    batch = bulk.run_now_batch(ws, requests)
    assert [r.idempotency_token for r in batch.results] == [
        requests[0].idempotency_token,
        "mine",
    ]
    assert batch.progress() == Progress(total=2, done=0, failed=0, in_flight=0)


async def test_cancelled_batch_restarts_without_duplicates(
    ws: Workspace, emulator: Emulator
) -> None:
    job_id = await busy_job(ws)
    requests = bulk.with_tokens(RunNow(job_id=job_id) for _ in range(60))
    with anyio.CancelScope() as scope:

        def stop_after_twenty(progress: Progress) -> None:
            if progress.done >= 20:
                scope.cancel()

        batch = bulk.run_now_batch(ws, requests, concurrency=8, on_progress=stop_after_twenty)
        await batch.run()
    assert scope.cancelled_caught
    started_before = len(batch.started)
    assert 20 <= started_before < 60
    assert len(batch.started) + len(batch.unfinished) + len(batch.failed) == 60
    results = await bulk.run_now(ws, requests, concurrency=8)
    assert all(r.ok for r in results)
    runs = [r.run.run_id for r in results if r.run]
    assert len(set(runs)) == 60
    assert emulator.applied["jobs/run-now"] == 60  # nothing started twice
    earlier = {r.run.run_id for r in batch.started if r.run}
    assert earlier <= set(runs)


async def test_faults_start_every_run_exactly_once(emulator: Emulator) -> None:
    # One attempt in five meets a fault. The seed fixes which requests do, but which trigger
    # sends which request depends on scheduling, so a run of six faults in a row (the default
    # policy's attempts) happens in about one test run in a hundred. Twelve attempts make
    # that improbable (about 1e-6) without weakening what is checked: each run once.
    policy = RetryPolicy(attempts=12, budget=600)
    async with (
        emulator.serve() as url,
        Workspace(host=url, token=emulator.token, clock=emulator.clock, env={}, retry=policy) as ws,
    ):
        job_id = await busy_job(ws)
        emulator.faults.seed(7)
        for kind in ("503", "500", "drop_after", "429"):
            emulator.faults.add(kind, path="jobs/run-now", rate=0.05)  # type: ignore[arg-type]
        results = await bulk.run_now(ws, [job_id] * 150, concurrency=16)
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]
    assert emulator.applied["jobs/run-now"] == 150
    assert sum(emulator.faults.injected.values()) > 0
    assert len({r.run.run_id for r in results if r.run}) == 150


async def test_submit_many(ws: Workspace, emulator: Emulator) -> None:
    specs = [
        SubmitRun(
            run_name=f"adhoc {i}",
            tasks=[
                SubmitTask(
                    task_key="t",
                    existing_cluster_id="c",
                    notebook_task=NotebookTask(notebook_path="/n"),
                )
            ],
        )
        for i in range(30)
    ]
    results = await bulk.submit(ws, specs, concurrency=5)
    assert all(r.ok for r in results)
    assert emulator.applied["jobs/runs/submit"] == 30


async def test_wait_yields_runs_as_they_finish_with_few_requests(
    ws: Workspace, emulator: Emulator
) -> None:
    job_id = await busy_job(ws)
    emulator.script_task("a", duration=300)  # five simulated minutes each
    started = await bulk.run_now(ws, [job_id] * 100)
    run_ids = [r.run.run_id for r in started if r.run]
    before = Counter(r.path.rsplit("/", 1)[-1] for r in emulator.requests)
    finished = [f async for f in bulk.wait(ws, run_ids, poll=10)]
    after = Counter(r.path.rsplit("/", 1)[-1] for r in emulator.requests)
    assert sorted(f.run_id for f in finished) == sorted(run_ids)
    assert all(f.succeeded and f.run is not None for f in finished)
    gets = after["get"] - before["get"]
    lists = after["list"] - before["list"]
    assert gets == 100  # each finished run read once, when it had finished
    cycles = lists // 4  # 100 active runs: four list pages a cycle
    assert lists == cycles * 4
    assert cycles >= 3  # the runs took several polls of 10 s to finish...
    assert gets + lists < cycles * 100 / 2  # ...which one runs/get per run would multiply


async def test_wait_reports_failures_and_missing_runs(ws: Workspace, emulator: Emulator) -> None:
    job_id = await busy_job(ws)
    emulator.script_task("a", outcome="FAILED", error="bad row")
    started = await bulk.run_now(ws, [job_id, job_id])
    run_ids = [r.run.run_id for r in started if r.run]
    finished = {f.run_id: f async for f in bulk.wait(ws, [*run_ids, 987654321])}
    assert {finished[r].outcome.kind.value for r in run_ids if finished[r].outcome} == {"failed"}
    assert isinstance(finished[987654321].error, NotFound)
    assert finished[987654321].run is None


async def test_wait_timeout(ws: Workspace, emulator: Emulator) -> None:
    job_id = await busy_job(ws)
    emulator.script_task("a", duration=100_000)
    started = await bulk.run_now(ws, [job_id] * 3)
    with pytest.raises(WaitTimeout, match="3 runs did not finish"):
        async for _ in bulk.wait(ws, [r.run.run_id for r in started if r.run], timeout=600):
            pass


async def test_concurrency_must_be_positive(ws: Workspace) -> None:
    with pytest.raises(ValueError, match="concurrency"):
        bulk.run_now_batch(ws, [1], concurrency=0)
