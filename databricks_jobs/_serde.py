"""Models to and from JSON, every received value kept; hooks for a caller's cattrs converter.

For every model class, a decode and an encode function are generated from the class's fields
the first time the class is used:

* decode reads each known key with ``dict.get`` and keeps its value as received, with two
  conversions only: an enum value this release knows becomes its member, and a numeric
  string in an int64 field (annotated `Int64`) becomes the int. A value of another JSON type
  than the field declares (``true`` in a ``dict[str, str]``, ``"1"`` in ``num_workers``, a
  string where an object is expected) is kept in the attribute as it came. The object is
  built without running ``__init__`` (no validation on decode); the keys the class does not
  know, and the known keys received as JSON null, go to ``extra``;
* encode writes each field that ``is not None`` (never by truthiness, so ``[]`` and ``{}``
  are sent), then the ``extra`` keys that no field wrote: an unknown key, or a null received
  for a field still None. A value kept as received is written back as it came.

So decoding never fails inside a payload; only a payload that is not the object (or list) asked
for at its top raises `DecodeError`. The functions refer to each other by name in one
namespace; a class that has not been used yet sits there as a stub that generates the real
functions on its first call, so importing stays cheap. Their source is registered with
`linecache`, so tracebacks and `inspect` show the generated lines.

The library has no cattrs converter of its own (docs/decisions.md, 31): `register_hooks`
installs these functions in a caller's converter.
"""

from __future__ import annotations

import enum
import functools
import itertools
import json
import linecache
import re
import threading
import types
import typing
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, overload

import attrs

from databricks_jobs._errors import DecodeError
from databricks_jobs._json import parse_json
from databricks_jobs.models._base import EXTRA_SLOT, INT64, Model, describe_value, has_extra_slot

if TYPE_CHECKING:  # cattrs is the caller's: the library never imports it
    import cattrs

__all__ = [
    "from_dict",
    "from_json",
    "key_path",
    "register_hooks",
    "structure",
    "to_dict",
    "to_json",
    "unstructure",
]

T = TypeVar("T")
M = TypeVar("M", bound=Model)

_NoneType = type(None)
_INT_TEXT = re.compile(r"-?[0-9]+")


def key_path(key: object) -> str:
    """Return the path part of a map key: ``["spark.speculation"]`` (JSON-quoted, never dotted)."""
    return "[" + json.dumps(str(key), ensure_ascii=False) + "]"


class _Fail(Exception):
    """Internal structuring failure; `parts` is the path from the innermost part outwards."""

    def __init__(self, message: str, parts: list[str]) -> None:
        super().__init__(message)
        self.message = message
        self.parts = parts

    def path(self) -> str | None:
        """Return the path, ``runs[3]`` or ``["some key"]``; None for the top."""
        out = ""
        for part in reversed(self.parts):
            if part.startswith("[") or not out:
                out += part
            else:
                out += "." + part
        return out or None


# --- decode helpers: keep what does not fit, convert only what is documented ---------------


def _int64(value: Any) -> Any:
    """An int64 given as a numeric string becomes the int; anything else is kept."""
    if value.__class__ is str and _INT_TEXT.fullmatch(value):
        return int(value)
    return value


def _ints64(value: Any) -> Any:
    """A list of int64 values, numeric strings converted; a value that is not a list is kept."""
    if value.__class__ is not list and value.__class__ is not tuple:
        return value
    return [x if x.__class__ is int else _int64(x) for x in value]


def _enums(value: Any, members: Mapping[str, Any]) -> Any:
    """A list of enum values, known strings as members; a value that is not a list is kept."""
    if value.__class__ is not list and value.__class__ is not tuple:
        return value
    return [members.get(x, x) if x.__class__ is str else x for x in value]


def _list(value: Any) -> Any:
    """A copy of a list (a tuple becomes a list); any other value is kept."""
    if value.__class__ is list or value.__class__ is tuple:
        return list(value)
    return value


def _dict(value: Any) -> Any:
    """A copy of a JSON object; any other value is kept."""
    if isinstance(value, Mapping):
        return dict(value)
    return value


def _models(value: Any, decode: Callable[[Any], Any]) -> Any:
    """A list of models from a tuple; any other value (not a list) is kept."""
    if value.__class__ is tuple:
        return [decode(x) for x in value]
    return value


_plain_str = str.__str__

# --- encode helpers ----------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """JSON-ready data from anything a field may hold: models encoded, enums as strings."""
    cls = value.__class__
    if cls is list or cls is tuple:
        return [_plain(x) for x in value]
    if cls is dict:
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, Model):
        return _NS[f"u_{_name(cls)}"](value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _text_forms() -> dict[type, str]:
    """Models that may be given as one string: the field the string fills."""
    from databricks_jobs.models.tasks import TaskDependency

    # `depends_on=["a"]` is the constructors' shorthand; an assignment keeps the strings.
    return {TaskDependency: "task_key"}


_TEXT_FORMS: dict[type, str] | None = None


def _other(value: Any, cls: type) -> Any:
    """Encode a value found where a `cls` object was expected.

    Another model (or a subclass) is written with its own fields; a task key where a
    `TaskDependency` is expected becomes ``{"task_key": ...}``; anything else (a value kept
    from a payload) is written as it is.
    """
    global _TEXT_FORMS
    if isinstance(value, Model):
        if value.__class__ is cls:  # built without __init__ and without its `extra`
            raise TypeError(f"this {cls.__name__} has no extra dict; build models with keywords")
        return _NS[f"u_{_name(value.__class__)}"](value)
    if value.__class__ is str:
        if _TEXT_FORMS is None:
            _TEXT_FORMS = _text_forms()
        field = _TEXT_FORMS.get(cls)
        if field is not None:
            return {field: value}
    return _plain(value)


def _seq(value: Any, encode: Callable[[Any], Any]) -> Any:
    """Encode a list-of-models field whose value is not a list.

    A tuple is encoded like a list; anything else (a value kept from a payload, or assigned)
    is written as it is, with any models inside encoded.
    """
    if value.__class__ is tuple:
        return [encode(x) for x in value]
    return _plain(value)


def _enum_value(value: Any, values: Mapping[Any, str]) -> Any:
    """Encode one enum value: a member as its plain string, anything else as it is."""
    if value.__class__ is list or value.__class__ is dict:
        return _plain(value)
    return values.get(value, value)


def _enum_list(value: Any, values: Mapping[Any, str]) -> Any:
    """Encode a list of enum values (members as plain strings); any other value as it is."""
    if value.__class__ is list or value.__class__ is tuple:
        return [
            values.get(x, x) if x.__class__ is not list and x.__class__ is not dict else x
            for x in value
        ]
    return _plain(value)


def _add_extra(out: dict[str, Any], extra: Mapping[str, Any]) -> None:
    """Write the ``extra`` keys no field wrote (a field that is set wins over its null)."""
    for key in extra:
        if key not in out:
            out[key] = extra[key]


# --- field kinds -------------------------------------------------------------------------


@attrs.frozen
class _Kind:
    """What a field holds: scalar, int64, any, enum, model, list or dict (of `item`)."""

    tag: str
    tp: Any = None
    item: _Kind | None = None


_SCALARS = (str, int, bool, float)


def _kind_of(tp: Any) -> _Kind:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        base, *marks = typing.get_args(tp)
        if base is int and INT64 in marks:
            return _Kind("int64", int)
        return _kind_of(base)
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
    "_Mapping": Mapping,
    "_int64": _int64,
    "_ints64": _ints64,
    "_enums": _enums,
    "_list": _list,
    "_dict": _dict,
    "_models": _models,
    "_other": _other,
    "_seq": _seq,
    "_enum_list": _enum_list,
    "_enum_value": _enum_value,
    "_plain": _plain,
    "_add_extra": _add_extra,
    "_safe_encoder": lambda cls: _safe_encoder(cls),
    "_new": object.__new__,
}
_NAMES: dict[type, str] = {}
_LOCK = threading.RLock()
_VALUE_DECODERS = itertools.count(1)


def _run(source: str, filename: str, namespace: dict[str, Any]) -> None:
    """Compile and run generated source, registering it with `linecache` under `filename`.

    A traceback through a generated function then shows its lines, as for any module (an
    ``mtime`` of None keeps the entry through `linecache.checkcache`; only a
    `linecache.clearcache` drops it). `filename` must be unique: ``<databricks_jobs._serde ...>``.
    """
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    exec(compile(source, filename, "exec"), namespace)


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


def _decode_lines(kind: _Kind, pad: str) -> list[str]:
    """Lines that convert ``v`` (a field's value, known not None) where a rule says so."""
    if kind.tag in ("any", "scalar"):
        return []  # kept as received, whatever its JSON type
    if kind.tag == "int64":
        return [f"{pad}if v.__class__ is str:", f"{pad}    v = _int64(v)"]
    if kind.tag == "enum":
        return [f"{pad}if v.__class__ is str:", f"{pad}    v = {_enum_map(kind.tp)}.get(v, v)"]
    if kind.tag == "model":
        return [f"{pad}v = s_{_name(kind.tp)}(v)"]
    item = kind.item
    assert item is not None
    if kind.tag == "list":
        if item.tag == "model":
            fn = f"s_{_name(item.tp)}"
            return [
                f"{pad}if v.__class__ is list:",
                f"{pad}    v = [{fn}(x) for x in v]",
                f"{pad}else:",
                f"{pad}    v = _models(v, {fn})",
            ]
        if item.tag == "int64":
            return [f"{pad}v = _ints64(v)"]
        if item.tag == "enum":
            return [f"{pad}v = _enums(v, {_enum_map(item.tp)})"]
        if item.tag in ("any", "scalar"):  # copied, so the model owns what it holds
            return [
                f"{pad}if v.__class__ is list:",
                f"{pad}    v = v.copy()",
                f"{pad}else:",
                f"{pad}    v = _list(v)",
            ]
    if kind.tag == "dict" and item.tag in ("scalar", "any"):
        # the plain dict in line: `_dict`'s Mapping check is an ABC's, dear per call
        return [
            f"{pad}if v.__class__ is dict:",
            f"{pad}    v = v.copy()",
            f"{pad}else:",
            f"{pad}    v = _dict(v)",
        ]
    raise TypeError(f"unsupported field kind {kind!r}")


def _encode_field(kind: _Kind, field: str, *, safe: bool) -> list[str]:
    """Lines that write field `field` of ``o`` into ``d`` when it is not None.

    The fast form looks enum members up in a dict (``.get`` fails on an unhashable value, a
    list or object kept from a payload, and the whole object is then written by the safe
    form, which checks instead).
    """
    attr = f"o.{field}"
    target = f"        d[{field!r}] = "
    lines = [f"    if {attr} is not None:"]
    if kind.tag == "enum":
        values = _enum_values(kind.tp)
        if safe:
            return [*lines, target + f"_enum_value({attr}, {values})"]
        return [*lines, target + f"{values}.get({attr}, {attr})"]
    if kind.tag == "model":
        return [*lines, target + f"u_{_name(kind.tp)}({attr})"]
    item = kind.item
    if kind.tag == "list" and item is not None and item.tag == "model":
        fn = f"u_{_name(item.tp)}"
        return [
            *lines,
            f"        v = {attr}",
            target + f"list(map({fn}, v)) if v.__class__ is list else _seq(v, {fn})",
        ]
    if kind.tag == "list" and item is not None and item.tag == "enum":
        return [*lines, target + f"_enum_list({attr}, {_enum_values(item.tp)})"]
    # Scalars and lists and dicts of plain values: the value itself. Lists and dicts are
    # shared with the model, not copied (json.dumps only reads them); callers who mutate the
    # result should copy it first.
    return [*lines, target + attr]


def _extra_attr(cls: type) -> str:
    """The attribute the serde reads and writes `extra` through: the raw slot where there is one.

    The slot holds None for "nothing", which saves decoding an empty dict per object; a class
    without it (a subclass that is not slotted all the way) keeps a dict in `extra`.
    """
    return EXTRA_SLOT if has_extra_slot(cls) else "extra"


def _encoder_source(
    name: str, fields: list[Any], kinds: dict[str, _Kind], *, safe: bool, extra: str
) -> str:
    """The source of a class's encoder (``u_Name``, or ``u_Name_safe``)."""
    suffix = "_safe" if safe else ""
    lines = [
        f"def u_{name}{suffix}(o):",
        # Every model has `extra` and no JSON value has: anything else (a value kept from a
        # payload, a task key given for a dependency) goes the other way. The `try` costs
        # nothing while `o` is a model.
        "    try:",
        f"        e = o.{extra}",
        "        d = {}",
    ]
    for f in fields:
        lines += ["    " + line for line in _encode_field(kinds[f.name], f.name, safe=safe)]
    lines += [
        "    except AttributeError:",
        f"        return _other(o, _cls_{name})",
    ]
    if not safe:
        lines += [
            "    except TypeError:  # an unhashable value kept in an enum field",
            f"        return _safe_encoder(_cls_{name})(o)",
        ]
    lines += ["    if e:", "        _add_extra(d, e)", "    return d"]
    return "\n".join(lines) + "\n"


def _safe_encoder(cls: type) -> Callable[[Any], Any]:
    """The checking encoder of a class, built on first need."""
    name = _name(cls)
    fn = _NS.get(f"u_{name}_safe")
    if fn is None:
        with _LOCK:
            hints = typing.get_type_hints(cls, include_extras=True)
            fields = [f for f in attrs.fields(cls) if f.name != "extra"]
            kinds = {f.name: _kind_of(hints[f.name]) for f in fields}
            source = _encoder_source(name, fields, kinds, safe=True, extra=_extra_attr(cls))
            _run(source, f"<databricks_jobs._serde {name} safe encoder>", _NS)
            fn = _NS[f"u_{name}_safe"]
    return fn  # type: ignore[no-any-return]


def _generate(cls: type) -> None:
    """Generate, compile and install the decode and encode functions of a model class."""
    with _LOCK:
        name = _name(cls)
        if not getattr(_NS[f"s_{name}"], "stub", False):
            return
        hints = typing.get_type_hints(cls, include_extras=True)
        fields = [f for f in attrs.fields(cls) if f.name != "extra"]
        kinds = {f.name: _kind_of(hints[f.name]) for f in fields}
        known = f"_k_{name}"
        _NS[known] = frozenset(f.name for f in fields)
        _NS[f"_cls_{name}"] = cls

        dec = [
            f"def s_{name}(d):",
            "    if d.__class__ is not dict:",
            "        if not isinstance(d, _Mapping):",
            "            return d  # kept as received",
            "        d = dict(d)",
            f"    o = _new(_cls_{name})",
            "    n = len(d)",
        ]
        for f in fields:
            # A membership test and a subscript cost less than a call to ``d.get``, and an
            # absent key (most of a sparse object's fields) costs the test alone.
            dec.append(f"    if {f.name!r} in d:")
            dec.append(f"        v = d[{f.name!r}]")
            dec.append("        if v is not None:")
            dec.append("            n -= 1")
            dec += _decode_lines(kinds[f.name], "            ")
            dec.append(f"        o.{f.name} = v")
            dec.append("    else:")
            dec.append(f"        o.{f.name} = None")
        # n counts the keys not read into a field: unknown keys and known keys set to null
        keep = f"{{k: d[k] for k in d if k not in {known} or d[k] is None}}"
        extra = _extra_attr(cls)
        empty = "None" if extra == EXTRA_SLOT else "{}"
        dec += [f"    o.{extra} = {keep} if n else {empty}", "    return o"]

        encoder = _encoder_source(name, fields, kinds, safe=False, extra=extra)
        source = "\n".join(dec) + "\n\n" + encoder
        _run(source, f"<databricks_jobs._serde {name}>", _NS)


# --- hooks for any type ------------------------------------------------------------------


def _decoder(tp: Any) -> Callable[[Any], Any]:
    """Return a one-argument decode function for any supported type, strict at its top.

    The top of the value must be what `tp` asks for (an object for a model or a dict, a list
    for a list, and an object for each model of a list or dict of models); everything inside
    is kept as received, as in a model's fields.
    """
    if tp is None or tp is _NoneType:
        return lambda value: None
    decode = _decoder_for(_kind_of(tp))
    if _NoneType in typing.get_args(tp):  # Optional: null stays None
        return lambda value: None if value is None else decode(value)
    return decode


def _expect_object(value: Any) -> None:
    if not isinstance(value, Mapping):
        raise _Fail(f"expected an object, got {describe_value(value)}", [])


def _decoder_for(kind: _Kind) -> Callable[[Any], Any]:
    if kind.tag == "model":
        fn_name = f"s_{_name(kind.tp)}"

        def decode_model(value: Any) -> Any:
            if value.__class__ is not dict:
                _expect_object(value)
            return _NS[fn_name](value)

        return decode_model
    if kind.tag == "list":
        assert kind.item is not None
        item = _decoder_for(kind.item)

        def decode_list(value: Any) -> list[Any]:
            if value.__class__ is not list and value.__class__ is not tuple:
                raise _Fail(f"expected a list, got {describe_value(value)}", [])
            out = []
            for i, x in enumerate(value):
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
            _expect_object(value)
            out = {}
            for key, x in value.items():
                try:
                    out[key] = item(x)
                except _Fail as exc:
                    exc.parts.append(key_path(key))
                    raise
            return out

        return decode_dict
    if kind.tag == "scalar" and kind.tp is int:
        return _int64  # asked for an int: a numeric string is read as one
    lines = ["def decode_value(v):", *_decode_lines(kind, "    "), "    return v"]
    namespace: dict[str, Any] = dict(_NS)
    number = next(_VALUE_DECODERS)
    _run("\n".join(lines) + "\n", f"<databricks_jobs._serde value decoder {number}>", namespace)
    decode_value: Callable[[Any], Any] = namespace["decode_value"]
    return decode_value


@functools.lru_cache(maxsize=512)
def _decoder_cached(tp: Any) -> Callable[[Any], Any]:
    return _decoder(tp)


def _structure_hook_factory(tp: Any) -> Callable[[Any, Any], Any]:
    decode = _decoder_cached(tp)

    def hook(value: Any, _tp: Any) -> Any:
        try:
            return decode(value)
        except _Fail as exc:
            raise DecodeError(exc.message, path=exc.path()) from None

    return hook


def _model_unstructure_factory(tp: Any) -> Callable[[Any], Any]:
    name = _name(tp)
    return lambda obj: _NS[f"u_{name}"](obj)


def _is_model_class(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, Model)


@functools.cache
def _open_enums() -> frozenset[type[enum.Enum]]:
    """The enums of the models (`databricks_jobs.models.enums`)."""
    from databricks_jobs.models import enums

    return frozenset(getattr(enums, name) for name in enums.__all__)


def _is_open_enum_union(tp: Any) -> bool:
    """``TheEnum | str`` (or ``TheEnum | str | None``) for an enum of the models."""
    if typing.get_origin(tp) not in (typing.Union, types.UnionType):
        return False
    args = {a for a in typing.get_args(tp) if a is not _NoneType}
    return len(args) == 2 and str in args and bool(args & _open_enums())


def register_hooks(converter: cattrs.BaseConverter) -> None:
    """Make a cattrs converter read and write the models exactly as `from_dict`/`to_dict` do.

    For a program that already uses cattrs, with models inside its own attrs classes (a
    deployment file holding `JobSettings`, say). Afterwards ``converter.structure(data, Job)``
    gives what ``from_dict(Job, data)`` gives and ``converter.unstructure(job)`` what
    ``to_dict(job)`` gives, wherever a model appears: in a field of your class, in a list or
    a dict, as an optional. Unknown keys are kept in ``extra``, received nulls are remembered,
    values of unexpected types are kept, int64 numeric strings read as ints; the converter's
    own options (``forbid_extra_keys``, ``omit_if_default``, ...) do not apply to the models.
    Enums of the models are open: a known value structures to its member and any other string
    stays a string (for a field typed ``TheEnum`` or ``TheEnum | str``); members unstructure
    to plain strings. A value that is not a JSON object where a model is asked for raises
    `DecodeError`, which cattrs reports with the field it was in.

    `converter` is any `cattrs.BaseConverter` (``cattrs.Converter()``,
    ``cattrs.preconf.json.make_converter()``, ...). A hook you register for one model class
    (``converter.register_unstructure_hook(Task, ...)``), before or after this call, still
    wins for that class: cattrs looks up hooks registered for a class before the predicates
    used here. brickjobs does not depend on cattrs and never imports it: the converter is
    yours.
    """
    converter.register_structure_hook_factory(_is_model_class, _structure_hook_factory)
    converter.register_unstructure_hook_factory(_is_model_class, _model_unstructure_factory)
    converter.register_structure_hook_factory(_is_open_enum_union, _structure_hook_factory)
    # cattrs dispatches a plain class by its MRO before any predicate, and a StrEnum's MRO
    # has str before Enum: each enum is registered as a class, or the str hook would win.
    for tp in sorted(_open_enums(), key=lambda e: e.__name__):
        converter.register_structure_hook(tp, _structure_hook_factory(tp))
        converter.register_unstructure_hook(tp, _plain_str)


# --- public doors ------------------------------------------------------------------------


@overload
def structure(data: Any, tp: type[T]) -> T: ...
@overload
def structure(data: Any, tp: Any) -> Any: ...
def structure(data: Any, tp: Any) -> Any:
    """Turn decoded JSON into `tp` (a model, ``list[Model]``, ``dict[str, str]``, ...).

    Raises `DecodeError` when the top of `data` is not what `tp` asks for (an object for a
    model, a list for a list; its `path` names the element, ``[3]``). Everything inside is
    kept as received, never checked for required fields and never validated.
    """
    try:
        return _decoder_cached(tp)(data)
    except _Fail as exc:
        raise DecodeError(exc.message, path=exc.path()) from None


def unstructure(obj: Any) -> Any:
    """Turn a model (or a list or dict of them, or a plain value) into JSON-ready data."""
    return _plain(obj)


def from_dict(cls: type[M], data: Mapping[str, Any]) -> M:
    """Build a model from a decoded JSON object, keeping every value as received.

    Raises `DecodeError` only when `data` is not an object.
    """
    if not isinstance(data, Mapping):
        raise DecodeError(f"expected an object, got {describe_value(data)}")
    return _NS[f"s_{_name(cls)}"](data)  # type: ignore[no-any-return]


def to_dict(obj: Model) -> dict[str, Any]:
    """Turn a model into a JSON-ready dict: set fields, then the keys kept in ``extra``."""
    return _NS[f"u_{_name(obj.__class__)}"](obj)  # type: ignore[no-any-return]


def from_json(cls: type[M], text: str | bytes | bytearray) -> M:
    """Build a model from JSON text."""
    try:
        data = parse_json(text)
    except ValueError as exc:  # JSONTooDeep too: nesting past the recursion limit
        raise DecodeError(f"not valid JSON: {exc}") from exc
    return from_dict(cls, data)


def to_json(obj: Model) -> str:
    """Write a model as compact JSON text."""
    return json.dumps(to_dict(obj), separators=(",", ":"), ensure_ascii=False, allow_nan=False)
