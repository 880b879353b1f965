"""Every write endpoint, after an attempt that may have been applied, does what the table says.

For each row of the write table, under each transport (aiohttp on asyncio, httpx on asyncio
and on trio), a first attempt fails ambiguously: the connection drops after the request took
effect, the answer comes after the read timeout, a gateway answers 502 with a body that says
``TEMPORARILY_UNAVAILABLE`` after the request took effect, or the service answers 500 (not
applied here, but the client cannot know). Then:

- a write that is not safe to repeat is sent once and raises `OutcomeUnknown`, with the
  emulator's count of applications as the fault left it (0 or 1, never 2);
- a convergent write is sent again and ends in the state one application leaves;
- a trigger is sent again with the same idempotency token and starts exactly one run.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from databricks_jobs import OutcomeUnknown, StartedRun, Timeouts, Workspace
from databricks_jobs.testing import Emulator, VirtualClock

from ..core.loopback import Exchange, loopback_server
from ..resources.specs import two_task_job
from .writes import COMBOS, OPERATIONS, make_scene

pytestmark = pytest.mark.anyio

FAULTS: dict[str, tuple[dict[str, Any], bool]] = {
    # name: (the fault rule's options, whether the request takes effect)
    "drop_after": ({"kind": "drop_after"}, True),
    "stall": ({"kind": "stall", "seconds": 0.4}, True),
    "502 saying TEMPORARILY_UNAVAILABLE, applied": (
        {"kind": "502", "error_code": "TEMPORARILY_UNAVAILABLE", "applied": True},
        True,
    ),
    "500": ({"kind": "500"}, False),
}


@pytest.mark.parametrize(("anyio_backend", "transport"), COMBOS)
@pytest.mark.parametrize("fault", sorted(FAULTS))
@pytest.mark.parametrize("name", sorted(OPERATIONS))
async def test_every_write_after_an_ambiguous_attempt(
    anyio_backend: str, transport: str, name: str, fault: str
) -> None:
    op = OPERATIONS[name]
    options, takes_effect = FAULTS[fault]
    emulator = Emulator(VirtualClock())
    scene = make_scene(emulator)
    emulator.faults.next(path=op.fault_path, method=op.method, **options)
    async with (
        emulator.serve() as url,
        Workspace(
            host=url,
            token=emulator.token,
            clock=emulator.clock,
            transport=transport,  # type: ignore[arg-type]
            timeouts=Timeouts(read=0.1),  # a stalled answer trips it
            env={},
        ) as ws,
    ):
        if op.kind == "unsafe":
            with pytest.raises(OutcomeUnknown) as caught:
                await op.call(ws, scene)
            assert op.sent(emulator) == 1  # a repeat could apply it twice
            assert emulator.applied[op.counter] == int(takes_effect)
            assert caught.value.may_have_applied
            assert caught.value.error.may_have_applied
            return
        result = await op.call(ws, scene)
    assert op.sent(emulator) == 2  # sent again: safe
    if op.kind == "convergent":
        assert op.applied is not None
        assert op.applied(scene)  # the state one application leaves
        return
    assert isinstance(result, StartedRun)
    assert op.trigger is not None
    assert emulator.started_by_token(op.trigger) == {result.idempotency_token: result.run_id}
    assert emulator.applied[op.counter] == 1  # one run, started by the token


MISLEADING = ["TEMPORARILY_UNAVAILABLE", "RESOURCE_EXHAUSTED", "REQUEST_LIMIT_EXCEEDED"]


@pytest.mark.parametrize(("anyio_backend", "transport"), COMBOS)
@pytest.mark.parametrize("code", MISLEADING)
@pytest.mark.parametrize("status", [500, 502, 504])
async def test_a_5xx_is_judged_by_its_status_not_its_error_code(
    anyio_backend: str, transport: str, status: int, code: str
) -> None:
    async def answer(exchange: Exchange) -> None:
        if len(server.requests) == 1:
            body = json.dumps({"error_code": code, "message": "try again"}).encode()
            await exchange.respond(status, body)
        else:
            await exchange.respond(200, b'{"job_id": 7}')

    async with loopback_server(answer) as server:
        async with Workspace(
            host=server.url, token="dapi-x", transport=transport, clock=VirtualClock(), env={}
        ) as ws:  # type: ignore[arg-type]
            with pytest.raises(OutcomeUnknown) as caught:
                await ws.jobs.create(two_task_job())
    assert len(server.requests) == 1  # a second job would be a duplicate
    assert getattr(caught.value.error, "status", None) == status


@pytest.mark.parametrize(("anyio_backend", "transport"), COMBOS)
@pytest.mark.parametrize("code", ["INTERNAL_ERROR", *MISLEADING])
@pytest.mark.parametrize("status", [429, 503])
async def test_429_and_503_stay_retried_whatever_their_error_code(
    anyio_backend: str, transport: str, status: int, code: str
) -> None:
    async def answer(exchange: Exchange) -> None:
        if len(server.requests) == 1:
            body = json.dumps({"error_code": code, "message": "later"}).encode()
            await exchange.respond(status, body)
        else:
            await exchange.respond(200, b'{"job_id": 7}')

    async with loopback_server(answer) as server:
        async with Workspace(
            host=server.url, token="dapi-x", transport=transport, clock=VirtualClock(), env={}
        ) as ws:  # type: ignore[arg-type]
            assert await ws.jobs.create(two_task_job()) == 7
    assert len(server.requests) == 2
