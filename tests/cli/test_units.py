"""The pure parts: exit codes, error lines, tokens, normalisation, the task tree."""

from __future__ import annotations

import pytest

from databricks_jobs import NotFound, OutcomeKind, RunOutcome, SpecError
from databricks_jobs.cli._bulk import parse_requests, token_for
from databricks_jobs.cli._exit import ExitCode, error_line, exit_code_for
from databricks_jobs.cli._render import duration_text, task_depths
from databricks_jobs.cli._specs import differences, normalize
from databricks_jobs.models import RunNow, Task


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        (OutcomeKind.SUCCESS, 0),
        (OutcomeKind.FAILED, 3),
        (OutcomeKind.CANCELED, 4),
        (OutcomeKind.SKIPPED, 5),
        (OutcomeKind.TIMED_OUT, 6),
        (OutcomeKind.INTERNAL_ERROR, 7),
        (OutcomeKind.SUCCESS_WITH_FAILURES, 8),
        (OutcomeKind.RUNNING, 9),
    ],
)
def test_exit_codes(kind: OutcomeKind, code: int) -> None:
    assert exit_code_for(RunOutcome(kind)) == code


def test_every_outcome_has_a_distinct_code() -> None:
    codes = {exit_code_for(RunOutcome(kind)) for kind in OutcomeKind}
    assert len(codes) == len(OutcomeKind)
    assert ExitCode.ERROR not in codes
    assert ExitCode.USAGE not in codes


def test_error_line_is_one_line_with_the_code() -> None:
    exc = NotFound(
        "Job 5 does not exist.\nsecond line",
        status=400,
        error_code="INVALID_PARAMETER_VALUE",
        method="GET",
        path="/api/2.2/jobs/get",
        request_id="r-1",
    )
    assert error_line(exc) == (
        "error: NotFound INVALID_PARAMETER_VALUE: Job 5 does not exist. second line "
        "[GET /api/2.2/jobs/get] (request id r-1)"
    )
    assert error_line(SpecError("required", field="name")) == "error: SpecError: name: required"


def test_error_line_keeps_the_notes_added_on_the_way_up() -> None:
    exc = SpecError("required", field="name")
    exc.add_note("first\nnote")
    exc.add_note("second note")
    assert error_line(exc) == "error: SpecError: name: required (first note) (second note)"


def test_tokens_are_derived_from_the_request() -> None:
    a = token_for(RunNow(job_id=1, job_parameters={"x": "1", "y": "2"}), 1, "")
    b = token_for(RunNow(job_id=1, job_parameters={"y": "2", "x": "1"}), 1, "")
    assert a == b  # key order does not matter
    assert token_for(RunNow(job_id=1), 2, "") != token_for(RunNow(job_id=1), 1, "")
    assert token_for(RunNow(job_id=1), 1, "b") != token_for(RunNow(job_id=1), 1, "")
    assert len(a) <= 64


def test_parse_requests_numbers_lines_and_tells_repeats_apart() -> None:
    parsed = parse_requests(["# c", "7", "", ' {"job_id": 7} ', "8"])
    assert [line for line, _ in parsed] == [2, 4, 5]
    tokens = [r.idempotency_token for _, r in parsed]
    assert len(set(tokens)) == 3
    assert parse_requests(["7", "7", "8"])[0][1].idempotency_token == tokens[0]


def test_a_request_line_nested_too_deeply_is_refused_with_its_number() -> None:
    deep = '{"job_id": 7, "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    with pytest.raises(SpecError, match="line 2: expected a job id or a JSON object"):
        parse_requests(["7", deep])


def test_normalize_drops_server_defaults_only() -> None:
    served = {
        "name": "n",
        "format": "MULTI_TASK",
        "max_concurrent_runs": 1,
        "queue": {"enabled": True},
        "tasks": [
            {
                "task_key": "a",
                "run_if": "ALL_SUCCESS",
                "timeout_seconds": 0,
                "notebook_task": {"notebook_path": "/a", "source": "WORKSPACE"},
            }
        ],
    }
    wanted = {"name": "n", "tasks": [{"task_key": "a", "notebook_task": {"notebook_path": "/a"}}]}
    assert differences(normalize(served), normalize(wanted)) == []
    served["max_concurrent_runs"] = 3
    assert differences(normalize(served), normalize(wanted)) == [
        {"path": "max_concurrent_runs", "before": 3, "after": None}
    ]


def test_task_depths_follow_the_longest_chain() -> None:
    tasks = [
        Task(task_key="c", depends_on=["a", "b"]),
        Task(task_key="a"),
        Task(task_key="b", depends_on=["a"]),
    ]
    assert [(t.task_key, d) for t, d in task_depths(tasks)] == [("a", 0), ("b", 1), ("c", 2)]


@pytest.mark.parametrize(
    ("millis", "text"), [(None, "-"), (0, "0s"), (65_000, "1m 05s"), (3_720_000, "1h 02m")]
)
def test_durations(millis: int | None, text: str) -> None:
    assert duration_text(millis) == text
