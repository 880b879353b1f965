"""Four processes trigger runs through one shared budget, against the emulator's limit.

Counts, not timings: the emulator enforces 40 run-now per second (a burst of one second's
worth; two with the shared budget, whose triggers a loaded machine may deliver in clumps) for
the whole workspace; the workers share a budget of 36 per second in Redis. Every
run starts exactly once (each trigger has its own idempotency token), and the emulator
answers (almost) no 429. Without the shared budget the workers together send four times
the limit: 429s, retried until every run has started. With Redis killed mid-run the
workers go on with their local fallback, and still start every run once.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from databricks_jobs import SystemClock
from databricks_jobs.testing import Emulator, Throttle

from ..reliability.writes import handle
from .redis_server import RedisServer

WORKER = Path(__file__).with_name("trigger_worker.py")
PROCESSES = 4
RUNS_EACH = 30
LIMIT = 40.0  # the emulator's run-now limit, per second
SHARED = 36.0  # the shared budget: a little below it


def job() -> dict[str, object]:
    return {
        "name": "fan-out",
        "max_concurrent_runs": 1000,
        "tasks": [
            {"task_key": "t", "existing_cluster_id": "c", "notebook_task": {"notebook_path": "/n"}}
        ],
    }


def run_workers(
    url: str,
    emulator: Emulator,
    job_id: int,
    rate: float,
    redis_url: str | None,
    *,
    when_started: Any = None,
) -> list[dict[str, Any]]:
    """Start the workers, release them together, and return what each reported."""
    workers = []
    for index in range(PROCESSES):
        command = [sys.executable, str(WORKER), url, emulator.token, str(job_id)]
        command += [str(RUNS_EACH), f"w{index}", str(rate)]
        command += [redis_url] if redis_url else []
        workers.append(
            subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        )
    try:
        for worker in workers:
            assert worker.stdout is not None
            assert worker.stdout.readline().strip() == "ready"
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.write("go\n")
            worker.stdin.flush()
        if when_started is not None:
            when_started()
        reports = []
        for worker in workers:
            out, _ = worker.communicate(timeout=120)
            assert worker.returncode == 0
            reports.append(json.loads(out.strip().splitlines()[-1]))
        return reports
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()


def check_every_run_started_once(
    reports: list[dict[str, Any]], emulator: Emulator, job_id: int
) -> None:
    errors = [error for report in reports for error in report["errors"]]
    assert errors == []
    run_ids = [run for report in reports for run in report["runs"]]
    assert len(run_ids) == PROCESSES * RUNS_EACH
    assert len(set(run_ids)) == len(run_ids)
    started = [run for run in emulator.store.runs.values() if run.job_id == job_id]
    assert len(started) == PROCESSES * RUNS_EACH


@contextlib.contextmanager
def serving(burst: float) -> Iterator[tuple[Emulator, str, int, Throttle]]:
    """The emulator on loopback with its run-now limit, and the job to trigger."""
    emulator = Emulator(clock=SystemClock())
    throttle = emulator.throttle(LIMIT, burst=burst, endpoint="jobs/run-now")
    with emulator.serve_in_thread() as url:
        job_id = handle(emulator, "POST", "/api/2.2/jobs/create", job())["job_id"]
        yield emulator, url, job_id, throttle


@pytest.fixture
def served() -> Iterator[tuple[Emulator, str, int, Throttle]]:
    """A limit with a burst of one second's worth."""
    with serving(burst=LIMIT) as values:
        yield values


def test_a_shared_budget_keeps_four_processes_under_the_limit(redis_server: RedisServer) -> None:
    # The shared budget schedules the triggers on Redis's clock; they reach the emulator
    # after the workers' own delays, which a loaded machine makes uneven: requests sent a
    # second late arrive together with the next second's. A burst of two seconds' worth
    # absorbs such a clump; the rate the workers share stays the one under test.
    with serving(burst=2 * LIMIT) as (emulator, url, job_id, throttle):
        reports = run_workers(url, emulator, job_id, SHARED, redis_server.url)
        check_every_run_started_once(reports, emulator, job_id)
        sent = len(emulator.requests_to("jobs/run-now"))
        assert throttle.refused <= sent // 100  # under 1 %
        assert sum(report["fallbacks"] for report in reports) == 0


def test_without_it_four_processes_are_throttled_and_still_start_every_run(
    served: Any,
) -> None:
    emulator, url, job_id, throttle = served
    reports = run_workers(url, emulator, job_id, SHARED, None)
    check_every_run_started_once(reports, emulator, job_id)
    assert throttle.refused > 0  # four budgets of 36 against one limit of 40


def test_redis_killed_mid_run_calls_go_on_without_duplicates(
    served: Any, redis_server: RedisServer
) -> None:
    emulator, url, job_id, _ = served
    kill = threading.Timer(0.3, redis_server.kill)  # a trigger for the fault, not a timing
    reports = run_workers(url, emulator, job_id, SHARED, redis_server.url, when_started=kill.start)
    kill.join()
    check_every_run_started_once(reports, emulator, job_id)
