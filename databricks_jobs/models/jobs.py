"""Jobs: a job, its settings, notifications, health rules, parameters, git source."""

from __future__ import annotations

from typing import Any

import attrs

from databricks_jobs.models._base import Int64, Model, short_job_repr
from databricks_jobs.models.compute import (
    JobCluster,
    JobEnvironment,
    JobEnvironmentVariables,
    to_job_clusters,
)
from databricks_jobs.models.enums import (
    Format,
    GitProvider,
    JobDeploymentKind,
    JobEditMode,
    JobSourceDirtyState,
    PerformanceTarget,
)
from databricks_jobs.models.notifications import (
    JobEmailNotifications,
    JobNotificationSettings,
    JobsHealthRules,
    WebhookNotifications,
)
from databricks_jobs.models.tasks import Task
from databricks_jobs.models.triggers import (
    Continuous,
    CronSchedule,
    TriggerConfiguration,
    TriggerDetails,
    TriggerSettings,
    TriggerStateProto,
)

__all__ = [
    "BaseJob",
    "CreateResponse",
    "GitSnapshot",
    "GitSource",
    "Job",
    "JobDeployment",
    "JobParameterDefinition",
    "JobRunAs",
    "JobSettings",
    "JobSource",
    "ListJobsResponse",
    "QueueSettings",
    "SparseCheckout",
]


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class BaseJob(Model):
    """A job as listed by jobs/list."""

    #: The time at which this job was created in epoch milliseconds (milliseconds since 1/1/1970
    #: UTC).
    created_time: Int64 | None = None
    #: The creator user name.
    creator_user_name: str | None = None
    #: The id of the budget policy used by this job for cost attribution purposes.
    effective_budget_policy_id: str | None = None
    #: The id of the usage policy used by this job for cost attribution purposes.
    effective_usage_policy_id: str | None = None
    #: Indicates if the job has more array properties (`tasks`, `job_clusters`) that are not
    #: shown.
    has_more: bool | None = None
    #: The canonical identifier for this job.
    job_id: Int64 | None = None
    #: Settings for this job and all of its runs.
    settings: JobSettings | None = None
    #: Per-trigger runtime information for the multi-trigger surface.
    trigger_details: list[TriggerDetails] | None = None
    #: State of the trigger associated with the job.
    trigger_state: TriggerStateProto | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)

    def __repr__(self) -> str:
        return short_job_repr(self)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class CreateResponse(Model):
    """Create response."""

    #: The canonical identifier for the newly created job.
    job_id: Int64 | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class GitSnapshot(Model):
    """Git snapshot."""

    #: Commit that was used to execute the run.
    used_commit: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class GitSource(Model):
    """Git source."""

    #: Unique identifier of the service used to host the Git repository.
    git_provider: GitProvider | str
    #: URL of the repository to be cloned by this job.
    git_url: str
    #: Name of the branch to be checked out and used by this job.
    git_branch: str | None = None
    #: Commit to be checked out and used by this job.
    git_commit: str | None = None
    git_snapshot: GitSnapshot | None = None
    #: Name of the tag to be checked out and used by this job.
    git_tag: str | None = None
    #: The source of the job specification in the remote repository when the job is source
    #: controlled.
    job_source: JobSource | None = None
    sparse_checkout: SparseCheckout | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class Job(Model):
    """A job as returned by jobs/get: id, creator, settings."""

    #: The time at which this job was created in epoch milliseconds (milliseconds since 1/1/1970
    #: UTC).
    created_time: Int64 | None = None
    #: The creator user name.
    creator_user_name: str | None = None
    #: The id of the budget policy used by this job for cost attribution purposes.
    effective_budget_policy_id: str | None = None
    #: The id of the usage policy used by this job for cost attribution purposes.
    effective_usage_policy_id: str | None = None
    #: Indicates if the job has more array properties (`tasks`, `job_clusters`) that are not
    #: shown.
    has_more: bool | None = None
    #: The canonical identifier for this job.
    job_id: Int64 | None = None
    #: A token that can be used to list the next page of array properties.
    next_page_token: str | None = None
    #: The email of an active workspace user or the application ID of a service principal that
    #: the job runs as.
    run_as_user_name: str | None = None
    #: Settings for this job and all of its runs.
    settings: JobSettings | None = None
    #: Per-trigger runtime information for the multi-trigger surface.
    trigger_details: list[TriggerDetails] | None = None
    #: State of the trigger associated with the job.
    trigger_state: TriggerStateProto | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)

    def __repr__(self) -> str:
        return short_job_repr(self)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class JobDeployment(Model):
    """Deployment information for jobs managed by external sources."""

    #: The kind of deployment that manages the job.
    kind: JobDeploymentKind | str
    #: ID of the deployment that manages this job.
    deployment_id: str | None = None
    #: Path of the file that contains deployment metadata.
    metadata_file_path: str | None = None
    #: ID of the version of the deployment that produced this job.
    version_id: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class JobParameterDefinition(Model):
    """Job parameter definition."""

    #: Default value of the parameter.
    default: str
    #: The name of the defined parameter.
    name: str
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class JobRunAs(Model):
    """The user or service principal that the job runs as, if specified in the request."""

    #: Group name of an account group assigned to the workspace.
    group_name: str | None = None
    #: Application ID of an active service principal.
    service_principal_name: str | None = None
    #: The email of an active workspace user.
    user_name: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class JobSettings(Model):
    """The settings of a job: what create, reset and update send."""

    #: The id of the user specified budget policy to use for this job.
    budget_policy_id: str | None = None
    #: An optional continuous property for this job.
    continuous: Continuous | None = None
    #: Deployment information for jobs managed by external sources.
    deployment: JobDeployment | None = None
    #: An optional description for the job.
    description: str | None = None
    #: The window the run aims to finish within, in hours, for a Cost-optimized serverless run.
    duration_target: str | None = None
    #: Edit mode of the job.
    edit_mode: JobEditMode | str | None = None
    #: An optional set of email addresses that is notified when runs of this job begin or
    #: complete as well as when this job is deleted.
    email_notifications: JobEmailNotifications | None = None
    #: Named environment-variable entries that tasks can reference by key from
    #: `TaskSettings.environment_variables_key`.
    environment_variables: list[JobEnvironmentVariables] | None = None
    #: A list of task execution environment specifications that can be referenced by tasks that
    #: use serverless compute or a compute resource that uses Environments mode.
    environments: list[JobEnvironment] | None = None
    #: Used to tell what is the format of the job.
    format: Format | str | None = None
    #: An optional specification for a remote Git repository containing the source code used by
    #: tasks.
    git_source: GitSource | None = None
    health: JobsHealthRules | None = None
    #: A list of job cluster specifications that can be shared and reused by tasks of this job.
    job_clusters: list[JobCluster] | None = attrs.field(default=None, converter=to_job_clusters)
    #: An optional maximum allowed number of concurrent runs of the job.
    max_concurrent_runs: int | None = None
    #: An optional name for the job.
    name: str | None = None
    #: Optional notification settings that are used when sending notifications to each of the
    #: `email_notifications` and `webhook_notifications` for this job.
    notification_settings: JobNotificationSettings | None = None
    #: Job-level parameter definitions
    parameters: list[JobParameterDefinition] | None = None
    #: Path of the job parent folder in workspace file tree.
    parent_path: str | None = None
    #: The performance mode on a serverless job.
    performance_target: PerformanceTarget | str | None = None
    #: The queue settings of the job.
    queue: QueueSettings | None = None
    #: The user or service principal that the job runs as, if specified in the request.
    run_as: JobRunAs | None = None
    #: An optional periodic schedule for this job.
    schedule: CronSchedule | None = None
    #: A map of tags associated with the job.
    tags: dict[str, str] | None = None
    #: A list of task specifications to be executed by this job.
    tasks: list[Task] | None = None
    #: An optional timeout applied to each run of this job.
    timeout_seconds: int | None = None
    #: A configuration to trigger a run when certain conditions are met.
    trigger: TriggerSettings | None = None
    #: List of triggers attached to this job.
    triggers: list[TriggerConfiguration] | None = None
    #: The id of the user specified usage policy to use for this job.
    usage_policy_id: str | None = None
    #: A collection of system notification IDs to notify when runs of this job begin or
    #: complete.
    webhook_notifications: WebhookNotifications | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class JobSource(Model):
    """Job source."""

    #: Name of the branch which the job is imported from.
    import_from_git_branch: str
    #: Path of the job YAML file that contains the job specification.
    job_config_path: str
    #: Dirty state indicates the job is not fully synced with the job specification in the
    #: remote repository.
    dirty_state: JobSourceDirtyState | str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class ListJobsResponse(Model):
    """List jobs response."""

    #: If true, additional jobs matching the provided filter are available for listing.
    has_more: bool | None = None
    #: The list of jobs.
    jobs: list[BaseJob] | None = None
    #: A token that can be used to list the next page of jobs (if applicable).
    next_page_token: str | None = None
    #: A token that can be used to list the previous page of jobs (if applicable).
    prev_page_token: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class QueueSettings(Model):
    """The queue settings of the job."""

    #: If true, enable queueing for the job.
    enabled: bool
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class SparseCheckout(Model):
    """Sparse checkout."""

    #: List of patterns to include for sparse checkout.
    patterns: list[str] | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)
