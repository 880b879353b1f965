"""A local Jobs API emulator (2.2, 2.1 and 2.0) for tests: in-process or on loopback.

```python
from databricks_jobs.testing import Emulator, VirtualClock

clock = VirtualClock()
emulator = Emulator(clock)
emulator.script_task("b", outcome="FAILED", error="boom")
transport = emulator.transport()  # in-process
async with emulator.serve() as url:  # or a real HTTP/1.1 server on 127.0.0.1
    ...
```

See ``docs/emulator.md``.
"""

from __future__ import annotations

import inspect as _inspect
import typing as _typing

from ._clock import Clock, ScaledClock, SystemClock, VirtualClock
from ._emulator import DEFAULT_CLIENT, DEFAULT_TOKEN, Emulator, LoggedRequest, Reply
from ._faults import FaultDecision, FaultKind, FaultRule, Faults
from ._scripts import Outcome, TaskBehaviour, TaskContext, TaskScript
from ._state import Timings
from ._throttle import Throttle
from ._transport import EmulatorTransport
from ._wire import EmulatorRequest, EmulatorResponse

__all__ = [
    "Clock",
    "DEFAULT_CLIENT",
    "DEFAULT_TOKEN",
    "Emulator",
    "EmulatorRequest",
    "EmulatorResponse",
    "EmulatorTransport",
    "FaultDecision",
    "FaultKind",
    "FaultRule",
    "Faults",
    "LoggedRequest",
    "Outcome",
    "Reply",
    "ScaledClock",
    "SystemClock",
    "TaskBehaviour",
    "TaskContext",
    "TaskScript",
    "Throttle",
    "Timings",
    "VirtualClock",
]


def _rehome(cls: type) -> None:
    """Show `cls` as ``databricks_jobs.testing.X``, its annotations resolved where defined."""
    own = _inspect.get_annotations(cls)
    if own:
        hints = _typing.get_type_hints(cls, include_extras=True)
        cls.__annotations__ = {name: hints.get(name, hint) for name, hint in own.items()}
    cls.__module__ = __name__


for _name in __all__:
    _obj = globals()[_name]
    if isinstance(_obj, type) and _obj.__module__.startswith(__name__ + "._"):
        _rehome(_obj)
del _name, _obj
