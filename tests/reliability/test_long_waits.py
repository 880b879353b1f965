"""Hours of simulated waiting survive OAuth token expiry and transient polling errors."""

from __future__ import annotations

import itertools
import math

import anyio
import attrs
import pytest

from databricks_jobs import VirtualClock, Workspace
from databricks_jobs.testing import DEFAULT_CLIENT, Emulator

from ..resources.specs import two_task_job

pytestmark = pytest.mark.anyio

TOKEN_TTL = 300.0  # tokens expire every five simulated minutes
REFRESH_EVERY = TOKEN_TTL - min(120.0, TOKEN_TTL / 2)  # refreshed 120 s before expiry
WAITS = 20
TASK_SECONDS = 2 * 3600.0


async def test_concurrent_waits_across_hours_of_token_expiry(anyio_backend: str) -> None:
    clock = VirtualClock()
    emulator = Emulator(clock, token_ttl=TOKEN_TTL)
    emulator.script_task("a", duration=TASK_SECONDS)
    client_id, secret = DEFAULT_CLIENT
    async with (
        emulator.serve() as url,
        Workspace(host=url, client_id=client_id, client_secret=secret, clock=clock, env={}) as ws,
    ):
        job_id = await ws.jobs.create(attrs.evolve(two_task_job("long"), max_concurrent_runs=WAITS))
        started = [await ws.jobs.run_now(job_id) for _ in range(WAITS)]
        emulator.faults.add("503", path="runs/get", rate=0.05)
        emulator.faults.add("502", path="runs/get", rate=0.02)
        begin = clock.now()
        finished: list[int] = []

        async def wait(run_id: int) -> None:
            run = await ws.runs.wait(run_id, poll=30, max_poll=120)
            finished.append(run.run_id or 0)

        async with anyio.create_task_group() as tg:
            for run in started:
                tg.start_soon(wait, run.run_id)
        elapsed = clock.now() - begin

    assert sorted(finished) == sorted(r.run_id for r in started)
    assert elapsed > TASK_SECONDS  # hours of simulated time
    assert sum(emulator.faults.injected.values()) > 0
    # One token request per expiry, however many waits share the Workspace: never two
    # refreshes of the same token (they are at least a refresh period apart)...
    fetched = [r.time for r in emulator.requests_to("/oidc/v1/token")]
    assert len(fetched) == emulator.token_requests
    assert all(b - a >= REFRESH_EVERY for a, b in itertools.pairwise(fetched))
    assert math.floor(clock.now() / TOKEN_TTL) <= len(fetched) <= clock.now() / REFRESH_EVERY + 1
    # A request whose token expired while it waited for a connection (virtual time races
    # ahead of real I/O here) got a 401 and was sent once more with the fresh token: the
    # waits above all finished.
    rejected = [r for r in emulator.requests if r.status == 401]
    assert len(rejected) <= len(fetched) * WAITS
