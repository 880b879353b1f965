"""The demo behind ``python -m databricks_jobs``: brickster's "Job Management" workflows.

Against a local emulator it starts itself (no credentials needed), or, with ``--host`` or
``--profile``, against a real workspace. It builds the vignette's jobs (one task on a paused
schedule, a chain of three, the chain sharing one job cluster), runs them concurrently with
progress lines, repairs a failed run, lists runs and cleans up. Uses the public API only.
"""

from __future__ import annotations

import argparse
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, TextIO

import anyio

from databricks_jobs import Clock, RunFailed, StartedRun, Workspace, run_outcome
from databricks_jobs.models import (
    ClusterSpec,
    CronSchedule,
    JobSettings,
    NotebookTask,
    Run,
    Task,
)

if TYPE_CHECKING:
    from databricks_jobs.testing import Emulator

__all__ = ["main"]

USAGE = """\
python -m databricks_jobs [demo] [--host URL | --profile NAME] [--speed N]
       python -m databricks_jobs config"""
HELP = """\
The brickjobs demo: the workflows of brickster's "Job Management" vignette. Against a
local emulator it starts itself (no credentials needed), or against a real workspace with
--host or --profile (it creates and deletes real jobs there). It builds three jobs (one
task on a paused schedule, a chain of three tasks, the same chain on one shared job
cluster), runs them concurrently with progress lines, repairs the run that fails, lists
the runs and deletes the jobs."""
EPILOG = """\
python -m databricks_jobs config shows the configuration a Workspace would resolve,
without any network request."""

CLUSTER = ClusterSpec(spark_version="16.4.x-scala2.12", node_type_id="m5a.large", num_workers=1)


def vignette_jobs(prefix: str) -> dict[str, JobSettings]:
    """The jobs of the vignette, keyed by a short label."""

    def notebook(key: str, *after: str, shared: bool = False) -> Task:
        compute = {"job_cluster_key": "shared"} if shared else {"new_cluster": CLUSTER}
        return Task(
            task_key=key,
            notebook_task=NotebookTask(notebook_path=f"/Shared/demo/{key}"),
            depends_on=list(after) or None,
            **compute,
        )

    return {
        "scheduled": JobSettings(
            name=f"{prefix}single task, paused schedule",
            tasks=[notebook("ingest")],
            schedule=CronSchedule(
                quartz_cron_expression="0 0 9 * * ?", timezone_id="UTC", pause_status="PAUSED"
            ),
        ),
        "chain": JobSettings(
            name=f"{prefix}chain of three",
            tasks=[
                notebook("extract"),
                notebook("transform", "extract"),
                notebook("load", "transform"),
            ],
        ),
        "shared": JobSettings(
            name=f"{prefix}chain on one job cluster",
            job_clusters={"shared": CLUSTER},
            tasks=[
                notebook("extract", shared=True),
                notebook("transform", "extract", shared=True),
                notebook("load", "transform", shared=True),
            ],
        ),
    }


class Progress:
    """Prints one line whenever a run's state or its tasks' states change."""

    def __init__(self, out: TextIO, clock: Clock) -> None:
        self._out = out
        self._seen: dict[int, str] = {}
        self._clock = clock
        self._started = clock.now()

    def say(self, text: str) -> None:
        """Print a line stamped with the (possibly simulated) elapsed time."""
        print(f"[{self._clock.now() - self._started:7.1f}s] {text}", file=self._out, flush=True)

    def watcher(self, label: str) -> Callable[[Run], None]:
        """Return an ``on_update`` callback for one run."""

        def update(run: Run) -> None:
            tasks = ", ".join(f"{t.task_key}={_task_state(t)}" for t in run.tasks or [])
            line = f"{label}: {_state(run)} [{tasks}]"
            if self._seen.get(run.run_id or 0) != line:
                self._seen[run.run_id or 0] = line
                self.say(line)

        return update


def _state(run: object) -> str:
    """The life-cycle state of a run or task run, newer block first, in lower case."""
    status = getattr(run, "status", None)
    state = getattr(status, "state", None)
    if state is None:
        state = getattr(getattr(run, "state", None), "life_cycle_state", None)
    return str(getattr(state, "value", state) or "?").lower()


def _task_state(task: object) -> str:
    """A finished task's outcome, or the state of a task still going."""
    outcome = run_outcome(task)
    return outcome.kind.value if outcome.finished else _state(task)


@contextlib.asynccontextmanager
async def _workspace(
    args: argparse.Namespace,
) -> AsyncIterator[tuple[Workspace, Emulator | None]]:
    if args.host or args.profile:
        ws = Workspace(host=args.host, profile=args.profile)
        async with ws:
            yield ws, None
        return
    from databricks_jobs.testing import Emulator, ScaledClock

    clock = ScaledClock(speed=args.speed)
    emulator = Emulator(clock)
    async with (
        emulator.serve() as url,
        Workspace(host=url, token=emulator.token, clock=clock, env={}) as ws,
    ):
        yield ws, emulator


async def run_demo(args: argparse.Namespace, out: TextIO) -> int:
    """Run the demo; return the exit status."""
    async with _workspace(args) as (ws, emulator):
        progress = Progress(out, ws.clock)
        if emulator is None:
            progress.say(f"brickjobs demo against {ws.host}")
        else:
            progress.say(
                f"brickjobs demo against a local emulator: simulated time runs {args.speed:g}x "
                "real time (--speed), so the times shown here are emulated"
            )
        prefix = f"brickjobs demo {time.strftime('%H%M%S')}: "
        created: dict[str, int] = {}
        try:
            for label, settings in vignette_jobs(prefix).items():
                created[label] = await ws.jobs.create(settings)
                progress.say(f"created job {created[label]}: {settings.name}")
            if emulator is not None:
                # Make one task fail, so that the repair below has something to do.
                emulator.script_task(
                    "transform",
                    job_name=f"{prefix}chain of three",
                    outcome="FAILED",
                    error="ZeroDivisionError: division by zero",
                )
            started: dict[str, StartedRun] = {}
            for label, job_id in created.items():
                started[label] = await ws.jobs.run_now(job_id, job_parameters={"day": "2026-11-25"})
                progress.say(f"triggered {label}: run {started[label].run_id}")

            failed: list[tuple[str, RunFailed]] = []

            async def wait(label: str) -> None:
                try:
                    await ws.runs.wait(
                        started[label].run_id, poll=2, on_update=progress.watcher(label)
                    )
                    progress.say(f"{label}: succeeded")
                except RunFailed as exc:
                    progress.say(f"{label}: {run_outcome(exc.run).describe()}")
                    failed.append((label, exc))

            async with anyio.create_task_group() as tg:
                for label in started:
                    tg.start_soon(wait, label)

            for label, exc in failed:
                if emulator is not None:
                    emulator.clear_scripts()
                progress.say(f"repairing {label}: rerunning {', '.join(exc.failed_tasks)}")
                run = await ws.runs.repair_and_wait(
                    started[label].run_id,
                    rerun_all_failed_tasks=True,
                    poll=2,
                    on_update=progress.watcher(f"{label} (repair)"),
                )
                progress.say(f"{label}: {run_outcome(run).describe()} after repair")

            progress.say("runs of the demo jobs:")
            for label, job_id in created.items():
                async for listed in ws.runs.list(job_id=job_id, limit=25):
                    progress.say(f"  {label}: run {listed.run_id} {run_outcome(listed).describe()}")
        finally:
            with anyio.CancelScope(shield=True):
                for label, job_id in created.items():
                    await ws.jobs.delete(job_id)
                    progress.say(f"deleted job {job_id} ({label})")
    return 0


def main(argv: list[str], out: TextIO) -> int:
    """Parse the demo's options and run it."""
    parser = argparse.ArgumentParser(
        prog="python -m databricks_jobs", usage=USAGE, description=HELP, epilog=EPILOG
    )
    parser.add_argument("--host", help="a real workspace instead of the local emulator")
    parser.add_argument("--profile", help="a .databrickscfg profile instead of the emulator")
    parser.add_argument(
        "--speed",
        type=float,
        default=20.0,
        help="emulator time runs this many times faster than real time (default 20)",
    )
    args = parser.parse_args(argv)
    return anyio.run(run_demo, args, out)
