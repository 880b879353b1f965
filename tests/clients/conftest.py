"""Fixtures of the clients suite: a served emulator per test, and an environment without ours.

Each test gets a fresh `Emulator` served from a background thread on real time sped up
`SPEED` times, because these clients are synchronous and sleep in real time between polls.
After each test, every request the client sent must have reached an endpoint the emulator
serves and been answered below 500: a client calling a path we do not emulate fails here
even when it swallows the error.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from databricks_jobs.testing import Emulator, ScaledClock, Timings

SPEED = 200.0
"""Simulated seconds per real second: a task of 5 simulated seconds takes 25 ms."""


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No DATABRICKS_* variable, proxy or config file of the machine reaches a client."""
    for name in list(os.environ):
        if name.upper().startswith("DATABRICKS_") or name.lower().endswith("_proxy"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("DATABRICKS_CONFIG_FILE", str(tmp_path / ".databrickscfg"))


@pytest.fixture
def emulator() -> Emulator:
    return Emulator(ScaledClock(SPEED), timings=Timings(setup=1, task=5, cleanup=1))


@pytest.fixture
def url(emulator: Emulator) -> Iterator[str]:
    """The emulator served on loopback; checks afterwards that it served every request."""
    with emulator.serve_in_thread() as served:
        yield served
    unserved = [
        f"{r.method} {r.path} -> {r.status}"
        for r in emulator.requests
        if r.status is None or r.status >= 500 or r.status == 404
    ]
    assert not unserved, f"requests the emulator did not serve: {unserved}"
