"""``bulk run-now``: trigger many runs from a file of job ids or JSON lines, exactly once.

Each input line is a job id (``123``) or a JSON object with the fields of a ``run-now``
request (``{"job_id": 123, "job_parameters": {"day": "2026-11-25"}}``); blank lines and
lines starting with ``#`` are skipped. Every request gets an idempotency token derived from
the request itself (a UUID5 of its canonical JSON, the how-many-th identical request it
is, and the optional ``--batch`` name), unless the line carries its own. The same file
therefore always sends the same tokens, and the service answers a token it has seen with the
run it already started: a rerun after a crash or a partial failure starts only what had not
started. A different ``--batch`` name makes a fresh set of runs from the same file.
"""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from collections.abc import Iterable
from typing import Any

import attrs
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from databricks_jobs import ApiError, SpecError, Workspace, bulk, from_dict, to_dict
from databricks_jobs.models import RunNow

__all__ = ["TOKEN_NAMESPACE", "bulk_run_now", "parse_requests", "result_record", "token_for"]

TOKEN_NAMESPACE = uuid.UUID("6f1f3c1e-5b0a-4c57-9a8e-2d1c7c9b1a11")
"""The UUID5 namespace of the tokens `bulk run-now` derives."""


def token_for(request: RunNow, occurrence: int, batch: str) -> str:
    """The idempotency token of a request: same request, position among equals, batch."""
    body = to_dict(attrs.evolve(request, idempotency_token=None))
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return str(uuid.uuid5(TOKEN_NAMESPACE, f"{batch}\n{occurrence}\n{canonical}"))


def parse_requests(lines: Iterable[str], *, batch: str = "") -> list[tuple[int, RunNow]]:
    """Parse input lines into ``(line number, RunNow with its token)`` pairs."""
    parsed: list[tuple[int, RunNow]] = []
    seen: Counter[str] = Counter()
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            data: Any = json.loads(line)
        except (json.JSONDecodeError, RecursionError):  # nested past the recursion limit
            raise SpecError(
                f"line {number}: expected a job id or a JSON object, got {line[:60]!r}"
            ) from None
        if isinstance(data, int) and not isinstance(data, bool):
            data = {"job_id": data}
        if not isinstance(data, dict) or "job_id" not in data:
            raise SpecError(f"line {number}: a JSON object needs a job_id", field="job_id")
        request = from_dict(RunNow, data)
        if not request.idempotency_token:
            key = json.dumps(to_dict(request), sort_keys=True)
            seen[key] += 1
            token = token_for(request, seen[key], batch)
            request = attrs.evolve(request, idempotency_token=token)
        parsed.append((number, request))
    return parsed


def result_record(line: int, result: bulk.BulkResult[RunNow]) -> dict[str, Any]:
    """One JSON line of output for one input line."""
    record: dict[str, Any] = {
        "line": line,
        "job_id": result.request.job_id,
        "idempotency_token": result.idempotency_token,
        "state": result.state.value,
    }
    if result.run is not None:
        record["run_id"] = result.run.run_id
        if result.run.number_in_job is not None:
            record["number_in_job"] = result.run.number_in_job
    if result.error is not None:
        error: dict[str, Any] = {"type": type(result.error).__name__}
        if isinstance(result.error, ApiError):
            error["error_code"] = result.error.error_code
            error["message"] = result.error.message
        else:
            error["message"] = str(result.error)
        record["error"] = error
    return record


class _Bar:
    """A rich progress bar on stderr: done, failed, unresolved, rate, elapsed and ETA."""

    def __init__(self, console: Console, total: int) -> None:
        self._started = time.monotonic()
        self._progress = Progress(
            TextColumn("run-now"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("done, [red]{task.fields[failed]} failed[/red]"),
            TextColumn("[yellow]{task.fields[unresolved]} unresolved[/yellow]"),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self._task: TaskID = self._progress.add_task(
            "run-now", total=total, failed=0, unresolved=0, rate=""
        )

    def __enter__(self) -> _Bar:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.refresh()
        self._progress.stop()

    def update(self, progress: bulk.Progress) -> None:
        """Show the counts of the batch."""
        finished = progress.total - progress.pending - progress.in_flight
        elapsed = max(time.monotonic() - self._started, 1e-6)
        self._progress.update(
            self._task,
            completed=finished,
            failed=progress.failed,
            unresolved=progress.unresolved,
            rate=f"{finished / elapsed:.1f}/s",
        )


async def bulk_run_now(
    ws: Workspace,
    requests: list[tuple[int, RunNow]],
    *,
    concurrency: int,
    emit: Any,
    progress_console: Console | None,
) -> tuple[int, int]:
    """Trigger the requests; `emit` each result record; return (started, failed) counts."""
    bar = _Bar(progress_console, len(requests)) if progress_console is not None else None
    on_progress = bar.update if bar is not None else None
    if bar is not None:
        bar.__enter__()
    try:
        results = await bulk.run_now(
            ws, [r for _, r in requests], concurrency=concurrency, on_progress=on_progress
        )
    finally:
        if bar is not None:
            bar.__exit__()
    started = failed = 0
    for (line, _), result in zip(requests, results, strict=True):
        emit(result_record(line, result))
        started += result.ok
        failed += not result.ok
    return started, failed
