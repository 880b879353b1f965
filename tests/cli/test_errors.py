"""Errors are one line with the error code, no traceback unless --debug, and no secrets."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from databricks_jobs.cli._app import cli
from databricks_jobs.testing import Emulator

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


BAD_VALUES = {
    "job id zero": (("jobs", "get", "0"), "JOB_ID"),
    "negative run id": (("runs", "get", "--", "-5"), "RUN_ID"),
    "run id of a cancel-all": (("jobs", "cancel-all", "0"), "JOB_ID"),
    "negative timeout": (("runs", "watch", "1", "--timeout", "-1"), "--timeout"),
    "timeout not a number": (("runs", "watch", "1", "--timeout", "nan"), "--timeout"),
    "negative poll": (("jobs", "run-now", "1", "--wait", "--poll", "-2"), "--poll"),
    "negative max": (("jobs", "list", "--max", "-1"), "--max"),
    "job id filter": (("runs", "list", "--job-id", "0"), "--job-id"),
    "no concurrency": (("bulk", "run-now", "--concurrency", "0", "-"), "--concurrency"),
    "emulator speed": (("--emulator-speed", "0", "jobs", "list"), "--emulator-speed"),
    # Values only the library knows to refuse: a SpecError naming the command's own option.
    "both run filters": (("runs", "list", "--active-only", "--completed-only"), "--active-only"),
    "long idempotency token": (
        ("jobs", "run-now", "1", "--idempotency-token", "x" * 65),
        "--idempotency-token",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_VALUES))
def test_bad_argument_values_exit_2_before_sending(
    run_cli: Cli, emulator: Emulator, case: str
) -> None:
    args, option = BAD_VALUES[case]
    result = run_cli(*args, input="1\n")
    assert result.exit_code == 2, result.output
    assert "Usage:" in result.stderr
    assert option in result.stderr.splitlines()[-1], result.stderr
    assert emulator.requests == []


def test_every_numeric_parameter_is_bounded() -> None:
    """Plain int or float parameters would let -1 or nan through to the library (exit 1)."""

    def commands(group: click.Command, path: str = "") -> Iterator[tuple[str, click.Command]]:
        yield path or "brickjobs", group
        if isinstance(group, click.Group):
            for name, command in group.commands.items():
                yield from commands(command, f"{path} {name}".strip())

    unbounded = [
        f"{where}: {param.name}"
        for where, command in commands(cli)
        for param in command.params
        if param.type in (click.INT, click.FLOAT)
    ]
    assert unbounded == []
