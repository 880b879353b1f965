"""Airflow's Databricks hook (apache-airflow-providers-databricks, pinned in noxfile.py).

The sync and async methods of `DatabricksHook` that Airflow's Databricks operators call, the
repair path of ``DatabricksRunNowOperator(repair_run=True)`` (`get_latest_repair_id`,
`repair_run`), and the trigger its deferrable operators wait in, against the emulator. The
connection comes from ``AIRFLOW_CONN_DATABRICKS_DEFAULT``, as in a deployment; Airflow's
home is a temporary folder.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

from databricks_jobs.testing import Emulator

if TYPE_CHECKING:
    from airflow.providers.databricks.hooks.databricks import DatabricksHook

NOTEBOOK = {"notebook_path": "/Shared/etl"}
CLUSTER = {"spark_version": "16.4.x-scala2.12", "node_type_id": "m5a.large", "num_workers": 1}
JOB = {
    "name": "nightly",
    "job_clusters": [{"job_cluster_key": "shared", "new_cluster": CLUSTER}],
    "tasks": [
        {"task_key": "a", "job_cluster_key": "shared", "notebook_task": NOTEBOOK},
        {
            "task_key": "b",
            "job_cluster_key": "shared",
            "notebook_task": NOTEBOOK,
            "depends_on": [{"task_key": "a"}],
        },
    ],
}


@pytest.fixture(scope="session", autouse=True)
def airflow_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Airflow writes its logs and config under AIRFLOW_HOME, read when it is imported."""
    home = tmp_path_factory.mktemp("airflow")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AIRFLOW_HOME", str(home))
        patch.setenv("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
        yield home


@pytest.fixture
def hook(url: str, emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> DatabricksHook:
    """A hook on the default connection, pointed at the emulator over plain HTTP."""
    from airflow.providers.databricks.hooks.databricks import DatabricksHook

    served = urlsplit(url)
    connection = {
        "conn_type": "databricks",
        "host": served.hostname,
        "port": served.port,
        "schema": "http",
        "password": emulator.token,
    }
    monkeypatch.setenv("AIRFLOW_CONN_DATABRICKS_DEFAULT", json.dumps(connection))
    return DatabricksHook(retry_limit=2, retry_delay=0.01)


def until_terminal(hook: DatabricksHook, run_id: int) -> Any:
    for _ in range(400):
        state = hook.get_run_state(run_id)
        if state.is_terminal:
            return state
        time.sleep(0.01)
    raise AssertionError(f"run {run_id} did not end")


def test_sync_job_lifecycle(hook: DatabricksHook, emulator: Emulator) -> None:
    job_id = hook.create_job(JOB)
    for i in range(29):
        hook.create_job({**JOB, "name": f"other-{i:02d}"})
    assert len(hook.list_jobs()) == 30  # pages of 25, followed by next_page_token
    assert len(emulator.requests_to("jobs/list")) == 2
    assert hook.find_job_id_by_name("nightly") == job_id
    assert hook.find_job_id_by_name("missing") is None
    hook.update_job(str(job_id), {"max_concurrent_runs": 2})
    hook.reset_job(str(job_id), {**JOB, "name": "nightly", "max_concurrent_runs": 3})
    [listed] = hook.list_jobs(job_name="nightly", expand_tasks=True)
    assert listed["settings"]["max_concurrent_runs"] == 3
    assert [t["task_key"] for t in listed["settings"]["tasks"]] == ["a", "b"]
    emulator.script_task("b", result="42 rows")
    run_id = hook.run_now({"job_id": job_id, "job_parameters": {"day": "2026-11-25"}})
    assert hook.get_job_id(run_id) == job_id
    assert hook.get_run_page_url(run_id).endswith(f"/#job/{job_id}/run/{run_id}")
    state = until_terminal(hook, run_id)
    assert state.is_successful
    assert state.result_state == "SUCCESS"
    assert hook.get_run_state_str(run_id) == "State: TERMINATED. Result: SUCCESS. "
    tasks = hook.get_run_tasks(run_id)
    task_b = next(t for t in tasks if t["task_key"] == "b")
    assert hook.get_run_output(task_b["run_id"])["notebook_output"]["result"] == "42 rows"
    hook.delete_run(run_id)
    hook.update_job_permission(
        job_id,
        {"access_control_list": [{"group_name": "analysts", "permission_level": "CAN_VIEW"}]},
    )
    granted = emulator.requests_to(f"permissions/jobs/{job_id}", method="PATCH")
    assert [r.status for r in granted] == [200]


def test_cancel_and_cancel_all(hook: DatabricksHook, emulator: Emulator) -> None:
    emulator.script_task(outcome="HANG")
    job_id = hook.create_job({**JOB, "max_concurrent_runs": 5})
    first = hook.run_now({"job_id": job_id})
    hook.cancel_run(first)
    assert until_terminal(hook, first).result_state == "CANCELED"
    others = [hook.run_now({"job_id": job_id}) for _ in range(3)]
    hook.cancel_all_runs(job_id)
    assert {until_terminal(hook, run_id).result_state for run_id in others} == {"CANCELED"}


def test_submit_run_with_a_single_task_body(hook: DatabricksHook, emulator: Emulator) -> None:
    """What DatabricksSubmitRunOperator(notebook_task=..., new_cluster=...) sends to 2.2."""
    run_id = hook.submit_run(
        {"run_name": "one-off", "new_cluster": CLUSTER, "notebook_task": NOTEBOOK}
    )
    assert until_terminal(hook, run_id).is_successful
    [task] = hook.get_run_tasks(run_id)
    assert task["task_key"] == "one-off"
    assert hook.get_job_id(run_id) > 0  # a submitted run belongs to a job of its own


def test_repair_path_of_run_now_operator(hook: DatabricksHook, emulator: Emulator) -> None:
    emulator.script_task(
        "b", outcome="FAILED", error="bad row", when=lambda c: c.repair_number == 0
    )
    run_id = hook.run_now({"job_id": hook.create_job(JOB)})
    assert until_terminal(hook, run_id).result_state == "FAILED"
    assert hook.get_latest_repair_id(run_id) is None  # only the ORIGINAL history item
    repair_id = hook.repair_run({"run_id": run_id, "rerun_all_failed_tasks": True})
    assert hook.get_latest_repair_id(run_id) == repair_id
    assert until_terminal(hook, run_id).is_successful
    again = hook.repair_run({"run_id": run_id, "rerun_tasks": ["a"], "latest_repair_id": repair_id})
    assert again != repair_id
    assert hook.get_latest_repair_id(run_id) == again


def test_async_methods(hook: DatabricksHook, emulator: Emulator) -> None:
    """The async hook sends its GET parameters in a JSON body; the emulator reads them."""
    from airflow.providers.databricks.hooks.databricks import DatabricksHook

    emulator.script_task("a", outcome="FAILED", error="KeyError: 'day'")
    run_id = hook.run_now({"job_id": hook.create_job(JOB)})
    until_terminal(hook, run_id)

    async def read() -> tuple[Any, dict[str, Any], str, dict[str, Any]]:
        async with DatabricksHook(retry_limit=2, retry_delay=0.01) as async_hook:
            state = await async_hook.a_get_run_state(run_id)
            run = await async_hook.a_get_run(run_id)
            page_url = await async_hook.a_get_run_page_url(run_id)
            task_a = next(t for t in run["tasks"] if t["task_key"] == "a")
            output = await async_hook.a_get_run_output(task_a["run_id"])
            return state, run, page_url, output

    state, run, page_url, output = asyncio.run(read())
    assert (state.life_cycle_state, state.result_state) == ("TERMINATED", "FAILED")
    assert [t["state"]["result_state"] for t in run["tasks"]] == ["FAILED", "UPSTREAM_FAILED"]
    assert page_url == run["run_page_url"]
    assert output["error"] == "KeyError: 'day'"
    assert any(r.method == "GET" and r.body for r in emulator.requests_to("jobs/runs/get"))


def test_deferrable_trigger_reports_the_failed_tasks(
    hook: DatabricksHook, emulator: Emulator
) -> None:
    """DatabricksExecutionTrigger: what deferrable operators wait in, on the async hook."""
    from airflow.providers.databricks.triggers.databricks import DatabricksExecutionTrigger

    emulator.script_task("b", outcome="FAILED", error="bad row")
    run_id = hook.run_now({"job_id": hook.create_job(JOB)})
    trigger = DatabricksExecutionTrigger(
        run_id,
        "databricks_default",
        polling_period_seconds=0.02,
        retry_delay=0.01,
    )

    async def first_event() -> Any:
        async for event in trigger.run():
            return event
        raise AssertionError("the trigger ended without an event")

    event = asyncio.run(first_event())
    assert event.payload["run_id"] == run_id
    assert json.loads(event.payload["run_state"])["result_state"] == "FAILED"
    assert [e["task_key"] for e in event.payload["errors"]] == ["b"]
    assert event.payload["errors"][0]["error"] == "bad row"


def test_run_now_operator_repairs_a_failed_run(hook: DatabricksHook, emulator: Emulator) -> None:
    """DatabricksRunNowOperator(repair_run=True), run as a DAG's task runs it.

    The operator repairs the failed run and waits for the repair to succeed; provider 7.23.0
    then still raises the first failure (its handler raises after the repaired run returns).
    The emulator's part, the repair and its history, is what is checked.
    """
    from airflow.providers.common.compat.sdk import AirflowException
    from airflow.providers.databricks.operators.databricks import DatabricksRunNowOperator

    emulator.script_task(
        "b", outcome="FAILED", error="bad row", when=lambda c: c.repair_number == 0
    )
    job_id = hook.create_job(JOB)
    operator = DatabricksRunNowOperator(
        task_id="nightly",
        job_id=job_id,
        repair_run=True,
        polling_period_seconds=0.02,
        do_xcom_push=False,
    )
    with pytest.raises(AirflowException, match="bad row"):
        operator.execute(context={})
    assert emulator.applied["jobs/runs/repair"] == 1
    run = hook.get_run(operator.run_id)
    assert run["state"]["result_state"] == "SUCCESS"
    assert hook.get_latest_repair_id(operator.run_id) is not None


def test_submit_run_operator(hook: DatabricksHook, emulator: Emulator) -> None:
    from airflow.providers.databricks.operators.databricks import DatabricksSubmitRunOperator

    operator = DatabricksSubmitRunOperator(
        task_id="one_off",
        new_cluster=CLUSTER,
        notebook_task=NOTEBOOK,
        polling_period_seconds=0.02,
        do_xcom_push=False,
    )
    operator.execute(context={})
    assert emulator.applied["jobs/runs/submit"] == 1
    assert hook.get_run_state(operator.run_id).is_successful
