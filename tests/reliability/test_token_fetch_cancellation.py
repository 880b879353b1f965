"""A token fetch that absorbs a cancellation still ends at the call's deadline and at `aclose`.

On asyncio a call is cut by cancelling its task once (decision 57). A `token_provider` whose
code absorbs that one cancellation (``anyio.run_process`` does: it kills its child and waits
for it; or a provider that catches `asyncio.CancelledError` and then waits again) would hold
the call past `Timeouts(total=...)` and past `Workspace.aclose`. The fetch runs in a scope
that the call's cancellation cancels at every await: the deadline gives `RequestTimeout`,
`aclose` gives `ClientClosedError`, nothing is sent, and the caller's task is not left
cancelling. Under both event loops, against the emulator over loopback with each transport.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import anyio
import anyio.lowlevel
import pytest

from databricks_jobs import (
    ClientClosedError,
    RequestTimeout,
    Timeouts,
    VirtualClock,
    Workspace,
)
from databricks_jobs.testing import Emulator

from .writes import COMBOS

pytestmark = [pytest.mark.anyio, pytest.mark.parametrize(("anyio_backend", "transport"), COMBOS)]

BOUND = 20
"""Seconds: a bound on a broken run, not a measurement."""

Provider = Callable[[anyio.Event], Callable[[], Awaitable[str]]]


def runs_a_process(entered: anyio.Event) -> Callable[[], Awaitable[str]]:
    """A provider waiting on a child that never exits (``anyio.run_process`` absorbs a cancel)."""

    async def provider() -> str:
        entered.set()
        await anyio.run_process(["sleep", "1000"])
        return "never"

    return provider


def absorbs_one_cancel(entered: anyio.Event) -> Callable[[], Awaitable[str]]:
    """A provider that catches the first cancellation and then waits again."""

    async def provider() -> str:
        entered.set()
        try:
            await anyio.sleep(1000)
        except anyio.get_cancelled_exc_class():
            await anyio.sleep(1000)  # absorbed once: on asyncio only a scope cancels again
            raise
        return "never"

    return provider


def absorbs_asyncio_cancel(entered: anyio.Event) -> Callable[[], Awaitable[str]]:
    """As above, catching `asyncio.CancelledError` by name (what asyncio code writes)."""

    async def provider() -> str:
        entered.set()
        try:
            await asyncio.sleep(1000) if asyncio_running() else await anyio.sleep(1000)
        except asyncio.CancelledError:
            await anyio.sleep(1000)  # absorbed once (under trio, nothing is caught here)
            raise
        return "never"

    return provider


def swallows_and_returns(entered: anyio.Event) -> Callable[[], Awaitable[str]]:
    """A provider that catches the cancellation and returns a token all the same."""

    async def provider() -> str:
        entered.set()
        try:
            await anyio.sleep(1000)
        except anyio.get_cancelled_exc_class():
            return "late-token"  # the call must still end: its request is never sent
        return "never"

    return provider


def asyncio_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


PROVIDERS = pytest.mark.parametrize(
    "make_provider",
    [runs_a_process, absorbs_one_cancel, absorbs_asyncio_cancel, swallows_and_returns],
    ids=["run-process", "absorbs-once", "absorbs-asyncio-cancel", "swallows-and-returns"],
)


def workspace(url: str, transport: str, provider: object, total: float | None) -> Workspace:
    return Workspace(
        host=url,
        token_provider=provider,  # type: ignore[arg-type]
        transport=transport,  # type: ignore[arg-type]
        timeouts=Timeouts(read=30, total=total),
        clock=VirtualClock(auto_advance=False),
        env={},
    )


def cancelling() -> int:
    """How many cancellations of the current asyncio task are pending (0 under trio)."""
    try:
        task = asyncio.current_task()
    except RuntimeError:  # not asyncio
        return 0
    return 0 if task is None else task.cancelling()


@PROVIDERS
async def test_the_deadline_ends_a_token_fetch_that_absorbs_a_cancel(
    anyio_backend: str, transport: str, make_provider: Provider
) -> None:
    emulator = Emulator(VirtualClock())
    entered = anyio.Event()
    async with emulator.serve() as url:
        ws = workspace(url, transport, make_provider(entered), total=1)
        async with ws:
            with anyio.fail_after(BOUND), pytest.raises(RequestTimeout) as caught:
                await ws.jobs.get(1)
            assert cancelling() == 0  # the deadline's cancellation was taken back
            await anyio.lowlevel.checkpoint()  # and nothing is delivered late
    assert entered.is_set()
    assert caught.value.phase == "total"
    assert caught.value.request_sent is False
    assert emulator.requests_to("jobs/get") == []


@PROVIDERS
async def test_aclose_ends_a_token_fetch_that_absorbs_a_cancel(
    anyio_backend: str, transport: str, make_provider: Provider
) -> None:
    emulator = Emulator(VirtualClock())
    entered = anyio.Event()
    outcome: list[BaseException | None] = []
    left_cancelling: list[int] = []
    async with emulator.serve() as url:
        ws = workspace(url, transport, make_provider(entered), total=None)

        async def call() -> None:
            try:
                await ws.jobs.get(1)
            except ClientClosedError as exc:
                outcome.append(exc)
            else:
                outcome.append(None)
            left_cancelling.append(cancelling())
            await anyio.lowlevel.checkpoint()  # no cancellation left pending for the caller

        with anyio.fail_after(BOUND):
            async with anyio.create_task_group() as tg:
                tg.start_soon(call)
                await entered.wait()
                await ws.aclose()
    assert len(outcome) == 1
    assert isinstance(outcome[0], ClientClosedError)
    assert left_cancelling == [0]
    assert emulator.requests_to("jobs/get") == []


async def test_a_fetch_that_absorbs_a_cancel_still_yields_to_the_callers_own_cancel(
    anyio_backend: str, transport: str
) -> None:
    """The caller's own cancel scope ends the call as its cancellation, never as our error."""
    emulator = Emulator(VirtualClock())
    entered = anyio.Event()
    finished: list[bool] = []
    async with emulator.serve() as url:
        ws = workspace(url, transport, absorbs_one_cancel(entered), total=None)
        async with ws:
            scope = anyio.CancelScope()

            async def call() -> None:
                with scope:
                    await ws.jobs.get(1)
                    finished.append(True)

            with anyio.fail_after(BOUND):
                async with anyio.create_task_group() as tg:
                    tg.start_soon(call)
                    await entered.wait()
                    scope.cancel()
    assert scope.cancelled_caught
    assert finished == []
    assert emulator.requests_to("jobs/get") == []
