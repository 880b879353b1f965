"""Authentication as `httpx.Auth` flows: PAT, OAuth M2M, the Databricks CLI, custom providers.

Tokens that expire are cached and refreshed before they run out (the platform refuses
tokens with 30 s or less left), with one refresh for any number of concurrent requests
(single flight), and a 401 answer makes the flow fetch a new token and send once more.
Every token a source gives (the OAuth token endpoint, the Databricks CLI, a provider) is
checked before it is used: a string, stripped of surrounding whitespace, not empty, without
control characters; anything else is an `AuthError`. No request is sent with an empty bearer.
No secret appears in a repr, log record or error message.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import logging
import math
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterator
from functools import partial
from typing import Final, Protocol
from urllib.parse import quote, quote_plus, urlencode

import anyio
import anyio.abc
import attrs
import httpx

from ._clock import Clock
from ._config import control_character
from ._errors import (
    ApiError,
    AuthError,
    ConfigError,
    DatabricksError,
    error_from_response,
    mask_secrets,
    without_secrets,
)
from ._http import HttpClient, Received
from ._json import parse_json
from ._sending import CURRENT_CALL, fetching_token

__all__ = [
    "AccessToken",
    "BearerTokenAuth",
    "DatabricksCliTokens",
    "OAuthClientCredentials",
    "ProvidedTokens",
    "StaticTokenAuth",
    "TokenProvider",
    "TokenSource",
    "token_lifetime",
    "usable_token",
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
        if not token:
            raise ConfigError("auth_type pat needs a token (DATABRICKS_TOKEN or token=...)")
        self._header = f"Bearer {token}"

    @property
    def header(self) -> str:
        """The ``Authorization`` value (the client sets it without driving a flow)."""
        return self._header

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
            # Errors made while fetching say request_sent=False: the caller's request was
            # never sent, so retrying it is always safe.
            with fetching_token(), _cancelled_with_the_call():
                fresh = await self.source.fetch()
                if not fresh.value:  # the sources check; never send "Bearer " or "Bearer None"
                    raise AuthError(f"{self.source.description} gave an empty token")
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


@contextlib.contextmanager
def _cancelled_with_the_call() -> Iterator[None]:
    """A scope that cancelling the call in progress cancels too, at every await inside it.

    On asyncio a call is cancelled through its task, once (decision 57); code that absorbs
    that one cancellation (a token provider's `anyio.run_process` does, and then waits for its
    child) would outlive the call's deadline and `aclose`. An anyio scope keeps cancelling.
    """
    call = CURRENT_CALL.get()
    if call is None:
        yield
        return
    scope = call.token_scope = anyio.CancelScope()
    if call.cancel_requested:  # cancelled before, and that cancellation was absorbed
        scope.cancel()
    try:
        with scope:
            yield
    finally:
        call.token_scope = None
    if scope.cancel_called:  # taken by the scope, or absorbed by the source: end the call
        raise anyio.get_cancelled_exc_class()


class OAuthClientCredentials:
    """OAuth M2M: client-credentials grant against the workspace's ``/oidc/v1/token``."""

    def __init__(self, http: HttpClient, client_id: str, client_secret: str) -> None:
        self._http = http
        self._client_id = client_id
        basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode("ascii")
        self._basic = f"Basic {basic}"
        # What a broken or hostile endpoint could echo back into an error text.
        self._secrets = (client_secret, basic, quote(client_secret), quote_plus(client_secret))
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
        if not 200 <= response.status_code < 300:  # a redirect is not followed, nor read
            raise _oauth_error(response, content, self._secrets)
        return self._read_answer(response, content)

    def _read_answer(self, response: Received, content: bytes) -> AccessToken:
        """The token of a successful answer; `AuthError` for anything else (never echoed).

        Texts the endpoint wrote go into the error with the client secret masked.
        """
        where = f"the token endpoint {TOKEN_PATH} answered {response.status_code}"
        try:
            data = parse_json(content)
        except ValueError:
            kind = response.headers.get("content-type", "no content type").partition(";")[0]
            kind = mask_secrets(kind, self._secrets)
            page = " (an HTML page: a proxy or sign-in page?)" if "html" in kind.lower() else ""
            raise AuthError(f"{where} with a body that is not JSON ({kind}){page}") from None
        if not isinstance(data, dict):
            raise AuthError(f"{where} with JSON that is not an object ({type(data).__name__})")
        if "error" in data:
            # RFC 6749 puts errors in 400 answers; some gateways send them with 200.
            detail = mask_secrets(_oauth_detail(data), self._secrets)
            raise AuthError(f"{where} with an error: {detail}")
        token = usable_token(data.get("access_token"), source=f"{where} with an access_token")
        expires_in = token_lifetime(
            data.get("expires_in"), source=f"{where} with an expires_in", required=True
        )
        return AccessToken(token, expires_in)


def usable_token(value: object, *, source: str) -> str:
    """Return `value` as a bearer token, surrounding whitespace stripped, or raise `AuthError`.

    Refused: anything but a string, an empty string, and a control character inside (it
    would make the Authorization header invalid HTTP or inject a header). `source` starts
    the message (``the token provider f returned a token``); the value is never shown.
    """
    if not isinstance(value, str):
        shown = "null" if value is None else type(value).__name__
        raise AuthError(f"{source} that is not a string ({shown})")
    token = value.strip()
    if not token:
        raise AuthError(f"{source} that is empty")
    found = control_character(token)
    if found is not None:
        raise AuthError(
            f"{source} that contains a control character ({found}); it was not sent "
            "(the value is not shown)"
        )
    if " " in token:  # a bearer token is one word (RFC 6750's b64token)
        raise AuthError(f"{source} that contains a space; it was not sent (the value is not shown)")
    return token


def token_lifetime(value: object, *, source: str, required: bool) -> float | None:
    """Return a lifetime in seconds (a positive finite number, or digits), or raise `AuthError`."""
    if value is None and not required:
        return None
    seconds: float | None = None
    text = value.strip() if isinstance(value, str) else ""
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            seconds = float(value)
        elif text.isascii() and text.isdigit():  # sent as text by some servers
            seconds = float(text)
    except OverflowError:  # an integer past a float's range ("²".isdigit() is why isascii)
        seconds = None
    if seconds is None or not math.isfinite(seconds) or seconds <= 0:
        shown = "missing" if value is None else f"a {type(value).__name__}"
        raise AuthError(f"{source} that is not a positive number of seconds ({shown})")
    return seconds


def _oauth_detail(data: dict[str, object]) -> str:
    """An RFC 6749 error as one text: ``invalid_client: Client authentication failed``."""
    description = data.get("error_description")
    return f"{data['error']}: {description}" if description else str(data["error"])


def _oauth_error(response: Received, content: bytes, secrets: tuple[str, ...]) -> ApiError:
    """The error for a token endpoint's error answer, read as RFC 6749 writes it when it is.

    An RFC 6749 body (``error`` and ``error_description``, no ``message``) gives the error
    code (unless the body also has an ``error_code``) and the message; anything else is read
    as any error answer. The client secret is masked in every text, before the error is made.
    """
    code = message = None
    try:  # the masked body: the code and the message are texts the endpoint wrote
        data = parse_json(without_secrets(content, secrets))
    except ValueError:
        data = None
    if isinstance(data, dict):  # tokens issued with an error status are not kept either
        issued = (data.get(name) for name in ("access_token", "refresh_token", "id_token"))
        secrets += tuple(token for token in issued if isinstance(token, str) and token)
    if isinstance(data, dict) and "error" in data and "message" not in data:
        message = _oauth_detail(data)
        code = str(data["error_code"]) if data.get("error_code") is not None else str(data["error"])
    return error_from_response(
        "POST",
        TOKEN_PATH,
        response.status_code,
        response.headers,
        content,
        secrets=secrets,
        error_code=code,
        message=message,
    )


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
            returncode, stdout, stderr = await _run_cli(command)
        except OSError as exc:
            raise ConfigError(f"could not run the Databricks CLI {executable}: {exc}") from None
        if returncode != 0:
            raise ConfigError(
                f"`databricks auth token` failed (exit {returncode}): {_cli_reason(stderr)}; "
                "run `databricks auth login` first"
            )
        try:
            data = parse_json(stdout)
        except ValueError:
            raise AuthError("`databricks auth token` printed no JSON") from None
        if not isinstance(data, dict):
            raise AuthError("`databricks auth token` printed JSON that is not an object")
        token = usable_token(
            data.get("access_token"), source="`databricks auth token` printed an access_token"
        )
        return AccessToken(token, _seconds_until(data.get("expiry")))


CLI_OUTPUT_CAP: Final = 1 << 20
"""The most `databricks auth token` may print (its answer is a few hundred bytes)."""
_CLI_ERROR_KEPT: Final = 64 << 10
_CLI_REASON_CAP: Final = 200
_TOKEN_LIKE = re.compile(
    r"eyJ[\w-]*\.[\w-]*\.[\w-]*"  # a JWT (OAuth access tokens)
    r"|\b(?:dapi|dose|dkea)[0-9a-f]{16,}(?:-\d+)?"  # Databricks personal access tokens
    r"|[A-Za-z0-9_\-+=]{24,}"  # any other long opaque string (not a host: no dots)
)


async def _run_cli(command: list[str]) -> tuple[int, bytes, bytes]:
    """Run the Databricks CLI: its exit status, its output (capped) and its first error text.

    The CLI reads nothing (its stdin is empty, never the application's), and runs in a
    session of its own on POSIX, so that when it must stop early (its output passed
    `CLI_OUTPUT_CAP`, the call was cancelled or ran out of time) the whole process group is
    killed, a wrapper script's children included, and waited for. `AuthError` for output past
    the cap.
    """
    own_group = os.name == "posix"
    process = await anyio.open_process(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=own_group,
    )
    stdout, stderr = bytearray(), bytearray()
    done = False
    try:
        assert process.stdout is not None
        assert process.stderr is not None
        async with anyio.create_task_group() as group:
            group.start_soon(
                partial(_read_into, stop=False), process.stderr, stderr, _CLI_ERROR_KEPT
            )
            whole = await _read_into(process.stdout, stdout, CLI_OUTPUT_CAP)
            if not whole:
                group.cancel_scope.cancel()
        if not whole:
            raise AuthError(
                f"`databricks auth token` printed more than {CLI_OUTPUT_CAP >> 20} MiB; "
                "it was stopped (the output is not shown)"
            )
        returncode = await process.wait()
        done = True
    finally:
        if not done:  # the group too: a child the CLI left may hold its output open
            _kill_cli(process, own_group)
        with anyio.CancelScope(shield=True):
            await process.aclose()
    return returncode, bytes(stdout), bytes(stderr)


async def _read_into(
    stream: anyio.abc.ByteReceiveStream, into: bytearray, cap: int, *, stop: bool = True
) -> bool:
    """Read `stream` into `into`, keeping at most `cap` bytes; False if it held more.

    Past the cap it stops reading (the caller then stops the process), or with ``stop=False``
    reads on to the end and drops the rest, so that the process is never blocked on a full pipe.
    """
    whole = True
    async for chunk in stream:
        if len(into) + len(chunk) > cap:
            into += chunk[: cap - len(into)]
            whole = False
            if stop:
                break
        else:
            into += chunk
    return whole


def _kill_cli(process: anyio.abc.Process, own_group: bool) -> None:
    """Kill the CLI, and its process group when it has one of its own."""
    try:
        if own_group:
            os.killpg(process.pid, signal.SIGKILL)
        elif process.returncode is None:
            process.kill()
    except (ProcessLookupError, PermissionError):  # gone already
        pass


def _cli_reason(stderr: bytes) -> str:
    """The last line the CLI wrote to stderr, fit for a message: short, plain, no token in it.

    Control characters (terminal colours among them) become spaces, anything that looks like
    a token (a JWT, a personal access token, a long opaque string) becomes ``****``, and the
    line is cut at 200 characters.
    """
    lines = stderr.decode(errors="replace").strip().splitlines()
    if not lines:
        return "no message"
    line = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", lines[-1])  # terminal colours
    line = "".join(" " if (c < " " or "\x7f" <= c < "\xa0") else c for c in line).strip()
    line = _TOKEN_LIKE.sub("****", line)
    return line if len(line) <= _CLI_REASON_CAP else line[: _CLI_REASON_CAP - 3] + "..."


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
        """Call the provider; check what it returned (`AuthError` for anything unusable)."""
        try:
            value = await self._provider()
        except DatabricksError:
            raise
        except Exception as exc:  # the caller's code: typed, with its error as the cause
            raise AuthError(f"{self.description} raised {type(exc).__name__}") from exc
        returned = f"{self.description} returned a token"
        if isinstance(value, AccessToken):
            token = usable_token(value.value, source=returned)
            lifetime = token_lifetime(
                value.expires_in,
                source=f"{self.description} returned an expires_in",
                required=False,
            )
            return AccessToken(token, lifetime)
        return AccessToken(usable_token(value, source=returned))
