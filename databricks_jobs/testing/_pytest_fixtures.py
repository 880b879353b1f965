"""The fixtures and hook of the pytest plugin (`databricks_jobs.testing.pytest_plugin`).

The workspace fixture asks, per test, which plugin runs the test, and opens the workspace in
that plugin's event loop: anyio's here, pytest-asyncio's in `_pytest_asyncio`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, cast

import pytest

if TYPE_CHECKING:
    from databricks_jobs import Workspace

    from ._emulator import Emulator

__all__ = ["databricks_emulator", "databricks_workspace", "pytest_configure"]

_ANYIO_FIXTURE = "_databricks_workspace_anyio"
_ASYNCIO_PLUGIN = "databricks_jobs.testing.pytest_asyncio"

_NO_EVENT_LOOP = (
    "databricks_workspace is an async fixture, and no plugin runs {test} in an event loop: "
    "mark it @pytest.mark.anyio (anyio's plugin, installed with brickjobs) or "
    "@pytest.mark.asyncio (pytest-asyncio), or set asyncio_mode = auto. "
    "A synchronous test can use databricks_emulator with emulator.serve_in_thread()."
)
_TWO_PLUGINS = (
    "{test} is run by pytest-asyncio (auto mode or @pytest.mark.asyncio) and also asks for "
    "anyio's plugin (@pytest.mark.anyio or anyio_backend): anyio's plugin would open "
    "databricks_workspace in an event loop other than the test's. Set asyncio_mode = strict "
    "(pytest-asyncio's mode for suites that use more than one async plugin) and give each "
    "test one mark."
)


def pytest_configure(config: pytest.Config) -> None:
    """Add the pytest-asyncio variants of the workspace fixture when pytest-asyncio is loaded."""
    manager = config.pluginmanager
    if manager.has_plugin("asyncio") and not manager.has_plugin(_ASYNCIO_PLUGIN):
        from . import _pytest_asyncio

        manager.register(_pytest_asyncio, _ASYNCIO_PLUGIN)


@pytest.fixture
def databricks_emulator() -> Emulator:
    """A fresh Jobs API emulator on a virtual clock."""
    from . import Emulator, VirtualClock

    return Emulator(VirtualClock())


@pytest.fixture
def databricks_workspace(request: pytest.FixtureRequest) -> Workspace:
    """A Workspace connected to ``databricks_emulator`` over loopback, on its clock.

    Opened in the event loop that runs the test: anyio's (``@pytest.mark.anyio``) or
    pytest-asyncio's (``@pytest.mark.asyncio`` or auto mode), and closed after it.
    """
    return cast("Workspace", request.getfixturevalue(_fixture_for(request)))


def _fixture_for(request: pytest.FixtureRequest) -> str:
    """The name of the async fixture that opens the workspace in the test's event loop.

    pytest-asyncio is asked first: in auto mode it runs every async test, anyio-marked ones
    included. Such a test is refused: anyio's plugin, which also sees it, would open an async
    fixture in its own event loop, and the test would wait forever for a server in a loop
    that is not running.
    """
    anyio = "anyio_backend" in request.fixturenames
    if request.config.pluginmanager.has_plugin(_ASYNCIO_PLUGIN):
        from ._pytest_asyncio import fixture_for

        name = fixture_for(request)
        if name is not None and anyio:
            pytest.fail(_TWO_PLUGINS.format(test=request.node.nodeid), pytrace=False)
        if name is not None:
            return name
    if anyio:
        return _ANYIO_FIXTURE
    pytest.fail(_NO_EVENT_LOOP.format(test=request.node.nodeid), pytrace=False)


@asynccontextmanager
async def _open_workspace(emulator: Emulator) -> AsyncIterator[Workspace]:
    """Serve `emulator` on loopback in the running event loop and open a Workspace on it.

    The Workspace shares the emulator's clock and reads no ``DATABRICKS_*`` variable or
    profile, so a developer's own configuration never leaks into a test.
    """
    from databricks_jobs import Workspace

    async with (
        emulator.serve() as url,
        Workspace(host=url, token=emulator.token, clock=emulator.clock, env={}) as workspace,
    ):
        yield workspace


@pytest.fixture(name=_ANYIO_FIXTURE)
async def _databricks_workspace_anyio(databricks_emulator: Emulator) -> AsyncIterator[Workspace]:
    """The workspace opened by anyio's plugin, in the test's backend (asyncio or trio)."""
    async with _open_workspace(databricks_emulator) as workspace:
        yield workspace
