"""The calls a Workspace has in progress, so that closing it ends every one of them at once.

Each API call runs inside a cancel scope registered here (the same scope carries the call's
total deadline). `InFlight.close` cancels them all: a call waiting (at the back-off gate,
the rate limiter, for a connection slot, for a token, between retries) then fails with
`ClientClosedError`, and one whose request may have been applied fails with `OutcomeUnknown`
when repeating it is not safe. Whether it may have been is the call's `CallState` (see
`_sending`): the record of the exchange in flight, which only the transports mark sent.
"""

from __future__ import annotations

import math
from types import TracebackType
from typing import Final

import anyio

from ._sending import CURRENT_CALL, CallState

__all__ = ["Call", "InFlight"]

_UNWIND_GRACE: Final = 5.0
"""How long (real seconds) `InFlight.close` waits for cancelled calls to unwind: they
normally do within a few loop iterations; the bound keeps a stuck one from hanging a close."""


class Call:
    """One API call in progress: its cancel scope and its `CallState`.

    A context manager (made by `InFlight.track`): within it the call is registered and its
    scope is entered. A plain class rather than a generator: it runs on every call.
    """

    __slots__ = ("_flight", "closed", "closed_while_sending", "scope", "state")

    def __init__(self, flight: InFlight, scope: anyio.CancelScope, state: CallState) -> None:
        self._flight = flight
        self.scope = scope
        self.state = state
        self.closed = False
        """True when `InFlight.close` cancelled this call."""
        self.closed_while_sending = False
        """True when that happened while its request may have been applied (sent, unanswered)."""

    def __enter__(self) -> Call:
        self.scope.__enter__()
        self._flight._calls.add(self)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        self._flight._forget(self)
        return bool(self.scope.__exit__(exc_type, exc, tb))


class InFlight:
    """The calls in progress of one Workspace; `close` cancels them all."""

    def __init__(self) -> None:
        self._calls: set[Call] = set()
        self._changed: anyio.Event | None = None

    def track(self, timeout: float | None, state: CallState) -> Call:
        """A call to run as ``with in_flight.track(timeout, state) as call:``.

        It is cancelled by `close`, or after `timeout` seconds. The scope absorbs its own
        cancellation; afterwards ``call.closed`` and ``call.scope.cancelled_caught`` say
        whether (and why) the block was cut short.
        """
        deadline = math.inf if timeout is None else anyio.current_time() + timeout
        return Call(self, anyio.CancelScope(deadline=deadline), state)

    def _forget(self, call: Call) -> None:
        self._calls.discard(call)
        if self._changed is not None:
            self._changed.set()

    async def close(self) -> None:
        """Cancel every call in progress and wait (briefly, shielded) until they have ended.

        The call that closes, if any, is not waited for: it is the one running this.
        """
        current = CURRENT_CALL.get()
        for call in list(self._calls):
            if call.state is not current:
                call.closed = True
                in_flight = call.state.in_flight
                call.closed_while_sending = in_flight is not None and in_flight.may_have_applied
                call.scope.cancel()
        with anyio.CancelScope(shield=True), anyio.move_on_after(_UNWIND_GRACE):
            while any(call.state is not current for call in self._calls):
                if self._changed is None or self._changed.is_set():  # shared by every closer
                    self._changed = anyio.Event()
                await self._changed.wait()
