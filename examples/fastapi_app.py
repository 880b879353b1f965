"""A FastAPI service that triggers Databricks job runs and reports their status.

One `Workspace` per application: opened in the lifespan, shared by every request
through an ``async def`` dependency, closed at shutdown. Run it with::

    pip install brickjobs fastapi uvicorn
    export DATABRICKS_HOST=... DATABRICKS_TOKEN=...
    uvicorn examples.fastapi_app:app --timeout-graceful-shutdown 5

Endpoints:

* ``POST /jobs/{job_id}/runs`` triggers a run (202). Send an ``Idempotency-Key`` header
  to make retries of the same trigger safe: the key is the run's idempotency token, so
  sending it again returns the run it already started instead of starting a second one.
* ``GET /runs/{run_id}`` reports a run's status, read through `run_outcome`. With
  ``?wait=N`` it waits up to N seconds for the run to finish first (a long poll).

A caller that goes away (it disconnects, a timeout middleware fires, the server shuts
down) takes its request's work with it (`CancelOnDisconnect`): a long poll stops
polling, and a trigger still waiting for the rate limit is dropped and starts no run.
A trigger whose request already left is let finish, and the run it started is kept for
the caller's retry with the same ``Idempotency-Key`` (`Triggers`). A run is never
cancelled because a request was. Past the rate limits, a call that could not be sent
before its deadline is refused at once: 503 with ``Retry-After``.

Settings come from the environment (`Settings.from_env`), besides the ``DATABRICKS_*``
variables of the workspace itself:

* ``RUNS_SERVICE_RATE_LIMITS``: requests per second by endpoint, over the library's
  defaults, for example ``jobs/run-now=20,jobs/runs/get=100,default=30`` (``none``
  lifts a limit);
* ``RUNS_SERVICE_MAX_WAITING``: how many calls may wait for one endpoint's rate limit
  (default: no bound; the deadline alone decides);
* ``RUNS_SERVICE_TIMEOUT``: seconds one Databricks call may take, waits and retries
  included (default 20; keep it below your callers' own timeout, so that a call that
  cannot be served in time is refused at once instead of abandoned);
* ``RUNS_SERVICE_CONNECT_TIMEOUT`` (10) and ``RUNS_SERVICE_READ_TIMEOUT`` (30);
* ``RUNS_SERVICE_SHUTDOWN_GRACE``: seconds a trigger already sent may take to finish at
  shutdown (default 5);
* ``RUNS_SERVICE_KEPT_TRIGGERS`` (10000) and ``RUNS_SERVICE_KEEP_SECONDS`` (600): how
  many runs of abandoned triggers are kept for retries, and for how long;
* ``REDIS_URL``: when set, every worker and replica of the service takes its rate limits
  from one budget in that Redis (`RedisBudget`, ``pip install 'brickjobs[redis]'``), so
  the limits above are those of all of them together (docs/shared-budget.md).

Tests build the app with `create_app`, giving a factory of a `Workspace` connected to
the local emulator (see ``tests/examples/test_fastapi_app.py``).
"""

from __future__ import annotations

import collections
import logging
import math
import os
import uuid
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Annotated, TypedDict

import anyio
import anyio.abc
import anyio.lowlevel
from fastapi import Depends, FastAPI, Header, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from databricks_jobs import (
    ClientClosedError,
    Clock,
    ConcurrentRunsLimit,
    DatabricksError,
    NotFound,
    RateBudgetExhausted,
    RateLimits,
    RequestTimeout,
    SpecError,
    StartedRun,
    Timeouts,
    TooManyRequests,
    TrackedCalls,
    WaitTimeout,
    Workspace,
    run_outcome,
)
from databricks_jobs.models import Run
from databricks_jobs.shared import RedisBudget

__all__ = [
    "CancelOnDisconnect",
    "LongPolls",
    "RunStatus",
    "Settings",
    "TriggerRequest",
    "TriggeredRun",
    "Triggers",
    "app",
    "create_app",
]

logger = logging.getLogger("fastapi_app")

MAX_WAIT_SECONDS = 60.0
"""The longest long poll ``GET /runs/{run_id}?wait=`` accepts."""

WorkspaceFactory = Callable[[], Workspace]
"""Makes the one Workspace of the application (called once, in the lifespan)."""


# --- settings ------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Settings:
    """What the environment configures: rate limits, timeouts, shutdown, kept runs."""

    rate_limits: RateLimits = field(default_factory=RateLimits)
    timeouts: Timeouts = field(
        default_factory=lambda: Timeouts(connect=10, read=30, total=20)
    )
    shutdown_grace: float = 5.0
    kept_triggers: int = 10_000
    keep_seconds: float = 600.0
    redis_url: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read the ``RUNS_SERVICE_*`` variables; a malformed one is a `ValueError`."""
        env = os.environ if env is None else env
        limits = _rate_limits(env.get("RUNS_SERVICE_RATE_LIMITS", ""))
        max_waiting = _count(env, "RUNS_SERVICE_MAX_WAITING", None)
        return cls(
            rate_limits=RateLimits(
                default=limits.pop("default", 30.0),
                per_endpoint={**RateLimits().per_endpoint, **limits},
                max_waiting=max_waiting,
            ),
            timeouts=Timeouts(
                connect=_seconds(env, "RUNS_SERVICE_CONNECT_TIMEOUT", 10),
                read=_seconds(env, "RUNS_SERVICE_READ_TIMEOUT", 30),
                total=_seconds(env, "RUNS_SERVICE_TIMEOUT", 20),
            ),
            shutdown_grace=_seconds(env, "RUNS_SERVICE_SHUTDOWN_GRACE", 5),
            kept_triggers=_count(env, "RUNS_SERVICE_KEPT_TRIGGERS", 10_000) or 0,
            keep_seconds=_seconds(env, "RUNS_SERVICE_KEEP_SECONDS", 600),
            redis_url=env.get("REDIS_URL", "").strip() or None,
        )


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < math.inf:
        raise ValueError(f"{name} must be a number of seconds, got {text!r}")
    return value


def _count(env: Mapping[str, str], name: str, default: int | None) -> int | None:
    text = env.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit():
        raise ValueError(f"{name} must be a whole number, got {text!r}")
    return int(text)


def _rate_limits(text: str) -> dict[str, float | None]:
    """``jobs/run-now=20, default=30, jobs/list=none`` as a mapping."""
    limits: dict[str, float | None] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        endpoint, _, rate = (side.strip() for side in item.partition("="))
        try:
            value = None if rate.lower() == "none" else float(rate)
        except ValueError:
            value = -1.0
        if not endpoint or (value is not None and not 0 < value < math.inf):
            raise ValueError(
                "RUNS_SERVICE_RATE_LIMITS holds comma-separated endpoint=rate pairs "
                f"(a rate: requests per second, or none), got {item!r}"
            )
        limits[endpoint] = value
    return limits


def workspace_from_environment(settings: Settings | None = None) -> Workspace:
    """The production Workspace: ``DATABRICKS_*`` variables, else ``~/.databrickscfg``.

    Every call is bounded (`Settings.timeouts`), so a request handler never hangs on a
    slow workspace, and paced by the rate limits, so the workspace never has to refuse.
    """
    settings = settings or Settings.from_env()
    shared = (
        RedisBudget(settings.redis_url, key="runs-service")
        if settings.redis_url
        else None
    )
    return Workspace.from_env(
        timeouts=settings.timeouts,
        rate_limits=settings.rate_limits,
        shared_budget=shared,
    )


# --- callers that go away ------------------------------------------------------------


class CancelOnDisconnect:
    """ASGI middleware: cancel a request's handler when its client disconnects.

    Servers (uvicorn among them) leave a handler running when its caller goes away: it
    would wait for the rate limit and trigger runs for nobody. This watches the ASGI
    ``receive`` channel for ``http.disconnect`` while the handler runs, and cancels the
    handler if it comes before the response is complete.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the application for one connection event, watching for a disconnect."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # The watcher reads every message; the handler reads them from this stream.
        inbox, messages = anyio.create_memory_object_stream[Message](16)
        handler = anyio.CancelScope()
        state = {"gone": False, "answered": False}

        async def watch() -> None:
            async with inbox:
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        state["gone"] = True
                        if not state["answered"]:
                            handler.cancel()  # the caller left before its answer
                        return
                    await inbox.send(message)

        async def next_message() -> Message:
            if not state["gone"]:
                try:
                    return await messages.receive()
                except anyio.EndOfStream:
                    pass
            return {"type": "http.disconnect"}

        async def answer(message: Message) -> None:
            if message["type"] == "http.response.body" and not message.get("more_body"):
                state["answered"] = True
            await send(message)

        failure: Exception | None = None
        async with anyio.create_task_group() as watcher:
            watcher.start_soon(watch)
            with handler:
                try:
                    await self.app(scope, next_message, answer)
                except Exception as exc:  # raised below, outside the task group
                    failure = exc
            watcher.cancel_scope.cancel()
        if failure is not None:
            raise failure


@dataclass(eq=False)
class _Trigger:
    """One run-now in progress, in the application's task group."""

    scope: anyio.CancelScope = field(default_factory=anyio.CancelScope)
    done: anyio.Event = field(default_factory=anyio.Event)
    calls: TrackedCalls | None = None
    run: StartedRun | None = None
    error: DatabricksError | None = None
    abandoned: bool = False

    def abandon(self) -> None:
        """Its caller left: cancel it, unless its request may have started the run."""
        self.abandoned = True
        if self.calls is None or not self.calls.may_have_applied:
            # Still waiting (rate limit, paused endpoint, backoff): no run starts.
            self.scope.cancel()

    def outcome(self) -> StartedRun:
        if self.run is not None:
            return self.run
        if self.error is not None:
            raise self.error
        raise ClientClosedError("the service is shutting down; retry with the same key")


class Triggers:
    """Run-now calls owned by the application, not by the request that asked for them.

    Each trigger runs in the lifespan's task group while its handler waits for it. When
    the handler is cancelled (its caller went away), a trigger still waiting (for the
    rate limit, for an endpoint paused after a 429) is cancelled too, so no run starts;
    one whose request already left is let finish, since the run may exist, and the run
    it started is kept for `keep_seconds` (the latest `kept` of them): the caller's
    retry with the same key gets it without another request. A retry that comes before
    it finished sends its own (the key is the idempotency token: the service answers
    with the same run).
    """

    def __init__(
        self,
        tasks: anyio.abc.TaskGroup,
        clock: Clock,
        *,
        kept: int = 10_000,
        keep_seconds: float = 600.0,
    ) -> None:
        self._tasks = tasks
        self._clock = clock
        self._kept = kept
        self._keep_seconds = keep_seconds
        self._going: set[_Trigger] = set()
        self._runs: collections.OrderedDict[str, tuple[float, StartedRun]] = (
            collections.OrderedDict()
        )

    async def run_now(
        self,
        ws: Workspace,
        job_id: int,
        job_parameters: Mapping[str, str],
        key: str,
    ) -> StartedRun:
        """Trigger a run with `key` as its token, or return the run a trigger kept."""
        kept = self.kept_run(key)
        if kept is not None:
            return kept
        trigger = _Trigger()
        self._going.add(trigger)
        params = dict(job_parameters)
        self._tasks.start_soon(self._run, trigger, ws, job_id, params, key)
        try:
            await trigger.done.wait()
        finally:
            if not trigger.done.is_set():  # cancelled: the caller went away
                trigger.abandon()
        return trigger.outcome()

    def kept_run(self, key: str) -> StartedRun | None:
        """The run an abandoned trigger with `key` started, while it is kept."""
        entry = self._runs.get(key)
        if entry is None:
            return None
        expires, run = entry
        if expires <= self._clock.now():
            del self._runs[key]
            return None
        return run

    @property
    def going(self) -> int:
        """How many triggers are in progress."""
        return len(self._going)

    async def drain(self, grace: float) -> None:
        """At shutdown: cancel the waiting triggers, give the sent ones `grace` s."""
        for trigger in list(self._going):
            trigger.abandon()
        with anyio.move_on_after(grace):
            for trigger in list(self._going):
                await trigger.done.wait()

    async def _run(
        self,
        trigger: _Trigger,
        ws: Workspace,
        job_id: int,
        job_parameters: dict[str, str],
        key: str,
    ) -> None:
        try:
            with trigger.scope, ws.track_calls() as trigger.calls:
                # Abandoned before it began: nothing is sent.
                await anyio.lowlevel.checkpoint_if_cancelled()
                try:
                    trigger.run = await ws.jobs.run_now(
                        job_id, job_parameters=job_parameters, idempotency_token=key
                    )
                except DatabricksError as error:
                    trigger.error = error
        finally:
            self._going.discard(trigger)
            trigger.done.set()
        if trigger.run is not None and trigger.abandoned:  # nobody got it: keep it
            self._keep(key, trigger.run)

    def _keep(self, key: str, run: StartedRun) -> None:
        runs = self._runs
        runs[key] = (self._clock.now() + self._keep_seconds, run)
        runs.move_to_end(key)
        while len(runs) > self._kept:
            runs.popitem(last=False)


class LongPolls:
    """The long polls in progress (``GET /runs/{run_id}?wait=``), so shutdown ends them.

    Closing the Workspace ends its waits too, but shutdown closes it only after the
    triggers already sent have had their grace period; long polls need no grace. At
    shutdown `close` cancels them first; each answers 503 at once.
    """

    def __init__(self) -> None:
        self._scopes: set[anyio.CancelScope] = set()
        self._closed = False

    async def wait(self, ws: Workspace, run_id: int, seconds: float) -> Run:
        """The run once it ended, or as it is after `seconds`; never cancels the run."""
        scope = anyio.CancelScope()
        if self._closed:
            scope.cancel()
        self._scopes.add(scope)
        try:
            with scope:
                try:
                    # If this request is cancelled, only the polling stops: wait never
                    # cancels the run (cancel_on_timeout stays False, so the timeout
                    # does not cancel it either).
                    return await ws.runs.wait(
                        run_id, timeout=seconds, raise_on_failure=False
                    )
                except WaitTimeout as timed_out:
                    if isinstance(timed_out.run, Run):
                        return timed_out.run
                    return await ws.runs.get(run_id)
        finally:
            self._scopes.discard(scope)
        raise ClientClosedError("the service is shutting down; poll again later")

    def close(self) -> None:
        """Shutdown: end every long poll now, and any that starts later."""
        self._closed = True
        for scope in self._scopes:
            scope.cancel()


# --- the application -----------------------------------------------------------------


class State(TypedDict):
    """The lifespan state Starlette copies into every request (``request.state``)."""

    workspace: Workspace
    triggers: Triggers
    polls: LongPolls


async def get_workspace(request: Request) -> Workspace:
    """The dependency that hands each request the application's one Workspace."""
    workspace = request.state.workspace
    assert isinstance(workspace, Workspace)
    return workspace


async def get_triggers(request: Request) -> Triggers:
    """The dependency that hands each request the application's triggers."""
    triggers = request.state.triggers
    assert isinstance(triggers, Triggers)
    return triggers


WorkspaceDep = Annotated[Workspace, Depends(get_workspace)]
TriggersDep = Annotated[Triggers, Depends(get_triggers)]


async def get_polls(request: Request) -> LongPolls:
    """The dependency that hands each request the application's long polls."""
    polls = request.state.polls
    assert isinstance(polls, LongPolls)
    return polls


PollsDep = Annotated[LongPolls, Depends(get_polls)]


class TriggerRequest(BaseModel):
    """The body of ``POST /jobs/{job_id}/runs``."""

    job_parameters: dict[str, str] = Field(default_factory=dict)


class TriggeredRun(BaseModel):
    """A run this service started (or found already started by its idempotency key)."""

    run_id: int
    idempotency_key: str
    status_url: str


class RunStatus(BaseModel):
    """What a run's state means, from `run_outcome`."""

    run_id: int
    job_id: int | None
    outcome: str
    """running, success, success_with_failures, failed, canceled, timed_out, ..."""
    finished: bool
    succeeded: bool
    description: str
    failed_tasks: dict[str, str | None]
    run_page_url: str | None

    @classmethod
    def of(cls, run: Run) -> RunStatus:
        """Describe `run` (its tasks too: which ones failed, and why)."""
        outcome = run_outcome(run)
        failed: dict[str, str | None] = {}
        for task in run.tasks or []:
            task_outcome = run_outcome(task)
            if task_outcome.finished and not task_outcome.succeeded and task.task_key:
                failed[task.task_key] = task_outcome.message
        return cls(
            run_id=run.run_id or 0,
            job_id=run.job_id,
            outcome=outcome.kind.value,
            finished=outcome.finished,
            succeeded=outcome.succeeded,
            description=outcome.describe(),
            failed_tasks=failed,
            run_page_url=run.run_page_url,
        )


def error_response(exc: DatabricksError) -> JSONResponse:
    """Map a library error to the HTTP answer this service gives its own callers.

    The caller's mistakes keep their meaning (404, 422, 409); the workspace's troubles
    are ours to report (503 with ``Retry-After`` when throttled or past our own rate
    limits, 502/504 otherwise). Errors of our own credentials are not passed on as
    401/403: the caller did nothing wrong.
    """
    headers: dict[str, str] = {}
    if isinstance(exc, NotFound):
        status, detail = 404, exc.message
    elif isinstance(exc, SpecError):
        status, detail = 422, str(exc)
    elif isinstance(exc, ConcurrentRunsLimit):
        status, detail = 409, exc.message
    elif isinstance(exc, RateBudgetExhausted):
        # Our own rate limits could not send this call before its deadline: refused
        # at once, nothing was sent. Come back when a slot is free.
        status = 503
        detail = "this service is at its rate limit for the workspace; try again later"
        headers["Retry-After"] = str(max(1, math.ceil(exc.retry_after)))
    elif isinstance(exc, TooManyRequests):
        # Our retries (which honour Retry-After) ran out: the workspace is throttling
        # us, so our callers should come back after the pause it advised
        # (RateLimited.retry_after).
        status = 503
        detail = "the Databricks workspace is throttling requests; try again later"
        headers["Retry-After"] = str(max(1, math.ceil(exc.retry_after or 1)))
    elif isinstance(exc, RequestTimeout):
        status, detail = 504, "the Databricks workspace did not answer in time"
    elif isinstance(exc, ClientClosedError):
        status, detail = 503, "the service is shutting down"
    else:
        logger.warning("Databricks call failed: %s", exc)
        status, detail = 502, "the Databricks workspace call failed"
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


def create_app(
    workspace_factory: WorkspaceFactory | None = None,
    *,
    settings: Settings | None = None,
) -> FastAPI:
    """Build the service; `workspace_factory` makes its one Workspace at startup.

    By default the Workspace comes from the environment, with the rate limits and
    timeouts of `settings` (read from the environment when not given).
    """
    settings = settings or Settings.from_env()
    make_workspace = workspace_factory or (lambda: workspace_from_environment(settings))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[State]:
        # One Workspace, one connection pool, one rate limiter and one back-off gate
        # for the whole application; closed when the application stops. Triggers run
        # in a task group of the application, so that a sent one outlives its request.
        async with make_workspace() as workspace, anyio.create_task_group() as tasks:
            triggers = Triggers(
                tasks,
                workspace.clock,
                kept=settings.kept_triggers,
                keep_seconds=settings.keep_seconds,
            )
            polls = LongPolls()
            yield {"workspace": workspace, "triggers": triggers, "polls": polls}
            # Shutdown: long polls end; triggers still waiting are dropped; sent ones
            # get a grace period; then the Workspace closes, cutting whatever is left.
            polls.close()
            await triggers.drain(settings.shutdown_grace)
            tasks.cancel_scope.cancel()

    app = FastAPI(title="Databricks runs", lifespan=lifespan)
    app.add_middleware(CancelOnDisconnect)

    @app.exception_handler(DatabricksError)
    async def databricks_error(request: Request, exc: DatabricksError) -> JSONResponse:
        return error_response(exc)

    @app.post("/jobs/{job_id}/runs", status_code=202, response_model=TriggeredRun)
    async def trigger_run(
        job_id: int,
        body: TriggerRequest,
        ws: WorkspaceDep,
        triggers: TriggersDep,
        request: Request,
        response: Response,
        idempotency_key: Annotated[str | None, Header(max_length=64)] = None,
    ) -> TriggeredRun:
        """Trigger a run of a job; resend the same ``Idempotency-Key`` to retry it."""
        started = await triggers.run_now(
            ws, job_id, body.job_parameters, idempotency_key or str(uuid.uuid4())
        )
        status_url = str(request.url_for("run_status", run_id=started.run_id))
        response.headers["Location"] = status_url
        return TriggeredRun(
            run_id=started.run_id,
            idempotency_key=started.idempotency_token,
            status_url=status_url,
        )

    @app.get("/runs/{run_id}", response_model=RunStatus)
    async def run_status(
        run_id: int,
        ws: WorkspaceDep,
        polls: PollsDep,
        wait: Annotated[float, Query(ge=0, le=MAX_WAIT_SECONDS)] = 0,
    ) -> RunStatus:
        """Report a run's status, after waiting up to `wait` seconds for its end."""
        if not wait:
            return RunStatus.of(await ws.runs.get(run_id))
        return RunStatus.of(await polls.wait(ws, run_id, wait))

    @app.get("/healthz")
    async def healthz(ws: WorkspaceDep, triggers: TriggersDep) -> dict[str, str | int]:
        """The service is up; says which workspace it talks to (no network call)."""
        return {"workspace": ws.host, "state": ws.state, "triggers": triggers.going}

    return app


app = create_app()
"""The application for ``uvicorn examples.fastapi_app:app``, configured from the env."""
