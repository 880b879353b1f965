"""One Workspace per event loop: another loop gets `EventLoopError`, and nothing leaks.

Scripts call ``asyncio.run`` more than once, notebooks and task queues start loops of their
own, and two threads may start using one Workspace at the same moment. Each gets a typed
error that says what to do, from the first call, with no session or connection left open.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Any

import anyio
import anyio.from_thread
import pytest
import trio

from databricks_jobs import ClientClosedError, EventLoopError, VirtualClock, Workspace
from databricks_jobs.testing import Emulator

from .resources import connections_to, needs_proc, open_aiohttp_sessions

ASYNCIO_TRANSPORTS = ["aiohttp", "httpx"]


@pytest.fixture
def url() -> Iterator[str]:
    """The emulator on loopback, served from a thread of its own (its own event loop)."""
    with Emulator(VirtualClock()).serve_in_thread() as served:
        yield served


def workspace(url: str, transport: str) -> Workspace:
    return Workspace(host=url, token="dapi-emulator", transport=transport, env={})  # type: ignore[arg-type]


async def list_jobs(ws: Workspace) -> list[Any]:
    return await ws.jobs.list().to_list()


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


@needs_proc
@pytest.mark.parametrize("transport", ASYNCIO_TRANSPORTS)
def test_a_second_asyncio_run_gets_a_typed_error(url: str, transport: str) -> None:
    ws = workspace(url, transport)
    with asyncio.Runner() as first:  # a loop that lives on, so that it can close the Workspace
        assert first.run(list_jobs(ws)) == []
        with pytest.raises(EventLoopError) as caught:
            asyncio.run(list_jobs(ws))  # what a script calling asyncio.run twice does
        message = str(caught.value)
        assert "another event loop" in message
        assert "asyncio.run()" in message
        assert "Create the Workspace inside the async function" in message
        assert caught.value.request_sent is False
        assert ws.state == "open"  # still usable in its own loop
        assert first.run(list_jobs(ws)) == []
        first.run(ws.aclose())
    assert connections_to(port_of(url)) == 0
    assert open_aiohttp_sessions() == 0


@pytest.mark.parametrize("transport", ASYNCIO_TRANSPORTS)
def test_asyncio_then_trio(url: str, transport: str) -> None:
    ws = workspace(url, transport)
    with asyncio.Runner() as first:
        first.run(list_jobs(ws))
        with pytest.raises(EventLoopError, match=r"another event loop \(asyncio\).*\(trio\)"):
            trio.run(list_jobs, ws)
        first.run(ws.aclose())
    assert open_aiohttp_sessions() == 0


def test_trio_then_asyncio_and_closing_from_the_wrong_loop(url: str) -> None:
    ws = workspace(url, "auto")
    with anyio.from_thread.start_blocking_portal("trio") as portal:  # a trio loop that lives on
        portal.call(list_jobs, ws)
        assert ws.transport_name == "httpx"
        with pytest.raises(EventLoopError, match=r"\(trio\) than the one running now \(asyncio"):
            asyncio.run(list_jobs(ws))

        async def enter_and_close() -> None:
            async with ws:
                pass

        with pytest.raises(EventLoopError):
            asyncio.run(enter_and_close())  # refused on entry: its own loop is still to close it
        with pytest.raises(EventLoopError, match=r"close it .* in the loop that used it"):
            asyncio.run(ws.aclose())
        assert ws.state == "open"
        portal.call(ws.aclose)
    assert ws.state == "closed"
    with pytest.raises(ClientClosedError):  # closed wins over the loop: it is simply closed
        asyncio.run(list_jobs(ws))


def test_the_aiohttp_transport_under_trio_is_refused(url: str) -> None:
    ws = workspace(url, "aiohttp")

    async def use() -> None:
        async with ws:
            with pytest.raises(EventLoopError, match="aiohttp transport runs only on asyncio"):
                await list_jobs(ws)

    trio.run(use)
    assert open_aiohttp_sessions() == 0


def test_two_threads_starting_one_workspace_at_once(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each thread runs its own loop; the second gets EventLoopError, and one session exists.

    The first creation of the transport is slowed down until the second thread has made its
    call, so the two first uses really overlap (without the lock, both created a transport
    and the second one's session was never closed).
    """
    from databricks_jobs._transports import _aiohttp

    original = _aiohttp.AiohttpTransport.__init__
    created: list[str] = []
    second_calling = threading.Event()

    def slow_first_creation(self: Any, *args: Any, **kwargs: Any) -> None:
        created.append(threading.current_thread().name)
        if len(created) == 1:
            assert second_calling.wait(10)
            time.sleep(0.05)  # the second thread's call runs meanwhile
        original(self, *args, **kwargs)

    monkeypatch.setattr(_aiohttp.AiohttpTransport, "__init__", slow_first_creation)
    baseline = open_aiohttp_sessions()
    ws = workspace(url, "aiohttp")
    results: dict[str, object] = {}
    second_done = threading.Event()

    async def first() -> None:
        results["first"] = await list_jobs(ws)
        while not second_done.is_set():  # noqa: ASYNC110 - an event of another thread
            await asyncio.sleep(0.01)  # this loop (and its Workspace) stays until then
        await ws.aclose()

    async def second() -> None:
        second_calling.set()
        try:
            results["second"] = await list_jobs(ws)
        except EventLoopError as exc:
            results["second"] = exc
        finally:
            second_done.set()

    first_thread = threading.Thread(target=asyncio.run, args=(first(),), name="first")
    second_thread = threading.Thread(target=asyncio.run, args=(second(),), name="second")
    first_thread.start()
    deadline = time.monotonic() + 10
    while not created and time.monotonic() < deadline:
        time.sleep(0.001)  # until the first thread is inside its transport's creation
    second_thread.start()
    first_thread.join(20)
    second_thread.join(20)
    assert results["first"] == []
    assert isinstance(results["second"], EventLoopError), results
    assert created == ["first"]  # one transport, made by the loop that owns the Workspace
    assert open_aiohttp_sessions(collect=False) == baseline
