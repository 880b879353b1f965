"""Who may call the emulator: PAT tokens and OAuth M2M client credentials.

Also the token endpoint's malformed answers, which the ``token_*`` fault kinds send.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterable, Mapping
from typing import Any, Final
from urllib.parse import parse_qs, unquote

from ._clock import Clock
from ._wire import ApiFailure, EmulatorResponse

__all__ = ["MALFORMED_TOKEN_ANSWERS", "TOKEN_PATH", "AuthRegistry", "malformed_token_answer"]

TOKEN_PATH: Final = "/oidc/v1/token"
MALFORMED_TOKEN_ANSWERS: Final[Mapping[str, tuple[str, bytes]]] = {
    # kind: (content type, body) of a 200 answer that holds no usable token
    "token_html": (
        "text/html; charset=utf-8",
        b"<!doctype html><html><head><title>Sign in</title></head>"
        b"<body><form action=/login><input name=user></form></body></html>",
    ),
    "token_not_json": ("application/json", b'{"access_token":"eyJemu.cut-short'),
    "token_no_expires_in": (
        "application/json",
        b'{"access_token":"eyJemu.no-expiry","token_type":"Bearer","scope":"all-apis"}',
    ),
    "token_bad_expires_in": (
        "application/json",
        b'{"access_token":"eyJemu.bad-expiry","token_type":"Bearer","expires_in":"soon"}',
    ),
    "token_null": (
        "application/json",
        b'{"access_token":null,"token_type":"Bearer","expires_in":3600}',
    ),
    "token_empty": (
        "application/json",
        b'{"access_token":"","token_type":"Bearer","expires_in":3600}',
    ),
    "token_error_200": (
        "application/json",
        b'{"error":"invalid_client","error_description":"Client authentication failed"}',
    ),
}
"""Answers a real token endpoint (or a proxy or sign-in page in front of it) has been seen to
give with status 200, and that no client should take for a token."""


def malformed_token_answer(kind: str, request_id: str) -> EmulatorResponse:
    """The 200 answer of ``/oidc/v1/token`` for a ``token_*`` fault kind."""
    content_type, body = MALFORMED_TOKEN_ANSWERS[kind]
    return EmulatorResponse(
        200, [("content-type", content_type), ("x-request-id", request_id)], body
    )


class AuthRegistry:
    """Known PATs, OAuth clients, and the access tokens issued to them (expiring on `clock`)."""

    def __init__(
        self,
        clock: Clock,
        *,
        tokens: Iterable[str],
        clients: Mapping[str, str],
        token_ttl: float,
    ) -> None:
        self._clock = clock
        self.tokens = dict.fromkeys(tokens)  # ordered: the first is the one to advertise
        self.clients = dict(clients)
        self.token_ttl = token_ttl
        self.issued: dict[str, float] = {}
        self.token_requests = 0

    def check(self, headers: Mapping[str, str]) -> None:
        """Raise the service's 401 unless `headers` carry a valid bearer token."""
        value = headers.get("authorization", "")
        scheme, _, token = value.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiFailure(
                401,
                "UNAUTHENTICATED",
                "Credential was not sent or was of an unsupported type for this API.",
            )
        token = token.strip()
        if token in self.tokens:
            return
        expiry = self.issued.get(token)
        if expiry is None:
            raise ApiFailure(401, "UNAUTHENTICATED", "Invalid access token.")
        if self._clock.now() >= expiry:
            raise ApiFailure(401, "UNAUTHENTICATED", "Token is expired.")

    def expire_all(self) -> None:
        """Make every OAuth access token issued so far expired (PATs stay valid)."""
        now = self._clock.now()
        for token in self.issued:
            self.issued[token] = min(self.issued[token], now)

    def issue(self, headers: Mapping[str, str], body: bytes) -> tuple[int, dict[str, Any]]:
        """Answer a client-credentials request to ``/oidc/v1/token``: (status, JSON body)."""
        self.token_requests += 1
        form = {k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        if form.get("grant_type") != "client_credentials":
            return 400, {
                "error": "unsupported_grant_type",
                "error_description": "Only grant_type=client_credentials is supported.",
            }
        client_id, client_secret = _basic_credentials(headers.get("authorization", ""))
        if client_id is None:
            client_id, client_secret = form.get("client_id"), form.get("client_secret")
        if client_id is None or self.clients.get(client_id) != client_secret:
            return 401, {
                "error": "invalid_client",
                "error_description": "Client authentication failed",
            }
        token = "eyJemu." + secrets.token_urlsafe(24)
        self.issued[token] = self._clock.now() + self.token_ttl
        return 200, {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": int(self.token_ttl),
            "scope": form.get("scope", "all-apis"),
        }


def _basic_credentials(value: str) -> tuple[str | None, str | None]:
    scheme, _, encoded = value.partition(" ")
    if scheme.lower() != "basic":
        return None, None
    try:
        decoded = base64.b64decode(encoded.strip()).decode()
    except ValueError:
        return None, None
    user, sep, password = decoded.partition(":")
    if not sep:
        return None, None
    return unquote(user), unquote(password)
