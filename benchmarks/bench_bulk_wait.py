"""Requests per poll cycle while waiting for 1,000 active runs: batch waiter vs per-run loops.

The emulator answers in-process (its httpx transport) on a `VirtualClock` that the client's
sleeps advance, so the scenario is exact and repeatable and takes no real waiting: one job
(``max_concurrent_runs`` 1000) gets 1,000 runs at clock time 0, whose single task is
scripted to run 60 to 600 seconds (ten durations, by a hash of the run id; every 37th run
fails). Each
strategy runs against its own fresh emulator with the same scenario and polls every 10 s:

* **bulk.wait**: ``async for finished in bulk.wait(ws, run_ids, poll=10)``;
* **per-run loop**: each cycle does ``runs/get`` for every unfinished run (64 at a time),
  then sleeps 10 s: what one polling loop per run costs, cycle by cycle;
* **runs.wait x N** (totals only): one ``ws.runs.wait(run_id, poll=10, max_poll=10)`` task per
  run, this library's single waiter (jittered, so its cycles do not line up).

Requests are counted by endpoint from the emulator's request log, grouped by clock time
(one cycle = one clock time: no clock time passes inside a cycle).

    python benchmarks/bench_bulk_wait.py [--runs 1000] [--poll 10] [--quick]
"""

from __future__ import annotations

import argparse
import math
import time
from collections import Counter
from collections.abc import Awaitable, Callable

import anyio
from _servers import machine

from databricks_jobs import RateLimits, Workspace, bulk, run_outcome
from databricks_jobs.models import JobSettings, NotebookTask, RunNow, Task
from databricks_jobs.testing import Emulator, VirtualClock

DURATIONS = [60.0 * (k + 1) for k in range(10)]  # chosen by a hash of the run id
FAIL_EVERY = 37


def bucket(run_id: int) -> int:
    return (run_id * 2_654_435_761 >> 16) % len(DURATIONS)


Strategy = Callable[[Workspace, VirtualClock, list[int], float], Awaitable[dict[int, str]]]


async def batch_waiter(
    ws: Workspace, clock: VirtualClock, run_ids: list[int], poll: float
) -> dict[int, str]:
    outcomes: dict[int, str] = {}
    async for finished in bulk.wait(ws, run_ids, poll=poll):
        assert finished.run_id not in outcomes, "yielded twice"
        assert finished.outcome is not None, finished.error
        outcomes[finished.run_id] = finished.outcome.kind.value
    return outcomes


async def per_run_loop(
    ws: Workspace, clock: VirtualClock, run_ids: list[int], poll: float
) -> dict[int, str]:
    outcomes: dict[int, str] = {}
    pending = list(run_ids)
    limiter = anyio.Semaphore(64)

    async def check(run_id: int) -> None:
        async with limiter:
            run = await ws.runs.get(run_id)
        outcome = run_outcome(run)
        if outcome.finished:
            outcomes[run_id] = outcome.kind.value

    while pending:
        async with anyio.create_task_group() as tg:
            for run_id in pending:
                tg.start_soon(check, run_id)
        pending = [run_id for run_id in pending if run_id not in outcomes]
        if pending:
            await clock.sleep(poll)
    return outcomes


async def single_waiters(
    ws: Workspace, clock: VirtualClock, run_ids: list[int], poll: float
) -> dict[int, str]:
    outcomes: dict[int, str] = {}

    async def wait_one(run_id: int) -> None:
        run = await ws.runs.wait(run_id, poll=poll, max_poll=poll, raise_on_failure=False)
        outcomes[run_id] = run_outcome(run).kind.value

    async with anyio.create_task_group() as tg:
        for run_id in run_ids:
            tg.start_soon(wait_one, run_id)
    return outcomes


def endpoint(path: str) -> str:
    return path.split("/api/2.2/jobs/", 1)[-1]


async def scenario(
    strategy: Strategy, runs: int, poll: float
) -> tuple[dict[float, Counter[str]], dict[int, str], float]:
    """Run one strategy on a fresh emulator: requests per clock time, outcomes, CPU seconds."""
    clock = VirtualClock()
    emulator = Emulator(clock)
    for k, duration in enumerate(DURATIONS):
        emulator.script_task(when=lambda ctx, k=k: bucket(ctx.run_id) == k, duration=duration)
    emulator.script_task(
        when=lambda ctx: ctx.run_id % FAIL_EVERY == 0, outcome="FAILED", duration=150
    )
    async with Workspace(
        host="https://emulator.local",
        token="dapi-emulator",
        transport=emulator.transport(),
        clock=clock,
        rate_limits=RateLimits.unlimited(),
        env={},
    ) as ws:
        task = Task(task_key="work", notebook_task=NotebookTask(notebook_path="/Repos/etl/work"))
        job_id = await ws.jobs.create(
            JobSettings(name="bench-wait", max_concurrent_runs=1000, tasks=[task])
        )
        results = await bulk.run_now(
            ws, [RunNow(job_id=job_id) for _ in range(runs)], concurrency=64
        )
        run_ids = [result.run.run_id for result in results if result.run is not None]
        assert len(run_ids) == runs, [r.error for r in results if r.error][:3]
        mark = len(emulator.requests)
        started = time.process_time()
        outcomes = await strategy(ws, clock, run_ids, poll)
        cpu = time.process_time() - started
    assert sorted(outcomes) == sorted(run_ids)
    cycles: dict[float, Counter[str]] = {}
    for request in emulator.requests[mark:]:
        cycles.setdefault(request.time, Counter())[endpoint(request.path)] += 1
    return cycles, outcomes, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--poll", type=float, default=10.0)
    parser.add_argument("--quick", action="store_true", help="200 runs")
    parser.add_argument("--no-single", action="store_true", help="skip the runs.wait x N row")
    args = parser.parse_args()
    runs = 200 if args.quick else args.runs

    batch, batch_outcomes, batch_cpu = anyio.run(scenario, batch_waiter, runs, args.poll)
    loop, loop_outcomes, loop_cpu = anyio.run(scenario, per_run_loop, runs, args.poll)
    assert batch_outcomes == loop_outcomes, "the strategies disagree on outcomes"
    single = None
    if not args.no_single:
        single = anyio.run(scenario, single_waiters, runs, args.poll)
        assert single[1] == loop_outcomes

    print(f"waiting for {runs:,} active runs, poll every {args.poll:g} s; {machine()}")
    print(
        "server: the databricks_jobs.testing emulator in-process (httpx transport), VirtualClock; "
        f"task durations {DURATIONS[0]:g}-{DURATIONS[-1]:g} s, every {FAIL_EVERY}th run fails"
    )
    kinds = Counter(batch_outcomes.values())
    print("outcomes: " + ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items())))
    print()
    header = (
        f"{'clock s':>8} {'awaited':>8} {'finished':>9} {'bulk.wait: list':>16} {'+ get':>6}"
        f" {'= total':>8} {'per-run loop: get':>18} {'ratio':>7} {'polling ratio':>14}"
    )
    print(header)
    print("-" * len(header))
    times = sorted(set(batch) | set(loop))
    step = max(1, math.ceil(len(times) / 16))
    steady: list[float] = []
    for index, at in enumerate(times):
        ours, theirs = batch.get(at, Counter()), loop.get(at, Counter())
        total = sum(ours.values())
        awaited = theirs["runs/get"]
        later = loop[times[index + 1]]["runs/get"] if index + 1 < len(times) else 0
        finished = awaited - later
        # both strategies read each finished run once; the rest is the cost of polling
        polling = f"{(total - finished) / (awaited - finished):.3f}x" if awaited > finished else "-"
        if awaited > 25 and finished == 0:
            steady.append(total / awaited)
        if index % step == 0 or index == len(times) - 1:
            print(
                f"{at:8g} {awaited:8} {finished:9} {ours['runs/list']:16} {ours['runs/get']:6}"
                f" {total:8} {awaited:18} {total / awaited:6.3f}x {polling:>14}"
            )
    batch_total = sum(sum(c.values()) for c in batch.values())
    loop_total = sum(sum(c.values()) for c in loop.values())
    print()
    print(f"{'strategy':40} {'cycles':>7} {'requests':>9} {'ratio':>8} {'client CPU s':>13}")
    rows = [
        ("bulk.wait (runs/list active + runs/get)", batch, batch_total, batch_cpu),
        ("per-run loop (runs/get each cycle)", loop, loop_total, loop_cpu),
    ]
    if single is not None:
        rows.append(("runs.wait x N (poll=max_poll)", single[0], None, single[2]))
    for name, cycles, total, cpu in rows:
        total = total if total is not None else sum(sum(c.values()) for c in cycles.values())
        print(f"{name:40} {len(cycles):7} {total:9} {total / loop_total:7.3f}x {cpu:13.2f}")
    print()
    first = times[0]
    first_ratio = sum(batch[first].values()) / loop[first]["runs/get"]
    ratio = batch_total / loop_total
    print(f"requests per cycle, mean: bulk.wait {batch_total / len(batch):.1f}, ", end="")
    print(f"per-run loop {loop_total / len(loop):.1f}")
    print(
        f"first cycle ({runs:,} active): {first_ratio:.3f}x; cycles where no run finished ", end=""
    )
    print(f"(more than 25 awaited): {min(steady):.3f}x to {max(steady):.3f}x")
    verdict = "met" if ratio <= 0.1 else "MISSED"
    print("target: at most one tenth of the requests of one runs/get loop per run: whole wait")
    print(f"{ratio:.3f}x -> {verdict}")


if __name__ == "__main__":
    main()
