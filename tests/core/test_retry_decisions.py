"""The pure retry decision for every kind of failure, safe and unsafe, and RetryPolicy checks."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

import pytest

from databricks_jobs import PoolLimits, Timeouts
from databricks_jobs._errors import (
    AlreadyExists,
    ApiError,
    BadGateway,
    BadRequest,
    ClientClosedError,
    ConcurrentRunsLimit,
    ConfigError,
    Conflict,
    ConnectionFailed,
    DatabricksError,
    DecodeError,
    GatewayTimeout,
    InternalError,
    InvalidParameterValue,
    InvalidState,
    NotFound,
    OutcomeUnknown,
    PermissionDenied,
    RateLimited,
    RequestTimeout,
    ServiceUnavailable,
    SpecError,
    Unauthenticated,
    Unimplemented,
    WaitTimeout,
    error_from_response,
)
from databricks_jobs._retry import Decision, RetryPolicy, decide

RETRY, FAIL, UNKNOWN = Decision.RETRY, Decision.FAIL, Decision.OUTCOME_UNKNOWN
DEFAULT = RetryPolicy()


def api(cls: type[ApiError], status: int, code: str | None = None) -> Callable[[], ApiError]:
    def make() -> ApiError:
        return cls("failed", status=status, error_code=code, method="POST", path="/api/2.2/x")

    return make


def unsent(make: Callable[[], DatabricksError]) -> Callable[[], DatabricksError]:
    """The same error, marked as raised before the request left (a failed token fetch)."""

    def make_unsent() -> DatabricksError:
        error = make()
        error.request_sent = False
        return error

    return make_unsent


def recorded(
    status: int, body: bytes, path: str = "/api/2.2/jobs/run-now"
) -> Callable[[], ApiError]:
    return lambda: error_from_response("POST", path, status, {}, body)


def _body(code: str) -> bytes:
    return b'{"error_code": "%s", "message": "try again"}' % code.encode()


# Each row: name, error factory, decision when safe, decision when unsafe.
TABLE: list[tuple[str, Callable[[], BaseException], Decision, Decision]] = [
    # always retried
    ("rate-limited", api(RateLimited, 429, "REQUEST_LIMIT_EXCEEDED"), RETRY, RETRY),
    (
        "rate-limited-recorded",
        recorded(429, b'{"error_code":"REQUEST_LIMIT_EXCEEDED","message":"Too many requests"}'),
        RETRY,
        RETRY,
    ),
    ("service-unavailable", api(ServiceUnavailable, 503), RETRY, RETRY),
    ("service-unavailable-recorded", recorded(503, b""), RETRY, RETRY),
    (
        "connection-failed-before-sending",
        lambda: ConnectionFailed("refused", request_sent=False),
        RETRY,
        RETRY,
    ),
    (
        "connect-timeout-before-sending",
        lambda: RequestTimeout("connect timed out", phase="connect", request_sent=False),
        RETRY,
        RETRY,
    ),
    (
        "pool-timeout-before-sending",
        lambda: RequestTimeout("no free connection", phase="pool", request_sent=False),
        RETRY,
        RETRY,
    ),
    # a failed token fetch: the caller's request never left
    ("token-fetch-500", unsent(api(InternalError, 500)), RETRY, RETRY),
    (
        "token-fetch-500-recorded",
        unsent(recorded(500, b"", path="/oidc/v1/token")),
        RETRY,
        RETRY,
    ),
    ("token-fetch-502", unsent(api(BadGateway, 502)), RETRY, RETRY),
    ("token-fetch-504", unsent(api(GatewayTimeout, 504)), RETRY, RETRY),
    # retried only when safe
    ("internal-error", api(InternalError, 500), RETRY, UNKNOWN),
    ("internal-error-recorded", recorded(500, b"Internal Server Error"), RETRY, UNKNOWN),
    ("bad-gateway", api(BadGateway, 502), RETRY, UNKNOWN),
    ("bad-gateway-recorded", recorded(502, b"<html><title>502</title></html>"), RETRY, UNKNOWN),
    ("gateway-timeout", api(GatewayTimeout, 504), RETRY, UNKNOWN),
    # for a 5xx the status decides, never the body's error code alone
    *[
        (f"{status}-saying-{code}", recorded(status, _body(code)), RETRY, UNKNOWN)
        for status in (500, 502, 504)
        for code in ("TEMPORARILY_UNAVAILABLE", "RESOURCE_EXHAUSTED", "REQUEST_LIMIT_EXCEEDED")
    ],
    ("a-proxy-520", recorded(520, b"Web server is returning an unknown error"), RETRY, UNKNOWN),
    ("503-saying-INTERNAL_ERROR", recorded(503, _body("INTERNAL_ERROR")), RETRY, RETRY),
    (
        "501-saying-TEMPORARILY_UNAVAILABLE",
        recorded(501, _body("TEMPORARILY_UNAVAILABLE")),
        FAIL,
        FAIL,
    ),
    # the class of a 5xx on a 4xx answer: not applied, and transient by its code
    ("400-saying-INTERNAL_ERROR", recorded(400, _body("INTERNAL_ERROR")), RETRY, RETRY),
    (
        "connection-dropped-after-sending",
        lambda: ConnectionFailed("reset by peer", request_sent=True),
        RETRY,
        UNKNOWN,
    ),
    (
        "read-timeout-after-sending",
        lambda: RequestTimeout("read timed out", phase="read", request_sent=True),
        RETRY,
        UNKNOWN,
    ),
    (
        "write-timeout-after-sending",
        lambda: RequestTimeout("write timed out", phase="write", request_sent=True),
        RETRY,
        UNKNOWN,
    ),
    # concurrent runs limit: not retried by default
    (
        "concurrent-runs-limit",
        api(ConcurrentRunsLimit, 429, "REQUEST_LIMIT_EXCEEDED"),
        FAIL,
        FAIL,
    ),
    (
        "concurrent-runs-limit-recorded",
        recorded(
            429,
            b'{"error_code":"REQUEST_LIMIT_EXCEEDED",'
            b'"message":"There are already 5 active runs (limit: 5)"}',
        ),
        FAIL,
        FAIL,
    ),
    # never retried
    ("bad-request", api(BadRequest, 400), FAIL, FAIL),
    ("invalid-parameter-value", api(InvalidParameterValue, 400), FAIL, FAIL),
    ("invalid-state", api(InvalidState, 400), FAIL, FAIL),
    ("not-found", api(NotFound, 404), FAIL, FAIL),
    (
        "not-found-recorded-jobs-get",
        recorded(
            400,
            b'{"error_code":"INVALID_PARAMETER_VALUE","message":"Job 1 does not exist."}',
            path="/api/2.2/jobs/get",
        ),
        FAIL,
        FAIL,
    ),
    ("unauthenticated", api(Unauthenticated, 401), FAIL, FAIL),
    ("permission-denied", api(PermissionDenied, 403), FAIL, FAIL),
    ("conflict", api(Conflict, 409), FAIL, FAIL),
    ("already-exists", api(AlreadyExists, 409), FAIL, FAIL),
    ("unimplemented", api(Unimplemented, 501), FAIL, FAIL),
    ("unknown-api-error", api(ApiError, 418), FAIL, FAIL),
    ("decode-error", lambda: DecodeError("expected a list", path="jobs"), FAIL, FAIL),
    ("config-error", lambda: ConfigError("no host"), FAIL, FAIL),
    ("client-closed", lambda: ClientClosedError("closed"), FAIL, FAIL),
    ("spec-error", lambda: SpecError("bad", field="tasks"), FAIL, FAIL),
    ("wait-timeout", lambda: WaitTimeout("too long"), FAIL, FAIL),
    (
        "outcome-unknown",
        lambda: OutcomeUnknown("POST", "/x", ConnectionFailed("reset", request_sent=True)),
        FAIL,
        FAIL,
    ),
    # not ours
    ("value-error", lambda: ValueError("not ours"), FAIL, FAIL),
    ("builtin-timeout", lambda: TimeoutError("not ours"), FAIL, FAIL),
    ("os-error", lambda: ConnectionResetError("not ours"), FAIL, FAIL),
    ("keyboard-interrupt", lambda: KeyboardInterrupt(), FAIL, FAIL),
]


@pytest.mark.parametrize(
    ("make", "safe", "expected"),
    [
        pytest.param(make, safe, expected, id=f"{name}-{'safe' if safe else 'unsafe'}")
        for name, make, when_safe, when_unsafe in TABLE
        for safe, expected in ((True, when_safe), (False, when_unsafe))
    ],
)
def test_decide(make: Callable[[], BaseException], safe: bool, expected: Decision) -> None:
    assert decide(make(), safe=safe, policy=DEFAULT) is expected


@pytest.mark.parametrize("safe", [True, False])
def test_concurrent_runs_limit_retried_when_asked(safe: bool) -> None:
    policy = RetryPolicy(retry_concurrent_runs_limit=True)
    error = api(ConcurrentRunsLimit, 429, "REQUEST_LIMIT_EXCEEDED")()
    assert decide(error, safe=safe, policy=policy) is RETRY


@pytest.mark.parametrize("safe", [True, False])
def test_asking_for_concurrent_runs_retries_changes_nothing_else(safe: bool) -> None:
    policy = RetryPolicy(retry_concurrent_runs_limit=True)
    assert decide(api(NotFound, 404)(), safe=safe, policy=policy) is FAIL
    assert decide(api(RateLimited, 429)(), safe=safe, policy=policy) is RETRY
    expected = RETRY if safe else UNKNOWN
    assert decide(api(InternalError, 500)(), safe=safe, policy=policy) is expected


@pytest.mark.parametrize("safe", [True, False])
def test_unsent_client_errors_still_fail(safe: bool) -> None:
    # Not having sent the request makes repeating it safe, not useful: a 401 from the token
    # endpoint (wrong client secret) must not be retried.
    error = unsent(api(Unauthenticated, 401))()
    assert decide(error, safe=safe, policy=DEFAULT) is FAIL
    assert decide(unsent(api(BadRequest, 400))(), safe=safe, policy=DEFAULT) is FAIL


def test_decide_is_pure() -> None:
    error = api(InternalError, 500)()
    first = decide(error, safe=False, policy=DEFAULT)
    assert decide(error, safe=False, policy=DEFAULT) is first is UNKNOWN
    assert error.request_sent is True
    assert error.attempts == 1


# --- RetryPolicy ------------------------------------------------------------------------------


def test_policy_defaults() -> None:
    policy = RetryPolicy()
    assert policy.attempts >= 1
    assert policy.budget > 0
    assert policy.retry_concurrent_runs_limit is False
    assert RetryPolicy.never().attempts == 1


@pytest.mark.parametrize("attempts", [0, -1, 2.5, "3", True])
def test_policy_refuses_bad_attempts(attempts: object) -> None:
    with pytest.raises(ConfigError, match="attempts must be an integer of 1 or more"):
        RetryPolicy(attempts=attempts)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("options", "named"),
    [
        (lambda v: RetryPolicy(budget=v), "budget"),
        (lambda v: RetryPolicy(initial_backoff=v), "initial_backoff"),
        (lambda v: RetryPolicy(max_backoff=v), "max_backoff"),
        (lambda v: RetryPolicy(jitter=v), "jitter"),
        (lambda v: RetryPolicy(max_retry_after=v), "max_retry_after"),
        (lambda v: Timeouts(connect=v), "connect"),
        (lambda v: Timeouts(read=v), "read"),
        (lambda v: Timeouts(write=v), "write"),
        (lambda v: Timeouts(pool=v), "pool"),
        (lambda v: Timeouts(total=v), "total"),
        (lambda v: PoolLimits(keepalive_expiry=v), "keepalive_expiry"),
    ],
)
@pytest.mark.parametrize("value", [-1, float("nan"), "soon", True, [1], dt.timedelta(seconds=-1)])
def test_a_bad_duration_option_is_a_config_error_naming_its_field(
    options: Callable[[object], object], named: str, value: object
) -> None:
    """Every duration of the Workspace's options names itself when refused (was ``value``)."""
    with pytest.raises(ConfigError, match=rf"^{named} must be a") as caught:
        options(value)
    assert isinstance(caught.value, ValueError)  # what it raised before, still caught


def test_durations_take_numbers_and_timedeltas() -> None:
    assert RetryPolicy(budget=dt.timedelta(minutes=2), jitter=0).budget == 120.0
    assert Timeouts(total=None, read=1).total is None
    assert PoolLimits(keepalive_expiry=2.5).keepalive_expiry == 2.5


@pytest.mark.parametrize("attempts", [1, 2, 10])
def test_policy_accepts_attempts(attempts: int) -> None:
    assert RetryPolicy(attempts=attempts).attempts == attempts


def test_policy_times_accept_timedelta() -> None:
    policy = RetryPolicy(
        budget=dt.timedelta(minutes=2),
        initial_backoff=dt.timedelta(milliseconds=250),
        max_backoff=dt.timedelta(seconds=10),
        jitter=dt.timedelta(0),
        max_retry_after=dt.timedelta(seconds=30),
    )
    assert policy.budget == 120.0
    assert policy.initial_backoff == 0.25
    assert policy.max_backoff == 10.0
    assert policy.jitter == 0.0
    assert policy.max_retry_after == 30.0


def test_with_budget_returns_a_copy() -> None:
    policy = RetryPolicy(attempts=3)
    longer = policy.with_budget(dt.timedelta(minutes=10))
    assert longer.budget == 600.0
    assert longer.attempts == 3
    assert policy.budget == RetryPolicy().budget
    assert policy.with_budget(5).budget == 5.0


@pytest.mark.parametrize(
    "field", ["budget", "initial_backoff", "max_backoff", "jitter", "max_retry_after"]
)
@pytest.mark.parametrize("value", [-1, math.nan, dt.timedelta(seconds=-1)])
def test_policy_refuses_negative_or_nan_times(field: str, value: float | dt.timedelta) -> None:
    with pytest.raises(ValueError, match="zero seconds or more"):
        RetryPolicy(**{field: value})  # type: ignore[arg-type]


def test_with_budget_refuses_a_negative_budget() -> None:
    with pytest.raises(ValueError, match="zero seconds or more"):
        RetryPolicy().with_budget(dt.timedelta(seconds=-3))
