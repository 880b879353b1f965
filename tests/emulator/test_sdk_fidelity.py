"""The official databricks-sdk works against the emulator server unchanged."""

from __future__ import annotations

import datetime
import json

import databricks.sdk as sdk
import databricks.sdk.service.jobs as sdk_jobs

from databricks_jobs.testing import Emulator, ScaledClock, Timings, VirtualClock

from .conftest import TOKEN


def test_official_sdk_create_list_get_run_output_cancel_delete() -> None:
    emulator = Emulator(ScaledClock(speed=50), timings=Timings(setup=1, task=5, cleanup=1))
    emulator.script_task("b", result="done")
    wait = datetime.timedelta(seconds=60)
    with emulator.serve_in_thread() as url:
        w = sdk.WorkspaceClient(host=url, token=TOKEN, auth_type="pat")
        notebook = sdk_jobs.NotebookTask(notebook_path="/Shared/etl")
        created = w.jobs.create(
            name="sdk",
            tasks=[
                sdk_jobs.Task(task_key="a", notebook_task=notebook),
                sdk_jobs.Task(
                    task_key="b",
                    notebook_task=notebook,
                    depends_on=[sdk_jobs.TaskDependency(task_key="a")],
                ),
            ],
        )
        assert [j.job_id for j in w.jobs.list(name="sdk")] == [created.job_id]
        job = w.jobs.get(created.job_id)
        assert job.settings is not None
        assert [t.task_key for t in job.settings.tasks or []] == ["a", "b"]
        run = w.jobs.run_now(created.job_id).result(timeout=wait)
        assert run.state is not None
        assert run.state.result_state == sdk_jobs.RunResultState.SUCCESS
        assert run.status is not None
        assert run.status.state == sdk_jobs.RunLifecycleStateV2State.TERMINATED
        b_run = next(t for t in run.tasks or [] if t.task_key == "b")
        output = w.jobs.get_run_output(b_run.run_id)
        assert output.notebook_output is not None
        assert output.notebook_output.result == "done"
        emulator.script_task(outcome="HANG")
        second = w.jobs.run_now(created.job_id)
        cancelled = w.jobs.cancel_run(second.run_id).result(timeout=wait)
        assert cancelled.state is not None
        assert cancelled.state.result_state == sdk_jobs.RunResultState.CANCELED
        w.jobs.delete(created.job_id)
        assert list(w.jobs.list()) == []
    paths = [r.path for r in emulator.requests]
    assert "/.well-known/databricks-config" in paths
    assert all(r.status is not None and r.status < 500 for r in emulator.requests)


def test_official_sdk_merges_the_array_pages() -> None:
    clock = VirtualClock()
    emulator = Emulator(clock)
    notebook = sdk_jobs.NotebookTask(notebook_path="/n")
    with emulator.serve_in_thread() as url:
        w = sdk.WorkspaceClient(host=url, token=TOKEN, auth_type="pat")
        created = w.jobs.create(
            name="big",
            tasks=[sdk_jobs.Task(task_key=f"t{i}", notebook_task=notebook) for i in range(250)],
            parameters=[
                sdk_jobs.JobParameterDefinition(name=f"p{i}", default="") for i in range(120)
            ],
        )
        job = w.jobs.get(created.job_id)
        assert len(job.settings.tasks) == 250
        assert len(job.settings.parameters) == 120
        assert len(next(iter(w.jobs.list(expand_tasks=True))).settings.tasks) == 250
        started = w.jobs.run_now(created.job_id)
        clock.advance(100)
        run = w.jobs.get_run(started.run_id)
        assert len(run.tasks) == 250
        assert len(run.job_parameters) == 120
        assert len(next(iter(w.jobs.list_runs(expand_tasks=True))).tasks) == 250
        loop = sdk_jobs.ForEachTask(
            inputs=json.dumps(list(range(230))),
            task=sdk_jobs.Task(task_key="inner", notebook_task=notebook),
            concurrency=50,
        )
        fe = w.jobs.create(name="fe", tasks=[sdk_jobs.Task(task_key="loop", for_each_task=loop)])
        fe_run = w.jobs.run_now(fe.job_id)
        clock.advance(1000)
        loop_run_id = w.jobs.get_run(fe_run.run_id).tasks[0].run_id
        loop_run = w.jobs.get_run(loop_run_id)
        assert len(loop_run.iterations) == 230
        assert [t.task_key for t in loop_run.tasks] == ["loop"]
