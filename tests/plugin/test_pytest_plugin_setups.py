"""The plugin's fixtures under each pytest setup, each in a pytest run of its own (pytester).

pytest-asyncio in strict mode (``@pytest.mark.asyncio``, any ``loop_scope``) and in auto
mode, anyio's plugin with and without pytest-asyncio loaded, and both plugins' marks in one
file. Each test body makes real requests over loopback, so a workspace opened in an event
loop other than the test's would not answer: ``anyio.fail_after`` turns that hang into a
failure.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytest_plugins = ["pytester"]

HEADER = '''
import asyncio

import anyio
import pytest

from databricks_jobs import RunFailed, VirtualClock, Workspace
from databricks_jobs.models import JobSettings, NotebookTask, Task
from databricks_jobs.testing import Emulator

SETTINGS = JobSettings(
    name="nightly",
    tasks=[
        Task(task_key="a", notebook_task=NotebookTask(notebook_path="/a")),
        Task(task_key="b", notebook_task=NotebookTask(notebook_path="/b"), depends_on=["a"]),
    ],
)


async def nightly_fails(workspace: Workspace, emulator: Emulator) -> None:
    """Ten simulated minutes of a failing run, over loopback, on the emulator's clock."""
    assert workspace.clock is emulator.clock
    assert isinstance(emulator.clock, VirtualClock)
    emulator.script_task("b", outcome="FAILED", error="bad row", duration=600)
    with anyio.fail_after(30):  # real seconds: a server in another loop never answers
        job_id = await workspace.jobs.create(SETTINGS)
        with pytest.raises(RunFailed) as failed:
            await workspace.jobs.run_now_and_wait(job_id)
    assert list(failed.value.failed_tasks) == ["b"]
    assert emulator.clock.now() > 600
    assert emulator.applied["jobs/run-now"] == 1
'''

ASYNCIO_MARKED = """
@pytest.mark.asyncio
async def test_function_loop(databricks_workspace, databricks_emulator):
    await nightly_fails(databricks_workspace, databricks_emulator)


@pytest.mark.asyncio(loop_scope="module")
async def test_module_loop_first(databricks_workspace, databricks_emulator):
    await nightly_fails(databricks_workspace, databricks_emulator)


@pytest.mark.asyncio(loop_scope="module")
async def test_module_loop_second(databricks_workspace, databricks_emulator):
    await nightly_fails(databricks_workspace, databricks_emulator)


class TestInAClass:
    @pytest.mark.asyncio(loop_scope="class")
    async def test_class_loop(self, databricks_workspace, databricks_emulator):
        await nightly_fails(databricks_workspace, databricks_emulator)
"""

UNMARKED = """
async def test_unmarked(databricks_workspace, databricks_emulator):
    await nightly_fails(databricks_workspace, databricks_emulator)


async def test_each_test_has_a_fresh_emulator(databricks_workspace, databricks_emulator):
    assert [job async for job in databricks_workspace.jobs.list()] == []
    await nightly_fails(databricks_workspace, databricks_emulator)
"""

ANYIO_MARKED = """
@pytest.mark.anyio
async def test_anyio(databricks_workspace, databricks_emulator, anyio_backend_name):
    await nightly_fails(databricks_workspace, databricks_emulator)
"""


def ini(mode: str) -> str:
    return f"[pytest]\nasyncio_mode = {mode}\nasyncio_default_fixture_loop_scope = function\n"


def test_pytest_asyncio_strict_mode_with_asyncio_marks(pytester: pytest.Pytester) -> None:
    pytester.makeini(ini("strict"))
    pytester.makepyfile(HEADER + ASYNCIO_MARKED)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4, warnings=0)


def test_pytest_asyncio_auto_mode_without_marks(pytester: pytest.Pytester) -> None:
    """Auto mode, unmarked tests: in a pytest process of its own.

    In auto mode, pytest-asyncio 0.24 marks every async fixture function it sees (anyio's
    variant of ours too) as its own for the rest of the process, which would spoil later
    runs in this one.
    """
    pytester.makeini(ini("auto"))
    pytester.makepyfile(HEADER + UNMARKED + ASYNCIO_MARKED)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=6, warnings=0)


def test_anyio_plugin_beside_pytest_asyncio_in_strict_mode(pytester: pytest.Pytester) -> None:
    pytester.makeini(ini("strict"))
    pytester.makepyfile(HEADER + ANYIO_MARKED)
    result = pytester.runpytest("-p", "no:cacheprovider", "-v")
    result.assert_outcomes(passed=2, warnings=0)
    result.stdout.fnmatch_lines(["*test_anyio?asyncio? PASSED*", "*test_anyio?trio? PASSED*"])


def test_both_plugins_marks_in_one_strict_run(pytester: pytest.Pytester) -> None:
    pytester.makeini(ini("strict"))
    pytester.makepyfile(HEADER + ASYNCIO_MARKED + ANYIO_MARKED)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=6, warnings=0)


def test_anyio_plugin_without_pytest_asyncio(pytester: pytest.Pytester) -> None:
    """pytest-asyncio cannot even be imported: the plugin loads and the anyio path works."""
    pytester.makeini("[pytest]\n")
    path = pytester.makepyfile(HEADER + ANYIO_MARKED)
    script = textwrap.dedent(
        f"""
        import sys


        class NoPytestAsyncio:
            def find_spec(self, name, path=None, target=None):
                if name.partition(".")[0] == "pytest_asyncio":
                    raise ImportError("pytest_asyncio is not installed here")


        sys.meta_path.insert(0, NoPytestAsyncio())
        import pytest

        code = pytest.main(["-q", "-p", "no:asyncio", "-p", "no:cacheprovider", {str(path)!r}])
        assert "pytest_asyncio" not in sys.modules
        sys.exit(code)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=pytester.path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout


def test_a_test_no_plugin_runs_gets_a_clear_error(pytester: pytest.Pytester) -> None:
    pytester.makeini(ini("strict"))
    pytester.makepyfile(
        """
        async def test_async_unmarked(databricks_workspace):
            pass


        def test_sync(databricks_workspace):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(
        ["*no plugin runs test_*async_unmarked in an event loop: mark it @pytest.mark.anyio*"]
    )
    result.stdout.fnmatch_lines(["*no plugin runs test_*::test_sync in an event loop*"])


def test_anyio_marks_under_auto_mode_are_refused_not_hung(pytester: pytest.Pytester) -> None:
    """In auto mode both plugins take an anyio-marked test: say so instead of hanging."""
    pytester.makeini(ini("auto"))
    pytester.makepyfile(HEADER + ANYIO_MARKED)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(["*is run by pytest-asyncio*and also asks for anyio's plugin*"])
