"""bulk run-now: JSON lines out, derived tokens, reruns that start nothing twice, progress."""

from __future__ import annotations

import json

from databricks_jobs.testing import Emulator

from .conftest import Cli, chain


def lines_of(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_bulk_run_now_writes_a_line_per_input_and_reruns_start_nothing_twice(
    run_cli: Cli, emulator: Emulator
) -> None:
    first = run_cli.create_job(chain("a"))
    second = run_cli.create_job(chain("b"))
    source = run_cli.tmp_path / "runs.jsonl"
    source.write_text(
        f'# nightly batch\n{first}\n{{"job_id": {second}, "job_parameters": {{"day": "1"}}}}\n'
        f"{first}\n\n424242\n",
        encoding="utf-8",
    )
    result = run_cli("bulk", "run-now", str(source), "--progress")
    assert result.exit_code == 1  # the missing job
    records = lines_of(result.stdout)
    assert [r["line"] for r in records] == [2, 3, 4, 6]
    assert [r["state"] for r in records] == ["started", "started", "started", "failed"]
    assert records[3]["error"] == {
        "type": "NotFound",
        "error_code": "INVALID_PARAMETER_VALUE",
        "message": "Job 424242 does not exist.",
    }
    tokens = [r["idempotency_token"] for r in records]
    assert len(set(tokens)) == 4  # the repeated job id is a second run, with its own token
    assert emulator.applied["jobs/run-now"] == 3
    # The progress bar, on stderr: done of total, failures, rate and ETA.
    assert "4/4" in result.stderr
    assert "1 failed" in result.stderr
    assert "/s" in result.stderr
    assert "ETA" in result.stderr
    assert "3 started, 1 failed, of 4" in result.stderr

    rerun = run_cli("bulk", "run-now", str(source))
    again = lines_of(rerun.stdout)
    assert [r["idempotency_token"] for r in again] == tokens
    assert [r.get("run_id") for r in again] == [r.get("run_id") for r in records]
    assert emulator.applied["jobs/run-now"] == 3
    assert emulator.applied["jobs/run-now:replayed"] == 3

    fresh = run_cli("bulk", "run-now", str(source), "--batch", "tomorrow")
    assert {r["idempotency_token"] for r in lines_of(fresh.stdout)}.isdisjoint(tokens)
    assert emulator.applied["jobs/run-now"] == 6


def test_bulk_reads_stdin_and_shows_no_bar_when_piped(run_cli: Cli, emulator: Emulator) -> None:
    job_id = run_cli.create_job(chain())
    result = run_cli("bulk", "run-now", "-", input=f"{job_id}\n{job_id}\n")
    assert result.exit_code == 0
    assert [r["state"] for r in lines_of(result.stdout)] == ["started", "started"]
    assert "━" not in result.stderr
    assert "ETA" not in result.stderr
    assert result.stderr.strip() == "2 started, 0 failed, of 2"
    body_tokens = {r.body["idempotency_token"] for r in emulator.requests_to("jobs/run-now")}
    assert body_tokens == {r["idempotency_token"] for r in lines_of(result.stdout)}


def test_bulk_keeps_a_token_given_on_the_line(run_cli: Cli) -> None:
    job_id = run_cli.create_job(chain())
    line = json.dumps({"job_id": job_id, "idempotency_token": "mine-1"})
    result = run_cli("bulk", "run-now", input=line + "\n")
    assert lines_of(result.stdout)[0]["idempotency_token"] == "mine-1"


def test_bulk_refuses_a_malformed_line(run_cli: Cli, emulator: Emulator) -> None:
    result = run_cli("bulk", "run-now", input="12\nnot-a-job\n")
    assert result.exit_code == 1
    assert "line 2: expected a job id or a JSON object" in result.stderr
    assert emulator.applied["jobs/run-now"] == 0
