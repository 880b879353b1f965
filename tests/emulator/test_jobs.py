"""Jobs endpoints: create, get, list, update, reset, delete, with the service's errors."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Api, task

pytestmark = pytest.mark.anyio


async def test_create_fills_the_server_defaults_and_keeps_unknown_fields(api: Api) -> None:
    job_id = await api.create_job(
        name="nightly", tasks=[task("a")], future_field={"x": 1}, tags={"team": "data"}
    )
    job = await api.ok("GET", "/api/2.2/jobs/get", job_id=job_id)
    settings = job["settings"]
    assert job["job_id"] == job_id
    assert job["creator_user_name"] == job["run_as_user_name"] == "emulator@example.com"
    assert job["created_time"] > 1_700_000_000_000
    assert settings["format"] == "MULTI_TASK"
    assert settings["max_concurrent_runs"] == 1
    assert settings["timeout_seconds"] == 0
    assert settings["email_notifications"] == {} == settings["webhook_notifications"]
    assert settings["queue"] == {"enabled": True}
    assert settings["future_field"] == {"x": 1}
    assert settings["tags"] == {"team": "data"}
    assert settings["tasks"][0]["run_if"] == "ALL_SUCCESS"


async def test_api_2_1_paths_work_without_default_queueing(api: Api) -> None:
    data = await api.ok("POST", "/api/2.1/jobs/create", {"name": "old", "tasks": [task("a")]})
    job = await api.ok("GET", "/api/2.1/jobs/get", job_id=data["job_id"])
    assert "queue" not in job["settings"]


async def test_missing_job_is_the_services_400(api: Api) -> None:
    response = await api.get("/api/2.2/jobs/get", job_id=123)
    assert response.status_code == 400
    body = response.json()
    assert body["error_code"] == "INVALID_PARAMETER_VALUE"
    assert body["message"] == "Job 123 does not exist."
    assert body["details"][0]["@type"] == "type.googleapis.com/google.rpc.RequestInfo"
    assert body["details"][0]["request_id"] == response.headers["x-request-id"]


@pytest.mark.parametrize(
    ("tasks", "clusters", "fragment"),
    [
        ([task("a"), task("a")], None, "not unique"),
        ([task("a", "missing")], None, "depends on missing"),
        ([task("a", "b"), task("b", "a")], None, "cycle"),
        ([task("a", job_cluster_key="nope")], None, "not defined in job_clusters"),
        ([{"task_key": "a"}], None, "exactly one task type"),
        ([task("a", existing_cluster_id="x", job_cluster_key="c")], [{"job_cluster_key": "c"}],
         "only one of"),
        ([task("bad key!")], None, "Invalid task key"),
        ([task("a")], [{"job_cluster_key": "c"}, {"job_cluster_key": "c"}], "duplicated"),
    ],
)  # fmt: skip
async def test_invalid_specs_are_refused(
    api: Api, tasks: list[Any], clusters: list[Any] | None, fragment: str
) -> None:
    body: dict[str, Any] = {"name": "bad", "tasks": tasks}
    if clusters is not None:
        body["job_clusters"] = clusters
    response = await api.post("/api/2.2/jobs/create", body)
    assert response.status_code == 400
    assert response.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert fragment in response.json()["message"]


async def test_invalid_limits_on_settings(api: Api) -> None:
    too_many = await api.post("/api/2.2/jobs/create", {"max_concurrent_runs": 1001})
    tags = await api.post("/api/2.2/jobs/create", {"tags": {f"t{i}": "" for i in range(26)}})
    assert too_many.status_code == tags.status_code == 400
    assert "max_concurrent_runs" in too_many.json()["message"]


async def test_malformed_json_body(api: Api) -> None:
    response = await api.client.post(
        "/api/2.2/jobs/create", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error_code"] == "MALFORMED_REQUEST"


async def test_update_replaces_top_level_and_merges_tasks_by_key(api: Api) -> None:
    job_id = await api.create_job(
        name="before",
        description="keep me",
        job_clusters=[{"job_cluster_key": "c1", "new_cluster": {"num_workers": 1}}],
        tasks=[task("a"), task("b", "a")],
    )
    await api.ok(
        "POST",
        "/api/2.2/jobs/update",
        {
            "job_id": job_id,
            "new_settings": {
                "name": "after",
                "tasks": [task("b", timeout_seconds=60), task("c", "b")],
                "job_clusters": [{"job_cluster_key": "c2", "new_cluster": {"num_workers": 2}}],
            },
        },
    )
    settings = (await api.ok("GET", "/api/2.2/jobs/get", job_id=job_id))["settings"]
    assert settings["name"] == "after"
    assert settings["description"] == "keep me"
    assert [t["task_key"] for t in settings["tasks"]] == ["a", "b", "c"]
    b = settings["tasks"][1]
    assert b["timeout_seconds"] == 60
    assert "depends_on" not in b
    assert [c["job_cluster_key"] for c in settings["job_clusters"]] == ["c1", "c2"]


async def test_update_fields_to_remove(api: Api) -> None:
    job_id = await api.create_job(
        description="x",
        job_clusters=[{"job_cluster_key": "c1"}, {"job_cluster_key": "c2"}],
        tasks=[task("a"), task("b")],
    )
    await api.ok(
        "POST",
        "/api/2.2/jobs/update",
        {"job_id": job_id, "fields_to_remove": ["description", "tasks/b", "job_clusters/c1"]},
    )
    settings = (await api.ok("GET", "/api/2.2/jobs/get", job_id=job_id))["settings"]
    assert "description" not in settings
    assert [t["task_key"] for t in settings["tasks"]] == ["a"]
    assert [c["job_cluster_key"] for c in settings["job_clusters"]] == ["c2"]
    missing = await api.post(
        "/api/2.2/jobs/update", {"job_id": job_id, "fields_to_remove": ["tasks/zzz"]}
    )
    assert missing.status_code == 400


async def test_update_that_breaks_the_graph_is_refused_and_changes_nothing(api: Api) -> None:
    job_id = await api.create_job(tasks=[task("a"), task("b", "a")])
    response = await api.post(
        "/api/2.2/jobs/update", {"job_id": job_id, "fields_to_remove": ["tasks/a"]}
    )
    assert response.status_code == 400
    settings = (await api.ok("GET", "/api/2.2/jobs/get", job_id=job_id))["settings"]
    assert len(settings["tasks"]) == 2


async def test_reset_replaces_everything_and_delete_removes(api: Api) -> None:
    job_id = await api.create_job(name="one", description="gone soon")
    await api.ok(
        "POST",
        "/api/2.2/jobs/reset",
        {"job_id": job_id, "new_settings": {"name": "two", "tasks": [task("z")]}},
    )
    settings = (await api.ok("GET", "/api/2.2/jobs/get", job_id=job_id))["settings"]
    assert settings["name"] == "two"
    assert "description" not in settings
    await api.ok("POST", "/api/2.2/jobs/delete", {"job_id": job_id})
    assert (await api.get("/api/2.2/jobs/get", job_id=job_id)).status_code == 400
    again = await api.post("/api/2.2/jobs/delete", {"job_id": job_id})
    assert again.json()["message"] == f"Job {job_id} does not exist."


async def test_list_follows_page_tokens_without_gaps_or_duplicates(api: Api) -> None:
    ids = [await api.create_job(name=f"job{i}") for i in range(7)]
    seen: list[int] = []
    params: dict[str, Any] = {"limit": 3}
    pages = 0
    while True:
        page = await api.ok("GET", "/api/2.2/jobs/list", **params)
        pages += 1
        seen += [j["job_id"] for j in page.get("jobs", [])]
        assert "has_more" not in page  # 2.2 leaves the root has_more out
        if not page.get("next_page_token"):
            break
        params["page_token"] = page["next_page_token"]
    assert seen == ids
    assert pages == 3
    back = await api.ok("GET", "/api/2.2/jobs/list", limit=3, page_token=page["prev_page_token"])
    assert [j["job_id"] for j in back["jobs"]] == ids[3:6]


async def test_list_limits_default_and_name_filter(api: Api) -> None:
    for i in range(22):
        await api.create_job(name="Nightly" if i % 2 else f"other{i}")
    default = await api.ok("GET", "/api/2.2/jobs/list")
    assert len(default["jobs"]) == 20
    for bad in (101, -1):
        response = await api.get("/api/2.2/jobs/list", limit=bad)
        assert response.status_code == 400
        assert response.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    named = await api.ok("GET", "/api/2.2/jobs/list", name="nightly", limit=100)
    assert len(named["jobs"]) == 11
    assert all(j["settings"]["name"] == "Nightly" for j in named["jobs"])
    assert "tasks" not in named["jobs"][0]["settings"]
    capped = await api.get("/api/2.2/jobs/list", offset=5000)
    assert "exceeded" in capped.json()["message"]


async def test_list_expand_tasks_cuts_arrays_at_100_with_has_more(api: Api) -> None:
    big = await api.create_job(name="big", tasks=[task(f"t{i}") for i in range(150)])
    small = await api.create_job(name="small")
    page = await api.ok("GET", "/api/2.2/jobs/list", expand_tasks=True)
    jobs = {j["job_id"]: j for j in page["jobs"]}
    assert len(jobs[big]["settings"]["tasks"]) == 100
    assert jobs[big]["has_more"] is True
    assert len(jobs[small]["settings"]["tasks"]) == 1
    assert "has_more" not in jobs[small]


async def test_get_pages_arrays_beyond_100(api: Api) -> None:
    job_id = await api.create_job(
        tasks=[task(f"t{i:03}") for i in range(250)],
        parameters=[{"name": f"p{i}", "default": ""} for i in range(120)],
        job_clusters=[{"job_cluster_key": "c"}],
    )
    first = await api.ok("GET", "/api/2.2/jobs/get", job_id=job_id)
    tasks = first["settings"]["tasks"]
    params = first["settings"]["parameters"]
    assert len(tasks) == 100
    assert len(first["settings"]["job_clusters"]) == 1
    token = first["next_page_token"]
    pages = 1
    while token:
        nxt = await api.ok("GET", "/api/2.2/jobs/get", job_id=job_id, page_token=token)
        tasks += nxt["settings"].get("tasks", [])
        params += nxt["settings"].get("parameters", [])
        assert "job_clusters" not in nxt["settings"]
        token = nxt.get("next_page_token")
        pages += 1
    assert pages == 3
    assert [t["task_key"] for t in tasks] == [f"t{i:03}" for i in range(250)]
    assert len(params) == 120
    v21 = await api.get("/api/2.1/jobs/get", job_id=job_id)
    assert v21.status_code == 400
    assert v21.json()["message"] == (
        "Resources with more than 100 tasks can only be handled by API 2.2 and above"
    )


async def test_bad_page_token_and_unknown_endpoint(api: Api) -> None:
    bad = await api.get("/api/2.2/jobs/list", page_token="garbage!")
    assert bad.status_code == 400
    unknown = await api.get("/api/2.2/jobs/nothing")
    assert unknown.status_code == 404
    assert unknown.json()["error_code"] == "ENDPOINT_NOT_FOUND"
