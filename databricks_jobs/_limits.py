"""Client-side rate limits and the "back off until" gate of a Workspace, with admission control.

Every request of a Workspace passes both, in `_api`: a single call from a web handler, each
poll of a wait, each item of a bulk batch. The limits are requests per second per endpoint
(a token bucket per endpoint, on the Workspace clock); the gate holds the requests of an
endpoint back until the time a 429 on that endpoint advised (every endpoint, when the 429
says the limit of the whole workspace was hit), so that the first task to be throttled
pauses the others instead of each finding out by itself, while the endpoints the service
did not throttle go on at full speed.

Admission control: a call that would wait (for its slot, or for the gate) longer than the
time it has left before its deadline fails at once with `RateBudgetExhausted`, reserving
nothing; so does one that finds `RateLimits.max_waiting` calls already waiting. The time
left is read from the caller's cancel scopes (`time_left`), which hold the Workspace's total
timeout and any deadline of the caller's own.

`Limiter` and `Gate` are what `_api` needs of the two, and a `RateBudget` is both: the
Workspace hands `_api` either a `LocalBudget` (the limiter and gate of this process) or one
bound from a `SharedBudget` (``databricks_jobs.shared.RedisBudget``: one budget for every
process with the same key), which slots in behind the same methods.

Default limits follow the published per-workspace limits of the Jobs API (20 requests per
second for create, run-now and runs/submit; 100 for runs/get) and use 30 for everything
else. Raise them (or use `RateLimits.unlimited()`) where your workspace allows more.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import math
import re
from collections.abc import Coroutine, Mapping
from typing import Any, Final, Protocol

import anyio
import anyio.lowlevel
import attrs

from ._clock import Clock
from ._errors import ConfigError, RateBudgetExhausted
from ._sending import CURRENT_CALL, report_wait

__all__ = [
    "DEFAULT_ENDPOINT_LIMITS",
    "BackoffGate",
    "BoundBudget",
    "Gate",
    "Limiter",
    "LocalBudget",
    "RateBudget",
    "RateLimiter",
    "RateLimits",
    "SharedBudget",
    "endpoint_of",
    "time_left",
]

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


def _rate(value: float | None, *, name: str = "default") -> float | None:
    if value is None:
        return None
    try:
        rate = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        rate = math.nan
    if not rate > 0:
        raise ConfigError(
            f"the rate limit {name} must be a positive number of requests per second or None, "
            f"got {value!r}"
        )
    return rate


def _rates(value: Mapping[str, float | None]) -> Mapping[str, float | None]:
    if not isinstance(value, Mapping):
        raise ConfigError(
            "per_endpoint must map endpoints (such as 'jobs/run-now') to requests per second, "
            f"got {type(value).__name__}"
        )
    return {str(key): _rate(rate, name=f"for {key!r}") for key, rate in value.items()}


def _max_waiting(instance: object, attribute: attrs.Attribute[int | None], value: object) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise ConfigError(f"max_waiting must be None or an integer of 0 or more, got {value!r}")


@attrs.frozen(kw_only=True)
class RateLimits:
    """Requests per second, per endpoint (``jobs/run-now``, ``jobs/runs/get``, ...).

    `default` applies to each endpoint not named in `per_endpoint` (None: no limit); a
    None in `per_endpoint` lifts the limit of that endpoint. Each endpoint may send a burst
    of up to one second's worth of requests at once.

    A call that would wait for its slot past its deadline fails at once with
    `RateBudgetExhausted` (admission control). `max_waiting` also bounds how many calls may
    wait for a slot of one endpoint: the next one is refused the same way (None: no bound;
    0: a call is sent at once or refused).

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
    max_waiting: int | None = attrs.field(default=None, validator=_max_waiting)

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

    @property
    def waiting(self) -> int:
        """How many callers hold a slot they wait for."""
        return self._waiting

    def next_start(self, now: float) -> float:
        """When the next free slot starts, without taking it."""
        after = self._next if self._waiting else self._sent_next
        return max(after, now - self._tolerance)

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


def time_left() -> float:
    """Seconds until the nearest deadline of the calling task's cancel scopes (inf: none).

    The nearest of the Workspace's total timeout of the call in progress (its `CallState`)
    and any deadline the caller set itself (``anyio.fail_after``, ``move_on_after``, a trio
    deadline); a deadline set with asyncio's own ``asyncio.timeout`` is not visible here.
    """
    deadline = anyio.current_effective_deadline()
    call = CURRENT_CALL.get()
    if call is not None and call.deadline < deadline:
        deadline = call.deadline
    return deadline - anyio.current_time()


async def _refuse(error: RateBudgetExhausted) -> RateBudgetExhausted:
    """`error`, unless the caller was cancelled meanwhile: its cancellation wins."""
    await anyio.lowlevel.checkpoint_if_cancelled()
    return error


class Limiter(Protocol):
    """What a call needs of a rate budget: a slot for its endpoint, now or soon, or a refusal.

    An implementation waits until `endpoint` may be called again, and raises
    `RateBudgetExhausted` at once, reserving nothing, when that wait would outlast
    `time_left()` or when too many callers already wait; a caller cancelled while waiting
    gives its slot back.
    """

    async def acquire(self, endpoint: str) -> None:
        """Wait for a slot of `endpoint` (or refuse at once; see the class)."""
        ...


class Gate(Protocol):
    """What a call needs of the back-off gate: the pauses that 429 answers asked for.

    `pause` holds back the requests of one endpoint (or of every endpoint when
    `workspace_wide`) for `seconds` from now, never shortening a pause; `wait_open` returns
    when `endpoint` is open, and raises `RateBudgetExhausted` at once when it would reopen
    only after `time_left()`.
    """

    async def wait_open(self, endpoint: str) -> None:
        """Return when `endpoint` may be called (at once, usually)."""
        ...

    async def pause(self, endpoint: str, seconds: float, *, workspace_wide: bool) -> None:
        """Hold `endpoint` (or every endpoint) back for `seconds` from now."""
        ...


class RateBudget(Limiter, Gate, Protocol):
    """A Workspace's rate budget: a `Limiter` and a `Gate` together (local or shared)."""


class BoundBudget(RateBudget, Protocol):
    """A shared budget bound to one Workspace: its connection opens with the Workspace."""

    def connect(self) -> contextlib.AbstractAsyncContextManager[None]:
        """Open the connection to the shared store for as long as the Workspace is entered."""
        ...


class SharedBudget(Protocol):
    """A rate budget shared by many processes (``databricks_jobs.shared.RedisBudget``).

    The Workspace binds it to its normalised host, its `RateLimits` and its clock; the
    budget may refuse a clock it cannot honour (a `ConfigError`).
    """

    def bind(self, *, host: str, limits: RateLimits, clock: Clock) -> BoundBudget:
        """The budget of one Workspace (see the class)."""
        ...


class LocalBudget:
    """The budget of one process: a `RateLimiter` and a `BackoffGate` on the Workspace clock."""

    def __init__(self, limits: RateLimits, clock: Clock) -> None:
        self.limiter = RateLimiter(limits, clock)
        self.gate = BackoffGate(clock)

    # The limiter's and the gate's coroutines themselves, not awaited in one of ours: a
    # coroutine less to make and run for each of the two steps of every request.

    def acquire(self, endpoint: str) -> Coroutine[Any, Any, None]:
        """See `RateLimiter.acquire`."""
        return self.limiter.acquire(endpoint)

    def wait_open(self, endpoint: str) -> Coroutine[Any, Any, None]:
        """See `BackoffGate.wait_open`."""
        return self.gate.wait_open(endpoint)

    async def pause(self, endpoint: str, seconds: float, *, workspace_wide: bool) -> None:
        """See `BackoffGate.pause`."""
        self.gate.close_for(endpoint, seconds, workspace_wide=workspace_wide)


class RateLimiter:
    """One token bucket per endpoint, created on first use, with admission control."""

    def __init__(self, limits: RateLimits, clock: Clock) -> None:
        self.limits = limits
        self._clock = clock
        self._buckets: dict[str, _Bucket | None] = {}

    async def acquire(self, endpoint: str) -> None:
        """Wait (on the clock) until `endpoint` may be called again.

        Raises `RateBudgetExhausted` at once, reserving nothing, when the slot would start
        after the caller's deadline (`time_left`) or when `RateLimits.max_waiting` callers
        already wait for this endpoint. A caller cancelled or timed out while waiting gives
        its slot back.
        """
        try:
            bucket = self._buckets[endpoint]
        except KeyError:
            rate = self.limits.for_endpoint(endpoint)
            bucket = self._buckets[endpoint] = _Bucket(rate) if rate is not None else None
        if bucket is None:
            return
        clock = self._clock
        now = clock.now()
        wait = bucket.next_start(now) - now
        if wait > _SAME_TIME:
            refusal = self._refusal(endpoint, bucket, wait)
            if refusal is not None:
                raise await _refuse(refusal)
        asked = now
        ticket = bucket.reserve(now)
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

    def _refusal(self, endpoint: str, bucket: _Bucket, wait: float) -> RateBudgetExhausted | None:
        """The error that refuses a caller who would wait `wait` seconds, or None to admit it."""
        bound = self.limits.max_waiting
        if bound is not None and bucket.waiting >= bound:
            return RateBudgetExhausted(
                f"{endpoint}: the client-side rate budget is exhausted: {bucket.waiting} "
                f"calls already wait for a slot (max_waiting={bound}); the next slot is free "
                f"in {wait:.3g} s. Nothing was sent",
                endpoint=endpoint,
                retry_after=wait,
            )
        left = time_left()
        if wait > left:
            return RateBudgetExhausted(
                f"{endpoint}: the client-side rate budget is exhausted: the next slot is "
                f"free in {wait:.3g} s, after this call's deadline ({_seconds(left)} left). "
                "Nothing was sent",
                endpoint=endpoint,
                retry_after=wait,
                time_left=max(0.0, left),
            )
        return None


def _seconds(value: float) -> str:
    return f"{max(0.0, value):.3g} s"


class BackoffGate:
    """Holds requests back until the time the last throttling answer advised, per endpoint.

    A 429 pauses the endpoint it came from; one whose message says the limit of the whole
    workspace was hit pauses every endpoint.
    """

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._until: dict[str, float] = {}
        self.everywhere_until = -math.inf
        """Until when every endpoint is held back (after a workspace-wide 429)."""
        self.closings = 0
        """How many times a pause began or was lengthened (for tests and diagnostics)."""

    def until(self, endpoint: str) -> float:
        """The clock time at which `endpoint` reopens (in the past: it is open)."""
        return max(self._until.get(endpoint, -math.inf), self.everywhere_until)

    def close_for(self, endpoint: str, seconds: float, *, workspace_wide: bool = False) -> None:
        """Hold `endpoint` (or every endpoint) back for `seconds` from now (never shortened)."""
        until = self._clock.now() + max(0.0, seconds)
        if workspace_wide:
            if until > self.everywhere_until:
                self.everywhere_until = until
                self.closings += 1
        elif until > self._until.get(endpoint, -math.inf):
            self._until[endpoint] = until
            self.closings += 1

    async def pause(self, endpoint: str, seconds: float, *, workspace_wide: bool) -> None:
        """`close_for`, as the `Gate` protocol names it (a shared gate's pause is I/O)."""
        self.close_for(endpoint, seconds, workspace_wide=workspace_wide)

    async def wait_open(self, endpoint: str) -> None:
        """Return when `endpoint` is open (at once, usually).

        Raises `RateBudgetExhausted` at once when it reopens only after the caller's
        deadline (`time_left`).
        """
        clock = self._clock
        closed_at: float | None = None
        while (wait := self.until(endpoint) - clock.now()) > 0:
            if closed_at is None:
                closed_at = clock.now()
            left = time_left()
            if wait > left:
                raise await _refuse(
                    RateBudgetExhausted(
                        f"{endpoint}: the client-side rate budget is exhausted: the service "
                        f"asked to pause this endpoint for another {wait:.3g} s (429), past "
                        f"this call's deadline ({_seconds(left)} left). Nothing was sent",
                        endpoint=endpoint,
                        retry_after=wait,
                        time_left=max(0.0, left),
                    )
                )
            await clock.sleep(wait)
        if closed_at is not None:
            report_wait("backoff_gate", clock.now() - closed_at)
