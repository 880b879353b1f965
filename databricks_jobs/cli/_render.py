"""Human output: tables of jobs and runs, a run's summary with its per-task timeline.

Decoding keeps a value of an unexpected JSON type as received, so every reader here takes
what it finds through `_millis`, `_text` and `_models`: what it cannot read is shown as
``-`` (or left out), never raised, since a crash would hide the very run a user looks into.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import math
from collections.abc import Iterable, Sequence
from typing import Any

import attrs
from rich.table import Table
from rich.text import Text

from databricks_jobs import run_outcome
from databricks_jobs.models import (
    BaseJob,
    BaseRun,
    CronSchedule,
    Job,
    JobPermissions,
    JobSettings,
    Run,
    RunOutput,
)

__all__ = [
    "duration_text",
    "job_table",
    "job_text",
    "output_text",
    "permissions_table",
    "run_summary",
    "runs_table",
    "state_text",
    "task_depths",
    "time_text",
]

BAR_WIDTH = 24
"""Characters of the timeline column in `run_summary`."""


def _enum(value: Any) -> str | None:
    return None if value is None else _text(getattr(value, "value", value))


def _millis(value: Any) -> int | None:
    """A time or duration in milliseconds, or None when the value is no finite number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return None
    return None


def _text(value: Any, default: str = "-") -> str:
    """A value as one line of text: strings as they are, anything else as compact JSON."""
    if value is None or value == "":
        return default
    if isinstance(value, str):
        return value
    if attrs.has(type(value)) or isinstance(value, enum.Enum):
        return str(getattr(value, "value", value))
    try:
        return json.dumps(value, separators=(",", ":"), default=str)
    except (TypeError, ValueError):  # a float beyond JSON, a cycle: say what Python would
        return repr(value)


def _models(value: Any) -> list[Any]:
    """The model objects of a list field, leaving out what a server put there instead."""
    if not isinstance(value, list):
        return []
    return [item for item in value if attrs.has(type(item))]


def state_text(run: Any) -> str:
    """What a run or task run is doing, or how it ended, in lower case (``running``, ``failed``)."""
    outcome = run_outcome(run)
    if outcome.finished:
        return outcome.kind.value
    status = getattr(run, "status", None)
    state = _enum(getattr(status, "state", None))
    if state is None:
        state = _enum(getattr(getattr(run, "state", None), "life_cycle_state", None))
    return (state or "unknown").lower()


def duration_text(millis: float | None) -> str:
    """``1h 02m``, ``3m 05s``, ``12s``, or ``-`` when unknown."""
    if millis is None or not math.isfinite(millis) or millis < 0:
        return "-"
    total = round(millis / 1000)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


def time_text(millis: Any) -> str:
    """An epoch time in milliseconds as ``2026-11-25 13:04:05 UTC`` (``-`` when unreadable)."""
    value = _millis(millis)
    if not value:
        return "-"
    try:
        moment = dt.datetime.fromtimestamp(value / 1000, tz=dt.UTC)
    except (OverflowError, OSError, ValueError):  # before year 1 or after 9999
        return "-"
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def _run_duration(run: Any, now_ms: int | None = None) -> int | None:
    """Milliseconds a run or task run has taken (so far, when `now_ms` is given)."""
    duration = _millis(getattr(run, "run_duration", None))
    if duration:
        return duration
    start = _millis(getattr(run, "start_time", None))
    end = _millis(getattr(run, "end_time", None))
    if start and end:
        return end - start
    if start and now_ms is not None and not run_outcome(run).finished:
        return max(0, now_ms - start)
    return None


def job_table(jobs: Iterable[BaseJob]) -> Table:
    """One row per job: id, name, created, creator (and tasks, when listed with them)."""
    found = list(jobs)
    with_tasks = any(getattr(j.settings, "tasks", None) is not None for j in found)
    table = Table(box=None, header_style="bold")
    columns = ["job id", "name", "created", "creator"] + (["tasks"] if with_tasks else [])
    for column in columns:
        table.add_column(column)
    for job in found:
        settings = job.settings
        row = [
            _text(job.job_id),
            _text(getattr(settings, "name", None)),
            time_text(job.created_time),
            _text(job.creator_user_name),
        ]
        if with_tasks:
            tasks = getattr(settings, "tasks", None)
            row.append(str(len(tasks)) if isinstance(tasks, list) else "-")
        table.add_row(*row)
    return table


def job_text(job: Job) -> str:
    """A job's essentials and its tasks with their dependencies."""
    settings = job.settings
    lines = [f"job {_text(job.job_id)}: {_text(getattr(settings, 'name', None))}"]
    created = f"{time_text(job.created_time)} by {_text(job.creator_user_name)}"
    lines.append(f"  created    {created}")
    if isinstance(settings, JobSettings):
        schedule = settings.schedule
        if isinstance(schedule, CronSchedule):
            pause = _enum(getattr(schedule, "pause_status", None)) or "UNPAUSED"
            lines.append(
                f"  schedule   {_text(schedule.quartz_cron_expression)} "
                f"({_text(schedule.timezone_id)}, {pause.lower()})"
            )
        if settings.max_concurrent_runs is not None:
            lines.append(f"  max runs   {_text(settings.max_concurrent_runs)}")
        tasks = _models(settings.tasks)
        lines.append(f"  tasks      {len(tasks)}")
        for task, depth in task_depths(tasks):
            after = _upstream(task)
            tail = f"  (after {', '.join(after)})" if after else ""
            lines.append(f"    {'  ' * depth}{_text(task.task_key)}{tail}")
    return "\n".join(lines)


def _upstream(task: Any) -> list[str]:
    """The task keys a task depends on, as text."""
    keys = (getattr(d, "task_key", None) for d in _models(getattr(task, "depends_on", None)))
    return [_text(key) for key in keys if key]


def task_depths(tasks: Sequence[Any]) -> list[tuple[Any, int]]:
    """Tasks in dependency order with their depth (longest chain of upstream tasks).

    Tasks of one level keep their order; unknown or cyclic dependencies count as depth 0.
    """
    by_key = {_text(t.task_key): t for t in tasks}
    depth: dict[str, int] = {}

    def depth_of(key: str, seen: frozenset[str]) -> int:
        if key in depth:
            return depth[key]
        task = by_key.get(key)
        if task is None or key in seen:
            return 0
        parents = [key for key in _upstream(task) if key in by_key]
        value = 1 + max((depth_of(p, seen | {key}) for p in parents), default=-1)
        depth[key] = value
        return value

    ordered = [(task, depth_of(_text(task.task_key), frozenset())) for task in tasks]
    return sorted(ordered, key=lambda pair: pair[1])


def runs_table(runs: Iterable[BaseRun]) -> Table:
    """One row per run: id, job, name, state, start, duration."""
    table = Table(box=None, header_style="bold")
    for column in ("run id", "job id", "name", "state", "started", "duration"):
        table.add_column(column)
    for run in runs:
        table.add_row(
            _text(run.run_id),
            _text(run.job_id),
            _text(run.run_name),
            state_text(run),
            time_text(run.start_time),
            duration_text(_run_duration(run)),
        )
    return table


def _bar(start: int | None, duration: int | None, origin: int, span: int) -> Text:
    """A timeline bar: where in the run's span a task ran."""
    if not start or not duration or span <= 0:
        return Text("")
    left = int((start - origin) / span * BAR_WIDTH)
    left = min(max(left, 0), BAR_WIDTH - 1)
    width = max(1, round((duration or 0) / span * BAR_WIDTH))
    width = min(width, BAR_WIDTH - left)
    return Text("·" * left + "█" * width + "·" * (BAR_WIDTH - left - width))


def _describe(run: Run) -> str:
    """The outcome in words, without repeating a code that says the same (``SUCCESS``)."""
    outcome = run_outcome(run)
    if not outcome.finished:
        return state_text(run)
    if outcome.code and outcome.code.lower() == outcome.kind.value:
        return attrs.evolve(outcome, code=None).describe()
    return outcome.describe()


def run_summary(run: Run, now_ms: int | None = None) -> list[Any]:
    """A run at a glance: header lines, then a task table with a timeline (start, duration)."""
    job = f" (job {_text(run.job_id)})" if run.job_id is not None else ""
    header = [
        f"run {_text(run.run_id)}: {_text(run.run_name)}{job}",
        f"  state      {_describe(run)}",
        f"  started    {time_text(run.start_time)}",
        f"  duration   {duration_text(_run_duration(run, now_ms))}",
    ]
    if run.run_page_url:
        header.append(f"  url        {_text(run.run_page_url)}")
    parts: list[Any] = [Text("\n".join(header))]
    tasks = _models(run.tasks)
    if not tasks:
        return parts
    starts = {id(t): _millis(t.start_time) for t in tasks}
    origin = _millis(run.start_time) or min((s or 0) for s in starts.values()) or 0
    ends = [s + (_run_duration(t, now_ms) or 0) for t in tasks if (s := starts[id(t)])]
    span = max(ends, default=origin) - origin
    table = Table(box=None, header_style="bold")
    for column in ("task", "result", "start", "duration", "attempt"):
        table.add_column(column, no_wrap=True)
    table.add_column("timeline", no_wrap=True, min_width=BAR_WIDTH)
    messages: list[str] = []
    for task, depth in task_depths(tasks):
        duration = _run_duration(task, now_ms)
        task_start = starts[id(task)]
        start = f"+{duration_text(task_start - origin)}" if task_start else "-"
        message = run_outcome(task).message
        if message:
            messages.append(f"  {_text(task.task_key)}: {message}")
        table.add_row(
            "  " * depth + _text(task.task_key),
            state_text(task),
            start,
            duration_text(duration),
            _text(task.attempt_number, default="0"),
            _bar(task_start, duration, origin, span),
        )
    parts.append(table)
    if messages:
        parts.append(Text("\n".join(messages)))
    return parts


def output_text(output: RunOutput) -> str:
    """A task run's output: its result or logs, and its error with the trace."""
    lines: list[str] = []
    result = getattr(output.notebook_output, "result", None)
    if result is not None:
        lines.append(_text(result, default=""))
    if output.logs:
        lines.append(_text(output.logs))
    if output.error:
        lines.append(f"error: {_text(output.error)}")
    if output.error_trace:
        lines.append(_text(output.error_trace))
    if not lines:
        lines.append("(no output)")
    return "\n".join(lines)


def permissions_table(permissions: JobPermissions) -> Table:
    """One row per principal and permission level."""
    table = Table(box=None, header_style="bold")
    for column in ("principal", "level", "inherited"):
        table.add_column(column)
    for entry in _models(permissions.access_control_list):
        who = entry.user_name or entry.group_name or entry.service_principal_name
        for permission in _models(entry.all_permissions):
            table.add_row(
                _text(who),
                _enum(permission.permission_level) or "-",
                "yes" if permission.inherited is True else "no",
            )
    return table
