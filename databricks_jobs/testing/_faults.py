"""Fault injection: rules that delay, fail, drop or bend requests, by path, rate or count."""

from __future__ import annotations

import dataclasses
import fnmatch
import functools
import itertools
import json
import math
import random
import zlib
from collections import Counter
from dataclasses import dataclass
from typing import Final, Literal, get_args
from urllib.parse import urlencode

from ._auth import MALFORMED_TOKEN_ANSWERS, TOKEN_PATH, malformed_token_answer
from ._wire import EmulatorRequest, EmulatorResponse, error_response

__all__ = [
    "APPLYING_KINDS",
    "BOMB_SIZE",
    "DEEP_JSON_LEVELS",
    "ERROR_STATUSES",
    "HOSTILE_ANSWERS",
    "PAGE_FAULTS",
    "FaultDecision",
    "FaultKind",
    "FaultRule",
    "Faults",
    "fault_response",
    "page_token_of",
]

FaultKind = Literal[
    "latency",
    "429",
    "500",
    "502",
    "503",
    "504",
    "drop_before",
    "drop_after",
    "stall",
    "repeat_page_token",
    "empty_pages",
    # malformed 200 answers of the OAuth token endpoint (see MALFORMED_TOKEN_ANSWERS)
    "token_html",
    "token_not_json",
    "token_no_expires_in",
    "token_bad_expires_in",
    "token_null",
    "token_empty",
    "token_error_200",
    # hostile 200 answers, as a broken or hostile server or proxy could send
    "gzip_bomb",
    "deep_json",
]
"""What a `FaultRule` injects: a delay (``latency``), an error status, a connection closed
without a response before the request takes effect (``drop_before``) or after
(``drop_after``), a ``stall``, bent page tokens, a malformed answer of the OAuth token
endpoint (``token_*``), or a hostile answer (``gzip_bomb``, ``deep_json``). The emulator
guide has a table of what each does.
"""
_KINDS: tuple[str, ...] = get_args(FaultKind)
PAGE_FAULTS: Final = frozenset({"repeat_page_token", "empty_pages"})
"""Faults that answer normally but bend the page tokens of list answers."""
_EMPTY_PAGE_TOKEN: Final = "emulator-empty-page-"
_DEFAULT_SECONDS = {"latency": 0.05, "stall": 30.0}
_BAD_GATEWAY_HTML = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)
_GATEWAY_TIMEOUT_HTML = (
    b"<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n"
    b"<center><h1>504 Gateway Time-out</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)
ERROR_STATUSES: Final = {"429": 429, "500": 500, "502": 502, "503": 503, "504": 504}
"""The fault kinds that answer with an error status, and the status."""
_JSON_ERROR_CODES: Final = {
    "429": "REQUEST_LIMIT_EXCEEDED",
    "500": "INTERNAL_ERROR",
    "503": "TEMPORARILY_UNAVAILABLE",
}
"""The error kinds answered with a JSON error body, and its default ``error_code``."""
APPLYING_KINDS: Final = frozenset({"500", "502", "504", "gzip_bomb", "deep_json"})
"""Kinds that may take effect first (`FaultRule.applied`): a 429 or 503 never did."""
HOSTILE_ANSWERS: Final = frozenset({"gzip_bomb", "deep_json"})
"""The kinds that answer 200 with a body no client should take whole."""
BOMB_SIZE: Final = 256 * 1024 * 1024
"""What a ``gzip_bomb`` body decodes to: 256 MiB (about 256 KiB as sent), over a client
limit of 128 MiB."""
DEEP_JSON_LEVELS: Final = 100_000
"""How deeply a ``deep_json`` body nests its objects: past any Python's recursion limit."""


@dataclass
class FaultRule:
    """One fault: what happens, to which requests, how often, and how many times at most.

    `path` matches when it occurs in the request path (``"jobs/run-now"``) or, when it holds
    ``*``, as a glob over the whole path. `rate` is the chance (0..1) that a matching request
    gets the fault, drawn from the emulator's seeded generator. `times` caps how many faults
    the rule injects (None: no cap). `seconds` is the delay of ``latency`` and ``stall``;
    `retry_after` adds a ``Retry-After`` header to ``429`` and ``503`` (whole seconds,
    rounded up, as HTTP allows). The ``token_*`` kinds (a malformed 200 answer of the OAuth
    token endpoint) apply to ``/oidc/v1/token`` unless `path` says otherwise.

    The error kinds (``429``, ``500``, ``502``, ``503``, ``504``) take no effect, unless
    `applied` is set on a ``500``, ``502`` or ``504``: then the request takes effect first and
    its answer is replaced, as when a gateway gives up while the service works.
    `error_code` makes the answer a JSON error body with that ``error_code`` whatever the
    status (a 502 that says ``TEMPORARILY_UNAVAILABLE``: a misleading body). `message`
    replaces the text of a JSON error body (a 429 that says the whole workspace's limit was
    hit: ``"Workspace 1234 exceeded the concurrent limit of 60 requests."``); a ``502`` or
    ``504`` (HTML bodies) takes it only with an `error_code`.

    The page faults answer a request normally, then bend its page token:
    ``repeat_page_token`` names the page just read as the next one (only requests that
    carry a ``page_token`` get it, so the first page of a listing is left alone), and
    ``empty_pages`` empties every list of the answer (the items of a list page, the
    arrays of a ``jobs/get`` or ``runs/get`` page) and names a new next token, which leads
    back to the page asked for once the rule stops firing.
    """

    kind: FaultKind
    path: str | None = None
    method: str | None = None
    rate: float = 1.0
    times: int | None = None
    seconds: float | None = None
    retry_after: float | None = None
    injected: int = 0
    error_code: str | None = dataclasses.field(default=None, kw_only=True)
    applied: bool = dataclasses.field(default=False, kw_only=True)
    message: str | None = dataclasses.field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; expected one of {_KINDS}")
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError(f"rate must be between 0 and 1, not {self.rate!r}")
        if self.applied and self.kind not in APPLYING_KINDS:
            raise ValueError(
                f"applied=True needs a fault kind of {sorted(APPLYING_KINDS)}, not "
                f"{self.kind!r}: a 429 or 503 says the request was not applied"
            )
        if self.error_code is not None and self.kind not in ERROR_STATUSES:
            raise ValueError(
                f"error_code needs a fault kind of {sorted(ERROR_STATUSES)}, not {self.kind!r}"
            )
        json_body = self.kind in _JSON_ERROR_CODES or (
            self.kind in ERROR_STATUSES and self.error_code is not None
        )
        if self.message is not None and not json_body:
            raise ValueError(
                f"message needs a fault kind of {sorted(_JSON_ERROR_CODES)}, or "
                f"{sorted(set(ERROR_STATUSES) - set(_JSON_ERROR_CODES))} with an "
                f"error_code, not {self.kind!r}"
            )
        if self.kind in MALFORMED_TOKEN_ANSWERS and self.path is None:
            self.path = TOKEN_PATH

    @property
    def delay(self) -> float:
        """The delay of a latency or stall fault, in seconds."""
        return _DEFAULT_SECONDS.get(self.kind, 0.0) if self.seconds is None else self.seconds

    def applies_to(self, method: str, path: str) -> bool:
        """Return whether a request could get this fault (ignoring the rate)."""
        if self.times is not None and self.injected >= self.times:
            return False
        if self.method is not None and self.method.upper() != method.upper():
            return False
        if self.path is None:
            return True
        if "*" in self.path:
            return fnmatch.fnmatchcase(path, self.path)
        return self.path in path


@dataclass(frozen=True)
class FaultDecision:
    """The faults chosen for one request: a total added delay and at most one failure."""

    delay: float = 0.0
    fault: FaultRule | None = None


class Faults:
    """The fault rules of an emulator and the counts of what they injected, by kind.

    The rates are drawn from one seeded generator, in the order requests arrive. With
    ``seed(n, by_request=True)`` each request draws from a generator of its own instead,
    seeded from `n`, the request (method, path, query and body) and how many times the same
    request came before: concurrent clients then meet the same faults whatever order their
    requests arrive in, and a retry (the same request again) draws afresh.
    """

    def __init__(self, seed: int | None = 0) -> None:
        self.rules: list[FaultRule] = []
        self.injected: Counter[str] = Counter()
        self._random = random.Random(seed)
        self._empty_pages = itertools.count(1)
        self._seed = seed
        self._by_request = False
        self._seen: Counter[bytes] = Counter()

    def add(
        self,
        kind: FaultKind,
        *,
        path: str | None = None,
        method: str | None = None,
        rate: float = 1.0,
        times: int | None = None,
        seconds: float | None = None,
        retry_after: float | None = None,
        error_code: str | None = None,
        applied: bool = False,
        message: str | None = None,
    ) -> FaultRule:
        """Add a rule (checked in the order added) and return it."""
        rule = FaultRule(
            kind,
            path,
            method,
            rate,
            times,
            seconds,
            retry_after,
            error_code=error_code,
            applied=applied,
            message=message,
        )
        self.rules.append(rule)
        return rule

    def next(self, kind: FaultKind, n: int = 1, **options: object) -> FaultRule:
        """Inject `kind` into the next `n` matching requests (a scripted sequence)."""
        return self.add(kind, times=n, **options)  # type: ignore[arg-type]

    def remove(self, rule: FaultRule) -> None:
        """Remove one rule."""
        self.rules.remove(rule)

    def clear(self) -> None:
        """Remove every rule (the counters are kept)."""
        self.rules.clear()

    def seed(self, seed: int, *, by_request: bool = False) -> None:
        """Restart the generator that draws the rates (per request with `by_request`)."""
        self._random.seed(seed)
        self._seed = seed
        self._by_request = by_request
        self._seen.clear()

    def decide(
        self, method: str, path: str, *, page_token: str = "", request: bytes = b""
    ) -> FaultDecision:
        """Choose the faults of one request and count them.

        `page_token` is the request's ``page_token`` (``repeat_page_token`` needs one);
        `request` is its query and body, which key the draws after ``seed(n, by_request=True)``.
        """
        draws = self._random
        if self._by_request:
            key = b"\n".join((method.upper().encode(), path.encode(), request))
            self._seen[key] += 1
            draws = random.Random(b"%d\n%d\n%s" % (self._seed or 0, self._seen[key], key))
        delay = 0.0
        chosen: FaultRule | None = None
        for rule in self.rules:
            if not rule.applies_to(method, path):
                continue
            if rule.kind == "repeat_page_token" and not page_token:
                continue
            if rule.kind != "latency" and chosen is not None:
                continue
            if rule.rate < 1.0 and draws.random() >= rule.rate:
                continue
            rule.injected += 1
            self.injected[rule.kind] += 1
            if rule.kind == "latency":
                delay += rule.delay
            else:
                chosen = rule
        return FaultDecision(delay, chosen)

    def bend_page(
        self, rule: FaultRule, request: EmulatorRequest, response: EmulatorResponse
    ) -> EmulatorResponse:
        """Apply a page fault to a normal answer (errors and non-JSON answers pass as they are).

        `request` is the request as the client sent it (its own ``page_token``).
        """
        if response.status != 200 or rule.kind not in PAGE_FAULTS:
            return response
        try:
            body = response.json()
        except ValueError:
            return response
        if not isinstance(body, dict):
            return response
        sent = page_token_of(request)
        if rule.kind == "repeat_page_token":
            body["next_page_token"] = sent
        else:
            _empty_lists(body)
            _empty_lists(body.get("settings"))
            fresh = f"{_EMPTY_PAGE_TOKEN}{next(self._empty_pages)}-{_original_token(sent)}"
            body["next_page_token"] = fresh
        return dataclasses.replace(response, body=json.dumps(body, separators=(",", ":")).encode())

    @staticmethod
    def restore_page_token(request: EmulatorRequest) -> EmulatorRequest:
        """The request with the page token an ``empty_pages`` token stands for put back."""
        sent = page_token_of(request)
        if not sent.startswith(_EMPTY_PAGE_TOKEN):
            return request
        query = [
            (k, v) for k, values in request.query().items() for v in values if k != "page_token"
        ]
        original = _original_token(sent)
        if original:
            query.append(("page_token", original))
        return dataclasses.replace(request, query_string=urlencode(query))


def page_token_of(request: EmulatorRequest) -> str:
    """The ``page_token`` query parameter of a request ("" when it has none)."""
    if "page_token" not in request.query_string:  # most requests: no parsing
        return ""
    values = request.query().get("page_token")
    return values[-1] if values else ""


def _empty_lists(data: object) -> None:
    """Empty every list of a JSON object (the items of a list page, the arrays of a get)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, list):
                data[key] = []


def _original_token(token: str) -> str:
    """The token an ``empty_pages`` token leads back to (itself when it is not one)."""
    if not token.startswith(_EMPTY_PAGE_TOKEN):
        return token
    return token[len(_EMPTY_PAGE_TOKEN) :].partition("-")[2]


def fault_response(rule: FaultRule, request_id: str) -> EmulatorResponse:
    """Return the response an error or hostile fault (429 to 504, token_*, ...) sends."""
    if rule.kind in MALFORMED_TOKEN_ANSWERS:
        return malformed_token_answer(rule.kind, request_id)
    if rule.kind in HOSTILE_ANSWERS:
        return _hostile_answer(rule.kind, request_id)
    headers = []
    if rule.retry_after is not None:
        # HTTP allows whole seconds only: a fraction is rounded up, as a server would.
        headers.append(("retry-after", str(max(0, math.ceil(rule.retry_after)))))
    if rule.error_code is not None or rule.message is not None:
        code = rule.error_code or _JSON_ERROR_CODES[rule.kind]
        return error_response(
            ERROR_STATUSES[rule.kind],
            code,
            rule.message or f"Injected {rule.kind} with error code {code}.",
            request_id=request_id,
            headers=headers,
        )
    if rule.kind == "429":
        return error_response(
            429,
            "REQUEST_LIMIT_EXCEEDED",
            "Too many requests. Please wait a moment and try again.",
            request_id=request_id,
            headers=headers,
        )
    if rule.kind == "503":
        return error_response(
            503,
            "TEMPORARILY_UNAVAILABLE",
            "The service is temporarily unavailable. Please try again later.",
            request_id=request_id,
            headers=headers,
        )
    if rule.kind == "500":
        return error_response(
            500,
            "INTERNAL_ERROR",
            "Internal error. Please try again later.",
            request_id=request_id,
            headers=headers,
        )
    if rule.kind == "504":
        return EmulatorResponse(
            504,
            [("content-type", "text/html"), ("x-request-id", request_id), *headers],
            _GATEWAY_TIMEOUT_HTML,
        )
    return EmulatorResponse(
        502,
        [("content-type", "text/html"), ("x-request-id", request_id), *headers],
        _BAD_GATEWAY_HTML,
    )


def _hostile_answer(kind: str, request_id: str) -> EmulatorResponse:
    """A 200 JSON answer no client should take whole: a gzip bomb, or JSON nested too deep."""
    headers = [("content-type", "application/json"), ("x-request-id", request_id)]
    if kind == "gzip_bomb":
        return EmulatorResponse(200, [*headers, ("content-encoding", "gzip")], _gzip_bomb())
    return EmulatorResponse(
        200, headers, b'{"a":' * DEEP_JSON_LEVELS + b"1" + b"}" * DEEP_JSON_LEVELS
    )


@functools.cache
def _gzip_bomb() -> bytes:
    """A JSON object of `BOMB_SIZE` bytes, gzip-compressed (made once, in about a second)."""
    squeeze = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: with gzip's header and trailer
    zeros = b"0" * (1 << 20)
    filler = BOMB_SIZE - len(b'{"a":""}')
    parts = [squeeze.compress(b'{"a":"')]
    parts += [squeeze.compress(zeros) for _ in range(filler >> 20)]
    parts += [squeeze.compress(b"0" * (filler & ((1 << 20) - 1))), squeeze.compress(b'"}')]
    parts.append(squeeze.flush())
    return b"".join(parts)
