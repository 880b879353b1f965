"""Tokens, client secrets and Authorization headers never leak: reprs, errors, DEBUG logs."""

from __future__ import annotations

import base64
import logging
import stat
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

import anyio
import httpx
import pytest

from databricks_jobs import AccessToken, DatabricksError, VirtualClock, Workspace
from databricks_jobs.models import JobSettings

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
