"""Errors are one line with the error code, no traceback unless --debug, and no secrets."""

from __future__ import annotations

import socket
from pathlib import Path

from .conftest import Cli


def test_a_missing_job_is_one_line_with_the_code(run_cli: Cli) -> None:
    result = run_cli("jobs", "get", "424242")
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(
        "error: NotFound INVALID_PARAMETER_VALUE: Job 424242 does not exist."
    )
    assert "Traceback" not in result.stderr


def test_debug_shows_the_traceback(run_cli: Cli) -> None:
    result = run_cli("--debug", "runs", "get", "424242")
    assert result.exit_code == 1
    assert "Traceback" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: NotFound")


def test_a_wrong_token_is_refused_without_printing_it(run_cli: Cli) -> None:
    secret = "dapi-very-secret-0123456789"
    for args in (("jobs", "list"), ("--debug", "jobs", "list")):
        result = run_cli(*args, DATABRICKS_TOKEN=secret)
        assert result.exit_code == 1
        assert "UNAUTHENTICATED" in result.stderr
        assert secret not in result.output


def test_no_configuration_is_one_line(run_cli: Cli, tmp_path: Path) -> None:
    result = run_cli("jobs", "list", DATABRICKS_HOST=None, DATABRICKS_TOKEN=None)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ConfigError:")
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_profile_from_the_config_file_is_used(run_cli: Cli, url: str, tmp_path: Path) -> None:
    config = tmp_path / "cfg"
    config.write_text(f"[emu]\nhost = {url}\ntoken = dapi-emulator\n", encoding="utf-8")
    result = run_cli(
        "jobs", "list", "--profile", "emu",
        DATABRICKS_HOST=None, DATABRICKS_TOKEN=None, DATABRICKS_CONFIG_FILE=str(config),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    missing = run_cli("jobs", "list", "--profile", "nope", DATABRICKS_CONFIG_FILE=str(config))
    assert missing.exit_code == 1
    assert "nope" in missing.stderr


def test_an_unreachable_host_is_one_line(run_cli: Cli) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run_cli(
        "jobs", "list", "--host", f"http://127.0.0.1:{port}", DATABRICKS_RETRY_TIMEOUT_SECONDS="0.5"
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ConnectionFailed")
    assert len(result.stderr.strip().splitlines()) == 1


def test_usage_errors_exit_2(run_cli: Cli) -> None:
    result = run_cli("runs", "get", "not-a-number")
    assert result.exit_code == 2
    assert "not a valid integer" in result.stderr
