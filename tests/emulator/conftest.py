"""Fixtures for the emulator tests: a virtual clock, an emulator on it, and plain httpx clients."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from databricks_jobs.testing import Emulator, VirtualClock

TOKEN = "dapi-emulator"
NOTEBOOK = {"notebook_path": "/Users/me/etl"}


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(1000.0, auto_advance=False)


@pytest.fixture
def databricks_emulator(clock: VirtualClock) -> Emulator:
    """The emulator of these tests (``emulator``): on `clock`, which moves only when told."""
    return Emulator(clock)


class Api:
    """A thin helper over a plain httpx client, for terse tests."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def get(self, path: str, **params: Any) -> httpx.Response:
        query = {k: (str(v).lower() if isinstance(v, bool) else v) for k, v in params.items()}
        return await self.client.get(path, params=query)

    async def post(self, path: str, body: Any = None) -> httpx.Response:
        return await self.client.post(path, json=body if body is not None else {})

    async def ok(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        if method == "GET":
            response = await self.get(path, **params)
        else:
            response = await self.client.request(method, path, json=body)
        assert response.status_code == 200, response.text
        return response.json()

    async def create_job(self, **settings: Any) -> int:
        settings.setdefault("name", "job")
        settings.setdefault("tasks", [{"task_key": "main", "notebook_task": NOTEBOOK}])
        data = await self.ok("POST", "/api/2.2/jobs/create", settings)
        return int(data["job_id"])

    async def run_now(self, job_id: int, **body: Any) -> int:
        data = await self.ok("POST", "/api/2.2/jobs/run-now", {"job_id": job_id, **body})
        return int(data["run_id"])

    async def run(self, run_id: int, **params: Any) -> Any:
        return await self.ok("GET", "/api/2.2/jobs/runs/get", run_id=run_id, **params)


def task(key: str, *deps: str, **extra: Any) -> dict[str, Any]:
    """Return a notebook task spec depending on `deps`."""
    spec: dict[str, Any] = {"task_key": key, "notebook_task": dict(NOTEBOOK), **extra}
    if deps:
        spec["depends_on"] = [{"task_key": d} for d in deps]
    return spec


def states(run: dict[str, Any]) -> dict[str, tuple[str, str | None]]:
    """Return {task_key: (life_cycle_state, result_state)} of a run."""
    return {
        t["task_key"]: (t["state"]["life_cycle_state"], t["state"].get("result_state"))
        for t in run.get("tasks", [])
    }


@pytest.fixture
async def api(emulator: Emulator, anyio_backend: str) -> AsyncIterator[Api]:
    """A client over a real loopback socket."""
    async with (
        emulator.serve() as url,
        httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}) as client,
    ):
        yield Api(client)


@pytest.fixture
async def local_api(emulator: Emulator, anyio_backend: str) -> AsyncIterator[Api]:
    """A client through the in-process transport."""
    async with httpx.AsyncClient(
        base_url="http://emulator.local",
        headers={"Authorization": f"Bearer {TOKEN}"},
        transport=emulator.transport(),
    ) as client:
        yield Api(client)
