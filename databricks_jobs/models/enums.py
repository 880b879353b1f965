"""Open enums of the Jobs API: known values as `StrEnum` members.

A field typed ``TheEnum | str`` holds a member for a value this release knows and the
plain string for any other value, which is written back unchanged. Members compare
equal to their plain strings: ``RunResultState.SUCCESS == "SUCCESS"``.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "AiExtractFunctionMode",
    "AiParseDocumentFunctionDescriptionElementType",
    "AiRuntimeTaskPriorityClass",
    "AlertEvaluationState",
    "AuthenticationMethod",
    "AwsAvailability",
    "AzureAvailability",
    "CleanRoomTaskRunLifeCycleState",
    "CleanRoomTaskRunResultState",
    "ComputeSpecAcceleratorType",
    "Condition",
    "ConditionTaskOp",
    "ConfidentialComputeType",
    "DataSecurityMode",
    "DayOfWeek",
    "DbtPlatformRunStatus",
    "DependencyMode",
    "EbsVolumeType",
    "Format",
    "GcpAvailability",
    "GitProvider",
    "HardwareAcceleratorType",
    "JobCompletionTriggerConfigurationIfStatus",
    "JobDeploymentKind",
    "JobEditMode",
    "JobPermissionLevel",
    "JobSourceDirtyState",
    "JobsHealthMetric",
    "JobsHealthOperator",
    "Kind",
    "ModelTriggerConfigurationCondition",
    "PauseStatus",
    "PerformanceTarget",
    "PeriodicTriggerConfigurationTimeUnit",
    "QueueDetailsCodeCode",
    "RepairHistoryItemType",
    "RunIf",
    "RunLifeCycleState",
    "RunLifecycleStateV2State",
    "RunResultState",
    "RunType",
    "RuntimeEngine",
    "Source",
    "SqlAlertState",
    "SqlConditionTriggerMode",
    "SqlDashboardWidgetOutputStatus",
    "StorageMode",
    "SubscriptionAttachmentDataAttachmentFileFormat",
    "SubscriptionAttachmentPageAttachmentPageSelection",
    "TaskRetryMode",
    "TerminationCodeCode",
    "TerminationTypeType",
    "TriggerType",
    "ViewType",
    "ViewsToExport",
]


class AiExtractFunctionMode(StrEnum):
    """Ai extract function mode."""

    MODE_PRECISION = "MODE_PRECISION"


class AiParseDocumentFunctionDescriptionElementType(StrEnum):
    """Ai parse document function description element type."""

    DESCRIPTION_ELEMENT_TYPE_ALL = "DESCRIPTION_ELEMENT_TYPE_ALL"
    DESCRIPTION_ELEMENT_TYPE_FIGURE = "DESCRIPTION_ELEMENT_TYPE_FIGURE"


class AiRuntimeTaskPriorityClass(StrEnum):
    """Ai runtime task priority class."""

    BEST_EFFORT = "BEST_EFFORT"
    NORMAL = "NORMAL"


class AlertEvaluationState(StrEnum):
    """Alert evaluation state."""

    ERROR = "ERROR"
    OK = "OK"
    TRIGGERED = "TRIGGERED"
    UNKNOWN = "UNKNOWN"


class AuthenticationMethod(StrEnum):
    """Authentication method."""

    OAUTH = "OAUTH"
    PAT = "PAT"


class AwsAvailability(StrEnum):
    """Aws availability."""

    ON_DEMAND = "ON_DEMAND"
    SPOT = "SPOT"
    SPOT_WITH_FALLBACK = "SPOT_WITH_FALLBACK"


class AzureAvailability(StrEnum):
    """Azure availability."""

    ON_DEMAND_AZURE = "ON_DEMAND_AZURE"
    SPOT_AZURE = "SPOT_AZURE"
    SPOT_WITH_FALLBACK_AZURE = "SPOT_WITH_FALLBACK_AZURE"


class CleanRoomTaskRunLifeCycleState(StrEnum):
    """Clean room task run life cycle state."""

    BLOCKED = "BLOCKED"
    INTERNAL_ERROR = "INTERNAL_ERROR"
    PENDING = "PENDING"
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    RUN_LIFE_CYCLE_STATE_UNSPECIFIED = "RUN_LIFE_CYCLE_STATE_UNSPECIFIED"
    SKIPPED = "SKIPPED"
    TERMINATED = "TERMINATED"
    TERMINATING = "TERMINATING"
    WAITING_FOR_RETRY = "WAITING_FOR_RETRY"


class CleanRoomTaskRunResultState(StrEnum):
    """Clean room task run result state."""

    CANCELED = "CANCELED"
    DISABLED = "DISABLED"
    EVICTED = "EVICTED"
    EXCLUDED = "EXCLUDED"
    FAILED = "FAILED"
    MAXIMUM_CONCURRENT_RUNS_REACHED = "MAXIMUM_CONCURRENT_RUNS_REACHED"
    RUN_RESULT_STATE_UNSPECIFIED = "RUN_RESULT_STATE_UNSPECIFIED"
    SUCCESS = "SUCCESS"
    SUCCESS_WITH_FAILURES = "SUCCESS_WITH_FAILURES"
    TIMEDOUT = "TIMEDOUT"
    UPSTREAM_CANCELED = "UPSTREAM_CANCELED"
    UPSTREAM_EVICTED = "UPSTREAM_EVICTED"
    UPSTREAM_FAILED = "UPSTREAM_FAILED"


class ComputeSpecAcceleratorType(StrEnum):
    """Compute spec accelerator type."""

    GPU_1XA10 = "GPU_1xA10"
    GPU_1XH100 = "GPU_1xH100"
    GPU_8XB300 = "GPU_8xB300"
    GPU_8XH100 = "GPU_8xH100"


class Condition(StrEnum):
    """Condition."""

    ALL_UPDATED = "ALL_UPDATED"
    ANY_UPDATED = "ANY_UPDATED"


class ConditionTaskOp(StrEnum):
    """Condition task op."""

    EQUAL_TO = "EQUAL_TO"
    GREATER_THAN = "GREATER_THAN"
    GREATER_THAN_OR_EQUAL = "GREATER_THAN_OR_EQUAL"
    LESS_THAN = "LESS_THAN"
    LESS_THAN_OR_EQUAL = "LESS_THAN_OR_EQUAL"
    NOT_EQUAL = "NOT_EQUAL"


class ConfidentialComputeType(StrEnum):
    """Confidential compute type."""

    CONFIDENTIAL_COMPUTE_TYPE_NONE = "CONFIDENTIAL_COMPUTE_TYPE_NONE"
    SEV_SNP = "SEV_SNP"


class DataSecurityMode(StrEnum):
    """Data security mode."""

    DATA_SECURITY_MODE_AUTO = "DATA_SECURITY_MODE_AUTO"
    DATA_SECURITY_MODE_DEDICATED = "DATA_SECURITY_MODE_DEDICATED"
    DATA_SECURITY_MODE_STANDARD = "DATA_SECURITY_MODE_STANDARD"
    LEGACY_PASSTHROUGH = "LEGACY_PASSTHROUGH"
    LEGACY_SINGLE_USER = "LEGACY_SINGLE_USER"
    LEGACY_SINGLE_USER_STANDARD = "LEGACY_SINGLE_USER_STANDARD"
    LEGACY_TABLE_ACL = "LEGACY_TABLE_ACL"
    NONE = "NONE"
    SINGLE_USER = "SINGLE_USER"
    USER_ISOLATION = "USER_ISOLATION"


class DayOfWeek(StrEnum):
    """Day of week."""

    FRIDAY = "FRIDAY"
    MONDAY = "MONDAY"
    SATURDAY = "SATURDAY"
    SUNDAY = "SUNDAY"
    THURSDAY = "THURSDAY"
    TUESDAY = "TUESDAY"
    WEDNESDAY = "WEDNESDAY"


class DbtPlatformRunStatus(StrEnum):
    """Dbt platform run status."""

    CANCELLED = "CANCELLED"
    ERROR = "ERROR"
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    STARTING = "STARTING"
    SUCCESS = "SUCCESS"


class DependencyMode(StrEnum):
    """Dependency mode."""

    DEPENDENCY_MODE_AUTO = "DEPENDENCY_MODE_AUTO"
    DEPENDENCY_MODE_CLUSTER_LIBRARIES = "DEPENDENCY_MODE_CLUSTER_LIBRARIES"
    DEPENDENCY_MODE_ENVIRONMENTS = "DEPENDENCY_MODE_ENVIRONMENTS"


class EbsVolumeType(StrEnum):
    """Ebs volume type."""

    GENERAL_PURPOSE_SSD = "GENERAL_PURPOSE_SSD"
    THROUGHPUT_OPTIMIZED_HDD = "THROUGHPUT_OPTIMIZED_HDD"


class Format(StrEnum):
    """Format."""

    MULTI_TASK = "MULTI_TASK"
    SINGLE_TASK = "SINGLE_TASK"


class GcpAvailability(StrEnum):
    """Gcp availability."""

    ON_DEMAND_GCP = "ON_DEMAND_GCP"
    PREEMPTIBLE_GCP = "PREEMPTIBLE_GCP"
    PREEMPTIBLE_WITH_FALLBACK_GCP = "PREEMPTIBLE_WITH_FALLBACK_GCP"


class GitProvider(StrEnum):
    """Git provider."""

    AWSCODECOMMIT = "awsCodeCommit"
    AZUREDEVOPSSERVICES = "azureDevOpsServices"
    BITBUCKETCLOUD = "bitbucketCloud"
    BITBUCKETSERVER = "bitbucketServer"
    GITHUB = "gitHub"
    GITHUBENTERPRISE = "gitHubEnterprise"
    GITLAB = "gitLab"
    GITLABENTERPRISEEDITION = "gitLabEnterpriseEdition"


class HardwareAcceleratorType(StrEnum):
    """Hardware accelerator type."""

    GPU_1XA10 = "GPU_1xA10"
    GPU_1XH100 = "GPU_1xH100"
    GPU_8XB300 = "GPU_8xB300"
    GPU_8XH100 = "GPU_8xH100"


class JobCompletionTriggerConfigurationIfStatus(StrEnum):
    """Job completion trigger configuration if status."""

    DONE = "DONE"
    FAILED = "FAILED"
    SUCCESS = "SUCCESS"


class JobDeploymentKind(StrEnum):
    """Job deployment kind."""

    BUNDLE = "BUNDLE"
    SYSTEM_MANAGED = "SYSTEM_MANAGED"


class JobEditMode(StrEnum):
    """Job edit mode."""

    EDITABLE = "EDITABLE"
    UI_LOCKED = "UI_LOCKED"


class JobPermissionLevel(StrEnum):
    """Job permission level."""

    CAN_MANAGE = "CAN_MANAGE"
    CAN_MANAGE_RUN = "CAN_MANAGE_RUN"
    CAN_VIEW = "CAN_VIEW"
    IS_OWNER = "IS_OWNER"


class JobSourceDirtyState(StrEnum):
    """Job source dirty state."""

    DISCONNECTED = "DISCONNECTED"
    NOT_SYNCED = "NOT_SYNCED"


class JobsHealthMetric(StrEnum):
    """Jobs health metric."""

    RUN_DURATION_SECONDS = "RUN_DURATION_SECONDS"
    STREAMING_BACKLOG_BYTES = "STREAMING_BACKLOG_BYTES"
    STREAMING_BACKLOG_FILES = "STREAMING_BACKLOG_FILES"
    STREAMING_BACKLOG_RECORDS = "STREAMING_BACKLOG_RECORDS"
    STREAMING_BACKLOG_SECONDS = "STREAMING_BACKLOG_SECONDS"


class JobsHealthOperator(StrEnum):
    """Jobs health operator."""

    GREATER_THAN = "GREATER_THAN"


class Kind(StrEnum):
    """Kind."""

    CLASSIC_PREVIEW = "CLASSIC_PREVIEW"


class ModelTriggerConfigurationCondition(StrEnum):
    """Model trigger configuration condition."""

    MODEL_ALIAS_SET = "MODEL_ALIAS_SET"
    MODEL_CREATED = "MODEL_CREATED"
    MODEL_VERSION_READY = "MODEL_VERSION_READY"


class PauseStatus(StrEnum):
    """Pause status."""

    PAUSED = "PAUSED"
    UNPAUSED = "UNPAUSED"


class PerformanceTarget(StrEnum):
    """Performance target."""

    PERFORMANCE_OPTIMIZED = "PERFORMANCE_OPTIMIZED"
    STANDARD = "STANDARD"


class PeriodicTriggerConfigurationTimeUnit(StrEnum):
    """Periodic trigger configuration time unit."""

    DAYS = "DAYS"
    HOURS = "HOURS"
    MINUTES = "MINUTES"
    WEEKS = "WEEKS"


class QueueDetailsCodeCode(StrEnum):
    """Queue details code code."""

    ACTIVE_RUNS_LIMIT_REACHED = "ACTIVE_RUNS_LIMIT_REACHED"
    ACTIVE_RUN_JOB_TASKS_LIMIT_REACHED = "ACTIVE_RUN_JOB_TASKS_LIMIT_REACHED"
    MAX_CONCURRENT_RUNS_REACHED = "MAX_CONCURRENT_RUNS_REACHED"


class RepairHistoryItemType(StrEnum):
    """Repair history item type."""

    ORIGINAL = "ORIGINAL"
    REPAIR = "REPAIR"


class RunIf(StrEnum):
    """Run if."""

    ALL_DONE = "ALL_DONE"
    ALL_FAILED = "ALL_FAILED"
    ALL_SUCCESS = "ALL_SUCCESS"
    AT_LEAST_ONE_FAILED = "AT_LEAST_ONE_FAILED"
    AT_LEAST_ONE_SUCCESS = "AT_LEAST_ONE_SUCCESS"
    NONE_FAILED = "NONE_FAILED"


class RunLifeCycleState(StrEnum):
    """Run life cycle state."""

    BLOCKED = "BLOCKED"
    INTERNAL_ERROR = "INTERNAL_ERROR"
    PENDING = "PENDING"
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SKIPPED = "SKIPPED"
    TERMINATED = "TERMINATED"
    TERMINATING = "TERMINATING"
    WAITING_FOR_RETRY = "WAITING_FOR_RETRY"


class RunLifecycleStateV2State(StrEnum):
    """Run lifecycle state v 2 state."""

    BLOCKED = "BLOCKED"
    PENDING = "PENDING"
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    TERMINATED = "TERMINATED"
    TERMINATING = "TERMINATING"
    WAITING = "WAITING"


class RunResultState(StrEnum):
    """Run result state."""

    CANCELED = "CANCELED"
    DISABLED = "DISABLED"
    EXCLUDED = "EXCLUDED"
    FAILED = "FAILED"
    MAXIMUM_CONCURRENT_RUNS_REACHED = "MAXIMUM_CONCURRENT_RUNS_REACHED"
    SUCCESS = "SUCCESS"
    SUCCESS_WITH_FAILURES = "SUCCESS_WITH_FAILURES"
    TIMEDOUT = "TIMEDOUT"
    UPSTREAM_CANCELED = "UPSTREAM_CANCELED"
    UPSTREAM_FAILED = "UPSTREAM_FAILED"


class RunType(StrEnum):
    """Run type."""

    JOB_RUN = "JOB_RUN"
    SUBMIT_RUN = "SUBMIT_RUN"
    WORKFLOW_RUN = "WORKFLOW_RUN"


class RuntimeEngine(StrEnum):
    """Runtime engine."""

    NULL = "NULL"
    PHOTON = "PHOTON"
    STANDARD = "STANDARD"


class Source(StrEnum):
    """Source."""

    GIT = "GIT"
    WORKSPACE = "WORKSPACE"


class SqlAlertState(StrEnum):
    """Sql alert state."""

    OK = "OK"
    TRIGGERED = "TRIGGERED"
    UNKNOWN = "UNKNOWN"


class SqlConditionTriggerMode(StrEnum):
    """Sql condition trigger mode."""

    QUERY_RETURNS_ROWS = "QUERY_RETURNS_ROWS"
    RESULT_VALUE_CHANGES = "RESULT_VALUE_CHANGES"


class SqlDashboardWidgetOutputStatus(StrEnum):
    """Sql dashboard widget output status."""

    CANCELLED = "CANCELLED"
    FAILED = "FAILED"
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    SUCCESS = "SUCCESS"


class StorageMode(StrEnum):
    """Storage mode."""

    DIRECT_QUERY = "DIRECT_QUERY"
    DUAL = "DUAL"
    IMPORT = "IMPORT"


class SubscriptionAttachmentDataAttachmentFileFormat(StrEnum):
    """Subscription attachment data attachment file format."""

    FILE_FORMAT_CSV = "FILE_FORMAT_CSV"
    FILE_FORMAT_EXCEL = "FILE_FORMAT_EXCEL"
    FILE_FORMAT_TSV = "FILE_FORMAT_TSV"


class SubscriptionAttachmentPageAttachmentPageSelection(StrEnum):
    """Subscription attachment page attachment page selection."""

    PAGE_SELECTION_ALL = "PAGE_SELECTION_ALL"
    PAGE_SELECTION_SUBSET = "PAGE_SELECTION_SUBSET"


class TaskRetryMode(StrEnum):
    """Task retry mode."""

    NEVER = "NEVER"
    ON_FAILURE = "ON_FAILURE"


class TerminationCodeCode(StrEnum):
    """Termination code code."""

    BREAKING_CHANGE = "BREAKING_CHANGE"
    BUDGET_POLICY_LIMIT_EXCEEDED = "BUDGET_POLICY_LIMIT_EXCEEDED"
    CANCELED = "CANCELED"
    CLOUD_FAILURE = "CLOUD_FAILURE"
    CLUSTER_ERROR = "CLUSTER_ERROR"
    CLUSTER_REQUEST_LIMIT_EXCEEDED = "CLUSTER_REQUEST_LIMIT_EXCEEDED"
    DISABLED = "DISABLED"
    DRIVER_ERROR = "DRIVER_ERROR"
    FEATURE_DISABLED = "FEATURE_DISABLED"
    INTERNAL_ERROR = "INTERNAL_ERROR"
    INVALID_CLUSTER_REQUEST = "INVALID_CLUSTER_REQUEST"
    INVALID_RUN_CONFIGURATION = "INVALID_RUN_CONFIGURATION"
    LIBRARY_INSTALLATION_ERROR = "LIBRARY_INSTALLATION_ERROR"
    MAX_CONCURRENT_RUNS_EXCEEDED = "MAX_CONCURRENT_RUNS_EXCEEDED"
    MAX_JOB_QUEUE_SIZE_EXCEEDED = "MAX_JOB_QUEUE_SIZE_EXCEEDED"
    MAX_SPARK_CONTEXTS_EXCEEDED = "MAX_SPARK_CONTEXTS_EXCEEDED"
    REPOSITORY_CHECKOUT_FAILED = "REPOSITORY_CHECKOUT_FAILED"
    RESOURCE_NOT_FOUND = "RESOURCE_NOT_FOUND"
    RUN_EXECUTION_ERROR = "RUN_EXECUTION_ERROR"
    SKIPPED = "SKIPPED"
    STORAGE_ACCESS_ERROR = "STORAGE_ACCESS_ERROR"
    SUCCESS = "SUCCESS"
    SUCCESS_WITH_FAILURES = "SUCCESS_WITH_FAILURES"
    UNAUTHORIZED_ERROR = "UNAUTHORIZED_ERROR"
    USER_CANCELED = "USER_CANCELED"
    WORKSPACE_RUN_LIMIT_EXCEEDED = "WORKSPACE_RUN_LIMIT_EXCEEDED"


class TerminationTypeType(StrEnum):
    """Termination type type."""

    CLIENT_ERROR = "CLIENT_ERROR"
    CLOUD_FAILURE = "CLOUD_FAILURE"
    INTERNAL_ERROR = "INTERNAL_ERROR"
    SUCCESS = "SUCCESS"


class TriggerType(StrEnum):
    """Trigger type."""

    CONTINUOUS = "CONTINUOUS"
    CONTINUOUS_RESTART = "CONTINUOUS_RESTART"
    FILE_ARRIVAL = "FILE_ARRIVAL"
    JOB_COMPLETION = "JOB_COMPLETION"
    ONE_TIME = "ONE_TIME"
    PERIODIC = "PERIODIC"
    RETRY = "RETRY"
    RUN_JOB_TASK = "RUN_JOB_TASK"
    TABLE = "TABLE"


class ViewType(StrEnum):
    """View type."""

    DASHBOARD = "DASHBOARD"
    NOTEBOOK = "NOTEBOOK"


class ViewsToExport(StrEnum):
    """Views to export."""

    ALL = "ALL"
    CODE = "CODE"
    DASHBOARDS = "DASHBOARDS"
