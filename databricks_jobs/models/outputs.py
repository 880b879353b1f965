"""Outputs of runs: notebook, SQL, dbt, dashboards, alerts, AI tasks, exported views."""

from __future__ import annotations

from typing import Any

import attrs

from databricks_jobs.models._base import Int64, Model
from databricks_jobs.models.enums import (
    AlertEvaluationState,
    DbtPlatformRunStatus,
    SqlAlertState,
    SqlDashboardWidgetOutputStatus,
    ViewType,
)
from databricks_jobs.models.runs import CleanRoomTaskRunState, Run
from databricks_jobs.models.tasks import OutputSchemaInfo, QualifiedName

__all__ = [
    "AiFunctionTaskOutput",
    "AiRuntimeTaskOutput",
    "AlertTaskOutput",
    "CleanRoomsNotebookTaskCleanRoomsNotebookTaskOutput",
    "DashboardPageSnapshot",
    "DashboardTaskOutput",
    "DbtCloudJobRunStep",
    "DbtCloudTaskOutput",
    "DbtOutput",
    "DbtPlatformJobRunStep",
    "DbtPlatformTaskOutput",
    "ExportRunOutput",
    "NotebookOutput",
    "RunJobOutput",
    "RunOutput",
    "SqlAlertOutput",
    "SqlDashboardOutput",
    "SqlDashboardWidgetOutput",
    "SqlOutput",
    "SqlOutputError",
    "SqlQueryOutput",
    "SqlStatementOutput",
    "SqlStatementQueryResult",
    "SqlStatementQueryResultColumn",
    "SqlStatementQueryResultRow",
    "SqlStatementQueryResultRowRowValue",
    "SqlTaskSqlFileOutput",
    "ViewItem",
    "WidgetErrorDetail",
]


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class AiFunctionTaskOutput(Model):
    """Ai function task output."""

    #: Coarse estimate of the time left to run the function over the inputs, from the throughput
    #: so far.
    estimated_time_remaining: str | None = None
    #: Inputs permanently failed so far.
    failed_row_count: int | None = None
    #: The table the run writes its results to.
    output_table: QualifiedName | None = None
    #: Inputs with a result so far.
    succeeded_row_count: int | None = None
    #: Inputs to process: rows for a Delta table source, files for a volume source.
    total_row_count: int | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class AiRuntimeTaskOutput(Model):
    """Ai runtime task output."""

    #: MLflow experiment ID the run was logged to.
    mlflow_experiment_id: str | None = None
    #: MLflow run ID for this task execution.
    mlflow_run_id: str | None = None
    #: Human-readable status message for this run, suitable for display to the user (for
    #: example, that the run is still waiting for GPU compute).
    status_message: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class AlertTaskOutput(Model):
    """Alert task output."""

    alert_state: AlertEvaluationState | str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class CleanRoomsNotebookTaskCleanRoomsNotebookTaskOutput(Model):
    """Clean rooms notebook task clean rooms notebook task output."""

    #: The run state of the clean rooms notebook task.
    clean_room_job_run_state: CleanRoomTaskRunState | None = None
    #: The notebook output for the clean room run
    notebook_output: NotebookOutput | None = None
    #: Information on how to access the output schema for the clean room run
    output_schema_info: OutputSchemaInfo | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class DashboardPageSnapshot(Model):
    """Should only be populated for manual PDF download jobs."""

    page_display_name: str | None = None
    widget_error_details: list[WidgetErrorDetail] | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class DashboardTaskOutput(Model):
    """Dashboard task output."""

    #: Should only be populated for manual PDF download jobs.
    page_snapshots: list[DashboardPageSnapshot] | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class DbtCloudJobRunStep(Model):
    """Dbt cloud job run step."""

    #: Orders the steps in the job
    index: int | None = None
    #: Output of the step
    logs: str | None = None
    #: Name of the step in the job
    name: str | None = None
    #: State of the step
    status: DbtPlatformRunStatus | str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class DbtCloudTaskOutput(Model):
    """Dbt cloud task output."""

    #: Id of the job run in dbt Cloud
    dbt_cloud_job_run_id: Int64 | None = None
    #: Steps of the job run as received from dbt Cloud
    dbt_cloud_job_run_output: list[DbtCloudJobRunStep] | None = None
    #: Url where full run details can be viewed
    dbt_cloud_job_run_url: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class DbtOutput(Model):
    """The output of a dbt task, if available."""

    #: An optional map of headers to send when retrieving the artifact from the
    #: `artifacts_link`.
    artifacts_headers: dict[str, str] | None = None
    #: A pre-signed URL to download the (compressed) dbt artifacts.
    artifacts_link: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class DbtPlatformJobRunStep(Model):
    """Dbt platform job run step."""

    #: Orders the steps in the job
    index: int | None = None
    #: Output of the step
    logs: str | None = None
    #: Whether the logs of this step have been truncated.
    logs_truncated: bool | None = None
    #: Name of the step in the job
    name: str | None = None
    #: Whether the name of the job has been truncated.
    name_truncated: bool | None = None
    #: State of the step
    status: DbtPlatformRunStatus | str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class DbtPlatformTaskOutput(Model):
    """Dbt platform task output."""

    #: Id of the job run in dbt platform.
    dbt_platform_job_run_id: str | None = None
    #: Steps of the job run as received from dbt platform
    dbt_platform_job_run_output: list[DbtPlatformJobRunStep] | None = None
    #: Url where full run details can be viewed
    dbt_platform_job_run_url: str | None = None
    #: Whether the number of steps in the output has been truncated.
    steps_truncated: bool | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class ExportRunOutput(Model):
    """Export run output."""

    #: The exported content in HTML format (one for every view item).
    views: list[ViewItem] | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class NotebookOutput(Model):
    """The output of a notebook task, if available."""

    #: The value passed to [dbutils.notebook.exit()](/notebooks/notebook-
    #: workflows.html#notebook-workflows-exit).
    result: str | None = None
    #: Whether or not the result was truncated.
    truncated: bool | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class RunJobOutput(Model):
    """Run job output."""

    #: The run id of the triggered job run
    run_id: Int64 | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class RunOutput(Model):
    """The output of a task run (runs/get-output)."""

    #: The output of an AI function task, if available
    ai_function_task_output: AiFunctionTaskOutput | None = None
    #: The output of an AiRuntimeTask, if available — MLflow identifiers, artifact paths, and
    #: per-replica allocated compute.
    ai_runtime_task_output: AiRuntimeTaskOutput | None = None
    #: The output of an alert task, if available
    alert_output: AlertTaskOutput | None = None
    #: The output of a clean rooms notebook task, if available
    clean_rooms_notebook_output: CleanRoomsNotebookTaskCleanRoomsNotebookTaskOutput | None = None
    #: The output of a dashboard task, if available
    dashboard_output: DashboardTaskOutput | None = None
    #: Deprecated in favor of the new dbt_platform_output
    dbt_cloud_output: DbtCloudTaskOutput | None = None
    #: The output of a dbt task, if available.
    dbt_output: DbtOutput | None = None
    dbt_platform_output: DbtPlatformTaskOutput | None = None
    #: An error message indicating why a task failed or why output is not available.
    error: str | None = None
    #: If there was an error executing the run, this field contains any available stack traces.
    error_trace: str | None = None
    info: str | None = None
    #: The output from tasks that write to standard streams (stdout/stderr) such as
    #: spark_jar_task, spark_python_task, python_wheel_task.
    logs: str | None = None
    #: Whether the logs are truncated.
    logs_truncated: bool | None = None
    #: All details of the run except for its output.
    metadata: Run | None = None
    #: The output of a notebook task, if available.
    notebook_output: NotebookOutput | None = None
    #: The output of a run job task, if available
    run_job_output: RunJobOutput | None = None
    #: The output of a SQL task, if available.
    sql_output: SqlOutput | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class SqlAlertOutput(Model):
    """The output of a SQL alert task, if available."""

    alert_state: SqlAlertState | str | None = None
    #: The link to find the output results.
    output_link: str | None = None
    #: The text of the SQL query.
    query_text: str | None = None
    #: Information about SQL statements executed in the run.
    sql_statements: list[SqlStatementOutput] | None = None
    #: The canonical identifier of the SQL warehouse.
    warehouse_id: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class SqlDashboardOutput(Model):
    """The output of a SQL dashboard task, if available."""

    #: The canonical identifier of the SQL warehouse.
    warehouse_id: str | None = None
    #: Widgets executed in the run.
    widgets: list[SqlDashboardWidgetOutput] | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class SqlDashboardWidgetOutput(Model):
    """Widgets executed in the run."""

    #: Time (in epoch milliseconds) when execution of the SQL widget ends.
    end_time: Int64 | None = None
    #: The information about the error when execution fails.
    error: SqlOutputError | None = None
    #: The link to find the output results.
    output_link: str | None = None
    #: Time (in epoch milliseconds) when execution of the SQL widget starts.
    start_time: Int64 | None = None
    #: The execution status of the SQL widget.
    status: SqlDashboardWidgetOutputStatus | str | None = None
    #: The canonical identifier of the SQL widget.
    widget_id: str | None = None
    #: The title of the SQL widget.
    widget_title: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class SqlOutput(Model):
    """The output of a SQL task, if available."""

    #: The output of a SQL alert task, if available.
    alert_output: SqlAlertOutput | None = None
    #: The output of a SQL dashboard task, if available.
    dashboard_output: SqlDashboardOutput | None = None
    #: The output of a SQL file task, if available.
    file_output: SqlTaskSqlFileOutput | None = None
    #: The output of a SQL query task, if available.
    query_output: SqlQueryOutput | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class SqlOutputError(Model):
    """The information about the error when execution fails."""

    #: The error message when execution fails.
    message: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class SqlQueryOutput(Model):
    """The output of a SQL query task, if available."""

    endpoint_id: str | None = None
    #: Deprecated.
    output_link: str | None = None
    #: The text of the SQL query.
    query_text: str | None = None
    #: Information about SQL statements executed in the run.
    sql_statements: list[SqlStatementOutput] | None = None
    #: The canonical identifier of the SQL warehouse.
    warehouse_id: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class SqlStatementOutput(Model):
    """Information about SQL statements executed in the run."""

    #: A key that can be used to look up query details.
    lookup_key: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class SqlStatementQueryResult(Model):
    """The result of the executed SQL statement, if available."""

    #: The metadata for each column in the result set.
    columns: list[SqlStatementQueryResultColumn] | None = None
    #: The rows returned by the query.
    rows: list[SqlStatementQueryResultRow] | None = None
    #: Whether the result set was truncated.
    truncated: bool | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class SqlStatementQueryResultColumn(Model):
    """The metadata for each column in the result set."""

    #: The name of the column.
    name: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class SqlStatementQueryResultRow(Model):
    """The rows returned by the query."""

    #: The values in the row, ordered to match the columns.
    values: list[SqlStatementQueryResultRowRowValue] | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class SqlStatementQueryResultRowRowValue(Model):
    """The values in the row, ordered to match the columns."""

    #: The value rendered as a string.
    string_value: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class SqlTaskSqlFileOutput(Model):
    """The output of a SQL file task, if available."""

    #: The result of the executed SQL statement, if available.
    query_result: SqlStatementQueryResult | None = None
    #: The text of the SQL query.
    query_text: str | None = None
    #: Information about SQL statements executed in the run.
    sql_statements: list[SqlStatementOutput] | None = None
    #: The canonical identifier of the SQL warehouse.
    warehouse_id: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class ViewItem(Model):
    """The exported content in HTML format (one for every view item)."""

    #: Content of the view.
    content: str | None = None
    #: Name of the view item.
    name: str | None = None
    #: Type of the view item.
    type: ViewType | str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class WidgetErrorDetail(Model):
    """Widget error detail."""

    message: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)
