"""The CLI against an emulator served on loopback from a thread, on fast simulated time."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from databricks_jobs.cli._app import cli
from databricks_jobs.testing import Emulator, ScaledClock

SPEED = 400.0
"""Simulated seconds per real second: a default task (7 s) takes under 20 ms."""

POLL = ["--poll", "0.01"]
"""Options for commands that wait: poll often, since simulated time runs fast."""


@pytest.fixture
def databricks_emulator() -> Emulator:
    """The emulator of these tests (``emulator``): on real time sped up `SPEED` times."""
    return Emulator(ScaledClock(SPEED))


@pytest.fixture
def url(emulator: Emulator) -> Iterator[str]:
    with emulator.serve_in_thread() as base:
        yield base


class Cli:
    """Invokes the command in-process, connected to the emulator through the environment."""

    def __init__(self, url: str, token: str, tmp_path: Path) -> None:
        self.env = {
            "DATABRICKS_HOST": url,
            "DATABRICKS_TOKEN": token,
            "DATABRICKS_CONFIG_FILE": str(tmp_path / "no.databrickscfg"),
            "DATABRICKS_CONFIG_PROFILE": None,
            "DATABRICKS_CLIENT_ID": None,
            "DATABRICKS_CLIENT_SECRET": None,
            "DATABRICKS_AUTH_TYPE": None,
        }
        self.tmp_path = tmp_path

    def __call__(self, *args: str, input: str | None = None, **env: str | None) -> Result:
        runner = CliRunner()
        return runner.invoke(cli, list(args), input=input, env={**self.env, **env})

    def json(self, *args: str) -> Any:
        result = self("--json", *args)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    def spec_file(self, data: dict[str, Any], name: str = "job.json") -> str:
        path = self.tmp_path / name
        path.write_text(json.dumps(data), encoding="utf-8")
        return str(path)

    def create_job(self, data: dict[str, Any]) -> int:
        job_id = self.json("jobs", "create", self.spec_file(data, "create.json"))["job_id"]
        assert isinstance(job_id, int)
        return job_id


@pytest.fixture
def run_cli(url: str, emulator: Emulator, tmp_path: Path) -> Cli:
    return Cli(url, emulator.token, tmp_path)


def notebook(key: str, *after: str, **extra: Any) -> dict[str, Any]:
    """A notebook task on an existing cluster, as a spec file writes it."""
    task: dict[str, Any] = {
        "task_key": key,
        "existing_cluster_id": "c",
        "notebook_task": {"notebook_path": f"/n/{key}"},
        **extra,
    }
    if after:
        task["depends_on"] = list(after)
    return task


def chain(name: str = "chain", **extra: Any) -> dict[str, Any]:
    """A job of three tasks in a chain: extract, transform, load."""
    return {
        "name": name,
        "tasks": [
            notebook("extract"),
            notebook("transform", "extract"),
            notebook("load", "transform"),
        ],
        **extra,
    }
