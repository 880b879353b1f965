"""The exception tree, and the pure decision of which error a failed response becomes.

::

    DatabricksError
    ├── ConfigError (ValueError)     configuration missing, contradictory or malformed
    ├── AuthError                    a token source (provider, Databricks CLI, OAuth token
    │                                endpoint) answered without a usable token
    ├── SpecError (ValueError)       a spec or argument rejected before anything was sent
    ├── DecodeError (ValueError)     a payload that cannot become the model asked for
    │   └── ResponseTooLarge         a response body over max_response_bytes
    ├── ClientClosedError            a Workspace used after aclose()
    ├── EventLoopError               a Workspace used from another event loop than its own,
    │                                or the aiohttp transport under trio
    ├── RateBudgetExhausted          refused at once by this client's own rate limits: no
    │                                slot before the call's deadline, or too many waiting;
    │                                nothing was sent (.endpoint, .retry_after)
    ├── OutcomeUnknown               a write that is not safe to repeat failed ambiguously:
    │                                it may have been applied, so it was not retried (.error)
    ├── TransportError               no usable HTTP response
    │   ├── ConnectionFailed         .request_sent says whether any byte left this host
    │   └── RequestTimeout           .phase: connect | read | write | pool | total
    ├── ApiError                     the service answered with an error status
    │   ├── BadRequest                 400
    │   │   ├── InvalidParameterValue
    │   │   └── InvalidState
    │   ├── Unauthenticated            401
    │   ├── PermissionDenied           403
    │   ├── NotFound                   404, and "Job 1 does not exist." on jobs/get and friends
    │   ├── Conflict                   409
    │   │   └── AlreadyExists
    │   ├── TooManyRequests            429
    │   │   ├── RateLimited            request throttling; .retry_after
    │   │   └── ConcurrentRunsLimit    "There are already 5 active runs (limit: 5)"
    │   └── ServerError                5xx
    │       ├── InternalError          500
    │       ├── Unimplemented          501
    │       ├── BadGateway             502
    │       ├── ServiceUnavailable     503
    │       └── GatewayTimeout         504
    └── WaitError
        ├── RunFailed                a waited run ended other than SUCCESS; .run, .outcome
        └── WaitTimeout              a wait outlived its deadline; .run (last seen),
                                     .cancel_error (a cancel on timeout that failed)

`error_from_response` decides, in this order: known path and message overrides, 429 message
patterns, the body's ``error_code``, then the HTTP status.
"""

from __future__ import annotations

import email.utils
import json
import os
import re
import socket
import ssl
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final, Literal

from ._json import parse_json
from ._sending import CURRENT_CALL

if TYPE_CHECKING:  # the models load on first use (decision 17), never with the errors
    from ._outcome import RunOutcome
    from .models import Run

__all__ = [
    "AlreadyExists",
    "ApiError",
    "AuthError",
    "BadGateway",
    "BadRequest",
    "ClientClosedError",
    "ConcurrentRunsLimit",
    "ConfigError",
    "Conflict",
    "ConnectionFailed",
    "DatabricksError",
    "DecodeError",
    "EventLoopError",
    "GatewayTimeout",
    "InternalError",
    "InvalidParameterValue",
    "InvalidState",
    "NotFound",
    "OutcomeUnknown",
    "PermissionDenied",
    "RateBudgetExhausted",
    "RateLimited",
    "RequestTimeout",
    "ResponseTooLarge",
    "RunFailed",
    "ServerError",
    "ServiceUnavailable",
    "SpecError",
    "TooManyRequests",
    "TransportError",
    "Unauthenticated",
    "Unimplemented",
    "WaitError",
    "WaitTimeout",
    "error_from_response",
    "mask_secrets",
    "parse_retry_after",
    "refused_before_sending",
    "transport_failure_reason",
    "without_secrets",
]


class DatabricksError(Exception):
    """Base of every error this library raises.

    `request_sent` is False when the failed attempt of the caller's request never left this
    host (the error came before sending: a refused connection, a failed token fetch), so
    that attempt cannot have applied anything.

    Errors raised by a call carry what the call knew when they were made:
    `idempotency_token` is the token its body carried (``run_now`` and ``submit`` always
    send one), and `may_have_applied` is True when an attempt of a write may have been
    applied (it was sent and no answer said it was not: a dropped connection, a timeout, a
    500, 502 or 504, an unreadable success). For a trigger that means the run may exist:
    send the same request again with the same token to find out, the service answers with
    the run that token started.

    An error is whole when it is raised: nothing in this library sets its attributes or
    rewrites its message afterwards (a test reads the source to hold that). Context added on
    the way up is a note (`add_note`), shown after the message in a traceback.
    """

    request_sent: bool = True
    idempotency_token: str | None = None
    may_have_applied: bool = False

    def __init__(self, *args: object) -> None:
        super().__init__(*args)
        call = CURRENT_CALL.get()
        if call is not None:  # made during a call: take what it knows now
            self.idempotency_token = call.token
            self.may_have_applied = call.may_have_applied
            if call.fetching_token:
                # Made while the call's request waited for its token: that request was not
                # sent, whatever happened to the token endpoint's own request.
                self.request_sent = False


def _attempts_so_far() -> int:
    """The attempts the call in progress has begun (1 outside a call)."""
    call = CURRENT_CALL.get()
    return max(call.attempt, 1) if call is not None else 1


class ConfigError(DatabricksError, ValueError):
    """The configuration is missing, contradictory or malformed.

    Also a `ValueError`, as Python's own refusals of a bad argument value are: a negative
    timeout or ``transport="carrier-pigeon"`` raised plain `ValueError` before.

    Also raised when a request is refused on this side before any byte was sent because a
    header value is not valid HTTP: every header value comes from the configuration
    (credentials, ``user_agent_extra``). Nothing is ever sent before it: ``request_sent`` is
    always False.
    """

    request_sent = False


class AuthError(DatabricksError):
    """A token source answered without a usable token; nothing was sent with it.

    The source is a token provider (it returned something that is not a token, or raised),
    the Databricks CLI (its answer holds no usable token), or the OAuth token endpoint (a
    200 answer that is not JSON, has no usable ``access_token`` or ``expires_in``, or is an
    error). The message names the source and what is wrong, never the token. Not retried:
    the same source would most likely answer the same way.
    """

    request_sent = False


class SpecError(DatabricksError, ValueError):
    """A spec or argument was rejected on this side, before any request was sent.

    `field` is the dotted path of the offending field (``tasks[2].depends_on``), when known.
    """

    request_sent = False

    def __init__(self, message: str, *, field: str | None = None) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}" if field else message)


class DecodeError(DatabricksError, ValueError):
    """A payload could not be turned into the requested type.

    `path` names where it went wrong (``settings.tasks[3].notebook_task``), when known.
    """

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}" if path else message)


class ResponseTooLarge(DecodeError):
    """A response body was larger than the Workspace's ``max_response_bytes``; not retried."""


class ClientClosedError(DatabricksError, RuntimeError):
    """The Workspace was used after `aclose()` (or after its `async with` block ended).

    Calls still waiting when it closed (for the back-off gate, the rate limiter, a
    connection slot, a retry) fail with it too; none of them had been sent.
    """

    request_sent = False

    def __init__(
        self,
        message: str = (
            "this Workspace is closed (aclose() was called or its async with block ended); "
            "create a new Workspace"
        ),
    ) -> None:
        super().__init__(message)


class EventLoopError(DatabricksError, RuntimeError):
    """A Workspace was used from an event loop other than the one it belongs to.

    A Workspace belongs to the event loop it is first used (or entered) in: its connections
    and the tasks waiting on them live there. Each ``asyncio.run``/``anyio.run``/``trio.run``
    starts a new loop, so create the Workspace inside the function it runs (or keep one loop
    alive). Also raised for the aiohttp transport under trio, which runs on asyncio only.
    Nothing was sent.
    """

    request_sent = False


class RateBudgetExhausted(DatabricksError):
    """Refused at once by this client's own rate limits: the request was never sent.

    A call that would have to wait for its endpoint's rate limit (or for the pause a 429
    asked for) longer than the time left before its deadline (the Workspace's total timeout,
    or the caller's own cancel scope) fails at once instead of waiting to be cut; so does a
    call that finds `RateLimits.max_waiting` calls already waiting for the endpoint. It
    reserves nothing: the calls after it are not delayed by it. `retry_after` is how long
    from now until the endpoint has a free slot (or reopens), `time_left` the seconds the
    call had left (None when it was refused for the number waiting).

    Not an `ApiError`: the service said nothing. Not retried by the call (sending again at
    once would be refused again; waiting for the slot is what the deadline ruled out), and
    never `OutcomeUnknown`: ``request_sent`` is False. A retry of a call whose earlier attempt
    may have been applied keeps saying so in `may_have_applied`.
    """

    request_sent = False

    def __init__(
        self,
        message: str,
        *,
        endpoint: str,
        retry_after: float,
        time_left: float | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.retry_after = retry_after
        self.time_left = time_left
        self.message = message
        super().__init__(message)


class OutcomeUnknown(DatabricksError):
    """A request that is not safe to repeat failed in a way that leaves its outcome unknown.

    The request may or may not have been applied on the server (a job may have been created,
    a repair started), so it was not retried. `error` is what went wrong: a dropped
    connection, a read timeout, a 500, 502 or 504, or the total deadline (a `RequestTimeout`
    with ``phase="total"``) after the request left. `may_have_applied` is always True.
    """

    def __init__(self, method: str, path: str, error: DatabricksError) -> None:
        self.method = method
        self.path = path
        self.error = error
        super().__init__(
            f"{method} {path}: the outcome is unknown and the request was not retried, because "
            f"repeating it could apply it twice (it may have been applied): {error}"
        )
        self.may_have_applied = True


class TransportError(DatabricksError):
    """No usable HTTP response: the connection failed or timed out.

    `request_sent` says whether any byte of the caller's request had left this host (decided
    by the transports this library ships from their own progress records). `attempts` is
    how many attempts the call had made (by default, what the call in progress has begun).
    """

    def __init__(
        self,
        message: str,
        *,
        method: str = "",
        path: str = "",
        request_sent: bool = False,
        attempts: int | None = None,
    ) -> None:
        self.method = method
        self.path = path
        self.request_sent = request_sent  # before the base reads the call (a token fetch)
        self.attempts = _attempts_so_far() if attempts is None else attempts
        self.message = message
        super().__init__(message)

    def __str__(self) -> str:
        where = f"{self.method} {self.path}: " if self.method else ""
        tries = f" (after {self.attempts} attempts)" if self.attempts > 1 else ""
        return f"{where}{self.message}{tries}"


class ConnectionFailed(TransportError):
    """The connection could not be made, or broke. `request_sent` tells which side of sending."""

    @classmethod
    def caused_by(
        cls, exc: BaseException, *, request_sent: bool, method: str = "", path: str = ""
    ) -> ConnectionFailed:
        """The error for a lower-level failure, saying on which side of sending it came.

        The lower-level message is not copied (see `transport_failure_reason`), and callers
        raise this error without chaining `exc`, so no parser text reaches a traceback.
        """
        what = transport_failure_reason(exc)
        when = "after the request was sent" if request_sent else "before the request was sent"
        return cls(
            f"connection failed {when}: {what}",
            method=method,
            path=path,
            request_sent=request_sent,
        )


_FAILURE_PHRASES: Final[tuple[tuple[str, str], ...]] = (
    ("LocalProtocolError", "the request is not valid HTTP"),
    ("ServerDisconnectedError", "the server closed the connection without answering"),
    ("ClientPayloadError", "the response body was cut short or malformed"),
    ("ClientResponseError", "the server's answer is not valid HTTP"),
    ("RemoteProtocolError", "the server closed the connection or answered with invalid HTTP"),
    ("ReadError", "the connection broke while reading the answer"),
    ("WriteError", "the connection broke while sending the request"),
    ("ConnectError", "the connection could not be made"),
    ("ClientConnectionError", "the connection could not be made or broke"),
)
"""Our words for lower-level failures, by the name of the library's exception class (or a base)."""
_CHAIN_DEPTH: Final = 8
_MIN_HIDDEN: Final = 6


def transport_failure_reason(exc: BaseException) -> str:
    """Say what went wrong below HTTP, in words that cannot carry a header or body byte.

    Parsers quote what they refused: h11 puts an illegal Authorization value whole in its
    message, and aiohttp quotes a bad status line, which a hostile server can fill with the
    request's own headers. So messages are never copied. What is kept comes from fixed tables:
    the operating system's text for an errno, OpenSSL's verification message and reason code,
    and the class name of the library's exception.
    """
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and len(seen) < _CHAIN_DEPTH and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    reason = next((r for r in map(_os_reason, seen) if r), None)
    if reason is None:
        names = [klass.__name__ for e in seen for klass in type(e).__mro__]
        reason = next((phrase for name, phrase in _FAILURE_PHRASES if name in names), None)
    library = type(exc).__module__.split(".")[0]
    return f"{reason or 'the connection failed'} ({library}.{type(exc).__name__})"


def _os_reason(exc: BaseException) -> str | None:
    """The fixed-table text of an OS-level failure: TLS, name resolution, an errno."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"TLS certificate verification failed: {exc.verify_message}"
    if isinstance(exc, ssl.SSLError):
        return f"TLS failed ({exc.reason or 'no reason given'})"
    if isinstance(exc, socket.gaierror):
        return "the host name could not be resolved"
    if isinstance(exc, OSError) and isinstance(exc.errno, int) and exc.errno > 0:
        return f"{os.strerror(exc.errno)} (errno {exc.errno})"
    return None


def refused_before_sending(method: str = "", path: str = "") -> ConfigError:
    """The error for a request refused on this side because a header value is not valid HTTP.

    Nothing was sent (``request_sent`` is False). Every header value comes from the
    configuration, so it is a `ConfigError`, which is not retried: sending again would be
    refused again.
    """
    where = f"{method} {path}: " if method else ""
    return ConfigError(
        f"{where}the request was refused on this side before anything was sent: a header value "
        "is not valid HTTP (a control character, such as a line break, in a credential or in "
        "user_agent_extra?)"
    )


def mask_secrets(text: str, secrets: Iterable[str]) -> str:
    """`text` (from a server: a header, a message) with each secret replaced by ``****``.

    A broken or hostile server (or a proxy before it) can echo the request's Authorization
    header into an error message, a request id or a redirect target; texts are masked before
    they go into an error, so the error is whole when made. Secrets shorter than
    `_MIN_HIDDEN` characters are left alone: no real credential is that short, and masking
    every ``t`` of a message would make it unreadable.
    """
    for secret in sorted({s for s in secrets if len(s) >= _MIN_HIDDEN}, key=len, reverse=True):
        text = text.replace(secret, "****")
    return text


def without_secrets(content: bytes, secrets: Iterable[str]) -> bytes:
    """`content` (a body a server sent) with each secret replaced by ``****``.

    Applied before an error text is cut from the body (a plain-text message is cut at 500
    characters), so that no part of an echoed credential survives the cut. Matches the UTF-8
    bytes and the JSON-escaped form of each secret.
    """
    for secret in sorted({s for s in secrets if len(s) >= _MIN_HIDDEN}, key=len, reverse=True):
        for form in {secret.encode(), json.dumps(secret)[1:-1].encode()}:
            content = content.replace(form, b"****")
    return content


class RequestTimeout(TransportError):
    """A timeout expired. `phase` is connect, read, write, pool or total (the whole call)."""

    def __init__(
        self,
        message: str,
        *,
        phase: Literal["connect", "read", "write", "pool", "total"],
        method: str = "",
        path: str = "",
        request_sent: bool = False,
        attempts: int | None = None,
    ) -> None:
        self.phase = phase
        super().__init__(
            message, method=method, path=path, request_sent=request_sent, attempts=attempts
        )


class ApiError(DatabricksError):
    """The service answered with an error status.

    Carries the HTTP `status`, the service's `error_code` and `message`, the `request_id`
    when known, the structured `details`, the `raw` body, and how many `attempts` were made
    (by default, what the call in progress has begun). `request_sent` is False when the
    error came from fetching a token before the request.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        error_code: str | None = None,
        method: str = "",
        path: str = "",
        request_id: str | None = None,
        details: tuple[Mapping[str, Any], ...] = (),
        raw: bytes = b"",
        retry_after: float | None = None,
        attempts: int | None = None,
    ) -> None:
        self.message = message
        self.status = status
        self.error_code = error_code
        self.method = method
        self.path = path
        self.request_id = request_id
        self.details = details
        self.raw = raw
        self.retry_after = retry_after
        self.attempts = _attempts_so_far() if attempts is None else attempts
        super().__init__(message)

    def __str__(self) -> str:
        where = f"{self.method} {self.path} -> " if self.method else "HTTP "
        code = f" {self.error_code}" if self.error_code else ""
        tail = []
        if self.request_id:
            tail.append(f"request id {self.request_id}")
        if self.attempts > 1:
            tail.append(f"after {self.attempts} attempts")
        extra = f" ({', '.join(tail)})" if tail else ""
        return f"{where}{self.status}{code}: {self.message}{extra}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status}, error_code={self.error_code!r}, "
            f"message={self.message!r})"
        )


class BadRequest(ApiError):
    """400: the request was malformed or invalid."""


class InvalidParameterValue(BadRequest):
    """400 INVALID_PARAMETER_VALUE: a parameter has a value the service refuses."""


class InvalidState(BadRequest):
    """INVALID_STATE: the object is not in a state that allows the operation."""


class Unauthenticated(ApiError):
    """401: missing, expired or wrong credentials."""


class PermissionDenied(ApiError):
    """403: the caller may not do this."""


class NotFound(ApiError):
    """The job, run or object does not exist (404, or the jobs service's 400 equivalent)."""


class Conflict(ApiError):
    """409: the request conflicts with the current state."""


class AlreadyExists(Conflict):
    """The object to create already exists."""


class TooManyRequests(ApiError):
    """429: the service refused for load or limit reasons."""


class RateLimited(TooManyRequests):
    """Request throttling: slow down and retry. `retry_after` is the advised wait in seconds.

    `workspace_wide` is True when the message says the limit of the whole workspace was hit
    (rather than the limit of the endpoint called): the back-off gate then pauses every
    endpoint, not only this one.
    """

    @property
    def workspace_wide(self) -> bool:
        """Whether the service's message says a workspace-wide limit was exceeded."""
        return bool(_WORKSPACE_WIDE.search(self.message))


class ConcurrentRunsLimit(TooManyRequests):
    """The job already has its maximum of active runs. Retrying soon will not help."""


class ServerError(ApiError):
    """5xx: the service failed."""


class InternalError(ServerError):
    """500: internal error on the service side."""


class Unimplemented(ServerError):
    """501: the service does not implement this."""


class BadGateway(ServerError):
    """502: a gateway in front of the service failed."""


class ServiceUnavailable(ServerError):
    """503: the service is temporarily unavailable."""


class GatewayTimeout(ServerError):
    """504: a gateway in front of the service timed out."""


class WaitError(DatabricksError):
    """A wait for a run did not end in success."""


class RunFailed(WaitError):
    """A waited run ended other than SUCCESS.

    `run` is the final run, `outcome` what its state means, and `failed_tasks` maps the key
    of each task that did not succeed to its error message (None when the service gave none).
    """

    def __init__(
        self,
        message: str,
        *,
        run: Run,
        outcome: RunOutcome | None = None,
        failed_tasks: Mapping[str, str | None] | None = None,
    ) -> None:
        # Annotated here, not in the class body: `Run` is only imported for type checkers,
        # and typing.get_type_hints(RunFailed) must not need the models loaded.
        self.run: Run = run
        self.outcome: RunOutcome | None = outcome
        self.failed_tasks: dict[str, str | None] = dict(failed_tasks or {})
        super().__init__(message)


class WaitTimeout(WaitError, TimeoutError):
    """A wait outlived its deadline. `run` is the last state seen (None if never read).

    `cancel_error` is the error of the cancel a wait with ``cancel_on_timeout`` sent, when
    that cancel failed (the run may still be going); None otherwise.
    """

    def __init__(
        self,
        message: str,
        *,
        run: Run | None = None,
        cancel_error: DatabricksError | None = None,
    ) -> None:
        self.run: Run | None = run
        self.cancel_error = cancel_error
        super().__init__(message)


# --- deciding the error --------------------------------------------------------------------

_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequest,
    401: Unauthenticated,
    403: PermissionDenied,
    404: NotFound,
    409: Conflict,
    429: RateLimited,
    500: InternalError,
    501: Unimplemented,
    502: BadGateway,
    503: ServiceUnavailable,
    504: GatewayTimeout,
}

_BY_ERROR_CODE: dict[str, type[ApiError]] = {
    "INVALID_PARAMETER_VALUE": InvalidParameterValue,
    "INVALID_STATE": InvalidState,
    "BAD_REQUEST": BadRequest,
    "MALFORMED_REQUEST": BadRequest,
    "UNAUTHENTICATED": Unauthenticated,
    "PERMISSION_DENIED": PermissionDenied,
    "RESOURCE_DOES_NOT_EXIST": NotFound,
    "NOT_FOUND": NotFound,
    "RESOURCE_CONFLICT": Conflict,
    "ABORTED": Conflict,
    "RESOURCE_ALREADY_EXISTS": AlreadyExists,
    "ALREADY_EXISTS": AlreadyExists,
    "REQUEST_LIMIT_EXCEEDED": RateLimited,
    "RESOURCE_EXHAUSTED": RateLimited,
    "TOO_MANY_REQUESTS": RateLimited,
    "INTERNAL_ERROR": InternalError,
    "INTERNAL_SERVER_ERROR": InternalError,
    "NOT_IMPLEMENTED": Unimplemented,
    "TEMPORARILY_UNAVAILABLE": ServiceUnavailable,
    "SERVICE_UNAVAILABLE": ServiceUnavailable,
    "DEADLINE_EXCEEDED": GatewayTimeout,
}

_JOBS_PATH = re.compile(r"^/api/2\.\d+/jobs/")
_MISSING_OBJECT = re.compile(r"^(Job|Run|Task run) \d+ does not exist", re.IGNORECASE)
_CONCURRENT_RUNS = re.compile(
    r"already \d+ active runs|maximum (number of )?concurrent runs|max(imum)?_concurrent_runs",
    re.IGNORECASE,
)
_WORKSPACE_WIDE = re.compile(
    # "Workspace 1965859176160743 exceeded the concurrent limit of 60 requests." (the
    # service's words, quoted in public bug reports), and "workspace-wide"/"workspace level".
    r"\bworkspace\b[^.]{0,60}?\bexceeded\b|\bworkspace[- ](?:wide|level)\b",
    re.IGNORECASE,
)
"""A 429 message that says the whole workspace's limit was hit, not one endpoint's."""
_RETRY_DELAY = re.compile(r"^\s*(\d+(?:\.\d+)?)s\s*$")
_DELTA_SECONDS = re.compile(r"[0-9]+")
"""RFC 9110 ``delay-seconds = 1*DIGIT``: ASCII digits only (no sign, fraction, exponent, ``_``)."""
_FOREVER: Final = 1e18
"""Seconds: the advised wait when the one given is longer than anyone means (31 billion years)."""
_REQUEST_ID_HEADERS = ("x-request-id", "x-databricks-request-id")
_MAX_TEXT_MESSAGE = 500


def error_from_response(
    method: str,
    path: str,
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    secrets: Iterable[str] = (),
    error_code: str | None = None,
    message: str | None = None,
) -> ApiError:
    """Return the typed error for an HTTP error response. Pure: no I/O, never raises.

    `headers` should be case-insensitive (an ``httpx.Headers``) or have lower-case keys.
    `secrets` (the request's credential, in the forms a server could echo) are masked in
    every text the error takes from the answer: the body before any of it is cut, the
    request id. `error_code` and `message` replace what the body says, for a body of a shape
    of its own (an OAuth token endpoint's RFC 6749 ``error`` and ``error_description``).
    """
    secrets = tuple(secrets)
    if secrets:
        body = without_secrets(body, secrets)
    payload = _json_object(body)
    if secrets and payload is not None and _mask_decoded(payload, secrets):
        # Escaped in a way the bytes did not show (``\/``, ``\u0073``): masked once decoded,
        # and the raw body is the masked object written again.
        body = _written_again(payload)
    read_code, read_message, details = _read_error_body(payload, body, status)
    error_code = read_code if error_code is None else mask_secrets(error_code, secrets)
    message = read_message if message is None else mask_secrets(message, secrets)
    request_id = _request_id(headers, details)
    if request_id is not None and secrets:
        request_id = mask_secrets(request_id, secrets)
    retry_after = parse_retry_after(headers, details)
    cls = _decide_class(path, status, error_code, message)
    return cls(
        message,
        status=status,
        error_code=error_code,
        method=method,
        path=path,
        request_id=request_id,
        details=details,
        raw=body,
        retry_after=retry_after,
    )


def _mask_decoded(payload: dict[str, Any], secrets: tuple[str, ...]) -> bool:
    r"""Mask `secrets` in every key and string of a decoded error body, in place.

    JSON can write a secret with escapes that the masking of the raw bytes does not see
    (``\/`` for ``/``, ``\u0061`` for ``a``); decoded, it is the secret again. Walked without
    recursion: the body may be nested as deep as the parser allows. Returns whether anything
    was masked.
    """
    changed = False
    todo: list[dict[str, Any] | list[Any]] = [payload]
    while todo:
        node = todo.pop()
        places: list[tuple[Any, Any]] = (
            list(node.items()) if isinstance(node, dict) else list(enumerate(node))
        )
        for place, value in places:
            if isinstance(value, dict | list):
                todo.append(value)
            elif isinstance(value, str):
                masked = mask_secrets(value, secrets)
                if masked != value:
                    node[place] = masked
                    changed = True
            if isinstance(node, dict):
                masked_key = mask_secrets(place, secrets)
                if masked_key != place:
                    node[masked_key] = node.pop(place)
                    changed = True
    return changed


def _written_again(payload: dict[str, Any]) -> bytes:
    """The JSON text of a (masked) error body; ``{}`` if it is too deep to write back."""
    try:
        return json.dumps(payload).encode("ascii")
    except RecursionError:
        return b"{}"


def _decide_class(path: str, status: int, error_code: str | None, message: str) -> type[ApiError]:
    # 1. path and message overrides: the jobs service answers a missing job or run with 400.
    if status in (400, 404) and _JOBS_PATH.match(path) and _MISSING_OBJECT.match(message):
        return NotFound
    # 2. 429s: the message tells a run-limit refusal from throttling (both use the same code).
    if status == 429 or error_code == "REQUEST_LIMIT_EXCEEDED":
        if _CONCURRENT_RUNS.search(message):
            return ConcurrentRunsLimit
        if status == 429:
            return RateLimited
    # 3. the service's error code, 4. the HTTP status.
    if error_code and error_code in _BY_ERROR_CODE:
        return _BY_ERROR_CODE[error_code]
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if 500 <= status < 600:
        return ServerError
    return ApiError


def _json_object(body: bytes) -> dict[str, Any] | None:
    if not body or body.lstrip()[:1] != b"{":
        return None
    try:
        value = parse_json(body)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _read_error_body(
    payload: dict[str, Any] | None, body: bytes, status: int
) -> tuple[str | None, str, tuple[Mapping[str, Any], ...]]:
    if payload is not None:
        code = payload.get("error_code")
        message = payload.get("message")
        if message is None:
            # API 1.2 used {"error": "..."}; SCIM uses {"detail": "..."}.
            message = payload.get("error") or payload.get("detail")
        raw_details = payload.get("details")
        details = (
            tuple(d for d in raw_details if isinstance(d, Mapping))
            if isinstance(raw_details, list)
            else ()
        )
        return (
            str(code) if code is not None else None,
            str(message) if message is not None else _status_phrase(status),
            details,
        )
    return None, _text_message(body, status), ()


def _text_message(body: bytes, status: int) -> str:
    text = body.decode("utf-8", errors="replace").strip()
    if not text:
        return _status_phrase(status)
    if text[:1] == "<":
        title = re.search(r"<title[^>]*>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", text, re.IGNORECASE | re.DOTALL)
        found = title or heading
        label = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found.group(1))).strip() if found else ""
        return f"{_status_phrase(status)} (HTML page{': ' + label if label else ''})"
    text = re.sub(r"\s+", " ", text)
    if len(text) > _MAX_TEXT_MESSAGE:
        text = text[:_MAX_TEXT_MESSAGE] + "..."
    return text


def _status_phrase(status: int) -> str:
    from http import HTTPStatus

    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


def _request_id(headers: Mapping[str, str], details: tuple[Mapping[str, Any], ...]) -> str | None:
    for detail in details:
        if str(detail.get("@type", "")).endswith("RequestInfo") and detail.get("request_id"):
            return str(detail["request_id"])
    for name in _REQUEST_ID_HEADERS:
        value = headers.get(name)
        if value:
            return value
    return None


def parse_retry_after(
    headers: Mapping[str, str],
    details: tuple[Mapping[str, Any], ...] = (),
    *,
    now: float | None = None,
) -> float | None:
    """Return the advised wait in seconds from ``Retry-After`` or a RetryInfo detail, if any.

    ``Retry-After`` is read as HTTP defines it: delay-seconds (ASCII digits only) or an HTTP
    date (compared with `now`, a Unix time, default the current time). Anything else
    (``1.5``, ``1_000``, ``1e3``, ``-5``) gives None rather than a guess: Python's `float`
    would read ``1_000`` as a thousand seconds.
    """
    value = headers.get("retry-after")
    if value:
        value = value.strip(" \t")
        if _DELTA_SECONDS.fullmatch(value):
            # Past 15 digits, longer than any wait anyone means: int() of 4,301 digits and
            # float() of 309 raise, where this must never raise.
            return float(value) if len(value) <= 15 else _FOREVER
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            when = None
        if when is not None and when.tzinfo is not None:
            import time

            current = time.time() if now is None else now
            return max(0.0, when.timestamp() - current)
    for detail in details:
        if str(detail.get("@type", "")).endswith("RetryInfo"):
            match = _RETRY_DELAY.match(str(detail.get("retry_delay", "")))
            if match:
                return min(float(match.group(1)), _FOREVER)
    return None
