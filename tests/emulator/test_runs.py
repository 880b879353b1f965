"""Runs on the emulator's clock: life cycle, dependencies, run_if, retries, timeouts, cancel."""

from __future__ import annotations

from typing import Any

import pytest

from databricks_jobs.testing import Emulator, VirtualClock

from .conftest import Api, states, task

pytestmark = pytest.mark.anyio


async def test_run_moves_through_the_life_cycle_on_the_clock(api: Api, clock: VirtualClock) -> None:
    job_id = await api.create_job(tasks=[task("a")])
    run_id = await api.run_now(job_id)
    seen = []
    for _ in range(10):
        run = await api.run(run_id)
        seen.append((run["state"]["life_cycle_state"], run["status"]["state"]))
        clock.advance(1)
    assert seen[0] == ("PENDING", "PENDING")
    assert ("RUNNING", "RUNNING") in seen
    assert ("TERMINATING", "TERMINATING") in seen
    assert seen[-1] == ("TERMINATED", "TERMINATED")
    order = [s for i, s in enumerate(seen) if i == 0 or seen[i - 1] != s]
    assert [s[0] for s in order] == ["PENDING", "RUNNING", "TERMINATING", "TERMINATED"]
    assert run["state"]["result_state"] == "SUCCESS"
    assert run["status"]["termination_details"] == {
        "code": "SUCCESS", "type": "SUCCESS", "message": ""
    }  # fmt: skip
    assert run["end_time"] > run["start_time"] > 0
    assert run["job_id"] == job_id
    assert run["run_type"] == "JOB_RUN"
    assert run["tasks"][0]["attempt_number"] == 0
    assert run["tasks"][0]["execution_duration"] == 5000


async def test_dependencies_wait_for_upstream(api: Api, clock: VirtualClock) -> None:
    job_id = await api.create_job(tasks=[task("a"), task("b", "a")])
    run_id = await api.run_now(job_id)
    run = await api.run(run_id)
    assert states(run) == {"a": ("PENDING", None), "b": ("BLOCKED", None)}
    assert run["tasks"][1]["status"]["state"] == "BLOCKED"
    clock.advance(7)  # a: 1s setup + 5s run + 1s cleanup
    run = await api.run(run_id)
    assert states(run)["a"] == ("TERMINATED", "SUCCESS")
    assert states(run)["b"] == ("PENDING", None)
    assert run["tasks"][1]["start_time"] == run["tasks"][0]["end_time"]


@pytest.mark.parametrize(
    ("run_if", "b_fails", "expected"),
    [
        ("ALL_SUCCESS", True, "UPSTREAM_FAILED"),
        ("ALL_SUCCESS", False, "SUCCESS"),
        ("ALL_DONE", True, "SUCCESS"),
        ("AT_LEAST_ONE_SUCCESS", True, "SUCCESS"),
        ("NONE_FAILED", True, "UPSTREAM_FAILED"),
        ("AT_LEAST_ONE_FAILED", True, "SUCCESS"),
        ("AT_LEAST_ONE_FAILED", False, "EXCLUDED"),
        ("ALL_FAILED", True, "EXCLUDED"),
    ],
)
async def test_run_if(
    api: Api,
    emulator: Emulator,
    clock: VirtualClock,
    run_if: str,
    b_fails: bool,
    expected: str,
) -> None:
    if b_fails:
        emulator.script_task("b", outcome="FAILED", error="boom")
    job_id = await api.create_job(tasks=[task("a"), task("b"), task("c", "a", "b", run_if=run_if)])
    run_id = await api.run_now(job_id)
    clock.advance(60)
    run = await api.run(run_id)
    assert states(run)["c"] == ("TERMINATED", expected)
    assert run["state"]["life_cycle_state"] == "TERMINATED"


async def test_failure_result_and_upstream_failed(
    api: Api, emulator: Emulator, clock: VirtualClock
) -> None:
    emulator.script_task("a", job_name="etl", outcome="FAILED", error="division by zero")
    job_id = await api.create_job(name="etl", tasks=[task("a"), task("b", "a")])
    run_id = await api.run_now(job_id)
    clock.advance(60)
    run = await api.run(run_id)
    assert states(run) == {"a": ("TERMINATED", "FAILED"), "b": ("TERMINATED", "UPSTREAM_FAILED")}
    assert run["state"]["result_state"] == "FAILED"
    assert run["status"]["termination_details"]["code"] == "RUN_EXECUTION_ERROR"
    assert run["status"]["termination_details"]["type"] == "CLIENT_ERROR"
    assert "division by zero" in run["state"]["state_message"]
    output = await api.ok("GET", "/api/2.2/jobs/runs/get-output", run_id=run["tasks"][0]["run_id"])
    assert output["error"] == "division by zero"
    assert "Traceback" in output["error_trace"]
    assert output["metadata"]["state"]["result_state"] == "FAILED"


async def test_script_predicate_and_duration(
    api: Api, emulator: Emulator, clock: VirtualClock
) -> None:
    emulator.script_task(when=lambda ctx: ctx.task_key.startswith("slow"), duration=100)
    job_id = await api.create_job(tasks=[task("slow1"), task("fast")])
    run_id = await api.run_now(job_id)
    clock.advance(30)
    assert states(await api.run(run_id)) == {
        "slow1": ("RUNNING", None), "fast": ("TERMINATED", "SUCCESS")
    }  # fmt: skip
    clock.advance(100)
    assert (await api.run(run_id))["state"]["result_state"] == "SUCCESS"


async def test_retries_make_new_attempts(api: Api, emulator: Emulator, clock: VirtualClock) -> None:
    emulator.script_task("a", outcome="FAILED", fail_attempts=2, error="flaky")
    job_id = await api.create_job(
        tasks=[task("a", max_retries=3, min_retry_interval_millis=10_000)]
    )
    run_id = await api.run_now(job_id)
    clock.advance(8)  # first attempt over
    run = await api.run(run_id)
    assert run["tasks"][0]["state"]["life_cycle_state"] == "WAITING_FOR_RETRY"
    assert run["tasks"][0]["status"]["state"] == "WAITING"
    first_id = run["tasks"][0]["run_id"]
    clock.advance(100)
    run = await api.run(run_id)
    a = run["tasks"][0]
    assert a["attempt_number"] == 2
    assert a["state"]["result_state"] == "SUCCESS"
    assert a["run_id"] != first_id
    first = await api.ok("GET", "/api/2.2/jobs/runs/get-output", run_id=first_id)
    assert first["error"] == "flaky"
    assert first["metadata"]["attempt_number"] == 0


async def test_retries_give_up(api: Api, emulator: Emulator, clock: VirtualClock) -> None:
    emulator.script_task("a", outcome="FAILED")
    job_id = await api.create_job(tasks=[task("a", max_retries=1)])
    run_id = await api.run_now(job_id)
    clock.advance(100)
    run = await api.run(run_id)
    assert run["tasks"][0]["attempt_number"] == 1
    assert run["state"]["result_state"] == "FAILED"


async def test_task_timeout(api: Api, emulator: Emulator, clock: VirtualClock) -> None:
    emulator.script_task("a", outcome="HANG")
    job_id = await api.create_job(tasks=[task("a", timeout_seconds=30, retry_on_timeout=False)])
    run_id = await api.run_now(job_id)
    clock.advance(29)
    assert states(await api.run(run_id))["a"] == ("RUNNING", None)
    clock.advance(10)
    run = await api.run(run_id)
    assert states(run)["a"] == ("TERMINATED", "TIMEDOUT")
    assert run["state"]["result_state"] == "TIMEDOUT"
    assert run["state"]["user_cancelled_or_timedout"] is True


async def test_job_timeout(api: Api, emulator: Emulator, clock: VirtualClock) -> None:
    emulator.script_task("a", duration=1000)
    job_id = await api.create_job(timeout_seconds=60, tasks=[task("a"), task("b", "a")])
    run_id = await api.run_now(job_id)
    clock.advance(120)
    run = await api.run(run_id)
    assert run["state"]["result_state"] == "TIMEDOUT"
    assert states(run)["a"] == ("TERMINATED", "TIMEDOUT")
    assert states(run)["b"][1] == "CANCELED"


async def test_cancel(api: Api, clock: VirtualClock) -> None:
    job_id = await api.create_job(tasks=[task("a"), task("b", "a")])
    run_id = await api.run_now(job_id)
    clock.advance(3)
    await api.ok("POST", "/api/2.2/jobs/runs/cancel", {"run_id": run_id})
    clock.advance(5)
    run = await api.run(run_id)
    assert run["state"]["life_cycle_state"] == "TERMINATED"
    assert run["state"]["result_state"] == "CANCELED"
    assert run["state"]["user_cancelled_or_timedout"] is True
    assert run["status"]["termination_details"]["code"] == "USER_CANCELED"
    assert states(run) == {"a": ("TERMINATED", "CANCELED"), "b": ("TERMINATED", "CANCELED")}
    missing = await api.post("/api/2.2/jobs/runs/cancel", {"run_id": 42})
    assert missing.json()["message"] == "Run 42 does not exist."


async def test_queueing_with_max_concurrent_runs(api: Api, clock: VirtualClock) -> None:
    job_id = await api.create_job(max_concurrent_runs=1)
    first = await api.run_now(job_id)
    second = await api.run_now(job_id)
    queued = await api.run(second)
    assert queued["state"]["life_cycle_state"] == "QUEUED"
    assert queued["status"]["queue_details"]["code"] == "MAX_CONCURRENT_RUNS_REACHED"
    assert "maximum concurrent runs" in queued["state"]["queue_reason"]
    clock.advance(8)
    assert (await api.run(first))["state"]["life_cycle_state"] == "TERMINATED"
    started = await api.run(second)
    assert started["state"]["life_cycle_state"] in ("PENDING", "RUNNING")
    assert started["queue_duration"] == 8000
    clock.advance(20)
    assert (await api.run(second))["state"]["result_state"] == "SUCCESS"


async def test_concurrency_limit_without_queue_is_429(api: Api, emulator: Emulator) -> None:
    job_id = await api.create_job(max_concurrent_runs=2, queue={"enabled": False})
    await api.run_now(job_id)
    await api.run_now(job_id)
    response = await api.post("/api/2.2/jobs/run-now", {"job_id": job_id})
    assert response.status_code == 429
    assert response.json()["message"] == "There are already 2 active runs (limit: 2)"
    assert emulator.applied["jobs/run-now"] == 2


async def test_zero_max_concurrent_runs_skips(api: Api) -> None:
    job_id = await api.create_job(max_concurrent_runs=0)
    run = await api.run(await api.run_now(job_id))
    assert run["state"]["life_cycle_state"] == "SKIPPED"
    assert run["status"]["termination_details"]["code"] == "MAX_CONCURRENT_RUNS_EXCEEDED"


async def test_cancel_all(api: Api, clock: VirtualClock) -> None:
    job_id = await api.create_job(max_concurrent_runs=1)
    runs = [await api.run_now(job_id) for _ in range(3)]
    other = await api.run_now(await api.create_job(name="other"))
    await api.ok("POST", "/api/2.2/jobs/runs/cancel-all", {"job_id": job_id})
    clock.advance(1)
    results = [(await api.run(r))["state"].get("result_state") for r in runs]
    assert results == ["CANCELED"] * 3
    assert (await api.run(other))["state"]["life_cycle_state"] != "TERMINATED"
    bad = await api.post("/api/2.2/jobs/runs/cancel-all", {})
    assert bad.status_code == 400


async def test_cancel_all_queued_runs_of_the_workspace(api: Api, clock: VirtualClock) -> None:
    job_id = await api.create_job(max_concurrent_runs=1)
    running, queued = await api.run_now(job_id), await api.run_now(job_id)
    await api.ok("POST", "/api/2.2/jobs/runs/cancel-all", {"all_queued_runs": True})
    assert (await api.run(queued))["state"]["result_state"] == "CANCELED"
    assert "result_state" not in (await api.run(running))["state"]


async def test_idempotency_token(api: Api, emulator: Emulator) -> None:
    job_id = await api.create_job()
    one = await api.ok(
        "POST", "/api/2.2/jobs/run-now", {"job_id": job_id, "idempotency_token": "t1"}
    )
    two = await api.ok(
        "POST", "/api/2.2/jobs/run-now", {"job_id": job_id, "idempotency_token": "t1"}
    )
    assert one == two
    assert emulator.applied["jobs/run-now"] == 1
    assert emulator.applied["jobs/run-now:replayed"] == 1
    long = await api.post(
        "/api/2.2/jobs/run-now", {"job_id": job_id, "idempotency_token": "x" * 65}
    )
    assert long.status_code == 400
    sub = {"run_name": "once", "tasks": [task("a")], "idempotency_token": "s1"}
    first = await api.ok("POST", "/api/2.2/jobs/runs/submit", sub)
    again = await api.ok("POST", "/api/2.2/jobs/runs/submit", sub)
    assert first == again
    assert emulator.applied["jobs/runs/submit"] == 1


async def test_idempotency_token_of_a_deleted_run(api: Api, clock: VirtualClock) -> None:
    job_id = await api.create_job()
    run_id = await api.run_now(job_id, idempotency_token="tok")
    active = await api.post("/api/2.2/jobs/runs/delete", {"run_id": run_id})
    assert active.status_code == 400
    clock.advance(60)
    await api.ok("POST", "/api/2.2/jobs/runs/delete", {"run_id": run_id})
    replay = await api.post("/api/2.2/jobs/run-now", {"job_id": job_id, "idempotency_token": "tok"})
    assert replay.status_code == 400
    assert "deleted" in replay.json()["message"]


async def test_submit_and_job_parameters(api: Api, clock: VirtualClock) -> None:
    submitted = await api.ok(
        "POST", "/api/2.2/jobs/runs/submit", {"run_name": "adhoc", "tasks": [task("x")]}
    )
    run = await api.run(submitted["run_id"])
    assert run["run_type"] == "SUBMIT_RUN"
    assert run["run_name"] == "adhoc"
    job_id = await api.create_job(parameters=[{"name": "day", "default": "today"}])
    run_id = await api.run_now(job_id, job_parameters={"day": "2026-11-25"})
    run = await api.run(run_id)
    assert run["job_parameters"] == [{"name": "day", "default": "today", "value": "2026-11-25"}]
    assert run["overriding_parameters"] == {"job_parameters": {"day": "2026-11-25"}}


async def test_runs_list_filters_and_pages(api: Api, clock: VirtualClock) -> None:
    job_id = await api.create_job(max_concurrent_runs=100)
    other = await api.create_job(name="other")
    ids = [await api.run_now(job_id) for _ in range(5)]
    await api.run_now(other)
    clock.advance(60)
    active = await api.run_now(job_id)
    seen: list[int] = []
    params: dict[str, Any] = {"job_id": job_id, "limit": 2}
    while True:
        page = await api.ok("GET", "/api/2.2/jobs/runs/list", **params)
        seen += [r["run_id"] for r in page["runs"]]
        assert all("tasks" not in r for r in page["runs"])
        if not page.get("next_page_token"):
            break
        params["page_token"] = page["next_page_token"]
    assert seen == [active, *reversed(ids)]  # newest first
    only_active = await api.ok("GET", "/api/2.2/jobs/runs/list", job_id=job_id, active_only=True)
    assert [r["run_id"] for r in only_active["runs"]] == [active]
    done = await api.ok("GET", "/api/2.2/jobs/runs/list", completed_only=True, limit=0)
    assert len(done["runs"]) == 6
    expanded = await api.ok("GET", "/api/2.2/jobs/runs/list", expand_tasks=True, limit=1)
    assert expanded["runs"][0]["tasks"][0]["task_key"] == "main"
    for params in ({"limit": 26}, {"active_only": True, "completed_only": True}, {"job_id": 9}):
        assert (await api.get("/api/2.2/jobs/runs/list", **params)).status_code == 400
    capped = await api.get("/api/2.2/jobs/runs/list", offset=10020)
    assert capped.json()["message"] == "The supplied offset 10020 has exceeded the value of 10000"


async def test_get_output_of_a_multi_task_run_is_refused(api: Api, emulator: Emulator) -> None:
    emulator.script_task("a", result="42")
    job_id = await api.create_job(tasks=[task("a"), task("b")])
    run_id = await api.run_now(job_id)
    response = await api.get("/api/2.2/jobs/runs/get-output", run_id=run_id)
    assert response.status_code == 400
    assert "multiple tasks" in response.json()["message"]
    emulator.clock.advance(60)  # type: ignore[attr-defined]
    run = await api.run(run_id)
    out = await api.ok("GET", "/api/2.2/jobs/runs/get-output", run_id=run["tasks"][0]["run_id"])
    assert out["notebook_output"] == {"result": "42", "truncated": False}
    assert out["metadata"]["job_run_id"] == run_id
    views = await api.ok("GET", "/api/2.2/jobs/runs/export", run_id=run["tasks"][0]["run_id"])
    assert views["views"][0]["type"] == "NOTEBOOK"
    assert views["views"][0]["name"] == "etl"
    none = await api.ok(
        "GET",
        "/api/2.2/jobs/runs/export",
        run_id=run["tasks"][0]["run_id"],
        views_to_export="DASHBOARDS",
    )
    assert none["views"] == []


async def test_run_now_only_some_tasks(api: Api, clock: VirtualClock) -> None:
    job_id = await api.create_job(tasks=[task("a"), task("b", "a"), task("c")])
    run = await api.run(await api.run_now(job_id, only=["b"]))
    assert list(states(run)) == ["b"]
    assert states(run)["b"] == ("PENDING", None)


async def test_run_now_only_with_upstream_and_downstream(api: Api) -> None:
    job_id = await api.create_job(
        tasks=[task("a"), task("b", "a"), task("c", "b"), task("d", "c"), task("x")]
    )
    upstream = await api.run(await api.run_now(job_id, only=["+c"]))
    assert list(states(upstream)) == ["a", "b", "c"]
    downstream = await api.run(await api.run_now(job_id, only=["b+", "x"]))
    assert list(states(downstream)) == ["b", "c", "d", "x"]
    assert "depends_on" not in downstream["tasks"][0]  # a is not part of this run
    missing = await api.post("/api/2.2/jobs/run-now", {"job_id": job_id, "only": ["zz"]})
    assert missing.status_code == 400


async def test_condition_tasks_choose_a_branch(api: Api, clock: VirtualClock) -> None:
    check = {"op": "GREATER_THAN", "left": "{{job.parameters.rows}}", "right": "10"}
    job_id = await api.create_job(
        parameters=[{"name": "rows", "default": "0"}],
        tasks=[
            {"task_key": "check", "condition_task": check},
            task("big", depends_on=[{"task_key": "check", "outcome": "true"}]),
            task("small", depends_on=[{"task_key": "check", "outcome": "false"}]),
        ],
    )
    many = await api.run_now(job_id, job_parameters={"rows": "12.5"})
    few = await api.run_now(job_id)
    clock.advance(100)
    run = await api.run(many)
    assert run["tasks"][0]["condition_task"]["outcome"] == "true"
    assert states(run)["big"] == ("TERMINATED", "SUCCESS")
    assert states(run)["small"] == ("TERMINATED", "EXCLUDED")
    assert states(await api.run(few))["big"] == ("TERMINATED", "EXCLUDED")


async def test_internal_error_outcome(api: Api, emulator: Emulator, clock: VirtualClock) -> None:
    emulator.script_task("a", outcome="INTERNAL_ERROR", error="Cluster lost")
    job_id = await api.create_job(tasks=[task("a")])
    run_id = await api.run_now(job_id)
    clock.advance(60)
    run = await api.run(run_id)
    assert run["state"]["life_cycle_state"] == "INTERNAL_ERROR"
    assert run["status"]["state"] == "TERMINATED"
    assert run["status"]["termination_details"]["type"] == "INTERNAL_ERROR"
    assert run["tasks"][0]["state"]["life_cycle_state"] == "INTERNAL_ERROR"


async def test_task_runs_are_readable_as_runs(api: Api, clock: VirtualClock) -> None:
    job_id = await api.create_job(tasks=[task("a"), task("b", "a")])
    run_id = await api.run_now(job_id)
    run = await api.run(run_id)
    blocked = await api.run(run["tasks"][1]["run_id"])
    assert blocked["state"]["life_cycle_state"] == "BLOCKED"
    assert blocked["job_run_id"] == run_id
    clock.advance(60)
    done = await api.run(run["tasks"][1]["run_id"])
    assert done["state"]["result_state"] == "SUCCESS"
    assert done["tasks"][0]["task_key"] == "b"
