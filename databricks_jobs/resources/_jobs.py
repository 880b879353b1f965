"""`Jobs` (``ws.jobs``): create, read, list, change, delete and trigger jobs, and more.

Also the permissions and the cluster-policy compliance of jobs.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from typing import Any, Final

import attrs

from .._api import ApiClient
from .._config import Seconds
from .._errors import SpecError
from .._pagination import Paginator, merge_job_page
from .._serde import to_dict, unstructure
from .._types import QueryValue
from ..models import (
    BaseJob,
    CreateResponse,
    EnforcePolicyComplianceResponse,
    GetJobPermissionLevelsResponse,
    GetPolicyComplianceResponse,
    Job,
    JobAccessControlRequest,
    JobCompliance,
    JobPermissions,
    JobPermissionsDescription,
    JobSettings,
    PerformanceTarget,
    PipelineParams,
    QueueSettings,
    ResetJob,
    Run,
    RunNow,
    RunNowResponse,
    UpdateJob,
)
from ._common import (
    StartedRun,
    as_dict,
    as_list,
    check_page_size,
    check_positive_id,
    check_spec,
    new_idempotency_token,
    required_id,
    wait_times,
)
from ._runs import Runs

__all__ = ["Jobs"]

BASE: Final = "/api/2.2/jobs"
PERMISSIONS: Final = "/api/2.0/permissions/jobs"
COMPLIANCE: Final = "/api/2.0/policies/jobs"
JOBS_PAGE_LIMIT: Final = (1, 100)
COMPLIANCE_PAGE_LIMIT: Final = (1, None)
"""No documented maximum: the service may return fewer per page."""


class Jobs:
    """Jobs: ``ws.jobs``. Every method is a coroutine except the listings (async iterators)."""

    def __init__(self, api: ApiClient, runs: Runs, *, validate: bool = True) -> None:
        self._api = api
        self._runs = runs
        self._validate = validate

    async def create(
        self,
        settings: JobSettings,
        *,
        access_control_list: Sequence[JobAccessControlRequest] | None = None,
        validate: bool | None = None,
    ) -> int:
        """Create a job and return its id.

        The settings are validated first (`SpecError` names the field; `validate=False`
        skips it). ``jobs/create`` has no idempotency token: an ambiguous failure raises
        `OutcomeUnknown` rather than risking a second job.
        """
        check_spec(settings, validate_by_default=self._validate, choice=validate)
        body = to_dict(settings)
        if access_control_list is not None:
            body["access_control_list"] = unstructure(list(access_control_list))
        return await self._api.call(
            "POST",
            f"{BASE}/create",
            body=body,
            into=CreateResponse,
            then=lambda created: required_id(created.job_id, "job_id"),
        )

    async def get(self, job_id: int, *, include_trigger_state: bool | None = None) -> Job:
        """Return a job, whole.

        The 2.2 pages of its tasks, job clusters, parameters and environments are fetched
        and merged.
        """
        job_id = check_positive_id(job_id, name="job_id")
        query: dict[str, QueryValue] = {
            "job_id": job_id,
            "include_trigger_state": include_trigger_state,
        }

        return await self._api.get_whole(f"{BASE}/get", query, merge=merge_job_page, into=Job)

    def list(
        self,
        *,
        name: str | None = None,
        expand_tasks: bool | None = None,
        limit: int | None = None,
        max_items: int | None = None,
    ) -> Paginator[BaseJob]:
        """Iterate over jobs, following page tokens lazily with one page in memory.

        `name` filters by exact name (case-insensitive), `limit` is the page size (1 to
        100) and `max_items` caps the total. With `expand_tasks`, a job whose arrays were
        cut at 100 elements is fetched whole.
        """
        check_page_size(limit, name="limit", low=JOBS_PAGE_LIMIT[0], high=JOBS_PAGE_LIMIT[1])
        query: dict[str, QueryValue] = {"name": name, "expand_tasks": expand_tasks, "limit": limit}

        async def complete(item: dict[str, Any]) -> dict[str, Any]:
            if not (expand_tasks and item.get("has_more") and item.get("job_id")):
                return item
            whole = to_dict(await self.get(int(item["job_id"])))
            item["settings"] = whole.get("settings", item.get("settings"))
            item.pop("has_more", None)
            return item

        return self._api.paginate(
            f"{BASE}/list",
            query,
            items_key="jobs",
            into=BaseJob,
            complete=complete,
            max_items=max_items,
        )

    async def update(
        self,
        job_id: int,
        *,
        new_settings: JobSettings | None = None,
        fields_to_remove: Sequence[str] | None = None,
        validate: bool | None = None,
    ) -> None:
        """Change some settings of a job.

        Top-level fields given are replaced, ``tasks`` and ``job_clusters`` are merged by
        key, `fields_to_remove` are removed (also ``tasks/<task_key>`` and
        ``job_clusters/<key>``). `validate=False` skips the client-side checks.
        """
        job_id = check_positive_id(job_id, name="job_id")
        body = UpdateJob(
            job_id=job_id,
            new_settings=new_settings,
            fields_to_remove=list(fields_to_remove) if fields_to_remove is not None else None,
        )
        check_spec(body, validate_by_default=self._validate, choice=validate)
        await self._api.call("POST", f"{BASE}/update", body=to_dict(body))

    async def reset(
        self, job_id: int, settings: JobSettings, *, validate: bool | None = None
    ) -> None:
        """Replace all the settings of a job (`validate=False` skips the client-side checks)."""
        job_id = check_positive_id(job_id, name="job_id")
        body = ResetJob(job_id=job_id, new_settings=settings)
        check_spec(body, validate_by_default=self._validate, choice=validate)
        await self._api.call("POST", f"{BASE}/reset", body=to_dict(body))

    async def delete(self, job_id: int) -> None:
        """Delete a job."""
        job_id = check_positive_id(job_id, name="job_id")
        await self._api.call("POST", f"{BASE}/delete", body={"job_id": job_id})

    async def run_now(
        self,
        job_id: int,
        *,
        job_parameters: Mapping[str, str] | None = None,
        only: Sequence[str] | None = None,
        queue: QueueSettings | None = None,
        performance_target: PerformanceTarget | str | None = None,
        duration_target: str | None = None,
        pipeline_params: PipelineParams | None = None,
        idempotency_token: str | None = None,
        notebook_params: Mapping[str, str] | None = None,
        jar_params: Sequence[str] | None = None,
        python_params: Sequence[str] | None = None,
        python_named_params: Mapping[str, str] | None = None,
        spark_submit_params: Sequence[str] | None = None,
        sql_params: Mapping[str, str] | None = None,
        dbt_commands: Sequence[str] | None = None,
        validate: bool | None = None,
    ) -> StartedRun:
        """Trigger a run of a job and return its id and the idempotency token used.

        A token is generated unless given; every retry of this call reuses it, so a retry
        can never start a second run, and sending it again later returns the same run.
        """
        job_id = check_positive_id(job_id, name="job_id")
        body = RunNow(
            job_id=job_id,
            idempotency_token=idempotency_token,
            job_parameters=as_dict(job_parameters),
            only=as_list(only),
            queue=queue,
            performance_target=performance_target,
            duration_target=duration_target,
            pipeline_params=pipeline_params,
            notebook_params=as_dict(notebook_params),
            jar_params=as_list(jar_params),
            python_params=as_list(python_params),
            python_named_params=as_dict(python_named_params),
            spark_submit_params=as_list(spark_submit_params),
            sql_params=as_dict(sql_params),
            dbt_commands=as_list(dbt_commands),
        )
        return await self.run_now_request(body, validate=validate)

    async def run_now_request(self, request: RunNow, *, validate: bool | None = None) -> StartedRun:
        """Trigger a run from a prepared `RunNow` request (what `run_now` builds).

        A missing idempotency token is generated; the result tells which one was used.
        `validate=False` skips the client-side checks.
        """
        token = request.idempotency_token or new_idempotency_token()
        if token != request.idempotency_token:
            request = attrs.evolve(request, idempotency_token=token)
        check_spec(request, validate_by_default=self._validate, choice=validate)
        check_positive_id(request.job_id, name="job_id")

        def started(response: RunNowResponse) -> StartedRun:
            # Made inside the call: an answer without a run id is an error that carries the
            # token and says the run may exist.
            return StartedRun(
                run_id=required_id(response.run_id, "run_id"),
                idempotency_token=token,
                number_in_job=response.number_in_job,
            )

        return await self._api.call(
            "POST", f"{BASE}/run-now", body=to_dict(request), into=RunNowResponse, then=started
        )

    async def run_now_and_wait(
        self,
        job_id: int,
        *,
        job_parameters: Mapping[str, str] | None = None,
        only: Sequence[str] | None = None,
        idempotency_token: str | None = None,
        timeout: Seconds | None = None,
        poll: Seconds = 2.0,
        raise_on_failure: bool = True,
        cancel_on_timeout: bool = False,
        validate: bool | None = None,
    ) -> Run:
        """Trigger a run and wait for it to finish (see `Runs.wait`)."""
        wait_times(timeout, poll)
        started = await self.run_now(
            job_id,
            job_parameters=job_parameters,
            only=only,
            idempotency_token=idempotency_token,
            validate=validate,
        )
        return await self._runs.wait(
            started.run_id,
            timeout=timeout,
            poll=poll,
            raise_on_failure=raise_on_failure,
            cancel_on_timeout=cancel_on_timeout,
        )

    async def cancel_all_runs(
        self, job_id: int | None = None, *, all_queued_runs: bool | None = None
    ) -> None:
        """Cancel every active run of a job.

        With no job and `all_queued_runs`, every queued run of the workspace is cancelled.
        """
        if job_id is None and not all_queued_runs:
            raise SpecError("give a job_id, or all_queued_runs=True", field="job_id")
        body: dict[str, Any] = {}
        if job_id is not None:
            body["job_id"] = check_positive_id(job_id, name="job_id")
        if all_queued_runs is not None:
            body["all_queued_runs"] = all_queued_runs
        await self._api.call("POST", f"{BASE}/runs/cancel-all", body=body)

    # --- permissions ------------------------------------------------------------------------

    async def get_permissions(self, job_id: int) -> JobPermissions:
        """Return who may do what with a job."""
        job_id = check_positive_id(job_id, name="job_id")
        return await self._api.call("GET", f"{PERMISSIONS}/{job_id}", into=JobPermissions)

    async def set_permissions(
        self, job_id: int, access_control_list: Sequence[JobAccessControlRequest]
    ) -> JobPermissions:
        """Replace every direct permission of a job (PUT; an empty list removes them all)."""
        return await self._write_permissions("PUT", job_id, access_control_list)

    async def update_permissions(
        self, job_id: int, access_control_list: Sequence[JobAccessControlRequest]
    ) -> JobPermissions:
        """Add or change permissions of a job, keeping the others (PATCH)."""
        return await self._write_permissions("PATCH", job_id, access_control_list)

    async def _write_permissions(
        self, method: str, job_id: int, acl: Sequence[JobAccessControlRequest]
    ) -> JobPermissions:
        job_id = check_positive_id(job_id, name="job_id")
        body = {"access_control_list": unstructure(list(acl))}
        return await self._api.call(
            method, f"{PERMISSIONS}/{job_id}", body=body, into=JobPermissions
        )

    async def get_permission_levels(self, job_id: int) -> builtins.list[JobPermissionsDescription]:
        """Return the permission levels that can be granted on a job."""
        job_id = check_positive_id(job_id, name="job_id")
        levels = await self._api.call(
            "GET", f"{PERMISSIONS}/{job_id}/permissionLevels", into=GetJobPermissionLevelsResponse
        )
        return levels.permission_levels or []

    # --- policy compliance ------------------------------------------------------------------

    async def enforce_compliance(
        self, job_id: int, *, validate_only: bool | None = None
    ) -> EnforcePolicyComplianceResponse:
        """Bring a job's clusters in line with their policies (preview with `validate_only`)."""
        job_id = check_positive_id(job_id, name="job_id")
        body: dict[str, Any] = {"job_id": job_id}
        if validate_only is not None:
            body["validate_only"] = validate_only
        return await self._api.call(
            "POST",
            f"{COMPLIANCE}/enforce-compliance",
            body=body,
            into=EnforcePolicyComplianceResponse,
        )

    async def get_compliance(self, job_id: int) -> GetPolicyComplianceResponse:
        """Return whether a job complies with its clusters' policies, and the violations."""
        job_id = check_positive_id(job_id, name="job_id")
        return await self._api.call(
            "GET",
            f"{COMPLIANCE}/get-compliance",
            query={"job_id": job_id},
            into=GetPolicyComplianceResponse,
        )

    def list_compliance(
        self, policy_id: str, *, page_size: int | None = None, max_items: int | None = None
    ) -> Paginator[JobCompliance]:
        """Iterate over the compliance of every job that uses a cluster policy."""
        if not policy_id:
            raise SpecError("a cluster policy id is required", field="policy_id")
        low, high = COMPLIANCE_PAGE_LIMIT
        check_page_size(page_size, name="page_size", low=low, high=high)
        query: dict[str, QueryValue] = {"policy_id": policy_id, "page_size": page_size}

        return self._api.paginate(
            f"{COMPLIANCE}/list-compliance",
            query,
            items_key="jobs",
            into=JobCompliance,
            max_items=max_items,
        )
