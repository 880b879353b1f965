"""Regenerate the wire reference ``jobs_api_types.json`` from an installed databricks-sdk.

Usage (from the repository root, with databricks-sdk installed in the interpreter)::

    python tools/reference/build_reference.py            # rewrite the file beside this script
    python tools/reference/build_reference.py --output some/where.json
    python tools/reference/build_reference.py --check    # exit 1 if the committed file differs

The reference records the Jobs API 2.2 wire shapes as the official SDK states them: every
dataclass of ``databricks.sdk.service.jobs`` and every dataclass or enum reachable from them
or from the ``JobsAPI`` / ``PolicyComplianceForJobsAPI`` method annotations, with each
field's type, whether it is required or nullable, its enum values, its number format, how
``as_dict`` decides to send it and the first paragraph of its docstring; plus one request
shape per API method, rebuilt from the method's signature and body (the SDK has no request
dataclasses). The SDK's dataclasses are read with ``dataclasses``/``typing``; what only the
source says (attribute docstrings, ``as_dict``/``from_dict`` rules, HTTP method, path,
pagination) is read from the SDK's source with ``ast``. The SDK is never called.

The file is written as ``json.dumps(data, indent=1)`` (ASCII, no final newline), so that
regenerating with the same SDK release reproduces it byte for byte. ``README.md`` beside this
script says how to run it and what the data is used for.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import enum
import importlib
import importlib.metadata
import inspect
import itertools
import json
import platform
import re
import sys
import types
import typing
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeGuard

HERE = Path(__file__).resolve().parent
DEFAULT_OUTPUT = HERE / "jobs_api_types.json"

SDK_DISTRIBUTION = "databricks-sdk"
JOBS_MODULE = "databricks.sdk.service.jobs"
API_CLASSES = ("JobsAPI", "PolicyComplianceForJobsAPI")
MIXIN_MODULE = "databricks.sdk.mixins.jobs"

ABOUT = (
    "Generated from the dataclasses of the official databricks-sdk for Python (version in "
    "sdk_version): a machine-readable record of the Jobs API 2.2 wire shapes. types: every "
    "dataclass defined in databricks.sdk.service.jobs plus every dataclass/enum reachable from "
    "them or from the JobsAPI/PolicyComplianceForJobsAPI method annotations "
    "(compute.ClusterSpec, AwsAttributes, Library, ...). Field entry keys: type, required (no "
    "dataclass default), nullable (Optional[...]), enum (allowed values) + enum_type, format "
    "(int64 => SDK parses with int(), so numeric strings accepted), json_key (only when != "
    "field name), serialize (how as_dict decides to emit: omit_if_none | omit_if_falsy => "
    "empty list/dict/object never sent), doc (first paragraph of the SDK docstring). requests: "
    "request shapes rebuilt from API method signatures (the SDK has no request dataclasses); "
    "'in' is body|query|path."
)

# The request dataclass each body-carrying method took in earlier SDK releases (before the
# SDK inlined request fields into method signatures, e.g. 0.45 had ``jobs.CreateJob``). The
# current SDK no longer names them anywhere, so they are recorded here; our request-body
# models keep these names (tools/gen_models.py). Methods missing here get ``null``.
LEGACY_REQUEST_TYPE_NAMES = {
    "JobsAPI.cancel_all_runs": "CancelAllRuns",
    "JobsAPI.cancel_run": "CancelRun",
    "JobsAPI.create": "CreateJob",
    "JobsAPI.delete": "DeleteJob",
    "JobsAPI.delete_run": "DeleteRun",
    "JobsAPI.repair_run": "RepairRun",
    "JobsAPI.reset": "ResetJob",
    "JobsAPI.run_now": "RunNow",
    "JobsAPI.set_permissions": "JobPermissionsRequest",
    "JobsAPI.submit": "SubmitRun",
    "JobsAPI.update": "UpdateJob",
    "JobsAPI.update_permissions": "JobPermissionsRequest",
    "PolicyComplianceForJobsAPI.enforce_compliance": "EnforcePolicyComplianceRequest",
}

# The wire formats of the ``from_dict`` helpers that do more than ``d.get``.
FORMATS = {
    "_int64": "int64",
    "_repeated_int64": "int64",
    "_timestamp": "google.protobuf.Timestamp (RFC3339 string)",
    "_repeated_timestamp": "google.protobuf.Timestamp (RFC3339 string)",
    "_duration": "google.protobuf.Duration (e.g. '3.5s')",
    "_repeated_duration": "google.protobuf.Duration (e.g. '3.5s')",
}

# A docstring paragraph longer than this is cut to this length, ending in "...".
DOC_LIMIT = 600

MIXIN_NOTE = (
    "{mixin} (WorkspaceClient.jobs) wraps this method to merge the API 2.2 paginated array "
    "fields; see jobs_api_endpoints.md"
)


class SdkShapeError(Exception):
    """The installed SDK is not shaped as this generator expects."""


# --- reading the SDK's source ----------------------------------------------------------------


class SourceIndex:
    """The parsed source of the SDK modules, looked up by module and class name."""

    def __init__(self) -> None:
        self._classes: dict[str, dict[str, ast.ClassDef]] = {}

    def class_node(self, cls: type) -> ast.ClassDef:
        """Return the ``class`` statement that defines ``cls``."""
        module = cls.__module__
        if module not in self._classes:
            tree = ast.parse(inspect.getsource(sys.modules[module]))
            self._classes[module] = {
                node.name: node for node in tree.body if isinstance(node, ast.ClassDef)
            }
        try:
            return self._classes[module][cls.__name__]
        except KeyError:
            raise SdkShapeError(f"no class {cls.__name__} at the top of {module}") from None

    def method_node(self, cls: type, name: str) -> ast.FunctionDef:
        """Return the ``def`` of method ``name`` in the class statement of ``cls``."""
        for node in self.class_node(cls).body:
            if isinstance(node, ast.FunctionDef) and node.name == name:
                return node
        raise SdkShapeError(f"no method {name} in {cls.__module__}.{cls.__name__}")


def first_paragraph(doc: str | None) -> str | None:
    """Return a docstring's first paragraph on one line, cut to ``DOC_LIMIT`` characters.

    ``None`` when there is no text. Lines are joined with one space; the text is not
    otherwise changed.
    """
    if not doc:
        return None
    text = inspect.cleandoc(doc).strip()
    if not text:
        return None
    paragraph = re.split(r"\n\s*\n", text, maxsplit=1)[0]
    line = " ".join(part.strip() for part in paragraph.splitlines())
    if len(line) > DOC_LIMIT:
        line = line[: DOC_LIMIT - 3] + "..."
    return line


def attribute_docs(node: ast.ClassDef) -> dict[str, str]:
    """Map each annotated attribute to the string literal that follows it (its docstring)."""
    docs: dict[str, str] = {}
    body = node.body
    for statement, following in itertools.pairwise(body):
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            docs[statement.target.id] = following.value.value
    return docs


def _self_attribute(node: ast.expr) -> str | None:
    """Return ``x`` for the expression ``self.x``, else ``None``."""
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
    ):
        return node.attr
    return None


def _string_subscript(node: ast.expr) -> tuple[str, str] | None:
    """Return ``(name, key)`` for the expression ``name["key"]``, else ``None``."""
    if (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Name)
        and isinstance(node.slice, ast.Constant)
        and isinstance(node.slice.value, str)
    ):
        return node.value.id, node.slice.value
    return None


def serialize_rules(node: ast.FunctionDef) -> dict[str, tuple[str, str]]:
    """Read ``as_dict``: field -> (JSON key, ``omit_if_none`` | ``omit_if_falsy``).

    The SDK writes one ``if self.f is not None:`` (sent unless None) or ``if self.f:`` (an
    empty list, dict or object is never sent) per field, each setting ``body["key"]``.
    """
    rules: dict[str, tuple[str, str]] = {}
    for statement in node.body:
        if not isinstance(statement, ast.If):
            continue
        test = statement.test
        if (
            isinstance(test, ast.Compare)
            and len(test.ops) == 1
            and isinstance(test.ops[0], ast.IsNot)
            and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value is None
        ):
            field, rule = _self_attribute(test.left), "omit_if_none"
        else:
            field, rule = _self_attribute(test), "omit_if_falsy"
        target = None
        for inner in statement.body:
            if isinstance(inner, ast.Assign) and len(inner.targets) == 1:
                target = _string_subscript(inner.targets[0])
        if field is None or target is None:
            raise SdkShapeError(f"unexpected statement in as_dict: {ast.unparse(statement)}")
        rules[field] = (target[1], rule)
    return rules


def parse_helpers(node: ast.FunctionDef) -> dict[str, str]:
    """Read ``from_dict``: field -> the ``_internal`` helper that decodes it (``d.get`` -> "")."""
    helpers: dict[str, str] = {}
    for keyword in (n for n in ast.walk(node) if isinstance(n, ast.keyword)):
        if keyword.arg is None:
            continue
        value = keyword.value
        name = ""
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
            name = value.func.id
        helpers[keyword.arg] = name
    return helpers


# --- types -----------------------------------------------------------------------------------


def _is_enum(tp: object) -> TypeGuard[type[enum.Enum]]:
    return isinstance(tp, type) and issubclass(tp, enum.Enum)


def _is_dataclass(tp: object) -> bool:
    return isinstance(tp, type) and dataclasses.is_dataclass(tp)


def strip_optional(tp: Any) -> tuple[Any, bool]:
    """Return ``(X, True)`` for ``Optional[X]`` and ``(tp, False)`` for anything else."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1 and len(args) < len(typing.get_args(tp)):
            return args[0], True
    return tp, False


def element_type(tp: Any) -> Any:
    """Return the innermost item type of ``tp`` (``Optional``, ``List`` and ``Dict`` removed)."""
    tp, _ = strip_optional(tp)
    while typing.get_origin(tp) in (list, dict):
        tp = typing.get_args(tp)[-1]
        tp, _ = strip_optional(tp)
    return tp


def referenced_classes(tp: Any) -> Iterator[type]:
    """Yield every class named in the annotation ``tp``, arguments included."""
    origin = typing.get_origin(tp)
    if origin is not None:
        if isinstance(origin, type) and origin not in (list, dict):
            yield origin
        for arg in typing.get_args(tp):
            yield from referenced_classes(arg)
    elif isinstance(tp, type):
        yield tp


class TypeNames:
    """Names the reference gives to classes: the bare name, prefixed by its module when taken.

    A class of the jobs module keeps its bare name; a class of another SDK module keeps its
    bare name too unless a class of the jobs module has it (``compute.ClusterSpec``).
    """

    def __init__(self, classes: Iterable[type]) -> None:
        self._names: dict[type, str] = {}
        owners: dict[str, type] = {}
        ordered = sorted(classes, key=lambda c: (c.__module__ != JOBS_MODULE, c.__module__))
        for cls in ordered:
            name = cls.__name__
            if name in owners and owners[name] is not cls:
                name = f"{cls.__module__.rsplit('.', 1)[-1]}.{name}"
            owners.setdefault(name, cls)
            self._names[cls] = name

    def name(self, cls: type) -> str:
        """Return the reference name of a collected dataclass or enum."""
        return self._names[cls]

    def render(self, tp: Any) -> str:
        """Render an annotation as the reference writes it: ``List[Task]``, ``Dict[str,str]``."""
        tp, _ = strip_optional(tp)
        if tp is None or tp is type(None):
            return "None"
        if tp is Any:
            return "Any"
        origin = typing.get_origin(tp)
        if origin is not None:
            args = ",".join(self.render(arg) for arg in typing.get_args(tp))
            label = {list: "List", dict: "Dict"}.get(origin) or getattr(origin, "__name__", "")
            return f"{label}[{args}]"
        if isinstance(tp, type):
            if tp in self._names:
                return self._names[tp]
            if tp.__module__ == "builtins":
                return tp.__name__
            return f"{tp.__module__}.{tp.__qualname__}"
        raise SdkShapeError(f"cannot render the annotation {tp!r}")


def collect_classes(jobs: types.ModuleType, apis: Sequence[type]) -> list[type]:
    """Return the jobs dataclasses and every dataclass or enum reachable from them or the APIs."""
    roots: list[Any] = [
        obj
        for _, obj in sorted(vars(jobs).items())
        if _is_dataclass(obj) and obj.__module__ == jobs.__name__
    ]
    for api in apis:
        for name in public_methods(api):
            roots.extend(typing.get_type_hints(getattr(api, name)).values())
    seen: dict[type, None] = {}
    pending = list(roots)
    while pending:
        for cls in referenced_classes(pending.pop()):
            if cls in seen or not (_is_dataclass(cls) or _is_enum(cls)):
                continue
            if not cls.__module__.startswith("databricks.sdk."):
                continue
            seen[cls] = None
            if _is_dataclass(cls):
                pending.extend(typing.get_type_hints(cls).values())
    return sorted(seen, key=lambda c: (c.__module__ != JOBS_MODULE, c.__module__, c.__name__))


def field_entry(
    field: dataclasses.Field[Any],
    hint: Any,
    names: TypeNames,
    doc: str | None,
    serialize: tuple[str, str],
    helper: str,
) -> dict[str, Any]:
    """Describe one dataclass field (keys in the order the reference uses)."""
    inner, nullable = strip_optional(hint)
    entry: dict[str, Any] = {
        "type": names.render(inner),
        "required": field.default is dataclasses.MISSING
        and field.default_factory is dataclasses.MISSING,
    }
    if nullable:
        entry["nullable"] = True
    item = element_type(inner)
    if _is_enum(item):
        entry["enum"] = [member.value for member in item]
        entry["enum_type"] = names.name(item)
    if helper in FORMATS:
        entry["format"] = FORMATS[helper]
    json_key, rule = serialize
    if json_key != field.name:
        entry["json_key"] = json_key
    entry["serialize"] = rule
    if doc is not None:
        entry["doc"] = doc
    return entry


def describe_type(cls: type, names: TypeNames, source: SourceIndex) -> dict[str, Any]:
    """Describe every field of one dataclass."""
    node = source.class_node(cls)
    docs = attribute_docs(node)
    rules = serialize_rules(source.method_node(cls, "as_dict"))
    helpers = parse_helpers(source.method_node(cls, "from_dict"))
    hints = typing.get_type_hints(cls)
    described: dict[str, Any] = {}
    for field in dataclasses.fields(cls):
        if field.name not in rules:
            raise SdkShapeError(f"{cls.__name__}.as_dict never sends {field.name}")
        described[field.name] = field_entry(
            field,
            hints[field.name],
            names,
            first_paragraph(docs.get(field.name)),
            rules[field.name],
            helpers.get(field.name, ""),
        )
    return described


# --- requests --------------------------------------------------------------------------------


def public_methods(api: type) -> list[str]:
    """Return the API calls of a service class (no waiters, no ``*_and_wait`` helpers)."""
    return sorted(
        name
        for name, value in vars(api).items()
        if inspect.isfunction(value)
        and not name.startswith(("_", "wait_"))
        and not name.endswith("_and_wait")
    )


def _api_call(node: ast.FunctionDef) -> ast.Call:
    """Return the ``self._api.do(METHOD, PATH, ...)`` call of a method."""
    for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)):
        func = call.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "do"
            and isinstance(func.value, ast.Attribute)
            and func.value.attr == "_api"
        ):
            return call
    raise SdkShapeError(f"{node.name} makes no self._api.do call")


def _path_template(node: ast.expr) -> tuple[str, list[str]]:
    """Render a path literal or f-string as ``/a/{name}/b`` with the names it substitutes."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value, []
    if isinstance(node, ast.JoinedStr):
        parts: list[str] = []
        names: list[str] = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            elif isinstance(value, ast.FormattedValue) and isinstance(value.value, ast.Name):
                parts.append("{" + value.value.id + "}")
                names.append(value.value.id)
            else:
                raise SdkShapeError(f"unexpected path part {ast.unparse(value)}")
        return "".join(parts), names
    raise SdkShapeError(f"unexpected path {ast.unparse(node)}")


def _parameter_locations(node: ast.FunctionDef) -> dict[str, str]:
    """Map each parameter to the dict it is copied into: ``body`` or ``query``."""
    locations: dict[str, str] = {}
    for statement in (n for n in ast.walk(node) if isinstance(n, ast.If)):
        test = statement.test
        if not (
            isinstance(test, ast.Compare)
            and isinstance(test.left, ast.Name)
            and isinstance(test.ops[0], ast.IsNot)
        ):
            continue
        for inner in statement.body:
            if isinstance(inner, ast.Assign) and len(inner.targets) == 1:
                target = _string_subscript(inner.targets[0])
                if target is not None and target[0] in ("body", "query"):
                    locations[test.left.id] = target[0]
    return locations


def _waiter(node: ast.FunctionDef) -> str | None:
    """Describe the ``Wait(self.waiter, ...)`` a long-running method returns."""
    for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)):
        if isinstance(call.func, ast.Name) and call.func.id == "Wait" and call.args:
            waiter = _self_attribute(call.args[0])
            keys = [k.arg for k in call.keywords if k.arg and k.arg != "response"]
            return f"{waiter} ({', '.join(keys)} from response or request)"
    return None


def _pagination(node: ast.FunctionDef) -> dict[str, str] | None:
    """Describe a token-paginated listing: the items' field and the request's token parameter."""
    items_field = token_param = None
    for loop in (n for n in ast.walk(node) if isinstance(n, ast.While)):
        for inner in ast.walk(loop):
            if (
                isinstance(inner, ast.Compare)
                and isinstance(inner.left, ast.Constant)
                and isinstance(inner.left.value, str)
                and isinstance(inner.ops[0], ast.In)
                and isinstance(inner.comparators[0], ast.Name)
                and inner.comparators[0].id == "json"
                and items_field is None
            ):
                items_field = inner.left.value
            if isinstance(inner, ast.Assign) and len(inner.targets) == 1:
                target = _string_subscript(inner.targets[0])
                source = _string_subscript(inner.value)
                if target and source and source == ("json", "next_page_token"):
                    token_param = target[1]
    if items_field is None or token_param is None:
        return None
    return {"items_field": items_field, "request_token_param": token_param}


def describe_request(
    api: type, name: str, names: TypeNames, source: SourceIndex, mixin: type | None
) -> dict[str, Any]:
    """Rebuild the request shape of one API method from its signature and body."""
    key = f"{api.__name__}.{name}"
    function = getattr(api, name)
    node = source.method_node(api, name)
    call = _api_call(node)
    if len(call.args) < 2 or not isinstance(call.args[0], ast.Constant):
        raise SdkShapeError(f"{key}: unexpected call {ast.unparse(call)}")
    path, path_names = _path_template(call.args[1])
    locations = _parameter_locations(node)
    hints = typing.get_type_hints(function)
    params: dict[str, Any] = {}
    for parameter in list(inspect.signature(function).parameters.values())[1:]:
        where = "path" if parameter.name in path_names else locations.get(parameter.name)
        if where is None:
            raise SdkShapeError(f"{key}: {parameter.name} is sent nowhere")
        hint = hints[parameter.name]
        entry: dict[str, Any] = {
            "type": names.render(hint),
            "required": parameter.default is inspect.Parameter.empty,
            "in": where,
        }
        item = element_type(hint)
        if _is_enum(item):
            entry["enum"] = [member.value for member in item]
        params[parameter.name] = entry
    described: dict[str, Any] = {
        "legacy_request_type_name": LEGACY_REQUEST_TYPE_NAMES.get(key),
        "http_method": call.args[0].value,
        "path": path,
        "params": params,
        "returns": names.render(hints.get("return")),
        "accepts_idempotency_token": "idempotency_token" in params,
        "doc": first_paragraph(function.__doc__),
    }
    waiter = _waiter(node)
    if waiter is not None:
        described["waiter"] = waiter
    pagination = _pagination(node)
    if pagination is not None:
        described["pagination"] = pagination
    if mixin is not None and name in vars(mixin):
        described["overridden_by_mixin"] = MIXIN_NOTE.format(
            mixin=f"{mixin.__module__}.{mixin.__qualname__}"
        )
    return described


def _mixin_of(api: type) -> type | None:
    """Return the SDK's hand-written subclass of ``api`` (``JobsExt``), if there is one."""
    try:
        module = importlib.import_module(MIXIN_MODULE)
    except ImportError:
        return None
    for value in vars(module).values():
        if isinstance(value, type) and value is not api and issubclass(value, api):
            return value
    return None


# --- the document ----------------------------------------------------------------------------


def build_reference() -> dict[str, Any]:
    """Build the reference document from the installed SDK."""
    jobs = importlib.import_module(JOBS_MODULE)
    apis = [getattr(jobs, name) for name in API_CLASSES]
    classes = collect_classes(jobs, apis)
    names = TypeNames(classes)
    source = SourceIndex()
    dataclass_types = [c for c in classes if _is_dataclass(c)]
    enum_types = [c for c in classes if _is_enum(c)]
    return {
        "_about": ABOUT,
        "sdk_version": importlib.metadata.version(SDK_DISTRIBUTION),
        "python": platform.python_version(),
        "counts": {"types": len(dataclass_types), "enums": len(enum_types)},
        "types": {names.name(c): describe_type(c, names, source) for c in dataclass_types},
        "type_modules": {names.name(c): c.__module__ for c in classes},
        "enums": {names.name(c): [member.value for member in c] for c in enum_types},
        "requests": {
            f"{api.__name__}.{name}": describe_request(api, name, names, source, _mixin_of(api))
            for api in apis
            for name in public_methods(api)
        },
    }


def dump(document: dict[str, Any]) -> str:
    """Serialize the document exactly as the committed file is written."""
    return json.dumps(document, indent=1)


def differences(expected: Any, actual: Any, path: str = "$") -> Iterator[str]:
    """Yield one line per place where two JSON values differ (key order included)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in expected:
            if key not in actual:
                yield f"{path}.{key}: only in the committed file"
        for key in actual:
            if key not in expected:
                yield f"{path}.{key}: only in the regenerated data"
        for key in expected:
            if key in actual:
                yield from differences(expected[key], actual[key], f"{path}.{key}")
        shared = [k for k in expected if k in actual]
        if shared != [k for k in actual if k in expected]:
            yield f"{path}: keys in a different order"
    elif isinstance(expected, str) and isinstance(actual, str) and expected != actual:
        # Long texts (docs) differ late: show where, not their shared beginning.
        at = next(
            (i for i, (a, b) in enumerate(zip(expected, actual, strict=False)) if a != b),
            min(len(expected), len(actual)),
        )
        start = max(0, at - 20)
        yield (
            f"{path}: texts differ from character {at}: committed"
            f" {_short(expected[start:])}, regenerated {_short(actual[start:])}"
        )
    elif expected != actual or type(expected) is not type(actual):
        yield f"{path}: committed {_short(expected)}, regenerated {_short(actual)}"


def _short(value: Any, limit: int = 60) -> str:
    """Return ``value`` as JSON, cut to ``limit`` characters."""
    text = json.dumps(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check(path: Path, generated: str, limit: int = 20) -> list[str]:
    """Compare the file at ``path`` with ``generated``; return a summary (empty when equal).

    The ``python`` key records the interpreter that wrote the file; the data does not depend
    on it, so a different interpreter version alone is not a difference.
    """
    if not path.exists():
        return [f"{path} does not exist"]
    committed = path.read_text(encoding="utf-8")
    try:
        committed_data = json.loads(committed)
    except ValueError as exc:
        return [f"{path} is not valid JSON: {exc}"]
    generated_data = json.loads(generated)
    if isinstance(committed_data, dict) and "python" in committed_data:
        generated_data["python"] = committed_data["python"]
        generated = dump(generated_data)
    if committed == generated:
        return []
    lines = list(differences(committed_data, generated_data))
    if isinstance(committed_data, dict) and committed_data.get("sdk_version") != (
        installed := generated_data["sdk_version"]
    ):
        lines.insert(
            0,
            f"the file is from databricks-sdk {committed_data.get('sdk_version')},"
            f" the installed one is {installed}",
        )
    if not lines:
        return ["same data, different formatting (expected json.dumps(indent=1), no newline)"]
    if len(lines) > limit:
        lines = [*lines[:limit], f"... and {len(lines) - limit} more differences"]
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Write the reference, or with ``--check`` compare it with the committed file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help=f"the file to write or check (default: {DEFAULT_OUTPUT.name} beside this script)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="regenerate in memory and exit 1 when the file differs; write nothing",
    )
    args = parser.parse_args(argv)
    try:
        generated = dump(build_reference())
    except (ImportError, importlib.metadata.PackageNotFoundError) as exc:
        print(f"databricks-sdk is not installed: {exc}", file=sys.stderr)
        return 2
    except SdkShapeError as exc:
        print(f"the installed databricks-sdk is not shaped as expected: {exc}", file=sys.stderr)
        return 2
    if not args.check:
        args.output.write_text(generated, encoding="utf-8")
        print(f"wrote {args.output}")
        return 0
    summary = check(args.output, generated)
    if summary:
        print(f"{args.output} differs from what the installed SDK gives:", file=sys.stderr)
        for line in summary:
            print(f"  {line}", file=sys.stderr)
        return 1
    print(f"{args.output} is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
