"""Shared helpers of the benchmarks: servers in their own processes, and the machine line.

* `emulator_process` starts ``python -m databricks_jobs.testing serve --port 0`` as a
  subprocess and reads the URL and token it prints;
* `process_server` runs a function serving on a free port in a `multiprocessing.Process`;
* `runs_list_app` is a stateless aiohttp.web app that synthesizes ``jobs/runs/list`` pages
  (25 runs with a few tasks each) with ``next_page_token`` encoding the position;
* `cpu_seconds_of` reads the CPU time a process used so far (from ``/proc``).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import platform
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

__all__ = [
    "cpu_seconds_of",
    "emulator_process",
    "free_port",
    "machine",
    "process_server",
    "run_runs_list_server",
    "synth_runs_page",
]


def machine() -> str:
    """One line naming the machine and the interpreter."""
    model = "unknown CPU"
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return (
        f"{os.cpu_count()} cores ({model}), {platform.system()} {platform.release()}, "
        f"{platform.python_implementation()} {platform.python_version()}"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def cpu_seconds_of(pid: int) -> float:
    """User + system CPU seconds a process used so far (Linux ``/proc/PID/stat``)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


@contextlib.contextmanager
def emulator_process(*args: str) -> Iterator[tuple[str, str, int]]:
    """Run the emulator's server in its own process; yield (url, token, pid).

    `args` are extra options of ``python -m databricks_jobs.testing serve``.
    """
    command = [sys.executable, "-m", "databricks_jobs.testing", "serve", "--port", "0", *args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        printed: dict[str, str] = {}
        assert process.stdout is not None
        while "DATABRICKS_TOKEN" not in printed:
            line = process.stdout.readline()
            if not line:
                raise RuntimeError(f"the emulator exited early: {command}")
            key, _, value = line.strip().partition("=")
            printed[key] = value
        yield printed["DATABRICKS_HOST"], printed["DATABRICKS_TOKEN"], process.pid
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def process_server(target: Callable[..., Any], *args: Any) -> Iterator[tuple[str, int]]:
    """Run ``target(port, *args)`` in its own process; yield (url, pid) once it listens."""
    port = free_port()
    process = multiprocessing.Process(target=target, args=(port, *args), daemon=True)
    process.start()
    try:
        wait_for_port(port)
        assert process.pid is not None
        yield f"http://127.0.0.1:{port}", process.pid
    finally:
        process.terminate()
        process.join(10)


# -- a stateless runs/list server ------------------------------------------------------------

EPOCH_MS = 1_767_225_600_000  # 2026-01-01


def _task_run(run_id: int, index: int, start: int) -> dict[str, Any]:
    key = ("ingest", "transform", "publish", "report")[index % 4]
    task: dict[str, Any] = {
        "task_key": key,
        "run_id": run_id * 10 + index + 1,
        "attempt_number": 0,
        "notebook_task": {
            "notebook_path": f"/Repos/etl/{key}",
            "base_parameters": {"day": "2026-11-25", "env": "prod"},
            "source": "WORKSPACE",
        },
        "job_cluster_key": "shared",
        "cluster_instance": {
            "cluster_id": f"1125-0830{run_id % 100:02d}-abcd{index}",
            "spark_context_id": str(8_000_000_000 + run_id),
        },
        "state": {
            "life_cycle_state": "TERMINATED",
            "result_state": "SUCCESS",
            "state_message": "",
            "user_cancelled_or_timedout": False,
        },
        "status": {
            "state": "TERMINATED",
            "termination_details": {"code": "SUCCESS", "type": "SUCCESS", "message": ""},
        },
        "run_if": "ALL_SUCCESS",
        "start_time": start + index * 60_000,
        "setup_duration": 12_000,
        "execution_duration": 45_000,
        "cleanup_duration": 3_000,
        "end_time": start + index * 60_000 + 60_000,
        "run_page_url": f"https://example.cloud.databricks.com/?o=1#job/7/run/{run_id}",
        "timeout_seconds": 0,
        "email_notifications": {},
    }
    if index:
        task["depends_on"] = [{"task_key": ("ingest", "transform", "publish")[index - 1]}]
    return task


def synth_run(position: int, tasks: int) -> dict[str, Any]:
    """A realistic finished BaseRun (as runs/list with expand_tasks shows it)."""
    run_id = 900_000_000 - position
    start = EPOCH_MS + position * 1000
    return {
        "job_id": 7 + position % 5,
        "run_id": run_id,
        "number_in_job": run_id,
        "original_attempt_run_id": run_id,
        "creator_user_name": "etl@example.com",
        "run_name": "nightly-etl",
        "run_type": "JOB_RUN",
        "run_page_url": f"https://example.cloud.databricks.com/?o=1#job/7/run/{run_id}",
        "state": {
            "life_cycle_state": "TERMINATED",
            "result_state": "SUCCESS",
            "state_message": "",
            "user_cancelled_or_timedout": False,
        },
        "status": {
            "state": "TERMINATED",
            "termination_details": {"code": "SUCCESS", "type": "SUCCESS", "message": ""},
        },
        "start_time": start,
        "end_time": start + tasks * 60_000 + 5_000,
        "setup_duration": 0,
        "execution_duration": 0,
        "cleanup_duration": 0,
        "run_duration": tasks * 60_000 + 5_000,
        "queue_duration": 0,
        "trigger": "PERIODIC",
        "format": "MULTI_TASK",
        "attempt_number": 0,
        "job_parameters": [{"name": "day", "default": "2026-11-25", "value": "2026-11-25"}],
        "job_clusters": [
            {
                "job_cluster_key": "shared",
                "new_cluster": {
                    "spark_version": "16.4.x-scala2.12",
                    "node_type_id": "m5a.large",
                    "num_workers": 2,
                },
            }
        ],
        "tasks": [_task_run(run_id, index, start) for index in range(tasks)],
    }


def synth_runs_page(position: int, limit: int, total: int, tasks: int) -> dict[str, Any]:
    """The runs/list page starting at `position` (0-based) of `total` synthetic runs."""
    end = min(position + limit, total)
    page: dict[str, Any] = {"runs": [synth_run(p, tasks) for p in range(position, end)]}
    if end < total:
        page["next_page_token"] = f"pos-{end}"
    if position:
        page["prev_page_token"] = f"pos-{max(position - limit, 0)}"
    return page


def run_runs_list_server(port: int, total: int, tasks: int) -> None:
    """Serve GET /api/2.2/jobs/runs/list: `total` synthetic runs, paged by token."""
    import json

    from aiohttp import web

    async def runs_list(request: web.Request) -> web.Response:
        limit = int(request.query.get("limit") or 20)
        token = request.query.get("page_token") or "pos-0"
        page = synth_runs_page(int(token.removeprefix("pos-")), limit, total, tasks)
        return web.Response(body=json.dumps(page).encode(), content_type="application/json")

    app = web.Application()
    app.router.add_get("/api/2.2/jobs/runs/list", runs_list)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)
