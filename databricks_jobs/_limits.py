"""Client-side rate limits and the shared "back off until" gate of a Workspace.

Every request of a Workspace passes both, in `_api`: a single call from a web handler, each
poll of a wait, each item of a bulk batch. The limits are requests per second per endpoint
(a token bucket per endpoint, on the Workspace clock); the gate holds every request back
until the time a 429 advised, so that the first task to be throttled pauses all of them
instead of each finding out by itself.

Default limits follow the published per-workspace limits of the Jobs API (20 requests per
second for create, run-now and runs/submit; 100 for runs/get) and use 30 for everything
else. Raise them (or use `RateLimits.unlimited()`) where your workspace allows more.
"""

from __future__ import annotations

import collections
import functools
import re
from collections.abc import Mapping
from typing import Final

import anyio
import attrs

from ._clock import Clock
from ._sending import report_wait

__all__ = ["DEFAULT_ENDPOINT_LIMITS", "BackoffGate", "RateLimiter", "RateLimits", "endpoint_of"]

DEFAULT_ENDPOINT_LIMITS: Final[Mapping[str, float]] = {
    "jobs/create": 20.0,
    "jobs/run-now": 20.0,
    "jobs/runs/submit": 20.0,
    "jobs/runs/get": 100.0,
}
"""Requests per second by endpoint, where the published limits say so."""

_VERSION = re.compile(r"^/api/[0-9.]+/")
_NUMBER = re.compile(r"/[0-9]+(?=/|$)")


@functools.lru_cache(maxsize=256)
def endpoint_of(path: str) -> str:
    """The endpoint a path calls: ``/api/2.2/jobs/run-now`` -> ``jobs/run-now``.

    Numeric path segments become ``*`` (``permissions/jobs/*``).
    """
    return _NUMBER.sub("/*", _VERSION.sub("", path)).strip("/")


def _rate(value: float | None) -> float | None:
    if value is None:
        return None
    rate = float(value)
    if not rate > 0:
        raise ValueError(
            f"a rate limit must be a positive number of requests per second, got {value!r}"
        )
    return rate


def _rates(value: Mapping[str, float | None]) -> Mapping[str, float | None]:
    return {str(key): _rate(rate) for key, rate in value.items()}


@attrs.frozen(kw_only=True)
class RateLimits:
    """Requests per second, per endpoint (``jobs/run-now``, ``jobs/runs/get``, ...).

    `default` applies to each endpoint not named in `per_endpoint` (None: no limit); a
    None in `per_endpoint` lifts the limit of that endpoint. Each endpoint may send a burst
    of up to one second's worth of requests at once.

    ```python
    from databricks_jobs import RateLimits, Workspace

    limits = RateLimits(per_endpoint={"jobs/run-now": 50})  # the defaults elsewhere
    async with Workspace.from_env(rate_limits=limits) as ws:
        ...
    ```
    """

    default: float | None = attrs.field(default=30.0, converter=_rate)
    per_endpoint: Mapping[str, float | None] = attrs.field(
        factory=lambda: dict(DEFAULT_ENDPOINT_LIMITS), converter=_rates
    )

    @classmethod
    def unlimited(cls) -> RateLimits:
        """No client-side limit at all (the gate after a 429 still applies)."""
        return cls(default=None, per_endpoint={})

    def for_endpoint(self, endpoint: str) -> float | None:
        """The limit of one endpoint (requests per second; None: unlimited)."""
        return self.per_endpoint.get(endpoint, self.default)


class _Slot:
    """One place in a bucket's schedule: when it starts, and the schedule before it."""

    __slots__ = ("before", "start", "state", "ticket")

    def __init__(self, before: float, start: float, ticket: _Ticket) -> None:
        self.before = before  # the bucket's next free time before this slot was taken
        self.start = start
        self.state = _WAITING
        self.ticket: _Ticket | None = ticket


class _Ticket:
    """A caller's hold on a slot; the bucket may move it to an earlier slot while it waits."""

    __slots__ = ("scope", "slot")

    def __init__(self) -> None:
        self.slot: _Slot
        self.scope: anyio.CancelScope | None = None  # while asleep: cancelled when moved


_WAITING, _USED, _GIVEN_BACK, _GONE = range(4)
_SAME_TIME: Final = 1e-9
"""Slots this close to now start now: sums of intervals drift by a few ulps."""


class _Bucket:
    """A token bucket as a virtual schedule (GCRA): one slot per request.

    A slot is taken before its caller sleeps until its start. A caller that gives up first
    (cancelled, timed out) gives it back: at the end of the schedule, the schedule rolls
    back as if it had never been taken; in the middle, the caller with the last slot moves
    up into it. So the schedule has no holes while anyone waits, and when nobody waits it is
    the schedule of the requests actually sent: no caller waits for slots nobody used.
    """

    __slots__ = ("_interval", "_next", "_queue", "_sent_next", "_tolerance", "_waiting")

    def __init__(self, rate: float) -> None:
        self._interval = 1.0 / rate
        self._tolerance = max(0.0, rate - 1.0) * self._interval  # a second's worth of burst
        self._next = float("-inf")  # the next free slot, after every slot taken
        self._sent_next = float("-inf")  # the next free slot, after the requests sent
        self._waiting = 0  # tickets whose callers wait for their start
        self._queue: collections.deque[_Slot] = collections.deque()  # in order of start

    def reserve(self, now: float) -> _Ticket:
        """Take the next free slot."""
        self._waiting += 1
        if self._waiting == 1:  # nobody else waits: start from what was sent
            self._next = self._sent_next
            self._queue.clear()
        ticket = _Ticket()
        start = max(self._next, now - self._tolerance)
        ticket.slot = _Slot(self._next, start, ticket)
        self._next = start + self._interval
        self._queue.append(ticket.slot)
        return ticket

    def used(self, ticket: _Ticket, now: float) -> None:
        """The caller of `ticket` sends its request now."""
        slot = ticket.slot
        slot.state, slot.ticket = _USED, None
        self._waiting -= 1
        self._sent_next = max(self._sent_next, now - self._tolerance) + self._interval
        queue = self._queue
        while queue and queue[0].state is _USED:  # forget what can no longer change
            queue.popleft().state = _GONE

    def give_back(self, ticket: _Ticket) -> None:
        """The caller of `ticket` gave up before its start: free its slot for the others."""
        freed = ticket.slot
        freed.state, freed.ticket = _GIVEN_BACK, None
        self._waiting -= 1
        queue = self._queue
        last = queue[-1]
        if last is not freed and last.state is _WAITING and last.ticket is not None:
            # The last caller moves up into the freed slot (woken to sleep until then).
            mover = last.ticket
            freed.state, freed.ticket, mover.slot = _WAITING, mover, freed
            last.state, last.ticket = _GIVEN_BACK, None
            if mover.scope is not None:
                mover.scope.cancel()
        while queue and queue[-1].state is _GIVEN_BACK:  # the end of the schedule: roll back
            gone = queue.pop()
            gone.state = _GONE
            self._next = gone.before


class RateLimiter:
    """One token bucket per endpoint, created on first use."""

    def __init__(self, limits: RateLimits, clock: Clock) -> None:
        self.limits = limits
        self._clock = clock
        self._buckets: dict[str, _Bucket | None] = {}

    async def acquire(self, endpoint: str) -> None:
        """Wait (on the clock) until `endpoint` may be called again.

        A caller cancelled or timed out while waiting gives its slot back.
        """
        try:
            bucket = self._buckets[endpoint]
        except KeyError:
            rate = self.limits.for_endpoint(endpoint)
            bucket = self._buckets[endpoint] = _Bucket(rate) if rate is not None else None
        if bucket is None:
            return
        clock = self._clock
        asked = clock.now()
        ticket = bucket.reserve(asked)
        try:
            while (wait := ticket.slot.start - clock.now()) > _SAME_TIME:
                with anyio.CancelScope() as ticket.scope:  # cancelled: moved to an earlier slot
                    await clock.sleep(wait)
                ticket.scope = None
        except BaseException:
            bucket.give_back(ticket)
            raise
        now = clock.now()
        bucket.used(ticket, now)
        if now - asked > _SAME_TIME:
            report_wait("rate_limiter", now - asked)


class BackoffGate:
    """Holds every request back until the time the last throttling answer advised."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self.until = float("-inf")
        self.closings = 0

    def close_for(self, seconds: float) -> None:
        """Hold requests back for `seconds` from now (never shortens an existing pause)."""
        until = self._clock.now() + max(0.0, seconds)
        if until > self.until:
            self.until = until
            self.closings += 1

    async def wait_open(self) -> None:
        """Return when the gate is open (at once, usually)."""
        closed_at: float | None = None
        while True:
            now = self._clock.now()
            wait = self.until - now
            if wait <= 0:
                if closed_at is not None:
                    report_wait("backoff_gate", now - closed_at)
                return
            if closed_at is None:
                closed_at = now
            await self._clock.sleep(wait)
