"""The few OpenTelemetry API calls `_telemetry` makes, in one module imported on first use.

Importing this module imports ``opentelemetry`` (the ``[otel]`` extra); `_telemetry` does so
only when a Workspace makes its first call, and treats an `ImportError` as "no telemetry".
"""

from __future__ import annotations

from typing import Any, Final

from opentelemetry import context, metrics, trace
from opentelemetry.trace import (
    NoOpTracerProvider,
    ProxyTracerProvider,
    SpanKind,
    Status,
    StatusCode,
)

__all__ = [
    "CLIENT",
    "attach_sending",
    "attach_span",
    "configured_meter_provider",
    "configured_tracer_provider",
    "context_of",
    "detach",
    "fail_span",
    "set_error_status",
]

CLIENT: Final = SpanKind.CLIENT
_UNSET_TRACER_PROVIDERS: Final = (ProxyTracerProvider, NoOpTracerProvider)
# Where the API keeps its "suppress HTTP instrumentation" key (opentelemetry.context, private
# by name, read by the httpx and aiohttp instrumentations); older APIs lack it.
_SUPPRESS_HTTP: Final[Any] = getattr(context, "_SUPPRESS_HTTP_INSTRUMENTATION_KEY", None)


def configured_tracer_provider() -> Any:
    """The global tracer provider, or None while the application has configured none."""
    provider = trace.get_tracer_provider()
    return None if isinstance(provider, _UNSET_TRACER_PROVIDERS) else provider


def configured_meter_provider() -> Any:
    """The global meter provider, or None while the application has configured none.

    The API's stand-in before one is set is a proxy of a private class; it is known by its
    name, and a no-op provider counts as none too.
    """
    provider = metrics.get_meter_provider()
    if isinstance(provider, metrics.NoOpMeterProvider):
        return None
    return None if type(provider).__name__ == "_ProxyMeterProvider" else provider


def context_of(span: Any) -> Any:
    """A context whose current span is `span` (None: the current context)."""
    return None if span is None else trace.set_span_in_context(span)


def attach_span(span: Any) -> Any:
    """Make `span` current; returns the token for `detach`."""
    return context.attach(trace.set_span_in_context(span))


def attach_sending(span: Any) -> Any:
    """Make `span` current with HTTP instrumentation suppressed beneath it."""
    ctx = trace.set_span_in_context(span)
    if _SUPPRESS_HTTP is not None:
        ctx = context.set_value(_SUPPRESS_HTTP, True, ctx)
    return context.attach(ctx)


def detach(token: Any) -> None:
    """Leave what `attach_span` or `attach_sending` entered."""
    if token is not None:
        context.detach(token)


def fail_span(span: Any, error: BaseException) -> None:
    """Mark `span` failed by `error`: ``error.type``, an exception event, status ERROR."""
    span.set_attribute("error.type", type(error).__name__)
    span.record_exception(error)
    span.set_status(Status(StatusCode.ERROR))


def set_error_status(span: Any) -> None:
    """Status ERROR, no description (``error.type`` says what)."""
    span.set_status(Status(StatusCode.ERROR))
