"""One rate budget for many processes and hosts: `RedisBudget` (the ``[redis]`` extra).

A Workspace keeps its rate limits and its back-off gate in memory, so several processes
calling one workspace (web-server workers, replicas, a fleet of batch workers) each spend
the whole budget and each learn of a 429 on their own. Given a `RedisBudget`, a Workspace
takes every request's slot from per-endpoint token buckets kept in Redis, shared by every
process whose budget has the same key and whose Workspace calls the same host, and a 429
seen by one of them pauses that endpoint in all of them for the advised time::

    from databricks_jobs import RateLimits, Workspace
    from databricks_jobs.shared import RedisBudget

    budget = RedisBudget("redis://redis.internal:6379/0", key="jobs-api")
    async with Workspace.from_env(shared_budget=budget) as ws:
        ...

The `RateLimits` of the Workspace are then the limits of all the processes together.
Another store can take Redis's place: a `SharedBudget` binds to each Workspace and returns
a `BoundBudget` (a `RateBudget`, the limiter and the gate, that connects when entered). The
buckets run on the Redis server's clock, so a Workspace on a `VirtualClock` refuses a shared
budget (tests of your code keep the local limiter). When Redis is slow or down, calls wait
at most `timeout` for it, then take `fallback_fraction` of the local limits until it answers
again (see docs/shared-budget.md). The Redis client (coredis) is imported when a Workspace
with this budget is entered, and belongs to that Workspace and its event loop.
"""

from __future__ import annotations

import re as _re
import ssl as _ssl
from typing import Any as _Any
from typing import Final as _Final
from urllib.parse import parse_qsl as _parse_qsl
from urllib.parse import quote as _quote
from urllib.parse import quote_plus as _quote_plus
from urllib.parse import unquote as _unquote
from urllib.parse import urlsplit as _urlsplit

import attrs as _attrs

# A public module: only its exports and the names its public signatures use are public
# attributes; helpers are imported under private names (tests/test_public_surface.py).
from ._clock import Clock
from ._clock import SystemClock as _SystemClock
from ._errors import ConfigError as _ConfigError
from ._limits import BoundBudget, RateBudget, RateLimits, SharedBudget
from ._shared_budget import RedisBoundBudget as _RedisBoundBudget
from ._surface import present_as as _present_as

__all__ = ["BoundBudget", "RateBudget", "RedisBudget", "SharedBudget"]

_SCHEMES: _Final = ("redis", "rediss", "unix")
_DATABASE: _Final = _re.compile(r"(/[0-9]*)?")


def _url(value: object) -> str:
    if not isinstance(value, str):
        raise _ConfigError(f"the Redis URL must be a string, not {type(value).__name__}")
    try:
        parts = _urlsplit(value)
        parts.port  # noqa: B018 (a port that is not a number raises here)
    except ValueError:
        raise _ConfigError(
            "the Redis URL is malformed (expected redis://host:port/db, rediss://... or "
            "unix:///path)"
        ) from None
    if parts.scheme not in _SCHEMES:
        # Not echoed: a URL without its scheme can start with the credentials.
        raise _ConfigError("the Redis URL must start with redis://, rediss:// or unix://")
    if "@" in parts.path or "@" in parts.query or "#" in value:
        # `redis://:pa/ss@host` splits at the first "/": the password would be the path.
        raise _ConfigError(
            "the Redis URL has an '@' after its host, or a '#': percent-encode the user name "
            "and password (a '/' in a password is %2F, an '@' %40, a '#' %23)"
        )
    if parts.scheme != "unix":
        if not parts.hostname:
            raise _ConfigError("the Redis URL names no host (expected redis://host:port/db)")
        if not _DATABASE.fullmatch(parts.path):
            raise _ConfigError(
                "the Redis URL's path must be the database number (redis://host:port/0)"
            )
    options = {name.lower() for name, _ in _parse_qsl(parts.query, keep_blank_values=True)}
    tls = sorted(name for name in options if name.startswith("ssl"))
    if tls:
        raise _ConfigError(
            f"the Redis URL sets {', '.join(tls)}: TLS is set with ssl_context= (a rediss:// "
            "server's certificate and host name are always verified)"
        )
    return value


def _key(value: object) -> str:
    if not isinstance(value, str) or not value or any(c in value for c in "{}| \t\r\n"):
        raise _ConfigError(
            "the key of a shared budget must be a non-empty string without spaces, braces "
            f"or '|', got {value!r}"
        )
    return value


def _positive(name: str, *, most: float | None = None) -> _Any:
    def check(instance: object, attribute: _attrs.Attribute[float], value: float) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            raise _ConfigError(f"{name} must be a positive number, got {value!r}")
        if most is not None and value > most:
            raise _ConfigError(f"{name} must be at most {most:g}, got {value!r}")

    return check


@_attrs.frozen(repr=False)
class RedisBudget:
    """A rate budget in Redis, shared by every Workspace with the same `key` and host.

    `url` is a ``redis://``, ``rediss://`` (TLS) or ``unix://`` URL, with its user name and
    password percent-encoded; the password never appears in a repr, an error or a log.
    `ssl_context` verifies a ``rediss://`` server (the system's CAs when None). `timeout`
    bounds each wait for Redis (seconds); when it runs out or Redis fails, the call takes
    its slot from the local limits scaled by `fallback_fraction` (1/N for N processes keeps
    the total), and the calls after it do so without waiting for Redis for
    `retry_interval` seconds, when one tries Redis again.

    One `RedisBudget` may serve many Workspaces: each gets its own client when entered.
    """

    url: str = _attrs.field(converter=_url)
    key: str = _attrs.field(default="default", kw_only=True, converter=_key)
    timeout: float = _attrs.field(default=0.25, kw_only=True, validator=_positive("timeout"))
    fallback_fraction: float = _attrs.field(
        default=0.25, kw_only=True, validator=_positive("fallback_fraction", most=1.0)
    )
    retry_interval: float = _attrs.field(
        default=5.0, kw_only=True, validator=_positive("retry_interval")
    )
    ssl_context: _ssl.SSLContext | None = _attrs.field(default=None, kw_only=True)

    def bind(self, *, host: str, limits: RateLimits, clock: Clock) -> BoundBudget:
        """The budget of one Workspace (called by `Workspace`; see `SharedBudget`).

        Raises `ConfigError` for a clock other than the system clock: the buckets run on
        the Redis server's clock, which a `VirtualClock` cannot move.
        """
        if not isinstance(clock, _SystemClock):
            raise _ConfigError(
                f"a shared rate budget runs on the Redis server's clock, not on {clock!r}: "
                "a Workspace with a virtual clock (tests) keeps its local rate limits, so "
                "leave shared_budget out there"
            )
        return _RedisBoundBudget(self, host=host, limits=limits, clock=clock)

    def _secrets(self) -> tuple[str, ...]:
        """The credentials of the URL, as they may be written in a text."""
        parts = _urlsplit(self.url)
        found = []
        for secret in (parts.password, parts.username if parts.password is None else None):
            if secret:
                plain = _unquote(secret)
                found += [secret, plain, _quote(plain, safe=""), _quote_plus(plain)]
        return tuple(sorted({s for s in found if s}, key=len, reverse=True))

    def _hide(self, text: str) -> str:
        """`text` with the URL's credentials masked."""
        for secret in self._secrets():
            text = text.replace(secret, "****")
        return text

    def _where(self) -> str:
        """The URL without its credentials (for logs)."""
        parts = _urlsplit(self.url)
        host = parts.hostname or ""
        if parts.port is not None:
            host = f"{host}:{parts.port}"
        return f"{parts.scheme}://{host}{parts.path}"

    def _client(self) -> _Any:
        """A new coredis client for the URL (imported here: the ``[redis]`` extra)."""
        try:
            import coredis
        except ImportError:
            raise _ConfigError(
                "a shared rate budget needs the coredis package: pip install 'brickjobs[redis]'"
            ) from None
        # decode_components: a password with reserved characters is percent-encoded in a URL.
        options: dict[str, _Any] = {"connect_timeout": self.timeout, "decode_components": True}
        if _urlsplit(self.url).scheme == "rediss":
            # coredis's own context checks no host name: any certificate of a trusted CA
            # would pass for any server.
            options["ssl_context"] = self.ssl_context or _ssl.create_default_context()
        try:
            return coredis.Redis.from_url(self.url, **options)
        except (ValueError, TypeError, KeyError, OSError) as error:
            detail = self._hide(f"{type(error).__name__}: {error}")
        # Raised outside the handler: coredis's error, which may quote the password, is
        # neither the cause nor the context of ours.
        raise _ConfigError(f"the Redis URL {self._where()} was refused ({detail})")

    def __repr__(self) -> str:
        parts = _urlsplit(self.url)
        shown = self._where()
        if parts.username or parts.password:
            user = parts.username if parts.password is not None and parts.username else ""
            shown = shown.replace("://", f"://{user}:****@", 1)
        return (
            f"RedisBudget({shown!r}, key={self.key!r}, timeout={self.timeout!r}, "
            f"fallback_fraction={self.fallback_fraction!r}, "
            f"retry_interval={self.retry_interval!r})"
        )


for _name in __all__:
    _present_as(__name__, globals()[_name])
