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
    ApiError,
    AuthError,
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
        with pytest.raises(AuthError, match=r"token provider .* empty") as caught:
            await ws.request("GET", "/x")
    assert caught.value.request_sent is False


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


# --- the token endpoint's malformed answers (the emulator's token_* faults, over loopback) ----

MALFORMED_KINDS = [
    "token_html",
    "token_not_json",
    "token_no_expires_in",
    "token_bad_expires_in",
    "token_null",
    "token_empty",
    "token_error_200",
]


@pytest.mark.parametrize("kind", MALFORMED_KINDS)
async def test_malformed_token_answers_are_auth_errors_and_nothing_is_sent(
    anyio_backend: str, kind: str
) -> None:
    from databricks_jobs.testing import DEFAULT_CLIENT, Emulator

    emulator = Emulator(VirtualClock())
    emulator.faults.add(kind)  # type: ignore[arg-type]
    async with (
        emulator.serve() as url,
        Workspace(
            host=url,
            client_id=DEFAULT_CLIENT[0],
            client_secret=DEFAULT_CLIENT[1],
            clock=VirtualClock(),
            env={},
        ) as ws,
    ):
        with pytest.raises(
            AuthError, match="the token endpoint /oidc/v1/token answered 200"
        ) as got:
            await ws.request("POST", "/api/2.2/jobs/create", body={"name": "x"})
    error = got.value
    assert error.request_sent is False  # the create never left: not OutcomeUnknown
    assert [r.path for r in emulator.requests] == ["/oidc/v1/token"]  # not retried, no API call
    assert [r.fault for r in emulator.requests] == [kind]
    assert DEFAULT_CLIENT[1] not in str(error) + repr(error)
    assert "eyJemu" not in str(error)  # whatever token was there is not echoed


@pytest.mark.parametrize(
    ("answer", "match"),
    [
        ({"access_token": None, "expires_in": 60}, r"access_token that is not a string \(null\)"),
        ({"access_token": "", "expires_in": 60}, "access_token that is empty"),
        ({"access_token": " \n", "expires_in": 60}, "access_token that is empty"),
        ({"access_token": 12345, "expires_in": 60}, r"not a string \(int\)"),
        ({"access_token": ["t"], "expires_in": 60}, r"not a string \(list\)"),
        ({"access_token": "Zq7\nX-Evil: 1", "expires_in": 60}, r"control character \(U\+000A\)"),
        ({"access_token": "Zq7\x00en", "expires_in": 60}, r"control character \(U\+0000\)"),
        (
            {"access_token": "Zq7"},
            r"expires_in that is not a positive number .* \(missing\)",
        ),
        ({"access_token": "Zq7", "expires_in": None}, r"\(missing\)"),
        ({"access_token": "Zq7", "expires_in": "soon"}, r"\(a str\)"),
        ({"access_token": "Zq7", "expires_in": "1e3"}, r"\(a str\)"),
        ({"access_token": "Zq7", "expires_in": True}, r"\(a bool\)"),
        ({"access_token": "Zq7", "expires_in": [3600]}, r"\(a list\)"),
        ({"access_token": "Zq7", "expires_in": {"s": 1}}, r"\(a dict\)"),
        ({"access_token": "Zq7", "expires_in": 0}, r"\(a int\)"),
        ({"access_token": "Zq7", "expires_in": -5}, r"\(a int\)"),
        ({"error": "invalid_scope"}, "answered 200 with an error: invalid_scope"),
        (["access_token"], r"JSON that is not an object \(list\)"),
        ("just text", r"JSON that is not an object \(str\)"),
    ],
)
async def test_every_malformed_token_answer_is_typed(
    anyio_backend: str, answer: object, match: str
) -> None:
    routes = router()
    routes.post("/oidc/v1/token").respond(200, json=answer)
    api = routes.get("/x").respond(json={})
    async with oauth_workspace(routes) as ws:
        with pytest.raises(AuthError, match=match) as caught:
            await ws.request("GET", "/x")
    assert caught.value.request_sent is False
    assert api.call_count == 0  # never "Bearer None" nor "Bearer "
    assert "Zq7" not in str(caught.value)


@pytest.mark.parametrize("expires_in", [3600, 3600.5, "3600", " 3600 "])
async def test_expires_in_as_number_or_digits_is_accepted(
    anyio_backend: str, expires_in: object
) -> None:
    routes = router()
    routes.post("/oidc/v1/token").respond(
        200, json={"access_token": "  tok-1\r\n", "expires_in": expires_in}
    )
    api = routes.get("/x").respond(json={})
    async with oauth_workspace(routes) as ws:
        await ws.request("GET", "/x")
    assert api.calls.last.request.headers["authorization"] == "Bearer tok-1"


async def test_token_endpoint_html_says_what_it_was(anyio_backend: str) -> None:
    routes = router()
    routes.post("/oidc/v1/token").respond(
        200,
        text="<html><title>Login</title></html>",
        headers={"content-type": "text/html; charset=utf-8"},
    )
    async with oauth_workspace(routes) as ws:
        with pytest.raises(AuthError, match=r"not JSON \(text/html\) \(an HTML page") as caught:
            await ws.request("GET", "/x")
    assert "Login" not in str(caught.value)


@pytest.mark.parametrize("status", [200, 400])
async def test_token_endpoint_json_nested_too_deeply_is_an_auth_error(
    anyio_backend: str, status: int
) -> None:
    """A hostile token endpoint's deep JSON ends as our typed error, never a RecursionError."""
    deep = b'{"a":' * 100_000 + b"1" + b"}" * 100_000
    routes = router()
    routes.post("/oidc/v1/token").respond(
        status, content=deep, headers={"content-type": "application/json"}
    )
    async with oauth_workspace(routes) as ws:
        with pytest.raises((AuthError, ApiError)) as caught:
            await ws.request("GET", "/x")
    assert not isinstance(caught.value.__cause__, RecursionError)
    if status == 200:
        assert isinstance(caught.value, AuthError)
        assert "not JSON" in str(caught.value)


async def test_token_endpoint_echoing_the_secret_is_masked(anyio_backend: str) -> None:
    basic = base64.b64encode(f"app-1:{SECRET}".encode()).decode()
    routes = router()
    routes.post("/oidc/v1/token").respond(
        401,
        json={"error": "invalid_client", "error_description": f"bad Basic {basic} ({SECRET})"},
        headers={"x-request-id": SECRET},
    )
    async with oauth_workspace(routes) as ws:
        with pytest.raises(Unauthenticated) as caught:
            await ws.request("GET", "/x")
    shown = str(caught.value) + repr(caught.value)
    assert "invalid_client: bad Basic **** (****)" in shown
    assert SECRET not in shown
    assert basic not in shown


async def test_token_endpoint_echoing_the_secret_as_its_error_code_is_masked(
    anyio_backend: str,
) -> None:
    routes = router()
    routes.post("/oidc/v1/token").respond(400, json={"error": f"no client {SECRET}"})
    async with oauth_workspace(routes) as ws:
        with pytest.raises(ApiError) as caught:
            await ws.request("GET", "/x")
    error = caught.value
    assert error.error_code == "no client ****"
    assert all(SECRET not in text for text in (str(error), repr(error), *error.args))


# --- what token providers and the CLI return is checked too ---------------------------------


@pytest.mark.parametrize(
    ("returned", "match"),
    [
        (None, r"returned a token that is not a string \(null\)"),
        (42, r"not a string \(int\)"),
        (b"bytes-token", r"not a string \(bytes\)"),
        ("", "that is empty"),
        ("\n", "that is empty"),
        ("Zq7\nX-Evil: 1", r"control character \(U\+000A\)"),
        ("Zq7\ren", r"control character \(U\+000D\)"),
        (AccessToken(""), "that is empty"),
        (AccessToken(None), r"not a string \(null\)"),  # type: ignore[arg-type]
        (AccessToken("Zq7\x00"), r"control character \(U\+0000\)"),
        (AccessToken("Zq7", expires_in=-1), "expires_in that is not a positive number"),
        (AccessToken("Zq7", expires_in=float("nan")), "expires_in that is not a positive number"),
    ],
)
async def test_token_provider_answers_are_checked(
    anyio_backend: str, returned: object, match: str
) -> None:
    async def provider() -> object:
        return returned

    routes = router()
    api = routes.post("/api/2.2/jobs/create").respond(json={"job_id": 1})
    async with mock_workspace(routes, token=None, token_provider=provider) as ws:
        with pytest.raises(AuthError, match=match) as caught:
            await ws.request("POST", "/api/2.2/jobs/create", body={})
    assert caught.value.request_sent is False
    assert "token provider" in str(caught.value)
    assert "Zq7" not in str(caught.value)
    assert api.call_count == 0


async def test_token_provider_whitespace_is_stripped(anyio_backend: str) -> None:
    async def provider() -> AccessToken:
        return AccessToken(" tok-from-a-file\n", expires_in=600)

    routes = router()
    api = routes.get("/x").respond(json={})
    async with mock_workspace(routes, token=None, token_provider=provider) as ws:
        await ws.request("GET", "/x")
    assert api.calls.last.request.headers["authorization"] == "Bearer tok-from-a-file"


async def test_token_provider_exception_becomes_an_auth_error(anyio_backend: str) -> None:
    class VaultDown(Exception):
        pass

    async def provider() -> str:
        raise VaultDown("vault at 10.0.0.1 did not answer")

    async with mock_workspace(router(), token=None, token_provider=provider) as ws:
        with pytest.raises(AuthError, match="raised VaultDown") as caught:
            await ws.request("GET", "/x")
    assert isinstance(caught.value.__cause__, VaultDown)  # the caller's own error, kept
    assert caught.value.request_sent is False


@pytest.mark.parametrize(
    ("printed", "match"),
    [
        ('{"access_token": "cli\\ntoken"}', r"control character \(U\+000A\)"),
        ('{"access_token": null}', r"not a string \(null\)"),
        ('{"access_token": ""}', "that is empty"),
        ('["cli-token"]', "JSON that is not an object"),
        ("cli-token", "printed no JSON"),
    ],
)
async def test_databricks_cli_answers_are_checked(
    anyio_backend: str, tmp_path: Path, printed: str, match: str
) -> None:
    cli = write_cli(tmp_path, f"print({printed!r})\n")
    routes = router()
    api = routes.get("/x").respond(json={})
    ws = mock_workspace(routes, token=None, auth_type="databricks-cli", databricks_cli_path=cli)
    async with ws:
        with pytest.raises(AuthError, match=match) as caught:
            await ws.request("GET", "/x")
    assert "databricks auth token" in str(caught.value)
    assert "cli-token" not in str(caught.value)
    assert api.call_count == 0


async def test_token_faults_touch_only_the_token_endpoint(anyio_backend: str) -> None:
    from databricks_jobs.testing import Emulator

    emulator = Emulator(VirtualClock())
    rule = emulator.faults.add("token_null")
    assert rule.path == "/oidc/v1/token"
    async with (
        emulator.serve() as url,
        Workspace(host=url, token=emulator.token, clock=VirtualClock(), env={}) as ws,
    ):
        await ws.request("GET", "/api/2.2/jobs/list")  # a PAT call: no fault applies
    assert rule.injected == 0
    assert emulator.requests[0].fault is None


async def test_an_empty_token_from_any_source_says_nothing_was_sent(
    anyio_backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The sources refuse empty tokens themselves; the auth flow checks again for any source.
    from databricks_jobs._auth import ProvidedTokens

    async def fetch(self: ProvidedTokens) -> AccessToken:
        return AccessToken("")

    async def provider() -> str:
        return "never-used"

    monkeypatch.setattr(ProvidedTokens, "fetch", fetch)
    routes = router()
    api = routes.post("/api/2.2/jobs/create").respond(json={"job_id": 1})
    async with mock_workspace(routes, token=None, token_provider=provider) as ws:
        with pytest.raises(AuthError, match="gave an empty token") as caught:
            await ws.request("POST", "/api/2.2/jobs/create", body={})
    assert caught.value.request_sent is False
    assert api.call_count == 0
