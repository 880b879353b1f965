"""Real payloads from public sources: each decodes, comes back exactly, validates as recorded.

The corpus is ``tests/data/payloads`` (provenance and licences in its ``index.json``). Written
back means identical as parsed JSON (keys, values and JSON types), except the int64 fields the
index lists under ``int64_strings``: numeric strings there come back as numbers. Request bodies
are validated and must give the recorded result: accepted (with the recorded warnings, by
field) or refused at the recorded field.
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path
from typing import Any

import cattrs
import pytest
from cattrs.preconf.json import make_converter

import databricks_jobs.models as models
from databricks_jobs._errors import SpecError
from databricks_jobs._serde import from_dict, register_hooks, to_dict, to_json
from databricks_jobs.models import SpecWarning, validate

from .json_compare import json_differences

CORPUS = Path(__file__).parents[1] / "data" / "payloads"
INDEX: dict[str, Any] = json.loads((CORPUS / "index.json").read_text(encoding="utf-8"))
PAYLOADS: list[dict[str, Any]] = INDEX["payloads"]
REQUESTS = [p for p in PAYLOADS if p["kind"] == "request"]


def load(entry: dict[str, Any]) -> Any:
    return json.loads((CORPUS / entry["file"]).read_text(encoding="utf-8"))


def _parts(path: str) -> list[str | int]:
    """``tasks[0].run_id`` -> ``["tasks", 0, "run_id"]``."""
    out: list[str | int] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        out.append(int(index) if index else name)
    return out


def with_int64_numbers(payload: Any, paths: list[str]) -> Any:
    """The payload as written back: the numeric strings at `paths` as numbers."""
    out = json.loads(json.dumps(payload))
    for path in paths:
        *parents, last = _parts(path)
        node = out
        for part in parents:
            node = node[part]
        assert isinstance(node[last], str), path
        node[last] = int(node[last])
    return out


def test_the_corpus_is_big_enough_and_fully_indexed() -> None:
    assert len(PAYLOADS) >= 60
    files = {str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*.json")} - {"index.json"}
    assert files == {p["file"] for p in PAYLOADS}
    for name, source in INDEX["sources"].items():
        assert source["licence"] in ("Apache-2.0", "MIT", "BSD-2-Clause", "BSD-3-Clause"), name
        for licence_file in source["licence_files"]:
            assert (CORPUS / licence_file).is_file(), licence_file
    for entry in PAYLOADS:
        assert entry["source"] in INDEX["sources"]
        assert isinstance(getattr(models, entry["model"]), type)
        assert entry["path"]
        assert entry["line"] > 0


@pytest.mark.parametrize("entry", PAYLOADS, ids=lambda e: e["file"])
def test_round_trip_is_identical(entry: dict[str, Any]) -> None:
    payload = load(entry)
    obj = from_dict(getattr(models, entry["model"]), payload)
    want = with_int64_numbers(payload, entry["int64_strings"])
    assert json_differences(to_dict(obj), want) == []
    assert json_differences(json.loads(to_json(obj)), want) == []


@pytest.fixture(scope="module")
def converter() -> cattrs.Converter:
    """A caller's cattrs JSON converter, taught the models by `register_hooks`."""
    conv = make_converter()
    register_hooks(conv)
    return conv


@pytest.mark.parametrize("entry", PAYLOADS, ids=lambda e: e["file"])
def test_round_trip_through_a_cattrs_converter_is_identical(
    entry: dict[str, Any], converter: cattrs.Converter
) -> None:
    payload = load(entry)
    model = getattr(models, entry["model"])
    obj = converter.structure(payload, model)
    assert obj == from_dict(model, payload)
    want = with_int64_numbers(payload, entry["int64_strings"])
    assert json_differences(converter.unstructure(obj), want) == []
    assert json_differences(json.loads(converter.dumps(obj)), want) == []


@pytest.mark.parametrize("entry", REQUESTS, ids=lambda e: e["file"])
def test_request_bodies_validate_as_recorded(entry: dict[str, Any]) -> None:
    expected = entry["validate"]
    obj = from_dict(getattr(models, entry["model"]), load(entry))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if expected["result"] == "refused":
            with pytest.raises(SpecError) as info:
                validate(obj)
            assert info.value.field == expected["field"]
        else:
            validate(obj)
    fields = {w.message.field for w in caught if isinstance(w.message, SpecWarning)}
    assert sorted(fields) == expected["warnings"]
