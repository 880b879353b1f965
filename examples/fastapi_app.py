"""A FastAPI service that triggers Databricks job runs and reports their status.

One `Workspace` per application: opened in the lifespan, shared by every request
through a dependency, closed at shutdown. Run it with::

    pip install brickjobs fastapi uvicorn
    DATABRICKS_HOST=... DATABRICKS_TOKEN=... uvicorn examples.fastapi_app:app

Endpoints:

* ``POST /jobs/{job_id}/runs`` triggers a run (202). Send an ``Idempotency-Key`` header
  to make retries of the same trigger safe: the key is the run's idempotency token, so
  sending it again returns the run it already started instead of starting a second one.
* ``GET /runs/{run_id}`` reports a run's status, read through `run_outcome`. With
  ``?wait=N`` it waits up to N seconds for the run to finish first (a long poll).

A request that is cancelled (the caller went away, a timeout middleware, shutdown)
only stops this service's HTTP calls and polling: a run is never cancelled because a
request was.

Tests build the app with `create_app`, giving a factory of a `Workspace` connected to
the local emulator (see ``tests/examples/test_fastapi_app.py``).
"""

from __future__ import annotations

import logging
import math
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated, TypedDict

from fastapi import Depends, FastAPI, Header, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from databricks_jobs import (
    ConcurrentRunsLimit,
    DatabricksError,
    NotFound,
    RequestTimeout,
    SpecError,
    Timeouts,
    TooManyRequests,
    WaitTimeout,
    Workspace,
    run_outcome,
)
from databricks_jobs.models import Run

__all__ = ["RunStatus", "TriggerRequest", "TriggeredRun", "app", "create_app"]

logger = logging.getLogger("fastapi_app")

MAX_WAIT_SECONDS = 60.0
"""The longest long poll ``GET /runs/{run_id}?wait=`` accepts."""

WorkspaceFactory = Callable[[], Workspace]
"""Makes the one Workspace of the application (called once, in the lifespan)."""


def workspace_from_environment() -> Workspace:
    """The production Workspace: ``DATABRICKS_*`` variables, else ``~/.databrickscfg``.

    Every call is bounded: 10 s to connect, 30 s per read, 60 s for a whole call with
    its retries, so a request handler never hangs on a slow workspace.
    """
    return Workspace.from_env(timeouts=Timeouts(connect=10, read=30, total=60))


class State(TypedDict):
    """The lifespan state Starlette copies into every request (``request.state``)."""

    workspace: Workspace


def get_workspace(request: Request) -> Workspace:
    """The dependency that hands each request the application's one Workspace."""
    workspace = request.state.workspace
    assert isinstance(workspace, Workspace)
    return workspace


WorkspaceDep = Annotated[Workspace, Depends(get_workspace)]


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
    are ours to report (503 with ``Retry-After`` when throttled, 502/504 otherwise).
    Errors of our own credentials are not passed on as 401/403: the caller did nothing
    wrong.
    """
    headers: dict[str, str] = {}
    if isinstance(exc, NotFound):
        status, detail = 404, exc.message
    elif isinstance(exc, SpecError):
        status, detail = 422, str(exc)
    elif isinstance(exc, ConcurrentRunsLimit):
        status, detail = 409, exc.message
    elif isinstance(exc, TooManyRequests):
        # Our retries (which honour Retry-After) ran out: the workspace is throttling
        # us, so our callers should come back after the pause it advised
        # (RateLimited.retry_after).
        status = 503
        detail = "the Databricks workspace is throttling requests; try again later"
        headers["Retry-After"] = str(max(1, math.ceil(exc.retry_after or 1)))
    elif isinstance(exc, RequestTimeout):
        status, detail = 504, "the Databricks workspace did not answer in time"
    else:
        logger.warning("Databricks call failed: %s", exc)
        status, detail = 502, "the Databricks workspace call failed"
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


def create_app(
    workspace_factory: WorkspaceFactory = workspace_from_environment,
) -> FastAPI:
    """Build the service; `workspace_factory` makes its one Workspace at startup."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[State]:
        # One Workspace, one connection pool, one rate limiter and one back-off gate
        # for the whole application; closed when the application stops.
        async with workspace_factory() as workspace:
            yield {"workspace": workspace}

    app = FastAPI(title="Databricks runs", lifespan=lifespan)

    @app.exception_handler(DatabricksError)
    async def databricks_error(request: Request, exc: DatabricksError) -> JSONResponse:
        return error_response(exc)

    @app.post("/jobs/{job_id}/runs", status_code=202, response_model=TriggeredRun)
    async def trigger_run(
        job_id: int,
        body: TriggerRequest,
        ws: WorkspaceDep,
        request: Request,
        response: Response,
        idempotency_key: Annotated[str | None, Header(max_length=64)] = None,
    ) -> TriggeredRun:
        """Trigger a run of a job; resend the same ``Idempotency-Key`` to retry it."""
        started = await ws.jobs.run_now(
            job_id,
            job_parameters=body.job_parameters,
            idempotency_token=idempotency_key,
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
        wait: Annotated[float, Query(ge=0, le=MAX_WAIT_SECONDS)] = 0,
    ) -> RunStatus:
        """Report a run's status, after waiting up to `wait` seconds for its end."""
        if not wait:
            return RunStatus.of(await ws.runs.get(run_id))
        try:
            # If this request is cancelled, only the polling stops: wait never cancels
            # the run (cancel_on_timeout stays False, so the timeout does not cancel it
            # either).
            run = await ws.runs.wait(run_id, timeout=wait, raise_on_failure=False)
        except WaitTimeout as timed_out:
            run = (
                timed_out.run
                if isinstance(timed_out.run, Run)
                else await ws.runs.get(run_id)
            )
        return RunStatus.of(run)

    @app.get("/healthz")
    async def healthz(ws: WorkspaceDep) -> dict[str, str]:
        """The service is up; says which workspace it talks to (no network call)."""
        return {"workspace": ws.host, "state": ws.state}

    return app


app = create_app()
"""The application for ``uvicorn examples.fastapi_app:app``, configured from the env."""
