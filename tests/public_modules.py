"""The public modules of the package: those without an underscore in their dotted name."""

from __future__ import annotations

import pkgutil

import databricks_jobs

__all__ = ["public_modules"]


def public_modules() -> list[str]:
    """Every module of the package whose dotted name has no part starting with ``_``."""
    found = ["databricks_jobs"]
    for info in pkgutil.walk_packages(databricks_jobs.__path__, "databricks_jobs."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            found.append(info.name)
    return found
