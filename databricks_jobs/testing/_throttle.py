"""Request throttling on the emulator's clock: token buckets that answer 429 with Retry-After."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

__all__ = ["Throttle"]

_VERSION = re.compile(r"^/api/[0-9.]+/")


@dataclass
class Throttle:
    """A token bucket: `rate` requests per clock second, bursts up to `burst`.

    It applies to requests whose path contains `path` (all when None), whose endpoint is
    `endpoint` (the path after ``/api/2.x/``, exactly: ``jobs/runs/get`` is not
    ``jobs/runs/get-output``; all when None) and whose method is `method` (all when None).
    One throttle is one budget for every client of the emulator, as the service's limits
    are per workspace. `refused` counts the requests it turned away. `message` is the
    text of its 429 (None: the service's "Too many requests..."), for example one that says
    the whole workspace's limit was hit.
    """

    rate: float
    burst: float = 1.0
    path: str | None = None
    method: str | None = None
    refused: int = 0
    message: str | None = field(default=None, kw_only=True)
    endpoint: str | None = field(default=None, kw_only=True)
    _tokens: float | None = field(default=None, repr=False)
    _at: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        if not self.rate > 0 or not self.burst >= 1:
            raise ValueError(f"need rate > 0 and burst >= 1, not {self.rate!r}, {self.burst!r}")

    def applies_to(self, method: str, path: str) -> bool:
        """Return whether this throttle counts the request."""
        if self.method is not None and self.method.upper() != method.upper():
            return False
        if self.endpoint is not None and _VERSION.sub("", path).strip("/") != self.endpoint:
            return False
        return self.path is None or self.path in path

    def take(self, now: float) -> float | None:
        """Spend one token at clock time `now`; return None, or the seconds until one is free."""
        if self._tokens is None:
            self._tokens, self._at = self.burst, now
        self._tokens = min(self.burst, self._tokens + max(0.0, now - self._at) * self.rate)
        self._at = max(self._at, now)
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return None
        self.refused += 1
        return (1.0 - self._tokens) / self.rate


def retry_after_header(seconds: float) -> str:
    """Return a Retry-After value: whole seconds, rounded up, at least 1."""
    return str(max(1, math.ceil(seconds)))
