"""`Workspace`: the entry point that owns the configuration, the HTTP client and the auth."""

from __future__ import annotations

import contextlib
import os
import ssl
from collections.abc import Iterator, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, Self

import httpx

from ._api import ApiClient, capture_requests
from ._auth import (
    BearerTokenAuth,
    DatabricksCliTokens,
    OAuthClientCredentials,
    ProvidedTokens,
    StaticTokenAuth,
    TokenProvider,
)
from ._clock import Clock, SystemClock
from ._config import Config, PoolLimits, Seconds, Timeouts, resolve_config
from ._http import DEFAULT_MAX_RESPONSE_BYTES, HttpClient, TransportChoice
from ._limits import BoundBudget, LocalBudget, RateBudget, RateLimits, SharedBudget
from ._retry import RetryPolicy
from ._sending import TrackedCalls
from ._telemetry import Telemetry
from ._types import JSONObject, QueryValue

if TYPE_CHECKING:
    from opentelemetry.metrics import MeterProvider
    from opentelemetry.trace import TracerProvider

    from .resources import Jobs, Runs

__all__ = ["Workspace"]


class Workspace:
    """A connection to one Databricks workspace: configuration, auth and one pooled client.

    Configuration comes from the arguments, then the ``DATABRICKS_*`` environment variables,
    then a ``.databrickscfg`` profile (see `Workspace.from_env` and `Workspace.from_profile`).
    Nothing touches the network until the first request. Use it as an async context manager,
    or call `aclose` when done; share one Workspace across tasks (one per application).

    With ``shared_budget=`` (`databricks_jobs.shared.RedisBudget`) its rate limits and
    back-off gate are shared with every process using the same budget; such a Workspace
    connects to the store when entered, so use it as an async context manager.

    A Workspace belongs to the event loop it is first used or entered in; another loop gets
    `EventLoopError` (create one per ``asyncio.run``, inside the function it runs). Closing
    it cuts short the calls still in progress (see `aclose`).

    With ``opentelemetry-api`` installed (the ``[otel]`` extra), calls are traced and
    measured through the providers the application configured, or `tracer_provider` and
    `meter_provider`; ``telemetry=False`` turns that off (docs/observability.md).

    ```python
    from databricks_jobs import Workspace

    # or Workspace(host="https://example.cloud.databricks.com", token="dapi...")
    async with Workspace.from_env() as ws:
        page = await ws.request("GET", "/api/2.2/jobs/list", query={"limit": 5})
    ```
    """

    def __init__(
        self,
        host: str | None = None,
        token: str | None = None,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
        auth_type: str | None = None,
        profile: str | None = None,
        config_file: str | os.PathLike[str] | None = None,
        token_provider: TokenProvider | None = None,
        databricks_cli_path: str | None = None,
        timeouts: Timeouts | None = None,
        limits: PoolLimits | None = None,
        retry: RetryPolicy | None = None,
        rate_limits: RateLimits | None = None,
        shared_budget: SharedBudget | None = None,
        transport: TransportChoice = "auto",
        clock: Clock | None = None,
        verify: ssl.SSLContext | str | Literal[True] = True,
        user_agent_extra: str | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        env: Mapping[str, str] | None = None,
        validate: bool = True,
        telemetry: bool = True,
        tracer_provider: TracerProvider | None = None,
        meter_provider: MeterProvider | None = None,
    ) -> None:
        arguments: dict[str, str | None] = {
            "host": host,
            "token": token,
            "client_id": client_id,
            "client_secret": client_secret,
            "auth_type": auth_type,
            "profile": profile,
            "config_file": os.fspath(config_file) if config_file is not None else None,
            "databricks_cli_path": databricks_cli_path,
        }
        self.config: Config = resolve_config(
            arguments,
            os.environ if env is None else env,
            has_token_provider=token_provider is not None,
        )
        """The resolved configuration (secrets hidden from its repr)."""
        self.clock: Clock = clock if clock is not None else SystemClock()
        """The clock every wait, backoff and token expiry uses."""

        if timeouts is None:
            read = self.config.http_timeout_seconds
            timeouts = Timeouts(read=read) if read is not None else Timeouts()
        if retry is None:
            budget = self.config.retry_timeout_seconds
            retry = RetryPolicy(budget=budget) if budget is not None else RetryPolicy()
        self._http = HttpClient(
            base_url=self.config.host,
            timeouts=timeouts,
            limits=limits or PoolLimits(),
            transport=transport,
            verify=verify,
            user_agent_extra=user_agent_extra,
            max_response_bytes=max_response_bytes,
        )
        rate_limits = rate_limits or RateLimits()
        rate_budget: RateBudget
        self._shared: BoundBudget | None = None
        if shared_budget is not None:
            # One budget for every process with the same key (`databricks_jobs.shared`);
            # its connection opens when the Workspace is entered.
            rate_budget = self._shared = shared_budget.bind(
                host=self.config.host, limits=rate_limits, clock=self.clock
            )
        else:
            rate_budget = LocalBudget(rate_limits, self.clock)
        self._shared_connection: contextlib.AsyncExitStack | None = None
        self._api = ApiClient(
            http=self._http,
            auth=self._make_auth(token_provider),
            retry=retry,
            clock=self.clock,
            total_timeout=timeouts.total,
            budget=rate_budget,
            debug_headers=self.config.debug_headers,
            telemetry=Telemetry(
                enabled=telemetry, tracer_provider=tracer_provider, meter_provider=meter_provider
            ),
        )
        self._validate = validate
        self._entered = False
        self._runs: Runs | None = None
        self._jobs: Jobs | None = None

    @classmethod
    def from_env(cls, **options: Any) -> Workspace:
        """Configure from the ``DATABRICKS_*`` environment variables.

        The config file is read on the same terms as for `Workspace`: when the environment
        names a profile, or leaves out the host or the credentials.

        `options` are the keyword options of `Workspace` (timeouts, retry, transport, ...).
        """
        return cls(**options)

    @classmethod
    def from_profile(cls, name: str, **options: Any) -> Workspace:
        """Configure from the named profile of the config file.

        The file is ``~/.databrickscfg`` unless ``config_file`` or ``DATABRICKS_CONFIG_FILE``
        say otherwise. The profile does not inherit keys from ``[DEFAULT]``.
        """
        return cls(profile=name, **options)

    def _make_auth(self, token_provider: TokenProvider | None) -> httpx.Auth:
        config = self.config
        if config.auth_type == "pat":
            assert config.token is not None
            return StaticTokenAuth(config.token)
        if config.auth_type == "oauth-m2m":
            assert config.client_id is not None
            assert config.client_secret is not None
            source = OAuthClientCredentials(self._http, config.client_id, config.client_secret)
            return BearerTokenAuth(source, self.clock)
        if config.auth_type == "databricks-cli":
            cli = DatabricksCliTokens(
                host=config.host, profile=config.profile, cli_path=config.databricks_cli_path
            )
            return BearerTokenAuth(cli, self.clock)
        assert token_provider is not None
        return BearerTokenAuth(ProvidedTokens(token_provider), self.clock)

    @property
    def runs(self) -> Runs:
        """Job runs: submit, get, list, outputs, export, cancel, delete, repair, wait."""
        if self._runs is None:
            from .resources import Runs

            self._runs = Runs(self._api, validate=self._validate)
        return self._runs

    @property
    def jobs(self) -> Jobs:
        """Jobs: create, get, list, update, reset, delete, run_now, permissions, compliance."""
        if self._jobs is None:
            from .resources import Jobs

            self._jobs = Jobs(self._api, self.runs, validate=self._validate)
        return self._jobs

    @property
    def validate(self) -> bool:
        """Whether specs are checked (`databricks_jobs.models.validate`) before they are sent.

        True unless the Workspace was made with ``validate=False``, which sends every spec as
        it is (the escape hatch for a spec the checks refuse and the service accepts). Each
        sending method (``jobs.create``, ``runs.submit``, ...) also takes ``validate=`` for
        one call.
        """
        return self._validate

    @property
    def host(self) -> str:
        """The workspace URL, normalised (``https://...``)."""
        return self.config.host

    @property
    def state(self) -> Literal["unopened", "open", "closed"]:
        """Lifecycle: ``unopened``, then ``open`` (entered or first used), then ``closed``."""
        if self._http.closed:
            return "closed"
        if self._entered or self._http.transport_name is not None:
            return "open"
        return "unopened"

    @property
    def transport_name(self) -> str | None:
        """The HTTP transport in use (``aiohttp``, ``httpx``, or a class name), None before use."""
        return self._http.transport_name

    async def request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, QueryValue] | None = None,
        body: Mapping[str, Any] | None = None,
        idempotent: bool | None = None,
    ) -> JSONObject:
        """Call any REST endpoint of the workspace and return its JSON object.

        Goes through the same retries, auth and deadlines as every other call. Whether an
        ambiguous failure is retried follows the table of write endpoints (docs/errors.md):
        reads and convergent writes are, a run-now or submit body with an
        ``idempotency_token`` is; other writes raise `OutcomeUnknown`, and a path the table
        does not know follows HTTP (PUT and DELETE retried, POST and PATCH not).
        `idempotent` overrides it: True marks the request safe to repeat, False not.
        """
        return await self._api.call(method, path, query=query, body=body, idempotent=idempotent)

    async def sleep(self, seconds: Seconds) -> None:
        """Wait on the Workspace's clock; closing the Workspace ends the wait at once.

        For your own polling loops, as `runs.wait` and `bulk.wait` use it between polls: the
        sleep raises `ClientClosedError` when `aclose` runs (or at once on a closed
        Workspace), so a loop never outlives its Workspace by a polling interval. On a
        `VirtualClock` it returns as soon as simulated time has moved on.
        """
        from .resources._common import argument_seconds

        await self._api.pause(argument_seconds(seconds, name="seconds"))

    def prepare_request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, QueryValue] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> httpx.Request:
        """Return the exact request `request` would send, without sending it or credentials."""
        return self._api.build_request(method, path, query=query, body=body)

    @contextlib.contextmanager
    def dry_run(self) -> Iterator[list[httpx.Request]]:
        """Capture the request the next call in this block would send, instead of sending it.

        Like brickster's ``perform_request = FALSE``: the call stops at the point of
        sending, the block ends quietly, and the yielded list holds the exact request
        (without credentials). Other tasks sharing the Workspace are not affected.

        ```python
        from databricks_jobs import Workspace
        from databricks_jobs.models import JobSettings

        async with Workspace.from_env() as ws:
            with ws.dry_run() as requests:
                await ws.jobs.create(JobSettings(name="nightly"))
            print(requests[0].url, requests[0].content)  # what would have been sent
        ```
        """
        with capture_requests() as captured:
            yield captured

    @contextlib.contextmanager
    def track_calls(self) -> Iterator[TrackedCalls]:
        """Record what the calls made in this block send, to read even after a cancellation.

        When a block that triggers a run is cancelled (the caller of a web handler went
        away), the cancellation says nothing of how far the trigger got. The yielded
        `TrackedCalls` does: `may_have_applied` is False when the trigger was still waiting
        (at the back-off gate, the rate limiter, for a connection) or was refused, so no run
        can have started; True when its request began to leave, so the run may exist: send
        the same request again with the same idempotency token to learn which.

        ```python
        import anyio

        from databricks_jobs import Workspace
        from databricks_jobs.models import JobSettings

        async with Workspace.from_env() as ws:
            job_id = await ws.jobs.create(JobSettings(name="nightly"))
            started = None
            with anyio.move_on_after(5), ws.track_calls() as calls:
                started = await ws.jobs.run_now(job_id, idempotency_token="order-42")
            if started is None and calls.may_have_applied:
                # Cut short after the request left: the token finds the run it started.
                started = await ws.jobs.run_now(job_id, idempotency_token="order-42")
        ```
        """
        with self._api.track_calls() as tracked:
            yield tracked

    async def __aenter__(self) -> Self:
        self._http.check_usable()  # closed, or another event loop's: refused here, at once
        if self._shared is not None and self._shared_connection is None:
            # The shared budget's client lives in this task's block (a structured task group),
            # so it opens here and closes in __aexit__, in the same task.
            connection = contextlib.AsyncExitStack()
            await connection.enter_async_context(self._shared.connect())
            self._shared_connection = connection
        self._entered = True
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await self.aclose()
        finally:
            connection, self._shared_connection = self._shared_connection, None
            if connection is not None:
                await connection.aclose()

    async def aclose(self) -> None:
        """Close the HTTP client and its connections. Safe to call more than once.

        Calls still in progress are cut short: one waiting (for the back-off gate, the rate
        limiter, a connection slot, a retry) raises `ClientClosedError`, and so does one
        being sent, unless repeating it would not be safe (a `jobs.create`): that one raises
        `OutcomeUnknown`. When this returns, no call of the Workspace is running and no
        connection is open. Later calls raise `ClientClosedError`. Close it in the event
        loop that used it (else `EventLoopError`).
        """
        await self._api.aclose()

    def __repr__(self) -> str:
        return (
            f"Workspace(host={self.config.host!r}, auth_type={self.config.auth_type!r}, "
            f"state={self.state!r})"
        )
