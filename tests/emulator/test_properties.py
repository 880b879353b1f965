"""Properties of the run state machine over random task graphs, scripts and retries."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from databricks_jobs.testing import Emulator, EmulatorRequest, VirtualClock

RUN_IFS = [
    "ALL_SUCCESS",
    "ALL_DONE",
    "NONE_FAILED",
    "AT_LEAST_ONE_SUCCESS",
    "AT_LEAST_ONE_FAILED",
    "ALL_FAILED",
]
HEADERS = {"authorization": "Bearer dapi-emulator", "host": "emulator.local"}
FAILED = {"FAILED", "UPSTREAM_FAILED"}


def _call(emulator: Emulator, method: str, path: str, body: Any = None, query: str = "") -> Any:
    raw = json.dumps(body).encode() if body is not None else b""
    response = emulator.handle(EmulatorRequest(method, path, query, HEADERS, raw))
    assert response.status == 200, response.body
    return response.json()


def _should_run(rule: str, dep_results: list[str]) -> bool:
    """An independent statement of run_if, over upstream results."""
    ok = [r == "SUCCESS" or r == "EXCLUDED" for r in dep_results]
    bad = [r in FAILED for r in dep_results]
    return {
        "ALL_SUCCESS": all(ok),
        "ALL_DONE": True,
        "NONE_FAILED": not any(bad),
        "AT_LEAST_ONE_SUCCESS": any(r == "SUCCESS" for r in dep_results),
        "AT_LEAST_ONE_FAILED": any(bad),
        "ALL_FAILED": all(bad),
    }[rule]


@st.composite
def graphs(draw: st.DrawFn) -> tuple[list[dict[str, Any]], set[str], dict[str, int]]:
    count = draw(st.integers(1, 7))
    tasks = []
    for i in range(count):
        spec: dict[str, Any] = {
            "task_key": f"t{i}",
            "notebook_task": {"notebook_path": "/n"},
            "run_if": draw(st.sampled_from(RUN_IFS)),
            "max_retries": draw(st.integers(0, 2)),
        }
        if i:
            deps = draw(st.lists(st.integers(0, i - 1), unique=True, max_size=3))
            if deps:
                spec["depends_on"] = [{"task_key": f"t{d}"} for d in deps]
        tasks.append(spec)
    failing = draw(st.sets(st.sampled_from([t["task_key"] for t in tasks])))
    flaky = {key: draw(st.integers(1, 3)) for key in failing if draw(st.booleans())}
    return tasks, failing, flaky


@settings(max_examples=150, deadline=None)
@given(graphs())
def test_random_graphs_end_consistently(
    graph: tuple[list[dict[str, Any]], set[str], dict[str, int]],
) -> None:
    tasks, failing, flaky = graph
    clock = VirtualClock(auto_advance=False)
    emulator = Emulator(clock)
    for key in failing:
        emulator.script_task(key, outcome="FAILED", fail_attempts=flaky.get(key))
    job = _call(emulator, "POST", "/api/2.2/jobs/create", {"name": "p", "tasks": tasks})
    started = _call(emulator, "POST", "/api/2.2/jobs/run-now", {"job_id": job["job_id"]})
    clock.advance(10_000)
    run = _call(emulator, "GET", "/api/2.2/jobs/runs/get", query=f"run_id={started['run_id']}")
    assert run["state"]["life_cycle_state"] == "TERMINATED"
    by_key = {t["task_key"]: t for t in run["tasks"]}
    results = {k: t["state"]["result_state"] for k, t in by_key.items()}
    for spec in tasks:
        key = spec["task_key"]
        deps = [d["task_key"] for d in spec.get("depends_on", [])]
        dep_results = [results[d] for d in deps]
        ran = _should_run(spec["run_if"], dep_results)
        if not ran:
            assert results[key] in ("UPSTREAM_FAILED", "UPSTREAM_CANCELED", "EXCLUDED")
            continue
        attempts_needed = flaky.get(key, 0) if key in failing else 0
        fails_for_good = key in failing and (
            key not in flaky or attempts_needed > spec["max_retries"]
        )
        assert results[key] == ("FAILED" if fails_for_good else "SUCCESS")
        task = by_key[key]
        expected_attempt = min(attempts_needed, spec["max_retries"]) if key in failing else 0
        if key in failing and key not in flaky:
            expected_attempt = spec["max_retries"]
        assert task["attempt_number"] == expected_attempt
        for dep in deps:
            assert task["start_time"] >= by_key[dep]["end_time"]
    leaves = {t["task_key"] for t in tasks} - {
        d["task_key"] for t in tasks for d in t.get("depends_on", [])
    }
    leaf_failed = any(results[k] in FAILED for k in leaves)
    any_failed = any(r in FAILED for r in results.values())
    expected = "FAILED" if leaf_failed else ("SUCCESS_WITH_FAILURES" if any_failed else "SUCCESS")
    assert run["state"]["result_state"] == expected
    assert emulator.applied["jobs/run-now"] == 1
