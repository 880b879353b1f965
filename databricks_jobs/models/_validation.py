"""The rules behind `databricks_jobs.models.validation`: each refusal cites its source here.

A comment beside each rule names the API reference text or the public record of a service
answer it follows (docs/models.md lists them too); the public module says what is refused and
what is only warned about.
"""

from __future__ import annotations

import enum
import json
import linecache
import re
import sys
import types
import typing
import warnings
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final, TypeGuard

import attrs

from databricks_jobs._errors import SpecError
from databricks_jobs._json import JSONTooDeep, parse_json
from databricks_jobs.models._base import INT64, Model, describe_value, model_fields
from databricks_jobs.models.compute import ClusterSpec, JobCluster, JobEnvironment
from databricks_jobs.models.jobs import GitSource, JobParameterDefinition, JobSettings
from databricks_jobs.models.request_bodies import (
    CreateJob,
    RepairRun,
    ResetJob,
    RunNow,
    SubmitRun,
    UpdateJob,
)
from databricks_jobs.models.tasks import ForEachTask, SubmitTask, Task, TaskDependency
from databricks_jobs.models.triggers import TriggerConfiguration, TriggerSettings

__all__ = [
    "COMPUTE_FIELDS",
    "MAX_CONCURRENT_RUNS",
    "MAX_IDEMPOTENCY_TOKEN_LENGTH",
    "MAX_JOB_DESCRIPTION_LENGTH",
    "MAX_NAME_BYTES",
    "MAX_TAGS",
    "MAX_TASKS",
    "MAX_TASK_KEY_LENGTH",
    "Spec",
    "SpecWarning",
    "check_idempotency_token",
    "check_quartz_cron",
    "validate",
]

MAX_TASKS: Final = 1000
"""The most tasks a job or a one-time run may have (reference: ``JobSettings.tasks``)."""
MAX_TAGS: Final = 25
"""The most tags a job may have (reference: ``JobSettings.tags``)."""
MAX_IDEMPOTENCY_TOKEN_LENGTH: Final = 64
"""The longest idempotency token run-now and runs/submit accept (reference)."""
MAX_NAME_BYTES: Final = 4096
"""The longest job or run name, in UTF-8 bytes (reference: ``JobSettings.name``)."""
MAX_JOB_DESCRIPTION_LENGTH: Final = 27700
"""The longest job description, in characters (reference: ``JobSettings.description``)."""
MAX_CONCURRENT_RUNS: Final = 1000
"""The highest ``max_concurrent_runs`` (reference: "This value cannot exceed 1000")."""
MAX_TASK_KEY_LENGTH: Final = 100
"""The longest task key the service keeps whole; longer ones are warned about."""
COMPUTE_FIELDS: Final = (
    "existing_cluster_id",
    "new_cluster",
    "job_cluster_key",
    "environment_key",
)
"""The fields of a task that choose its compute; setting more than one is warned about.

``compute`` (task-level compute, such as a serverless GPU's ``hardware_accelerator``) goes
with ``environment_key``: the Databricks CLI writes both for serverless GPU tasks.
"""

Spec = (
    JobSettings
    | CreateJob
    | ResetJob
    | UpdateJob
    | SubmitRun
    | RunNow
    | RepairRun
    | Sequence[Task | SubmitTask]
)
"""What `validate` accepts."""


class SpecWarning(UserWarning):
    """A spec the service may refuse or read otherwise than meant; it is sent anyway.

    Raised through `warnings.warn` by `validate` (and so before every send): filter it with
    ``warnings.filterwarnings("ignore", category=SpecWarning)`` or turn it into an error
    with ``"error"``. `field` is the path of the field concerned, like `SpecError.field`.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}" if field else message)


def validate(spec: Spec) -> None:
    """Check a spec before it is sent; raise `SpecError` naming the first certain refusal.

    Refuses (each rule's source is in docs/models.md): a required field missing; a task key
    empty, used twice, or with a character other than ASCII letters, digits, ``_`` and ``-``;
    a dependency on the task itself, on a task not in the job, or in a cycle; a
    ``job_cluster_key`` or ``environment_key`` not defined in the job, or defined twice; a
    job or run name over 4096 UTF-8 bytes, a job description over 27,700 characters; more
    than 1000 tasks or 25 tags; ``max_concurrent_runs`` over 1000; ``schedule`` with
    ``continuous``, ``triggers`` with a legacy schedule or trigger, a trigger configuration
    with other than one trigger kind; a cron expression that is not Quartz syntax; a git
    source with more than one of branch, tag and commit; a job parameter name with other
    characters than letters, digits, ``_``, ``-`` and ``.``; ``autoscale.max_workers`` not
    above ``min_workers``; for-each inputs that are neither JSON nor a reference; an
    idempotency token over 64 characters; a repair with both ``rerun_tasks`` and
    ``rerun_all_failed_tasks``.

    Warns (`SpecWarning`) and sends: values of another JSON type than declared, task keys
    over 100 characters or with non-ASCII letters, more than one task kind or none, more
    than one compute choice, ``num_workers`` with ``autoscale`` or neither, negative
    timeouts and limits, a for-each concurrency below 1, duplicate job parameter names, a
    legacy trigger with other than one kind, a repair with neither rerun option, and the
    like.

    For `UpdateJob`, whose tasks and job clusters are merged by key into the existing job,
    references to tasks, job clusters and environments outside the update are not checked.
    """
    if isinstance(spec, JobSettings | CreateJob):
        _check_shapes(spec, "")
        _check_job(spec, "", partial=False)
    elif isinstance(spec, ResetJob | UpdateJob):
        _check_shapes(spec, "")
        if isinstance(spec.new_settings, JobSettings):
            _check_job(spec.new_settings, "new_settings.", partial=isinstance(spec, UpdateJob))
    elif isinstance(spec, SubmitRun):
        _check_shapes(spec, "")
        check_idempotency_token(spec.idempotency_token)
        _check_name(spec.run_name, "run_name")
        _check_not_negative(spec.timeout_seconds, "timeout_seconds")
        _check_tasks(spec.tasks, _Keys(None, None), "tasks", partial=False)
    elif isinstance(spec, RunNow):
        _check_shapes(spec, "")
        check_idempotency_token(spec.idempotency_token)
        _check_run_parameters(spec, "")
    elif isinstance(spec, RepairRun):
        _check_shapes(spec, "")
        _check_repair(spec)
    elif isinstance(spec, Sequence) and not isinstance(spec, str):
        tasks = list(spec)
        for i, task in enumerate(tasks):
            _check_shapes(task, f"[{i}]")
        _check_tasks(tasks, _Keys(None, None), "", partial=False)
    else:
        raise TypeError(f"validate() does not know how to check a {type(spec).__name__}")


def check_idempotency_token(token: str | None, *, field: str = "idempotency_token") -> None:
    """Raise `SpecError` if an idempotency token is longer than the API accepts (64)."""
    # Reference (run-now, runs/submit): "This token must have at most 64 characters."
    if isinstance(token, str) and len(token) > MAX_IDEMPOTENCY_TOKEN_LENGTH:
        raise SpecError(
            f"an idempotency token has at most {MAX_IDEMPOTENCY_TOKEN_LENGTH} characters, "
            f"got {len(token)}",
            field=field,
        )


# --- warnings ----------------------------------------------------------------------------

_PACKAGE_DIR = str(Path(__file__).resolve().parents[1])


def _warn(message: str, field: str | None) -> None:
    """Warn with `SpecWarning`, attributed to the first caller outside this package."""
    level = 1
    frame = sys._getframe(0)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    warnings.warn(SpecWarning(message, field=field), stacklevel=level)


def _at(prefix: str, name: str) -> str:
    """Join a path and a field name (``tasks[0]`` + ``task_key``)."""
    return f"{prefix}.{name}" if prefix and not prefix.endswith(".") else f"{prefix}{name}"


def _key_path(key: object) -> str:
    """A map key as a path part: ``["spark.speculation"]``, never dotted."""
    return "[" + json.dumps(str(key), ensure_ascii=False) + "]"


# --- shapes: required fields and JSON types, at every depth ------------------------------


@attrs.frozen
class _Shape:
    """What a field declares: its kind and, for models, lists and dicts, what they hold.

    Kinds: str, int, int64, float, bool, enum, model, any, list, dict.
    """

    kind: str
    model: Any = None
    item: _Shape | None = None


_SHAPES: dict[type, tuple[tuple[str, _Shape, bool], ...]] = {}
_NoneType = type(None)


def _shape_of(tp: Any) -> _Shape:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        base, *marks = typing.get_args(tp)
        return _Shape("int64") if INT64 in marks else _shape_of(base)
    if origin is typing.Union or origin is types.UnionType:
        args = [a for a in typing.get_args(tp) if a is not _NoneType]
        enums = [a for a in args if isinstance(a, type) and issubclass(a, enum.Enum)]
        return _Shape("enum") if enums else _shape_of(args[0])
    if origin is list:
        return _Shape("list", item=_shape_of(typing.get_args(tp)[0]))
    if origin is dict:
        return _Shape("dict", item=_shape_of(typing.get_args(tp)[1]))
    if isinstance(tp, type) and issubclass(tp, Model):
        return _Shape("model", model=tp)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return _Shape("enum")
    if tp in (str, int, float, bool):
        return _Shape(tp.__name__)
    return _Shape("any")


def _shapes(cls: type[Model]) -> tuple[tuple[str, _Shape, bool], ...]:
    """(field, shape, required) for every wire field of a model class, cached."""
    cached = _SHAPES.get(cls)
    if cached is None:
        hints = typing.get_type_hints(cls, include_extras=True)
        cached = tuple(
            (f.name, _shape_of(hints[f.name]), f.default is attrs.NOTHING)
            for f in model_fields(cls)
            if f.name != "extra"
        )
        _SHAPES[cls] = cached
    return cached


_JSON_TYPE_NAMES = {
    "str": "a string",
    "int": "an integer",
    "int64": "an integer",
    "float": "a number",
    "bool": "a boolean",
    "enum": "a string",
    "list": "a list",
    "dict": "an object",
}
_INT_TEXT = re.compile(r"-?[0-9]+")


def _fits(value: Any, shape: _Shape) -> bool:
    """Whether a (not None) value has the JSON type a field declares."""
    kind = shape.kind
    if kind == "any":
        return True
    if kind in ("str", "enum"):
        return isinstance(value, str)
    if kind == "bool":
        return isinstance(value, bool)
    if kind in ("int", "int64"):
        # proto3 JSON reads integers from numbers and from numeric strings alike
        if isinstance(value, str):
            return _INT_TEXT.fullmatch(value) is not None
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "model":
        return isinstance(value, shape.model)
    if kind == "list":
        return isinstance(value, list | tuple)
    if kind == "dict":
        return value.__class__ is dict or isinstance(value, Mapping)  # skip the ABC's check
    return True  # pragma: no cover - every kind is listed above


def _check_shapes(obj: Model, path: str) -> None:
    """Refuse a missing required field; warn about values of another JSON type, anywhere.

    Required fields: the reference marks them, and the service answers "Missing required
    field: settings.tasks.task_key" (recorded in databricks/bundle-examples#22,
    databricks/terraform-provider-databricks#1527). Type mismatches: whether the service
    coerces them is not known, so they are only warned about.
    """
    cls = type(obj)
    checker = _CHECKERS.get(cls)
    if checker is None:
        checker = _CHECKERS[cls] = _shape_checker(cls)
    checker(obj, path)


_CHECKERS: dict[type, typing.Callable[[Any, str], None]] = {}

_PLAIN_TESTS: Final = {
    # A test true of every value of the exact JSON class a field declares: those values need
    # nothing more. Any other value goes to `_check_value`, which decides (a subclass of
    # str fits a str field; True does not fit an int field).
    "str": "v.__class__ is str",
    "enum": "v.__class__ is str",
    "int": "v.__class__ is int",
    "int64": "v.__class__ is int",
    "float": "v.__class__ is float or v.__class__ is int",
    "bool": "v.__class__ is bool",
}


def _shape_checker(cls: type[Model]) -> typing.Callable[[Any, str], None]:
    """A function that checks the shapes of one model class, its fields written out.

    It does what the loop over `_shapes` did: a field set to None is refused if required,
    and any other value goes to `_check_value`, except one whose class is exactly the JSON
    type declared (most values), which fits and holds nothing to check. Written out per
    class, a run-now body is checked in a quarter of the loop's time; paths are built only
    for the values `_check_value` looks at.
    """
    lines = ["def check(o, path):"]
    namespace: dict[str, Any] = {"SpecError": SpecError, "_at": _at, "_check_value": _check_value}
    for i, (name, shape, required) in enumerate(_shapes(cls)):
        if shape.kind == "any" and not required:
            continue  # any value fits, None included
        namespace[f"_s{i}"] = shape
        refusal = f"SpecError('this field is required', field=_at(path, {name!r}))"
        lines.append(f"    v = o.{name}")
        lines.append("    if v is None:")
        lines.append(f"        raise {refusal}" if required else "        pass")
        if shape.kind == "any":
            continue
        test = _PLAIN_TESTS.get(shape.kind)
        lines.append(f"    elif not ({test}):" if test else "    else:")
        lines.append(f"        _check_value(v, _s{i}, _at(path, {name!r}), {name!r})")
    lines.append("    return None")
    source = "\n".join(lines) + "\n"
    filename = f"<databricks_jobs.models._validation {cls.__qualname__}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    exec(compile(source, filename, "exec"), namespace)
    checker: typing.Callable[[Any, str], None] = namespace["check"]
    return checker


def _check_value(value: Any, shape: _Shape, where: str, name: str) -> None:
    if not _fits(value, shape):
        want = shape.model.__name__ if shape.kind == "model" else _JSON_TYPE_NAMES[shape.kind]
        if shape.kind == "model":
            want = f"a {want} object"
        _warn(f"holds {describe_value(value)} where the API expects {want}; sent as it is", where)
        return
    if shape.kind == "model":
        _check_shapes(value, where)
    elif shape.kind == "list" and shape.item is not None:
        item_shape = shape.item
        for i, item in enumerate(value):
            if item is None:
                _warn("holds null in a list; sent as it is", f"{where}[{i}]")
            elif name == "depends_on" and isinstance(item, str):
                continue  # the task-key shorthand, written as {"task_key": ...}
            elif item_shape.kind in _DEEP or not _fits(item, item_shape):
                _check_value(item, item_shape, f"{where}[{i}]", "")
    elif shape.kind == "dict" and shape.item is not None:
        item_shape = shape.item
        for key, item in value.items():
            # A plain value that fits needs nothing: its path is not built.
            if item is not None and (item_shape.kind in _DEEP or not _fits(item, item_shape)):
                _check_value(item, item_shape, where + _key_path(key), "")


_DEEP: Final = frozenset({"model", "list", "dict"})
"""The kinds whose values hold more to check."""


# --- jobs ----------------------------------------------------------------------------------


@attrs.frozen
class _Keys:
    """The job cluster and environment keys a job defines (None: not checked, as in updates)."""

    clusters: set[str] | None
    environments: set[str] | None


def _items(value: Any) -> list[Any]:
    """A list field's items, or none when it holds another type (already warned about)."""
    return list(value) if isinstance(value, list | tuple) else []


def _check_job(settings: JobSettings | CreateJob, prefix: str, *, partial: bool) -> None:
    _check_name(settings.name, f"{prefix}name")
    description = settings.description
    # Reference (JobSettings.description): "The maximum length is 27700 characters".
    if isinstance(description, str) and len(description) > MAX_JOB_DESCRIPTION_LENGTH:
        raise SpecError(
            f"a job description has at most {MAX_JOB_DESCRIPTION_LENGTH} characters, "
            f"got {len(description)}",
            field=f"{prefix}description",
        )
    tags = settings.tags
    # Reference (JobSettings.tags): "A maximum of 25 tags can be added to the job."
    if isinstance(tags, Mapping) and len(tags) > MAX_TAGS:
        raise SpecError(
            f"a job has at most {MAX_TAGS} tags, got {len(tags)}", field=f"{prefix}tags"
        )
    _check_concurrency(settings.max_concurrent_runs, f"{prefix}max_concurrent_runs")
    _check_not_negative(settings.timeout_seconds, f"{prefix}timeout_seconds")
    _check_schedules(settings, prefix)
    if isinstance(settings.git_source, GitSource):
        _check_git_source(settings.git_source, f"{prefix}git_source")
    _check_parameters(_items(settings.parameters), f"{prefix}parameters")
    clusters = _check_job_clusters(_items(settings.job_clusters), f"{prefix}job_clusters")
    environments = _check_environments(_items(settings.environments), f"{prefix}environments")
    keys = _Keys(None, None) if partial else _Keys(clusters, environments)
    _check_tasks(settings.tasks, keys, f"{prefix}tasks", partial=partial)


def _check_name(name: Any, field: str) -> None:
    # Reference (JobSettings.name, SubmitRun.run_name): "The maximum length is 4096 bytes in
    # UTF-8 encoding."
    if isinstance(name, str):
        size = len(name.encode("utf-8", "surrogatepass"))
        if size > MAX_NAME_BYTES:
            raise SpecError(
                f"a name has at most {MAX_NAME_BYTES} bytes in UTF-8, got {size}", field=field
            )


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_concurrency(value: Any, field: str) -> None:
    if not _is_int(value):
        return
    # Reference (JobSettings.max_concurrent_runs): "This value cannot exceed 1000. Setting
    # this value to 0 causes all new runs to be skipped."
    if value > MAX_CONCURRENT_RUNS:
        raise SpecError(
            f"max_concurrent_runs cannot exceed {MAX_CONCURRENT_RUNS}, got {value}", field=field
        )
    # Negative: the reference does not say; no recorded answer. Uncertain.
    if value < 0:
        _warn(f"is negative ({value}); the service may refuse it", field)


def _check_not_negative(value: Any, field: str) -> None:
    # Timeouts and intervals: the reference defines 0 ("no timeout") but not negatives, and
    # no service answer is recorded. Uncertain.
    if _is_int(value) and value < 0:
        _warn(f"is negative ({value}); the service may refuse it", field)


_TRIGGER_KINDS: Final = (
    "continuous",
    "file_arrival",
    "job_completion",
    "model",
    "periodic",
    "schedule",
    "table_update",
)


def _check_schedules(settings: JobSettings | CreateJob, prefix: str) -> None:
    # Reference (JobSettings.continuous): "Only one of schedule and continuous can be used."
    if settings.schedule is not None and settings.continuous is not None:
        raise SpecError("give schedule or continuous, not both", field=f"{prefix}continuous")
    # Reference (JobSettings.triggers): "Cannot be set in the same request as the legacy
    # schedule, trigger, or continuous fields."
    if settings.triggers is not None:
        legacy = [
            name
            for name in ("schedule", "trigger", "continuous")
            if getattr(settings, name) is not None
        ]
        if legacy:
            raise SpecError(
                f"triggers cannot be set together with {', '.join(legacy)}",
                field=f"{prefix}triggers",
            )
    schedule = settings.schedule
    if schedule is not None and isinstance(schedule.quartz_cron_expression, str):
        check_quartz_cron(
            schedule.quartz_cron_expression, field=f"{prefix}schedule.quartz_cron_expression"
        )
    for i, trigger in enumerate(_items(settings.triggers)):
        if isinstance(trigger, TriggerConfiguration):
            _check_trigger_configuration(trigger, f"{prefix}triggers[{i}]")
    if isinstance(settings.trigger, TriggerSettings):
        _check_legacy_trigger(settings.trigger, f"{prefix}trigger")


def _check_trigger_configuration(trigger: TriggerConfiguration, where: str) -> None:
    # Reference (TriggerConfiguration.periodic): "Trigger type: exactly one must be set;
    # mutual exclusivity is enforced in the API handler". sql_condition gates any kind.
    kinds = [k for k in _TRIGGER_KINDS if getattr(trigger, k) is not None]
    if len(kinds) != 1:
        found = ", ".join(kinds) if kinds else "none"
        raise SpecError(f"a trigger has exactly one trigger kind, found: {found}", field=where)
    schedule = trigger.schedule
    if schedule is not None and isinstance(schedule.quartz_cron_expression, str):
        check_quartz_cron(
            schedule.quartz_cron_expression, field=f"{where}.schedule.quartz_cron_expression"
        )


def _check_legacy_trigger(trigger: TriggerSettings, where: str) -> None:
    # The legacy `trigger` has no "exactly one" in the reference (its sql_condition "can be
    # used in combination with other trigger types"); by analogy with `triggers`: a warning.
    kinds = [k for k in _TRIGGER_KINDS if getattr(trigger, k, None) is not None]
    if len(kinds) != 1:
        found = ", ".join(kinds) if kinds else "none"
        _warn(f"a trigger usually has one trigger kind, found: {found}", where)


def _check_git_source(git: GitSource, where: str) -> None:
    # Reference (GitSource.git_branch, git_tag, git_commit): "This field cannot be specified
    # in conjunction with git_tag or git_commit" (and the like for the two others).
    refs = [name for name in ("git_branch", "git_tag", "git_commit") if getattr(git, name)]
    if len(refs) > 1:
        raise SpecError(
            f"give one of git_branch, git_tag and git_commit, found: {', '.join(refs)}",
            field=f"{where}.{refs[1]}",
        )


# Reference (JobParameterDefinition.name): "May only contain alphanumeric characters, _, -,
# and ." Non-ASCII letters and digits are "alphanumeric" to Unicode but maybe not to the
# service: a warning.
_PARAMETER_NAME = re.compile(r"[A-Za-z0-9_.\-]+")
_PARAMETER_NAME_UNICODE = re.compile(r"[\w.\-]+")


def _check_parameters(parameters: list[Any], where: str) -> None:
    seen: dict[str, int] = {}
    for i, parameter in enumerate(parameters):
        if not isinstance(parameter, JobParameterDefinition):
            continue
        name = parameter.name
        field = f"{where}[{i}].name"
        if not isinstance(name, str):
            continue
        if not _PARAMETER_NAME.fullmatch(name):
            if not _PARAMETER_NAME_UNICODE.fullmatch(name):
                raise SpecError(
                    f"a job parameter name may only contain letters, digits, _, - and ., "
                    f"got {name!r}",
                    field=field,
                )
            _warn(f"job parameter name {name!r} has non-ASCII characters", field)
        # Duplicates: not in the reference, no recorded answer. Uncertain.
        if name in seen:
            _warn(f"job parameter {name!r} is defined twice (also [{seen[name]}])", field)
        seen.setdefault(name, i)


def _check_job_clusters(clusters: list[Any], where: str) -> set[str]:
    keys: dict[str, int] = {}
    for i, cluster in enumerate(clusters):
        if not isinstance(cluster, JobCluster) or not isinstance(cluster.job_cluster_key, str):
            continue
        key = cluster.job_cluster_key
        # Reference (JobCluster.job_cluster_key): "must be unique within the job".
        if key in keys:
            raise SpecError(
                f"job_cluster_key {key!r} is defined twice (also job_clusters[{keys[key]}])",
                field=f"{where}[{i}].job_cluster_key",
            )
        keys[key] = i
        if isinstance(cluster.new_cluster, ClusterSpec):
            _check_cluster(cluster.new_cluster, f"{where}[{i}].new_cluster")
    return set(keys)


def _check_environments(environments: list[Any], where: str) -> set[str]:
    keys: dict[str, int] = {}
    for i, environment in enumerate(environments):
        if not isinstance(environment, JobEnvironment):
            continue
        key = environment.environment_key
        if not isinstance(key, str):
            continue
        # Reference (JobEnvironment.environment_key): "It has to be unique within a job."
        if key in keys:
            raise SpecError(
                f"environment_key {key!r} is defined twice (also environments[{keys[key]}])",
                field=f"{where}[{i}].environment_key",
            )
        keys[key] = i
    return set(keys)


# --- tasks ---------------------------------------------------------------------------------

# The Jobs API 2.1 OpenAPI description gives task_key the pattern ^[\w\-]+$ (minLength 1),
# and the service answers "Task key '...' contains an invalid character. Only alphanumeric,
# - and _ characters are permitted." (recorded in JenspederM/kedro-databricks#136). Whether
# non-ASCII letters pass is not known: a warning.
_TASK_KEY = re.compile(r"[A-Za-z0-9_\-]+")
_TASK_KEY_UNICODE = re.compile(r"[\w\-]+")


def _check_task_key(key: Any, field: str) -> None:
    if not isinstance(key, str):
        return
    if key == "":
        raise SpecError("a task key cannot be empty", field=field)
    if not _TASK_KEY.fullmatch(key):
        if not _TASK_KEY_UNICODE.fullmatch(key):
            raise SpecError(
                f"a task key may only contain letters, digits, _ and -, got {key!r}", field=field
            )
        _warn(f"task key {key!r} has non-ASCII characters; the service may refuse it", field)
    # The OpenAPI description says at most 100 characters, but the service was seen creating
    # jobs with longer keys and cutting them at 100 in runs/get (apache/airflow#41816): a
    # warning, because lookups by key then fail.
    if len(key) > MAX_TASK_KEY_LENGTH:
        _warn(
            f"a task key longer than {MAX_TASK_KEY_LENGTH} characters ({len(key)}) is cut "
            "at 100 in what runs/get returns",
            field,
        )


def _dependency_key(dep: Any) -> str | None:
    """The task key a dependency names (a `TaskDependency` or the plain-key shorthand)."""
    if isinstance(dep, TaskDependency):
        return dep.task_key if isinstance(dep.task_key, str) else None
    if isinstance(dep, str):
        return dep
    return None


def _check_tasks(tasks: Any, keys: _Keys, name: str, *, partial: bool) -> None:
    if tasks is None or not isinstance(tasks, list | tuple):
        return
    # Reference (JobSettings.tasks): "It supports up to 1000 elements in write endpoints".
    if len(tasks) > MAX_TASKS:
        raise SpecError(f"at most {MAX_TASKS} tasks are allowed, got {len(tasks)}", field=name)
    real = [(i, t) for i, t in enumerate(tasks) if isinstance(t, Task | SubmitTask)]
    seen: dict[str, int] = {}
    for i, task in real:
        _check_task_key(task.task_key, f"{name}[{i}].task_key")
        key = task.task_key
        if not isinstance(key, str):
            continue
        # Reference (Task.task_key): "must be unique within its parent job".
        if key in seen:
            raise SpecError(
                f"task_key {key!r} is used twice (also {name}[{seen[key]}])",
                field=f"{name}[{i}].task_key",
            )
        seen[key] = i
    edges: dict[str, list[str]] = {}
    for i, task in real:
        where = f"{name}[{i}]"
        _check_task(task, where, keys)
        depends = [(j, _dependency_key(d)) for j, d in enumerate(_items(task.depends_on))]
        for j, dep in depends:
            if dep is None:
                continue
            # The service answers "Invalid dependency graph, task '...' can not reference
            # itself." (recorded in apache/airflow#47983).
            if dep == task.task_key:
                raise SpecError(
                    f"task {task.task_key!r} depends on itself", field=f"{where}.depends_on[{j}]"
                )
            # Reference (Task.depends_on): "All tasks specified in this field must complete
            # before executing this task": a task not in the job never completes, and the
            # service checks the dependency graph on create (apache/airflow#47983).
            if not partial and dep not in seen:
                raise SpecError(
                    f"task {task.task_key!r} depends on {dep!r}, which is not a task of this job",
                    field=f"{where}.depends_on[{j}]",
                )
        if isinstance(task.task_key, str):
            edges[task.task_key] = [d for _, d in depends if d is not None]
    # A cycle: no task of it can ever start (same reference text and recorded check).
    cycle = _find_cycle(edges)
    if cycle:
        raise SpecError(
            "dependency cycle: " + " -> ".join(repr(k) for k in cycle),
            field=f"{name}[{seen[cycle[0]]}].depends_on",
        )


def _task_kind_fields(cls: type[Task] | type[SubmitTask]) -> tuple[str, ...]:
    cached = _KIND_FIELDS.get(cls)
    if cached is None:
        cached = tuple(f.name for f in attrs.fields(cls) if f.name.endswith("_task"))
        _KIND_FIELDS[cls] = cached
    return cached


_KIND_FIELDS: dict[type, tuple[str, ...]] = {}


def _check_task(task: Task | SubmitTask, where: str, keys: _Keys) -> None:
    # Task kinds: the reference describes each *_task field as what the task runs "when the
    # field is present", and no service answer on none or two is recorded: a warning. A
    # *_task key unknown to this release (in `extra`) counts, so newer specs pass.
    kinds = [f for f in _task_kind_fields(type(task)) if getattr(task, f) is not None]
    kinds += [k for k in task.extra if k.endswith("_task") and task.extra[k] is not None]
    if len(kinds) != 1:
        found = ", ".join(kinds) if kinds else "none"
        _warn(f"a task has one task kind (a *_task field), found: {found}", where)
    # Compute: the service answers "One of job_cluster_key, new_cluster, or
    # existing_cluster_id must be specified." for a classic task with none
    # (databricks/cli#838), but serverless tasks have none, and whether two are refused is
    # not recorded. `compute` pairs with `environment_key` (serverless GPU). A warning.
    computes = [f for f in COMPUTE_FIELDS if getattr(task, f, None) is not None]
    if len(computes) > 1:
        _warn(
            f"a task usually has one compute choice, found: {', '.join(computes)}",
            f"{where}.{computes[1]}",
        )
    if getattr(task, "compute", None) is not None and computes and computes != ["environment_key"]:
        _warn(
            f"compute goes with environment_key, found: {', '.join(computes)}", f"{where}.compute"
        )
    cluster_key = getattr(task, "job_cluster_key", None)
    # The service answers "Job cluster '...' is not defined in field 'job_clusters'."
    # (recorded in databrickslabs/lakebridge#2132).
    clusters = keys.clusters
    if isinstance(cluster_key, str) and clusters is not None and cluster_key not in clusters:
        raise SpecError(
            f"job_cluster_key {cluster_key!r} is not defined in job_clusters",
            field=f"{where}.job_cluster_key",
        )
    environment_key = getattr(task, "environment_key", None)
    # Reference (Task.environment_key): "The key that references an environment spec in a
    # job": a key the job does not define references nothing, as for job clusters above.
    environments = keys.environments
    if (
        isinstance(environment_key, str)
        and environments is not None
        and environment_key not in environments
    ):
        raise SpecError(
            f"environment_key {environment_key!r} is not defined in environments",
            field=f"{where}.environment_key",
        )
    if isinstance(task.new_cluster, ClusterSpec):
        _check_cluster(task.new_cluster, f"{where}.new_cluster")
    _check_not_negative(task.timeout_seconds, f"{where}.timeout_seconds")
    _check_not_negative(task.min_retry_interval_millis, f"{where}.min_retry_interval_millis")
    retries = getattr(task, "max_retries", None)
    # Reference (Task.max_retries): "-1 means to retry indefinitely"; below that, unknown.
    if _is_int(retries) and retries < -1:
        _warn(f"is below -1 ({retries}); the service may refuse it", f"{where}.max_retries")
    if isinstance(task.for_each_task, ForEachTask):
        _check_for_each(task.for_each_task, f"{where}.for_each_task", keys)


def _check_for_each(for_each: ForEachTask, where: str, keys: _Keys) -> None:
    # Concurrency: the reference only says "An optional maximum allowed number of concurrent
    # runs of the task"; 0 or less can run nothing, but no service answer is recorded.
    concurrency = for_each.concurrency
    if _is_int(concurrency) and concurrency < 1:
        _warn(
            f"a for-each concurrency below 1 ({concurrency}) runs nothing", f"{where}.concurrency"
        )
    inputs = for_each.inputs
    # Reference (ForEachTask.inputs): "Array for task to iterate on. This can be a JSON string
    # or a reference to an array parameter." Text that is neither (no {{ reference}}, not
    # JSON) is refused; JSON that is not an array is only warned about.
    if isinstance(inputs, str) and "{{" not in inputs:
        try:
            parsed = parse_json(inputs)
        except JSONTooDeep:  # JSON, nested past what Python reads: not ours to refuse
            _warn("for-each inputs are nested too deeply to check", f"{where}.inputs")
            parsed = []
        except ValueError as exc:
            raise SpecError(
                f"for-each inputs are neither JSON nor a {{{{reference}}}}: {exc}",
                field=f"{where}.inputs",
            ) from None
        if not isinstance(parsed, list):
            _warn("for-each inputs are JSON but not an array", f"{where}.inputs")
    inner = for_each.task
    if isinstance(inner, Task):
        _check_task_key(inner.task_key, f"{where}.task.task_key")
        _check_task(inner, f"{where}.task", keys)


def _check_cluster(cluster: ClusterSpec, where: str) -> None:
    autoscale = cluster.autoscale
    # num_workers and autoscale: real tools send both (the autoscale wins) and send neither
    # (a policy or single-node settings fill it in); the service was seen answering "Missing
    # required field: settings.cluster_spec.new_cluster.size" for neither without a policy
    # (databricks/databricks-cli#663, databricks/terraform-provider-databricks#25). Warnings.
    if cluster.num_workers is not None and autoscale is not None:
        _warn("num_workers and autoscale are both set", f"{where}.autoscale")
    if (
        cluster.num_workers is None
        and autoscale is None
        and cluster.policy_id is None
        and cluster.is_single_node is not True
    ):
        _warn(
            "neither num_workers nor autoscale is set (nor a policy_id, nor is_single_node); "
            "the service answers 'Missing required field: ...new_cluster.size' unless a "
            "policy fills it in",
            f"{where}.num_workers",
        )
    if autoscale is not None and isinstance(autoscale, Model):
        low, high = getattr(autoscale, "min_workers", None), getattr(autoscale, "max_workers", None)
        # Reference (AutoScale.max_workers): "max_workers must be strictly greater than
        # min_workers".
        if _is_int(low) and _is_int(high) and not low < high:
            raise SpecError(
                f"autoscale.max_workers must be greater than min_workers, got min {low} and "
                f"max {high}",
                field=f"{where}.autoscale.max_workers",
            )


def _find_cycle(edges: Mapping[str, list[str]]) -> list[str] | None:
    """Return a dependency cycle as task keys (first key repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in edges:
        if state.get(start):
            continue
        path: list[str] = []
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(edges[start]))]
        state[start] = 1
        path.append(start)
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                state[node] = 2
                continue
            if child not in edges:
                continue
            mark = state.get(child)
            if mark == 1:
                return [*path[path.index(child) :], child]
            if mark is None:
                state[child] = 1
                path.append(child)
                stack.append((child, iter(edges[child])))
    return None


# --- runs ----------------------------------------------------------------------------------


def _check_run_parameters(spec: RunNow | RepairRun, prefix: str) -> None:
    # Reference (jar_params): "cannot be specified in conjunction with notebook_params". Real
    # tools send both (Apache Airflow's run-now operator passes what it is given) and no
    # refusal is recorded: a warning.
    if spec.jar_params is not None and spec.notebook_params is not None:
        _warn("jar_params and notebook_params are both set", f"{prefix}jar_params")


def _check_repair(spec: RepairRun) -> None:
    rerun_all = spec.rerun_all_failed_tasks
    # Reference (RepairRun.rerun_all_failed_tasks): "Only one of rerun_tasks or
    # rerun_all_failed_tasks can be used."
    if spec.rerun_tasks is not None and rerun_all is True:
        raise SpecError("give rerun_tasks or rerun_all_failed_tasks, not both", field="rerun_tasks")
    # Neither: the reference does not say, and no service answer is recorded (the resource
    # method `runs.repair` refuses it before building the body). A warning.
    if spec.rerun_tasks is None and rerun_all is not True:
        _warn("neither rerun_tasks nor rerun_all_failed_tasks is set", "rerun_tasks")
    _check_run_parameters(spec, "")


# --- Quartz cron expressions -------------------------------------------------------------

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")


@attrs.frozen
class _CronField:
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()


_CRON_FIELDS = (
    _CronField("seconds", 0, 59),
    _CronField("minutes", 0, 59),
    _CronField("hours", 0, 23),
    _CronField("day-of-month", 1, 31),
    _CronField("month", 1, 12, _MONTHS),
    _CronField("day-of-week", 1, 7, _DAYS),
    _CronField("year", 1970, 2099),
)


def check_quartz_cron(expression: str, *, field: str = "quartz_cron_expression") -> None:
    """Raise `SpecError` if `expression` is not a Quartz cron expression, structurally.

    Checks the number of fields (six, or seven with a year), each field's syntax (``*``,
    ``?``, lists, ranges, ``/`` increments, month and day names, ``L``, ``W``, ``#``) and
    value ranges, and that exactly one of day-of-month and day-of-week is ``?``. Makes no
    claim beyond that (an expression that never fires passes).
    """
    # The service uses Quartz syntax and answers "Invalid quartz_cron_expression: 0 30
    # 2,7,11,15 * * *. Databricks uses Quartz cron syntax, which is different from the
    # standard cron syntax." (recorded in MicrosoftDocs/azure-docs#44131): that expression
    # sets both day fields, which Quartz refuses.
    parts = expression.split()
    if len(parts) not in (6, 7):
        raise SpecError(
            f"a Quartz cron expression has 6 or 7 fields (seconds first), got {len(parts)}: "
            f"{expression!r}",
            field=field,
        )
    for spec, text in zip(_CRON_FIELDS, parts, strict=False):
        problem = _cron_field_problem(spec, text)
        if problem:
            raise SpecError(f"{spec.name} field {text!r}: {problem}", field=field)
    day_of_month, day_of_week = parts[3], parts[5]
    if (day_of_month == "?") == (day_of_week == "?"):
        raise SpecError(
            "exactly one of day-of-month and day-of-week must be '?' in Quartz syntax, "
            f"got {day_of_month!r} and {day_of_week!r}",
            field=field,
        )


def _cron_value(spec: _CronField, text: str) -> int | None:
    """A field value: a number in range or a name (JAN, MON); None when neither."""
    if text.isdigit():
        value = int(text)
        return value if spec.low <= value <= spec.high else None
    upper = text.upper()
    if upper in spec.names:
        return spec.names.index(upper) + 1
    return None


def _cron_field_problem(spec: _CronField, text: str) -> str | None:
    """What is wrong with one field of a Quartz expression, or None."""
    if text == "?":
        return None if spec.name in ("day-of-month", "day-of-week") else "'?' is for days only"
    if text == "*":
        return None
    for item in text.split(","):
        problem = _cron_item_problem(spec, item)
        if problem:
            return problem
    return None


def _cron_item_problem(spec: _CronField, item: str) -> str | None:
    if item == "":
        return "an empty list item"
    if spec.name == "day-of-month":
        if item in ("L", "LW"):
            return None
        if item.startswith("L-"):
            offset = item[2:]
            return None if offset.isdigit() and int(offset) <= 30 else "L-n needs n from 0 to 30"
        if item.endswith("W"):
            return None if _cron_value(spec, item[:-1]) is not None else "nW needs a day 1-31"
    if spec.name == "day-of-week":
        if item == "L":
            return None
        if item.endswith("L"):
            return None if _cron_value(spec, item[:-1]) is not None else "nL needs a day 1-7"
        if "#" in item:
            day, _, nth = item.partition("#")
            if _cron_value(spec, day) is None or not (nth.isdigit() and 1 <= int(nth) <= 5):
                return "n#k needs a day 1-7 (or SUN-SAT) and k from 1 to 5"
            return None
    base, slash, step = item.partition("/")
    if slash and (not step.isdigit() or int(step) < 1 or int(step) > spec.high):
        return f"the increment after '/' must be from 1 to {spec.high}"
    if base == "*" and slash:
        return None
    low, dash, high = base.partition("-")
    if _cron_value(spec, low) is None:
        return _out_of_range(spec, low)
    if dash and _cron_value(spec, high) is None:
        return _out_of_range(spec, high)
    return None


def _out_of_range(spec: _CronField, text: str) -> str:
    names = f" or {spec.names[0]}-{spec.names[-1]}" if spec.names else ""
    return f"{text!r} is not a value from {spec.low} to {spec.high}{names}"
