"""Typed user code that must pass ``mypy --strict`` (type-checked, never run by pytest)."""

from __future__ import annotations

from databricks_jobs._serde import from_dict, structure, to_dict
from databricks_jobs.models import (
    AwsAttributes,
    ClusterSpec,
    CronSchedule,
    Job,
    JobCluster,
    JobSettings,
    NotebookTask,
    PauseStatus,
    Run,
    RunResultState,
    SubmitRun,
    SubmitTask,
    Task,
    TaskDependency,
    validate,
)

cluster = ClusterSpec(
    spark_version="16.4.x-scala2.12",
    node_type_id="m5a.large",
    num_workers=2,
    aws_attributes=AwsAttributes(ebs_volume_size=32),
)
settings = JobSettings(
    name="nightly",
    job_clusters=[JobCluster(job_cluster_key="shared", new_cluster=cluster)],
    tasks=[
        Task(
            task_key="a", job_cluster_key="shared", notebook_task=NotebookTask(notebook_path="/n")
        ),
        Task(
            task_key="b",
            job_cluster_key="shared",
            notebook_task=NotebookTask(notebook_path="/n"),
            depends_on=["a", TaskDependency(task_key="a", outcome="true")],
        ),
    ],
    schedule=CronSchedule(
        quartz_cron_expression="0 0 9 * * ?", timezone_id="UTC", pause_status="PAUSED"
    ),
)
by_mapping = JobSettings(job_clusters={"shared": cluster}, tasks=settings.tasks)
validate(settings)
validate(
    SubmitRun(tasks=[SubmitTask(task_key="x", notebook_task=NotebookTask(notebook_path="/n"))])
)
paused: bool = (
    settings.schedule is not None and settings.schedule.pause_status == PauseStatus.PAUSED
)
job: Job = from_dict(Job, {"job_id": 1})
runs: list[Run] = structure([{"run_id": 1}], list[Run])
body: dict[str, object] = to_dict(settings)
ok = runs[0].state is not None and runs[0].state.result_state == RunResultState.SUCCESS
