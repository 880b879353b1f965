"""Small job specs the resource tests share."""

from __future__ import annotations

from databricks_jobs.models import ClusterSpec, JobSettings, NotebookTask, Task

CLUSTER = ClusterSpec(spark_version="16.4.x-scala2.12", node_type_id="m5a.large", num_workers=1)


def notebook(key: str, *deps: str) -> Task:
    return Task(
        task_key=key,
        notebook_task=NotebookTask(notebook_path=f"/jobs/{key}"),
        job_cluster_key="shared",
        depends_on=list(deps) or None,
    )


def two_task_job(name: str = "nightly") -> JobSettings:
    return JobSettings(
        name=name,
        job_clusters={"shared": CLUSTER},
        tasks=[notebook("a"), notebook("b", "a")],
    )
