"""Sending can skip the client-side checks: ``validate=False`` per call and per Workspace.

Against the emulator over loopback sockets. The spec used is one the checks refuse (a cron
expression that is not Quartz syntax) and the emulator accepts, so "skipped" shows as a job
created.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import attrs
import pytest

from databricks_jobs import ApiError, SpecError, Workspace
from databricks_jobs.models import (
    CronSchedule,
    JobSettings,
    NotebookTask,
    PipelineTask,
    SpecWarning,
    SubmitRun,
    SubmitTask,
)
from databricks_jobs.testing import Emulator

from .specs import CLUSTER, two_task_job

pytestmark = pytest.mark.anyio

NOT_QUARTZ = "0 9 * * 1-5"  # a Unix cron line: five fields, no seconds


def refused_by_the_checks() -> JobSettings:
    schedule = CronSchedule(
        quartz_cron_expression=NOT_QUARTZ, timezone_id="UTC", pause_status="PAUSED"
    )
    return attrs.evolve(two_task_job(), schedule=schedule)


@pytest.fixture
async def lenient(emulator: Emulator, anyio_backend: str) -> AsyncIterator[Workspace]:
    """A second Workspace on the same emulator, made with ``validate=False``."""
    async with (
        emulator.serve() as url,
        Workspace(
            host=url, token=emulator.token, clock=emulator.clock, env={}, validate=False
        ) as workspace,
    ):
        yield workspace


async def test_checks_run_by_default(ws: Workspace, emulator: Emulator) -> None:
    assert ws.validate is True
    with pytest.raises(SpecError) as info:
        await ws.jobs.create(refused_by_the_checks())
    assert info.value.field == "schedule.quartz_cron_expression"
    assert emulator.requests_to("jobs/create") == []


async def test_one_call_can_skip_them(ws: Workspace, emulator: Emulator) -> None:
    job_id = await ws.jobs.create(refused_by_the_checks(), validate=False)
    job = await ws.jobs.get(job_id)
    assert job.settings is not None
    assert job.settings.schedule is not None
    assert job.settings.schedule.quartz_cron_expression == NOT_QUARTZ
    await ws.jobs.reset(job_id, refused_by_the_checks(), validate=False)
    await ws.jobs.update(job_id, new_settings=refused_by_the_checks(), validate=False)
    with pytest.raises(SpecError):
        await ws.jobs.reset(job_id, refused_by_the_checks())


async def test_a_workspace_can_skip_them(
    lenient: Workspace, ws: Workspace, emulator: Emulator
) -> None:
    assert lenient.validate is False
    job_id = await lenient.jobs.create(refused_by_the_checks())
    assert (await ws.jobs.get(job_id)).job_id == job_id
    # and one call can still ask for them
    with pytest.raises(SpecError):
        await lenient.jobs.create(refused_by_the_checks(), validate=True)


async def test_submit_and_run_now_take_the_option(ws: Workspace, emulator: Emulator) -> None:
    run = SubmitRun(
        run_name="n" * 4097,
        tasks=[
            SubmitTask(
                task_key="a", notebook_task=NotebookTask(notebook_path="/n"), new_cluster=CLUSTER
            )
        ],
    )
    with pytest.raises(SpecError):
        await ws.runs.submit(run)
    assert emulator.requests_to("runs/submit") == []
    with contextlib.suppress(ApiError):  # sent: whatever the emulator answers
        await ws.runs.submit(run, validate=False)
    assert len(emulator.requests_to("runs/submit")) == 1
    job_id = await ws.jobs.create(two_task_job())
    with pytest.raises(SpecError):
        await ws.jobs.run_now(job_id, idempotency_token="t" * 65)
    assert emulator.requests_to("jobs/run-now") == []


async def test_uncertain_specs_warn_and_are_sent(ws: Workspace, emulator: Emulator) -> None:
    settings = two_task_job()
    assert settings.tasks is not None
    settings.tasks[0].pipeline_task = PipelineTask(pipeline_id="p")  # two task kinds
    with pytest.warns(SpecWarning) as record, contextlib.suppress(ApiError):
        await ws.jobs.create(settings)  # sent: whatever the emulator answers
    assert any(isinstance(w.message, SpecWarning) and w.message.field == "tasks[0]" for w in record)
    assert len(emulator.requests_to("jobs/create")) == 1


async def test_plain_task_keys_assigned_after_get_are_sent_as_dependencies(
    ws: Workspace, emulator: Emulator
) -> None:
    job_id = await ws.jobs.create(two_task_job())
    job = await ws.jobs.get(job_id)
    assert job.settings is not None
    assert job.settings.tasks is not None
    job.settings.tasks[1].depends_on = ["a"]  # type: ignore[list-item]
    await ws.jobs.reset(job_id, job.settings)
    again = await ws.jobs.get(job_id)
    assert again.settings is not None
    assert again.settings.tasks is not None
    assert [d.task_key for d in again.settings.tasks[1].depends_on or []] == ["a"]
