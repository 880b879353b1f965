"""Real processes: ``python -m databricks_jobs.cli`` with --emulator, and lazy imports."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DATABRICKS_")}
    env["DATABRICKS_CONFIG_FILE"] = str(tmp_path / "none.cfg")
    return subprocess.run(
        [sys.executable, "-m", "databricks_jobs.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_emulator_run_now_wait_exits_failed_with_plain_lines(tmp_path: Path) -> None:
    result = run(
        "--emulator", "--emulator-speed", "400",
        "jobs", "run-now", "1002", "--wait", "--poll", "0.01",
        tmp_path=tmp_path,
    )  # fmt: skip
    assert result.returncode == 3, result.stderr
    assert "simulated time runs 400x real time" in result.stderr
    assert "\x1b[" not in result.stdout  # piped: plain lines
    assert "transform: failed: ZeroDivisionError: division by zero" in result.stdout
    assert result.stdout.rstrip().endswith("(exit 3)")


def test_emulator_error_is_one_line_without_traceback(tmp_path: Path) -> None:
    result = run("--emulator", "jobs", "get", "424242", "--json", tmp_path=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("local emulator with example jobs")  # the notice, then the error
    assert len(lines) == 2
    assert lines[1].startswith("error: NotFound")
    assert "Traceback" not in result.stderr


def test_importing_the_library_loads_no_cli(tmp_path: Path) -> None:
    # httpx itself imports click and rich when they are installed (for its own command), so
    # compare with what importing httpx alone loads.
    code = (
        "import sys, httpx\n"
        "before = set(sys.modules)\n"
        "import databricks_jobs, databricks_jobs.models, databricks_jobs.cli\n"
        "new = set(sys.modules) - before\n"
        "print(sorted(m for m in new if m.split('.')[0] in ('click', 'rich', 'yaml')\n"
        "             or m.startswith('databricks_jobs.cli.')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"


def test_version(tmp_path: Path) -> None:
    from databricks_jobs import __version__

    result = run("--version", tmp_path=tmp_path)
    assert result.returncode == 0
    assert __version__ in result.stdout


def test_help_is_plain_text_without_markup(tmp_path: Path) -> None:
    for command in (
        ["-m", "databricks_jobs", "--help"],
        ["-m", "databricks_jobs.testing", "--help"],
        ["-m", "databricks_jobs.testing", "serve", "--help"],
        ["-m", "databricks_jobs.cli", "--help"],
    ):
        result = subprocess.run(
            [sys.executable, *command], capture_output=True, text=True, timeout=60, check=True
        )
        assert "`" not in result.stdout, command  # no reST or Markdown markup
    main_help = subprocess.run(
        [sys.executable, "-m", "databricks_jobs", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert "python -m databricks_jobs config" in main_help
