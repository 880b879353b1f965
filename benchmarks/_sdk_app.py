"""The baseline of `bench_service.py`: the FastAPI example's shape on the official SDK.

Plain ``def`` handlers, so FastAPI runs each one in its threadpool, around one
`databricks.sdk.WorkspaceClient` made at startup from ``DATABRICKS_HOST`` and
``DATABRICKS_TOKEN``: how such a service is usually written with the SDK. The same routes
and answers as ``examples/fastapi_app.py`` (without the long poll, which the benchmark does
not use): ``POST /jobs/{job_id}/runs`` (the ``Idempotency-Key`` header as the run's
idempotency token) and ``GET /runs/{run_id}``. The SDK's own retries (429 and 503, with
its default budget) apply; it has no client-side rate limit.

Run it with ``uvicorn _sdk_app:app --app-dir benchmarks``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from databricks.sdk import WorkspaceClient
from databricks.sdk.core import Config
from databricks.sdk.errors import DatabricksError, NotFound, TooManyRequests
from fastapi import FastAPI, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field


class TriggerRequest(BaseModel):
    job_parameters: dict[str, str] = Field(default_factory=dict)


def _client() -> WorkspaceClient:
    config = Config(
        host=os.environ["DATABRICKS_HOST"],
        token=os.environ["DATABRICKS_TOKEN"],
        auth_type="pat",
        max_connection_pools=64,
        max_connections_per_pool=64,
    )
    return WorkspaceClient(config=config)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
    yield {"client": _client()}


app = FastAPI(title="Databricks runs (SDK)", lifespan=lifespan)


@app.exception_handler(DatabricksError)
def databricks_error(request: Request, exc: DatabricksError) -> JSONResponse:
    if isinstance(exc, NotFound):
        return JSONResponse({"detail": str(exc)}, status_code=404)
    if isinstance(exc, TooManyRequests):
        return JSONResponse({"detail": "throttled"}, status_code=503)
    return JSONResponse({"detail": "the Databricks workspace call failed"}, status_code=502)


@app.post("/jobs/{job_id}/runs", status_code=202)
def trigger_run(
    job_id: int,
    body: TriggerRequest,
    request: Request,
    idempotency_key: Annotated[str | None, Header(max_length=64)] = None,
) -> dict[str, Any]:
    client: WorkspaceClient = request.state.client
    key = idempotency_key or str(uuid.uuid4())
    started = client.jobs.run_now(job_id, job_parameters=body.job_parameters, idempotency_token=key)
    run_id = started.response.run_id
    return {"run_id": run_id, "idempotency_key": key, "status_url": f"/runs/{run_id}"}


@app.get("/runs/{run_id}")
def run_status(run_id: int, request: Request) -> dict[str, Any]:
    client: WorkspaceClient = request.state.client
    run = client.jobs.get_run(run_id)
    state = run.state
    life_cycle = state.life_cycle_state if state else None
    result = state.result_state if state else None
    return {
        "run_id": run.run_id,
        "job_id": run.job_id,
        "life_cycle_state": life_cycle.value if life_cycle else None,
        "result_state": result.value if result else None,
        "run_page_url": run.run_page_url,
    }
