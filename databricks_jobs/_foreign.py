"""A warning when the unrelated ``databricks-jobs`` distribution shares our import name.

``databricks-jobs`` on PyPI is a different project (a generated Jobs API 2.1 client) that
also installs an import package named ``databricks_jobs``. Installed beside ``brickjobs``,
the two write into one folder and overwrite each other's files, so whichever was installed
last decides what ``import databricks_jobs`` gives, with pieces of the other mixed in.
"""

from __future__ import annotations

import importlib.metadata
import warnings
from typing import Final

__all__ = ["FOREIGN_DISTRIBUTION", "OUR_DISTRIBUTION", "warn_if_foreign_installed"]

OUR_DISTRIBUTION: Final = "brickjobs"
FOREIGN_DISTRIBUTION: Final = "databricks-jobs"


def _version_of(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


_checked = False


def warn_if_foreign_installed() -> None:
    """Warn, once per process, when both distributions are installed."""
    global _checked
    if _checked:
        return
    _checked = True
    foreign = _version_of(FOREIGN_DISTRIBUTION)
    if foreign is None or _version_of(OUR_DISTRIBUTION) is None:
        return
    warnings.warn(
        f"the unrelated distribution {FOREIGN_DISTRIBUTION} {foreign} is installed beside "
        f"{OUR_DISTRIBUTION}; both install the import package databricks_jobs and overwrite "
        f"each other's files. Run `pip uninstall {FOREIGN_DISTRIBUTION}` and then "
        f"`pip install --force-reinstall {OUR_DISTRIBUTION}`",
        RuntimeWarning,
        stacklevel=3,
    )
