"""Client-side validation of specs before they are sent; never run on responses.

`validate(spec)` refuses only what the service certainly refuses, and says so with a
`SpecError` naming the offending field (``tasks[2].depends_on[0]``). Each refusal cites its
source, in docs/models.md and beside its rule in ``models/_validation.py``: the API reference
(the field docs of ``tools/reference/jobs_api_types.json``; the Jobs API 2.1 OpenAPI
description for patterns and lengths) or a service answer recorded in a public issue. What is
only likely to be refused, or was seen refused in some setups and accepted in others, is a
warning of the category `SpecWarning` instead, and the spec is sent as it is.

It accepts job settings, the request bodies that carry a spec (create, reset, update,
runs/submit, run-now, repair) and a bare sequence of tasks (`Task` or `SubmitTask`). Values of
another JSON type than a field declares (kept from a payload, or assigned) are warned about
and sent as they are; the rules that need the declared type skip them.
"""

from databricks_jobs._surface import present_as as _present_as
from databricks_jobs.models._validation import (
    COMPUTE_FIELDS,
    MAX_CONCURRENT_RUNS,
    MAX_IDEMPOTENCY_TOKEN_LENGTH,
    MAX_JOB_DESCRIPTION_LENGTH,
    MAX_NAME_BYTES,
    MAX_TAGS,
    MAX_TASK_KEY_LENGTH,
    MAX_TASKS,
    Spec,
    SpecWarning,
    check_idempotency_token,
    check_quartz_cron,
    validate,
)

__all__ = [
    "COMPUTE_FIELDS",
    "MAX_CONCURRENT_RUNS",
    "MAX_IDEMPOTENCY_TOKEN_LENGTH",
    "MAX_JOB_DESCRIPTION_LENGTH",
    "MAX_NAME_BYTES",
    "MAX_TAGS",
    "MAX_TASKS",
    "MAX_TASK_KEY_LENGTH",
    "Spec",
    "SpecWarning",
    "check_idempotency_token",
    "check_quartz_cron",
    "validate",
]

for _value in (SpecWarning, check_idempotency_token, check_quartz_cron, validate):
    _present_as(__name__, _value)
del _value
