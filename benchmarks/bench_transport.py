"""Client CPU per call: our Workspace on each transport against raw aiohttp and plain httpx.

A fixed-answer HTTP server (aiohttp.web) runs in its own process on loopback; this process
measures only its own CPU time (`time.process_time`) for N calls at several concurrencies:

* **run-now**: a POST of a run-now body, answered ``{"run_id":456,"number_in_job":1}``;
* **jobs/get**: a GET of a small job (one notebook task on a job cluster, about 700 bytes).

Raw aiohttp is the floor: ``session.post(url, json=body)`` or ``session.get(url,
params=...)``, then ``json.loads`` of the body (what any client must do to use the answer).
A calibration row, raw aiohttp's run-now after ``--work-us`` microseconds of busy CPU work
(40 by default), shows what a ratio means: on loopback, CPU a client spends per call shows
up as more than itself, because the server, waiting more often, must be woken for each
request (the socket writes cost more).
Our rows are ``ws.request`` (the generic door, a JSON object back, for run-now and for
jobs/get), ``ws.jobs.run_now_request`` (a `RunNow` encoded, a `StartedRun` back) and
``ws.jobs.get`` (a `Job` decoded, whole): the two jobs/get rows differ by the typed result.
Figures are ratios to raw aiohttp doing the same call in the same run. The rows take turns
in batches (``--batches``), so load that comes and goes on a shared machine falls on all of
them alike, and the median batch of each row is reported.

A second table measures the cost of OpenTelemetry (issue 26) on the aiohttp transport: with
``opentelemetry-api`` installed and no SDK configured, and with the SDK's providers and a span
exporter that drops what it is given, as ratios to ``telemetry=False`` (which is what a
Workspace without the ``[otel]`` extra runs). The three are measured in turns, each several
times, and the lowest of each is kept, so that the ratios compare like with like.

    python benchmarks/bench_transport.py [--calls 2000] [--batches 5] [--concurrency 1 8 64]
    python benchmarks/bench_transport.py --otel-only
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import platform
import socket
import statistics
import time
from collections.abc import Awaitable, Callable

import aiohttp
import httpx
from aiohttp import web

from databricks_jobs import PoolLimits, RateLimits, RetryPolicy, Workspace
from databricks_jobs.models import RunNow

PATH = "/api/2.2/jobs/run-now"
BODY = {"job_id": 123, "idempotency_token": "8c1d6a8e-bench", "job_parameters": {"day": "x"}}
ANSWER = b'{"run_id":456,"number_in_job":1}'
GET_PATH = "/api/2.2/jobs/get"
JOB = {
    "job_id": 123,
    "creator_user_name": "someone@example.com",
    "run_as_user_name": "someone@example.com",
    "created_time": 1764000000000,
    "settings": {
        "name": "nightly",
        "email_notifications": {},
        "max_concurrent_runs": 1,
        "timeout_seconds": 0,
        "format": "MULTI_TASK",
        "queue": {"enabled": True},
        "job_clusters": [
            {
                "job_cluster_key": "main",
                "new_cluster": {
                    "spark_version": "16.4.x-scala2.12",
                    "node_type_id": "m5a.xlarge",
                    "num_workers": 2,
                },
            }
        ],
        "tasks": [
            {
                "task_key": "etl",
                "notebook_task": {"notebook_path": "/Repos/etl/main", "source": "WORKSPACE"},
                "job_cluster_key": "main",
                "timeout_seconds": 0,
                "email_notifications": {},
                "run_if": "ALL_SUCCESS",
            }
        ],
        "parameters": [{"name": "day", "default": "today"}],
    },
}
JOB_ANSWER = json.dumps(JOB).encode()


def serve(port: int) -> None:
    async def run_now(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(body=ANSWER, content_type="application/json")

    async def get_job(request: web.Request) -> web.Response:
        return web.Response(body=JOB_ANSWER, content_type="application/json")

    app = web.Application()
    app.router.add_post(PATH, run_now)
    app.router.add_get(GET_PATH, get_job)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


Call = Callable[[], Awaitable[object]]


async def measure(call: Call, calls: int, concurrency: int) -> float:
    """Return client CPU milliseconds per call."""
    for _ in range(50):  # warm up connections
        await call()
    queue = iter(range(calls))

    async def worker() -> None:
        for _ in queue:
            await call()

    started = time.process_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return (time.process_time() - started) * 1000 / calls


RAW, RAW_GET = "raw aiohttp: run-now", "raw aiohttp: jobs/get"
BASES = {  # the floor each row is compared with
    "brickjobs aiohttp: ws.request run-now": RAW,
    "brickjobs aiohttp: jobs.run_now_request": RAW,
    "brickjobs aiohttp: ws.request jobs/get": RAW_GET,
    "brickjobs aiohttp: jobs.get": RAW_GET,
    "plain httpx: run-now": RAW,
    "brickjobs httpx: ws.request run-now": RAW,
}


def busy(microseconds: float) -> None:
    """Spend `microseconds` of CPU in a loop (the calibration row's work)."""
    end = time.perf_counter() + microseconds / 1e6
    while time.perf_counter() < end:
        pass


async def run(
    url: str, calls: int, levels: list[int], batches: int, work_us: float = 40.0
) -> dict[str, dict[int, list[float]]]:
    """CPU ms per call of every row, per batch: rows take turns, batch by batch."""
    results: dict[str, dict[int, list[float]]] = {}
    request = RunNow(job_id=123, idempotency_token="8c1d6a8e-bench", job_parameters={"day": "x"})
    for concurrency in levels:
        async with contextlib.AsyncExitStack() as stack:
            session = await stack.enter_async_context(aiohttp.ClientSession())
            client = await stack.enter_async_context(
                httpx.AsyncClient(limits=httpx.Limits(max_connections=max(concurrency, 10)))
            )

            async def raw(session: aiohttp.ClientSession = session) -> object:
                async with session.post(url + PATH, json=BODY) as response:
                    return json.loads(await response.read())

            async def raw_get(session: aiohttp.ClientSession = session) -> object:
                async with session.get(url + GET_PATH, params={"job_id": 123}) as response:
                    return json.loads(await response.read())

            async def plain(client: httpx.AsyncClient = client) -> object:
                return (await client.post(url + PATH, json=BODY)).json()

            async def raw_and_work(session: aiohttp.ClientSession = session) -> object:
                busy(work_us)
                return await raw(session)

            rows: dict[str, Call] = {RAW: raw, RAW_GET: raw_get}
            if work_us:
                rows[f"raw aiohttp: run-now + {work_us:g} us of work"] = raw_and_work
                BASES[f"raw aiohttp: run-now + {work_us:g} us of work"] = RAW
            rows["plain httpx: run-now"] = plain
            for transport in ("aiohttp", "httpx"):
                ws = await stack.enter_async_context(
                    Workspace(
                        host=url,
                        token="dapi-bench",
                        transport=transport,  # type: ignore[arg-type]
                        limits=PoolLimits(max_connections=max(concurrency, 10)),
                        retry=RetryPolicy(),
                        rate_limits=RateLimits.unlimited(),  # the client's cost, not limits
                        env={},
                    )
                )

                async def ours(ws: Workspace = ws) -> object:
                    return await ws.request("POST", PATH, body=BODY, idempotent=True)

                async def run_now(ws: Workspace = ws) -> object:
                    return await ws.jobs.run_now_request(request)

                async def get(ws: Workspace = ws) -> object:
                    return await ws.jobs.get(123)

                async def get_object(ws: Workspace = ws) -> object:
                    return await ws.request("GET", GET_PATH, query={"job_id": 123})

                rows[f"brickjobs {transport}: ws.request run-now"] = ours
                if transport == "aiohttp":
                    rows["brickjobs aiohttp: jobs.run_now_request"] = run_now
                    rows["brickjobs aiohttp: ws.request jobs/get"] = get_object
                    rows["brickjobs aiohttp: jobs.get"] = get
            for _ in range(batches):
                for name, call in rows.items():
                    cpu = await measure(call, calls // batches, concurrency)
                    results.setdefault(name, {}).setdefault(concurrency, []).append(cpu)
    return results


def otel_providers() -> dict[str, object] | None:
    """SDK providers whose spans go to a no-op exporter (None without the SDK installed)."""
    try:
        from opentelemetry.sdk.metrics import MeterProvider
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import (
            SimpleSpanProcessor,
            SpanExporter,
            SpanExportResult,
        )
    except ImportError:
        return None

    class Dropping(SpanExporter):
        def export(self, spans: object) -> SpanExportResult:
            return SpanExportResult.SUCCESS

    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(Dropping()))
    return {"tracer_provider": tracer_provider, "meter_provider": MeterProvider()}


async def run_otel(url: str, calls: int, rounds: int = 5) -> dict[str, dict[int, float]]:
    """CPU per call with telemetry off, on with no SDK, and on with an SDK (aiohttp)."""
    sdk = otel_providers()
    variants: dict[str, dict[str, object]] = {
        "telemetry=False (as without the extra)": {"telemetry": False},
        "otel API installed, no SDK configured": {},
    }
    if sdk is not None:
        variants["SDK providers, no-op span exporter"] = sdk
    results: dict[str, dict[int, float]] = {}
    for concurrency in (1, 64):
        for _ in range(rounds):
            for name, options in variants.items():
                ws = Workspace(
                    host=url,
                    token="dapi-bench",
                    transport="aiohttp",
                    limits=PoolLimits(max_connections=max(concurrency, 10)),
                    retry=RetryPolicy(),
                    rate_limits=RateLimits.unlimited(),
                    env={},
                    **options,  # type: ignore[arg-type]
                )
                async with ws:

                    async def ours(ws: Workspace = ws) -> object:
                        return await ws.request("POST", PATH, body=BODY, idempotent=True)

                    cpu = await measure(ours, calls, concurrency)
                row = results.setdefault(name, {})
                row[concurrency] = min(row.get(concurrency, cpu), cpu)
    return results


def hook_cost(repeat: int = 200_000) -> dict[str, float]:
    """Microseconds the per-call telemetry hook costs, off and on with no SDK (timeit, best of 5).

    Steadier than CPU per call on a loaded machine: it times only what telemetry adds.
    """
    import timeit

    from databricks_jobs._sending import CallState
    from databricks_jobs._telemetry import Telemetry

    request = Workspace(host="https://x.example.com", token="t", env={}).prepare_request(
        "POST", PATH, body=BODY
    )
    costs = {}
    for name, telemetry in (("off", Telemetry(enabled=False)), ("no SDK", Telemetry())):
        state = CallState(token=None, write=True)

        def hook(telemetry: Telemetry = telemetry, state: CallState = state) -> None:
            telemetry.call(request, "jobs/run-now", state, None, BODY).end()

        hook()  # the first call imports the API
        best = min(timeit.repeat(hook, number=repeat, repeat=5))
        costs[name] = best / repeat * 1e6
    return costs


def print_otel(results: dict[str, dict[int, float]], calls: int) -> None:
    base = results["telemetry=False (as without the extra)"]
    print(f"OpenTelemetry cost, aiohttp transport, {calls} calls, best of 5 turns")
    print(f"{'Workspace':48} {'c=1':>16} {'c=64':>16}")
    for name, row in results.items():
        cells = [f"{row[c]:.3f} ms ({row[c] / base[c]:.2f}x)" for c in (1, 64)]
        print(f"{name:48} " + " ".join(f"{cell:>16}" for cell in cells))
    costs = hook_cost()
    print(
        f"the per-call hook alone: {costs['off']:.2f} us with telemetry=False, "
        f"{costs['no SDK']:.2f} us with the API installed and no SDK"
    )


def print_turns(
    results: dict[str, dict[int, list[float]]], args: argparse.Namespace, levels: list[int]
) -> None:
    print(f"client CPU per call, {args.calls} calls each, server: aiohttp.web in its own")
    print(f"process; {platform.python_implementation()} {platform.python_version()}, ", end="")
    print(f"{multiprocessing.cpu_count()} cores; ratio to the raw aiohttp row of the same call")
    print(
        f"{args.batches} batches of {args.calls // args.batches} calls per row, rows taking"
        " turns; the median batch, and the ratio of the medians"
    )
    print(f"{'client':42} " + " ".join(f"{'c=' + str(c):>16}" for c in levels))
    for name, row in results.items():
        base = results[BASES.get(name, name)]
        mid = {c: statistics.median(row[c]) for c in levels}
        cells = [f"{mid[c]:.3f} ms ({mid[c] / statistics.median(base[c]):.2f}x)" for c in levels]
        print(f"{name:42} " + " ".join(f"{cell:>16}" for cell in cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--batches", type=int, default=5, help="turns each row takes")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 64])
    parser.add_argument("--otel-only", action="store_true", help="only the OpenTelemetry table")
    parser.add_argument("--no-otel", action="store_true", help="skip the OpenTelemetry table")
    parser.add_argument(
        "--work-us", type=float, default=40.0, help="the calibration row's work (0: no row)"
    )
    args = parser.parse_args()
    port = free_port()
    server = multiprocessing.Process(target=serve, args=(port,), daemon=True)
    server.start()
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.05)
    levels = args.concurrency
    try:
        if not args.otel_only:
            results = asyncio.run(run(url, args.calls, levels, args.batches, args.work_us))
            print_turns(results, args, levels)
        if not args.no_otel:
            otel = asyncio.run(run_otel(url, args.calls))
    finally:
        server.terminate()
        server.join()
    if not args.no_otel:
        print()
        print_otel(otel, args.calls)


if __name__ == "__main__":
    main()
