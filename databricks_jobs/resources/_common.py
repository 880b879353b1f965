"""What the resources share: the started-run result, argument checks and token generation."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from .._config import Seconds, seconds
from .._errors import DecodeError, SpecError
from ..models import Spec, validate

__all__ = [
    "StartedRun",
    "argument_seconds",
    "check_spec",
    "as_dict",
    "as_list",
    "enum_text",
    "check_page_size",
    "check_positive_id",
    "new_idempotency_token",
    "optional_seconds",
    "required_id",
    "wait_times",
]


@attrs.frozen
class StartedRun:
    """A run that `run_now` or `submit` started (or found already started by its token).

    Keep `idempotency_token`: sending the same trigger again with it can never start a
    second run. `job_id` is the job a ``run-now`` started the run of (None for a one-time
    run), which lets `bulk.wait` list that job's active runs instead of the workspace's.
    """

    run_id: int
    idempotency_token: str
    number_in_job: int | None = None
    job_id: int | None = None


def check_spec(spec: Spec, *, validate_by_default: bool, choice: bool | None) -> None:
    """Validate a spec before sending it, unless this call or the Workspace says not to.

    `choice` is the call's ``validate=`` (None: the Workspace's setting decides).
    """
    if validate_by_default if choice is None else choice:
        validate(spec)


def new_idempotency_token() -> str:
    """Return a fresh idempotency token (a UUID4: 36 characters, within the API's 64)."""
    return str(uuid.uuid4())


def check_page_size(value: int | None, *, name: str, low: int, high: int | None) -> None:
    """Refuse a page size outside the endpoint's range (`high` None: no upper bound)."""
    if value is None:
        return
    valid = isinstance(value, int) and not isinstance(value, bool) and value >= low
    if not valid or (high is not None and value > high):
        wanted = f"from {low} to {high}" if high is not None else f"of {low} or more"
        raise SpecError(f"must be an integer {wanted}, got {value!r}", field=name)


def check_positive_id(value: Any, *, name: str) -> int:
    """Return an id as int; refuse anything but a positive integer (or its digits)."""
    if isinstance(value, bool):
        raise SpecError(f"must be a positive integer id, got {value!r}", field=name)
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or value <= 0:
        raise SpecError(f"must be a positive integer id, got {value!r}", field=name)
    return value


def argument_seconds(value: Seconds, *, name: str) -> float:
    """Seconds from a number or timedelta; anything else is a `SpecError` naming the argument."""
    try:
        return seconds(value, name=name)
    except (TypeError, ValueError):
        raise SpecError(
            f"must be a duration of zero seconds or more (a number or a timedelta), got {value!r}",
            field=name,
        ) from None


def optional_seconds(value: Seconds | None, *, name: str) -> float | None:
    """Seconds from a number or timedelta (see `argument_seconds`); None stays None."""
    return None if value is None else argument_seconds(value, name=name)


def wait_times(
    timeout: Seconds | None, poll: Seconds, max_poll: Seconds = 30.0
) -> tuple[float | None, float, float]:
    """The checked times of a wait: deadline (None: none), first poll, longest poll.

    The ``*_and_wait`` methods call it before starting anything, so a bad argument never
    leaves a run started and unwatched.
    """
    limit = optional_seconds(timeout, name="timeout")
    interval = argument_seconds(poll, name="poll")
    return limit, interval, max(interval, argument_seconds(max_poll, name="max_poll"))


def required_id(value: int | None, name: str) -> int:
    """Return an id the response must carry; a response without it is a `DecodeError`.

    Decoding keeps whatever a response holds, so an id that is not an integer (``"seven"``,
    ``true``) is refused here, where the result must be one.
    """
    if value is None:
        raise DecodeError(f"the response carries no {name}", path=name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise DecodeError(f"the response's {name} is not an integer: {value!r}", path=name)
    return value


def as_dict(value: Mapping[str, str] | None) -> dict[str, str] | None:
    """A mapping argument as the dict the request models hold (None stays None)."""
    return dict(value) if value is not None else None


def as_list(value: Sequence[str] | None) -> list[str] | None:
    """A sequence argument as the list the request models hold (None stays None)."""
    return list(value) if value is not None else None


def enum_text(value: Any) -> str | None:
    """An enum member or plain string as the string sent on the wire."""
    return None if value is None else str(getattr(value, "value", value))
