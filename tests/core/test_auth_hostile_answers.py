r"""Hostile answers about tokens: escaped echoes of secrets, odd lifetimes, redirects.

* An error body can write an echoed secret with JSON escapes (``\/`` for ``/``, ``\u0073``
  for any character) that the masking of raw bytes does not see: the decoded texts are
  masked again, so neither the OAuth client secret (nor its Basic header) at the token
  endpoint nor a personal access token in an API error appears in any text of the error.
* ``expires_in`` (the token endpoint's, or a provider's `AccessToken`) that is an integer
  past a float's range, or a string of non-ASCII digits, is an `AuthError`, never an
  `OverflowError` or a `ValueError`.
* A 3xx from ``/oidc/v1/token`` is an error, even with a token in its body, and is not
  followed.
"""

from __future__ import annotations

import base64
import json
import re
import traceback
from collections.abc import Callable

import anyio
import pytest

from databricks_jobs import (
    AccessToken,
    ApiError,
    AuthError,
    DatabricksError,
    PermissionDenied,
    Unauthenticated,
    VirtualClock,
    Workspace,
)

from .fakes import mock_workspace, router
from .loopback import Exchange, combos, loopback_server, workspace

pytestmark = pytest.mark.anyio

SECRET = "s3?cr3t/Secret+Value-0123456789"  # a "/" for the "\/" escape, and a "?" ...
BASIC = base64.b64encode(f"app-1:{SECRET}".encode()).decode()  # ... that puts one in here
PAT = "dapi0123456789abcdef0123456789abcdef"


def oauth_workspace(routes: object) -> Workspace:
    return mock_workspace(
        routes,  # type: ignore[arg-type]
        token=None,
        client_id="app-1",
        client_secret=SECRET,
        clock=VirtualClock(),
    )


def every_text(error: BaseException) -> str:
    """Every text an error shows: str, repr, details, raw body, the formatted traceback."""
    texts = [str(error), repr(error), "".join(traceback.format_exception(error))]
    if isinstance(error, ApiError):
        texts += [str(error.details), repr(error.details), error.raw.decode("latin-1")]
        texts += [str(error.error_code), error.message]
    return "\n".join(texts)


# --- secrets echoed with JSON escapes ---------------------------------------------------


def escape_slashes(text: str) -> str:
    r"""``/`` written as ``\/`` (PHP's json_encode does so by default)."""
    return text.replace("/", "\\/")


def escape_all(text: str) -> str:
    r"""Every character written as ``\u00XX``."""
    return "".join(f"\\u{ord(c):04x}" for c in text)


def escape_one(text: str) -> str:
    """The last character escaped: the least a server needs to write differently."""
    return f"{text[:-1]}\\u{ord(text[-1]):04x}"


ESCAPES = pytest.mark.parametrize(
    "escape", [escape_slashes, escape_all, escape_one], ids=["slash", "all", "one"]
)


def echoing_body(echoed: str) -> bytes:
    """An error body quoting `echoed` (already escaped) in its message, details and a key."""
    body = {
        "error_code": "INVALID_CLIENT",
        "message": "bad credentials ECHO",
        "details": [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "ECHO",
                "metadata": {"ECHO": "echo"},
            }
        ],
    }
    return json.dumps(body).replace("ECHO", echoed).encode()


@ESCAPES
@pytest.mark.parametrize(
    ("echoed", "status"),
    [(SECRET, 401), (f"Basic {BASIC}", 401), (SECRET, 400)],
    ids=["secret-401", "basic-401", "secret-400"],
)
async def test_token_endpoint_echoing_the_secret_escaped_is_masked(
    anyio_backend: str, escape: Callable[[str], str], echoed: str, status: int
) -> None:
    body = echoing_body(escape(echoed))
    assert SECRET.encode() not in body  # the bytes hide the secret ...
    assert BASIC.encode() not in body  # ... and its Basic header
    routes = router()
    routes.post("/oidc/v1/token").respond(
        status, content=body, headers={"content-type": "application/json"}
    )
    api = routes.get("/x").respond(json={})
    async with oauth_workspace(routes) as ws:
        with pytest.raises(ApiError) as caught:
            await ws.request("GET", "/x")
    shown = every_text(caught.value)
    assert SECRET not in shown
    assert BASIC not in shown
    masked = "bad credentials Basic ****" if echoed.startswith("Basic") else "bad credentials ****"
    assert masked in str(caught.value)  # the message is kept, masked
    assert caught.value.error_code == "INVALID_CLIENT"
    assert caught.value.details[0]["reason"] in ("****", "Basic ****")
    assert json.loads(caught.value.raw)["message"] == caught.value.message
    if status == 401:
        assert isinstance(caught.value, Unauthenticated)
    assert api.call_count == 0


@ESCAPES
@pytest.mark.parametrize("status", [400, 401])
async def test_an_rfc_6749_error_echoing_the_secret_escaped_is_masked(
    anyio_backend: str, escape: Callable[[str], str], status: int
) -> None:
    """``{"error": ...}`` without a message: its error names the code, which is masked too."""
    body = ('{"error": "X ' + escape(SECRET) + '", "error_description": "d"}').encode()
    assert SECRET.encode() not in body
    routes = router()
    routes.post("/oidc/v1/token").respond(
        status, content=body, headers={"content-type": "application/json"}
    )
    async with oauth_workspace(routes) as ws:
        with pytest.raises(ApiError) as caught:
            await ws.request("GET", "/x")
    assert SECRET not in every_text(caught.value)
    assert caught.value.error_code == "X ****"


@pytest.mark.parametrize("escape", [escape_all, escape_one], ids=["all", "one"])
async def test_an_api_error_echoing_the_personal_access_token_escaped_is_masked(
    anyio_backend: str, escape: Callable[[str], str]
) -> None:
    body = {
        "error_code": "PERMISSION_DENIED",
        "message": "token ECHO is not allowed",
        "details": [{"@type": "x", "reason": "ECHO"}],
    }
    content = json.dumps(body).replace("ECHO", escape(PAT)).encode()
    assert PAT.encode() not in content
    routes = router()
    routes.get("/x").respond(403, content=content, headers={"content-type": "application/json"})
    async with mock_workspace(routes, token=PAT) as ws:
        with pytest.raises(PermissionDenied) as caught:
            await ws.request("GET", "/x")
    shown = every_text(caught.value)
    assert PAT not in shown
    assert PAT[4:20] not in shown  # no recognisable part of it either
    assert "token **** is not allowed" in str(caught.value)
    assert caught.value.details[0]["reason"] == "****"


async def test_an_api_error_without_an_echo_is_left_as_written(anyio_backend: str) -> None:
    """The second masking changes nothing it does not have to: escapes stay as the server wrote."""
    body = b'{"error_code": "PERMISSION_DENIED", "message": "no \\/ access \\u0021"}'
    routes = router()
    routes.get("/x").respond(403, content=body, headers={"content-type": "application/json"})
    async with mock_workspace(routes, token=PAT) as ws:
        with pytest.raises(PermissionDenied) as caught:
            await ws.request("GET", "/x")
    assert caught.value.message == "no / access !"
    assert caught.value.raw == body


# --- expires_in that no float holds, or digits that are not ASCII ------------------------

HUGE = 10**400

ODD_LIFETIMES = pytest.mark.parametrize(
    "expires_in",
    [HUGE, -HUGE, str(HUGE), "\u00b2", "\u2460", "\uff13\uff16\uff10\uff10", "\u0663\u0666"],
    ids=["huge", "huge-negative", "huge-text", "superscript", "circled", "fullwidth", "arabic"],
)


@ODD_LIFETIMES
async def test_token_endpoint_expires_in_past_a_float_or_not_ascii_is_an_auth_error(
    anyio_backend: str, expires_in: object
) -> None:
    # Written by hand: the integer as JSON digits, the strings as their characters.
    written = str(expires_in) if isinstance(expires_in, int) else json.dumps(expires_in)
    body = f'{{"access_token": "tok-1", "expires_in": {written}}}'.encode()
    routes = router()
    routes.post("/oidc/v1/token").respond(
        200, content=body, headers={"content-type": "application/json"}
    )
    api = routes.get("/x").respond(json={})
    async with oauth_workspace(routes) as ws:
        with pytest.raises(AuthError, match="not a positive number of seconds") as caught:
            await ws.request("GET", "/x")
    assert caught.value.request_sent is False
    assert not isinstance(caught.value.__cause__, OverflowError | ValueError)
    assert api.call_count == 0


@ODD_LIFETIMES
async def test_provider_expires_in_past_a_float_or_not_ascii_is_an_auth_error(
    anyio_backend: str, expires_in: object
) -> None:
    async def provider() -> AccessToken:
        return AccessToken("tok-1", expires_in)  # type: ignore[arg-type]

    routes = router()
    api = routes.get("/x").respond(json={})
    async with mock_workspace(routes, token=None, token_provider=provider) as ws:
        with pytest.raises(AuthError, match="not a positive number of seconds") as caught:
            await ws.request("GET", "/x")
    assert caught.value.request_sent is False
    assert api.call_count == 0


@pytest.mark.parametrize(
    ("token", "words"),
    [
        ("tok en", "contains a space"),
        ("tok\u2028en", "control character (U+2028)"),  # a line separator
        ("tok\u200ben", "control character (U+200B)"),  # a zero-width space
    ],
)
async def test_a_provided_token_with_a_space_or_an_invisible_character_is_refused(
    anyio_backend: str, token: str, words: str
) -> None:
    async def provider() -> str:
        return token

    routes = router()
    api = routes.get("/x").respond(json={})
    async with mock_workspace(routes, token=None, token_provider=provider) as ws:
        with pytest.raises(AuthError, match=re.escape(words)) as caught:
            await ws.request("GET", "/x")
    assert "tok" not in str(caught.value).replace("token", "")
    assert api.call_count == 0


# --- a redirect from the token endpoint --------------------------------------------------

TOKEN_BODY = {"access_token": "tok-redirected", "token_type": "Bearer", "expires_in": 3600}


@pytest.mark.parametrize("status", [300, 301, 302, 303, 307, 308])
async def test_a_redirect_from_the_token_endpoint_is_an_error_not_a_token(
    anyio_backend: str, status: int
) -> None:
    routes = router()
    routes.post("/oidc/v1/token").respond(
        status, json=TOKEN_BODY, headers={"location": "https://elsewhere.example/oidc/v1/token"}
    )
    api = routes.get("/x").respond(json={})
    async with oauth_workspace(routes) as ws:
        with pytest.raises(DatabricksError) as caught:
            await ws.request("GET", "/x")
    assert isinstance(caught.value, ApiError | AuthError)
    assert str(status) in str(caught.value)
    assert "tok-redirected" not in every_text(caught.value)  # a token issued anyway: masked
    assert api.call_count == 0


@combos
async def test_a_redirect_from_the_token_endpoint_is_not_followed(
    anyio_backend: str, transport: str
) -> None:
    """Over loopback with each transport: the redirect target is never asked, nothing is sent."""
    seen: list[str] = []
    token = json.dumps(TOKEN_BODY).encode()

    async def behaviour(exchange: Exchange) -> None:
        seen.append(f"{exchange.method} {exchange.path}")
        if exchange.path == "/oidc/v1/token":
            await exchange.respond(302, token, {"location": f"{url}/stolen"})
        else:  # the redirect target, or the API: both would give a token or an answer
            await exchange.respond(200, token)

    async with loopback_server(behaviour) as server:
        url = server.url
        ws = workspace(url, transport, token=None, client_id="app-1", client_secret=SECRET)
        async with ws:
            with anyio.fail_after(20), pytest.raises(DatabricksError) as caught:
                await ws.request("GET", "/api/2.2/jobs/list")
    assert seen == ["POST /oidc/v1/token"]
    assert "302" in str(caught.value)
    assert SECRET not in every_text(caught.value)


async def test_a_2xx_token_answer_is_still_a_token(anyio_backend: str) -> None:
    """The control: the same body with a 200 gives the token (so the 3xx is what fails)."""
    routes = router()
    routes.post("/oidc/v1/token").respond(200, json=TOKEN_BODY)
    api = routes.get("/x").respond(json={})
    async with oauth_workspace(routes) as ws:
        await ws.request("GET", "/x")
    assert api.calls.last.request.headers["authorization"] == "Bearer tok-redirected"
