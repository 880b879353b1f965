"""Client CPU per call: our Workspace on each transport against raw aiohttp and plain httpx.

A fixed-answer HTTP server (aiohttp.web) runs in its own process on loopback; this process
measures only its own CPU time (`time.process_time`) for N POSTs of a run-now body at several
concurrencies. Figures are reported as ratios to raw aiohttp measured in the same run.

A second table measures the cost of OpenTelemetry (issue 26) on the aiohttp transport: with
``opentelemetry-api`` installed and no SDK configured, and with the SDK's providers and a span
exporter that drops what it is given, as ratios to ``telemetry=False`` (which is what a
Workspace without the ``[otel]`` extra runs). The three are measured in turns, each several
times, and the lowest of each is kept, so that the ratios compare like with like.

    python benchmarks/bench_transport.py [--calls 2000] [--otel-only]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import platform
import socket
import time
from collections.abc import Awaitable, Callable

import aiohttp
import httpx
from aiohttp import web

from databricks_jobs import PoolLimits, RateLimits, RetryPolicy, Workspace

PATH = "/api/2.2/jobs/run-now"
BODY = {"job_id": 123, "idempotency_token": "8c1d6a8e-bench", "job_parameters": {"day": "x"}}
ANSWER = b'{"run_id":456,"number_in_job":1}'


def serve(port: int) -> None:
    async def run_now(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(body=ANSWER, content_type="application/json")

    app = web.Application()
    app.router.add_post(PATH, run_now)
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


async def run(url: str, calls: int) -> dict[str, dict[int, float]]:
    results: dict[str, dict[int, float]] = {}
    for concurrency in (1, 8, 64):
        limits = {"max_connections": max(concurrency, 10)}
        async with aiohttp.ClientSession() as session:

            async def raw() -> object:
                async with session.post(url + PATH, json=BODY) as response:
                    return await response.read()

            results.setdefault("raw aiohttp", {})[concurrency] = await measure(
                raw, calls, concurrency
            )
        async with httpx.AsyncClient(limits=httpx.Limits(**limits)) as client:

            async def plain() -> object:
                return (await client.post(url + PATH, json=BODY)).json()

            results.setdefault("plain httpx (default transport)", {})[concurrency] = await measure(
                plain, calls, concurrency
            )
        for transport in ("aiohttp", "httpx"):
            ws = Workspace(
                host=url,
                token="dapi-bench",
                transport=transport,  # type: ignore[arg-type]
                limits=PoolLimits(max_connections=max(concurrency, 10)),
                retry=RetryPolicy(),
                rate_limits=RateLimits.unlimited(),  # measure client cost, not the limits
                env={},
            )
            async with ws:

                async def ours(ws: Workspace = ws) -> object:
                    return await ws.request("POST", PATH, body=BODY, idempotent=True)

                name = f"brickjobs Workspace ({transport} transport)"
                results.setdefault(name, {})[concurrency] = await measure(ours, calls, concurrency)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--otel-only", action="store_true", help="only the OpenTelemetry table")
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
    try:
        results = {} if args.otel_only else asyncio.run(run(url, args.calls))
        otel = asyncio.run(run_otel(url, args.calls))
    finally:
        server.terminate()
        server.join()
    if not results:
        print_otel(otel, args.calls)
        return
    base = results["raw aiohttp"]
    print(f"client CPU per call, {args.calls} POST run-now calls, server: aiohttp.web in its own")
    print(f"process; {platform.python_implementation()} {platform.python_version()}, ", end="")
    print(f"{multiprocessing.cpu_count()} cores")
    print(f"{'client':48} {'c=1':>16} {'c=8':>16} {'c=64':>16}")
    for name, row in results.items():
        cells = [f"{row[c]:.3f} ms ({row[c] / base[c]:.1f}x)" for c in (1, 8, 64)]
        print(f"{name:48} " + " ".join(f"{cell:>16}" for cell in cells))
    print()
    print_otel(otel, args.calls)


if __name__ == "__main__":
    main()
