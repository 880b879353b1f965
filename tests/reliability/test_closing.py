"""Closing a Workspace ends every call of it and leaves no connection or session behind.

Calls waiting (for a connection slot, at the rate limiter, at the back-off gate, between
retries) fail with `ClientClosedError` and are never sent; calls in flight are cut short,
`OutcomeUnknown` for a write that is not safe to repeat; later calls fail at once. Counted
from ``/proc`` (sockets) and the garbage collector (aiohttp sessions), under each transport
and both event loops, against the emulator over loopback.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import anyio
import pytest

from databricks_jobs import (
    ClientClosedError,
    DatabricksError,
    OutcomeUnknown,
    PoolLimits,
    RateLimits,
    SpecError,
    VirtualClock,
    Workspace,
    bulk,
)
from databricks_jobs.testing import Emulator

from ..resources.specs import two_task_job
from .resources import connections_to, needs_proc, open_aiohttp_sessions

pytestmark = [pytest.mark.anyio, needs_proc]

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


def workspace(url: str, transport: str, **options: object) -> Workspace:
    """A Workspace on a clock that never moves by itself: whatever waits on it, stays."""
    options.setdefault("clock", VirtualClock(auto_advance=False))
    return Workspace(
        host=url,
        token="dapi-emulator",
        transport=transport,  # type: ignore[arg-type]
        env={},
        **options,  # type: ignore[arg-type]
    )


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


Outcomes = dict[str, object]


def recorder(
    outcomes: Outcomes,
) -> Callable[[str, Callable[[], Awaitable[object]]], Awaitable[None]]:
    async def run(name: str, call: Callable[[], Awaitable[object]]) -> None:
        try:
            outcomes[name] = await call()
        except DatabricksError as exc:
            outcomes[name] = exc

    return run


async def until(condition: Callable[[], bool]) -> None:
    """Let the other tasks (and the server) run until `condition` holds (bounded)."""
    with anyio.fail_after(10):
        while not condition():  # noqa: ASYNC110 - a condition of other tasks and the server
            await anyio.sleep(0.005)


async def test_calls_waiting_for_a_connection_fail_and_no_socket_is_left(
    emulator: Emulator, transport: str
) -> None:
    emulator.faults.add("stall", path="jobs/get", seconds=60)  # holds the only connection
    async with emulator.serve() as url:
        port = port_of(url)
        ws = workspace(url, transport, limits=PoolLimits(max_connections=1))
        outcomes: Outcomes = {}
        run = recorder(outcomes)
        async with anyio.create_task_group() as tg:
            tg.start_soon(run, "in flight", lambda: ws.jobs.get(1))
            await until(lambda: len(emulator.requests_to("jobs/get")) == 1)
            for number in range(5):
                tg.start_soon(run, f"queued {number}", lambda: ws.jobs.list().to_list())
            await anyio.sleep(0.05)  # they reach the wait for the one connection slot
            assert connections_to(port) == 1
            await ws.aclose()
            # When aclose returns, every call has ended and nothing is open.
            assert len(outcomes) == 6
            assert connections_to(port) == 0
            assert open_aiohttp_sessions() == 0
        assert all(isinstance(error, ClientClosedError) for error in outcomes.values()), outcomes
        assert all(not error.request_sent for error in outcomes.values())  # type: ignore[attr-defined]
        assert emulator.requests_to("jobs/list") == []  # no queued call went out after close
        with pytest.raises(ClientClosedError):
            await ws.jobs.list().to_list()
        assert emulator.requests_to("jobs/list") == []
        assert connections_to(port) == 0
        assert open_aiohttp_sessions() == 0


async def test_calls_waiting_at_the_limiter_the_gate_or_a_retry_fail(
    emulator: Emulator, transport: str
) -> None:
    emulator.faults.next("429", path="jobs/list", retry_after=30)
    async with emulator.serve() as url:
        clock = VirtualClock(auto_advance=False)
        ws = workspace(
            url, transport, clock=clock, rate_limits=RateLimits(per_endpoint={"jobs/runs/get": 1})
        )
        outcomes: Outcomes = {}
        run = recorder(outcomes)
        async with anyio.create_task_group() as tg:
            for number in range(3):  # one a second: the first is sent, two wait their turn
                tg.start_soon(run, f"limited {number}", lambda: ws.runs.get(5))
            await until(lambda: clock.sleepers == 2)
            tg.start_soon(run, "retrying", lambda: ws.jobs.list().to_list())  # 429: 30 s
            await until(lambda: clock.sleepers == 3)
            for number in range(2):  # the 429 closed the gate of jobs/list for 30 s
                tg.start_soon(run, f"gated {number}", lambda: ws.jobs.list().to_list())
            await until(lambda: clock.sleepers == 5)
            await ws.aclose()
            assert clock.sleepers == 0
        closed = {name for name, error in outcomes.items() if isinstance(error, ClientClosedError)}
        assert {"retrying", "gated 0", "gated 1"} <= closed, outcomes
        assert len([name for name in closed if name.startswith("limited")]) == 2, outcomes
        assert len(emulator.requests_to("jobs/runs/get")) == 1
        assert len(emulator.requests_to("jobs/list")) == 1  # the 429; nothing after it
        assert connections_to(port_of(url)) == 0


async def test_a_write_cut_mid_send_is_outcome_unknown_unless_safe(
    emulator: Emulator, transport: str
) -> None:
    async with emulator.serve() as url:
        ws = workspace(url, transport)
        job_id = await ws.jobs.create(two_task_job())
        emulator.faults.add("stall", path="jobs/create", seconds=60)  # applied, then no answer
        emulator.faults.add("stall", path="jobs/run-now", seconds=60)
        outcomes: Outcomes = {}
        run = recorder(outcomes)
        async with anyio.create_task_group() as tg:
            tg.start_soon(run, "create", lambda: ws.jobs.create(two_task_job("second")))
            tg.start_soon(run, "run now", lambda: ws.jobs.run_now(job_id))
            await until(lambda: emulator.applied["jobs/run-now"] == 1)
            await until(lambda: emulator.applied["jobs/create"] == 2)
            await ws.aclose()
        create, run_now = outcomes["create"], outcomes["run now"]
        # The job was created, and the client cannot know: it says so, and never retries.
        assert isinstance(create, OutcomeUnknown), create
        assert isinstance(create.error, ClientClosedError)
        assert "closed while this request was being sent" in str(create)
        # run-now carries an idempotency token: sending it again is safe, so it is just closed.
        assert isinstance(run_now, ClientClosedError), run_now
        assert len(emulator.requests_to("jobs/create")) == 2
        assert len(emulator.requests_to("jobs/run-now")) == 1
        assert connections_to(port_of(url)) == 0
        assert open_aiohttp_sessions() == 0


async def test_closing_twice_and_at_once_is_harmless(emulator: Emulator, transport: str) -> None:
    emulator.faults.add("stall", path="jobs/get", seconds=60)
    async with emulator.serve() as url:
        ws = workspace(url, transport)
        outcomes: Outcomes = {}
        async with ws:
            assert await ws.jobs.list().to_list() == []
            async with anyio.create_task_group() as tg:
                tg.start_soon(recorder(outcomes), "in flight", lambda: ws.jobs.get(1))
                await until(lambda: len(emulator.requests_to("jobs/get")) == 1)
                # Three closers at once: each returns once the call has ended (a hang guard
                # well under the 5 s a closer would wait for a call that never unwinds).
                with anyio.fail_after(4):
                    async with anyio.create_task_group() as closers:
                        for _ in range(3):
                            closers.start_soon(ws.aclose)
            assert isinstance(outcomes["in flight"], ClientClosedError)
            assert ws.state == "closed"
            assert connections_to(port_of(url)) == 0
        await ws.aclose()
        with pytest.raises(ClientClosedError):
            async with ws:
                pass
        assert open_aiohttp_sessions() == 0


async def test_waits_sleeping_between_polls_end_at_once(emulator: Emulator, transport: str) -> None:
    """`runs.wait`, `bulk.wait` and `ws.sleep` do not outlive their Workspace by a poll.

    The clock never moves by itself, so a sleep that closing did not end would never end
    (the bounded `until` then fails the test); nothing is sent after the close.
    """
    async with emulator.serve() as url:
        clock = VirtualClock(auto_advance=False)
        ws = workspace(url, transport, clock=clock)
        job_id = await ws.jobs.create(two_task_job())
        first, second = (
            (await ws.jobs.run_now(job_id)).run_id,
            (await ws.jobs.run_now(job_id)).run_id,
        )
        outcomes: Outcomes = {}
        run = recorder(outcomes)

        async def waiting_in_bulk() -> object:
            return [finished async for finished in bulk.wait(ws, [first, second], poll=30)]

        async with anyio.create_task_group() as tg:
            tg.start_soon(run, "runs.wait", lambda: ws.runs.wait(first, poll=30))
            tg.start_soon(run, "bulk.wait", waiting_in_bulk)
            tg.start_soon(run, "ws.sleep", lambda: ws.sleep(3600))
            await until(lambda: clock.sleepers == 3)
            requests = len(emulator.requests)
            await ws.aclose()
            await until(lambda: len(outcomes) == 3)
        assert all(isinstance(error, ClientClosedError) for error in outcomes.values()), outcomes
        assert clock.now() == 0  # ended by the close, not by time passing
        assert len(emulator.requests) == requests
        with pytest.raises(ClientClosedError):
            await ws.sleep(1)


async def test_sleep_refuses_a_bad_duration(emulator: Emulator, transport: str) -> None:
    async with emulator.serve() as url, workspace(url, transport) as ws:
        with pytest.raises(SpecError, match="seconds"):
            await ws.sleep(-1)
