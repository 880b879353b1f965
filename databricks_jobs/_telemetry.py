"""OpenTelemetry traces and metrics of a Workspace, native to the library.

With ``opentelemetry-api`` installed (the ``[otel]`` extra) the library takes a tracer and a
meter named ``databricks_jobs`` from the providers the application configured (or those given
to `Workspace`) and emits without any flag; ``Workspace(telemetry=False)`` opts out. The API
is imported on the first call, never by ``import databricks_jobs``.

What a call emits (docs/observability.md has the table):

- one INTERNAL span per logical call (``databricks.jobs run-now``), current while the call
  runs, with a CLIENT span per attempt after the HTTP semantic conventions; waits at the
  back-off gate and the rate limiter are events of the logical span;
- `http.client.request.duration` per attempt, retries by reason, time throttled, runs
  started and waits by outcome. No job or run id is an attribute of a metric.

Cost without an SDK: a call asks the global providers whether one is configured (a function
call and an `isinstance` each) and, when none is, gets `NOT_OBSERVED`, whose methods do
nothing. Once a provider is configured the answer is kept (OpenTelemetry sets the global
providers once).

Bounded traces: within an operation (`runs.wait`, a bulk batch, `bulk.wait`) only the first
`TRACED_CALLS` calls and then those whose number is a power of two are traced as spans; the
parent span counts them all (``databricks.calls``, ``databricks.calls.traced``). An hour of
polling or a batch of 10,000 items makes a few dozen spans. Metrics see every call.

No secret reaches an attribute or an event: ``url.full`` is built without user information
and with the values of query parameters that could hold a credential redacted, a request id
read from an answer has the request's credential masked, and an exception event carries the
error's own texts, which are masked where the error is made (decision 40).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Final
from urllib.parse import quote, quote_plus, urlencode

from ._errors import RunFailed, WaitTimeout, mask_secrets
from ._sending import CallState
from ._version import __version__

__all__ = [
    "NOT_OBSERVED",
    "TRACED_CALLS",
    "CallObserver",
    "Exchange",
    "Operation",
    "Telemetry",
    "span_name",
]

NAME: Final = "databricks_jobs"
"""The instrumentation scope of the tracer and the meter."""
TRACED_CALLS: Final = 10
"""Within one operation, calls past this many are traced only when their number is a power of 2."""
RUN_STARTING: Final = frozenset({"jobs/run-now", "jobs/runs/submit"})
"""Endpoints whose answer names a run they started."""
DURATION_BUCKETS: Final = (
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
)  # fmt: skip
"""The HTTP semantic conventions' advised boundaries for request durations (seconds)."""
_NUMBER: Final = re.compile(r"/[0-9]+(?=/|$)")
_SECRET_QUERY: Final = re.compile(
    r"token|secret|sig|password|passwd|key|credential|auth|code", re.IGNORECASE
)
"""Query parameters whose values ``url.full`` shows as ``REDACTED``."""
_REDACTED: Final = "REDACTED"


def span_name(endpoint: str) -> str:
    """The logical span's name: ``jobs/run-now`` -> ``databricks.jobs run-now``."""
    return f"databricks.jobs {endpoint.removeprefix('jobs/')}"


class _NotObserved:
    """What a call gets when nothing would record it: every method does nothing."""

    __slots__ = ()

    def answered(self, data: Mapping[str, Any]) -> None:
        """The call's answer (before decoding)."""

    def failed(self, error: BaseException) -> None:
        """The call ends with `error`."""

    def end(self) -> None:
        """The call is over."""


NOT_OBSERVED: Final = _NotObserved()
"""The observer of a call nothing records (and of each of its exchanges)."""


class _Instruments:
    """The meter's instruments, made once per meter."""

    __slots__ = ("duration", "retries", "runs_started", "throttled", "waits")

    def __init__(self, meter: Any) -> None:
        try:
            self.duration = meter.create_histogram(
                "http.client.request.duration",
                unit="s",
                description="Duration of HTTP client requests (one per attempt).",
                explicit_bucket_boundaries_advisory=list(DURATION_BUCKETS),
            )
        except TypeError:  # an API older than the advisory (1.23)
            self.duration = meter.create_histogram(
                "http.client.request.duration",
                unit="s",
                description="Duration of HTTP client requests (one per attempt).",
            )
        self.retries = meter.create_counter(
            "databricks.client.retries",
            unit="{retry}",
            description="Attempts sent again after a failed one, by the failure's type.",
        )
        self.throttled = meter.create_counter(
            "databricks.client.throttled.time",
            unit="s",
            description="Time requests waited at the back-off gate or the rate limiter.",
        )
        self.runs_started = meter.create_counter(
            "databricks.jobs.runs.started",
            unit="{run}",
            description="Runs started by run-now and runs/submit calls.",
        )
        self.waits = meter.create_counter(
            "databricks.jobs.waits",
            unit="{wait}",
            description="Waits for runs (runs.wait, bulk.wait) by outcome.",
        )


class Telemetry:
    """The tracer and meter of one Workspace, resolved on first use.

    `enabled` False (``Workspace(telemetry=False)``) or no ``opentelemetry-api`` installed:
    nothing is ever recorded. Explicit providers are used as given; otherwise the global
    providers, once the application has configured them.
    """

    def __init__(
        self, *, enabled: bool = True, tracer_provider: Any = None, meter_provider: Any = None
    ) -> None:
        self.enabled = enabled
        self._tracer_provider = tracer_provider
        self._meter_provider = meter_provider
        self._api: Any = None  # the opentelemetry modules, once imported
        self._tracer: Any = None
        self._instruments: _Instruments | None = None

    def _load(self) -> bool:
        """Import the API on first use; False (and disabled for good) when it is missing."""
        try:
            from . import _otel_api
        except ImportError:
            self.enabled = False
            return False
        self._api = _otel_api
        return True

    def tracer(self) -> Any:
        """The tracer, or None while no tracer provider is configured."""
        if self._tracer is not None:
            return self._tracer
        if not self.enabled or (self._api is None and not self._load()):
            return None
        provider = self._tracer_provider or self._api.configured_tracer_provider()
        if provider is None:
            return None
        self._tracer = provider.get_tracer(NAME, __version__)
        return self._tracer

    def instruments(self) -> _Instruments | None:
        """The instruments, or None while no meter provider is configured."""
        if self._instruments is not None:
            return self._instruments
        if not self.enabled or (self._api is None and not self._load()):
            return None
        provider = self._meter_provider or self._api.configured_meter_provider()
        if provider is None:
            return None
        self._instruments = _Instruments(provider.get_meter(NAME, __version__))
        return self._instruments

    def call(
        self,
        request: Any,
        endpoint: str,
        state: CallState,
        query: Mapping[str, Any] | None,
        body: Mapping[str, Any] | None,
    ) -> _NotObserved | CallObserver:
        """The observer of one logical call (`NOT_OBSERVED` when nothing would record it)."""
        if not self.enabled:
            return NOT_OBSERVED
        tracer = self.tracer()
        instruments = self.instruments()
        if tracer is None and instruments is None:
            return NOT_OBSERVED
        operation = _OPERATION.get()
        if operation is not None and not operation.take():
            tracer = None  # counted on the operation's span, not traced
            if instruments is None:
                return NOT_OBSERVED
        observer = CallObserver(self._api, tracer, instruments, request, endpoint, state)
        observer.start(query, body)
        state.observer = observer
        return observer

    @contextmanager
    def operation(self, name: str, attributes: Mapping[str, Any]) -> Iterator[Operation]:
        """A parent span for the calls of one operation (``runs.wait``, ``bulk.run_now``).

        The span is current within the block, and the calls made in it (in this task and the
        tasks it starts) are sampled: see `TRACED_CALLS`. `Operation.outcome` names how a
        wait ended (``databricks.jobs.waits``); the exception leaving the block decides it
        otherwise.
        """
        with self.spanning(name, attributes) as spanned, spanned.current():
            yield spanned.operation

    @contextmanager
    def spanning(self, name: str, attributes: Mapping[str, Any]) -> Iterator[Spanned]:
        """`operation` for a generator that yields between its calls (``bulk.wait``).

        The span lasts the block, but is current only within ``spanned.current()``: a
        context variable set in an async generator must be reset before it yields, or the
        consumer's code would run inside the span (and reset it in another context).
        """
        spanned = Spanned(self, name, attributes)
        try:
            yield spanned
        except GeneratorExit:  # the consumer stopped early: not a failure of the operation
            spanned.operation.outcome = spanned.operation.outcome or "abandoned"
            spanned.finish(None)
            raise
        except BaseException as exc:
            spanned.finish(exc)
            raise
        spanned.finish(None)


class Spanned:
    """An operation's span and instruments, begun; `current` makes it the calls' parent."""

    __slots__ = ("_api", "_instruments", "_span", "name", "operation")

    def __init__(self, telemetry: Telemetry, name: str, attributes: Mapping[str, Any]) -> None:
        tracer = telemetry.tracer() if telemetry.enabled else None
        self._instruments = telemetry.instruments() if telemetry.enabled else None
        self._api = telemetry._api
        self.name = name
        self.operation = Operation(name)
        self._span = None
        if tracer is not None:
            self._span = tracer.start_span(f"databricks.jobs {name}", attributes=dict(attributes))

    @contextmanager
    def current(self) -> Iterator[Operation]:
        """Within the block the span is current and the operation samples the calls."""
        if self._span is None and self._instruments is None:
            yield self.operation
            return
        attached = self._api.attach_span(self._span) if self._span is not None else None
        entered = _OPERATION.set(self.operation)
        try:
            yield self.operation
        finally:
            _OPERATION.reset(entered)
            if attached is not None:
                self._api.detach(attached)

    def finish(self, error: BaseException | None) -> None:
        """End the span (failed by `error`, when one ended the operation); count a wait."""
        operation = self.operation
        if error is not None:
            operation.ended_by(error)
        span = self._span
        if span is not None:
            if error is not None:
                self._api.fail_span(span, error)
            span.set_attributes(operation.attributes)
            span.set_attribute("databricks.calls", operation.calls)
            span.set_attribute("databricks.calls.traced", operation.traced)
            if operation.outcome is not None:
                span.set_attribute("databricks.wait.outcome", operation.outcome)
            span.end()
        if self._instruments is not None and operation.outcome is not None:
            self._instruments.waits.add(
                1,
                {"databricks.operation": self.name, "databricks.wait.outcome": operation.outcome},
            )


class Operation:
    """The calls of one operation: how many, and how many traced."""

    __slots__ = ("attributes", "calls", "name", "outcome", "traced")

    def __init__(self, name: str) -> None:
        self.name = name
        self.attributes: dict[str, Any] = {}
        """Set on the span when the operation ends (counts of a batch, say)."""
        self.calls = 0
        self.traced = 0
        self.outcome: str | None = None
        """How a wait ended: succeeded, failed, timed_out, error or cancelled."""

    def take(self) -> bool:
        """Count a call; True when it is traced."""
        self.calls += 1
        number = self.calls
        if number <= TRACED_CALLS or number & (number - 1) == 0:
            self.traced += 1
            return True
        return False

    def ended_by(self, error: BaseException) -> None:
        """A wait that raised `error`: its outcome, unless one was already named."""
        if self.outcome is not None or not self.name.endswith("wait"):
            return
        if isinstance(error, RunFailed):
            self.outcome = "failed"
        elif isinstance(error, WaitTimeout):
            self.outcome = "timed_out"
        elif isinstance(error, Exception):
            self.outcome = "error"
        else:
            self.outcome = "cancelled"


_OPERATION: ContextVar[Operation | None] = ContextVar("databricks_jobs_operation", default=None)


class CallObserver:
    """The spans and measurements of one logical call in progress."""

    __slots__ = (
        "_api",
        "_error",
        "_instruments",
        "_last_failure",
        "_request",
        "_state",
        "_url",
        "attached",
        "endpoint",
        "span",
        "tracer",
    )

    def __init__(
        self,
        api: Any,
        tracer: Any,
        instruments: _Instruments | None,
        request: Any,
        endpoint: str,
        state: CallState,
    ) -> None:
        self._api = api
        self.tracer = tracer
        self._instruments = instruments
        self._request = request
        self._state = state
        self.endpoint = endpoint
        self.span: Any = None
        self.attached: Any = None
        self._error: BaseException | None = None
        self._last_failure: str | None = None  # error.type of the latest failed exchange
        self._url: tuple[str, str, int] | None = None

    def start(self, query: Mapping[str, Any] | None, body: Mapping[str, Any] | None) -> None:
        """Start the logical span (current from here to `end`)."""
        if self.tracer is None:
            return
        attributes: dict[str, Any] = {"databricks.endpoint": self.endpoint}
        token = self._state.token
        if token is not None:
            attributes["databricks.idempotency_token"] = token
        for key in ("job_id", "run_id"):
            value = _id_in(body, key) or _id_in(query, key)
            if value is not None:
                attributes[f"databricks.{key}"] = value
        self.span = self.tracer.start_span(span_name(self.endpoint), attributes=attributes)
        self.attached = self._api.attach_span(self.span)

    def answered(self, data: Mapping[str, Any]) -> None:
        """The call's answer: the run it started, if it names one."""
        run_id = data.get("run_id")
        if not isinstance(run_id, int) or isinstance(run_id, bool):
            return
        if self.span is not None:
            self.span.set_attribute("databricks.run_id", run_id)
        if self._instruments is not None and self.endpoint in RUN_STARTING:
            self._instruments.runs_started.add(1, {"databricks.endpoint": self.endpoint})

    def failed(self, error: BaseException) -> None:
        """The call ends with `error`."""
        self._error = error

    def end(self) -> None:
        """End the logical span; the call's context is left."""
        self._state.observer = None
        span = self.span
        if span is None:
            return
        span.set_attribute("databricks.attempts", self._state.attempt)
        if self._error is not None:
            self._api.fail_span(span, self._error)
        span.end()
        self._api.detach(self.attached)

    def waited(self, reason: str, seconds: float) -> None:
        """An attempt waited `seconds` at the back-off gate or the rate limiter."""
        attributes = {"databricks.wait.reason": reason, "databricks.endpoint": self.endpoint}
        if self.span is not None:
            event = {"databricks.wait.reason": reason, "databricks.wait.seconds": seconds}
            self.span.add_event("databricks.wait", event)
        if self._instruments is not None:
            self._instruments.throttled.add(seconds, attributes)

    def exchange(self, request: Any, attempt: int) -> Exchange:
        """An attempt begins: its CLIENT span (current while it sends) and its clock."""
        if attempt > 1 and self._instruments is not None:
            reason = self._last_failure or "_OTHER"
            self._instruments.retries.add(
                1, {"databricks.endpoint": self.endpoint, "databricks.retry.reason": reason}
            )
        return Exchange(self, request, attempt)

    def url(self) -> tuple[str, str, int]:
        """``url.full`` without credentials, and the server's address and port."""
        if self._url is None:
            self._url = _safe_url(self._request.url)
        return self._url


class Exchange:
    """One attempt's exchange: a CLIENT span and a duration."""

    __slots__ = ("_call", "_request", "_started", "attached", "span")

    def __init__(self, call: CallObserver, request: Any, attempt: int) -> None:
        self._call = call
        self._request = request
        self.span: Any = None
        self.attached: Any = None
        self._started = time.perf_counter()
        if call.tracer is None:
            return
        method = request.method
        full, address, port = call.url()
        attributes: dict[str, Any] = {
            "http.request.method": method,
            "url.full": full,
            "url.template": _template(request.url.path),
            "server.address": address,
            "server.port": port,
        }
        if attempt > 1:
            attributes["http.request.resend_count"] = attempt - 1
        api = call._api
        self.span = call.tracer.start_span(
            f"{method} {attributes['url.template']}",
            context=api.context_of(call.span),
            kind=api.CLIENT,
            attributes=attributes,
        )
        # Current while it sends, with HTTP instrumentation suppressed: the httpx and aiohttp
        # instrumentations would otherwise add a second CLIENT span for the same request.
        self.attached = api.attach_sending(self.span)

    def end(self, error: BaseException | None, response: Any) -> None:
        """Record the duration and end the CLIENT span: an answer, or the `error` instead."""
        call = self._call
        elapsed = time.perf_counter() - self._started
        status = response.status_code if response is not None else None
        if status is not None:
            failure = str(status) if status >= 300 else None
        else:
            failure = type(error).__name__  # a transport error, or a cancellation
        call._last_failure = failure
        instruments = call._instruments
        if instruments is not None:
            attributes: dict[str, Any] = {
                "http.request.method": self._request.method,
                "databricks.endpoint": call.endpoint,
                "server.address": call.url()[1],
            }
            if status is not None:
                attributes["http.response.status_code"] = status
            if failure is not None:
                attributes["error.type"] = failure
            instruments.duration.record(elapsed, attributes)
        span = self.span
        if span is None:
            return
        if status is not None:
            span.set_attribute("http.response.status_code", status)
            request_id = response.headers.get("x-request-id")
            if request_id:
                request_id = mask_secrets(request_id, _credentials(self._request))
                call.span.set_attribute("databricks.request_id", request_id)
        if failure is not None:
            span.set_attribute("error.type", failure)
            call._api.set_error_status(span)
        span.end()
        call._api.detach(self.attached)


def _id_in(values: Mapping[str, Any] | None, key: str) -> int | None:
    value = values.get(key) if values else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _template(path: str) -> str:
    """``url.template``: numeric path segments as ``{id}``."""
    return _NUMBER.sub("/{id}", path)


def _safe_url(url: Any) -> tuple[str, str, int]:
    """``url.full`` without user information, secret-looking query values redacted."""
    scheme, host = url.scheme, url.host
    port = url.port or (443 if scheme == "https" else 80)
    netloc = f"[{host}]" if ":" in host else host
    if url.port is not None:
        netloc += f":{url.port}"
    full = f"{scheme}://{netloc}{url.raw_path.decode('ascii').split('?')[0]}"
    params = list(url.params.multi_items())
    if params:
        shown = [(k, _REDACTED if _SECRET_QUERY.search(k) else v) for k, v in params]
        full += "?" + urlencode(shown)
    return full, host, port


def _credentials(request: Any) -> tuple[str, ...]:
    """The credential a request carried, in the forms a server could echo it."""
    value = request.headers.get("authorization", "")
    token = value.partition(" ")[2].strip()
    return (value, token, quote(token), quote_plus(token)) if token else ()
