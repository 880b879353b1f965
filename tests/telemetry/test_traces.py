"""Traces and metrics of real calls: a FastAPI request's span is the parent of ours.

The FastAPI example runs through its ASGI app with the standard FastAPI instrumentation; its
Workspace talks to the emulator over loopback sockets, on each transport and event loop
(aiohttp on asyncio, httpx on asyncio and on trio). Spans and metrics are read from the SDK's
in-memory span exporter and metric reader.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.trace import SpanKind

from databricks_jobs import ApiError, RateLimited, RateLimits, RetryPolicy, VirtualClock, Workspace
from databricks_jobs.testing import DEFAULT_TOKEN, Emulator
from tests.examples.test_fastapi_app import SETTINGS, example

from .conftest import Otel

pytestmark = pytest.mark.anyio

COMBOS = [("asyncio", "aiohttp"), ("asyncio", "httpx"), ("trio", "httpx")]
METRIC_KEYS = {
    "http.request.method",
    "http.response.status_code",
    "error.type",
    "server.address",
    "databricks.endpoint",
    "databricks.retry.reason",
    "databricks.wait.reason",
    "databricks.wait.outcome",
    "databricks.operation",
}
"""Every attribute key a metric of ours may carry: no job or run id among them."""


@pytest.fixture
def emulator() -> Emulator:
    return Emulator(VirtualClock())


@asynccontextmanager
async def traced_service(
    emulator: Emulator, otel: Otel, transport: str, **options: Any
) -> AsyncIterator[tuple[Workspace, httpx.AsyncClient]]:
    """The FastAPI example, instrumented, with a Workspace on `transport` over loopback."""
    async with emulator.serve() as url:
        made: list[Workspace] = []

        def make_workspace() -> Workspace:
            ws = Workspace(
                host=url,
                token=DEFAULT_TOKEN,
                transport=transport,  # type: ignore[arg-type]
                clock=emulator.clock,
                env={},
                **otel.providers,
                **options,
            )
            made.append(ws)
            return ws

        app = example.create_app(make_workspace)
        FastAPIInstrumentor.instrument_app(app, tracer_provider=otel.tracer_provider)
        async with (
            LifespanManager(app) as manager,
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=manager.app), base_url="http://service"
            ) as client,
        ):
            yield made[0], client


@pytest.mark.parametrize(("anyio_backend", "transport"), COMBOS, ids=[t for _, t in COMBOS])
async def test_a_retried_run_now_and_a_wait_inside_the_request_spans(
    emulator: Emulator, otel: Otel, transport: str
) -> None:
    emulator.faults.add("503", path="jobs/run-now", times=1)
    async with traced_service(emulator, otel, transport) as (ws, client):
        job_id = await ws.jobs.create(SETTINGS)
        started = await client.post(
            f"/jobs/{job_id}/runs", json={}, headers={"Idempotency-Key": "order-7"}
        )
        run_id = started.json()["run_id"]
        done = await client.get(f"/runs/{run_id}", params={"wait": 60})
    assert done.json()["outcome"] == "success"

    servers = [span for span in otel.spans() if span.kind is SpanKind.SERVER]
    assert [span.name for span in servers] == ["POST /jobs/{job_id}/runs", "GET /runs/{run_id}"]
    post, get = servers

    # The logical call is a child of the FastAPI request's span, in its trace.
    [run_now] = otel.named("databricks.jobs run-now")
    assert run_now.kind is SpanKind.INTERNAL
    assert run_now.parent is not None
    assert run_now.parent.span_id == post.context.span_id
    assert run_now.context.trace_id == post.context.trace_id
    attributes = dict(run_now.attributes or {})
    assert attributes["databricks.endpoint"] == "jobs/run-now"
    assert attributes["databricks.attempts"] == 2
    assert attributes["databricks.idempotency_token"] == "order-7"
    assert attributes["databricks.job_id"] == job_id
    assert attributes["databricks.run_id"] == run_id
    assert attributes["databricks.request_id"]

    # One CLIENT span per attempt, after the HTTP semantic conventions.
    first, second = sorted(otel.children(run_now), key=lambda span: span.start_time or 0)
    assert first.kind is second.kind is SpanKind.CLIENT
    assert first.name == "POST /api/2.2/jobs/run-now"
    one = dict(first.attributes or {})
    assert one["http.request.method"] == "POST"
    assert one["http.response.status_code"] == 503
    assert one["error.type"] == "503"
    assert one["url.template"] == "/api/2.2/jobs/run-now"
    assert one["url.full"].endswith("/api/2.2/jobs/run-now")
    assert one["server.address"] == "127.0.0.1"
    assert isinstance(one["server.port"], int)
    assert "http.request.resend_count" not in one
    two = dict(second.attributes or {})
    assert two["http.response.status_code"] == 200
    assert two["http.request.resend_count"] == 1
    assert "error.type" not in two

    # The wait is a parent span of its polls, inside the GET request's span.
    [wait] = otel.named("databricks.jobs runs.wait")
    assert wait.parent is not None
    assert wait.parent.span_id == get.context.span_id
    waited = dict(wait.attributes or {})
    assert waited["databricks.run_id"] == run_id
    assert waited["databricks.wait.outcome"] == "succeeded"
    polls = otel.children(wait)
    assert {span.name for span in polls} == {"databricks.jobs runs/get"}
    assert waited["databricks.calls"] == waited["databricks.calls.traced"] == len(polls) >= 2

    # Metrics: by endpoint and status, retries by reason, runs started, waits by outcome.
    assert otel.total("databricks.client.retries", **{"databricks.retry.reason": "503"}) == 1
    assert otel.total("databricks.jobs.runs.started") == 1
    assert otel.total("databricks.jobs.waits", **{"databricks.wait.outcome": "succeeded"}) == 1
    by_status = {"databricks.endpoint": "jobs/run-now", "http.response.status_code": 503}
    assert otel.total("http.client.request.duration", **by_status) == 1
    for name, points in otel.points().items():
        for point in points:
            assert set(point.attributes) <= METRIC_KEYS, (name, dict(point.attributes))


@pytest.mark.parametrize(("anyio_backend", "transport"), COMBOS, ids=[t for _, t in COMBOS])
async def test_waits_at_the_gate_and_the_limiter_are_events(
    emulator: Emulator, otel: Otel, transport: str
) -> None:
    emulator.faults.add("429", path="jobs/get", times=1, retry_after=3)
    limits = RateLimits(default=1.0, per_endpoint={})  # one request a second per endpoint
    async with (
        emulator.serve() as url,
        Workspace(
            host=url,
            token=DEFAULT_TOKEN,
            transport=transport,  # type: ignore[arg-type]
            clock=emulator.clock,
            rate_limits=limits,
            retry=RetryPolicy.never(),
            env={},
            **otel.providers,
        ) as ws,
    ):
        job_id = await ws.jobs.create(SETTINGS)
        with pytest.raises(RateLimited):
            await ws.jobs.get(job_id)  # closes the gate for 3 s
        await ws.jobs.get(job_id)  # waits at the gate
        await ws.jobs.get(job_id)  # waits a second at the limiter
    throttled, gated, limited = otel.named("databricks.jobs get")
    assert throttled.events[-1].name == "exception"
    [gate] = [dict(event.attributes or {}) for event in gated.events]
    assert gate["databricks.wait.reason"] == "backoff_gate"
    assert gate["databricks.wait.seconds"] == pytest.approx(3.0, abs=0.1)
    [limit] = [dict(event.attributes or {}) for event in limited.events]
    assert limit["databricks.wait.reason"] == "rate_limiter"
    assert limit["databricks.wait.seconds"] == pytest.approx(1.0, abs=0.1)
    on_get = {"databricks.endpoint": "jobs/get"}
    gate_time = otel.total(
        "databricks.client.throttled.time", **on_get, **{"databricks.wait.reason": "backoff_gate"}
    )
    assert gate_time == pytest.approx(3.0, abs=0.1)
    limit_time = otel.total(
        "databricks.client.throttled.time", **on_get, **{"databricks.wait.reason": "rate_limiter"}
    )
    assert limit_time == pytest.approx(1.0, abs=0.1)


@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_a_failed_call_marks_its_span_failed(emulator: Emulator, otel: Otel) -> None:
    async with Workspace(
        host="https://emulator.local",
        token=DEFAULT_TOKEN,
        transport=emulator.transport(),
        clock=emulator.clock,
        retry=RetryPolicy.never(),
        env={},
        **otel.providers,
    ) as ws:
        with pytest.raises(ApiError, match="999") as raised:
            await ws.jobs.get(999)
    [get] = otel.named("databricks.jobs get")
    assert get.status.is_ok is False
    assert dict(get.attributes or {})["error.type"] == type(raised.value).__name__
    assert [event.name for event in get.events] == ["exception"]
    [attempt] = otel.children(get)
    assert dict(attempt.attributes or {})["error.type"] == str(raised.value.status)


@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_telemetry_false_records_nothing(emulator: Emulator, otel: Otel) -> None:
    async with Workspace(
        host="https://emulator.local",
        token=DEFAULT_TOKEN,
        transport=emulator.transport(),
        clock=emulator.clock,
        env={},
        telemetry=False,
        **otel.providers,
    ) as ws:
        await ws.jobs.create(SETTINGS)
    assert otel.spans() == []
    assert otel.points() == {}


@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_the_global_providers_are_used_once_configured(
    emulator: Emulator, global_otel: Otel
) -> None:
    async with Workspace(
        host="https://emulator.local",
        token=DEFAULT_TOKEN,
        transport=emulator.transport(),
        clock=emulator.clock,
        env={},
    ) as ws:
        await ws.jobs.create(SETTINGS)
    [create] = global_otel.named("databricks.jobs create")
    assert create.instrumentation_scope is not None
    assert create.instrumentation_scope.name == "databricks_jobs"
    assert create.instrumentation_scope.version == __import__("databricks_jobs").__version__
    assert global_otel.total("http.client.request.duration") == 1


@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_no_provider_configured_records_nothing_and_costs_no_span(
    emulator: Emulator,
) -> None:
    from databricks_jobs._telemetry import NOT_OBSERVED

    ws = Workspace(
        host="https://emulator.local",
        token=DEFAULT_TOKEN,
        transport=emulator.transport(),
        clock=emulator.clock,
        env={},
    )
    async with ws:
        await ws.jobs.create(SETTINGS)
        telemetry = ws._api.telemetry
        assert telemetry.tracer() is None
        assert telemetry.instruments() is None
        request = ws.prepare_request("GET", "/api/2.2/jobs/get")
        from databricks_jobs._sending import CallState

        state = CallState(token=None, write=False)
        assert telemetry.call(request, "jobs/get", state, None, None) is NOT_OBSERVED
        assert state.observer is None
