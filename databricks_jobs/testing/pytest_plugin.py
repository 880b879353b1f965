"""The pytest plugin: a fresh emulator and a `Workspace` connected to it, per test.

Installed with the package and loaded by pytest automatically. Fixtures:

* ``databricks_emulator``: an `Emulator` on a `VirtualClock` (script tasks, inject faults,
  read ``applied`` and ``requests``);
* ``databricks_workspace``: a `Workspace` talking to that emulator over a real loopback
  socket, on the same clock, so waits, backoff and token expiry run on simulated time.

Async tests that use ``databricks_workspace`` run under anyio: mark them
``@pytest.mark.anyio``. Imports are deferred so that loading the plugin costs nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from databricks_jobs import Workspace

    from ._emulator import Emulator

__all__ = ["databricks_emulator", "databricks_workspace"]


@pytest.fixture
def databricks_emulator() -> Emulator:
    """A fresh Jobs API emulator on a virtual clock."""
    from . import Emulator, VirtualClock

    return Emulator(VirtualClock())


@pytest.fixture
async def databricks_workspace(databricks_emulator: Emulator) -> AsyncIterator[Workspace]:
    """A Workspace connected to ``databricks_emulator`` over loopback, on its clock."""
    from databricks_jobs import Workspace

    emulator = databricks_emulator
    async with (
        emulator.serve() as url,
        Workspace(host=url, token=emulator.token, clock=emulator.clock, env={}) as workspace,
    ):
        yield workspace
