"""Requests exactly as third-party clients send them, answered as the service answers them.

Each test replays one client's habit with plain httpx over loopback (the clients themselves
are not installed here): Airflow's Databricks hook (GET parameters in a JSON body from its
async methods, Python's ``False`` in query strings from its sync ones, ``get_latest_repair_id``),
prefect-databricks (models dumped with ``null`` members), and what every client prints
from an error (the HTTP reason phrase).
"""

from __future__ import annotations

from typing import Any

import anyio
import httpx
import pytest

from databricks_jobs.testing import Emulator, VirtualClock

from .conftest import TOKEN, Api, task

pytestmark = pytest.mark.anyio


def _latest_repair_id(run: dict[str, Any]) -> int | None:
    """Airflow's ``DatabricksHook.get_latest_repair_id``, on the runs/get answer."""
    repair_history = run["repair_history"]
    if len(repair_history) == 1:
        return None
    return int(repair_history[-1]["id"])


async def test_every_response_carries_its_reason_phrase(
    api: Api, emulator: Emulator, anyio_backend: str
) -> None:
    ok = await api.get("/api/2.2/jobs/list")
    bad = await api.get("/api/2.2/jobs/get", job_id="nope")
    missing = await api.get("/api/2.2/jobs/nothing")
    unauthenticated = await api.client.get(
        "/api/2.2/jobs/list", headers={"Authorization": "Bearer wrong"}
    )
    emulator.faults.next("429")
    throttled = await api.get("/api/2.2/jobs/list")
    phrases = [r.reason_phrase for r in (ok, bad, missing, unauthenticated, throttled)]
    assert phrases == ["OK", "Bad Request", "Not Found", "Unauthorized", "Too Many Requests"]


async def test_the_status_line_on_the_wire_has_the_phrase(
    emulator: Emulator, anyio_backend: str
) -> None:
    async with emulator.serve() as url:
        port = int(url.rsplit(":", 1)[1])
        async with await anyio.connect_tcp("127.0.0.1", port) as stream:
            await stream.send(b"GET /api/2.2/jobs/get?job_id=1 HTTP/1.1\r\nHost: x\r\n\r\n")
            head = await stream.receive()
    assert head.startswith(b"HTTP/1.1 401 Unauthorized\r\n")


async def test_get_parameters_in_a_json_body_are_read(api: Api) -> None:
    """Airflow's async hook: ``session.get(url, json={"run_id": ...})``."""
    job_id = await api.create_job()
    run_id = await api.run_now(job_id)
    by_body = await api.client.request("GET", "/api/2.2/jobs/runs/get", json={"run_id": run_id})
    assert by_body.status_code == 200, by_body.text
    assert by_body.json()["run_id"] == run_id
    as_text = await api.client.request(
        "GET", "/api/2.2/jobs/runs/get", json={"run_id": str(run_id), "include_history": True}
    )
    assert as_text.status_code == 200, as_text.text
    assert [h["type"] for h in as_text.json()["repair_history"]] == ["ORIGINAL"]
    output = await api.client.request(
        "GET", "/api/2.2/jobs/runs/get-output", json={"run_id": run_id}
    )
    assert output.status_code == 200, output.text
    assert output.json()["metadata"]["job_id"] == job_id


async def test_the_query_string_wins_over_a_get_body(api: Api) -> None:
    first = await api.create_job(name="first")
    second = await api.create_job(name="second")
    response = await api.client.request(
        "GET", "/api/2.2/jobs/get", params={"job_id": first}, json={"job_id": second}
    )
    assert response.status_code == 200
    assert response.json()["settings"]["name"] == "first"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"{not json", "Invalid JSON"),
        (b"[1, 2]", "expected a map"),
        (b'{"x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "Invalid JSON"),  # too deep
    ],
)
async def test_a_get_body_that_is_not_a_json_object_is_refused(
    api: Api, body: bytes, fragment: str
) -> None:
    response = await api.client.request(
        "GET", "/api/2.2/jobs/list", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error_code"] == "MALFORMED_REQUEST"
    assert fragment in response.json()["message"]


async def test_values_in_a_get_body_are_coerced_like_the_service_does(api: Api) -> None:
    job_id = await api.create_job()
    for value in (job_id, str(job_id), float(job_id)):
        response = await api.client.request("GET", "/api/2.2/jobs/get", json={"job_id": value})
        assert response.status_code == 200, (value, response.text)
    listed = await api.client.request(
        "GET", "/api/2.2/jobs/list", json={"expand_tasks": "true", "limit": "1"}
    )
    assert listed.json()["jobs"][0]["settings"]["tasks"][0]["task_key"] == "main"
    wrong = await api.client.request("GET", "/api/2.2/jobs/get", json={"job_id": "twelve"})
    assert wrong.status_code == 400
    assert "job_id" in wrong.json()["message"]
    not_bool = await api.client.request("GET", "/api/2.2/jobs/list", json={"expand_tasks": "yes"})
    assert not_bool.status_code == 400
    assert "expand_tasks" in not_bool.json()["message"]


async def test_python_booleans_and_an_empty_token_in_the_query_string(api: Api) -> None:
    """Airflow's sync ``list_jobs``: requests sends ``False`` and ``page_token=``."""
    for i in range(3):
        await api.create_job(name=f"j{i}")
    response = await api.client.get(
        "/api/2.2/jobs/list?limit=25&expand_tasks=False&include_user_names=False&page_token="
    )
    assert response.status_code == 200, response.text
    jobs = response.json()["jobs"]
    assert [j["settings"]["name"] for j in jobs] == ["j0", "j1", "j2"]
    assert all("tasks" not in j["settings"] for j in jobs)
    capitalised = await api.client.get("/api/2.2/jobs/list?expand_tasks=True&limit=1")
    assert capitalised.json()["jobs"][0]["settings"]["tasks"]


async def test_include_history_starts_with_the_original_run_even_unrepaired(
    api: Api, emulator: Emulator, clock: VirtualClock
) -> None:
    job_id = await api.create_job(tasks=[task("a"), task("b", "a")])
    run_id = await api.run_now(job_id)
    running = await api.get("/api/2.2/jobs/runs/get", run_id=run_id, include_history="true")
    original = running.json()["repair_history"]
    assert [h["type"] for h in original] == ["ORIGINAL"]
    assert "id" not in original[0]
    assert original[0]["end_time"] == 0
    assert original[0]["state"]["life_cycle_state"] in ("PENDING", "RUNNING")
    clock.advance(60)
    done = await api.run(run_id, include_history=True)
    (item,) = done["repair_history"]
    assert item["state"]["result_state"] == "SUCCESS"
    assert item["start_time"] == done["start_time"]
    assert item["end_time"] == done["end_time"] > 0
    assert sorted(item["task_run_ids"]) == sorted(t["run_id"] for t in done["tasks"])
    assert _latest_repair_id(done) is None
    emulator.script_task("b", outcome="FAILED")
    failed_id = await api.run_now(job_id)
    clock.advance(60)
    repair = await api.ok(
        "POST", "/api/2.2/jobs/runs/repair", {"run_id": failed_id, "rerun_all_failed_tasks": True}
    )
    repaired = await api.run(failed_id, include_history=True)
    assert _latest_repair_id(repaired) == repair["repair_id"]


async def test_nulls_in_a_body_mean_not_set(api: Api, clock: VirtualClock) -> None:
    """prefect-databricks dumps its task models whole: every unset field is ``null``."""
    dumped = {
        "task_key": "main",
        "notebook_task": {"notebook_path": "/etl", "base_parameters": None},
        "spark_jar_task": None,
        "spark_python_task": None,
        "existing_cluster_id": None,
        "new_cluster": None,
        "depends_on": None,
        "libraries": None,
        "timeout_seconds": None,
    }
    body = {"run_name": "prefect", "tasks": [dumped], "git_source": None}
    submitted = await api.ok("POST", "/api/2.1/jobs/runs/submit", body)
    clock.advance(60)
    run = await api.ok("GET", "/api/2.1/jobs/runs/get", run_id=submitted["run_id"])
    assert run["state"]["result_state"] == "SUCCESS"
    (shown,) = run["tasks"]
    assert shown["notebook_task"] == {"notebook_path": "/etl", "source": "WORKSPACE"}
    assert "spark_jar_task" not in shown
    assert "depends_on" not in shown
    assert shown["timeout_seconds"] == 0
    job = await api.ok("POST", "/api/2.2/jobs/create", {"name": "p", "tasks": [dumped]})
    stored = await api.ok("GET", "/api/2.2/jobs/get", job_id=job["job_id"])
    assert None not in stored["settings"]["tasks"][0].values()


async def test_the_in_process_transport_reads_get_bodies_too(emulator: Emulator) -> None:
    async with httpx.AsyncClient(
        base_url="https://emulator.local",
        headers={"Authorization": f"Bearer {TOKEN}"},
        transport=emulator.transport(),
    ) as client:
        created = await client.post("/api/2.2/jobs/create", json={"name": "x"})
        job_id = created.json()["job_id"]
        got = await client.request("GET", "/api/2.2/jobs/get", json={"job_id": job_id})
    assert got.status_code == 200
    assert got.reason_phrase == "OK"
