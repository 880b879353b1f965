"""OpenTelemetry SDK fixtures: explicit providers with in-memory exporters, and the globals."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry import metrics, trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


class Otel:
    """A tracer provider and a meter provider that keep what they record in memory."""

    def __init__(self) -> None:
        self.exporter = InMemorySpanExporter()
        self.tracer_provider = TracerProvider()
        self.tracer_provider.add_span_processor(SimpleSpanProcessor(self.exporter))
        self.reader = InMemoryMetricReader()
        self.meter_provider = MeterProvider(metric_readers=[self.reader])

    @property
    def providers(self) -> dict[str, Any]:
        return {"tracer_provider": self.tracer_provider, "meter_provider": self.meter_provider}

    def spans(self) -> list[ReadableSpan]:
        return list(self.exporter.get_finished_spans())

    def named(self, name: str) -> list[ReadableSpan]:
        return [span for span in self.spans() if span.name == name]

    def children(self, parent: ReadableSpan) -> list[ReadableSpan]:
        return [
            span
            for span in self.spans()
            if span.parent is not None and span.parent.span_id == parent.context.span_id
        ]

    def points(self) -> dict[str, list[Any]]:
        """Each metric's data points, by metric name (of our scope only)."""
        found: dict[str, list[Any]] = {}
        data = self.reader.get_metrics_data()
        for resource in data.resource_metrics if data else ():
            for scope in resource.scope_metrics:
                if scope.scope.name != "databricks_jobs":
                    continue
                for metric in scope.metrics:
                    found.setdefault(metric.name, []).extend(metric.data.data_points)
        return found

    def total(self, name: str, **attributes: Any) -> float:
        """The sum of a counter's points (or a histogram's counts) matching `attributes`."""
        total = 0.0
        for point in self.points().get(name, []):
            if all(point.attributes.get(k) == v for k, v in attributes.items()):
                total += getattr(point, "value", None) or getattr(point, "count", 0)
        return total


@pytest.fixture
def otel() -> Otel:
    return Otel()


@pytest.fixture
def global_otel() -> Iterator[Otel]:
    """The same, set as the global providers for one test (then unset again).

    The API sets its globals once per process; tests reset them through its private names.
    """
    from opentelemetry.metrics import _internal as metrics_internal
    from opentelemetry.util._once import Once

    made = Otel()
    saved = (
        trace._TRACER_PROVIDER,
        trace._TRACER_PROVIDER_SET_ONCE,
        metrics_internal._METER_PROVIDER,
        metrics_internal._METER_PROVIDER_SET_ONCE,
    )
    trace._TRACER_PROVIDER_SET_ONCE = Once()
    metrics_internal._METER_PROVIDER_SET_ONCE = Once()
    trace.set_tracer_provider(made.tracer_provider)
    metrics.set_meter_provider(made.meter_provider)
    try:
        yield made
    finally:
        (
            trace._TRACER_PROVIDER,
            trace._TRACER_PROVIDER_SET_ONCE,
            metrics_internal._METER_PROVIDER,
            metrics_internal._METER_PROVIDER_SET_ONCE,
        ) = saved
