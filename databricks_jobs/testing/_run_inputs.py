"""What requests ask for, read from their bodies: task selections, parameters, ids, principals."""

from __future__ import annotations

from typing import Any

from ._jobs import invalid
from ._runs import CANCELED_RESULTS, FAILED_RESULTS, RunRecord

__all__ = [
    "LEGACY_PARAMS",
    "as_int",
    "job_parameters",
    "principal_of",
    "require_int",
    "select_tasks",
    "tasks_to_rerun",
    "without_missing_deps",
]

LEGACY_PARAMS = (
    "notebook_params",
    "jar_params",
    "python_params",
    "python_named_params",
    "spark_submit_params",
    "sql_params",
    "dbt_commands",
    "pipeline_params",
)


def principal_of(entry: Any) -> tuple[str, str] | None:
    """Return (kind, name) of an access control entry's principal, if it names one."""
    if not isinstance(entry, dict):
        return None
    for kind in ("user_name", "group_name", "service_principal_name"):
        if entry.get(kind):
            return kind, str(entry[kind])
    return None


def select_tasks(tasks: list[dict[str, Any]], only: list[str], job_id: int) -> set[str]:
    """Return the task keys `only` selects: ``+key`` adds upstream tasks, ``key+`` downstream."""
    upstream = {t["task_key"]: [d["task_key"] for d in t.get("depends_on") or []] for t in tasks}
    downstream: dict[str, list[str]] = {k: [] for k in upstream}
    for key, deps in upstream.items():
        for dep in deps:
            downstream.setdefault(dep, []).append(key)
    chosen: set[str] = set()
    for item in only:
        key = item.strip("+")
        if key not in upstream:
            raise invalid(f"Task {key} does not exist in job {job_id}.")
        chosen.add(key)
        for graph, wanted in ((upstream, item.startswith("+")), (downstream, item.endswith("+"))):
            seen: set[str] = set()
            stack = list(graph[key]) if wanted else []
            while stack:
                nxt = stack.pop()
                if nxt not in seen:
                    seen.add(nxt)
                    stack.extend(graph.get(nxt, []))
            chosen |= seen
    return chosen


def without_missing_deps(task: dict[str, Any], keep: set[str]) -> dict[str, Any]:
    """Return `task` without the dependencies on tasks outside `keep`."""
    out = dict(task)
    deps = [d for d in task.get("depends_on") or [] if d.get("task_key") in keep]
    if deps:
        out["depends_on"] = deps
    else:
        out.pop("depends_on", None)
    return out


def job_parameters(definitions: Any, overrides: Any) -> list[dict[str, Any]]:
    """Return a run's job_parameters: the job's definitions with the overrides applied."""
    overrides = dict(overrides) if isinstance(overrides, dict) else {}
    out = []
    for definition in definitions or []:
        name = definition.get("name")
        item: dict[str, Any] = {"name": name, "default": definition.get("default", "")}
        item["value"] = str(overrides.pop(name)) if name in overrides else item["default"]
        out.append(item)
    out.extend({"name": k, "value": str(v)} for k, v in overrides.items())
    return out


def as_int(value: Any, name: str) -> int:
    """Return `value` as an int (numeric strings accepted); 400 naming `name` otherwise."""
    try:
        if isinstance(value, bool):
            raise ValueError
        return int(value)
    except (TypeError, ValueError) as exc:
        raise invalid(f"Invalid value for {name}: {value!r} is not an integer.") from exc


def require_int(body: dict[str, Any], name: str) -> int:
    """Return body field `name` as an int; 400 when it is missing."""
    if body.get(name) is None:
        raise invalid(f"Missing required field: {name}")
    return as_int(body[name], name)


def tasks_to_rerun(run: RunRecord, body: dict[str, Any]) -> list[str]:
    """Return the task keys a repair reruns, in the run's order."""
    rerun = body.get("rerun_tasks")
    all_failed = bool(body.get("rerun_all_failed_tasks"))
    if rerun and all_failed:
        raise invalid("Only one of rerun_tasks and rerun_all_failed_tasks can be specified.")
    if not rerun and not all_failed:
        raise invalid("One of rerun_tasks or rerun_all_failed_tasks must be specified.")
    if all_failed:
        bad = FAILED_RESULTS | CANCELED_RESULTS
        chosen = {k for k, t in run.tasks.items() if t.result in bad}
    else:
        chosen = {str(k) for k in rerun or []}
        missing = sorted(chosen - set(run.tasks))
        if missing:
            raise invalid(f"Task {missing[0]} does not exist in run {run.run_id}.")
    if body.get("rerun_dependent_tasks"):
        grew = True
        while grew:
            grew = False
            for key, task in run.tasks.items():
                if key not in chosen and chosen & set(task.depends_on()):
                    chosen.add(key)
                    grew = True
    return [k for k in run.tasks if k in chosen]
