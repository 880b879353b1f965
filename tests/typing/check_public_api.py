"""The public API used the way users write it: type-checked with mypy --strict, never run.

``mypy --strict tests/typing`` must pass; ``typing.assert_type`` pins the types users see.
The file name does not match ``test_*.py``, so pytest does not collect it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, assert_type

import anyio
import httpx

from databricks_jobs import (
    AccessToken,
    ApiError,
    ConcurrentRunsLimit,
    DatabricksError,
    NotFound,
    OutcomeKind,
    OutcomeUnknown,
    Page,
    Paginator,
    PoolLimits,
    RateLimited,
    RateLimits,
    RetryPolicy,
    RunFailed,
    RunOutcome,
    SpecError,
    StartedRun,
    Timeouts,
    VirtualClock,
    WaitTimeout,
    Workspace,
    bulk,
    from_dict,
    from_json,
    run_outcome,
    to_dict,
    to_json,
    validate,
)
from databricks_jobs.models import (
    AutoScale,
    AwsAttributes,
    BaseJob,
    BaseRun,
    ClusterSpec,
    CronSchedule,
    ExportRunOutput,
    Job,
    JobAccessControlRequest,
    JobCluster,
    JobPermissions,
    JobSettings,
    NotebookTask,
    QueueSettings,
    Run,
    RunNow,
    RunOutput,
    SubmitRun,
    SubmitTask,
    Task,
    TaskDependency,
)
from databricks_jobs.testing import DEFAULT_TOKEN, Emulator, EmulatorTransport, TaskScript

# --- building a Workspace ---------------------------------------------------------------------


async def token_provider() -> AccessToken:
    return AccessToken("token", expires_in=3600)


workspaces = [
    Workspace(host="https://example.cloud.databricks.com", token="dapi..."),
    Workspace.from_env(),
    Workspace.from_profile("prod"),
    Workspace(host="https://h", client_id="id", client_secret="secret"),
    Workspace(host="https://h", token_provider=token_provider),
    Workspace(
        host="https://h",
        token="t",
        timeouts=Timeouts(connect=5, read=timedelta(seconds=30), total=None),
        limits=PoolLimits(max_connections=50),
        retry=RetryPolicy(attempts=3, budget=timedelta(minutes=1)),
        rate_limits=RateLimits(per_endpoint={"jobs/run-now": 50}),
        transport="httpx",
        clock=VirtualClock(),
    ),
    Workspace.from_env(rate_limits=RateLimits.unlimited(), retry=RetryPolicy.never()),
]
assert_type(workspaces[0].host, str)

# --- models -----------------------------------------------------------------------------------

cluster = ClusterSpec(
    spark_version="16.4.x-scala2.12",
    node_type_id="m5a.large",
    num_workers=2,
    aws_attributes=AwsAttributes(ebs_volume_size=32),
)
autoscaled = ClusterSpec(spark_version="16.4.x", autoscale=AutoScale(min_workers=1, max_workers=4))
settings = JobSettings(
    name="nightly",
    job_clusters={"shared": cluster, "big": autoscaled},
    tasks=[
        Task(
            task_key="a", job_cluster_key="shared", notebook_task=NotebookTask(notebook_path="/n")
        ),
        Task(
            task_key="b",
            job_cluster_key="shared",
            notebook_task=NotebookTask(notebook_path="/n"),
            depends_on=["a"],
        ),
        Task(
            task_key="c",
            job_cluster_key="big",
            notebook_task=NotebookTask(notebook_path="/n", base_parameters={"day": "today"}),
            depends_on=["a", TaskDependency(task_key="b")],
        ),
    ],
    schedule=CronSchedule(
        quartz_cron_expression="0 0 9 * * ?", timezone_id="UTC", pause_status="PAUSED"
    ),
    queue=QueueSettings(enabled=True),
    max_concurrent_runs=5,
)
as_list = JobSettings(job_clusters=[JobCluster(job_cluster_key="shared", new_cluster=cluster)])
one_time = SubmitRun(
    run_name="once",
    tasks=[SubmitTask(task_key="x", notebook_task=NotebookTask(notebook_path="/n"))],
)
validate(settings)
validate(one_time)
validate(settings.tasks or [])

body = to_dict(settings)
assert_type(body, dict[str, Any])
assert_type(from_dict(JobSettings, body), JobSettings)
assert_type(to_json(settings), str)
assert_type(from_json(Job, '{"job_id": 1}'), Job)

# --- jobs and runs ----------------------------------------------------------------------------


async def jobs_and_runs(ws: Workspace) -> None:
    job_id = await ws.jobs.create(settings)
    assert_type(job_id, int)
    assert_type(await ws.jobs.get(job_id), Job)
    listing = ws.jobs.list(name="nightly", limit=100, max_items=500)
    assert_type(listing, Paginator[BaseJob])
    async for job in listing:
        assert_type(job, BaseJob)
        assert_type(job.job_id, int | None)
    async for page in ws.jobs.list().pages():
        assert_type(page, Page[BaseJob])
    assert_type(await ws.jobs.list(max_items=10).to_list(), list[BaseJob])
    await ws.jobs.update(job_id, new_settings=JobSettings(name="renamed"), fields_to_remove=["x"])
    await ws.jobs.reset(job_id, settings)

    started = await ws.jobs.run_now(job_id, job_parameters={"day": "2026-11-25"}, only=["a"])
    assert_type(started, StartedRun)
    assert_type(started.run_id, int)
    assert_type(started.idempotency_token, str)
    again = await ws.jobs.run_now(job_id, idempotency_token=started.idempotency_token)
    assert_type(again.run_id, int)
    assert_type(await ws.runs.submit(one_time), StartedRun)

    run = await ws.runs.get(started.run_id, include_history=True)
    assert_type(run, Run)
    async for listed in ws.runs.list(job_id=job_id, active_only=True, limit=25):
        assert_type(listed, BaseRun)
    outcome = run_outcome(run)
    assert_type(outcome, RunOutcome)
    assert_type(outcome.kind, OutcomeKind)
    assert_type(outcome.finished, bool)
    assert_type(outcome.describe(), str)

    def show(polled: Run) -> None:
        print(run_outcome(polled).describe())

    async def show_async(polled: Run) -> None:
        print(polled.run_id)

    try:
        done = await ws.runs.wait(
            started.run_id, timeout=timedelta(hours=1), poll=5, on_update=show
        )
        assert_type(done, Run)
    except RunFailed as failed:
        assert_type(failed.failed_tasks, dict[str, str | None])
        assert_type(failed.run, Run)
        assert_type(failed.outcome, RunOutcome | None)
        repair_id = await ws.runs.repair(started.run_id, rerun_all_failed_tasks=True)
        assert_type(repair_id, int)
        done = await ws.runs.repair_and_wait(
            started.run_id, rerun_tasks=["b"], on_update=show_async
        )
    except WaitTimeout as timed_out:
        assert_type(timed_out.run, Run | None)
        done = await ws.runs.cancel_and_wait(started.run_id)
    assert_type(await ws.jobs.run_now_and_wait(job_id, timeout=3600), Run)
    assert_type(await ws.runs.submit_and_wait(one_time, raise_on_failure=False), Run)
    tasks = done.tasks or []
    assert_type(await ws.runs.get_output(tasks[0].run_id or 0), RunOutput)
    assert_type(await ws.runs.export(tasks[0].run_id or 0), ExportRunOutput)
    await ws.runs.cancel(started.run_id)
    await ws.runs.delete(started.run_id)
    await ws.jobs.cancel_all_runs(job_id)

    acl = [JobAccessControlRequest(group_name="users", permission_level="CAN_VIEW")]
    assert_type(await ws.jobs.get_permissions(job_id), JobPermissions)
    assert_type(await ws.jobs.update_permissions(job_id, acl), JobPermissions)
    await ws.jobs.delete(job_id)

    with ws.dry_run() as requests:
        await ws.jobs.create(settings)
    assert_type(requests, list[httpx.Request])
    assert_type(await ws.request("GET", "/api/2.2/jobs/list", query={"limit": 5}), dict[str, Any])


# --- errors -----------------------------------------------------------------------------------


async def errors(ws: Workspace) -> None:
    try:
        await ws.jobs.get(1)
    except NotFound as missing:
        assert_type(missing.status, int)
        assert_type(missing.error_code, str | None)
        assert_type(missing.request_id, str | None)
    except RateLimited as throttled:
        assert_type(throttled.retry_after, float | None)
    except ConcurrentRunsLimit:
        pass
    except ApiError as api_error:
        assert_type(api_error.message, str)
        assert_type(api_error.raw, bytes)
    except OutcomeUnknown as unknown:
        assert_type(unknown.error, DatabricksError)
    except SpecError as spec_error:
        assert_type(spec_error.field, str | None)


# --- bulk -------------------------------------------------------------------------------------


async def bulk_operations(ws: Workspace, job_ids: list[int]) -> None:
    requests = bulk.with_tokens(RunNow(job_id=j, job_parameters={"d": "1"}) for j in job_ids)
    assert_type(requests, list[RunNow])
    results = await bulk.run_now(ws, requests, concurrency=32, on_progress=print)
    assert_type(results, list[bulk.BulkResult[RunNow]])
    started = [r.run.run_id for r in results if r.run is not None]
    failed = [r.error for r in results if not r.ok]
    assert_type(failed, list[DatabricksError | None])
    assert_type(await bulk.run_now(ws, job_ids), list[bulk.BulkResult[RunNow]])
    assert_type(await bulk.submit(ws, [one_time]), list[bulk.BulkResult[SubmitRun]])

    batch = bulk.run_now_batch(ws, requests, concurrency=8)
    with anyio.move_on_after(60):
        await batch.run()
    assert_type(batch.unfinished, list[bulk.BulkResult[RunNow]])
    assert_type(batch.progress(), bulk.Progress)
    assert_type(batch.results[0].state, bulk.ItemState)

    async for finished in bulk.wait(ws, started, poll=10, timeout=timedelta(hours=2)):
        assert_type(finished, bulk.FinishedRun)
        assert_type(finished.outcome, RunOutcome | None)
        assert_type(finished.succeeded, bool)
    assert_type(bulk.poll_cost(1000, 10), int)


# --- the emulator -----------------------------------------------------------------------------


async def with_the_emulator() -> None:
    clock = VirtualClock()
    emulator = Emulator(clock)
    script = emulator.script_task("b", outcome="FAILED", error="bad row", duration=7200)
    assert_type(script, TaskScript)
    emulator.faults.add("503", path="jobs/run-now", rate=0.5)
    transport = emulator.transport()
    assert_type(transport, EmulatorTransport)
    async with Workspace(
        host="https://emulator.local", token=DEFAULT_TOKEN, transport=transport, clock=clock
    ) as ws:
        job_id = await ws.jobs.create(settings)
        await ws.jobs.run_now(job_id)
    async with emulator.serve() as url, Workspace(host=url, token=emulator.token) as ws:
        assert_type(url, str)
        await ws.jobs.list().to_list()
    assert_type(emulator.applied["jobs/run-now"], int)
    clock.advance(60)


if __name__ == "__main__":
    anyio.run(with_the_emulator)
