"""The Databricks CLI as a token source, when it misbehaves (`auth_type="databricks-cli"`).

`databricks auth token` is a process the library runs: it may print without end, flood its
stderr, quote a token or terminal escapes in its error, read the application's stdin, never
exit, or leave a child of its own running. Its stdout is capped at `CLI_OUTPUT_CAP`, its
stderr drained (the first 64 KiB kept), the error line it leaves is quoted plain, masked and
short, its stdin is empty, and on POSIX it runs in a session of its own whose whole process
group is killed when it must stop early (past the cap, at the deadline, on a cancel or
`aclose`). Each fake CLI is a small Python script with a shebang, in process through the
router (the token is fetched before any request is sent).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest
import respx

from databricks_jobs import (
    AuthError,
    ClientClosedError,
    ConfigError,
    RequestTimeout,
    Timeouts,
    Workspace,
)
from databricks_jobs._auth import CLI_OUTPUT_CAP

from .fakes import mock_workspace, router

pytestmark = pytest.mark.anyio

posix_only = pytest.mark.skipif(os.name != "posix", reason="process groups and sessions are POSIX")

TOKEN_JSON = '{"access_token": "cli-token", "expiry": "2999-01-01T00:00:00Z"}'

BOUND = 20
"""Seconds: a bound on a broken run, not a measurement."""


def write_cli(tmp_path: Path, script: str) -> str:
    """A fake `databricks` in `tmp_path`: a Python script run through its shebang."""
    path = tmp_path / "databricks"
    path.write_text(f"#!{sys.executable}\n{script}")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def cli_workspace(cli: str, total: float | None = 10.0) -> tuple[Workspace, respx.Route]:
    """A Workspace getting its tokens from `cli`, and its route for ``GET /x``."""
    routes = router()
    api = routes.get("/x").respond(json={})
    ws = mock_workspace(
        routes,
        token=None,
        auth_type="databricks-cli",
        databricks_cli_path=cli,
        timeouts=Timeouts(total=total),
    )
    return ws, api


# A background child, left running by the fake CLI: its pid is written (atomically) to
# `grandchild.pid` beside the script; `holds_output` says whether it keeps the CLI's stdout.
SPAWN_GRANDCHILD = """
import os, subprocess, sys, pathlib
here = pathlib.Path(__file__).parent
out = None if {holds_output} else subprocess.DEVNULL
child = subprocess.Popen(["sleep", "1000"], stdout=out, stderr=subprocess.DEVNULL)
for name, pid in (("grandchild", child.pid), ("cli", os.getpid())):
    (here / (name + ".tmp")).write_text(str(pid))
    os.replace(here / (name + ".tmp"), here / (name + ".pid"))
"""


def spawning(holds_output: bool, then: str) -> str:
    return SPAWN_GRANDCHILD.format(holds_output=holds_output) + then


def running(pid: int) -> bool:
    """Whether `pid` is a process that still runs (a zombie waiting to be reaped does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # the pid was reused by someone else's process
        return False
    try:
        stat_line = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return not Path("/proc").is_dir()  # no /proc: os.kill said it exists
    return stat_line.rsplit(")", 1)[1].split()[0] != "Z"


async def ended(pid: int) -> bool:
    """Whether `pid` stops running within a bounded wait (a bound, not a measurement)."""
    with anyio.move_on_after(5):
        while running(pid):  # noqa: ASYNC110 - another process's state
            await anyio.sleep(0.02)
    return not running(pid)


async def pid_in(path: Path) -> int:
    """The pid the fake CLI writes to `path`, once it is there."""
    written = anyio.Path(path)
    with anyio.fail_after(BOUND):
        while not await written.exists():  # noqa: ASYNC110 - written by the fake CLI
            await anyio.sleep(0.01)
    return int(await written.read_text())


@pytest.fixture
def leftovers(tmp_path: Path) -> Iterator[None]:
    """Kill whatever the fake CLIs of a test left running (a failed test must not leak)."""
    yield
    for name in ("grandchild.pid", "cli.pid"):
        path = tmp_path / name
        if path.exists():
            with contextlib.suppress(ProcessLookupError, PermissionError, ValueError):
                pid = int(path.read_text())
                if running(pid):
                    os.kill(pid, signal.SIGKILL)


def quoted_reason(error: BaseException) -> str:
    """The stderr line a `ConfigError` for a failed `databricks auth token` quotes."""
    found = re.search(
        r"failed \(exit \d+\): (.*); run `databricks auth login` first$", str(error), re.DOTALL
    )
    assert found is not None, str(error)
    return found.group(1)


# --- stdout: capped ---------------------------------------------------------------------


async def test_output_past_the_cap_is_an_auth_error(anyio_backend: str, tmp_path: Path) -> None:
    # A valid answer followed by whitespace past the cap: read whole, it would parse.
    padding = CLI_OUTPUT_CAP + 1 - len(TOKEN_JSON)
    cli = write_cli(tmp_path, f"import sys\nsys.stdout.write({TOKEN_JSON!r} + ' ' * {padding})\n")
    ws, api = cli_workspace(cli)
    async with ws:
        with anyio.fail_after(BOUND), pytest.raises(AuthError) as caught:
            await ws.request("GET", "/x")
    assert "printed more than 1 MiB" in str(caught.value)
    assert "cli-token" not in str(caught.value)
    assert caught.value.request_sent is False
    assert api.call_count == 0


async def test_output_of_exactly_the_cap_is_read(anyio_backend: str, tmp_path: Path) -> None:
    padding = CLI_OUTPUT_CAP - len(TOKEN_JSON)
    cli = write_cli(tmp_path, f"import sys\nsys.stdout.write({TOKEN_JSON!r} + ' ' * {padding})\n")
    ws, api = cli_workspace(cli)
    async with ws:
        with anyio.fail_after(BOUND):
            await ws.request("GET", "/x")
    assert api.calls.last.request.headers["authorization"] == "Bearer cli-token"


@posix_only
async def test_a_cli_printing_without_end_is_killed_with_its_group(
    anyio_backend: str, tmp_path: Path, leftovers: None
) -> None:
    # The grandchild does not hold the output: only killing the group ends it.
    cli = write_cli(
        tmp_path,
        spawning(
            holds_output=False,
            then=(
                "import time\nchunk = b'x' * 65536\n"
                "while True:\n    sys.stdout.buffer.write(chunk)\n    time.sleep(0.001)\n"
            ),
        ),
    )
    ws, api = cli_workspace(cli, total=2)  # past the cap within 20 writes; a bound on memory
    async with ws:
        with anyio.fail_after(BOUND), pytest.raises(AuthError, match="more than 1 MiB"):
            await ws.request("GET", "/x")
    assert await ended(int((tmp_path / "cli.pid").read_text()))
    assert await ended(int((tmp_path / "grandchild.pid").read_text()))
    assert api.call_count == 0


# --- stderr: drained, first 64 KiB kept, last line quoted plain ------------------------


async def test_a_flood_on_stderr_never_blocks_the_cli(anyio_backend: str, tmp_path: Path) -> None:
    # 8 MiB of stderr before the answer: a pipe holds far less, so unread it blocks the CLI.
    cli = write_cli(
        tmp_path,
        "import sys\n"
        "for _ in range(128):\n    sys.stderr.write('e' * 65536)\n"
        f"sys.stderr.flush()\nprint({TOKEN_JSON!r})\n",
    )
    ws, api = cli_workspace(cli, total=10)
    async with ws:
        with anyio.fail_after(BOUND):
            await ws.request("GET", "/x")
    assert api.calls.last.request.headers["authorization"] == "Bearer cli-token"


async def test_only_the_first_64_kib_of_stderr_is_kept(anyio_backend: str, tmp_path: Path) -> None:
    # The line after 100 KiB of stderr is past what is kept: it cannot be the one quoted.
    cli = write_cli(
        tmp_path,
        "import sys\n"
        "sys.stderr.write('Error: early\\n' + 'x.' * 51200 + '\\nError: late line\\n')\n"
        "sys.exit(3)\n",
    )
    ws, _ = cli_workspace(cli)
    async with ws:
        with anyio.fail_after(BOUND), pytest.raises(ConfigError, match=r"exit 3") as caught:
            await ws.request("GET", "/x")
    assert "late line" not in str(caught.value)
    assert len(quoted_reason(caught.value)) <= 200


JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjbGkifQ.c2lnbmF0dXJlLXZhbHVl"
SHORT_JWT = "eyJhbGc.eyJzdWI.c2lnbg"  # under 24 characters between its dots
PAT = "dapi0123456789abcdef"  # 20 characters: only the personal access token rule sees it
OPAQUE = "CLITOKEN-abcdefghijklmnop"  # 25 characters of [A-Za-z0-9_-]


@pytest.mark.parametrize(
    ("stderr", "shown", "hidden"),
    [
        ("Error: \x1b[31mred\x1b[0m text\x07\n", "Error: red text", ["\x1b", "[31m", "\x07"]),
        ("Error: a\x1b[1;33mb\tc\x9bd\x7fe\n", "Error: ab c d e", ["\x1b", "\t", "\x9b", "\x7f"]),
        (f"Error: refreshing {JWT} failed\n", "Error: refreshing **** failed", [JWT, "eyJ"]),
        (f"Error: refreshing {SHORT_JWT} failed\n", "refreshing **** failed", ["eyJ"]),
        (f"Error: token {PAT} expired\n", "Error: token **** expired", [PAT, "dapi"]),
        (f"Error: token {PAT}-2 expired\n", "Error: token **** expired", [PAT, "-2"]),
        (f"Error: refreshing {OPAQUE} failed\n", "refreshing **** failed", [OPAQUE, "CLITOK"]),
        (f"earlier {OPAQUE}\nError: second line\n", "Error: second line", [OPAQUE, "earlier"]),
        ("\n\n", "no message", []),
    ],
    ids=["ansi", "controls", "jwt", "short-jwt", "pat", "pat-suffix", "opaque", "last", "empty"],
)
async def test_the_quoted_stderr_line_is_plain_and_masked(
    anyio_backend: str, tmp_path: Path, stderr: str, shown: str, hidden: list[str]
) -> None:
    cli = write_cli(tmp_path, f"import sys\nsys.stderr.write({stderr!r})\nsys.exit(1)\n")
    ws, api = cli_workspace(cli)
    async with ws:
        with anyio.fail_after(BOUND), pytest.raises(ConfigError) as caught:
            await ws.request("GET", "/x")
    reason = quoted_reason(caught.value)
    assert shown in reason
    for text in hidden:
        assert text not in str(caught.value)
        assert text not in repr(caught.value)
    assert not any(c < " " or "\x7f" <= c < "\xa0" for c in str(caught.value))
    assert api.call_count == 0


async def test_a_long_stderr_line_is_cut_at_200_characters(
    anyio_backend: str, tmp_path: Path
) -> None:
    line = "Error: " + " ".join(f"word{i}" for i in range(200))  # spaces: nothing is masked
    cli = write_cli(tmp_path, f"import sys\nsys.stderr.write({line!r} + '\\n')\nsys.exit(1)\n")
    ws, _ = cli_workspace(cli)
    async with ws:
        with anyio.fail_after(BOUND), pytest.raises(ConfigError) as caught:
            await ws.request("GET", "/x")
    reason = quoted_reason(caught.value)
    assert len(reason) == 200
    assert reason.endswith("...")
    assert line.startswith(reason[:-3])


# --- stdin: empty ---------------------------------------------------------------------


@contextlib.contextmanager
def application_stdin(data: bytes) -> Iterator[int]:
    """File descriptor 0 is a pipe holding `data` (its writer closed) until the block ends."""
    saved = os.dup(0)
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, data)
        os.close(write_end)
        os.dup2(read_end, 0)
        yield 0
    finally:
        os.dup2(saved, 0)
        os.close(saved)
        os.close(read_end)


async def test_the_cli_reads_an_empty_stdin_never_the_applications(
    anyio_backend: str, tmp_path: Path
) -> None:
    cli = write_cli(
        tmp_path,
        "import sys, pathlib\n"
        "read = sys.stdin.buffer.read()\n"
        "pathlib.Path(__file__).with_name('stdin.txt').write_bytes(read)\n"
        f"print({TOKEN_JSON!r})\n",
    )
    ws, api = cli_workspace(cli)
    with application_stdin(b"the application's input\n") as fd:
        async with ws:
            with anyio.fail_after(BOUND):
                await ws.request("GET", "/x")
        left = os.read(fd, 1024)
    assert (tmp_path / "stdin.txt").read_bytes() == b""
    assert left == b"the application's input\n"  # nothing of it was taken
    assert api.call_count == 1


# --- a session of its own, killed with its group when it must stop early -----------------


@posix_only
async def test_the_cli_runs_in_a_session_of_its_own(anyio_backend: str, tmp_path: Path) -> None:
    cli = write_cli(
        tmp_path,
        "import os, pathlib\n"
        "ids = f'{os.getpid()} {os.getsid(0)} {os.getpgid(0)}'\n"
        "pathlib.Path(__file__).with_name('ids.txt').write_text(ids)\n"
        f"print({TOKEN_JSON!r})\n",
    )
    ws, _ = cli_workspace(cli)
    async with ws:
        with anyio.fail_after(BOUND):
            await ws.request("GET", "/x")
    pid, sid, pgid = map(int, (tmp_path / "ids.txt").read_text().split())
    assert sid == pid  # the leader of a new session ...
    assert pgid == pid  # ... and of its own process group
    assert sid != os.getsid(0)


NEVER_EXITS = "import time\ntime.sleep(1000)\n"
EXITS_LEAVING_ITS_OUTPUT_OPEN = f"print({TOKEN_JSON!r}, flush=True)\n"


@posix_only
@pytest.mark.parametrize(
    ("holds_output", "then"),
    [(False, NEVER_EXITS), (True, EXITS_LEAVING_ITS_OUTPUT_OPEN)],
    ids=["cli-never-exits", "child-holds-the-output"],
)
async def test_the_deadline_ends_a_hung_cli_and_kills_its_group(
    anyio_backend: str, tmp_path: Path, leftovers: None, holds_output: bool, then: str
) -> None:
    cli = write_cli(tmp_path, spawning(holds_output, then))
    ws, api = cli_workspace(cli, total=1)
    async with ws:
        with anyio.fail_after(BOUND), pytest.raises(RequestTimeout) as caught:
            await ws.request("GET", "/x")
    assert caught.value.phase == "total"
    assert caught.value.request_sent is False
    assert await ended(int((tmp_path / "grandchild.pid").read_text()))
    assert await ended(int((tmp_path / "cli.pid").read_text()))
    assert api.call_count == 0


@posix_only
async def test_aclose_ends_a_cli_that_never_exits_and_kills_its_group(
    anyio_backend: str, tmp_path: Path, leftovers: None
) -> None:
    cli = write_cli(tmp_path, spawning(False, NEVER_EXITS))
    ws, api = cli_workspace(cli, total=None)
    outcome: list[BaseException | None] = []

    async def call() -> None:
        try:
            await ws.request("GET", "/x")
        except ClientClosedError as exc:
            outcome.append(exc)
        else:
            outcome.append(None)

    with anyio.fail_after(BOUND):
        async with anyio.create_task_group() as tg:
            tg.start_soon(call)
            grandchild = await pid_in(tmp_path / "grandchild.pid")
            await ws.aclose()
    assert len(outcome) == 1
    assert isinstance(outcome[0], ClientClosedError)
    assert await ended(grandchild)
    assert await ended(int((tmp_path / "cli.pid").read_text()))
    assert api.call_count == 0


@posix_only
async def test_the_callers_cancel_ends_a_cli_that_never_exits_and_kills_its_group(
    anyio_backend: str, tmp_path: Path, leftovers: None
) -> None:
    cli = write_cli(tmp_path, spawning(False, NEVER_EXITS))
    ws, api = cli_workspace(cli, total=None)
    finished: list[bool] = []
    async with ws:
        scope = anyio.CancelScope()

        async def call() -> None:
            with scope:
                await ws.request("GET", "/x")
                finished.append(True)

        with anyio.fail_after(BOUND):
            async with anyio.create_task_group() as tg:
                tg.start_soon(call)
                grandchild = await pid_in(tmp_path / "grandchild.pid")
                scope.cancel()
    assert scope.cancelled_caught
    assert finished == []
    assert await ended(grandchild)
    assert await ended(int((tmp_path / "cli.pid").read_text()))
    assert api.call_count == 0
