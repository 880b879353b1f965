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

import functools
import re
from collections.abc import Mapping
from typing import Final

import attrs

from ._clock import Clock

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


class _Bucket:
    """A token bucket as a virtual schedule (GCRA): one reservation per request."""

    __slots__ = ("_interval", "_next", "_tolerance")

    def __init__(self, rate: float) -> None:
        self._interval = 1.0 / rate
        self._tolerance = max(0.0, rate - 1.0) * self._interval  # a second's worth of burst
        self._next = float("-inf")

    def reserve(self, now: float) -> float:
        """Take the next slot; return how long to wait before using it."""
        start = max(self._next, now - self._tolerance)
        self._next = start + self._interval
        return max(0.0, start - now)


class RateLimiter:
    """One token bucket per endpoint, created on first use."""

    def __init__(self, limits: RateLimits, clock: Clock) -> None:
        self.limits = limits
        self._clock = clock
        self._buckets: dict[str, _Bucket | None] = {}

    async def acquire(self, endpoint: str) -> None:
        """Wait (on the clock) until `endpoint` may be called again."""
        try:
            bucket = self._buckets[endpoint]
        except KeyError:
            rate = self.limits.for_endpoint(endpoint)
            bucket = self._buckets[endpoint] = _Bucket(rate) if rate is not None else None
        if bucket is None:
            return
        wait = bucket.reserve(self._clock.now())
        if wait > 0:
            await self._clock.sleep(wait)


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
        while True:
            wait = self.until - self._clock.now()
            if wait <= 0:
                return
            await self._clock.sleep(wait)
