"""Thousands of triggers under injected faults: every run exactly once, every item honest.

Faults are drawn per request (`Faults.seed(n, by_request=True)`): each item meets the same
faults whatever order the concurrent requests reach the emulator in, so the outcome does not
depend on how a loaded machine schedules them. (Drawn in arrival order, the suite once
flaked on a loaded 2-core machine: which item met six faults in a row depended on the
interleaving, and a 1 s read timeout could also fire on an answer that was merely late.)
Every item's state is checked against the emulator's record of which token started which
run.
"""

from __future__ import annotations

import logging
from collections import Counter

import pytest

from databricks_jobs import RateLimits, RetryPolicy, Timeouts, VirtualClock, Workspace, bulk
from databricks_jobs.bulk import BulkResult, ItemState
from databricks_jobs.models import JobSettings, NotebookTask, RunNow, Task
from databricks_jobs.testing import Emulator

pytestmark = pytest.mark.anyio

ITEMS = 2000
# Eight kinds, each drawn independently at 2 %: 1 - 0.98 ** 8 = 14.9 % of requests faulted.
KINDS: list[tuple[str, dict[str, object]]] = [
    ("429", {"retry_after": 2.0}),
    ("429", {}),
    ("503", {}),
    ("500", {}),
    ("502", {}),
    ("drop_before", {}),
    ("drop_after", {}),
    ("stall", {"seconds": 4.0}),
]
# The faults that may have started a run without the client learning which.
AMBIGUOUS = ("500", "502", "drop_after", "stall")


def fan_out() -> JobSettings:
    task = Task(
        task_key="t", existing_cluster_id="c", notebook_task=NotebookTask(notebook_path="/n")
    )
    return JobSettings(name="fan-out", max_concurrent_runs=1000, tasks=[task])


def honest(results: list[BulkResult[RunNow]], emulator: Emulator) -> Counter[str]:
    """Check each item against the emulator's record; count the states."""
    record = emulator.started_by_token()
    for result in results:
        token = result.idempotency_token
        if result.state is ItemState.STARTED:
            assert result.run is not None
            assert record[token] == result.run.run_id, result
        elif result.state is ItemState.FAILED:
            assert token not in record, result  # "failed for good" must mean: no run
        else:
            assert result.state is ItemState.UNRESOLVED, result
    return Counter(r.state.value for r in results)


async def run_batch(
    emulator: Emulator, policy: RetryPolicy, rate: float, items: int
) -> tuple[list[BulkResult[RunNow]], set[int]]:
    async with (
        emulator.serve() as url,
        Workspace(
            host=url,
            token=emulator.token,
            clock=emulator.clock,
            # A stalled answer trips the read timeout; 2 s leaves a loaded machine room to
            # answer the others in time.
            timeouts=Timeouts(read=2.0),
            retry=policy,
            rate_limits=RateLimits(per_endpoint={"jobs/run-now": 200}),
            env={},
        ) as ws,
    ):
        job_id = await ws.jobs.create(fan_out())
        for kind, options in KINDS:
            emulator.faults.add(kind, path="jobs/run-now", rate=rate, **options)  # type: ignore[arg-type]
        requests = [  # tokens of our own: the same requests, and so the same faults, each run
            RunNow(job_id=job_id, job_parameters={"i": str(i)}, idempotency_token=f"item-{i}")
            for i in range(items)
        ]
        results = await bulk.run_now(ws, requests, concurrency=64)
        emulator.faults.clear()
        listed = {run.run_id async for run in ws.runs.list(job_id=job_id, limit=25)}
    return results, listed


async def test_two_thousand_triggers_under_faults(
    anyio_backend: str, caplog: pytest.LogCaptureFixture
) -> None:
    emulator = Emulator(VirtualClock(), log_requests=True)
    # With this seed no item meets more than three faults, so two attempts of the default
    # six are left for answers a heavily loaded machine makes late.
    emulator.faults.seed(2, by_request=True)
    caplog.set_level(logging.DEBUG, logger="databricks_jobs.retry")
    # The default attempts; a longer time budget, because the simulated clock races ahead
    # (other tasks' backoffs pass instantly) while a stalled answer holds a request for real
    # seconds.
    results, listed = await run_batch(emulator, RetryPolicy(budget=3600), 0.02, ITEMS)

    started = {r.run.run_id for r in results if r.run}
    retries = sum(1 for r in caplog.records if "retrying in" in r.getMessage())
    injected = dict(emulator.faults.injected)
    outcome = honest(results, emulator)
    print(f"\ninjected faults: {injected}; retries: {retries}; outcomes: {dict(outcome)}")

    assert sum(injected.values()) >= ITEMS * 0.10  # the faults really happened
    assert set(injected) == {kind for kind, _ in KINDS}
    # Every attempt answered with an error status was retried. (Drops and stalls are retried
    # too, but an attempt abandoned at the read timeout can meet a fault no one waits for,
    # so only the answered ones are counted exactly.)
    answered = sum(injected[kind] for kind in ("429", "503", "500", "502"))
    assert retries >= answered
    assert outcome == {"started": ITEMS}  # with the default policy every item starts
    assert len(started) == ITEMS  # one run per item, none shared
    assert listed == started  # and no run exists that was not reported
    assert emulator.applied["jobs/run-now"] == ITEMS  # none started twice
    # Answers lost after the run started (dropped, or too slow) were replayed by token.
    assert emulator.applied["jobs/run-now:replayed"] >= injected["drop_after"] + injected["stall"]


async def test_items_left_in_doubt_are_never_called_failed(anyio_backend: str) -> None:
    # Two attempts and a fault on 41 % of requests: many items run out of attempts, some
    # after an attempt that started their run.
    emulator = Emulator(VirtualClock(), log_requests=True)
    emulator.faults.seed(14, by_request=True)
    results, listed = await run_batch(emulator, RetryPolicy(attempts=2), 0.065, 1000)

    outcome = honest(results, emulator)
    record = emulator.started_by_token()
    in_doubt = [r for r in results if r.state is ItemState.UNRESOLVED]
    print(f"\ninjected faults: {dict(emulator.faults.injected)}; outcomes: {dict(outcome)}")
    assert outcome["failed"] > 0  # refused every time: no run, and said so
    assert outcome["unresolved"] > 0  # in doubt: said so instead of "failed"
    assert any(r.idempotency_token in record for r in in_doubt)  # some did start a run
    assert all(r.error is not None and r.error.may_have_applied for r in in_doubt)
    assert listed == set(record.values())  # every run belongs to a token the batch sent
    assert emulator.applied["jobs/run-now"] == len(record)  # one run per token at most
