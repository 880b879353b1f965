"""A server that never ends a listing cannot make the client loop: every paginated call stops.

The emulator's page faults (``repeat_page_token``, ``empty_pages``) stand in for the broken
server, over loopback, under each transport and both event loops.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import attrs
import pytest

from databricks_jobs import DecodeError, RateLimits, Workspace
from databricks_jobs._pagination import MAX_EMPTY_PAGES
from databricks_jobs.models import JobSettings, SubmitRun, SubmitTask
from databricks_jobs.testing import Emulator

from ..resources.specs import CLUSTER, notebook

pytestmark = pytest.mark.anyio

POLICY = "policy-1"


COMBINATIONS = [("asyncio", "aiohttp"), ("asyncio", "httpx"), ("trio", "httpx")]


@pytest.fixture(params=COMBINATIONS, ids=["-".join(c) for c in COMBINATIONS])
def loop_and_transport(request: pytest.FixtureRequest) -> tuple[str, str]:
    """Each transport on each event loop it runs on."""
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def anyio_backend(loop_and_transport: tuple[str, str]) -> str:
    return loop_and_transport[0]


@pytest.fixture
def transport(loop_and_transport: tuple[str, str]) -> str:
    return loop_and_transport[1]


@pytest.fixture
async def ws(emulator: Emulator, transport: str) -> AsyncIterator[Workspace]:
    async with (
        emulator.serve() as url,
        Workspace(
            host=url,
            token=emulator.token,
            clock=emulator.clock,
            transport=transport,  # type: ignore[arg-type]
            rate_limits=RateLimits.unlimited(),
            env={},
        ) as workspace,
    ):
        yield workspace


def wide_job(tasks: int) -> JobSettings:
    """A job of `tasks` tasks (more than 100: jobs/get pages them) on a policy's cluster."""
    cluster = attrs.evolve(CLUSTER, policy_id=POLICY)
    return JobSettings(
        name="wide",
        job_clusters={"shared": cluster},
        tasks=[notebook(f"t{i}") for i in range(tasks)],
    )


async def fill(ws: Workspace, emulator: Emulator) -> dict[str, int]:
    """Three jobs of 150 tasks and three runs of 150 tasks; returns a job id and a run id."""
    job_ids = [await ws.jobs.create(wide_job(150)) for _ in range(3)]
    spec = SubmitRun(
        run_name="wide",
        tasks=[
            SubmitTask(
                task_key=f"t{i}",
                existing_cluster_id="c",
                notebook_task=notebook("x").notebook_task,
            )
            for i in range(150)
        ],
    )
    run_ids = [(await ws.runs.submit(spec)).run_id for _ in range(3)]
    return {"job_id": job_ids[0], "run_id": run_ids[0]}


Read = Callable[[Workspace, dict[str, int]], Awaitable[Any]]
CALLS: dict[str, tuple[str, Read]] = {
    "jobs.list": ("jobs/list", lambda ws, ids: ws.jobs.list(limit=1).to_list()),
    "runs.list": ("jobs/runs/list", lambda ws, ids: ws.runs.list(limit=1).to_list()),
    "list_compliance": (
        "policies/jobs/list-compliance",
        lambda ws, ids: ws.jobs.list_compliance(POLICY, page_size=1).to_list(),
    ),
    "jobs.get": ("jobs/get", lambda ws, ids: ws.jobs.get(ids["job_id"])),
    "runs.get": ("jobs/runs/get", lambda ws, ids: ws.runs.get(ids["run_id"])),
}


@pytest.mark.parametrize("call", sorted(CALLS))
async def test_a_repeated_page_token_is_refused_never_looped_or_cut(
    ws: Workspace, emulator: Emulator, call: str
) -> None:
    path, read = CALLS[call]
    ids = await fill(ws, emulator)
    whole = await read(ws, ids)  # without the fault: every page, once
    # Lists would loop over the same items forever; gets returned a job or run cut short.
    emulator.faults.add("repeat_page_token", path=path)
    with pytest.raises(DecodeError, match=f"GET /api/2\\.[0-9]+/{path} named page token") as error:
        await read(ws, ids)
    assert "second time" in str(error.value)
    # One page read again (the repeat), then the client stopped instead of looping.
    assert emulator.faults.injected["repeat_page_token"] == 1
    emulator.faults.clear()
    assert await read(ws, ids) == whole


@pytest.mark.parametrize("call", sorted(CALLS))
async def test_some_empty_pages_are_followed_to_the_items(
    ws: Workspace, emulator: Emulator, call: str
) -> None:
    path, read = CALLS[call]
    ids = await fill(ws, emulator)
    whole = await read(ws, ids)
    emulator.faults.add("empty_pages", path=path, times=40)
    assert await read(ws, ids) == whole  # empty pages are normal: nothing lost, no error
    assert emulator.faults.injected["empty_pages"] == 40


@pytest.mark.parametrize(
    "loop_and_transport", [("asyncio", "aiohttp"), ("trio", "httpx")], indirect=True
)
async def test_endless_empty_pages_stop_at_the_cap(ws: Workspace, emulator: Emulator) -> None:
    emulator.faults.add("empty_pages", path="jobs/list")
    with pytest.raises(DecodeError, match=f"jobs/list answered {MAX_EMPTY_PAGES} empty pages"):
        await ws.jobs.list().to_list()
    assert emulator.faults.injected["empty_pages"] == MAX_EMPTY_PAGES
