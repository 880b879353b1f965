"""The path of one request through the library: how many of its frames lie on the way.

Every frame between a resource method and the transport costs CPU per call (issue 24) and
depth in every traceback, so the count is held here: it may shrink, never grow. The path is
written out in docs/decisions.md, decision 41.
"""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest

import databricks_jobs
from databricks_jobs import Workspace

pytestmark = pytest.mark.anyio

PACKAGE = Path(databricks_jobs.__file__).parent
TRANSPORTS = PACKAGE / "_transports"
MOST_FRAMES = 4
"""Library frames between `Jobs.run_now` and the transport (8 before issue 22, 6 before the
third pass of issue 24)."""


class PathProbe(httpx.AsyncBaseTransport):
    """Answers every request, noting the library's frames between the transports and run_now."""

    def __init__(self) -> None:
        self.paths: list[list[str]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        frame = sys._getframe(1)
        path = []
        while frame is not None and frame.f_code.co_name != "run_now":
            where = Path(frame.f_code.co_filename)
            if where.is_relative_to(PACKAGE) and not where.is_relative_to(TRANSPORTS):
                path.append(f"{where.relative_to(PACKAGE)}:{frame.f_code.co_qualname}")
            frame = frame.f_back
        assert frame is not None, "run_now is not on the stack"
        self.paths.append(path[::-1])  # from run_now's callee down to the transport
        return httpx.Response(200, json={"run_id": 7, "number_in_job": 1})


async def test_run_now_reaches_the_transport_through_few_frames(anyio_backend: str) -> None:
    probe = PathProbe()
    async with Workspace(
        host="https://x.example.com", token="dapi-x", transport=probe, env={}
    ) as ws:
        started = await ws.jobs.run_now(5)
    assert started.run_id == 7
    [path] = probe.paths
    assert path[0] == "resources/_jobs.py:Jobs.run_now_request"
    # A personal access token needs no auth flow: `HttpClient.send` hands back the
    # transport's own coroutine, awaited by the attempt.
    assert path[-1] == "_api.py:ApiClient._attempt"
    assert len(path) <= MOST_FRAMES, "\n".join(path)
