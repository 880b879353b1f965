"""Request bodies of the write endpoints (create, reset, run-now, submit, repair, ...)."""

from __future__ import annotations

from typing import Any

import attrs

from databricks_jobs.models._base import Int64, Model
from databricks_jobs.models.compute import (
    JobCluster,
    JobEnvironment,
    JobEnvironmentVariables,
    to_job_clusters,
)
from databricks_jobs.models.enums import Format, JobEditMode, PerformanceTarget
from databricks_jobs.models.jobs import (
    GitSource,
    JobDeployment,
    JobParameterDefinition,
    JobRunAs,
    JobSettings,
    QueueSettings,
)
from databricks_jobs.models.notifications import (
    JobEmailNotifications,
    JobNotificationSettings,
    JobsHealthRules,
    WebhookNotifications,
)
from databricks_jobs.models.permissions import JobAccessControlRequest
from databricks_jobs.models.tasks import PipelineParams, SubmitTask, Task
from databricks_jobs.models.triggers import (
    Continuous,
    CronSchedule,
    TriggerConfiguration,
    TriggerSettings,
)

__all__ = [
    "CancelAllRuns",
    "CancelRun",
    "CreateJob",
    "DeleteJob",
    "DeleteRun",
    "EnforcePolicyComplianceRequest",
    "JobPermissionsRequest",
    "RepairRun",
    "ResetJob",
    "RunNow",
    "SubmitRun",
    "UpdateJob",
]


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class CancelAllRuns(Model):
    """Cancel all runs."""

    all_queued_runs: bool | None = None
    job_id: Int64 | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class CancelRun(Model):
    """Cancel run."""

    run_id: Int64
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class CreateJob(Model):
    """Create job."""

    access_control_list: list[JobAccessControlRequest] | None = None
    budget_policy_id: str | None = None
    continuous: Continuous | None = None
    deployment: JobDeployment | None = None
    description: str | None = None
    duration_target: str | None = None
    edit_mode: JobEditMode | str | None = None
    email_notifications: JobEmailNotifications | None = None
    environment_variables: list[JobEnvironmentVariables] | None = None
    environments: list[JobEnvironment] | None = None
    format: Format | str | None = None
    git_source: GitSource | None = None
    health: JobsHealthRules | None = None
    job_clusters: list[JobCluster] | None = attrs.field(default=None, converter=to_job_clusters)
    max_concurrent_runs: int | None = None
    name: str | None = None
    notification_settings: JobNotificationSettings | None = None
    parameters: list[JobParameterDefinition] | None = None
    parent_path: str | None = None
    performance_target: PerformanceTarget | str | None = None
    queue: QueueSettings | None = None
    run_as: JobRunAs | None = None
    schedule: CronSchedule | None = None
    tags: dict[str, str] | None = None
    tasks: list[Task] | None = None
    timeout_seconds: int | None = None
    trigger: TriggerSettings | None = None
    triggers: list[TriggerConfiguration] | None = None
    usage_policy_id: str | None = None
    webhook_notifications: WebhookNotifications | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class DeleteJob(Model):
    """Delete job."""

    job_id: Int64
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class DeleteRun(Model):
    """Delete run."""

    run_id: Int64
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class EnforcePolicyComplianceRequest(Model):
    """Enforce policy compliance request."""

    job_id: Int64
    validate_only: bool | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class JobPermissionsRequest(Model):
    """Job permissions request."""

    access_control_list: list[JobAccessControlRequest] | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class RepairRun(Model):
    """Repair run."""

    run_id: Int64
    dbt_commands: list[str] | None = None
    duration_target: str | None = None
    jar_params: list[str] | None = None
    job_parameters: dict[str, str] | None = None
    latest_repair_id: Int64 | None = None
    notebook_params: dict[str, str] | None = None
    performance_target: PerformanceTarget | str | None = None
    pipeline_params: PipelineParams | None = None
    python_named_params: dict[str, str] | None = None
    python_params: list[str] | None = None
    rerun_all_failed_tasks: bool | None = None
    rerun_dependent_tasks: bool | None = None
    rerun_tasks: list[str] | None = None
    spark_submit_params: list[str] | None = None
    sql_params: dict[str, str] | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class ResetJob(Model):
    """Reset job."""

    job_id: Int64
    new_settings: JobSettings
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class RunNow(Model):
    """Run now."""

    job_id: Int64
    dbt_commands: list[str] | None = None
    duration_target: str | None = None
    idempotency_token: str | None = None
    jar_params: list[str] | None = None
    job_parameters: dict[str, str] | None = None
    notebook_params: dict[str, str] | None = None
    only: list[str] | None = None
    performance_target: PerformanceTarget | str | None = None
    pipeline_params: PipelineParams | None = None
    python_named_params: dict[str, str] | None = None
    python_params: list[str] | None = None
    queue: QueueSettings | None = None
    spark_submit_params: list[str] | None = None
    sql_params: dict[str, str] | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class SubmitRun(Model):
    """Submit run."""

    access_control_list: list[JobAccessControlRequest] | None = None
    budget_policy_id: str | None = None
    duration_target: str | None = None
    email_notifications: JobEmailNotifications | None = None
    environment_variables: list[JobEnvironmentVariables] | None = None
    environments: list[JobEnvironment] | None = None
    git_source: GitSource | None = None
    health: JobsHealthRules | None = None
    idempotency_token: str | None = None
    notification_settings: JobNotificationSettings | None = None
    performance_target: PerformanceTarget | str | None = None
    queue: QueueSettings | None = None
    run_as: JobRunAs | None = None
    run_name: str | None = None
    tasks: list[SubmitTask] | None = None
    timeout_seconds: int | None = None
    usage_policy_id: str | None = None
    webhook_notifications: WebhookNotifications | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class UpdateJob(Model):
    """Update job."""

    job_id: Int64
    fields_to_remove: list[str] | None = None
    new_settings: JobSettings | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)
