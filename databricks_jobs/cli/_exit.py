"""Exit statuses of the command, and the one-line form of an error.

=====  ==================================================================
 code  meaning
=====  ==================================================================
    0  success (a watched run ended in SUCCESS)
    1  an error: the request failed, bad configuration, a spec refused
    2  usage error (unknown option, missing argument, bad argument value)
    3  the run failed (FAILED, UPSTREAM_FAILED, unknown result)
    4  the run was canceled
    5  the run was skipped (skipped, disabled, excluded, concurrency limit)
    6  the run timed out (its own ``timeout_seconds``)
    7  the run ended with an internal error
    8  the run succeeded with failures (non-leaf tasks failed)
    9  still running when ``--timeout`` expired (the run goes on)
  130  interrupted (Ctrl-C); the run goes on
=====  ==================================================================
"""

from __future__ import annotations

import enum

from databricks_jobs import ApiError, OutcomeKind, RunOutcome

__all__ = ["ExitCode", "error_line", "exit_code_for"]


class ExitCode(enum.IntEnum):
    """The command's exit statuses (see the module docstring for the table)."""

    SUCCESS = 0
    ERROR = 1
    USAGE = 2
    FAILED = 3
    CANCELED = 4
    SKIPPED = 5
    TIMED_OUT = 6
    INTERNAL_ERROR = 7
    SUCCESS_WITH_FAILURES = 8
    STILL_RUNNING = 9
    INTERRUPTED = 130


_BY_KIND = {
    OutcomeKind.SUCCESS: ExitCode.SUCCESS,
    OutcomeKind.FAILED: ExitCode.FAILED,
    OutcomeKind.CANCELED: ExitCode.CANCELED,
    OutcomeKind.SKIPPED: ExitCode.SKIPPED,
    OutcomeKind.TIMED_OUT: ExitCode.TIMED_OUT,
    OutcomeKind.INTERNAL_ERROR: ExitCode.INTERNAL_ERROR,
    OutcomeKind.SUCCESS_WITH_FAILURES: ExitCode.SUCCESS_WITH_FAILURES,
    OutcomeKind.RUNNING: ExitCode.STILL_RUNNING,
}


def exit_code_for(outcome: RunOutcome) -> ExitCode:
    """The exit status for a run's outcome: 0 only for a plain success."""
    return _BY_KIND.get(outcome.kind, ExitCode.FAILED)


def error_line(exc: BaseException) -> str:
    """One line naming the error, its code and its message (never a secret or a traceback).

    The notes added on the way up (what to do with an idempotency token, which run id a
    call takes) follow the message, each in parentheses.
    """
    name = type(exc).__name__
    if isinstance(exc, ApiError):
        code = exc.error_code or f"HTTP {exc.status}"
        where = f" [{exc.method} {exc.path}]" if exc.method else ""
        request = f" (request id {exc.request_id})" if exc.request_id else ""
        text = f"{name} {code}: {exc.message}{where}{request}"
    else:
        text = f"{name}: {exc}" if str(exc) else name
    text += "".join(f" ({note})" for note in getattr(exc, "__notes__", ()))
    return "error: " + " ".join(text.split())
