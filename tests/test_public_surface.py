"""The public surface: exactly `__all__`, shown under public module paths, serde intact.

Exported classes and functions of ``databricks_jobs``, ``databricks_jobs.bulk`` and
``databricks_jobs.testing`` present themselves under the module users import them from
(``databricks_jobs.NotFound`` in reprs and tracebacks). The models keep their own
``databricks_jobs.models.<subject>`` modules: the serde resolves their type hints through
``cls.__module__``, so rewriting it would break decoding.
"""

from __future__ import annotations

import importlib
import traceback
import types
import typing
from typing import Any

import attrs
import pytest

import databricks_jobs
import databricks_jobs.models as models

MODULES = [
    "databricks_jobs",
    "databricks_jobs.models",
    "databricks_jobs.bulk",
    "databricks_jobs.testing",
]
PRESENTED_AS_THEMSELVES = ["databricks_jobs", "databricks_jobs.bulk", "databricks_jobs.testing"]


def public_names(module: types.ModuleType) -> set[str]:
    """What ``dir()`` offers a user, without underscores, own submodules and future flags.

    The package's submodules (``databricks_jobs.models.tasks``) are importable on purpose.
    """
    names = set()
    for name in dir(module):
        if name.startswith(("_", "@")):  # "@py_builtins": pytest's assertion rewriting
            continue
        value = getattr(module, name)
        if isinstance(value, types.ModuleType) and value.__name__.startswith("databricks_jobs."):
            continue
        if type(value).__module__ == "__future__":
            continue
        names.add(name)
    return names


def exported_objects(module_name: str) -> list[tuple[str, Any]]:
    module = importlib.import_module(module_name)
    return [(name, getattr(module, name)) for name in module.__all__]


def is_class_or_function(value: object) -> bool:
    return isinstance(value, type | types.FunctionType)


@pytest.mark.parametrize("module_name", MODULES)
def test_all_names_exist_once(module_name: str) -> None:
    module = importlib.import_module(module_name)
    assert len(module.__all__) == len(set(module.__all__))
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    assert missing == []


@pytest.mark.parametrize("module_name", MODULES)
def test_star_import_gives_exactly_all(module_name: str) -> None:
    namespace: dict[str, object] = {}
    exec(f"from {module_name} import *", namespace)
    namespace.pop("__builtins__")
    assert set(namespace) == set(importlib.import_module(module_name).__all__)


@pytest.mark.parametrize(
    "module_name",
    [name for name in MODULES],
)
def test_public_surface_is_exactly_all(module_name: str) -> None:
    module = importlib.import_module(module_name)
    exported = {name for name in module.__all__ if not name.startswith("_")}  # __version__
    assert public_names(module) == exported


@pytest.mark.parametrize("module_name", MODULES)
def test_every_name_defined_in_a_public_module_is_exported(module_name: str) -> None:
    """A class or function defined in the module itself but left out of `__all__` is a slip."""
    module = importlib.import_module(module_name)
    forgotten = [
        name
        for name in public_names(module) - set(module.__all__)
        if is_class_or_function(getattr(module, name))
        and getattr(module, name).__module__ == module_name
    ]
    assert forgotten == []


@pytest.mark.parametrize("module_name", MODULES)
def test_exported_objects_show_a_public_path_that_leads_back_to_them(module_name: str) -> None:
    for name, value in exported_objects(module_name):
        if not is_class_or_function(value):
            continue
        path = value.__module__
        assert not any(part.startswith("_") for part in path.split(".")), (name, path)
        home = importlib.import_module(path)
        assert getattr(home, value.__qualname__) is value, (name, path)


@pytest.mark.parametrize("module_name", PRESENTED_AS_THEMSELVES)
def test_exported_classes_and_functions_present_as_the_module(module_name: str) -> None:
    """Defined in the module's private files, shown as the module.

    The core objects ``databricks_jobs.testing`` re-exports (`VirtualClock`) show
    ``databricks_jobs``.
    """
    for name, value in exported_objects(module_name):
        if is_class_or_function(value):
            assert value.__module__ in {module_name, "databricks_jobs"}, name
            if value.__module__ != module_name:
                assert getattr(databricks_jobs, name) is value


def test_reprs_and_tracebacks_name_the_public_path() -> None:
    assert repr(databricks_jobs.Workspace) == "<class 'databricks_jobs.Workspace'>"
    assert repr(databricks_jobs.Jobs) == "<class 'databricks_jobs.Jobs'>"  # a lazy export
    try:
        raise databricks_jobs.NotFound("Job 1 does not exist.", status=404)
    except databricks_jobs.NotFound as exc:
        last = traceback.format_exception(exc)[-1]
    assert last.startswith("databricks_jobs.NotFound: ")


def test_the_models_keep_their_own_modules() -> None:
    for name, value in exported_objects("databricks_jobs.models"):
        if attrs.has(value):
            assert value.__module__.startswith("databricks_jobs.models."), name
    assert models.Task.__module__ == "databricks_jobs.models.tasks"


def test_every_model_type_hint_resolves_through_its_module() -> None:
    """What the serde does for each class: resolve its hints in ``cls.__module__``."""
    checked = 0
    for name, value in exported_objects("databricks_jobs.models"):
        if isinstance(value, type) and attrs.has(value):
            assert typing.get_type_hints(value), name
            checked += 1
    assert checked > 200


def test_the_serde_round_trips_after_every_export_is_loaded() -> None:
    for module_name in MODULES:  # load the lazy exports first, as a user's code would
        for _ in exported_objects(module_name):
            pass
    settings = models.JobSettings(
        name="nightly",
        job_clusters={"shared": models.ClusterSpec(spark_version="16.4.x", num_workers=1)},
        tasks=[
            models.Task(
                task_key="a",
                job_cluster_key="shared",
                notebook_task=models.NotebookTask(notebook_path="/n"),
            ),
            models.Task(
                task_key="b",
                job_cluster_key="shared",
                notebook_task=models.NotebookTask(notebook_path="/n"),
                depends_on=["a"],
            ),
        ],
    )
    data = databricks_jobs.to_dict(settings)
    assert data["tasks"][1]["depends_on"] == [{"task_key": "a"}]
    assert databricks_jobs.from_dict(models.JobSettings, data) == settings
    run = databricks_jobs.from_json(
        models.Run, '{"run_id": 5, "state": {"life_cycle_state": "TERMINATED", "new": 1}}'
    )
    assert run.run_id == 5
    assert run.state is not None
    assert run.state.extra == {"new": 1}


@pytest.mark.parametrize("module_name", ["databricks_jobs", "databricks_jobs.testing"])
def test_rehomed_class_type_hints_still_resolve(module_name: str) -> None:
    """``typing.get_type_hints`` (cattrs, pydantic, FastAPI) on a re-homed class."""
    broken = []
    for name, value in exported_objects(module_name):
        if isinstance(value, type):
            try:
                typing.get_type_hints(value)
            except NameError as exc:
                broken.append(f"{name}: {exc}")
    assert broken == []
