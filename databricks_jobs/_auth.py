"""Authentication as `httpx.Auth` flows: PAT, OAuth M2M, the Databricks CLI, custom providers.

Tokens that expire are cached and refreshed before they run out (the platform refuses
tokens with 30 s or less left), with one refresh for any number of concurrent requests
(single flight), and a 401 answer makes the flow fetch a new token and send once more.
No secret appears in a repr, log record or error message.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import re
import shutil
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Final, Protocol
from urllib.parse import urlencode

import anyio
import attrs
import httpx

from ._clock import Clock
from ._errors import ConfigError, DatabricksError, DecodeError, error_from_response
from ._http import HttpClient

__all__ = [
    "AccessToken",
    "BearerTokenAuth",
    "DatabricksCliTokens",
    "OAuthClientCredentials",
    "ProvidedTokens",
    "StaticTokenAuth",
    "TokenProvider",
    "TokenSource",
]

logger = logging.getLogger("databricks_jobs.auth")

TOKEN_PATH: Final = "/oidc/v1/token"
REFRESH_MARGIN: Final = 120.0
"""Refresh this many seconds before expiry (or at half the lifetime, if shorter)."""


@attrs.frozen
class AccessToken:
    """A bearer token and how long it stays valid (None: until the service refuses it)."""

    value: str = attrs.field(repr=False)
    expires_in: float | None = None


TokenProvider = Callable[[], Awaitable["str | AccessToken"]]
"""A user-supplied async callable returning a token (str) or an `AccessToken`."""


class TokenSource(Protocol):
    """Where a refreshing auth gets new tokens from."""

    description: str

    async def fetch(self) -> AccessToken:
        """Return a fresh token."""
        ...


class StaticTokenAuth(httpx.Auth):
    """A personal access token, sent as a bearer token on every request."""

    def __init__(self, token: str) -> None:
        self._header = f"Bearer {token}"

    def auth_flow(self, request: httpx.Request):  # type: ignore[no-untyped-def]
        request.headers["Authorization"] = self._header
        yield request

    def __repr__(self) -> str:
        return "StaticTokenAuth(token=****)"


class BearerTokenAuth(httpx.Auth):
    """Bearer tokens from a `TokenSource`: cached, refreshed early, single-flight, 401-retry."""

    def __init__(self, source: TokenSource, clock: Clock) -> None:
        self.source = source
        self._clock = clock
        self._token: str | None = None
        self._refresh_at = 0.0
        self._lock = anyio.Lock()
        self.fetches = 0

    def __repr__(self) -> str:
        return f"BearerTokenAuth(source={self.source.description!r})"

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Attach a valid token; on 401, refresh once and send once more."""
        token = await self._valid_token(stale=None)
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401:
            await response.aread()
            token = await self._valid_token(stale=token)
            request.headers["Authorization"] = f"Bearer {token}"
            yield request

    def sync_auth_flow(self, request: httpx.Request):  # type: ignore[no-untyped-def]
        raise RuntimeError("brickjobs authenticates asynchronously only")

    async def _valid_token(self, *, stale: str | None) -> str:
        if self._fresh(stale):
            assert self._token is not None
            return self._token
        async with self._lock:
            # Another task may have refreshed while this one waited for the lock.
            if self._fresh(stale):
                assert self._token is not None
                return self._token
            try:
                fresh = await self.source.fetch()
            except DatabricksError as exc:
                # The caller's request was never sent, so retrying it is always safe.
                exc.request_sent = False
                raise
            self.fetches += 1
            now = self._clock.now()
            self._token = fresh.value
            if fresh.expires_in is None:
                self._refresh_at = float("inf")
            else:
                margin = min(REFRESH_MARGIN, fresh.expires_in / 2)
                self._refresh_at = now + fresh.expires_in - margin
            return fresh.value

    def _fresh(self, stale: str | None) -> bool:
        return (
            self._token is not None
            and self._token != stale
            and self._clock.now() < self._refresh_at
        )


class OAuthClientCredentials:
    """OAuth M2M: client-credentials grant against the workspace's ``/oidc/v1/token``."""

    def __init__(self, http: HttpClient, client_id: str, client_secret: str) -> None:
        self._http = http
        self._client_id = client_id
        basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode("ascii")
        self._basic = f"Basic {basic}"
        self.description = f"oauth-m2m client {client_id}"

    def __repr__(self) -> str:
        return f"OAuthClientCredentials(client_id={self._client_id!r}, client_secret=****)"

    async def fetch(self) -> AccessToken:
        """Ask the workspace for a token (``grant_type=client_credentials&scope=all-apis``)."""
        body = urlencode({"grant_type": "client_credentials", "scope": "all-apis"}).encode()
        request = self._http.build_request(
            "POST",
            TOKEN_PATH,
            content=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Authorization": self._basic,
            },
        )
        started = time.perf_counter()
        response = await self._http.send(request, auth=None)
        content = await response.aread()
        logger.debug(
            "POST %s -> %d in %.1f ms (token request for %s)",
            TOKEN_PATH,
            response.status_code,
            (time.perf_counter() - started) * 1000,
            self._client_id,
        )
        if response.status_code >= 400:
            raise _oauth_error(response, content)
        try:
            data = json.loads(content)
            token = str(data["access_token"])
            expires_in = data.get("expires_in")
        except (ValueError, KeyError, TypeError):
            raise DecodeError(
                f"the token endpoint {TOKEN_PATH} answered without a usable access_token",
                path="access_token",
            ) from None
        return AccessToken(token, float(expires_in) if expires_in is not None else None)


def _oauth_error(response: httpx.Response, content: bytes) -> DatabricksError:
    error = error_from_response("POST", TOKEN_PATH, response.status_code, response.headers, content)
    try:
        data = json.loads(content)
    except ValueError:
        return error
    if isinstance(data, dict) and "error" in data and "message" not in data:
        description = data.get("error_description")
        error.error_code = error.error_code or str(data["error"])
        error.message = f"{data['error']}: {description}" if description else str(data["error"])
        error.args = (error.message,)
    return error


class DatabricksCliTokens:
    """Tokens from the Databricks CLI (``databricks auth token``), run without blocking."""

    def __init__(self, *, host: str, profile: str | None, cli_path: str | None) -> None:
        self._host = host
        self._profile = profile
        self._cli_path = cli_path
        self.description = "databricks-cli"

    def __repr__(self) -> str:
        return f"DatabricksCliTokens(host={self._host!r}, profile={self._profile!r})"

    async def fetch(self) -> AccessToken:
        """Run ``databricks auth token`` and read its JSON answer."""
        executable = self._cli_path or shutil.which("databricks")
        if not executable:
            raise ConfigError(
                "auth_type databricks-cli needs the Databricks CLI: install it, put `databricks` "
                "on PATH, or set databricks_cli_path / DATABRICKS_CLI_PATH"
            )
        command = [executable, "auth", "token"]
        command += ["--profile", self._profile] if self._profile else ["--host", self._host]
        try:
            result = await anyio.run_process(command, check=False)
        except OSError as exc:
            raise ConfigError(f"could not run the Databricks CLI {executable}: {exc}") from None
        if result.returncode != 0:
            reason = result.stderr.decode(errors="replace").strip().splitlines()
            raise ConfigError(
                f"`databricks auth token` failed (exit {result.returncode}): "
                f"{reason[-1] if reason else 'no message'}; run `databricks auth login` first"
            )
        try:
            data = json.loads(result.stdout)
            token = str(data["access_token"])
        except (ValueError, KeyError, TypeError):
            raise DecodeError(
                "`databricks auth token` printed no JSON with an access_token"
            ) from None
        expires_in = _seconds_until(data.get("expiry"))
        return AccessToken(token, expires_in)


_FRACTION = re.compile(r"(\.\d{6})\d+")


def _seconds_until(expiry: object) -> float | None:
    """Seconds from now until an RFC 3339 time (Go writes up to nine fractional digits)."""
    if not isinstance(expiry, str) or not expiry:
        return None
    text = _FRACTION.sub(r"\1", expiry.strip()).replace("Z", "+00:00")
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, when.timestamp() - time.time())


class ProvidedTokens:
    """Tokens from a user-supplied async callable (workload identity and the like).

    A plain string is kept until the service answers 401; return an `AccessToken` with
    ``expires_in`` to have it refreshed ahead of expiry.
    """

    def __init__(self, provider: TokenProvider) -> None:
        self._provider = provider
        self.description = f"token provider {getattr(provider, '__qualname__', 'callable')}"

    def __repr__(self) -> str:
        return f"ProvidedTokens({self.description!r})"

    async def fetch(self) -> AccessToken:
        """Call the provider."""
        value = await self._provider()
        if isinstance(value, AccessToken):
            return value
        if isinstance(value, str) and value:
            return AccessToken(value)
        raise ConfigError(
            f"the token provider returned {type(value).__name__}, not a token string or AccessToken"
        )
