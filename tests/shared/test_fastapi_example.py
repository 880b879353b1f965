"""The FastAPI example takes its rate budget from Redis when ``REDIS_URL`` is set."""

from __future__ import annotations

import coredis
import httpx
import pytest
from asgi_lifespan import LifespanManager

from databricks_jobs._limits import LocalBudget

from ..examples.test_fastapi_app import example
from ..reliability.writes import handle
from .redis_server import RedisServer
from .test_multiprocess import job
from .test_shared_budget import serving

pytestmark = pytest.mark.anyio


def test_without_redis_url_the_budget_is_local(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABRICKS_HOST", "https://example.cloud.databricks.com")
    monkeypatch.setenv("DATABRICKS_TOKEN", "dapi-example")
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert isinstance(example.workspace_from_environment()._api.budget, LocalBudget)


async def test_with_redis_url_every_worker_shares_one_budget(
    anyio_backend: str, redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with serving() as (emulator, url):
        monkeypatch.setenv("DATABRICKS_HOST", url)
        monkeypatch.setenv("DATABRICKS_TOKEN", emulator.token)
        monkeypatch.setenv("REDIS_URL", redis_server.url)
        job_id = handle(emulator, "POST", "/api/2.2/jobs/create", job())["job_id"]
        app = example.create_app()
        async with (
            LifespanManager(app) as manager,
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=manager.app), base_url="http://service"
            ) as client,
        ):
            answer = await client.post(f"/jobs/{job_id}/runs", json={})
            assert answer.status_code == 202
        async with coredis.Redis.from_url(redis_server.url) as redis:
            keys = await redis.keys("*jobs/run-now")
    assert any(b"runs-service" in key and b"tat:jobs/run-now" in key for key in keys)
    assert len(emulator.requests_to("jobs/run-now")) == 1
