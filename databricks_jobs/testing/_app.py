"""Request routing: `App.handle(request) -> response`, synchronous and free of I/O."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from typing import Any

from ._auth import AuthRegistry
from ._call import Call
from ._handlers_admin import compliance_handlers, permission_handler, permission_levels
from ._handlers_jobs import JOB_HANDLERS
from ._handlers_runs import RUN_HANDLERS
from ._state import Store
from ._versions import check_endpoint
from ._wire import (
    ApiFailure,
    EmulatorRequest,
    EmulatorResponse,
    error_response,
    json_response,
    new_request_id,
)

__all__ = ["App", "WORKSPACE_ID"]

_log = logging.getLogger("databricks_jobs.testing")
Handler = Callable[[Store, Call], dict[str, Any]]
WORKSPACE_ID = "1234567890123456"
_JOBS_PATH = re.compile(r"^/api/(2\.[012])/(jobs/[a-z/-]+)$")
_POLICY_PATH = re.compile(r"^/api/2\.0/(policies/jobs/[a-z-]+)$")
_PERMISSIONS_PATH = re.compile(r"^/api/2\.0/permissions/jobs/([^/]+)(/permissionLevels)?$")
_ROUTES: dict[tuple[str, str], Handler] = {
    **JOB_HANDLERS,
    **RUN_HANDLERS,
    **compliance_handlers(),
}


class App:
    """The emulated workspace API over a `Store`, behind bearer-token auth."""

    def __init__(self, store: Store, auth: AuthRegistry) -> None:
        self.store = store
        self.auth = auth

    def handle(
        self, request: EmulatorRequest, *, request_id: str | None = None
    ) -> EmulatorResponse:
        """Answer one request (never raises for a bad request: errors are responses)."""
        rid = request_id or new_request_id()
        try:
            return self._route(request, rid)
        except ApiFailure as failure:
            return error_response(
                failure.status,
                failure.error_code,
                failure.message,
                request_id=rid,
                headers=failure.headers,
            )
        except Exception as exc:  # a script's predicate or an emulator bug: answer, log
            _log.exception("the emulator failed on %s %s", request.method, request.path)
            return error_response(
                500, "INTERNAL_ERROR", f"The emulator failed: {exc!r}", request_id=rid
            )

    def _base_url(self, request: EmulatorRequest) -> str:
        host = request.headers.get("host", "emulator.local")
        return f"{request.scheme}://{host}"

    def _route(self, request: EmulatorRequest, rid: str) -> EmulatorResponse:
        method, path = request.method.upper(), request.path
        if path == "/oidc/v1/token" and method == "POST":
            status, payload = self.auth.issue(request.headers, request.body)
            return json_response(status, payload, request_id=rid)
        if method == "GET" and path in (
            "/.well-known/databricks-config",
            "/oidc/.well-known/oauth-authorization-server",
        ):
            return json_response(200, self._discovery(path, request), request_id=rid)
        handler, call = self._find(request)
        self.auth.check(request.headers)
        return json_response(200, handler(self.store, call), request_id=rid)

    def _find(self, request: EmulatorRequest) -> tuple[Handler, Call]:
        method, path = request.method.upper(), request.path
        base = self._base_url(request)
        match = _JOBS_PATH.match(path)
        if match and (method, match.group(2)) in _ROUTES:
            version, endpoint = match.groups()
            check_endpoint(version, endpoint)
            return _ROUTES[(method, endpoint)], Call.parse(request, version, base)
        match = _POLICY_PATH.match(path)
        if match and (method, match.group(1)) in _ROUTES:
            return _ROUTES[(method, match.group(1))], Call.parse(request, "2.0", base)
        match = _PERMISSIONS_PATH.match(path)
        if match:
            call = Call.parse(request, "2.0", base)
            call.path_args["job_id"] = match.group(1)
            if match.group(2) and method == "GET":
                return permission_levels, call
            if not match.group(2) and method in ("GET", "PUT", "PATCH"):
                return permission_handler, call
        raise ApiFailure(404, "ENDPOINT_NOT_FOUND", f"No API found for '{method} {path}'")

    def _discovery(self, path: str, request: EmulatorRequest) -> dict[str, Any]:
        base = self._base_url(request)
        if path == "/.well-known/databricks-config":
            return {"oidc_endpoint": f"{base}/oidc", "workspace_id": WORKSPACE_ID, "cloud": "aws"}
        return {
            "issuer": f"{base}/oidc",
            "authorization_endpoint": f"{base}/oidc/v1/authorize",
            "token_endpoint": f"{base}/oidc/v1/token",
            "grant_types_supported": ["client_credentials", "authorization_code", "refresh_token"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "scopes_supported": ["all-apis", "offline_access"],
        }


def body_for_log(body: bytes) -> Any:
    """Return a logged body: parsed JSON when it is JSON, else the text."""
    if not body:
        return None
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return body.decode("utf-8", "replace")
