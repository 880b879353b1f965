"""Every type, field and enum value of the wire reference has a counterpart in the models."""

from __future__ import annotations

import enum
import types
import typing
from typing import Any

import attrs

import databricks_jobs.models as models
from databricks_jobs.models import _reference
from databricks_jobs.models._base import Model

SCALARS = {"str": str, "int": int, "bool": bool, "float": float}


def our_name(ref_name: str) -> str:
    renamed = _reference.RENAMES.get(ref_name)
    return renamed[0] if renamed else ref_name


def strip_none(tp: Any) -> tuple[Any, bool]:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        rest = tuple(a for a in args if a is not type(None))
        optional = len(rest) != len(args)
        if len(rest) == 1:
            return rest[0], optional
        return typing.Union[rest], optional  # noqa: UP007
    return tp, False


def expected_type(ref_type: str, enums: dict[str, list[str]]) -> Any:
    """Return the Python type a reference type string maps to."""
    if ref_type.startswith("List["):
        return list[expected_type(ref_type[5:-1], enums)]  # type: ignore[misc]
    if ref_type.startswith("Dict[str,"):
        return dict[str, expected_type(ref_type[9:-1], enums)]  # type: ignore[misc]
    if ref_type in _reference.TYPE_MAPPINGS:
        return SCALARS[_reference.TYPE_MAPPINGS[ref_type][0]]
    if ref_type in SCALARS:
        return SCALARS[ref_type]
    if ref_type in enums:
        return getattr(models, ref_type) | str
    return getattr(models, our_name(ref_type))


def test_reference_is_the_one_described(reference: dict[str, Any]) -> None:
    assert reference["counts"] == {"types": 210, "enums": 55}
    assert len(reference["types"]) == 210
    assert len(reference["enums"]) == 55


def test_no_reference_type_has_a_field_named_extra(reference: dict[str, Any]) -> None:
    clashes = [t for t, fields in reference["types"].items() if "extra" in fields]
    assert clashes == []


def test_every_type_has_a_model(reference: dict[str, Any]) -> None:
    missing = [
        t
        for t in reference["types"]
        if t not in _reference.EXCLUDED_TYPES
        and not (isinstance(getattr(models, our_name(t), None), type))
    ]
    assert missing == []


def test_renames_are_distinct_and_documented() -> None:
    names = [ours for ours, _ in _reference.RENAMES.values()]
    assert len(set(names)) == len(names)
    for ref_name, (ours, why) in _reference.RENAMES.items():
        assert ours != ref_name or ref_name.startswith("compute."), ref_name
        assert len(why) > 20
    assert models.ClusterSpec.__module__ == "databricks_jobs.models.compute"
    assert "spark_version" in attrs.fields_dict(models.ClusterSpec)
    assert set(attrs.fields_dict(models.RunClusterSpec)) == {
        "existing_cluster_id",
        "job_cluster_key",
        "libraries",
        "new_cluster",
        "extra",
    }


def test_fields_match_the_reference(reference: dict[str, Any], ref_name: str) -> None:
    fields = reference["types"][ref_name]
    cls = getattr(models, our_name(ref_name))
    hints = typing.get_type_hints(cls)
    ours = {f.name: f for f in attrs.fields(cls)}
    expected = {
        name for name in fields if (ref_name, name) not in _reference.EXCLUDED_FIELDS
    } | set(_reference.ADDED_FIELDS)
    assert set(ours) == expected
    for name, info in fields.items():
        tp, optional = strip_none(hints[name])
        assert tp == expected_type(info["type"], reference["enums"]), name
        if info["required"]:
            assert ours[name].default is attrs.NOTHING, f"{name} should be a required argument"
        else:
            assert optional, f"{name} should be optional"
            assert ours[name].default is None, f"{name} should default to None"


def test_every_enum_value_has_a_member(reference: dict[str, Any]) -> None:
    problems = []
    for name, values in reference["enums"].items():
        cls = getattr(models, name, None)
        if not (isinstance(cls, type) and issubclass(cls, enum.StrEnum)):
            problems.append(f"{name}: no StrEnum")
            continue
        if sorted(m.value for m in cls) != sorted(values):
            problems.append(f"{name}: {sorted(m.value for m in cls)} != {sorted(values)}")
    assert problems == []


def test_enum_fields_name_the_reference_enum(reference: dict[str, Any]) -> None:
    for ref_name, fields in reference["types"].items():
        cls = getattr(models, our_name(ref_name))
        hints = typing.get_type_hints(cls)
        for name, info in fields.items():
            if "enum_type" in info:
                assert getattr(models, info["enum_type"]) in typing.get_args(
                    strip_none(hints[name])[0]
                ) or str(info["type"]).startswith("List["), (ref_name, name)


def test_request_bodies_cover_the_body_parameters(reference: dict[str, Any]) -> None:
    for request in reference["requests"].values():
        body = {p for p, info in request["params"].items() if info["in"] == "body"}
        if not body:
            continue
        cls = getattr(models, request["legacy_request_type_name"])
        assert set(attrs.fields_dict(cls)) == body | {"extra"}, request["path"]


def test_all_is_sorted_and_complete(all_model_classes: list[type[Model]]) -> None:
    assert list(models.__all__) == sorted(models.__all__)
    assert len(set(models.__all__)) == len(models.__all__)
    for name in models.__all__:
        assert hasattr(models, name), name
    classes = all_model_classes
    assert len(classes) == 210 + 12
    for cls in classes:
        assert cls.__module__.startswith("databricks_jobs.models.")
        assert cls.__doc__, cls.__name__
        assert issubclass(cls, Model)


def _request_body_classes() -> dict[str, str]:
    """Reference request key (``JobsAPI.run_now``) -> our body class name, from the generator."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parents[2] / "tools" / "gen_models.py"
    spec = importlib.util.spec_from_file_location("gen_models_for_tests", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    bodies: dict[str, str] = module.REQUEST_BODIES
    return bodies


def test_int64_fields_exist_and_are_annotated(reference: dict[str, Any]) -> None:
    bodies = _request_body_classes()
    for owner, field in sorted(_reference.INT64_FIELDS):
        if owner in reference["types"]:
            info = reference["types"][owner].get(field)
            cls = getattr(models, our_name(owner))
        else:
            info = reference["requests"][owner]["params"].get(field)
            cls = getattr(models, bodies[owner])
        assert info is not None, (owner, field)
        assert info["type"] in ("int", "List[int]"), (owner, field)
        hint = typing.get_type_hints(cls, include_extras=True)[field]
        assert "int64" in repr(hint), (owner, field, hint)
