"""Shared helpers of the model tests: the wire reference and the model classes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import databricks_jobs.models as models
from databricks_jobs.models._base import Model

REFERENCE = Path(__file__).parents[2] / "tools" / "reference" / "jobs_api_types.json"


def load_reference() -> dict[str, Any]:
    """Read the reference; fail (never skip) when it is missing."""
    if not REFERENCE.is_file():
        pytest.fail(f"wire reference not found at {REFERENCE.resolve()}")
    data: dict[str, Any] = json.loads(REFERENCE.read_text(encoding="utf-8"))
    return data


def model_classes() -> list[type[Model]]:
    """Every public model class, by name (`Model`, their exported base, is not one)."""
    found = [getattr(models, n) for n in models.__all__]
    return sorted(
        (c for c in found if isinstance(c, type) and issubclass(c, Model) and c is not Model),
        key=lambda c: c.__name__,
    )


@pytest.fixture(scope="session")
def reference() -> dict[str, Any]:
    return load_reference()


@pytest.fixture(scope="session")
def all_model_classes() -> list[type[Model]]:
    return model_classes()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize ``ref_name`` over the reference's types, ``model_cls`` over the models."""
    if "ref_name" in metafunc.fixturenames:
        names = sorted(json.loads(REFERENCE.read_text())["types"]) if REFERENCE.is_file() else []
        # With the reference missing, one case runs and fails in the `reference` fixture.
        metafunc.parametrize("ref_name", names or ["<reference missing>"])
    if "model_cls" in metafunc.fixturenames:
        metafunc.parametrize("model_cls", model_classes(), ids=lambda c: c.__name__)
