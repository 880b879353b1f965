"""Handlers of the job permissions (API 2.0) and policy compliance endpoints."""

from __future__ import annotations

import copy
from typing import Any

from ._call import Call
from ._jobs import invalid
from ._pages import decode_token, encode_token
from ._run_inputs import principal_of
from ._state import JobRecord, Store
from ._wire import ApiFailure

__all__ = ["PERMISSION_LEVELS", "compliance_handlers", "permission_handler"]

PERMISSION_LEVELS = {
    "CAN_VIEW": "Can view the job",
    "CAN_MANAGE_RUN": "Can view, trigger and cancel runs of the job",
    "CAN_MANAGE": "Can manage the job",
    "IS_OWNER": "Is the owner of the job",
}


def _job_for_permissions(store: Store, raw_id: str) -> JobRecord:
    try:
        job_id = int(raw_id)
    except ValueError as exc:
        raise invalid(f"Invalid job id: {raw_id}") from exc
    job = store.jobs.get(job_id)
    if job is None:
        raise ApiFailure(404, "RESOURCE_DOES_NOT_EXIST", f"Job {job_id} does not exist.")
    return job


def _permissions(job: JobRecord) -> dict[str, Any]:
    acl: list[dict[str, Any]] = []
    for (kind, name), level in job.acl.items():
        acl.append(
            {
                kind: name,
                "display_name": name,
                "all_permissions": [{"permission_level": level, "inherited": False}],
            }
        )
    acl.append(
        {
            "group_name": "admins",
            "all_permissions": [
                {
                    "permission_level": "CAN_MANAGE",
                    "inherited": True,
                    "inherited_from_object": ["/jobs/"],
                }
            ],
        }
    )
    return {"object_id": f"/jobs/{job.job_id}", "object_type": "job", "access_control_list": acl}


def _read_acl(body: dict[str, Any]) -> dict[tuple[str, str], str]:
    entries = body.get("access_control_list")
    if entries is None:
        entries = []
    if not isinstance(entries, list):
        raise invalid("access_control_list must be a list.")
    out: dict[tuple[str, str], str] = {}
    for entry in entries:
        if not isinstance(entry, dict):
            raise invalid("Each access control entry must be an object.")
        principal = principal_of(entry)
        if principal is None:
            raise invalid(
                "An access control entry needs user_name, group_name or service_principal_name."
            )
        level = entry.get("permission_level")
        if level not in PERMISSION_LEVELS:
            raise invalid(
                f"Invalid permission level {level}. Valid levels are: "
                f"{', '.join(PERMISSION_LEVELS)}."
            )
        out[principal] = str(level)
    return out


def _check_owner(acl: dict[tuple[str, str], str]) -> None:
    owners = [p for p, level in acl.items() if level == "IS_OWNER"]
    if len(owners) > 1:
        raise invalid("The job must have exactly one owner.")
    if owners and owners[0][0] == "group_name":
        raise invalid("A group cannot be the owner of a job.")


def permission_handler(store: Store, call: Call) -> dict[str, Any]:
    """GET, PUT (replace) and PATCH (merge) /api/2.0/permissions/jobs/{job_id}."""
    job = _job_for_permissions(store, call.path_args["job_id"])
    method = call.request.method
    if method == "GET":
        return _permissions(job)
    given = _read_acl(call.body())
    if method == "PUT":
        owner = {p: lvl for p, lvl in job.acl.items() if lvl == "IS_OWNER"}
        acl = given if "IS_OWNER" in given.values() else {**owner, **given}
    else:
        acl = {**job.acl, **given}
        if "IS_OWNER" in given.values():
            acl = {p: lvl for p, lvl in acl.items() if lvl != "IS_OWNER" or p in given}
    _check_owner(acl)
    job.acl = acl
    store.applied[f"permissions:{method}"] += 1
    return _permissions(job)


def permission_levels(store: Store, call: Call) -> dict[str, Any]:
    """GET /api/2.0/permissions/jobs/{job_id}/permissionLevels."""
    _job_for_permissions(store, call.path_args["job_id"])
    return {
        "permission_levels": [
            {"permission_level": level, "description": text}
            for level, text in PERMISSION_LEVELS.items()
        ]
    }


def enforce_compliance(store: Store, call: Call) -> dict[str, Any]:
    """POST /api/2.0/policies/jobs/enforce-compliance."""
    job_id = call.required_body_int("job_id")
    job = store.job(job_id)
    changes = [
        {"field": field, "previous_value": message, "new_value": None}
        for field, message in job.violations.items()
    ]
    if not call.body().get("validate_only"):
        job.violations.clear()
        store.applied["policies/jobs/enforce-compliance"] += 1
    return {
        "has_changes": bool(changes),
        "job_cluster_changes": changes,
        "settings": copy.deepcopy(job.settings),
    }


def get_compliance(store: Store, call: Call) -> dict[str, Any]:
    """GET /api/2.0/policies/jobs/get-compliance."""
    job_id = call.required_int_param("job_id")
    job = store.job(job_id)
    return {"is_compliant": not job.violations, "violations": dict(job.violations)}


def _policy_ids(settings: dict[str, Any]) -> set[str]:
    ids = set()
    clusters = [c.get("new_cluster") for c in settings.get("job_clusters") or []]
    clusters += [t.get("new_cluster") for t in settings.get("tasks") or []]
    for cluster in clusters:
        if isinstance(cluster, dict) and cluster.get("policy_id"):
            ids.add(str(cluster["policy_id"]))
    return ids


def list_compliance(store: Store, call: Call) -> dict[str, Any]:
    """GET /api/2.0/policies/jobs/list-compliance: the jobs using a policy, by pages."""
    policy_id = call.params.get("policy_id")
    if not policy_id:
        raise invalid("Missing required field: policy_id")
    size = call.int_param("page_size") or 50
    if not 1 <= size <= 1000:
        raise invalid(f"Invalid page_size {size}: it must be between 1 and 1000.")
    jobs = [j for j in sorted(store.jobs.values(), key=lambda j: j.job_id)
            if policy_id in _policy_ids(j.settings)]  # fmt: skip
    start = 0
    token = call.params.get("page_token")
    if token:
        start = int(decode_token("compliance", token).get("o", 0))
    page = jobs[start : start + size]
    out: dict[str, Any] = {
        "jobs": [
            {"job_id": j.job_id, "is_compliant": not j.violations, "violations": dict(j.violations)}
            for j in page
        ]
    }
    if start + size < len(jobs):
        out["next_page_token"] = encode_token("compliance", o=start + size)
    if start > 0:
        out["prev_page_token"] = encode_token("compliance", o=max(0, start - size))
    return out


def compliance_handlers() -> dict[tuple[str, str], Any]:
    """Return the policy compliance routes, keyed like the jobs ones."""
    return {
        ("POST", "policies/jobs/enforce-compliance"): enforce_compliance,
        ("GET", "policies/jobs/get-compliance"): get_compliance,
        ("GET", "policies/jobs/list-compliance"): list_compliance,
    }
