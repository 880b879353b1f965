"""Every write endpoint as a test can drive it: a scene to act on, the call, what it changes.

One `Operation` per row of the library's write table (`databricks_jobs._writes.WRITES`),
plus the preview of enforce-compliance, which the table makes safe. A `Scene` is built in
the emulator without faults or sockets (`Emulator.handle`), so a test's faults hit only the
call under test.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from databricks_jobs import Workspace
from databricks_jobs.models import (
    JobAccessControlRequest,
    JobPermissionLevel,
    JobSettings,
    NotebookTask,
    SubmitRun,
    SubmitTask,
    Task,
)
from databricks_jobs.testing import Emulator, EmulatorRequest

from ..resources.specs import two_task_job

COMBOS = [("asyncio", "aiohttp"), ("asyncio", "httpx"), ("trio", "httpx")]
"""The transports under each event loop: aiohttp on asyncio, httpx on asyncio and on trio."""


def handle(emulator: Emulator, method: str, path: str, body: Any = None) -> Any:
    """Send one request to the emulator directly (no faults, no sockets); return its JSON."""
    path, _, query = path.partition("?")
    response = emulator.handle(
        EmulatorRequest(
            method,
            path,
            query_string=query,
            headers={"authorization": f"Bearer {emulator.token}"},
            body=json.dumps(body).encode() if body is not None else b"",
        )
    )
    assert response.status == 200, response.body
    return response.json()


def _job(name: str, task_keys: tuple[str, ...] = ("a",), **settings: Any) -> dict[str, Any]:
    return {
        "name": name,
        "tasks": [
            {
                "task_key": key,
                "existing_cluster_id": "c",
                "notebook_task": {"notebook_path": f"/{key}"},
            }
            for key in task_keys
        ],
        **settings,
    }


@dataclass
class Scene:
    """What the writes act on, made before any fault is added."""

    emulator: Emulator
    job_id: int
    """A job with a policy violation: update, reset, run-now, permissions, compliance."""
    spare_job_id: int
    """A job with no runs, to delete."""
    busy_job_id: int
    """A job with two hanging runs, for cancel-all."""
    active_run: int
    """A hanging run of the busy job, to cancel."""
    failed_run: int
    """A finished run with a failed task, to repair."""
    finished_run: int
    """A finished run, to delete."""


def make_scene(emulator: Emulator) -> Scene:
    """Build the scene in `emulator` (whose clock must be a `VirtualClock`)."""
    emulator.script_task("hang", outcome="HANG")
    emulator.script_task("broken", outcome="FAILED", error="bad row")
    job_id = handle(emulator, "POST", "/api/2.2/jobs/create", _job("target"))["job_id"]
    emulator.violate_policy(job_id, {"num_workers": "must be at most 2"})
    spare = handle(emulator, "POST", "/api/2.2/jobs/create", _job("spare"))["job_id"]
    busy = handle(
        emulator, "POST", "/api/2.2/jobs/create", _job("busy", ("hang",), max_concurrent_runs=5)
    )["job_id"]
    failing = handle(emulator, "POST", "/api/2.2/jobs/create", _job("failing", ("a", "broken")))[
        "job_id"
    ]
    done = handle(emulator, "POST", "/api/2.2/jobs/create", _job("done"))["job_id"]
    active = handle(emulator, "POST", "/api/2.2/jobs/run-now", {"job_id": busy})["run_id"]
    handle(emulator, "POST", "/api/2.2/jobs/run-now", {"job_id": busy})
    failed = handle(emulator, "POST", "/api/2.2/jobs/run-now", {"job_id": failing})["run_id"]
    finished = handle(emulator, "POST", "/api/2.2/jobs/run-now", {"job_id": done})["run_id"]
    emulator.clock.advance(3600)  # type: ignore[attr-defined]
    emulator.applied.clear()  # counts and the log start with the call under test
    emulator.requests.clear()
    return Scene(emulator, job_id, spare, busy, active, failed, finished)


def _acl(emulator: Emulator, job_id: int) -> dict[str, str]:
    data = handle(emulator, "GET", f"/api/2.0/permissions/jobs/{job_id}")
    return {
        entry.get("user_name") or entry.get("group_name") or "": permission["permission_level"]
        for entry in data["access_control_list"]
        for permission in entry["all_permissions"]
        if not permission.get("inherited")
    }


ANA_VIEWS = [JobAccessControlRequest(user_name="ana@example.com", permission_level="CAN_VIEW")]
ANA_RUNS = [
    JobAccessControlRequest(
        user_name="ana@example.com", permission_level=JobPermissionLevel.CAN_MANAGE_RUN
    )
]
RESET = JobSettings(
    name="reset",
    tasks=[
        Task(task_key="a", existing_cluster_id="c", notebook_task=NotebookTask(notebook_path="/a"))
    ],
)
SUBMITTED = SubmitRun(
    run_name="adhoc",
    tasks=[
        SubmitTask(
            task_key="t", existing_cluster_id="c", notebook_task=NotebookTask(notebook_path="/n")
        )
    ],
)


@dataclass(frozen=True)
class Operation:
    """One write as a test drives it.

    `fault_path` is a glob over the request path that hits this write only; `counter` is
    the emulator's count of its applications; `applied` tells whether the scene shows the
    state one application leaves (convergent writes only).
    """

    name: str
    operation: str
    """The row of the write table (``jobs.create``)."""
    kind: str
    """What this test expects of a repeat: ``unsafe``, ``convergent`` or ``token``."""
    method: str
    fault_path: str
    counter: str
    call: Callable[[Workspace, Scene], Awaitable[object]]
    applied: Callable[[Scene], bool] | None = None
    trigger: str | None = None
    """The endpoint whose tokens `Emulator.started_by_token` reads (triggers only)."""

    def sent(self, emulator: Emulator) -> int:
        """How many requests of this write reached the emulator."""
        return sum(
            1
            for r in emulator.requests
            if r.method == self.method and fnmatch.fnmatchcase(r.path, self.fault_path)
        )


def _cancelled(scene: Scene) -> bool:
    state = scene.emulator.run_state(scene.active_run)["state"]
    return bool(state["life_cycle_state"] in ("TERMINATING", "TERMINATED"))


OPERATIONS: dict[str, Operation] = {
    op.name: op
    for op in [
        Operation(
            "jobs.create",
            "jobs.create",
            "unsafe",
            "POST",
            "*/jobs/create",
            "jobs/create",
            lambda ws, scene: ws.jobs.create(two_task_job("again")),
        ),
        Operation(
            "jobs.update",
            "jobs.update",
            "unsafe",
            "POST",
            "*/jobs/update",
            "jobs/update",
            lambda ws, scene: ws.jobs.update(scene.job_id, new_settings=JobSettings(name="new")),
        ),
        Operation(
            "jobs.reset",
            "jobs.reset",
            "convergent",
            "POST",
            "*/jobs/reset",
            "jobs/reset",
            lambda ws, scene: ws.jobs.reset(scene.job_id, RESET),
            applied=lambda scene: scene.emulator.job_settings(scene.job_id)["name"] == "reset",
        ),
        Operation(
            "jobs.delete",
            "jobs.delete",
            "unsafe",
            "POST",
            "*/jobs/delete",
            "jobs/delete",
            lambda ws, scene: ws.jobs.delete(scene.spare_job_id),
        ),
        Operation(
            "jobs.run_now",
            "jobs.run_now",
            "token",
            "POST",
            "*/jobs/run-now",
            "jobs/run-now",
            lambda ws, scene: ws.jobs.run_now(scene.job_id),
            trigger="jobs/run-now",
        ),
        Operation(
            "jobs.cancel_all_runs",
            "jobs.cancel_all_runs",
            "unsafe",
            "POST",
            "*/jobs/runs/cancel-all",
            "jobs/runs/cancel-all",
            lambda ws, scene: ws.jobs.cancel_all_runs(scene.busy_job_id),
        ),
        Operation(
            "runs.submit",
            "runs.submit",
            "token",
            "POST",
            "*/jobs/runs/submit",
            "jobs/runs/submit",
            lambda ws, scene: ws.runs.submit(SUBMITTED),
            trigger="jobs/runs/submit",
        ),
        Operation(
            "runs.cancel",
            "runs.cancel",
            "convergent",
            "POST",
            "*/jobs/runs/cancel",
            "jobs/runs/cancel",
            lambda ws, scene: ws.runs.cancel(scene.active_run),
            applied=_cancelled,
        ),
        Operation(
            "runs.delete",
            "runs.delete",
            "unsafe",
            "POST",
            "*/jobs/runs/delete",
            "jobs/runs/delete",
            lambda ws, scene: ws.runs.delete(scene.finished_run),
        ),
        Operation(
            "runs.repair",
            "runs.repair",
            "unsafe",
            "POST",
            "*/jobs/runs/repair",
            "jobs/runs/repair",
            lambda ws, scene: ws.runs.repair(scene.failed_run, rerun_all_failed_tasks=True),
        ),
        Operation(
            "jobs.set_permissions",
            "jobs.set_permissions",
            "convergent",
            "PUT",
            "*/permissions/jobs/*",
            "permissions:PUT",
            lambda ws, scene: ws.jobs.set_permissions(scene.job_id, ANA_VIEWS),
            applied=lambda scene: (
                _acl(scene.emulator, scene.job_id).get("ana@example.com") == "CAN_VIEW"
            ),
        ),
        Operation(
            "jobs.update_permissions",
            "jobs.update_permissions",
            "convergent",
            "PATCH",
            "*/permissions/jobs/*",
            "permissions:PATCH",
            lambda ws, scene: ws.jobs.update_permissions(scene.job_id, ANA_RUNS),
            applied=lambda scene: (
                _acl(scene.emulator, scene.job_id).get("ana@example.com") == "CAN_MANAGE_RUN"
            ),
        ),
        Operation(
            "jobs.enforce_compliance",
            "jobs.enforce_compliance",
            "unsafe",
            "POST",
            "*/policies/jobs/enforce-compliance",
            "policies/jobs/enforce-compliance",
            lambda ws, scene: ws.jobs.enforce_compliance(scene.job_id),
        ),
        Operation(
            "jobs.enforce_compliance(validate_only)",
            "jobs.enforce_compliance",
            "convergent",
            "POST",
            "*/policies/jobs/enforce-compliance",
            "policies/jobs/enforce-compliance",
            lambda ws, scene: ws.jobs.enforce_compliance(scene.job_id, validate_only=True),
            applied=lambda scene: True,  # a preview changes nothing, however often
        ),
    ]
}
