"""How the models map to the wire reference (`jobs_api_types.json`), with a reason each.

The coverage test (tests/models/test_coverage.py) and tools/gen_models.py read these tables.
"""

from __future__ import annotations

from typing import Final

__all__ = ["ADDED_FIELDS", "EXCLUDED_FIELDS", "EXCLUDED_TYPES", "RENAMES", "TYPE_MAPPINGS"]

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
