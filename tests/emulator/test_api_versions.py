"""One workspace under /api/2.0, /api/2.1 and /api/2.2, each answering as its version does.

The requests are the ones the legacy databricks-cli 0.18 sends (API 2.0 by default,
``--version=2.1`` otherwise), prefect-databricks (2.1, and 2.0 for runs/export) and Airflow's
``DatabricksSubmitRunOperator`` (a single-task body to 2.2), sent with plain httpx.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from databricks_jobs.testing import Emulator, VirtualClock

from .conftest import NOTEBOOK, Api, task

pytestmark = pytest.mark.anyio

TOO_MANY = "Resources with more than 100 tasks can only be handled by API 2.2 and above"
CLUSTER = {"spark_version": "16.4.x-scala2.12", "node_type_id": "m5a.large", "num_workers": 1}
# A job in the single-task format, as `databricks jobs create --json` sends it under API 2.0.
LEGACY_JOB = {
    "name": "Nightly model training",
    "new_cluster": CLUSTER,
    "libraries": [{"jar": "dbfs:/my-jar.jar"}],
    "email_notifications": {"on_failure": ["me@example.com"]},
    "timeout_seconds": 3600,
    "max_retries": 1,
    "notebook_task": {"notebook_path": "/Users/me/train"},
}


def _tasks(count: int) -> list[dict[str, Any]]:
    return [task(f"t{i:03}") for i in range(count)]


async def test_one_state_behind_three_versions(api: Api, clock: VirtualClock) -> None:
    created = await api.ok("POST", "/api/2.0/jobs/create", {"name": "j", "tasks": [task("a")]})
    job_id = created["job_id"]
    for version in ("2.0", "2.1", "2.2"):
        job = await api.ok("GET", f"/api/{version}/jobs/get", job_id=job_id)
        assert job["settings"]["tasks"][0]["task_key"] == "a"
        assert job["settings"]["format"] == "MULTI_TASK"
    started = await api.ok("POST", "/api/2.1/jobs/run-now", {"job_id": job_id})
    clock.advance(60)
    run = await api.ok("GET", "/api/2.0/jobs/runs/get", run_id=started["run_id"])
    assert run["state"]["result_state"] == "SUCCESS"
    assert run["tasks"][0]["task_key"] == "a"
    listed = await api.ok("GET", "/api/2.2/jobs/runs/list", job_id=job_id)
    assert [r["run_id"] for r in listed["runs"]] == [started["run_id"]]


async def test_api_2_0_keeps_a_single_task_job_in_its_format(api: Api) -> None:
    job_id = (await api.ok("POST", "/api/2.0/jobs/create", LEGACY_JOB))["job_id"]
    legacy = (await api.ok("GET", "/api/2.0/jobs/get", job_id=job_id))["settings"]
    assert legacy["format"] == "SINGLE_TASK"
    assert "tasks" not in legacy
    for field in ("new_cluster", "libraries", "max_retries", "email_notifications"):
        assert legacy[field] == LEGACY_JOB[field]
    assert legacy["notebook_task"]["notebook_path"] == "/Users/me/train"
    assert legacy["timeout_seconds"] == 3600
    for version in ("2.1", "2.2"):
        settings = (await api.ok("GET", f"/api/{version}/jobs/get", job_id=job_id))["settings"]
        assert settings["format"] == "MULTI_TASK"
        (only,) = settings["tasks"]
        assert only["task_key"] == "Nightly_model_training"
        assert only["new_cluster"] == CLUSTER
        assert only["libraries"] == LEGACY_JOB["libraries"]
        assert only["max_retries"] == 1
        assert "new_cluster" not in settings
        assert settings["timeout_seconds"] == 3600
        assert settings["email_notifications"] == LEGACY_JOB["email_notifications"]


async def test_api_2_0_lists_every_job_at_once_without_multi_task_details(api: Api) -> None:
    for i in range(23):
        await api.create_job(name=f"multi{i:02}", tasks=[task("a"), task("b", "a")])
    await api.ok("POST", "/api/2.0/jobs/create", LEGACY_JOB)
    listed = await api.ok("GET", "/api/2.0/jobs/list")
    assert len(listed["jobs"]) == 24
    assert "next_page_token" not in listed
    assert "has_more" not in listed
    multi = listed["jobs"][0]["settings"]
    assert multi["format"] == "MULTI_TASK"
    assert "tasks" not in multi
    single = listed["jobs"][-1]["settings"]
    assert single["format"] == "SINGLE_TASK"
    assert single["notebook_task"]["notebook_path"] == "/Users/me/train"
    assert "run_as_user_name" not in listed["jobs"][0]
    paged = await api.ok("GET", "/api/2.2/jobs/list")
    assert len(paged["jobs"]) == 20
    assert "next_page_token" in paged


async def test_a_single_task_run_under_each_version(api: Api, clock: VirtualClock) -> None:
    job_id = (await api.ok("POST", "/api/2.0/jobs/create", LEGACY_JOB))["job_id"]
    run_id = (await api.ok("POST", "/api/2.0/jobs/run-now", {"job_id": job_id}))["run_id"]
    clock.advance(60)
    legacy = await api.ok("GET", "/api/2.0/jobs/runs/get", run_id=run_id)
    assert "tasks" not in legacy
    assert legacy["task"] == {
        "notebook_task": {"notebook_path": "/Users/me/train", "source": "WORKSPACE"}
    }
    assert legacy["cluster_spec"] == {
        "new_cluster": CLUSTER,
        "libraries": LEGACY_JOB["libraries"],
    }
    assert legacy["cluster_instance"]["cluster_id"]
    assert legacy["format"] == "SINGLE_TASK"
    assert legacy["state"]["result_state"] == "SUCCESS"
    current = await api.ok("GET", "/api/2.2/jobs/runs/get", run_id=run_id)
    (only,) = current["tasks"]
    assert only["run_id"] == run_id  # the one task shares the run's id
    assert only["task_key"] == "Nightly_model_training"
    assert current["cluster_spec"] == legacy["cluster_spec"]
    output = await api.ok("GET", "/api/2.0/jobs/runs/get-output", run_id=run_id)
    assert output["metadata"]["run_id"] == run_id
    assert output["metadata"]["task"] == legacy["task"]
    assert "notebook_output" in output
    listed = await api.ok("GET", "/api/2.0/jobs/runs/list", job_id=job_id)
    assert listed["has_more"] is False
    assert "next_page_token" not in listed
    assert listed["runs"][0]["task"] == legacy["task"]


async def test_legacy_cli_submit_and_wait(api: Api, clock: VirtualClock) -> None:
    """`databricks runs submit --json ... --wait` under its default API 2.0."""
    body = {"run_name": "adhoc", "existing_cluster_id": "1234-567890-abc123"}
    body["spark_python_task"] = {"python_file": "dbfs:/run.py", "parameters": ["x"]}
    sent = await api.client.post(  # the legacy CLI labels its JSON "text/json"
        "/api/2.0/jobs/runs/submit", content=json.dumps(body), headers={"Content-Type": "text/json"}
    )
    run_id = sent.json()["run_id"]
    states = []
    for _ in range(20):
        run = await api.ok("GET", "/api/2.0/jobs/runs/get", run_id=run_id)
        states.append(run["state"]["life_cycle_state"])
        if states[-1] in ("TERMINATED", "SKIPPED", "INTERNAL_ERROR"):
            break
        assert run["run_page_url"].endswith(f"/run/{run_id}")
        clock.advance(2)
    assert states[0] == "PENDING"
    assert states[-1] == "TERMINATED"
    assert run["state"]["result_state"] == "SUCCESS"
    assert run["task"]["spark_python_task"]["python_file"] == "dbfs:/run.py"
    assert run["cluster_spec"] == {"existing_cluster_id": "1234-567890-abc123"}


async def test_a_single_task_submit_to_api_2_2_runs_one_task(api: Api, clock: VirtualClock) -> None:
    """Airflow's DatabricksSubmitRunOperator(notebook_task=..., new_cluster=...)."""
    body = {"run_name": "etl", "notebook_task": NOTEBOOK, "new_cluster": CLUSTER}
    run_id = (await api.ok("POST", "/api/2.2/jobs/runs/submit", body))["run_id"]
    clock.advance(60)
    run = await api.run(run_id)
    assert run["state"]["result_state"] == "SUCCESS"
    (only,) = run["tasks"]
    assert (only["task_key"], only["run_id"]) == ("etl", run_id)
    assert only["new_cluster"] == CLUSTER
    output = await api.ok("GET", "/api/2.2/jobs/runs/get-output", run_id=only["run_id"])
    assert output["metadata"]["run_id"] == run_id


async def test_a_submitted_run_belongs_to_a_job_no_listing_shows(api: Api) -> None:
    """Airflow's deferrable operators read ``job_id`` from runs/get of a submitted run."""
    body = {"run_name": "adhoc", "tasks": [task("x")]}
    run_id = (await api.ok("POST", "/api/2.2/jobs/runs/submit", body))["run_id"]
    run = await api.run(run_id)
    assert isinstance(run["job_id"], int)
    assert run["run_page_url"].endswith(f"#job/{run['job_id']}/run/{run_id}")
    assert "jobs" not in await api.ok("GET", "/api/2.2/jobs/list")
    missing = await api.get("/api/2.2/jobs/get", job_id=run["job_id"])
    assert missing.status_code == 400


async def test_updates_of_a_single_task_job(api: Api) -> None:
    job_id = (await api.ok("POST", "/api/2.0/jobs/create", LEGACY_JOB))["job_id"]
    new = {"notebook_task": {"notebook_path": "/Users/me/train_v2"}, "max_retries": 3}
    await api.ok("POST", "/api/2.0/jobs/update", {"job_id": job_id, "new_settings": new})
    legacy = (await api.ok("GET", "/api/2.0/jobs/get", job_id=job_id))["settings"]
    assert legacy["format"] == "SINGLE_TASK"
    assert legacy["notebook_task"]["notebook_path"] == "/Users/me/train_v2"
    assert legacy["max_retries"] == 3
    assert legacy["new_cluster"] == CLUSTER
    await api.ok(
        "POST",
        "/api/2.2/jobs/update",
        {"job_id": job_id, "new_settings": {"tasks": [task("extra", "Nightly_model_training")]}},
    )
    now_multi = (await api.ok("GET", "/api/2.0/jobs/get", job_id=job_id))["settings"]
    assert now_multi["format"] == "MULTI_TASK"
    assert [t["task_key"] for t in now_multi["tasks"]] == ["Nightly_model_training", "extra"]
    await api.ok("POST", "/api/2.0/jobs/reset", {"job_id": job_id, "new_settings": LEGACY_JOB})
    reset = (await api.ok("GET", "/api/2.0/jobs/get", job_id=job_id))["settings"]
    assert reset["format"] == "SINGLE_TASK"
    removal = {"job_id": job_id, "fields_to_remove": ["libraries"]}
    await api.ok("POST", "/api/2.0/jobs/update", removal)
    trimmed = (await api.ok("GET", "/api/2.0/jobs/get", job_id=job_id))["settings"]
    assert "libraries" not in trimmed
    assert trimmed["new_cluster"] == CLUSTER


async def test_api_2_0_refuses_repair_clearly_and_serves_the_rest(
    api: Api, emulator: Emulator, clock: VirtualClock
) -> None:
    emulator.script_task("a", outcome="FAILED")
    job_id = await api.create_job(tasks=[task("a")])
    run_id = await api.run_now(job_id)
    clock.advance(60)
    body = {"run_id": run_id, "rerun_all_failed_tasks": True}
    refused = await api.post("/api/2.0/jobs/runs/repair", body)
    assert refused.status_code == 400
    error = refused.json()
    assert error["error_code"] == "BAD_REQUEST"
    assert "not part of the Jobs API 2.0" in error["message"]
    assert "/api/2.1/jobs/runs/repair" in error["message"]
    assert error["details"][0]["request_id"] == refused.headers["x-request-id"]
    assert emulator.applied["jobs/runs/repair"] == 0
    assert (await api.post("/api/2.1/jobs/runs/repair", body)).status_code == 200
    exported = await api.ok("GET", "/api/2.0/jobs/runs/export", run_id=run_id)
    assert exported["views"][0]["type"] == "NOTEBOOK"
    await api.ok("POST", "/api/2.0/jobs/runs/cancel-all", {"job_id": job_id})
    await api.ok("POST", "/api/2.0/jobs/runs/cancel", {"run_id": run_id})
    clock.advance(60)
    await api.ok("POST", "/api/2.0/jobs/runs/delete", {"run_id": run_id})
    await api.ok("POST", "/api/2.0/jobs/delete", {"job_id": job_id})
    assert (await api.get("/api/2.0/jobs/nothing")).status_code == 404


@pytest.mark.parametrize("version", ["2.0", "2.1"])
async def test_more_than_100_tasks_only_under_api_2_2(
    api: Api, clock: VirtualClock, version: str
) -> None:
    many = _tasks(150)
    refused = await api.post(f"/api/{version}/jobs/create", {"name": "big", "tasks": many})
    assert refused.status_code == 400
    assert refused.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert refused.json()["message"] == TOO_MANY
    job_id = (await api.ok("POST", "/api/2.2/jobs/create", {"name": "big", "tasks": many}))[
        "job_id"
    ]
    got = await api.get(f"/api/{version}/jobs/get", job_id=job_id)
    assert (got.status_code, got.json()["message"]) == (400, TOO_MANY)
    run_id = await api.run_now(job_id)
    run = await api.get(f"/api/{version}/jobs/runs/get", run_id=run_id)
    assert (run.status_code, run.json()["message"]) == (400, TOO_MANY)
    submit = await api.post(f"/api/{version}/jobs/runs/submit", {"tasks": many})
    assert (submit.status_code, submit.json()["message"]) == (400, TOO_MANY)
    paged = await api.run(run_id)
    assert len(paged["tasks"]) == 100
    assert paged["next_page_token"]
    hundred = await api.ok("POST", f"/api/{version}/jobs/create", {"tasks": _tasks(100)})
    whole = await api.ok("GET", f"/api/{version}/jobs/get", job_id=hundred["job_id"])
    assert len(whole["settings"]["tasks"]) == 100


async def test_api_2_1_lists_page_by_offset_with_has_more(api: Api) -> None:
    """`databricks jobs list --all --version=2.1`: offset += len(jobs) while has_more."""
    for i in range(45):
        await api.create_job(name=f"j{i:02}")
    names: list[str] = []
    offset, has_more = 0, True
    while has_more:
        page = await api.ok("GET", "/api/2.1/jobs/list", offset=offset, limit=20)
        names += [j["settings"]["name"] for j in page["jobs"]]
        has_more = page["has_more"]
        offset += len(page["jobs"])
    assert names == [f"j{i:02}" for i in range(45)]
    assert "has_more" not in await api.ok("GET", "/api/2.2/jobs/list", limit=100)


async def test_runs_list_page_sizes_per_version(api: Api) -> None:
    job_id = await api.create_job(max_concurrent_runs=100)
    for _ in range(30):
        await api.run_now(job_id)
    v21 = await api.ok("GET", "/api/2.1/jobs/runs/list")
    v22 = await api.ok("GET", "/api/2.2/jobs/runs/list")
    assert (len(v21["runs"]), len(v22["runs"])) == (25, 20)
    assert v21["has_more"] is True
    v20 = await api.ok("GET", "/api/2.0/jobs/runs/list", limit=1000)
    assert (len(v20["runs"]), v20["has_more"]) == (30, False)
    too_big = await api.get("/api/2.2/jobs/runs/list", limit=26)
    assert too_big.status_code == 400


async def test_expanded_lists_of_a_big_job_per_version(api: Api) -> None:
    many = _tasks(150)
    parameters = [{"name": f"p{i}", "default": ""} for i in range(120)]
    body = {"name": "big", "tasks": many, "parameters": parameters}
    await api.ok("POST", "/api/2.2/jobs/create", body)
    v22 = (await api.ok("GET", "/api/2.2/jobs/list", expand_tasks=True))["jobs"][0]
    assert (len(v22["settings"]["tasks"]), v22["has_more"]) == (100, True)
    assert len(v22["settings"]["parameters"]) == 100
    v21 = (await api.ok("GET", "/api/2.1/jobs/list", expand_tasks=True))["jobs"][0]
    assert "tasks" not in v21["settings"]
    assert "has_more" not in v21
