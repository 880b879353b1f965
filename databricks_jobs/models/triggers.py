"""Schedules and triggers: cron, periodic, file arrival, table update, states."""

from __future__ import annotations

from typing import Any

import attrs

from databricks_jobs.models._base import Int64, Model
from databricks_jobs.models.enums import (
    Condition,
    DayOfWeek,
    JobCompletionTriggerConfigurationIfStatus,
    ModelTriggerConfigurationCondition,
    PauseStatus,
    PeriodicTriggerConfigurationTimeUnit,
    SqlConditionTriggerMode,
    TaskRetryMode,
    TerminationCodeCode,
)

__all__ = [
    "CompletedJob",
    "Continuous",
    "ContinuousTriggerConfiguration",
    "ContinuousTriggerState",
    "CronSchedule",
    "CronTriggerConfiguration",
    "FileArrivalTriggerConfiguration",
    "FileArrivalTriggerState",
    "JobCompletionTriggerConfiguration",
    "JobCompletionTriggerConfigurationMonitoredJob",
    "JobCompletionTriggerRunInfoDetails",
    "JobCompletionTriggerState",
    "JobCompletionTriggerStateMonitoredJobState",
    "MaintenanceWindow",
    "ModelTriggerConfiguration",
    "ModelTriggerState",
    "PerTriggerState",
    "PeriodicTriggerConfiguration",
    "PeriodicTriggerState",
    "ScheduleTriggerState",
    "SqlConditionConfiguration",
    "SqlConditionRunInfoDetails",
    "SqlConditionState",
    "TableState",
    "TableTriggerState",
    "TableUpdateTriggerConfiguration",
    "TriggerConfiguration",
    "TriggerDetails",
    "TriggerEvaluation",
    "TriggerHistory",
    "TriggerInfo",
    "TriggerSettings",
    "TriggerStateProto",
]


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class CompletedJob(Model):
    """Completed job."""

    #: The completion time of the upstream run
    completion_time: str | None = None
    #: The ID of the upstream job
    job_id: str | None = None
    #: The ID of the upstream run whose completion contributed to the trigger
    run_id: str | None = None
    #: The termination code of the upstream run
    termination_code: TerminationCodeCode | str | None = None
    #: The ID of the workspace containing the upstream job
    workspace_id: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class Continuous(Model):
    """An optional continuous property for this job."""

    #: Defines when platform-initiated maintenance may run for this job.
    maintenance_window: MaintenanceWindow | None = None
    #: Indicate whether the continuous execution of the job is paused or not.
    pause_status: PauseStatus | str | None = None
    #: Indicate whether the continuous job is applying task level retries or not.
    task_retry_mode: TaskRetryMode | str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class ContinuousTriggerConfiguration(Model):
    """Continuous trigger configuration."""

    #: Defines when platform-initiated maintenance may run for this trigger.
    maintenance_window: MaintenanceWindow | None = None
    #: Whether the continuous job applies task-level retries.
    task_retry_mode: TaskRetryMode | str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class ContinuousTriggerState(Model):
    """Continuous trigger state."""

    consecutive_failures: int | None = None
    is_backing_off: bool | None = None
    next_attempt_ms: Int64 | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class CronSchedule(Model):
    """An optional periodic schedule for this job."""

    #: A Cron expression using Quartz syntax that describes the schedule for a job.
    quartz_cron_expression: str
    #: A Java timezone ID.
    timezone_id: str
    #: Indicate whether this schedule is paused or not.
    pause_status: PauseStatus | str | None = None
    #: SQL condition that must be satisfied before a scheduled run is triggered.
    sql_condition: SqlConditionConfiguration | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class CronTriggerConfiguration(Model):
    """Cron schedule trigger configuration."""

    #: A Cron expression using Quartz syntax that describes the schedule for this trigger.
    quartz_cron_expression: str
    #: A Java timezone ID.
    timezone_id: str
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class FileArrivalTriggerConfiguration(Model):
    """File arrival trigger settings."""

    #: URL to be monitored for file arrivals.
    url: str
    #: If set, the trigger starts a run only after the specified amount of time passed since the
    #: last time the trigger fired.
    min_time_between_triggers_seconds: int | None = None
    #: If set, the trigger starts a run only after no file activity has occurred for the
    #: specified amount of time.
    wait_after_last_change_seconds: int | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class FileArrivalTriggerState(Model):
    """File arrival trigger state."""

    #: Indicates whether the trigger leverages file events to detect file arrivals.
    using_file_events: bool | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class JobCompletionTriggerConfiguration(Model):
    """Job completion trigger settings."""

    #: The upstream jobs to monitor.
    jobs: list[JobCompletionTriggerConfigurationMonitoredJob]
    #: The status that all upstream jobs must have before this trigger fires.
    if_status: JobCompletionTriggerConfigurationIfStatus | str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class JobCompletionTriggerConfigurationMonitoredJob(Model):
    """The upstream jobs to monitor."""

    #: The ID of the upstream job.
    job_id: str
    #: The ID of the workspace containing the upstream job.
    workspace_id: str
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class JobCompletionTriggerRunInfoDetails(Model):
    """Job completion trigger run info details."""

    completed_jobs: list[CompletedJob] | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class JobCompletionTriggerState(Model):
    """Job completion trigger state."""

    #: State for each configured upstream job, in the same order as `jobs`.
    monitored_job_states: list[JobCompletionTriggerStateMonitoredJobState] | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class JobCompletionTriggerStateMonitoredJobState(Model):
    """State for each configured upstream job, in the same order as `jobs`."""

    #: Whether this job has contributed a matching completion toward the next trigger fire.
    has_seen_completion: bool | None = None
    #: Whether the upstream job was missing or deleted when last observed by this trigger.
    is_deleted: bool | None = None
    #: The ID of the upstream job.
    job_id: str | None = None
    #: The completion time of the latest matching upstream run observed by the trigger.
    last_seen_completion_time: str | None = None
    #: The termination code of the latest matching upstream run observed by the trigger.
    last_seen_result: TerminationCodeCode | str | None = None
    #: The ID of the latest matching upstream run observed by the trigger.
    last_seen_run_id: str | None = None
    #: The termination code of the latest upstream run if it does not satisfy `if_status`.
    latest_non_matching_result: TerminationCodeCode | str | None = None
    #: The ID of the workspace containing the upstream job.
    workspace_id: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class MaintenanceWindow(Model):
    """Defines when platform-initiated maintenance may run for this job."""

    #: The day of week on which maintenance is allowed to happen.
    day_of_week: DayOfWeek | str
    #: An integer between 0 and 23 denoting the start hour for the maintenance window in the
    #: 24-hour day.
    start_hour: int
    #: A Java timezone ID.
    timezone_id: str
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class ModelTriggerConfiguration(Model):
    """Model trigger configuration."""

    #: The condition based on which to trigger a job run.
    condition: ModelTriggerConfigurationCondition | str
    #: Aliases of the model versions to monitor.
    aliases: list[str] | None = None
    #: If set, the trigger starts a run only after the specified amount of time has passed since
    #: the last time the trigger fired.
    min_time_between_triggers_seconds: int | None = None
    #: Name of the securable to monitor ("mycatalog.myschema.mymodel" in the case of model-level
    #: triggers, "mycatalog.myschema" in the case of schema-level triggers) or empty in the case
    #: of metastore-level triggers.
    securable_name: str | None = None
    #: If set, the trigger starts a run only after no model updates have occurred for the
    #: specified time and can be used to wait for a series of model updates before triggering a
    #: run.
    wait_after_last_change_seconds: int | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class ModelTriggerState(Model):
    """Model trigger state."""

    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class PerTriggerState(Model):
    """Current runtime state."""

    continuous: ContinuousTriggerState | None = None
    file_arrival: FileArrivalTriggerState | None = None
    job_completion: JobCompletionTriggerState | None = None
    model: ModelTriggerState | None = None
    #: Whether this trigger is paused or not.
    pause_status: PauseStatus | str | None = None
    periodic: PeriodicTriggerState | None = None
    schedule: ScheduleTriggerState | None = None
    #: State for SQL condition evaluation, can coexist with other trigger states.
    sql_condition: SqlConditionState | None = None
    table_update: TableTriggerState | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class PeriodicTriggerConfiguration(Model):
    """Periodic trigger settings."""

    #: The interval at which the trigger should run.
    interval: int
    #: The unit of time for the interval.
    unit: PeriodicTriggerConfigurationTimeUnit | str
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class PeriodicTriggerState(Model):
    """Periodic trigger state."""

    next_run_time: Int64 | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class ScheduleTriggerState(Model):
    """Schedule trigger state."""

    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class SqlConditionConfiguration(Model):
    """Optional SQL condition that gates whether this trigger fires."""

    #: The ID of the SQL query to evaluate as the trigger condition.
    sql_query_id: str
    #: The canonical identifier of the SQL warehouse to run the condition query against.
    warehouse_id: str
    #: Determines how the SQL query result is interpreted to decide whether the condition fires.
    trigger_mode: SqlConditionTriggerMode | str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class SqlConditionRunInfoDetails(Model):
    """Sql condition run info details."""

    #: Whether the last condition evaluation was satisfied (query returned truthy result).
    condition_evaluation_satisfied: bool | None = None
    #: The ID of the SQL session, used by the UI to track session context.
    condition_evaluation_sql_session_id: str | None = None
    #: The SQL statement ID of the condition evaluation, set when the condition is evaluated by
    #: running a single SQL statement (the RESULT_VALUE_CHANGES trigger mode).
    condition_evaluation_sql_statement_id: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class SqlConditionState(Model):
    """State for SQL condition evaluation, can coexist with other trigger states."""

    #: Whether the last condition evaluation was satisfied (query returned truthy result).
    latest_condition_evaluation_satisfied: bool | None = None
    #: The ID of the SQL session, used by UI to track session context.
    latest_condition_evaluation_sql_session_id: str | None = None
    #: The SEA statement ID of the SQL statement executed for the latest condition evaluation.
    latest_condition_evaluation_sql_statement_id: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class TableState(Model):
    """Table state."""

    #: Whether or not the table has seen updates since either the creation of the trigger or the
    #: last successful evaluation of the trigger
    has_seen_updates: bool | None = None
    #: Full table name of the table to monitor, e.g.
    table_name: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class TableTriggerState(Model):
    """Table trigger state."""

    last_seen_table_states: list[TableState] | None = None
    #: Indicates whether the trigger is using scalable monitoring.
    using_scalable_monitoring: bool | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class TableUpdateTriggerConfiguration(Model):
    """Table update trigger configuration."""

    #: A list of tables to monitor for changes.
    table_names: list[str]
    #: The table(s) condition based on which to trigger a job run.
    condition: Condition | str | None = None
    #: If set, the trigger starts a run only after the specified amount of time has passed since
    #: the last time the trigger fired.
    min_time_between_triggers_seconds: int | None = None
    #: If set, the trigger starts a run only after no table updates have occurred for the
    #: specified time and can be used to wait for a series of table updates before triggering a
    #: run.
    wait_after_last_change_seconds: int | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class TriggerConfiguration(Model):
    """Trigger configuration."""

    #: Continuous trigger configuration.
    continuous: ContinuousTriggerConfiguration | None = None
    #: File arrival trigger configuration.
    file_arrival: FileArrivalTriggerConfiguration | None = None
    #: Job completion trigger configuration.
    job_completion: JobCompletionTriggerConfiguration | None = None
    #: Model trigger configuration.
    model: ModelTriggerConfiguration | None = None
    #: Whether this trigger is paused.
    pause_status: PauseStatus | str | None = None
    #: Trigger type: exactly one must be set; mutual exclusivity is enforced in the API handler
    #: Periodic trigger configuration.
    periodic: PeriodicTriggerConfiguration | None = None
    #: Cron schedule trigger configuration.
    schedule: CronTriggerConfiguration | None = None
    #: Optional SQL condition that gates whether this trigger fires.
    sql_condition: SqlConditionConfiguration | None = None
    #: Table update trigger configuration.
    table_update: TableUpdateTriggerConfiguration | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class TriggerDetails(Model):
    """Per-trigger runtime information for the multi-trigger surface."""

    #: Recent evaluation history.
    history: TriggerHistory | None = None
    #: Current runtime state.
    state: PerTriggerState | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class TriggerEvaluation(Model):
    """The last time the trigger failed to evaluate."""

    #: Human-readable description of the trigger evaluation result.
    description: str | None = None
    #: The ID of the run that was triggered by the trigger evaluation.
    run_id: Int64 | None = None
    #: Timestamp at which the trigger was evaluated.
    timestamp: Int64 | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class TriggerHistory(Model):
    """Recent evaluation history."""

    #: The last time the trigger failed to evaluate.
    last_failed: TriggerEvaluation | None = None
    #: The last time the trigger was evaluated but did not trigger a run.
    last_not_triggered: TriggerEvaluation | None = None
    #: The last time the run was triggered due to a file arrival.
    last_triggered: TriggerEvaluation | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class TriggerInfo(Model):
    """Trigger info."""

    #: Additional details for job runs triggered by a job completion trigger (trigger:
    #: "JOB_COMPLETION")
    job_completion: JobCompletionTriggerRunInfoDetails | None = None
    #: The run id of the Run Job task run
    run_id: Int64 | None = None
    #: SQL condition evaluation details for this run
    sql_condition: SqlConditionRunInfoDetails | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class TriggerSettings(Model):
    """A configuration to trigger a run when certain conditions are met."""

    #: File arrival trigger settings.
    file_arrival: FileArrivalTriggerConfiguration | None = None
    #: Job completion trigger settings.
    job_completion: JobCompletionTriggerConfiguration | None = None
    model: ModelTriggerConfiguration | None = None
    #: Whether this trigger is paused or not.
    pause_status: PauseStatus | str | None = None
    #: Periodic trigger settings.
    periodic: PeriodicTriggerConfiguration | None = None
    #: SQL condition that must be satisfied for the trigger to fire.
    sql_condition: SqlConditionConfiguration | None = None
    table_update: TableUpdateTriggerConfiguration | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class TriggerStateProto(Model):
    """State of the trigger associated with the job."""

    file_arrival: FileArrivalTriggerState | None = None
    job_completion: JobCompletionTriggerState | None = None
    #: Whether this trigger is paused or not.
    pause_status: PauseStatus | str | None = None
    #: State for SQL condition evaluation, can coexist with other trigger states.
    sql_condition: SqlConditionState | None = None
    table: TableTriggerState | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)
