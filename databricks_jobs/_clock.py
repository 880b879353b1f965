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


class VirtualClock:
    """A clock whose time moves only when told to, for tests and the emulator.

    With ``auto_advance=True`` (the default) a `sleep` moves time forward to the sleeper's
    deadline at once, so retries, token expiry and polling run without real waiting. With
    ``auto_advance=False`` sleepers stay asleep until `advance` (or `set`) moves time past
    their deadlines, which lets a test step through a scenario.

    >>> clock = VirtualClock(start=100.0)
    >>> clock.advance(5)
    >>> clock.now()
    105.0
    """

    def __init__(self, start: float = 0.0, *, auto_advance: bool = True) -> None:
        self._now = float(start)
        self.auto_advance = auto_advance
        self._sleepers: list[tuple[float, int, anyio.Event]] = []
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
        while self._sleepers and self._sleepers[0][0] <= self._now:
            _, _, event = heapq.heappop(self._sleepers)
            event.set()

    async def sleep(self, seconds: float) -> None:
        """Sleep `seconds` of virtual time (at once when auto-advancing)."""
        deadline = self._now + max(0.0, seconds)
        if self.auto_advance:
            if deadline > self._now:
                self.set(deadline)
            await anyio.lowlevel.checkpoint()
            return
        if deadline <= self._now:
            await anyio.lowlevel.checkpoint()
            return
        event = anyio.Event()
        heapq.heappush(self._sleepers, (deadline, next(self._order), event))
        await event.wait()

    @property
    def sleepers(self) -> int:
        """How many tasks are asleep waiting for `advance`."""
        return len(self._sleepers)

    def __repr__(self) -> str:
        return f"VirtualClock(now={self._now!r}, auto_advance={self.auto_advance!r})"
