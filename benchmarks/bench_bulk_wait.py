"""Requests per poll cycle while waiting for 1,000 active runs of 5 jobs in a busy workspace.

The emulator answers in-process (its httpx transport) on a `VirtualClock` that the client's
sleeps advance, so the scenario is exact and repeatable and takes no real waiting. Before the
awaited runs start, the workspace holds 2,000 active runs of 4 other jobs (running all along)
and 200 runs of a fifth other job with ``max_concurrent_runs`` 1 and its queue on (one
running, 199 queued), none of them awaited. Then 5 jobs (``max_concurrent_runs`` 1000) get
200 runs each at clock time 0, whose single task is scripted to run 60 to 600 seconds (ten
durations, by a hash of the run id; every 37th run fails). Each strategy runs against its
own fresh emulator with the same scenario and polls every 10 s:

* **bulk.wait**: ``async for finished in bulk.wait(ws, started, poll=10)`` given the
  ``StartedRun``s of ``bulk.run_now`` (which tell each run's job);
* **workspace listing**: what `bulk.wait` did before it listed jobs: each cycle lists every
  active run of the workspace (``runs/list?active_only=true``) and reads each awaited run
  missing from it (``runs/get``), reading the runs directly once fewer are left than the
  listing took pages;
* **per-run loop**: each cycle does ``runs/get`` for every unfinished run (64 at a time),
  then sleeps 10 s: what one polling loop per run costs, cycle by cycle;
* **runs.wait x N** (totals only, ``--single``): one ``ws.runs.wait(run_id, poll=10,
  max_poll=10)`` task per run, this library's single waiter (jittered, so its cycles do not
  line up).

Requests are counted by endpoint from the emulator's request log, grouped by clock time
(one cycle = one clock time: no clock time passes inside a cycle).

    python benchmarks/bench_bulk_wait.py [--runs 1000] [--jobs 5] [--others 2000] [--quick]
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
from databricks_jobs.models import JobSettings, NotebookTask, QueueSettings, RunNow, Task
from databricks_jobs.resources import StartedRun
from databricks_jobs.testing import Emulator, VirtualClock

DURATIONS = [60.0 * (k + 1) for k in range(10)]  # chosen by a hash of the run id
FAIL_EVERY = 37


def bucket(run_id: int) -> int:
    return (run_id * 2_654_435_761 >> 16) % len(DURATIONS)


Strategy = Callable[[Workspace, VirtualClock, list[StartedRun], float], Awaitable[dict[int, str]]]
OTHER_JOBS = 4  # running all along, none awaited
QUEUED = 200  # runs of one more job that runs one at a time: one running, the rest queued


async def batch_waiter(
    ws: Workspace, clock: VirtualClock, started: list[StartedRun], poll: float
) -> dict[int, str]:
    outcomes: dict[int, str] = {}
    async for finished in bulk.wait(ws, started, poll=poll):
        assert finished.run_id not in outcomes, "yielded twice"
        assert finished.outcome is not None, finished.error
        outcomes[finished.run_id] = finished.outcome.kind.value
    return outcomes


async def workspace_listing(
    ws: Workspace, clock: VirtualClock, started: list[StartedRun], poll: float
) -> dict[int, str]:
    """The workspace-wide strategy `bulk.wait` used alone before it could list jobs."""
    outcomes: dict[int, str] = {}
    pending = [s.run_id for s in started]
    limiter = anyio.Semaphore(8)
    pages: int | None = None

    async def check(run_id: int) -> None:
        async with limiter:
            run = await ws.runs.get(run_id)
        outcome = run_outcome(run)
        if outcome.finished:
            outcomes[run_id] = outcome.kind.value

    while pending:
        if len(pending) > (pages if pages is not None else 1):
            active = {run.run_id async for run in ws.runs.list(active_only=True, limit=25)}
            pages = max(1, math.ceil(len(active) / 25))
            candidates = [run_id for run_id in pending if run_id not in active]
        else:
            candidates = list(pending)
        async with anyio.create_task_group() as tg:
            for run_id in candidates:
                tg.start_soon(check, run_id)
        pending = [run_id for run_id in pending if run_id not in outcomes]
        if pending:
            await clock.sleep(poll)
    return outcomes


async def per_run_loop(
    ws: Workspace, clock: VirtualClock, started: list[StartedRun], poll: float
) -> dict[int, str]:
    outcomes: dict[int, str] = {}
    pending = [s.run_id for s in started]
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
    ws: Workspace, clock: VirtualClock, started: list[StartedRun], poll: float
) -> dict[int, str]:
    outcomes: dict[int, str] = {}

    async def wait_one(run_id: int) -> None:
        run = await ws.runs.wait(run_id, poll=poll, max_poll=poll, raise_on_failure=False)
        outcomes[run_id] = run_outcome(run).kind.value

    async with anyio.create_task_group() as tg:
        for run in started:
            tg.start_soon(wait_one, run.run_id)
    return outcomes


def endpoint(path: str) -> str:
    return path.split("/api/2.2/jobs/", 1)[-1]


async def scenario(
    strategy: Strategy, runs: int, jobs: int, others: int, poll: float
) -> tuple[dict[float, Counter[str]], dict[int, str], float]:
    """Run one strategy on a fresh emulator: requests per clock time, outcomes, CPU seconds."""
    clock = VirtualClock()
    emulator = Emulator(clock)
    for k, duration in enumerate(DURATIONS):
        emulator.script_task(when=lambda ctx, k=k: bucket(ctx.run_id) == k, duration=duration)
    emulator.script_task(
        when=lambda ctx: ctx.run_id % FAIL_EVERY == 0, outcome="FAILED", duration=150
    )
    emulator.script_task(job_name="other", duration=1e9)  # active all along, never awaited
    async with Workspace(
        host="https://emulator.local",
        token="dapi-emulator",
        transport=emulator.transport(),
        clock=clock,
        rate_limits=RateLimits.unlimited(),
        env={},
    ) as ws:
        task = Task(task_key="work", notebook_task=NotebookTask(notebook_path="/Repos/etl/work"))
        busy = [
            await ws.jobs.create(JobSettings(name="other", max_concurrent_runs=1000, tasks=[task]))
            for _ in range(OTHER_JOBS)
        ]
        serial = await ws.jobs.create(
            JobSettings(name="other", queue=QueueSettings(enabled=True), tasks=[task])
        )
        background = [busy[k % OTHER_JOBS] for k in range(others)] + [serial] * QUEUED
        assert all(r.ok for r in await bulk.run_now(ws, background, concurrency=64))
        awaited = [
            await ws.jobs.create(
                JobSettings(name=f"bench-wait-{k}", max_concurrent_runs=1000, tasks=[task])
            )
            for k in range(jobs)
        ]
        results = await bulk.run_now(
            ws, [RunNow(job_id=awaited[k % jobs]) for k in range(runs)], concurrency=64
        )
        started_runs = [result.run for result in results if result.run is not None]
        assert len(started_runs) == runs, [r.error for r in results if r.error][:3]
        mark = len(emulator.requests)
        started = time.process_time()
        outcomes = await strategy(ws, clock, started_runs, poll)
        cpu = time.process_time() - started
    assert sorted(outcomes) == sorted(run.run_id for run in started_runs)
    cycles: dict[float, Counter[str]] = {}
    for request in emulator.requests[mark:]:
        cycles.setdefault(request.time, Counter())[endpoint(request.path)] += 1
    return cycles, outcomes, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=1000, help="awaited runs")
    parser.add_argument("--jobs", type=int, default=5, help="jobs the awaited runs belong to")
    parser.add_argument("--others", type=int, default=2000, help="active runs of other jobs")
    parser.add_argument("--poll", type=float, default=10.0)
    parser.add_argument("--quick", action="store_true", help="200 runs, 400 others")
    parser.add_argument("--single", action="store_true", help="add the runs.wait x N row")
    args = parser.parse_args()
    runs, others = (200, 400) if args.quick else (args.runs, args.others)
    setup = (runs, args.jobs, others, args.poll)

    batch, batch_outcomes, batch_cpu = anyio.run(scenario, batch_waiter, *setup)
    wide, wide_outcomes, wide_cpu = anyio.run(scenario, workspace_listing, *setup)
    loop, loop_outcomes, loop_cpu = anyio.run(scenario, per_run_loop, *setup)
    assert batch_outcomes == loop_outcomes == wide_outcomes, "the strategies disagree"
    single = anyio.run(scenario, single_waiters, *setup) if args.single else None
    if single is not None:
        assert single[1] == loop_outcomes

    print(
        f"waiting for {runs:,} active runs of {args.jobs} jobs, poll every {args.poll:g} s, in a"
        f" workspace with {others:,} active runs of {OTHER_JOBS} other jobs and {QUEUED} runs"
        f" of one more ({QUEUED - 1} queued); {machine()}"
    )
    print(
        "server: the databricks_jobs.testing emulator in-process (httpx transport), VirtualClock; "
        f"task durations {DURATIONS[0]:g}-{DURATIONS[-1]:g} s, every {FAIL_EVERY}th run fails"
    )
    kinds = Counter(batch_outcomes.values())
    print("outcomes: " + ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items())))
    print()
    header = (
        f"{'clock s':>8} {'awaited':>8} {'finished':>9} {'bulk.wait: list':>16} {'+ get':>6}"
        f" {'= total':>8} {'workspace listing':>18} {'per-run loop':>13}"
    )
    print(header)
    print("-" * len(header))
    times = sorted(set(batch) | set(loop) | set(wide))
    step = max(1, math.ceil(len(times) / 16))
    steady: list[tuple[int, int, int]] = []  # cycles in which no run finished
    for index, at in enumerate(times):
        ours, theirs = batch.get(at, Counter()), loop.get(at, Counter())
        total, listing = sum(ours.values()), sum(wide.get(at, Counter()).values())
        awaited = theirs["runs/get"]
        later = loop[times[index + 1]]["runs/get"] if index + 1 < len(times) else 0
        finished = awaited - later
        if awaited > 25 and finished == 0:
            steady.append((total, listing, awaited))
        if index % step == 0 or index == len(times) - 1:
            print(
                f"{at:8g} {awaited:8} {finished:9} {ours['runs/list']:16} {ours['runs/get']:6}"
                f" {total:8} {listing:18} {awaited:13}"
            )
    totals = {
        name: sum(sum(c.values()) for c in cycles.values())
        for name, cycles in (("batch", batch), ("wide", wide), ("loop", loop))
    }
    print()
    print(f"{'strategy':44} {'cycles':>7} {'requests':>9} {'per cycle':>10} {'client CPU s':>13}")
    rows = [
        ("bulk.wait (job listings + runs/get)", batch, batch_cpu),
        ("workspace listing (runs/list active + get)", wide, wide_cpu),
        ("per-run loop (runs/get each cycle)", loop, loop_cpu),
    ]
    if single is not None:
        rows.append(("runs.wait x N (poll=max_poll)", single[0], single[2]))
    for name, cycles, cpu in rows:
        total = sum(sum(c.values()) for c in cycles.values())
        print(f"{name:44} {len(cycles):7} {total:9} {total / len(cycles):10.1f} {cpu:13.2f}")
    print()
    first = times[0]
    print(
        f"first cycle ({runs:,} awaited active): bulk.wait {sum(batch[first].values())}, "
        f"workspace listing {sum(wide[first].values())}, per-run loop {loop[first]['runs/get']}"
    )
    if steady:
        print(
            "cycles where no run finished (more than 25 awaited): bulk.wait "
            f"{min(s[0] for s in steady)}-{max(s[0] for s in steady)}, workspace listing "
            f"{min(s[1] for s in steady)}-{max(s[1] for s in steady)}, per-run loop "
            f"{min(s[2] for s in steady)}-{max(s[2] for s in steady)} requests"
        )
    print(
        f"whole wait: bulk.wait {totals['batch'] / totals['loop']:.3f}x of the per-run loop, "
        f"{totals['batch'] / totals['wide']:.3f}x of the workspace listing"
    )


if __name__ == "__main__":
    main()
