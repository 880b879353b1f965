"""The FastAPI example, through its ASGI app, against the emulator (asyncio and trio).

Most tests talk to the app through httpx's ASGI transport. Callers that disconnect are
driven straight through the ASGI interface (`Caller`): httpx's transport runs the app in
the caller's own task and never sends ``http.disconnect`` before the answer, where a
server such as uvicorn leaves the handler running and sends it.
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any

import anyio
import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Message

from databricks_jobs import RateLimits, RetryPolicy, Timeouts, VirtualClock, Workspace
from databricks_jobs.models import JobSettings, NotebookTask, QueueSettings, Task
from databricks_jobs.testing import DEFAULT_TOKEN, Emulator

pytestmark = pytest.mark.anyio

EXAMPLE = Path(__file__).parents[2] / "examples" / "fastapi_app.py"


def load_example() -> ModuleType:
    """Import examples/fastapi_app.py (not a package) under its own name."""
    spec = importlib.util.spec_from_file_location("fastapi_app", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


example = load_example()

SETTINGS = JobSettings(
    name="nightly",
    tasks=[
        Task(task_key="a", existing_cluster_id="c", notebook_task=NotebookTask(notebook_path="/a")),
        Task(
            task_key="b",
            existing_cluster_id="c",
            notebook_task=NotebookTask(notebook_path="/b"),
            depends_on=["a"],
        ),
    ],
)


class Service:
    """The app under test, a client for it, and the Workspaces its factory made."""

    def __init__(
        self,
        emulator: Emulator,
        retry: RetryPolicy | None,
        *,
        clock: VirtualClock | None = None,
        settings: Any = None,
        **options: Any,
    ) -> None:
        self.emulator = emulator
        self.retry = retry
        self.clock = clock or emulator.clock
        self.options = options
        self.workspaces: list[Workspace] = []
        settings = settings or example.Settings(shutdown_grace=0.2)
        self.app = example.create_app(self.make_workspace, settings=settings)
        self.asgi: ASGIApp = self.app  # with the lifespan's state once running
        self.state: dict[str, Any] = {}

    def make_workspace(self) -> Workspace:
        workspace = Workspace(
            host="https://emulator.local",
            token=DEFAULT_TOKEN,
            transport=self.emulator.transport(),
            clock=self.clock,
            retry=self.retry,
            env={},
            **self.options,
        )
        self.workspaces.append(workspace)
        return workspace

    @property
    def ws(self) -> Workspace:
        (workspace,) = self.workspaces
        return workspace

    @property
    def triggers(self) -> Any:
        """The app's `Triggers` (its lifespan state, as every request sees it)."""
        return self.state["triggers"]


@asynccontextmanager
async def running(
    emulator: Emulator, retry: RetryPolicy | None = None, **options: Any
) -> AsyncIterator[tuple[Service, httpx.AsyncClient]]:
    service = Service(emulator, retry, **options)
    async with (
        LifespanManager(service.app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://service"
        ) as client,
    ):
        service.asgi = manager.app
        service.state = manager._state
        yield service, client


async def test_one_workspace_for_the_whole_app(emulator: Emulator, anyio_backend: str) -> None:
    async with running(emulator) as (service, client):
        for _ in range(3):
            health = await client.get("/healthz")
            assert health.json() == {
                "workspace": "https://emulator.local",
                "state": "open",
                "triggers": 0,
            }
        assert len(service.workspaces) == 1
    assert service.ws.state == "closed"


async def test_trigger_then_report_until_success(emulator: Emulator, anyio_backend: str) -> None:
    async with running(emulator) as (service, client):
        job_id = await service.ws.jobs.create(SETTINGS)
        started = await client.post(f"/jobs/{job_id}/runs", json={"job_parameters": {"d": "1"}})
        assert started.status_code == 202
        run_id = started.json()["run_id"]
        assert started.headers["location"] == f"http://service/runs/{run_id}"
        assert started.json()["status_url"] == started.headers["location"]

        now = await client.get(f"/runs/{run_id}")
        assert now.status_code == 200
        assert now.json()["outcome"] == "running"
        assert now.json()["finished"] is False

        done = await client.get(f"/runs/{run_id}", params={"wait": 60})
        assert done.json()["outcome"] == "success"
        assert done.json()["succeeded"] is True
        assert done.json()["job_id"] == job_id
    sent = emulator.requests_to("jobs/run-now")[0].body
    assert sent["job_parameters"] == {"d": "1"}
    assert emulator.applied["jobs/run-now"] == 1


async def test_failed_tasks_are_reported(emulator: Emulator, anyio_backend: str) -> None:
    emulator.script_task("b", outcome="FAILED", error="bad row")
    async with running(emulator) as (service, client):
        job_id = await service.ws.jobs.create(SETTINGS)
        run_id = (await client.post(f"/jobs/{job_id}/runs", json={})).json()["run_id"]
        status = (await client.get(f"/runs/{run_id}", params={"wait": 60})).json()
    assert status["outcome"] == "failed"
    assert status["finished"] is True
    assert status["succeeded"] is False
    assert list(status["failed_tasks"]) == ["b"]
    assert "bad row" in status["failed_tasks"]["b"]


async def test_a_long_poll_that_times_out_reports_the_running_run(
    emulator: Emulator, anyio_backend: str
) -> None:
    emulator.script_task("a", duration=3600)
    async with running(emulator) as (service, client):
        job_id = await service.ws.jobs.create(SETTINGS)
        run_id = (await client.post(f"/jobs/{job_id}/runs", json={})).json()["run_id"]
        status = await client.get(f"/runs/{run_id}", params={"wait": 30})
    assert status.status_code == 200
    assert status.json()["outcome"] == "running"
    assert emulator.applied["jobs/runs/cancel"] == 0


async def test_the_same_idempotency_key_starts_one_run(
    emulator: Emulator, anyio_backend: str
) -> None:
    async with running(emulator) as (service, client):
        job_id = await service.ws.jobs.create(SETTINGS)
        headers = {"Idempotency-Key": "order-42"}
        first = await client.post(f"/jobs/{job_id}/runs", json={}, headers=headers)
        again = await client.post(f"/jobs/{job_id}/runs", json={}, headers=headers)
    assert first.status_code == again.status_code == 202
    assert first.json() == again.json()
    assert first.json()["idempotency_key"] == "order-42"
    assert emulator.applied["jobs/run-now"] == 1
    assert emulator.applied["jobs/run-now:replayed"] == 1


async def test_unknown_job_and_run_are_404(emulator: Emulator, anyio_backend: str) -> None:
    async with running(emulator) as (_, client):
        job = await client.post("/jobs/999/runs", json={})
        run = await client.get("/runs/888")
    assert job.status_code == 404
    assert "999" in job.json()["detail"]
    assert run.status_code == 404
    assert "888" in run.json()["detail"]


async def test_a_spec_error_is_422_and_nothing_is_sent(
    emulator: Emulator, anyio_backend: str
) -> None:
    async with running(emulator) as (_, client):
        response = await client.post("/jobs/0/runs", json={})
    assert response.status_code == 422
    assert "job_id" in response.json()["detail"]
    assert emulator.requests_to("jobs/run-now") == []


async def test_throttling_is_503_with_retry_after_once_retries_run_out(
    emulator: Emulator, anyio_backend: str
) -> None:
    emulator.faults.add("429", path="jobs/run-now", retry_after=7)
    # 429s are retried until the time budget: 15 s holds three attempts 7 s apart.
    async with running(emulator, RetryPolicy(attempts=3, budget=15)) as (service, client):
        job_id = await service.ws.jobs.create(SETTINGS)
        response = await client.post(f"/jobs/{job_id}/runs", json={})
    assert response.status_code == 503
    assert response.headers["retry-after"] == "7"
    assert len(emulator.requests_to("jobs/run-now")) == 3  # retried before giving up
    assert emulator.applied["jobs/run-now"] == 0


async def test_a_job_at_its_run_limit_is_409(emulator: Emulator, anyio_backend: str) -> None:
    settings = JobSettings(
        name="single",
        max_concurrent_runs=1,
        queue=QueueSettings(enabled=False),
        tasks=SETTINGS.tasks,
    )
    async with running(emulator) as (service, client):
        job_id = await service.ws.jobs.create(settings)
        first = await client.post(f"/jobs/{job_id}/runs", json={})
        second = await client.post(f"/jobs/{job_id}/runs", json={})
    assert first.status_code == 202
    assert second.status_code == 409
    assert "active runs" in second.json()["detail"]


async def test_a_caller_going_away_never_cancels_the_run(anyio_backend: str) -> None:
    clock = VirtualClock(auto_advance=False)
    emulator = Emulator(clock)
    async with running(emulator) as (service, client):
        job_id = await service.ws.jobs.create(SETTINGS)
        run_id = (await client.post(f"/jobs/{job_id}/runs", json={})).json()["run_id"]

        async with anyio.create_task_group() as tg:
            tg.start_soon(partial(client.get, f"/runs/{run_id}", params={"wait": 60}))
            with anyio.fail_after(10):  # a guard against a hang, not a timing assertion
                while clock.sleepers == 0:  # until the handler has polled once and sleeps
                    await anyio.wait_all_tasks_blocked()
            tg.cancel_scope.cancel()  # the caller goes away: the request task is cancelled

        assert len(emulator.requests_to("jobs/runs/get")) == 1
        assert emulator.applied["jobs/runs/cancel"] == 0
        assert emulator.run_state(run_id)["state"]["life_cycle_state"] != "TERMINATED"
        clock.advance(3600)
        status = (await client.get(f"/runs/{run_id}")).json()
    assert status["outcome"] == "success"


async def test_a_trigger_interrupted_midway_is_resent_exactly_once(
    emulator: Emulator, anyio_backend: str
) -> None:
    emulator.faults.add("latency", path="jobs/run-now", seconds=30, times=1)
    async with running(emulator) as (service, client):
        job_id = await service.ws.jobs.create(SETTINGS)
        headers = {"Idempotency-Key": "retry-me"}
        with anyio.move_on_after(0.2) as interrupted:  # the caller gives up mid-request
            await client.post(f"/jobs/{job_id}/runs", json={}, headers=headers)
        assert interrupted.cancelled_caught
        resent = await client.post(f"/jobs/{job_id}/runs", json={}, headers=headers)
        assert resent.status_code == 202
        runs = [run.run_id async for run in service.ws.runs.list(job_id=job_id)]
    assert runs == [resent.json()["run_id"]]
    assert emulator.applied["jobs/run-now"] == 1


# --- callers that go away, overload, throttling, shutdown -----------------------------------


class Caller:
    """One HTTP request driven straight through the ASGI app: it can disconnect.

    Its ``receive`` hands over the request body, then waits until `leave` is called and
    answers ``http.disconnect``, as a server does when the client closes the connection.
    """

    def __init__(
        self,
        app: ASGIApp,
        method: str,
        path: str,
        body: object = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.app = app
        raw = [(b"host", b"service"), (b"content-type", b"application/json")]
        raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
        self.scope: dict[str, Any] = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": raw,
            "client": ("127.0.0.1", 50000),
            "server": ("service", 80),
        }
        self.body = json.dumps(body).encode() if body is not None else b""
        self.sent: list[Message] = []
        self.gone = anyio.Event()
        self.finished = anyio.Event()
        self._body_read = False

    def leave(self) -> None:
        """The client closes its connection."""
        self.gone.set()

    async def __call__(self) -> None:
        try:
            await self.app(self.scope, self._receive, self._send)
        finally:
            self.finished.set()

    async def _receive(self) -> Message:
        if not self._body_read:
            self._body_read = True
            return {"type": "http.request", "body": self.body, "more_body": False}
        await self.gone.wait()
        return {"type": "http.disconnect"}

    async def _send(self, message: Message) -> None:
        self.sent.append(message)

    @property
    def status(self) -> int | None:
        starts = [m for m in self.sent if m["type"] == "http.response.start"]
        return int(starts[0]["status"]) if starts else None


async def until(condition: Callable[[], bool]) -> None:
    """Let the other tasks run until `condition` holds (real time, bounded: a hang guard)."""
    with anyio.fail_after(10):
        while not condition():  # noqa: ASYNC110 - conditions of other tasks and the clock
            await anyio.sleep(0.001)


async def test_dependencies_are_async(anyio_backend: str) -> None:
    # A plain `def` dependency runs in FastAPI's threadpool, one thread hop per request.
    app = example.create_app(lambda: Workspace(host="https://x", token="t", env={}))
    calls = [
        dependency.call
        for route in app.routes
        if isinstance(route, APIRoute)
        for dependency in route.dependant.dependencies
    ]
    assert calls
    assert all(inspect.iscoroutinefunction(call) for call in calls), calls


async def test_a_trigger_waiting_at_the_limiter_is_dropped_when_its_caller_leaves(
    emulator: Emulator, anyio_backend: str
) -> None:
    clock = VirtualClock(auto_advance=False)
    limits = RateLimits(per_endpoint={"jobs/run-now": 1})
    async with (
        running(emulator, clock=clock, rate_limits=limits) as (service, client),
        anyio.create_task_group() as tg,
    ):
        job_id = await service.ws.jobs.create(SETTINGS)
        first = await client.post(f"/jobs/{job_id}/runs", json={})  # this second's slot
        assert first.status_code == 202
        caller = Caller(service.asgi, "POST", f"/jobs/{job_id}/runs", {}, {"Idempotency-Key": "k2"})
        tg.start_soon(caller)
        await until(lambda: clock.sleepers == 1)  # its trigger waits 1 s for its slot
        caller.leave()
        await until(caller.finished.is_set)
        assert caller.sent == []  # no answer for a caller who left
        assert clock.sleepers == 0  # nothing waits any more: the slot was given back
        assert (await client.get("/healthz")).json()["triggers"] == 0
        clock.advance(5)
        await anyio.sleep(0.01)
        assert len(emulator.requests_to("jobs/run-now")) == 1  # it was never sent
        # Its slot went back: the next trigger is sent at once (its slot is 1 s after the
        # first, which has passed), not after the abandoned one.
        second = await client.post(f"/jobs/{job_id}/runs", json={})
        assert second.status_code == 202
    assert emulator.applied["jobs/run-now"] == 2
    assert "k2" not in emulator.started_by_token()


async def test_a_long_poll_stops_polling_when_its_caller_leaves(
    emulator: Emulator, anyio_backend: str
) -> None:
    clock = VirtualClock(auto_advance=False)
    emulator.script_task("a", duration=3600)
    async with (
        running(emulator, clock=clock) as (service, client),
        anyio.create_task_group() as tg,
    ):
        job_id = await service.ws.jobs.create(SETTINGS)
        run_id = (await client.post(f"/jobs/{job_id}/runs", json={})).json()["run_id"]
        caller = Caller(service.asgi, "GET", f"/runs/{run_id}")
        caller.scope["query_string"] = b"wait=60"
        tg.start_soon(caller)
        await until(lambda: clock.sleepers == 1)  # polled once, sleeps until the next
        caller.leave()
        await until(caller.finished.is_set)
        assert clock.sleepers == 0
        clock.advance(60)
        await anyio.sleep(0.01)
    assert len(emulator.requests_to("jobs/runs/get")) == 1
    assert emulator.applied["jobs/runs/cancel"] == 0  # the run goes on


async def test_a_sent_trigger_finishes_and_its_run_is_kept_for_the_retry(
    emulator: Emulator, anyio_backend: str
) -> None:
    # The request is applied at once and answered 0.3 s later (real time).
    emulator.faults.next("stall", path="jobs/run-now", seconds=0.3)
    async with running(emulator) as (service, client), anyio.create_task_group() as tg:
        job_id = await service.ws.jobs.create(SETTINGS)
        key = {"Idempotency-Key": "order-7"}
        caller = Caller(service.asgi, "POST", f"/jobs/{job_id}/runs", {}, key)
        tg.start_soon(caller)
        await until(lambda: emulator.applied["jobs/run-now"] == 1)  # it left, and started
        caller.leave()
        await until(caller.finished.is_set)
        assert caller.sent == []
        # The trigger goes on without its caller, to the end...
        await until(lambda: service.triggers.going == 0)
        # ... and the caller's retry with the same key gets its run, without a request.
        retried = await client.post(f"/jobs/{job_id}/runs", json={}, headers=key)
        again = await client.post(f"/jobs/{job_id}/runs", json={}, headers=key)
    assert retried.status_code == again.status_code == 202
    assert retried.json()["run_id"] == emulator.started_by_token()["order-7"]
    assert again.json() == retried.json()
    assert len(emulator.requests_to("jobs/run-now")) == 1
    assert emulator.applied["jobs/run-now"] == 1


async def test_kept_runs_expire_and_are_bounded(emulator: Emulator, anyio_backend: str) -> None:
    clock = VirtualClock()
    settings = example.Settings(shutdown_grace=0.2, kept_triggers=1, keep_seconds=60)
    async with (
        running(emulator, clock=clock, settings=settings) as (service, client),
        anyio.create_task_group() as tg,
    ):
        job_id = await service.ws.jobs.create(SETTINGS)
        for sent, key in enumerate(("a", "b", "c"), start=1):
            emulator.faults.next("stall", path="jobs/run-now", seconds=0.05)
            caller = Caller(
                service.asgi, "POST", f"/jobs/{job_id}/runs", {}, {"Idempotency-Key": key}
            )
            tg.start_soon(caller)
            await until(lambda: len(emulator.requests_to("jobs/run-now")) == sent)  # noqa: B023
            caller.leave()
            await until(lambda: service.triggers.going == 0)
        triggers = service.triggers
        assert triggers.kept_run("a") is None  # only the latest one is kept
        assert triggers.kept_run("b") is None
        kept = triggers.kept_run("c")
        assert kept is not None
        assert kept.run_id == emulator.started_by_token()["c"]
        clock.advance(61)
        assert triggers.kept_run("c") is None  # expired
        # A retry after that sends the token again: the service answers with the same run.
        retried = await client.post(
            f"/jobs/{job_id}/runs", json={}, headers={"Idempotency-Key": "c"}
        )
    assert retried.json()["run_id"] == kept.run_id
    assert emulator.applied["jobs/run-now"] == 3
    assert emulator.applied["jobs/run-now:replayed"] == 1


async def test_under_overload_callers_get_runs_or_fast_refusals(
    emulator: Emulator, anyio_backend: str
) -> None:
    # Two run-now a second (a burst of two), and 2.25 s for each call: slots at 0, 0, 0.5,
    # 1, 1.5 and 2 fit; nine callers at once are 1.5 times what fits. The clock stands
    # until the test moves it, so "at once" means before any time passed.
    clock = VirtualClock(auto_advance=False)
    limits = RateLimits(per_endpoint={"jobs/run-now": 2})
    timeouts = Timeouts(total=2.25)
    async with (
        running(emulator, clock=clock, rate_limits=limits, timeouts=timeouts) as (
            service,
            client,
        ),
        anyio.create_task_group() as tg,
    ):
        job_id = await service.ws.jobs.create(SETTINGS)
        answers: list[tuple[float, httpx.Response]] = []

        async def call() -> None:
            response = await client.post(f"/jobs/{job_id}/runs", json={})
            answers.append((clock.now(), response))

        for _ in range(9):
            tg.start_soon(call)
        await until(lambda: len(answers) == 5)  # two sent, three refused: time stands
        for _ in range(4):
            clock.advance(0.5)
            await until(lambda: len(answers) == 5 + round(clock.now() / 0.5))
    started = sorted(at for at, r in answers if r.status_code == 202)
    refused = [(at, r) for at, r in answers if r.status_code == 503]
    assert started == [0.0, 0.0, 0.5, 1.0, 1.5, 2.0]  # the limit, and no more
    assert len(refused) == 3
    for at, response in refused:
        assert at == 0.0  # at once, not after waiting
        assert response.headers["retry-after"] == "3"  # the next slot, 2.5 s away
        assert "rate limit" in response.json()["detail"]
    assert emulator.applied["jobs/run-now"] == 6


async def test_a_429_on_run_now_leaves_status_reads_at_full_speed(
    emulator: Emulator, anyio_backend: str
) -> None:
    clock = VirtualClock(auto_advance=False)
    async with (
        running(emulator, clock=clock) as (service, client),
        anyio.create_task_group() as tg,
    ):
        job_id = await service.ws.jobs.create(SETTINGS)
        run_id = (await client.post(f"/jobs/{job_id}/runs", json={})).json()["run_id"]
        emulator.faults.next("429", path="jobs/run-now", retry_after=10)
        triggered: list[httpx.Response] = []

        async def trigger() -> None:
            triggered.append(await client.post(f"/jobs/{job_id}/runs", json={}))

        tg.start_soon(trigger)
        await until(lambda: clock.sleepers == 1)  # throttled: run-now paused for 10 s
        for _ in range(50):
            status = await client.get(f"/runs/{run_id}")
            assert status.status_code == 200
        assert clock.now() == 0.0  # no status read waited
        assert triggered == []
        clock.advance(10)
    assert triggered[0].status_code == 202


async def test_shutdown_cancels_waits_and_closes_the_workspace(anyio_backend: str) -> None:
    emulator = Emulator(VirtualClock())
    clock = VirtualClock(auto_advance=False)
    limits = RateLimits(per_endpoint={"jobs/run-now": 1})
    service = Service(emulator, None, clock=clock, rate_limits=limits)
    # A hang guard: the grace is 0.2 s (real time), closing the Workspace at most 5 s.
    with anyio.fail_after(5):
        async with anyio.create_task_group() as tg:
            async with LifespanManager(service.app, shutdown_timeout=10) as manager:
                job_id = await service.ws.jobs.create(SETTINGS)
                app = manager.app

                def post(key: str) -> Caller:
                    headers = {"Idempotency-Key": key}
                    return Caller(app, "POST", f"/jobs/{job_id}/runs", {}, headers)

                # A trigger sent and not answered (the service stalls 30 s), whose caller
                # left...
                emulator.faults.next("stall", path="jobs/run-now", seconds=30)
                sent = post("sent")
                tg.start_soon(sent)
                await until(lambda: emulator.applied["jobs/run-now"] == 1)
                sent.leave()
                # ... a trigger waiting for its slot (1 s of a clock that stands), with
                # its caller still there, and a long poll.
                waiting = post("waiting")
                tg.start_soon(waiting)
                await until(lambda: clock.sleepers == 1)
                run_id = emulator.started_by_token()["sent"]
                poll = Caller(app, "GET", f"/runs/{run_id}")
                poll.scope["query_string"] = b"wait=60"
                tg.start_soon(poll)
                await anyio.sleep(0.01)
            # The lifespan has ended: shut down.
            assert service.ws.state == "closed"
            await waiting.finished.wait()
            await poll.finished.wait()
    assert waiting.status == 503  # told at once, never sent
    assert "shutting down" in json.loads(waiting.sent[-1]["body"])["detail"]
    assert poll.status == 503
    assert emulator.started_by_token().keys() == {"sent"}
    assert len(emulator.requests_to("jobs/run-now")) == 1
    assert clock.sleepers == 0


def test_settings_from_the_environment() -> None:
    settings = example.Settings.from_env(
        {
            "RUNS_SERVICE_RATE_LIMITS": "jobs/run-now=50, jobs/list=none, default=10",
            "RUNS_SERVICE_MAX_WAITING": "200",
            "RUNS_SERVICE_TIMEOUT": "12.5",
            "RUNS_SERVICE_CONNECT_TIMEOUT": "3",
            "RUNS_SERVICE_READ_TIMEOUT": "7",
            "RUNS_SERVICE_SHUTDOWN_GRACE": "2",
            "RUNS_SERVICE_KEPT_TRIGGERS": "10",
            "RUNS_SERVICE_KEEP_SECONDS": "30",
        }
    )
    limits = settings.rate_limits
    assert limits.for_endpoint("jobs/run-now") == 50
    assert limits.for_endpoint("jobs/list") is None
    assert limits.for_endpoint("jobs/runs/get") == 100  # the library's default is kept
    assert limits.for_endpoint("jobs/get") == 10
    assert limits.max_waiting == 200
    assert settings.timeouts == Timeouts(connect=3, read=7, total=12.5)
    assert (settings.shutdown_grace, settings.kept_triggers, settings.keep_seconds) == (
        2,
        10,
        30,
    )
    defaults = example.Settings.from_env({})
    assert defaults == example.Settings()
    assert defaults.timeouts.total == 20


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("RUNS_SERVICE_RATE_LIMITS", "jobs/run-now"),
        ("RUNS_SERVICE_RATE_LIMITS", "jobs/run-now=fast"),
        ("RUNS_SERVICE_RATE_LIMITS", "jobs/run-now=0"),
        ("RUNS_SERVICE_RATE_LIMITS", "=5"),
        ("RUNS_SERVICE_MAX_WAITING", "-1"),
        ("RUNS_SERVICE_TIMEOUT", "soon"),
        ("RUNS_SERVICE_TIMEOUT", "-5"),
        ("RUNS_SERVICE_KEEP_SECONDS", "inf"),
    ],
)
def test_bad_settings_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(ValueError, match=name):
        example.Settings.from_env({name: value})


def test_the_production_workspace_takes_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABRICKS_HOST", "https://example.cloud.databricks.com")
    monkeypatch.setenv("DATABRICKS_TOKEN", "dapi-example")
    monkeypatch.setenv("RUNS_SERVICE_RATE_LIMITS", "jobs/run-now=7")
    monkeypatch.setenv("RUNS_SERVICE_TIMEOUT", "9")
    ws = example.workspace_from_environment()
    limits = ws._api.budget.limiter.limits  # type: ignore[attr-defined]
    assert limits.for_endpoint("jobs/run-now") == 7
    assert ws._api.total_timeout == 9
