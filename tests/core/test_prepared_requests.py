"""The requests a Workspace builds are the ones httpx itself would build from the same parts.

Requests are built from headers made once per Workspace (decision 58) instead of by httpx
per request; what goes on the wire must not change: the same headers in the same order
(``Host`` first, ``Content-Length`` as httpx computes it, ``0`` for a POST, PUT or PATCH
without a body), the same body, readable as ``request.content``.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from databricks_jobs import RetryPolicy, Workspace

from .loopback import Exchange, combos, loopback_server

CASES = [
    ("GET", "/api/2.2/jobs/get", {"job_id": 7, "include_trigger_state": True}, None),
    ("GET", "/api/2.2/jobs/list", None, None),
    ("POST", "/api/2.2/jobs/run-now", None, {"job_id": 7, "job_parameters": {"é": "ü"}}),
    ("POST", "/api/2.2/jobs/runs/cancel-all", None, None),
    ("PUT", "/api/2.0/permissions/jobs/7", None, {}),
    ("PATCH", "/api/2.0/permissions/jobs/7", None, None),
    ("DELETE", "/api/2.0/some/thing", None, None),
    ("GET", "/api/2.2/jobs/get", None, {"a": 1}),
]
HOSTS = ["https://x.example.com", "https://x.example.com:8443", "http://127.0.0.1:9"]


@pytest.mark.parametrize("host", HOSTS)
@pytest.mark.parametrize(("method", "path", "query", "body"), CASES)
def test_a_prepared_request_is_what_httpx_builds(
    host: str, method: str, path: str, query: dict[str, Any] | None, body: dict[str, Any] | None
) -> None:
    ws = Workspace(host=host, token="dapi-x", user_agent_extra="app/1.0", env={})
    prepared = ws.prepare_request(method, path, query=query, body=body)
    headers = {"User-Agent": prepared.headers["user-agent"], "Accept": "application/json"}
    content = None
    if body is not None:
        headers["Content-Type"] = "application/json"
        content = json.dumps(body, separators=(",", ":")).encode()
    expected = httpx.Request(method, prepared.url, content=content, headers=headers)
    assert prepared.method == expected.method
    assert prepared.headers.raw == expected.headers.raw
    assert prepared.content == expected.content
    assert "app/1.0" in prepared.headers["user-agent"]
    assert "authorization" not in prepared.headers  # credentials are added when sent


def test_bodies_of_every_length_carry_their_own_length() -> None:
    """Headers are kept per body length (a bounded cache): more lengths than it keeps."""
    ws = Workspace(host="https://x.example.com", token="dapi-x", env={})
    for _ in range(2):  # the second round after the cache was emptied and filled again
        for size in range(300):
            body = {"job_id": 1, "job_parameters": {"pad": "x" * size}}
            prepared = ws.prepare_request("POST", "/api/2.2/jobs/run-now", body=body)
            expected = httpx.Request(
                "POST",
                prepared.url,
                content=json.dumps(body, separators=(",", ":")).encode(),
                headers={
                    "User-Agent": prepared.headers["user-agent"],
                    "Accept": "application/json",
                    "Content-Type": "application/json",
                },
            )
            assert prepared.headers.raw == expected.headers.raw
            assert prepared.content == expected.content


@pytest.mark.parametrize(
    "query",
    [
        {"run_id": 7, "tasks": ["a", "b"]},
        {"tasks": ("a",), "flag": True},
        {"tasks": [], "run_id": "7"},
    ],
)
def test_a_query_with_lists_is_what_httpx_builds_each_time(query: dict[str, Any]) -> None:
    ws = Workspace(host="https://x.example.com", token="dapi-x", env={})
    expected_params = {
        k: [str(x) for x in v]
        if isinstance(v, list | tuple)
        else str(v).lower()
        if isinstance(v, bool)
        else str(v)
        for k, v in query.items()
    }
    expected = httpx.Request("GET", "https://x.example.com/api/2.2/x", params=expected_params)
    first = ws.prepare_request("GET", "/api/2.2/x", query=query)
    second = ws.prepare_request("GET", "/api/2.2/x", query=query)  # from the cache
    assert first.url == second.url == expected.url


def test_requests_do_not_share_their_headers() -> None:
    ws = Workspace(host="https://x.example.com", token="dapi-x", env={})
    first = ws.prepare_request("POST", "/api/2.2/jobs/run-now", body={"job_id": 1})
    first.headers["Authorization"] = "Bearer dapi-x"
    second = ws.prepare_request("POST", "/api/2.2/jobs/run-now", body={"job_id": 1})
    third = ws.prepare_request("GET", "/api/2.2/jobs/get", query={"job_id": 1})
    third.headers["Authorization"] = "Bearer dapi-x"
    fourth = ws.prepare_request("GET", "/api/2.2/jobs/get", query={"job_id": 1})
    assert "authorization" not in second.headers
    assert "authorization" not in fourth.headers


@pytest.mark.anyio
@combos
async def test_a_personal_access_token_is_sent_once_and_never_in_a_dry_run(
    anyio_backend: str, transport: str
) -> None:
    """A PAT's header is built into the request (decision 58): once, and only when sent."""

    async def ok(exchange: Exchange) -> None:
        await exchange.respond(200, b'{"run_id": 1, "number_in_job": 1}')

    async with loopback_server(ok) as server:
        ws = Workspace(
            host=server.url,
            token="dapi-once",
            transport=transport,  # type: ignore[arg-type]
            retry=RetryPolicy(attempts=1),
            env={},
        )
        async with ws:
            await ws.jobs.run_now(1)
            with ws.dry_run() as captured:
                await ws.jobs.run_now(1)
            await ws.request("GET", "/api/2.2/jobs/get", query={"job_id": 1})
            await ws.request("POST", "/api/2.2/jobs/runs/cancel-all")
    [dry] = captured
    assert "authorization" not in dry.headers
    assert len(server.requests) == 3
    for sent in server.requests:
        pairs = [line.split(":", 1) for line in sent.header_lines]
        auth = [value.strip() for name, value in pairs if name.lower() == "authorization"]
        assert auth == ["Bearer dapi-once"], sent.header_lines
