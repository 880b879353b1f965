"""What each Jobs API version serves, and what only API 2.2 handles.

One workspace answers under ``/api/2.0``, ``/api/2.1`` and ``/api/2.2``. API 2.2 pages the
arrays of jobs/get and runs/get; 2.1 answers with whole arrays and so refuses resources with
more than 100 tasks; 2.0 lacks runs/repair (the service's own API definition routes repair to
2.1, every other jobs call to 2.0 or 2.2) and answers single-task jobs in their own format.
"""

from __future__ import annotations

from ._jobs import invalid
from ._wire import ApiFailure

__all__ = [
    "API_VERSIONS",
    "PAGED_ARRAYS_FROM",
    "TASKS_BEFORE_2_2",
    "check_endpoint",
    "check_task_count",
]

API_VERSIONS = ("2.0", "2.1", "2.2")
PAGED_ARRAYS_FROM = "2.2"
TASKS_BEFORE_2_2 = 100
_NOT_IN_2_0 = frozenset({"jobs/runs/repair"})
_TOO_MANY_TASKS = "Resources with more than 100 tasks can only be handled by API 2.2 and above"


def check_endpoint(api_version: str, endpoint: str) -> None:
    """Refuse, with a clear 400, a jobs endpoint that `api_version` does not have."""
    if api_version == "2.0" and endpoint in _NOT_IN_2_0:
        raise ApiFailure(
            400,
            "BAD_REQUEST",
            f"{endpoint} is not part of the Jobs API 2.0; call /api/2.1/{endpoint} "
            f"or /api/2.2/{endpoint}.",
        )


def check_task_count(api_version: str, count: int) -> None:
    """Refuse a job or run with more than 100 tasks below API 2.2, as the service does."""
    if api_version != PAGED_ARRAYS_FROM and count > TASKS_BEFORE_2_2:
        raise invalid(_TOO_MANY_TASKS)
