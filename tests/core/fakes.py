"""In-process fakes: a respx router behind an httpx.MockTransport, and Workspace builders."""

from __future__ import annotations

import httpx
import respx

from databricks_jobs import VirtualClock, Workspace

HOST = "https://example.cloud.databricks.com"


def router() -> respx.Router:
    """A respx router that fails on any request no route matches."""
    return respx.Router(base_url=HOST, assert_all_called=False, assert_all_mocked=True)


def mock_workspace(routes: respx.Router, **options: object) -> Workspace:
    """A Workspace whose requests go to `routes` in process, on a virtual clock."""
    options.setdefault("token", "dapi-secret-token")
    options.setdefault("clock", VirtualClock())
    return Workspace(
        host=HOST,
        transport=httpx.MockTransport(routes.async_handler),
        env={},
        **options,  # type: ignore[arg-type]
    )
