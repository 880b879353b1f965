"""One worker process of the multi-process tests and the benchmark: triggers runs, reports.

Usage: ``python trigger_worker.py HOST TOKEN JOB_ID COUNT NAME RATE [REDIS_URL]``. It opens
a Workspace (with a `RedisBudget` when REDIS_URL is given), reads the job once (its
connection open), prints ``ready``, waits for a
line on standard input (so that every worker starts together), triggers COUNT runs of
JOB_ID with idempotency tokens NAME-0, NAME-1, ... (eight at a time), and prints one JSON
line: the run ids, the errors, and how many slots the local fallback gave.
"""

from __future__ import annotations

import json
import sys

import anyio

from databricks_jobs import DatabricksError, RateLimits, RetryPolicy, Workspace
from databricks_jobs.shared import RedisBudget


async def main(argv: list[str]) -> None:
    host, token, job_id, count, name, rate = argv[:6]
    redis_url = argv[6] if len(argv) > 6 else None
    budget = (
        RedisBudget(redis_url, key="trigger-test", timeout=1.0, retry_interval=0.5)
        if redis_url
        else None
    )
    runs: list[int] = []
    errors: list[str] = []
    async with Workspace(
        host=host,
        token=token,
        env={},
        rate_limits=RateLimits(per_endpoint={"jobs/run-now": float(rate)}),
        retry=RetryPolicy(max_retry_after=0.25, budget=60),
        shared_budget=budget,
    ) as ws:
        await ws.jobs.get(int(job_id))  # connected, so the first triggers are not held up
        print("ready", flush=True)
        await anyio.to_thread.run_sync(sys.stdin.readline)
        limit = anyio.Semaphore(8)

        async def trigger(index: int) -> None:
            async with limit:
                try:
                    started = await ws.jobs.run_now(
                        int(job_id), idempotency_token=f"{name}-{index}"
                    )
                    runs.append(started.run_id)
                except DatabricksError as error:
                    errors.append(f"{type(error).__name__}: {error}")

        async with anyio.create_task_group() as group:
            for index in range(int(count)):
                group.start_soon(trigger, index)
        fallbacks = getattr(ws._api.budget, "fallbacks", 0)
    print(json.dumps({"runs": runs, "errors": errors, "fallbacks": fallbacks}), flush=True)


if __name__ == "__main__":
    anyio.run(main, sys.argv[1:])
