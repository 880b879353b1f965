"""Requests without an idempotency token are never retried after an ambiguous failure."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from databricks_jobs import OutcomeUnknown, Timeouts, VirtualClock, Workspace
from databricks_jobs.models import JobSettings
from databricks_jobs.testing import Emulator

from ..resources.specs import two_task_job

pytestmark = pytest.mark.anyio

Operation = Callable[[Workspace, int, int], Awaitable[object]]

OPERATIONS: dict[str, tuple[str, Operation]] = {
    "jobs.create": ("jobs/create", lambda ws, job, run: ws.jobs.create(two_task_job("again"))),
    "jobs.update": (
        "jobs/update",
        lambda ws, job, run: ws.jobs.update(job, new_settings=JobSettings(name="renamed")),
    ),
    "jobs.delete": ("jobs/delete", lambda ws, job, run: ws.jobs.delete(job)),
    "runs.delete": ("runs/delete", lambda ws, job, run: ws.runs.delete(run)),
    "runs.repair": (
        "runs/repair",
        lambda ws, job, run: ws.runs.repair(run, rerun_all_failed_tasks=True),
    ),
}
FAULTS = ["drop_after", "500", "502", "stall"]


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("name", sorted(OPERATIONS))
async def test_ambiguous_failure_is_reported_not_retried(
    anyio_backend: str, name: str, fault: str
) -> None:
    path, operation = OPERATIONS[name]
    emulator = Emulator(VirtualClock())
    async with (
        emulator.serve() as url,
        Workspace(host=url, token=emulator.token, clock=emulator.clock, env={}) as setup,
        Workspace(  # the call under test: a stalled answer trips its short read timeout
            host=url,
            token=emulator.token,
            clock=emulator.clock,
            timeouts=Timeouts(read=0.3),
            env={},
        ) as ws,
    ):
        job_id = await setup.jobs.create(two_task_job())
        emulator.script_task("b", outcome="FAILED", error="x")
        run = await setup.jobs.run_now_and_wait(job_id, raise_on_failure=False)
        assert run.run_id is not None
        before = len(emulator.requests_to(path, "POST"))
        emulator.faults.next(fault, path=path, seconds=1.0)  # type: ignore[arg-type]
        with pytest.raises(OutcomeUnknown) as caught:
            await operation(ws, job_id, run.run_id)
        sent = len(emulator.requests_to(path, "POST")) - before
    assert sent == 1  # exactly one attempt: a retry could apply it twice
    assert caught.value.method == "POST"
    assert "outcome is unknown" in str(caught.value)
    assert caught.value.error is not None
