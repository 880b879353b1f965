"""Throughput and 429s of 1, 2, 4 and 8 processes triggering runs, with and without a shared budget.

The emulator (in a thread of this process, on the system clock) enforces LIMIT run-now per
second for the whole workspace, with a burst of one second's worth, as the service does per
workspace. Each configuration starts N worker processes (this script with ``--worker``)
that trigger TOTAL runs between them, eight at a time each, every trigger with its own
idempotency token, with the default retry policy (429s retried until the time budget):

* **local**: each process has its own limiter at BUDGET per second, so N processes send up
  to N x BUDGET and discover the limit through 429s;
* **shared**: the processes take their slots from one `RedisBudget` of BUDGET per second in
  a redis-server this script starts on a free port.

For each it prints the time from the common start until the last run-now reached the
emulator (worker shutdown excluded), the runs per second, the 429s the emulator answered,
the requests it received, the triggers that failed, whether every run started exactly once,
and how many slots came from the local fallback (Redis slower than the budget's timeout).

    python benchmarks/bench_shared_budget.py       # needs redis-server and the [redis] extra
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

LIMIT = 40.0
BUDGET = 36.0
TOTAL = 144  # divisible by 1, 2, 4 and 8
PROCESSES = (1, 2, 4, 8)


# --- the worker -------------------------------------------------------------------------


async def work(host: str, token: str, job_id: int, count: int, name: str, redis: str) -> None:
    import anyio

    from databricks_jobs import DatabricksError, RateLimits, RetryPolicy, Workspace
    from databricks_jobs.shared import RedisBudget

    budget = RedisBudget(redis, key="bench") if redis != "-" else None
    runs: list[int] = []
    errors: list[str] = []
    async with Workspace(
        host=host,
        token=token,
        env={},
        rate_limits=RateLimits(per_endpoint={"jobs/run-now": BUDGET}),
        retry=RetryPolicy(budget=300),
        shared_budget=budget,
    ) as ws:
        await ws.jobs.get(job_id)  # connected before the common start
        print("ready", flush=True)
        await anyio.to_thread.run_sync(sys.stdin.readline)
        limit = anyio.Semaphore(8)

        async def trigger(index: int) -> None:
            async with limit:
                try:
                    started = await ws.jobs.run_now(job_id, idempotency_token=f"{name}-{index}")
                    runs.append(started.run_id)
                except DatabricksError as error:
                    errors.append(type(error).__name__)

        async with anyio.create_task_group() as group:
            for index in range(count):
                group.start_soon(trigger, index)
        fallbacks = getattr(ws._api.budget, "fallbacks", 0)  # slots the local fallback gave
    print(json.dumps({"runs": runs, "errors": errors, "fallbacks": fallbacks}), flush=True)


# --- the driver -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_redis(directory: str) -> tuple[subprocess.Popen[bytes], str]:
    binary = os.environ.get("BRICKJOBS_REDIS_SERVER") or shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is needed (apt-get install redis-server)")
    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", directory],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(500):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.01)
    raise SystemExit("redis-server did not start")


def run_configuration(processes: int, redis: str | None) -> dict[str, Any]:
    from databricks_jobs import SystemClock
    from databricks_jobs.testing import Emulator

    emulator = Emulator(clock=SystemClock(), log_requests=True)
    throttle = emulator.throttle(LIMIT, burst=LIMIT, endpoint="jobs/run-now")
    with emulator.serve_in_thread() as url:
        from databricks_jobs.testing import EmulatorRequest

        body = {
            "name": "bench",
            "max_concurrent_runs": 1000,
            "tasks": [{"task_key": "t", "existing_cluster_id": "c",
                       "notebook_task": {"notebook_path": "/n"}}],
        }  # fmt: skip
        created = emulator.handle(
            EmulatorRequest(
                "POST",
                "/api/2.2/jobs/create",
                headers={"authorization": f"Bearer {emulator.token}"},
                body=json.dumps(body).encode(),
            )
        )
        job_id = json.loads(created.body)["job_id"]
        workers = [
            subprocess.Popen(
                [
                    sys.executable,
                    __file__,
                    "--worker",
                    url,
                    emulator.token,
                    str(job_id),
                    str(TOTAL // processes),
                    f"w{index}",
                    redis or "-",
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for index in range(processes)
        ]
        for worker in workers:
            assert worker.stdout is not None
            assert worker.stdout.readline().strip() == "ready"
        started = time.monotonic()  # the emulator's SystemClock logs time.monotonic()
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.write("go\n")
            worker.stdin.flush()
        reports = [
            json.loads(worker.communicate()[0].strip().splitlines()[-1]) for worker in workers
        ]
        # Until the last run-now reached the emulator: the workers' own shutdown (closing
        # their Workspaces, the interpreters' exit) is not part of the throughput.
        elapsed = max(r.time for r in emulator.requests_to("jobs/run-now")) - started
        runs = [run for report in reports for run in report["runs"]]
        errors = [error for report in reports for error in report["errors"]]
        applied = [run for run in emulator.store.runs.values() if run.job_id == job_id]
        return {
            "seconds": elapsed,
            "runs": len(runs),
            "distinct": len(set(runs)),
            "applied": len(applied),
            "errors": len(errors),
            "throttled": throttle.refused,
            "sent": len(emulator.requests_to("jobs/run-now")),
            "fallbacks": sum(report["fallbacks"] for report in reports),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", nargs=6, metavar="ARG")
    options = parser.parse_args()
    if options.worker:
        import anyio

        host, token, job_id, count, name, redis = options.worker
        anyio.run(work, host, token, int(job_id), int(count), name, redis)
        return
    sys.path.insert(0, str(Path(__file__).parent))
    from _servers import machine

    print(machine())
    print(f"emulator limit {LIMIT:g} run-now/s (burst {LIMIT:g}); budget {BUDGET:g}/s; "
          f"{TOTAL} runs per configuration")  # fmt: skip
    print(f"{'processes':>9} {'budget':>7} {'seconds':>8} {'runs/s':>7} {'429s':>5} "
          f"{'sent':>5} {'errors':>6} {'once':>5} {'fallback':>8}")  # fmt: skip
    with tempfile.TemporaryDirectory() as directory:
        server, redis = start_redis(directory)
        try:
            for processes in PROCESSES:
                for mode, url in (("local", None), ("shared", redis)):
                    result = run_configuration(processes, url)
                    once = result["runs"] == result["distinct"] == result["applied"] == TOTAL
                    print(
                        f"{processes:>9} {mode:>7} {result['seconds']:>8.2f} "
                        f"{result['runs'] / result['seconds']:>7.1f} {result['throttled']:>5} "
                        f"{result['sent']:>5} {result['errors']:>6} {once!s:>5} "
                        f"{result['fallbacks']:>8}",
                        flush=True,
                    )
        finally:
            server.kill()
            server.wait()


if __name__ == "__main__":
    main()
