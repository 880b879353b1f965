"""Fixtures of the shared-budget tests: a real redis-server per test, or a clear skip.

The tests skip when no redis-server binary can be found, unless ``BRICKJOBS_REQUIRE_REDIS``
is set (as .ci/run sets it): then the missing binary is a failure, so CI never skips them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from .redis_server import RedisServer, find_redis_server

pytest.importorskip("coredis", reason="the [redis] extra (coredis) is not installed")


@pytest.fixture
def redis_binary() -> str:
    """The redis-server binary (skip, or fail under BRICKJOBS_REQUIRE_REDIS, without one)."""
    binary = find_redis_server()
    if binary is None:
        message = (
            "no redis-server binary (install redis-server, or set BRICKJOBS_REDIS_SERVER "
            "to one): the shared-budget tests need a real Redis"
        )
        if os.environ.get("BRICKJOBS_REQUIRE_REDIS"):
            pytest.fail(message)
        pytest.skip(message)
    return binary


@pytest.fixture
def redis_server(redis_binary: str, tmp_path: Path) -> Iterator[RedisServer]:
    """A fresh redis-server on a free loopback port, stopped after the test."""
    server = RedisServer(redis_binary, tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.kill()
