"""What a call has sent so far: the one record of whether its bytes left and what came back.

Each exchange of a request with the server has a `SendRecord`, carried in the request's
extensions. Only the transports this library ships mark it sent, from their own progress
records, when they begin writing the request to a connection (a transport we do not ship is
taken to have sent whatever it was handed); the answer's status is noted when it arrives.
A call of `ApiClient.call` keeps a `CallState` for its duration (a context variable of the
calling task): the idempotency token its body carries, the attempts begun, the exchange in
flight, whether an earlier attempt may have been applied, and whether the attempt is
waiting for a token. Errors made during the call read it when they are made, so they are
whole when raised: which token was sent, how many attempts were made, whether the call may
have been applied, and whether the failed attempt's request left (never, while fetching
its token). `TrackedCalls` shows the call states of a block of code to its author
(for example, after the block was cancelled: did a trigger leave, or was it still waiting?).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from typing import Any, Final, Protocol

__all__ = [
    "CURRENT_CALL",
    "CallState",
    "Cancellable",
    "SendRecord",
    "CallObserver",
    "ExchangeObserver",
    "TrackedCalls",
    "fetching_token",
    "record_of",
    "register_call",
    "report_wait",
    "status_may_have_applied",
    "track_calls",
]

_EXTENSION: Final = "databricks_jobs.send_record"


def status_may_have_applied(status: int) -> bool:
    """Whether an answer with HTTP `status` leaves open that the request was applied.

    2xx: it was. 5xx other than 501 and 503 (500, 502, 504, a proxy's 520...): it may have
    been, because a gateway or the service failed while or after working on it. 1xx, 3xx,
    4xx (429 included), 501 and 503: it was not (503 and 429 are documented as retried for
    every request). Only the status decides, never the body's error code.
    """
    if 200 <= status < 300:
        return True
    return 500 <= status < 600 and status not in (501, 503)


class SendRecord:
    """One exchange of a request: did any byte leave this host, and what status came back."""

    __slots__ = ("sent", "status")

    def __init__(self) -> None:
        self.sent = False
        self.status: int | None = None

    def reset(self) -> None:
        """Start a new exchange of the same request (after a 401, the auth flow sends again)."""
        self.sent = False
        self.status = None

    @property
    def may_have_applied(self) -> bool:
        """True when the request left and no answer says it was not applied."""
        return self.sent and (self.status is None or status_may_have_applied(self.status))

    def __repr__(self) -> str:
        return f"SendRecord(sent={self.sent}, status={self.status})"


def record_of(request: Any) -> SendRecord:
    """The record of `request`'s exchange in progress (an `httpx.Request`), made if missing."""
    record = request.extensions.get(_EXTENSION)
    if not isinstance(record, SendRecord):
        record = SendRecord()
        request.extensions = {**request.extensions, _EXTENSION: record}
    return record


class ExchangeObserver(Protocol):
    """The telemetry of one exchange (a CLIENT span and a duration)."""

    def end(self, error: BaseException | None, response: Any) -> None:
        """The exchange ended: with `response`, or with `error` instead."""


class CallObserver(Protocol):
    """The telemetry of a call (`_telemetry`): told of its waits and its exchanges."""

    def waited(self, reason: str, seconds: float) -> None:
        """The call's attempt waited `seconds` for `reason` (``backoff_gate``, ...)."""

    def exchange(self, request: Any, attempt: int) -> ExchangeObserver:
        """An attempt begins sending `request`."""


class Cancellable(Protocol):
    """What cancels a part of a call (an anyio `CancelScope`)."""

    def cancel(self) -> None:
        """Cancel it."""


class CallState:
    """One call in progress: its token, its attempts, and what they may have applied.

    `attempt` counts the attempts begun; `sent` those whose bytes left this host.
    `fetching_token` is True while the attempt in progress waits for a bearer token (its
    request cannot have left). `observer` is the call's telemetry, when anything records it.
    """

    __slots__ = (
        "ambiguous",
        "attempt",
        "cancel_requested",
        "deadline",
        "fetching_token",
        "in_flight",
        "observer",
        "sent",
        "token",
        "token_scope",
        "write",
    )

    def __init__(self, *, token: str | None, write: bool) -> None:
        self.token = token
        self.write = write
        self.attempt = 0
        self.sent = 0
        self.ambiguous = False
        self.fetching_token = False
        self.cancel_requested = False
        """True once the call was cancelled (its deadline, `aclose`): on asyncio, once only."""
        self.token_scope: Cancellable | None = None
        """While a token is fetched: a scope that cancelling the call cancels too (asyncio)."""
        self.in_flight: SendRecord | None = None
        self.observer: CallObserver | None = None
        self.deadline = math.inf
        """When the call's total timeout ends, on the event loop's clock (inf: never)."""

    @classmethod
    def for_body(cls, body: Mapping[str, Any] | None, *, write: bool) -> CallState:
        """The state of a call sending `body` (its ``idempotency_token``, when it has one)."""
        token = (body or {}).get("idempotency_token")
        return cls(token=token if isinstance(token, str) and token else None, write=write)

    def begin(self, request: Any) -> SendRecord:
        """Start an attempt of `request`: a fresh record, in its extensions and in flight."""
        self.attempt += 1
        record = SendRecord()
        request.extensions[_EXTENSION] = record  # the request's own dict (httpx copies it)
        self.in_flight = record
        return record

    def failed(self, record: SendRecord) -> None:
        """The attempt of `record` failed: remember whether it may have been applied."""
        self.ambiguous = self.ambiguous or record.may_have_applied
        self.sent += record.sent
        if self.in_flight is record:
            self.in_flight = None

    @property
    def may_have_applied(self) -> bool:
        """True for a write when an attempt may have been applied, the one in flight included."""
        if not self.write:
            return False
        return self.ambiguous or (self.in_flight is not None and self.in_flight.may_have_applied)


CURRENT_CALL: Final[ContextVar[CallState | None]] = ContextVar(
    "databricks_jobs_current_call", default=None
)
"""The call in progress in this task (None outside `ApiClient.call`)."""


def report_wait(reason: str, seconds: float) -> None:
    """The call in progress (if any, and observed) waited `seconds` for `reason`.

    Called by the gate and the limiter on their slow path only, after a wait.
    """
    call = CURRENT_CALL.get()
    if call is not None and call.observer is not None:
        call.observer.waited(reason, seconds)


class TrackedCalls:
    """What the API calls made in a `Workspace.track_calls` block have sent so far.

    Read it during the block or after it, in particular after the block was cancelled:
    `may_have_applied` tells a write whose request may have taken effect (it began to leave
    this host, and no answer said it was not applied) from one that was still waiting (at
    the back-off gate, the rate limiter, for a connection or a token) or was refused. Calls
    made by tasks started inside the block count too; calls of other Workspaces do not.
    """

    __slots__ = ("_owner", "_states")

    def __init__(self, owner: object) -> None:
        self._owner = owner
        self._states: list[CallState] = []

    @property
    def calls(self) -> int:
        """How many API calls were begun (one per call, however many attempts it made)."""
        return len(self._states)

    @property
    def sent(self) -> bool:
        """True when a request of any call began to leave this host (writes and reads)."""
        return any(
            state.sent or (state.in_flight is not None and state.in_flight.sent)
            for state in self._states
        )

    @property
    def may_have_applied(self) -> bool:
        """True when a write may have taken effect (its request left, and no answer rules it out).

        Answers that do not rule it out: none yet, a 2xx, a 500, 502 or 504.
        """
        return any(state.may_have_applied for state in self._states)

    @property
    def idempotency_tokens(self) -> tuple[str, ...]:
        """The idempotency tokens the calls carried, in the order the calls began."""
        return tuple(state.token for state in self._states if state.token is not None)

    def __repr__(self) -> str:
        return (
            f"TrackedCalls(calls={self.calls}, sent={self.sent}, "
            f"may_have_applied={self.may_have_applied})"
        )


_TRACKERS: Final[ContextVar[tuple[TrackedCalls, ...]]] = ContextVar(
    "databricks_jobs_call_trackers", default=()
)


@contextlib.contextmanager
def track_calls(owner: object) -> Iterator[TrackedCalls]:
    """Within this block (and tasks started in it), record the calls `owner` makes."""
    tracker = TrackedCalls(owner)
    entered = _TRACKERS.set((*_TRACKERS.get(), tracker))
    try:
        yield tracker
    finally:
        _TRACKERS.reset(entered)


def register_call(owner: object, state: CallState) -> None:
    """Show a call `owner` begins to the trackers of this context that follow `owner`."""
    for tracker in _TRACKERS.get():
        if tracker._owner is owner:
            tracker._states.append(state)


@contextlib.contextmanager
def fetching_token() -> Iterator[None]:
    """Within this block the call in progress (if any) is fetching a token for its request.

    Errors made meanwhile (by the token source, or the token endpoint's exchange) say
    ``request_sent=False``: the caller's request is still waiting for its credential.
    """
    call = CURRENT_CALL.get()
    if call is None:
        yield
        return
    call.fetching_token = True
    try:
        yield
    finally:
        call.fetching_token = False
