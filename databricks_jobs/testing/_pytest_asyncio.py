"""The workspace fixture for tests run by pytest-asyncio, one variant per event-loop scope.

Registered by `databricks_jobs.testing.pytest_plugin` only when pytest has loaded
pytest-asyncio, so the plugin imports without it. pytest-asyncio runs a test in the loop of
its ``loop_scope`` (the ``asyncio`` mark's, else ``asyncio_default_test_loop_scope``) and an
async fixture in the loop of the fixture's own ``loop_scope``. The emulator is served in the
fixture's loop, so the two must be the same loop: a request from a test in another loop
would wait forever for a server whose loop is not running. Hence one fixture per loop scope,
and `fixture_for` picks the one matching the test.

pytest-asyncio also runs a fixture's setup and its teardown as two separate tasks, while the
server's task group must be left by the task that entered it; so each variant holds the
workspace open in a task of its own from setup to teardown.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any, Literal, get_args

import pytest
import pytest_asyncio

from ._pytest_fixtures import _open_workspace

if TYPE_CHECKING:
    from databricks_jobs import Workspace

    from ._emulator import Emulator

__all__ = ["fixture_for"]

LoopScope = Literal["session", "package", "module", "class", "function"]
_PREFIX = "_databricks_workspace_asyncio_"


def fixture_for(request: pytest.FixtureRequest) -> str | None:
    """The fixture for a test that pytest-asyncio runs, or None when it does not run it."""
    item = request.node
    if not isinstance(item, pytest.Function) or not pytest_asyncio.is_async_test(item):
        return None
    return _PREFIX + _loop_scope(item)


def _loop_scope(item: pytest.Function) -> str:
    """The loop scope pytest-asyncio runs `item` in: its mark's, else the configured default."""
    marker = item.get_closest_marker("asyncio")
    kwargs = marker.kwargs if marker is not None else {}
    scope = kwargs.get("loop_scope") or kwargs.get("scope")
    if not scope:
        try:
            scope = item.config.getini("asyncio_default_test_loop_scope")
        except ValueError:  # pytest-asyncio before 0.26 has no such option: function loops
            scope = None
    return str(scope or "function")


async def _held_open(emulator: Emulator) -> AsyncIterator[Workspace]:
    """Yield a workspace that one task opens before the yield and closes after it."""
    opened: asyncio.Future[Workspace] = asyncio.get_running_loop().create_future()
    closing = asyncio.Event()

    async def hold() -> None:
        async with _open_workspace(emulator) as workspace:
            opened.set_result(workspace)
            await closing.wait()

    holder = asyncio.create_task(hold())
    first: set[asyncio.Future[Any]] = {opened, holder}
    await asyncio.wait(first, return_when=asyncio.FIRST_COMPLETED)
    if not opened.done():  # the holder failed before opening: raise its error here
        await holder
    try:
        yield opened.result()
    finally:
        closing.set()
        await holder


def _variant(loop_scope: LoopScope) -> Callable[..., Any]:
    @pytest_asyncio.fixture(name=_PREFIX + loop_scope, loop_scope=loop_scope)
    async def workspace(databricks_emulator: Emulator) -> AsyncIterator[Workspace]:
        async for opened in _held_open(databricks_emulator):
            yield opened

    workspace.__doc__ = f"The workspace in pytest-asyncio's {loop_scope}-scoped event loop."
    return workspace


for _scope in get_args(LoopScope):
    globals()[_PREFIX + _scope] = _variant(_scope)
del _scope
