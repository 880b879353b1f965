"""The click command tree of ``brickjobs``: ``jobs``, ``runs`` and ``bulk`` commands.

Every command takes the connection options (``--profile``, ``--host``, ``--emulator``),
``--json`` and ``--debug``, before or after the command name. Each command is a thin
function: parse, call the library in one event loop, print (see `_render`), and exit with
the status of `_exit`. Errors become one line on stderr unless ``--debug``.
"""

from __future__ import annotations

import functools
import logging
import math
import re
import sys
import traceback
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar, cast

import anyio
import attrs
import click

from databricks_jobs import (
    DatabricksError,
    InvalidParameterValue,
    SpecError,
    Workspace,
    __version__,
)
from databricks_jobs.models import JobSettings, RunOutput

from ._connect import ConnectOptions, connect
from ._exit import ExitCode, error_line
from ._output import Output
from ._watch import ViewMode, watch_run

__all__ = ["cli"]

F = TypeVar("F", bound=Callable[..., Any])
Action = Callable[[Workspace, Output], Awaitable[int | None]]


class _Number(click.FloatRange):
    """A float within a range that is also not NaN (which every range check lets through)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if math.isnan(number):
            self.fail(f"{value!r} is not a number", param, ctx)
        return number


ID = click.IntRange(min=1)
"""A job or run id: a positive integer (the service refuses anything else)."""
COUNT = click.IntRange(min=0)
"""A number of items: zero or more."""
SECONDS = _Number(min=0)
"""A duration in seconds: zero or more (``inf`` is no limit)."""
SPEED = _Number(min=0, min_open=True)
"""How many times faster than real time: more than zero."""

_COMMON = ("profile", "host", "emulator", "emulator_speed", "json_mode", "debug")


@attrs.define
class State:
    """The options that apply to every command, merged from the group and the command."""

    connect: ConnectOptions = attrs.field(factory=ConnectOptions)
    json_mode: bool = False
    debug: bool = False

    def merge(self, values: dict[str, Any]) -> None:
        """Take the options given on this level (None means not given here)."""
        if values.get("profile") is not None:
            self.connect.profile = values["profile"]
        if values.get("host") is not None:
            self.connect.host = values["host"]
        if values.get("emulator"):
            self.connect.emulator = True
        if values.get("emulator_speed") is not None:
            self.connect.emulator_speed = values["emulator_speed"]
        if values.get("json_mode"):
            self.json_mode = True
        if values.get("debug"):
            self.debug = True


def _common_options(function: F) -> F:
    """Add the connection, ``--json`` and ``--debug`` options to a command or group."""
    options = [
        click.option("--profile", default=None, help="A .databrickscfg profile."),
        click.option("--host", default=None, help="The workspace URL (else DATABRICKS_HOST)."),
        click.option(
            "--emulator",
            is_flag=True,
            default=None,
            help="Start a local emulator with example jobs, for trying things out.",
        ),
        click.option(
            "--emulator-speed",
            type=SPEED,
            default=None,
            help="Emulated time runs this many times faster (default 60).",
        ),
        click.option("--json", "json_mode", is_flag=True, default=None, help="Print JSON."),
        click.option("--debug", is_flag=True, default=None, help="Tracebacks and debug logs."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def command(group: click.Group, name: str, **settings: Any) -> Callable[[F], F]:
    """Register a leaf command with the common options merged into the context's `State`."""

    def decorate(function: F) -> F:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            state = click.get_current_context().find_object(State)
            assert state is not None
            state.merge({key: kwargs.pop(key) for key in _COMMON})
            return function(state, *args, **kwargs)

        group.command(name, **settings)(_common_options(wrapper))
        return function

    return decorate


def _unwrap(exc: BaseException) -> BaseException:
    """The one error inside (nested) exception groups, as task groups wrap them."""
    while isinstance(exc, BaseExceptionGroup) and len(exc.exceptions) == 1:
        exc = exc.exceptions[0]
    return exc


def _own_parameter(error: SpecError) -> click.Parameter | None:
    """The current command's parameter a `SpecError` names (``--timeout``), if it names one."""
    context = click.get_current_context(silent=True)
    if context is None or error.field is None:
        return None
    name = re.split(r"[.\[]", error.field, maxsplit=1)[0]
    return next((p for p in context.command.params if p.name == name), None)


def execute(state: State, action: Action) -> NoReturn:
    """Run `action` with a connected Workspace in one event loop; exit with its status.

    A `SpecError` about one of the command's own arguments is a usage error (exit 2), like
    the values click refuses itself; a spec file refused is an error (exit 1).
    """
    output = Output(json_mode=state.json_mode)
    if state.debug:
        logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)

    if state.connect.emulator:
        output.note(
            f"local emulator with example jobs 1001 and 1002; simulated time runs "
            f"{state.connect.emulator_speed:g}x real time (--emulator-speed)"
        )

    async def main() -> int | None:
        async with connect(state.connect) as ws:
            return await action(ws, output)

    try:
        code = anyio.run(main)
    except BaseException as raised:
        exc = _unwrap(raised)
        if isinstance(exc, click.exceptions.Exit | click.ClickException | SystemExit):
            raise exc from None
        if isinstance(exc, SpecError) and (param := _own_parameter(exc)) is not None:
            raise click.BadParameter(exc.message, param=param) from None
        if isinstance(exc, KeyboardInterrupt):
            output.note("interrupted; runs already started go on")
            sys.exit(int(ExitCode.INTERRUPTED))
        if state.debug:
            traceback.print_exception(raised, file=sys.stderr)
        elif not isinstance(exc, DatabricksError | Exception):
            raise
        output.note(error_line(exc))
        sys.exit(int(ExitCode.ERROR))
    sys.exit(int(code or 0))


def _parameters(values: tuple[str, ...], option: str) -> dict[str, str] | None:
    """``k=v`` pairs into a dict (None when none were given)."""
    if not values:
        return None
    pairs: dict[str, str] = {}
    for value in values:
        key, sep, text = value.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"expected NAME=VALUE, got {value!r}", param_hint=option)
        pairs[key] = text
    return pairs


@attrs.frozen
class WaitArgs:
    """The ``--wait`` options of a command that starts or changes a run."""

    wait: bool = False
    timeout: float | None = None
    poll: float = 2.0
    view: ViewMode = "auto"


def _wait_options(function: F) -> F:
    """Add ``--wait``, ``--timeout``, ``--poll`` and ``--view``, passed on as ``waiting``."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        names = ("wait", "timeout", "poll", "view")
        kwargs["waiting"] = WaitArgs(**{name: kwargs.pop(name) for name in names})
        return function(*args, **kwargs)

    options = [
        click.option("--wait", is_flag=True, help="Follow the run until it ends; exit by result."),
        click.option(
            "--timeout", type=SECONDS, default=None, help="Stop waiting after this many seconds."
        ),
        click.option(
            "--poll", type=SECONDS, default=2.0, show_default=True, help="First poll interval (s)."
        ),
        click.option(
            "--view",
            type=click.Choice(["auto", "live", "plain", "none"]),
            default="auto",
            show_default=True,
            help="Live table (terminal), plain lines (piped), or nothing.",
        ),
    ]
    decorated: Any = wrapper
    for option in reversed(options):
        decorated = option(decorated)
    return cast(F, decorated)


async def report_or_watch(
    ws: Workspace, out: Output, run_id: int, data: dict[str, Any], line: str, waiting: WaitArgs
) -> int:
    """Report a started or changed run; with ``--wait``, follow it and return its status."""
    if not waiting.wait:
        out.result(data, line)
        return 0
    (out.note if out.json_mode else out.say)(line)
    return await watch_run(
        ws, run_id, out, mode=waiting.view, timeout=waiting.timeout, poll=waiting.poll
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@_common_options
@click.version_option(__version__, prog_name="brickjobs")
@click.pass_context
def cli(ctx: click.Context, /, **values: Any) -> None:
    """Manage, trigger and watch Databricks jobs (Jobs API 2.2).

    Connects like the Databricks CLI: --host/--profile, DATABRICKS_* variables, then
    ~/.databrickscfg. --emulator starts a local emulator to try things out. Exit status: 0
    on success, 1 on errors, 2 usage errors, 3 failed, 4 canceled, 5 skipped, 6 timed out,
    7 internal error, 8 success with failures, 9 still running after --timeout.
    """
    state = ctx.ensure_object(State)
    state.merge(values)


@cli.group()
def jobs() -> None:
    """Jobs: list, get, create, update, reset, delete, run-now, export, apply."""


@cli.group()
def runs() -> None:
    """Runs: list, get, output, export, cancel, delete, repair, submit, watch."""


@cli.group("bulk")
def bulk_group() -> None:
    """Many runs at once, exactly once."""


# --- jobs -----------------------------------------------------------------------------------


@command(jobs, "list")
@click.option("--name", default=None, help="Only jobs with exactly this name.")
@click.option("--max", "max_items", type=COUNT, default=None, help="At most this many jobs.")
@click.option("--expand-tasks", is_flag=True, help="Include tasks (with --json).")
def jobs_list(state: State, name: str | None, max_items: int | None, expand_tasks: bool) -> None:
    """List jobs."""

    async def action(ws: Workspace, out: Output) -> None:
        listing = ws.jobs.list(
            name=name, expand_tasks=expand_tasks or None, limit=100, max_items=max_items
        )
        found = [job async for job in listing]
        if out.json_mode:
            out.emit_json(found)
            return
        from ._render import job_table

        out.out.print(job_table(found))

    execute(state, action)


@command(jobs, "get")
@click.argument("job_id", type=ID)
def jobs_get(state: State, job_id: int) -> None:
    """Show a job, with its tasks and their dependencies."""

    async def action(ws: Workspace, out: Output) -> None:
        job = await ws.jobs.get(job_id)
        if out.json_mode:
            out.emit_json(job)
            return
        from ._render import job_text

        out.say(job_text(job))

    execute(state, action)


@command(jobs, "create")
@click.argument("file")
def jobs_create(state: State, file: str) -> None:
    """Create a job from a settings file (JSON, or YAML by extension; - for stdin)."""
    from ._specs import read_settings

    async def action(ws: Workspace, out: Output) -> None:
        settings = read_settings(file)
        job_id = await ws.jobs.create(settings)
        out.result({"job_id": job_id}, f"created job {job_id}: {settings.name or '-'}")

    execute(state, action)


@command(jobs, "update")
@click.argument("job_id", type=ID)
@click.argument("file", required=False)
@click.option("--remove", multiple=True, help="A field to remove (tasks/KEY for a task).")
def jobs_update(state: State, job_id: int, file: str | None, remove: tuple[str, ...]) -> None:
    """Change some settings of a job: those in FILE, and the --remove'd fields."""
    from ._specs import read_settings

    if file is None and not remove:
        raise click.UsageError("give a settings FILE, --remove FIELD, or both")

    async def action(ws: Workspace, out: Output) -> None:
        settings = read_settings(file) if file is not None else None
        await ws.jobs.update(job_id, new_settings=settings, fields_to_remove=list(remove) or None)
        out.result({"job_id": job_id, "updated": True}, f"updated job {job_id}")

    execute(state, action)


@command(jobs, "reset")
@click.argument("job_id", type=ID)
@click.argument("file")
def jobs_reset(state: State, job_id: int, file: str) -> None:
    """Replace all the settings of a job with those in FILE."""
    from ._specs import read_settings

    async def action(ws: Workspace, out: Output) -> None:
        await ws.jobs.reset(job_id, read_settings(file))
        out.result({"job_id": job_id, "reset": True}, f"reset job {job_id}")

    execute(state, action)


@command(jobs, "delete")
@click.argument("job_id", type=ID)
def jobs_delete(state: State, job_id: int) -> None:
    """Delete a job."""

    async def action(ws: Workspace, out: Output) -> None:
        await ws.jobs.delete(job_id)
        out.result({"job_id": job_id, "deleted": True}, f"deleted job {job_id}")

    execute(state, action)


@command(jobs, "run-now")
@click.argument("job_id", type=ID)
@click.option("--param", "params", multiple=True, help="A job parameter NAME=VALUE.")
@click.option("--only", multiple=True, help="Run only this task (repeatable).")
@click.option("--idempotency-token", default=None, help="Reuse a token: never two runs.")
@_wait_options
def jobs_run_now(
    state: State,
    job_id: int,
    params: tuple[str, ...],
    only: tuple[str, ...],
    idempotency_token: str | None,
    waiting: WaitArgs,
) -> None:
    """Trigger a run of a job; with --wait, follow it and exit by its result."""
    job_parameters = _parameters(params, "--param")

    async def action(ws: Workspace, out: Output) -> int:
        started = await ws.jobs.run_now(
            job_id,
            job_parameters=job_parameters,
            only=list(only) or None,
            idempotency_token=idempotency_token,
        )
        data = {
            "run_id": started.run_id,
            "idempotency_token": started.idempotency_token,
            "number_in_job": started.number_in_job,
        }
        line = f"started run {started.run_id} (idempotency token {started.idempotency_token})"
        return await report_or_watch(ws, out, started.run_id, data, line, waiting)

    execute(state, action)


@command(jobs, "cancel-all")
@click.argument("job_id", type=ID, required=False)
@click.option("--all-queued", is_flag=True, help="Cancel every queued run of the workspace.")
def jobs_cancel_all(state: State, job_id: int | None, all_queued: bool) -> None:
    """Cancel every active run of a job (or, with --all-queued, every queued run)."""
    if job_id is None and not all_queued:
        raise click.UsageError("give a JOB_ID, or --all-queued")

    async def action(ws: Workspace, out: Output) -> None:
        await ws.jobs.cancel_all_runs(job_id, all_queued_runs=all_queued or None)
        out.result(
            {"job_id": job_id, "all_queued_runs": all_queued, "cancelled": True},
            f"asked to cancel the active runs of job {job_id}"
            if job_id
            else "asked to cancel every queued run",
        )

    execute(state, action)


@command(jobs, "permissions")
@click.argument("job_id", type=ID)
@click.option("--levels", is_flag=True, help="The levels that can be granted instead.")
def jobs_permissions(state: State, job_id: int, levels: bool) -> None:
    """Show who may do what with a job (or the grantable levels)."""

    async def action(ws: Workspace, out: Output) -> None:
        if levels:
            found = await ws.jobs.get_permission_levels(job_id)
            if out.json_mode:
                out.emit_json(found)
            else:
                for level in found:
                    out.say(f"{level.permission_level}: {level.description or ''}".rstrip(": "))
            return
        permissions = await ws.jobs.get_permissions(job_id)
        if out.json_mode:
            out.emit_json(permissions)
            return
        from ._render import permissions_table

        out.out.print(permissions_table(permissions))

    execute(state, action)


@command(jobs, "export")
@click.argument("job_id", type=ID)
@click.option(
    "--format", "fmt", type=click.Choice(["json", "yaml"]), default="json", show_default=True
)
@click.option("-o", "--output", "target", default=None, help="Write to this file (else stdout).")
def jobs_export(state: State, job_id: int, fmt: str, target: str | None) -> None:
    """Write a job's settings as a spec file that `jobs apply` takes back."""
    from ._specs import dump_spec

    if state.json_mode:
        fmt = "json"
    elif target is not None and target.endswith((".yaml", ".yml")):
        fmt = "yaml"

    async def action(ws: Workspace, out: Output) -> None:
        job = await ws.jobs.get(job_id)
        text = dump_spec(job.settings or JobSettings(), "yaml" if fmt == "yaml" else "json")
        if target is None:
            out.out.file.write(text)
            out.out.file.flush()
        else:
            await anyio.Path(target).write_text(text, encoding="utf-8")
            out.note(f"wrote job {job_id} to {target}")

    execute(state, action)


@command(jobs, "apply")
@click.argument("file")
@click.option("--dry-run", is_flag=True, help="Print the differences; change nothing.")
def jobs_apply(state: State, file: str, dry_run: bool) -> None:
    """Create or reset the job named in FILE (refused if several jobs have that name)."""
    from ._specs import apply_plan, read_settings

    async def action(ws: Workspace, out: Output) -> None:
        settings = read_settings(file)
        plan = await apply_plan(ws, settings)
        job_id = plan.job_id
        if not dry_run:
            if plan.action == "create":
                job_id = await ws.jobs.create(settings)
            elif plan.action == "reset" and job_id is not None:
                await ws.jobs.reset(job_id, settings)
        if out.json_mode:
            out.emit_json(
                {
                    "action": plan.action,
                    "dry_run": dry_run,
                    "name": plan.name,
                    "job_id": job_id,
                    "changes": plan.changes,
                }
            )
            return
        if dry_run:
            if plan.diff:
                out.say(plan.diff.rstrip("\n"))
            verb = {"create": "would create", "reset": "would reset", "unchanged": "unchanged:"}
            target = f"job {job_id}" if job_id is not None else "a new job"
            out.say(f"{verb[plan.action]} {target} {plan.name!r} ({len(plan.changes)} changes)")
        elif plan.action == "create":
            out.say(f"created job {job_id}: {plan.name}")
        elif plan.action == "reset":
            out.say(f"reset job {job_id}: {plan.name} ({len(plan.changes)} changes)")
        else:
            out.say(f"job {job_id} {plan.name!r} is unchanged")

    execute(state, action)


# --- runs -----------------------------------------------------------------------------------


@command(runs, "list")
@click.option("--job-id", type=ID, default=None, help="Only runs of this job.")
@click.option("--active-only", is_flag=True, help="Only runs not finished.")
@click.option("--completed-only", is_flag=True, help="Only finished runs.")
@click.option("--max", "max_items", type=COUNT, default=25, show_default=True, help="At most.")
def runs_list(
    state: State, job_id: int | None, active_only: bool, completed_only: bool, max_items: int
) -> None:
    """List runs, newest first."""

    async def action(ws: Workspace, out: Output) -> None:
        listing = ws.runs.list(
            job_id=job_id,
            active_only=active_only or None,
            completed_only=completed_only or None,
            limit=25,
            max_items=max_items,
        )
        found = [run async for run in listing]
        if out.json_mode:
            out.emit_json(found)
            return
        from ._render import runs_table

        out.out.print(runs_table(found))

    execute(state, action)


@command(runs, "get")
@click.argument("run_id", type=ID)
@click.option("--history", is_flag=True, help="Include the repair history.")
def runs_get(state: State, run_id: int, history: bool) -> None:
    """Show a run: its state, and a per-task timeline (start, duration, result)."""

    async def action(ws: Workspace, out: Output) -> None:
        run = await ws.runs.get(run_id, include_history=history or None)
        if out.json_mode:
            out.emit_json(run)
            return
        from ._render import run_summary

        for part in run_summary(run):
            out.out.print(part)

    execute(state, action)


@command(runs, "output")
@click.argument("run_id", type=ID)
def runs_output(state: State, run_id: int) -> None:
    """Show the output of a task run (of every task, for a multi-task job run)."""

    async def action(ws: Workspace, out: Output) -> None:
        from ._render import output_text

        try:
            outputs: dict[str | None, RunOutput] = {None: await ws.runs.get_output(run_id)}
        except InvalidParameterValue:
            run = await ws.runs.get(run_id)
            if not run.tasks or len(run.tasks) < 2:
                raise
            outputs = {
                task.task_key: await ws.runs.get_output(task.run_id)
                for task in run.tasks
                if task.run_id is not None
            }
        if out.json_mode:
            single = outputs.get(None)
            out.emit_json(single if single is not None else outputs)
            return
        for key, output in outputs.items():
            if key is not None:
                out.say(f"== {key}")
            out.say(output_text(output))

    execute(state, action)


@command(runs, "export")
@click.argument("run_id", type=ID)
@click.option(
    "--views", type=click.Choice(["CODE", "DASHBOARDS", "ALL"]), default="CODE", show_default=True
)
@click.option("--dir", "directory", default=None, help="Write each view to a file here.")
def runs_export(state: State, run_id: int, views: str, directory: str | None) -> None:
    """Export a task run's notebook or dashboard views."""

    async def action(ws: Workspace, out: Output) -> None:
        exported = await ws.runs.export(run_id, views_to_export=views)
        if directory is not None:
            folder = anyio.Path(directory)
            await folder.mkdir(parents=True, exist_ok=True)
            for number, view in enumerate(exported.views or [], start=1):
                name = Path(view.name or f"view-{number}").name + ".html"
                await (folder / name).write_text(view.content or "", encoding="utf-8")
        if out.json_mode:
            out.emit_json(exported)
            return
        for view in exported.views or []:
            out.say(f"{view.type}: {view.name} ({len(view.content or '')} characters)")
        if not exported.views:
            out.say("(no views)")

    execute(state, action)


@command(runs, "cancel")
@click.argument("run_id", type=ID)
@_wait_options
def runs_cancel(state: State, run_id: int, waiting: WaitArgs) -> None:
    """Cancel a run; with --wait, until it has ended (exit 4 when it ends canceled)."""

    async def action(ws: Workspace, out: Output) -> int:
        await ws.runs.cancel(run_id)
        data = {"run_id": run_id, "cancel_requested": True}
        return await report_or_watch(ws, out, run_id, data, f"cancelling run {run_id}", waiting)

    execute(state, action)


@command(runs, "delete")
@click.argument("run_id", type=ID)
def runs_delete(state: State, run_id: int) -> None:
    """Delete a run that is not active."""

    async def action(ws: Workspace, out: Output) -> None:
        await ws.runs.delete(run_id)
        out.result({"run_id": run_id, "deleted": True}, f"deleted run {run_id}")

    execute(state, action)


@command(runs, "repair")
@click.argument("run_id", type=ID)
@click.option("--task", "tasks", multiple=True, help="Rerun this task (repeatable).")
@click.option("--all-failed", is_flag=True, help="Rerun every failed task.")
@click.option("--dependents", is_flag=True, help="Also rerun the tasks that depend on them.")
@click.option("--param", "params", multiple=True, help="A job parameter NAME=VALUE.")
@_wait_options
def runs_repair(
    state: State,
    run_id: int,
    tasks: tuple[str, ...],
    all_failed: bool,
    dependents: bool,
    params: tuple[str, ...],
    waiting: WaitArgs,
) -> None:
    """Rerun some tasks of a run (--task KEY ... or --all-failed)."""
    if bool(tasks) == all_failed:
        raise click.UsageError("give --task KEY (repeatable) or --all-failed, not both")
    job_parameters = _parameters(params, "--param")

    async def action(ws: Workspace, out: Output) -> int:
        repair_id = await ws.runs.repair(
            run_id,
            rerun_tasks=list(tasks) or None,
            rerun_all_failed_tasks=all_failed or None,
            rerun_dependent_tasks=dependents or None,
            job_parameters=job_parameters,
        )
        line = f"repairing run {run_id} (repair {repair_id})"
        data = {"run_id": run_id, "repair_id": repair_id}
        return await report_or_watch(ws, out, run_id, data, line, waiting)

    execute(state, action)


@command(runs, "submit")
@click.argument("file")
@click.option("--idempotency-token", default=None, help="Reuse a token: never two runs.")
@_wait_options
def runs_submit(
    state: State,
    file: str,
    idempotency_token: str | None,
    waiting: WaitArgs,
) -> None:
    """Submit a one-time run from a runs/submit body in FILE (JSON or YAML)."""
    from ._specs import read_submit

    async def action(ws: Workspace, out: Output) -> int:
        started = await ws.runs.submit(read_submit(file), idempotency_token=idempotency_token)
        line = f"submitted run {started.run_id} (idempotency token {started.idempotency_token})"
        data = {"run_id": started.run_id, "idempotency_token": started.idempotency_token}
        return await report_or_watch(ws, out, started.run_id, data, line, waiting)

    execute(state, action)


@command(runs, "watch")
@click.argument("run_id", type=ID)
@click.option("--timeout", type=SECONDS, default=None, help="Stop watching after this many s.")
@click.option("--poll", type=SECONDS, default=2.0, show_default=True, help="First poll (s).")
@click.option(
    "--view",
    type=click.Choice(["auto", "live", "plain", "none"]),
    default="auto",
    show_default=True,
    help="Live table (terminal), plain lines (piped), or nothing.",
)
def runs_watch(
    state: State, run_id: int, timeout: float | None, poll: float, view: ViewMode
) -> None:
    """Follow a run until it ends; exit 0 only on success (see the exit codes)."""

    async def action(ws: Workspace, out: Output) -> int:
        return await watch_run(ws, run_id, out, mode=view, timeout=timeout, poll=poll)

    execute(state, action)


# --- bulk -----------------------------------------------------------------------------------


@command(bulk_group, "run-now")
@click.argument("file", default="-")
@click.option(
    "--concurrency", type=click.IntRange(min=1), default=16, show_default=True, help="At once."
)
@click.option("--batch", default="", help="A name mixed into the tokens: a fresh set of runs.")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="A progress bar on stderr (default: when stderr is a terminal).",
)
def bulk_run_now(
    state: State, file: str, concurrency: int, batch: str, progress: bool | None
) -> None:
    """Trigger a run per line of FILE (job ids or JSON objects; - for stdin), exactly once.

    Writes one JSON line per input line: line, job_id, idempotency_token, state, run_id or
    error. The tokens are derived from each request, so running the same file again starts
    only what had not started. Exit 1 when any item failed.
    """
    from ._bulk import bulk_run_now as trigger
    from ._bulk import parse_requests

    try:
        if file == "-":
            lines = sys.stdin.read().splitlines()
        else:
            lines = Path(file).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise click.FileError(file, exc.strerror) from None

    async def action(ws: Workspace, out: Output) -> int:
        requests = parse_requests(lines, batch=batch)
        show = progress if progress is not None else out.err.is_terminal
        started, failed = await trigger(
            ws,
            requests,
            concurrency=concurrency,
            emit=out.emit_json_line,
            progress_console=out.err if show else None,
        )
        out.note(f"{started} started, {failed} failed, of {len(requests)}")
        return int(ExitCode.ERROR) if failed else 0

    execute(state, action)
