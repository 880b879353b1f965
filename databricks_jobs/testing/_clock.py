"""The clocks the emulator runs on: the library's clocks, and a scaled real-time clock."""

from __future__ import annotations

import time

import anyio

from databricks_jobs import Clock, SystemClock, VirtualClock

__all__ = ["Clock", "ScaledClock", "SystemClock", "VirtualClock"]


class ScaledClock:
    """Real time sped up by `speed`: with ``speed=60`` one real second is a minute of runs.

    Its origin is the moment it was made, so ``now()`` starts near 0.
    """

    def __init__(self, speed: float = 1.0) -> None:
        if not speed > 0:
            raise ValueError(f"speed must be positive, not {speed!r}")
        self.speed = float(speed)
        self._origin = time.monotonic()

    def now(self) -> float:
        """Return the scaled seconds since this clock was made."""
        return (time.monotonic() - self._origin) * self.speed

    async def sleep(self, seconds: float) -> None:
        """Sleep `seconds` of scaled time (``seconds / speed`` of real time)."""
        await anyio.sleep(max(0.0, seconds) / self.speed)

    def __repr__(self) -> str:
        return f"ScaledClock(speed={self.speed!r})"
