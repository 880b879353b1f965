"""Job permissions (API 2.0) and policy compliance endpoints."""

from __future__ import annotations

import pytest

from databricks_jobs.testing import Emulator

from .conftest import Api, task

pytestmark = pytest.mark.anyio


def _levels(perms: dict[str, object]) -> dict[str, str]:
    out = {}
    for entry in perms["access_control_list"]:  # type: ignore[attr-defined]
        name = (
            entry.get("user_name") or entry.get("group_name") or entry.get("service_principal_name")
        )
        out[name] = entry["all_permissions"][0]["permission_level"]
    return out


async def test_permissions_get_set_update(api: Api) -> None:
    job_id = await api.create_job(
        access_control_list=[{"group_name": "data", "permission_level": "CAN_VIEW"}]
    )
    path = f"/api/2.0/permissions/jobs/{job_id}"
    perms = await api.ok("GET", path)
    assert perms["object_id"] == f"/jobs/{job_id}"
    assert perms["object_type"] == "job"
    assert _levels(perms) == {
        "emulator@example.com": "IS_OWNER", "data": "CAN_VIEW", "admins": "CAN_MANAGE"
    }  # fmt: skip
    patched = await api.ok(
        "PATCH",
        path,
        {"access_control_list": [{"user_name": "ann@x.com", "permission_level": "CAN_MANAGE_RUN"}]},
    )
    assert _levels(patched)["ann@x.com"] == "CAN_MANAGE_RUN"
    assert "data" in _levels(patched)
    replaced = await api.ok(
        "PUT",
        path,
        {"access_control_list": [{"group_name": "ops", "permission_level": "CAN_MANAGE"}]},
    )
    assert _levels(replaced) == {
        "emulator@example.com": "IS_OWNER", "ops": "CAN_MANAGE", "admins": "CAN_MANAGE"
    }  # fmt: skip
    levels = await api.ok("GET", f"{path}/permissionLevels")
    assert [lvl["permission_level"] for lvl in levels["permission_levels"]] == [
        "CAN_VIEW", "CAN_MANAGE_RUN", "CAN_MANAGE", "IS_OWNER"
    ]  # fmt: skip


async def test_permission_errors(api: Api) -> None:
    job_id = await api.create_job()
    bad_level = await api.client.patch(
        f"/api/2.0/permissions/jobs/{job_id}",
        json={"access_control_list": [{"user_name": "a", "permission_level": "CAN_EAT"}]},
    )
    assert bad_level.status_code == 400
    missing = await api.get("/api/2.0/permissions/jobs/999")
    assert missing.status_code == 404
    assert missing.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"


async def test_policy_compliance(api: Api, emulator: Emulator) -> None:
    cluster = {"new_cluster": {"policy_id": "P1", "num_workers": 1}}
    job_id = await api.create_job(job_clusters=[{"job_cluster_key": "c", **cluster}])
    other = await api.create_job(tasks=[task("a", **cluster)])
    await api.create_job(name="no policy")
    ok = await api.ok("GET", "/api/2.0/policies/jobs/get-compliance", job_id=job_id)
    assert ok == {"is_compliant": True, "violations": {}}
    emulator.violate_policy(job_id, {"job_clusters[c].new_cluster.num_workers": "too many"})
    listing = await api.ok(
        "GET", "/api/2.0/policies/jobs/list-compliance", policy_id="P1", page_size=1
    )
    assert [j["job_id"] for j in listing["jobs"]] == [job_id]
    assert listing["jobs"][0]["is_compliant"] is False
    rest = await api.ok(
        "GET",
        "/api/2.0/policies/jobs/list-compliance",
        policy_id="P1",
        page_size=1,
        page_token=listing["next_page_token"],
    )
    assert [j["job_id"] for j in rest["jobs"]] == [other]
    assert "next_page_token" not in rest
    dry = await api.ok(
        "POST",
        "/api/2.0/policies/jobs/enforce-compliance",
        {"job_id": job_id, "validate_only": True},
    )
    assert dry["has_changes"] is True
    assert dry["settings"]["name"] == "job"
    await api.ok("POST", "/api/2.0/policies/jobs/enforce-compliance", {"job_id": job_id})
    after = await api.ok("GET", "/api/2.0/policies/jobs/get-compliance", job_id=job_id)
    assert after["is_compliant"] is True
