"""2,000 triggers under 15 % injected faults of every kind: each run started exactly once."""

from __future__ import annotations

import logging
from collections import Counter

import pytest

from databricks_jobs import RateLimits, RetryPolicy, Timeouts, VirtualClock, Workspace, bulk
from databricks_jobs.models import JobSettings, NotebookTask, RunNow, Task
from databricks_jobs.testing import Emulator

pytestmark = pytest.mark.anyio

ITEMS = 2000
# Eight kinds, each drawn independently at 2 %: 1 - 0.98 ** 8 = 14.9 % of requests faulted.
KINDS: list[tuple[str, dict[str, float]]] = [
    ("429", {"retry_after": 2.0}),
    ("429", {}),
    ("503", {}),
    ("500", {}),
    ("502", {}),
    ("drop_before", {}),
    ("drop_after", {}),
    ("stall", {"seconds": 1.5}),
]


async def test_two_thousand_triggers_under_faults(
    anyio_backend: str, caplog: pytest.LogCaptureFixture
) -> None:
    clock = VirtualClock()
    emulator = Emulator(clock, log_requests=True)
    emulator.faults.seed(2026)
    async with (
        emulator.serve() as url,
        Workspace(
            host=url,
            token=emulator.token,
            clock=clock,
            timeouts=Timeouts(read=1.0),  # a stalled answer trips the read timeout
            # The default attempts; a longer time budget, because the simulated clock races
            # ahead (other tasks' backoffs pass instantly) while a stalled answer holds a
            # request for real seconds.
            retry=RetryPolicy(budget=3600),
            rate_limits=RateLimits(per_endpoint={"jobs/run-now": 200}),
            env={},
        ) as ws,
    ):
        job_id = await ws.jobs.create(
            JobSettings(
                name="fan-out",
                max_concurrent_runs=1000,
                tasks=[
                    Task(
                        task_key="t",
                        existing_cluster_id="c",
                        notebook_task=NotebookTask(notebook_path="/n"),
                    )
                ],
            )
        )
        for kind, options in KINDS:
            emulator.faults.add(kind, path="jobs/run-now", rate=0.02, **options)  # type: ignore[arg-type]
        caplog.set_level(logging.DEBUG, logger="databricks_jobs.retry")
        requests = [RunNow(job_id=job_id, job_parameters={"i": str(i)}) for i in range(ITEMS)]
        results = await bulk.run_now(ws, requests, concurrency=64)
        emulator.faults.clear()
        listed = {run.run_id async for run in ws.runs.list(job_id=job_id, limit=25)}

    started = {r.run.run_id for r in results if r.run}
    failed = [r for r in results if not r.ok]
    retries = sum(1 for r in caplog.records if "retrying in" in r.getMessage())
    injected = dict(emulator.faults.injected)
    outcome = Counter(r.state.value for r in results)
    print(f"\ninjected faults: {injected}; retries: {retries}; outcomes: {dict(outcome)}")

    assert sum(injected.values()) >= ITEMS * 0.10  # the faults really happened
    assert set(injected) == {kind for kind, _ in KINDS}
    # Every attempt answered with an error status was retried. (Drops and stalls are retried
    # too, but on a loaded machine an abandoned attempt can meet a fault no one waits for,
    # so only the answered ones are counted exactly.)
    answered = sum(injected[kind] for kind in ("429", "503", "500", "502"))
    assert retries >= answered
    assert failed == []  # with the default policy every item starts
    assert len(started) == ITEMS  # one run per item, none shared
    assert listed == started  # and no run exists that was not reported
    assert emulator.applied["jobs/run-now"] == ITEMS  # none started twice
    # Answers lost after the run started (dropped, or too slow) were replayed by token.
    assert emulator.applied["jobs/run-now:replayed"] >= injected["drop_after"] + injected["stall"]
