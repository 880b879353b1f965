"""Nested models through the fast encoders: nothing a nested model holds is lost.

The generated encoders take shortcuts for speed (presence tests with ``is not None``, enum
members looked up in a dict, lists of models mapped in C, plain lists and dicts shared).
These tests try to make a nested model lose data through them: falsy values, `extra` keys
and remembered nulls, a subclass, an unhashable value in a nested enum field, odd values in
a model field, a nested model built without ``__init__``. Each result is also compared with
the checking encoder (the form an unhashable enum value sends an object to), so a future
shortcut in either form (docs/decisions.md, 50) has to write the same.
"""

from __future__ import annotations

import copy
from typing import Any

import attrs
import pytest

from databricks_jobs import _serde
from databricks_jobs._serde import from_dict, to_dict
from databricks_jobs.models import (
    AwsAttributes,
    ClusterSpec,
    NotebookTask,
    Task,
    TaskDependency,
    TaskEmailNotifications,
)
from databricks_jobs.models._base import Model

from .json_compare import json_differences

# Every kind of falsy value that is not None, in nested models of a Task: single models,
# items of lists of models, and models two and three levels down.
FALSY: dict[str, Any] = {
    "task_key": "",
    "notebook_task": {"notebook_path": "", "base_parameters": {}, "source": ""},
    "depends_on": [{"task_key": "", "outcome": ""}, {"task_key": "b"}],
    "email_notifications": {"on_failure": [], "no_alert_for_skipped_runs": False},
    "notification_settings": {"no_alert_for_skipped_runs": False, "alert_on_last_attempt": False},
    "health": {"rules": [{"metric": "RUN_DURATION_SECONDS", "op": "GREATER_THAN", "value": 0}]},
    "new_cluster": {
        "num_workers": 0,
        "autoscale": {"min_workers": 0, "max_workers": 0},
        "aws_attributes": {"first_on_demand": 0, "ebs_volume_count": 0, "zone_id": ""},
        "spark_conf": {},
    },
    "timeout_seconds": 0,
}


def checked(obj: Model) -> Any:
    """What the checking encoder writes: every nested model through its own encoder."""
    return _serde._safe_encoder(obj.__class__)(obj)


def no_models(value: Any) -> bool:
    """Whether JSON-ready data holds no model object at any depth."""
    if isinstance(value, Model):
        return False
    if isinstance(value, dict):
        return all(no_models(v) for v in value.values())
    if isinstance(value, list):
        return all(no_models(v) for v in value)
    return True


def test_falsy_values_of_nested_models_are_written() -> None:
    task = from_dict(Task, copy.deepcopy(FALSY))
    out = to_dict(task)
    assert json_differences(out, FALSY) == []
    assert out == checked(task)
    assert no_models(out)


def test_built_nested_models_are_written_with_their_falsy_values() -> None:
    task = Task(
        task_key="a",
        notebook_task=NotebookTask(notebook_path="", base_parameters={}),
        depends_on=[TaskDependency(task_key="", outcome="")],
        email_notifications=TaskEmailNotifications(on_failure=[], on_success=[]),
        timeout_seconds=0,
    )
    out = to_dict(task)
    assert out == {
        "task_key": "a",
        "notebook_task": {"notebook_path": "", "base_parameters": {}},
        "depends_on": [{"task_key": "", "outcome": ""}],
        "email_notifications": {"on_failure": [], "on_success": []},
        "timeout_seconds": 0,
    }
    assert out == checked(task)
    assert no_models(out)


def test_extra_keys_and_remembered_nulls_of_nested_models_are_written() -> None:
    payload = {
        "task_key": "a",
        "notebook_task": {"notebook_path": "/n", "source": None, "future": {"x": [1, None]}},
        "depends_on": [{"task_key": "b", "outcome": None, "future": 1}, {"task_key": "c"}],
        "new_cluster": {"aws_attributes": {"zone_id": None, "new_knob": True}},
    }
    task = from_dict(Task, copy.deepcopy(payload))
    assert json_differences(to_dict(task), payload) == []
    # a value set later wins over the null received for it, at any depth
    assert task.notebook_task is not None
    task.notebook_task.source = "GIT"
    assert task.depends_on is not None
    task.depends_on[0].outcome = "true"
    out = to_dict(task)
    assert out["notebook_task"] == {
        "notebook_path": "/n",
        "source": "GIT",
        "future": {"x": [1, None]},
    }
    assert out["depends_on"][0] == {"task_key": "b", "outcome": "true", "future": 1}
    assert out == checked(task)


def test_a_subclass_in_a_nested_field_is_written_by_the_nested_encoder() -> None:
    @attrs.define(kw_only=True, eq=False, repr=False)
    class MyNotebookTask(NotebookTask):
        """A caller's subclass of a nested model."""

    @attrs.define(kw_only=True, eq=False, repr=False)
    class MyDependency(TaskDependency):
        """Same, in a list."""

    task = Task(
        task_key="a",
        notebook_task=MyNotebookTask(notebook_path="/n", extra={"k": 1}),
        depends_on=[MyDependency(task_key="b", outcome=""), TaskDependency(task_key="c")],
    )
    out = to_dict(task)
    assert out == {
        "task_key": "a",
        "notebook_task": {"notebook_path": "/n", "k": 1},
        "depends_on": [{"task_key": "b", "outcome": ""}, {"task_key": "c"}],
    }
    assert out == checked(task)


def test_an_unhashable_value_in_a_nested_enum_field_is_kept() -> None:
    payload = {
        "task_key": "a",
        "notebook_task": {"notebook_path": "/n", "source": ["GIT"]},
        "depends_on": [{"task_key": "b"}],
        "new_cluster": {"aws_attributes": {"availability": {"odd": True}, "zone_id": "z"}},
    }
    task = from_dict(Task, copy.deepcopy(payload))
    assert json_differences(to_dict(task), payload) == []


def test_odd_values_in_nested_fields_are_written_as_before() -> None:
    task = from_dict(Task, {"task_key": "a", "notebook_task": "elsewhere", "depends_on": ["b"]})
    task.email_notifications = {"on_failure": ["x@example.com"]}  # type: ignore[assignment]
    out = to_dict(task)
    assert out == {
        "task_key": "a",
        "notebook_task": "elsewhere",
        "depends_on": [{"task_key": "b"}],
        "email_notifications": {"on_failure": ["x@example.com"]},
    }
    assert out == checked(task)


@pytest.mark.parametrize("where", ["notebook_task", "depends_on", "aws_attributes"])
def test_a_nested_model_built_without_init_is_named_in_the_error(where: str) -> None:
    task = Task(task_key="a", new_cluster=ClusterSpec(num_workers=1))
    if where == "notebook_task":
        task.notebook_task = NotebookTask.__new__(NotebookTask)
        name = "NotebookTask"
    elif where == "depends_on":
        task.depends_on = [TaskDependency(task_key="b"), TaskDependency.__new__(TaskDependency)]
        name = "TaskDependency"
    else:
        assert task.new_cluster is not None
        task.new_cluster.aws_attributes = AwsAttributes.__new__(AwsAttributes)
        name = "AwsAttributes"
    with pytest.raises(TypeError, match=f"this {name} has no extra dict"):
        to_dict(task)
