"""The run state machine: task attempts on a timeline, dependencies, run_if, retries, stops.

A run is advanced by `step(run, t, engine)`, which applies every transition due at or before
clock time `t`. Attempt phases (PENDING, RUNNING, TERMINATING) are fixed timestamps decided
when the attempt starts, so reading a run at any time needs no further processing.
"""

from __future__ import annotations

import heapq
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from ._conditions import evaluate_condition, resolve_refs
from ._scripts import TaskBehaviour

__all__ = [
    "Attempt",
    "Engine",
    "RepairRecord",
    "RunRecord",
    "TaskRun",
    "next_wake",
    "run_result",
    "step",
    "stop_run",
]

FAILED_RESULTS = frozenset({"FAILED", "TIMEDOUT", "UPSTREAM_FAILED"})
CANCELED_RESULTS = frozenset({"CANCELED", "UPSTREAM_CANCELED"})
SKIPPED_RESULTS = frozenset({"EXCLUDED", "DISABLED"})


@dataclass
class Attempt:
    """One attempt of a task: its own run id and its phase timestamps (clock seconds)."""

    run_id: int
    attempt_number: int
    start: float
    running_at: float
    finish: float
    end: float
    result: str
    internal_error: bool = False
    error: str | None = None
    error_trace: str | None = None
    output: str | None = None
    logs: str | None = None


@dataclass
class TaskRun:
    """A task inside a run (or one iteration of a for-each task)."""

    key: str
    spec: dict[str, Any]
    reserved_id: int
    phase: str = "BLOCKED"  # BLOCKED | ACTIVE | WAITING_FOR_RETRY | DONE
    attempts: list[Attempt] = field(default_factory=list)
    result: str | None = None
    message: str = ""
    done_at: float | None = None
    retry_at: float | None = None
    iteration: int | None = None
    input: Any = None
    iterations: list[TaskRun] | None = None
    free_slots: list[float] = field(default_factory=list)
    started_at: float | None = None

    @property
    def run_id(self) -> int:
        """The run id shown for this task: its latest attempt's, or the reserved one."""
        return self.attempts[-1].run_id if self.attempts else self.reserved_id

    def depends_on(self) -> list[str]:
        """Return the task keys this task waits for."""
        deps = self.spec.get("depends_on") or []
        keys = []
        for dep in deps:
            key = dep.get("task_key") if isinstance(dep, dict) else dep
            if isinstance(key, str):
                keys.append(key)
        return keys


@dataclass
class RepairRecord:
    """One repair of a run (or the original run): when, and which task runs it covered."""

    repair_id: int | None
    start: float
    task_run_ids: list[int]
    end: float | None = None
    result: str | None = None


@dataclass
class RunRecord:
    """A job run or a submitted run, and everything needed to render it at any time."""

    run_id: int
    job_id: int | None
    run_type: str
    run_name: str
    settings: dict[str, Any]
    created: float
    creator: str
    tasks: dict[str, TaskRun]
    job_parameters: list[dict[str, Any]] = field(default_factory=list)
    overriding_parameters: dict[str, Any] | None = None
    idempotency_token: str | None = None
    queued: bool = False
    queue_enabled: bool = True
    skipped: bool = False
    started_at: float | None = None
    resumed_at: float | None = None
    finished_at: float | None = None
    end_at: float | None = None
    result: str | None = None
    message: str = ""
    stop_reason: str | None = None
    deadline: float | None = None
    repairs: list[RepairRecord] = field(default_factory=list)
    wake_at: float = math.inf
    terminated: bool = False
    single_task: bool = False  # written in the single-task format (see _formats)

    def parameter_values(self) -> dict[str, Any]:
        """Return the run's job parameters as ``{name: value}``."""
        return {p["name"]: p.get("value", p.get("default")) for p in self.job_parameters}

    @property
    def active(self) -> bool:
        """Whether the run counts against max_concurrent_runs (started, not terminated)."""
        return not self.queued and not self.terminated and not self.skipped


class Engine(Protocol):
    """What the state machine needs from the store."""

    cleanup_seconds: float
    setup_seconds: float

    def new_id(self) -> int:
        """Return a fresh run id."""
        ...

    def behaviour(self, run: RunRecord, task: TaskRun, attempt_number: int) -> TaskBehaviour:
        """Return what the next attempt of `task` does."""
        ...


# --- starting attempts --------------------------------------------------------------------


def _start_attempt(run: RunRecord, task: TaskRun, at: float, engine: Engine) -> None:
    number = len(task.attempts)
    run_id = task.reserved_id if number == 0 else engine.new_id()
    if task.started_at is None:
        task.started_at = at
    if "for_each_task" in task.spec and task.iterations is None:
        _start_for_each(run, task, at, run_id, engine)
        return
    beh = engine.behaviour(run, task, number)
    running_at = at + engine.setup_seconds
    timeout = _int(task.spec.get("timeout_seconds"))
    result = "SUCCESS"
    finish = running_at + beh.duration
    if beh.outcome == "TIMEDOUT":
        result = "TIMEDOUT"
        if timeout > 0:
            finish = at + timeout
    elif beh.outcome in ("FAILED", "INTERNAL_ERROR"):
        result = "FAILED"
    if timeout > 0 and finish > at + timeout:
        finish, result = at + timeout, "TIMEDOUT"
    output = beh.result
    condition = task.spec.get("condition_task")
    if isinstance(condition, dict) and output is None and result == "SUCCESS":
        output = evaluate_condition(condition, run.parameter_values())
        if output is None:
            result, beh_error = "FAILED", f"Task {task.key} has an invalid condition."
            beh = TaskBehaviour("FAILED", beh.duration, beh_error)
    error = beh.error
    if result == "TIMEDOUT" and error is None:
        error = f"Task {task.key} timed out after {timeout} seconds." if timeout else "Timed out"
    task.attempts.append(
        Attempt(
            run_id=run_id,
            attempt_number=number,
            start=at,
            running_at=running_at,
            finish=finish,
            end=finish + engine.cleanup_seconds,
            result=result,
            internal_error=beh.outcome == "INTERNAL_ERROR",
            error=error if result != "SUCCESS" else None,
            error_trace=beh.error_trace if result != "SUCCESS" else None,
            output=output,
            logs=beh.logs,
        )
    )
    task.phase = "ACTIVE"


def _start_for_each(run: RunRecord, task: TaskRun, at: float, run_id: int, engine: Engine) -> None:
    spec = task.spec["for_each_task"]
    inner = spec.get("task") if isinstance(spec, dict) else None
    inputs = _for_each_inputs(spec.get("inputs") if isinstance(spec, dict) else None, run)
    task.phase = "ACTIVE"
    task.attempts.append(
        Attempt(run_id, 0, at, at, math.inf, math.inf, "SUCCESS")  # the parent's timeline
    )
    if not isinstance(inner, dict) or inputs is None:
        task.iterations = []
        _finish_task(task, at, "FAILED", "Could not read the inputs of the for-each task.")
        task.attempts[-1].result = "FAILED"
        task.attempts[-1].error = task.message
        return
    key = str(inner.get("task_key", f"{task.key}_iteration"))
    task.iterations = [
        TaskRun(key=key, spec=inner, reserved_id=engine.new_id(), iteration=i, input=value)
        for i, value in enumerate(inputs)
    ]
    concurrency = max(1, _int(spec.get("concurrency")) or 1)
    task.free_slots = [at] * concurrency


def _for_each_inputs(raw: Any, run: RunRecord) -> list[Any] | None:
    if isinstance(raw, list):
        return raw
    if not isinstance(raw, str):
        return None
    text = resolve_refs(raw, run.parameter_values())
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, list) else None


def _finish_task(task: TaskRun, at: float, result: str, message: str = "") -> None:
    task.phase = "DONE"
    task.result = result
    task.done_at = at
    task.retry_at = None
    if message:
        task.message = message


# --- advancing ------------------------------------------------------------------------------


def _run_if_allows(rule: str, results: list[str]) -> bool:
    succeeded = [r == "SUCCESS" for r in results]
    failed = [r in FAILED_RESULTS for r in results]
    not_failed = [r == "SUCCESS" or r in SKIPPED_RESULTS for r in results]
    if rule == "ALL_DONE":
        return True
    if rule == "AT_LEAST_ONE_SUCCESS":
        return any(succeeded)
    if rule == "NONE_FAILED":
        return not any(failed) and not any(r in CANCELED_RESULTS for r in results)
    if rule == "AT_LEAST_ONE_FAILED":
        return any(failed)
    if rule == "ALL_FAILED":
        return all(failed)
    return all(not_failed)  # ALL_SUCCESS, the default


def _skip_result(results: list[str]) -> str:
    if any(r in FAILED_RESULTS for r in results):
        return "UPSTREAM_FAILED"
    if any(r in CANCELED_RESULTS for r in results):
        return "UPSTREAM_CANCELED"
    return "EXCLUDED"


def _retry_allowed(task: TaskRun, attempt: Attempt) -> bool:
    if attempt.result == "SUCCESS":
        return False
    if attempt.result == "TIMEDOUT" and not task.spec.get("retry_on_timeout"):
        return False
    if attempt.result not in ("FAILED", "TIMEDOUT"):
        return False
    max_retries = _int(task.spec.get("max_retries"))
    return max_retries < 0 or attempt.attempt_number < max_retries


def _advance_task(run: RunRecord, task: TaskRun, t: float, engine: Engine) -> bool:
    """Apply the transitions of `task` due by `t`; return whether anything changed."""
    if task.phase == "BLOCKED":
        return _advance_blocked(run, task, t, engine)
    if task.phase == "WAITING_FOR_RETRY":
        if run.stop_reason is not None:
            _finish_task(task, task.attempts[-1].end, task.attempts[-1].result)
            return True
        if task.retry_at is not None and task.retry_at <= t:
            _start_attempt(run, task, task.retry_at, engine)
            return True
        return False
    if task.phase != "ACTIVE":
        return False
    if task.iterations is not None:
        return _advance_for_each(run, task, t, engine)
    attempt = task.attempts[-1]
    if attempt.end > t:
        return False
    if run.stop_reason is None and _retry_allowed(task, attempt):
        task.phase = "WAITING_FOR_RETRY"
        interval = _int(task.spec.get("min_retry_interval_millis")) / 1000.0
        task.retry_at = attempt.end + interval
        return True
    _finish_task(task, attempt.end, attempt.result, attempt.error or "")
    return True


def _advance_blocked(run: RunRecord, task: TaskRun, t: float, engine: Engine) -> bool:
    if task.iteration is not None:
        return False  # iterations are started by their for-each parent
    deps = [run.tasks[k] for k in task.depends_on() if k in run.tasks]
    if any(d.phase != "DONE" for d in deps):
        return False
    floor = run.resumed_at if run.resumed_at is not None else t
    ready_at = max([d.done_at or 0.0 for d in deps] + [floor])
    if ready_at > t:
        return False
    if run.stop_reason is not None:
        _finish_task(task, ready_at, "CANCELED")
        return True
    if task.spec.get("disabled"):
        _finish_task(task, ready_at, "DISABLED")
        return True
    results = [d.result or "" for d in deps]
    outcomes = [
        (dep.get("outcome"), run.tasks.get(dep.get("task_key", "")))
        for dep in task.spec.get("depends_on") or []
        if isinstance(dep, dict) and dep.get("outcome") is not None
    ]
    outcome_ok = all(
        d is not None and _condition_outcome(d) == str(want).lower() for want, d in outcomes
    )
    rule = str(task.spec.get("run_if") or "ALL_SUCCESS")
    if not _run_if_allows(rule, results):
        wants_failure = rule in ("AT_LEAST_ONE_FAILED", "ALL_FAILED")
        _finish_task(task, ready_at, "EXCLUDED" if wants_failure else _skip_result(results))
        return True
    if not outcome_ok:
        _finish_task(task, ready_at, "EXCLUDED")
        return True
    _start_attempt(run, task, ready_at, engine)
    return True


def _condition_outcome(task: TaskRun) -> str:
    if task.attempts and task.attempts[-1].output is not None:
        return task.attempts[-1].output.lower()
    return "true"


def _advance_for_each(run: RunRecord, task: TaskRun, t: float, engine: Engine) -> bool:
    assert task.iterations is not None
    changed = False
    progress = True
    while progress:
        progress = False
        for it in task.iterations:
            if it.phase in ("ACTIVE", "WAITING_FOR_RETRY") and _advance_task(run, it, t, engine):
                progress = True
                if it.phase == "DONE":  # its slot frees for the next iteration
                    heapq.heappush(task.free_slots, it.done_at or t)
        pending = [it for it in task.iterations if it.phase == "BLOCKED"]
        while pending and task.free_slots and task.free_slots[0] <= t:
            at = heapq.heappop(task.free_slots)
            it = pending.pop(0)
            if run.stop_reason is not None:
                _finish_task(it, at, "CANCELED")
            else:
                _start_attempt(run, it, at, engine)
            progress = True
        changed = changed or progress
    if all(it.phase == "DONE" for it in task.iterations):
        done_at = max([it.done_at or 0.0 for it in task.iterations], default=task.started_at or t)
        ok = all(it.result == "SUCCESS" for it in task.iterations)
        result = "SUCCESS" if ok else ("CANCELED" if run.stop_reason == "CANCELED" else "FAILED")
        parent = task.attempts[-1]
        parent.finish = parent.end = done_at
        parent.result = result
        _finish_task(task, done_at, result, "" if ok else "One or more iterations failed.")
        return True
    return changed


def step(run: RunRecord, t: float, engine: Engine) -> bool:
    """Advance `run` to time `t`; return True when it became TERMINATED."""
    if run.queued or run.skipped or run.terminated or run.started_at is None:
        return False
    if run.deadline is not None and run.deadline <= t and run.finished_at is None:
        stop_run(run, run.deadline, "TIMEDOUT")
    changed = True
    while changed:
        changed = False
        for task in run.tasks.values():
            changed = _advance_task(run, task, t, engine) or changed
    if run.finished_at is None and all(task.phase == "DONE" for task in run.tasks.values()):
        finished = max([task.done_at or 0.0 for task in run.tasks.values()], default=run.started_at)
        run.finished_at = finished
        run.end_at = finished + engine.cleanup_seconds
        run.result, run.message = run_result(run)
        if run.repairs:
            run.repairs[-1].end = run.end_at
            run.repairs[-1].result = run.result
    if run.end_at is not None and run.end_at <= t:
        run.terminated = True
    run.wake_at = next_wake(run)
    return run.terminated


def next_wake(run: RunRecord) -> float:
    """Return the clock time of the run's next transition (inf when none is scheduled)."""
    if run.terminated or run.queued or run.skipped:
        return math.inf
    if run.end_at is not None:
        return run.end_at
    times = [run.deadline] if run.deadline is not None else []
    times.extend(_task_wakes(run.tasks.values()))
    return min(times, default=math.inf)


def _task_wakes(tasks: Iterable[TaskRun]) -> Iterable[float]:
    for task in tasks:
        if task.phase == "WAITING_FOR_RETRY" and task.retry_at is not None:
            yield task.retry_at
        elif task.phase == "ACTIVE" and task.iterations is not None:
            yield from _task_wakes(task.iterations)
            if any(it.phase == "BLOCKED" for it in task.iterations) and task.free_slots:
                yield task.free_slots[0]
        elif task.phase == "ACTIVE" and task.attempts:
            yield task.attempts[-1].end


def stop_run(run: RunRecord, at: float, reason: str) -> None:
    """Cancel (reason CANCELED) or time out (TIMEDOUT) every unfinished task at `at`."""
    if run.finished_at is not None or run.stop_reason is not None:
        return
    run.stop_reason = reason
    for task in run.tasks.values():
        _stop_task(task, at, reason)


def _stop_task(task: TaskRun, at: float, reason: str) -> None:
    if task.phase == "DONE":
        return
    if task.iterations is not None:
        for it in task.iterations:
            _stop_task(it, at, reason)
        return
    if task.phase == "ACTIVE" and task.attempts:
        attempt = task.attempts[-1]
        if attempt.finish > at:
            attempt.finish = max(at, attempt.start)
            attempt.running_at = min(attempt.running_at, attempt.finish)
            attempt.result = reason
            attempt.error = "Run was cancelled." if reason == "CANCELED" else "Run timed out."
            attempt.end = attempt.finish  # a stopped attempt has no cleanup phase
        return
    _finish_task(task, at, "CANCELED")


def run_result(run: RunRecord) -> tuple[str, str]:
    """Return the result state and message of a run whose tasks are all done."""
    if run.stop_reason == "CANCELED":
        return "CANCELED", "Run cancelled."
    if run.stop_reason == "TIMEDOUT":
        return "TIMEDOUT", "Run timed out."
    upstream = {k for t in run.tasks.values() for k in t.depends_on()}
    leaves = [t for t in run.tasks.values() if t.key not in upstream]
    leaf_results = {t.result for t in leaves}
    failed = [t for t in run.tasks.values() if t.result in FAILED_RESULTS]
    if leaf_results & {"FAILED", "UPSTREAM_FAILED"}:
        first = next((t for t in failed if t.result == "FAILED"), failed[0] if failed else None)
        detail = f"Task {first.key} failed with message: {first.message}" if first else ""
        return "FAILED", detail or "Workload failed, see run output for details"
    if "TIMEDOUT" in leaf_results:
        return "TIMEDOUT", "A task timed out."
    if leaf_results & CANCELED_RESULTS:
        return "CANCELED", "A task was cancelled."
    if failed:
        return "SUCCESS_WITH_FAILURES", "Some tasks failed; the leaf tasks succeeded."
    return "SUCCESS", ""


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0
