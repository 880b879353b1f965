"""Long waits and large batches make small traces: calls past a count are sampled.

Within an operation (`runs.wait`, a bulk batch) the first `TRACED_CALLS` calls are spans,
then only the calls whose number is a power of two; the operation's span counts them all.
"""

from __future__ import annotations

import pytest

from databricks_jobs import VirtualClock, WaitTimeout, Workspace, bulk
from databricks_jobs._telemetry import TRACED_CALLS, Operation
from databricks_jobs.testing import DEFAULT_TOKEN, Emulator
from tests.examples.test_fastapi_app import SETTINGS

from .conftest import Otel

pytestmark = pytest.mark.anyio


def expected_traced(calls: int) -> int:
    return sum(1 for n in range(1, calls + 1) if n <= TRACED_CALLS or n & (n - 1) == 0)


def test_the_sampling_rule() -> None:
    operation = Operation("bulk.run_now")
    taken = [number for number in range(1, 10_001) if operation.take()]
    assert taken == [*range(1, 11), 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192]
    assert (operation.calls, operation.traced) == (10_000, 20)


@pytest.fixture
def emulator() -> Emulator:
    return Emulator(VirtualClock())


def workspace(emulator: Emulator, otel: Otel) -> Workspace:
    return Workspace(
        host="https://emulator.local",
        token=DEFAULT_TOKEN,
        transport=emulator.transport(),
        clock=emulator.clock,
        env={},
        **otel.providers,
    )


@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_an_hour_long_wait_makes_a_small_trace(emulator: Emulator, otel: Otel) -> None:
    emulator.script_task("a", duration=3600)
    async with workspace(emulator, otel) as ws:
        job_id = await ws.jobs.create(SETTINGS)
        started = await ws.jobs.run_now(job_id)
        before = len(emulator.requests_to("jobs/runs/get"))
        await ws.runs.wait(started.run_id, poll=2, max_poll=10)
        reads = len(emulator.requests_to("jobs/runs/get")) - before
    assert reads > 300  # an hour of polls every 10 s, and the final whole read
    [wait] = otel.named("databricks.jobs runs.wait")
    attributes = dict(wait.attributes or {})
    assert attributes["databricks.calls"] == reads
    assert attributes["databricks.calls.traced"] == expected_traced(reads) < 20
    assert len(otel.children(wait)) == expected_traced(reads)
    # Metrics still see every call.
    assert (
        otel.total("http.client.request.duration", **{"databricks.endpoint": "jobs/runs/get"})
        == reads
    )


@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_a_large_batch_makes_a_small_trace(emulator: Emulator, otel: Otel) -> None:
    async with workspace(emulator, otel) as ws:
        job_id = await ws.jobs.create(SETTINGS)
        results = await bulk.run_now(ws, [job_id] * 300, concurrency=32)
    assert all(result.ok for result in results)
    [batch] = otel.named("databricks.jobs bulk.run_now")
    attributes = dict(batch.attributes or {})
    assert attributes["databricks.bulk.items"] == 300
    assert attributes["databricks.bulk.started"] == 300
    assert attributes["databricks.bulk.failed"] == 0
    assert attributes["databricks.calls"] == 300
    assert attributes["databricks.calls.traced"] == expected_traced(300) == 15
    calls = otel.children(batch)
    assert len(calls) == 15
    assert {span.name for span in calls} == {"databricks.jobs run-now"}
    assert otel.total("databricks.jobs.runs.started") == 300


@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_waits_are_counted_by_outcome(emulator: Emulator, otel: Otel) -> None:
    emulator.script_task("a", duration=3600)
    async with workspace(emulator, otel) as ws:
        job_id = await ws.jobs.create(SETTINGS)
        started = await ws.jobs.run_now(job_id)
        with pytest.raises(WaitTimeout):
            await ws.runs.wait(started.run_id, timeout=30)
        await ws.runs.wait(started.run_id)
    assert otel.total("databricks.jobs.waits", **{"databricks.wait.outcome": "timed_out"}) == 1
    assert otel.total("databricks.jobs.waits", **{"databricks.wait.outcome": "succeeded"}) == 1
    timed_out, succeeded = otel.named("databricks.jobs runs.wait")
    assert dict(timed_out.attributes or {})["databricks.wait.outcome"] == "timed_out"
    assert dict(timed_out.attributes or {})["error.type"] == "WaitTimeout"
    assert timed_out.status.is_ok is False
    assert succeeded.status.is_ok is True


@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_bulk_wait_is_a_parent_span_whose_consumer_runs_outside_it(
    emulator: Emulator, otel: Otel
) -> None:
    emulator.script_task("a", duration=600)
    async with workspace(emulator, otel) as ws:
        job_id = await ws.jobs.create(SETTINGS)
        started = await bulk.run_now(ws, [job_id] * 30)
        run_ids = [result.run.run_id for result in started if result.run]
        finished = 0
        async for _ in bulk.wait(ws, run_ids, poll=5):
            finished += 1
            await ws.jobs.get(job_id)  # the consumer's own call, between two yields
    assert finished == 30
    [waited] = otel.named("databricks.jobs bulk.wait")
    attributes = dict(waited.attributes or {})
    assert attributes["databricks.bulk.items"] == 30
    assert attributes["databricks.bulk.finished"] == 30
    assert attributes["databricks.wait.outcome"] == "finished"
    calls = otel.children(waited)
    assert attributes["databricks.calls"] >= 30  # at least one read of each finished run
    assert (
        len(calls)
        == attributes["databricks.calls.traced"]
        == expected_traced(int(attributes["databricks.calls"]))
    )
    assert {span.name for span in calls} <= {
        "databricks.jobs runs/list",
        "databricks.jobs runs/get",
    }
    # The consumer's calls are not the operation's: the span was current only in its cycles.
    consumer = otel.named("databricks.jobs get")
    assert len(consumer) == 30
    assert all(span.parent is None for span in consumer)


@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_a_bulk_wait_left_early_ends_its_span_without_an_error(
    emulator: Emulator, otel: Otel
) -> None:
    async with workspace(emulator, otel) as ws:
        job_id = await ws.jobs.create(SETTINGS)
        started = await bulk.run_now(ws, [job_id] * 3)
        run_ids = [result.run.run_id for result in started if result.run]
        waiting = bulk.wait(ws, run_ids, poll=5)
        async for _ in waiting:
            break
        await waiting.aclose()
    [waited] = otel.named("databricks.jobs bulk.wait")
    assert dict(waited.attributes or {})["databricks.wait.outcome"] == "abandoned"
    assert waited.status.status_code.name != "ERROR"
