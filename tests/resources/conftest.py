"""An emulator served on real loopback sockets and a Workspace on the same virtual clock."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from databricks_jobs import VirtualClock, Workspace
from databricks_jobs.testing import Emulator


@pytest.fixture
def emulator() -> Emulator:
    return Emulator(VirtualClock())


@pytest.fixture
async def ws(emulator: Emulator, anyio_backend: str) -> AsyncIterator[Workspace]:
    async with (
        emulator.serve() as url,
        Workspace(host=url, token=emulator.token, clock=emulator.clock, env={}) as workspace,
    ):
        yield workspace
