"""A service under load: the FastAPI example under uvicorn, beside an SDK-in-threadpool app.

Each scenario starts a fresh emulator and a fresh app, each in its own process, and drives
the app over loopback from this process (aiohttp, open or closed loop). The same scenarios
run against ``examples/fastapi_app.py`` (brickjobs) and ``benchmarks/_sdk_app.py`` (the
official databricks-sdk in FastAPI's threadpool):

* **steady**: no limits anywhere; 28 tasks read a run's status and 4 trigger runs, in a
  closed loop: requests per second, p50 and p99;
* **429s**: the same, with 2% of run-now answered 429 (``Retry-After: 1``): status reads
  should go on at the steady pace, since the service's limits are per endpoint;
* **storm**: the emulator refuses run-now beyond 20 a second (the service's published
  limit; the example paces itself to the same); callers post 100 triggers a second and
  disconnect after 0.5 s. Then probes (a trigger every 0.25 s): the recovery time is when
  the first probe is answered within 1 s, counted from the end of the storm; the runs
  started for callers who had left, and how long the app takes to stop (SIGTERM);
* **overload**: the same limit; callers post 30 triggers a second (1.5x) and give up after
  2 s (the example's own deadline is 1 s: ``RUNS_SERVICE_TIMEOUT=1``): how many got an
  answer (a run, or a fast refusal), how many were left waiting, and the runs started for
  callers who had left.

Run with the bench extra (uvicorn, fastapi, databricks-sdk)::

    python -m nox -s bench -- benchmarks/bench_service.py     # about two minutes
    .nox/bench/bin/python benchmarks/bench_service.py --quick  # shorter phases

Not run by the test suite; figures in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).parent))
from _servers import free_port, machine, process_server, wait_for_port

from databricks_jobs import RateLimits, Workspace
from databricks_jobs.models import JobSettings, NotebookTask, Task
from databricks_jobs.testing import DEFAULT_TOKEN, Emulator, ScaledClock, Timings

ROOT = Path(__file__).parents[1]
APPS = {
    "brickjobs": (ROOT / "examples", "fastapi_app:app"),
    "databricks-sdk": (ROOT / "benchmarks", "_sdk_app:app"),
}
LIFTED = "default=none,jobs/run-now=none,jobs/runs/get=none,jobs/create=none"
"""RUNS_SERVICE_RATE_LIMITS for the scenarios without limits."""
TRIGGER_LIMIT = 20.0
"""run-now per second: the service's published limit, and the example's default."""


# --- the two servers -------------------------------------------------------------------


def serve_emulator(port: int, run_now_limit: float | None, error_rate: float) -> None:
    """The emulator in its own process: real time, runs that last an hour."""
    emulator = Emulator(
        ScaledClock(1.0), tokens=[DEFAULT_TOKEN], timings=Timings(task=3600), log_requests=False
    )
    if run_now_limit is not None:
        emulator.throttle(run_now_limit, burst=run_now_limit, path="jobs/run-now")
    if error_rate:
        emulator.faults.add("429", path="jobs/run-now", rate=error_rate, retry_after=1)

    async def serve() -> None:
        async with emulator.serve("127.0.0.1", port):
            await asyncio.Event().wait()

    asyncio.run(serve())


@contextmanager
def app_process(name: str, url: str, env: dict[str, str]) -> Iterator[tuple[str, list[float]]]:
    """The app under uvicorn in its own process; yields its URL and, after, its stop time."""
    folder, target = APPS[name]
    port = free_port()
    command = [
        sys.executable, "-m", "uvicorn", target, "--app-dir", str(folder),
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "error",
        "--no-access-log", "--timeout-graceful-shutdown", "5",
    ]  # fmt: skip
    environment = {
        **os.environ,
        "DATABRICKS_HOST": url,
        "DATABRICKS_TOKEN": DEFAULT_TOKEN,
        "PYTHONPATH": str(ROOT),
        **env,
    }
    for variable in ("DATABRICKS_CONFIG_PROFILE", "DATABRICKS_CONFIG_FILE"):
        environment.pop(variable, None)
    # Quiet: the SDK app logs a traceback for each threadpool call cut at shutdown.
    process = subprocess.Popen(command, env=environment, cwd=ROOT, stderr=subprocess.DEVNULL)
    stopped: list[float] = []
    try:
        wait_for_port(port, timeout=60)
        yield f"http://127.0.0.1:{port}", stopped
    finally:
        began = time.perf_counter()
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        stopped.append(time.perf_counter() - began)


async def prepare(url: str) -> tuple[int, int]:
    """A job (1000 concurrent runs allowed) and one run of it to read: (job_id, run_id)."""
    settings = JobSettings(
        name="bench",
        max_concurrent_runs=1000,
        tasks=[Task(task_key="t", notebook_task=NotebookTask(notebook_path="/t"))],
    )
    limits = RateLimits.unlimited()
    async with Workspace(host=url, token=DEFAULT_TOKEN, env={}, rate_limits=limits) as ws:
        job_id = await ws.jobs.create(settings)
        run = await ws.jobs.run_now(job_id)
        return job_id, run.run_id


async def count_runs(url: str, job_id: int) -> int:
    """How many runs the job has (all of them, active or not)."""
    limits = RateLimits.unlimited()
    async with Workspace(host=url, token=DEFAULT_TOKEN, env={}, rate_limits=limits) as ws:
        return sum([1 async for _ in ws.runs.list(job_id=job_id)])


# --- the load --------------------------------------------------------------------------


@dataclass
class Answer:
    sent: float  # seconds since the phase began
    latency: float
    status: int | None  # None: the caller gave up (or the connection failed)


@dataclass
class Tally:
    answers: list[Answer] = field(default_factory=list)

    def of(self, *statuses: int | None) -> list[Answer]:
        return [a for a in self.answers if a.status in statuses]

    def quantile(self, q: float, answers: list[Answer] | None = None) -> float:
        latencies = sorted(a.latency for a in (self.answers if answers is None else answers))
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))]


async def call(
    session: aiohttp.ClientSession,
    method: str,
    url: str,
    *,
    give_up: float,
    began: float,
    tally: Tally,
    json: object = None,
    key: str | None = None,
) -> Answer:
    """One request; the caller disconnects after `give_up` seconds."""
    headers = {"Idempotency-Key": key} if key else {}
    start = time.perf_counter()
    status: int | None
    try:
        async with asyncio.timeout(give_up):
            async with session.request(method, url, json=json, headers=headers) as response:
                await response.read()
                status = response.status
    except (TimeoutError, aiohttp.ClientError):
        status = None
    answer = Answer(start - began, time.perf_counter() - start, status)
    tally.answers.append(answer)
    return answer


async def closed_loop(
    workers: int, seconds: float, request: Callable[[Tally, float], Awaitable[Answer]]
) -> tuple[Tally, float]:
    tally = Tally()
    began = time.perf_counter()
    end = began + seconds

    async def worker() -> None:
        while time.perf_counter() < end:
            await request(tally, began)

    await asyncio.gather(*(worker() for _ in range(workers)))
    return tally, time.perf_counter() - began


async def open_loop(
    rate: float, seconds: float, request: Callable[[Tally, float], Awaitable[Answer]]
) -> Tally:
    tally = Tally()
    began = time.perf_counter()
    tasks = []
    for i in range(int(rate * seconds)):
        delay = began + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.ensure_future(request(tally, began)))
    await asyncio.gather(*tasks)
    return tally


def connector() -> aiohttp.TCPConnector:
    return aiohttp.TCPConnector(limit=0, force_close=False)


# --- the scenarios ---------------------------------------------------------------------


@dataclass
class Figures:
    rows: dict[str, dict[str, str]] = field(default_factory=dict)

    def put(self, app: str, name: str, value: str) -> None:
        self.rows.setdefault(name, {})[app] = value
        print(f"  {app:15} {name:45} {value}", flush=True)


async def mixed(
    app: str, base: str, job_id: int, run_id: int, seconds: float
) -> tuple[Tally, Tally, float]:
    """28 status readers and 4 triggerers, closed loop, for `seconds`."""
    async with aiohttp.ClientSession(base, connector=connector()) as session:
        reads, triggers = Tally(), Tally()
        began = time.perf_counter()
        end = began + seconds

        async def reader() -> None:
            while time.perf_counter() < end:
                await call(session, "GET", f"/runs/{run_id}", give_up=30, began=began, tally=reads)

        async def triggerer() -> None:
            while time.perf_counter() < end:
                await call(
                    session, "POST", f"/jobs/{job_id}/runs", json={}, key=uuid.uuid4().hex,
                    give_up=30, began=began, tally=triggers,
                )  # fmt: skip

        await asyncio.gather(*(reader() for _ in range(28)), *(triggerer() for _ in range(4)))
        return reads, triggers, time.perf_counter() - began


def steady(app: str, figures: Figures, seconds: float, error_rate: float) -> None:
    label = "429s" if error_rate else "steady"
    with process_server(serve_emulator, None, error_rate) as (url, _):
        job_id, run_id = asyncio.run(prepare(url))
        env = {"RUNS_SERVICE_RATE_LIMITS": LIFTED}
        with app_process(app, url, env) as (base, _):
            asyncio.run(mixed(app, base, job_id, run_id, 1.0))  # warm up
            reads, triggers, wall = asyncio.run(mixed(app, base, job_id, run_id, seconds))
    ok_reads, ok_triggers = reads.of(200), triggers.of(202)
    answered = (len(ok_reads) + len(ok_triggers)) / wall
    figures.put(app, f"{label}: requests/s answered", f"{answered:.0f}")
    figures.put(app, f"{label}: status reads/s", f"{len(ok_reads) / wall:.0f}")
    figures.put(app, f"{label}: triggers/s", f"{len(ok_triggers) / wall:.0f}")
    figures.put(
        app,
        f"{label}: status read p50 / p99 (ms)",
        f"{reads.quantile(0.5) * 1000:.1f} / {reads.quantile(0.99) * 1000:.1f}",
    )
    figures.put(
        app,
        f"{label}: trigger p50 / p99 (ms)",
        f"{triggers.quantile(0.5) * 1000:.1f} / {triggers.quantile(0.99) * 1000:.1f}",
    )
    failed = len(reads.answers) - len(ok_reads) + len(triggers.answers) - len(ok_triggers)
    figures.put(app, f"{label}: other answers", str(failed))


def storm(app: str, figures: Figures, seconds: float, probe_for: float) -> None:
    with process_server(serve_emulator, TRIGGER_LIMIT, 0.0) as (url, _):
        job_id, _run = asyncio.run(prepare(url))
        with app_process(app, url, {}) as (base, stopped):

            async def run() -> tuple[Tally, Tally, float]:
                async with aiohttp.ClientSession(base, connector=connector()) as session:

                    def leaving(tally: Tally, began: float) -> Awaitable[Answer]:
                        return call(
                            session, "POST", f"/jobs/{job_id}/runs", json={},
                            key=uuid.uuid4().hex, give_up=0.5, began=began, tally=tally,
                        )  # fmt: skip

                    stormed = await open_loop(100, seconds, leaving)
                    # Probes: a trigger every 0.25 s until one is answered within 1 s.
                    probes = Tally()
                    began = time.perf_counter()
                    recovered = float("inf")
                    while time.perf_counter() - began < probe_for:
                        answer = await call(
                            session, "POST", f"/jobs/{job_id}/runs", json={},
                            key=uuid.uuid4().hex, give_up=1.0, began=began, tally=probes,
                        )  # fmt: skip
                        if answer.status == 202:
                            recovered = answer.sent + answer.latency
                            break
                        await asyncio.sleep(max(0.0, 0.25 - answer.latency))
                    # Then normal latency: ten more triggers, one after the other.
                    after = Tally()
                    if recovered < float("inf"):
                        for _ in range(10):
                            await call(
                                session, "POST", f"/jobs/{job_id}/runs", json={},
                                key=uuid.uuid4().hex, give_up=5.0, began=began, tally=after,
                            )  # fmt: skip
                            await asyncio.sleep(0.1)
                    return stormed, after, recovered

            stormed, after, recovered = asyncio.run(run())
            answered = len(stormed.of(202))
            runs = (
                asyncio.run(count_runs(url, job_id))
                - 1
                - len(after.of(202))
                - (1 if recovered < float("inf") else 0)
            )
        figures.put(
            app,
            "storm: recovery after it (s)",
            f"{recovered:.2f}" if recovered < float("inf") else f"> {probe_for:.0f}",
        )
        figures.put(
            app,
            "storm: trigger p50 after recovery (ms)",
            f"{after.quantile(0.5) * 1000:.1f}" if after.answers else "-",
        )
        figures.put(app, "storm: runs started for callers who left", str(runs - answered))
        callers = f"{answered} of {len(stormed.answers)}"
        figures.put(app, "storm: callers answered within 0.5 s", callers)
        figures.put(app, "storm: stop after SIGTERM (s)", f"{stopped[0]:.2f}")


def overload(app: str, figures: Figures, seconds: float) -> None:
    with process_server(serve_emulator, TRIGGER_LIMIT, 0.0) as (url, _):
        job_id, _run = asyncio.run(prepare(url))
        with app_process(app, url, {"RUNS_SERVICE_TIMEOUT": "1"}) as (base, _):

            async def run() -> Tally:
                async with aiohttp.ClientSession(base, connector=connector()) as session:

                    def caller(tally: Tally, began: float) -> Awaitable[Answer]:
                        return call(
                            session, "POST", f"/jobs/{job_id}/runs", json={},
                            key=uuid.uuid4().hex, give_up=2.0, began=began, tally=tally,
                        )  # fmt: skip

                    return await open_loop(1.5 * TRIGGER_LIMIT, seconds, caller)

            tally = asyncio.run(run())
            runs = asyncio.run(count_runs(url, job_id)) - 1
    total = len(tally.answers)
    started, refused, gone = tally.of(202), tally.of(503), tally.of(None)
    last = [a for a in tally.answers if a.sent >= seconds - 2]
    figures.put(app, "overload: callers answered", f"{total - len(gone)} of {total}")
    figures.put(app, "overload: runs (202) / s", f"{len(started) / seconds:.1f}")
    refusal_p50 = tally.quantile(0.5, refused) * 1000
    figures.put(app, "overload: refusals (503), p50 ms", f"{len(refused)}, {refusal_p50:.1f}")
    late = sum(a.status is not None for a in last)
    figures.put(app, "overload: answered, last 2 s of callers", f"{late} of {len(last)}")
    others = collections.Counter(
        a.status for a in tally.answers if a.status not in (202, 503, None)
    )
    other = ", ".join(f"{n} x {status}" for status, n in sorted(others.items()))
    figures.put(app, "overload: other answers", other or "0")
    figures.put(app, "overload: runs started, not answered 202", str(runs - len(started)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="shorter phases")
    parser.add_argument("--app", choices=sorted(APPS), action="append")
    parser.add_argument(
        "--scenario", choices=["steady", "429s", "storm", "overload"], action="append"
    )
    args = parser.parse_args()
    phase = 3.0 if args.quick else 6.0
    print(machine(), flush=True)
    figures = Figures()
    apps = args.app or list(APPS)
    started = time.perf_counter()
    scenarios = args.scenario or ["steady", "429s", "storm", "overload"]
    for app in apps:
        if "steady" in scenarios:
            steady(app, figures, phase, 0.0)
        if "429s" in scenarios:
            steady(app, figures, phase, 0.02)
        if "storm" in scenarios:
            storm(app, figures, phase, 15.0)
        if "overload" in scenarios:
            overload(app, figures, phase + 4)
    print(f"\n{time.perf_counter() - started:.0f} s in all\n")
    print("| | " + " | ".join(apps) + " |")
    print("|---" * (len(apps) + 1) + "|")
    for name, values in figures.rows.items():
        print(f"| {name} | " + " | ".join(values.get(app, "") for app in apps) + " |")


if __name__ == "__main__":
    main()
