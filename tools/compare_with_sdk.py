"""Compare decoding and round trips of the payload corpus with the official SDK's dataclasses.

Usage (from the repository root, with the ``test`` extra installed, which has databricks-sdk)::

    .nox/tests/bin/python tools/compare_with_sdk.py [--details]

For every payload of ``tests/data/payloads`` (see its ``index.json``) it reports, for our models
and for the SDK's:

* decoded: the payload became an object without an error;
* identical: writing the object back gives the payload again as parsed JSON (keys, values and
  JSON types). For both, the numeric strings of int64 fields that the index lists may come back
  as numbers (our one documented conversion); "no conversion at all" counts ours without it.

The SDK has dataclasses for responses and for tasks and clusters (``Run.from_dict``,
``as_dict``), but no request-body classes: its ``JobsAPI.create(...)``, ``submit(...)`` and the
like take keyword arguments. For a request body, each top-level key is passed through the type
the SDK method declares for it (a dataclass's ``from_dict`` and ``as_dict``, a list of them, an
enum) and keys the method does not take are lost, which is what sending that body through the
SDK would do.
"""

from __future__ import annotations

import argparse
import dataclasses
import enum
import json
import sys
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "payloads"
sys.path.insert(0, str(ROOT))

from databricks_jobs import _serde  # noqa: E402
from databricks_jobs import models as ours  # noqa: E402

SDK_METHODS = {
    "CreateJob": "create",
    "ResetJob": "reset",
    "SubmitRun": "submit",
    "RunNow": "run_now",
    "RepairRun": "repair_run",
}
"""Our request body -> the SDK's JobsAPI method that sends it."""


def json_type(value: Any) -> str:
    """The JSON type of a decoded value (booleans are not numbers, integers not floats)."""
    for kind, name in ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string")):
        if isinstance(value, kind):
            return name
    if value is None:
        return "null"
    return "array" if isinstance(value, list | tuple) else "object"


def same_json(a: Any, b: Any) -> bool:
    """Whether two parsed JSON values are equal in keys, values and JSON types."""
    if json_type(a) != json_type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_json(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def with_int64_numbers(payload: Any, paths: list[str]) -> Any:
    """The payload with the numeric strings at `paths` (``tasks[0].run_id``) as numbers."""
    out = json.loads(json.dumps(payload))
    for path in paths:
        parts = [
            int(p) if p.isdigit() else p for p in path.replace("]", "").replace("[", ".").split(".")
        ]
        node = out
        for part in parts[:-1]:
            node = node[part]
        node[parts[-1]] = int(node[parts[-1]])
    return out


def ours_round_trip(entry: dict[str, Any], payload: Any) -> tuple[bool, bool, bool]:
    """(decoded, identical with the documented conversion, strictly identical)."""
    try:
        back = _serde.to_dict(_serde.from_dict(getattr(ours, entry["model"]), payload))
    except Exception:
        return False, False, False
    want = with_int64_numbers(payload, entry["int64_strings"])
    return True, same_json(back, want), same_json(back, payload)


def _strip_optional(tp: Any) -> Any:
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    if typing.get_origin(tp) is typing.Union and len(args) == 1:
        return args[0]
    return tp


def _sdk_value(tp: Any, value: Any) -> Any:
    """Pass a value through the SDK type `tp` as its API methods do."""
    tp = _strip_optional(tp)
    if typing.get_origin(tp) is list:
        (item,) = typing.get_args(tp)
        return [_sdk_value(item, x) for x in value]
    if typing.get_origin(tp) is dict:
        return dict(value)
    if dataclasses.is_dataclass(tp):
        return tp.from_dict(value).as_dict()
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp(value).value
    return value


def sdk_round_trip(entry: dict[str, Any], payload: Any) -> tuple[bool, bool]:
    """(decoded, identical) for the SDK."""
    from databricks.sdk.service import jobs

    try:
        method = SDK_METHODS.get(entry["model"])
        if method is not None:
            hints = typing.get_type_hints(getattr(jobs.JobsAPI, method))
            back = {k: _sdk_value(hints[k], v) for k, v in payload.items() if k in hints}
        else:
            cls: Any = getattr(jobs, entry["model"])
            back = cls.from_dict(payload).as_dict()
    except Exception:
        return False, False
    # the same allowance as ours: int64 numeric strings may come back as numbers
    converted = with_int64_numbers(payload, entry["int64_strings"])
    return True, same_json(back, payload) or same_json(back, converted)


def compare(details: bool, out: Callable[[str], None] = print) -> dict[str, int]:
    """Run the comparison, print the table (and each difference with `details`)."""
    index = json.loads((CORPUS / "index.json").read_text(encoding="utf-8"))
    counts = dict.fromkeys(
        (
            "payloads",
            "ours_decoded",
            "ours_identical",
            "ours_strict",
            "sdk_decoded",
            "sdk_identical",
        ),
        0,
    )
    for entry in index["payloads"]:
        payload = json.loads((CORPUS / entry["file"]).read_text(encoding="utf-8"))
        decoded, identical, strict = ours_round_trip(entry, payload)
        sdk_decoded, sdk_identical = sdk_round_trip(entry, payload)
        counts["payloads"] += 1
        counts["ours_decoded"] += decoded
        counts["ours_identical"] += identical
        counts["ours_strict"] += strict
        counts["sdk_decoded"] += sdk_decoded
        counts["sdk_identical"] += sdk_identical
        if details and not (identical and sdk_identical):
            out(
                f"{entry['file']} ({entry['model']}): ours decoded={decoded} "
                f"identical={identical}; SDK decoded={sdk_decoded} identical={sdk_identical}"
            )
    n = counts["payloads"]
    out(f"{n} payloads            decoded   identical")
    out(
        f"brickjobs models        {counts['ours_decoded']:>7}   {counts['ours_identical']:>9}"
        f"   ({counts['ours_strict']} with no conversion at all)"
    )
    out(f"databricks-sdk          {counts['sdk_decoded']:>7}   {counts['sdk_identical']:>9}")
    return counts


def main() -> None:
    """Parse the arguments and run the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--details", action="store_true", help="list the payloads that differ")
    compare(parser.parse_args().details)


if __name__ == "__main__":
    main()
