"""The FastAPI example, through its ASGI app, against the emulator (asyncio and trio)."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from types import ModuleType

import anyio
import httpx
import pytest
from asgi_lifespan import LifespanManager

from databricks_jobs import RetryPolicy, VirtualClock, Workspace
from databricks_jobs.models import JobSettings, NotebookTask, QueueSettings, Task
from databricks_jobs.testing import DEFAULT_TOKEN, Emulator

pytestmark = pytest.mark.anyio

EXAMPLE = Path(__file__).parents[2] / "examples" / "fastapi_app.py"


def load_example() -> ModuleType:
    """Import examples/fastapi_app.py (not a package) under its own name."""
    spec = importlib.util.spec_from_file_location("fastapi_app", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


example = load_example()

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


class Service:
    """The app under test, a client for it, and the Workspaces its factory made."""

    def __init__(self, emulator: Emulator, retry: RetryPolicy | None) -> None:
        self.emulator = emulator
        self.retry = retry
        self.workspaces: list[Workspace] = []
        self.app = example.create_app(self.make_workspace)

    def make_workspace(self) -> Workspace:
        workspace = Workspace(
            host="https://emulator.local",
            token=DEFAULT_TOKEN,
            transport=self.emulator.transport(),
            clock=self.emulator.clock,
            retry=self.retry,
            env={},
        )
        self.workspaces.append(workspace)
        return workspace

    @property
    def ws(self) -> Workspace:
        (workspace,) = self.workspaces
        return workspace


@asynccontextmanager
async def running(
    emulator: Emulator, retry: RetryPolicy | None = None
) -> AsyncIterator[tuple[Service, httpx.AsyncClient]]:
    service = Service(emulator, retry)
    async with (
        LifespanManager(service.app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://service"
        ) as client,
    ):
        yield service, client


async def test_one_workspace_for_the_whole_app(emulator: Emulator, anyio_backend: str) -> None:
    async with running(emulator) as (service, client):
        for _ in range(3):
            health = await client.get("/healthz")
            assert health.json() == {"workspace": "https://emulator.local", "state": "open"}
        assert len(service.workspaces) == 1
    assert service.ws.state == "closed"


async def test_trigger_then_report_until_success(emulator: Emulator, anyio_backend: str) -> None:
    async with running(emulator) as (service, client):
        job_id = await service.ws.jobs.create(SETTINGS)
        started = await client.post(f"/jobs/{job_id}/runs", json={"job_parameters": {"d": "1"}})
        assert started.status_code == 202
        run_id = started.json()["run_id"]
        assert started.headers["location"] == f"http://service/runs/{run_id}"
        assert started.json()["status_url"] == started.headers["location"]

        now = await client.get(f"/runs/{run_id}")
        assert now.status_code == 200
        assert now.json()["outcome"] == "running"
        assert now.json()["finished"] is False

        done = await client.get(f"/runs/{run_id}", params={"wait": 60})
        assert done.json()["outcome"] == "success"
        assert done.json()["succeeded"] is True
        assert done.json()["job_id"] == job_id
    sent = emulator.requests_to("jobs/run-now")[0].body
    assert sent["job_parameters"] == {"d": "1"}
    assert emulator.applied["jobs/run-now"] == 1


async def test_failed_tasks_are_reported(emulator: Emulator, anyio_backend: str) -> None:
    emulator.script_task("b", outcome="FAILED", error="bad row")
    async with running(emulator) as (service, client):
        job_id = await service.ws.jobs.create(SETTINGS)
        run_id = (await client.post(f"/jobs/{job_id}/runs", json={})).json()["run_id"]
        status = (await client.get(f"/runs/{run_id}", params={"wait": 60})).json()
    assert status["outcome"] == "failed"
    assert status["finished"] is True
    assert status["succeeded"] is False
    assert list(status["failed_tasks"]) == ["b"]
    assert "bad row" in status["failed_tasks"]["b"]


async def test_a_long_poll_that_times_out_reports_the_running_run(
    emulator: Emulator, anyio_backend: str
) -> None:
    emulator.script_task("a", duration=3600)
    async with running(emulator) as (service, client):
        job_id = await service.ws.jobs.create(SETTINGS)
        run_id = (await client.post(f"/jobs/{job_id}/runs", json={})).json()["run_id"]
        status = await client.get(f"/runs/{run_id}", params={"wait": 30})
    assert status.status_code == 200
    assert status.json()["outcome"] == "running"
    assert emulator.applied["jobs/runs/cancel"] == 0


async def test_the_same_idempotency_key_starts_one_run(
    emulator: Emulator, anyio_backend: str
) -> None:
    async with running(emulator) as (service, client):
        job_id = await service.ws.jobs.create(SETTINGS)
        headers = {"Idempotency-Key": "order-42"}
        first = await client.post(f"/jobs/{job_id}/runs", json={}, headers=headers)
        again = await client.post(f"/jobs/{job_id}/runs", json={}, headers=headers)
    assert first.status_code == again.status_code == 202
    assert first.json() == again.json()
    assert first.json()["idempotency_key"] == "order-42"
    assert emulator.applied["jobs/run-now"] == 1
    assert emulator.applied["jobs/run-now:replayed"] == 1


async def test_unknown_job_and_run_are_404(emulator: Emulator, anyio_backend: str) -> None:
    async with running(emulator) as (_, client):
        job = await client.post("/jobs/999/runs", json={})
        run = await client.get("/runs/888")
    assert job.status_code == 404
    assert "999" in job.json()["detail"]
    assert run.status_code == 404
    assert "888" in run.json()["detail"]


async def test_a_spec_error_is_422_and_nothing_is_sent(
    emulator: Emulator, anyio_backend: str
) -> None:
    async with running(emulator) as (_, client):
        response = await client.post("/jobs/0/runs", json={})
    assert response.status_code == 422
    assert "job_id" in response.json()["detail"]
    assert emulator.requests_to("jobs/run-now") == []


async def test_throttling_is_503_with_retry_after_once_retries_run_out(
    emulator: Emulator, anyio_backend: str
) -> None:
    emulator.faults.add("429", path="jobs/run-now", retry_after=7)
    async with running(emulator, RetryPolicy(attempts=3)) as (service, client):
        job_id = await service.ws.jobs.create(SETTINGS)
        response = await client.post(f"/jobs/{job_id}/runs", json={})
    assert response.status_code == 503
    assert response.headers["retry-after"] == "7"
    assert len(emulator.requests_to("jobs/run-now")) == 3  # retried before giving up
    assert emulator.applied["jobs/run-now"] == 0


async def test_a_job_at_its_run_limit_is_409(emulator: Emulator, anyio_backend: str) -> None:
    settings = JobSettings(
        name="single",
        max_concurrent_runs=1,
        queue=QueueSettings(enabled=False),
        tasks=SETTINGS.tasks,
    )
    async with running(emulator) as (service, client):
        job_id = await service.ws.jobs.create(settings)
        first = await client.post(f"/jobs/{job_id}/runs", json={})
        second = await client.post(f"/jobs/{job_id}/runs", json={})
    assert first.status_code == 202
    assert second.status_code == 409
    assert "active runs" in second.json()["detail"]


async def test_a_caller_going_away_never_cancels_the_run(anyio_backend: str) -> None:
    clock = VirtualClock(auto_advance=False)
    emulator = Emulator(clock)
    async with running(emulator) as (service, client):
        job_id = await service.ws.jobs.create(SETTINGS)
        run_id = (await client.post(f"/jobs/{job_id}/runs", json={})).json()["run_id"]

        async with anyio.create_task_group() as tg:
            tg.start_soon(partial(client.get, f"/runs/{run_id}", params={"wait": 60}))
            with anyio.fail_after(10):  # a guard against a hang, not a timing assertion
                while clock.sleepers == 0:  # until the handler has polled once and sleeps
                    await anyio.wait_all_tasks_blocked()
            tg.cancel_scope.cancel()  # the caller goes away: the request task is cancelled

        assert len(emulator.requests_to("jobs/runs/get")) == 1
        assert emulator.applied["jobs/runs/cancel"] == 0
        assert emulator.run_state(run_id)["state"]["life_cycle_state"] != "TERMINATED"
        clock.advance(3600)
        status = (await client.get(f"/runs/{run_id}")).json()
    assert status["outcome"] == "success"


async def test_a_trigger_interrupted_midway_is_resent_exactly_once(
    emulator: Emulator, anyio_backend: str
) -> None:
    emulator.faults.add("latency", path="jobs/run-now", seconds=30, times=1)
    async with running(emulator) as (service, client):
        job_id = await service.ws.jobs.create(SETTINGS)
        headers = {"Idempotency-Key": "retry-me"}
        with anyio.move_on_after(0.2) as interrupted:  # the caller gives up mid-request
            await client.post(f"/jobs/{job_id}/runs", json={}, headers=headers)
        assert interrupted.cancelled_caught
        resent = await client.post(f"/jobs/{job_id}/runs", json={}, headers=headers)
        assert resent.status_code == 202
        runs = [run.run_id async for run in service.ws.runs.list(job_id=job_id)]
    assert runs == [resent.json()["run_id"]]
    assert emulator.applied["jobs/run-now"] == 1
