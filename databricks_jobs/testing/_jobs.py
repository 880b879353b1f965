"""Job settings as the service treats them: defaults, validation, and update's merge rules."""

from __future__ import annotations

import copy
import re
from typing import Any

from ._wire import ApiFailure

__all__ = [
    "MAX_CONCURRENT_RUNS",
    "apply_update",
    "fill_defaults",
    "invalid",
    "validate_settings",
    "validate_tasks",
]

MAX_CONCURRENT_RUNS = 1000
_MAX_TASKS = 1000
_MAX_TAGS = 25
_MAX_NAME_BYTES = 4096
_MAX_DESCRIPTION = 27700
_TASK_KEY = re.compile(r"^[\w\-]{1,100}$")
_COMPUTE_FIELDS = ("existing_cluster_id", "new_cluster", "job_cluster_key", "environment_key")


def invalid(message: str) -> ApiFailure:
    """Return the 400 INVALID_PARAMETER_VALUE failure with `message`."""
    return ApiFailure(400, "INVALID_PARAMETER_VALUE", message)


def fill_defaults(settings: dict[str, Any], *, api_version: str) -> dict[str, Any]:
    """Return a copy of `settings` with the fields the service fills in."""
    out = copy.deepcopy(settings)
    out.pop("access_control_list", None)
    out["format"] = "MULTI_TASK"
    out.setdefault("name", "Untitled")
    out.setdefault("max_concurrent_runs", 1)
    out.setdefault("timeout_seconds", 0)
    out.setdefault("email_notifications", {})
    out.setdefault("webhook_notifications", {})
    if api_version == "2.2":
        out.setdefault("queue", {"enabled": True})
    for task in out.get("tasks") or []:
        if isinstance(task, dict):
            _task_defaults(task)
    return out


def _task_defaults(task: dict[str, Any]) -> None:
    task.setdefault("timeout_seconds", 0)
    task.setdefault("email_notifications", {})
    task.setdefault("run_if", "ALL_SUCCESS")
    notebook = task.get("notebook_task")
    if isinstance(notebook, dict):
        notebook.setdefault("source", "WORKSPACE")
    inner = (task.get("for_each_task") or {}).get("task")
    if isinstance(inner, dict):
        _task_defaults(inner)


def apply_update(
    current: dict[str, Any], new_settings: dict[str, Any], fields_to_remove: list[str]
) -> dict[str, Any]:
    """Return `current` updated as jobs/update does it (before defaults and validation)."""
    out = copy.deepcopy(current)
    for name, value in new_settings.items():
        if name in ("tasks", "job_clusters") and isinstance(value, list):
            key = "task_key" if name == "tasks" else "job_cluster_key"
            out[name] = _merge_by_key(out.get(name) or [], value, key)
        else:
            out[name] = copy.deepcopy(value)
    for field in fields_to_remove:
        if not isinstance(field, str):
            raise invalid("fields_to_remove must be a list of strings")
        if "/" in field:
            array, _, key = field.partition("/")
            if array not in ("tasks", "job_clusters"):
                raise invalid(f"Invalid field to remove: {field}")
            key_name = "task_key" if array == "tasks" else "job_cluster_key"
            items = out.get(array) or []
            kept = [i for i in items if not (isinstance(i, dict) and i.get(key_name) == key)]
            if len(kept) == len(items):
                what = "Task" if array == "tasks" else "Job cluster"
                raise invalid(f"{what} with key {key} does not exist and cannot be removed.")
            out[array] = kept
        else:
            out.pop(field, None)
    return out


def _merge_by_key(old: list[Any], new: list[Any], key: str) -> list[Any]:
    merged = list(copy.deepcopy(old))
    index = {item.get(key): i for i, item in enumerate(merged) if isinstance(item, dict)}
    for item in new:
        k = item.get(key) if isinstance(item, dict) else None
        if k is not None and k in index:
            merged[index[k]] = copy.deepcopy(item)
        else:
            index[k] = len(merged)
            merged.append(copy.deepcopy(item))
    return merged


def validate_settings(settings: dict[str, Any]) -> None:
    """Raise the service's 400 for settings it would refuse."""
    name = settings.get("name")
    if name is not None and (not isinstance(name, str) or len(name.encode()) > _MAX_NAME_BYTES):
        raise invalid(f"Job name must be a string of at most {_MAX_NAME_BYTES} bytes.")
    description = settings.get("description")
    if isinstance(description, str) and len(description) > _MAX_DESCRIPTION:
        raise invalid(f"Job description must be at most {_MAX_DESCRIPTION} characters.")
    mcr = settings.get("max_concurrent_runs")
    if mcr is not None and (
        not isinstance(mcr, int) or isinstance(mcr, bool) or not 0 <= mcr <= MAX_CONCURRENT_RUNS
    ):
        raise invalid(
            f"max_concurrent_runs must be between 0 and {MAX_CONCURRENT_RUNS}, got {mcr}."
        )
    timeout = settings.get("timeout_seconds")
    if timeout is not None and (not isinstance(timeout, int) or timeout < 0):
        raise invalid(f"timeout_seconds must be a non-negative integer, got {timeout}.")
    tags = settings.get("tags")
    if tags is not None and (not isinstance(tags, dict) or len(tags) > _MAX_TAGS):
        raise invalid(f"A job can have at most {_MAX_TAGS} tags.")
    clusters = settings.get("job_clusters") or []
    if not isinstance(clusters, list):
        raise invalid("job_clusters must be a list.")
    cluster_keys: set[str] = set()
    for cluster in clusters:
        key = cluster.get("job_cluster_key") if isinstance(cluster, dict) else None
        if not isinstance(key, str) or not key:
            raise invalid("Job cluster key must be specified for every job cluster.")
        if key in cluster_keys:
            raise invalid(f"Job cluster key {key} is duplicated.")
        cluster_keys.add(key)
    validate_tasks(settings.get("tasks") or [], cluster_keys)


def validate_tasks(tasks: Any, cluster_keys: set[str] | None = None) -> None:
    """Raise the service's 400 for an invalid task graph."""
    if not isinstance(tasks, list):
        raise invalid("tasks must be a list.")
    if len(tasks) > _MAX_TASKS:
        raise invalid(f"A job can have at most {_MAX_TASKS} tasks, got {len(tasks)}.")
    keys: set[str] = set()
    for task in tasks:
        key = task.get("task_key") if isinstance(task, dict) else None
        if not isinstance(key, str) or not key:
            raise invalid("Task key must be specified for every task.")
        if not _TASK_KEY.match(key):
            raise invalid(
                f"Invalid task key '{key}': it must be at most 100 characters of letters, "
                "digits, hyphens and underscores."
            )
        if key in keys:
            raise invalid(f"Task key {key} is not unique.")
        keys.add(key)
    for task in tasks:
        _validate_task(task, keys, cluster_keys)
    _check_cycles(tasks)


def _validate_task(task: dict[str, Any], keys: set[str], cluster_keys: set[str] | None) -> None:
    key = task["task_key"]
    kinds = [k for k in task if k.endswith("_task")]
    if len(kinds) != 1:
        raise invalid(
            f"Task {key} must specify exactly one task type (such as notebook_task), "
            f"found {len(kinds)}."
        )
    compute = [f for f in _COMPUTE_FIELDS if task.get(f) is not None]
    if len(compute) > 1:
        raise invalid(f"Task {key} can specify only one of {', '.join(compute)}.")
    cluster_key = task.get("job_cluster_key")
    if cluster_keys is not None and cluster_key is not None and cluster_key not in cluster_keys:
        raise invalid(
            f"Task {key} refers to job cluster {cluster_key}, which is not defined in job_clusters."
        )
    deps = task.get("depends_on") or []
    if not isinstance(deps, list):
        raise invalid(f"depends_on of task {key} must be a list.")
    for dep in deps:
        dep_key = dep.get("task_key") if isinstance(dep, dict) else None
        if dep_key not in keys:
            raise invalid(f"Task {key} depends on {dep_key}, which does not exist.")
        if dep_key == key:
            raise invalid(f"Task {key} cannot depend on itself.")
    run_if = task.get("run_if")
    allowed = (
        "ALL_SUCCESS", "ALL_DONE", "NONE_FAILED",
        "AT_LEAST_ONE_SUCCESS", "ALL_FAILED", "AT_LEAST_ONE_FAILED",
    )  # fmt: skip
    if run_if is not None and run_if not in allowed:
        raise invalid(f"Invalid run_if value {run_if} for task {key}.")
    for_each = task.get("for_each_task")
    if for_each is not None:
        inner = for_each.get("task") if isinstance(for_each, dict) else None
        if not isinstance(inner, dict) or "inputs" not in for_each:
            raise invalid(f"for_each_task of task {key} needs inputs and a task.")


def _check_cycles(tasks: list[dict[str, Any]]) -> None:
    graph = {t["task_key"]: [d["task_key"] for d in t.get("depends_on") or []] for t in tasks}
    state: dict[str, int] = {}
    for start in graph:
        if state.get(start):
            continue
        stack = [(start, iter(graph[start]))]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state.get(child) == 1:
                raise invalid(f"The task dependency graph has a cycle through task {child}.")
            elif not state.get(child):
                state[child] = 1
                stack.append((child, iter(graph[child])))
