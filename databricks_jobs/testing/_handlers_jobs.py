"""Handlers of the jobs endpoints: create, get, list, update, reset, delete, run-now, cancel-all."""

from __future__ import annotations

from typing import Any

from ._call import Call
from ._jobs import invalid
from ._pages import decode_token, encode_token, slice_arrays
from ._state import JobRecord, Store
from ._versions import PAGED_ARRAYS_FROM, check_task_count
from ._views import job_settings, listed_job_settings

__all__ = ["JOB_HANDLERS", "page_window"]

ARRAY_PAGE = 100
_JOB_ARRAYS = ("tasks", "job_clusters", "parameters", "environments")
_JOBS_OFFSET_CAP = 1000


def _job_dict(job: JobRecord, api_version: str) -> dict[str, Any]:
    return {
        "job_id": job.job_id,
        "created_time": job.created_ms,
        "creator_user_name": job.creator,
        "run_as_user_name": job.run_as,
        "settings": job_settings(job, api_version),
    }


def create(store: Store, call: Call) -> dict[str, Any]:
    """POST jobs/create."""
    return {"job_id": store.create_job(call.body(), api_version=call.api_version)}


def get(store: Store, call: Call) -> dict[str, Any]:
    """GET jobs/get: 2.2 pages the arrays; 2.0 and 2.1 refuse a job of more than 100 tasks."""
    job_id = call.required_int_param("job_id")
    job = store.job(job_id)
    out = _job_dict(job, call.api_version)
    if call.api_version != PAGED_ARRAYS_FROM:
        check_task_count(call.api_version, len(job.settings.get("tasks") or []))
        return out
    page = 0
    token = call.params.get("page_token")
    if token:
        page = int(decode_token("job", token).get("p", 0))
    settings = out["settings"]
    arrays = {
        name: settings.pop(name) for name in _JOB_ARRAYS if isinstance(settings.get(name), list)
    }
    sliced, more = slice_arrays(arrays, page, ARRAY_PAGE)
    settings.update(sliced)
    if more:
        out["next_page_token"] = encode_token("job", j=job_id, p=page + 1)
    return out


def page_window(
    ids: list[int], call: Call, *, kind: str, limit: int, offset_cap: int, descending: bool
) -> tuple[list[int], dict[str, Any]]:
    """Return one page of `ids` (already ordered) and its next/prev page tokens."""
    token = call.params.get("page_token")
    if token:
        fields = decode_token(kind, token)
        if "after" in fields:
            after = int(fields["after"])
            rest = [i for i in ids if (i < after if descending else i > after)]
            page = rest[:limit]
        else:
            before = int(fields["before"])
            rest = [i for i in ids if (i > before if descending else i < before)]
            page = rest[-limit:]
    else:
        offset = call.int_param("offset") or 0
        if offset < 0:
            raise invalid(f"Invalid offset {offset}: it must not be negative.")
        if offset > offset_cap:
            raise invalid(f"The supplied offset {offset} has exceeded the value of {offset_cap}")
        page = ids[offset : offset + limit]
    extra: dict[str, Any] = {}
    if page:
        position_last = ids.index(page[-1])
        position_first = ids.index(page[0])
        if position_last + 1 < len(ids):
            extra["next_page_token"] = encode_token(kind, after=page[-1])
        if position_first > 0:
            extra["prev_page_token"] = encode_token(kind, before=page[0])
    if call.api_version != PAGED_ARRAYS_FROM:
        extra["has_more"] = "next_page_token" in extra
    if call.api_version == "2.0":  # 2.0 pages by offset only
        extra.pop("next_page_token", None)
        extra.pop("prev_page_token", None)
    return page, extra


def list_jobs(store: Store, call: Call) -> dict[str, Any]:
    """GET jobs/list: token pages of 1 to 100 jobs (default 20); every job at once in 2.0."""
    expand = call.bool_param("expand_tasks")
    name = call.params.get("name")
    jobs = sorted(store.jobs.values(), key=lambda j: j.job_id)
    if name:
        jobs = [j for j in jobs if str(j.settings.get("name", "")).lower() == name.lower()]
    extra: dict[str, Any] = {}
    if call.api_version == "2.0":  # no paging in 2.0 (databrickslabs/migrate reads it whole)
        page = [j.job_id for j in jobs]
    else:
        limit = call.int_param("limit")
        if limit is None or limit == 0:
            limit = 20
        if not 1 <= limit <= 100:
            raise invalid(f"Invalid limit {limit}: the limit must be between 1 and 100.")
        page, extra = page_window(
            [j.job_id for j in jobs],
            call,
            kind="jobs",
            limit=limit,
            offset_cap=_JOBS_OFFSET_CAP,
            descending=False,
        )
    by_id = {j.job_id: j for j in jobs}
    items = []
    for job_id in page:
        item = _job_dict(by_id[job_id], call.api_version)
        item.pop("run_as_user_name")
        item["settings"], cut = listed_job_settings(by_id[job_id], call.api_version, expand=expand)
        if cut:
            item["has_more"] = True
        items.append(item)
    out: dict[str, Any] = {"jobs": items} if items else {}
    out.update(extra)
    return out


def update(store: Store, call: Call) -> dict[str, Any]:
    """POST jobs/update: top-level fields replaced, tasks and job_clusters merged by key."""
    body = call.body()
    job_id = call.required_body_int("job_id")
    new_settings = body.get("new_settings") or {}
    remove = body.get("fields_to_remove") or []
    if not isinstance(new_settings, dict) or not isinstance(remove, list):
        raise invalid("new_settings must be an object and fields_to_remove a list.")
    store.update_job(job_id, new_settings, remove, api_version=call.api_version)
    return {}


def reset(store: Store, call: Call) -> dict[str, Any]:
    """POST jobs/reset: every setting replaced."""
    job_id = call.required_body_int("job_id")
    new_settings = call.body().get("new_settings")
    if not isinstance(new_settings, dict):
        raise invalid("Missing required field: new_settings")
    store.reset_job(job_id, new_settings, api_version=call.api_version)
    return {}


def delete(store: Store, call: Call) -> dict[str, Any]:
    """POST jobs/delete."""
    job_id = call.required_body_int("job_id")
    store.delete_job(job_id)
    return {}


def run_now(store: Store, call: Call) -> dict[str, Any]:
    """POST jobs/run-now (idempotency token honoured)."""
    body = dict(call.body())
    body["job_id"] = call.body_int("job_id", required=True)
    run = store.run_now(body, api_version=call.api_version)
    return {"run_id": run.run_id, "number_in_job": run.run_id}


def cancel_all(store: Store, call: Call) -> dict[str, Any]:
    """POST jobs/runs/cancel-all."""
    job_id = call.body_int("job_id")
    store.cancel_all(job_id, bool(call.body().get("all_queued_runs")))
    return {}


JOB_HANDLERS = {
    ("POST", "jobs/create"): create,
    ("GET", "jobs/get"): get,
    ("GET", "jobs/list"): list_jobs,
    ("POST", "jobs/update"): update,
    ("POST", "jobs/reset"): reset,
    ("POST", "jobs/delete"): delete,
    ("POST", "jobs/run-now"): run_now,
    ("POST", "jobs/runs/cancel-all"): cancel_all,
}
