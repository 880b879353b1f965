"""The command's human output shows whatever a hostile or broken server put in a run or job.

Decoding keeps a value of an unexpected JSON type as received (a string in `start_time`, an
object in `tasks`, a list as a task key). The tables and summaries of `brickjobs runs get`,
`runs list`, `jobs get` and `jobs list` print what they can read and ``-`` for the rest: they
never raise, where a crash would hide the very run the user is looking into.
"""

from __future__ import annotations

import http.server
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from databricks_jobs import from_dict
from databricks_jobs.cli import main
from databricks_jobs.cli._render import (
    job_table,
    job_text,
    output_text,
    permissions_table,
    run_summary,
    runs_table,
)
from databricks_jobs.models import BaseJob, BaseRun, Job, JobPermissions, Run, RunOutput

from .test_hostile_values import JSON, RUN, TASK

NUMBER = st.integers(-(10**15), 10**15) | st.floats(allow_nan=True) | st.text(max_size=6)
TIMES = {"start_time": NUMBER | JSON, "end_time": NUMBER | JSON, "run_duration": NUMBER | JSON}
HOSTILE_TASK = TASK.flatmap(
    lambda task: st.fixed_dictionaries(
        {},
        optional={**TIMES, "attempt_number": JSON, "depends_on": JSON, "task_key": JSON},
    ).map(lambda extra: {**task, **extra} if isinstance(task, dict) else task)
)
HOSTILE_RUN = RUN.flatmap(
    lambda run: st.fixed_dictionaries(
        {},
        optional={
            **TIMES,
            "run_name": JSON,
            "job_id": JSON,
            "tasks": st.lists(HOSTILE_TASK | JSON, max_size=3) | JSON,
        },
    ).map(lambda extra: {**run, **extra})
)
SETTINGS = st.fixed_dictionaries(
    {},
    optional={
        "name": JSON,
        "max_concurrent_runs": JSON,
        "schedule": JSON | st.fixed_dictionaries({}, optional={"pause_status": JSON}),
        "tasks": st.lists(HOSTILE_TASK | JSON, max_size=3) | JSON,
    },
)
HOSTILE_JOB = st.fixed_dictionaries(
    {"job_id": st.integers(1, 10**6)},
    optional={
        "settings": SETTINGS | JSON,
        "created_time": NUMBER | JSON,
        "creator_user_name": JSON,
    },
)


def _printed(*renderables: Any) -> str:
    console = Console(width=120, record=True, file=None, force_terminal=False)
    with console.capture() as captured:
        console.print(*renderables)
    return captured.get()


@settings(max_examples=300, deadline=None)
@given(HOSTILE_RUN, st.none() | st.integers(0, 10**13))
def test_a_hostile_run_is_summarised_and_listed(payload: dict[str, Any], now: int | None) -> None:
    run = from_dict(Run, payload)
    text = _printed(*run_summary(run, now))
    assert f"run {payload['run_id']}" in text
    listed = _printed(runs_table([from_dict(BaseRun, payload)]))
    assert str(payload["run_id"]) in listed


@settings(max_examples=300, deadline=None)
@given(HOSTILE_JOB)
def test_a_hostile_job_is_shown_and_listed(payload: dict[str, Any]) -> None:
    assert job_text(from_dict(Job, payload)).startswith(f"job {payload['job_id']}")
    assert str(payload["job_id"]) in _printed(job_table([from_dict(BaseJob, payload)]))


@settings(max_examples=150, deadline=None)
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "notebook_output": JSON | st.fixed_dictionaries({}, optional={"result": JSON}),
            "logs": JSON,
            "error": JSON,
            "error_trace": JSON,
        },
    ),
    st.fixed_dictionaries(
        {},
        optional={
            "access_control_list": JSON
            | st.lists(
                JSON
                | st.fixed_dictionaries(
                    {},
                    optional={"user_name": JSON, "all_permissions": JSON},
                ),
                max_size=2,
            )
        },
    ),
)
def test_hostile_output_and_permissions_are_printed(
    output: dict[str, Any], permissions: dict[str, Any]
) -> None:
    assert isinstance(output_text(from_dict(RunOutput, output)), str)
    assert isinstance(_printed(permissions_table(from_dict(JobPermissions, permissions))), str)


def test_unreadable_times_show_a_dash() -> None:
    run = from_dict(
        Run,
        {
            "run_id": 7,
            "start_time": "soon",
            "end_time": {"x": 1},
            "tasks": [{"task_key": ["a"], "start_time": "x", "attempt_number": "two"}],
        },
    )
    text = _printed(*run_summary(run))
    assert "started    -" in text
    assert "duration   -" in text


class _HostileRuns(http.server.BaseHTTPRequestHandler):
    """Answers every ``runs/get`` with a run whose fields hold the wrong JSON types."""

    body = json.dumps(
        {
            "run_id": 7,
            "run_name": {"not": "a name"},
            "start_time": "1e400",
            "end_time": 9.9e99,
            "state": "TERMINATED",
            "tasks": [
                {"task_key": ["a"], "start_time": "x", "depends_on": "b"},
                "not a task",
                {"task_key": "b", "run_duration": float("inf"), "attempt_number": "two"},
            ],
        }
    ).encode()

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test's output quiet."""


def test_the_command_prints_a_hostile_run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _HostileRuns)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("DATABRICKS_HOST", f"http://127.0.0.1:{server.server_address[1]}")
    monkeypatch.setenv("DATABRICKS_TOKEN", "dapi-hostile-render")
    monkeypatch.setenv("DATABRICKS_CONFIG_FILE", str(tmp_path / "none.cfg"))
    for name in ("DATABRICKS_CONFIG_PROFILE", "DATABRICKS_CLIENT_ID", "DATABRICKS_AUTH_TYPE"):
        monkeypatch.delenv(name, raising=False)
    try:
        with pytest.raises(SystemExit) as exited:
            main(["runs", "get", "7"])
    finally:
        server.shutdown()
        server.server_close()
    printed = capsys.readouterr()
    assert exited.value.code in (0, None), printed.err
    assert 'run 7: {"not":"a name"}' in printed.out
    assert "started    -" in printed.out
    assert "two" in printed.out  # the attempt number as received
