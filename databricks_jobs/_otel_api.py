"""The few OpenTelemetry API calls `_telemetry` makes, in one module imported on first use.

Importing this module imports ``opentelemetry`` (the ``[otel]`` extra); `_telemetry` does so
only when a Workspace makes its first call, and treats an `ImportError` as "no telemetry".
"""

from __future__ import annotations

import os
from typing import Any, Final

from opentelemetry import context, metrics, trace
from opentelemetry.environment_variables import (
    OTEL_PYTHON_METER_PROVIDER,
    OTEL_PYTHON_TRACER_PROVIDER,
)
from opentelemetry.metrics import _internal as _metrics_internal
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
# The API's getters read the environment on every call while no provider is set (~2 us each,
# most of the cost of a call with no SDK). Where the API keeps its globals under the names we
# know, and no provider is named in the environment (which the getters would load), "unset"
# is read from the globals directly; otherwise through the getters.
_UNSET_FAST: Final = (
    hasattr(trace, "_TRACER_PROVIDER")
    and hasattr(_metrics_internal, "_METER_PROVIDER")
    and OTEL_PYTHON_TRACER_PROVIDER not in os.environ
    and OTEL_PYTHON_METER_PROVIDER not in os.environ
)


def configured_tracer_provider() -> Any:
    """The global tracer provider, or None while the application has configured none."""
    if _UNSET_FAST and trace._TRACER_PROVIDER is None:  # the API's getter costs ~2 us a call
        return None
    provider = trace.get_tracer_provider()
    return None if isinstance(provider, _UNSET_TRACER_PROVIDERS) else provider


def configured_meter_provider() -> Any:
    """The global meter provider, or None while the application has configured none.

    The API's stand-in before one is set is a proxy of a private class; it is known by its
    name, and a no-op provider counts as none too.
    """
    if _UNSET_FAST and _metrics_internal._METER_PROVIDER is None:
        return None
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
