"""Single-task and multi-task job formats, and the compute a task needs.

Jobs API 2.0 described a job by one task's fields at the top of its settings (``notebook_task``,
``new_cluster``, ``libraries``, ...: the "single-task format"). The service still accepts that
shape under every API version (Airflow's ``DatabricksSubmitRunOperator`` sends it to
``/api/2.2/jobs/runs/submit``) and stores it as a job with one task; API 2.0 answers in the
shape the job was written in, API 2.1 and 2.2 always in the multi-task format.
"""

from __future__ import annotations

import copy
import re
from typing import Any

__all__ = [
    "TASK_TYPE_SUFFIX",
    "as_single_task",
    "has_compute",
    "names_task_fields",
    "single_task_key",
    "task_needs_compute",
    "to_multi_task",
]

TASK_TYPE_SUFFIX = "_task"
# Fields that sit on the job in the single-task format and on the task in the multi-task one.
_TASK_LEVEL = (
    "existing_cluster_id",
    "new_cluster",
    "libraries",
    "max_retries",
    "min_retry_interval_millis",
    "retry_on_timeout",
)
# Task types that run on a cluster or serverless compute; the others use a SQL warehouse, a
# pipeline, another job or nothing at all.
_CLUSTER_TASKS = frozenset(
    {
        "notebook_task",
        "spark_jar_task",
        "spark_python_task",
        "spark_submit_task",
        "python_wheel_task",
        "dbt_task",
    }
)
_NOT_KEY_CHARS = re.compile(r"[^A-Za-z0-9_-]")


def single_task_key(name: Any) -> str:
    """Return the task key the service gives the task of a single-task job or run.

    Observed on a 2.1 runs/get of a single-task submit: run name "flytekit databricks plugin
    example" came back as the task key "flytekit_databricks_plugin_example".
    """
    key = _NOT_KEY_CHARS.sub("_", str(name or "Untitled"))[:100]
    return key or "Untitled"


def _task_types(spec: dict[str, Any]) -> list[str]:
    return [k for k, v in spec.items() if k.endswith(TASK_TYPE_SUFFIX) and v is not None]


def to_multi_task(body: dict[str, Any], name: Any) -> tuple[dict[str, Any], bool]:
    """Return (settings in the multi-task format, whether `body` was in the single-task one).

    A body with a non-empty ``tasks`` array is kept as it is. A body without tasks but with a
    task type at the top becomes one task named after `name`, holding the task type, the
    compute, the libraries and the retry settings. A body with neither is returned unchanged
    (the caller decides whether a job or run without tasks is allowed).
    """
    out = copy.deepcopy(body)
    if out.get("tasks"):
        return out, False
    kinds = _task_types(out)
    if not kinds:
        return out, False
    task: dict[str, Any] = {"task_key": single_task_key(name)}
    for field in (*kinds, *_TASK_LEVEL):
        if field in out:
            task[field] = out.pop(field)
    out["tasks"] = [task]
    return out, True


def names_task_fields(settings: dict[str, Any]) -> bool:
    """Whether `settings` set a field the single-task format keeps at the top of a job."""
    return bool(_task_types(settings)) or any(f in settings for f in _TASK_LEVEL)


def as_single_task(settings: dict[str, Any]) -> dict[str, Any]:
    """Return stored multi-task settings of a single-task job in the single-task format.

    The one task's type, compute, libraries and retry settings go back to the top; what the
    multi-task format adds to a task (its key, ``run_if``, its own defaults) is left out.
    """
    out = copy.deepcopy(settings)
    tasks = out.pop("tasks", None) or []
    out["format"] = "SINGLE_TASK"
    if not tasks or not isinstance(tasks[0], dict):
        return out
    task = tasks[0]
    for field in (*_task_types(task), *_TASK_LEVEL):
        if field in task:
            out[field] = task[field]
    return out


def task_needs_compute(task: dict[str, Any]) -> bool:
    """Whether `task` runs on a cluster (or serverless compute), so it needs one named."""
    kinds = _task_types(task)
    if "for_each_task" in kinds:
        inner = (task.get("for_each_task") or {}).get("task")
        return isinstance(inner, dict) and task_needs_compute(inner) and not has_compute(inner)
    for kind in kinds:
        if kind not in _CLUSTER_TASKS:
            continue
        spec = task.get(kind)
        if kind == "notebook_task" and isinstance(spec, dict) and spec.get("warehouse_id"):
            continue  # a SQL notebook on a warehouse
        return True
    return False


def has_compute(task: dict[str, Any], *, serverless: bool = False) -> bool:
    """Whether `task` names its compute (``environment_key`` counts only with serverless)."""
    named = ("existing_cluster_id", "new_cluster", "job_cluster_key", "compute")
    if any(task.get(field) for field in named):
        return True
    return serverless and bool(task.get("environment_key"))
