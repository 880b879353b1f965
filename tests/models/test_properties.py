"""Property tests: for every model, canonical payloads survive a decode-encode round trip.

Payloads are generated from each class's fields: any subset of fields with values of the
right wire type (known and unknown enum values, int64 extremes, empty lists and objects),
plus unknown keys holding arbitrary JSON, at every depth.
"""

from __future__ import annotations

import enum
import json
import types
import typing
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from databricks_jobs._serde import from_dict, from_json, to_dict, to_json
from databricks_jobs.models._base import Model, model_fields

from .json_compare import json_differences

MAX_DEPTH = 3
INT64 = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.sampled_from([0, 1, 2**53 + 1, 2**63 - 1]),
)
JSON_SCALARS = st.one_of(
    st.none(), st.booleans(), INT64, st.floats(allow_nan=False, allow_infinity=False), st.text()
)
JSON = st.recursive(
    JSON_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
UNKNOWN_KEY = st.text(min_size=1, max_size=12).map(lambda s: "zz_" + s)


def _strip_none(tp: Any) -> Any:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        enums = [a for a in args if isinstance(a, type) and issubclass(a, enum.Enum)]
        if enums:
            return enums[0]
        return args[0]
    return tp


def value_for(tp: Any, depth: int) -> st.SearchStrategy[Any]:
    """A strategy of canonical wire values for a field type."""
    tp = _strip_none(tp)
    origin = typing.get_origin(tp)
    if origin is list:
        return st.lists(value_for(typing.get_args(tp)[0], depth), max_size=2)
    if origin is dict:
        return st.dictionaries(
            st.text(max_size=6), value_for(typing.get_args(tp)[1], depth), max_size=2
        )
    if tp is str:
        return st.text(max_size=10)
    if tp is bool:
        return st.booleans()
    if tp is int:
        return INT64
    if tp is float:
        return st.one_of(st.floats(allow_nan=False, allow_infinity=False), INT64)
    if tp is Any:
        return JSON
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        unknown = st.text(min_size=1, max_size=10).map(lambda s: "FUTURE_" + s)
        return st.one_of(st.sampled_from([m.value for m in tp]), unknown)
    if isinstance(tp, type) and issubclass(tp, Model):
        return payload_for(tp, depth + 1)
    raise AssertionError(f"no strategy for {tp!r}")


_STRATEGIES: dict[tuple[type[Model], int], st.SearchStrategy[dict[str, Any]]] = {}


def payload_for(cls: type[Model], depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    """A strategy of canonical payloads for a model class (nested models to MAX_DEPTH)."""
    if (cls, depth) not in _STRATEGIES:
        _STRATEGIES[cls, depth] = _build_payload(cls, depth)
    return _STRATEGIES[cls, depth]


def _build_payload(cls: type[Model], depth: int) -> st.SearchStrategy[dict[str, Any]]:
    if depth > MAX_DEPTH:
        return st.just({})
    hints = typing.get_type_hints(cls)
    fields = {
        f.name: value_for(hints[f.name], depth) for f in model_fields(cls) if f.name != "extra"
    }
    known = st.fixed_dictionaries({}, optional=fields)
    unknown = st.dictionaries(UNKNOWN_KEY, JSON, max_size=2)
    return st.builds(lambda k, u: {**k, **u}, known, unknown)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_round_trip_of_every_model(model_cls: type[Model], data: st.DataObject) -> None:
    payload = data.draw(payload_for(model_cls), label="payload")
    obj = from_dict(model_cls, payload)
    assert to_dict(obj) == payload
    assert from_dict(model_cls, to_dict(obj)) == obj


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_json_round_trip_of_big_objects(data: st.DataObject) -> None:
    from databricks_jobs.models import Job, Run, RunOutput

    for cls in (Job, Run, RunOutput):
        payload = data.draw(payload_for(cls), label=cls.__name__)
        text = json.dumps(payload)
        assert json.loads(to_json(from_json(cls, text))) == json.loads(text)


_ODD: dict[tuple[type[Model], int], st.SearchStrategy[dict[str, Any]]] = {}
ODD_JSON = st.one_of(JSON_SCALARS, st.lists(JSON_SCALARS, max_size=2), st.just({"k": True}))


def _odd_payload(cls: type[Model], depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    """Payloads whose known fields hold any JSON value (null included), nested models too."""
    if (cls, depth) not in _ODD:
        fields: dict[str, st.SearchStrategy[Any]] = {}
        hints = typing.get_type_hints(cls)
        for f in model_fields(cls):
            if f.name == "extra":
                continue
            tp = _strip_none(hints[f.name])
            nested = isinstance(tp, type) and issubclass(tp, Model) and depth < 1
            fields[f.name] = (
                st.one_of(ODD_JSON, _odd_payload(tp, depth + 1)) if nested else ODD_JSON
            )
        _ODD[cls, depth] = st.fixed_dictionaries({}, optional=fields)
    return _ODD[cls, depth]


def _not_numeric(value: Any) -> Any:
    """A numeric string (or list item) prefixed so it is no longer numeric."""
    if isinstance(value, list):
        return [_not_numeric(x) for x in value]
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return "x" + value
    return value


def _int64_fields(cls: type[Model]) -> set[str]:
    hints = typing.get_type_hints(cls, include_extras=True)
    return {name for name, tp in hints.items() if "int64" in repr(tp)}


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_json_in_any_field_is_kept(model_cls: type[Model], data: st.DataObject) -> None:
    payload = data.draw(_odd_payload(model_cls), label="payload")
    for name in _int64_fields(model_cls) & payload.keys():  # the documented conversion
        payload[name] = _not_numeric(payload[name])  # is tested on its own
    obj = from_dict(model_cls, payload)
    want = _with_dependency_shorthand(payload)
    assert json_differences(to_dict(obj), want) == []
    assert json_differences(json.loads(to_json(obj)), want) == []


def _with_dependency_shorthand(value: Any) -> Any:
    """What a payload is written back as: a string inside ``depends_on`` is a task key."""
    if isinstance(value, list):
        return [_with_dependency_shorthand(x) for x in value]
    if not isinstance(value, dict):
        return value
    out = {k: _with_dependency_shorthand(v) for k, v in value.items()}
    deps = value.get("depends_on")
    if isinstance(deps, list):
        out["depends_on"] = [
            {"task_key": x} if isinstance(x, str) else _with_dependency_shorthand(x) for x in deps
        ]
    return out
