"""The API is imported on first use, and a Workspace without it installed works as before."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def run(*pieces: str) -> str:
    """Run the pieces of code (each dedented) in a fresh interpreter; return what it printed."""
    code = "\n".join(textwrap.dedent(piece) for piece in pieces)
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


CALL = """
    import anyio, httpx
    from databricks_jobs import Workspace

    def answer(request):
        return httpx.Response(200, json={"run_id": 7, "number_in_job": 1})

    async def main():
        async with Workspace(
            host="https://x.example.com", token="dapi-x", env={},
            transport=httpx.MockTransport(answer),
        ) as ws:
            return (await ws.jobs.run_now(5)).run_id
"""


def test_importing_the_package_imports_no_opentelemetry() -> None:
    loaded = run(
        """
        import sys
        import databricks_jobs
        from databricks_jobs import Workspace, bulk
        Workspace(host="https://x.example.com", token="dapi-x", env={})
        print(sorted(m for m in sys.modules if m.startswith("opentelemetry")))
        """
    )
    assert loaded == "[]"


def test_the_first_call_imports_the_api_and_records_nothing_without_an_sdk() -> None:
    printed = run(
        CALL,
        """
    import sys
    print(anyio.run(main), "opentelemetry.trace" in sys.modules,
          "opentelemetry.sdk" in sys.modules)
    """,
    )
    assert printed == "7 True False"


def test_without_the_api_installed_a_workspace_works_as_before() -> None:
    printed = run(
        """
    import sys
    sys.modules["opentelemetry"] = None  # as if the [otel] extra were not installed
    """,
        CALL,
        """
    print(anyio.run(main))
    """,
    )
    assert printed == "7"
