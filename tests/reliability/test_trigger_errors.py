"""A failed trigger keeps its token, and says whether its run may exist.

When `run_now` or `submit` fail for good, the error carries the idempotency token that was
sent (`idempotency_token`) and whether an attempt may have started the run
(`may_have_applied`), with a note saying what to do; checked against the emulator's record of
which token started which run, under each transport over loopback.
"""

from __future__ import annotations

import traceback

import pytest

from databricks_jobs import (
    DecodeError,
    OutcomeUnknown,
    RequestTimeout,
    RetryPolicy,
    ServiceUnavailable,
    Timeouts,
    VirtualClock,
    Workspace,
    to_dict,
)
from databricks_jobs.models import NotebookTask, SubmitRun, SubmitTask
from databricks_jobs.testing import Emulator

from ..core.loopback import Exchange, loopback_server
from ..resources.specs import two_task_job
from .writes import COMBOS, handle

pytestmark = [pytest.mark.anyio, pytest.mark.parametrize(("anyio_backend", "transport"), COMBOS)]

SUBMIT = SubmitRun(
    run_name="adhoc",
    tasks=[
        SubmitTask(
            task_key="t", existing_cluster_id="c", notebook_task=NotebookTask(notebook_path="/n")
        )
    ],
)


def workspace(url: str, transport: str, **options: object) -> Workspace:
    options.setdefault("retry", RetryPolicy(attempts=3))
    return Workspace(
        host=url, token="dapi-emulator", transport=transport, clock=VirtualClock(), env={},
        **options,  # type: ignore[arg-type]
    )  # fmt: skip


def notes(error: BaseException) -> str:
    return "".join(traceback.format_exception(error))


async def test_a_trigger_that_may_have_started_a_run_says_so(
    anyio_backend: str, transport: str
) -> None:
    emulator = Emulator(VirtualClock())
    job_id = handle(emulator, "POST", "/api/2.2/jobs/create", to_dict(two_task_job()))["job_id"]
    emulator.faults.next("drop_after", path="jobs/run-now")  # the run starts, the answer is lost
    emulator.faults.next("503", n=2, path="jobs/run-now")  # then the retries run out
    async with emulator.serve() as url, workspace(url, transport) as ws:
        with pytest.raises(ServiceUnavailable) as caught:
            await ws.jobs.run_now(job_id)
        error = caught.value
        sent = {r.body["idempotency_token"] for r in emulator.requests_to("jobs/run-now")}
        assert sent == {error.idempotency_token}  # the one token every attempt carried
        assert error.may_have_applied  # the last 503 does not hide the dropped attempt
        assert emulator.started_by_token() == {error.idempotency_token: error_run(emulator)}
        assert f"idempotency token {error.idempotency_token}" in notes(error)
        assert "may have started a run" in notes(error)
        # Sending again with the token finds the run; nothing new starts.
        started = await ws.jobs.run_now(job_id, idempotency_token=error.idempotency_token)
    assert started.run_id == error_run(emulator)
    assert emulator.applied["jobs/run-now"] == 1


def error_run(emulator: Emulator) -> int:
    (run_id,) = emulator.started_by_token().values()
    return run_id


async def test_a_trigger_refused_every_time_started_nothing(
    anyio_backend: str, transport: str
) -> None:
    emulator = Emulator(VirtualClock())
    job_id = handle(emulator, "POST", "/api/2.2/jobs/create", to_dict(two_task_job()))["job_id"]
    emulator.faults.next("503", n=3, path="jobs/run-now")
    async with emulator.serve() as url, workspace(url, transport) as ws:
        with pytest.raises(ServiceUnavailable) as caught:
            await ws.jobs.run_now(job_id)
    assert caught.value.idempotency_token is not None
    assert not caught.value.may_have_applied
    assert "no attempt started a run" in notes(caught.value)
    assert emulator.started_by_token() == {}


async def test_a_submit_keeps_its_token_and_its_doubt(anyio_backend: str, transport: str) -> None:
    emulator = Emulator(VirtualClock())
    emulator.faults.next("stall", path="jobs/runs/submit", seconds=5)  # started, answered late
    emulator.faults.next("503", n=2, path="jobs/runs/submit")
    async with (
        emulator.serve() as url,
        workspace(url, transport, timeouts=Timeouts(read=0.1)) as ws,
    ):
        with pytest.raises(ServiceUnavailable) as caught:
            await ws.runs.submit(SUBMIT, idempotency_token="mine-1")
    assert caught.value.idempotency_token == "mine-1"
    assert caught.value.may_have_applied
    assert set(emulator.started_by_token("jobs/runs/submit")) == {"mine-1"}


async def test_a_trigger_cut_by_the_deadline_after_sending_may_have_started(
    anyio_backend: str, transport: str
) -> None:
    emulator = Emulator(VirtualClock())
    job_id = handle(emulator, "POST", "/api/2.2/jobs/create", to_dict(two_task_job()))["job_id"]
    emulator.faults.next("stall", path="jobs/run-now", seconds=5)
    timeouts = Timeouts(read=30, total=0.3)
    async with emulator.serve() as url, workspace(url, transport, timeouts=timeouts) as ws:
        with pytest.raises(RequestTimeout) as caught:
            await ws.jobs.run_now(job_id)
    assert caught.value.phase == "total"
    assert caught.value.may_have_applied
    assert set(emulator.started_by_token()) == {caught.value.idempotency_token}


async def test_an_unreadable_answer_to_a_trigger_says_the_run_exists(
    anyio_backend: str, transport: str
) -> None:
    async def started_but_garbled(exchange: Exchange) -> None:
        await exchange.respond(200, b'{"run_id": ')

    async with loopback_server(started_but_garbled) as server:
        async with workspace(server.url, transport) as ws:
            with pytest.raises(DecodeError) as caught:
                await ws.jobs.run_now(7, idempotency_token="tok-7")
    assert len(server.requests) == 1
    assert caught.value.idempotency_token == "tok-7"
    assert caught.value.may_have_applied  # a 200: the run was started


async def test_an_answer_without_a_run_id_says_the_run_exists(
    anyio_backend: str, transport: str
) -> None:
    async def started_without_id(exchange: Exchange) -> None:
        await exchange.respond(200, b"{}")

    async with loopback_server(started_without_id) as server:
        async with workspace(server.url, transport) as ws:
            with pytest.raises(DecodeError) as caught:
                await ws.runs.submit(SUBMIT, idempotency_token="tok-8")
    assert caught.value.idempotency_token == "tok-8"
    assert caught.value.may_have_applied


async def test_an_unsafe_write_cut_short_may_have_applied_and_has_no_token(
    anyio_backend: str, transport: str
) -> None:
    emulator = Emulator(VirtualClock())
    emulator.faults.next("drop_after", path="jobs/create")
    async with emulator.serve() as url, workspace(url, transport) as ws:
        with pytest.raises(OutcomeUnknown) as caught:
            await ws.jobs.create(two_task_job())
    assert caught.value.may_have_applied
    assert caught.value.idempotency_token is None
    assert "idempotency token" not in notes(caught.value)
