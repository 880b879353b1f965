"""On asyncio a call's scope is its task's own cancellation: it takes back only its own.

Under asyncio, the total deadline and `aclose` end a call by cancelling its task once and
taking that cancellation back when the call ends (decision 57), as ``asyncio.timeout`` does.
These tests attack what that must never do: swallow a cancellation of the caller's own that
arrives together with it, leave the task marked as cancelling, let the caller's own
``asyncio.timeout`` turn into our error, or cut a call at an earlier call's deadline (one
alarm serves every call of a Workspace). Over loopback against the emulator, under both
transports that run on asyncio.
"""

from __future__ import annotations

import asyncio

import anyio
import pytest

from databricks_jobs import (
    ClientClosedError,
    RequestTimeout,
    Timeouts,
    VirtualClock,
    Workspace,
)
from databricks_jobs.testing import Emulator

pytestmark = [pytest.mark.anyio, pytest.mark.parametrize("anyio_backend", ["asyncio"])]

TRANSPORTS = pytest.mark.parametrize("transport", ["aiohttp", "httpx"])


def workspace(url: str, transport: str, total: float = 60.0) -> Workspace:
    return Workspace(
        host=url,
        token="dapi-emulator",
        transport=transport,  # type: ignore[arg-type]
        timeouts=Timeouts(read=30, total=total),
        clock=VirtualClock(auto_advance=False),
        env={},
    )


@pytest.fixture
def stalled() -> Emulator:
    """An emulator whose next jobs/get is applied and then not answered for 30 s."""
    emulator = Emulator(VirtualClock())
    emulator.faults.next("stall", path="jobs/get", seconds=30)
    return emulator


async def until_stalled(emulator: Emulator, path: str) -> None:
    with anyio.fail_after(10):
        while not emulator.requests_to(path):  # noqa: ASYNC110 - the server's progress
            await anyio.sleep(0.005)


@TRANSPORTS
async def test_the_callers_own_cancellation_wins_over_a_close_in_the_same_step(
    anyio_backend: str, transport: str, stalled: Emulator
) -> None:
    emulator = stalled
    async with emulator.serve() as url:
        ws = workspace(url, transport)
        call = asyncio.ensure_future(ws.jobs.get(1))
        await until_stalled(emulator, "jobs/get")
        call.cancel()  # the caller gives up ...
        await ws.aclose()  # ... and the Workspace closes before the call runs again
        with pytest.raises(asyncio.CancelledError):
            await call
        assert call.cancelled()


@TRANSPORTS
async def test_a_close_alone_is_a_closed_error_and_the_task_is_not_left_cancelling(
    anyio_backend: str, transport: str, stalled: Emulator
) -> None:
    emulator = stalled
    async with emulator.serve() as url:
        ws = workspace(url, transport)

        async def caller() -> int:
            with pytest.raises(ClientClosedError):
                await ws.jobs.get(1)
            task = asyncio.current_task()
            assert task is not None
            await asyncio.sleep(0)  # no cancellation left pending for the caller
            return task.cancelling()

        call = asyncio.ensure_future(caller())
        await until_stalled(emulator, "jobs/get")
        await ws.aclose()
        assert await call == 0


@TRANSPORTS
async def test_a_deadline_leaves_the_task_uncancelled(anyio_backend: str, transport: str) -> None:
    emulator = Emulator(VirtualClock())
    emulator.faults.next("stall", path="jobs/get", seconds=30)
    async with emulator.serve() as url, workspace(url, transport, total=0.2) as ws:
        with pytest.raises(RequestTimeout) as caught:
            await ws.jobs.get(1)
        assert caught.value.phase == "total"
        task = asyncio.current_task()
        assert task is not None
        assert task.cancelling() == 0
        await asyncio.sleep(0)  # and nothing is delivered late


@TRANSPORTS
async def test_the_callers_own_asyncio_timeout_is_the_callers_error(
    anyio_backend: str, transport: str, stalled: Emulator
) -> None:
    emulator = stalled
    async with emulator.serve() as url, workspace(url, transport) as ws:
        with pytest.raises(TimeoutError) as caught:
            async with asyncio.timeout(0.2):
                await ws.jobs.get(1)
        assert not isinstance(caught.value, RequestTimeout)
        # The Workspace is still usable: the call's scope ended cleanly.
        emulator.faults.clear()
        assert (await ws.request("GET", "/api/2.2/jobs/list")) is not None


@TRANSPORTS
async def test_each_call_is_cut_at_its_own_deadline_not_an_earlier_calls(
    anyio_backend: str, transport: str
) -> None:
    total = 0.6
    emulator = Emulator(VirtualClock())
    async with emulator.serve() as url, workspace(url, transport, total=total) as ws:
        loop = asyncio.get_running_loop()
        await ws.request("GET", "/api/2.2/jobs/list")  # sets the alarm for its deadline
        await asyncio.sleep(total / 2)
        emulator.faults.next("stall", path="jobs/get", seconds=30)
        started = loop.time()
        with pytest.raises(RequestTimeout):
            await ws.jobs.get(1)
        # Cut at its own deadline: the alarm rang at the first call's, found this one not
        # due, and rang again at its deadline.
        assert loop.time() - started >= total * 0.95
