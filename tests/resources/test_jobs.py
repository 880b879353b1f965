"""ws.jobs end to end against the emulator over loopback sockets."""

from __future__ import annotations

import json

import attrs
import pytest

from databricks_jobs import InvalidParameterValue, NotFound, SpecError, Workspace
from databricks_jobs.models import (
    JobAccessControlRequest,
    JobPermissionLevel,
    JobPermissions,
    JobSettings,
    NotebookTask,
    Task,
)
from databricks_jobs.testing import Emulator

from .specs import notebook, two_task_job

pytestmark = pytest.mark.anyio


async def test_create_get_and_list(ws: Workspace, emulator: Emulator) -> None:
    job_id = await ws.jobs.create(two_task_job())
    job = await ws.jobs.get(job_id)
    assert job.job_id == job_id
    assert job.settings is not None
    assert job.settings.name == "nightly"
    assert [t.task_key for t in job.settings.tasks or []] == ["a", "b"]
    assert job.settings.tasks is not None
    assert [d.task_key for d in job.settings.tasks[1].depends_on or []] == ["a"]
    listed = [j async for j in ws.jobs.list(name="NIGHTLY")]
    assert [j.job_id for j in listed] == [job_id]


async def test_list_follows_page_tokens_lazily(ws: Workspace, emulator: Emulator) -> None:
    ids = [await ws.jobs.create(two_task_job(f"job-{i}")) for i in range(7)]
    before = len(emulator.requests_to("jobs/list"))
    listing = ws.jobs.list(limit=2)
    assert len(emulator.requests_to("jobs/list")) == before  # nothing sent yet
    seen = [job.job_id async for job in listing]
    assert sorted(seen) == sorted(ids)
    pages = emulator.requests_to("jobs/list")[before:]
    assert len(pages) == 4
    assert all(r.query.get("limit") == "2" for r in pages)
    assert "page_token" not in pages[0].query
    assert all("page_token" in r.query and "offset" not in r.query for r in pages[1:])


async def test_list_max_items_and_pages(ws: Workspace, emulator: Emulator) -> None:
    for i in range(5):
        await ws.jobs.create(two_task_job(f"job-{i}"))
    assert len([j async for j in ws.jobs.list(limit=2, max_items=3)]) == 3
    sizes = [len(page.items) async for page in ws.jobs.list(limit=2).pages()]
    assert sizes == [2, 2, 1]


@pytest.mark.parametrize("limit", [0, 101, -1])
async def test_list_limit_is_checked_before_sending(
    ws: Workspace, emulator: Emulator, limit: int
) -> None:
    with pytest.raises(SpecError, match="limit"):
        ws.jobs.list(limit=limit)
    assert emulator.requests_to("jobs/list") == []


async def test_get_merges_array_pages(ws: Workspace, emulator: Emulator) -> None:
    tasks = [
        Task(task_key=f"t{i}", notebook_task=NotebookTask(notebook_path="/n")) for i in range(150)
    ]
    job_id = await ws.jobs.create(JobSettings(name="wide", tasks=tasks))
    job = await ws.jobs.get(job_id)
    assert job.settings is not None
    assert [t.task_key for t in job.settings.tasks or []] == [f"t{i}" for i in range(150)]
    assert len(emulator.requests_to("jobs/get")) == 2


async def test_expand_tasks_fetches_cut_jobs_whole(ws: Workspace, emulator: Emulator) -> None:
    tasks = [
        Task(task_key=f"t{i}", notebook_task=NotebookTask(notebook_path="/n")) for i in range(120)
    ]
    await ws.jobs.create(JobSettings(name="wide", tasks=tasks))
    (job,) = [j async for j in ws.jobs.list(expand_tasks=True)]
    assert job.settings is not None
    assert len(job.settings.tasks or []) == 120


async def test_unknown_fields_survive_get_then_reset(ws: Workspace, emulator: Emulator) -> None:
    created = await ws.request(
        "POST",
        "/api/2.2/jobs/create",
        body={
            "name": "future",
            "x_future_setting": {"nested": [1, 2]},
            "tasks": [
                {
                    "task_key": "a",
                    "notebook_task": {"notebook_path": "/n", "x_task_field": True},
                }
            ],
        },
    )
    job_id = created["job_id"]
    job = await ws.jobs.get(job_id)
    assert job.settings is not None
    await ws.jobs.reset(job_id, job.settings)
    (reset,) = emulator.requests_to("jobs/reset")
    sent = reset.body["new_settings"]
    assert sent["x_future_setting"] == {"nested": [1, 2]}
    assert sent["tasks"][0]["notebook_task"]["x_task_field"] is True
    assert emulator.job_settings(job_id)["x_future_setting"] == {"nested": [1, 2]}


async def test_update_and_fields_to_remove(ws: Workspace, emulator: Emulator) -> None:
    job_id = await ws.jobs.create(two_task_job())
    await ws.jobs.update(
        job_id,
        new_settings=JobSettings(max_concurrent_runs=3, tasks=[notebook("c", "a")]),
        fields_to_remove=["tasks/b"],
    )
    settings = (await ws.jobs.get(job_id)).settings
    assert settings is not None
    assert settings.max_concurrent_runs == 3
    assert [t.task_key for t in settings.tasks or []] == ["a", "c"]


async def test_delete_then_get_is_not_found(ws: Workspace) -> None:
    job_id = await ws.jobs.create(two_task_job())
    await ws.jobs.delete(job_id)
    with pytest.raises(NotFound, match=f"Job {job_id} does not exist"):
        await ws.jobs.get(job_id)


async def test_invalid_spec_never_reaches_the_server(ws: Workspace, emulator: Emulator) -> None:
    spec = attrs.evolve(two_task_job(), tasks=[notebook("a", "missing")])
    with pytest.raises(SpecError, match=r"tasks\[0\]\.depends_on"):
        await ws.jobs.create(spec)
    assert emulator.requests_to("jobs/create") == []


async def test_dry_run_captures_without_sending(ws: Workspace, emulator: Emulator) -> None:
    with ws.dry_run() as requests:
        await ws.jobs.create(two_task_job())
        pytest.fail("the call must stop at the point of sending")  # pragma: no cover
    (request,) = requests
    assert request.method == "POST"
    assert request.url.path == "/api/2.2/jobs/create"
    assert json.loads(request.content)["name"] == "nightly"
    assert "authorization" not in request.headers
    assert emulator.requests_to("jobs/create") == []
    assert await ws.jobs.create(two_task_job()) > 0  # the block ended: calls are sent again


def principals(permissions: JobPermissions) -> set[str]:
    return {
        a.group_name or a.user_name or a.service_principal_name or ""
        for a in permissions.access_control_list or []
    }


async def test_permissions_replace_and_merge(ws: Workspace) -> None:
    job_id = await ws.jobs.create(two_task_job())
    analysts = JobAccessControlRequest(group_name="analysts", permission_level="CAN_VIEW")
    viewers = JobAccessControlRequest(group_name="viewers", permission_level="CAN_VIEW")
    ops = JobAccessControlRequest(
        user_name="ops@example.com", permission_level=JobPermissionLevel.CAN_MANAGE_RUN
    )
    assert "analysts" in principals(await ws.jobs.set_permissions(job_id, [analysts]))
    replaced = principals(await ws.jobs.set_permissions(job_id, [viewers]))
    assert "viewers" in replaced
    assert "analysts" not in replaced  # PUT replaces the direct grants
    merged = principals(await ws.jobs.update_permissions(job_id, [ops]))
    assert {"viewers", "ops@example.com"} <= merged  # PATCH keeps the others
    assert principals(await ws.jobs.get_permissions(job_id)) == merged
    levels = {lvl.permission_level for lvl in await ws.jobs.get_permission_levels(job_id)}
    assert {"CAN_VIEW", "CAN_MANAGE_RUN", "CAN_MANAGE", "IS_OWNER"} <= levels


async def test_policy_compliance(ws: Workspace, emulator: Emulator) -> None:
    job_id = await ws.jobs.create(two_task_job())
    assert (await ws.jobs.get_compliance(job_id)).is_compliant is True
    emulator.violate_policy(job_id, {"spark_version": "must be 15.4"})
    compliance = await ws.jobs.get_compliance(job_id)
    assert compliance.is_compliant is False
    assert compliance.violations == {"spark_version": "must be 15.4"}
    enforced = await ws.jobs.enforce_compliance(job_id, validate_only=True)
    assert enforced.has_changes is not None


async def test_ids_are_checked(ws: Workspace) -> None:
    with pytest.raises(SpecError, match="job_id"):
        await ws.jobs.get(0)
    with pytest.raises(SpecError, match="job_id"):
        await ws.jobs.run_now(True)  # type: ignore[arg-type]


async def test_missing_job_on_run_now(ws: Workspace) -> None:
    with pytest.raises((NotFound, InvalidParameterValue)):
        await ws.jobs.run_now(987654)
