"""The resources of a Workspace: `Jobs` (``ws.jobs``) and `Runs` (``ws.runs``).

They are exported, and shown, as ``databricks_jobs.Jobs`` and so on: users reach them
through ``ws.jobs`` and import their names from the package.
"""

from .._surface import present_as as _present_as
from ._common import StartedRun
from ._jobs import Jobs
from ._runs import Runs, UpdateCallback

__all__ = ["Jobs", "Runs", "StartedRun", "UpdateCallback"]

for _value in (Jobs, Runs, StartedRun):
    _present_as("databricks_jobs", _value)
del _value
