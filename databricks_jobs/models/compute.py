"""Compute: cluster definitions, cloud attributes, init scripts, libraries."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from databricks_jobs.models._base import Model
from databricks_jobs.models.enums import (
    AwsAvailability,
    AzureAvailability,
    ComputeSpecAcceleratorType,
    ConfidentialComputeType,
    DataSecurityMode,
    DependencyMode,
    EbsVolumeType,
    GcpAvailability,
    HardwareAcceleratorType,
    Kind,
    RuntimeEngine,
)

__all__ = [
    "Adlsgen2Info",
    "AutoScale",
    "AwsAttributes",
    "AzureAttributes",
    "ClientsTypes",
    "ClusterInstance",
    "ClusterLogConf",
    "ClusterSpec",
    "Compute",
    "ComputeConfig",
    "ComputeSpec",
    "DbfsStorageInfo",
    "DockerBasicAuth",
    "DockerImage",
    "Environment",
    "GcpAttributes",
    "GcsStorageInfo",
    "InitScriptInfo",
    "JobCluster",
    "JobClusterServerlessCompute",
    "JobEnvironment",
    "JobEnvironmentVariables",
    "JobEnvironmentVariablesSpec",
    "Library",
    "LocalFileInfo",
    "LogAnalyticsInfo",
    "MavenLibrary",
    "NodeTypeFlexibility",
    "PythonPyPiLibrary",
    "RCranLibrary",
    "RunClusterSpec",
    "S3StorageInfo",
    "VolumesStorageInfo",
    "WorkloadType",
    "WorkspaceStorageInfo",
    "to_job_clusters",
]


def to_job_clusters(
    value: Mapping[str, ClusterSpec] | Iterable[JobCluster] | None,
) -> list[JobCluster] | None:
    """Accept a mapping of job cluster key to cluster definition as well as a list."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        return [JobCluster(job_cluster_key=k, new_cluster=c) for k, c in value.items()]
    return list(value)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class Adlsgen2Info(Model):
    """Adlsgen 2 info."""

    #: abfss destination, e.g.
    destination: str
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class AutoScale(Model):
    """Parameters needed in order to automatically scale clusters up and down based on load."""

    #: The maximum number of workers to which the cluster can scale up when overloaded.
    max_workers: int | None = None
    #: The minimum number of workers to which the cluster can scale down when underutilized.
    min_workers: int | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class AwsAttributes(Model):
    """Attributes related to clusters running on Amazon Web Services."""

    availability: AwsAvailability | str | None = None
    #: The number of volumes launched for each instance.
    ebs_volume_count: int | None = None
    #: If using gp3 volumes, what IOPS to use for the disk.
    ebs_volume_iops: int | None = None
    #: The size of each EBS volume (in GiB) launched for each instance.
    ebs_volume_size: int | None = None
    #: If using gp3 volumes, what throughput to use for the disk.
    ebs_volume_throughput: int | None = None
    #: The type of EBS volumes that will be launched with this cluster.
    ebs_volume_type: EbsVolumeType | str | None = None
    #: The first `first_on_demand` nodes of the cluster will be placed on on-demand instances.
    first_on_demand: int | None = None
    #: Nodes for this cluster will only be placed on AWS instances with this instance profile.
    instance_profile_arn: str | None = None
    #: The bid price for AWS spot instances, as a percentage of the corresponding instance
    #: type's on-demand price.
    spot_bid_price_percent: int | None = None
    #: Identifier for the availability zone/datacenter in which the cluster resides.
    zone_id: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class AzureAttributes(Model):
    """Attributes related to clusters running on Microsoft Azure."""

    #: Availability type used for all subsequent nodes past the `first_on_demand` ones.
    availability: AzureAvailability | str | None = None
    #: The Azure capacity reservation group resource ID to use for launching VMs.
    capacity_reservation_group: str | None = None
    #: The first `first_on_demand` nodes of the cluster will be placed on on-demand instances.
    first_on_demand: int | None = None
    #: Defines values necessary to configure and run Azure Log Analytics agent
    log_analytics_info: LogAnalyticsInfo | None = None
    #: The max bid price to be used for Azure spot instances.
    spot_bid_max_price: float | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class ClientsTypes(Model):
    """Clients types."""

    #: With jobs set, the cluster can be used for jobs
    jobs: bool | None = None
    #: With notebooks set, this cluster can be used for notebooks
    notebooks: bool | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class ClusterInstance(Model):
    """The cluster used for this run."""

    #: The canonical identifier for the cluster used by a run.
    cluster_id: str | None = None
    #: The canonical identifier for the Spark context used by a run.
    spark_context_id: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class ClusterLogConf(Model):
    """The configuration for delivering spark logs to a long-term storage destination."""

    #: destination needs to be provided.
    dbfs: DbfsStorageInfo | None = None
    #: destination and either the region or endpoint need to be provided.
    s3: S3StorageInfo | None = None
    #: destination needs to be provided, e.g.
    volumes: VolumesStorageInfo | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class ClusterSpec(Model):
    """A cluster definition, what ``new_cluster`` holds: spark_version, node_type_id, ..."""

    #: When set to true, fixed and default values from the policy will be used for fields that
    #: are omitted.
    apply_policy_default_values: bool | None = None
    #: Parameters needed in order to automatically scale clusters up and down based on load.
    autoscale: AutoScale | None = None
    #: Automatically terminates the cluster after it is inactive for this time in minutes.
    autotermination_minutes: int | None = None
    #: Attributes related to clusters running on Amazon Web Services.
    aws_attributes: AwsAttributes | None = None
    #: Attributes related to clusters running on Microsoft Azure.
    azure_attributes: AzureAttributes | None = None
    #: The configuration for delivering spark logs to a long-term storage destination.
    cluster_log_conf: ClusterLogConf | None = None
    #: Cluster name requested by the user.
    cluster_name: str | None = None
    #: Additional tags for cluster resources.
    custom_tags: dict[str, str] | None = None
    data_security_mode: DataSecurityMode | str | None = None
    #: Controls dependency configuration for the cluster.
    dependency_mode: DependencyMode | str | None = None
    #: Custom docker image BYOC
    docker_image: DockerImage | None = None
    #: The optional ID of the instance pool for the driver of the cluster belongs.
    driver_instance_pool_id: str | None = None
    #: Flexible node type configuration for the driver node.
    driver_node_type_flexibility: NodeTypeFlexibility | None = None
    #: The node type of the Spark driver.
    driver_node_type_id: str | None = None
    #: Autoscaling Local Storage: when enabled, this cluster will dynamically acquire additional
    #: disk space when its Spark workers are running low on disk space.
    enable_elastic_disk: bool | None = None
    #: Whether to enable LUKS on cluster VMs' local disks
    enable_local_disk_encryption: bool | None = None
    #: Attributes related to clusters running on Google Cloud Platform.
    gcp_attributes: GcpAttributes | None = None
    #: The configuration for storing init scripts.
    init_scripts: list[InitScriptInfo] | None = None
    #: The optional ID of the instance pool to which the cluster belongs.
    instance_pool_id: str | None = None
    #: This field can only be used when `kind = CLASSIC_PREVIEW`.
    is_single_node: bool | None = None
    kind: Kind | str | None = None
    #: This field encodes, through a single value, the resources available to each of the Spark
    #: nodes in this cluster.
    node_type_id: str | None = None
    #: Number of worker nodes that this cluster should have.
    num_workers: int | None = None
    #: The ID of the cluster policy used to create the cluster if applicable.
    policy_id: str | None = None
    #: If set, what the configurable throughput (in Mb/s) for the remote disk is.
    remote_disk_throughput: int | None = None
    #: Determines the cluster's runtime engine, either standard or Photon.
    runtime_engine: RuntimeEngine | str | None = None
    #: Single user name if data_security_mode is `SINGLE_USER`
    single_user_name: str | None = None
    #: An object containing a set of optional, user-specified Spark configuration key-value
    #: pairs.
    spark_conf: dict[str, str] | None = None
    #: An object containing a set of optional, user-specified environment variable key-value
    #: pairs.
    spark_env_vars: dict[str, str] | None = None
    #: The Spark version of the cluster, e.g.
    spark_version: str | None = None
    #: SSH public key contents that will be added to each Spark node in this cluster.
    ssh_public_keys: list[str] | None = None
    #: If set, what the total initial volume size (in GB) of the remote disks should be.
    total_initial_remote_disk_size: int | None = None
    #: This field can only be used when `kind = CLASSIC_PREVIEW`.
    use_ml_runtime: bool | None = None
    #: Flexible node type configuration for worker nodes.
    worker_node_type_flexibility: NodeTypeFlexibility | None = None
    workload_type: WorkloadType | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class Compute(Model):
    """Task level compute configuration."""

    #: Hardware accelerator configuration for Serverless GPU workloads.
    hardware_accelerator: HardwareAcceleratorType | str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class ComputeConfig(Model):
    """Compute config."""

    #: Number of GPUs.
    num_gpus: int
    #: IDof the GPU pool to use.
    gpu_node_pool_id: str | None = None
    #: GPU type.
    gpu_type: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class ComputeSpec(Model):
    """Compute resources allocated to each node in this deployment."""

    #: Total number of accelerators across all nodes.
    accelerator_count: int
    #: Hardware accelerator type (for example, `GPU_1xA10` or `GPU_8xH100`).
    accelerator_type: ComputeSpecAcceleratorType | str
    #: Optional ID of a pre-provisioned accelerator capacity reservation to run this AI Runtime
    #: workload on.
    provisioned_capacity_id: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class DbfsStorageInfo(Model):
    """Dbfs storage info."""

    #: dbfs destination, e.g.
    destination: str
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class DockerBasicAuth(Model):
    """Docker basic auth."""

    #: Password of the user
    password: str | None = None
    #: Name of the user
    username: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class DockerImage(Model):
    """Docker image."""

    #: Basic auth with username and password
    basic_auth: DockerBasicAuth | None = None
    #: URL of the docker image.
    url: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class Environment(Model):
    """Environment."""

    #: The base environment this environment is built on top of.
    base_environment: str | None = None
    #: Use `environment_version` instead.
    client: str | None = None
    #: List of pip dependencies, as supported by the version of pip in this environment.
    dependencies: list[str] | None = None
    #: The environment version used by this environment.
    environment_version: str | None = None
    #: List of Java dependencies.
    java_dependencies: list[str] | None = None
    #: Path to the `pyproject.toml` file that defines the project environment.
    project_environment: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class GcpAttributes(Model):
    """Attributes related to clusters running on Google Cloud Platform."""

    #: This field determines whether the spark executors will be scheduled to run on preemptible
    #: VMs, on-demand VMs, or preemptible VMs with a fallback to on-demand VMs if the former is
    #: unavailable.
    availability: GcpAvailability | str | None = None
    #: Boot disk size in GB
    boot_disk_size: int | None = None
    #: The confidential computing technology for this cluster's instances.
    confidential_compute_type: ConfidentialComputeType | str | None = None
    #: The first `first_on_demand` nodes of the cluster will be placed on on-demand instances.
    first_on_demand: int | None = None
    #: If provided, the cluster will impersonate the google service account when accessing
    #: gcloud services (like GCS).
    google_service_account: str | None = None
    #: If provided, each node (workers and driver) in the cluster will have this number of local
    #: SSDs attached.
    local_ssd_count: int | None = None
    #: This field determines whether the spark executors will be scheduled to run on preemptible
    #: VMs (when set to true) versus standard compute engine VMs (when set to false; default).
    use_preemptible_executors: bool | None = None
    #: Identifier for the availability zone in which the cluster resides.
    zone_id: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class GcsStorageInfo(Model):
    """Gcs storage info."""

    #: GCS destination/URI, e.g.
    destination: str
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class InitScriptInfo(Model):
    """The configuration for storing init scripts."""

    #: destination needs to be provided, e.g.
    abfss: Adlsgen2Info | None = None
    #: destination needs to be provided.
    dbfs: DbfsStorageInfo | None = None
    #: destination needs to be provided, e.g.
    file: LocalFileInfo | None = None
    #: destination needs to be provided, e.g.
    gcs: GcsStorageInfo | None = None
    #: destination and either the region or endpoint need to be provided.
    s3: S3StorageInfo | None = None
    #: destination needs to be provided.
    volumes: VolumesStorageInfo | None = None
    #: destination needs to be provided, e.g.
    workspace: WorkspaceStorageInfo | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class JobCluster(Model):
    """A cluster shared by the tasks of a job, under a key."""

    #: A unique name for the job cluster.
    job_cluster_key: str
    #: If new_cluster, a description of a cluster that is created for each task.
    new_cluster: ClusterSpec | None = None
    #: Serverless compute settings for this cluster.
    serverless_compute: JobClusterServerlessCompute | None = None
    #: The ID of the serverless compute object to bind this cluster to.
    serverless_compute_id: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class JobClusterServerlessCompute(Model):
    """Serverless compute settings for this cluster."""

    #: The ID of the serverless compute policy to apply to this cluster.
    policy_id: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class JobEnvironment(Model):
    """Job environment."""

    #: The key of an environment.
    environment_key: str
    spec: Environment | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class JobEnvironmentVariables(Model):
    """Job environment variables."""

    #: Identifier for this entry.
    environment_variables_key: str
    #: The environment variable specification.
    spec: JobEnvironmentVariablesSpec | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class JobEnvironmentVariablesSpec(Model):
    """The environment variable specification."""

    #: Workspace (`/Workspace/...`) or UC Volumes (`/Volumes/...`) paths to `.env` files.
    files: list[str] | None = None
    #: Environment variables specified directly as key/value pairs.
    variables: dict[str, str] | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class Library(Model):
    """Library."""

    #: Specification of a CRAN library to be installed as part of the library
    cran: RCranLibrary | None = None
    #: Deprecated.
    egg: str | None = None
    #: URI of the JAR library to install.
    jar: str | None = None
    #: Specification of a maven library to be installed.
    maven: MavenLibrary | None = None
    #: Specification of a PyPi library to be installed.
    pypi: PythonPyPiLibrary | None = None
    #: URI of the requirements.txt file to install.
    requirements: str | None = None
    #: URI of the wheel library to install.
    whl: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class LocalFileInfo(Model):
    """Local file info."""

    #: local file destination, e.g.
    destination: str
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class LogAnalyticsInfo(Model):
    """Log analytics info."""

    log_analytics_primary_key: str | None = None
    log_analytics_workspace_id: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class MavenLibrary(Model):
    """Specification of a maven library to be installed."""

    #: Gradle-style maven coordinates.
    coordinates: str
    #: List of dependences to exclude.
    exclusions: list[str] | None = None
    #: Maven repo to install the Maven package from.
    repo: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class NodeTypeFlexibility(Model):
    """Flexible node type configuration for worker nodes."""

    #: A list of node type IDs to use as fallbacks when the primary node type is unavailable.
    alternate_node_type_ids: list[str] | None = None
    #: The AWS Context ID for EC2 Fleet.
    aws_context_id: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class PythonPyPiLibrary(Model):
    """Specification of a PyPi library to be installed."""

    #: The name of the pypi package to install.
    package: str
    #: The repository where the package can be found.
    repo: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class RCranLibrary(Model):
    """R cran library."""

    #: The name of the CRAN package to install.
    package: str
    #: The repository where the package can be found.
    repo: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class RunClusterSpec(Model):
    """The compute of a run or task run (the jobs ``ClusterSpec`` of the reference)."""

    #: If existing_cluster_id, the ID of an existing cluster that is used for all runs.
    existing_cluster_id: str | None = None
    #: If job_cluster_key, this task is executed reusing the cluster specified in
    #: `job.settings.job_clusters`.
    job_cluster_key: str | None = None
    #: An optional list of libraries to be installed on the cluster.
    libraries: list[Library] | None = None
    #: If new_cluster, a description of a new cluster that is created for each run.
    new_cluster: ClusterSpec | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class S3StorageInfo(Model):
    """S 3 storage info."""

    #: S3 destination, e.g.
    destination: str
    #: (Optional) Set canned access control list for the logs, e.g.
    canned_acl: str | None = None
    #: (Optional) Flag to enable server side encryption, `false` by default.
    enable_encryption: bool | None = None
    #: (Optional) The encryption type, it could be `sse-s3` or `sse-kms`.
    encryption_type: str | None = None
    #: S3 endpoint, e.g.
    endpoint: str | None = None
    #: (Optional) Kms key which will be used if encryption is enabled and encryption type is set
    #: to `sse-kms`.
    kms_key: str | None = None
    #: S3 region, e.g.
    region: str | None = None
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class VolumesStorageInfo(Model):
    """Volumes storage info."""

    #: UC Volumes destination, e.g.
    destination: str
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class WorkloadType(Model):
    """Workload type."""

    #: defined what type of clients can use the cluster.
    clients: ClientsTypes
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(
    kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=attrs.setters.NO_OP
)
class WorkspaceStorageInfo(Model):
    """Workspace storage info."""

    #: wsfs destination, e.g.
    destination: str
    #: Keys this release does not know, and known keys received as null: written back.
    extra: dict[str, Any] = attrs.field(factory=dict)
