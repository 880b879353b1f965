"""How `bulk.wait` learns which runs are active, whichever way costs fewer requests.

The ways: the workspace's listing, the awaited jobs' listings or one read per run. Requests
are counted in the emulator's request log, cycle by cycle (one cycle is one time of the
virtual clock: no clock time passes inside a cycle).
"""

from __future__ import annotations

from collections import Counter

import pytest

from databricks_jobs import SpecError, Workspace, bulk
from databricks_jobs.bulk import BulkResult, ItemState
from databricks_jobs.models import NotebookTask, RunNow, SubmitRun, SubmitTask
from databricks_jobs.testing import Emulator

from .test_bulk import busy_job

pytestmark = pytest.mark.anyio


def cycles(emulator: Emulator, mark: int) -> list[Counter[str]]:
    """The wait's requests after `mark`, by kind, one Counter per clock time."""
    by_time: dict[float, Counter[str]] = {}
    for request in emulator.requests[mark:]:
        endpoint = request.path.rsplit("/", 1)[-1]
        kind = endpoint if endpoint != "list" else f"list job_id={request.query.get('job_id')}"
        by_time.setdefault(request.time, Counter())[kind] += 1
    return [by_time[t] for t in sorted(by_time)]


async def start(ws: Workspace, job_id: int, count: int) -> list[BulkResult[RunNow]]:
    results = await bulk.run_now(ws, [job_id] * count, concurrency=16)
    assert all(r.ok for r in results)
    return results


async def test_runs_of_few_jobs_list_those_jobs_not_the_busy_workspace(
    ws: Workspace, emulator: Emulator
) -> None:
    emulator.script_task(job_name="other", duration=100_000)  # busy all along
    emulator.script_task(job_name="busy", duration=35)
    other = await busy_job(ws, "other")
    await start(ws, other, 110)  # five pages of someone else's active runs
    awaited_jobs = [await busy_job(ws) for _ in range(3)]
    results = [r for job_id in awaited_jobs for r in await start(ws, job_id, 25)]
    mark = len(emulator.requests)
    finished = [f async for f in bulk.wait(ws, results, poll=10)]
    assert sorted(f.run_id for f in finished) == sorted(r.run.run_id for r in results if r.run)
    assert all(f.succeeded for f in finished)
    seen = cycles(emulator, mark)
    # the awaited runs alone would fill three pages of the workspace's listing, which the
    # results tell is no cheaper than their three jobs' listings: never the whole workspace
    assert not any(c["list job_id=None"] for c in seen)
    first = seen[0]
    for job_id in awaited_jobs:  # 25 active runs of each awaited job: one page each
        assert first[f"list job_id={job_id}"] == 1
    assert first["get"] == 0
    assert sum(c["get"] for c in seen) == 75  # each run read once, when it had finished
    assert len(seen) >= 3


async def test_plain_run_ids_learn_their_jobs_from_the_first_listing(
    ws: Workspace, emulator: Emulator
) -> None:
    emulator.script_task(job_name="other", duration=100_000)
    emulator.script_task(job_name="busy", duration=35)
    other = await busy_job(ws, "other")
    await start(ws, other, 110)
    job_id = await busy_job(ws)
    run_ids = [r.run.run_id for r in await start(ws, job_id, 30) if r.run]
    mark = len(emulator.requests)
    finished = [f async for f in bulk.wait(ws, run_ids, poll=10)]
    assert sorted(f.run_id for f in finished) == sorted(run_ids)
    seen = cycles(emulator, mark)
    # nothing known: the workspace (110 + 30 active runs: six pages) is listed once...
    assert seen[0] == Counter({"list job_id=None": 6})
    # ...which tells each run's job: from then on only that job is listed
    for cycle in seen[1:]:
        assert cycle["list job_id=None"] == 0
        assert cycle[f"list job_id={job_id}"] in (1, 2)
    assert sum(c["get"] for c in seen) == 30


async def test_runs_spread_over_many_jobs_list_the_quiet_workspace(
    ws: Workspace, emulator: Emulator
) -> None:
    emulator.script_task(job_name="busy", duration=35)
    results = [r for _ in range(12) for r in await start(ws, await busy_job(ws), 2)]
    mark = len(emulator.requests)
    finished = [f async for f in bulk.wait(ws, results, poll=10)]
    assert len(finished) == 24
    seen = cycles(emulator, mark)
    # one page of the workspace (24 active runs) beats 12 job listings or 24 reads
    assert seen[0] == Counter({"list job_id=None": 1})
    kinds = {key for cycle in seen for key in cycle}
    assert kinds == {"list job_id=None", "get"}
    assert sum(c["get"] for c in seen) == 24


async def test_a_job_that_cannot_be_listed_has_its_runs_read(
    ws: Workspace, emulator: Emulator
) -> None:
    emulator.script_task(job_name="other", duration=100_000)
    emulator.script_task(job_name="busy", duration=100_000)
    other = await busy_job(ws, "other")
    await start(ws, other, 60)
    job_id = await busy_job(ws)
    results = await start(ws, job_id, 30)
    await ws.jobs.delete(job_id)  # its runs are cancelled; listing it is refused from now on
    mark = len(emulator.requests)
    finished = [f async for f in bulk.wait(ws, results, poll=10)]
    assert len(finished) == 30
    assert {f.outcome.kind.value for f in finished if f.outcome} == {"canceled"}
    log = cycles(emulator, mark)
    assert log[0][f"list job_id={job_id}"] == 1  # refused for good...
    assert sum(c["get"] for c in log) >= 30  # ...so its runs are read instead
    assert all(c["list job_id=" + str(job_id)] == 0 for c in log[1:])


async def test_one_time_runs_are_polled_as_before(ws: Workspace, emulator: Emulator) -> None:
    emulator.script_task("a", duration=35)
    task = SubmitTask(
        task_key="a", existing_cluster_id="c", notebook_task=NotebookTask(notebook_path="/n")
    )
    results = await bulk.submit(ws, [SubmitRun(run_name=f"r{i}", tasks=[task]) for i in range(30)])
    mark = len(emulator.requests)
    finished = [f async for f in bulk.wait(ws, results, poll=10)]
    assert len(finished) == 30
    seen = cycles(emulator, mark)
    assert seen[0] == Counter({"list job_id=None": 2})  # 30 active runs: the workspace's pages
    assert sum(c["get"] for c in seen) == 30


async def test_a_result_without_a_run_is_refused(ws: Workspace) -> None:
    failed = BulkResult(0, RunNow(job_id=1), ItemState.FAILED)
    with pytest.raises(SpecError, match="item 0 has no started run"):
        async for _ in bulk.wait(ws, [failed]):
            pass
