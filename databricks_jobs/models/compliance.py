"""Policy compliance of jobs: compliance state, violations, enforced changes."""

from __future__ import annotations

from typing import Any

import attrs

from databricks_jobs.models._base import Int64, Model
from databricks_jobs.models.jobs import JobSettings

__all__ = [
    "EnforcePolicyComplianceForJobResponseJobClusterSettingsChange",
    "EnforcePolicyComplianceResponse",
    "GetPolicyComplianceResponse",
    "JobCompliance",
    "ListJobComplianceForPolicyResponse",
]


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class EnforcePolicyComplianceForJobResponseJobClusterSettingsChange(Model):
    """Enforce policy compliance for job response job cluster settings change."""

    #: The field where this change would be made, prepended with the job cluster key.
    field: str | None = None
    #: The new value of this field after enforcing policy compliance (either a number, a
    #: boolean, or a string) converted to a string.
    new_value: str | None = None
    #: The previous value of this field before enforcing policy compliance (either a number, a
    #: boolean, or a string) converted to a string.
    previous_value: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class EnforcePolicyComplianceResponse(Model):
    """Enforce policy compliance response."""

    #: Whether any changes have been made to the job cluster settings for the job to become
    #: compliant with its policies.
    has_changes: bool | None = None
    #: A list of job cluster changes that have been made to the job's cluster settings in order
    #: for all job clusters to become compliant with their policies.
    job_cluster_changes: (
        list[EnforcePolicyComplianceForJobResponseJobClusterSettingsChange] | None
    ) = None
    #: Updated job settings after policy enforcement.
    settings: JobSettings | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class GetPolicyComplianceResponse(Model):
    """Get policy compliance response."""

    #: Whether the job is compliant with its policies or not.
    is_compliant: bool | None = None
    #: An object containing key-value mappings representing the first 200 policy validation
    #: errors.
    violations: dict[str, str] | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class JobCompliance(Model):
    """Job compliance."""

    #: Canonical unique identifier for a job.
    job_id: Int64
    #: Whether this job is in compliance with the latest version of its policy.
    is_compliant: bool | None = None
    #: An object containing key-value mappings representing the first 200 policy validation
    #: errors.
    violations: dict[str, str] | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class ListJobComplianceForPolicyResponse(Model):
    """List job compliance for policy response."""

    #: A list of jobs and their policy compliance statuses.
    jobs: list[JobCompliance] | None = None
    #: This field represents the pagination token to retrieve the next page of results.
    next_page_token: str | None = None
    #: This field represents the pagination token to retrieve the previous page of results.
    prev_page_token: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)
