"""Generate the model modules of `databricks_jobs.models` from the wire reference.

Usage (from the repository root, in an environment with ruff, such as ``.nox/lint``)::

    python tools/gen_models.py            # rewrite the generated modules, then run ruff on them
    python tools/gen_models.py --check    # fail (exit 1, with a diff) if they have drifted

The reference is ``tools/reference/jobs_api_types.json`` (``--reference`` names another). It
lists every type, field, enum and request body of the Jobs API 2.2. This script writes one
module per subject (``compute.py``, ``notifications.py``, ``tasks.py``, ``jobs.py``,
``triggers.py``, ``runs.py``, ``outputs.py``, ``permissions.py``, ``compliance.py``,
``request_bodies.py``, ``enums.py``) plus the re-exports in ``__init__.py``, and leaves the
hand-written modules (``_base.py``, ``_reference.py``, ``validation.py`` and its rules in
``_validation.py``) alone. Each generated module starts with a comment saying so: do not edit
it; change this script or ``models/_reference.py`` and rerun it. ``nox -s lint`` runs
``--check``, which generates into a temporary directory, formats there with ruff exactly as a
rewrite does (the repository's ``pyproject.toml`` copied beside the output, so the same
settings apply), and compares.

Rules applied:

* field names are the wire names; a field the reference marks required becomes a mandatory
  keyword argument, every other field defaults to ``None``;
* each field's reference doc becomes its attribute docstring (a string literal after the
  field, which documentation tools such as griffe read), turned into Markdown: RST code
  ``` ``x`` ``` and links become Markdown, links relative to the Databricks documentation
  become absolute. `CreateJob`, the body of jobs/create, is `JobSettings` plus access control
  and has no docs of its own in the reference: its fields take those of `JobSettings`;
* an enum-typed field is annotated ``TheEnum | str``, because enums are open;
* an integer field that is int64 on the wire (``INT64_FIELDS``) is annotated ``Int64``, an
  `int` that the serde also reads from a numeric string;
* every class gets ``extra: dict[str, Any]`` for the keys this release does not know;
* renames, type mappings and exclusions come from ``databricks_jobs/models/_reference.py``;
* ``models/__init__.py`` is rewritten with every public model, enum and the validation names.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import keyword
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "databricks_jobs" / "models"
DEFAULT_REFERENCE = ROOT / "tools" / "reference" / "jobs_api_types.json"


def _load_reference_rules() -> dict[str, Any]:
    """Read models/_reference.py by path (importing the package needs the generated modules)."""
    namespace: dict[str, Any] = {}
    source = (MODELS / "_reference.py").read_text(encoding="utf-8")
    exec(compile(source, "_reference.py", "exec"), namespace)
    return namespace


_RULES = _load_reference_rules()
# Reference name -> our name (the reasons are in models/_reference.py).
RENAMES: dict[str, str] = {ref: ours for ref, (ours, _why) in _RULES["RENAMES"].items()}
# (reference type or request, field) whose integers are int64: annotated `Int64`.
INT64_FIELDS: frozenset[tuple[str, str]] = _RULES["INT64_FIELDS"]

# Request bodies we model (SDK legacy request-type name); only the "body" parameters.
REQUEST_BODIES = {
    "JobsAPI.create": "CreateJob",
    "JobsAPI.reset": "ResetJob",
    "JobsAPI.update": "UpdateJob",
    "JobsAPI.delete": "DeleteJob",
    "JobsAPI.run_now": "RunNow",
    "JobsAPI.submit": "SubmitRun",
    "JobsAPI.repair_run": "RepairRun",
    "JobsAPI.cancel_run": "CancelRun",
    "JobsAPI.cancel_all_runs": "CancelAllRuns",
    "JobsAPI.delete_run": "DeleteRun",
    "JobsAPI.set_permissions": "JobPermissionsRequest",
    "PolicyComplianceForJobsAPI.enforce_compliance": "EnforcePolicyComplianceRequest",
}

COMPUTE_EXTRA = {
    "RunClusterSpec",
    "JobCluster",
    "JobEnvironment",
    "JobClusterServerlessCompute",
    "Compute",
    "ComputeConfig",
    "ComputeSpec",
    "ClusterInstance",
    "JobEnvironmentVariables",
    "JobEnvironmentVariablesSpec",
}
OUTPUT_NAMES = {
    "ExportRunOutput",
    "ViewItem",
    "WidgetErrorDetail",
    "DashboardPageSnapshot",
    "DbtCloudJobRunStep",
    "DbtPlatformJobRunStep",
    "SqlOutputError",
}
JOB_NAMES = {
    "Job",
    "BaseJob",
    "JobSettings",
    "JobParameterDefinition",
    "QueueSettings",
    "JobRunAs",
    "GitSource",
    "GitSnapshot",
    "SparseCheckout",
    "JobSource",
    "JobDeployment",
    "CreateResponse",
    "ListJobsResponse",
}
NOTIFICATION_NAMES = {
    "JobEmailNotifications",
    "TaskEmailNotifications",
    "JobNotificationSettings",
    "TaskNotificationSettings",
    "Webhook",
    "WebhookNotifications",
    "JobsHealthRule",
    "JobsHealthRules",
}
TRIGGER_PREFIXES = (
    "Cron",
    "Continuous",
    "Periodic",
    "FileArrival",
    "TableUpdate",
    "TableState",
    "TableTriggerState",
    "ModelTrigger",
    "JobCompletionTrigger",
    "SqlCondition",
    "CompletedJob",
    "PerTriggerState",
    "ScheduleTriggerState",
    "MaintenanceWindow",
    "Trigger",
)
RUN_PREFIXES = (
    "Run",
    "BaseRun",
    "Repair",
    "Termination",
    "QueueDetails",
    "Resolved",
    "ForEachStats",
    "ForEachTaskErrorMessageStats",
    "ForEachTaskTaskRunStats",
    "CleanRoomTaskRunState",
    "ListRunsResponse",
    "SubmitRunResponse",
    "JobParameter",
)

MODULE_DOCS = {
    "compute": "Compute: cluster definitions, cloud attributes, init scripts, libraries.",
    "notifications": "Notifications and health rules: email, webhooks, settings, thresholds.",
    "tasks": "Tasks: the task of a job or a one-time run, every task kind and its parts.",
    "jobs": "Jobs: a job, its settings, notifications, health rules, parameters, git source.",
    "triggers": "Schedules and triggers: cron, periodic, file arrival, table update, states.",
    "runs": "Runs: a run, its task runs, state and status, repair history, parameters.",
    "outputs": "Outputs of runs: notebook, SQL, dbt, dashboards, alerts, AI tasks, exported views.",
    "permissions": "Permissions on jobs: access control entries and permission levels.",
    "compliance": "Policy compliance of jobs: compliance state, violations, enforced changes.",
    "request_bodies": "Request bodies of the write endpoints (create, reset, run-now, "
    "submit, repair, ...).",
}
MODULE_ORDER = [
    "compute",
    "notifications",
    "tasks",
    "triggers",
    "jobs",
    "runs",
    "outputs",
    "permissions",
    "compliance",
    "request_bodies",
]

SUMMARIES = {
    "ClusterSpec": "A cluster definition, what ``new_cluster`` holds: spark_version, "
    "node_type_id, ...",
    "RunClusterSpec": "The compute of a run or task run (the jobs ``ClusterSpec`` of the "
    "reference).",
    "Task": "A task of a job: a key, exactly one task kind, at most one compute choice.",
    "SubmitTask": "A task of a one-time run (runs/submit).",
    "TaskDependency": "A dependency of a task on another task of the same job.",
    "JobSettings": "The settings of a job: what create, reset and update send.",
    "Job": "A job as returned by jobs/get: id, creator, settings.",
    "BaseJob": "A job as listed by jobs/list.",
    "Run": "A run as returned by runs/get.",
    "BaseRun": "A run as listed by runs/list.",
    "RunTask": "The run of one task inside a job run.",
    "JobCluster": "A cluster shared by the tasks of a job, under a key.",
    "RunOutput": "The output of a task run (runs/get-output).",
    "RunState": "The older state block of a run (life cycle and result).",
    "RunStatus": "The newer status block of a run (state, termination and queue details).",
}


def our_name(ref_name: str) -> str:
    """Return the Python class name for a reference type name."""
    return RENAMES.get(ref_name, ref_name)


def subject(name: str, ref_module: str) -> str:
    """Return the module a model class belongs to."""
    if ref_module.endswith(".compute") or name in COMPUTE_EXTRA:
        return "compute"
    if name.startswith(("JobAccessControl", "JobPermission", "GetJobPermission")):
        return "permissions"
    if "Compliance" in name:
        return "compliance"
    if name in NOTIFICATION_NAMES:
        return "notifications"
    if name in JOB_NAMES:
        return "jobs"
    if name.endswith("Output") or name.startswith(("SqlStatement", "SqlDashboardWidget")):
        return "outputs"
    if name in OUTPUT_NAMES:
        return "outputs"
    if name.startswith(TRIGGER_PREFIXES):
        return "triggers"
    if name.startswith(RUN_PREFIXES) and name != "RunJobTask":
        return "runs"
    return "tasks"


def humanize(name: str) -> str:
    """Turn ``SparkPythonTask`` into ``Spark python task``."""
    words = re.findall(r"[A-Z]+(?=[A-Z][a-z]|\d|\b)|[A-Z]?[a-z]+|\d+", name)
    text = " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in words)
    return text[:1].upper() + text[1:]


def first_sentence(doc: str) -> str:
    """Return the first sentence of a reference doc string."""
    doc = " ".join(doc.split())
    match = re.match(r"(.+?[.!?])(\s|$)", doc)
    return match.group(1) if match else doc


DOCS_SITE = "https://docs.databricks.com"
"""Where the reference's relative links (``[script](/_static/...)``) point."""

# Typographic quotes read as ASCII ones (ruff flags the look-alikes in string literals).
_TYPOGRAPHIC = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def to_markdown(doc: str) -> str:
    """Turn a reference doc (RST from the SDK's docstrings) into one line of Markdown."""
    text = " ".join(doc.split()).translate(_TYPOGRAPHIC)
    text = re.sub(r"``(.+?)``", r"`\1`", text)  # ``code`` -> `code`
    text = re.sub(r"`([^`<]+?)\s*<([^>]+)>`__?", r"[\1](\2)", text)  # `text <url>`__
    return re.sub(r"\]\((/[^)]*)\)", rf"]({DOCS_SITE}\1)", text)  # relative to the docs


def docstring(doc: str | None, indent: str) -> list[str]:
    """Return the attribute docstring lines for a field doc (none for a field without one)."""
    if not doc:
        return []
    text = to_markdown(doc)
    if text.endswith('"'):  # would run into the closing quotes
        text = text[:-1] + '\\"'
    one_line = f'{indent}"""{text}"""'
    if len(one_line) <= LINE_LENGTH:
        return [one_line]
    # Never break inside a word: a URL or a code span cut at a hyphen would change.
    lines = textwrap.wrap(
        text,
        width=LINE_LENGTH,
        initial_indent=f'{indent}"""',
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return [*lines, f'{indent}"""']


class TypeRef:
    """A parsed reference type string."""

    def __init__(self, text: str, enums: set[str], *, int64: bool = False) -> None:
        self.text = text
        inner = text
        self.container = None
        if text.startswith("List["):
            self.container = "list"
            inner = text[5:-1]
        elif text.startswith("Dict[str,"):
            self.container = "dict"
            inner = text[9:-1]
        if inner in _RULES["TYPE_MAPPINGS"]:
            inner = _RULES["TYPE_MAPPINGS"][inner][0]
        self.inner = inner
        self.is_int64 = int64 and inner == "int"
        self.is_enum = inner in enums
        self.is_model = inner not in {"str", "int", "bool", "float", "Any"} and not self.is_enum

    def annotation(self) -> str:
        """Return the Python annotation (without ``| None``)."""
        base = "Int64" if self.is_int64 else our_name(self.inner)
        if self.is_enum:
            base = f"{base} | str"
        if self.container == "list":
            return f"list[{base}]"
        if self.container == "dict":
            return f"dict[str, {base}]"
        return base

    def names(self) -> set[str]:
        """Return the model, enum and `Int64` names this type refers to."""
        if self.is_int64:
            return {"Int64"}
        return {our_name(self.inner)} if (self.is_enum or self.is_model) else set()


# Fields whose __init__ accepts friendlier input, converted by a typed attrs converter.
CONVERTERS = {
    ("Task", "depends_on"): "to_task_dependencies",
    ("SubmitTask", "depends_on"): "to_task_dependencies",
    ("RunTask", "depends_on"): "to_task_dependencies",
    ("JobSettings", "job_clusters"): "to_job_clusters",
    ("CreateJob", "job_clusters"): "to_job_clusters",
}
CONVERTER_HOME = {"to_task_dependencies": "tasks", "to_job_clusters": "compute"}

CONVERTER_SOURCE = {
    "to_task_dependencies": '''
def to_task_dependencies(
    value: Iterable[TaskDependency | str] | None,
) -> list[TaskDependency] | None:
    """Accept task keys as plain strings where a list of `TaskDependency` is expected."""
    if value is None:
        return None
    if isinstance(value, str):  # one task key, not its characters
        value = [value]
    return [TaskDependency(task_key=v) if isinstance(v, str) else v for v in value]
''',
    "to_job_clusters": '''
def to_job_clusters(
    value: Mapping[str, ClusterSpec] | Iterable[JobCluster] | None,
) -> list[JobCluster] | None:
    """Accept a mapping of job cluster key to cluster definition as well as a list."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        return [JobCluster(job_cluster_key=k, new_cluster=c) for k, c in value.items()]
    return list(value)
''',
}

# repr and eq come from the Model base class (one generic method each, instead of one
# generated per class: that halves the import time of the package).
DEFINE_OPTIONS = (
    "kw_only=True, eq=False, repr=False, weakref_slot=False, on_setattr=_attrs.setters.NO_OP"
)
# A public module holds public names only for its exports and for what its classes are
# declared with (annotations, bases, converters), which type-hint resolution looks up there:
# attrs and the repr helpers are imported under private names (tests/test_public_surface.py).

LINE_LENGTH = 100  # ruff's line-length in pyproject.toml

GENERATED_HEADER = (
    "# Generated by tools/gen_models.py from tools/reference/jobs_api_types.json; do not edit.\n"
    "# Change the generator (or models/_reference.py) and rerun it; `nox -s lint` checks.\n"
)

EXTRA_DOC = "Keys this release does not know, and known keys received as null: written back."

# Request bodies without docs of their own that take those of a type with the same fields.
BODY_DOCS_FROM = {"CreateJob": "JobSettings"}

# Names the generated modules import from models/_base.py besides `Model`.
BASE_NAMES = {"Int64"}

REPRS = {
    "Job": "short_job_repr",
    "BaseJob": "short_job_repr",
    "Run": "short_run_repr",
    "BaseRun": "short_run_repr",
}


def load(path: Path) -> dict[str, Any]:
    """Read the reference."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def build(ref: dict[str, Any]) -> dict[str, str]:
    """Return {module name: source} for every generated module."""
    enums: dict[str, list[str]] = ref["enums"]
    enum_names = set(enums)
    classes: dict[str, tuple[str, dict[str, Any]]] = {}  # our name -> (module, fields)
    for ref_name, fields in ref["types"].items():
        name = our_name(ref_name)
        classes[name] = (subject(name, ref["type_modules"][ref_name]), mark_int64(ref_name, fields))
    for key, name in REQUEST_BODIES.items():
        params = {
            p: {**info, "nullable": not info["required"], "doc": None}
            for p, info in ref["requests"][key]["params"].items()
            if info["in"] == "body"
        }
        classes[name] = ("request_bodies", mark_int64(key, params))
    for body_name, source in BODY_DOCS_FROM.items():
        source_fields = classes[source][1]
        for fname, info in classes[body_name][1].items():
            same = source_fields.get(fname)
            if same is not None and same["type"] == info["type"]:
                info["doc"] = same.get("doc")

    home = {name: mod for name, (mod, _) in classes.items()}
    for e in enum_names:
        home[e] = "enums"
    home.update({f: m for f, m in CONVERTER_HOME.items()})

    per_module: dict[str, list[str]] = defaultdict(list)
    for name in sorted(classes):
        per_module[classes[name][0]].append(name)

    out: dict[str, str] = {"enums": gen_enums(enums)}
    deps: dict[str, set[str]] = {}
    for mod in MODULE_ORDER:
        src, used = gen_module(mod, per_module[mod], classes, enum_names, home)
        out[mod] = src
        deps[mod] = {home[n] for n in used if n in home and home[n] != mod}
    check_acyclic(deps)
    out["__init__"] = gen_init(per_module, sorted(enums))
    return out


def mark_int64(ref_key: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Return the fields with ``int64`` set on those listed in `INT64_FIELDS`."""
    return {f: {**info, "int64": (ref_key, f) in INT64_FIELDS} for f, info in fields.items()}


def validation_names() -> list[str]:
    """Return the ``__all__`` of the hand-written validation module (read, not imported)."""
    tree = ast.parse((MODELS / "validation.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            return list(ast.literal_eval(node.value))
    raise SystemExit("validation.py has no __all__")


def gen_init(per_module: dict[str, list[str]], enum_names: list[str]) -> str:
    """Return the source of models/__init__.py: every public model, enum and validate.

    `Model`, the base of every model, is exported too (``to_dict(obj: Model)`` names it) and
    shown as ``databricks_jobs.models.Model``: it holds no annotations to resolve first.
    """
    lines = [
        GENERATED_HEADER + '"""The typed models of the Jobs API 2.2, grouped by subject, all '
        "importable from here.",
        "",
        "Field names are the wire names. Build specs with keyword arguments, read responses",
        "with `databricks_jobs.from_dict`, check specs with `validate`. See docs/models.md.",
        '"""',
        "",
        "from databricks_jobs.models._base import Int64, Model",
        "from databricks_jobs.models.enums import (",
        *[f"    {n}," for n in enum_names],
        ")",
    ]
    exported = ["Int64", "Model", *enum_names]
    for mod in MODULE_ORDER:
        names = per_module[mod]
        lines.append(f"from databricks_jobs.models.{mod} import (")
        lines += [f"    {n}," for n in names]
        lines.append(")")
        exported += names
    checks = validation_names()
    lines.append("from databricks_jobs.models.validation import (")
    lines += [f"    {n}," for n in checks]
    lines.append(")")
    exported += checks
    lines += ["", "__all__ = ["]
    lines += [f"    {n!r}," for n in sorted(exported)]
    lines += [
        "]",
        "",
        "# Shown where it is exported, in reprs and tracebacks.",
        "Model.__module__ = __name__",
        "",
    ]
    return "\n".join(lines).replace("'", '"')


def check_acyclic(deps: dict[str, set[str]]) -> None:
    """Fail when the generated modules would import each other in a cycle."""
    seen: set[str] = set()

    def visit(mod: str, stack: list[str]) -> None:
        if mod in stack:
            raise SystemExit(f"import cycle: {' -> '.join([*stack, mod])}")
        if mod in seen:
            return
        for dep in sorted(deps.get(mod, ())):
            visit(dep, [*stack, mod])
        seen.add(mod)

    for mod in deps:
        visit(mod, [])


def member_name(value: str) -> str:
    """Return a valid Python identifier for an enum value."""
    name = re.sub(r"\W", "_", value).upper()
    if not name or name[0].isdigit() or keyword.iskeyword(name):
        name = f"V_{name}"
    return name


def gen_enums(enums: dict[str, list[str]]) -> str:
    """Return the source of enums.py."""
    lines = [
        GENERATED_HEADER + '"""Open enums of the Jobs API: known values as `StrEnum` members.',
        "",
        "A field typed ``TheEnum | str`` holds a member for a value this release knows and the",
        "plain string for any other value, which is written back unchanged. Members compare",
        'equal to their plain strings: ``RunResultState.SUCCESS == "SUCCESS"``.',
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from enum import StrEnum",
        "",
        f"__all__ = {sorted(enums)!r}",
        "",
    ]
    for name in sorted(enums):
        lines += ["", f"class {name}(StrEnum):", f'    """{humanize(name)}."""', ""]
        for value in enums[name]:
            lines.append(f"    {member_name(value)} = {value!r}")
        lines.append("")
    return "\n".join(lines)


def summary_from_uses(
    name: str, classes: dict[str, tuple[str, dict[str, Any]]], enum_names: set[str]
) -> str:
    """Summarise a class by the doc of a field that holds it, else by its humanised name.

    The reference documents fields, not types: ``aws_attributes`` says what `AwsAttributes`
    is. The shortest such doc that fits on the docstring line is used.
    """
    docs = []
    for _owner, (_mod, fields) in sorted(classes.items()):
        for info in fields.values():
            if info.get("doc") and our_name(TypeRef(info["type"], enum_names).inner) == name:
                docs.append(first_sentence(info["doc"]).replace("``", "`").replace("\u2019", "'"))
    fitting = [
        d
        for d in docs
        if len(d) <= 88
        and '"' not in d
        and d[:1].isupper()
        and d.endswith(".")
        and not d.endswith(("e.g.", "i.e."))
        and not d.startswith(("An optional list", "A list", "List of", "Read only"))
    ]
    if fitting:
        return min(fitting, key=len)
    return f"{humanize(name)}."


def gen_module(
    mod: str,
    names: list[str],
    classes: dict[str, tuple[str, dict[str, Any]]],
    enum_names: set[str],
    home: dict[str, str],
) -> tuple[str, set[str]]:
    """Return the source of one subject module and the names it uses."""
    used: set[str] = set()
    body: list[str] = []
    converters_here = [c for c, m in CONVERTER_HOME.items() if m == mod]
    needs_any = False
    needs_base_module = False
    for name in names:
        fields = classes[name][1]
        body += ["", "", f"@_attrs.define({DEFINE_OPTIONS})"]
        body.append(f"class {name}(Model):")
        summary = SUMMARIES.get(name) or summary_from_uses(name, classes, enum_names)
        body.append(f'    """{summary}"""')
        body.append("")
        ordered = sorted(fields.items(), key=lambda kv: (not kv[1]["required"], kv[0]))
        for fname, info in ordered:
            t = TypeRef(info["type"], enum_names, int64=info.get("int64", False))
            used |= t.names()
            ann = t.annotation()
            conv = CONVERTERS.get((name, fname))
            if conv:
                used.add(conv)
                body.append(
                    f"    {fname}: {ann} | None = _attrs.field(default=None, converter={conv})"
                )
            elif info["required"]:
                body.append(f"    {fname}: {ann}")
            else:
                body.append(f"    {fname}: {ann} | None = None")
            body += docstring(info.get("doc"), "    ")
        body.append("    extra: dict[str, Any] = _attrs.field(factory=dict)")
        body += docstring(EXTRA_DOC, "    ")
        needs_any = True
        if name in REPRS:
            needs_base_module = True
            body += [
                "",
                "    def __repr__(self) -> str:",
                f"        return _base.{REPRS[name]}(self)",
            ]
    converter_defs: list[str] = []
    for conv in converters_here:
        converter_defs += ["", "", CONVERTER_SOURCE[conv].strip("\n")]

    imports: dict[str, set[str]] = defaultdict(set)
    for n in used:
        where = "_base" if n in BASE_NAMES else home.get(n, mod)
        if where != mod:
            imports[where].add(n)
    header = [
        GENERATED_HEADER + f'"""{MODULE_DOCS[mod]}"""',
        "",
        "from __future__ import annotations",
        "",
    ]
    std = []
    if converters_here:
        abcs = "Iterable, Mapping" if "to_job_clusters" in converters_here else "Iterable"
        std.append(f"from collections.abc import {abcs}")
    if needs_any:
        std.append("from typing import Any")
    header += [*std, "", "import attrs as _attrs", ""]
    if needs_base_module:
        header.append("from databricks_jobs.models import _base")
    header.append(
        "from databricks_jobs.models._base import "
        + ", ".join(sorted({"Model"} | imports.pop("_base", set())))
    )
    for where in sorted(imports, key=lambda m: (m != "enums", m)):
        header.append(
            f"from databricks_jobs.models.{where} import {', '.join(sorted(imports[where]))}"
        )
    exports = sorted(names + converters_here)
    header += ["", f"__all__ = {exports!r}"]
    return "\n".join(header + converter_defs + body) + "\n", used


def write_formatted(sources: dict[str, str], root: Path) -> list[Path]:
    """Write the modules under ``root/databricks_jobs/models`` and run ruff on them.

    Ruff runs as the usage note says (sort the imports, then format), from ``root`` so that
    the ``pyproject.toml`` there gives its settings. Returns the paths written.
    """
    models = root / "databricks_jobs" / "models"
    models.mkdir(parents=True, exist_ok=True)
    paths = []
    for mod, src in sources.items():
        path = models / f"{mod}.py"
        path.write_text(src, encoding="utf-8")
        paths.append(path)
    names = [str(path.relative_to(root)) for path in paths]
    for args in (["check", "--fix", "--quiet", "--select", "I"], ["format", "--quiet"]):
        ruff([*args, *names], cwd=root)
    return paths


def ruff(args: list[str], cwd: Path) -> None:
    """Run ruff (the one installed beside this interpreter); exit with its message on failure."""
    done = subprocess.run(
        [sys.executable, "-m", "ruff", *args], cwd=cwd, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(
            f"ruff {' '.join(args[:2])} failed (is ruff installed? `pip install -e .[lint]`):\n"
            + done.stdout
            + done.stderr
        )


def drift(sources: dict[str, str], models: Path = MODELS) -> list[str]:
    """Return a unified diff for each generated module in `models` that differs from `sources`.

    The sources are written and formatted in a temporary copy of the package, beside a copy
    of the repository's ``pyproject.toml``: ruff finds the same settings and the same modules
    (it sorts an import by whether the imported module exists), so the comparison is exact.
    """
    diffs = []
    with tempfile.TemporaryDirectory(prefix="gen_models_") as tmp:
        root = Path(tmp)
        shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
        shutil.copytree(
            ROOT / "databricks_jobs",
            root / "databricks_jobs",
            ignore=shutil.ignore_patterns("__pycache__"),
        )
        for path in write_formatted(sources, root):
            want = path.read_text(encoding="utf-8")
            current = models / path.name
            have = current.read_text(encoding="utf-8") if current.exists() else ""
            if have != want:
                name = f"databricks_jobs/models/{path.name}"
                diffs.append(
                    "".join(
                        difflib.unified_diff(
                            have.splitlines(keepends=True),
                            want.splitlines(keepends=True),
                            f"{name} (in the repository)",
                            f"{name} (generated)",
                        )
                    )
                )
    return diffs


def main(argv: list[str] | None = None) -> int:
    """Rewrite the generated modules, or check that they have not drifted (``--check``)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("reference", nargs="?", type=Path, default=DEFAULT_REFERENCE)
    parser.add_argument(
        "--check",
        action="store_true",
        help="compare with the modules in the repository instead of rewriting them",
    )
    args = parser.parse_args(argv)
    sources = build(load(args.reference))
    if args.check:
        diffs = drift(sources)
        if diffs:
            sys.stdout.write("".join(diffs))
            print(
                f"{len(diffs)} generated model module(s) differ from what tools/gen_models.py "
                "writes: change the generator (or models/_reference.py), not its output, and "
                "rerun `python tools/gen_models.py`.",
                file=sys.stderr,
            )
            return 1
        print(f"the {len(sources)} generated model modules are up to date")
        return 0
    for path in write_formatted(sources, ROOT):
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
