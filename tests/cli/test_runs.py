"""runs commands and waiting: exit statuses, plain and live views, JSON, summaries, repair."""

from __future__ import annotations

import json
from typing import Any

import pytest

from databricks_jobs.testing import Emulator

from .conftest import POLL, Cli, chain, notebook


def start(run_cli: Cli, spec: dict[str, Any]) -> tuple[int, int]:
    job_id = run_cli.create_job(spec)
    return job_id, run_cli.json("jobs", "run-now", str(job_id))["run_id"]


@pytest.mark.parametrize(
    ("script", "spec_extra", "code", "word"),
    [
        ({}, {}, 0, "success"),
        ({"outcome": "FAILED", "error": "KeyError: 'day'"}, {}, 3, "failed"),
        ({"outcome": "TIMEDOUT", "duration": 30}, {}, 6, "timed out"),
        ({}, {"max_concurrent_runs": 0}, 5, "skipped"),
        ({"outcome": "INTERNAL_ERROR"}, {}, 7, "internal error"),
    ],
)
def test_run_now_wait_exits_by_outcome(
    run_cli: Cli,
    emulator: Emulator,
    script: dict[str, Any],
    spec_extra: dict[str, Any],
    code: int,
    word: str,
) -> None:
    if script:
        emulator.script_task("load", **script)
    job_id = run_cli.create_job(chain(**spec_extra))
    result = run_cli("jobs", "run-now", str(job_id), "--wait", *POLL)
    assert result.exit_code == code, result.output
    assert f"(exit {code})" in result.stdout
    assert word in result.stdout.splitlines()[-1]


def test_success_with_failures_has_its_own_code(run_cli: Cli, emulator: Emulator) -> None:
    emulator.script_task("a", outcome="FAILED")
    spec = {"name": "swf", "tasks": [notebook("a"), notebook("b", "a", run_if="ALL_DONE")]}
    _, run_id = start(run_cli, spec)
    result = run_cli("runs", "watch", str(run_id), *POLL)
    assert result.exit_code == 8, result.output


def test_cancel_wait_exits_canceled(run_cli: Cli, emulator: Emulator) -> None:
    emulator.script_task("extract", outcome="HANG")
    _, run_id = start(run_cli, chain())
    result = run_cli("runs", "cancel", str(run_id), "--wait", *POLL)
    assert result.exit_code == 4, result.output
    assert "canceled" in result.stdout


def test_watch_timeout_leaves_the_run_going(run_cli: Cli, emulator: Emulator) -> None:
    emulator.script_task("extract", outcome="HANG")
    _, run_id = start(run_cli, chain())
    result = run_cli("runs", "watch", str(run_id), "--timeout", "0.2", *POLL)
    assert result.exit_code == 9
    assert "it goes on" in result.stderr
    assert emulator.applied["jobs/runs/cancel"] == 0


def test_piped_watch_prints_plain_lines(run_cli: Cli, emulator: Emulator) -> None:
    emulator.script_task("transform", outcome="FAILED", error="ZeroDivisionError")
    _, run_id = start(run_cli, chain())
    result = run_cli("runs", "watch", str(run_id), *POLL)
    assert result.exit_code == 3
    assert "\x1b[" not in result.stdout  # no cursor movement or colour when piped
    lines = result.stdout.splitlines()
    assert any(line.endswith("extract: success") for line in lines)
    assert any(line.endswith("transform: failed: ZeroDivisionError") for line in lines)
    changes = [line for line in lines if line.endswith("  extract: success")]
    assert len(changes) == 1  # a line per change, not per poll


def test_live_view_draws_the_task_tree(run_cli: Cli) -> None:
    _, run_id = start(run_cli, chain())
    result = run_cli("runs", "watch", str(run_id), "--view", "live", *POLL)
    assert result.exit_code == 0
    out = result.stdout
    for column in ("task", "result", "duration", "attempt", "timeline"):
        assert column in out
    assert "    load" in out  # indented under transform: the dependency tree
    assert "run " + str(run_id) in out


def test_watch_json_prints_the_run_and_sends_progress_to_stderr(run_cli: Cli) -> None:
    job_id = run_cli.create_job(chain())
    result = run_cli("--json", "jobs", "run-now", str(job_id), "--wait", *POLL)
    assert result.exit_code == 0
    run = json.loads(result.stdout)
    assert run["state"]["result_state"] == "SUCCESS"
    assert [t["task_key"] for t in run["tasks"]] == ["extract", "transform", "load"]
    assert "started run" in result.stderr
    assert "extract: success" in result.stderr


def test_runs_get_shows_a_timeline(run_cli: Cli) -> None:
    job_id = run_cli.create_job(chain("timeline"))
    run_id = json.loads(run_cli("--json", "jobs", "run-now", str(job_id), "--wait", *POLL).stdout)[
        "run_id"
    ]
    result = run_cli("runs", "get", str(run_id))
    assert result.exit_code == 0
    out = result.stdout
    assert f"run {run_id}: timeline (job {job_id})" in out
    assert "state      success" in out
    rows = {line.split()[0]: line.split() for line in out.splitlines()[5:] if line.strip()}
    assert rows["extract"][1:4] == ["success", "+0s", "7s"]
    assert rows["transform"][2] == "+7s"
    assert "█" in rows["load"][5]
    as_json = run_cli.json("runs", "get", str(run_id))
    assert as_json["run_id"] == run_id


def test_runs_list_output_export_and_delete(run_cli: Cli, emulator: Emulator) -> None:
    emulator.script_task("only", result='{"rows": 42}')
    spec = {"name": "single", "tasks": [notebook("only")]}
    job_id = run_cli.create_job(spec)
    run = json.loads(run_cli("--json", "jobs", "run-now", str(job_id), "--wait", *POLL).stdout)
    task_run = run["tasks"][0]["run_id"]

    listed = run_cli.json("runs", "list", "--job-id", str(job_id))
    assert [r["run_id"] for r in listed] == [run["run_id"]]
    assert str(run["run_id"]) in run_cli("runs", "list").stdout

    output = run_cli("runs", "output", str(task_run))
    assert output.exit_code == 0
    assert '{"rows": 42}' in output.stdout
    exported = run_cli.json("runs", "export", str(task_run))
    assert exported["views"][0]["type"] == "NOTEBOOK"
    folder = run_cli.tmp_path / "views"
    assert run_cli("runs", "export", str(task_run), "--dir", str(folder)).exit_code == 0
    assert list(folder.iterdir())

    assert run_cli("runs", "delete", str(run["run_id"])).exit_code == 0
    assert run_cli.json("runs", "list", "--job-id", str(job_id)) == []


def test_output_of_a_multi_task_run_shows_every_task(run_cli: Cli, emulator: Emulator) -> None:
    emulator.script_task("transform", outcome="FAILED", error="boom")
    job_id = run_cli.create_job(chain())
    result = run_cli("--json", "jobs", "run-now", str(job_id), "--wait", *POLL)
    run_id = json.loads(result.stdout)["run_id"]
    output = run_cli("runs", "output", str(run_id))
    assert output.exit_code == 0
    assert "== transform" in output.stdout
    assert "error: boom" in output.stdout


def test_repair_all_failed_then_success(run_cli: Cli, emulator: Emulator) -> None:
    emulator.script_task("transform", outcome="FAILED", error="boom")
    job_id = run_cli.create_job(chain())
    first = run_cli("--json", "jobs", "run-now", str(job_id), "--wait", *POLL)
    assert first.exit_code == 3
    run_id = json.loads(first.stdout)["run_id"]
    emulator.clear_scripts()
    repaired = run_cli("runs", "repair", str(run_id), "--all-failed", "--wait", *POLL)
    assert repaired.exit_code == 0, repaired.output
    assert emulator.applied["jobs/runs/repair"] == 1
    assert run_cli("runs", "repair", str(run_id)).exit_code == 2  # neither --task nor --all-failed


def test_submit_a_one_time_run(run_cli: Cli) -> None:
    spec = run_cli.spec_file(
        {"run_name": "once", "tasks": [notebook("a"), notebook("b", "a")]}, "submit.json"
    )
    result = run_cli("runs", "submit", spec, "--wait", *POLL)
    assert result.exit_code == 0, result.output
    assert "submitted run" in result.stdout
    assert "run " in result.stdout
    assert "success" in result.stdout.splitlines()[-1]


def test_on_a_terminal_the_view_redraws_in_place(run_cli: Cli, emulator: Emulator) -> None:
    emulator.script_task("extract", duration=60)  # several polls while it runs
    _, run_id = start(run_cli, chain())
    result = run_cli("runs", "watch", str(run_id), *POLL, TTY_COMPATIBLE="1", FORCE_COLOR="1")
    assert result.exit_code == 0
    assert "\x1b[1A" in result.stdout  # cursor up: the table is redrawn, not appended
    assert "  extract: success" not in result.stdout  # no plain change lines
    assert result.stdout.count("timeline") >= 2
