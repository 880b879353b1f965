"""The library's Workspace against the emulator: the contract later end-to-end tests rely on."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from databricks_jobs import NotFound, RunFailed, VirtualClock, Workspace
from databricks_jobs.models import JobSettings, NotebookTask, Task
from databricks_jobs.testing import Emulator

from .conftest import TOKEN

pytestmark = pytest.mark.anyio


@asynccontextmanager
async def _workspace(
    emulator: Emulator, clock: VirtualClock, kind: str
) -> AsyncIterator[Workspace]:
    if kind == "in-process":
        async with Workspace(
            host="https://emulator.local", token=TOKEN, transport=emulator.transport(), clock=clock
        ) as ws:
            yield ws
        return
    async with emulator.serve() as url, Workspace(host=url, token=TOKEN, clock=clock) as ws:
        yield ws


@pytest.mark.parametrize("kind", ["in-process", "loopback"])
async def test_run_fails_and_its_output_explains_why(kind: str, anyio_backend: str) -> None:
    clock = VirtualClock()  # auto-advancing: the client's polling sleeps move the runs along
    emulator = Emulator(clock)
    emulator.script_task("b", outcome="FAILED", error="boom")
    emulator.faults.add("503", rate=0.3, retry_after=1)
    notebook = NotebookTask(notebook_path="/n")
    settings = JobSettings(
        name="nightly",
        tasks=[
            Task(task_key="a", notebook_task=notebook),
            Task(task_key="b", notebook_task=notebook, depends_on=["a"]),
        ],
    )
    async with _workspace(emulator, clock, kind) as ws:
        job_id = await ws.jobs.create(settings)
        started = await ws.jobs.run_now(job_id)
        with pytest.raises(RunFailed):
            await ws.runs.wait(started.run_id, timeout=3600)
        run = await ws.runs.get(started.run_id)
        assert run.tasks is not None
        task_run_id = run.tasks[1].run_id
        assert task_run_id is not None
        output = await ws.runs.get_output(task_run_id)
        assert output.error == "boom"
        with pytest.raises(NotFound):
            await ws.jobs.get(job_id + 1)
    assert emulator.applied["jobs/create"] == 1
    assert emulator.applied["jobs/run-now"] == 1
    assert emulator.faults.injected["503"] >= 1
