"""Plain request and response records, and the service's error bodies."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

__all__ = [
    "ApiFailure",
    "EmulatorRequest",
    "EmulatorResponse",
    "error_response",
    "json_response",
    "new_request_id",
]


@dataclass(frozen=True)
class EmulatorRequest:
    """One HTTP request as the emulator sees it: header names are lower-case."""

    method: str
    path: str
    query_string: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    scheme: str = "http"

    def query(self) -> dict[str, list[str]]:
        """Return the query string parsed into lists of values."""
        return parse_qs(self.query_string, keep_blank_values=True)


@dataclass
class EmulatorResponse:
    """One HTTP response: status, headers (name, value) and body bytes."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """Return the first header called `name` (case-insensitive), if any."""
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None

    def json(self) -> Any:
        """Decode the body as JSON."""
        return json.loads(self.body)


class ApiFailure(Exception):
    """Raised by a handler to answer with the service's error body."""

    def __init__(
        self,
        status: int,
        error_code: str,
        message: str,
        *,
        headers: list[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error_code = error_code
        self.message = message
        self.headers = headers or []


def new_request_id() -> str:
    """Return a fresh request id, shaped like the service's (a UUID)."""
    return str(uuid.uuid4())


def json_response(
    status: int, payload: Any, *, request_id: str, headers: list[tuple[str, str]] | None = None
) -> EmulatorResponse:
    """Return a JSON response carrying an ``x-request-id`` header."""
    body = json.dumps(payload, separators=(",", ":")).encode()
    return EmulatorResponse(
        status,
        [
            ("content-type", "application/json"),
            ("x-request-id", request_id),
            *(headers or []),
        ],
        body,
    )


def error_response(
    status: int,
    error_code: str,
    message: str,
    *,
    request_id: str,
    headers: list[tuple[str, str]] | None = None,
) -> EmulatorResponse:
    """Return the service's error body, with a RequestInfo detail and ``x-request-id``."""
    payload = {
        "error_code": error_code,
        "message": message,
        "details": [
            {
                "@type": "type.googleapis.com/google.rpc.RequestInfo",
                "request_id": request_id,
                "serving_data": "",
            }
        ],
    }
    return json_response(status, payload, request_id=request_id, headers=headers)
