"""The resources of a Workspace: `Jobs` (``ws.jobs``) and `Runs` (``ws.runs``)."""

from ._common import StartedRun
from .jobs import Jobs
from .runs import Runs

__all__ = ["Jobs", "Runs", "StartedRun"]
