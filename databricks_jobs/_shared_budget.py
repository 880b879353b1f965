"""A rate budget bound to one Workspace and kept in Redis, with a local fallback.

`RedisBoundBudget` implements the `RateBudget` of `_limits` with the scripts of
`_redis_scripts`: every process whose budget has the same key and host takes its slots from
the same per-endpoint buckets and honours the same back-off gates, on Redis server time.

When Redis is slow or down, a call waits at most `timeout` for it, then takes its slot from
a local `RateLimiter` at `fallback_fraction` of the limits, and a circuit breaker keeps the
calls after it on that fallback for `retry_interval` seconds without paying the wait again;
then one call tries Redis again, and the budget is shared again as soon as Redis answers. A
warning is logged once per outage. Pauses asked by 429s are also kept locally, so they hold
on the fallback too. No Redis failure is raised to the caller: the request it would have
sent is sent once, on the local budget.
"""

from __future__ import annotations

import contextlib
import logging
import math
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any, Final, Protocol

import anyio

from ._clock import Clock
from ._errors import ConfigError, RateBudgetExhausted
from ._limits import BackoffGate, RateLimiter, RateLimits, time_left
from ._redis_scripts import ACQUIRE, GIVE_BACK, PAUSE
from ._sending import report_wait

__all__ = ["RedisBoundBudget", "RedisSettings"]

logger = logging.getLogger("databricks_jobs.shared")

_MICRO: Final = 1_000_000
_GRANTED, _GATE_CLOSED, _TOO_MANY, _PAST_DEADLINE = range(4)
_KINDS: Final = frozenset(range(4))
_WARM_UP: Final = 2.0
"""Seconds a Workspace being entered waits for Redis to load the scripts, at most."""
_EVERYWHERE: Final = "*"
"""The gate key of the whole workspace (no endpoint is named ``*``)."""


class RedisSettings(Protocol):
    """What the bound budget reads of its `databricks_jobs.shared.RedisBudget`."""

    @property
    def key(self) -> str: ...
    @property
    def timeout(self) -> float: ...
    @property
    def fallback_fraction(self) -> float: ...
    @property
    def retry_interval(self) -> float: ...

    def _client(self) -> Any: ...
    def _hide(self, text: str) -> str: ...
    def _where(self) -> str: ...


class _Script(Protocol):
    async def __call__(self, *, keys: Sequence[str], args: Sequence[int]) -> Any: ...


def _as_list(reply: Any) -> list[Any]:
    """Any answer, as a list (GIVE_BACK and PAUSE answer a number that nothing reads)."""
    return list(reply) if isinstance(reply, list | tuple) else [reply]


def _acquire_answer(reply: Any) -> tuple[int, int, int, int, int] | None:
    """The five integers of an ACQUIRE answer, or None for anything else.

    A proxy, another server speaking RESP, or a script of another release could answer
    anything; unpacked unchecked, a wrong shape raised `ValueError` in every call, and a
    closed gate with no time left to wait made callers ask again at once, without end.
    """
    if (
        isinstance(reply, list | tuple)
        and len(reply) == 5
        and all(type(value) is int for value in reply)
        and reply[0] in _KINDS
        and (reply[0] == _GRANTED or reply[1] > 0)  # only a slot may be due already
    ):
        kind, wait_us, start, before, waiting = reply
        return kind, wait_us, start, before, waiting
    return None


class _Breaker:
    """Whether to ask Redis, after a failure: not until `retry_interval` has passed."""

    def __init__(self, retry_interval: float, clock: Clock) -> None:
        self._interval = retry_interval
        self._clock = clock
        self._closed_until = -math.inf
        self.down = False
        """Whether the last answer (or its absence) said Redis is unusable."""

    def allows(self) -> bool:
        """Whether this call may ask Redis (one call at a time while Redis is down)."""
        now = self._clock.now()
        if now < self._closed_until:
            return False
        if self.down:  # this call probes; the others keep to the fallback meanwhile
            self._closed_until = now + self._interval
        return True

    def failed(self) -> bool:
        """Record a failure; True when it starts an outage (the warning is due)."""
        self._closed_until = self._clock.now() + self._interval
        started, self.down = not self.down, True
        return started

    def answered(self) -> bool:
        """Record an answer; True when it ends an outage."""
        ended, self.down = self.down, False
        self._closed_until = -math.inf
        return ended


def _scaled(limits: RateLimits, fraction: float) -> RateLimits:
    """`limits` with every rate multiplied by `fraction` (None stays unlimited)."""

    def scale(rate: float | None) -> float | None:
        return None if rate is None else rate * fraction

    return RateLimits(
        default=scale(limits.default),
        per_endpoint={name: scale(rate) for name, rate in limits.per_endpoint.items()},
        max_waiting=limits.max_waiting,
    )


def _micro(seconds: float) -> int:
    return max(0, round(seconds * _MICRO))


class RedisBoundBudget:
    """The budget of one Workspace, in Redis (see the module). Made by `RedisBudget.bind`."""

    def __init__(
        self, settings: RedisSettings, *, host: str, limits: RateLimits, clock: Clock
    ) -> None:
        self._settings = settings
        self._limits = limits
        self._clock = clock
        # A hash tag ({...}): every key of this budget lives in one Redis Cluster slot, as
        # the scripts touching several of them need.
        self._prefix = f"brickjobs:{{{settings.key}|{host}}}:"
        self._timeout = settings.timeout
        self._gate = BackoffGate(clock)
        self._fallback = RateLimiter(_scaled(limits, settings.fallback_fraction), clock)
        self._breaker = _Breaker(settings.retry_interval, clock)
        self._scripts: dict[str, _Script] | None = None
        self.fallbacks = 0
        """How many slots were taken from the local fallback (for tests and diagnostics)."""

    @property
    def prefix(self) -> str:
        """The prefix of every Redis key of this budget (its key and normalised host)."""
        return self._prefix

    @property
    def shared(self) -> bool:
        """Whether the last call that asked Redis got an answer."""
        return self._scripts is not None and not self._breaker.down

    @contextlib.asynccontextmanager
    async def connect(self) -> AsyncIterator[None]:
        """Open the Redis client for the block, and load the scripts if Redis answers.

        Loading them here (within `_WARM_UP` seconds) spares the first calls the connection
        and the script upload; a Redis that does not answer now only starts the fallback.
        """
        client = self._settings._client()
        async with client:
            self._scripts = {
                "acquire": client.register_script(ACQUIRE),
                "give_back": client.register_script(GIVE_BACK),
                "pause": client.register_script(PAUSE),
            }
            try:
                with anyio.move_on_after(max(_WARM_UP, self._timeout)):
                    try:
                        for script in (ACQUIRE, GIVE_BACK, PAUSE):
                            await client.script_load(script)
                    except Exception as error:  # the calls will use the fallback
                        if self._breaker.failed():
                            self._warn(error)
                yield
            finally:
                self._scripts = None

    async def wait_open(self, endpoint: str) -> None:
        """Wait for the pauses this process knows of; the shared ones are seen in `acquire`."""
        await self._gate.wait_open(endpoint)

    async def pause(self, endpoint: str, seconds: float, *, workspace_wide: bool) -> None:
        """Hold `endpoint` (or every endpoint) back here and in every process of the budget."""
        self._gate.close_for(endpoint, seconds, workspace_wide=workspace_wide)
        gate = self._key("gate", _EVERYWHERE if workspace_wide else endpoint)
        await self._ask("pause", [gate], [_micro(seconds)])

    async def acquire(self, endpoint: str) -> None:
        """Wait for a slot of `endpoint` in the shared bucket (or refuse at once).

        Admission control as in `RateLimiter.acquire`, counting the callers of every
        process; the shared gate is checked in the same step. A caller cancelled while it
        waits gives its slot back.
        """
        rate = self._limits.for_endpoint(endpoint)
        interval = _micro(1.0 / rate) if rate is not None else 0
        tolerance = _micro(max(0.0, rate - 1.0) / rate) if rate is not None else 0
        bound = self._limits.max_waiting
        keys = [
            self._key("tat", endpoint),
            self._key("holes", endpoint),
            self._key("gate", endpoint),
            self._key("gate", _EVERYWHERE),
        ]
        while True:
            left = time_left()
            deadline = -1 if math.isinf(left) else _micro(max(0.0, left))
            args = [interval, tolerance, deadline, -1 if bound is None else bound]
            reply = await self._ask("acquire", keys, args, read=_acquire_answer)
            if reply is None:  # Redis did not answer, or not as ACQUIRE does: the fallback
                self.fallbacks += 1
                await self._fallback.acquire(endpoint)
                return
            kind, wait_us, start, before, waiting = reply
            wait = wait_us / _MICRO
            if kind == _GATE_CLOSED:
                # Another process (or this one) was told to pause this endpoint.
                self._gate.close_for(endpoint, wait)
                await self._gate.wait_open(endpoint)  # refuses past the deadline
                continue
            if kind == _TOO_MANY:
                raise await _refused(
                    RateBudgetExhausted(
                        f"{endpoint}: the shared rate budget is exhausted: {waiting} calls "
                        f"already wait for a slot (max_waiting={bound}); the next slot is "
                        f"free in {wait:.3g} s. Nothing was sent",
                        endpoint=endpoint,
                        retry_after=wait,
                    )
                )
            if kind == _PAST_DEADLINE:
                raise await _refused(
                    RateBudgetExhausted(
                        f"{endpoint}: the shared rate budget is exhausted: the next slot is "
                        f"free in {wait:.3g} s, after this call's deadline "
                        f"({max(0.0, left):.3g} s left). Nothing was sent",
                        endpoint=endpoint,
                        retry_after=wait,
                        time_left=max(0.0, left),
                    )
                )
            if wait_us > 0:
                try:
                    await self._clock.sleep(wait)
                except BaseException:
                    await self._give_back(keys[:2], start, before, interval)
                    raise
                report_wait("rate_limiter", wait)  # to the call's telemetry (_telemetry)
            return

    async def _give_back(self, keys: list[str], start: int, before: int, interval: int) -> None:
        """Give a slot back, even from a cancelled caller (shielded, bounded)."""
        with anyio.CancelScope(shield=True):
            await self._ask("give_back", keys, [start, before, interval])

    async def _ask(
        self,
        script: str,
        keys: list[str],
        args: list[int],
        *,
        read: Callable[[Any], Any] = _as_list,
    ) -> Any:
        """Run a script within the timeout; its answer as `read` reads it, or None.

        None when Redis cannot be used now: it failed, did not answer within the timeout, or
        answered what `read` refuses (another server speaking RESP, a proxy), each a failure
        for the breaker.
        """
        scripts = self._scripts
        if scripts is None:
            raise ConfigError(
                "a Workspace with a shared rate budget connects to Redis when it is entered: "
                "use it as `async with Workspace(...) as ws:` (for a web app, in its lifespan)"
            )
        if not self._breaker.allows():
            return None
        try:
            with anyio.fail_after(self._timeout):
                reply = await scripts[script](keys=keys, args=args)
        except Exception as error:  # any failure of Redis: the fallback takes over
            if self._breaker.failed():
                self._warn(error)
            return None
        answer = read(reply)
        if answer is None:
            if self._breaker.failed():
                self._warn(None)
            return None
        if self._breaker.answered():
            logger.warning("the shared rate budget at %s answers again", self._settings._where())
        return answer

    def _warn(self, error: BaseException | None) -> None:
        """Log that calls fall back: Redis failed with `error`, or (None) answered nonsense."""
        if error is None:
            what = "answered what its scripts do not write"
        else:
            reason = type(error).__name__
            detail = self._settings._hide(str(error))
            if detail:
                reason = f"{reason}: {detail}"
            if isinstance(error, TimeoutError):
                what = f"did not answer within {self._timeout:g} s ({reason})"
            else:
                what = f"failed ({reason})"
        logger.warning(
            "the shared rate budget at %s %s: calls take %g of the local rate limits until "
            "it answers again (tried every %g s)",
            self._settings._where(),
            what,
            self._settings.fallback_fraction,
            self._settings.retry_interval,
        )

    def _key(self, kind: str, endpoint: str) -> str:
        return f"{self._prefix}{kind}:{endpoint}"


async def _refused(error: RateBudgetExhausted) -> RateBudgetExhausted:
    """`error`, unless the caller was cancelled meanwhile: its cancellation wins."""
    await anyio.lowlevel.checkpoint_if_cancelled()
    return error
