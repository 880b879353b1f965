"""brickjobs: an async-first, typed, lossless client for the Databricks Jobs API 2.2.

```python
from databricks_jobs import Workspace

async with Workspace.from_env() as ws:
    async for job in ws.jobs.list(name="nightly"):
        run = await ws.jobs.run_now(job.job_id)
        done = await ws.runs.wait(run.run_id, timeout=3600)
```
"""

import contextlib
import importlib
import inspect
import typing

import attrs

from ._auth import AccessToken, TokenProvider
from ._clock import Clock, SystemClock, VirtualClock
from ._config import Config, PoolLimits, Timeouts
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
from ._limits import RateLimits
from ._outcome import OutcomeKind, RunOutcome, run_outcome
from ._pagination import Page, Paginator
from ._retry import RetryPolicy
from ._sending import TrackedCalls
from ._types import NOT_GIVEN, NotGiven
from ._version import __version__
from ._workspace import Workspace

if typing.TYPE_CHECKING:
    from ._serde import from_dict, from_json, register_hooks, to_dict, to_json
    from .models import validate
    from .resources import Jobs, Runs, StartedRun

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
}
"""Names whose modules load on first use: the models take most of the import time."""

__all__ = [
    "NOT_GIVEN",
    "AccessToken",
    "AlreadyExists",
    "ApiError",
    "AuthError",
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
    "NotGiven",
    "OutcomeKind",
    "OutcomeUnknown",
    "Page",
    "Paginator",
    "PermissionDenied",
    "PoolLimits",
    "RateBudgetExhausted",
    "RateLimited",
    "RateLimits",
    "RequestTimeout",
    "ResponseTooLarge",
    "RetryPolicy",
    "RunFailed",
    "RunOutcome",
    "Runs",
    "ServerError",
    "ServiceUnavailable",
    "SpecError",
    "StartedRun",
    "SystemClock",
    "Timeouts",
    "TokenProvider",
    "TooManyRequests",
    "TrackedCalls",
    "TransportError",
    "Unauthenticated",
    "Unimplemented",
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


def _present_as_public(value: object) -> None:
    """Show an exported class or function as ``databricks_jobs.X`` in reprs and tracebacks.

    A class's annotations are resolved first, in the module that defined them: tools that
    resolve type hints through ``__module__`` (cattrs, pydantic, FastAPI) keep working.
    """
    if isinstance(value, type):
        _resolve_annotations(value)
    if isinstance(value, type) or (callable(value) and hasattr(value, "__module__")):
        with contextlib.suppress(AttributeError, TypeError):
            value.__module__ = __name__


def _resolve_annotations(cls: type) -> None:
    own = inspect.get_annotations(cls)
    if not own:
        return
    hints = typing.get_type_hints(cls, include_extras=True)
    cls.__annotations__ = {name: hints.get(name, hint) for name, hint in own.items()}
    if attrs.has(cls):
        attrs.resolve_types(cls)


def __getattr__(name: str) -> typing.Any:
    """Load the lazily exported names on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    _present_as_public(value)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return list(__all__)


for _name in __all__:
    if _name not in _LAZY:
        _present_as_public(globals()[_name])
del _name

_warn_if_foreign_installed()
