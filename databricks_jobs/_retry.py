"""The retry policy: what is retried, how long to wait, and when to give up (on tenacity).

Always retried: request throttling (429 `RateLimited`), 503, and failures that happened
before any byte of the request left (refused connections, connect and pool timeouts,
failed token fetches). Retried only when the request is safe to repeat (reads, convergent
writes and triggers with an idempotency token: the table in `_writes`): 500, 502, 504 and
other 5xx but 501, read and write timeouts, connections dropped after sending. For an
answer with a 5xx status the status decides, never the body's error code alone. Any other
request that fails in one of those ways raises `OutcomeUnknown`, because it may have been
applied. A 429 that means "the job already has its maximum of active runs"
(`ConcurrentRunsLimit`) is not retried unless asked, and neither is a refusal of this
client's own rate limits (`RateBudgetExhausted`): sending again at once would be refused
again, and waiting for the slot is what the call's deadline ruled out.

A throttling 429 is retried until the time budget runs out, whatever the number of attempts:
the service did not apply the request, and the official SDK also retries it until its
timeout. Only the other failures count towards `RetryPolicy.attempts`.

The first attempt runs outside tenacity, in the caller (`retry_after` takes over after it
fails): a call that succeeds at once pays nothing for the retry machinery. Waits go through
the Workspace's clock, so a `VirtualClock` makes them instant in tests.
"""

from __future__ import annotations

import enum
import logging
import random
from collections.abc import Awaitable, Callable
from typing import Final, TypeVar

import attrs
import tenacity

from ._clock import Clock
from ._config import Seconds, seconds
from ._errors import (
    ApiError,
    BadGateway,
    ConcurrentRunsLimit,
    ConfigError,
    DatabricksError,
    GatewayTimeout,
    InternalError,
    OutcomeUnknown,
    RateBudgetExhausted,
    RateLimited,
    ServiceUnavailable,
    TransportError,
)
from ._sending import status_may_have_applied

__all__ = ["Decision", "RetryPolicy", "decide", "retry_after", "throttled"]

logger = logging.getLogger("databricks_jobs.retry")
T = TypeVar("T")

_AMBIGUOUS: Final = (InternalError, BadGateway, GatewayTimeout)
"""Error classes of the statuses after which a request may or may not have been applied."""


def _attempts(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ConfigError(f"attempts must be an integer of 1 or more, got {value!r}")


# Named converters, so that an error names its field and type checkers see `Seconds`.


def _budget(value: Seconds) -> float:
    return seconds(value, name="budget")


def _initial_backoff(value: Seconds) -> float:
    return seconds(value, name="initial_backoff")


def _max_backoff(value: Seconds) -> float:
    return seconds(value, name="max_backoff")


def _jitter(value: Seconds) -> float:
    return seconds(value, name="jitter")


def _max_retry_after(value: Seconds) -> float:
    return seconds(value, name="max_retry_after")


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """How requests are retried. Times are seconds (numbers or `timedelta`).

    Gives up after `attempts` attempts or when the next wait would end past `budget`
    seconds since the first attempt, whichever comes first. Throttling answers (429
    `RateLimited`: the request was not applied) do not count towards `attempts`: they are
    retried, after the advised wait (at least `initial_backoff`, so that a server advising
    0 s is not called in a tight loop), until the budget runs out. ``attempts=1`` (`never`)
    turns every retry off, throttling included. Waits grow exponentially from
    `initial_backoff` to `max_backoff` with up to `jitter` seconds of random jitter; an
    advised ``Retry-After`` is honoured up to `max_retry_after`.
    """

    attempts: int = attrs.field(default=6, validator=_attempts)
    budget: float = attrs.field(default=120.0, converter=_budget)
    initial_backoff: float = attrs.field(default=0.5, converter=_initial_backoff)
    max_backoff: float = attrs.field(default=30.0, converter=_max_backoff)
    jitter: float = attrs.field(default=1.0, converter=_jitter)
    max_retry_after: float = attrs.field(default=60.0, converter=_max_retry_after)
    retry_concurrent_runs_limit: bool = False

    @classmethod
    def never(cls) -> RetryPolicy:
        """A policy that makes exactly one attempt."""
        return cls(attempts=1)

    def with_budget(self, budget: Seconds) -> RetryPolicy:
        """Return a copy with another time budget."""
        return attrs.evolve(self, budget=budget)


class Decision(enum.Enum):
    """What to do after a failed attempt."""

    RETRY = "retry"
    FAIL = "fail"
    OUTCOME_UNKNOWN = "outcome unknown"


def decide(error: BaseException, *, safe: bool, policy: RetryPolicy) -> Decision:
    """Decide whether a failed attempt is retried. Pure.

    `safe` says whether the request may be repeated without risk of applying it twice. For
    an answer with a 5xx status the status decides, never the body's error code alone: a
    502 whose body says ``TEMPORARILY_UNAVAILABLE`` may still have been applied.
    """
    if not isinstance(error, DatabricksError):
        return Decision.FAIL
    if isinstance(error, RateBudgetExhausted):
        # Refused by our own limits before sending: at once it would be refused again.
        return Decision.FAIL
    if isinstance(error, ApiError) and 500 <= error.status < 600:
        if error.status == 503:
            return Decision.RETRY
        if not status_may_have_applied(error.status):  # 501: not implemented, not applied
            return Decision.FAIL
        return _ambiguous(error, safe)
    if isinstance(error, ConcurrentRunsLimit):
        return Decision.RETRY if policy.retry_concurrent_runs_limit else Decision.FAIL
    if isinstance(error, RateLimited | ServiceUnavailable):
        return Decision.RETRY
    if isinstance(error, TransportError):
        return _ambiguous(error, safe)
    if isinstance(error, _AMBIGUOUS):
        # The class of a 5xx, on an answer whose status says it was not applied (a 400 whose
        # body says INTERNAL_ERROR): transient by its code, and safe to send again.
        return Decision.RETRY
    return Decision.FAIL


def _ambiguous(error: DatabricksError, safe: bool) -> Decision:
    """A failure that may have been applied: retried when safe or when it never left."""
    if safe or not error.request_sent:
        return Decision.RETRY
    return Decision.OUTCOME_UNKNOWN


async def retry_after(
    failed: DatabricksError,
    attempt: Callable[[], Awaitable[T]],
    *,
    policy: RetryPolicy,
    safe: bool,
    clock: Clock,
    method: str,
    path: str,
) -> T:
    """After the first attempt failed with `failed`: run `attempt` again while the policy allows.

    Returns what a later attempt returns, or raises the last typed error (`OutcomeUnknown`
    when that may have been applied and the request is not safe to repeat). The caller
    runs the first attempt itself, so a call that succeeds at once passes through no retry
    machinery (not even a frame of it).
    """
    decision = decide(failed, safe=safe, policy=policy)
    if decision is Decision.OUTCOME_UNKNOWN:
        raise OutcomeUnknown(method, path, failed) from failed
    if decision is Decision.FAIL or policy.attempts == 1:
        raise failed
    pending: DatabricksError | None = failed
    counted = _CountedAttempts()

    async def again() -> T:
        # The first failure is replayed to tenacity so it waits before the second attempt.
        nonlocal pending
        if pending is not None:
            error, pending = pending, None
            counted.saw(error)
            raise error
        try:
            return await attempt()
        except DatabricksError as error:
            counted.saw(error)
            raise

    started = clock.now()
    retrying = tenacity.AsyncRetrying(
        sleep=clock.sleep,
        stop=_StopAfterAttempts(counted, policy.attempts) | _StopAtBudget(clock, started, policy),
        wait=_Wait(policy),
        retry=tenacity.retry_if_exception(
            lambda e: decide(e, safe=safe, policy=policy) is Decision.RETRY
        ),
        before_sleep=_log_retry(method, path),
        reraise=True,
    )
    try:
        async for attempt_state in retrying:
            with attempt_state:
                return await again()
    except DatabricksError as exc:
        # The error counts the attempts itself: it read them from the call when made.
        if decide(exc, safe=safe, policy=policy) is Decision.OUTCOME_UNKNOWN:
            raise OutcomeUnknown(method, path, exc) from exc
        raise
    raise AssertionError("unreachable: tenacity ends by returning or raising")  # pragma: no cover


def throttled(error: BaseException) -> bool:
    """Whether `error` is a throttling 429: refused before it was applied, retried freely."""
    return isinstance(error, RateLimited) and error.status == 429


class _CountedAttempts:
    """How many failed attempts count towards the policy's `attempts` (not the throttled)."""

    __slots__ = ("failed",)

    def __init__(self) -> None:
        self.failed = 0

    def saw(self, error: BaseException) -> None:
        if not throttled(error):
            self.failed += 1


class _StopAfterAttempts(tenacity.stop.stop_base):
    """Stop after `attempts` attempts that were not throttled (a 429 is retried freely)."""

    def __init__(self, counted: _CountedAttempts, attempts: int) -> None:
        self._counted, self._attempts = counted, attempts

    def __call__(self, retry_state: tenacity.RetryCallState) -> bool:
        return self._counted.failed >= self._attempts


class _StopAtBudget(tenacity.stop.stop_base):
    """Stop when the next wait would end past the time budget (on the Workspace clock)."""

    def __init__(self, clock: Clock, started: float, policy: RetryPolicy) -> None:
        self._clock, self._started, self._budget = clock, started, policy.budget

    def __call__(self, retry_state: tenacity.RetryCallState) -> bool:
        upcoming = retry_state.upcoming_sleep or 0.0
        return self._clock.now() - self._started + upcoming > self._budget


class _Wait(tenacity.wait.wait_base):
    """``Retry-After`` when the service advised one (capped), else exponential with jitter."""

    def __init__(self, policy: RetryPolicy) -> None:
        self._policy = policy

    def __call__(self, retry_state: tenacity.RetryCallState) -> float:
        error = retry_state.outcome.exception() if retry_state.outcome else None
        advised = getattr(error, "retry_after", None)
        if isinstance(advised, int | float):
            # A "Retry-After: 0" (or a date already past) must not retry back to back: a
            # throttled 429 is retried until the budget, and a 503 would spend its attempts
            # at once on a service that asked for a pause.
            wait = max(float(advised), self._policy.initial_backoff)
            return min(wait, self._policy.max_retry_after)
        policy = self._policy
        exponent = min(retry_state.attempt_number - 1, 60)
        backoff = min(policy.max_backoff, policy.initial_backoff * 2.0**exponent)
        return backoff + random.uniform(0.0, policy.jitter)


def _log_retry(method: str, path: str) -> Callable[[tenacity.RetryCallState], None]:
    def log(retry_state: tenacity.RetryCallState) -> None:
        error = retry_state.outcome.exception() if retry_state.outcome else None
        logger.debug(
            "%s %s: attempt %d failed (%s); retrying in %.2f s",
            method,
            path,
            retry_state.attempt_number,
            type(error).__name__,
            retry_state.upcoming_sleep,
        )

    return log
