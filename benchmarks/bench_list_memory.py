"""Peak memory of iterating 10,000 and 100,000 runs through ``ws.runs.list(limit=25)``.

A stateless aiohttp.web server in its own process synthesizes ``jobs/runs/list`` pages: 25
finished runs with three tasks each (state, status, cluster instance, timings, dependencies,
one job cluster), with ``next_page_token`` encoding the position, so 4,000 pages cost the
server nothing but JSON encoding. Each count is measured in a fresh client process: after one
warm-up page, the client's tracemalloc peak above the memory in use before the loop, and its
RSS high-water mark above the RSS before the loop (``/proc/self/clear_refs`` resets the mark;
measured in a second fresh process without tracemalloc, whose own bookkeeping would count).
The loop keeps nothing (it counts runs and tasks). For scale, the RSS growth of the same
10,000 runs kept in a list is measured too.

    python benchmarks/bench_list_memory.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import subprocess
import sys
import time
import tracemalloc
from typing import Any

from _servers import machine, process_server, run_runs_list_server

TASKS_PER_RUN = 3
PAGE = 25


def rss_kib(field: str = "VmRSS") -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def reset_rss_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
            clear.write("5")
    except OSError:
        return False
    return True


def workspace(url: str) -> Any:
    from databricks_jobs import Workspace

    try:
        from databricks_jobs import RateLimits
    except ImportError:  # before rate limits existed there was nothing to raise
        return Workspace(host=url, token="dapi-bench", env={})
    return Workspace(host=url, token="dapi-bench", rate_limits=RateLimits.unlimited(), env={})


async def child(url: str, count: int, keep: bool, trace: bool) -> dict[str, Any]:
    async with workspace(url) as ws:
        async for _ in ws.runs.list(limit=PAGE, max_items=PAGE):  # warm-up: connection, decoders
            pass
        gc.collect()
        if trace:
            tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        rss_before = rss_kib()
        has_reset = reset_rss_peak()
        kept: list[Any] = []
        seen = tasks = 0
        samples: list[int] = []
        started = time.perf_counter()
        async for run in ws.runs.list(limit=PAGE, max_items=count):
            seen += 1
            tasks += len(run.tasks or ())
            if keep:
                kept.append(run)
            if trace and seen % (count // 10) == 0:
                samples.append(tracemalloc.get_traced_memory()[0] - before)
        elapsed = time.perf_counter() - started
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return {
            "count": seen,
            "tasks": tasks,
            "seconds": elapsed,
            "peak": peak - before,
            "after": current - before,
            "samples": samples,
            "rss_growth": (rss_kib("VmHWM") - rss_before) * 1024 if has_reset else None,
            "rss_after": (rss_kib() - rss_before) * 1024,
        }


def measure(url: str, count: int, *, keep: bool = False, trace: bool) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", str(count), "--url", url]
    command += ["--keep"] * keep + ["--trace"] * trace
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def mb(value: float | None) -> str:
    return "n/a" if value is None else f"{value / 1e6:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="2,000 and 20,000 runs")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--keep", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = asyncio.run(child(args.url, args.child, args.keep, args.trace))
        print(json.dumps(result))
        return

    small, large = (2_000, 20_000) if args.quick else (10_000, 100_000)
    rows: list[tuple[str, dict[str, Any] | None, dict[str, Any]]] = []
    with process_server(run_runs_list_server, large, TASKS_PER_RUN) as (url, _):
        for label, count, keep in (
            (f"{small:,} runs, loop", small, False),
            (f"{large:,} runs, loop", large, False),
            (f"{small:,} runs kept in a list", small, True),
        ):
            # tracemalloc makes the loop about five times slower: not for the reference row
            traced = None if keep else measure(url, count, keep=keep, trace=True)
            plain = measure(url, count, keep=keep, trace=False)
            rows.append((label, traced, plain))

    print(f"memory of iterating ws.runs.list(limit={PAGE}); {machine()}")
    print(
        f"server: stateless aiohttp.web runs/list in its own process, {PAGE} runs per page, "
        f"{TASKS_PER_RUN} tasks per run"
    )
    print()
    header = (
        f"{'case':28} {'tracemalloc peak MB':>20} {'left after MB':>14} "
        f"{'RSS growth MB':>14} {'runs/s':>8}"
    )
    print(header)
    print("-" * len(header))
    for label, traced, plain in rows:
        traced = traced or {"peak": None, "after": None}
        print(
            f"{label:28} {mb(traced['peak']):>20} {mb(traced['after']):>14} "
            f"{mb(plain['rss_growth']):>14} {plain['count'] / plain['seconds']:8.0f}"
        )
    small_traced, large_traced = rows[0][1], rows[1][1]
    assert small_traced is not None
    assert large_traced is not None
    small_peak, large_peak = small_traced["peak"], large_traced["peak"]
    samples = ", ".join(mb(sample) for sample in large_traced["samples"])
    print()
    print(f"in use during the {large:,} loop, every tenth (MB): {samples}")
    ratio = large_peak / small_peak
    print(f"peak at {large:,} / peak at {small:,}: {ratio:.2f}x (flat: about 1)")
    for label, traced, plain in rows:
        for result in (traced or plain, plain):
            expected = (int(label.split()[0].replace(",", "")), 0)
            if (result["count"], result["tasks"] - result["count"] * TASKS_PER_RUN) != expected:
                raise RuntimeError(f"{label}: saw {result['count']} runs, {result['tasks']} tasks")
    verdict = "met" if ratio < 1.5 else "MISSED"
    print(f"target: peak memory stays flat as the count grows -> {verdict}")


if __name__ == "__main__":
    main()
