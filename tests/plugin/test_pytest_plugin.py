"""The pytest plugin's fixtures, used the way the README shows."""

from __future__ import annotations

import pytest

from databricks_jobs import RunFailed, VirtualClock, Workspace
from databricks_jobs.models import JobSettings, NotebookTask, Task
from databricks_jobs.testing import Emulator

pytestmark = pytest.mark.anyio

SETTINGS = JobSettings(
    name="nightly",
    tasks=[
        Task(task_key="a", existing_cluster_id="c", notebook_task=NotebookTask(notebook_path="/a")),
        Task(
            task_key="b",
            existing_cluster_id="c",
            notebook_task=NotebookTask(notebook_path="/b"),
            depends_on=["a"],
        ),
    ],
)


async def test_fixtures_share_one_emulator_and_clock(
    databricks_workspace: Workspace, databricks_emulator: Emulator
) -> None:
    assert databricks_workspace.clock is databricks_emulator.clock
    assert isinstance(databricks_emulator.clock, VirtualClock)
    databricks_emulator.script_task("b", outcome="FAILED", error="bad row", duration=7200)
    job_id = await databricks_workspace.jobs.create(SETTINGS)
    with pytest.raises(RunFailed) as failed:
        await databricks_workspace.jobs.run_now_and_wait(job_id)
    assert list(failed.value.failed_tasks) == ["b"]
    assert databricks_emulator.clock.now() > 7200  # two simulated hours, no real waiting
    assert databricks_emulator.applied["jobs/run-now"] == 1


async def test_faults_are_at_hand(
    databricks_workspace: Workspace, databricks_emulator: Emulator
) -> None:
    databricks_emulator.faults.next("503", n=2, path="jobs/create")
    assert await databricks_workspace.jobs.create(SETTINGS) > 0
    assert databricks_emulator.faults.injected["503"] == 2
    assert databricks_emulator.applied["jobs/create"] == 1
