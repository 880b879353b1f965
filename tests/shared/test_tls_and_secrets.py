"""``rediss://`` against a TLS-only redis-server, and the Redis password kept secret.

The password is probed in every form the secrets matrix knows (quoted, JSON, base64, ...):
never in the budget's repr, an error, or a log line, whether Redis accepts it or not.
"""

from __future__ import annotations

import logging
import ssl
from pathlib import Path
from urllib.parse import quote

import pytest

from databricks_jobs import ConfigError, RateLimits
from databricks_jobs._shared_budget import RedisBoundBudget
from databricks_jobs.shared import RedisBudget

from ..reliability.test_secrets_matrix import Secret, _unit
from .certificates import make_certificates
from .redis_server import RedisServer
from .test_shared_budget import LIST, sent, serving, workspace

pytestmark = pytest.mark.anyio

PASSWORD = Secret("redis password", _unit("REDI"))
WRONG = Secret("wrong redis password", _unit("WRNG"))


def leaks(text: str) -> list[str]:
    return [
        f"{secret.name} ({form})"
        for secret in (PASSWORD, WRONG)
        for form, probe in secret.forms().items()
        if probe in text
    ]


def test_the_probes_see_the_password() -> None:
    assert leaks(f"redis://:{quote(PASSWORD.value, safe='')}@h:1/0")
    assert leaks(PASSWORD.unit)


@pytest.fixture
def tls_server(redis_binary: str, tmp_path: Path) -> RedisServer:
    server = RedisServer(redis_binary, tmp_path, tls=make_certificates(tmp_path))
    server.start()
    yield server  # type: ignore[misc]
    server.kill()


@pytest.fixture
def password_server(redis_binary: str, tmp_path: Path) -> RedisServer:
    server = RedisServer(redis_binary, tmp_path, password=PASSWORD.value)
    server.start()
    yield server  # type: ignore[misc]
    server.kill()


def url_with(server: RedisServer, password: str) -> str:
    return f"redis://:{quote(password, safe='')}@127.0.0.1:{server.port}/0"


async def test_rediss_with_the_servers_ca_shares_the_budget(
    anyio_backend: str, tls_server: RedisServer
) -> None:
    assert tls_server.url.startswith("rediss://")
    trusted = ssl.create_default_context(cafile=str(tls_server.tls[2]))  # type: ignore[index]
    budget = RedisBudget(tls_server.url, key="tls", ssl_context=trusted)
    async with serving() as (emulator, url):
        async with (
            workspace(url, emulator, budget) as first,
            workspace(url, emulator, budget) as second,
        ):
            through = await sent(first, 2) + await sent(second, 2)
            assert isinstance(first._api.budget, RedisBoundBudget)
            assert first._api.budget.fallbacks == 0
    assert through == 2  # one budget of 2, over TLS


async def test_rediss_without_trusting_the_ca_does_not_connect(
    anyio_backend: str, tls_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, "databricks_jobs.shared")
    budget = RedisBudget(tls_server.url, key="untrusted", retry_interval=60)
    async with serving() as (emulator, url):
        async with workspace(url, emulator, budget) as ws:
            await ws.request("GET", LIST)
            assert isinstance(ws._api.budget, RedisBoundBudget)
            assert ws._api.budget.fallbacks == 1  # verification failed: the local fallback
    assert any(r.name == "databricks_jobs.shared" for r in caplog.records)


async def test_the_password_works_and_never_shows(
    anyio_backend: str, password_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    budget = RedisBudget(url_with(password_server, PASSWORD.value), key="secret")
    async with serving() as (emulator, url):
        async with workspace(url, emulator, budget) as ws:
            await ws.request("GET", LIST)
            assert isinstance(ws._api.budget, RedisBoundBudget)
            assert ws._api.budget.fallbacks == 0
            texts = [repr(budget), str(budget), repr(ws), repr(ws._api.budget.prefix)]
    assert "****" in repr(budget)
    assert leaks("\n".join([*texts, caplog.text])) == []


async def test_a_wrong_password_falls_back_and_never_shows(
    anyio_backend: str, password_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    budget = RedisBudget(url_with(password_server, WRONG.value), key="wrong", retry_interval=60)
    async with serving() as (emulator, url):
        async with workspace(url, emulator, budget) as ws:
            await ws.request("GET", LIST)
            assert isinstance(ws._api.budget, RedisBoundBudget)
            assert ws._api.budget.fallbacks == 1
    warnings = [r for r in caplog.records if r.name == "databricks_jobs.shared"]
    assert warnings
    assert leaks(caplog.text + repr(budget)) == []


@pytest.mark.parametrize(
    "url",
    [
        f"http://:{quote(PASSWORD.value, safe='')}@127.0.0.1:6379/0",
        f":{quote(PASSWORD.value, safe='')}@127.0.0.1:6379",
        f"redis://:{quote(PASSWORD.value, safe='')}@127.0.0.1:port/0",
    ],
)
def test_a_bad_url_is_refused_without_echoing_it(url: str) -> None:
    with pytest.raises(ConfigError) as refused:
        RedisBudget(url)
    assert leaks(str(refused.value)) == []


def test_bad_options_are_refused() -> None:
    for options in ({"timeout": 0}, {"fallback_fraction": 1.5}, {"key": "a b"}):
        with pytest.raises(ConfigError):
            RedisBudget("redis://127.0.0.1:6379/0", **options)  # type: ignore[arg-type]
    assert RateLimits()  # the local limits are untouched by a refused budget
