"""tools/compare_with_sdk.py runs, and our models decode and write back the whole corpus."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

TOOL = Path(__file__).parents[2] / "tools" / "compare_with_sdk.py"


def load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("compare_with_sdk", TOOL)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_comparison_runs_and_counts_every_payload() -> None:
    lines: list[str] = []
    counts = load_tool().compare(details=True, out=lines.append)
    assert counts["payloads"] >= 60
    assert counts["ours_decoded"] == counts["ours_identical"] == counts["payloads"]
    assert 0 <= counts["sdk_identical"] <= counts["sdk_decoded"] <= counts["payloads"]
    assert lines[-2].startswith("brickjobs models")
    # the SDK loses something in some payloads: each is listed with --details
    listed = [line for line in lines if "SDK decoded=" in line]
    assert len(listed) == counts["payloads"] - counts["sdk_identical"]


def test_same_json_tells_json_types_apart() -> None:
    tool = load_tool()
    assert tool.same_json({"a": [1, "x"]}, {"a": [1, "x"]})
    assert not tool.same_json({"a": True}, {"a": 1})
    assert not tool.same_json({"a": 1}, {"a": 1.0})
    assert not tool.same_json({"a": "1"}, {"a": 1})
    assert not tool.same_json({"a": None}, {})
