"""Auth flows: PAT, OAuth M2M (single-flight, early refresh, refresh-on-401), CLI, providers."""

from __future__ import annotations

import base64
import json
import logging
import os
import stat
import sys
from pathlib import Path
from urllib.parse import parse_qs

import anyio
import httpx
import pytest

from databricks_jobs import (
    AccessToken,
    ConfigError,
    OutcomeUnknown,
    ServiceUnavailable,
    Unauthenticated,
    VirtualClock,
    Workspace,
)

from .fakes import HOST, mock_workspace, router

pytestmark = pytest.mark.anyio

SECRET = "s3cr3t-client-secret"


def token_response(token: str, expires_in: int = 3600) -> httpx.Response:
    body = {"access_token": token, "token_type": "Bearer", "expires_in": expires_in}
    return httpx.Response(200, json=body)


def oauth_workspace(routes, clock: VirtualClock | None = None) -> Workspace:  # type: ignore[no-untyped-def]
    return mock_workspace(
        routes, token=None, client_id="app-1", client_secret=SECRET, clock=clock or VirtualClock()
    )


async def test_pat_sends_bearer_token(anyio_backend: str) -> None:
    routes = router()
    route = routes.get("/api/2.2/jobs/list").respond(json={"jobs": []})
    async with mock_workspace(routes) as ws:
        await ws.request("GET", "/api/2.2/jobs/list")
    assert route.calls.last.request.headers["authorization"] == "Bearer dapi-secret-token"


async def test_oauth_token_request_shape(anyio_backend: str) -> None:
    routes = router()
    token = routes.post("/oidc/v1/token").mock(return_value=token_response("tok-1"))
    api = routes.get("/api/2.2/jobs/list").respond(json={})
    async with oauth_workspace(routes) as ws:
        await ws.request("GET", "/api/2.2/jobs/list")
    request = token.calls.last.request
    assert request.url == f"{HOST}/oidc/v1/token"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qs(request.content.decode()) == {
        "grant_type": ["client_credentials"],
        "scope": ["all-apis"],
    }
    expected = base64.b64encode(f"app-1:{SECRET}".encode()).decode()
    assert request.headers["authorization"] == f"Basic {expected}"
    assert api.calls.last.request.headers["authorization"] == "Bearer tok-1"


async def test_one_token_request_for_100_concurrent_calls(anyio_backend: str) -> None:
    routes = router()

    async def slow_token(request: httpx.Request) -> httpx.Response:
        await anyio.sleep(0.01)
        return token_response("tok-shared")

    token = routes.post("/oidc/v1/token").mock(side_effect=slow_token)
    api = routes.get("/api/2.2/jobs/get").respond(json={"job_id": 1})
    async with oauth_workspace(routes) as ws, anyio.create_task_group() as tg:
        for _ in range(100):
            tg.start_soon(ws.request, "GET", "/api/2.2/jobs/get")
    assert token.call_count == 1
    assert api.call_count == 100
    assert {c.request.headers["authorization"] for c in api.calls} == {"Bearer tok-shared"}


async def test_token_refreshed_before_expiry(anyio_backend: str) -> None:
    clock = VirtualClock(auto_advance=False)
    routes = router()
    issued = iter(["tok-1", "tok-2", "tok-3"])
    token = routes.post("/oidc/v1/token").mock(
        side_effect=lambda request: token_response(next(issued), expires_in=600)
    )
    api = routes.get("/x").respond(json={})
    async with oauth_workspace(routes, clock) as ws:
        await ws.request("GET", "/x")
        clock.advance(400)  # 200 s left: still above the refresh margin of 120 s
        await ws.request("GET", "/x")
        assert token.call_count == 1
        clock.advance(100)  # 100 s left: refreshed ahead of expiry
        await ws.request("GET", "/x")
    assert token.call_count == 2
    used = [c.request.headers["authorization"] for c in api.calls]
    assert used == ["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]


async def test_401_refreshes_once_and_retries_once(anyio_backend: str) -> None:
    routes = router()
    issued = iter(["stale", "fresh"])
    token = routes.post("/oidc/v1/token").mock(
        side_effect=lambda request: token_response(next(issued))
    )

    def api_answer(request: httpx.Request) -> httpx.Response:
        if request.headers["authorization"] == "Bearer stale":
            return httpx.Response(401, json={"error_code": "UNAUTHENTICATED", "message": "expired"})
        return httpx.Response(200, json={"job_id": 5})

    api = routes.post("/api/2.2/jobs/create").mock(side_effect=api_answer)
    async with oauth_workspace(routes) as ws:
        result = await ws.request("POST", "/api/2.2/jobs/create", body={"name": "x"})
    assert result == {"job_id": 5}
    assert token.call_count == 2
    assert api.call_count == 2


async def test_second_401_is_unauthenticated(anyio_backend: str) -> None:
    routes = router()
    token = routes.post("/oidc/v1/token").mock(side_effect=lambda r: token_response("t"))
    api = routes.get("/x").respond(401, json={"error_code": "UNAUTHENTICATED", "message": "no"})
    async with oauth_workspace(routes) as ws:
        with pytest.raises(Unauthenticated):
            await ws.request("GET", "/x")
    assert api.call_count == 2
    assert token.call_count == 2


async def test_pat_401_is_not_retried(anyio_backend: str) -> None:
    routes = router()
    api = routes.get("/x").respond(401, json={"error_code": "UNAUTHENTICATED", "message": "bad"})
    async with mock_workspace(routes) as ws:
        with pytest.raises(Unauthenticated, match="bad"):
            await ws.request("GET", "/x")
    assert api.call_count == 1


async def test_bad_client_secret_gives_typed_error_without_secret(anyio_backend: str) -> None:
    routes = router()
    routes.post("/oidc/v1/token").respond(
        401, json={"error": "invalid_client", "error_description": "Client authentication failed"}
    )
    api = routes.get("/x").respond(json={})
    async with oauth_workspace(routes) as ws:
        with pytest.raises(Unauthenticated) as caught:
            await ws.request("GET", "/x")
    assert "invalid_client: Client authentication failed" in str(caught.value)
    assert caught.value.path == "/oidc/v1/token"
    assert SECRET not in str(caught.value) + repr(caught.value)
    assert api.call_count == 0


async def test_token_endpoint_failure_before_create_is_retried(anyio_backend: str) -> None:
    routes = router()
    answers = iter([httpx.Response(500, text="boom"), token_response("tok")])
    token = routes.post("/oidc/v1/token").mock(side_effect=lambda request: next(answers))
    api = routes.post("/api/2.2/jobs/create").respond(json={"job_id": 9})
    async with oauth_workspace(routes) as ws:
        # The create itself was never sent, so the failed token fetch is safe to retry.
        assert await ws.request("POST", "/api/2.2/jobs/create", body={}) == {"job_id": 9}
    assert token.call_count == 2
    assert api.call_count == 1


async def test_500_on_create_is_outcome_unknown_after_token(anyio_backend: str) -> None:
    routes = router()
    routes.post("/oidc/v1/token").mock(side_effect=lambda request: token_response("tok"))
    api = routes.post("/api/2.2/jobs/create").respond(500, json={"message": "oops"})
    async with oauth_workspace(routes) as ws:
        with pytest.raises(OutcomeUnknown):
            await ws.request("POST", "/api/2.2/jobs/create", body={})
    assert api.call_count == 1


def write_cli(tmp_path: Path, script: str) -> str:
    path = tmp_path / "databricks"
    path.write_text(f"#!{sys.executable}\n{script}")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


CLI_SCRIPT = """
import json, sys, pathlib
log = pathlib.Path(__file__).with_name("calls.txt")
with log.open("a") as f:
    f.write(" ".join(sys.argv[1:]) + "\\n")
print(json.dumps({"access_token": "cli-token", "token_type": "Bearer",
                  "expiry": "2999-01-01T00:00:00.123456789+00:00"}))
"""


async def test_databricks_cli_tokens(anyio_backend: str, tmp_path: Path) -> None:
    cli = write_cli(tmp_path, CLI_SCRIPT)
    routes = router()
    api = routes.get("/x").respond(json={})
    ws = mock_workspace(routes, token=None, auth_type="databricks-cli", databricks_cli_path=cli)
    async with ws:
        await ws.request("GET", "/x")
        await ws.request("GET", "/x")
    assert [c.request.headers["authorization"] for c in api.calls] == ["Bearer cli-token"] * 2
    calls = (tmp_path / "calls.txt").read_text().splitlines()
    assert calls == [f"auth token --host {HOST}"]


async def test_databricks_cli_failure_is_clear(anyio_backend: str, tmp_path: Path) -> None:
    cli = write_cli(
        tmp_path, "import sys\nsys.stderr.write('Error: not logged in\\n')\nsys.exit(1)"
    )
    routes = router()
    ws = mock_workspace(routes, token=None, auth_type="databricks-cli", databricks_cli_path=cli)
    async with ws:
        with pytest.raises(ConfigError, match="not logged in"):
            await ws.request("GET", "/x")


async def test_databricks_cli_missing(anyio_backend: str, tmp_path: Path) -> None:
    routes = router()
    ws = mock_workspace(
        routes,
        token=None,
        auth_type="databricks-cli",
        databricks_cli_path=os.fspath(tmp_path / "nope"),
    )
    async with ws:
        with pytest.raises(ConfigError, match="Databricks CLI"):
            await ws.request("GET", "/x")


async def test_token_provider_string_and_access_token(anyio_backend: str) -> None:
    calls = 0

    async def provider() -> str | AccessToken:
        nonlocal calls
        calls += 1
        return "p-1" if calls == 1 else AccessToken("p-2", expires_in=60)

    routes = router()
    statuses = iter([200, 401, 200])
    used: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        # The auth flow re-sends the same request object, so record the header as sent.
        used.append(request.headers["authorization"])
        return httpx.Response(next(statuses), json={})

    routes.get("/x").mock(side_effect=answer)
    async with mock_workspace(routes, token=None, token_provider=provider) as ws:
        await ws.request("GET", "/x")
        await ws.request("GET", "/x")  # 401 with p-1: the provider is asked again
    assert calls == 2
    assert used == ["Bearer p-1", "Bearer p-1", "Bearer p-2"]


async def test_provider_returning_garbage(anyio_backend: str) -> None:
    async def provider() -> str:
        return ""

    async with mock_workspace(router(), token=None, token_provider=provider) as ws:
        with pytest.raises(ConfigError, match="token provider"):
            await ws.request("GET", "/x")


async def test_secrets_never_in_repr_errors_or_debug_logs(
    anyio_backend: str, caplog: pytest.LogCaptureFixture
) -> None:
    routes = router()
    routes.post("/oidc/v1/token").mock(side_effect=lambda r: token_response("tok-secret-value"))
    routes.get("/x").respond(503, json={"error_code": "TEMPORARILY_UNAVAILABLE", "message": "x"})
    caplog.set_level(logging.DEBUG, logger="databricks_jobs")
    env = {"DATABRICKS_DEBUG_HEADERS": "true"}
    ws = Workspace(
        host=HOST,
        client_id="app-1",
        client_secret=SECRET,
        transport=httpx.MockTransport(routes.async_handler),
        clock=VirtualClock(),
        env=env,
    )
    async with ws:
        with pytest.raises(ServiceUnavailable) as caught:
            await ws.request("GET", "/x")
    seen = " ".join(
        [
            repr(ws),
            repr(ws.config),
            str(ws.config.describe()),
            str(caught.value),
            repr(caught.value),
            caplog.text,
        ]
    )
    assert "Authorization" in caplog.text or "authorization" in caplog.text
    for secret in (
        SECRET,
        "tok-secret-value",
        base64.b64encode(f"app-1:{SECRET}".encode()).decode(),
    ):
        assert secret not in seen
    assert json.dumps(ws.config.describe()).count("****") == 1
