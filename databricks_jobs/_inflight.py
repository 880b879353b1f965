"""The calls a Workspace has in progress, so that closing it ends every one of them at once.

Each API call runs inside a scope registered here, which also carries the call's total
deadline. `InFlight.close` cancels them all: a call waiting (at the back-off gate, the rate
limiter, for a connection slot, for a token, between retries) then fails with
`ClientClosedError`, and one whose request may have been applied fails with `OutcomeUnknown`
when repeating it is not safe. Whether it may have been is the call's `CallState` (see
`_sending`): the record of the exchange in flight, which only the transports mark sent.

Two kinds of scope, one behaviour (decision 57). Under trio (and any loop but asyncio) a
call's scope is an anyio `CancelScope` with the deadline. Under asyncio it is the task's own
cancellation, as ``asyncio.timeout`` does it: the scope cancels its task once and takes back
exactly that cancellation when the block ends (``Task.uncancel``), so a cancellation of the
caller's own, or of an anyio scope around the call, still propagates. Its deadline has no
timer of its own: one alarm per Workspace rings at the nearest deadline of the calls in
progress, cancels those that are due and sets itself for the next. An anyio scope with a
deadline costs a timer and anyio's bookkeeping per call, about a tenth of a call's CPU at
high concurrency; this costs a set insertion.
"""

from __future__ import annotations

import asyncio
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
    """One API call in progress: what cancels it, and its `CallState`.

    A context manager (made by `InFlight.track`): within it the call is registered and can
    be cancelled. The block absorbs its own cancellation; afterwards `closed` says whether
    `InFlight.close` ended it (if not, and the block was cut short, its deadline did).
    """

    __slots__ = ("_flight", "closed", "closed_while_sending", "deadline", "state")

    def __init__(self, flight: InFlight, deadline: float, state: CallState) -> None:
        self._flight = flight
        self.deadline = deadline
        self.state = state
        self.closed = False
        """True when `InFlight.close` cancelled this call."""
        self.closed_while_sending = False
        """True when that happened while its request may have been applied (sent, unanswered)."""

    def cancel(self) -> None:
        """End the block at its next checkpoint (once: later calls do nothing)."""
        raise NotImplementedError

    def __enter__(self) -> Call:
        self._begin()
        self._flight._calls.add(self)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        self._flight._forget(self)
        return self._end(exc_type, exc, tb)

    def _begin(self) -> None:
        raise NotImplementedError

    def _end(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        """Leave the scope; True absorbs the exception (this scope's own cancellation)."""
        raise NotImplementedError


class _ScopedCall(Call):
    """A call whose scope is an anyio `CancelScope` with its deadline (trio, other loops)."""

    __slots__ = ("_scope",)

    def __init__(self, flight: InFlight, deadline: float, state: CallState) -> None:
        super().__init__(flight, deadline, state)
        self._scope = anyio.CancelScope(deadline=deadline)

    def cancel(self) -> None:
        self._scope.cancel()

    def _begin(self) -> None:
        self._scope.__enter__()

    def _end(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        return bool(self._scope.__exit__(exc_type, exc, tb))


class _TaskCall(Call):
    """A call on asyncio: its task is cancelled once, and that cancellation taken back."""

    __slots__ = ("_cancelled", "_cancelling", "_exited", "_task")

    def __init__(
        self, flight: InFlight, deadline: float, state: CallState, task: asyncio.Task[object]
    ) -> None:
        super().__init__(flight, deadline, state)
        self._task = task
        self._cancelling = 0
        self._cancelled = False
        self._exited = False

    def cancel(self) -> None:
        if self._cancelled or self._exited:
            return
        self._cancelled = True
        self.state.cancel_requested = True
        self._task.cancel()
        # A task's cancellation is delivered once: code that absorbs it (a token provider's
        # `anyio.run_process` does, then waits for its child) would outlive the call. While a
        # token is fetched the call also holds an anyio scope, which cancels at every await.
        scope = self.state.token_scope
        if scope is not None:
            scope.cancel()

    def _begin(self) -> None:
        self._cancelling = self._task.cancelling()
        if self.deadline != math.inf:
            self._flight._alarm_for(self.deadline)

    def _end(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        self._exited = True
        if not self._cancelled:
            return False
        # Take back the one cancellation this scope made; absorb it only when no other
        # (the caller's own, an enclosing scope's) is pending besides.
        return (
            self._task.uncancel() <= self._cancelling
            and exc_type is not None
            and issubclass(exc_type, asyncio.CancelledError)
        )


class InFlight:
    """The calls in progress of one Workspace; `close` cancels them all."""

    def __init__(self) -> None:
        self._calls: set[Call] = set()
        self._changed: anyio.Event | None = None
        self._alarm: asyncio.TimerHandle | None = None
        self._alarm_at = math.inf

    def track(self, timeout: float | None, state: CallState) -> Call:
        """A call to run as ``with in_flight.track(timeout, state) as call:``.

        It is cancelled by `close`, or after `timeout` seconds (also kept as the state's
        `deadline`, for the waits that refuse what would end past it).
        """
        try:
            task = asyncio.current_task()
        except RuntimeError:  # no asyncio loop running: trio
            task = None
        if task is None or not hasattr(task, "uncancel"):  # trio, or a task of another kind
            deadline = math.inf if timeout is None else anyio.current_time() + timeout
            state.deadline = deadline
            return _ScopedCall(self, deadline, state)
        deadline = math.inf if timeout is None else task.get_loop().time() + timeout
        state.deadline = deadline
        return _TaskCall(self, deadline, state, task)

    def _alarm_for(self, deadline: float) -> None:
        """Make the alarm ring no later than `deadline` (asyncio calls only)."""
        if self._alarm_at <= deadline:
            return
        if self._alarm is not None:
            self._alarm.cancel()
        self._alarm_at = deadline
        self._alarm = asyncio.get_running_loop().call_at(deadline, self._ring)

    def _ring(self) -> None:
        """Cancel the asyncio calls whose deadline has come; ring again at the next one."""
        self._alarm, self._alarm_at = None, math.inf
        now = asyncio.get_running_loop().time()
        nearest = math.inf
        for call in list(self._calls):
            if not isinstance(call, _TaskCall):
                continue
            if call.deadline <= now:
                call.cancel()
            elif call.deadline < nearest:
                nearest = call.deadline
        if nearest != math.inf:
            self._alarm_for(nearest)

    def _forget(self, call: Call) -> None:
        self._calls.discard(call)
        if self._changed is not None:
            self._changed.set()

    async def close(self) -> None:
        """Cancel every call in progress and wait (briefly, shielded) until they have ended.

        The call that closes, if any, is not waited for: it is the one running this.
        """
        if self._alarm is not None:
            self._alarm.cancel()
            self._alarm, self._alarm_at = None, math.inf
        current = CURRENT_CALL.get()
        for call in list(self._calls):
            if call.state is not current:
                call.closed = True
                in_flight = call.state.in_flight
                call.closed_while_sending = in_flight is not None and in_flight.may_have_applied
                call.cancel()
        with anyio.CancelScope(shield=True), anyio.move_on_after(_UNWIND_GRACE):
            while any(call.state is not current for call in self._calls):
                if self._changed is None or self._changed.is_set():  # shared by every closer
                    self._changed = anyio.Event()
                await self._changed.wait()
