"""What a task does when it runs: the default behaviour and the scripts tests add."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["Outcome", "TaskBehaviour", "TaskContext", "TaskScript", "decide_behaviour"]

Outcome = Literal["SUCCESS", "FAILED", "TIMEDOUT", "INTERNAL_ERROR", "HANG"]
"""How a scripted task attempt ends (`TaskScript.outcome`); ``HANG`` runs until cancelled."""
_OUTCOMES = ("SUCCESS", "FAILED", "TIMEDOUT", "INTERNAL_ERROR", "HANG")


@dataclass(frozen=True)
class TaskContext:
    """What a script's predicate sees about the task attempt being started.

    `attempt_number` counts retries (0 first); `repair_number` is 0 in the original run
    and N in its N-th repair; `iteration` and `input` describe a for-each iteration.
    """

    job_id: int | None
    job_name: str | None
    run_id: int
    task_key: str
    attempt_number: int
    task: Mapping[str, Any]
    iteration: int | None = None
    input: Any = None
    repair_number: int = 0


@dataclass(frozen=True)
class TaskBehaviour:
    """What one task attempt does: its outcome, how long it runs, and what it reports."""

    outcome: Outcome
    duration: float
    error: str | None = None
    error_trace: str | None = None
    result: str | None = None
    logs: str | None = None


@dataclass(frozen=True)
class TaskScript:
    """A rule saying what matching task attempts do; the newest matching rule wins.

    A task matches when every criterion given matches: `task_key`, `job_name` (the job's
    ``settings.name``, or the ``run_name`` of a submitted run) and the predicate `when`.
    `outcome` is ``SUCCESS``, ``FAILED``, ``TIMEDOUT`` (the attempt ends TIMEDOUT after its
    `timeout_seconds`, or after `duration`), ``INTERNAL_ERROR`` or ``HANG`` (runs until
    cancelled or timed out). With `fail_attempts` only the first N attempts have `outcome`;
    later attempts succeed.
    """

    task_key: str | None = None
    job_name: str | None = None
    when: Callable[[TaskContext], bool] | None = None
    outcome: Outcome = "SUCCESS"
    duration: float | None = None
    error: str | None = None
    error_trace: str | None = None
    result: str | None = None
    logs: str | None = None
    fail_attempts: int | None = None

    def __post_init__(self) -> None:
        if self.outcome not in _OUTCOMES:
            raise ValueError(f"outcome must be one of {_OUTCOMES}, not {self.outcome!r}")
        if self.duration is not None and not self.duration >= 0:
            raise ValueError(f"duration must be >= 0, not {self.duration!r}")

    def matches(self, ctx: TaskContext) -> bool:
        """Return whether this rule applies to the attempt described by `ctx`."""
        if self.task_key is not None and self.task_key != ctx.task_key:
            return False
        if self.job_name is not None and self.job_name != ctx.job_name:
            return False
        return self.when is None or bool(self.when(ctx))


def decide_behaviour(
    scripts: list[TaskScript], ctx: TaskContext, default_duration: float
) -> TaskBehaviour:
    """Return what the attempt in `ctx` does: the newest matching script, else success."""
    for script in reversed(scripts):
        if not script.matches(ctx):
            continue
        duration = default_duration if script.duration is None else script.duration
        outcome: Outcome = script.outcome
        if script.fail_attempts is not None and ctx.attempt_number >= script.fail_attempts:
            outcome = "SUCCESS"
        if outcome == "HANG":
            duration = math.inf
        if outcome == "SUCCESS":
            return TaskBehaviour("SUCCESS", duration, result=script.result, logs=script.logs)
        error = script.error
        if error is None:
            error = "Timed out" if outcome == "TIMEDOUT" else f"Task {ctx.task_key} failed"
        trace = script.error_trace
        if trace is None and outcome in ("FAILED", "INTERNAL_ERROR"):
            trace = f"Traceback (most recent call last):\n  ...\nException: {error}"
        return TaskBehaviour(outcome, duration, error, trace, script.result, script.logs)
    return TaskBehaviour("SUCCESS", default_duration)
