"""The loopback server: keep-alive, concurrency, a background thread, and the command line."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import anyio
import httpx
import pytest

from databricks_jobs.testing import Emulator, ScaledClock

from .conftest import TOKEN, task

AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.mark.anyio
async def test_keep_alive_serves_many_requests_on_one_connection(
    emulator: Emulator, anyio_backend: str
) -> None:
    async with (
        emulator.serve() as url,
        httpx.AsyncClient(base_url=url, headers=AUTH, limits=httpx.Limits(max_connections=1))
        as client,
    ):  # fmt: skip
        responses = [await client.get("/api/2.2/jobs/list") for _ in range(20)]
    assert all(r.status_code == 200 for r in responses)
    assert responses[0].headers["server"] == "brickjobs-emulator"
    assert len(emulator.requests) == 20


@pytest.mark.anyio
async def test_concurrent_run_now_never_duplicates(emulator: Emulator, anyio_backend: str) -> None:
    async with emulator.serve() as url, httpx.AsyncClient(base_url=url, headers=AUTH) as client:
        created = await client.post(
            "/api/2.2/jobs/create",
            json={"name": "fan", "tasks": [task("a")], "max_concurrent_runs": 1000},
        )
        job_id = created.json()["job_id"]
        run_ids: list[int] = []

        async def trigger(i: int) -> None:
            body = {"job_id": job_id, "idempotency_token": f"tok-{i % 25}"}
            response = await client.post("/api/2.2/jobs/run-now", json=body)
            run_ids.append(response.json()["run_id"])

        async with anyio.create_task_group() as group:
            for i in range(100):
                group.start_soon(trigger, i)
    assert len(run_ids) == 100
    assert len(set(run_ids)) == 25
    assert emulator.applied["jobs/run-now"] == 25
    assert emulator.applied["jobs/run-now:replayed"] == 75


def test_serve_in_thread_with_a_sync_client() -> None:
    emulator = Emulator(ScaledClock(speed=1000))
    with emulator.serve_in_thread() as url, httpx.Client(base_url=url, headers=AUTH) as client:
        created = client.post("/api/2.2/jobs/create", json={"name": "t", "tasks": [task("a")]})
        job_id = created.json()["job_id"]
        run_id = client.post("/api/2.2/jobs/run-now", json={"job_id": job_id}).json()["run_id"]
        state = None
        for _ in range(200):
            state = client.get("/api/2.2/jobs/runs/get", params={"run_id": run_id}).json()["state"]
            if state["life_cycle_state"] == "TERMINATED":
                break
            time.sleep(0.005)
    assert state is not None
    assert state["result_state"] == "SUCCESS"
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/api/2.2/jobs/list", headers=AUTH)


LIST_JOBS = (
    "import anyio\n"
    "from databricks_jobs import Workspace\n"
    "async def main():\n"
    "    async with Workspace.from_env() as ws:\n"
    "        print(ws.config.auth_type, len(await ws.jobs.list().to_list()))\n"
    "anyio.run(main)\n"
)


@pytest.mark.parametrize("auth", ["pat", "oauth-m2m"])
def test_the_block_serve_prints_can_be_pasted_into_a_shell(auth: str, tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "databricks_jobs.testing", "serve", "--port", "0", "--speed", "60"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        block = [process.stdout.readline().rstrip("\n") for _ in range(8)]
        assert "60x real time" in block[1]
        if auth == "oauth-m2m":  # what the block's comment says to do
            block = [line.removeprefix("# ") if "CLIENT" in line else line for line in block]
            block.append("unset DATABRICKS_TOKEN")
        script = tmp_path / "list_jobs.py"
        script.write_text(LIST_JOBS, encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("DATABRICKS_")}
        env["DATABRICKS_CONFIG_FILE"] = str(tmp_path / "none.cfg")
        shell = "\n".join([*block, f'exec "{sys.executable}" "{script}"'])
        result = subprocess.run(
            ["bash", "-c", shell], capture_output=True, text=True, env=env, timeout=60, check=False
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == [auth, "0"]
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.anyio
async def test_a_failing_script_is_a_500_and_the_server_keeps_serving(
    emulator: Emulator, anyio_backend: str
) -> None:
    def broken(ctx: object) -> bool:
        raise RuntimeError("bad predicate")

    emulator.script_task(when=broken)
    async with emulator.serve() as url, httpx.AsyncClient(base_url=url, headers=AUTH) as client:
        created = await client.post(
            "/api/2.2/jobs/create", json={"name": "x", "tasks": [task("a")]}
        )
        failed = await client.post(
            "/api/2.2/jobs/run-now", json={"job_id": created.json()["job_id"]}
        )
        assert failed.status_code == 500
        assert "bad predicate" in failed.json()["message"]
        emulator.clear_scripts()
        assert (await client.get("/api/2.2/jobs/list")).status_code == 200


@pytest.mark.anyio
async def test_an_absolute_form_target_from_a_proxy_client_is_served(
    emulator: Emulator, anyio_backend: str
) -> None:
    """A client behind HTTP_PROXY (the legacy databricks-cli, which drops the host's port)."""
    async with emulator.serve() as url:
        port = int(url.rsplit(":", 1)[1])
        request = (
            f"GET http://workspace.example.com/api/2.0/jobs/list?limit=5 HTTP/1.1\r\n"
            f"Host: workspace.example.com\r\nAuthorization: Bearer {TOKEN}\r\n\r\n"
        )
        async with await anyio.connect_tcp("127.0.0.1", port) as stream:
            await stream.send(request.encode())
            head = await stream.receive()
    assert head.startswith(b"HTTP/1.1 200 OK\r\n")
    (logged,) = emulator.requests
    assert (logged.path, dict(logged.query)) == ("/api/2.0/jobs/list", {"limit": "5"})


def test_the_command_line_serves_a_workspace_without_serverless_on_request() -> None:
    from databricks_jobs.testing.__main__ import _emulator, _parser

    assert _emulator(_parser().parse_args(["serve"])).serverless is True
    assert _emulator(_parser().parse_args(["serve", "--no-serverless"])).serverless is False
