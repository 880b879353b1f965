"""The calls a Workspace has in progress, so that closing it ends every one of them at once.

Each API call runs inside a cancel scope registered here (the same scope carries the call's
total deadline). `InFlight.close` cancels them all: a call waiting (at the back-off gate,
the rate limiter, for a connection slot, between retries) then fails with
`ClientClosedError`, and one whose request may be leaving fails with `OutcomeUnknown` when
repeating it is not safe. Whether a call's request may be leaving is recorded on the call
(`Call.sending`) by the code that sends it and by the transports' wait for a slot, through a
context variable, so the transports need no extra argument.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from contextvars import ContextVar, Token
from types import TracebackType
from typing import Final

import anyio

__all__ = ["Call", "InFlight", "queued", "sending"]

_UNWIND_GRACE: Final = 5.0
"""How long (real seconds) `InFlight.close` waits for cancelled calls to unwind: they
normally do within a few loop iterations; the bound keeps a stuck one from hanging a close."""

_CURRENT: ContextVar[Call | None] = ContextVar("databricks_jobs_call", default=None)


class Call:
    """One API call in progress: its cancel scope, and whether its request may be leaving.

    A context manager (made by `InFlight.track`): within it the call is registered and its
    scope is entered. A plain class rather than a generator: it runs on every call.
    """

    __slots__ = ("_flight", "_token", "closed", "closed_while_sending", "scope", "sending")

    def __init__(self, flight: InFlight, scope: anyio.CancelScope) -> None:
        self._flight = flight
        self._token: Token[Call | None] | None = None
        self.scope = scope
        self.sending = False
        """True while the request is handed to the transport (and not waiting for a slot)."""
        self.closed = False
        """True when `InFlight.close` cancelled this call."""
        self.closed_while_sending = False
        """True when that happened while its request may have been leaving."""

    def __enter__(self) -> Call:
        self.scope.__enter__()
        self._flight._calls.add(self)
        self._token = _CURRENT.set(self)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        if self._token is not None:
            _CURRENT.reset(self._token)
        self._flight._forget(self)
        return bool(self.scope.__exit__(exc_type, exc, tb))


@contextlib.contextmanager
def sending() -> Iterator[None]:
    """Mark the current call's request as possibly leaving this host within the block."""
    call = _CURRENT.get()
    if call is None:
        yield
        return
    call.sending = True
    try:
        yield
    finally:
        call.sending = False


@contextlib.contextmanager
def queued() -> Iterator[None]:
    """Mark the current call as waiting (for a connection slot) within the block: not sent."""
    call = _CURRENT.get()
    if call is None:
        yield
        return
    was, call.sending = call.sending, False
    try:
        yield
    finally:
        call.sending = was


class InFlight:
    """The calls in progress of one Workspace; `close` cancels them all."""

    def __init__(self) -> None:
        self._calls: set[Call] = set()
        self._changed: anyio.Event | None = None

    def track(self, timeout: float | None) -> Call:
        """A call to run as ``with in_flight.track(timeout) as call:``.

        It is cancelled by `close`, or after `timeout` seconds. The scope absorbs its own
        cancellation; afterwards ``call.closed`` and ``call.scope.cancelled_caught`` say
        whether (and why) the block was cut short.
        """
        deadline = math.inf if timeout is None else anyio.current_time() + timeout
        return Call(self, anyio.CancelScope(deadline=deadline))

    def _forget(self, call: Call) -> None:
        self._calls.discard(call)
        if self._changed is not None:
            self._changed.set()

    async def close(self) -> None:
        """Cancel every call in progress and wait (briefly, shielded) until they have ended.

        The call that closes, if any, is not waited for: it is the one running this.
        """
        current = _CURRENT.get()
        for call in list(self._calls):
            if call is not current:
                call.closed = True
                call.closed_while_sending = call.sending  # unwinding resets `sending`
                call.scope.cancel()
        with anyio.CancelScope(shield=True), anyio.move_on_after(_UNWIND_GRACE):
            while any(call is not current for call in self._calls):
                if self._changed is None or self._changed.is_set():  # shared by every closer
                    self._changed = anyio.Event()
                await self._changed.wait()
