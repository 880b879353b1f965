"""Tokens, client secrets and Authorization headers never leak: reprs, errors, DEBUG logs."""

from __future__ import annotations

import base64
import json
import logging
import stat
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

import anyio
import httpx
import pytest

from databricks_jobs import (
    AccessToken,
    AuthError,
    ConfigError,
    ConnectionFailed,
    DatabricksError,
    PermissionDenied,
    RetryPolicy,
    SpecError,
    VirtualClock,
    Workspace,
)
from databricks_jobs.models import JobSettings
from databricks_jobs.testing import Emulator
from tests.core.loopback import Behaviour, Exchange, loopback_server

HOST = "https://example.cloud.databricks.com"
PAT = "dapi-pat-0123456789abcdef"
CLIENT_SECRET = "oauth-secret-0123456789"
ISSUED = "issued-access-token-0123456789"
CLI_TOKEN = "cli-token-0123456789"
PROVIDED = "provided-token-0123456789"
SECRETS = [
    PAT,
    CLIENT_SECRET,
    ISSUED,
    CLI_TOKEN,
    PROVIDED,
    base64.b64encode(f"app:{CLIENT_SECRET}".encode()).decode(),
]

Answer = Callable[[httpx.Request], httpx.Response]


def api_answers() -> list[tuple[str, Answer]]:
    def fail(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    return [
        ("401", lambda r: httpx.Response(401, json={"error_code": "UNAUTHENTICATED"})),
        ("403", lambda r: httpx.Response(403, json={"message": f"denied {r.url}"})),
        ("500", lambda r: httpx.Response(500, text="<html>oops</html>")),
        ("refused", fail),
    ]


def cli(tmp_path: Path) -> str:
    path = tmp_path / "databricks"
    path.write_text(
        f"#!{sys.executable}\nimport json\n"
        f'print(json.dumps({{"access_token": "{CLI_TOKEN}", "expiry": "2999-01-01T00:00:00Z"}}))\n'
    )
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


async def provider() -> AccessToken:
    return AccessToken(PROVIDED, expires_in=600)


def auth_kinds(tmp_path: Path) -> dict[str, dict[str, object]]:
    return {
        "pat": {"token": PAT},
        "oauth-m2m": {"client_id": "app", "client_secret": CLIENT_SECRET},
        "databricks-cli": {"auth_type": "databricks-cli", "databricks_cli_path": cli(tmp_path)},
        "token-provider": {"token_provider": provider},
    }


@pytest.mark.parametrize("auth", ["pat", "oauth-m2m", "databricks-cli", "token-provider"])
@pytest.mark.parametrize("answer", [name for name, _ in api_answers()])
def test_no_secret_in_reprs_errors_or_debug_logs(
    auth: str, answer: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    respond = dict(api_answers())[answer]

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oidc/v1/token":
            return httpx.Response(200, json={"access_token": ISSUED, "expires_in": 3600})
        return respond(request)

    caplog.set_level(logging.DEBUG)
    seen: list[str] = []

    async def exercise() -> None:
        ws = Workspace(
            host=HOST,
            transport=httpx.MockTransport(handler),
            clock=VirtualClock(),
            env={"DATABRICKS_DEBUG_HEADERS": "true"},
            **auth_kinds(tmp_path)[auth],  # type: ignore[arg-type]
        )
        seen.extend([repr(ws), str(ws.config), repr(ws.config), str(ws.config.describe())])
        async with ws:
            for call in (
                lambda: ws.jobs.list().to_list(),
                lambda: ws.jobs.create(JobSettings(name="x")),
                lambda: ws.request("GET", "/api/2.2/jobs/get", query={"job_id": 1}),
            ):
                with pytest.raises(DatabricksError) as caught:
                    await call()
                seen.append("".join(traceback.format_exception(caught.value)))
                seen.append(repr(caught.value))

    anyio.run(exercise)
    everything = "\n".join([*seen, caplog.text])
    assert "authorization" in caplog.text.lower()  # the headers were logged, masked
    for secret in SECRETS:
        assert secret not in everything


def test_token_endpoint_failure_never_shows_the_secret(caplog: pytest.LogCaptureFixture) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            401,
            json={"error": "invalid_client", "error_description": "bad secret"},
        )

    caplog.set_level(logging.DEBUG)
    shown: list[str] = []

    async def exercise() -> None:
        ws = Workspace(
            host=HOST,
            client_id="app",
            client_secret=CLIENT_SECRET,
            transport=httpx.MockTransport(handler),
            clock=VirtualClock(),
            env={},
        )
        async with ws:
            with pytest.raises(DatabricksError) as caught:
                await ws.request("GET", "/api/2.2/jobs/list")
        shown.append("".join(traceback.format_exception(caught.value)))

    anyio.run(exercise)
    assert "invalid_client" in shown[0]
    for secret in SECRETS:
        assert secret not in shown[0] + caplog.text


def test_oauth_token_request_goes_only_to_the_workspace() -> None:
    hosts: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        hosts.append(request.url.host)
        if request.url.path == "/oidc/v1/token":
            return httpx.Response(200, json={"access_token": ISSUED, "expires_in": 3600})
        return httpx.Response(302, headers={"location": "https://attacker.example/steal"})

    async def exercise() -> None:
        ws = Workspace(
            host=HOST,
            client_id="app",
            client_secret=CLIENT_SECRET,
            transport=httpx.MockTransport(handler),
            clock=VirtualClock(),
            env={},
        )
        async with ws:
            with pytest.raises(DatabricksError, match="redirects are not followed"):
                await ws.request("GET", "/api/2.2/jobs/list")

    anyio.run(exercise)
    assert set(hosts) == {"example.cloud.databricks.com"}  # never the redirect's target


# --- hostile input, through the public API against real loopback servers ----------------------
# Each test below failed before the fix it names, under at least one transport combination.

COMBOS = [("asyncio", "aiohttp"), ("asyncio", "httpx"), ("trio", "httpx")]
combos = pytest.mark.parametrize(("anyio_backend", "transport"), COMBOS)


def chain_texts(error: BaseException) -> str:
    """Every text an exception shows, its chain walked whether suppressed or not.

    str, repr, the formatted traceback (with causes, contexts and notes), and str and repr of
    every cause, context and wrapped error.
    """
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


@combos
@pytest.mark.anyio
async def test_a_pat_read_from_a_file_with_its_line_break_works(
    anyio_backend: str, transport: str
) -> None:
    # Was: h11 refused "Bearer <token>\n", quoting it whole, and create raised OutcomeUnknown.
    emulator = Emulator(VirtualClock())
    async with emulator.serve() as url:
        env = {"DATABRICKS_HOST": url, "DATABRICKS_TOKEN": emulator.token + "\n"}
        async with Workspace(transport=transport, clock=VirtualClock(), env=env) as ws:
            created = await ws.jobs.create(JobSettings(name="from a mounted secret"))
    assert created > 0


@combos
@pytest.mark.anyio
async def test_a_pat_with_a_line_break_inside_is_refused_before_any_request(
    anyio_backend: str, transport: str
) -> None:
    emulator = Emulator(VirtualClock())
    secret = f"{PAT}\nX-Injected: 1"
    async with emulator.serve() as url:
        with pytest.raises(ConfigError, match=r"token \(env DATABRICKS_TOKEN\)") as caught:
            Workspace(
                transport=transport,
                clock=VirtualClock(),
                env={"DATABRICKS_HOST": url, "DATABRICKS_TOKEN": secret},
            )
    assert emulator.requests == []
    assert PAT not in chain_texts(caught.value)


@combos
@pytest.mark.anyio
async def test_a_provider_token_with_a_line_break_is_refused_and_nothing_is_sent(
    anyio_backend: str, transport: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Was: the token whole in ConnectionFailed (httpx) or a raw ValueError (aiohttp), and
    # OutcomeUnknown for a create that never left.
    async def provider() -> str:
        return f"{PROVIDED}\r\nX-Injected: 1"

    caplog.set_level(logging.DEBUG)
    emulator = Emulator(VirtualClock())
    async with emulator.serve() as url:
        ws = Workspace(host=url, token_provider=provider, transport=transport, env={},
                       clock=VirtualClock())  # fmt: skip
        async with ws:
            with pytest.raises(AuthError, match=r"control character \(U\+000D\)") as caught:
                await ws.jobs.create(JobSettings(name="never sent"))
    assert caught.value.request_sent is False
    assert emulator.requests == []
    assert PROVIDED not in chain_texts(caught.value) + caplog.text


@combos
@pytest.mark.anyio
async def test_user_agent_extra_with_a_line_break_is_refused(
    anyio_backend: str, transport: str
) -> None:
    emulator = Emulator(VirtualClock())
    async with emulator.serve() as url:
        with pytest.raises(ConfigError, match="user_agent_extra contains a control character"):
            Workspace(host=url, token=emulator.token, transport=transport, env={},
                      user_agent_extra="app/1.0\r\nX-Injected: 1")  # fmt: skip
    assert emulator.requests == []


async def echo_in_status_line(exchange: Exchange) -> None:
    """Answer with a status line that is not HTTP and quotes the request's credential."""
    echoed = exchange.headers.get("authorization", "")
    await exchange.stream.send(f"HTTP/1.1 2x0 {echoed}\r\ncontent-length: 0\r\n\r\n".encode())


async def echo_in_header_line(exchange: Exchange) -> None:
    """Answer with a header line without a colon that quotes the request's credential."""
    echoed = exchange.headers.get("authorization", "")
    await exchange.stream.send(
        f"HTTP/1.1 200 OK\r\nX-Echo {echoed}\r\ncontent-length: 0\r\n\r\n".encode()
    )


@combos
@pytest.mark.anyio
@pytest.mark.parametrize("behaviour", [echo_in_status_line, echo_in_header_line])
async def test_a_parser_quoting_an_echoed_header_never_reaches_our_error(
    anyio_backend: str, transport: str, behaviour: Behaviour
) -> None:
    # Was: ConnectionFailed copied h11's "illegal status line: bytearray(b'... Bearer ...')"
    # (aiohttp's BadStatusLine likewise), and chained the parser's error as the cause.
    async with loopback_server(behaviour) as server:
        ws = Workspace(host=server.url, token=PAT, transport=transport, env={},
                       clock=VirtualClock(), retry=RetryPolicy(attempts=2))  # fmt: skip
        async with ws:
            with pytest.raises(DatabricksError) as caught:
                await ws.request("GET", "/api/2.2/jobs/list")
    assert server.requests, "the hostile server was reached"
    assert isinstance(caught.value, ConnectionFailed)
    assert caught.value.request_sent is True
    assert PAT not in chain_texts(caught.value)


@combos
@pytest.mark.anyio
async def test_an_error_body_echoing_the_credential_is_masked(
    anyio_backend: str, transport: str
) -> None:
    async def echo_403(exchange: Exchange) -> None:
        echoed = exchange.headers.get("authorization", "")
        body = json.dumps({"error_code": "PERMISSION_DENIED", "message": f"who is {echoed}?"})
        await exchange.respond(403, body.encode(), {"x-request-id": echoed.split()[-1]})

    async with loopback_server(echo_403) as server:
        ws = Workspace(host=server.url, token=PAT, transport=transport, env={},
                       clock=VirtualClock())  # fmt: skip
        async with ws:
            with pytest.raises(PermissionDenied) as caught:
                await ws.request("GET", "/api/2.2/jobs/list")
    assert "who is ****?" in str(caught.value)
    assert PAT not in chain_texts(caught.value)


def write_profiles(tmp_path: Path, text: str) -> str:
    path = tmp_path / "databrickscfg"
    path.write_text(text, encoding="utf-8")
    return str(path)


@combos
@pytest.mark.anyio
async def test_default_profile_token_is_not_sent_to_the_host_from_the_environment(
    anyio_backend: str, transport: str, tmp_path: Path
) -> None:
    # Was: [DEFAULT]'s token, written for another workspace, went to DATABRICKS_HOST.
    emulator = Emulator(VirtualClock())
    path = write_profiles(tmp_path, f"[DEFAULT]\nhost = https://other.example.com\ntoken = {PAT}\n")
    async with emulator.serve() as url:
        with pytest.raises(ConfigError, match="no credentials") as caught:
            Workspace(transport=transport, clock=VirtualClock(),
                      env={"DATABRICKS_HOST": url, "DATABRICKS_CONFIG_FILE": path})  # fmt: skip
    assert emulator.requests == []
    assert PAT not in chain_texts(caught.value)


@combos
@pytest.mark.anyio
async def test_env_token_is_not_sent_to_the_default_profile_host(
    anyio_backend: str, transport: str, tmp_path: Path
) -> None:
    # Was: the host came from [DEFAULT], the token from DATABRICKS_TOKEN, and they were paired.
    emulator = Emulator(VirtualClock())
    async with emulator.serve() as url:
        path = write_profiles(tmp_path, f"[DEFAULT]\nhost = {url}\ntoken = profile-token\n")
        with pytest.raises(ConfigError, match="no host"):
            Workspace(transport=transport, clock=VirtualClock(),
                      env={"DATABRICKS_TOKEN": PAT, "DATABRICKS_CONFIG_FILE": path})  # fmt: skip
    assert emulator.requests == []


@combos
@pytest.mark.anyio
async def test_a_named_profile_for_another_host_is_refused(
    anyio_backend: str, transport: str, tmp_path: Path
) -> None:
    # Was: the named profile's token went to the explicit host (as the official SDK does).
    emulator = Emulator(VirtualClock())
    path = write_profiles(tmp_path, f"[prod]\nhost = https://prod.example.com/\ntoken = {PAT}\n")
    async with emulator.serve() as url:
        env = {"DATABRICKS_CONFIG_FILE": path, "DATABRICKS_CONFIG_PROFILE": "prod"}
        with pytest.raises(ConfigError, match="is not the host of profile prod") as caught:
            Workspace(host=url, transport=transport, clock=VirtualClock(), env=env)
    assert url in str(caught.value)
    assert "https://prod.example.com" in str(caught.value)
    assert emulator.requests == []


@combos
@pytest.mark.anyio
@pytest.mark.parametrize("template", ["http://zUser:{secret}@{netloc}", "{netloc}/ # staging"])
async def test_hosts_with_userinfo_or_a_comment_are_refused(
    anyio_backend: str, transport: str, template: str
) -> None:
    # Was: both accepted (the userinfo silently dropped, the comment taken for a path).
    emulator = Emulator(VirtualClock())
    async with emulator.serve() as url:
        netloc = url.removeprefix("http://")
        host = template.format(secret=PAT, netloc=netloc)
        host = host if host.startswith("http") else f"http://{host}"
        with pytest.raises(ConfigError, match=r"host \(argument\)") as caught:
            Workspace(host=host, token=emulator.token, transport=transport, env={})
    assert emulator.requests == []
    assert PAT not in chain_texts(caught.value)
    assert "zUser" not in chain_texts(caught.value)


@combos
@pytest.mark.anyio
async def test_a_pasted_workspace_url_keeps_only_the_host(
    anyio_backend: str, transport: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="databricks_jobs.config")
    emulator = Emulator(VirtualClock())
    async with emulator.serve() as url:
        async with Workspace(host=f"{url}/browse/?o=1234567890", token=emulator.token,
                             transport=transport, env={}, clock=VirtualClock()) as ws:  # fmt: skip
            assert ws.host == url
            await ws.request("GET", "/api/2.2/jobs/list")
    assert [r.path for r in emulator.requests] == ["/api/2.2/jobs/list"]
    assert "the path and query after" in caplog.text


@combos
@pytest.mark.anyio
@pytest.mark.parametrize(
    ("method", "path", "field"),
    [
        ("GET\r\nX-Injected: 1", "/api/2.2/jobs/list", "method"),
        ("GE T", "/api/2.2/jobs/list", "method"),
        ("GET", "/api/2.2/jobs/list\r\nX-Injected: 1", "path"),
    ],
)
async def test_a_method_or_path_that_is_not_http_is_a_spec_error(
    anyio_backend: str, transport: str, method: str, path: str, field: str
) -> None:
    # Was: a raw httpx.InvalidURL for the path; the method reached the transport.
    emulator = Emulator(VirtualClock())
    async with emulator.serve() as url:
        ws = Workspace(host=url, token=emulator.token, transport=transport, env={},
                       clock=VirtualClock())  # fmt: skip
        async with ws:
            with pytest.raises(SpecError) as caught:
                await ws.request(method, path)
    assert caught.value.field == field
    assert caught.value.request_sent is False
    assert emulator.requests == []


@combos
@pytest.mark.anyio
async def test_a_header_refused_by_the_transport_is_typed_and_never_quoted(
    anyio_backend: str, transport: str
) -> None:
    # The safety net under the checks where credentials enter, which keep every public path
    # from reaching it: a request whose header is not valid HTTP, built past those checks,
    # sent through each shipped transport to a real server. Was: h11's message with the
    # value (httpx) or a raw ValueError (aiohttp), and request_sent True.
    from databricks_jobs._config import PoolLimits, Timeouts
    from databricks_jobs._http import HttpClient

    async with loopback_server(echo_in_status_line) as server:
        http = HttpClient(base_url=server.url, timeouts=Timeouts(), limits=PoolLimits(),
                          transport=transport)  # fmt: skip
        request = http.build_request("POST", "/api/2.2/jobs/create", content=b"{}")
        request.headers["Authorization"] = f"Bearer {PAT}\nX-Injected: 1"
        try:
            with pytest.raises(ConfigError, match="refused on this side") as caught:
                await http.send(request, auth=None)
        finally:
            await http.aclose()
    assert caught.value.request_sent is False
    assert "POST /api/2.2/jobs/create" in str(caught.value)
    assert server.requests == []
    assert PAT not in chain_texts(caught.value)
