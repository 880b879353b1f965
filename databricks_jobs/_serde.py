"""The one private cattrs converter: models to and from JSON, unknown keys and values kept.

Built once at import and never mutated afterwards except by its own lazy hook cache. For
every model class, a decode and an encode function are generated from the class's fields the
first time the class is used, and registered with the converter:

* decode reads each known key with ``dict.get``, checks or converts its value (int64 ids from
  numeric strings, enum values to members or kept as plain strings), builds the object without
  running ``__init__`` (no validation on decode), and puts the keys it does not know in
  ``extra``;
* encode writes each field that ``is not None`` (never by truthiness, so ``[]`` and ``{}``
  are sent) and then the ``extra`` keys, unchanged.

A wrong type in a payload raises `DecodeError` whose `path` names the place,
``settings.tasks[3].notebook_task.notebook_path``. The functions refer to each other by
name in one namespace; a class that has not been used yet sits there as a stub that generates
the real functions on its first call, so importing stays cheap.
"""

from __future__ import annotations

import enum
import functools
import json
import re
import threading
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, overload

import attrs
import cattrs

from databricks_jobs._errors import DecodeError
from databricks_jobs.models._base import Model

__all__ = [
    "converter",
    "from_dict",
    "from_json",
    "structure",
    "to_dict",
    "to_json",
    "unstructure",
]

T = TypeVar("T")
M = TypeVar("M", bound=Model)

_NoneType = type(None)
_INT_TEXT = re.compile(r"-?[0-9]+")


class _Fail(Exception):
    """Internal structuring failure; `parts` is the path from the innermost part outwards."""

    def __init__(self, message: str, parts: list[str]) -> None:
        super().__init__(message)
        self.message = message
        self.parts = parts

    def path(self) -> str | None:
        """Return the dotted path, ``tasks[3].notebook_task.notebook_path``."""
        out = ""
        for part in reversed(self.parts):
            if part.startswith("[") or not out:
                out += part
            else:
                out += "." + part
        return out or None


def _describe(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"a number ({value!r})"
    if isinstance(value, str):
        return f"a string ({value[:40]!r})"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def _wrong(value: object, expected: str, name: str | None = None) -> typing.NoReturn:
    raise _Fail(f"expected {expected}, got {_describe(value)}", [name] if name else [])


def _as_object(value: object) -> dict[str, Any]:
    """Return `value` as a dict if it is a mapping (a JSON object), else fail."""
    if isinstance(value, Mapping):
        return dict(value)
    _wrong(value, "an object")


def _int(value: object, name: str) -> int:
    """Convert an int64 value given as a numeric string (or integral float) to an int."""
    if isinstance(value, str) and _INT_TEXT.fullmatch(value):
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    _wrong(value, "an integer", name)


def _check_list(value: object, name: str) -> list[Any]:
    if isinstance(value, list | tuple):
        return list(value)
    _wrong(value, "a list", name)


def _strs(value: object, name: str) -> list[Any]:
    items = _check_list(value, name)
    for i, item in enumerate(items):
        if item.__class__ is not str:
            _wrong(item, "a string", f"{name}[{i}]")
    return items


def _ints(value: object, name: str) -> list[Any]:
    items = _check_list(value, name)
    for i, item in enumerate(items):
        if item.__class__ is not int:
            items[i] = _int(item, f"{name}[{i}]")
    return items


def _enums(value: object, members: Mapping[str, Any], name: str) -> list[Any]:
    items = _check_list(value, name)
    for i, item in enumerate(items):
        if item.__class__ is not str:
            _wrong(item, "a string", f"{name}[{i}]")
        items[i] = members.get(item, item)
    return items


def _str_dict(value: object, name: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        _wrong(value, "an object", name)
    out = dict(value)
    for key, item in out.items():
        if item.__class__ is not str:
            _wrong(item, "a string", f"{name}.{key}")
    return out


def _locate(items: list[Any], decode: Callable[[Any], Any], name: str) -> _Fail:
    """Find which element of a list failed to decode and return its error with the index."""
    for i, item in enumerate(items):
        try:
            decode(item)
        except _Fail as exc:
            exc.parts.append(f"[{i}]")
            exc.parts.append(name)
            return exc
    return _Fail("could not decode the list", [name])  # pragma: no cover - not reachable


_plain_str = str.__str__

# --- field kinds -------------------------------------------------------------------------


@attrs.frozen
class _Kind:
    """What a field holds: scalar, any, enum, model, list or dict (of `item`)."""

    tag: str
    tp: Any = None
    item: _Kind | None = None


_SCALARS = (str, int, bool, float)


def _kind_of(tp: Any) -> _Kind:
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        args = [a for a in typing.get_args(tp) if a is not _NoneType]
        if len(args) == 1:
            return _kind_of(args[0])
        others = [a for a in args if a is not str]
        if len(args) == 2 and len(others) == 1 and _is_enum(others[0]):
            return _Kind("enum", others[0])
        raise TypeError(f"unsupported field type {tp!r}")
    if origin is list or origin is typing.get_origin(typing.Sequence[int]):
        return _Kind("list", item=_kind_of(typing.get_args(tp)[0]))
    if origin is dict or origin is typing.get_origin(Mapping[str, int]):
        return _Kind("dict", item=_kind_of(typing.get_args(tp)[1]))
    if tp is Any or tp is object:
        return _Kind("any")
    if tp in _SCALARS:
        return _Kind("scalar", tp)
    if isinstance(tp, type) and issubclass(tp, Model):
        return _Kind("model", tp)
    if _is_enum(tp):
        return _Kind("enum", tp)
    raise TypeError(f"unsupported field type {tp!r}")


def _is_enum(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, enum.Enum)


# --- code generation ---------------------------------------------------------------------

_NS: dict[str, Any] = {
    "_Fail": _Fail,
    "_wrong": _wrong,
    "_as_object": _as_object,
    "_int": _int,
    "_strs": _strs,
    "_ints": _ints,
    "_enums": _enums,
    "_str_dict": _str_dict,
    "_check_list": _check_list,
    "_locate": _locate,
    "_plain_str": _plain_str,
    "_new": object.__new__,
}
_NAMES: dict[type, str] = {}
_LOCK = threading.RLock()


def _name(cls: type) -> str:
    """Return the namespace suffix of a model class (its name, made unique if needed)."""
    name = _NAMES.get(cls)
    if name is not None:
        return name
    with _LOCK:
        name = _NAMES.get(cls)
        if name is not None:
            return name
        name = cls.__name__
        taken = set(_NAMES.values())
        n = 2
        while name in taken:
            name = f"{cls.__name__}_{n}"
            n += 1
        _NS[f"s_{name}"] = _stub(cls, "s_")
        _NS[f"u_{name}"] = _stub(cls, "u_")
        _NAMES[cls] = name  # last: other threads read it without the lock
    return name


def _stub(cls: type, prefix: str) -> Callable[[Any], Any]:
    def generate_then_call(value: Any) -> Any:
        _generate(cls)
        return _NS[prefix + _NAMES[cls]](value)

    generate_then_call.stub = True  # type: ignore[attr-defined]
    return generate_then_call


def _enum_map(tp: type[enum.Enum]) -> str:
    key = f"_m_{tp.__module__.replace('.', '_')}_{tp.__qualname__}"
    _NS.setdefault(key, tp._value2member_map_)
    return key


def _enum_values(tp: type[enum.Enum]) -> str:
    """Name a dict from each member of `tp` to its plain string (unknown strings pass)."""
    key = f"_v_{tp.__module__.replace('.', '_')}_{tp.__qualname__}"
    _NS.setdefault(key, {member: _plain_str(member) for member in tp})
    return key


def _decode_lines(kind: _Kind, field: str, pad: str) -> list[str]:
    """Lines that check and convert ``v`` (the value of `field`, known not None)."""
    q = repr(field)
    if kind.tag == "any":
        return []
    if kind.tag == "scalar":
        tp = kind.tp
        if tp is int:
            return [f"{pad}if v.__class__ is not int:", f"{pad}    v = _int(v, {q})"]
        if tp is float:
            return [
                f"{pad}if v.__class__ is not float and v.__class__ is not int:",
                f"{pad}    _wrong(v, 'a number', {q})",
            ]
        what = {str: "a string", bool: "a boolean"}[tp]
        return [f"{pad}if v.__class__ is not {tp.__name__}:", f"{pad}    _wrong(v, {what!r}, {q})"]
    if kind.tag == "enum":
        members = _enum_map(kind.tp)
        return [
            f"{pad}if v.__class__ is not str:",
            f"{pad}    _wrong(v, 'a string', {q})",
            f"{pad}v = {members}.get(v, v)",
        ]
    if kind.tag == "model":
        fn = f"s_{_name(kind.tp)}"
        return [
            f"{pad}try:",
            f"{pad}    v = {fn}(v)",
            f"{pad}except _Fail as exc:",
            f"{pad}    exc.parts.append({q})",
            f"{pad}    raise",
        ]
    item = kind.item
    assert item is not None
    if kind.tag == "list":
        if item.tag == "model":
            fn = f"s_{_name(item.tp)}"
            return [
                f"{pad}if v.__class__ is not list:",
                f"{pad}    v = _check_list(v, {q})",
                f"{pad}try:",
                f"{pad}    v = [{fn}(x) for x in v]",
                f"{pad}except _Fail:",
                f"{pad}    raise _locate(v, {fn}, {q}) from None",
            ]
        if item.tag == "scalar" and item.tp is str:
            return [f"{pad}v = _strs(v, {q})"]
        if item.tag == "scalar" and item.tp is int:
            return [f"{pad}v = _ints(v, {q})"]
        if item.tag == "enum":
            return [f"{pad}v = _enums(v, {_enum_map(item.tp)}, {q})"]
        if item.tag == "any" or item.tag == "scalar":
            return [f"{pad}v = _check_list(v, {q})"]
    if kind.tag == "dict" and item.tag in ("scalar", "any"):
        if item.tag == "scalar" and item.tp is str:
            return [f"{pad}v = _str_dict(v, {q})"]
        return [
            f"{pad}if v.__class__ is not dict:",
            f"{pad}    v = _as_object(v)",
            f"{pad}else:",
            f"{pad}    v = dict(v)",
        ]
    raise TypeError(f"unsupported field kind for {field}: {kind!r}")


def _encode_expr(kind: _Kind, v: str) -> str:
    """An expression that encodes the value `v` (an expression known not to be None)."""
    if kind.tag in ("any", "scalar"):
        return v
    if kind.tag == "enum":
        return f"{_enum_values(kind.tp)}.get({v}, {v})"
    if kind.tag == "model":
        return f"u_{_name(kind.tp)}({v})"
    item = kind.item
    assert item is not None
    if kind.tag == "list":
        if item.tag == "model":
            return f"[u_{_name(item.tp)}(x) for x in {v}]"
        if item.tag == "enum":
            return f"[{_enum_values(item.tp)}.get(x, x) for x in {v}]"
    # Lists and dicts of plain values are shared with the model, not copied (json.dumps
    # only reads them); callers who mutate the result should copy it first.
    return v


def _generate(cls: type) -> None:
    """Generate, compile and install the decode and encode functions of a model class."""
    with _LOCK:
        name = _name(cls)
        if not getattr(_NS[f"s_{name}"], "stub", False):
            return
        hints = typing.get_type_hints(cls)
        fields = [f for f in attrs.fields(cls) if f.name != "extra"]
        kinds = {f.name: _kind_of(hints[f.name]) for f in fields}
        known = f"_k_{name}"
        _NS[known] = frozenset(f.name for f in fields)
        _NS[f"_cls_{name}"] = cls

        dec = [
            f"def s_{name}(d):",
            "    if d.__class__ is not dict:",
            "        d = _as_object(d)",
            f"    o = _new(_cls_{name})",
            "    n = len(d)",
        ]
        for f in fields:
            dec.append(f"    v = d.get({f.name!r})")
            dec.append("    if v is not None:")
            dec.append("        n -= 1")
            dec += _decode_lines(kinds[f.name], f.name, "        ")
            dec.append(f"    o.{f.name} = v")
        dec += [
            f"    o.extra = {{k: d[k] for k in d if k not in {known}}} if n else {{}}",
            "    return o",
        ]

        enc = [f"def u_{name}(o):", "    d = {}"]
        for f in fields:
            attr = f"o.{f.name}"
            enc += [
                f"    if {attr} is not None:",
                f"        d[{f.name!r}] = {_encode_expr(kinds[f.name], attr)}",
            ]
        enc += ["    if o.extra:", "        d.update(o.extra)", "    return d"]

        source = "\n".join(dec) + "\n\n" + "\n".join(enc) + "\n"
        code = compile(source, f"<databricks_jobs._serde {cls.__qualname__}>", "exec")
        exec(code, _NS)


# --- hooks for any type ------------------------------------------------------------------


def _decoder(tp: Any) -> Callable[[Any], Any]:
    """Return a one-argument decode function for any supported type."""
    if tp is None or tp is _NoneType:
        return lambda value: None
    decode = _decoder_for(_kind_of(tp))
    if _NoneType in typing.get_args(tp):  # Optional: null stays None
        return lambda value: None if value is None else decode(value)
    return decode


def _decoder_for(kind: _Kind) -> Callable[[Any], Any]:
    if kind.tag == "model":
        fn_name = f"s_{_name(kind.tp)}"
        return lambda value: _NS[fn_name](value)
    if kind.tag == "list":
        assert kind.item is not None
        item = _decoder_for(kind.item)

        def decode_list(value: Any) -> list[Any]:
            items = _check_list(value, "")
            out = []
            for i, x in enumerate(items):
                try:
                    out.append(item(x))
                except _Fail as exc:
                    exc.parts.append(f"[{i}]")
                    raise
            return out

        return decode_list
    if kind.tag == "dict":
        assert kind.item is not None
        item = _decoder_for(kind.item)

        def decode_dict(value: Any) -> dict[str, Any]:
            if not isinstance(value, Mapping):
                _wrong(value, "an object")
            out = {}
            for key, x in value.items():
                try:
                    out[key] = item(x)
                except _Fail as exc:
                    exc.parts.append(str(key))
                    raise
            return out

        return decode_dict
    lines = ["def decode_value(v):", *_decode_lines(kind, "", "    "), "    return v"]
    namespace: dict[str, Any] = dict(_NS)
    exec("\n".join(lines), namespace)
    decode_value: Callable[[Any], Any] = namespace["decode_value"]
    return decode_value


@functools.lru_cache(maxsize=512)
def _decoder_cached(tp: Any) -> Callable[[Any], Any]:
    return _decoder(tp)


def _structure_hook_factory(tp: Any) -> Callable[[Any, Any], Any]:
    decode = _decoder_cached(tp)
    return lambda value, _tp: decode(value)


def _model_unstructure_factory(tp: Any) -> Callable[[Any], Any]:
    name = _name(tp)
    return lambda obj: _NS[f"u_{name}"](obj)


def _origin(tp: Any) -> Any:
    return typing.get_origin(tp)


def _build_converter() -> cattrs.Converter:
    conv = cattrs.Converter()
    # cattrs dispatches plain classes (str, int, ...) by MRO before any predicate, so the
    # scalars and the StrEnums (whose MRO has str before Enum) are registered that way.
    for simple in (*_SCALARS, _NoneType):
        conv.register_structure_hook(simple, _structure_hook_factory(simple))
    conv.register_structure_hook(enum.StrEnum, lambda value, tp: _decoder_cached(tp)(value))
    conv.register_structure_hook_factory(
        lambda tp: isinstance(tp, type) and issubclass(tp, Model), _structure_hook_factory
    )
    conv.register_structure_hook_factory(
        lambda tp: _origin(tp) in (list, dict), _structure_hook_factory
    )
    conv.register_structure_hook_factory(
        lambda tp: _origin(tp) in (typing.Union, types.UnionType),
        _structure_hook_factory,
    )
    conv.register_structure_hook_factory(_is_enum, _structure_hook_factory)
    conv.register_unstructure_hook_factory(
        lambda tp: isinstance(tp, type) and issubclass(tp, Model), _model_unstructure_factory
    )
    conv.register_unstructure_hook_factory(
        _is_enum, lambda tp: lambda value: getattr(value, "value", value)
    )
    return conv


converter: cattrs.Converter = _build_converter()
"""The library's one cattrs converter (private: use the functions of this module)."""


# --- public doors ------------------------------------------------------------------------


@overload
def structure(data: Any, tp: type[T]) -> T: ...
@overload
def structure(data: Any, tp: Any) -> Any: ...
def structure(data: Any, tp: Any) -> Any:
    """Turn decoded JSON into `tp` (a model, ``list[Model]``, ``dict[str, str]``, ...).

    Raises `DecodeError` naming the path of the first value of the wrong type. Never checks
    that required fields are present and never validates.
    """
    try:
        return _decoder_cached(tp)(data)
    except _Fail as exc:
        raise DecodeError(exc.message, path=exc.path()) from None


def unstructure(obj: Any) -> Any:
    """Turn a model (or a list or dict of them, or a plain value) into JSON-ready data."""
    cls = obj.__class__
    if cls is list or cls is tuple:
        return [unstructure(x) for x in obj]
    if cls is dict:
        return {k: unstructure(v) for k, v in obj.items()}
    if isinstance(obj, Model):
        return _NS[f"u_{_name(cls)}"](obj)
    if isinstance(obj, enum.Enum):
        return obj.value
    return obj


def from_dict(cls: type[M], data: Mapping[str, Any]) -> M:
    """Build a model from a decoded JSON object, keeping unknown keys and enum values."""
    try:
        return _NS[f"s_{_name(cls)}"](data)  # type: ignore[no-any-return]
    except _Fail as exc:
        raise DecodeError(exc.message, path=exc.path()) from None


def to_dict(obj: Model) -> dict[str, Any]:
    """Turn a model into a JSON-ready dict: set fields and the unknown keys it carries."""
    return _NS[f"u_{_name(obj.__class__)}"](obj)  # type: ignore[no-any-return]


def from_json(cls: type[M], text: str | bytes | bytearray) -> M:
    """Build a model from JSON text."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise DecodeError(f"not valid JSON: {exc}") from exc
    return from_dict(cls, data)


def to_json(obj: Model) -> str:
    """Write a model as compact JSON text."""
    return json.dumps(to_dict(obj), separators=(",", ":"), ensure_ascii=False, allow_nan=False)
