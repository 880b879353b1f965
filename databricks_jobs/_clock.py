"""Clocks: the real one, and a virtual one that tests and the emulator drive by hand.

Everything in the library that waits (retry backoff, token expiry, run polling) asks a
`Clock` for the time and sleeps through it, so a test can run hours of simulated time in
milliseconds by passing a `VirtualClock` to `Workspace(clock=...)`.
"""

from __future__ import annotations

import heapq
import itertools
import math
import time
from typing import Protocol, runtime_checkable

import anyio
import anyio.lowlevel

__all__ = ["Clock", "SystemClock", "VirtualClock"]


@runtime_checkable
class Clock(Protocol):
    """What the library needs of a clock: a monotonic time in seconds and a way to sleep."""

    def now(self) -> float:
        """Return the current time in seconds (monotonic; the origin is arbitrary)."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Suspend the calling task for `seconds` of this clock's time."""
        ...


class SystemClock:
    """The real clock: `time.monotonic` and the event loop's sleep."""

    __slots__ = ()

    def now(self) -> float:
        """Return `time.monotonic()`."""
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        """Sleep on the running event loop (asyncio or trio)."""
        await anyio.sleep(max(0.0, seconds))

    def __repr__(self) -> str:
        return "SystemClock()"


class _Sleeper:
    """One task asleep on a `VirtualClock`, ordered by deadline, then by arrival.

    `gone` marks a sleeper that stopped early (cancelled): it stays in the heap until it
    reaches the top, so thousands of cancelled sleepers cost no more than thousands of pops.
    """

    __slots__ = ("deadline", "done", "event", "gone", "order")

    def __init__(self, deadline: float, order: int) -> None:
        self.deadline = deadline
        self.order = order
        self.event = anyio.Event()
        self.done = False
        self.gone = False

    def __lt__(self, other: _Sleeper) -> bool:
        return (self.deadline, self.order) < (other.deadline, other.order)


class VirtualClock:
    """A clock whose time moves only when told to, for tests and the emulator.

    With ``auto_advance=True`` (the default) sleeping moves time forward: the sleeper with
    the earliest deadline wakes first, at its deadline, then the next, so concurrent tasks
    see time pass in the order a real clock would show, without real waiting. With
    ``auto_advance=False`` sleepers stay asleep until `advance` (or `set`) moves time past
    their deadlines, which lets a test step through a scenario.

    ```python
    from databricks_jobs import VirtualClock

    clock = VirtualClock(start=100.0)
    clock.advance(5)
    assert clock.now() == 105.0
    ```
    """

    def __init__(self, start: float = 0.0, *, auto_advance: bool = True) -> None:
        self._now = float(start)
        self.auto_advance = auto_advance
        """Whether sleeping moves time forward (see the class)."""
        self._sleepers: list[_Sleeper] = []
        self._gone = 0  # sleepers in the heap that stopped early
        self._order = itertools.count()

    def now(self) -> float:
        """Return the virtual time in seconds."""
        return self._now

    def advance(self, seconds: float) -> None:
        """Move time forward by `seconds` and wake every sleeper whose deadline has passed."""
        if seconds < 0 or math.isnan(seconds):
            raise ValueError(f"cannot move a clock backwards (advance by {seconds!r})")
        self.set(self._now + seconds)

    def set(self, when: float) -> None:
        """Move time forward to `when` (never backwards) and wake the sleepers that are due."""
        if when < self._now:
            raise ValueError(f"cannot move a clock backwards (from {self._now} to {when})")
        self._now = float(when)
        self._drop_gone()
        while self._sleepers and self._sleepers[0].deadline <= self._now:
            sleeper = heapq.heappop(self._sleepers)
            sleeper.done = True
            sleeper.event.set()
            self._drop_gone()
        self._wake_first()

    def _drop_gone(self) -> None:
        """Pop the sleepers that stopped early from the top of the heap."""
        while self._sleepers and self._sleepers[0].gone:
            heapq.heappop(self._sleepers)
            self._gone -= 1

    def _wake_first(self) -> None:
        """Let the earliest sleeper check whether its turn has come (auto-advance only)."""
        self._drop_gone()
        if self.auto_advance and self._sleepers:
            self._sleepers[0].event.set()

    async def sleep(self, seconds: float) -> None:
        """Sleep `seconds` of virtual time (without real waiting when auto-advancing)."""
        deadline = self._now + max(0.0, seconds)
        if deadline <= self._now:
            await anyio.lowlevel.checkpoint()
            return
        sleeper = _Sleeper(deadline, next(self._order))
        heapq.heappush(self._sleepers, sleeper)
        try:
            if not self.auto_advance:
                await sleeper.event.wait()
                return
            while not sleeper.done:
                # Let tasks that are ready run first: they may go to sleep for less time.
                await anyio.lowlevel.checkpoint()
                await anyio.lowlevel.checkpoint()
                if sleeper.done:
                    return
                self._drop_gone()
                if self._sleepers and self._sleepers[0] is sleeper:
                    heapq.heappop(self._sleepers)
                    sleeper.done = True
                    self._now = max(self._now, sleeper.deadline)
                    self._wake_first()
                    return
                sleeper.event = anyio.Event()
                await sleeper.event.wait()
        finally:
            if not sleeper.done and not sleeper.gone:
                sleeper.gone = True
                self._gone += 1
                self._wake_first()

    @property
    def sleepers(self) -> int:
        """How many tasks are asleep on this clock."""
        return len(self._sleepers) - self._gone

    def __repr__(self) -> str:
        return f"VirtualClock(now={self._now!r}, auto_advance={self.auto_advance!r})"
