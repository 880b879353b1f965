"""Acceptance: brickster's "Job Management" workflows, and what brickster lacks, end to end."""

from __future__ import annotations

from typing import Any

import anyio
import attrs
import pytest

from databricks_jobs import NotFound, RunFailed, Workspace, to_dict
from databricks_jobs.models import (
    CronSchedule,
    GitSource,
    JobSettings,
    NotebookTask,
    SubmitRun,
    SubmitTask,
    Task,
)
from databricks_jobs.testing import Emulator

from .specs import CLUSTER, notebook, two_task_job

pytestmark = pytest.mark.anyio


async def test_single_task_job_with_a_paused_schedule(ws: Workspace) -> None:
    settings = JobSettings(
        name="scheduled",
        tasks=[
            Task(
                task_key="only",
                new_cluster=CLUSTER,
                notebook_task=NotebookTask(notebook_path="/n"),
            )
        ],
        schedule=CronSchedule(
            quartz_cron_expression="0 0 9 * * ?", timezone_id="UTC", pause_status="PAUSED"
        ),
    )
    job = await ws.jobs.get(await ws.jobs.create(settings))
    assert job.settings is not None
    assert job.settings.schedule is not None
    assert job.settings.schedule.pause_status == "PAUSED"
    assert job.settings.schedule.quartz_cron_expression == "0 0 9 * * ?"


async def test_chain_of_three_and_on_one_job_cluster(ws: Workspace) -> None:
    chain = JobSettings(
        name="chain",
        tasks=[
            Task(task_key=k, new_cluster=CLUSTER, notebook_task=NotebookTask(notebook_path="/n"),
                 depends_on=[d] if d else None)
            for k, d in (("a", None), ("b", "a"), ("c", "b"))
        ],
    )  # fmt: skip
    shared = attrs.evolve(
        two_task_job("shared"), tasks=[notebook("a"), notebook("b", "a"), notebook("c", "b")]
    )
    for settings in (chain, shared):
        run = await ws.jobs.run_now_and_wait(await ws.jobs.create(settings))
        starts = {t.task_key: t.start_time for t in run.tasks or []}
        assert starts["a"] is not None
        assert starts["b"] is not None
        assert starts["c"] is not None
        assert starts["a"] < starts["b"] < starts["c"]


async def test_one_off_submit_with_a_token_and_a_git_source(
    ws: Workspace, emulator: Emulator
) -> None:
    spec = SubmitRun(
        run_name="from git",
        git_source=GitSource(
            git_url="https://github.com/example/etl", git_provider="gitHub", git_branch="main"
        ),
        tasks=[
            SubmitTask(
                task_key="nb",
                new_cluster=CLUSTER,
                notebook_task=NotebookTask(notebook_path="notebooks/etl", source="GIT"),
            )
        ],
    )
    first = await ws.runs.submit(spec, idempotency_token="etl-2026-11-25")
    second = await ws.runs.submit(spec, idempotency_token="etl-2026-11-25")
    assert first.run_id == second.run_id
    run = await ws.runs.wait(first.run_id)
    assert run.git_source is not None
    assert run.git_source.git_branch == "main"


async def test_rename_timeout_and_concurrency_with_update_then_reset(ws: Workspace) -> None:
    job_id = await ws.jobs.create(two_task_job("old name"))
    await ws.jobs.update(job_id, new_settings=JobSettings(name="new name"))
    await ws.jobs.update(
        job_id, new_settings=JobSettings(timeout_seconds=600, max_concurrent_runs=4)
    )
    settings = (await ws.jobs.get(job_id)).settings
    assert settings is not None
    assert (settings.name, settings.timeout_seconds, settings.max_concurrent_runs) == (
        "new name",
        600,
        4,
    )
    assert len(settings.tasks or []) == 2  # an update keeps what it does not name
    await ws.jobs.reset(job_id, JobSettings(name="reset", tasks=[notebook("only")],
                                            job_clusters={"shared": CLUSTER}))  # fmt: skip
    settings = (await ws.jobs.get(job_id)).settings
    assert settings is not None
    assert settings.name == "reset"
    assert [t.task_key for t in settings.tasks or []] == ["only"]
    assert settings.max_concurrent_runs in (None, 1)  # a reset drops what it does not name


async def test_run_cancel_and_delete(ws: Workspace, emulator: Emulator) -> None:
    job_id = await ws.jobs.create(two_task_job())
    emulator.script_task("a", duration=10_000)
    started = await ws.jobs.run_now(job_id)
    run = await ws.runs.cancel_and_wait(started.run_id)
    assert run.state is not None
    assert str(run.state.result_state) == "CANCELED"
    await ws.jobs.delete(job_id)
    with pytest.raises(NotFound):
        await ws.jobs.get(job_id)


async def test_repair_a_failed_run(ws: Workspace, emulator: Emulator) -> None:
    job_id = await ws.jobs.create(two_task_job())
    script = emulator.script_task("b", outcome="FAILED", error="bad row")
    started = await ws.jobs.run_now(job_id)
    with pytest.raises(RunFailed) as caught:
        await ws.runs.wait(started.run_id)
    assert caught.value.failed_tasks == {"b": "Task b failed with message: bad row"} or (
        list(caught.value.failed_tasks) == ["b"]
    )
    emulator.remove_script(script)
    updates: list[str] = []
    run = await ws.runs.repair_and_wait(
        started.run_id,
        rerun_tasks=["b"],
        on_update=lambda r: updates.append(str(r.status.state if r.status else None)),
    )
    assert run.state is not None
    assert str(run.state.result_state) == "SUCCESS"
    assert updates[-1] == "TERMINATED"


async def test_thousand_task_job_read_whole_and_written_back_unchanged(
    ws: Workspace, emulator: Emulator
) -> None:
    tasks = [
        Task(
            task_key=f"t{i:04d}",
            new_cluster=CLUSTER,
            notebook_task=NotebookTask(notebook_path=f"/n/{i}", base_parameters={"i": str(i)}),
            depends_on=[f"t{i - 1:04d}"] if i else None,
        )
        for i in range(1000)
    ]
    job_id = await ws.jobs.create(JobSettings(name="wide", tasks=tasks))
    stored = emulator.job_settings(job_id)
    job = await ws.jobs.get(job_id)
    assert job.settings is not None
    assert len(job.settings.tasks or []) == 1000
    assert len(emulator.requests_to("jobs/get")) == 10
    await ws.jobs.reset(job_id, job.settings)
    assert emulator.job_settings(job_id) == stored
    assert to_dict(job.settings)["tasks"] == stored["tasks"]


async def test_paging_through_a_thousand_jobs(ws: Workspace, emulator: Emulator) -> None:
    async def create(i: int) -> None:
        await ws.jobs.create(JobSettings(name=f"job-{i}", tasks=[notebook("a")],
                                         job_clusters={"shared": CLUSTER}))  # fmt: skip

    async with anyio.create_task_group() as tg:
        for i in range(1000):
            tg.start_soon(create, i)
    names = {job.settings.name async for job in ws.jobs.list(limit=100) if job.settings}
    assert names == {f"job-{i}" for i in range(1000)}
    assert len(emulator.requests_to("jobs/list")) == 10


async def test_paging_through_ten_thousand_runs(emulator: Emulator, anyio_backend: str) -> None:
    # Seed through the in-process transport (fast), then page over real sockets.
    seeder = Workspace(
        host="http://127.0.0.1", token=emulator.token, transport=emulator.transport(),
        clock=emulator.clock, env={},
    )  # fmt: skip
    async with seeder:
        job_id = await seeder.jobs.create(
            JobSettings(name="busy", max_concurrent_runs=1000, tasks=[notebook("a")],
                        job_clusters={"shared": CLUSTER})
        )  # fmt: skip
        limiter = anyio.Semaphore(50)

        async def trigger(i: int) -> None:
            async with limiter:
                await seeder.jobs.run_now(job_id, idempotency_token=f"seed-{i}")

        async with anyio.create_task_group() as tg:
            for i in range(10_000):
                tg.start_soon(trigger, i)
    before = len(emulator.requests_to("runs/list"))
    async with (
        emulator.serve() as url,
        Workspace(host=url, token=emulator.token, clock=emulator.clock, env={}) as ws,
    ):
        seen: set[int] = set()
        async for run in ws.runs.list(job_id=job_id, limit=25):
            assert run.run_id is not None
            seen.add(run.run_id)
    assert len(seen) == 10_000
    assert len(emulator.requests_to("runs/list")) - before == 400


async def test_lists_of_jobs_and_runs(ws: Workspace) -> None:
    job_id = await ws.jobs.create(two_task_job())
    run = await ws.jobs.run_now_and_wait(job_id)
    jobs: list[Any] = [job async for job in ws.jobs.list()]
    runs = [r async for r in ws.runs.list(completed_only=True)]
    assert [j.job_id for j in jobs] == [job_id]
    assert [r.run_id for r in runs] == [run.run_id]
