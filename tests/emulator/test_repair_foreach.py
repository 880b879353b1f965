"""Repairs with their history, for-each iterations, and the 2.2 array pages of runs/get."""

from __future__ import annotations

import json
from typing import Any

import pytest

from databricks_jobs.testing import Emulator, VirtualClock

from .conftest import Api, states, task

pytestmark = pytest.mark.anyio


async def _failed_run(api: Api, emulator: Emulator, clock: VirtualClock) -> tuple[int, Any]:
    script = emulator.script_task("b", outcome="FAILED", error="bad input")
    job_id = await api.create_job(tasks=[task("a"), task("b", "a"), task("c", "b")])
    run_id = await api.run_now(job_id)
    clock.advance(60)
    run = await api.run(run_id)
    emulator.remove_script(script)
    return run_id, run


async def test_repair_reruns_failed_tasks_and_records_history(
    api: Api, emulator: Emulator, clock: VirtualClock
) -> None:
    run_id, before = await _failed_run(api, emulator, clock)
    assert states(before)["c"] == ("TERMINATED", "UPSTREAM_FAILED")
    original_ids = {t["task_key"]: t["run_id"] for t in before["tasks"]}
    repair = await api.ok(
        "POST", "/api/2.2/jobs/runs/repair", {"run_id": run_id, "rerun_all_failed_tasks": True}
    )
    repaired = await api.run(run_id)
    assert repaired["state"]["life_cycle_state"] in ("PENDING", "RUNNING")
    clock.advance(60)
    after = await api.run(run_id, include_history=True)
    assert after["state"]["result_state"] == "SUCCESS"
    assert states(after) == {k: ("TERMINATED", "SUCCESS") for k in "abc"}
    assert after["tasks"][0]["run_id"] == original_ids["a"]  # a was not rerun
    assert after["tasks"][1]["run_id"] != original_ids["b"]
    history = after["repair_history"]
    assert [h["type"] for h in history] == ["ORIGINAL", "REPAIR"]
    assert history[0]["state"]["result_state"] == "FAILED"
    assert history[1]["id"] == repair["repair_id"]
    assert sorted(history[1]["task_run_ids"]) == sorted(
        [after["tasks"][1]["run_id"], after["tasks"][2]["run_id"]]
    )
    plain = await api.run(run_id)
    assert "repair_history" not in plain


async def test_repair_rules(api: Api, emulator: Emulator, clock: VirtualClock) -> None:
    run_id, _ = await _failed_run(api, emulator, clock)
    both = await api.post(
        "/api/2.2/jobs/runs/repair",
        {"run_id": run_id, "rerun_tasks": ["b"], "rerun_all_failed_tasks": True},
    )
    assert both.status_code == 400
    unknown = await api.post("/api/2.2/jobs/runs/repair", {"run_id": run_id, "rerun_tasks": ["z"]})
    assert unknown.status_code == 400
    first = await api.ok(
        "POST",
        "/api/2.2/jobs/runs/repair",
        {"run_id": run_id, "rerun_tasks": ["b"], "rerun_dependent_tasks": True},
    )
    active = await api.post("/api/2.2/jobs/runs/repair", {"run_id": run_id, "rerun_tasks": ["a"]})
    assert active.status_code == 400  # still running
    clock.advance(60)
    assert states(await api.run(run_id))["c"] == ("TERMINATED", "SUCCESS")
    stale = await api.post(
        "/api/2.2/jobs/runs/repair",
        {"run_id": run_id, "rerun_tasks": ["a"], "latest_repair_id": 1},
    )
    assert stale.status_code == 400
    assert "latest repair" in stale.json()["message"]
    missing = await api.post("/api/2.2/jobs/runs/repair", {"run_id": run_id, "rerun_tasks": ["a"]})
    assert missing.status_code == 400
    second = await api.ok(
        "POST",
        "/api/2.2/jobs/runs/repair",
        {"run_id": run_id, "rerun_tasks": ["a"], "latest_repair_id": first["repair_id"]},
    )
    assert second["repair_id"] != first["repair_id"]
    assert emulator.applied["jobs/runs/repair"] == 2


async def test_for_each_iterations(api: Api, emulator: Emulator, clock: VirtualClock) -> None:
    emulator.script_task("inner", when=lambda ctx: ctx.input == 3, outcome="FAILED")
    inner = {"task_key": "inner", "notebook_task": {"notebook_path": "/n"}}
    job_id = await api.create_job(
        tasks=[
            {
                "task_key": "loop",
                "for_each_task": {
                    "inputs": json.dumps([1, 2, 3, 4]),
                    "task": inner,
                    "concurrency": 2,
                },
            }
        ]
    )
    run_id = await api.run_now(job_id)
    clock.advance(3)
    run = await api.run(run_id)
    stats = run["tasks"][0]["for_each_task"]["stats"]["task_run_stats"]
    assert stats["total_iterations"] == 4
    assert stats["active_iterations"] == 2
    clock.advance(100)
    run = await api.run(run_id)
    loop = run["tasks"][0]
    assert loop["state"]["result_state"] == "FAILED"
    stats = loop["for_each_task"]["stats"]["task_run_stats"]
    assert (stats["succeeded_iterations"], stats["failed_iterations"]) == (3, 1)
    task_run = await api.run(loop["run_id"])
    assert [t["task_key"] for t in task_run["tasks"]] == ["loop"]
    results = [i["state"]["result_state"] for i in task_run["iterations"]]
    assert results == ["SUCCESS", "SUCCESS", "FAILED", "SUCCESS"]
    assert [i["for_each_task_iteration"] for i in task_run["iterations"]] == [0, 1, 2, 3]


async def test_for_each_inputs_from_job_parameters(api: Api, clock: VirtualClock) -> None:
    inner = {"task_key": "inner", "notebook_task": {"notebook_path": "/n"}}
    job_id = await api.create_job(
        parameters=[{"name": "items", "default": "[]"}],
        tasks=[
            {
                "task_key": "loop",
                "for_each_task": {"inputs": "{{job.parameters.items}}", "task": inner},
            }
        ],
    )
    run_id = await api.run_now(job_id, job_parameters={"items": '["x", "y"]'})
    clock.advance(100)
    run = await api.run(run_id)
    stats = run["tasks"][0]["for_each_task"]["stats"]["task_run_stats"]
    assert stats["succeeded_iterations"] == 2


async def test_runs_get_pages_iterations_and_tasks(api: Api, clock: VirtualClock) -> None:
    inner = {"task_key": "inner", "notebook_task": {"notebook_path": "/n"}}
    job_id = await api.create_job(
        tasks=[
            {
                "task_key": "loop",
                "for_each_task": {"inputs": json.dumps(list(range(150))), "task": inner},
            }
        ]
    )
    run_id = await api.run_now(job_id)
    clock.advance(1)
    run = await api.run(run_id)
    first = await api.run(run["tasks"][0]["run_id"])
    assert len(first["iterations"]) == 100
    assert first["next_page_token"]
    second = await api.run(run["tasks"][0]["run_id"], page_token=first["next_page_token"])
    assert len(second["iterations"]) == 50
    assert "next_page_token" not in second
    assert "tasks" not in second
    big = await api.create_job(tasks=[task(f"t{i}") for i in range(120)])
    big_run = await api.run(await api.run_now(big))
    assert len(big_run["tasks"]) == 100
    rest = await api.run(big_run["run_id"], page_token=big_run["next_page_token"])
    assert len(rest["tasks"]) == 20
    assert "next_page_token" not in rest


async def test_a_repaired_run_holds_a_slot_until_it_ends(
    api: Api, emulator: Emulator, clock: VirtualClock
) -> None:
    emulator.script_task("a", outcome="FAILED", when=lambda ctx: ctx.repair_number == 0)
    job_id = await api.create_job(
        max_concurrent_runs=1, queue={"enabled": False}, tasks=[task("a")]
    )
    run_id = await api.run_now(job_id)
    clock.advance(60)
    await api.ok("POST", "/api/2.2/jobs/runs/repair", {"run_id": run_id, "rerun_tasks": ["a"]})
    busy = await api.post("/api/2.2/jobs/run-now", {"job_id": job_id})
    assert busy.status_code == 429
    clock.advance(60)
    assert (await api.run(run_id))["state"]["result_state"] == "SUCCESS"
    free = await api.post("/api/2.2/jobs/run-now", {"job_id": job_id})
    assert free.status_code == 200


async def test_cancelling_a_running_run_starts_the_queued_one(
    api: Api, clock: VirtualClock
) -> None:
    job_id = await api.create_job(max_concurrent_runs=1)
    first, second = await api.run_now(job_id), await api.run_now(job_id)
    await api.ok("POST", "/api/2.2/jobs/runs/cancel", {"run_id": first})
    assert (await api.run(first))["state"]["life_cycle_state"] == "TERMINATING"
    assert (await api.run(second))["state"]["life_cycle_state"] == "QUEUED"
    clock.advance(1.5)  # the cancelled run terminates after 1 s of cleanup
    assert (await api.run(second))["state"]["life_cycle_state"] == "PENDING"
