"""VirtualClock: ordered wake-ups when auto-advancing, stepping by hand otherwise."""

from __future__ import annotations

import anyio
import anyio.lowlevel
import pytest

from databricks_jobs import SystemClock, VirtualClock

pytestmark = pytest.mark.anyio


async def test_sleepers_wake_in_deadline_order_at_their_deadlines(anyio_backend: str) -> None:
    clock = VirtualClock(start=100)
    woke: list[tuple[str, float]] = []

    async def nap(name: str, seconds: float) -> None:
        await clock.sleep(seconds)
        woke.append((name, clock.now()))

    async with anyio.create_task_group() as tg:
        for name, seconds in (("c", 3), ("a", 1), ("b", 2), ("a2", 1)):
            tg.start_soon(nap, name, seconds)
    # Equal deadlines wake in arrival order, which trio leaves open: compare as a set there.
    assert [when for _, when in woke] == [101, 101, 102, 103]
    assert {name for name, _ in woke[:2]} == {"a", "a2"}
    assert [name for name, _ in woke[2:]] == ["b", "c"]
    assert clock.sleepers == 0


async def test_a_task_that_sleeps_again_keeps_its_place(anyio_backend: str) -> None:
    clock = VirtualClock()
    ticks: list[float] = []

    async def ticker() -> None:
        for _ in range(3):
            await clock.sleep(1)
            ticks.append(clock.now())

    async def long_nap() -> None:
        await clock.sleep(10)
        ticks.append(clock.now())

    async with anyio.create_task_group() as tg:
        tg.start_soon(long_nap)
        tg.start_soon(ticker)
    assert ticks == [1, 2, 3, 10]


async def test_cancelled_sleeper_leaves_the_others_running(anyio_backend: str) -> None:
    clock = VirtualClock()
    woke: list[float] = []

    async def nap(seconds: float) -> None:
        await clock.sleep(seconds)
        woke.append(clock.now())

    async with anyio.create_task_group() as tg:
        with anyio.CancelScope() as scope:
            scope.cancel()
            await clock.sleep(1)  # cancelled before it could wake
        tg.start_soon(nap, 5)
    assert woke == [5]
    assert clock.sleepers == 0


async def test_manual_clock_waits_for_advance(anyio_backend: str) -> None:
    clock = VirtualClock(auto_advance=False)
    woke: list[float] = []

    async def nap() -> None:
        await clock.sleep(30)
        woke.append(clock.now())

    async with anyio.create_task_group() as tg:
        tg.start_soon(nap)
        with anyio.fail_after(5):
            while clock.sleepers == 0:
                await anyio.lowlevel.checkpoint()
        clock.advance(29)
        await anyio.sleep(0.01)
        assert woke == []
        clock.advance(1)
    assert woke == [30]


def test_time_never_goes_backwards() -> None:
    clock = VirtualClock(start=5)
    with pytest.raises(ValueError, match="backwards"):
        clock.advance(-1)
    with pytest.raises(ValueError, match="backwards"):
        clock.set(4)
    assert repr(clock) == "VirtualClock(now=5.0, auto_advance=True)"
    assert SystemClock().now() > 0
