"""Tasks: the task of a job or a one-time run, every task kind and its parts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from databricks_jobs.models._base import Int64, Model
from databricks_jobs.models.compute import ClusterSpec, Compute, ComputeConfig, ComputeSpec, Library
from databricks_jobs.models.enums import (
    AiExtractFunctionMode,
    AiParseDocumentFunctionDescriptionElementType,
    AiRuntimeTaskPriorityClass,
    AuthenticationMethod,
    ConditionTaskOp,
    RunIf,
    Source,
    StorageMode,
    SubscriptionAttachmentDataAttachmentFileFormat,
    SubscriptionAttachmentPageAttachmentPageSelection,
)
from databricks_jobs.models.notifications import (
    JobEmailNotifications,
    JobsHealthRules,
    TaskEmailNotifications,
    TaskNotificationSettings,
    WebhookNotifications,
)

__all__ = [
    "AiClassifyFunction",
    "AiClassifyFunctionInlineLabels",
    "AiClassifyFunctionLabel",
    "AiExtractFunction",
    "AiFunctionTask",
    "AiParseDocumentFunction",
    "AiRuntimeTask",
    "AlertTask",
    "AlertTaskSubscriber",
    "CleanRoomsNotebookTask",
    "ConditionTask",
    "DashboardTask",
    "DbtCloudTask",
    "DbtPlatformTask",
    "DbtTask",
    "DeltaTableSource",
    "DeploymentSpec",
    "ForEachTask",
    "GenAiComputeTask",
    "NotebookTask",
    "OutputSchemaInfo",
    "PipelineParams",
    "PipelineTask",
    "PowerBiModel",
    "PowerBiTable",
    "PowerBiTask",
    "PythonOperatorTask",
    "PythonOperatorTaskParameter",
    "PythonWheelTask",
    "QualifiedName",
    "RunJobTask",
    "SparkJarTask",
    "SparkPythonTask",
    "SparkSubmitTask",
    "SqlTask",
    "SqlTaskAlert",
    "SqlTaskDashboard",
    "SqlTaskFile",
    "SqlTaskQuery",
    "SqlTaskSubscription",
    "SubmitTask",
    "Subscription",
    "SubscriptionAttachment",
    "SubscriptionAttachmentDataAttachment",
    "SubscriptionAttachmentDataAttachmentWidget",
    "SubscriptionAttachmentPageAttachment",
    "SubscriptionSubscriber",
    "Task",
    "TaskDependency",
    "VolumeSource",
    "to_task_dependencies",
]


def to_task_dependencies(
    value: Iterable[TaskDependency | str] | None,
) -> list[TaskDependency] | None:
    """Accept task keys as plain strings where a list of `TaskDependency` is expected."""
    if value is None:
        return None
    if isinstance(value, str):  # one task key, not its characters
        value = [value]
    return [TaskDependency(task_key=v) if isinstance(v, str) else v for v in value]


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class AiClassifyFunction(Model):
    """Classifies each input document or row into one or more labels."""

    #: The ai_classify function version to invoke (for example, `2.1`).
    version: str
    #: When true, includes a per-label confidence score in the response.
    enable_confidence_scores: bool | None = None
    #: When true, includes a rationale explaining each classification in the response.
    enable_rationales: bool | None = None
    #: Labels listed inline, for a small label set.
    inline_labels: AiClassifyFunctionInlineLabels | None = None
    #: Global description of the task and domain, passed to the model to improve classification
    #: quality.
    instructions: str | None = None
    #: When true, more than one label can be returned for each input.
    multilabel: bool | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class AiClassifyFunctionInlineLabels(Model):
    """Labels listed inline, for a small label set."""

    #: The labels an input can be classified as.
    labels: list[AiClassifyFunctionLabel]
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class AiClassifyFunctionLabel(Model):
    """The labels an input can be classified as."""

    #: The name returned when an input is classified as this label.
    name: str
    #: Guidance describing what belongs under this label.
    description: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class AiExtractFunction(Model):
    """Extracts structured fields from the input documents or rows."""

    #: The ai_extract function version to invoke (for example, `2.1`).
    version: str
    #: When true, includes citation metadata locating each extracted value in the source.
    enable_citations: bool | None = None
    #: When true, includes a per-field confidence score in the response.
    enable_confidence_scores: bool | None = None
    #: Global description of the task and domain, passed to the model to improve extraction
    #: quality.
    instructions: str | None = None
    #: The extraction mode.
    mode: AiExtractFunctionMode | str | None = None
    #: The extraction schema defining the fields to extract, as a JSON string.
    schema: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class AiFunctionTask(Model):
    """Applies an AI function to a set of input documents or rows."""

    #: Output destination table.
    output: QualifiedName
    #: Classifies each input document or row into one or more labels.
    ai_classify: AiClassifyFunction | None = None
    #: Extracts structured fields from the input documents or rows.
    ai_extract: AiExtractFunction | None = None
    #: Parses the input documents into structured text.
    ai_parse_document: AiParseDocumentFunction | None = None
    #: A Unity Catalog Delta table.
    delta_table: DeltaTableSource | None = None
    #: A Unity Catalog volume.
    volume: VolumeSource | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class AiParseDocumentFunction(Model):
    """Parses the input documents into structured text."""

    #: The ai_parse_document output schema version to invoke (for example, `2.0`).
    version: str
    #: Element types to generate AI descriptions for.
    description_element_types: list[AiParseDocumentFunctionDescriptionElementType | str] | None = (
        None
    )
    #: Unity Catalog volume path where rendered page and element images are written.
    image_output_path: str | None = None
    #: Pages to parse (1-indexed), as a comma-separated list of page numbers or ranges (e.g.
    page_range: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class AiRuntimeTask(Model):
    """The task runs a multi-gpu compute workload on Databricks AI Runtime."""

    #: Deployment specs for this task.
    deployments: list[DeploymentSpec]
    #: MLflow experiment name for this run.
    experiment: str
    #: Workspace or UC volume path of the code-source archive, unpacked on each node and exposed
    #: through `$CODE_SOURCE`.
    code_source_path: str | None = None
    #: Optional Docker image URL for a custom container image.
    docker_image_url: str | None = None
    #: Optional root location for MLflow artifacts logged by the run.
    mlflow_artifact_location: str | None = None
    #: Optional workspace directory under which the MLflow experiment named in `experiment` is
    #: created.
    mlflow_experiment_directory: str | None = None
    #: Optional display name for the MLflow run created under `experiment`.
    mlflow_run: str | None = None
    #: Scheduling priority class for the workload.
    priority_class: AiRuntimeTaskPriorityClass | str | None = None
    #: Optional Unity Catalog path for a custom container image.
    unity_catalog_image_path: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class AlertTask(Model):
    """Alert task."""

    #: The alert_id is the canonical identifier of the alert.
    alert_id: str | None = None
    #: Per-run parameter overrides, keyed by parameter name, applied onto the alert's stored
    #: query parameters before the query is executed.
    parameters: dict[str, str] | None = None
    #: The subscribers receive alert evaluation result notifications after the alert task is
    #: completed.
    subscribers: list[AlertTaskSubscriber] | None = None
    #: The warehouse_id identifies the warehouse settings used by the alert task.
    warehouse_id: str | None = None
    #: The workspace_path is the path to the alert file in the workspace.
    workspace_path: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class AlertTaskSubscriber(Model):
    """Alert task subscriber."""

    destination_id: str | None = None
    #: A valid workspace email address.
    user_name: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class CleanRoomsNotebookTask(Model):
    """Clean rooms notebook task."""

    #: The clean room that the notebook belongs to.
    clean_room_name: str
    #: Name of the notebook being run.
    notebook_name: str
    #: Checksum to validate the freshness of the notebook resource (i.e.
    etag: str | None = None
    #: Base parameters to be used for the clean room notebook job.
    notebook_base_parameters: dict[str, str] | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class ConditionTask(Model):
    """Condition task."""

    #: The left operand of the condition task.
    left: str
    #: - `EQUAL_TO`, `NOT_EQUAL` operators perform string comparison of their operands.
    op: ConditionTaskOp | str
    #: The right operand of the condition task.
    right: str
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class DashboardTask(Model):
    """The task refreshes a dashboard and sends a snapshot to subscribers."""

    #: The identifier of the dashboard to refresh.
    dashboard_id: str | None = None
    #: Dashboard task parameters.
    filters: dict[str, str] | None = None
    #: Optional: subscription configuration for sending the dashboard snapshot.
    subscription: Subscription | None = None
    #: Optional: The warehouse id to execute the dashboard with for the schedule.
    warehouse_id: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class DbtCloudTask(Model):
    """Dbt cloud task."""

    #: The resource name of the UC connection that authenticates the dbt Cloud for this task
    connection_resource_name: str | None = None
    #: Id of the dbt Cloud job to be triggered
    dbt_cloud_job_id: Int64 | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class DbtPlatformTask(Model):
    """Dbt platform task."""

    #: The resource name of the UC connection that authenticates the dbt platform for this task
    connection_resource_name: str | None = None
    #: Id of the dbt platform job to be triggered.
    dbt_platform_job_id: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class DbtTask(Model):
    """The task runs one or more dbt commands when the `dbt_task` field is present."""

    #: A list of dbt commands to execute.
    commands: list[str]
    #: Optional name of the catalog to use.
    catalog: str | None = None
    #: Optional (relative) path to the profiles directory.
    profiles_directory: str | None = None
    #: Path to the project directory.
    project_directory: str | None = None
    #: Optional schema to write to.
    schema: str | None = None
    #: Optional location type of the project directory.
    source: Source | str | None = None
    #: ID of the SQL warehouse to connect to.
    warehouse_id: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class DeltaTableSource(Model):
    """A Unity Catalog Delta table."""

    #: Name of the column holding the content the function is applied to.
    input_column: str
    #: Fully qualified three-part name of the source table (catalog.schema.table).
    table_name: str
    #: Columns that together identify a row across incremental runs, so results can be matched
    #: back to their source rows.
    merge_key_columns: list[str] | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class DeploymentSpec(Model):
    """Deployment specs for this task."""

    #: Compute resources allocated to each node in this deployment.
    compute: ComputeSpec
    #: Workspace path of the script to run on each node in this deployment.
    command_path: str | None = None
    #: Optional human-readable name for this deployment (for example, `driver`, `worker`,
    #: `param_server`).
    name: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class ForEachTask(Model):
    """For each task."""

    #: Array for task to iterate on.
    inputs: str
    #: Configuration for the task that will be run for each element in the array
    task: Task
    #: An optional maximum allowed number of concurrent runs of the task.
    concurrency: int | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class GenAiComputeTask(Model):
    """Gen ai compute task."""

    #: Runtime image
    dl_runtime_image: str
    #: Command launcher to run the actual script, e.g.
    command: str | None = None
    compute: ComputeConfig | None = None
    #: Optional string containing the name of the MLflow experiment to log the run to.
    mlflow_experiment_name: str | None = None
    #: Optional location type of the training script.
    source: Source | str | None = None
    #: The training script file path to be executed.
    training_script_path: str | None = None
    #: Optional string containing model parameters passed to the training script in yaml format.
    yaml_parameters: str | None = None
    #: Optional path to a YAML file containing model parameters passed to the training script.
    yaml_parameters_file_path: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class NotebookTask(Model):
    """The task runs a notebook when the `notebook_task` field is present."""

    #: The path of the notebook to be run in the Databricks workspace or remote repository.
    notebook_path: str
    #: Base parameters to be used for each run of this job.
    base_parameters: dict[str, str] | None = None
    #: Optional location type of the notebook.
    source: Source | str | None = None
    #: Optional `warehouse_id` to run the notebook on a SQL warehouse.
    warehouse_id: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class OutputSchemaInfo(Model):
    """Output schema info."""

    catalog_name: str | None = None
    #: The expiration time for the output schema as a Unix timestamp in milliseconds.
    expiration_time: Int64 | None = None
    schema_name: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class PipelineParams(Model):
    """Pipeline params."""

    #: If true, triggers a full refresh on the spark declarative pipeline.
    full_refresh: bool | None = None
    #: A list of tables to update with fullRefresh.
    full_refresh_selection: list[str] | None = None
    #: Flow names to selectively refresh.
    refresh_flow_selection: list[str] | None = None
    #: A list of tables to update without fullRefresh.
    refresh_selection: list[str] | None = None
    #: A list of streaming flows to reset checkpoints without clearing data.
    reset_checkpoint_selection: list[str] | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class PipelineTask(Model):
    """The task triggers a pipeline update when the `pipeline_task` field is present."""

    #: The full name of the pipeline task to execute.
    pipeline_id: str
    #: If true, triggers a full refresh on the spark declarative pipeline.
    full_refresh: bool | None = None
    #: A list of tables to update with fullRefresh.
    full_refresh_selection: list[str] | None = None
    #: Key/value-map of parameters passed to the pipeline execution.
    parameters: dict[str, str] | None = None
    #: Flow names to selectively refresh.
    refresh_flow_selection: list[str] | None = None
    #: A list of tables to update without fullRefresh.
    refresh_selection: list[str] | None = None
    #: A list of streaming flows to reset checkpoints without clearing data.
    reset_checkpoint_selection: list[str] | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class PowerBiModel(Model):
    """Power bi model."""

    #: How the published Power BI model authenticates to Databricks
    authentication_method: AuthenticationMethod | str | None = None
    #: The name of the Power BI model
    model_name: str | None = None
    #: Whether to overwrite existing Power BI models
    overwrite_existing: bool | None = None
    #: The default storage mode of the Power BI model
    storage_mode: StorageMode | str | None = None
    #: The name of the Power BI workspace of the model
    workspace_name: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class PowerBiTable(Model):
    """Power bi table."""

    #: The catalog name in Databricks
    catalog: str | None = None
    #: The table name in Databricks
    name: str | None = None
    #: The schema name in Databricks
    schema: str | None = None
    #: The Power BI storage mode of the table
    storage_mode: StorageMode | str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class PowerBiTask(Model):
    """Power bi task."""

    #: The resource name of the UC connection to authenticate from Databricks to Power BI
    connection_resource_name: str | None = None
    #: The semantic model to update
    power_bi_model: PowerBiModel | None = None
    #: Whether the model should be refreshed after the update
    refresh_after_update: bool | None = None
    #: The tables to be exported to Power BI
    tables: list[PowerBiTable] | None = None
    #: The SQL warehouse ID to use as the Power BI data source
    warehouse_id: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class PythonOperatorTask(Model):
    """The task runs a Python operator task."""

    #: Fully qualified name of the main class or function.
    main: str | None = None
    #: An ordered list of task parameters.
    parameters: list[PythonOperatorTaskParameter] | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class PythonOperatorTaskParameter(Model):
    """An ordered list of task parameters."""

    name: str | None = None
    value: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class PythonWheelTask(Model):
    """The task runs a Python wheel when the `python_wheel_task` field is present."""

    #: Named entry point to use, if it does not exist in the metadata of the package it executes
    #: the function from the package directly using `$packageName.$entryPoint()`
    entry_point: str
    #: Name of the package to execute
    package_name: str
    #: Command-line parameters passed to Python wheel task in the form of `["--name=task", "--
    #: data=dbfs:/path/to/data.json"]`.
    named_parameters: dict[str, str] | None = None
    #: Command-line parameters passed to Python wheel task.
    parameters: list[str] | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class QualifiedName(Model):
    """Output destination table."""

    #: Unity Catalog catalog.
    catalog: str | None = None
    #: Unity Catalog schema, within the catalog.
    schema: str | None = None
    #: Table, within the catalog and schema.
    table: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class RunJobTask(Model):
    """The task triggers another job when the `run_job_task` field is present."""

    #: ID of the job to trigger.
    job_id: Int64
    #: An array of commands to execute for jobs with the dbt task, for example `"dbt_commands":
    #: ["dbt deps", "dbt seed", "dbt deps", "dbt seed", "dbt run"]`
    dbt_commands: list[str] | None = None
    #: A list of parameters for jobs with Spark JAR tasks, for example `"jar_params": ["john
    #: doe", "35"]`.
    jar_params: list[str] | None = None
    #: Job-level parameters used to trigger the job.
    job_parameters: dict[str, str] | None = None
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
class SparkJarTask(Model):
    """The task runs a JAR when the `spark_jar_task` field is present."""

    #: Deprecated since 04/2016.
    jar_uri: str | None = None
    #: The full name of the class containing the main method to be executed.
    main_class_name: str | None = None
    #: Parameters passed to the main method.
    parameters: list[str] | None = None
    #: Deprecated.
    run_as_repl: bool | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class SparkPythonTask(Model):
    """The task runs a Python file when the `spark_python_task` field is present."""

    #: The Python file to be executed.
    python_file: str
    #: Command line parameters passed to the Python file.
    parameters: list[str] | None = None
    #: Optional location type of the Python file.
    source: Source | str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class SparkSubmitTask(Model):
    """Spark submit task."""

    #: Command-line parameters passed to spark submit.
    parameters: list[str] | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class SqlTask(Model):
    """Sql task."""

    #: The canonical identifier of the SQL warehouse.
    warehouse_id: str
    #: If alert, indicates that this job must refresh a SQL alert.
    alert: SqlTaskAlert | None = None
    #: If dashboard, indicates that this job must refresh a SQL dashboard.
    dashboard: SqlTaskDashboard | None = None
    #: If file, indicates that this job runs a SQL file in a remote Git repository.
    file: SqlTaskFile | None = None
    #: Parameters to be used for each run of this job.
    parameters: dict[str, str] | None = None
    #: If query, indicates that this job must execute a SQL query.
    query: SqlTaskQuery | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class SqlTaskAlert(Model):
    """If alert, indicates that this job must refresh a SQL alert."""

    #: The canonical identifier of the SQL alert.
    alert_id: str
    #: If true, the alert notifications are not sent to subscribers.
    pause_subscriptions: bool | None = None
    #: If specified, alert notifications are sent to subscribers.
    subscriptions: list[SqlTaskSubscription] | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class SqlTaskDashboard(Model):
    """If dashboard, indicates that this job must refresh a SQL dashboard."""

    #: The canonical identifier of the SQL dashboard.
    dashboard_id: str
    #: Subject of the email sent to subscribers of this task.
    custom_subject: str | None = None
    #: If true, the dashboard snapshot is not taken, and emails are not sent to subscribers.
    pause_subscriptions: bool | None = None
    #: If specified, dashboard snapshots are sent to subscriptions.
    subscriptions: list[SqlTaskSubscription] | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class SqlTaskFile(Model):
    """If file, indicates that this job runs a SQL file in a remote Git repository."""

    #: Path of the SQL file.
    path: str
    #: Optional location type of the SQL file.
    source: Source | str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class SqlTaskQuery(Model):
    """If query, indicates that this job must execute a SQL query."""

    #: The canonical identifier of the SQL query.
    query_id: str
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class SqlTaskSubscription(Model):
    """If specified, alert notifications are sent to subscribers."""

    #: The canonical identifier of the destination to receive email notification.
    destination_id: str | None = None
    #: The user name to receive the subscription email.
    user_name: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class SubmitTask(Model):
    """A task of a one-time run (runs/submit)."""

    #: A unique name for the task.
    task_key: str
    #: Applies an AI function to a set of input documents or rows.
    ai_function_task: AiFunctionTask | None = None
    #: The task runs a multi-gpu compute workload on Databricks AI Runtime.
    ai_runtime_task: AiRuntimeTask | None = None
    #: The task evaluates a Databricks alert and sends notifications to subscribers when the
    #: `alert_task` field is present.
    alert_task: AlertTask | None = None
    #: The task runs a `clean rooms <https://docs.databricks.com/clean-rooms/index.html>`__
    #: notebook when the `clean_rooms_notebook_task` field is present.
    clean_rooms_notebook_task: CleanRoomsNotebookTask | None = None
    #: Task level compute configuration.
    compute: Compute | None = None
    #: The task evaluates a condition that can be used to control the execution of other tasks
    #: when the `condition_task` field is present.
    condition_task: ConditionTask | None = None
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
    #: An optional set of email addresses notified when the task run begins or completes.
    email_notifications: JobEmailNotifications | None = None
    #: The key that references an environment spec in a job.
    environment_key: str | None = None
    #: Reference to a `JobEnvironmentVariables` entry defined in
    #: `RunSettings.environment_variables` for one-time runs or preserved in
    #: `Run.environment_variables` for run snapshots.
    environment_variables_key: str | None = None
    #: If existing_cluster_id, the ID of an existing cluster that is used for all runs.
    existing_cluster_id: str | None = None
    #: The task executes a nested task for every input provided when the `for_each_task` field
    #: is present.
    for_each_task: ForEachTask | None = None
    gen_ai_compute_task: GenAiComputeTask | None = None
    health: JobsHealthRules | None = None
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
    #: An optional policy to specify whether to retry a job when it times out.
    retry_on_timeout: bool | None = None
    #: An optional value indicating the condition that determines whether the task should be run
    #: once its dependencies have been completed.
    run_if: RunIf | str | None = None
    #: The task triggers another job when the `run_job_task` field is present.
    run_job_task: RunJobTask | None = None
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
    #: An optional timeout applied to each run of this job task.
    timeout_seconds: int | None = None
    #: A collection of system notification IDs to notify when the run begins or completes.
    webhook_notifications: WebhookNotifications | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class Subscription(Model):
    """Optional: subscription configuration for sending the dashboard snapshot."""

    #: Optional: The configuration for the files attached to the dashboard snapshot
    #: notification.
    attachment: SubscriptionAttachment | None = None
    #: Optional: Allows users to specify a custom subject line on the email sent to subscribers.
    custom_subject: str | None = None
    #: When true, the subscription will not send emails.
    paused: bool | None = None
    #: The list of subscribers to send the snapshot of the dashboard to.
    subscribers: list[SubscriptionSubscriber] | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class SubscriptionAttachment(Model):
    """Subscription attachment."""

    #: Optional: The configuration for the underlying data of dashboard widgets attached as
    #: tabular data files.
    data_attachment: SubscriptionAttachmentDataAttachment | None = None
    #: Optional: The selection of dashboard pages included in the attached PDF.
    page_attachment: SubscriptionAttachmentPageAttachment | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class SubscriptionAttachmentDataAttachment(Model):
    """Subscription attachment data attachment."""

    #: The file format of the exported tabular data files.
    file_format: SubscriptionAttachmentDataAttachmentFileFormat | str
    #: The widgets whose underlying data is exported.
    widgets: list[SubscriptionAttachmentDataAttachmentWidget]
    #: When true, the dashboard's applied filter values are included alongside the tabular data
    #: as an additional attached file.
    include_applied_filters: bool | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class SubscriptionAttachmentDataAttachmentWidget(Model):
    """The widgets whose underlying data is exported."""

    #: The URL identifier of the page containing the widget.
    page_id: str
    #: The URL identifier of the widget.
    widget_id: str
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class SubscriptionAttachmentPageAttachment(Model):
    """Optional: The selection of dashboard pages included in the attached PDF."""

    #: The identifiers of the pages to include in the PDF.
    page_ids: list[str] | None = None
    #: How the attached pages are selected.
    page_selection: SubscriptionAttachmentPageAttachmentPageSelection | str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class SubscriptionSubscriber(Model):
    """The list of subscribers to send the snapshot of the dashboard to."""

    #: A snapshot of the dashboard will be sent to the destination when the `destination_id`
    #: field is present.
    destination_id: str | None = None
    #: A snapshot of the dashboard will be sent to the user's email when the `user_name` field
    #: is present.
    user_name: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class Task(Model):
    """A task of a job: a key, exactly one task kind, at most one compute choice."""

    #: A unique name for the task.
    task_key: str
    #: Applies an AI function to a set of input documents or rows.
    ai_function_task: AiFunctionTask | None = None
    #: The task runs a multi-gpu compute workload on Databricks AI Runtime.
    ai_runtime_task: AiRuntimeTask | None = None
    #: The task evaluates a Databricks alert and sends notifications to subscribers when the
    #: `alert_task` field is present.
    alert_task: AlertTask | None = None
    #: The task runs a `clean rooms <https://docs.databricks.com/clean-rooms/index.html>`__
    #: notebook when the `clean_rooms_notebook_task` field is present.
    clean_rooms_notebook_task: CleanRoomsNotebookTask | None = None
    #: Task level compute configuration.
    compute: Compute | None = None
    #: The task evaluates a condition that can be used to control the execution of other tasks
    #: when the `condition_task` field is present.
    condition_task: ConditionTask | None = None
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
    #: An optional set of email addresses that is notified when runs of this task begin or
    #: complete as well as when this task is deleted.
    email_notifications: TaskEmailNotifications | None = None
    #: The key that references an environment spec in a job.
    environment_key: str | None = None
    #: Reference to a `JobEnvironmentVariables` entry defined in
    #: `JobSettings.environment_variables`.
    environment_variables_key: str | None = None
    #: If existing_cluster_id, the ID of an existing cluster that is used for all runs.
    existing_cluster_id: str | None = None
    #: The task executes a nested task for every input provided when the `for_each_task` field
    #: is present.
    for_each_task: ForEachTask | None = None
    gen_ai_compute_task: GenAiComputeTask | None = None
    health: JobsHealthRules | None = None
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
    #: `email_notifications` and `webhook_notifications` for this task.
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
    #: An optional policy to specify whether to retry a job when it times out.
    retry_on_timeout: bool | None = None
    #: An optional value specifying the condition determining whether the task is run once its
    #: dependencies have been completed.
    run_if: RunIf | str | None = None
    #: The task triggers another job when the `run_job_task` field is present.
    run_job_task: RunJobTask | None = None
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
    #: An optional timeout applied to each run of this job task.
    timeout_seconds: int | None = None
    #: A collection of system notification IDs to notify when runs of this task begin or
    #: complete.
    webhook_notifications: WebhookNotifications | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class TaskDependency(Model):
    """A dependency of a task on another task of the same job."""

    #: The name of the task this task depends on.
    task_key: str
    #: Can only be specified on condition task dependencies.
    outcome: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class VolumeSource(Model):
    """A Unity Catalog volume."""

    #: Unity Catalog volume path to the input files (e.g.
    volume_path: str
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)
