"""Every validation rule, each with the field it names."""

from __future__ import annotations

from typing import Any

import pytest

from databricks_jobs._errors import SpecError
from databricks_jobs._serde import from_dict
from databricks_jobs.models import (
    AutoScale,
    ClusterSpec,
    CreateJob,
    ForEachTask,
    JobCluster,
    JobSettings,
    NotebookTask,
    PipelineTask,
    RepairRun,
    ResetJob,
    RunNow,
    SubmitRun,
    SubmitTask,
    Task,
    UpdateJob,
    check_idempotency_token,
    validate,
)

NB = NotebookTask(notebook_path="/n")


def cluster(**kwargs: Any) -> ClusterSpec:
    base: dict[str, Any] = {"spark_version": "16.4.x-scala2.12", "node_type_id": "m5a.large"}
    base.update(kwargs)
    if "autoscale" not in base and "num_workers" not in base:
        base["num_workers"] = 1
    return ClusterSpec(**base)


def task(key: str, *deps: str, **kwargs: Any) -> Task:
    kwargs.setdefault("notebook_task", NB)
    return Task(task_key=key, depends_on=list(deps) or None, **kwargs)


def good_settings() -> JobSettings:
    return JobSettings(
        name="nightly",
        job_clusters={"shared": cluster()},
        tasks=[
            task("a", job_cluster_key="shared"),
            task("b", "a", job_cluster_key="shared"),
            task(
                "c",
                "a",
                "b",
                new_cluster=cluster(autoscale=AutoScale(min_workers=1, max_workers=4)),
            ),
        ],
        tags={"team": "data"},
    )


def expect(spec: Any, field: str, words: str) -> SpecError:
    with pytest.raises(SpecError) as info:
        validate(spec)
    assert info.value.field == field
    assert words in info.value.message
    return info.value


def test_a_good_spec_passes() -> None:
    validate(good_settings())
    validate(CreateJob(name="x", tasks=good_settings().tasks, job_clusters={"shared": cluster()}))
    validate(SubmitRun(tasks=[SubmitTask(task_key="x", notebook_task=NB, new_cluster=cluster())]))
    validate([task("a"), task("b", "a")])


def test_required_fields() -> None:
    settings = from_dict(JobSettings, {"tasks": [{"task_key": "a", "notebook_task": {}}]})
    expect(settings, "tasks[0].notebook_task.notebook_path", "required")
    no_key = from_dict(JobSettings, {"tasks": [{"notebook_task": {"notebook_path": "/"}}]})
    expect(no_key, "tasks[0].task_key", "required")
    expect(from_dict(RunNow, {}), "job_id", "required")
    expect(
        from_dict(JobSettings, {"job_clusters": [{}]}),
        "job_clusters[0].job_cluster_key",
        "required",
    )


def test_unique_task_keys() -> None:
    spec = JobSettings(tasks=[task("a"), task("b"), task("a")])
    err = expect(spec, "tasks[2].task_key", "used twice")
    assert "tasks[0]" in err.message


def test_depends_on_must_name_existing_tasks() -> None:
    expect(JobSettings(tasks=[task("a"), task("b", "a", "zz")]), "tasks[1].depends_on[1]", "'zz'")


def test_self_dependency() -> None:
    expect(JobSettings(tasks=[task("a", "a")]), "tasks[0].depends_on[0]", "itself")


def test_dependency_cycle_is_named() -> None:
    spec = JobSettings(tasks=[task("x"), task("a", "c"), task("b", "a"), task("c", "b")])
    err = expect(spec, "tasks[1].depends_on", "dependency cycle")
    assert "'a' -> 'c' -> 'b' -> 'a'" in err.message


def test_exactly_one_task_kind() -> None:
    expect(JobSettings(tasks=[Task(task_key="a")]), "tasks[0]", "found: none")
    two = Task(task_key="a", notebook_task=NB, pipeline_task=PipelineTask(pipeline_id="p"))
    expect(JobSettings(tasks=[two]), "tasks[0]", "notebook_task, pipeline_task")


def test_unknown_task_kind_counts_as_a_kind() -> None:
    newer = from_dict(Task, {"task_key": "a", "quantum_task": {"qubits": 3}})
    validate(JobSettings(tasks=[newer]))
    both = from_dict(
        Task, {"task_key": "a", "quantum_task": {}, "notebook_task": {"notebook_path": "/"}}
    )
    expect(JobSettings(tasks=[both]), "tasks[0]", "quantum_task")


def test_at_most_one_compute_choice() -> None:
    spec = JobSettings(
        job_clusters={"shared": cluster()},
        tasks=[task("a", job_cluster_key="shared", existing_cluster_id="0101-abc")],
    )
    err = expect(spec, "tasks[0].job_cluster_key", "at most one compute")
    assert "existing_cluster_id, job_cluster_key" in err.message
    expect(
        JobSettings(tasks=[task("a", environment_key="e", new_cluster=cluster())]),
        "tasks[0].environment_key",
        "new_cluster, environment_key",
    )


def test_job_cluster_key_must_be_defined() -> None:
    spec = JobSettings(job_clusters={"shared": cluster()}, tasks=[task("a", job_cluster_key="x")])
    expect(spec, "tasks[0].job_cluster_key", "'x' is not defined")
    twice = JobSettings(
        job_clusters=[
            JobCluster(job_cluster_key="k", new_cluster=cluster()),
            JobCluster(job_cluster_key="k", new_cluster=cluster()),
        ]
    )
    expect(twice, "job_clusters[1].job_cluster_key", "defined twice")


def test_num_workers_xor_autoscale() -> None:
    both = cluster(num_workers=2, autoscale=AutoScale(min_workers=1, max_workers=2))
    expect(
        JobSettings(job_clusters={"k": both}), "job_clusters[0].new_cluster.autoscale", "not both"
    )
    neither = ClusterSpec(spark_version="x")
    expect(
        JobSettings(tasks=[task("a", new_cluster=neither)]),
        "tasks[0].new_cluster.num_workers",
        "give num_workers or autoscale",
    )
    validate(JobSettings(tasks=[task("a", new_cluster=ClusterSpec(policy_id="p"))]))
    validate(JobSettings(tasks=[task("a", new_cluster=ClusterSpec(is_single_node=True))]))
    validate(JobSettings(tasks=[task("a", new_cluster=ClusterSpec(num_workers=0))]))


@pytest.mark.parametrize(("low", "high"), [(4, 4), (5, 2)])
def test_autoscale_min_below_max(low: int, high: int) -> None:
    spec = JobSettings(
        tasks=[
            task("a", new_cluster=cluster(autoscale=AutoScale(min_workers=low, max_workers=high)))
        ]
    )
    expect(spec, "tasks[0].new_cluster.autoscale.max_workers", "greater than min_workers")


def test_limits() -> None:
    many = JobSettings(tasks=[task(f"t{i}") for i in range(1001)])
    expect(many, "tasks", "at most 1000 tasks")
    validate(JobSettings(tasks=[task(f"t{i}") for i in range(1000)]))
    tags = JobSettings(tags={f"k{i}": "v" for i in range(26)})
    expect(tags, "tags", "at most 25 tags")
    validate(JobSettings(tags={f"k{i}": "v" for i in range(25)}))


def test_idempotency_token() -> None:
    check_idempotency_token("x" * 64)
    check_idempotency_token(None)
    with pytest.raises(SpecError) as info:
        check_idempotency_token("x" * 65, field="token")
    assert info.value.field == "token"
    expect(RunNow(job_id=1, idempotency_token="y" * 65), "idempotency_token", "64")
    expect(SubmitRun(idempotency_token="y" * 65, tasks=[]), "idempotency_token", "got 65")
    validate(RunNow(job_id=1, idempotency_token="y" * 64))


def test_submit_run_tasks_are_checked() -> None:
    spec = SubmitRun(tasks=[SubmitTask(task_key="a", notebook_task=NB, depends_on=["b"])])
    expect(spec, "tasks[0].depends_on[0]", "'b'")
    expect([SubmitTask(task_key="a")], "[0]", "found: none")


def test_reset_and_update_name_the_new_settings() -> None:
    bad = JobSettings(tasks=[task("a", "missing")])
    expect(ResetJob(job_id=1, new_settings=bad), "new_settings.tasks[0].depends_on[0]", "'missing'")
    # an update merges tasks by key into the job: other tasks and clusters may exist there
    validate(
        UpdateJob(
            job_id=1,
            new_settings=JobSettings(
                tasks=[task("a", "elsewhere", job_cluster_key="defined_in_the_job")]
            ),
        )
    )
    expect(
        UpdateJob(job_id=1, new_settings=JobSettings(tasks=[task("a", "a")])),
        "new_settings.tasks[0].depends_on[0]",
        "itself",
    )


def test_repair_rerun_choice() -> None:
    expect(
        RepairRun(run_id=1, rerun_tasks=["a"], rerun_all_failed_tasks=True),
        "rerun_tasks",
        "not both",
    )
    validate(RepairRun(run_id=1, rerun_tasks=["a"]))


def test_for_each_inner_task_is_checked() -> None:
    inner = Task(task_key="inner")
    outer = Task(task_key="a", for_each_task=ForEachTask(inputs="[1]", task=inner))
    expect(JobSettings(tasks=[outer]), "tasks[0].for_each_task.task", "found: none")


def test_validate_refuses_other_objects() -> None:
    with pytest.raises(TypeError):
        validate(NB)  # type: ignore[arg-type]


def test_validation_never_runs_on_decode() -> None:
    payload = {
        "tasks": [{"task_key": "a", "depends_on": [{"task_key": "a"}]}],
        "tags": {f"k{i}": "v" for i in range(30)},
    }
    assert from_dict(JobSettings, payload).tasks is not None
