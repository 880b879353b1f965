"""How the models map to the wire reference (`jobs_api_types.json`), with a reason each.

The coverage test (tests/models/test_coverage.py) and tools/gen_models.py read these tables.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "ADDED_FIELDS",
    "EXCLUDED_FIELDS",
    "EXCLUDED_TYPES",
    "INT64_FIELDS",
    "RENAMES",
    "TYPE_MAPPINGS",
]

RENAMES: Final[dict[str, tuple[str, str]]] = {
    "compute.ClusterSpec": (
        "ClusterSpec",
        "the cluster definition (spark_version, node_type_id, num_workers, ...) is what users "
        "build and what new_cluster holds, so it gets the plain name",
    ),
    "ClusterSpec": (
        "RunClusterSpec",
        "the jobs ClusterSpec (existing_cluster_id, job_cluster_key, libraries, new_cluster) "
        "only appears on runs and task runs (cluster_spec); it needs a name distinct from the "
        "cluster definition",
    ),
}
"""Reference type name -> (our class name, reason)."""

EXCLUDED_TYPES: Final[dict[str, str]] = {}
"""Reference types deliberately not modelled -> reason. None: every type has a class."""

EXCLUDED_FIELDS: Final[dict[tuple[str, str], str]] = {}
"""(reference type, field) deliberately not modelled -> reason. None."""

TYPE_MAPPINGS: Final[dict[str, tuple[str, str]]] = {
    "google.protobuf.duration_pb2.Duration": (
        "str",
        "a protobuf Duration is a string on the wire ('3.5s'); it is kept as that string",
    ),
    "google.protobuf.timestamp_pb2.Timestamp": (
        "str",
        "a protobuf Timestamp is an RFC 3339 string on the wire; it is kept as that string",
    ),
}
"""Reference field types given another Python type -> (our type, reason)."""

ADDED_FIELDS: Final[dict[str, str]] = {
    "extra": "every model keeps the keys this release does not know here and writes them "
    "back; no reference type has a field named extra",
}
"""Fields every model has that the reference does not list -> reason."""

INT64_FIELDS: Final[frozenset[tuple[str, str]]] = frozenset(
    {
        ("BaseJob", "created_time"),
        ("BaseJob", "job_id"),
        ("BaseRun", "cleanup_duration"),
        ("BaseRun", "end_time"),
        ("BaseRun", "execution_duration"),
        ("BaseRun", "job_id"),
        ("BaseRun", "job_run_id"),
        ("BaseRun", "number_in_job"),
        ("BaseRun", "original_attempt_run_id"),
        ("BaseRun", "queue_duration"),
        ("BaseRun", "run_duration"),
        ("BaseRun", "run_id"),
        ("BaseRun", "setup_duration"),
        ("BaseRun", "start_time"),
        ("ContinuousTriggerState", "next_attempt_ms"),
        ("CreateResponse", "job_id"),
        ("DbtCloudTask", "dbt_cloud_job_id"),
        ("DbtCloudTaskOutput", "dbt_cloud_job_run_id"),
        ("Job", "created_time"),
        ("Job", "job_id"),
        ("JobCompliance", "job_id"),
        ("JobsAPI.cancel_all_runs", "job_id"),
        ("JobsAPI.cancel_run", "run_id"),
        ("JobsAPI.delete", "job_id"),
        ("JobsAPI.delete_run", "run_id"),
        ("JobsAPI.repair_run", "latest_repair_id"),
        ("JobsAPI.repair_run", "run_id"),
        ("JobsAPI.reset", "job_id"),
        ("JobsAPI.run_now", "job_id"),
        ("JobsAPI.update", "job_id"),
        ("JobsHealthRule", "value"),
        ("OutputSchemaInfo", "expiration_time"),
        ("PeriodicTriggerState", "next_run_time"),
        ("PolicyComplianceForJobsAPI.enforce_compliance", "job_id"),
        ("RepairHistoryItem", "end_time"),
        ("RepairHistoryItem", "id"),
        ("RepairHistoryItem", "start_time"),
        ("RepairHistoryItem", "task_run_ids"),
        ("RepairRunResponse", "repair_id"),
        ("Run", "cleanup_duration"),
        ("Run", "end_time"),
        ("Run", "execution_duration"),
        ("Run", "job_id"),
        ("Run", "job_run_id"),
        ("Run", "number_in_job"),
        ("Run", "original_attempt_run_id"),
        ("Run", "queue_duration"),
        ("Run", "run_duration"),
        ("Run", "run_id"),
        ("Run", "setup_duration"),
        ("Run", "start_time"),
        ("RunJobOutput", "run_id"),
        ("RunJobTask", "job_id"),
        ("RunNowResponse", "number_in_job"),
        ("RunNowResponse", "run_id"),
        ("RunTask", "cleanup_duration"),
        ("RunTask", "end_time"),
        ("RunTask", "execution_duration"),
        ("RunTask", "queue_duration"),
        ("RunTask", "run_duration"),
        ("RunTask", "run_id"),
        ("RunTask", "setup_duration"),
        ("RunTask", "start_time"),
        ("SqlDashboardWidgetOutput", "end_time"),
        ("SqlDashboardWidgetOutput", "start_time"),
        ("SubmitRunResponse", "run_id"),
        ("TriggerEvaluation", "run_id"),
        ("TriggerEvaluation", "timestamp"),
        ("TriggerInfo", "run_id"),
    }
)
"""(reference type, or request as ``JobsAPI.method``; field) whose integers are int64.

The reference says only ``int``; the API's OpenAPI description and the official Go SDK
(``service/jobs/model.go`` and ``service/compute/model.go`` of databricks/databricks-sdk-go at
commit 1ff3c785425fbb6ad4c96c50c538231fce761996, Apache-2.0) say which are int64. These
fields are annotated `Int64`: a numeric string received in one (``"123"``, as proto3 JSON
may write an int64) is read as the int. Every other integer field keeps what it received.
"""
