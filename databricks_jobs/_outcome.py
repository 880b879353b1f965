"""`run_outcome`: what a run's state means, decided in one pure function.

The waiter, the bulk waiter and the command line's exit codes all use it. The newer
``status`` block is read first; the older ``state`` block only when ``status`` is absent.
A state this release does not know means "not finished yet", so a new intermediate state
never ends a wait early; so does a state block that is not an object at all (decoding keeps
whatever a server sent), and a message that is not text is left out.

=========================================  ====================  =========
status (state / termination code)          state (life cycle /   outcome
                                           result)
=========================================  ====================  =========
QUEUED, PENDING, RUNNING, TERMINATING,     QUEUED, PENDING,      running
BLOCKED, WAITING, unknown                  RUNNING, TERMINATING,
                                           BLOCKED,
                                           WAITING_FOR_RETRY,
                                           unknown
TERMINATED / SUCCESS                       TERMINATED / SUCCESS  success
TERMINATED / SUCCESS_WITH_FAILURES         ... SUCCESS_WITH_     success_with_failures
                                           FAILURES
TERMINATED / USER_CANCELED, CANCELED       ... CANCELED,         canceled
                                           UPSTREAM_CANCELED
TERMINATED / SKIPPED, DISABLED,            SKIPPED, or ...       skipped
MAX_CONCURRENT_RUNS_EXCEEDED,              DISABLED, EXCLUDED,
MAX_JOB_QUEUE_SIZE_EXCEEDED                MAXIMUM_CONCURRENT_
                                           RUNS_REACHED
TERMINATED / INTERNAL_ERROR                INTERNAL_ERROR        internal_error
TERMINATED / any other code, with the      ... TIMEDOUT          timed_out
older result TIMEDOUT
TERMINATED / any other code (an unknown    ... FAILED,           failed
code with type SUCCESS is success)         UPSTREAM_FAILED, or
                                           an unknown result
=========================================  ====================  =========
"""

from __future__ import annotations

import enum
from typing import Any, Final

import attrs

__all__ = ["OutcomeKind", "RunOutcome", "run_outcome"]


class OutcomeKind(enum.Enum):
    """What a run's state comes to."""

    RUNNING = "running"
    SUCCESS = "success"
    SUCCESS_WITH_FAILURES = "success_with_failures"
    FAILED = "failed"
    CANCELED = "canceled"
    TIMED_OUT = "timed_out"
    SKIPPED = "skipped"
    INTERNAL_ERROR = "internal_error"


@attrs.frozen
class RunOutcome:
    """The meaning of a run's state: `kind`, plus the raw `state`, `code` and `message` read."""

    kind: OutcomeKind
    state: str | None = None
    code: str | None = None
    message: str | None = None

    @property
    def finished(self) -> bool:
        """True once the run has ended, whatever the result."""
        return self.kind is not OutcomeKind.RUNNING

    @property
    def succeeded(self) -> bool:
        """True only for a plain success."""
        return self.kind is OutcomeKind.SUCCESS

    def describe(self) -> str:
        """One line for people: ``failed (RUN_EXECUTION_ERROR): Task a failed``."""
        text = self.kind.value.replace("_", " ")
        if self.code:
            text += f" ({self.code})"
        if self.message:
            text += f": {self.message}"
        return text


_CODE_KINDS: Final = {
    "SUCCESS": OutcomeKind.SUCCESS,
    "SUCCESS_WITH_FAILURES": OutcomeKind.SUCCESS_WITH_FAILURES,
    "USER_CANCELED": OutcomeKind.CANCELED,
    "CANCELED": OutcomeKind.CANCELED,
    "SKIPPED": OutcomeKind.SKIPPED,
    "DISABLED": OutcomeKind.SKIPPED,
    "MAX_CONCURRENT_RUNS_EXCEEDED": OutcomeKind.SKIPPED,
    "MAX_JOB_QUEUE_SIZE_EXCEEDED": OutcomeKind.SKIPPED,
    "INTERNAL_ERROR": OutcomeKind.INTERNAL_ERROR,
}
_RESULT_KINDS: Final = {
    "SUCCESS": OutcomeKind.SUCCESS,
    "SUCCESS_WITH_FAILURES": OutcomeKind.SUCCESS_WITH_FAILURES,
    "CANCELED": OutcomeKind.CANCELED,
    "UPSTREAM_CANCELED": OutcomeKind.CANCELED,
    "TIMEDOUT": OutcomeKind.TIMED_OUT,
    "DISABLED": OutcomeKind.SKIPPED,
    "EXCLUDED": OutcomeKind.SKIPPED,
    "MAXIMUM_CONCURRENT_RUNS_REACHED": OutcomeKind.SKIPPED,
    "FAILED": OutcomeKind.FAILED,
    "UPSTREAM_FAILED": OutcomeKind.FAILED,
}
_ENDED_LIFE_CYCLES: Final = frozenset({"TERMINATED", "SKIPPED", "INTERNAL_ERROR"})


def _text(value: Any) -> str | None:
    """An open enum member or plain string as its string value; anything else is None."""
    value = getattr(value, "value", value) if isinstance(value, enum.Enum) else value
    return value if isinstance(value, str) else None


def run_outcome(run: Any) -> RunOutcome:
    """Return what the state of `run` (a `Run`, `BaseRun` or `RunTask`) means. Pure."""
    state_block = getattr(run, "state", None)
    life_cycle = _text(getattr(state_block, "life_cycle_state", None))
    result = _text(getattr(state_block, "result_state", None))
    state_message = _text(getattr(state_block, "state_message", None)) or None

    status = getattr(run, "status", None)
    status_state = _text(getattr(status, "state", None))
    if status_state is not None:
        if status_state != "TERMINATED":
            return RunOutcome(OutcomeKind.RUNNING, status_state)
        details = getattr(status, "termination_details", None)
        code = _text(getattr(details, "code", None))
        message = _text(getattr(details, "message", None)) or state_message
        kind = _CODE_KINDS.get(code or "")
        if kind is None:
            if result == "TIMEDOUT":
                kind = OutcomeKind.TIMED_OUT
            elif code is None and result in _RESULT_KINDS:
                kind = _RESULT_KINDS[result]
            elif _text(getattr(details, "type", None)) == "SUCCESS":
                kind = OutcomeKind.SUCCESS
            else:
                kind = OutcomeKind.FAILED
        return RunOutcome(kind, status_state, code or result, message)

    if life_cycle not in _ENDED_LIFE_CYCLES:
        return RunOutcome(OutcomeKind.RUNNING, life_cycle)
    if life_cycle == "INTERNAL_ERROR":
        return RunOutcome(
            OutcomeKind.INTERNAL_ERROR, life_cycle, result or life_cycle, state_message
        )
    if life_cycle == "SKIPPED":
        return RunOutcome(OutcomeKind.SKIPPED, life_cycle, result, state_message)
    kind = _RESULT_KINDS.get(result or "", OutcomeKind.FAILED)
    return RunOutcome(kind, life_cycle, result, state_message)
