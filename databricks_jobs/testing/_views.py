"""How jobs and runs read under each API version: the 2.0 single-task shape, whole arrays.

The store keeps every job and run in the multi-task format. API 2.1 and 2.2 show them so
(``format`` is always ``MULTI_TASK`` in 2.1, per its reference). API 2.0 shows a job or run
written in the single-task format as it was written: the task's fields at the top of the
settings, ``format`` ``SINGLE_TASK``, and for a run a ``task`` and a ``cluster_spec`` instead
of ``tasks``. In 2.0 job listings a multi-task job comes without its tasks.
"""

from __future__ import annotations

import copy
from typing import Any

from ._formats import TASK_TYPE_SUFFIX, as_single_task
from ._runs import RunRecord
from ._state import JobRecord
from ._versions import PAGED_ARRAYS_FROM, TASKS_BEFORE_2_2

__all__ = ["job_settings", "listed_job_settings", "listed_run", "shape_run"]

_CLUSTER_SPEC = ("existing_cluster_id", "new_cluster", "job_cluster_key", "libraries")
_EXPANDED_JOB_ARRAYS = ("tasks", "job_clusters")  # what a list leaves out unless expanded
_CUT_JOB_ARRAYS = ("tasks", "job_clusters", "parameters", "environments")
_EXPANDED_RUN_ARRAYS = ("tasks", "job_clusters", "job_parameters")


def job_settings(job: JobRecord, api_version: str) -> dict[str, Any]:
    """Return a copy of the job's settings as `api_version` shows them."""
    if api_version == "2.0" and job.single_task:
        return as_single_task(job.settings)
    return copy.deepcopy(job.settings)


def listed_job_settings(
    job: JobRecord, api_version: str, *, expand: bool
) -> tuple[dict[str, Any], bool]:
    """Return a job's settings as jobs/list shows them, and whether an array was cut.

    Without ``expand_tasks`` lists leave out tasks and job clusters (2.0 always does for
    multi-task jobs). 2.2 cuts expanded arrays at 100 and says so with a per-item
    ``has_more``; 2.1 leaves out the tasks of a job with more than 100 (a third-party report,
    OpenMetadata PR 33204, not verified against a workspace).
    """
    settings = job_settings(job, api_version)
    if api_version == "2.0":
        if not job.single_task:
            for name in _EXPANDED_JOB_ARRAYS:
                settings.pop(name, None)
        return settings, False
    if not expand:
        for name in _EXPANDED_JOB_ARRAYS:
            settings.pop(name, None)
        return settings, False
    return settings, _cut_arrays(settings, _CUT_JOB_ARRAYS, api_version)


def listed_run(item: dict[str, Any], run: RunRecord, api_version: str) -> dict[str, Any]:
    """Shape one runs/list item (rendered with tasks when ``expand_tasks``)."""
    if _cut_arrays(item, _EXPANDED_RUN_ARRAYS, api_version):
        item["has_more"] = True
    return shape_run(item, run, api_version)


def _cut_arrays(holder: dict[str, Any], names: tuple[str, ...], api_version: str) -> bool:
    cut = False
    for name in names:
        items = holder.get(name)
        if not isinstance(items, list) or len(items) <= TASKS_BEFORE_2_2:
            continue
        if api_version == PAGED_ARRAYS_FROM:
            holder[name] = items[:TASKS_BEFORE_2_2]
            cut = True
        elif name == "tasks":
            del holder[name]
    return cut


def shape_run(out: dict[str, Any], run: RunRecord, api_version: str) -> dict[str, Any]:
    """Add what a single-task run shows (``cluster_spec``; in 2.0 ``task``) to a rendered run."""
    if not run.single_task or len(run.tasks) != 1:
        return out
    spec = next(iter(run.tasks.values())).spec
    cluster_spec = {k: copy.deepcopy(spec[k]) for k in _CLUSTER_SPEC if k in spec}
    if cluster_spec:
        out["cluster_spec"] = cluster_spec
    rendered = out.get("tasks")
    if isinstance(rendered, list) and rendered and "cluster_instance" in rendered[0]:
        out["cluster_instance"] = rendered[0]["cluster_instance"]
    if api_version == "2.0":
        out.pop("tasks", None)
        out["task"] = {k: copy.deepcopy(v) for k, v in spec.items() if k.endswith(TASK_TYPE_SUFFIX)}
        out["format"] = "SINGLE_TASK"
    return out
