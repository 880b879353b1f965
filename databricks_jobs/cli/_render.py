"""Human output: tables of jobs and runs, a run's summary with its per-task timeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import attrs
from rich.table import Table
from rich.text import Text

from databricks_jobs import run_outcome
from databricks_jobs.models import BaseJob, BaseRun, Job, JobPermissions, Run, RunOutput

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
    return None if value is None else str(getattr(value, "value", value))


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
    if millis is None or millis < 0:
        return "-"
    total = round(millis / 1000)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


def time_text(millis: int | None) -> str:
    """An epoch time in milliseconds as ``2026-11-25 13:04:05 UTC``."""
    if not millis:
        return "-"
    moment = dt.datetime.fromtimestamp(millis / 1000, tz=dt.UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def _run_duration(run: Any, now_ms: int | None = None) -> int | None:
    """Milliseconds a run or task run has taken (so far, when `now_ms` is given)."""
    if getattr(run, "run_duration", None):
        return int(run.run_duration)
    start = getattr(run, "start_time", None)
    end = getattr(run, "end_time", None)
    if start and end:
        return int(end - start)
    if start and now_ms is not None and not run_outcome(run).finished:
        return max(0, now_ms - int(start))
    return None


def job_table(jobs: Iterable[BaseJob]) -> Table:
    """One row per job: id, name, created, creator (and tasks, when listed with them)."""
    found = list(jobs)
    with_tasks = any(j.settings is not None and j.settings.tasks is not None for j in found)
    table = Table(box=None, header_style="bold")
    columns = ["job id", "name", "created", "creator"] + (["tasks"] if with_tasks else [])
    for column in columns:
        table.add_column(column)
    for job in found:
        settings = job.settings
        row = [
            str(job.job_id),
            (settings.name if settings is not None else None) or "-",
            time_text(job.created_time),
            job.creator_user_name or "-",
        ]
        if with_tasks:
            tasks = settings.tasks if settings is not None else None
            row.append(str(len(tasks)) if tasks is not None else "-")
        table.add_row(*row)
    return table


def job_text(job: Job) -> str:
    """A job's essentials and its tasks with their dependencies."""
    settings = job.settings
    lines = [f"job {job.job_id}: {settings.name if settings else '-'}"]
    lines.append(f"  created    {time_text(job.created_time)} by {job.creator_user_name or '-'}")
    if settings is not None:
        if settings.schedule is not None:
            pause = _enum(settings.schedule.pause_status) or "UNPAUSED"
            lines.append(
                f"  schedule   {settings.schedule.quartz_cron_expression} "
                f"({settings.schedule.timezone_id}, {pause.lower()})"
            )
        if settings.max_concurrent_runs is not None:
            lines.append(f"  max runs   {settings.max_concurrent_runs}")
        tasks = settings.tasks or []
        lines.append(f"  tasks      {len(tasks)}")
        for task, depth in task_depths(tasks):
            after = [d.task_key for d in task.depends_on or [] if d.task_key]
            tail = f"  (after {', '.join(after)})" if after else ""
            lines.append(f"    {'  ' * depth}{task.task_key}{tail}")
    return "\n".join(lines)


def task_depths(tasks: Sequence[Any]) -> list[tuple[Any, int]]:
    """Tasks in dependency order with their depth (longest chain of upstream tasks).

    Tasks of one level keep their order; unknown or cyclic dependencies count as depth 0.
    """
    by_key = {t.task_key: t for t in tasks}
    depth: dict[str, int] = {}

    def depth_of(key: str, seen: frozenset[str]) -> int:
        if key in depth:
            return depth[key]
        task = by_key.get(key)
        if task is None or key in seen:
            return 0
        parents = [d.task_key for d in task.depends_on or [] if d.task_key in by_key]
        value = 1 + max((depth_of(p, seen | {key}) for p in parents), default=-1)
        depth[key] = value
        return value

    ordered = [(task, depth_of(task.task_key, frozenset())) for task in tasks]
    return sorted(ordered, key=lambda pair: pair[1])


def runs_table(runs: Iterable[BaseRun]) -> Table:
    """One row per run: id, job, name, state, start, duration."""
    table = Table(box=None, header_style="bold")
    for column in ("run id", "job id", "name", "state", "started", "duration"):
        table.add_column(column)
    for run in runs:
        table.add_row(
            str(run.run_id),
            str(run.job_id) if run.job_id is not None else "-",
            run.run_name or "-",
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
    job = f" (job {run.job_id})" if run.job_id is not None else ""
    header = [
        f"run {run.run_id}: {run.run_name or '-'}{job}",
        f"  state      {_describe(run)}",
        f"  started    {time_text(run.start_time)}",
        f"  duration   {duration_text(_run_duration(run, now_ms))}",
    ]
    if run.run_page_url:
        header.append(f"  url        {run.run_page_url}")
    parts: list[Any] = [Text("\n".join(header))]
    tasks = run.tasks or []
    if not tasks:
        return parts
    origin = run.start_time or min((t.start_time or 0) for t in tasks) or 0
    ends = [(t.start_time or 0) + (_run_duration(t, now_ms) or 0) for t in tasks if t.start_time]
    span = max(ends, default=origin) - origin
    table = Table(box=None, header_style="bold")
    for column in ("task", "result", "start", "duration", "attempt"):
        table.add_column(column, no_wrap=True)
    table.add_column("timeline", no_wrap=True, min_width=BAR_WIDTH)
    messages: list[str] = []
    for task, depth in task_depths(tasks):
        duration = _run_duration(task, now_ms)
        start = f"+{duration_text(task.start_time - origin)}" if task.start_time else "-"
        message = run_outcome(task).message
        if message:
            messages.append(f"  {task.task_key}: {message}")
        table.add_row(
            "  " * depth + task.task_key,
            state_text(task),
            start,
            duration_text(duration),
            str(task.attempt_number or 0),
            _bar(task.start_time, duration, origin, span),
        )
    parts.append(table)
    if messages:
        parts.append(Text("\n".join(messages)))
    return parts


def output_text(output: RunOutput) -> str:
    """A task run's output: its result or logs, and its error with the trace."""
    lines: list[str] = []
    if output.notebook_output is not None and output.notebook_output.result is not None:
        lines.append(output.notebook_output.result)
    if output.logs:
        lines.append(output.logs)
    if output.error:
        lines.append(f"error: {output.error}")
    if output.error_trace:
        lines.append(output.error_trace)
    if not lines:
        lines.append("(no output)")
    return "\n".join(lines)


def permissions_table(permissions: JobPermissions) -> Table:
    """One row per principal and permission level."""
    table = Table(box=None, header_style="bold")
    for column in ("principal", "level", "inherited"):
        table.add_column(column)
    for entry in permissions.access_control_list or []:
        who = entry.user_name or entry.group_name or entry.service_principal_name or "-"
        for permission in entry.all_permissions or []:
            table.add_row(
                who,
                _enum(permission.permission_level) or "-",
                "yes" if permission.inherited else "no",
            )
    return table
