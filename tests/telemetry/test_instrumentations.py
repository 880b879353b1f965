"""The standard httpx and aiohttp-client instrumentations, on together with ours.

Both see our calls (the httpx transport wraps `httpx.AsyncHTTPTransport`, which the httpx
instrumentation patches; the aiohttp transport opens an `aiohttp.ClientSession`, to which the
aiohttp instrumentation adds its trace config). With our telemetry on, each attempt's CLIENT
span is ours and theirs is suppressed (the API's suppress-HTTP-instrumentation context key,
set while an attempt sends): no request has two CLIENT spans. With ``telemetry=False`` theirs
are the only ones.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opentelemetry.instrumentation.aiohttp_client import AioHttpClientInstrumentor
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.trace import SpanKind

from databricks_jobs import VirtualClock, Workspace
from databricks_jobs.testing import DEFAULT_TOKEN, Emulator
from tests.examples.test_fastapi_app import SETTINGS

from .conftest import Otel

pytestmark = pytest.mark.anyio

COMBOS = [("asyncio", "aiohttp"), ("asyncio", "httpx"), ("trio", "httpx")]


@pytest.fixture
def instrumented(otel: Otel) -> Iterator[Otel]:
    """The httpx and aiohttp instrumentations on, reporting to `otel`, for one test."""
    httpx_instrumentor = HTTPXClientInstrumentor()
    aiohttp_instrumentor = AioHttpClientInstrumentor()
    httpx_instrumentor.instrument(tracer_provider=otel.tracer_provider)
    aiohttp_instrumentor.instrument(tracer_provider=otel.tracer_provider)
    try:
        yield otel
    finally:
        httpx_instrumentor.uninstrument()
        aiohttp_instrumentor.uninstrument()


async def calls(transport: str, otel: Otel, *, telemetry: bool) -> None:
    emulator = Emulator(VirtualClock())
    async with (
        emulator.serve() as url,
        Workspace(
            host=url,
            token=DEFAULT_TOKEN,
            transport=transport,  # type: ignore[arg-type]
            clock=emulator.clock,
            env={},
            telemetry=telemetry,
            **otel.providers,
        ) as ws,
    ):
        job_id = await ws.jobs.create(SETTINGS)
        await ws.jobs.get(job_id)


def scopes_of_client_spans(otel: Otel) -> list[str]:
    return sorted(
        span.instrumentation_scope.name if span.instrumentation_scope else "?"
        for span in otel.spans()
        if span.kind is SpanKind.CLIENT
    )


@pytest.mark.parametrize(("anyio_backend", "transport"), COMBOS, ids=[t for _, t in COMBOS])
async def test_one_client_span_per_attempt_with_both_on(instrumented: Otel, transport: str) -> None:
    await calls(transport, instrumented, telemetry=True)
    assert scopes_of_client_spans(instrumented) == ["databricks_jobs", "databricks_jobs"]


@pytest.mark.parametrize(("anyio_backend", "transport"), COMBOS, ids=[t for _, t in COMBOS])
async def test_the_standard_instrumentations_see_our_calls_without_ours(
    instrumented: Otel, transport: str
) -> None:
    await calls(transport, instrumented, telemetry=False)
    scopes = scopes_of_client_spans(instrumented)
    assert len(scopes) == 2
    assert "databricks_jobs" not in scopes
    assert all(f"instrumentation.{transport}" in scope for scope in scopes), scopes
