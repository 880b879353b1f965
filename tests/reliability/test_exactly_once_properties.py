"""Exactly-once as a property: random fault schedules x every write endpoint x each transport.

Each example builds a fresh emulator and scene, scripts the next few answers of one write
endpoint (drops before and after it took effect, stalls, 500/502/504 that did or did not
take effect, with honest or misleading error codes, 503 and 429), and for an OAuth
workspace the next answers of the token endpoint, then makes the call once over loopback;
a stall is cut short by the read timeout or by the total deadline. What the emulator
applied and what the call raised must be a pair the write table allows:

- not safe to repeat: success with 1 application, a typed error with 0 (and
  ``may_have_applied`` False), or `OutcomeUnknown` with 0 or 1, never 2;
- convergent: success ends in the state one application leaves; an error whose call never
  may have applied it leaves the state as it was;
- a trigger with a token: at most one run, started by that token; success names it; an
  error with ``may_have_applied`` False started none.

The suite runs it on a fixed seed (a few seconds). The longer form is marked ``long`` and
left out of the normal run: ``pytest -m long tests/reliability/test_exactly_once_properties.py``
(``BRICKJOBS_PROPERTY_EXAMPLES`` sets how many examples, 600 by default).
"""

from __future__ import annotations

import os
from typing import Any

import anyio
import pytest
from hypothesis import given, seed, settings
from hypothesis import strategies as st

from databricks_jobs import (
    DatabricksError,
    OutcomeUnknown,
    RetryPolicy,
    StartedRun,
    Timeouts,
    VirtualClock,
    Workspace,
)
from databricks_jobs.testing import DEFAULT_CLIENT, Emulator

from .writes import COMBOS, OPERATIONS, make_scene

Fault = tuple[str, dict[str, Any]]

FAULTS: list[Fault] = [
    ("drop_before", {}),
    ("drop_after", {}),
    ("stall", {"seconds": 0.3}),
    ("500", {}),
    ("500", {"applied": True}),
    ("500", {"applied": True, "error_code": "TEMPORARILY_UNAVAILABLE"}),
    ("502", {}),
    ("502", {"applied": True, "error_code": "RESOURCE_EXHAUSTED"}),
    ("504", {"applied": True}),
    ("504", {"error_code": "REQUEST_LIMIT_EXCEEDED"}),
    ("503", {}),
    ("503", {"error_code": "INTERNAL_ERROR"}),
    ("429", {}),
]
TOKEN_FAULTS: list[Fault] = [
    ("drop_before", {}),
    ("drop_after", {}),
    ("500", {}),
    ("503", {}),
    ("token_null", {}),
    ("token_html", {}),
]

examples = st.fixed_dictionaries(
    {
        "name": st.sampled_from(sorted(OPERATIONS)),
        "combo": st.sampled_from(COMBOS),
        "faults": st.lists(st.sampled_from(FAULTS), max_size=4),
        "oauth": st.booleans(),
        "token_faults": st.lists(st.sampled_from(TOKEN_FAULTS), max_size=2),
        "deadline": st.booleans(),
    }
)


def check(example: dict[str, Any]) -> None:
    """Run one example in its own event loop and check what it left."""
    backend, transport = example["combo"]
    anyio.run(_check, example, transport, backend=backend)


async def _check(example: dict[str, Any], transport: str) -> None:
    op = OPERATIONS[example["name"]]
    emulator = Emulator(VirtualClock())
    scene = make_scene(emulator)
    before = op.applied(scene) if op.applied is not None else None
    for kind, options in example["faults"]:
        emulator.faults.next(kind, path=op.fault_path, method=op.method, **options)  # type: ignore[arg-type]
    credentials: dict[str, str] = {"token": emulator.token}
    if example["oauth"]:
        client_id, client_secret = DEFAULT_CLIENT
        credentials = {"client_id": client_id, "client_secret": client_secret}
        for kind, options in example["token_faults"]:
            emulator.faults.next(kind, path="/oidc/v1/token", **options)  # type: ignore[arg-type]
    result: object = None
    error: DatabricksError | None = None
    async with (
        emulator.serve() as url,
        Workspace(
            host=url,
            clock=emulator.clock,
            transport=transport,  # type: ignore[arg-type]
            # A stalled answer trips the read timeout, or the total deadline first.
            timeouts=Timeouts(read=5, total=0.25) if example["deadline"] else Timeouts(read=0.1),
            retry=RetryPolicy(attempts=3),
            env={},
            **credentials,
        ) as ws,
    ):
        try:
            result = await op.call(ws, scene)
        except DatabricksError as raised:
            error = raised
    applications = emulator.applied[op.counter]
    if op.kind == "unsafe":
        if error is None:
            assert applications == 1
        elif isinstance(error, OutcomeUnknown):
            assert applications in (0, 1)
        else:
            assert applications == 0, error
            assert not error.may_have_applied, error
        return
    if op.kind == "convergent":
        assert op.applied is not None
        if error is None:
            assert op.applied(scene)  # the state one application leaves
        elif not error.may_have_applied:
            assert op.applied(scene) == before, error  # left as it was
        return
    assert op.trigger is not None
    started = emulator.started_by_token(op.trigger)
    assert applications == len(started) <= 1  # at most one run, and it has its token
    sent = {r.body["idempotency_token"] for r in emulator.requests_to(op.fault_path.strip("*"))}
    assert len(sent) <= 1  # every attempt carried the same token
    if error is None:
        assert isinstance(result, StartedRun)
        assert started == {result.idempotency_token: result.run_id}
    else:
        assert error.idempotency_token in (sent or {error.idempotency_token})
        if not error.may_have_applied:
            assert started == {}, error


@seed(20261129)
@settings(max_examples=100, deadline=None, database=None)
@given(example=examples)
def test_writes_keep_exactly_once_under_random_faults(example: dict[str, Any]) -> None:
    check(example)


@pytest.mark.long
@settings(
    max_examples=int(os.environ.get("BRICKJOBS_PROPERTY_EXAMPLES", "600")),
    deadline=None,
    database=None,
)
@given(example=examples)
def test_writes_keep_exactly_once_under_random_faults_long(example: dict[str, Any]) -> None:
    check(example)
