"""Shared fixtures: the event-loop backends every async test runs under."""

from __future__ import annotations

import pytest


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Run anyio-marked tests under both asyncio and trio."""
    return str(request.param)
