"""Runs: a run, its task runs, state and status, repair history, parameters."""

from __future__ import annotations

from typing import Any

import attrs

from databricks_jobs.models._base import Int64, Model, short_run_repr
from databricks_jobs.models.compute import (
    ClusterInstance,
    ClusterSpec,
    Compute,
    JobCluster,
    JobEnvironmentVariables,
    Library,
    RunClusterSpec,
)
from databricks_jobs.models.enums import (
    CleanRoomTaskRunLifeCycleState,
    CleanRoomTaskRunResultState,
    ConditionTaskOp,
    PerformanceTarget,
    QueueDetailsCodeCode,
    RepairHistoryItemType,
    RunIf,
    RunLifeCycleState,
    RunLifecycleStateV2State,
    RunResultState,
    RunType,
    TerminationCodeCode,
    TerminationTypeType,
    TriggerType,
)
from databricks_jobs.models.jobs import GitSource
from databricks_jobs.models.notifications import (
    JobEmailNotifications,
    TaskNotificationSettings,
    WebhookNotifications,
)
from databricks_jobs.models.tasks import (
    AiFunctionTask,
    AiRuntimeTask,
    AlertTask,
    CleanRoomsNotebookTask,
    DashboardTask,
    DbtCloudTask,
    DbtPlatformTask,
    DbtTask,
    GenAiComputeTask,
    NotebookTask,
    PipelineParams,
    PipelineTask,
    PowerBiTask,
    PythonOperatorTask,
    PythonWheelTask,
    RunJobTask,
    SparkJarTask,
    SparkPythonTask,
    SparkSubmitTask,
    SqlTask,
    Task,
    TaskDependency,
    to_task_dependencies,
)
from databricks_jobs.models.triggers import CronSchedule, TriggerInfo

__all__ = [
    "BaseRun",
    "CleanRoomTaskRunState",
    "ForEachStats",
    "ForEachTaskErrorMessageStats",
    "ForEachTaskTaskRunStats",
    "JobParameter",
    "ListRunsResponse",
    "QueueDetails",
    "RepairHistoryItem",
    "RepairRunResponse",
    "ResolvedConditionTaskValues",
    "ResolvedDbtTaskValues",
    "ResolvedNotebookTaskValues",
    "ResolvedParamPairValues",
    "ResolvedPipelineTaskValues",
    "ResolvedPythonWheelTaskValues",
    "ResolvedRunJobTaskValues",
    "ResolvedStringParamsValues",
    "ResolvedValues",
    "ResolvedValuesAiFunctionTaskResolvedValues",
    "ResolvedValuesAiRuntimeTaskResolvedValues",
    "Run",
    "RunConditionTask",
    "RunForEachTask",
    "RunNowResponse",
    "RunParameters",
    "RunState",
    "RunStatus",
    "RunTask",
    "SubmitRunResponse",
    "TerminationDetails",
]


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class BaseRun(Model):
    """A run as listed by runs/list."""

    #: The sequence number of this run attempt for a triggered job run.
    attempt_number: int | None = None
    #: The time in milliseconds it took to terminate the cluster and clean up any associated
    #: artifacts.
    cleanup_duration: Int64 | None = None
    #: The cluster used for this run.
    cluster_instance: ClusterInstance | None = None
    #: A snapshot of the job's cluster specification when this run was created.
    cluster_spec: RunClusterSpec | None = None
    #: The creator user name.
    creator_user_name: str | None = None
    #: ID of the deployment that produced the job when this run was created.
    deployment_id: str | None = None
    #: Description of the run
    description: str | None = None
    #: The window the run aims to finish within, in hours, for a Cost-optimized serverless run.
    duration_target: str | None = None
    #: The actual performance target used by the serverless run during execution.
    effective_performance_target: PerformanceTarget | str | None = None
    #: The id of the usage policy used by this run for cost attribution purposes.
    effective_usage_policy_id: str | None = None
    #: The time at which this run ended in epoch milliseconds (milliseconds since 1/1/1970 UTC).
    end_time: Int64 | None = None
    #: Snapshot of `JobSettings.environment_variables` as it was at run launch — the full list
    #: of named environment-variable entries the job defined.
    environment_variables: list[JobEnvironmentVariables] | None = None
    #: The time in milliseconds it took to execute the commands in the JAR or notebook until
    #: they completed, failed, timed out, were cancelled, or encountered an unexpected error.
    execution_duration: Int64 | None = None
    #: An optional specification for a remote Git repository containing the source code used by
    #: tasks.
    git_source: GitSource | None = None
    #: Indicates if the run has more array properties (`tasks`, `job_clusters`) that are not
    #: shown.
    has_more: bool | None = None
    #: A list of job cluster specifications that can be shared and reused by tasks of this job.
    job_clusters: list[JobCluster] | None = None
    #: The canonical identifier of the job that contains this run.
    job_id: Int64 | None = None
    #: Job-level parameters used in the run
    job_parameters: list[JobParameter] | None = None
    #: ID of the job run that this run belongs to.
    job_run_id: Int64 | None = None
    #: A unique identifier for this job run.
    number_in_job: Int64 | None = None
    #: If this run is a retry of a prior run attempt, this field contains the run_id of the
    #: original attempt; otherwise, it is the same as the run_id.
    original_attempt_run_id: Int64 | None = None
    #: The parameters used for this run.
    overriding_parameters: RunParameters | None = None
    #: The time in milliseconds that the run has spent in the queue.
    queue_duration: Int64 | None = None
    #: The repair history of the run.
    repair_history: list[RepairHistoryItem] | None = None
    #: The time in milliseconds it took the job run and all of its repairs to finish.
    run_duration: Int64 | None = None
    #: The canonical identifier of the run.
    run_id: Int64 | None = None
    #: An optional name for the run.
    run_name: str | None = None
    #: The URL to the detail page of the run.
    run_page_url: str | None = None
    run_type: RunType | str | None = None
    #: The cron schedule that triggered this run if it was triggered by the periodic scheduler.
    schedule: CronSchedule | None = None
    #: The time in milliseconds it took to set up the cluster.
    setup_duration: Int64 | None = None
    #: The time at which this run was started in epoch milliseconds (milliseconds since 1/1/1970
    #: UTC).
    start_time: Int64 | None = None
    #: Deprecated.
    state: RunState | None = None
    status: RunStatus | None = None
    #: The list of tasks performed by the run.
    tasks: list[RunTask] | None = None
    trigger: TriggerType | str | None = None
    trigger_info: TriggerInfo | None = None
    #: ID of the deployment version that produced the job when this run was created.
    version_id: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)

    def __repr__(self) -> str:
        return short_run_repr(self)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class CleanRoomTaskRunState(Model):
    """The run state of the clean rooms notebook task."""

    #: A value indicating the run's current lifecycle state.
    life_cycle_state: CleanRoomTaskRunLifeCycleState | str | None = None
    #: A value indicating the run's result.
    result_state: CleanRoomTaskRunResultState | str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class ForEachStats(Model):
    """For each stats."""

    #: Sample of 3 most common error messages occurred during the iteration.
    error_message_stats: list[ForEachTaskErrorMessageStats] | None = None
    #: Describes stats of the iteration.
    task_run_stats: ForEachTaskTaskRunStats | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class ForEachTaskErrorMessageStats(Model):
    """Sample of 3 most common error messages occurred during the iteration."""

    #: Describes the count of such error message encountered during the iterations.
    count: int | None = None
    #: Describes the error message occurred during the iterations.
    error_message: str | None = None
    #: Describes the termination reason for the error message.
    termination_category: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class ForEachTaskTaskRunStats(Model):
    """Describes stats of the iteration."""

    #: Describes the iteration runs having an active lifecycle state or an active run sub state.
    active_iterations: int | None = None
    #: Describes the number of failed and succeeded iteration runs.
    completed_iterations: int | None = None
    #: Describes the number of failed iteration runs.
    failed_iterations: int | None = None
    #: Describes the number of iteration runs that have been scheduled.
    scheduled_iterations: int | None = None
    #: Describes the number of succeeded iteration runs.
    succeeded_iterations: int | None = None
    #: Describes the length of the list of items to iterate over.
    total_iterations: int | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class JobParameter(Model):
    """Job parameter."""

    #: The optional default value of the parameter
    default: str | None = None
    #: The name of the parameter
    name: str | None = None
    #: The value used in the run
    value: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class ListRunsResponse(Model):
    """List runs response."""

    #: If true, additional runs matching the provided filter are available for listing.
    has_more: bool | None = None
    #: A token that can be used to list the next page of runs (if applicable).
    next_page_token: str | None = None
    #: A token that can be used to list the previous page of runs (if applicable).
    prev_page_token: str | None = None
    #: A list of runs, from most recently started to least.
    runs: list[BaseRun] | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class QueueDetails(Model):
    """If the run was queued, details about the reason for queuing the run."""

    code: QueueDetailsCodeCode | str | None = None
    #: A descriptive message with the queuing details.
    message: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class RepairHistoryItem(Model):
    """The repair history of the run."""

    #: The actual performance target used by the serverless run during execution.
    effective_performance_target: PerformanceTarget | str | None = None
    #: The end time of the (repaired) run.
    end_time: Int64 | None = None
    #: The ID of the repair.
    id: Int64 | None = None
    #: The start time of the (repaired) run.
    start_time: Int64 | None = None
    #: Deprecated.
    state: RunState | None = None
    status: RunStatus | None = None
    #: The run IDs of the task runs that ran as part of this repair history item.
    task_run_ids: list[Int64] | None = None
    #: The repair history item type.
    type: RepairHistoryItemType | str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class RepairRunResponse(Model):
    """Repair run response."""

    #: The ID of the repair.
    repair_id: Int64 | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class ResolvedConditionTaskValues(Model):
    """Resolved condition task values."""

    left: str | None = None
    right: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class ResolvedDbtTaskValues(Model):
    """Resolved dbt task values."""

    commands: list[str] | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class ResolvedNotebookTaskValues(Model):
    """Resolved notebook task values."""

    base_parameters: dict[str, str] | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class ResolvedParamPairValues(Model):
    """Resolved param pair values."""

    parameters: dict[str, str] | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class ResolvedPipelineTaskValues(Model):
    """Resolved pipeline task values."""

    #: Key/value-map of parameters passed to the pipeline execution.
    parameters: dict[str, str] | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class ResolvedPythonWheelTaskValues(Model):
    """Resolved python wheel task values."""

    named_parameters: dict[str, str] | None = None
    parameters: list[str] | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class ResolvedRunJobTaskValues(Model):
    """Resolved run job task values."""

    job_parameters: dict[str, str] | None = None
    parameters: dict[str, str] | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class ResolvedStringParamsValues(Model):
    """Resolved string params values."""

    parameters: list[str] | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class ResolvedValues(Model):
    """Resolved values."""

    #: Resolved values for an AI Function task: the Delta table input with upstream-task
    #: references replaced by concrete values before the run.
    ai_function_task: ResolvedValuesAiFunctionTaskResolvedValues | None = None
    #: Resolved values for an AI Runtime task — env_vars with `{{tasks.<key>.values.<name>}}`
    #: references substituted to concrete values before submission to the training service.
    ai_runtime_task: ResolvedValuesAiRuntimeTaskResolvedValues | None = None
    condition_task: ResolvedConditionTaskValues | None = None
    dbt_task: ResolvedDbtTaskValues | None = None
    notebook_task: ResolvedNotebookTaskValues | None = None
    pipeline_task: ResolvedPipelineTaskValues | None = None
    python_wheel_task: ResolvedPythonWheelTaskValues | None = None
    run_job_task: ResolvedRunJobTaskValues | None = None
    simulation_task: ResolvedParamPairValues | None = None
    spark_jar_task: ResolvedStringParamsValues | None = None
    spark_python_task: ResolvedStringParamsValues | None = None
    spark_submit_task: ResolvedStringParamsValues | None = None
    sql_task: ResolvedParamPairValues | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class ResolvedValuesAiFunctionTaskResolvedValues(Model):
    """Resolved values ai function task resolved values."""

    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class ResolvedValuesAiRuntimeTaskResolvedValues(Model):
    """Resolved values ai runtime task resolved values."""

    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class Run(Model):
    """A run as returned by runs/get."""

    #: The sequence number of this run attempt for a triggered job run.
    attempt_number: int | None = None
    #: The time in milliseconds it took to terminate the cluster and clean up any associated
    #: artifacts.
    cleanup_duration: Int64 | None = None
    #: The cluster used for this run.
    cluster_instance: ClusterInstance | None = None
    #: A snapshot of the job's cluster specification when this run was created.
    cluster_spec: RunClusterSpec | None = None
    #: The creator user name.
    creator_user_name: str | None = None
    #: ID of the deployment that produced the job when this run was created.
    deployment_id: str | None = None
    #: Description of the run
    description: str | None = None
    #: The window the run aims to finish within, in hours, for a Cost-optimized serverless run.
    duration_target: str | None = None
    #: The actual performance target used by the serverless run during execution.
    effective_performance_target: PerformanceTarget | str | None = None
    #: The id of the usage policy used by this run for cost attribution purposes.
    effective_usage_policy_id: str | None = None
    #: The time at which this run ended in epoch milliseconds (milliseconds since 1/1/1970 UTC).
    end_time: Int64 | None = None
    #: Snapshot of `JobSettings.environment_variables` as it was at run launch — the full list
    #: of named environment-variable entries the job defined.
    environment_variables: list[JobEnvironmentVariables] | None = None
    #: The time in milliseconds it took to execute the commands in the JAR or notebook until
    #: they completed, failed, timed out, were cancelled, or encountered an unexpected error.
    execution_duration: Int64 | None = None
    #: An optional specification for a remote Git repository containing the source code used by
    #: tasks.
    git_source: GitSource | None = None
    #: Indicates if the run has more array properties (`tasks`, `job_clusters`) that are not
    #: shown.
    has_more: bool | None = None
    #: Only populated by for-each iterations.
    iterations: list[RunTask] | None = None
    #: A list of job cluster specifications that can be shared and reused by tasks of this job.
    job_clusters: list[JobCluster] | None = None
    #: The canonical identifier of the job that contains this run.
    job_id: Int64 | None = None
    #: Job-level parameters used in the run
    job_parameters: list[JobParameter] | None = None
    #: ID of the job run that this run belongs to.
    job_run_id: Int64 | None = None
    #: A token that can be used to list the next page of array properties.
    next_page_token: str | None = None
    #: A unique identifier for this job run.
    number_in_job: Int64 | None = None
    #: If this run is a retry of a prior run attempt, this field contains the run_id of the
    #: original attempt; otherwise, it is the same as the run_id.
    original_attempt_run_id: Int64 | None = None
    #: The parameters used for this run.
    overriding_parameters: RunParameters | None = None
    #: The time in milliseconds that the run has spent in the queue.
    queue_duration: Int64 | None = None
    #: The repair history of the run.
    repair_history: list[RepairHistoryItem] | None = None
    #: The time in milliseconds it took the job run and all of its repairs to finish.
    run_duration: Int64 | None = None
    #: The canonical identifier of the run.
    run_id: Int64 | None = None
    #: An optional name for the run.
    run_name: str | None = None
    #: The URL to the detail page of the run.
    run_page_url: str | None = None
    run_type: RunType | str | None = None
    #: The cron schedule that triggered this run if it was triggered by the periodic scheduler.
    schedule: CronSchedule | None = None
    #: The time in milliseconds it took to set up the cluster.
    setup_duration: Int64 | None = None
    #: The time at which this run was started in epoch milliseconds (milliseconds since 1/1/1970
    #: UTC).
    start_time: Int64 | None = None
    #: Deprecated.
    state: RunState | None = None
    status: RunStatus | None = None
    #: The list of tasks performed by the run.
    tasks: list[RunTask] | None = None
    trigger: TriggerType | str | None = None
    trigger_info: TriggerInfo | None = None
    #: ID of the deployment version that produced the job when this run was created.
    version_id: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)

    def __repr__(self) -> str:
        return short_run_repr(self)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class RunConditionTask(Model):
    """Run condition task."""

    #: The left operand of the condition task.
    left: str
    #: - `EQUAL_TO`, `NOT_EQUAL` operators perform string comparison of their operands.
    op: ConditionTaskOp | str
    #: The right operand of the condition task.
    right: str
    #: The condition expression evaluation result.
    outcome: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class RunForEachTask(Model):
    """Run for each task."""

    #: Array for task to iterate on.
    inputs: str
    #: Configuration for the task that will be run for each element in the array
    task: Task
    #: An optional maximum allowed number of concurrent runs of the task.
    concurrency: int | None = None
    #: Read only field.
    stats: ForEachStats | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class RunNowResponse(Model):
    """Run now response."""

    #: A unique identifier for this job run.
    number_in_job: Int64 | None = None
    #: The globally unique ID of the newly triggered run.
    run_id: Int64 | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class RunParameters(Model):
    """The parameters used for this run."""

    #: An array of commands to execute for jobs with the dbt task, for example `"dbt_commands":
    #: ["dbt deps", "dbt seed", "dbt deps", "dbt seed", "dbt run"]`
    dbt_commands: list[str] | None = None
    #: A list of parameters for jobs with Spark JAR tasks, for example `"jar_params": ["john
    #: doe", "35"]`.
    jar_params: list[str] | None = None
    #: A map from keys to values for jobs with notebook task, for example `"notebook_params":
    #: {"name": "john doe", "age": "35"}`.
    notebook_params: dict[str, str] | None = None
    #: Controls whether the pipeline should perform a full refresh
    pipeline_params: PipelineParams | None = None
    python_named_params: dict[str, str] | None = None
    #: A list of parameters for jobs with Python tasks, for example `"python_params": ["john
    #: doe", "35"]`.
    python_params: list[str] | None = None
    #: A list of parameters for jobs with spark submit task, for example `"spark_submit_params":
    #: ["--class", "org.apache.spark.examples.SparkPi"]`.
    spark_submit_params: list[str] | None = None
    #: A map from keys to values for jobs with SQL task, for example `"sql_params": {"name":
    #: "john doe", "age": "35"}`.
    sql_params: dict[str, str] | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class RunState(Model):
    """The older state block of a run (life cycle and result)."""

    #: A value indicating the run's current lifecycle state.
    life_cycle_state: RunLifeCycleState | str | None = None
    #: The reason indicating why the run was queued.
    queue_reason: str | None = None
    #: A value indicating the run's result.
    result_state: RunResultState | str | None = None
    #: A descriptive message for the current state.
    state_message: str | None = None
    #: A value indicating whether a run was canceled manually by a user or by the scheduler
    #: because the run timed out.
    user_cancelled_or_timedout: bool | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class RunStatus(Model):
    """The newer status block of a run (state, termination and queue details)."""

    #: If the run was queued, details about the reason for queuing the run.
    queue_details: QueueDetails | None = None
    state: RunLifecycleStateV2State | str | None = None
    #: If the run is in a TERMINATING or TERMINATED state, details about the reason for
    #: terminating the run.
    termination_details: TerminationDetails | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class RunTask(Model):
    """The run of one task inside a job run."""

    #: A unique name for the task.
    task_key: str
    #: Applies an AI function to a set of input documents or rows.
    ai_function_task: AiFunctionTask | None = None
    #: The task runs a multi-gpu compute workload on Databricks AI Runtime.
    ai_runtime_task: AiRuntimeTask | None = None
    #: The task evaluates a Databricks alert and sends notifications to subscribers when the
    #: `alert_task` field is present.
    alert_task: AlertTask | None = None
    #: The sequence number of this run attempt for a triggered job run.
    attempt_number: int | None = None
    #: The task runs a `clean rooms <https://docs.databricks.com/clean-rooms/index.html>`__
    #: notebook when the `clean_rooms_notebook_task` field is present.
    clean_rooms_notebook_task: CleanRoomsNotebookTask | None = None
    #: The time in milliseconds it took to terminate the cluster and clean up any associated
    #: artifacts.
    cleanup_duration: Int64 | None = None
    #: The cluster used for this run.
    cluster_instance: ClusterInstance | None = None
    #: Task level compute configuration.
    compute: Compute | None = None
    #: The task evaluates a condition that can be used to control the execution of other tasks
    #: when the `condition_task` field is present.
    condition_task: RunConditionTask | None = None
    #: The task refreshes a dashboard and sends a snapshot to subscribers.
    dashboard_task: DashboardTask | None = None
    #: Task type for dbt cloud, deprecated in favor of the new name dbt_platform_task
    dbt_cloud_task: DbtCloudTask | None = None
    dbt_platform_task: DbtPlatformTask | None = None
    #: The task runs one or more dbt commands when the `dbt_task` field is present.
    dbt_task: DbtTask | None = None
    #: An optional array of objects specifying the dependency graph of the task.
    depends_on: list[TaskDependency] | None = attrs.field(
        default=None, converter=to_task_dependencies
    )
    #: An optional description for this task.
    description: str | None = None
    #: An option to disable auto optimization in serverless
    disable_auto_optimization: bool | None = None
    #: An optional flag to disable the task.
    disabled: bool | None = None
    #: The actual performance target used by the serverless run during execution.
    effective_performance_target: PerformanceTarget | str | None = None
    #: An optional set of email addresses notified when the task run begins or completes.
    email_notifications: JobEmailNotifications | None = None
    #: The time at which this run ended in epoch milliseconds (milliseconds since 1/1/1970 UTC).
    end_time: Int64 | None = None
    #: The key that references an environment spec in a job.
    environment_key: str | None = None
    #: Reference to a `JobEnvironmentVariables` entry defined in
    #: `RunSettings.environment_variables` for one-time runs or preserved in
    #: `Run.environment_variables` for run snapshots.
    environment_variables_key: str | None = None
    #: The time in milliseconds it took to execute the commands in the JAR or notebook until
    #: they completed, failed, timed out, were cancelled, or encountered an unexpected error.
    execution_duration: Int64 | None = None
    #: If existing_cluster_id, the ID of an existing cluster that is used for all runs.
    existing_cluster_id: str | None = None
    #: The task executes a nested task for every input provided when the `for_each_task` field
    #: is present.
    for_each_task: RunForEachTask | None = None
    gen_ai_compute_task: GenAiComputeTask | None = None
    #: An optional specification for a remote Git repository containing the source code used by
    #: tasks.
    git_source: GitSource | None = None
    #: If job_cluster_key, this task is executed reusing the cluster specified in
    #: `job.settings.job_clusters`.
    job_cluster_key: str | None = None
    #: An optional list of libraries to be installed on the cluster.
    libraries: list[Library] | None = None
    #: An optional maximum number of times to retry an unsuccessful run.
    max_retries: int | None = None
    #: An optional minimal interval in milliseconds between the start of the failed run and the
    #: subsequent retry run.
    min_retry_interval_millis: int | None = None
    #: If new_cluster, a description of a new cluster that is created for each run.
    new_cluster: ClusterSpec | None = None
    #: The task runs a notebook when the `notebook_task` field is present.
    notebook_task: NotebookTask | None = None
    #: Optional notification settings that are used when sending notifications to each of the
    #: `email_notifications` and `webhook_notifications` for this task run.
    notification_settings: TaskNotificationSettings | None = None
    #: The task triggers a pipeline update when the `pipeline_task` field is present.
    pipeline_task: PipelineTask | None = None
    #: The task triggers a Power BI semantic model update when the `power_bi_task` field is
    #: present.
    power_bi_task: PowerBiTask | None = None
    #: The task runs a Python operator task.
    python_operator_task: PythonOperatorTask | None = None
    #: The task runs a Python wheel when the `python_wheel_task` field is present.
    python_wheel_task: PythonWheelTask | None = None
    #: The time in milliseconds that the run has spent in the queue.
    queue_duration: Int64 | None = None
    #: Parameter values including resolved references
    resolved_values: ResolvedValues | None = None
    #: An optional policy to specify whether to retry a job when it times out.
    retry_on_timeout: bool | None = None
    #: The time in milliseconds it took the job run and all of its repairs to finish.
    run_duration: Int64 | None = None
    #: The ID of the task run.
    run_id: Int64 | None = None
    #: An optional value indicating the condition that determines whether the task should be run
    #: once its dependencies have been completed.
    run_if: RunIf | str | None = None
    #: The task triggers another job when the `run_job_task` field is present.
    run_job_task: RunJobTask | None = None
    run_page_url: str | None = None
    #: The time in milliseconds it took to set up the cluster.
    setup_duration: Int64 | None = None
    #: The task runs a JAR when the `spark_jar_task` field is present.
    spark_jar_task: SparkJarTask | None = None
    #: The task runs a Python file when the `spark_python_task` field is present.
    spark_python_task: SparkPythonTask | None = None
    #: (Legacy) The task runs the spark-submit script when the spark_submit_task field is
    #: present.
    spark_submit_task: SparkSubmitTask | None = None
    #: The task runs a SQL query or file, or it refreshes a SQL alert or a legacy SQL dashboard
    #: when the `sql_task` field is present.
    sql_task: SqlTask | None = None
    #: The time at which this run was started in epoch milliseconds (milliseconds since 1/1/1970
    #: UTC).
    start_time: Int64 | None = None
    #: Deprecated.
    state: RunState | None = None
    status: RunStatus | None = None
    #: An optional timeout applied to each run of this job task.
    timeout_seconds: int | None = None
    #: A collection of system notification IDs to notify when the run begins or completes.
    webhook_notifications: WebhookNotifications | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class SubmitRunResponse(Model):
    """Submit run response."""

    #: The canonical identifier for the newly submitted run.
    run_id: Int64 | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class TerminationDetails(Model):
    """Termination details."""

    code: TerminationCodeCode | str | None = None
    #: A descriptive message with the termination details.
    message: str | None = None
    type: TerminationTypeType | str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)
