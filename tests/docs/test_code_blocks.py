"""Every Python code block of the README and of docs/ runs against the emulator, as written.

How a page's blocks are read (sessions, pytest modules, excerpts, includes) is in
`code_blocks`. Each page runs in a subprocess against an emulator of its own, served on
loopback with time sped up 100,000 times, so that waits for runs end at their first poll.
The examples of the docstrings the API reference shows (fenced ``python`` blocks) run the
same way, each on its own: an example holds its own imports.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import databricks_jobs
import databricks_jobs.testing
from databricks_jobs.testing import DEFAULT_TOKEN, Emulator, ScaledClock
from databricks_jobs.testing.__main__ import export_block

from .code_blocks import ROOT, Block, blocks_of, excerpt_parts, pages, quotes
from .reference_pages import docstrings, documented

RUNNER = Path(__file__).with_name("run_page.py")
SITE_COLUMNS = 88
"""The longest code line the docs site shows whole at 1280 px (docs/stylesheets/extra.css)."""
OUTPUT_LANGUAGES = {"text", "json"}
"""Blocks that show what a program printed, as printed: their lines may be longer."""
_ANY_FENCE = re.compile(r"^```(?P<lang>[\w-]*)\n(?P<code>.*?)^```\s*$", re.S | re.M)
BLOCKS = [block for page in pages() for block in blocks_of(page)]
SESSION_PAGES = sorted({block.page for block in BLOCKS if block.kind == "session"})


def _docstring_examples() -> list[tuple[str, str]]:
    """``(where, code)`` of each fenced Python example in a documented docstring."""
    _, objects = documented()
    objects += [databricks_jobs, databricks_jobs.testing]  # their module docstrings
    return [
        (where, match.group(1))
        for where, doc in docstrings(objects)
        for match in re.finditer(r"^```python\n(.*?)^```$", doc, re.S | re.M)
    ]


DOCSTRING_EXAMPLES = _docstring_examples()


def _of_kind(kind: str) -> list[Block]:
    return [block for block in BLOCKS if block.kind == kind]


@pytest.fixture
def emulator_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of a fresh shell pointed at a served emulator (and a ``prod`` profile)."""
    emulator = Emulator(ScaledClock(100_000))
    with emulator.serve_in_thread() as url:
        config = tmp_path / "databrickscfg"
        config.write_text(f"[prod]\nhost = {url}\ntoken = {emulator.token}\n", encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("DATABRICKS_")}
        env.update(
            DATABRICKS_HOST=url,
            DATABRICKS_TOKEN=emulator.token,
            DATABRICKS_CONFIG_FILE=str(config),
        )
        yield env


def test_the_pages_hold_the_blocks_this_suite_expects() -> None:
    assert len(BLOCKS) >= 25
    assert {block.kind for block in BLOCKS} == {"session", "pytest", "excerpt", "include"}
    assert ROOT / "README.md" in SESSION_PAGES
    assert any(block.config for block in _of_kind("pytest")), "no pytest block with its config"


@pytest.mark.parametrize("page", SESSION_PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_blocks_of_each_page_run_in_order(
    page: Path, emulator_env: dict[str, str], tmp_path: Path
) -> None:
    result = subprocess.run(
        [sys.executable, str(RUNNER), str(page)],
        cwd=tmp_path,
        env=emulator_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    ran = result.stdout.count("--- ")
    assert ran == sum(1 for b in blocks_of(page) if b.kind == "session"), result.stdout


def test_the_docstrings_hold_the_examples_this_suite_expects() -> None:
    where = {where for where, _ in DOCSTRING_EXAMPLES}
    assert {"VirtualClock", "Workspace", "Workspace.dry_run", "Emulator"} <= where
    assert {"databricks_jobs", "databricks_jobs.bulk", "databricks_jobs.testing"} <= where


@pytest.mark.parametrize(
    ("where", "code"), DOCSTRING_EXAMPLES, ids=[where for where, _ in DOCSTRING_EXAMPLES]
)
def test_each_docstring_example_runs_on_its_own(
    where: str, code: str, emulator_env: dict[str, str], tmp_path: Path
) -> None:
    page = tmp_path / "example.md"
    page.write_text(f"```python\n{code}```\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(RUNNER), str(page)],
        cwd=tmp_path,
        env=emulator_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"{where}:\n{result.stdout}{result.stderr}"


@pytest.mark.parametrize(
    "page", sorted((ROOT / "docs").rglob("*.md")), ids=lambda p: str(p.relative_to(ROOT))
)
def test_code_lines_fit_the_sites_column(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    too_long = []
    for match in _ANY_FENCE.finditer(text):
        if match.group("lang") in OUTPUT_LANGUAGES:
            continue
        first = text.count("\n", 0, match.start("code")) + 1
        for number, line in enumerate(match.group("code").splitlines(), first):
            if len(line) > SITE_COLUMNS:
                too_long.append(f"{number}: {line}")
    assert too_long == [], f"lines over {SITE_COLUMNS} columns: {too_long}"


def test_docstring_examples_fit_the_sites_column() -> None:
    too_long = [
        f"{where}: {line}"
        for where, code in DOCSTRING_EXAMPLES
        for line in code.splitlines()
        if len(line) > SITE_COLUMNS
    ]
    assert too_long == []


def _emulator_commands() -> list[tuple[str, str, int]]:
    """``(where, command, exit status)`` of each ``brickjobs --emulator`` line of a bash block.

    The exit status is the one the line's comment names (``# exit status 3: failed``), else 0.
    """
    found = []
    for page in pages():
        text = page.read_text(encoding="utf-8")
        for block in _ANY_FENCE.finditer(text):
            if block.group("lang") != "bash":
                continue
            first = text.count("\n", 0, block.start("code")) + 1
            for number, line in enumerate(block.group("code").splitlines(), first):
                if line.startswith("brickjobs --emulator "):
                    command, _, comment = line.partition("#")
                    status = re.search(r"exit status (\d+)", comment)
                    where = f"{page.relative_to(ROOT)}:{number}"
                    found.append((where, command.strip(), int(status[1]) if status else 0))
    return found


EMULATOR_COMMANDS = _emulator_commands()


def test_the_pages_hold_emulator_commands() -> None:
    assert {status for _, _, status in EMULATOR_COMMANDS} >= {0, 3}


@pytest.mark.parametrize(
    ("where", "command", "status"), EMULATOR_COMMANDS, ids=[w for w, _, _ in EMULATOR_COMMANDS]
)
def test_each_emulator_command_exits_as_its_comment_says(
    where: str, command: str, status: int, tmp_path: Path
) -> None:
    """``brickjobs --emulator ...`` starts an emulator of its own: the line runs as written."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABRICKS_")}
    env["DATABRICKS_CONFIG_FILE"] = str(tmp_path / "none.cfg")
    args = shlex.split(command)[1:]  # `brickjobs` is `python -m databricks_jobs.cli`
    result = subprocess.run(
        [sys.executable, "-m", "databricks_jobs.cli", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == status, f"{where}: {result.stdout}{result.stderr}"


def test_the_emulator_guide_shows_what_serve_prints() -> None:
    text = (ROOT / "docs" / "emulator.md").read_text(encoding="utf-8")
    command = "$ python -m databricks_jobs.testing serve --port 0 --speed 60\n"
    match = re.search(re.escape(command) + r"(.*?)^```", text, re.S | re.M)
    assert match is not None, "the guide no longer shows serve's output"
    printed = export_block("http://127.0.0.1:41234", DEFAULT_TOKEN, 60)
    assert match.group(1).rstrip("\n") == printed


@pytest.mark.parametrize("block", _of_kind("pytest"), ids=lambda b: b.where)
def test_each_test_module_block_passes(block: Block, tmp_path: Path) -> None:
    path = tmp_path / "test_from_docs.py"
    path.write_text(block.code, encoding="utf-8")
    if block.config is not None:
        (tmp_path / "pyproject.toml").write_text(block.config, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABRICKS_")}
    env["PYTHONPATH"] = str(ROOT / "examples")  # the examples import as in their own folder
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    defined = len(re.findall(r"^(?:async )?def test_", block.code, re.M))
    passed = re.search(r"(\d+) passed", result.stdout)
    assert passed is not None, result.stdout
    assert int(passed.group(1)) >= defined, result.stdout


@pytest.mark.parametrize("block", _of_kind("excerpt"), ids=lambda b: b.where)
def test_each_excerpt_quotes_its_file_word_for_word(block: Block) -> None:
    assert block.source is not None
    source = (ROOT / block.source).read_text(encoding="utf-8")
    for part in excerpt_parts(block.code):
        assert quotes(source, part), f"{block.where}: not in {block.source}:\n{part}"


@pytest.mark.parametrize("block", _of_kind("include"), ids=lambda b: b.where)
def test_each_include_names_a_file(block: Block) -> None:
    assert block.source is not None
    assert (ROOT / block.source).is_file(), f"{block.where}: {block.source} does not exist"
