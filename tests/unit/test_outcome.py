"""`run_outcome`: the table in its module docstring, row by row, on decoded runs."""

from __future__ import annotations

from typing import Any

import pytest

from databricks_jobs._outcome import OutcomeKind, run_outcome
from databricks_jobs._serde import from_dict
from databricks_jobs.models import Run, RunTask


def status(state: str, code: str | None = None, type_: str | None = None) -> dict[str, Any]:
    details: dict[str, Any] = {}
    if code:
        details["code"] = code
    if type_:
        details["type"] = type_
    block: dict[str, Any] = {"state": state}
    if details:
        block["termination_details"] = details
    return block


def state(life_cycle: str, result: str | None = None) -> dict[str, Any]:
    return {"life_cycle_state": life_cycle, **({"result_state": result} if result else {})}


NEWER = [
    (status("QUEUED"), OutcomeKind.RUNNING),
    (status("PENDING"), OutcomeKind.RUNNING),
    (status("RUNNING"), OutcomeKind.RUNNING),
    (status("TERMINATING"), OutcomeKind.RUNNING),
    (status("BLOCKED"), OutcomeKind.RUNNING),
    (status("WAITING"), OutcomeKind.RUNNING),
    (status("SOME_FUTURE_STATE"), OutcomeKind.RUNNING),
    (status("TERMINATED", "SUCCESS", "SUCCESS"), OutcomeKind.SUCCESS),
    (status("TERMINATED", "SUCCESS_WITH_FAILURES"), OutcomeKind.SUCCESS_WITH_FAILURES),
    (status("TERMINATED", "USER_CANCELED", "SUCCESS"), OutcomeKind.CANCELED),
    (status("TERMINATED", "CANCELED"), OutcomeKind.CANCELED),
    (status("TERMINATED", "SKIPPED"), OutcomeKind.SKIPPED),
    (status("TERMINATED", "DISABLED"), OutcomeKind.SKIPPED),
    (status("TERMINATED", "MAX_CONCURRENT_RUNS_EXCEEDED", "CLIENT_ERROR"), OutcomeKind.SKIPPED),
    (status("TERMINATED", "MAX_JOB_QUEUE_SIZE_EXCEEDED"), OutcomeKind.SKIPPED),
    (status("TERMINATED", "RUN_EXECUTION_ERROR", "CLIENT_ERROR"), OutcomeKind.FAILED),
    (status("TERMINATED", "CLUSTER_ERROR", "CLOUD_FAILURE"), OutcomeKind.FAILED),
    (status("TERMINATED", "INTERNAL_ERROR", "INTERNAL_ERROR"), OutcomeKind.INTERNAL_ERROR),
    (status("TERMINATED", "A_NEW_CODE", "SUCCESS"), OutcomeKind.SUCCESS),
    (status("TERMINATED", "A_NEW_CODE", "CLIENT_ERROR"), OutcomeKind.FAILED),
    (status("TERMINATED"), OutcomeKind.FAILED),
]

OLDER = [
    (state("QUEUED"), OutcomeKind.RUNNING),
    (state("PENDING"), OutcomeKind.RUNNING),
    (state("RUNNING"), OutcomeKind.RUNNING),
    (state("TERMINATING"), OutcomeKind.RUNNING),
    (state("BLOCKED"), OutcomeKind.RUNNING),
    (state("WAITING_FOR_RETRY"), OutcomeKind.RUNNING),
    (state("NEW_LIFE_CYCLE"), OutcomeKind.RUNNING),
    (state("TERMINATED", "SUCCESS"), OutcomeKind.SUCCESS),
    (state("TERMINATED", "SUCCESS_WITH_FAILURES"), OutcomeKind.SUCCESS_WITH_FAILURES),
    (state("TERMINATED", "FAILED"), OutcomeKind.FAILED),
    (state("TERMINATED", "UPSTREAM_FAILED"), OutcomeKind.FAILED),
    (state("TERMINATED", "TIMEDOUT"), OutcomeKind.TIMED_OUT),
    (state("TERMINATED", "CANCELED"), OutcomeKind.CANCELED),
    (state("TERMINATED", "UPSTREAM_CANCELED"), OutcomeKind.CANCELED),
    (state("TERMINATED", "EXCLUDED"), OutcomeKind.SKIPPED),
    (state("TERMINATED", "DISABLED"), OutcomeKind.SKIPPED),
    (state("SKIPPED", "MAXIMUM_CONCURRENT_RUNS_REACHED"), OutcomeKind.SKIPPED),
    (state("SKIPPED"), OutcomeKind.SKIPPED),
    (state("INTERNAL_ERROR", "FAILED"), OutcomeKind.INTERNAL_ERROR),
    (state("TERMINATED", "A_NEW_RESULT"), OutcomeKind.FAILED),
]


@pytest.mark.parametrize(("block", "expected"), NEWER)
def test_status_block(block: dict[str, Any], expected: OutcomeKind) -> None:
    outcome = run_outcome(from_dict(Run, {"run_id": 1, "status": block}))
    assert outcome.kind is expected
    assert outcome.finished is (expected is not OutcomeKind.RUNNING)
    assert outcome.state == block["state"]


@pytest.mark.parametrize(("block", "expected"), OLDER)
def test_state_block_when_status_is_absent(block: dict[str, Any], expected: OutcomeKind) -> None:
    assert run_outcome(from_dict(Run, {"run_id": 1, "state": block})).kind is expected


def test_status_wins_over_state() -> None:
    run = from_dict(
        Run,
        {"run_id": 1, "state": state("TERMINATED", "SUCCESS"), "status": status("RUNNING")},
    )
    assert run_outcome(run).kind is OutcomeKind.RUNNING


def test_timeout_refined_from_the_older_result() -> None:
    run = from_dict(
        Run,
        {
            "run_id": 1,
            "status": status("TERMINATED", "RUN_EXECUTION_ERROR", "CLIENT_ERROR"),
            "state": state("TERMINATED", "TIMEDOUT"),
        },
    )
    assert run_outcome(run).kind is OutcomeKind.TIMED_OUT


def test_no_state_at_all_is_running() -> None:
    assert run_outcome(from_dict(Run, {"run_id": 1})).kind is OutcomeKind.RUNNING


def test_message_and_describe() -> None:
    task = from_dict(
        RunTask,
        {
            "run_id": 2,
            "status": {
                "state": "TERMINATED",
                "termination_details": {"code": "RUN_EXECUTION_ERROR", "message": "boom"},
            },
        },
    )
    outcome = run_outcome(task)
    assert outcome.succeeded is False
    assert outcome.describe() == "failed (RUN_EXECUTION_ERROR): boom"
