"""The docs build's griffe extension gives attrs classes the constructor attrs made for them.

griffe reads source code and does not know attrs: without ``tools/docs/griffe_attrs.py``
the reference would show ``Task`` and ``Timeouts`` without a signature. The package is loaded
here as mkdocstrings loads it, with the extension, and the constructors are compared with
``inspect.signature`` of the real classes.
"""

from __future__ import annotations

import inspect
from typing import Any

import griffe
import pytest

import databricks_jobs
from databricks_jobs.models import Task

from .code_blocks import ROOT


@pytest.fixture(scope="module")
def package() -> griffe.Module:
    extensions = griffe.load_extensions(f"{ROOT / 'tools/docs/griffe_attrs.py'}:AttrsConstructors")
    loaded = griffe.load("databricks_jobs", search_paths=[str(ROOT)], extensions=extensions)
    assert isinstance(loaded, griffe.Module)
    return loaded


def _init(package: griffe.Module, path: str) -> griffe.Function:
    cls: Any = package[path.removeprefix("databricks_jobs.")]
    init = cls.members.get("__init__")
    assert isinstance(init, griffe.Function), f"{path} has no constructor"
    return init


def test_a_model_gets_every_field_keyword_only_in_order(package: griffe.Module) -> None:
    init = _init(package, "databricks_jobs.models.tasks.Task")
    names = [p.name for p in init.parameters][1:]  # after self
    assert names == list(inspect.signature(Task).parameters)
    assert names[0] == "task_key"
    assert names[-1] == "extra"
    assert {p.kind for p in list(init.parameters)[1:]} == {griffe.ParameterKind.keyword_only}


def test_annotations_and_docstrings_come_from_the_source(package: griffe.Module) -> None:
    parameters = _init(package, "databricks_jobs.models.tasks.Task").parameters
    notebook = parameters["notebook_task"]
    # an expression naming the class (it links to its entry), not a string
    assert isinstance(notebook.annotation, griffe.Expr)
    assert "NotebookTask" in str(notebook.annotation)
    assert notebook.default == "None"
    assert notebook.docstring is not None
    assert "notebook" in notebook.docstring.value


def test_required_fields_have_no_default_and_factories_read_as_calls(
    package: griffe.Module,
) -> None:
    parameters = _init(package, "databricks_jobs.models.tasks.Task").parameters
    assert parameters["task_key"].default is None
    assert str(parameters["extra"].default) == "dict()"


def test_configuration_classes_get_their_defaults(package: griffe.Module) -> None:
    parameters = _init(package, "databricks_jobs._config.Timeouts").parameters
    real = inspect.signature(databricks_jobs.Timeouts).parameters
    assert [p.name for p in parameters][1:] == list(real)
    for name, parameter in real.items():
        assert str(parameters[name].default) == repr(parameter.default), name


def test_a_class_with_its_own_init_keeps_it(package: griffe.Module) -> None:
    init = _init(package, "databricks_jobs._workspace.Workspace")
    assert init.lineno is not None
    assert init.lineno > 0  # read from the source, not made by the extension


def test_a_converted_field_shows_what_the_constructor_takes(package: griffe.Module) -> None:
    parameters = _init(package, "databricks_jobs.models.tasks.Task").parameters
    depends_on = parameters["depends_on"].annotation
    assert str(depends_on) == "Iterable[TaskDependency | str] | None"  # task keys too
    assert isinstance(depends_on, griffe.Expr)
    timeouts = _init(package, "databricks_jobs._config.Timeouts").parameters
    assert str(timeouts["connect"].annotation) == "Seconds"


def test_a_lambda_factory_reads_as_what_it_returns(package: griffe.Module) -> None:
    parameters = _init(package, "databricks_jobs._limits.RateLimits").parameters
    assert str(parameters["per_endpoint"].default) == "dict(DEFAULT_ENDPOINT_LIMITS)"
