"""What the service refuses, refused with its words: no task, no compute, shared clusters."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from databricks_jobs.testing import Emulator, VirtualClock

from .conftest import TOKEN, Api, task

pytestmark = pytest.mark.anyio

NO_COMPUTE = "One of job_cluster_key, new_cluster, or existing_cluster_id must be specified."
NO_TASKS = "At least one task must be specified."
SHARED = "Shared job cluster feature is only supported in multi-task jobs."
CLUSTER = {"spark_version": "16.4.x-scala2.12", "node_type_id": "m5a.large", "num_workers": 1}


@pytest.fixture
async def classic(clock: VirtualClock, anyio_backend: str) -> AsyncIterator[Api]:
    """A client of a workspace without serverless compute, over loopback."""
    emulator = Emulator(clock, serverless=False)
    async with (
        emulator.serve() as url,
        httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}) as client,
    ):
        yield Api(client)


def _refusal(response: httpx.Response) -> tuple[int, str, str]:
    body = response.json()
    assert body["details"][0]["@type"] == "type.googleapis.com/google.rpc.RequestInfo"
    return response.status_code, body["error_code"], body["message"]


@pytest.mark.parametrize("version", ["2.0", "2.1", "2.2"])
async def test_a_submit_without_tasks_is_refused(
    api: Api, emulator: Emulator, version: str
) -> None:
    for body in ({}, {"run_name": "nothing", "tasks": []}, {"existing_cluster_id": "c-1"}):
        response = await api.post(f"/api/{version}/jobs/runs/submit", body)
        assert _refusal(response) == (400, "INVALID_PARAMETER_VALUE", NO_TASKS)
    assert emulator.applied["jobs/runs/submit"] == 0
    assert "runs" not in await api.ok("GET", "/api/2.2/jobs/runs/list")


async def test_without_serverless_an_empty_submit_asks_for_compute(
    classic: Api, emulator: Emulator
) -> None:
    """The body databricks/cli issue 838 sent to 2.1 runs/submit, and the 400 it got."""
    response = await classic.post(
        "/api/2.1/jobs/runs/submit", {"run_name": "test", "timeout_seconds": 3600}
    )
    assert _refusal(response) == (400, "INVALID_PARAMETER_VALUE", NO_COMPUTE)
    with_cluster = await classic.post("/api/2.1/jobs/runs/submit", {"existing_cluster_id": "c"})
    assert _refusal(with_cluster)[2] == NO_TASKS


NOTEBOOK_TASK = {"notebook_path": "/n"}
EACH = {"inputs": "[1]", "task": {"task_key": "inner", "notebook_task": NOTEBOOK_TASK}}


@pytest.mark.parametrize(
    "body",
    [
        {"name": "j", "tasks": [{"task_key": "a", "notebook_task": NOTEBOOK_TASK}]},
        {"name": "j", "tasks": [{"task_key": "a", "spark_python_task": {"python_file": "x"}}]},
        {"name": "j", "tasks": [{"task_key": "a", "for_each_task": EACH}]},
        {"run_name": "legacy", "notebook_task": NOTEBOOK_TASK},
    ],
)
async def test_without_serverless_a_task_needs_its_compute(
    classic: Api, body: dict[str, Any]
) -> None:
    for path in ("/api/2.2/jobs/create", "/api/2.2/jobs/runs/submit"):
        response = await classic.post(path, body)
        assert _refusal(response) == (400, "INVALID_PARAMETER_VALUE", NO_COMPUTE), path


async def test_without_serverless_named_compute_and_warehouses_pass(classic: Api) -> None:
    clusters = [{"job_cluster_key": "shared", "new_cluster": CLUSTER}]
    inner = {"task_key": "inner", "notebook_task": NOTEBOOK_TASK, "existing_cluster_id": "c"}
    tasks = [
        task("existing", existing_cluster_id="c-1"),
        task("new", new_cluster=CLUSTER),
        task("shared", job_cluster_key="shared"),
        {"task_key": "sql", "sql_task": {"warehouse_id": "w", "query": {"query_id": "q"}}},
        {"task_key": "wh", "notebook_task": {"notebook_path": "/n", "warehouse_id": "w"}},
        {"task_key": "other_job", "run_job_task": {"job_id": 1}},
        {"task_key": "check", "condition_task": {"op": "EQUAL_TO", "left": "1", "right": "1"}},
        {"task_key": "each", "for_each_task": {"inputs": "[1]", "task": inner}},
    ]
    created = await classic.post(
        "/api/2.2/jobs/create", {"name": "ok", "job_clusters": clusters, "tasks": tasks}
    )
    assert created.status_code == 200, created.text


async def test_serverless_is_the_default(api: Api, emulator: Emulator, clock: VirtualClock) -> None:
    assert emulator.serverless is True
    run_id = (await api.ok("POST", "/api/2.2/jobs/runs/submit", {"tasks": [task("a")]}))["run_id"]
    clock.advance(60)
    assert (await api.run(run_id))["state"]["result_state"] == "SUCCESS"


async def test_shared_job_clusters_need_tasks(api: Api) -> None:
    clusters = [{"job_cluster_key": "key", "new_cluster": CLUSTER}]
    refused = await api.post("/api/2.2/jobs/create", {"name": "foo", "job_clusters": clusters})
    assert _refusal(refused) == (400, "INVALID_PARAMETER_VALUE", SHARED)


async def test_a_job_without_tasks_can_be_created(api: Api) -> None:
    """A create without tasks is accepted, as the service accepts it.

    Its 400 for a task-less create with job clusters is about the clusters, not about missing
    tasks (databricks/cli acceptance test bundle/resources/jobs/create-error).
    """
    created = await api.ok("POST", "/api/2.2/jobs/create", {"name": "empty"})
    job = await api.ok("GET", "/api/2.2/jobs/get", job_id=created["job_id"])
    assert "tasks" not in job["settings"]
