"""The pytest plugin: a fresh emulator and a `Workspace` connected to it, per test.

Installed with the package and loaded by pytest automatically. Fixtures:

* ``databricks_emulator``: an `Emulator` on a `VirtualClock` (script tasks, inject faults,
  read ``applied`` and ``requests``);
* ``databricks_workspace``: a `Workspace` talking to that emulator over a real loopback
  socket, on the same clock, so waits, backoff and token expiry run on simulated time.

``databricks_workspace`` is opened in the event loop of the test that asks for it, whichever
plugin runs that test:

* anyio's plugin: mark the test ``@pytest.mark.anyio`` (asyncio or trio, by ``anyio_backend``);
* pytest-asyncio in strict mode: mark it ``@pytest.mark.asyncio`` (any ``loop_scope``);
* pytest-asyncio in auto mode: no mark needed.

Both plugins may be installed together. pytest-asyncio is optional: the part that needs it
(`databricks_jobs.testing._pytest_asyncio`) is registered only when pytest has loaded it.
Imports are deferred so that loading the plugin costs nothing.
"""

from ._pytest_fixtures import (
    _databricks_workspace_anyio,  # noqa: F401 - collected by pytest from this module
    databricks_emulator,
    databricks_workspace,
    pytest_configure,
)

__all__ = ["databricks_emulator", "databricks_workspace", "pytest_configure"]

pytest_configure.__module__ = __name__
