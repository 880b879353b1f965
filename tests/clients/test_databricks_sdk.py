"""The official databricks-sdk (pinned in noxfile.py) against the served emulator, unchanged.

One test per step of the scenario of issue 19; each builds what it needs on a fresh emulator.
"""

from __future__ import annotations

import datetime

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import InvalidParameterValue, ResourceDoesNotExist
from databricks.sdk.service import compute
from databricks.sdk.service import jobs as j

from databricks_jobs.testing import Emulator

WAIT = datetime.timedelta(seconds=60)
NOTEBOOK = j.NotebookTask(notebook_path="/Shared/etl")
CLUSTER = compute.ClusterSpec(spark_version="16.4.x-scala2.12", node_type_id="m5a.large")


@pytest.fixture
def w(url: str, emulator: Emulator) -> WorkspaceClient:
    return WorkspaceClient(host=url, token=emulator.token, auth_type="pat")


def chain(*keys: str) -> list[j.Task]:
    """Tasks on the shared job cluster, each depending on the one before."""
    return [
        j.Task(
            task_key=key,
            job_cluster_key="shared",
            notebook_task=NOTEBOOK,
            depends_on=[j.TaskDependency(task_key=keys[i - 1])] if i else None,
        )
        for i, key in enumerate(keys)
    ]


def create(w: WorkspaceClient, name: str = "nightly", *keys: str) -> int:
    created = w.jobs.create(
        name=name,
        job_clusters=[j.JobCluster(job_cluster_key="shared", new_cluster=CLUSTER)],
        tasks=chain(*(keys or ("a", "b"))),
    )
    assert created.job_id is not None
    return created.job_id


def test_jobs_create_with_job_clusters(w: WorkspaceClient) -> None:
    job = w.jobs.get(create(w))
    assert job.settings is not None
    clusters = job.settings.job_clusters or []
    assert [c.job_cluster_key for c in clusters] == ["shared"]
    assert clusters[0].new_cluster is not None
    assert clusters[0].new_cluster.node_type_id == "m5a.large"
    assert [t.task_key for t in job.settings.tasks or []] == ["a", "b"]
    assert job.settings.format == j.Format.MULTI_TASK
    assert job.creator_user_name == "emulator@example.com"


def test_jobs_list_pages_past_25_with_expand_tasks(w: WorkspaceClient, emulator: Emulator) -> None:
    ids = [create(w, f"job-{i:02d}") for i in range(30)]
    listed = list(w.jobs.list(expand_tasks=True, limit=10))
    assert sorted(job.job_id for job in listed) == sorted(ids)
    assert all(len(job.settings.tasks or []) == 2 for job in listed if job.settings)
    assert len(emulator.requests_to("jobs/list")) == 3  # three pages of 10
    assert [job.job_id for job in w.jobs.list(name="job-07")] == [ids[7]]


def test_jobs_get_of_a_150_task_job_merges_its_pages(
    w: WorkspaceClient, emulator: Emulator
) -> None:
    job_id = create(w, "wide", *(f"t{i:03d}" for i in range(150)))
    job = w.jobs.get(job_id)
    assert job.settings is not None
    assert [t.task_key for t in job.settings.tasks or []] == [f"t{i:03d}" for i in range(150)]
    assert len(emulator.requests_to("jobs/get")) == 2  # 100 tasks, then the next page


def test_jobs_update_and_reset(w: WorkspaceClient) -> None:
    job_id = create(w)
    w.jobs.update(
        job_id,
        new_settings=j.JobSettings(max_concurrent_runs=3, tags={"team": "data"}),
    )
    updated = w.jobs.get(job_id).settings
    assert updated is not None
    assert (updated.name, updated.max_concurrent_runs) == ("nightly", 3)
    assert updated.tags == {"team": "data"}
    w.jobs.update(job_id, fields_to_remove=["tags"])
    assert w.jobs.get(job_id).settings.tags is None
    w.jobs.reset(
        job_id,
        new_settings=j.JobSettings(
            name="reset",
            job_clusters=[j.JobCluster(job_cluster_key="shared", new_cluster=CLUSTER)],
            tasks=chain("only"),
        ),
    )
    reset = w.jobs.get(job_id).settings
    assert reset is not None
    assert (reset.name, reset.max_concurrent_runs) == ("reset", 1)  # reset replaces it all
    assert [t.task_key for t in reset.tasks or []] == ["only"]


def test_run_now_result_waits_for_the_end(w: WorkspaceClient, emulator: Emulator) -> None:
    emulator.script_task("b", result="42 rows")
    run = w.jobs.run_now(create(w), job_parameters={"day": "2026-11-25"}).result(timeout=WAIT)
    assert run.state is not None
    assert run.state.life_cycle_state == j.RunLifeCycleState.TERMINATED
    assert run.state.result_state == j.RunResultState.SUCCESS
    assert run.status is not None
    assert run.status.state == j.RunLifecycleStateV2State.TERMINATED
    assert [t.task_key for t in run.tasks or []] == ["a", "b"]
    task_b = next(t for t in run.tasks or [] if t.task_key == "b")
    output = w.jobs.get_run_output(task_b.run_id)
    assert output.notebook_output is not None
    assert output.notebook_output.result == "42 rows"
    assert output.metadata is not None
    assert output.metadata.run_id == task_b.run_id


def test_runs_list_active_only_and_completed_only(w: WorkspaceClient, emulator: Emulator) -> None:
    job_id = create(w)
    done = w.jobs.run_now(job_id).result(timeout=WAIT)
    emulator.script_task(outcome="HANG")
    active = w.jobs.run_now(job_id)
    assert [r.run_id for r in w.jobs.list_runs(job_id=job_id, active_only=True)] == [active.run_id]
    assert [r.run_id for r in w.jobs.list_runs(job_id=job_id, completed_only=True)] == [done.run_id]
    assert len(list(w.jobs.list_runs(job_id=job_id))) == 2


def test_runs_list_pages_past_25(w: WorkspaceClient, emulator: Emulator) -> None:
    job_id = create(w)
    w.jobs.update(job_id, new_settings=j.JobSettings(max_concurrent_runs=100))
    started = [w.jobs.run_now(job_id).run_id for _ in range(27)]
    listed = [r.run_id for r in w.jobs.list_runs(job_id=job_id, expand_tasks=True)]
    assert listed == started[::-1]  # newest first, across pages of 20 (the most is 25)
    assert len(emulator.requests_to("jobs/runs/list")) == 2
    with pytest.raises(InvalidParameterValue):
        list(w.jobs.list_runs(active_only=True, completed_only=True))


def test_get_output_of_a_failed_task(w: WorkspaceClient, emulator: Emulator) -> None:
    emulator.script_task("a", outcome="FAILED", error="KeyError: 'day'", error_trace="Traceback")
    run = w.jobs.run_now(create(w, "one", "a")).result(timeout=WAIT, callback=None)
    assert run.state is not None
    assert run.state.result_state == j.RunResultState.FAILED
    output = w.jobs.get_run_output(run.tasks[0].run_id)
    assert (output.error, output.error_trace) == ("KeyError: 'day'", "Traceback")


def test_runs_export(w: WorkspaceClient) -> None:
    run = w.jobs.run_now(create(w, "one", "a")).result(timeout=WAIT)
    exported = w.jobs.export_run(run.tasks[0].run_id, views_to_export=j.ViewsToExport.CODE)
    views = exported.views or []
    assert [v.type for v in views] == [j.ViewType.NOTEBOOK]


def test_cancel_and_cancel_all(w: WorkspaceClient, emulator: Emulator) -> None:
    emulator.script_task(outcome="HANG")
    job_id = create(w)
    w.jobs.update(job_id, new_settings=j.JobSettings(max_concurrent_runs=5))
    first = w.jobs.run_now(job_id)
    cancelled = w.jobs.cancel_run(first.run_id).result(timeout=WAIT)
    assert cancelled.state is not None
    assert cancelled.state.result_state == j.RunResultState.CANCELED
    others = [w.jobs.run_now(job_id).run_id for _ in range(3)]
    w.jobs.cancel_all_runs(job_id=job_id)
    for run_id in others:
        run = w.jobs.wait_get_run_job_terminated_or_skipped(run_id, timeout=WAIT)
        assert run.state is not None
        assert run.state.result_state == j.RunResultState.CANCELED
    assert list(w.jobs.list_runs(job_id=job_id, active_only=True)) == []


def test_repair_reruns_the_failed_task(w: WorkspaceClient, emulator: Emulator) -> None:
    emulator.script_task("b", outcome="FAILED", when=lambda ctx: ctx.repair_number == 0)
    run = w.jobs.run_now(create(w)).result(timeout=WAIT)
    assert run.state is not None
    assert run.state.result_state == j.RunResultState.FAILED
    repaired = w.jobs.repair_run(run.run_id, rerun_all_failed_tasks=True).result(timeout=WAIT)
    assert repaired.state is not None
    assert repaired.state.result_state == j.RunResultState.SUCCESS
    history = w.jobs.get_run(run.run_id, include_history=True).repair_history or []
    assert [h.type for h in history] == [
        j.RepairHistoryItemType.ORIGINAL,
        j.RepairHistoryItemType.REPAIR,
    ]
    second = w.jobs.repair_run(
        run.run_id, rerun_tasks=["a"], latest_repair_id=history[-1].id
    ).result(timeout=WAIT)
    assert second.state is not None
    assert second.state.result_state == j.RunResultState.SUCCESS
    with pytest.raises(InvalidParameterValue):  # a stale latest_repair_id is refused
        w.jobs.repair_run(run.run_id, rerun_tasks=["a"], latest_repair_id=history[-1].id)


def test_delete_job_and_run(w: WorkspaceClient) -> None:
    job_id = create(w)
    run = w.jobs.run_now(job_id).result(timeout=WAIT)
    w.jobs.delete_run(run.run_id)
    # The service answers 400 INVALID_PARAMETER_VALUE "Run N does not exist."; the SDK knows
    # those words and raises ResourceDoesNotExist (databricks/sdk/errors/overrides.py).
    with pytest.raises(ResourceDoesNotExist, match=f"Run {run.run_id} does not exist"):
        w.jobs.get_run(run.run_id)
    w.jobs.delete(job_id)
    with pytest.raises(ResourceDoesNotExist, match=f"Job {job_id} does not exist"):
        w.jobs.get(job_id)
    assert list(w.jobs.list()) == []


def test_submit_twice_with_one_idempotency_token_starts_one_run(
    w: WorkspaceClient, emulator: Emulator
) -> None:
    def submit() -> j.Run:
        return w.jobs.submit(
            run_name="once",
            tasks=[j.SubmitTask(task_key="a", notebook_task=NOTEBOOK, new_cluster=CLUSTER)],
            idempotency_token="nightly-2026-11-25",
        ).result(timeout=WAIT)

    first, second = submit(), submit()
    assert first.run_id == second.run_id
    assert emulator.applied["jobs/runs/submit"] == 1
    assert emulator.applied["jobs/runs/submit:replayed"] == 1
    assert first.state is not None
    assert first.state.result_state == j.RunResultState.SUCCESS


def test_permissions_get_set_and_levels(w: WorkspaceClient) -> None:
    job_id = create(w)
    levels = w.jobs.get_permission_levels(str(job_id)).permission_levels or []
    assert {level.permission_level for level in levels} >= {
        j.JobPermissionLevel.CAN_VIEW,
        j.JobPermissionLevel.CAN_MANAGE_RUN,
        j.JobPermissionLevel.IS_OWNER,
        j.JobPermissionLevel.CAN_MANAGE,
    }
    owner = w.jobs.get_permissions(str(job_id))
    assert owner.object_id == f"/jobs/{job_id}"
    assert any(
        p.permission_level == j.JobPermissionLevel.IS_OWNER
        for acl in owner.access_control_list or []
        for p in acl.all_permissions or []
    )
    w.jobs.set_permissions(
        str(job_id),
        access_control_list=[
            j.JobAccessControlRequest(
                group_name="analysts", permission_level=j.JobPermissionLevel.CAN_VIEW
            )
        ],
    )
    after = w.jobs.get_permissions(str(job_id))
    granted = {
        acl.group_name: [p.permission_level for p in acl.all_permissions or []]
        for acl in after.access_control_list or []
        if acl.group_name
    }
    assert granted["analysts"] == [j.JobPermissionLevel.CAN_VIEW]
