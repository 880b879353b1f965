"""jobs commands end to end: create, list, get, update, reset, delete, permissions, cancel-all."""

from __future__ import annotations

import json

from databricks_jobs.testing import Emulator

from .conftest import Cli, chain


def test_create_list_and_get_in_json_and_text(run_cli: Cli) -> None:
    job_id = run_cli.create_job(chain("nightly"))
    listed = run_cli.json("jobs", "list")
    assert [(j["job_id"], j["settings"]["name"]) for j in listed] == [(job_id, "nightly")]
    job = run_cli.json("jobs", "get", str(job_id))
    assert [t["task_key"] for t in job["settings"]["tasks"]] == ["extract", "transform", "load"]

    table = run_cli("jobs", "list")
    assert table.exit_code == 0
    assert str(job_id) in table.stdout
    assert "nightly" in table.stdout
    text = run_cli("jobs", "get", str(job_id))
    assert text.exit_code == 0
    assert f"job {job_id}: nightly" in text.stdout
    assert "load  (after transform)" in text.stdout


def test_list_filters_by_name_and_caps(run_cli: Cli) -> None:
    for name in ("a", "b", "b", "c"):
        run_cli.create_job(chain(name))
    assert len(run_cli.json("jobs", "list", "--name", "b")) == 2
    assert len(run_cli.json("jobs", "list", "--max", "3")) == 3


def test_update_reset_and_delete(run_cli: Cli, emulator: Emulator) -> None:
    job_id = run_cli.create_job(chain("nightly"))
    patch = run_cli.spec_file({"max_concurrent_runs": 4}, "patch.json")
    assert run_cli("jobs", "update", str(job_id), patch, "--remove", "tasks/load").exit_code == 0
    settings = emulator.job_settings(job_id)
    assert settings["max_concurrent_runs"] == 4
    assert [t["task_key"] for t in settings["tasks"]] == ["extract", "transform"]

    replaced = run_cli.spec_file(chain("renamed"), "reset.json")
    assert run_cli("--json", "jobs", "reset", str(job_id), replaced).exit_code == 0
    assert emulator.job_settings(job_id)["name"] == "renamed"
    assert len(emulator.job_settings(job_id)["tasks"]) == 3

    deleted = run_cli("jobs", "delete", str(job_id))
    assert deleted.exit_code == 0
    assert f"deleted job {job_id}" in deleted.stdout
    assert run_cli.json("jobs", "list") == []


def test_update_needs_something_to_change(run_cli: Cli) -> None:
    result = run_cli("jobs", "update", "1")
    assert result.exit_code == 2
    assert "give a settings FILE" in result.stderr


def test_run_now_without_wait_prints_run_and_token(run_cli: Cli, emulator: Emulator) -> None:
    job_id = run_cli.create_job(chain())
    started = run_cli.json(
        "jobs", "run-now", str(job_id), "--param", "day=2026-11-25", "--idempotency-token", "tok-1"
    )
    assert started["idempotency_token"] == "tok-1"
    again = run_cli.json("jobs", "run-now", str(job_id), "--idempotency-token", "tok-1")
    assert again["run_id"] == started["run_id"]
    assert emulator.applied["jobs/run-now"] == 1
    body = emulator.requests_to("jobs/run-now")[0].body
    assert body["job_parameters"] == {"day": "2026-11-25"}


def test_run_now_refuses_a_malformed_parameter(run_cli: Cli) -> None:
    result = run_cli("jobs", "run-now", "1", "--param", "no-equals-sign")
    assert result.exit_code == 2
    assert "NAME=VALUE" in result.stderr


def test_cancel_all_and_permissions(run_cli: Cli, emulator: Emulator) -> None:
    job_id = run_cli.create_job(chain())
    emulator.script_task("extract", outcome="HANG")
    run_id = run_cli.json("jobs", "run-now", str(job_id))["run_id"]
    assert run_cli("jobs", "cancel-all", str(job_id)).exit_code == 0
    assert emulator.applied["jobs/runs/cancel-all"] == 1
    watched = run_cli("runs", "watch", str(run_id), "--view", "none", "--poll", "0.01")
    assert watched.exit_code == 4

    permissions = run_cli.json("jobs", "permissions", str(job_id))
    assert "access_control_list" in permissions
    levels = run_cli.json("jobs", "permissions", str(job_id), "--levels")
    assert {level["permission_level"] for level in levels} >= {"CAN_VIEW", "CAN_MANAGE"}
    table = run_cli("jobs", "permissions", str(job_id))
    assert table.exit_code == 0
    assert "IS_OWNER" in table.stdout


def test_cancel_all_needs_a_job_or_all_queued(run_cli: Cli) -> None:
    assert run_cli("jobs", "cancel-all").exit_code == 2
    result = run_cli("--json", "jobs", "cancel-all", "--all-queued")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["all_queued_runs"] is True
