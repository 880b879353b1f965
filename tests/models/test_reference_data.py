"""The committed wire reference is what its generator makes of the SDK release it names.

``tools/reference/build_reference.py`` regenerates ``jobs_api_types.json`` from an installed
databricks-sdk. The tests that run it need that exact SDK release (the ``test`` extra installs
databricks-sdk) and skip, saying why, with any other; they never use the network.
"""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from .conftest import REFERENCE

SCRIPT = REFERENCE.parent / "build_reference.py"


@pytest.fixture(scope="module")
def builder() -> ModuleType:
    """Load the generator script by path (``tools/`` is not a package)."""
    spec = importlib.util.spec_from_file_location("build_reference", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    # Reading the SDK takes about half a second; each test runs `main`, which needs it once.
    module.build_reference = functools.cache(module.build_reference)
    return module


@pytest.fixture(scope="module")
def same_sdk() -> None:
    """Skip unless the installed databricks-sdk is the release the reference was made from."""
    wanted = json.loads(REFERENCE.read_text(encoding="utf-8"))["sdk_version"]
    try:
        installed = importlib.metadata.version("databricks-sdk")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip(f"databricks-sdk is not installed; the reference needs {wanted}")
    if installed != wanted:
        pytest.skip(f"databricks-sdk {installed} is installed; the reference is from {wanted}")


@pytest.fixture(scope="module")
def regenerated(builder: ModuleType, same_sdk: None, tmp_path_factory: Any) -> Path:
    """Run the generator's write path once, into a scratch file."""
    out: Path = tmp_path_factory.mktemp("reference") / "jobs_api_types.json"
    assert builder.main(["--output", str(out)]) == 0
    return out


def test_check_passes_on_the_committed_file(
    builder: ModuleType, same_sdk: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert builder.main(["--check"]) == 0
    assert "is up to date" in capsys.readouterr().out


def test_regenerating_reproduces_the_committed_file(regenerated: Path) -> None:
    committed = REFERENCE.read_bytes()
    written = regenerated.read_bytes()
    python = json.loads(committed)["python"]
    if json.loads(written)["python"] != python:
        # Only the record of the interpreter may differ; put it back and compare bytes.
        data = json.loads(written)
        data["python"] = python
        written = json.dumps(data, indent=1).encode()
    assert written == committed


def test_check_names_each_difference_and_fails(
    builder: ModuleType, regenerated: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(regenerated.read_text(encoding="utf-8"))
    data["types"]["Run"]["cleanup_duration"]["format"] = "int32"
    del data["enums"]["RunType"]
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data, indent=1), encoding="utf-8")

    assert builder.main(["--check", "--output", str(edited)]) == 1
    err = capsys.readouterr().err
    assert "$.types.Run.cleanup_duration.format" in err
    assert "$.enums.RunType: only in the regenerated data" in err


def test_check_fails_on_formatting_alone(
    builder: ModuleType, regenerated: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reformatted = tmp_path / "reformatted.json"
    reformatted.write_text(regenerated.read_text(encoding="utf-8") + "\n", encoding="utf-8")

    assert builder.main(["--check", "--output", str(reformatted)]) == 1
    assert "different formatting" in capsys.readouterr().err


def test_check_does_not_write(
    builder: ModuleType, same_sdk: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.json"
    assert builder.main(["--check", "--output", str(missing)]) == 1
    assert not missing.exists()
    assert "does not exist" in capsys.readouterr().err


# The text rules need no SDK.


def test_doc_is_the_first_paragraph_on_one_line(builder: ModuleType) -> None:
    doc = """First line
    goes on here.

    Second paragraph."""
    assert builder.first_paragraph(doc) == "First line goes on here."
    assert builder.first_paragraph("") is None
    assert builder.first_paragraph(None) is None


def test_long_doc_is_cut_with_an_ellipsis(builder: ModuleType) -> None:
    limit = builder.DOC_LIMIT
    assert builder.first_paragraph("x" * limit) == "x" * limit
    cut = builder.first_paragraph("x" * (limit + 1))
    assert cut == "x" * (limit - 3) + "..."


def test_differences_see_key_order(builder: ModuleType) -> None:
    assert list(builder.differences({"a": 1, "b": 2}, {"a": 1, "b": 2})) == []
    assert list(builder.differences({"a": 1, "b": 2}, {"b": 2, "a": 1})) == [
        "$: keys in a different order"
    ]
    assert list(builder.differences({"a": True}, {"a": 1})) == [
        "$.a: committed true, regenerated 1"
    ]
