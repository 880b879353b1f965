"""Which writes may be repeated: one table classifying every write endpoint of the API.

A request is repeated when an attempt failed in a way that leaves open whether it was
applied (a connection dropped after sending, a read timeout, a 500, 502 or 504) and the
call tries again. That is safe only for a write that is *convergent*: any number of
applications leaves the same final state and gets the same answer as one, so a repeat can
neither do something twice nor report an applied write as failed. A trigger that carries an
idempotency token is safe too: the service answers a token it has seen with the run that
token started. Every other write is *not safe to repeat*: after an ambiguous failure the
call raises `OutcomeUnknown` instead of sending it again.

`WRITES` is the one table; docs/errors.md shows it (a test holds the two together).
Reads (GET, HEAD, OPTIONS) apply nothing and are always safe to repeat. A method or path
the table does not know follows HTTP: PUT and DELETE are idempotent (RFC 9110), POST and
PATCH are not.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, Final

import attrs

__all__ = ["READ_METHODS", "WRITES", "Repeat", "Write", "safe_to_repeat", "write_of"]

READ_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})
"""Methods that read only: repeating them can never apply anything."""
_IDEMPOTENT_METHODS: Final = READ_METHODS | {"PUT", "DELETE"}
"""Methods HTTP defines as idempotent (RFC 9110, 9.2.2), for paths the table does not know."""


class Repeat(enum.Enum):
    """Whether a write may be sent again after an attempt that may have been applied."""

    CONVERGENT = "convergent"
    """Any number of applications leaves the same state and gets the same answer as one."""
    UNSAFE = "not safe to repeat"
    """A repeat could apply it twice, or report an applied write as failed."""


@attrs.frozen
class Write:
    """One write endpoint: how repeating it behaves, and why.

    `safe_with` names a body field that makes a request of an unsafe endpoint safe to
    repeat when it is set (``idempotency_token``; ``validate_only``, a preview that changes
    nothing).
    """

    method: str
    endpoint: str
    """The endpoint as the rate limits name it (``jobs/run-now``, ``permissions/jobs/*``)."""
    operation: str
    """The brickjobs method that sends it."""
    repeat: Repeat
    why: str
    safe_with: str | None = None


WRITES: Final[tuple[Write, ...]] = (
    Write(
        "POST",
        "jobs/create",
        "jobs.create",
        Repeat.UNSAFE,
        "each application creates another job; the endpoint takes no idempotency token",
    ),
    Write(
        "POST",
        "jobs/update",
        "jobs.update",
        Repeat.UNSAFE,
        "a repeat of an update that removes a task or job cluster (fields_to_remove) is "
        "refused once the first removed it, so an applied update would be reported as failed",
    ),
    Write(
        "POST",
        "jobs/reset",
        "jobs.reset",
        Repeat.CONVERGENT,
        "replaces every setting: the job ends with the same settings however often it is "
        "applied, and every answer is empty",
    ),
    Write(
        "POST",
        "jobs/delete",
        "jobs.delete",
        Repeat.UNSAFE,
        "a repeat after the job was deleted is answered 'Job N does not exist', so an "
        "applied delete would be reported as NotFound",
    ),
    Write(
        "POST",
        "jobs/run-now",
        "jobs.run_now",
        Repeat.UNSAFE,
        "each application without a token starts another run; with a token the service "
        "answers a repeat with the run that token started (brickjobs always sends one)",
        safe_with="idempotency_token",
    ),
    Write(
        "POST",
        "jobs/runs/cancel-all",
        "jobs.cancel_all_runs",
        Repeat.UNSAFE,
        "a repeat cancels the runs started after the first application took effect",
    ),
    Write(
        "POST",
        "jobs/runs/submit",
        "runs.submit",
        Repeat.UNSAFE,
        "each application without a token starts another run; with a token the service "
        "answers a repeat with the run that token started (brickjobs always sends one)",
        safe_with="idempotency_token",
    ),
    Write(
        "POST",
        "jobs/runs/cancel",
        "runs.cancel",
        Repeat.CONVERGENT,
        "a cancelled or finished run stays so, and cancelling it again is accepted and "
        "changes nothing (only a repair of that run started between two attempts would be "
        "cancelled as well)",
    ),
    Write(
        "POST",
        "jobs/runs/delete",
        "runs.delete",
        Repeat.UNSAFE,
        "a repeat after the run was deleted is answered 'Run N does not exist', so an "
        "applied delete would be reported as NotFound",
    ),
    Write(
        "POST",
        "jobs/runs/repair",
        "runs.repair",
        Repeat.UNSAFE,
        "each application starts another repair; the endpoint takes no idempotency token",
    ),
    Write(
        "PUT",
        "permissions/jobs/*",
        "jobs.set_permissions",
        Repeat.CONVERGENT,
        "replaces the job's direct permissions; every answer is the resulting list",
    ),
    Write(
        "PATCH",
        "permissions/jobs/*",
        "jobs.update_permissions",
        Repeat.CONVERGENT,
        "grants the given levels and keeps the others: granting them again changes nothing, "
        "and every answer is the resulting list",
    ),
    Write(
        "POST",
        "policies/jobs/enforce-compliance",
        "jobs.enforce_compliance",
        Repeat.UNSAFE,
        "the answer lists the changes this application made; a repeat finds nothing left to "
        "change and answers has_changes false. A preview changes nothing",
        safe_with="validate_only",
    ),
)

_BY_KEY: Final[Mapping[tuple[str, str], Write]] = {(w.method, w.endpoint): w for w in WRITES}


def write_of(method: str, endpoint: str) -> Write | None:
    """The table's entry for a write endpoint (``"POST"``, ``"jobs/create"``), if it has one."""
    return _BY_KEY.get((method.upper(), endpoint))


def safe_to_repeat(method: str, endpoint: str, body: Mapping[str, Any] | None) -> bool:
    """Whether a request may be sent again after an attempt that may have been applied.

    Reads always; writes as `WRITES` says (a field named by `safe_with` makes an unsafe one
    safe when it is set); anything else as HTTP defines its method.
    """
    method = method.upper()
    if method in READ_METHODS:
        return True
    write = _BY_KEY.get((method, endpoint))
    if write is None:
        return method in _IDEMPOTENT_METHODS
    if write.repeat is Repeat.CONVERGENT:
        return True
    return write.safe_with is not None and bool((body or {}).get(write.safe_with))
