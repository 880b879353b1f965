"""Job specs as files: read and write them (JSON or YAML), compare them, and apply them by name.

A spec file holds a job's settings (what ``jobs export`` writes, or the output of
``jobs get --json``, whose ``settings`` are used). Unknown fields are kept: they go through
the models' ``extra`` and back to the service. ``apply`` finds the job by exact name:
none, it creates one; one, it resets it (only when something differs); more, it refuses
and names the ids. Comparisons ignore the defaults the service fills in.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import attrs

from databricks_jobs import SpecError, Workspace, from_dict, to_dict
from databricks_jobs.models import JobSettings, SubmitRun

__all__ = [
    "AmbiguousName",
    "ApplyPlan",
    "apply_plan",
    "differences",
    "dump_spec",
    "load_data",
    "normalize",
    "read_settings",
    "read_submit",
    "unified_diff",
    "yaml_problem",
]

Format = Literal["json", "yaml"]

JOB_DEFAULTS: Mapping[str, Any] = {
    "format": "MULTI_TASK",
    "max_concurrent_runs": 1,
    "timeout_seconds": 0,
    "email_notifications": {},
    "webhook_notifications": {},
    "notification_settings": {},
    "queue": {"enabled": True},
}
"""Job settings the service fills in when a spec leaves them out."""

TASK_DEFAULTS: Mapping[str, Any] = {
    "timeout_seconds": 0,
    "email_notifications": {},
    "notification_settings": {},
    "webhook_notifications": {},
    "run_if": "ALL_SUCCESS",
}
"""Task settings the service fills in when a spec leaves them out."""

NESTED_DEFAULTS: Mapping[str, Mapping[str, Any]] = {
    "notebook_task": {"source": "WORKSPACE"},
    "spark_python_task": {"source": "WORKSPACE"},
}
"""Defaults inside a task's kind."""


class AmbiguousName(SpecError):
    """More than one job has the name a spec asks for; `job_ids` lists them."""

    def __init__(self, name: str, job_ids: list[int]) -> None:
        self.job_ids = job_ids
        ids = ", ".join(str(i) for i in job_ids)
        super().__init__(
            f"{len(job_ids)} jobs are named {name!r} (job ids {ids}); refusing to choose: "
            "rename them, or use jobs reset JOB_ID FILE",
            field="name",
        )


def load_data(path: str, text: str | None = None) -> Any:
    """Parse a spec file: YAML for ``.yaml``/``.yml``, otherwise JSON (``-`` reads stdin)."""
    if text is None:
        if path == "-":
            import sys

            text = sys.stdin.read()
        else:
            try:
                text = Path(path).read_text(encoding="utf-8")
            except OSError as exc:
                raise SpecError(f"cannot read {path}: {exc.strerror}") from None
    if path.endswith((".yaml", ".yml")):
        try:
            import yaml
        except ImportError:
            raise SpecError("YAML needs pyyaml: pip install 'brickjobs[cli]'") from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise SpecError(f"{path} is not valid YAML: {yaml_problem(exc)}") from None
        except RecursionError:
            raise SpecError(f"{path} is nested too deeply to read") from None
        return _within_size(path, data)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SpecError(f"{path} is not valid JSON: {exc}") from None
    except RecursionError:
        raise SpecError(f"{path} is nested too deeply to read") from None


MAX_SPEC_VALUES = 1_000_000
"""The most values (objects, lists, scalars) a spec file may hold once its YAML aliases are
followed: a job with 1,000 tasks of full cluster definitions holds about 60,000."""


def _within_size(path: str, data: Any) -> Any:
    """`data`, unless following its YAML aliases makes more than `MAX_SPEC_VALUES` values.

    An alias is the object it names, shared, so ten aliases of ten aliases of ... load in
    a few kilobytes and expand, when the spec is copied or written as JSON, into billions of
    values ("billion laughs"). Counted without recursion, and only up to the bound.
    """
    count = 0
    todo = [data]
    while todo:
        value = todo.pop()
        count += 1
        if count > MAX_SPEC_VALUES:
            raise SpecError(
                f"{path} holds more than {MAX_SPEC_VALUES:,} values once its YAML aliases are "
                "followed (aliases that repeat each other?)"
            )
        if isinstance(value, dict):
            todo += value.values()
        elif isinstance(value, list):
            todo += value
    return data


def yaml_problem(exc: Exception) -> str:
    """One line saying what PyYAML found wrong and where (line and column, from 1)."""
    problem = getattr(exc, "problem", None)
    if not problem:
        return " ".join(str(exc).split())
    mark = getattr(exc, "problem_mark", None)
    text = f"line {mark.line + 1}, column {mark.column + 1}: {problem}" if mark else problem
    context = getattr(exc, "context", None)
    if context:
        where = getattr(exc, "context_mark", None)
        text += f" ({context}" + (
            f" at line {where.line + 1}, column {where.column + 1})" if where else ")"
        )
    return " ".join(text.split())


def _plain_depends_on(data: Any) -> Any:
    """Turn ``depends_on: [a, b]`` (plain task keys, handy in files) into the wire objects."""
    if isinstance(data, dict):
        out = {}
        for key, value in data.items():
            if key == "depends_on" and isinstance(value, list):
                value = [{"task_key": v} if isinstance(v, str) else v for v in value]
            out[key] = _plain_depends_on(value)
        return out
    if isinstance(data, list):
        return [_plain_depends_on(item) for item in data]
    return data


def _wire(path: str, data: Any) -> Any:
    """`data` with plain task keys in ``depends_on`` made wire objects (`SpecError` if too deep)."""
    try:
        return _plain_depends_on(data)
    except RecursionError:
        raise SpecError(f"{path} is nested too deeply to read") from None


def read_settings(path: str, text: str | None = None) -> JobSettings:
    """Read job settings from a spec file (or a whole job with ``settings``)."""
    data = load_data(path, text)
    if not isinstance(data, dict):
        raise SpecError(f"{path} must hold a JSON/YAML object of job settings")
    if isinstance(data.get("settings"), dict) and "tasks" not in data:
        data = data["settings"]
    return from_dict(JobSettings, _wire(path, data))


def read_submit(path: str) -> SubmitRun:
    """Read a one-time run spec (``runs/submit`` body) from a file."""
    data = load_data(path)
    if not isinstance(data, dict):
        raise SpecError(f"{path} must hold a JSON/YAML object (a runs/submit body)")
    return from_dict(SubmitRun, _wire(path, data))


def dump_spec(settings: JobSettings, fmt: Format) -> str:
    """Write settings as JSON (indented) or YAML text, unknown fields included."""
    data = to_dict(settings)
    if fmt == "yaml":
        import yaml

        return str(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return json.dumps(data, indent=2) + "\n"


def _without_defaults(data: dict[str, Any], defaults: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if not (k in defaults and defaults[k] == v)}


def normalize(settings: JobSettings | Mapping[str, Any]) -> dict[str, Any]:
    """Settings as plain data without the service's defaults, tasks and clusters by key."""
    data = dict(to_dict(settings) if isinstance(settings, JobSettings) else settings)
    data = _without_defaults(data, JOB_DEFAULTS)
    if isinstance(data.get("tasks"), list):
        tasks = {}
        for task in data["tasks"]:
            task = _without_defaults(dict(task), TASK_DEFAULTS)
            for kind, defaults in NESTED_DEFAULTS.items():
                if isinstance(task.get(kind), dict):
                    task[kind] = _without_defaults(task[kind], defaults)
            tasks[str(task.get("task_key"))] = task
        data["tasks"] = tasks
    if isinstance(data.get("job_clusters"), list):
        data["job_clusters"] = {
            str(c.get("job_cluster_key")): c for c in data["job_clusters"] if isinstance(c, dict)
        }
    return data


def differences(before: Any, after: Any, path: str = "") -> list[dict[str, Any]]:
    """The changed leaves between two normalized specs: ``{path, before, after}`` each."""
    if isinstance(before, dict) and isinstance(after, dict):
        changes: list[dict[str, Any]] = []
        for key in sorted(set(before) | set(after), key=str):
            where = f"{path}.{key}" if path else str(key)
            if key not in before:
                changes.append({"path": where, "before": None, "after": after[key]})
            elif key not in after:
                changes.append({"path": where, "before": before[key], "after": None})
            else:
                changes.extend(differences(before[key], after[key], where))
        return changes
    if before != after:
        return [{"path": path, "before": before, "after": after}]
    return []


def unified_diff(before: Any, after: Any, old: str, new: str) -> str:
    """A unified diff of two normalized specs as sorted, indented JSON."""
    a = json.dumps(before, indent=2, sort_keys=True).splitlines(keepends=True)
    b = json.dumps(after, indent=2, sort_keys=True).splitlines(keepends=True)
    return "".join(difflib.unified_diff(a, b, fromfile=old, tofile=new))


@attrs.define
class ApplyPlan:
    """What ``jobs apply`` does: ``create``, ``reset`` or ``unchanged``, and the differences."""

    action: Literal["create", "reset", "unchanged"]
    name: str
    job_id: int | None
    changes: list[dict[str, Any]]
    diff: str


async def apply_plan(ws: Workspace, settings: JobSettings) -> ApplyPlan:
    """Find the job named like `settings` and work out what applying them changes."""
    name = settings.name
    if not name:
        raise SpecError("a spec to apply needs a name: jobs are matched by name", field="name")
    matches = [job async for job in ws.jobs.list(name=name)]
    same = [j for j in matches if j.settings is not None and j.settings.name == name]
    ids = sorted(j.job_id for j in same if j.job_id is not None)
    wanted = normalize(settings)
    if not ids:
        diff = unified_diff({}, wanted, "(no job)", f"{name} (new)")
        return ApplyPlan("create", name, None, differences({}, wanted), diff)
    if len(ids) > 1:
        raise AmbiguousName(name, ids)
    job = await ws.jobs.get(ids[0])
    current = normalize(job.settings or JobSettings())
    changes = differences(current, wanted)
    diff = unified_diff(current, wanted, f"job {ids[0]} (now)", f"job {ids[0]} (applied)")
    return ApplyPlan("reset" if changes else "unchanged", name, ids[0], changes, diff)
