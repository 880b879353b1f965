"""ws.runs (and the triggers of ws.jobs) end to end against the emulator over loopback."""

from __future__ import annotations

import traceback

import pytest

from databricks_jobs import (
    InvalidParameterValue,
    OutcomeUnknown,
    RunFailed,
    SpecError,
    WaitTimeout,
    Workspace,
)
from databricks_jobs.models import (
    JobSettings,
    NotebookTask,
    SubmitRun,
    SubmitTask,
    Task,
)
from databricks_jobs.testing import Emulator

from .specs import two_task_job

pytestmark = pytest.mark.anyio


def one_off(key: str = "once") -> SubmitRun:
    return SubmitRun(
        run_name="adhoc",
        tasks=[
            SubmitTask(
                task_key=key,
                existing_cluster_id="0101-abc",
                notebook_task=NotebookTask(notebook_path="/adhoc"),
            )
        ],
    )


async def test_run_now_and_wait_for_success(ws: Workspace, emulator: Emulator) -> None:
    job_id = await ws.jobs.create(two_task_job())
    started = await ws.jobs.run_now(job_id, job_parameters={"day": "2026-11-25"})
    assert len(started.idempotency_token) == 36
    run = await ws.runs.wait(started.run_id, timeout=3600)
    assert run.run_id == started.run_id
    assert [t.task_key for t in run.tasks or []] == ["a", "b"]
    assert {str(t.state.result_state) for t in run.tasks or [] if t.state} == {"SUCCESS"}
    (sent,) = emulator.requests_to("jobs/run-now")
    assert sent.body["job_parameters"] == {"day": "2026-11-25"}
    assert sent.body["idempotency_token"] == started.idempotency_token


async def test_same_token_never_starts_a_second_run(ws: Workspace, emulator: Emulator) -> None:
    job_id = await ws.jobs.create(two_task_job())
    first = await ws.jobs.run_now(job_id, idempotency_token="nightly-2026-11-25")
    again = await ws.jobs.run_now(job_id, idempotency_token="nightly-2026-11-25")
    assert again.run_id == first.run_id
    assert emulator.applied["jobs/run-now"] == 1


async def test_run_now_retry_after_a_dropped_answer_starts_one_run(
    ws: Workspace, emulator: Emulator
) -> None:
    job_id = await ws.jobs.create(two_task_job())
    emulator.faults.next("drop_after", path="jobs/run-now")
    started = await ws.jobs.run_now(job_id)
    sent = emulator.requests_to("jobs/run-now")
    assert len(sent) == 2
    assert sent[0].body["idempotency_token"] == sent[1].body["idempotency_token"]
    assert emulator.applied["jobs/run-now"] == 1
    assert started.run_id > 0


async def test_create_after_a_dropped_answer_is_outcome_unknown(
    ws: Workspace, emulator: Emulator
) -> None:
    emulator.faults.next("drop_after", path="jobs/create")
    with pytest.raises(OutcomeUnknown, match="may have been applied"):
        await ws.jobs.create(two_task_job())
    assert len(emulator.requests_to("jobs/create")) == 1
    assert emulator.applied["jobs/create"] == 1  # it was created: exactly once


async def test_failed_run_raises_with_the_run(ws: Workspace, emulator: Emulator) -> None:
    job_id = await ws.jobs.create(two_task_job())
    emulator.script_task("a", outcome="FAILED", error="division by zero")
    started = await ws.jobs.run_now(job_id)
    with pytest.raises(RunFailed, match="division by zero") as caught:
        await ws.runs.wait(started.run_id)
    assert caught.value.run.run_id == started.run_id
    assert caught.value.outcome.kind.value == "failed"
    tasks = {t.task_key: str(t.state.result_state) for t in caught.value.run.tasks if t.state}
    assert tasks == {"a": "FAILED", "b": "UPSTREAM_FAILED"}
    run = await ws.runs.wait(started.run_id, raise_on_failure=False)
    assert run.run_id == started.run_id


async def test_wait_timeout_and_cancel_on_timeout(ws: Workspace, emulator: Emulator) -> None:
    job_id = await ws.jobs.create(two_task_job())
    emulator.script_task("a", duration=10_000)
    started = await ws.jobs.run_now(job_id)
    with pytest.raises(WaitTimeout) as caught:
        await ws.runs.wait(started.run_id, timeout=60)
    assert caught.value.run is not None
    assert emulator.requests_to("runs/cancel") == []
    with pytest.raises(WaitTimeout, match="cancelled"):
        await ws.runs.wait(started.run_id, timeout=60, cancel_on_timeout=True)
    assert len(emulator.requests_to("runs/cancel")) == 1
    with pytest.raises(RunFailed) as ended:
        await ws.runs.wait(started.run_id)
    assert ended.value.outcome.kind.value == "canceled"


async def test_wait_tolerates_transient_poll_errors(ws: Workspace, emulator: Emulator) -> None:
    job_id = await ws.jobs.create(two_task_job())
    started = await ws.jobs.run_now(job_id)
    emulator.faults.add("503", path="runs/get", times=8)
    run = await ws.runs.wait(started.run_id)
    assert run.run_id == started.run_id
    assert emulator.faults.injected["503"] == 8


async def test_get_output_of_a_multi_task_run_says_what_to_do(ws: Workspace) -> None:
    job_id = await ws.jobs.create(two_task_job())
    run = await ws.jobs.run_now_and_wait(job_id)
    with pytest.raises(InvalidParameterValue) as caught:
        await ws.runs.get_output(run.run_id)
    # The service's words stay the message; what to do instead is a note, shown after it.
    assert "multiple tasks" in caught.value.message
    assert "run.tasks[i].run_id" not in str(caught.value)
    assert any("run.tasks[i].run_id" in note for note in caught.value.__notes__)
    assert "run.tasks[i].run_id" in "".join(traceback.format_exception(caught.value))
    task_run = (run.tasks or [])[0]
    assert task_run.run_id is not None
    output = await ws.runs.get_output(task_run.run_id)
    assert output.metadata is not None
    assert output.metadata.run_id == task_run.run_id
    exported = await ws.runs.export(task_run.run_id, views_to_export="ALL")
    assert exported.views is not None


async def test_repair_fills_in_the_latest_repair_id(ws: Workspace, emulator: Emulator) -> None:
    job_id = await ws.jobs.create(two_task_job())
    script = emulator.script_task("b", outcome="FAILED", error="flaky")
    started = await ws.jobs.run_now(job_id)
    await ws.runs.wait(started.run_id, raise_on_failure=False)
    first = await ws.runs.repair(started.run_id, rerun_tasks=["b"])
    await ws.runs.wait(started.run_id, raise_on_failure=False)
    emulator.remove_script(script)
    second = await ws.runs.repair(started.run_id, rerun_all_failed_tasks=True)
    assert second != first
    repairs = emulator.requests_to("runs/repair")
    assert "latest_repair_id" not in repairs[0].body
    assert repairs[1].body["latest_repair_id"] == first
    run = await ws.runs.wait(started.run_id)
    history = await ws.runs.get(started.run_id, include_history=True)
    assert [h.id for h in history.repair_history or [] if str(h.type) == "REPAIR"] == [
        first,
        second,
    ]
    assert run.run_id == started.run_id


@pytest.mark.parametrize(
    "arguments",
    [
        {},
        {"rerun_tasks": ["a"], "rerun_all_failed_tasks": True},
    ],
)
async def test_repair_needs_exactly_one_choice(
    ws: Workspace, emulator: Emulator, arguments: dict[str, object]
) -> None:
    with pytest.raises(SpecError, match="rerun_tasks"):
        await ws.runs.repair(1, **arguments)  # type: ignore[arg-type]
    assert emulator.requests_to("runs/") == []


async def test_submit_and_wait(ws: Workspace, emulator: Emulator) -> None:
    run = await ws.runs.submit_and_wait(one_off(), idempotency_token="adhoc-1")
    assert str(run.state.result_state if run.state else None) == "SUCCESS"
    again = await ws.runs.submit(one_off(), idempotency_token="adhoc-1")
    assert again.run_id == run.run_id
    assert emulator.applied["jobs/runs/submit"] == 1


async def test_runs_list_filters_and_checks(ws: Workspace, emulator: Emulator) -> None:
    job_id = await ws.jobs.create(two_task_job())
    other = await ws.jobs.create(two_task_job("other"))
    for _ in range(3):
        await ws.jobs.run_now(job_id)
    await ws.jobs.run_now(other)
    runs = [r async for r in ws.runs.list(job_id=job_id, limit=2)]
    assert len(runs) == 3
    assert {r.job_id for r in runs} == {job_id}
    assert len([r async for r in ws.runs.list(active_only=True)]) == 4
    with pytest.raises(SpecError, match="active_only"):
        ws.runs.list(active_only=True, completed_only=True)
    with pytest.raises(SpecError, match="limit"):
        ws.runs.list(limit=26)


async def test_cancel_all_runs(ws: Workspace, emulator: Emulator) -> None:
    job_id = await ws.jobs.create(two_task_job())
    emulator.script_task("a", duration=10_000)
    started = [await ws.jobs.run_now(job_id) for _ in range(2)]
    await ws.jobs.cancel_all_runs(job_id)
    for run in started:
        with pytest.raises(RunFailed) as caught:
            await ws.runs.wait(run.run_id)
        assert caught.value.outcome.kind.value == "canceled"
    with pytest.raises(SpecError, match="job_id"):
        await ws.jobs.cancel_all_runs()


async def test_run_get_merges_task_pages(ws: Workspace, emulator: Emulator) -> None:
    tasks = [
        Task(task_key=f"t{i}", notebook_task=NotebookTask(notebook_path="/n")) for i in range(130)
    ]
    job_id = await ws.jobs.create(JobSettings(name="wide", tasks=tasks))
    started = await ws.jobs.run_now(job_id)
    before = len(emulator.requests_to("runs/get"))
    run = await ws.runs.get(started.run_id)
    assert len(run.tasks or []) == 130
    assert len(emulator.requests_to("runs/get")) - before == 2


async def test_delete_run(ws: Workspace) -> None:
    run = await ws.runs.submit_and_wait(one_off())
    await ws.runs.delete(run.run_id)
    with pytest.raises(Exception, match="does not exist"):
        await ws.runs.get(run.run_id)
