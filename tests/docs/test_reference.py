"""Every public name has an entry in the API reference of the docs site.

A name exported by a public module is documented when the object it names is, under any
path (``databricks_jobs.models.Task`` is ``databricks_jobs.models.tasks.Task``), or when a
directive names it (values such as ``__version__``, which have no identity of their own).
What the reference pages document is read from their directives (`reference_pages`).
"""

from __future__ import annotations

import importlib
import re

import pytest

import databricks_jobs.models as models

from ..public_modules import public_modules
from .code_blocks import ROOT
from .reference_pages import REFERENCE, directives, docstrings, documented, resolve

PUBLIC_MODULES = public_modules()
NOT_IN_THE_REFERENCE = {
    "databricks_jobs.cli": {"main"},  # the brickjobs command's entry point: docs/cli.md
    "databricks_jobs.testing.pytest_plugin": {"pytest_configure"},  # called by pytest
}
PATHS, OBJECTS = documented()


def test_the_reference_pages_hold_directives() -> None:
    assert len(PATHS) > len(models.__all__)
    assert (REFERENCE / "models" / "tasks.md").is_file()


def _named(module_name: str, name: str, value: object) -> bool:
    """True when a directive names `value` as `name`, here or where it is defined."""
    if f"{module_name}.{name}" in PATHS:
        return True
    return any(path.rsplit(".", 1)[-1] == name and resolve(path) is value for path in PATHS)


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_every_public_name_has_a_reference_entry(module_name: str) -> None:
    module = importlib.import_module(module_name)
    missing = []
    left_out = NOT_IN_THE_REFERENCE.get(module_name, set())
    assert left_out <= set(module.__all__)
    for name in module.__all__:
        if name in left_out:
            continue
        value = getattr(module, name)
        has_identity = isinstance(value, type) or callable(value)
        if has_identity and any(value is obj for obj in OBJECTS):
            continue
        if not _named(module_name, name, value):
            missing.append(name)
    assert missing == [], f"{module_name}: no reference entry for {missing}"


def test_each_model_module_has_a_page_of_its_own() -> None:
    modules = {
        path.stem
        for path in (ROOT / "databricks_jobs" / "models").glob("*.py")
        if not path.stem.startswith("_")
    }
    pages = {
        path.removeprefix("databricks_jobs.models.")
        for page in (REFERENCE / "models").glob("*.md")
        for path, _ in directives(page)
    }
    assert modules <= pages, f"model modules without a reference page: {modules - pages}"


def test_docstrings_use_markdown_the_site_renders() -> None:
    """``>>>`` renders as nested quotes and a reST ``::`` stays a literal ``::`` on the site."""
    found = dict(docstrings(OBJECTS))
    assert "VirtualClock" in found
    assert "Workspace.dry_run" in found
    doctests = [where for where, doc in found.items() if re.search(r"^\s*>>>", doc, re.M)]
    literals = [where for where, doc in found.items() if re.search(r"(^|\s)::\s*$", doc, re.M)]
    assert doctests == [], "write examples as fenced ```python blocks"
    assert literals == [], "write literal blocks as fenced ``` blocks"
