"""Trigger 10,000 ``run_now`` calls at concurrency 64: client CPU and throughput of four clients.

One server in its own process serves every client in the same run: by default the
databricks_jobs.testing emulator (``python -m databricks_jobs.testing serve --port 0``, task
time 3600 s so no run ends during the benchmark), with one job created first with
``max_concurrent_runs`` 1000 (later runs queue; no 429s). ``--server fixed`` uses instead a
minimal aiohttp.web server answering ``{"run_id": N, "number_in_job": N}``.

Clients, each sending the same run-now body (job_id, job_parameters {"i": ...},
idempotency_token) and reading the run id from the answer:

* **brickjobs bulk.run_now**: ``await bulk.run_now(ws, [RunNow(...)], concurrency=64)``
  on ``Workspace(host, token, rate_limits=RateLimits.unlimited(), env={})`` (it generates the
  tokens itself, inside the timed region);
* **raw aiohttp**: ``session.post(..., json=body)`` from 64 worker tasks (the floor);
* **plain httpx**: ``httpx.AsyncClient`` (default transport, 64 connections) from 64 tasks;
* **databricks-sdk**: ``WorkspaceClient(host, token, auth_type="pat").jobs.run_now(...)``
  (returns a ``Wait`` without polling) from a 64-thread ``ThreadPoolExecutor``; its urllib3
  pool is raised to 64 connections so that no thread waits for one.

Each client warms up (connections, code paths) with 256 untimed calls, then makes N calls.
Client CPU is ``time.process_time`` of this process (all threads); server CPU comes from
``/proc``; "client CPU %" well under 100 for a client the server does not hold back means
other work took the core (the load average is printed too). Rounds alternate the
clients; the table gives the median round.

    python benchmarks/bench_bulk_trigger.py [--calls 10000] [--rounds 2] [--server emulator|fixed]
    python benchmarks/bench_bulk_trigger.py --quick        # 2,000 calls, one round
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import aiohttp
import httpx
from _servers import cpu_seconds_of, emulator_process, machine, process_server

from databricks_jobs import RateLimits, Workspace, bulk
from databricks_jobs.models import RunNow

CONCURRENCY = 64
WARMUP = 256
PATH = "/api/2.2/jobs/run-now"
OURS = "brickjobs bulk.run_now"
RAW = "raw aiohttp"
HTTPX = "plain httpx (default transport)"
SDK = "databricks-sdk (64 threads)"
CLIENTS = (OURS, RAW, HTTPX, SDK)


def serve_fixed(port: int) -> None:
    """A fixed-answer server: run-now gives a new run id; anything else an empty object."""
    from aiohttp import web

    counter = iter(range(1, 1 << 62))

    async def run_now(request: web.Request) -> web.Response:
        await request.read()
        n = next(counter)
        return web.json_response({"run_id": n, "number_in_job": n})

    async def other(request: web.Request) -> web.Response:
        await request.read()
        return web.json_response({"job_id": 1} if request.path.endswith("/create") else {})

    app = web.Application()
    app.router.add_post(PATH, run_now)
    app.router.add_route("*", "/{tail:.*}", other)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


@contextlib.contextmanager
def server(kind: str) -> Iterator[tuple[str, str, int, str]]:
    """Yield (url, token, server pid, description)."""
    if kind == "fixed":
        with process_server(serve_fixed) as (url, pid):
            yield url, "dapi-bench", pid, "fixed-answer aiohttp.web server in its own process"
        return
    with emulator_process("--task-seconds", "3600") as (url, token, pid):
        yield url, token, pid, "databricks_jobs.testing emulator (serve) in its own process"


class Timer:
    """Brackets the timed calls: client CPU, wall time and server CPU."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid
        self.cpu = self.wall = self.server = 0.0

    def __enter__(self) -> Timer:
        self.cpu, self.wall = time.process_time(), time.perf_counter()
        self.server = cpu_seconds_of(self.server_pid)
        return self

    def __exit__(self, *exc: object) -> None:
        self.cpu = time.process_time() - self.cpu
        self.wall = time.perf_counter() - self.wall
        self.server = cpu_seconds_of(self.server_pid) - self.server


def load_average() -> str:
    """The 1-minute load average: other work on the machine skews throughput."""
    return f"{os.getloadavg()[0]:.2f}"


def bodies(job_id: int, n: int, start: int) -> list[dict[str, Any]]:
    return [
        {
            "job_id": job_id,
            "job_parameters": {"i": str(start + i)},
            "idempotency_token": str(uuid.uuid4()),
        }
        for i in range(n)
    ]


async def pool(calls: list[Callable[[], Awaitable[int]]]) -> list[int]:
    """Await every call with CONCURRENCY worker tasks; results in input order."""
    results: list[int] = [0] * len(calls)
    todo = iter(enumerate(calls))

    async def worker() -> None:
        for index, call in todo:
            results[index] = await call()

    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return results


async def run_ours(url: str, token: str, job_id: int, n: int, timer: Timer) -> list[int]:
    ws = Workspace(host=url, token=token, rate_limits=RateLimits.unlimited(), env={})
    async with ws:
        warm = [RunNow(job_id=job_id, job_parameters={"i": f"w{i}"}) for i in range(WARMUP)]
        await bulk.run_now(ws, warm, concurrency=CONCURRENCY)
        requests = [RunNow(job_id=job_id, job_parameters={"i": str(i)}) for i in range(n)]
        with timer:
            results = await bulk.run_now(ws, requests, concurrency=CONCURRENCY)
    run_ids = [result.run.run_id for result in results if result.run is not None]
    if len(run_ids) != n:
        raise RuntimeError(f"{OURS}: {[r.error for r in results if r.error][:3]}")
    return run_ids


async def run_raw(url: str, token: str, job_id: int, n: int, timer: Timer) -> list[int]:
    headers = {"Authorization": f"Bearer {token}"}
    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    async with aiohttp.ClientSession(url, headers=headers, connector=connector) as session:

        def call(body: dict[str, Any]) -> Callable[[], Awaitable[int]]:
            async def post() -> int:
                async with session.post(PATH, json=body) as response:
                    response.raise_for_status()
                    return int((await response.json())["run_id"])

            return post

        await pool([call(body) for body in bodies(job_id, WARMUP, -WARMUP)])
        calls = [call(body) for body in bodies(job_id, n, 0)]
        with timer:
            return await pool(calls)


async def run_httpx(url: str, token: str, job_id: int, n: int, timer: Timer) -> list[int]:
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits) as client:

        def call(body: dict[str, Any]) -> Callable[[], Awaitable[int]]:
            async def post() -> int:
                response = await client.post(PATH, json=body)
                response.raise_for_status()
                return int(response.json()["run_id"])

            return post

        await pool([call(body) for body in bodies(job_id, WARMUP, -WARMUP)])
        calls = [call(body) for body in bodies(job_id, n, 0)]
        with timer:
            return await pool(calls)


def run_sdk(url: str, token: str, job_id: int, n: int, timer: Timer) -> list[int]:
    from databricks.sdk import WorkspaceClient
    from databricks.sdk.config import Config

    config = Config(
        host=url,
        token=token,
        auth_type="pat",
        max_connection_pools=CONCURRENCY,
        max_connections_per_pool=CONCURRENCY,
    )
    w = WorkspaceClient(config=config)

    def call(body: dict[str, Any]) -> int:
        waiter = w.jobs.run_now(
            job_id=body["job_id"],
            job_parameters=body["job_parameters"],
            idempotency_token=body["idempotency_token"],
        )  # a Wait: nothing is polled until .result()
        return int(waiter.run_id)

    with ThreadPoolExecutor(CONCURRENCY) as executor:
        list(executor.map(call, bodies(job_id, WARMUP, -WARMUP)))
        work = bodies(job_id, n, 0)
        with timer:
            return list(executor.map(call, work))


def measure(client: str, url: str, token: str, job_id: int, n: int, pid: int) -> Timer:
    timer = Timer(pid)
    if client == SDK:
        run_ids = run_sdk(url, token, job_id, n, timer)
    else:
        runner = {OURS: run_ours, RAW: run_raw, HTTPX: run_httpx}[client]
        run_ids = asyncio.run(runner(url, token, job_id, n, timer))
    if len(set(run_ids)) != n:
        raise RuntimeError(f"{client}: {len(set(run_ids))} distinct run ids for {n} calls")
    return timer


async def create_job(url: str, token: str) -> int:
    from databricks_jobs.models import JobSettings, NotebookTask, Task

    task = Task(task_key="work", notebook_task=NotebookTask(notebook_path="/Repos/etl/work"))
    settings = JobSettings(name="bench-trigger", max_concurrent_runs=1000, tasks=[task])
    async with Workspace(host=url, token=token, env={}) as ws:
        return await ws.jobs.create(settings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds (median)")
    parser.add_argument("--server", choices=["emulator", "fixed"], default="emulator")
    parser.add_argument("--clients", default=",".join(CLIENTS), help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="2,000 calls, one round")
    args = parser.parse_args()
    n = 2_000 if args.quick else args.calls
    rounds = 1 if args.quick else args.rounds
    clients = [c for c in CLIENTS if c in args.clients.split(",")]

    results: dict[str, list[Timer]] = {client: [] for client in clients}
    before = load_average()
    with server(args.server) as (url, token, pid, description):
        job_id = asyncio.run(create_job(url, token))
        for round_ in range(rounds):
            order = clients[round_ % len(clients) :] + clients[: round_ % len(clients)]
            for client in order:
                results[client].append(measure(client, url, token, job_id, n, pid))

    def median(client: str, key: str) -> float:
        return statistics.median(getattr(t, key) for t in results[client])

    print(f"{n:,} run_now calls at concurrency {CONCURRENCY}; {machine()}")
    print(f"server: {description}; median of {rounds} round(s)")
    print(f"load average before: {before}, after: {load_average()}")
    print()
    header = (
        f"{'client':32} {'CPU s / 1k calls':>17} {'vs raw aiohttp':>15} {'calls/s':>8}"
        f" {'vs SDK':>7} {'client CPU %':>13} {'server CPU %':>13}"
    )
    print(header)
    print("-" * len(header))
    base_cpu = median(RAW, "cpu") if RAW in results else None
    sdk_rate = n / median(SDK, "wall") if SDK in results else None
    for client in clients:
        cpu = median(client, "cpu") * 1000 / n
        rate = n / median(client, "wall")
        busy = 100 * median(client, "server") / median(client, "wall")
        own = 100 * median(client, "cpu") / median(client, "wall")
        vs_raw = f"{median(client, 'cpu') / base_cpu:.2f}x" if base_cpu else "-"
        vs_sdk = f"{rate / sdk_rate:.2f}x" if sdk_rate else "-"
        print(
            f"{client:32} {cpu:17.3f} {vs_raw:>15} {rate:8.0f} {vs_sdk:>7}"
            f" {own:12.0f}% {busy:12.0f}%"
        )
    if {OURS, RAW, SDK} <= set(results):
        cpu_ratio = median(OURS, "cpu") / median(RAW, "cpu")
        rate_ratio = median(SDK, "wall") / median(OURS, "wall")
        print()
        verdict = "met" if cpu_ratio <= 4 else "MISSED"
        print(f"target: client CPU per call at most 4x raw aiohttp: {cpu_ratio:.2f}x -> {verdict}")
        verdict = "met" if rate_ratio >= 2 else "MISSED"
        print(f"target: throughput at least 2x the SDK's: {rate_ratio:.2f}x -> {verdict}")


if __name__ == "__main__":
    main()
