"""Connecting: a `Workspace` from ``--host``/``--profile``/env/``.databrickscfg``, or an emulator.

The library's `Workspace` resolves the configuration exactly like the Databricks CLI
(arguments, then ``DATABRICKS_*`` variables, then the ``.databrickscfg`` profile). With
``--emulator`` the command starts a local Jobs API emulator in its own event loop, on a
`ScaledClock` (simulated time runs ``--emulator-speed`` times faster), seeded with a few
example jobs, and talks to it over loopback. It lives as long as the command.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import attrs

from databricks_jobs import Workspace
from databricks_jobs.models import JobSettings, NotebookTask, Task

__all__ = ["ConnectOptions", "connect", "example_jobs"]


@attrs.define
class ConnectOptions:
    """Where the command connects to; `None` fields are left to the library's resolution."""

    host: str | None = None
    profile: str | None = None
    emulator: bool = False
    emulator_speed: float = 60.0


def example_jobs() -> list[JobSettings]:
    """The jobs an ``--emulator`` starts with: a chain that succeeds, and one that fails."""

    def notebook(key: str, *after: str) -> Task:
        return Task(
            task_key=key,
            existing_cluster_id="emulator-cluster",
            notebook_task=NotebookTask(notebook_path=f"/Shared/example/{key}"),
            depends_on=list(after) or None,
        )

    chain = [notebook("extract"), notebook("transform", "extract"), notebook("load", "transform")]
    names = ("example: chain of three", "example: transform fails")
    return [JobSettings(name=name, tasks=list(chain)) for name in names]


@contextlib.asynccontextmanager
async def connect(options: ConnectOptions) -> AsyncIterator[Workspace]:
    """Open the Workspace the options name (nothing is sent until the first request)."""
    if not options.emulator:
        async with Workspace(host=options.host, profile=options.profile) as ws:
            yield ws
        return
    from databricks_jobs.testing import Emulator, ScaledClock

    clock = ScaledClock(options.emulator_speed)
    emulator = Emulator(clock)
    emulator.script_task(
        "transform",
        job_name="example: transform fails",
        outcome="FAILED",
        error="ZeroDivisionError: division by zero",
    )
    async with (
        emulator.serve() as url,
        Workspace(host=url, token=emulator.token, clock=clock, env={}) as ws,
    ):
        for settings in example_jobs():
            await ws.jobs.create(settings)
        yield ws
