"""Workspace lifecycle, construction without network, dry runs, logging and the public surface."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest

import databricks_jobs
from databricks_jobs import ClientClosedError, ConfigError, Workspace

from .fakes import HOST, mock_workspace, router


def test_construction_makes_no_request() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    ws = Workspace(host=HOST, token="t", transport=httpx.MockTransport(handler), env={})
    assert seen == []
    assert ws.state == "unopened"
    assert ws.transport_name is None
    assert ws.host == HOST


@pytest.mark.anyio
async def test_lifecycle_and_use_after_close(anyio_backend: str) -> None:
    routes = router()
    routes.get("/x").respond(json={"a": 1})
    ws = mock_workspace(routes)
    async with ws:
        assert ws.state == "open"
        assert await ws.request("GET", "/x") == {"a": 1}
    assert ws.state == "closed"
    with pytest.raises(ClientClosedError, match="closed"):
        await ws.request("GET", "/x")
    await ws.aclose()  # a second close is harmless
    with pytest.raises(ClientClosedError):
        async with ws:
            pass


def test_prepare_request_is_a_dry_run() -> None:
    ws = mock_workspace(router())
    request = ws.prepare_request(
        "post", "/api/2.2/jobs/run-now", body={"job_id": 1, "job_parameters": {}}
    )
    assert request.method == "POST"
    assert str(request.url) == f"{HOST}/api/2.2/jobs/run-now"
    assert request.content == b'{"job_id":1,"job_parameters":{}}'
    assert "authorization" not in request.headers
    get = ws.prepare_request("GET", "/api/2.2/jobs/list", query={"expand_tasks": True})
    assert get.url.query == b"expand_tasks=true"
    assert ws.state == "unopened"


def test_from_env_and_from_profile(tmp_path: Path) -> None:
    config = tmp_path / "cfg"
    config.write_text(
        "[DEFAULT]\nhost = https://default.example.com\ntoken = d\n"
        "[prod]\nhost = prod.example.com\nclient_id = app\nclient_secret = s\n"
    )
    env = {"DATABRICKS_CONFIG_FILE": str(config)}
    assert Workspace.from_env(env=env).host == "https://default.example.com"
    prod = Workspace.from_profile("prod", env=env)
    assert prod.host == "https://prod.example.com"
    assert prod.config.auth_type == "oauth-m2m"
    assert prod.config.profile == "prod"
    with pytest.raises(ConfigError, match="'staging' does not exist"):
        Workspace.from_profile("staging", env=env)


def test_repr_hides_token() -> None:
    ws = Workspace(host="example.com", token="dapi-very-secret", env={})
    assert repr(ws) == ("Workspace(host='https://example.com', auth_type='pat', state='unopened')")
    assert "dapi-very-secret" not in repr(ws.config)


@pytest.mark.anyio
async def test_one_debug_record_per_attempt(
    anyio_backend: str, caplog: pytest.LogCaptureFixture
) -> None:
    routes = router()
    answers = iter([httpx.Response(503), httpx.Response(200, json={})])
    routes.get("/api/2.2/jobs/list").mock(side_effect=lambda request: next(answers))
    caplog.set_level(logging.DEBUG, logger="databricks_jobs.http")
    async with mock_workspace(routes) as ws:
        await ws.request("GET", "/api/2.2/jobs/list", query={"limit": 1})
    records = [r for r in caplog.records if r.name == "databricks_jobs.http"]
    assert len(records) == 2
    first, second = (r.getMessage() for r in records)
    assert first.startswith("GET /api/2.2/jobs/list -> 503 in ")
    assert first.endswith("ms (attempt 1)")
    assert second.startswith("GET /api/2.2/jobs/list -> 200 in ")
    assert second.endswith("(attempt 2)")
    assert "dapi-secret-token" not in caplog.text


def test_public_surface() -> None:
    exported = databricks_jobs.__all__
    # Sorted as isort does: CONSTANTS, then Classes, then functions.
    assert exported == sorted(
        exported, key=lambda n: (0 if n.isupper() else 1 if n[0].isupper() else 2, n)
    )
    assert len(set(exported)) == len(exported)
    public = {
        name
        for name in dir(databricks_jobs)
        if not name.startswith("_")
        and not isinstance(getattr(databricks_jobs, name), type(databricks_jobs))
    }
    assert public | {"__version__"} == set(exported)
    for name in exported:
        value = getattr(databricks_jobs, name)
        if isinstance(value, type):
            assert value.__module__ == "databricks_jobs", name


def test_a_query_gives_the_same_url_every_time_and_never_another_querys() -> None:
    # URLs with their query are kept per path and query: a cached one must be exactly what
    # httpx makes, and two queries that differ (order, a list against a joined string, a
    # path that already holds one) must never share an entry, also once the cache is full.
    ws = mock_workspace(router())
    queries: list[tuple[str, dict[str, object]]] = [
        ("/api/2.2/runs/get", {"run_id": 1}),
        ("/api/2.2/runs/get", {"run_id": 2}),
        ("/api/2.2/jobs/list", {"a": ["1", "2"], "b": "x y/z&=?é#+"}),
        ("/api/2.2/jobs/list", {"a": "1,2", "b": "x y/z&=?é#+"}),
        ("/api/2.2/jobs/list", {"b": "x y/z&=?é#+", "a": "1,2"}),
        ("/api/2.2/jobs/list?y=1", {"page_token": "CAEQ/+=="}),
    ]
    for _ in range(2):
        for index in range(600):  # past the 512 kept: the cache is emptied and refilled
            path, query = queries[index % len(queries)]
            if index >= len(queries):
                query = {**query, "n": index}
            request = ws.prepare_request("GET", path, query=query)  # type: ignore[arg-type]
            fresh = httpx.Request(
                "GET",
                httpx.URL(HOST + path),
                params={k: v if isinstance(v, list) else str(v) for k, v in query.items()},
            )
            assert str(request.url) == str(fresh.url), (path, query)
