"""The suite's shared fixtures, built on the shipped pytest plugin.

``emulator`` and ``ws`` are the plugin's ``databricks_emulator`` and
``databricks_workspace`` (`databricks_jobs.testing.pytest_plugin`, loaded by pytest from
the package's entry point), under the short names the tests use: the suite exercises the
fixtures users get. A folder that needs another emulator (another clock, sped-up real
time) overrides ``databricks_emulator`` in its own conftest, and ``emulator`` follows.
Conftests never import fixtures from one another. The clients suite (tests/clients, run by
``nox -s clients`` with its own rootdir) is a separate pytest project with its own fixtures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from databricks_jobs import Workspace
    from databricks_jobs.testing import Emulator


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Run anyio-marked tests under both asyncio and trio."""
    return str(request.param)


@pytest.fixture
def emulator(databricks_emulator: Emulator) -> Emulator:
    """The emulator of the test: a fresh one on a `VirtualClock`, unless a folder says else."""
    return databricks_emulator


@pytest.fixture
def ws(databricks_workspace: Workspace) -> Workspace:
    """A Workspace on ``emulator`` over loopback, on its clock, in the test's event loop."""
    return databricks_workspace


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave the tests marked ``long`` out unless ``-m`` names the marker."""
    if "long" in (config.getoption("markexpr") or ""):
        return
    long = [item for item in items if item.get_closest_marker("long") is not None]
    if long:
        config.hook.pytest_deselected(items=long)
        items[:] = [item for item in items if item.get_closest_marker("long") is None]
