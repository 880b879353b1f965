"""`register_hooks`: a caller's own cattrs converter reads and writes the models losslessly.

The promise: after ``register_hooks(conv)``, ``conv.structure(data, Model)`` is
``from_dict(Model, data)`` and ``conv.unstructure(obj)`` is ``to_dict(obj)``, wherever a model
sits (in the caller's attrs classes, lists, dicts, optionals), whatever the converter's own
options. brickjobs itself never imports cattrs. The corpus round trip through a converter is
in ``test_corpus.py``.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from typing import Any

import attrs
import cattrs
import pytest
from cattrs.preconf.json import make_converter

import databricks_jobs
from databricks_jobs import DecodeError, from_dict, register_hooks, to_dict
from databricks_jobs.models import (
    ClusterSpec,
    Job,
    JobSettings,
    RunIf,
    RunLifeCycleState,
    Task,
    TaskDependency,
)

from .json_compare import json_differences
from .test_serde import JOB, ODD_PAYLOADS

CONVERTERS = {
    "Converter": cattrs.Converter,
    "Converter(forbid_extra_keys, omit_if_default)": lambda: cattrs.Converter(
        forbid_extra_keys=True, omit_if_default=True
    ),
    "BaseConverter": cattrs.BaseConverter,
    "preconf json": make_converter,
}


@pytest.fixture(params=list(CONVERTERS))
def conv(request: pytest.FixtureRequest) -> cattrs.BaseConverter:
    converter: cattrs.BaseConverter = CONVERTERS[request.param]()
    register_hooks(converter)
    return converter


@attrs.define
class Deployment:
    """A caller's own class holding models (the case register_hooks is for)."""

    name: str
    settings: JobSettings
    tasks: list[Task] = attrs.Factory(list)
    clusters: dict[str, ClusterSpec] = attrs.Factory(dict)
    previous: Job | None = None
    run_if: RunIf | str | None = None
    state: RunLifeCycleState | None = None


DEPLOYMENT: dict[str, Any] = {
    "name": "prod",
    "settings": {"name": "nightly", "max_concurrent_runs": "2", "future": {"k": [1]}},
    "tasks": [
        {"task_key": "a", "run_if": "ALL_DONE", "new_cluster": None},
        {"task_key": "b", "depends_on": [{"task_key": "a"}], "run_if": "NEW_CONDITION"},
    ],
    "clusters": {"big": {"spark_version": "16.4", "num_workers": 8, "gpu": True}},
    "previous": {"job_id": "914067542109863", "settings": {"name": "old"}},
    "run_if": "ALL_SUCCESS",
    "state": "SOME_NEW_STATE",
}


def test_a_model_structures_and_unstructures_as_from_dict_and_to_dict(
    conv: cattrs.BaseConverter,
) -> None:
    job = conv.structure(copy.deepcopy(JOB), Job)
    assert job == from_dict(Job, JOB)
    assert job.extra == {"future_top_level": {"a": [1, 2, {"b": None}]}}
    assert conv.unstructure(job) == to_dict(job) == JOB
    assert conv.unstructure(job, unstructure_as=Job) == JOB


@pytest.mark.parametrize("payload", ODD_PAYLOADS)
def test_values_of_unexpected_types_are_kept(
    conv: cattrs.BaseConverter, payload: dict[str, Any]
) -> None:
    job = conv.structure(copy.deepcopy(payload), Job)
    assert job == from_dict(Job, payload)
    assert json_differences(conv.unstructure(job), payload) == []


def test_models_inside_the_callers_class(conv: cattrs.BaseConverter) -> None:
    deployment = conv.structure(copy.deepcopy(DEPLOYMENT), Deployment)
    assert deployment.settings.max_concurrent_runs == "2"  # kept as received
    assert deployment.settings.extra == {"future": {"k": [1]}}
    assert deployment.tasks[0].run_if is RunIf.ALL_DONE
    assert deployment.tasks[0].extra == {"new_cluster": None}  # the received null, remembered
    assert deployment.tasks[1].run_if == "NEW_CONDITION"  # open enum
    assert deployment.tasks[1].depends_on == [TaskDependency(task_key="a")]
    assert deployment.clusters["big"].extra == {"gpu": True}
    assert deployment.previous is not None
    assert deployment.previous.job_id == 914067542109863  # int64 numeric string read as int
    assert deployment.run_if is RunIf.ALL_SUCCESS
    assert deployment.state == "SOME_NEW_STATE"

    back = conv.unstructure(deployment)
    want = copy.deepcopy(DEPLOYMENT)
    want["previous"]["job_id"] = 914067542109863
    assert json_differences(back, want) == []
    assert type(back["run_if"]) is str  # a member is written as its plain string
    assert type(back["tasks"][0]["run_if"]) is str


def test_optional_model_and_enum_fields_take_none(conv: cattrs.BaseConverter) -> None:
    data = {"name": "x", "settings": {}, "previous": None, "run_if": None, "state": None}
    deployment = conv.structure(data, Deployment)
    assert deployment.previous is None
    assert deployment.run_if is None
    # the converter's own options (omit_if_default) still apply to the caller's class
    assert conv.unstructure(deployment).get("previous") is None


def test_lists_and_dicts_of_models(conv: cattrs.BaseConverter) -> None:
    tasks = conv.structure([{"task_key": "a", "x": 1}, {"task_key": "b"}], list[Task])
    assert tasks == [from_dict(Task, {"task_key": "a", "x": 1}), Task(task_key="b")]
    assert conv.unstructure(tasks) == [{"task_key": "a", "x": 1}, {"task_key": "b"}]
    clusters = conv.structure({"c": {"num_workers": 1}}, dict[str, ClusterSpec])
    assert clusters == {"c": ClusterSpec(num_workers=1)}


def test_enums_are_open_and_written_as_plain_strings(conv: cattrs.BaseConverter) -> None:
    assert conv.structure("ALL_DONE", RunIf) is RunIf.ALL_DONE
    assert conv.structure("LATER", RunIf) == "LATER"
    assert conv.structure("LATER", RunIf | str) == "LATER"
    assert conv.structure("ALL_DONE", RunIf | str | None) is RunIf.ALL_DONE
    written = conv.unstructure(RunIf.ALL_DONE)
    assert written == "ALL_DONE"
    assert type(written) is str


def test_a_model_that_is_not_an_object_is_refused_with_its_field(
    conv: cattrs.BaseConverter,
) -> None:
    with pytest.raises(DecodeError, match="expected an object, got a list"):
        conv.structure([], Job)
    with pytest.raises(Exception) as raised:  # noqa: PT011 - cattrs picks the wrapper
        conv.structure({"name": "x", "settings": ["not", "a", "job"]}, Deployment)
    error = raised.value
    if isinstance(error, cattrs.ClassValidationError):  # detailed validation: by field
        [inner] = error.exceptions
        assert isinstance(inner, DecodeError)
        assert "settings" in str(cattrs.transform_error(error))
    else:
        assert isinstance(error, DecodeError)


def test_json_text_through_the_preconf_converter() -> None:
    conv = make_converter()
    register_hooks(conv)
    text = conv.dumps(conv.structure(copy.deepcopy(DEPLOYMENT), Deployment))
    back = json.loads(text)
    assert back["settings"] == DEPLOYMENT["settings"]
    assert back["tasks"] == DEPLOYMENT["tasks"]
    assert conv.loads(text, Deployment).tasks[1].run_if == "NEW_CONDITION"


def test_a_callers_hook_for_one_model_class_still_wins() -> None:
    conv = cattrs.Converter()
    conv.register_unstructure_hook(Task, lambda task: f"task {task.task_key}")
    register_hooks(conv)
    conv.register_structure_hook(ClusterSpec, lambda data, _: ClusterSpec(num_workers=99))
    assert conv.unstructure(Task(task_key="a")) == "task a"
    assert conv.structure({}, ClusterSpec) == ClusterSpec(num_workers=99)
    assert conv.unstructure(TaskDependency(task_key="a")) == {"task_key": "a"}  # the others


def test_the_library_never_imports_cattrs() -> None:
    code = (
        "import sys\n"
        "import databricks_jobs\n"
        "from databricks_jobs import from_json, register_hooks, to_json, validate\n"
        "from databricks_jobs.models import Job\n"
        'job = from_json(Job, \'{"job_id": 1, "settings": {"name": "n"}}\')\n'
        "to_json(job)\n"
        "validate(job.settings)\n"
        "import databricks_jobs.testing\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'cattrs'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"
    assert databricks_jobs.register_hooks is register_hooks
