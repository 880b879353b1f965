"""Client-side validation of specs before they are sent; never run on responses.

`validate(spec)` checks what can be checked without the server and raises `SpecError`
naming the offending field (``tasks[2].depends_on[0]``). It accepts job settings, the request
bodies that carry a spec (create, reset, update, runs/submit, run-now, repair) and a bare
sequence of tasks (`Task` or `SubmitTask`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Final

import attrs

from databricks_jobs._errors import SpecError
from databricks_jobs.models._base import Model, model_fields
from databricks_jobs.models.compute import ClusterSpec
from databricks_jobs.models.jobs import JobSettings
from databricks_jobs.models.request_bodies import (
    CreateJob,
    RepairRun,
    ResetJob,
    RunNow,
    SubmitRun,
    UpdateJob,
)
from databricks_jobs.models.tasks import SubmitTask, Task

__all__ = [
    "COMPUTE_FIELDS",
    "MAX_IDEMPOTENCY_TOKEN_LENGTH",
    "MAX_TAGS",
    "MAX_TASKS",
    "Spec",
    "check_idempotency_token",
    "validate",
]

MAX_TASKS: Final = 1000
"""The most tasks a job or a one-time run may have."""
MAX_TAGS: Final = 25
"""The most tags a job may have."""
MAX_IDEMPOTENCY_TOKEN_LENGTH: Final = 64
"""The longest idempotency token run-now and runs/submit accept."""
COMPUTE_FIELDS: Final = (
    "existing_cluster_id",
    "new_cluster",
    "job_cluster_key",
    "environment_key",
    "compute",
)
"""The fields of a task that choose its compute; a task sets at most one."""

Spec = (
    JobSettings
    | CreateJob
    | ResetJob
    | UpdateJob
    | SubmitRun
    | RunNow
    | RepairRun
    | Sequence[Task | SubmitTask]
)
"""What `validate` accepts."""


def validate(spec: Spec) -> None:
    """Check a spec before it is sent; raise `SpecError` naming the first offending field.

    Checks: required fields present; unique task keys; ``depends_on`` naming existing tasks;
    no dependency cycle; exactly one task kind per task (an unknown ``*_task`` key in
    ``extra`` counts); at most one compute choice per task; ``job_cluster_key`` defined in
    ``job_clusters``; ``num_workers`` xor ``autoscale`` and ``min_workers < max_workers`` in
    every cluster definition; at most 1000 tasks and 25 tags; an idempotency token of at most
    64 characters; ``rerun_tasks`` xor ``rerun_all_failed_tasks`` on a repair.

    For `UpdateJob`, whose tasks and job clusters are merged by key into the existing job,
    references to tasks and job clusters outside the update are not checked.
    """
    if isinstance(spec, JobSettings | CreateJob):
        _check_required(spec, "")
        _check_job(spec, "", partial=False)
    elif isinstance(spec, ResetJob | UpdateJob):
        _check_required(spec, "")
        if spec.new_settings is not None:
            _check_job(spec.new_settings, "new_settings.", partial=isinstance(spec, UpdateJob))
    elif isinstance(spec, SubmitRun):
        _check_required(spec, "")
        check_idempotency_token(spec.idempotency_token)
        _check_tasks(spec.tasks, None, "tasks", partial=False)
    elif isinstance(spec, RunNow):
        _check_required(spec, "")
        check_idempotency_token(spec.idempotency_token)
    elif isinstance(spec, RepairRun):
        _check_required(spec, "")
        if spec.rerun_tasks is not None and spec.rerun_all_failed_tasks:
            raise SpecError(
                "give rerun_tasks or rerun_all_failed_tasks, not both", field="rerun_tasks"
            )
    elif isinstance(spec, Sequence) and not isinstance(spec, str):
        tasks = list(spec)
        for i, task in enumerate(tasks):
            _check_required(task, f"[{i}].")
        _check_tasks(tasks, None, "", partial=False)
    else:
        raise TypeError(f"validate() does not know how to check a {type(spec).__name__}")


def check_idempotency_token(token: str | None, *, field: str = "idempotency_token") -> None:
    """Raise `SpecError` if an idempotency token is longer than the API accepts (64)."""
    if token is not None and len(token) > MAX_IDEMPOTENCY_TOKEN_LENGTH:
        raise SpecError(
            f"an idempotency token has at most {MAX_IDEMPOTENCY_TOKEN_LENGTH} characters, "
            f"got {len(token)}",
            field=field,
        )


# --- the checks --------------------------------------------------------------------------


def _check_required(obj: Model, prefix: str) -> None:
    """Raise for the first required field (no default in the class) that is None."""
    for path, model in _walk(obj, prefix.rstrip(".")):
        for field in model_fields(type(model)):
            if field.default is attrs.NOTHING and getattr(model, field.name) is None:
                where = f"{path}.{field.name}" if path else field.name
                raise SpecError("this field is required", field=where)


def _walk(obj: Model, path: str) -> Iterator[tuple[str, Model]]:
    """Yield every model reachable from `obj` (itself included) with its path."""
    yield path, obj
    for field in model_fields(type(obj)):
        if field.name == "extra":
            continue
        value = getattr(obj, field.name)
        where = f"{path}.{field.name}" if path else field.name
        if isinstance(value, Model):
            yield from _walk(value, where)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, Model):
                    yield from _walk(item, f"{where}[{i}]")


def _check_job(settings: JobSettings | CreateJob, prefix: str, *, partial: bool) -> None:
    if settings.tags is not None and len(settings.tags) > MAX_TAGS:
        raise SpecError(
            f"a job has at most {MAX_TAGS} tags, got {len(settings.tags)}", field=f"{prefix}tags"
        )
    clusters = settings.job_clusters or []
    keys: dict[str, int] = {}
    for i, cluster in enumerate(clusters):
        where = f"{prefix}job_clusters[{i}]"
        if cluster.job_cluster_key in keys:
            raise SpecError(
                f"job_cluster_key {cluster.job_cluster_key!r} is defined twice "
                f"(also job_clusters[{keys[cluster.job_cluster_key]}])",
                field=f"{where}.job_cluster_key",
            )
        keys[cluster.job_cluster_key] = i
        if cluster.new_cluster is not None:
            _check_cluster(cluster.new_cluster, f"{where}.new_cluster")
    known_clusters = None if partial else set(keys)
    _check_tasks(settings.tasks, known_clusters, f"{prefix}tasks", partial=partial)


def _check_tasks(
    tasks: Sequence[Task | SubmitTask] | None,
    job_clusters: set[str] | None,
    name: str,
    *,
    partial: bool,
) -> None:
    if tasks is None:
        return
    if len(tasks) > MAX_TASKS:
        raise SpecError(f"at most {MAX_TASKS} tasks are allowed, got {len(tasks)}", field=name)
    seen: dict[str, int] = {}
    for i, task in enumerate(tasks):
        if task.task_key in seen:
            raise SpecError(
                f"task_key {task.task_key!r} is used twice (also {name}[{seen[task.task_key]}])",
                field=f"{name}[{i}].task_key",
            )
        seen[task.task_key] = i
    for i, task in enumerate(tasks):
        where = f"{name}[{i}]"
        _check_task(task, where, job_clusters)
        for j, dep in enumerate(task.depends_on or []):
            if dep.task_key == task.task_key:
                raise SpecError(
                    f"task {task.task_key!r} depends on itself", field=f"{where}.depends_on[{j}]"
                )
            if not partial and dep.task_key not in seen:
                raise SpecError(
                    f"task {task.task_key!r} depends on {dep.task_key!r}, which is not a task "
                    "of this job",
                    field=f"{where}.depends_on[{j}]",
                )
    cycle = _find_cycle(tasks)
    if cycle:
        first = seen[cycle[0]]
        raise SpecError(
            "dependency cycle: " + " -> ".join(repr(k) for k in cycle),
            field=f"{name}[{first}].depends_on",
        )


def _check_task(task: Task | SubmitTask, where: str, job_clusters: set[str] | None) -> None:
    kinds = [f for f in _task_kind_fields(type(task)) if getattr(task, f) is not None]
    kinds += [k for k in task.extra if k.endswith("_task") and task.extra[k] is not None]
    if len(kinds) != 1:
        found = ", ".join(kinds) if kinds else "none"
        raise SpecError(
            f"a task has exactly one task kind (a *_task field), found: {found}", field=where
        )
    computes = [f for f in COMPUTE_FIELDS if getattr(task, f, None) is not None]
    if len(computes) > 1:
        raise SpecError(
            f"a task has at most one compute choice, found: {', '.join(computes)}",
            field=f"{where}.{computes[1]}",
        )
    key = getattr(task, "job_cluster_key", None)
    if key is not None and job_clusters is not None and key not in job_clusters:
        raise SpecError(
            f"job_cluster_key {key!r} is not defined in job_clusters",
            field=f"{where}.job_cluster_key",
        )
    if task.new_cluster is not None:
        _check_cluster(task.new_cluster, f"{where}.new_cluster")
    inner = task.for_each_task.task if task.for_each_task is not None else None
    if inner is not None:
        _check_task(inner, f"{where}.for_each_task.task", job_clusters)


def _task_kind_fields(cls: type[Task] | type[SubmitTask]) -> tuple[str, ...]:
    cached = _KIND_FIELDS.get(cls)
    if cached is None:
        cached = tuple(f.name for f in attrs.fields(cls) if f.name.endswith("_task"))
        _KIND_FIELDS[cls] = cached
    return cached


_KIND_FIELDS: dict[type, tuple[str, ...]] = {}


def _check_cluster(cluster: ClusterSpec, where: str) -> None:
    autoscale = cluster.autoscale
    if cluster.num_workers is not None and autoscale is not None:
        raise SpecError("give num_workers or autoscale, not both", field=f"{where}.autoscale")
    if (
        cluster.num_workers is None
        and autoscale is None
        and cluster.policy_id is None
        and not cluster.is_single_node
    ):
        raise SpecError(
            "give num_workers or autoscale (or a policy_id, or is_single_node=True)",
            field=f"{where}.num_workers",
        )
    if autoscale is not None:
        low, high = autoscale.min_workers, autoscale.max_workers
        if low is not None and high is not None and not low < high:
            raise SpecError(
                f"autoscale.max_workers must be greater than min_workers, got min {low} and "
                f"max {high}",
                field=f"{where}.autoscale.max_workers",
            )


def _find_cycle(tasks: Sequence[Task | SubmitTask]) -> list[str] | None:
    """Return a dependency cycle as task keys (first key repeated at the end), or None."""
    edges: Mapping[str, list[str]] = {
        t.task_key: [d.task_key for d in (t.depends_on or [])] for t in tasks
    }
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in edges:
        if state.get(start):
            continue
        path: list[str] = []
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(edges[start]))]
        state[start] = 1
        path.append(start)
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                state[node] = 2
                continue
            if child not in edges:
                continue
            mark = state.get(child)
            if mark == 1:
                return [*path[path.index(child) :], child]
            if mark is None:
                state[child] = 1
                path.append(child)
                stack.append((child, iter(edges[child])))
    return None
