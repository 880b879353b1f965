"""Round trips, lossless decoding, open enums, ids, error paths and the public serde doors."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from databricks_jobs._errors import DecodeError
from databricks_jobs._serde import (
    from_dict,
    from_json,
    key_path,
    structure,
    to_dict,
    to_json,
    unstructure,
)
from databricks_jobs.models import (
    BaseRun,
    ClusterSpec,
    CronSchedule,
    Job,
    JobCluster,
    JobSettings,
    ListRunsResponse,
    NotebookTask,
    PauseStatus,
    RepairHistoryItem,
    Run,
    RunIf,
    RunLifeCycleState,
    RunResultState,
    RunTask,
    SubmitRun,
    Task,
    TaskDependency,
)

from .json_compare import json_differences

JOB: dict[str, Any] = {
    "job_id": 914067542109863,
    "creator_user_name": "someone@example.com",
    "future_top_level": {"a": [1, 2, {"b": None}]},
    "settings": {
        "name": "nightly",
        "tags": {},
        "job_clusters": [
            {
                "job_cluster_key": "shared",
                "new_cluster": {
                    "spark_version": "16.4.x-scala2.12",
                    "num_workers": 0,
                    "aws_attributes": {"availability": "SPOT", "new_aws_knob": True},
                    "spark_conf": {},
                },
            }
        ],
        "tasks": [
            {
                "task_key": "a",
                "job_cluster_key": "shared",
                "notebook_task": {"notebook_path": "/n", "base_parameters": {}},
                "libraries": [],
                "run_if": "ALL_SUCCESS",
                "brand_new_task": {"x": 1},
            },
            {
                "task_key": "b",
                "depends_on": [{"task_key": "a", "future_dep_field": "x"}],
                "notebook_task": {"notebook_path": "/n"},
                "run_if": "SOME_FUTURE_CONDITION",
            },
        ],
        "schedule": {
            "quartz_cron_expression": "0 0 9 * * ?",
            "timezone_id": "UTC",
            "pause_status": "PAUSED",
        },
    },
}


def test_job_round_trip_is_lossless_at_every_depth() -> None:
    payload = copy.deepcopy(JOB)
    job = from_dict(Job, payload)
    assert to_dict(job) == JOB
    assert payload == JOB, "decoding must not change its input"
    assert job.extra == {"future_top_level": {"a": [1, 2, {"b": None}]}}
    assert job.settings is not None
    assert job.settings.tasks is not None
    assert job.settings.tasks[0].extra == {"brand_new_task": {"x": 1}}
    assert job.settings.tasks[1].depends_on == [
        TaskDependency(task_key="a", extra={"future_dep_field": "x"})
    ]
    cluster = job.settings.job_clusters[0].new_cluster  # type: ignore[index]
    assert cluster is not None
    assert cluster.aws_attributes is not None
    assert cluster.aws_attributes.extra == {"new_aws_knob": True}


def test_explicit_empty_containers_and_zero_are_kept() -> None:
    job = from_dict(Job, JOB)
    assert job.settings is not None
    assert job.settings.tags == {}
    out = to_dict(job)
    assert out["settings"]["tags"] == {}
    assert out["settings"]["tasks"][0]["libraries"] == []
    assert out["settings"]["tasks"][0]["notebook_task"]["base_parameters"] == {}
    assert out["settings"]["job_clusters"][0]["new_cluster"]["num_workers"] == 0
    built = JobSettings(name="x", tags={}, tasks=[])
    assert to_dict(built) == {"name": "x", "tags": {}, "tasks": []}


def test_none_fields_are_omitted() -> None:
    assert to_dict(Task(task_key="a")) == {"task_key": "a"}
    assert to_dict(JobSettings()) == {}


def test_open_enums_keep_unknown_values_and_compare_as_strings() -> None:
    job = from_dict(Job, JOB)
    assert job.settings is not None
    tasks = job.settings.tasks
    assert tasks is not None
    assert tasks[0].run_if is RunIf.ALL_SUCCESS
    assert tasks[0].run_if == "ALL_SUCCESS"
    assert tasks[1].run_if == "SOME_FUTURE_CONDITION"
    assert type(tasks[1].run_if) is str
    assert to_dict(job)["settings"]["tasks"][1]["run_if"] == "SOME_FUTURE_CONDITION"
    schedule = job.settings.schedule
    assert schedule is not None
    assert schedule.pause_status is PauseStatus.PAUSED


def test_enum_members_are_written_as_plain_strings() -> None:
    out = to_dict(
        CronSchedule(
            quartz_cron_expression="q", timezone_id="UTC", pause_status=PauseStatus.UNPAUSED
        )
    )
    assert out["pause_status"] == "UNPAUSED"
    assert type(out["pause_status"]) is str
    assert json.loads(to_json(Task(task_key="a", run_if=RunIf.ALL_DONE)))["run_if"] == "ALL_DONE"


def test_numeric_string_ids_become_ints_and_big_ints_stay_exact() -> None:
    run = from_dict(Run, {"run_id": "9007199254740993", "job_id": 9223372036854775807})
    assert run.run_id == 9007199254740993
    assert type(run.run_id) is int
    assert run.job_id == 9223372036854775807
    assert to_dict(run) == {"run_id": 9007199254740993, "job_id": 9223372036854775807}
    assert json.loads(to_json(run))["run_id"] == 9007199254740993
    assert from_dict(Run, {"run_id": "-5"}).run_id == -5


@pytest.mark.parametrize("odd", ["12a", "", " 1", "1_000", True, [1], {"a": 1}, 1.5, "1e3"])
def test_int64_fields_keep_what_is_not_an_integer(odd: object) -> None:
    run = from_dict(Run, {"run_id": odd})
    assert run.run_id == odd
    assert json_differences(to_dict(run), {"run_id": odd}) == []


def test_int64_lists_read_numeric_strings() -> None:
    item = from_dict(RepairHistoryItem, {"task_run_ids": ["1", 2, "x"]})
    assert item.task_run_ids == [1, 2, "x"]


def test_only_int64_fields_read_numeric_strings() -> None:
    cluster = from_dict(ClusterSpec, {"num_workers": "2"})  # int32 on the wire
    assert cluster.num_workers == "2"
    assert to_dict(cluster) == {"num_workers": "2"}
    task = from_dict(RunTask, {"run_id": "7", "attempt_number": "1"})
    assert (task.run_id, task.attempt_number) == (7, "1")


def test_missing_required_fields_never_fail_decoding() -> None:
    task = from_dict(Task, {"notebook_task": {}})
    assert task.task_key is None
    assert task.notebook_task is not None
    assert task.notebook_task.notebook_path is None
    assert to_dict(task) == {"notebook_task": {}}


def test_decoding_does_not_validate() -> None:
    payload = {
        "tasks": [
            {"task_key": "a", "depends_on": [{"task_key": "a"}]},
            {"task_key": "a", "notebook_task": {"notebook_path": "/"}, "pipeline_task": {}},
        ]
    }
    assert to_dict(from_dict(JobSettings, payload)) == payload


def test_unknown_key_named_extra_is_kept() -> None:
    payload = {"task_key": "a", "extra": {"x": 1}}
    task = from_dict(Task, payload)
    assert task.extra == {"extra": {"x": 1}}
    assert to_dict(task) == payload


def test_nulls_of_unknown_keys_are_kept() -> None:
    assert to_dict(from_dict(Task, {"task_key": "a", "later": None})) == {
        "task_key": "a",
        "later": None,
    }


ODD_PAYLOADS: list[dict[str, Any]] = [
    {"settings": []},
    {"settings": {"tasks": {"a": 1}}},
    {"settings": {"tasks": [{}, {}, {}, {"notebook_task": {"notebook_path": 3}}]}},
    {"settings": {"tasks": [{"depends_on": [{"task_key": "a"}, 5, None]}]}},
    {"settings": {"tags": {"a": 1, "b": None}}},
    {"settings": {"tags": ["a"]}},
    {"settings": {"schedule": {"pause_status": 1}}},
    {"settings": {"schedule": {"pause_status": ["PAUSED"]}}},
    {"settings": {"max_concurrent_runs": "many"}},
    {"settings": {"queue": {"enabled": "yes"}}},
    {"settings": {"tasks": [{"libraries": [{"pypi": {"repo": []}}, "x"]}]}},
    {"settings": {"tasks": [{"new_cluster": {"spark_conf": {"spark.speculation": True}}}]}},
    {"settings": {"tasks": [{"notebook_task": {"base_parameters": {"reset_all_data": False}}}]}},
    {"settings": {"tasks": [{"retry_on_timeout": "false", "max_retries": 1.0}]}},
    {"settings": {"job_clusters": [{"new_cluster": "see elsewhere"}], "tasks": None}},
    {"settings": {"tasks": [{"run_if": {"not": "a string"}}]}},
    {"settings": {"tasks": [{"depends_on": "a"}]}},
]


@pytest.mark.parametrize("payload", ODD_PAYLOADS)
def test_values_of_unexpected_types_are_kept_and_written_back(payload: dict[str, Any]) -> None:
    job = from_dict(Job, copy.deepcopy(payload))
    assert json_differences(to_dict(job), payload) == []
    assert json_differences(json.loads(to_json(job)), payload) == []


def test_what_the_attribute_holds_when_the_type_is_unexpected() -> None:
    job = from_dict(Job, ODD_PAYLOADS[11])
    assert job.settings is not None
    assert job.settings.tasks is not None
    cluster = job.settings.tasks[0].new_cluster
    assert cluster is not None
    assert cluster.spark_conf == {"spark.speculation": True}
    assert cluster.spark_conf["spark.speculation"] is True
    odd = from_dict(Job, ODD_PAYLOADS[14])
    assert odd.settings is not None
    assert odd.settings.job_clusters is not None
    assert odd.settings.job_clusters[0].new_cluster == "see elsewhere"  # type: ignore[comparison-overlap]
    assert odd.settings.tasks is None
    assert odd.settings.extra == {"tasks": None}


def test_explicit_null_on_a_known_field_is_written_back() -> None:
    payload = {"task_key": "a", "new_cluster": None, "notebook_task": {"source": None}}
    task = from_dict(Task, payload)
    assert task.new_cluster is None
    assert task.notebook_task is not None
    assert task.notebook_task.source is None
    assert json_differences(to_dict(task), payload) == []
    assert task.notebook_task != from_dict(NotebookTask, {})
    # a value set later wins over the null that was received
    task.new_cluster = ClusterSpec(num_workers=1)
    assert to_dict(task)["new_cluster"] == {"num_workers": 1}
    # to send no key at all, drop the remembered null
    del task.notebook_task.extra["source"]
    assert to_dict(task.notebook_task) == {}


def test_depends_on_assigned_as_plain_keys_is_written_as_dependencies() -> None:
    task = from_dict(Task, {"task_key": "b", "notebook_task": {"notebook_path": "/n"}})
    task.depends_on = ["a", TaskDependency(task_key="c")]  # type: ignore[list-item]
    assert to_dict(task)["depends_on"] == [{"task_key": "a"}, {"task_key": "c"}]
    # the shorthand holds inside the list, also for a payload that carried plain strings
    assert to_dict(from_dict(Task, {"depends_on": ["a"]})) == {"depends_on": [{"task_key": "a"}]}


def test_assigned_tuples_are_written_as_lists() -> None:
    settings = from_dict(JobSettings, {"name": "x"})
    settings.job_clusters = (JobCluster(job_cluster_key="k"),)  # type: ignore[assignment]
    assert to_dict(settings)["job_clusters"] == [{"job_cluster_key": "k"}]


def test_map_keys_are_never_joined_with_dots() -> None:
    assert key_path("spark.speculation") == '["spark.speculation"]'
    assert key_path('a"b') == '["a\\"b"]'
    with pytest.raises(DecodeError) as info:
        structure({"ok": {}, "spark.speculation": "x"}, dict[str, Run])
    assert info.value.path == '["spark.speculation"]'


def test_decode_error_at_the_root() -> None:
    with pytest.raises(DecodeError) as info:
        from_dict(Job, [])  # type: ignore[arg-type]
    assert info.value.path is None
    assert "expected an object" in str(info.value)


def test_structure_handles_lists_dicts_and_scalars() -> None:
    runs = structure([{"run_id": 1}, {"run_id": "2"}], list[Run])
    assert [r.run_id for r in runs] == [1, 2]
    assert structure({"a": "b"}, dict[str, str]) == {"a": "b"}
    assert structure("7", int) == 7
    assert structure("X", RunResultState) == "X"
    assert structure("SUCCESS", RunResultState) is RunResultState.SUCCESS
    assert structure(None, type(None)) is None
    assert structure(None, Run | None) is None
    assert structure({"run_id": 3}, Run | None) == Run(run_id=3)
    assert structure([1, "x", None], list[Any]) == [1, "x", None]
    assert structure([{"run_id": 1}, {"state": []}], list[Run])[1].state == []
    assert structure({"ok": "x", "odd": 1}, dict[str, str]) == {"ok": "x", "odd": 1}
    with pytest.raises(DecodeError) as info:
        structure([{"run_id": 1}, "two"], list[Run])
    assert info.value.path == "[1]"
    assert "expected an object, got a string" in info.value.message
    with pytest.raises(DecodeError) as info:
        structure({"run_id": 1}, list[Run])
    assert "expected a list" in info.value.message


def test_structure_of_a_whole_response() -> None:
    page = {
        "runs": [{"run_id": 1, "state": {"life_cycle_state": "TERMINATED"}}],
        "next_page_token": "t",
    }
    response = structure(page, ListRunsResponse)
    assert response.runs is not None
    assert isinstance(response.runs[0], BaseRun)
    assert response.runs[0].state is not None
    assert response.runs[0].state.life_cycle_state is RunLifeCycleState.TERMINATED
    assert unstructure(response) == page


def test_unstructure_any_shape() -> None:
    task = Task(task_key="a", run_if=RunIf.ALL_DONE)
    assert unstructure([task]) == [{"task_key": "a", "run_if": "ALL_DONE"}]
    assert unstructure({"k": task}) == {"k": {"task_key": "a", "run_if": "ALL_DONE"}}
    assert unstructure(RunIf.ALL_DONE) == "ALL_DONE"
    assert unstructure(5) == 5


def test_json_doors() -> None:
    text = json.dumps(JOB)
    job = from_json(Job, text)
    assert json.loads(to_json(job)) == JOB
    assert from_json(Job, text.encode()) == job
    assert to_json(Task(task_key="é")) == '{"task_key":"é"}'
    with pytest.raises(DecodeError, match="not valid JSON"):
        from_json(Job, "{")
    assert from_json(Job, bytearray(text.encode())) == job
    deep = '{"job_id": 1, "settings": ' + "[" * 100_000 + "]" * 100_000 + "}"
    for form in (deep, deep.encode(), bytearray(deep.encode())):  # not a RecursionError
        with pytest.raises(DecodeError, match="not valid JSON: JSON nested too deeply to read"):
            from_json(Job, form)


def test_building_specs_reads_like_the_design() -> None:
    cluster = ClusterSpec(spark_version="16.4.x-scala2.12", node_type_id="m5a.large", num_workers=2)
    task = Task(
        task_key="b",
        depends_on=["a", TaskDependency(task_key="c", outcome="true")],
        notebook_task=NotebookTask(notebook_path="/n"),
        job_cluster_key="shared",
    )
    assert task.depends_on == [
        TaskDependency(task_key="a"),
        TaskDependency(task_key="c", outcome="true"),
    ]
    settings = JobSettings(job_clusters={"shared": cluster}, tasks=[task])
    assert settings.job_clusters == [JobCluster(job_cluster_key="shared", new_cluster=cluster)]
    assert JobSettings(job_clusters=[JobCluster(job_cluster_key="k")]).job_clusters == [
        JobCluster(job_cluster_key="k")
    ]
    assert to_dict(settings)["tasks"][0]["depends_on"] == [
        {"task_key": "a"},
        {"task_key": "c", "outcome": "true"},
    ]
    with pytest.raises(TypeError):
        Task("a")  # type: ignore[call-arg]


def test_models_are_mutable_and_compare_by_value() -> None:
    job = from_dict(Job, JOB)
    again = from_dict(Job, JOB)
    assert job == again
    assert job.settings is not None
    job.settings.name = "renamed"
    assert job != again
    assert (job == 5) is False
    with pytest.raises(TypeError):
        hash(job)
    assert to_dict(job)["settings"]["name"] == "renamed"


def test_submit_run_body() -> None:
    body = SubmitRun(run_name="once", tasks=[], idempotency_token="tok")
    assert to_dict(body) == {"run_name": "once", "tasks": [], "idempotency_token": "tok"}


def test_depends_on_accepts_a_single_key() -> None:
    assert Task(task_key="b", depends_on="abc").depends_on == [TaskDependency(task_key="abc")]


def test_hooks_are_generated_once_under_threads() -> None:
    """Two threads decode a new model's first payload at once: its code is generated once.

    Generating a model's decoder resolves its type hints, which evaluates its annotations.
    The model below counts each evaluation, and the first one is held until the second
    thread has made its call and waits on the generation lock; without that lock the second
    thread would generate the code again, evaluating the annotations a second time.
    """
    import linecache
    import sys
    import threading
    import time

    import attrs

    from databricks_jobs import _serde
    from databricks_jobs.models import Model

    evaluations: list[str] = []
    first_evaluating = threading.Event()

    def blocked_on_the_lock(thread: threading.Thread) -> bool:
        frame = sys._current_frames().get(thread.ident or 0)
        return (
            frame is not None
            and frame.f_code is _serde._generate.__code__
            and "_LOCK" in linecache.getline(frame.f_code.co_filename, frame.f_lineno)
        )

    def held(annotation: type) -> type:
        """Evaluated inside the annotation; the first evaluation waits for the second thread."""
        evaluations.append(threading.current_thread().name)
        if len(evaluations) == 1:
            first_evaluating.set()
            deadline = time.monotonic() + 10  # a bound on a broken run, not a measurement
            while len(evaluations) == 1 and not blocked_on_the_lock(second):
                assert time.monotonic() < deadline, "the second thread neither waited nor ran"
                time.sleep(0.001)
        return annotation

    @attrs.define(kw_only=True, eq=False, repr=False)
    class Racing(Model):
        """A model no other test decodes, so its code is generated here."""

        hold = staticmethod(held)  # the annotation's name, looked up in the class namespace
        state: hold(str) | None = None  # type: ignore[valid-type]
        extra: dict[str, Any] = attrs.field(factory=dict)

    results: dict[str, dict[str, Any]] = {}

    def decode() -> None:
        name = threading.current_thread().name
        results[name] = to_dict(from_dict(Racing, {"state": "OK", "x": 1}))

    first = threading.Thread(target=decode, name="first")
    second = threading.Thread(target=decode, name="second")
    first.start()
    assert first_evaluating.wait(10)
    second.start()
    for thread in (first, second):
        thread.join(10)
        assert not thread.is_alive()
    assert evaluations == ["first"]
    assert results == {"first": {"state": "OK", "x": 1}, "second": {"state": "OK", "x": 1}}


def test_a_model_built_without_init_is_a_clear_error() -> None:
    broken = object.__new__(TaskDependency)
    with pytest.raises(TypeError, match="no extra dict"):
        to_dict(broken)


def test_unhashable_values_in_enum_fields_take_the_checking_path() -> None:
    payload = {"run_if": ["ALL_DONE"], "task_key": "a", "depends_on": [{"task_key": "b"}]}
    assert to_dict(from_dict(Task, payload)) == payload
    schedule = from_dict(CronSchedule, {"pause_status": {"odd": True}, "timezone_id": "UTC"})
    assert to_dict(schedule) == {"pause_status": {"odd": True}, "timezone_id": "UTC"}
