"""Watching a run: a live table of its tasks on a terminal, plain lines when piped.

The live view (rich) redraws the run's summary in place after every poll: each task's state,
start, duration, attempt and place in the dependency tree. Piped, each change of the run's
or a task's state is one line, so logs stay readable. The exit status comes from
`run_outcome` of the finished run (see `_exit`).
"""

from __future__ import annotations

import time
from typing import Literal

from rich.console import Console, Group
from rich.live import Live

from databricks_jobs import WaitTimeout, Workspace, run_outcome
from databricks_jobs.models import Run

from ._exit import ExitCode, exit_code_for
from ._output import Output
from ._render import run_summary, state_text

__all__ = ["PlainLines", "ViewMode", "watch_run"]

ViewMode = Literal["auto", "live", "plain", "none"]


def _now_ms() -> int:
    return int(time.time() * 1000)


class PlainLines:
    """Prints one line per change of the run's state or of a task's state or attempt."""

    def __init__(self, console: Console) -> None:
        self._console = console
        self._seen: dict[str, str] = {}

    def _line(self, text: str) -> None:
        stamp = time.strftime("%H:%M:%S")
        self._console.print(f"{stamp} {text}", markup=False, highlight=False, soft_wrap=True)

    def update(self, run: Run) -> None:
        """Print what changed since the last run seen."""
        state = state_text(run)
        if self._seen.get("") != state:
            self._seen[""] = state
            self._line(f"run {run.run_id} ({run.run_name or '-'}): {state}")
        for task in run.tasks or []:
            attempt = task.attempt_number or 0
            text = state_text(task) + (f" (attempt {attempt})" if attempt else "")
            outcome = run_outcome(task)
            if outcome.finished and not outcome.succeeded and outcome.message:
                text += f": {outcome.message}"
            if self._seen.get(task.task_key) != text:
                self._seen[task.task_key] = text
                self._line(f"  {task.task_key}: {text}")


class LiveView:
    """Redraws the run's summary in place (rich `Live`), on every poll."""

    def __init__(self, console: Console) -> None:
        self._live = Live(console=console, auto_refresh=False, transient=False)

    def __enter__(self) -> LiveView:
        self._live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._live.__exit__(None, None, None)

    def update(self, run: Run) -> None:
        """Show `run` now."""
        self._live.update(Group(*run_summary(run, _now_ms())), refresh=True)


async def watch_run(
    ws: Workspace,
    run_id: int,
    output: Output,
    *,
    mode: ViewMode = "auto",
    timeout: float | None = None,
    poll: float = 2.0,
) -> ExitCode:
    """Follow a run until it ends (or `timeout`); show it; return the exit status.

    With ``--json`` the finished run is printed on stdout as JSON and the progress goes to
    stderr; otherwise the progress and the final summary go to stdout.
    """
    console = output.err if output.json_mode else output.out
    if mode == "auto":
        mode = "live" if console.is_terminal else "plain"
    max_poll = max(poll, min(30.0, poll * 15))
    live = LiveView(console) if mode == "live" else None
    plain = PlainLines(console) if mode == "plain" else None

    def update(run: Run) -> None:
        if live is not None:
            live.update(run)
        elif plain is not None:
            plain.update(run)

    try:
        if live is not None:
            live.__enter__()
        try:
            run = await ws.runs.wait(
                run_id,
                timeout=timeout,
                poll=poll,
                max_poll=max_poll,
                raise_on_failure=False,
                on_update=update,
            )
            update(run)
        finally:
            if live is not None:
                live.__exit__()
    except WaitTimeout as exc:
        last = exc.run
        if output.json_mode:
            output.emit_json(last if last is not None else {"run_id": run_id})
        output.note(
            f"run {run_id} still {state_text(last) if last is not None else 'running'} after "
            f"{timeout:g} s; it goes on (exit {int(ExitCode.STILL_RUNNING)})"
        )
        return ExitCode.STILL_RUNNING
    outcome = run_outcome(run)
    code = exit_code_for(outcome)
    if output.json_mode:
        output.emit_json(run)
    else:
        if plain is not None:
            for part in run_summary(run):
                output.out.print(part)
        output.say(f"run {run_id}: {outcome.describe()} (exit {int(code)})")
    return code
