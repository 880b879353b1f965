"""brickjobs: an async-first, typed, lossless client for the Databricks Jobs API 2.2.

```python
from databricks_jobs import Workspace

async with Workspace.from_env() as ws:
    async for job in ws.jobs.list(name="nightly"):
        run = await ws.jobs.run_now(job.job_id)
        done = await ws.runs.wait(run.run_id, timeout=3600)
```
"""

import importlib as _importlib
import typing as _typing

from ._auth import AccessToken, TokenProvider
from ._clock import Clock, SystemClock, VirtualClock
from ._config import AuthType, Config, PoolLimits, Seconds, Timeouts
from ._errors import (
    AlreadyExists,
    ApiError,
    AuthError,
    BadGateway,
    BadRequest,
    ClientClosedError,
    ConcurrentRunsLimit,
    ConfigError,
    Conflict,
    ConnectionFailed,
    DatabricksError,
    DecodeError,
    EventLoopError,
    GatewayTimeout,
    InternalError,
    InvalidParameterValue,
    InvalidState,
    NotFound,
    OutcomeUnknown,
    PermissionDenied,
    RateBudgetExhausted,
    RateLimited,
    RequestTimeout,
    ResponseTooLarge,
    RunFailed,
    ServerError,
    ServiceUnavailable,
    SpecError,
    TooManyRequests,
    TransportError,
    Unauthenticated,
    Unimplemented,
    WaitError,
    WaitTimeout,
    error_from_response,
)
from ._foreign import warn_if_foreign_installed as _warn_if_foreign_installed
from ._http import TransportChoice
from ._limits import RateLimits
from ._outcome import OutcomeKind, RunOutcome, run_outcome
from ._pagination import Page, Paginator
from ._retry import RetryPolicy
from ._sending import TrackedCalls
from ._surface import present_as as _present_as
from ._types import QueryValue
from ._version import __version__
from ._workspace import Workspace

if _typing.TYPE_CHECKING:
    from ._serde import from_dict, from_json, register_hooks, to_dict, to_json
    from .models import validate
    from .resources import Jobs, Runs, StartedRun, UpdateCallback

_LAZY = {
    "from_dict": "._serde",
    "from_json": "._serde",
    "register_hooks": "._serde",
    "to_dict": "._serde",
    "to_json": "._serde",
    "validate": ".models",
    "Jobs": ".resources",
    "Runs": ".resources",
    "StartedRun": ".resources",
    "UpdateCallback": ".resources",
}
"""Names whose modules load on first use: the models take most of the import time."""

__all__ = [
    "AccessToken",
    "AlreadyExists",
    "ApiError",
    "AuthError",
    "AuthType",
    "BadGateway",
    "BadRequest",
    "ClientClosedError",
    "Clock",
    "ConcurrentRunsLimit",
    "Config",
    "ConfigError",
    "Conflict",
    "ConnectionFailed",
    "DatabricksError",
    "DecodeError",
    "EventLoopError",
    "GatewayTimeout",
    "InternalError",
    "InvalidParameterValue",
    "InvalidState",
    "Jobs",
    "NotFound",
    "OutcomeKind",
    "OutcomeUnknown",
    "Page",
    "Paginator",
    "PermissionDenied",
    "PoolLimits",
    "QueryValue",
    "RateBudgetExhausted",
    "RateLimited",
    "RateLimits",
    "RequestTimeout",
    "ResponseTooLarge",
    "RetryPolicy",
    "RunFailed",
    "RunOutcome",
    "Runs",
    "Seconds",
    "ServerError",
    "ServiceUnavailable",
    "SpecError",
    "StartedRun",
    "SystemClock",
    "Timeouts",
    "TokenProvider",
    "TooManyRequests",
    "TrackedCalls",
    "TransportChoice",
    "TransportError",
    "Unauthenticated",
    "Unimplemented",
    "UpdateCallback",
    "VirtualClock",
    "WaitError",
    "WaitTimeout",
    "Workspace",
    "__version__",
    "error_from_response",
    "from_dict",
    "from_json",
    "register_hooks",
    "run_outcome",
    "to_dict",
    "to_json",
    "validate",
]


def __getattr__(name: str) -> _typing.Any:
    """Load the lazily exported names on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_importlib.import_module(module, __name__), name)
    _present_as(__name__, value)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return list(__all__)


for _name in __all__:
    if _name not in _LAZY:
        _present_as(__name__, globals()[_name])
del _name

_warn_if_foreign_installed()
