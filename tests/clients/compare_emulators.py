"""Run the clients suite's databricks-sdk scenario against any local Jobs API server; print a table.

The comparison of docs/emulator.md ("Other local emulators") comes from this script, run with
databricks-sdk 0.162.0 against brickjobs' emulator and against the other emulators on PyPI,
each installed in a scratch virtualenv:

    python tests/clients/compare_emulators.py --host http://127.0.0.1:8765 --token dapi-emulator

Each step uses only the Jobs API, through the SDK, and fails on the first answer that
differs from the service's. Tasks are Python files on a job cluster; the script first uploads
the file to the workspace, for servers that run task code (a server without the workspace
API, like brickjobs' emulator, does not need it). Not collected by pytest: it is a script.
"""

from __future__ import annotations

import argparse
import base64
import datetime
import time
import uuid
from collections.abc import Callable
from typing import Any

from databricks.sdk import WorkspaceClient
from databricks.sdk.service import compute, workspace
from databricks.sdk.service import jobs as j

WAIT = datetime.timedelta(seconds=120)
# What every server accepts that the service accepts too: /Workspace paths, an access mode.
PYTHON_FILE = "/Workspace/Shared/brickjobs_compare/hello.py"
NOTEBOOK = "/Workspace/Shared/brickjobs_compare/notebook.py"
CLUSTER = compute.ClusterSpec(
    spark_version="16.4.x-scala2.12",
    node_type_id="m5a.large",
    num_workers=1,
    data_security_mode=compute.DataSecurityMode.USER_ISOLATION,
)


def tasks(*keys: str, sleep: float = 0.0) -> list[j.Task]:
    """Tasks running PYTHON_FILE on the shared job cluster, each after the one before."""
    params = [str(sleep)]
    return [
        j.Task(
            task_key=key,
            job_cluster_key="shared",
            spark_python_task=j.SparkPythonTask(
                python_file=PYTHON_FILE, source=j.Source.WORKSPACE, parameters=params
            ),
            depends_on=[j.TaskDependency(task_key=keys[i - 1])] if i else None,
        )
        for i, key in enumerate(keys)
    ]


class Scenario:
    """The steps, in order; each returns a short note or raises."""

    def __init__(self, w: WorkspaceClient) -> None:
        self.w = w

    def create(self, name: str, *keys: str, sleep: float = 0.0) -> int:
        created = self.w.jobs.create(
            name=name,
            job_clusters=[j.JobCluster(job_cluster_key="shared", new_cluster=CLUSTER)],
            tasks=tasks(*(keys or ("a", "b")), sleep=sleep),
            max_concurrent_runs=10,
        )
        assert created.job_id is not None
        return created.job_id

    def step_create_with_job_clusters(self) -> str:
        job = self.w.jobs.get(self.create("nightly"))
        assert job.settings is not None
        assert [c.job_cluster_key for c in job.settings.job_clusters or []] == ["shared"]
        assert [t.task_key for t in job.settings.tasks or []] == ["a", "b"]
        return f"job {job.job_id}"

    def step_list_paging_past_25_expand_tasks(self) -> str:
        ids = {self.create(f"page-{i:02d}") for i in range(30)}
        listed = {job.job_id for job in self.w.jobs.list(expand_tasks=True, limit=10)}
        assert ids <= listed, f"{len(ids - listed)} of 30 jobs missing"
        expanded = next(iter(self.w.jobs.list(expand_tasks=True, name="page-00")))
        assert expanded.settings is not None
        assert len(expanded.settings.tasks or []) == 2, "expand_tasks gave no tasks"
        return f"{len(listed)} jobs listed"

    def step_get_150_task_job(self) -> str:
        keys = [f"t{i:03d}" for i in range(150)]
        job = self.w.jobs.get(self.create("wide", *keys))
        got = [t.task_key for t in (job.settings.tasks if job.settings else None) or []]
        assert got == keys, f"{len(got)} tasks"
        return "150 tasks"

    def step_update_and_reset(self) -> str:
        job_id = self.create("to-update")
        self.w.jobs.update(job_id, new_settings=j.JobSettings(max_concurrent_runs=3))
        settings = self.w.jobs.get(job_id).settings
        assert settings is not None
        assert (settings.name, settings.max_concurrent_runs) == ("to-update", 3), settings
        self.w.jobs.reset(
            job_id,
            new_settings=j.JobSettings(
                name="reset",
                job_clusters=[j.JobCluster(job_cluster_key="shared", new_cluster=CLUSTER)],
                tasks=tasks("only"),
            ),
        )
        settings = self.w.jobs.get(job_id).settings
        assert settings is not None
        assert settings.name == "reset"
        assert [t.task_key for t in settings.tasks or []] == ["only"]
        return "ok"

    def step_run_now_result(self) -> str:
        run = self.w.jobs.run_now(self.create("run")).result(timeout=WAIT)
        assert run.state is not None
        assert run.state.result_state == j.RunResultState.SUCCESS, run.state
        self.run = run
        return f"run {run.run_id}"

    def step_runs_list_active_and_completed(self) -> str:
        job_id = self.create("listed", sleep=30)
        done = self.w.jobs.run_now(self.create("listed-done")).result(timeout=WAIT)
        active = self.w.jobs.run_now(job_id)
        actives = [r.run_id for r in self.w.jobs.list_runs(job_id=job_id, active_only=True)]
        assert actives == [active.run_id], actives
        completed = [r.run_id for r in self.w.jobs.list_runs(completed_only=True)]
        assert done.run_id in completed, completed
        assert active.run_id not in completed, completed
        self.w.jobs.cancel_run(active.run_id)
        return "ok"

    def step_get_output(self) -> str:
        task_run = (self.run.tasks or [])[0]
        output = self.w.jobs.get_run_output(task_run.run_id)
        assert output.metadata is not None, "no metadata"
        return "ok"

    def step_export(self) -> str:
        notebook = j.Task(
            task_key="nb",
            job_cluster_key="shared",
            notebook_task=j.NotebookTask(notebook_path=NOTEBOOK, source=j.Source.WORKSPACE),
        )
        job = self.w.jobs.create(
            name="exported",
            job_clusters=[j.JobCluster(job_cluster_key="shared", new_cluster=CLUSTER)],
            tasks=[notebook],
        )
        run = self.w.jobs.run_now(job.job_id).result(timeout=WAIT)
        task_run = (run.tasks or [])[0]
        exported = self.w.jobs.export_run(task_run.run_id, views_to_export=j.ViewsToExport.CODE)
        assert [v.type for v in exported.views or []] == [j.ViewType.NOTEBOOK], exported
        return "a notebook view"

    def step_cancel(self) -> str:
        started = self.w.jobs.run_now(self.create("cancelled", sleep=60))
        run = self.w.jobs.cancel_run(started.run_id).result(timeout=WAIT)
        assert run.state is not None
        assert run.state.result_state == j.RunResultState.CANCELED, run.state
        return "ok"

    def step_cancel_all(self) -> str:
        job_id = self.create("cancel-all", sleep=60)
        started = [self.w.jobs.run_now(job_id).run_id for _ in range(3)]
        self.w.jobs.cancel_all_runs(job_id=job_id)
        for run_id in started:
            run = self.w.jobs.wait_get_run_job_terminated_or_skipped(run_id, timeout=WAIT)
            assert run.state is not None
            assert run.state.result_state == j.RunResultState.CANCELED, run.state
        return "ok"

    def step_repair(self) -> str:
        repaired = self.w.jobs.repair_run(self.run.run_id, rerun_tasks=["a"]).result(timeout=WAIT)
        assert repaired.state is not None
        history = self.w.jobs.get_run(self.run.run_id, include_history=True).repair_history
        assert [h.type for h in history or []] == [
            j.RepairHistoryItemType.ORIGINAL,
            j.RepairHistoryItemType.REPAIR,
        ], history
        return "ok"

    def step_delete(self) -> str:
        job_id = self.create("deleted")
        self.w.jobs.delete(job_id)
        try:
            self.w.jobs.get(job_id)
        except Exception as error:  # the SDK maps the service's 400 to ResourceDoesNotExist
            if "does not exist" not in str(error):
                raise
            return "ok"
        raise AssertionError("jobs/get of a deleted job answered")

    def step_submit_idempotency_token(self) -> str:
        token = str(uuid.uuid4())
        submitted = [
            self.w.jobs.submit(
                run_name="once",
                tasks=[
                    j.SubmitTask(
                        task_key="a",
                        new_cluster=CLUSTER,
                        spark_python_task=j.SparkPythonTask(python_file=PYTHON_FILE),
                    )
                ],
                idempotency_token=token,
            ).run_id
            for _ in range(2)
        ]
        assert submitted[0] == submitted[1], submitted
        return "one run"

    def step_permissions(self) -> str:
        job_id = str(self.create("permissions"))
        levels = self.w.jobs.get_permission_levels(job_id).permission_levels or []
        assert levels, "no permission levels"
        self.w.jobs.set_permissions(
            job_id,
            access_control_list=[
                j.JobAccessControlRequest(
                    group_name="analysts", permission_level=j.JobPermissionLevel.CAN_VIEW
                )
            ],
        )
        acl = self.w.jobs.get_permissions(job_id).access_control_list or []
        assert any(a.group_name == "analysts" for a in acl), acl
        return "ok"

    def step_api_2_0_and_2_1_routes(self) -> str:
        for version in ("2.0", "2.1"):
            self.w.api_client.do("GET", f"/api/{version}/jobs/list")
        return "ok"


_PYTHON = workspace.Language.PYTHON


def upload_task_code(w: WorkspaceClient) -> str:
    """Put the task code in the workspace, with workspace/import's JSON body (base64)."""
    source = b"import sys, time\ntime.sleep(float(sys.argv[1]) if len(sys.argv) > 1 else 0)\n"
    notebook = b"# Databricks notebook source\nprint('hello')\n"
    try:
        w.workspace.mkdirs(PYTHON_FILE.rsplit("/", 1)[0])
        for path, content, forms in (
            (PYTHON_FILE, source, (workspace.ImportFormat.RAW, workspace.ImportFormat.AUTO)),
            (NOTEBOOK, notebook, (workspace.ImportFormat.SOURCE,)),
        ):
            for i, form in enumerate(forms):  # a file is RAW for some servers, AUTO for others
                try:
                    w.workspace.import_(
                        path,
                        content=base64.b64encode(content).decode(),
                        format=form,
                        language=None if form == workspace.ImportFormat.RAW else _PYTHON,
                        overwrite=True,
                    )
                    break
                except Exception:
                    if i == len(forms) - 1:
                        raise
    except Exception as error:
        return f"not uploaded ({type(error).__name__}: {str(error).splitlines()[0][:80]})"
    return "uploaded"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", required=True)
    parser.add_argument("--token", default="dapi-emulator")
    parser.add_argument(
        "--spark-version",
        default=CLUSTER.spark_version,
        help="the clusters' runtime, for a server that knows only its own runtime names",
    )
    args = parser.parse_args()
    CLUSTER.spark_version = args.spark_version
    w = WorkspaceClient(host=args.host, token=args.token, auth_type="pat")
    print(f"task code: {upload_task_code(w)}")
    scenario = Scenario(w)
    steps: list[tuple[str, Callable[[], Any]]] = [
        (name.removeprefix("step_"), getattr(scenario, name))
        for name in Scenario.__dict__
        if name.startswith("step_")
    ]
    passed = 0
    for name, step in steps:
        started = time.monotonic()
        try:
            note = step()
        except Exception as error:
            first = (str(error) or type(error).__name__).splitlines()[0][:300]
            print(f"FAIL {name}: {type(error).__name__}: {first}")
            continue
        passed += 1
        print(f"PASS {name}: {note} ({time.monotonic() - started:.1f}s)")
    print(f"{passed} of {len(steps)} steps passed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
