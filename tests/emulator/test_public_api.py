"""The public surface of databricks_jobs.testing."""

from __future__ import annotations

import databricks_jobs.testing as testing


def test_all_is_sorted_and_complete() -> None:
    assert testing.__all__ == sorted(testing.__all__, key=str)
    public = {n for n in dir(testing) if not n.startswith("_")}
    assert set(testing.__all__) <= public
    assert {"Emulator", "EmulatorTransport", "FaultRule", "TaskScript", "VirtualClock"} <= public


def test_exported_classes_live_in_the_package() -> None:
    for name in ("Emulator", "EmulatorTransport", "Faults", "FaultRule", "TaskScript", "Timings"):
        assert getattr(testing, name).__module__ == "databricks_jobs.testing"
    assert "databricks_jobs.testing.EmulatorTransport" in repr(testing.Emulator().transport())


def test_scaled_clock_and_quiet_emulator() -> None:
    import pytest

    with pytest.raises(ValueError, match="speed"):
        testing.ScaledClock(0)
    clock = testing.ScaledClock(speed=10)
    assert clock.now() >= 0
    quiet = testing.Emulator(log_requests=False)
    response = quiet.handle(testing.EmulatorRequest("GET", "/api/2.2/jobs/list"))
    assert response.status == 401
    assert quiet.requests == []
