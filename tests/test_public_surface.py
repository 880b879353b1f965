"""The public surface: each public module holds exactly its `__all__`, shown under public paths.

A public module is any module of the package whose dotted name has no part starting with an
underscore. Its namespace (``vars()``, not ``dir()``, which `databricks_jobs` and `bulk`
narrow to `__all__`) may hold, besides private names:

* the names of its `__all__` (lazily loaded ones appear on first use, through the module's
  ``__getattr__``);
* its public submodules (``databricks_jobs.models.tasks``), which Python binds on import;
* the names its own exported classes and functions are declared with: the names in their
  annotations, which ``typing.get_type_hints`` looks up in the module (cattrs, pydantic and
  FastAPI call it), their bases and their fields' converters.

Anything else (``databricks_jobs.attrs``, a helper imported into `bulk`) is a stray.

Exported classes and functions of ``databricks_jobs``, ``databricks_jobs.bulk`` and
``databricks_jobs.testing`` present themselves under the module users import them from
(``databricks_jobs.NotFound`` in reprs and tracebacks). The models keep their own
``databricks_jobs.models.<subject>`` modules: the serde resolves their type hints through
``cls.__module__``, so rewriting it would break decoding.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import subprocess
import sys
import traceback
import types
import typing
from collections.abc import Iterable
from typing import Any

import attrs
import pytest

import databricks_jobs
import databricks_jobs.models as models

from .public_modules import public_modules

MODULES = public_modules()
PRESENTED_AS_THEMSELVES = ["databricks_jobs", "databricks_jobs.bulk", "databricks_jobs.testing"]


def annotation_names(annotations: Iterable[object]) -> set[str]:
    """The names string annotations refer to (``dt.timedelta | None`` gives ``dt``)."""
    names = set()
    for annotation in annotations:
        if isinstance(annotation, str):
            tree = ast.parse(annotation, mode="eval")
            names |= {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    return names


def declared_with(module: types.ModuleType) -> set[str]:
    """The names the module's own exported classes and functions are declared with."""
    namespace = vars(module)
    names: set[str] = set()
    for name in module.__all__:
        value = namespace.get(name)
        functions: list[object] = []
        if isinstance(value, type) and value.__module__ == module.__name__:
            names |= annotation_names(inspect.get_annotations(value).values())
            parts: list[object] = []
            for base in getattr(value, "__orig_bases__", value.__bases__):
                parts += [base, typing.get_origin(base), *typing.get_args(base)]
            if attrs.has(value):
                parts += [field.converter for field in attrs.fields(value)]
            names |= {key for key, bound in namespace.items() if any(bound is p for p in parts)}
            functions = [
                getattr(member, "fget", getattr(member, "__func__", member))
                for key, member in vars(value).items()
                if not key.startswith("_") or key == "__init__"
            ]
        elif isinstance(value, types.FunctionType):
            functions = [value]
        for function in functions:
            if getattr(function, "__globals__", None) is namespace:
                names |= annotation_names(function.__annotations__.values())  # type: ignore[attr-defined]
    return names


def strays(module: types.ModuleType) -> set[str]:
    """Public names of the module's namespace that are neither exports nor allowed."""
    found = set()
    for name, value in vars(module).items():
        if name.startswith("_") or name in module.__all__:
            continue
        if not name.isidentifier():
            continue  # "@py_builtins": pytest rewrites the asserts of its plugins' package
        if isinstance(value, types.ModuleType) and value.__name__ == f"{module.__name__}.{name}":
            continue  # a public submodule
        if type(value).__module__ == "__future__":
            continue  # from __future__ import annotations: a compiler directive
        found.add(name)
    return found - declared_with(module)


def exported_objects(module_name: str) -> list[tuple[str, Any]]:
    module = importlib.import_module(module_name)
    return [(name, getattr(module, name)) for name in module.__all__]


def is_class_or_function(value: object) -> bool:
    return isinstance(value, type | types.FunctionType)


def test_the_public_modules_are_found() -> None:
    expected = {
        "databricks_jobs",
        "databricks_jobs.bulk",
        "databricks_jobs.cli",
        "databricks_jobs.models",
        "databricks_jobs.models.tasks",
        "databricks_jobs.models.validation",
        "databricks_jobs.resources",
        "databricks_jobs.testing",
        "databricks_jobs.testing.pytest_plugin",
    }
    assert expected <= set(MODULES)
    assert not [name for name in MODULES if "._" in name]


@pytest.mark.parametrize("module_name", MODULES)
def test_all_names_exist_once(module_name: str) -> None:
    module = importlib.import_module(module_name)
    assert len(module.__all__) == len(set(module.__all__))
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    assert missing == []


@pytest.mark.parametrize("module_name", MODULES)
def test_a_public_module_holds_only_its_exports(module_name: str) -> None:
    """What ``vars()`` shows: `__all__`, public submodules, names its declarations use."""
    module = importlib.import_module(module_name)
    assert strays(module) == set()


@pytest.mark.parametrize("module_name", MODULES)
def test_exports_missing_from_the_namespace_load_on_first_use(module_name: str) -> None:
    module = importlib.import_module(module_name)
    for name in [name for name in module.__all__ if name not in vars(module)]:
        assert "__getattr__" in vars(module), name
        getattr(module, name)
        assert name in vars(module), name  # kept once loaded


def test_a_stray_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    """A helper function or an imported module left in a public module is reported."""
    from databricks_jobs import bulk

    def helper() -> None:
        """A public function outside `__all__`."""

    helper.__module__ = bulk.__name__
    monkeypatch.setattr(bulk, "helper", helper, raising=False)
    monkeypatch.setattr(bulk, "json", importlib.import_module("json"), raising=False)
    assert strays(bulk) == {"helper", "json"}
    assert {"Generic", "Workspace"} <= set(vars(bulk))  # declared with: a base, a signature


@pytest.mark.parametrize("module_name", MODULES)
def test_star_import_gives_exactly_all(module_name: str) -> None:
    namespace: dict[str, object] = {}
    exec(f"from {module_name} import *", namespace)
    namespace.pop("__builtins__")
    assert set(namespace) == set(importlib.import_module(module_name).__all__)


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
    assert repr(models.Model) == "<class 'databricks_jobs.models.Model'>"
    try:
        raise databricks_jobs.NotFound("Job 1 does not exist.", status=404)
    except databricks_jobs.NotFound as exc:
        last = traceback.format_exception(exc)[-1]
    assert last.startswith("databricks_jobs.NotFound: ")


def test_the_resources_name_the_public_path_before_the_package_exports_them() -> None:
    """``type(ws.jobs)`` reads ``databricks_jobs.Jobs`` in a fresh interpreter too.

    The Workspace imports its resources itself, before any ``databricks_jobs.Jobs``.
    """
    script = (
        "import databricks_jobs.resources as r\n"
        "import databricks_jobs as d\n"
        "assert 'Jobs' not in vars(d)\n"
        "print(repr(r.Jobs), repr(r.Runs), repr(r.StartedRun))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split() == [
        "<class",
        "'databricks_jobs.Jobs'>",
        "<class",
        "'databricks_jobs.Runs'>",
        "<class",
        "'databricks_jobs.StartedRun'>",
    ]


ANNOTATING_ALIASES = {
    "databricks_jobs": ["AuthType", "QueryValue", "Seconds", "TransportChoice", "UpdateCallback"],
    "databricks_jobs.bulk": ["ProgressCallback"],
    "databricks_jobs.models": ["Int64", "Spec"],
}


@pytest.mark.parametrize(
    ("module_name", "name"),
    [(module, name) for module, names in ANNOTATING_ALIASES.items() for name in names],
)
def test_exported_type_aliases_annotate_a_users_code(module_name: str, name: str) -> None:
    """A user's own annotation with an exported alias resolves (a string alias would not)."""
    source = (
        "from __future__ import annotations\n"
        f"from {module_name} import {name}\n"
        f"def handler(value: {name}) -> {name} | None:\n"
        "    return value\n"
    )
    namespace: dict[str, Any] = {}
    exec(source, namespace)
    hints = typing.get_type_hints(namespace["handler"], include_extras=True)
    assert hints["value"] == getattr(importlib.import_module(module_name), name)


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


@pytest.mark.parametrize("module_name", MODULES)
def test_exported_class_type_hints_resolve(module_name: str) -> None:
    """``typing.get_type_hints`` (cattrs, pydantic, FastAPI) on every exported class."""
    broken = []
    for name, value in exported_objects(module_name):
        if isinstance(value, type):
            try:
                typing.get_type_hints(value)
            except NameError as exc:
                broken.append(f"{name}: {exc}")
    assert broken == []
