"""The legacy databricks-cli 0.18 (pinned in noxfile.py), run as a command, against the emulator.

The legacy CLI keeps only the scheme and host name of ``DATABRICKS_HOST`` and drops its port,
so it can reach a server on port 80 alone. It sends its requests with ``requests``, which
honours ``HTTP_PROXY`` for ``http://`` URLs: naming the emulator as the proxy makes it send
every request to the emulator, in absolute form (``GET http://emulator.invalid/api/2.0/...``),
which the emulator serves as any other request. The host name ends in ``.invalid``, a name
that never resolves, so nothing can leave the machine.

Each scenario runs under the CLI's default, API 2.0, and under ``--version=2.1``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from databricks_jobs.testing import Emulator

HOST = "http://emulator.invalid"
NOTEBOOK = {"notebook_path": "/Shared/etl"}
CLUSTER = {"spark_version": "16.4.x-scala2.12", "node_type_id": "m5a.large", "num_workers": 1}

Cli = Callable[..., Any]


@pytest.fixture
def databricks(url: str, emulator: Emulator, tmp_path: Path) -> Cli:
    """Run ``databricks ARGS...`` through the emulator as proxy; return its parsed JSON output."""
    command = shutil.which("databricks", path=str(Path(sys.executable).parent))
    assert command is not None, "databricks-cli is not installed in this environment"
    env = {
        **os.environ,
        "DATABRICKS_HOST": HOST,
        "DATABRICKS_TOKEN": emulator.token,
        "HTTP_PROXY": url,
        "http_proxy": url,
        "NO_PROXY": "",
        "no_proxy": "",
    }

    def run(*args: str, check: bool = True) -> Any:
        done = subprocess.run(
            [command, *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if not check:
            return done
        assert done.returncode == 0, f"databricks {' '.join(args)}:\n{done.stdout}{done.stderr}"
        return json.loads(done.stdout) if done.stdout.lstrip().startswith("{") else done.stdout

    return run


def single_task_job(name: str) -> str:
    """An API 2.0 job: one task's fields at the top of the settings."""
    return json.dumps({"name": name, "new_cluster": CLUSTER, "notebook_task": NOTEBOOK})


def multi_task_job(name: str) -> str:
    return json.dumps(
        {
            "name": name,
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
    )


def wait_until_terminated(emulator: Emulator, run_id: int) -> None:
    """Let the emulator's (scaled real) time pass until the run has ended."""
    import time

    for _ in range(400):
        if emulator.run_state(run_id)["state"]["life_cycle_state"] == "TERMINATED":
            return
        time.sleep(0.01)
    raise AssertionError(f"run {run_id} did not end")


def test_the_cli_drops_the_port_and_goes_through_the_proxy(
    databricks: Cli, emulator: Emulator
) -> None:
    done = databricks("jobs", "list", "--output", "JSON", check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"jobs": []}
    [request] = emulator.requests_to("jobs/list")
    assert request.path == "/api/2.0/jobs/list"
    assert request.headers["host"] == "emulator.invalid"  # absolute form, through the proxy


def test_api_2_0_jobs_commands(databricks: Cli, emulator: Emulator) -> None:
    created = databricks("jobs", "create", "--json", single_task_job("legacy"))
    job_id = created["job_id"]
    job = databricks("jobs", "get", "--job-id", str(job_id))
    assert job["settings"]["notebook_task"] == {**NOTEBOOK, "source": "WORKSPACE"}
    assert job["settings"]["format"] == "SINGLE_TASK"
    assert "tasks" not in job["settings"]
    listed = databricks("jobs", "list", "--output", "JSON")
    assert [j["job_id"] for j in listed["jobs"]] == [job_id]
    table = databricks("jobs", "list")
    assert table.split() == [str(job_id), "legacy"]
    databricks("jobs", "reset", "--job-id", str(job_id), "--json", single_task_job("renamed"))
    assert databricks("jobs", "get", "--job-id", str(job_id))["settings"]["name"] == "renamed"
    started = databricks(
        "jobs", "run-now", "--job-id", str(job_id), "--notebook-params", '{"day": "1"}'
    )
    assert set(started) == {"run_id", "number_in_job"}
    databricks("jobs", "delete", "--job-id", str(job_id))
    assert databricks("jobs", "list", "--output", "JSON") == {"jobs": []}
    gone = databricks("jobs", "get", "--job-id", str(job_id), check=False)
    assert gone.returncode != 0
    assert f"Job {job_id} does not exist." in gone.stdout + gone.stderr


def test_api_2_0_runs_commands(databricks: Cli, emulator: Emulator) -> None:
    job_id = databricks("jobs", "create", "--json", single_task_job("legacy"))["job_id"]
    emulator.script_task("legacy", result="done")
    run_id = databricks("jobs", "run-now", "--job-id", str(job_id))["run_id"]
    wait_until_terminated(emulator, run_id)
    run = databricks("runs", "get", "--run-id", str(run_id))
    assert run["state"]["result_state"] == "SUCCESS"
    assert run["format"] == "SINGLE_TASK"
    assert "tasks" not in run
    assert run["task"] == {"notebook_task": {**NOTEBOOK, "source": "WORKSPACE"}}
    output = databricks("runs", "get-output", "--run-id", str(run_id))
    assert output["notebook_output"]["result"] == "done"
    listed = databricks("runs", "list", "--job-id", str(job_id), "--output", "JSON")
    assert [r["run_id"] for r in listed["runs"]] == [run_id]
    completed = databricks("runs", "list", "--completed-only", "--output", "JSON")
    assert [r["run_id"] for r in completed["runs"]] == [run_id]
    assert databricks("runs", "list", "--active-only", "--output", "JSON") == {"has_more": False}
    emulator.script_task(outcome="HANG")
    submitted = databricks("runs", "submit", "--json", single_task_job("one-off"))
    databricks("runs", "cancel", "--run-id", str(submitted["run_id"]))
    wait_until_terminated(emulator, submitted["run_id"])
    cancelled = databricks("runs", "get", "--run-id", str(submitted["run_id"]))
    assert cancelled["state"]["result_state"] == "CANCELED"


def test_api_2_1_jobs_commands(databricks: Cli, emulator: Emulator, url: str) -> None:
    v = "--version=2.1"
    ids = [databricks("jobs", "create", v, "--json", multi_task_job("job-00"))["job_id"]]
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {emulator.token}"}) as http:
        for i in range(1, 23):  # more jobs for paging, created faster than by 22 commands
            body = json.loads(multi_task_job(f"job-{i:02d}"))
            ids.append(http.post("/api/2.1/jobs/create", json=body).json()["job_id"])
    job = databricks("jobs", "get", v, "--job-id", str(ids[0]))
    assert [t["task_key"] for t in job["settings"]["tasks"]] == ["a", "b"]
    assert job["settings"]["format"] == "MULTI_TASK"
    every = databricks("jobs", "list", v, "--all", "--output", "JSON")
    assert sorted(j["job_id"] for j in every["jobs"]) == sorted(ids)
    pages = emulator.requests_to("/api/2.1/jobs/list")  # 20, then 3: has_more, then not
    assert [r.query.get("offset") for r in pages] == ["0", "20"]
    expanded = databricks("jobs", "list", v, "--expand-tasks", "--limit", "5", "--output", "JSON")
    assert len(expanded["jobs"]) == 5
    assert all(len(j["settings"]["tasks"]) == 2 for j in expanded["jobs"])
    named = databricks("jobs", "list", v, "--name", "job-07", "--output", "JSON")
    assert [j["job_id"] for j in named["jobs"]] == [ids[7]]
    databricks("jobs", "reset", v, "--job-id", str(ids[0]), "--json", multi_task_job("renamed"))
    assert databricks("jobs", "get", v, "--job-id", str(ids[0]))["settings"]["name"] == "renamed"
    databricks("jobs", "delete", v, "--job-id", str(ids[0]))
    rest = databricks("jobs", "list", v, "--all", "--output", "JSON")
    assert len(rest["jobs"]) == 22


def test_api_2_1_runs_commands(databricks: Cli, emulator: Emulator) -> None:
    v = "--version=2.1"
    job_id = databricks("jobs", "create", v, "--json", multi_task_job("nightly"))["job_id"]
    emulator.script_task("b", result="42 rows")
    run_id = databricks("jobs", "run-now", v, "--job-id", str(job_id))["run_id"]
    wait_until_terminated(emulator, run_id)
    run = databricks("runs", "get", v, "--run-id", str(run_id))
    assert run["state"]["result_state"] == "SUCCESS"
    assert [t["task_key"] for t in run["tasks"]] == ["a", "b"]
    task_b = next(t for t in run["tasks"] if t["task_key"] == "b")
    assert databricks("runs", "get-output", v, "--run-id", str(task_b["run_id"]))[
        "notebook_output"
    ] == {"result": "42 rows", "truncated": False}
    several = databricks("runs", "get-output", v, "--run-id", str(run_id), check=False)
    assert several.returncode != 0
    assert "Retrieving the output of runs with multiple tasks is not supported" in (
        several.stdout + several.stderr
    )
    listed = databricks("runs", "list", v, "--job-id", str(job_id), "--output", "JSON")
    assert [r["run_id"] for r in listed["runs"]] == [run_id]
    submit = json.dumps(
        {
            "run_name": "one-off",
            "tasks": [{"task_key": "t", "notebook_task": NOTEBOOK, "new_cluster": CLUSTER}],
        }
    )
    waited = databricks("runs", "submit", v, "--json", submit, "--wait", check=False)
    assert waited.returncode == 0, waited.stderr  # --wait exits 0 when the run succeeded
    emulator.script_task(outcome="HANG")
    hanging = databricks("runs", "submit", v, "--json", submit)["run_id"]
    active = databricks("runs", "list", v, "--active-only", "--output", "JSON")
    assert [r["run_id"] for r in active["runs"]] == [hanging]
    databricks("runs", "cancel", v, "--run-id", str(hanging))
    wait_until_terminated(emulator, hanging)
    assert (
        databricks("runs", "get", v, "--run-id", str(hanging))["state"]["result_state"]
        == "CANCELED"
    )
