"""The one place where encoding, retries, auth and HTTP meet: `ApiClient.call`.

Every request of a Workspace goes through `call`: a single call from a web handler, a poll
of a waiter, each item of a bulk batch. GET parameters go in the query string (booleans as
``true``/``false``), bodies are JSON, and only what the caller set is sent. Each call runs
in a cancel scope that carries its total deadline and that `ApiClient.aclose` cancels.
"""

from __future__ import annotations

import contextlib
import enum
import functools
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from typing import Any, Final, TypeVar, overload
from urllib.parse import quote, quote_plus

import anyio
import httpx

from ._auth import StaticTokenAuth
from ._clock import Clock
from ._errors import (
    ApiError,
    ClientClosedError,
    DatabricksError,
    DecodeError,
    OutcomeUnknown,
    RateLimited,
    RequestTimeout,
    SpecError,
    error_from_response,
    mask_secrets,
    without_secrets,
)
from ._http import HttpClient, Received
from ._inflight import InFlight
from ._json import parse_json
from ._limits import RateBudget, endpoint_of
from ._pagination import Paginator, collect_pages, next_page_token
from ._retry import RetryPolicy, retry_after
from ._sending import CURRENT_CALL, CallState, TrackedCalls, register_call, track_calls
from ._telemetry import Telemetry
from ._types import JSONObject, QueryValue
from ._writes import READ_METHODS, safe_to_repeat

__all__ = [
    "ApiClient",
    "DryRunStop",
    "capture_requests",
    "encode_body",
    "encode_query",
]

logger = logging.getLogger("databricks_jobs.http")
T = TypeVar("T")
R = TypeVar("R")

_REDACTED_HEADERS: Final = frozenset(
    {"authorization", "cookie", "x-databricks-azure-sp-management-token"}
)
_METHOD: Final = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
"""An HTTP method is a token (RFC 9110, 5.6.2)."""
_SNIPPET: Final = 200
_DEFAULT_PAUSE: Final = 1.0
"""How long a 429 without Retry-After holds back the requests of its endpoint."""


_CAPTURED: ContextVar[list[httpx.Request] | None] = ContextVar(
    "databricks_jobs_captured_requests", default=None
)


class DryRunStop(Exception):
    """Raised in place of sending a request while requests are being captured."""


@contextlib.contextmanager
def capture_requests() -> Iterator[list[httpx.Request]]:
    """Within this block (in this task), record the next request instead of sending it.

    The call that would send it stops there; the block ends quietly and the list holds
    the request, without credentials.
    """
    captured: list[httpx.Request] = []
    token = _CAPTURED.set(captured)
    try:
        yield captured
    except DryRunStop:
        pass
    finally:
        _CAPTURED.reset(token)


def encode_query(query: Mapping[str, QueryValue] | None) -> dict[str, str | list[str]]:
    """Return query parameters as strings: None left out, booleans ``true``/``false``."""
    encoded: dict[str, str | list[str]] = {}
    for key, value in (query or {}).items():
        if value is None:
            continue
        if value.__class__ is str:  # the common kinds first: ids and tokens
            encoded[key] = value
        elif value.__class__ is int:
            encoded[key] = str(value)
        elif isinstance(value, list | tuple):
            encoded[key] = [_scalar(item) for item in value]
        else:
            encoded[key] = _scalar(value)
    return encoded


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


_JSON_ENCODER: Final = json.JSONEncoder(separators=(",", ":"), allow_nan=False)
"""One encoder: ``json.dumps`` with options builds a new one per call (a third of its cost)."""


def _one_shot_encoder() -> Callable[[Any, int], Sequence[str]] | None:
    """The C encoder `_JSON_ENCODER.encode` would build per call, built once; None without it.

    ``JSONEncoder.encode`` makes its C encoder again for every document (half the cost of
    a small body). This is that encoder, with the same options, and without the cycle check
    (a body that holds itself recurses until Python refuses, a `RecursionError`, which
    `encode_body` reports as it reports the check's `ValueError`).
    """
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # an interpreter without the C accelerator
        return None
    try:
        encoder: Callable[[Any, int], Sequence[str]] = make(
            None,  # markers: no cycle check
            _JSON_ENCODER.default,
            json.encoder.encode_basestring_ascii,
            None,  # indent
            _JSON_ENCODER.key_separator,
            _JSON_ENCODER.item_separator,
            False,  # sort_keys
            False,  # skipkeys
            False,  # allow_nan
        )
    except TypeError:  # a signature this release does not know: the stdlib's own path
        return None
    return encoder


_ENCODE: Final = _one_shot_encoder()


def encode_body(body: Mapping[str, Any] | None) -> bytes | None:
    """Return a JSON body (no NaN or infinity; None for no body).

    The text is what ``json.dumps(body, separators=(",", ":"), allow_nan=False)`` writes.
    """
    if body is None:
        return None
    try:
        if _ENCODE is None:
            return _JSON_ENCODER.encode(body).encode()
        return "".join(_ENCODE(body, 0)).encode()
    except (TypeError, ValueError) as exc:
        raise DecodeError(f"the request body cannot be written as JSON: {exc}") from None
    except RecursionError:
        raise DecodeError(
            "the request body cannot be written as JSON: it is nested too deeply, or holds itself"
        ) from None


class ApiClient:
    """Sends API calls with retries, auth and a total deadline. One per Workspace."""

    def __init__(
        self,
        *,
        http: HttpClient,
        auth: httpx.Auth,
        retry: RetryPolicy,
        clock: Clock,
        total_timeout: float | None,
        budget: RateBudget,
        debug_headers: bool = False,
        telemetry: Telemetry | None = None,
    ) -> None:
        self.http = http
        self.auth = auth
        # A personal access token's header never changes: it is built into the request's
        # headers (never a dry run's), with no auth flow to drive per request.
        self._authorization = auth.header if isinstance(auth, StaticTokenAuth) else None
        self._flow = None if self._authorization is not None else auth
        self.retry = retry
        self.clock = clock
        self.total_timeout = total_timeout
        self.debug_headers = debug_headers
        # The rate limits and the back-off gate: this process's own (`LocalBudget`) or one
        # budget shared by many processes; the Workspace chooses.
        self.budget = budget
        self._in_flight = InFlight()
        self.telemetry = telemetry or Telemetry()

    def build_request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, QueryValue] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> httpx.Request:
        """Return the exact request `call` would send (without credentials).

        A method that is not an HTTP token, or a path that cannot be a URL path (a line break
        in it), is a `SpecError`: refused here, before it can reach a transport.
        """
        return self._build(method, path, query, body, authorization=None)

    def _build(
        self,
        method: str,
        path: str,
        query: Mapping[str, QueryValue] | None,
        body: Mapping[str, Any] | None,
        *,
        authorization: str | None,
    ) -> httpx.Request:
        if not _METHOD.fullmatch(method):
            raise SpecError(f"{method!r} is not an HTTP method", field="method")
        try:
            return self.http.build_request(
                method.upper(),
                path,
                params=encode_query(query) or None,
                content=encode_body(body),
                authorization=authorization,
            )
        except httpx.InvalidURL as exc:
            reason = str(exc).split(",")[0]  # httpx names the character and its position
            raise SpecError(f"{path!r} is not a valid URL path ({reason})", field="path") from None

    @overload
    async def call(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, QueryValue] | None = None,
        body: Mapping[str, Any] | None = None,
        idempotent: bool | None = None,
    ) -> JSONObject: ...

    @overload
    async def call(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, QueryValue] | None = None,
        body: Mapping[str, Any] | None = None,
        idempotent: bool | None = None,
        into: type[T],
    ) -> T: ...

    @overload
    async def call(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, QueryValue] | None = None,
        body: Mapping[str, Any] | None = None,
        idempotent: bool | None = None,
        into: type[T],
        then: Callable[[T], R],
    ) -> R: ...

    async def call(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, QueryValue] | None = None,
        body: Mapping[str, Any] | None = None,
        idempotent: bool | None = None,
        into: type[Any] | None = None,
        then: Callable[[Any], Any] | None = None,
    ) -> Any:
        """Send a request, retrying as the policy allows, and return its answer.

        The answer is the JSON object, or with `into` that object decoded into the type
        (a model); `then` turns the decoded answer into the result (checking an id the
        answer must carry, say). Both run inside the call, so an error they raise carries
        what the call knew (the token, and that the request was applied): this is the one
        place where answers are decoded. `idempotent` says whether repeating the request
        is safe; by default the table of write endpoints decides (`_writes`): reads always
        are, convergent writes are, and so are triggers with an idempotency token.
        """
        captured = _CAPTURED.get()
        authorization = self._authorization if captured is None else None
        request = self._build(method, path, query, body, authorization=authorization)
        if captured is not None:
            captured.append(request)
            raise DryRunStop(f"{request.method} {path} captured, not sent")
        self.http.check_usable()  # closed, or another event loop's: refused before waiting
        endpoint = endpoint_of(path)
        if idempotent is None:
            idempotent = safe_to_repeat(request.method, endpoint, body)
        state = CallState.for_body(body, write=request.method not in READ_METHODS)
        register_call(self, state)
        observed = self.telemetry.call(request, endpoint, state, query, body)
        entered = CURRENT_CALL.set(state)
        try:
            data = await self._call_with_deadline(request, path, endpoint, state, idempotent)
            observed.answered(data)
            if into is None:
                return data
            decoded = _structure(data, into)
            return decoded if then is None else then(decoded)
        except BaseException as error:
            if isinstance(error, DatabricksError) and error.idempotency_token is not None:
                error.add_note(_token_note(error.idempotency_token, error.may_have_applied))
            observed.failed(error)
            raise
        finally:
            CURRENT_CALL.reset(entered)
            observed.end()

    async def _call_with_deadline(
        self,
        request: httpx.Request,
        path: str,
        endpoint: str,
        state: CallState,
        safe: bool,
    ) -> JSONObject:
        with self._in_flight.track(self.total_timeout, state) as call:
            try:
                # The first attempt, with no retry machinery around it.
                return await self._attempt(request, state, endpoint)
            except DatabricksError as error:
                failed = error
            # Retried outside the except clause: later errors do not chain the first one.
            return await retry_after(
                failed,
                functools.partial(self._attempt, request, state, endpoint),
                policy=self.retry,
                safe=safe,
                clock=self.clock,
                method=request.method,
                path=path,
            )
        # The call's scope was cancelled: by aclose, or at the total deadline. The attempt it
        # cut (if one was running) is still in flight: `state.failed` skips cancellation.
        cut = state.in_flight
        if call.closed:
            await anyio.lowlevel.checkpoint_if_cancelled()  # the caller's own cancel wins
            if call.closed_while_sending and not safe:
                closed = ClientClosedError(
                    "the Workspace was closed while this request was being sent"
                )
                raise OutcomeUnknown(request.method, path, closed)
            raise ClientClosedError()
        assert self.total_timeout is not None
        sent = state.sent + (cut is not None and cut.sent)
        timeout = RequestTimeout(
            f"no answer within the total deadline of {self.total_timeout:g} s "
            f"({sent} attempt{'s' if sent != 1 else ''} sent)",
            phase="total",
            method=request.method,
            path=path,
            request_sent=cut is not None and cut.sent,
        )
        if not safe and cut is not None and cut.may_have_applied:
            raise OutcomeUnknown(request.method, path, timeout) from timeout
        raise timeout

    async def pause(self, seconds: float) -> None:
        """Sleep on the clock between the calls of a longer operation (a wait's polls).

        Closing the client ends the pause at once with `ClientClosedError`, as it ends the
        calls waiting at the gate or the limiter: a wait sleeping between two polls does not
        outlive its Workspace by a polling interval.
        """
        self.http.check_usable()
        with self._in_flight.track(None, CallState(token=None, write=False)) as pausing:
            await self.clock.sleep(seconds)
        if pausing.closed:
            await anyio.lowlevel.checkpoint_if_cancelled()  # the caller's own cancel wins
            raise ClientClosedError()

    @contextlib.contextmanager
    def track_calls(self) -> Iterator[TrackedCalls]:
        """Record what the calls of this client made in this block (see `TrackedCalls`)."""
        with track_calls(self) as tracked:
            yield tracked

    def paginate(
        self,
        path: str,
        query: Mapping[str, QueryValue],
        *,
        items_key: str,
        into: type[T],
        complete: Callable[[Any], Awaitable[Any]] | None = None,
        max_items: int | None = None,
    ) -> Paginator[T]:
        """A lazy iterator over the items of a token-paginated GET (unset parameters left out)."""

        async def fetch(page_query: dict[str, QueryValue]) -> JSONObject:
            return await self.call("GET", path, query=page_query)

        return Paginator(
            fetch,
            {k: v for k, v in query.items() if v is not None},
            items_key=items_key,
            decode=lambda item: _structure(item, into),
            complete=complete,
            max_items=max_items,
            endpoint=f"GET {path}",
        )

    async def get_whole(
        self,
        path: str,
        query: Mapping[str, QueryValue],
        *,
        merge: Callable[[JSONObject, JSONObject], int],
        into: type[T],
    ) -> T:
        """GET an object whose arrays come in 2.2 pages, merge the pages, and decode it.

        The object is whole or an error (`DecodeError` for pages that would never end).
        """
        first = await self.call("GET", path, query=query)
        if next_page_token(first) is None:  # one page, as most objects come: nothing to merge
            first.pop("next_page_token", None)
            return _structure(first, into)

        async def page(token: str | None) -> JSONObject:
            return await self.call("GET", path, query={**query, "page_token": token})

        merged = await collect_pages(page, merge, endpoint=f"GET {path}", first=first)
        return _structure(merged, into)

    async def aclose(self) -> None:
        """End every call in progress (see `Workspace.aclose`), then close the transport."""
        self.http.check_closable()
        await self._in_flight.close()
        await self.http.aclose()

    async def _attempt(self, request: httpx.Request, state: CallState, endpoint: str) -> JSONObject:
        """One attempt: a fresh send record, the gate and the limiter, one exchange, logged.

        An answer with a status of 300 or more becomes its typed error; the body becomes a
        JSON object. A failed attempt tells the call state whether it may have been applied.
        """
        record = state.begin(request)
        try:
            await self.budget.wait_open(endpoint)
            await self.budget.acquire(endpoint)
            attempt_number = state.attempt
            # Telemetry: a CLIENT span and a duration per exchange, when anything records them.
            observer = state.observer
            exchange = observer.exchange(request, attempt_number) if observer is not None else None
            started = time.perf_counter()
            try:
                response = await self.http.send(request, auth=self._flow)
            except BaseException as exc:
                if isinstance(exc, Exception):
                    self._log(request, f"failed ({type(exc).__name__})", started, attempt_number)
                if exchange is not None:
                    exchange.end(exc, None)
                raise
            if exchange is not None:
                exchange.end(None, response)
            self._log(request, str(response.status_code), started, attempt_number)
            status = response.status_code
            if status >= 300:
                error = self._error(request, response)
                if isinstance(error, RateLimited) and status == 429:
                    # The service's limits are per endpoint: a 429 pauses the endpoint it
                    # came from, unless its message says the whole workspace's limit was hit.
                    advised = error.retry_after if error.retry_after is not None else _DEFAULT_PAUSE
                    await self.budget.pause(
                        endpoint,
                        min(advised, self.retry.max_retry_after),
                        workspace_wide=error.workspace_wide,
                    )
                raise error
            return _decode(request, response)
        except Exception:
            # Not for cancellation: a deadline reads the attempt it cut as still in flight.
            state.failed(record)
            raise

    def _error(self, request: httpx.Request, response: Received) -> ApiError:
        """The error for an answer with a status of 300 or more.

        A broken or hostile server can echo the credential into its answer: it is masked in
        every text the error takes from the answer, before the error is made.
        """
        path = request.url.path
        hidden = _credentials(request)
        if status_is_redirect(response.status_code):
            location = mask_secrets(response.headers.get("location", "an unknown place"), hidden)
            return ApiError(
                f"the server redirected to {location}; redirects are not followed, so that "
                "credentials never reach another host (check the host setting)",
                status=response.status_code,
                method=request.method,
                path=path,
                raw=without_secrets(response.content, hidden),
            )
        return error_from_response(
            request.method,
            path,
            response.status_code,
            response.headers,
            response.content,
            secrets=hidden,
        )

    def _log(self, request: httpx.Request, outcome: str, started: float, attempt: int) -> None:
        if not logger.isEnabledFor(logging.DEBUG):
            return
        elapsed = (time.perf_counter() - started) * 1000
        if self.debug_headers:
            headers = {
                k: ("****" if k.lower() in _REDACTED_HEADERS else v)
                for k, v in request.headers.items()
            }
            logger.debug(
                "%s %s -> %s in %.1f ms (attempt %d) headers=%s",
                request.method,
                request.url.path,
                outcome,
                elapsed,
                attempt,
                headers,
            )
        else:
            logger.debug(
                "%s %s -> %s in %.1f ms (attempt %d)",
                request.method,
                request.url.path,
                outcome,
                elapsed,
                attempt,
            )


def _structure(data: Any, into: type[T]) -> T:
    """`data` decoded into `into`; `DecodeError` when its top is not what `into` asks for."""
    structure = _STRUCTURE
    if structure is None:
        structure = _load_structure()
    decoded: T = structure(data, into)
    return decoded


_STRUCTURE: Callable[[Any, Any], Any] | None = None
"""`_serde.structure`, once loaded (an import statement per call costs a lookup each time)."""


def _load_structure() -> Callable[[Any, Any], Any]:
    global _STRUCTURE
    from ._serde import structure  # the models load on first use, not at import (decision 17)

    _STRUCTURE = structure
    return structure


def _token_note(token: str, may_have_applied: bool) -> str:
    """What the caller of a failed trigger should do with its idempotency token."""
    if may_have_applied:
        return (
            f"idempotency token {token}: an attempt may have started a run; send the same "
            "request again with this token to find out (the service answers with the run "
            "that token started)"
        )
    return (
        f"idempotency token {token}: no attempt started a run; sending the request again "
        "with this token can never start a second one"
    )


def _credentials(request: httpx.Request) -> tuple[str, ...]:
    """The credential a request carried, as a server could echo it into an error text."""
    value = request.headers.get("authorization", "")
    token = value.partition(" ")[2].strip()
    return (value, token, quote(token), quote_plus(token)) if token else ()


def status_is_redirect(status: int) -> bool:
    """True for 3xx statuses."""
    return 300 <= status < 400


def _decode(request: httpx.Request, response: Received) -> JSONObject:
    content = response.content
    if not content.strip():
        return {}
    try:
        value = parse_json(content)
    except ValueError:
        hidden = _credentials(request)
        kind = mask_secrets(response.headers.get("content-type", "no content type"), hidden)
        shown = without_secrets(content, hidden)[:_SNIPPET]
        snippet = mask_secrets(repr(shown.decode("utf-8", errors="replace")), hidden)
        raise DecodeError(
            f"{request.method} {request.url.path} answered {response.status_code} with a "
            f"body that is not JSON ({kind}): {snippet}"
        ) from None
    if not isinstance(value, dict):
        raise DecodeError(
            f"{request.method} {request.url.path} answered with JSON that is not an object "
            f"({type(value).__name__})"
        )
    return value
