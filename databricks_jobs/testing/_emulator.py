"""`Emulator`: the local Jobs API workspace, its request log, faults and ways to serve."""

from __future__ import annotations

import copy
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any

import anyio
import anyio.from_thread

from ._app import App, body_for_log
from ._auth import AuthRegistry
from ._call import Call
from ._clock import Clock, VirtualClock
from ._faults import PAGE_FAULTS, Faults, fault_response, page_token_of
from ._handlers_runs import renderer
from ._scripts import Outcome, TaskContext, TaskScript
from ._server import serve_http
from ._state import Store, Timings
from ._throttle import Throttle, retry_after_header
from ._transport import EmulatorTransport
from ._wire import EmulatorRequest, EmulatorResponse, error_response, new_request_id

__all__ = ["DEFAULT_CLIENT", "DEFAULT_TOKEN", "Emulator", "LoggedRequest", "Reply"]

DEFAULT_TOKEN = "dapi-emulator"
"""The personal access token an `Emulator` accepts unless given `tokens`."""
DEFAULT_CLIENT = ("emulator-client", "emulator-secret")
"""The OAuth M2M client id and secret an `Emulator` accepts unless given `clients`."""
_SECRET_HEADERS = frozenset({"authorization", "cookie", "x-databricks-azure-sp-management-token"})
_DEFAULT_EPOCH = 1_767_225_600.0  # 2026-01-01T00:00:00Z, the epoch of virtual clocks


@dataclass(frozen=True)
class LoggedRequest:
    """A request the emulator saw, with secrets masked, and what became of it."""

    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: Any
    status: int | None
    fault: str | None
    request_id: str
    time: float


@dataclass(frozen=True)
class Reply:
    """What to do with a request: send `response` (after `stall` seconds) or drop it."""

    response: EmulatorResponse | None
    drop: bool = False
    stall: float = 0.0


class Emulator:
    """A local Jobs API workspace: jobs and runs in memory, on a clock the test controls.

    It answers under ``/api/2.2``, ``/api/2.1`` and ``/api/2.0`` (see docs/emulator.md).
    `clock` defaults to a new `VirtualClock`. `tokens` are the PATs it accepts; `clients` maps
    OAuth client ids to secrets; OAuth access tokens live `token_ttl` clock seconds. `timings`
    sets the default task phases; `seed` seeds the fault rates; `epoch` is the Unix time of
    clock time 0. `log_requests=False` keeps no request log (for long benchmarks).
    `serverless=False` makes it a workspace without serverless compute, where a task that runs
    on a cluster must name one (``existing_cluster_id``, ``new_cluster``, ``job_cluster_key``)
    or is refused as the service refuses it.

    ```python
    from databricks_jobs import Workspace
    from databricks_jobs.models import JobSettings
    from databricks_jobs.testing import Emulator, VirtualClock

    emulator = Emulator(VirtualClock())
    async with Workspace(
        host="https://emulator", token=emulator.token, transport=emulator.transport()
    ) as ws:
        job_id = await ws.jobs.create(JobSettings(name="nightly"))
    ```
    """

    def __init__(
        self,
        clock: Clock | None = None,
        *,
        tokens: Iterable[str] = (DEFAULT_TOKEN,),
        clients: Mapping[str, str] | None = None,
        token_ttl: float = 3600.0,
        user_name: str = "emulator@example.com",
        timings: Timings | None = None,
        seed: int | None = 0,
        epoch: float | None = None,
        log_requests: bool = True,
        serverless: bool = True,
    ) -> None:
        self.clock: Clock = clock if clock is not None else VirtualClock()
        if epoch is None:
            epoch = _DEFAULT_EPOCH if isinstance(self.clock, VirtualClock) else time.time()
            epoch -= self.clock.now()
        self.store = Store(
            self.clock,
            user_name=user_name,
            timings=timings or Timings(),
            epoch=epoch,
            serverless=serverless,
        )
        self.auth = AuthRegistry(
            self.clock,
            tokens=tokens,
            clients=dict([DEFAULT_CLIENT]) if clients is None else clients,
            token_ttl=token_ttl,
        )
        self.faults = Faults(seed)
        self.requests: list[LoggedRequest] = []
        self.log_requests = log_requests
        self.throttles: list[Throttle] = []
        self._app = App(self.store, self.auth)
        self._lock = threading.RLock()

    # --- what tests look at ------------------------------------------------------------

    @property
    def serverless(self) -> bool:
        """Whether tasks may leave out their compute (serverless compute is on)."""
        return self.store.serverless

    @property
    def token(self) -> str:
        """The first PAT this emulator accepts."""
        return next(iter(self.auth.tokens), DEFAULT_TOKEN)

    @property
    def applied(self) -> Counter[str]:
        """How many requests took effect, by endpoint (``jobs/run-now``, ...).

        Idempotent replays count under ``<endpoint>:replayed``, never as new runs.
        """
        return self.store.applied

    def started_by_token(self, endpoint: str = "jobs/run-now") -> dict[str, int]:
        """The run each idempotency token started, by token, for one trigger endpoint.

        `endpoint` is ``jobs/run-now`` or ``jobs/runs/submit``. Runs deleted since are
        included (`run_exists` tells them apart): the emulator keeps every token, as the
        service does, and answers it with the run it started or an error naming the deletion.
        """
        with self._lock:
            return self.store.started_by_token(endpoint)

    def run_exists(self, run_id: int) -> bool:
        """Whether run `run_id` exists (it was started and not deleted)."""
        with self._lock:
            return run_id in self.store.runs

    @property
    def token_requests(self) -> int:
        """How many requests reached ``/oidc/v1/token``."""
        return self.auth.token_requests

    def expire_tokens(self) -> None:
        """Expire every OAuth access token issued so far (the next use gets a 401)."""
        with self._lock:
            self.auth.expire_all()

    def requests_to(self, path_part: str, method: str | None = None) -> list[LoggedRequest]:
        """Return the logged requests whose path contains `path_part`."""
        return [
            r
            for r in self.requests
            if path_part in r.path and (method is None or r.method == method.upper())
        ]

    def run_state(self, run_id: int) -> dict[str, Any]:
        """Return the run as runs/get shows it now (without array pages)."""
        with self._lock:
            t = self.store.advance()
            call = Call.parse(EmulatorRequest("GET", "/"), "2.2", "http://emulator.local")
            return renderer(self.store, call).run(self.store.run(run_id), t)

    def job_settings(self, job_id: int) -> dict[str, Any]:
        """Return the stored settings of a job (a copy)."""
        with self._lock:
            return copy.deepcopy(self.store.job(job_id).settings)

    # --- scripting tasks -----------------------------------------------------------------

    def script_task(
        self,
        task_key: str | None = None,
        *,
        job_name: str | None = None,
        when: Callable[[TaskContext], bool] | None = None,
        outcome: Outcome = "SUCCESS",
        duration: float | None = None,
        error: str | None = None,
        error_trace: str | None = None,
        result: str | None = None,
        logs: str | None = None,
        fail_attempts: int | None = None,
    ) -> TaskScript:
        """Say what matching task attempts do from now on; the newest matching script wins."""
        script = TaskScript(
            task_key, job_name, when, outcome, duration, error, error_trace, result, logs,
            fail_attempts,
        )  # fmt: skip
        with self._lock:
            self.store.scripts.append(script)
        return script

    def remove_script(self, script: TaskScript) -> None:
        """Stop applying `script` to attempts that start from now on."""
        with self._lock:
            self.store.scripts.remove(script)

    def clear_scripts(self) -> None:
        """Remove every script: tasks succeed after the default duration again."""
        with self._lock:
            self.store.scripts.clear()

    def throttle(
        self,
        rate: float,
        *,
        burst: float = 1.0,
        path: str | None = None,
        method: str | None = None,
        message: str | None = None,
        endpoint: str | None = None,
    ) -> Throttle:
        """Refuse requests beyond `rate` per clock second (bursts up to `burst`) with 429.

        The 429 is ``REQUEST_LIMIT_EXCEEDED`` with a ``Retry-After`` header saying when a
        request would pass, and `message` as its text (the service's "Too many requests..."
        when None). `endpoint` names one endpoint exactly (``jobs/run-now``), where `path`
        matches any path containing it. Time is the emulator's clock, so a virtual clock
        refills the bucket only when it moves.
        """
        rule = Throttle(rate, burst, path, method, message=message, endpoint=endpoint)
        with self._lock:
            self.throttles.append(rule)
        return rule

    def violate_policy(self, job_id: int, violations: Mapping[str, str]) -> None:
        """Make a job non-compliant with its cluster policy (for the compliance endpoints)."""
        with self._lock:
            self.store.job(job_id).violations.update(violations)

    # --- answering -----------------------------------------------------------------------

    def handle(self, request: EmulatorRequest) -> EmulatorResponse:
        """Answer one request without faults, synchronously (and log it)."""
        rid = new_request_id()
        with self._lock:
            response = self._app.handle(request, request_id=rid)
            self._log(request, response.status, None, rid)
        return response

    async def respond(self, request: EmulatorRequest) -> Reply:
        """Answer one request with the faults that apply; used by the transport and server."""
        sent = request
        request = self.faults.restore_page_token(sent)  # an empty_pages token leads back
        with self._lock:
            decision = self.faults.decide(
                request.method,
                request.path,
                page_token=page_token_of(sent),
                request=b"%s\n%s" % (sent.query_string.encode(), sent.body),
            )
        if decision.delay > 0:
            await anyio.sleep(decision.delay)
        rule = decision.fault
        rid = new_request_id()
        kind: str | None = rule.kind if rule is not None else None
        response: EmulatorResponse | None = None
        with self._lock:
            throttled = self._throttled(request) if rule is None else None
            if throttled is not None:
                kind = "throttled"
                throttle, wait = throttled
                response = error_response(
                    429,
                    "REQUEST_LIMIT_EXCEEDED",
                    throttle.message or "Too many requests. Please wait a moment and try again.",
                    request_id=rid,
                    headers=[("retry-after", retry_after_header(wait))],
                )
            elif rule is None or kind in ("drop_after", "stall"):
                response = self._app.handle(request, request_id=rid)
            elif kind in PAGE_FAULTS:
                response = self.faults.bend_page(
                    rule, sent, self._app.handle(request, request_id=rid)
                )
            elif kind != "drop_before":
                assert rule is not None
                if rule.applied:  # it takes effect; the answer is lost to the fault
                    self._app.handle(request, request_id=rid)
                response = fault_response(rule, rid)
            status = response.status if response is not None and kind != "drop_after" else None
            self._log(request, status, kind, rid)
        if kind in ("drop_before", "drop_after"):
            return Reply(None, drop=True)
        if rule is not None and kind == "stall":
            return Reply(response, stall=rule.delay)
        return Reply(response)

    def _throttled(self, request: EmulatorRequest) -> tuple[Throttle, float] | None:
        now = self.clock.now()
        for throttle in self.throttles:
            if throttle.applies_to(request.method, request.path):
                wait = throttle.take(now)
                if wait is not None:
                    return throttle, wait
        return None

    def _log(
        self, request: EmulatorRequest, status: int | None, fault: str | None, rid: str
    ) -> None:
        if not self.log_requests:
            return
        headers = {k: ("***" if k in _SECRET_HEADERS else v) for k, v in request.headers.items()}
        body = body_for_log(request.body)
        if request.path == "/oidc/v1/token":
            body = "***"
        self.requests.append(
            LoggedRequest(
                method=request.method.upper(),
                path=request.path,
                query={k: v[-1] for k, v in request.query().items()},
                headers=headers,
                body=body,
                status=status,
                fault=fault,
                request_id=rid,
                time=self.clock.now(),
            )
        )

    # --- serving -------------------------------------------------------------------------

    def transport(self) -> EmulatorTransport:
        """Return an httpx transport that answers in-process (no sockets)."""
        return EmulatorTransport(self)

    @asynccontextmanager
    async def serve(self, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[str]:
        """Serve over HTTP/1.1 on loopback in the current event loop; yield the base URL."""
        async with serve_http(self, host, port) as url:
            yield url

    @contextmanager
    def serve_in_thread(
        self, host: str = "127.0.0.1", port: int = 0, *, backend: str = "asyncio"
    ) -> Iterator[str]:
        """Serve from a background thread with its own event loop; yield the base URL."""
        with (
            anyio.from_thread.start_blocking_portal(backend) as portal,
            portal.wrap_async_context_manager(self.serve(host, port)) as url,
        ):
            yield url
