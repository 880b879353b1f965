"""Turning run records into the wire shapes of runs/get and runs/list at a given time."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

from ._runs import Attempt, RunRecord, TaskRun

__all__ = ["RunRenderer"]

_TERMINATION = {
    "SUCCESS": ("SUCCESS", "SUCCESS"),
    "SUCCESS_WITH_FAILURES": ("SUCCESS_WITH_FAILURES", "SUCCESS"),
    "FAILED": ("RUN_EXECUTION_ERROR", "CLIENT_ERROR"),
    "TIMEDOUT": ("RUN_EXECUTION_ERROR", "CLIENT_ERROR"),
    "CANCELED": ("USER_CANCELED", "SUCCESS"),
    "UPSTREAM_FAILED": ("SKIPPED", "SUCCESS"),
    "UPSTREAM_CANCELED": ("SKIPPED", "SUCCESS"),
    "EXCLUDED": ("SKIPPED", "SUCCESS"),
    "DISABLED": ("DISABLED", "SUCCESS"),
    "MAXIMUM_CONCURRENT_RUNS_REACHED": ("MAX_CONCURRENT_RUNS_EXCEEDED", "CLIENT_ERROR"),
}
_STATUS_V2 = {
    "QUEUED": "QUEUED",
    "PENDING": "PENDING",
    "RUNNING": "RUNNING",
    "TERMINATING": "TERMINATING",
    "TERMINATED": "TERMINATED",
    "SKIPPED": "TERMINATED",
    "INTERNAL_ERROR": "TERMINATED",
    "BLOCKED": "BLOCKED",
    "WAITING_FOR_RETRY": "WAITING",
}


def _blocks(
    life_cycle: str,
    result: str | None,
    message: str,
    *,
    queue_reason: str | None = None,
    internal: bool = False,
) -> dict[str, Any]:
    """Return the ``state`` and ``status`` blocks for one run or task run."""
    state: dict[str, Any] = {"life_cycle_state": life_cycle, "state_message": message}
    status: dict[str, Any] = {"state": _STATUS_V2.get(life_cycle, life_cycle)}
    if result is not None:
        state["result_state"] = result
        state["user_cancelled_or_timedout"] = result in ("CANCELED", "TIMEDOUT")
        code, kind = _TERMINATION.get(result, ("RUN_EXECUTION_ERROR", "CLIENT_ERROR"))
        if internal:
            code, kind = "INTERNAL_ERROR", "INTERNAL_ERROR"
        status["termination_details"] = {"code": code, "type": kind, "message": message}
    else:
        state["user_cancelled_or_timedout"] = False
    if queue_reason is not None:
        state["queue_reason"] = queue_reason
        status["queue_details"] = {"code": "MAX_CONCURRENT_RUNS_REACHED", "message": queue_reason}
    return {"state": state, "status": status}


class RunRenderer:
    """Renders runs and task runs as the API shows them at clock time `t`."""

    def __init__(self, to_ms: Callable[[float], int], url: Callable[[RunRecord, int], str]) -> None:
        self._ms = to_ms
        self._url = url

    def attempt_life_cycle(self, attempt: Attempt, t: float) -> str:
        """Return the life cycle state of an attempt at `t`."""
        if t < attempt.running_at:
            return "PENDING"
        if t < attempt.finish:
            return "RUNNING"
        if t < attempt.end:
            return "TERMINATING"
        return "INTERNAL_ERROR" if attempt.internal_error else "TERMINATED"

    def task(
        self, run: RunRecord, task: TaskRun, t: float, *, attempt: Attempt | None = None
    ) -> dict[str, Any]:
        """Return one RunTask (the latest attempt unless `attempt` is given)."""
        out = {k: copy.deepcopy(v) for k, v in task.spec.items() if k != "depends_on"}
        out["task_key"] = task.key
        if task.spec.get("depends_on"):
            out["depends_on"] = [
                d if isinstance(d, dict) else {"task_key": d} for d in task.spec["depends_on"]
            ]
        out.setdefault("run_if", "ALL_SUCCESS")
        a = attempt or (task.attempts[-1] if task.attempts else None)
        out["run_id"] = a.run_id if a else task.reserved_id
        out["attempt_number"] = a.attempt_number if a else 0
        out["run_page_url"] = self._url(run, out["run_id"])
        if task.iteration is not None:
            out["for_each_task_iteration"] = task.iteration
        out.update(self._task_state(task, a, t))
        condition = out.get("condition_task")
        if isinstance(condition, dict) and a is not None and a.output is not None and t >= a.end:
            condition["outcome"] = a.output.lower()
        if a is not None:
            self._task_times(out, a, t)
        elif task.done_at is not None:
            out["start_time"] = self._ms(task.done_at)
            out["end_time"] = self._ms(task.done_at)
        if task.iterations is not None:
            out["for_each_task"] = dict(out.get("for_each_task") or {})
            out["for_each_task"]["stats"] = self._for_each_stats(task)
        return out

    def _task_state(self, task: TaskRun, a: Attempt | None, t: float) -> dict[str, Any]:
        latest = a is None or a is (task.attempts[-1] if task.attempts else None)
        if latest and task.phase == "DONE":
            life = "INTERNAL_ERROR" if a is not None and a.internal_error else "TERMINATED"
            msg = task.message if task.result != "SUCCESS" else ""
            return _blocks(life, task.result, msg, internal=bool(a and a.internal_error))
        if latest and task.phase == "BLOCKED":
            return _blocks("BLOCKED", None, "Waiting for upstream tasks.")
        if latest and task.phase == "WAITING_FOR_RETRY":
            return _blocks("WAITING_FOR_RETRY", None, "Waiting to retry.")
        assert a is not None
        life = self.attempt_life_cycle(a, t)
        if life in ("TERMINATED", "INTERNAL_ERROR"):
            return _blocks(life, a.result, a.error or "", internal=a.internal_error)
        if task.iterations is not None:
            life = "RUNNING"
        return _blocks(life, None, "")

    def _task_times(self, out: dict[str, Any], a: Attempt, t: float) -> None:
        out["start_time"] = self._ms(a.start)
        setup = min(t, a.running_at) - a.start
        out["setup_duration"] = int(max(0.0, setup) * 1000)
        exec_end = min(t, a.finish)
        out["execution_duration"] = (
            int(max(0.0, exec_end - a.running_at) * 1000) if math.isfinite(exec_end) else 0
        )
        cleanup_end = min(t, a.end)
        out["cleanup_duration"] = (
            int(max(0.0, cleanup_end - a.finish) * 1000) if math.isfinite(a.finish) else 0
        )
        out["end_time"] = self._ms(a.end) if t >= a.end and math.isfinite(a.end) else 0
        if out["end_time"]:
            out["run_duration"] = int((a.end - a.start) * 1000)
        out["cluster_instance"] = {
            "cluster_id": f"0000-000000-emu{a.run_id % 100000:05d}",
            "spark_context_id": str(a.run_id),
        }

    def _for_each_stats(self, task: TaskRun) -> dict[str, Any]:
        its = task.iterations or []
        done = [i for i in its if i.phase == "DONE"]
        active = [i for i in its if i.phase in ("ACTIVE", "WAITING_FOR_RETRY")]
        failed = [i for i in done if i.result != "SUCCESS"]
        errors: dict[str, int] = {}
        for it in failed:
            errors[it.message] = errors.get(it.message, 0) + 1
        stats: dict[str, Any] = {
            "task_run_stats": {
                "total_iterations": len(its),
                "scheduled_iterations": len(its),
                "active_iterations": len(active),
                "completed_iterations": len(done),
                "succeeded_iterations": len(done) - len(failed),
                "failed_iterations": len(failed),
            }
        }
        if errors:
            stats["error_message_stats"] = [
                {"error_message": msg, "count": n, "termination_category": "RUN_EXECUTION_ERROR"}
                for msg, n in errors.items()
            ]
        return stats

    def run(self, run: RunRecord, t: float, *, tasks: bool = True) -> dict[str, Any]:
        """Return the Run object of `run` at `t` (without tasks when `tasks` is false)."""
        out: dict[str, Any] = {
            "run_id": run.run_id,
            "number_in_job": run.run_id,
            "original_attempt_run_id": run.run_id,
            "creator_user_name": run.creator,
            "run_name": run.run_name,
            "run_type": run.run_type,
            "trigger": "ONE_TIME",
            "format": "MULTI_TASK",
            "attempt_number": 0,
            "start_time": self._ms(run.created),
            "setup_duration": 0,
            "execution_duration": 0,
            "cleanup_duration": 0,
            "end_time": 0,
            "run_page_url": self._url(run, run.run_id),
            "job_parameters": copy.deepcopy(run.job_parameters),
        }
        if run.job_id is not None:
            out["job_id"] = run.job_id
        if run.overriding_parameters:
            out["overriding_parameters"] = copy.deepcopy(run.overriding_parameters)
        for key in ("description", "git_source", "schedule", "environments"):
            if key in run.settings:
                out[key] = copy.deepcopy(run.settings[key])
        out.update(self._run_state(run, t))
        if run.started_at is not None and run.started_at > run.created:
            out["queue_duration"] = int((run.started_at - run.created) * 1000)
        elif run.queued:
            out["queue_duration"] = int((t - run.created) * 1000)
        if run.terminated and run.end_at is not None:
            out["end_time"] = self._ms(run.end_at)
            out["run_duration"] = int((run.end_at - run.created) * 1000)
        if tasks:
            out["tasks"] = [self.task(run, task, t) for task in run.tasks.values()]
            if run.settings.get("job_clusters"):
                out["job_clusters"] = copy.deepcopy(run.settings["job_clusters"])
        return out

    def _run_state(self, run: RunRecord, t: float) -> dict[str, Any]:
        if run.skipped:
            return _blocks(
                "SKIPPED", "MAXIMUM_CONCURRENT_RUNS_REACHED", run.message or "Run skipped."
            )
        if run.queued:
            return _blocks(
                "QUEUED",
                None,
                "",
                queue_reason="Queued due to reaching maximum concurrent runs of "
                f"{run.settings.get('max_concurrent_runs', 1)}.",
            )
        internal = run.result == "FAILED" and any(
            t_.attempts and t_.attempts[-1].internal_error for t_ in run.tasks.values()
        )
        if run.terminated:
            life = "INTERNAL_ERROR" if internal else "TERMINATED"
            return _blocks(life, run.result, run.message, internal=internal)
        if run.finished_at is not None:
            return _blocks("TERMINATING", None, "")
        started = any(
            a.running_at <= t for task in run.tasks.values() for a in task.attempts
        ) or any(task.phase == "DONE" for task in run.tasks.values())
        return _blocks("RUNNING" if started else "PENDING", None, "")

    def history(self, run: RunRecord, t: float) -> list[dict[str, Any]]:
        """Return the run's repair_history: its ORIGINAL item first, then one per repair.

        A run never repaired has the ORIGINAL item alone, in the run's own state (Airflow's
        ``get_latest_repair_id`` reads ``repair_history`` of every run it may repair).
        """
        if not run.repairs:
            began = run.started_at if run.started_at is not None else run.created
            item: dict[str, Any] = {
                "type": "ORIGINAL",
                "start_time": self._ms(began),
                "end_time": self._ms(run.end_at) if run.terminated and run.end_at else 0,
                "task_run_ids": [task.run_id for task in run.tasks.values()],
            }
            item.update(self._run_state(run, t))
            return [item]
        items = []
        for rec in run.repairs:
            item = {
                "type": "ORIGINAL" if rec.repair_id is None else "REPAIR",
                "start_time": self._ms(rec.start),
                "task_run_ids": list(rec.task_run_ids),
            }
            if rec.repair_id is not None:
                item["id"] = rec.repair_id
            if rec.end is not None and rec.end <= t and rec.result is not None:
                item["end_time"] = self._ms(rec.end)
                item.update(_blocks("TERMINATED", rec.result, ""))
            else:
                item["end_time"] = 0
                item.update(_blocks("RUNNING", None, ""))
            items.append(item)
        return items
