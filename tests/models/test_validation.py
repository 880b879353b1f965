"""Every validation rule: a refused and an accepted example each, and the field it names.

Refusals (`SpecError`) are for what the service certainly refuses; the rest is a
`SpecWarning` and the spec passes. `passes` turns warnings into failures, so an accepted
example is accepted silently.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from databricks_jobs._errors import SpecError
from databricks_jobs._serde import from_dict, to_dict
from databricks_jobs.models import (
    AutoScale,
    ClusterSpec,
    Compute,
    Continuous,
    CreateJob,
    CronSchedule,
    CronTriggerConfiguration,
    Environment,
    FileArrivalTriggerConfiguration,
    ForEachTask,
    GitSource,
    JobCluster,
    JobEnvironment,
    JobParameterDefinition,
    JobSettings,
    NotebookTask,
    PeriodicTriggerConfiguration,
    PipelineTask,
    RepairRun,
    ResetJob,
    RunNow,
    SpecWarning,
    SqlConditionConfiguration,
    SubmitRun,
    SubmitTask,
    Task,
    TriggerConfiguration,
    TriggerSettings,
    UpdateJob,
    check_idempotency_token,
    check_quartz_cron,
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


@contextmanager
def no_warnings() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("error", SpecWarning)
        yield


def passes(spec: Any) -> None:
    """The spec is accepted without a refusal and without a warning."""
    with no_warnings():
        validate(spec)


def expect(spec: Any, field: str, words: str) -> SpecError:
    with pytest.raises(SpecError) as info:
        validate(spec)
    assert info.value.field == field
    assert words in info.value.message
    return info.value


def expect_warning(spec: Any, field: str, words: str) -> SpecWarning:
    """The spec passes, with a `SpecWarning` naming `field` (and no refusal)."""
    with pytest.warns(SpecWarning) as record:
        validate(spec)
    found = [w.message for w in record if isinstance(w.message, SpecWarning)]
    matching = [w for w in found if w.field == field and words in w.message]
    assert matching, [str(w) for w in found]
    return matching[0]


def jobs(*tasks: Task, **settings: Any) -> JobSettings:
    return JobSettings(tasks=list(tasks), **settings)


def test_a_good_spec_passes_silently() -> None:
    passes(good_settings())
    passes(CreateJob(name="x", tasks=good_settings().tasks, job_clusters={"shared": cluster()}))
    passes(SubmitRun(tasks=[SubmitTask(task_key="x", notebook_task=NB, new_cluster=cluster())]))
    passes([task("a"), task("b", "a")])


def test_spec_warning_is_our_own_category() -> None:
    import databricks_jobs.models as models

    assert models.SpecWarning is SpecWarning
    assert issubclass(SpecWarning, UserWarning)
    warning = SpecWarning("odd", field="tasks[0]")
    assert (warning.field, warning.message, str(warning)) == ("tasks[0]", "odd", "tasks[0]: odd")


def test_warnings_point_at_the_caller() -> None:
    with pytest.warns(SpecWarning) as record:
        validate(jobs(Task(task_key="a")))
    assert record[0].filename == __file__


# --- required fields ---------------------------------------------------------------------


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
    # a null received for a required field is as missing
    expect(from_dict(RunNow, {"job_id": None}), "job_id", "required")
    passes(from_dict(RunNow, {"job_id": 1}))


# --- task keys -----------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["", "a b", "a/b", "a.b", "tâche ", "a:b"])
def test_task_key_characters(key: str) -> None:
    words = "cannot be empty" if key == "" else "may only contain"
    expect(jobs(task(key)), "tasks[0].task_key", words)


def test_task_key_accepted_characters() -> None:
    passes(jobs(task("Ingest_step-2"), task("x" * 100)))


def test_task_key_non_ascii_letters_warn() -> None:
    expect_warning(jobs(task("étape")), "tasks[0].task_key", "non-ASCII")


def test_task_key_over_100_characters_warns() -> None:
    expect_warning(jobs(task("k" * 101)), "tasks[0].task_key", "cut at 100")


def test_unique_task_keys() -> None:
    spec = JobSettings(tasks=[task("a"), task("b"), task("a")])
    err = expect(spec, "tasks[2].task_key", "used twice")
    assert "tasks[0]" in err.message


# --- dependencies --------------------------------------------------------------------------


def test_depends_on_must_name_existing_tasks() -> None:
    expect(JobSettings(tasks=[task("a"), task("b", "a", "zz")]), "tasks[1].depends_on[1]", "'zz'")
    passes(JobSettings(tasks=[task("a"), task("b", "a")]))


def test_self_dependency() -> None:
    expect(JobSettings(tasks=[task("a", "a")]), "tasks[0].depends_on[0]", "itself")


def test_dependency_cycle_is_named() -> None:
    spec = JobSettings(tasks=[task("x"), task("a", "c"), task("b", "a"), task("c", "b")])
    err = expect(spec, "tasks[1].depends_on", "dependency cycle")
    assert "'a' -> 'c' -> 'b' -> 'a'" in err.message


def test_depends_on_assigned_as_plain_keys_after_reading() -> None:
    settings = from_dict(
        JobSettings,
        {"tasks": [{"task_key": k, "notebook_task": {"notebook_path": "/n"}} for k in "ab"]},
    )
    assert settings.tasks is not None
    settings.tasks[1].depends_on = ["a"]  # type: ignore[list-item]
    passes(settings)
    assert to_dict(settings)["tasks"][1]["depends_on"] == [{"task_key": "a"}]
    settings.tasks[1].depends_on = ["zz"]  # type: ignore[list-item]
    expect(settings, "tasks[1].depends_on[0]", "'zz'")


# --- task kinds and compute ----------------------------------------------------------------


def test_task_kind_count_warns() -> None:
    expect_warning(JobSettings(tasks=[Task(task_key="a")]), "tasks[0]", "found: none")
    two = Task(task_key="a", notebook_task=NB, pipeline_task=PipelineTask(pipeline_id="p"))
    expect_warning(JobSettings(tasks=[two]), "tasks[0]", "notebook_task, pipeline_task")


def test_unknown_task_kind_counts_as_a_kind() -> None:
    newer = from_dict(Task, {"task_key": "a", "quantum_task": {"qubits": 3}})
    passes(JobSettings(tasks=[newer]))
    both = from_dict(
        Task, {"task_key": "a", "quantum_task": {}, "notebook_task": {"notebook_path": "/"}}
    )
    expect_warning(JobSettings(tasks=[both]), "tasks[0]", "quantum_task")


def test_two_compute_choices_warn() -> None:
    spec = JobSettings(
        job_clusters={"shared": cluster()},
        tasks=[task("a", job_cluster_key="shared", existing_cluster_id="0101-abc")],
    )
    expect_warning(spec, "tasks[0].job_cluster_key", "existing_cluster_id, job_cluster_key")


def test_serverless_gpu_task_is_valid() -> None:
    # what the Databricks CLI writes for a serverless GPU workload
    spec = JobSettings(
        environments=[JobEnvironment(environment_key="gpu", spec=Environment(client="3"))],
        tasks=[
            task("train", environment_key="gpu", compute=Compute(hardware_accelerator="GPU_1xA10"))
        ],
    )
    passes(spec)


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


def test_environment_key_must_be_defined() -> None:
    env = JobEnvironment(environment_key="default", spec=Environment(client="3"))
    expect(
        JobSettings(environments=[env], tasks=[task("a", environment_key="other")]),
        "tasks[0].environment_key",
        "'other' is not defined",
    )
    expect(
        JobSettings(tasks=[task("a", environment_key="default")]),
        "tasks[0].environment_key",
        "not defined",
    )
    passes(JobSettings(environments=[env], tasks=[task("a", environment_key="default")]))
    expect(JobSettings(environments=[env, env]), "environments[1].environment_key", "defined twice")


# --- clusters ------------------------------------------------------------------------------


def test_num_workers_and_autoscale_warn() -> None:
    both = cluster(num_workers=2, autoscale=AutoScale(min_workers=1, max_workers=2))
    expect_warning(
        JobSettings(job_clusters={"k": both}), "job_clusters[0].new_cluster.autoscale", "both"
    )
    neither = ClusterSpec(spark_version="x")
    expect_warning(
        JobSettings(tasks=[task("a", new_cluster=neither)]),
        "tasks[0].new_cluster.num_workers",
        "neither num_workers nor autoscale",
    )
    passes(JobSettings(tasks=[task("a", new_cluster=ClusterSpec(policy_id="p"))]))
    passes(JobSettings(tasks=[task("a", new_cluster=ClusterSpec(is_single_node=True))]))
    passes(JobSettings(tasks=[task("a", new_cluster=ClusterSpec(num_workers=0))]))


@pytest.mark.parametrize(("low", "high"), [(4, 4), (5, 2)])
def test_autoscale_min_below_max(low: int, high: int) -> None:
    spec = JobSettings(
        tasks=[
            task("a", new_cluster=cluster(autoscale=AutoScale(min_workers=low, max_workers=high)))
        ]
    )
    expect(spec, "tasks[0].new_cluster.autoscale.max_workers", "greater than min_workers")


# --- job-level limits ----------------------------------------------------------------------


def test_limits() -> None:
    many = JobSettings(tasks=[task(f"t{i}") for i in range(1001)])
    expect(many, "tasks", "at most 1000 tasks")
    passes(JobSettings(tasks=[task(f"t{i}") for i in range(1000)]))
    tags = JobSettings(tags={f"k{i}": "v" for i in range(26)})
    expect(tags, "tags", "at most 25 tags")
    passes(JobSettings(tags={f"k{i}": "v" for i in range(25)}))


def test_name_length_in_utf8_bytes() -> None:
    expect(JobSettings(name="é" * 2049), "name", "got 4098")
    passes(JobSettings(name="é" * 2048))
    expect(SubmitRun(run_name="x" * 4097, tasks=[]), "run_name", "4096 bytes")
    passes(SubmitRun(run_name="x" * 4096, tasks=[]))


def test_description_length() -> None:
    expect(JobSettings(description="d" * 27701), "description", "27700")
    passes(JobSettings(description="d" * 27700))


def test_max_concurrent_runs() -> None:
    expect(JobSettings(max_concurrent_runs=1001), "max_concurrent_runs", "cannot exceed 1000")
    passes(JobSettings(max_concurrent_runs=1000))
    passes(JobSettings(max_concurrent_runs=0))
    expect_warning(JobSettings(max_concurrent_runs=-1), "max_concurrent_runs", "negative")


def test_negative_timeouts_warn() -> None:
    expect_warning(JobSettings(timeout_seconds=-5), "timeout_seconds", "negative")
    expect_warning(jobs(task("a", timeout_seconds=-1)), "tasks[0].timeout_seconds", "negative")
    expect_warning(jobs(task("a", max_retries=-2)), "tasks[0].max_retries", "below -1")
    passes(jobs(task("a", timeout_seconds=0, max_retries=-1)))


# --- schedules and triggers ----------------------------------------------------------------


def schedule(cron: str) -> CronSchedule:
    return CronSchedule(quartz_cron_expression=cron, timezone_id="UTC")


@pytest.mark.parametrize(
    "cron",
    [
        "0 0 9 * * ?",
        "0 15 10 ? * MON-FRI",
        "0 0/15 * * * ?",
        "*/30 * * ? * *",
        "0 0 12 L * ?",
        "0 0 12 L-3 * ?",
        "0 0 12 LW * ?",
        "0 0 12 15W * ?",
        "0 0 12 ? * 6#3",
        "0 0 12 ? * 6L",
        "0 0 12 ? * L",
        "0 0 12 1,15 JAN,jul ?",
        "0 0 12 * * ? 2030",
        "0 0 12 * * ? 2030-2035",
        "0  30  2  *  *  ?",
    ],
)
def test_quartz_cron_accepted(cron: str) -> None:
    check_quartz_cron(cron)
    passes(JobSettings(schedule=schedule(cron)))


@pytest.mark.parametrize(
    ("cron", "words"),
    [
        ("not a cron", "6 or 7 fields"),
        ("0 9 * * *", "6 or 7 fields"),
        ("0 30 2,7,11,15 * * *", "exactly one of day-of-month and day-of-week"),
        ("0 0 9 ? * ?", "exactly one of day-of-month and day-of-week"),
        ("60 0 9 * * ?", "seconds field"),
        ("0 0 24 * * ?", "hours field"),
        ("0 0 9 32 * ?", "day-of-month field"),
        ("0 0 9 ? 13 MON", "month field"),
        ("0 0 9 ? FOO MON", "month field"),
        ("0 0 9 ? * 8", "day-of-week field"),
        ("0 0 9 ? * MON#6", "n#k"),
        ("0 0/0 * * * ?", "increment"),
        ("0 0 9 * * ? 1969", "year field"),
        ("? 0 9 * * MON", "'?' is for days only"),
        ("0 0 9 1,,2 * ?", "empty list item"),
    ],
)
def test_quartz_cron_refused(cron: str, words: str) -> None:
    expect(JobSettings(schedule=schedule(cron)), "schedule.quartz_cron_expression", words)


def test_schedule_and_continuous() -> None:
    expect(
        JobSettings(schedule=schedule("0 0 9 * * ?"), continuous=Continuous()),
        "continuous",
        "not both",
    )
    passes(JobSettings(continuous=Continuous()))


def test_triggers_list() -> None:
    periodic = PeriodicTriggerConfiguration(interval=1, unit="HOURS")
    expect(
        JobSettings(
            schedule=schedule("0 0 9 * * ?"), triggers=[TriggerConfiguration(periodic=periodic)]
        ),
        "triggers",
        "together with schedule",
    )
    two = TriggerConfiguration(
        periodic=periodic, file_arrival=FileArrivalTriggerConfiguration(url="s3://b/")
    )
    expect(JobSettings(triggers=[two]), "triggers[0]", "file_arrival, periodic")
    expect(JobSettings(triggers=[TriggerConfiguration()]), "triggers[0]", "found: none")
    cron = CronTriggerConfiguration(quartz_cron_expression="0 0 9 * * *", timezone_id="UTC")
    expect(
        JobSettings(triggers=[TriggerConfiguration(schedule=cron)]),
        "triggers[0].schedule.quartz_cron_expression",
        "day-of-week",
    )
    gated = TriggerConfiguration(
        periodic=periodic,
        sql_condition=SqlConditionConfiguration(sql_query_id="q", warehouse_id="w"),
    )
    passes(JobSettings(triggers=[gated]))


def test_legacy_trigger_kinds_warn() -> None:
    periodic = PeriodicTriggerConfiguration(interval=1, unit="HOURS")
    two = TriggerSettings(
        periodic=periodic, file_arrival=FileArrivalTriggerConfiguration(url="s3://b/")
    )
    expect_warning(JobSettings(trigger=two), "trigger", "file_arrival, periodic")
    expect_warning(JobSettings(trigger=TriggerSettings()), "trigger", "found: none")
    passes(JobSettings(trigger=TriggerSettings(periodic=periodic)))


# --- git source and parameters -------------------------------------------------------------


def test_git_source_one_reference() -> None:
    git = GitSource(git_url="https://example.com/r.git", git_provider="gitHub")
    git.git_branch, git.git_tag = "main", "v1"
    expect(JobSettings(git_source=git), "git_source.git_tag", "git_branch, git_tag")
    passes(
        JobSettings(
            git_source=GitSource(
                git_url="https://example.com/r.git", git_provider="gitHub", git_commit="abc"
            )
        )
    )


def test_job_parameters() -> None:
    def params(*names: str) -> JobSettings:
        return JobSettings(parameters=[JobParameterDefinition(name=n, default="") for n in names])

    expect(params("a b"), "parameters[0].name", "may only contain")
    passes(params("day", "run.id", "max-rows", "x_1"))
    expect_warning(params("day", "day"), "parameters[1].name", "defined twice")
    expect_warning(params("jour_été"), "parameters[0].name", "non-ASCII")


# --- run bodies ----------------------------------------------------------------------------


def test_idempotency_token() -> None:
    check_idempotency_token("x" * 64)
    check_idempotency_token(None)
    with pytest.raises(SpecError) as info:
        check_idempotency_token("x" * 65, field="token")
    assert info.value.field == "token"
    expect(RunNow(job_id=1, idempotency_token="y" * 65), "idempotency_token", "64")
    expect(SubmitRun(idempotency_token="y" * 65, tasks=[]), "idempotency_token", "got 65")
    passes(RunNow(job_id=1, idempotency_token="y" * 64))


def test_run_now_jar_and_notebook_params_warn() -> None:
    spec = RunNow(job_id=1, jar_params=["a"], notebook_params={"b": "c"})
    expect_warning(spec, "jar_params", "both set")


def test_submit_run_tasks_are_checked() -> None:
    spec = SubmitRun(tasks=[SubmitTask(task_key="a", notebook_task=NB, depends_on=["b"])])
    expect(spec, "tasks[0].depends_on[0]", "'b'")
    expect_warning([SubmitTask(task_key="a")], "[0]", "found: none")


def test_reset_and_update_name_the_new_settings() -> None:
    bad = JobSettings(tasks=[task("a", "missing")])
    expect(ResetJob(job_id=1, new_settings=bad), "new_settings.tasks[0].depends_on[0]", "'missing'")
    # an update merges tasks by key into the job: other tasks and clusters may exist there
    passes(
        UpdateJob(
            job_id=1,
            new_settings=JobSettings(
                tasks=[
                    task(
                        "a",
                        "elsewhere",
                        job_cluster_key="defined_in_the_job",
                    )
                ]
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
    passes(RepairRun(run_id=1, rerun_tasks=["a"]))
    passes(RepairRun(run_id=1, rerun_all_failed_tasks=True))
    expect_warning(RepairRun(run_id=1), "rerun_tasks", "neither")
    # "true" as a string is not taken for true (it is warned about as a string)
    expect_warning(
        RepairRun(run_id=1, rerun_all_failed_tasks="true"),  # type: ignore[arg-type]
        "rerun_all_failed_tasks",
        "holds a string",
    )


# --- for-each ------------------------------------------------------------------------------


def for_each(inputs: str, concurrency: int | None = None) -> JobSettings:
    inner = task("inner")
    return jobs(
        Task(
            task_key="loop",
            for_each_task=ForEachTask(inputs=inputs, task=inner, concurrency=concurrency),
        )
    )


def test_for_each_inner_task_is_checked() -> None:
    inner = Task(task_key="in ner", notebook_task=NB)
    outer = Task(task_key="a", for_each_task=ForEachTask(inputs="[1]", task=inner))
    expect(JobSettings(tasks=[outer]), "tasks[0].for_each_task.task.task_key", "may only contain")
    silent = Task(task_key="a", for_each_task=ForEachTask(inputs="[1]", task=Task(task_key="i")))
    expect_warning(JobSettings(tasks=[silent]), "tasks[0].for_each_task.task", "found: none")


def test_for_each_inputs() -> None:
    expect(for_each("[1, 2"), "tasks[0].for_each_task.inputs", "neither JSON nor")
    expect(for_each("a, b"), "tasks[0].for_each_task.inputs", "neither JSON nor")
    passes(for_each('["a", "b"]'))
    passes(for_each("{{job.parameters.items}}"))
    passes(for_each('[{{tasks.list.values.first}}, "x"]'))  # references: not parsed here
    # JSON nested past what Python reads is still JSON: warned about, not refused
    deep = "[" * 100_000 + "]" * 100_000
    expect_warning(for_each(deep), "tasks[0].for_each_task.inputs", "nested too deeply to check")
    expect_warning(for_each('{"a": 1}'), "tasks[0].for_each_task.inputs", "not an array")


def test_for_each_concurrency() -> None:
    expect_warning(for_each("[1]", 0), "tasks[0].for_each_task.concurrency", "below 1")
    passes(for_each("[1]", 1))


# --- values of unexpected JSON types --------------------------------------------------------


def test_values_of_unexpected_types_warn_with_unambiguous_paths() -> None:
    settings = from_dict(
        JobSettings,
        {
            "tasks": [
                {
                    "task_key": "a",
                    "notebook_task": {"notebook_path": "/n", "base_parameters": {"x.y": False}},
                    "new_cluster": {"num_workers": 1, "spark_conf": {"spark.speculation": True}},
                    "retry_on_timeout": "false",
                }
            ]
        },
    )
    with pytest.warns(SpecWarning) as record:
        validate(settings)
    fields = {w.message.field for w in record if isinstance(w.message, SpecWarning)}
    assert fields == {
        'tasks[0].notebook_task.base_parameters["x.y"]',
        'tasks[0].new_cluster.spark_conf["spark.speculation"]',
        "tasks[0].retry_on_timeout",
    }


def test_a_raw_value_where_an_object_is_expected_warns_and_is_skipped() -> None:
    settings = from_dict(
        JobSettings,
        {
            "tasks": [
                {"task_key": "a", "notebook_task": {"notebook_path": "/n"}, "new_cluster": "x"}
            ]
        },
    )
    expect_warning(settings, "tasks[0].new_cluster", "where the API expects a ClusterSpec")


def test_numeric_strings_in_integer_fields_pass() -> None:
    passes(from_dict(RunNow, {"job_id": 5}))
    passes(RunNow(job_id="5"))  # type: ignore[arg-type]
    expect_warning(RunNow(job_id="five"), "job_id", "holds a string")  # type: ignore[arg-type]


def test_validate_refuses_other_objects() -> None:
    with pytest.raises(TypeError):
        validate(NB)  # type: ignore[arg-type]


def test_validation_never_runs_on_decode() -> None:
    payload = {
        "tasks": [{"task_key": "a", "depends_on": [{"task_key": "a"}]}],
        "tags": {f"k{i}": "v" for i in range(30)},
    }
    assert from_dict(JobSettings, payload).tasks is not None
