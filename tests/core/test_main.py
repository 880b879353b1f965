"""`python -m databricks_jobs`: the README's main command (the demo) and `config`."""

from __future__ import annotations

import os
import subprocess
import sys


def run_main(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DATABRICKS_")}
    return subprocess.run(
        [sys.executable, "-m", "databricks_jobs", *(args or ("config",))],
        env={**clean, "DATABRICKS_CONFIG_FILE": os.devnull, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_shows_resolved_configuration_without_secrets() -> None:
    result = run_main(
        {"DATABRICKS_HOST": "example.cloud.databricks.com", "DATABRICKS_TOKEN": "dapi-hidden"}
    )
    assert result.returncode == 0, result.stderr
    assert "host: https://example.cloud.databricks.com  (env DATABRICKS_HOST)" in result.stdout
    assert "auth_type: pat" in result.stdout
    assert "dapi-hidden" not in result.stdout + result.stderr


def test_explains_missing_configuration() -> None:
    result = run_main({})
    assert result.returncode == 2
    assert "not resolved: no host" in result.stdout


def test_demo_against_its_own_emulator() -> None:
    result = run_main({}, "demo", "--speed", "400")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "demo against a local emulator: simulated time runs 400x real time" in out
    assert "the times shown here are emulated" in out
    assert out.count("created job") == 3
    assert "chain: failed (RUN_EXECUTION_ERROR)" in out
    assert "repairing chain: rerunning transform, load" in out
    assert "chain: success (SUCCESS) after repair" in out
    assert out.count("deleted job") == 3
    assert "Traceback" not in result.stderr
