"""Handlers of the runs endpoints: submit, list, get, get-output, export, cancel, delete, repair."""

from __future__ import annotations

import posixpath
from typing import Any

from ._call import Call
from ._handlers_jobs import ARRAY_PAGE, page_window
from ._jobs import invalid
from ._pages import decode_token, encode_token, slice_arrays
from ._render import RunRenderer
from ._runs import RunRecord, TaskRun
from ._state import Store
from ._versions import PAGED_ARRAYS_FROM, check_task_count
from ._views import listed_run, shape_run

__all__ = ["RUN_HANDLERS"]

_RUN_ARRAYS = ("tasks", "job_clusters", "job_parameters", "repair_history", "iterations")
_RUNS_OFFSET_CAP = 10000
# runs/list page sizes: (largest limit, default); 0 asks for the largest. 2.1's reference says
# "greater than 0 and less than 25 ... The default value is 25"; 2.0's allowed up to 1000.
_RUNS_LIMITS = {"2.0": (1000, 20), "2.1": (25, 25), "2.2": (25, 20)}
_MULTI_TASK_OUTPUT = (
    "Retrieving the output of runs with multiple tasks is not supported. "
    "Please retrieve the output of each individual task run instead."
)


def renderer(store: Store, call: Call) -> RunRenderer:
    """Return a renderer whose run page URLs point at the host that was called."""

    def url(run: RunRecord, run_id: int) -> str:
        job = run.job_id if run.job_id is not None else run.run_id
        return f"{call.base_url}/#job/{job}/run/{run_id}"

    return RunRenderer(store.to_ms, url)


def submit(store: Store, call: Call) -> dict[str, Any]:
    """POST jobs/runs/submit (idempotency token honoured; single-task bodies accepted)."""
    return {"run_id": store.submit(call.body(), api_version=call.api_version).run_id}


def list_runs(store: Store, call: Call) -> dict[str, Any]:
    """GET jobs/runs/list: pages of 1 to 25 runs (2.0: 1000), 0 the largest, newest first."""
    largest, default = _RUNS_LIMITS[call.api_version]
    limit = call.int_param("limit")
    if limit is None:
        limit = default
    elif limit == 0:
        limit = largest
    if not 1 <= limit <= largest:
        raise invalid(f"Invalid limit {limit}: the limit must be between 0 and {largest}.")
    active_only, completed_only = call.bool_param("active_only"), call.bool_param("completed_only")
    if active_only and completed_only:
        raise invalid("active_only and completed_only cannot both be true.")
    job_id = call.int_param("job_id")
    if job_id is not None:
        store.job(job_id)
    run_type = call.params.get("run_type")
    start_from, start_to = call.int_param("start_time_from"), call.int_param("start_time_to")
    expand = call.bool_param("expand_tasks")
    t = store.advance()
    runs = []
    for run in reversed(store.runs.values()):  # ids grow with insertion: newest first
        if job_id is not None and run.job_id != job_id:
            continue
        if (active_only and run.terminated) or (completed_only and not run.terminated):
            continue
        if run_type and run.run_type != run_type:
            continue
        started = store.to_ms(run.created)
        if (start_from and started < start_from) or (start_to and started > start_to):
            continue
        runs.append(run)
    by_id = {r.run_id: r for r in runs}
    page, extra = page_window(
        list(by_id), call, kind="runs", limit=limit, offset_cap=_RUNS_OFFSET_CAP, descending=True
    )
    render = renderer(store, call)
    items = []
    for run_id in page:
        run = by_id[run_id]
        items.append(listed_run(render.run(run, t, tasks=expand), run, call.api_version))
    out: dict[str, Any] = {"runs": items} if items else {}
    out.update(extra)
    return out


def _run_or_task(store: Store, run_id: int) -> tuple[RunRecord, TaskRun | None, int]:
    found = store.task_run(run_id)
    if found is not None:
        return found
    return store.run(run_id), None, -1


def _task_as_run(
    render: RunRenderer, run: RunRecord, task: TaskRun, index: int, t: float
) -> dict[str, Any]:
    attempt = task.attempts[index] if index >= 0 else None
    item = render.task(run, task, t, attempt=attempt)
    out = render.run(run, t, tasks=False)
    out["run_id"] = item["run_id"]
    out["number_in_job"] = item["run_id"]
    out["job_run_id"] = run.run_id
    out["attempt_number"] = item.get("attempt_number", 0)
    out["original_attempt_run_id"] = task.attempts[0].run_id if task.attempts else item["run_id"]
    for key in ("state", "status", "start_time", "end_time", "setup_duration",
                "execution_duration", "cleanup_duration", "run_duration", "cluster_instance",
                "run_page_url"):  # fmt: skip
        if key in item:
            out[key] = item[key]
    out["tasks"] = [item]
    if task.iterations is not None:
        out["iterations"] = [render.task(run, it, t) for it in task.iterations]
    return out


def get_run(store: Store, call: Call) -> dict[str, Any]:
    """GET jobs/runs/get (a job run, a submitted run or a task run).

    2.2 pages the arrays; 2.0 and 2.1 refuse a run of more than 100 tasks. With
    ``include_history`` the run's ``repair_history`` starts with its ORIGINAL item, repaired
    or not.
    """
    run_id = call.required_int_param("run_id")
    t = store.advance()
    run, task, index = _run_or_task(store, run_id)
    render = renderer(store, call)
    if task is None:
        if call.api_version != PAGED_ARRAYS_FROM:
            check_task_count(call.api_version, len(run.tasks))
        out = shape_run(render.run(run, t), run, call.api_version)
        if call.bool_param("include_history"):  # the ORIGINAL item even when never repaired
            out["repair_history"] = render.history(run, t)
    else:
        out = _task_as_run(render, run, task, index, t)
    if call.api_version != PAGED_ARRAYS_FROM:
        return out
    page = 0
    token = call.params.get("page_token")
    if token:
        page = int(decode_token("run", token).get("p", 0))
    arrays = {name: out.pop(name) for name in _RUN_ARRAYS if isinstance(out.get(name), list)}
    if "iterations" in arrays and page > 0:
        arrays.pop("tasks", None)  # the for-each task itself is on the first page only
    sliced, more = slice_arrays(arrays, page, ARRAY_PAGE)
    out.update(sliced)
    if more:
        out["next_page_token"] = encode_token("run", r=run_id, p=page + 1)
    return out


def _single_task(store: Store, run_id: int) -> tuple[RunRecord, TaskRun, int]:
    run, task, index = _run_or_task(store, run_id)
    if task is not None:
        return run, task, index
    if len(run.tasks) != 1:
        raise invalid(_MULTI_TASK_OUTPUT)
    only = next(iter(run.tasks.values()))
    return run, only, len(only.attempts) - 1


def get_output(store: Store, call: Call) -> dict[str, Any]:
    """GET jobs/runs/get-output for a task run (a multi-task run id is the service's 400)."""
    run_id = call.required_int_param("run_id")
    t = store.advance()
    run, task, index = _single_task(store, run_id)
    render = renderer(store, call)
    if run.single_task and index == len(task.attempts) - 1:
        metadata = shape_run(render.run(run, t), run, call.api_version)  # the run is the task
    else:
        metadata = _task_as_run(render, run, task, index, t)
    out: dict[str, Any] = {"metadata": metadata}
    attempt = task.attempts[index] if task.attempts and index >= 0 else None
    if attempt is None or t < attempt.end:
        return out
    if attempt.result != "SUCCESS":
        out["error"] = attempt.error or "Task failed"
        if attempt.error_trace:
            out["error_trace"] = attempt.error_trace
    if "notebook_task" in task.spec:
        out["notebook_output"] = (
            {"result": attempt.output, "truncated": False} if attempt.output is not None else {}
        )
    elif attempt.logs is not None or attempt.output is not None:
        out["logs"] = attempt.logs if attempt.logs is not None else attempt.output
        out["logs_truncated"] = False
    return out


def export(store: Store, call: Call) -> dict[str, Any]:
    """GET jobs/runs/export: the views of a notebook task run."""
    run_id = call.required_int_param("run_id")
    views = call.params.get("views_to_export", "CODE")
    if views not in ("CODE", "DASHBOARDS", "ALL"):
        raise invalid(f"Invalid views_to_export: {views}")
    store.advance()
    _, task, _ = _single_task(store, run_id)
    notebook = task.spec.get("notebook_task")
    if not isinstance(notebook, dict):
        raise invalid(f"Run {run_id} is not a notebook task run and cannot be exported.")
    items = []
    if views in ("CODE", "ALL"):
        name = posixpath.basename(str(notebook.get("notebook_path", "notebook")))
        items.append(
            {
                "name": name,
                "type": "NOTEBOOK",
                "content": f"<html><head><title>{name}</title></head><body>{name}</body></html>",
            }
        )
    return {"views": items}


def cancel(store: Store, call: Call) -> dict[str, Any]:
    """POST jobs/runs/cancel."""
    run_id = call.required_body_int("run_id")
    store.cancel(run_id)
    return {}


def delete(store: Store, call: Call) -> dict[str, Any]:
    """POST jobs/runs/delete."""
    run_id = call.required_body_int("run_id")
    store.delete_run(run_id)
    return {}


def repair(store: Store, call: Call) -> dict[str, Any]:
    """POST jobs/runs/repair."""
    body = dict(call.body())
    body["run_id"] = call.body_int("run_id", required=True)
    return {"repair_id": store.repair(body)}


RUN_HANDLERS = {
    ("POST", "jobs/runs/submit"): submit,
    ("GET", "jobs/runs/list"): list_runs,
    ("GET", "jobs/runs/get"): get_run,
    ("GET", "jobs/runs/get-output"): get_output,
    ("GET", "jobs/runs/export"): export,
    ("POST", "jobs/runs/cancel"): cancel,
    ("POST", "jobs/runs/delete"): delete,
    ("POST", "jobs/runs/repair"): repair,
}
