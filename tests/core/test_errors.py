"""Error mapping from recorded responses, Retry-After parsing, and the exception tree."""

from __future__ import annotations

import email.utils
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from databricks_jobs import _errors
from databricks_jobs._errors import (
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
    parse_retry_after,
)

FIXTURES = Path(__file__).parent / "fixtures" / "errors"
FIXTURE_FILES = sorted(FIXTURES.glob("*.json"))
EXPECT_KEYS = {"class", "error_code", "message", "request_id", "retry_after"}


def load_fixture(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    assert set(data) == {"method", "path", "status", "headers", "body", "expect"}, path.name
    assert set(data["expect"]) == EXPECT_KEYS, path.name
    return data


def error_from_fixture(data: dict[str, Any]) -> ApiError:
    # The transport passes httpx.Headers (case-insensitive), so the fixtures keep the
    # header names as recorded.
    return error_from_response(
        data["method"],
        data["path"],
        data["status"],
        httpx.Headers(data["headers"]),
        data["body"].encode("utf-8"),
    )


# --- recorded responses -----------------------------------------------------------------------


def test_fixture_folder_is_populated() -> None:
    assert len(FIXTURE_FILES) >= 30


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.stem)
def test_recorded_error_response(path: Path) -> None:
    data = load_fixture(path)
    expect = data["expect"]
    error = error_from_fixture(data)

    assert type(error).__name__ == expect["class"]
    assert type(error) is getattr(_errors, expect["class"])
    assert error.status == data["status"]
    assert error.error_code == expect["error_code"]
    assert error.message == expect["message"]
    assert error.request_id == expect["request_id"]
    assert error.retry_after == expect["retry_after"]
    assert error.method == data["method"]
    assert error.path == data["path"]
    assert error.raw == data["body"].encode("utf-8")
    assert error.attempts == 1
    assert error.request_sent is True


def test_every_body_shape_has_a_fixture() -> None:
    # A guard that the fixture folder keeps covering each shape the issue names.
    bodies = [load_fixture(p)["body"] for p in FIXTURE_FILES]
    stripped = [b.strip() for b in bodies]
    assert any(b == "" for b in stripped), "empty body"
    assert any(b.startswith("<") for b in stripped), "HTML body"
    assert any(b.startswith("[") for b in stripped), "JSON array body"
    assert any(b and b[0] not in "{[<" for b in stripped), "plain text body"

    def parsed(body: str) -> Any:
        try:
            return json.loads(body)
        except ValueError:
            return None

    assert any(b.startswith("{") and parsed(b) is None for b in stripped), "invalid JSON"
    objects = [o for o in map(parsed, bodies) if isinstance(o, dict)]
    assert any("error" in o for o in objects), "API 1.2 form"
    assert any("detail" in o for o in objects), "SCIM form"
    types = {
        d.get("@type") for o in objects if isinstance(o.get("details"), list) for d in o["details"]
    }
    assert {
        "type.googleapis.com/google.rpc.RequestInfo",
        "type.googleapis.com/google.rpc.RetryInfo",
        "type.googleapis.com/google.rpc.ErrorInfo",
    } <= types


def test_details_are_kept_as_structured_entries() -> None:
    data = load_fixture(FIXTURES / "json_details_request_info_error_info.json")
    error = error_from_fixture(data)
    assert isinstance(error.details, tuple)
    assert [d["@type"] for d in error.details] == [
        "type.googleapis.com/google.rpc.ErrorInfo",
        "type.googleapis.com/google.rpc.RequestInfo",
    ]
    assert error.details[0]["reason"] == "RESOURCE_DOES_NOT_EXIST"
    assert error.details[0]["metadata"] == {"path": "/Users/someone@example.com/etl"}


def test_detail_entries_that_are_not_objects_are_dropped() -> None:
    body = json.dumps(
        {
            "error_code": "INTERNAL_ERROR",
            "message": "boom",
            "details": ["a string", 3, None, {"@type": "x.RequestInfo", "request_id": "r-1"}],
        }
    ).encode()
    error = error_from_response("GET", "/api/2.2/jobs/list", 500, {}, body)
    assert error.details == ({"@type": "x.RequestInfo", "request_id": "r-1"},)
    assert error.request_id == "r-1"


# --- overrides and 429 patterns, beyond the fixtures ------------------------------------------


def _json(error_code: str | None, message: str) -> bytes:
    body: dict[str, str] = {"message": message}
    if error_code is not None:
        body["error_code"] = error_code
    return json.dumps(body).encode()


@pytest.mark.parametrize(
    ("path", "message", "expected"),
    [
        ("/api/2.2/jobs/get", "Job 123 does not exist.", NotFound),
        ("/api/2.2/jobs/runs/get", "Run 5 does not exist.", NotFound),
        ("/api/2.2/jobs/runs/get-output", "Run 5 does not exist.", NotFound),
        ("/api/2.2/jobs/runs/repair", "Run 5 does not exist.", NotFound),
        ("/api/2.0/jobs/get", "Job 123 does not exist.", NotFound),
        # the same message elsewhere is just a bad parameter
        ("/api/2.0/clusters/get", "Job 123 does not exist.", InvalidParameterValue),
        ("/api/2.0/pipelines/get", "Run 5 does not exist.", InvalidParameterValue),
        ("/jobs/get", "Job 123 does not exist.", InvalidParameterValue),
        ("/api/2.2/jobsx/get", "Job 123 does not exist.", InvalidParameterValue),
        # other INVALID_PARAMETER_VALUE messages on jobs paths stay InvalidParameterValue
        ("/api/2.2/jobs/get", "Invalid job_id: abc", InvalidParameterValue),
        ("/api/2.2/jobs/create", "Missing required field: tasks", InvalidParameterValue),
        ("/api/2.2/jobs/get", "Cluster 123 does not exist.", InvalidParameterValue),
    ],
)
def test_missing_object_override(path: str, message: str, expected: type[ApiError]) -> None:
    error = error_from_response("GET", path, 400, {}, _json("INVALID_PARAMETER_VALUE", message))
    assert type(error) is expected
    assert error.error_code == "INVALID_PARAMETER_VALUE"
    assert error.message == message


def test_missing_object_override_needs_a_client_error_status() -> None:
    # A 500 that happens to say "Job 1 does not exist." is still a server failure.
    error = error_from_response(
        "GET", "/api/2.2/jobs/get", 500, {}, _json("INTERNAL_ERROR", "Job 1 does not exist.")
    )
    assert type(error) is InternalError


@pytest.mark.parametrize(
    ("error_code", "message", "expected"),
    [
        ("REQUEST_LIMIT_EXCEEDED", "RPC token bucket limit has been exceeded", RateLimited),
        ("REQUEST_LIMIT_EXCEEDED", "Too many requests", RateLimited),
        (
            "REQUEST_LIMIT_EXCEEDED",
            "Error: exceeded the concurrent limit of 100 requests",
            RateLimited,
        ),
        (
            "REQUEST_LIMIT_EXCEEDED",
            "There are already 5 active runs (limit: 5)",
            ConcurrentRunsLimit,
        ),
        ("REQUEST_LIMIT_EXCEEDED", "there are ALREADY 12 active runs", ConcurrentRunsLimit),
        (None, "There are already 5 active runs (limit: 5)", ConcurrentRunsLimit),
        (
            "REQUEST_LIMIT_EXCEEDED",
            "Job 123 has reached the maximum number of concurrent runs",
            ConcurrentRunsLimit,
        ),
        (None, "Too many requests", RateLimited),
        ("TOO_MANY_REQUESTS", "Too many requests", RateLimited),
        ("RESOURCE_EXHAUSTED", "RPC token bucket limit has been exceeded", RateLimited),
        # a 429 with a code that maps elsewhere is still throttling
        ("INVALID_STATE", "Too many requests", RateLimited),
    ],
)
def test_429_message_patterns(
    error_code: str | None, message: str, expected: type[ApiError]
) -> None:
    error = error_from_response(
        "POST", "/api/2.2/jobs/run-now", 429, {}, _json(error_code, message)
    )
    assert type(error) is expected
    assert isinstance(error, TooManyRequests)
    assert error.status == 429


def test_429_plain_text_concurrent_runs_message() -> None:
    body = b"There are already 5 active runs (limit: 5)"
    error = error_from_response("POST", "/api/2.2/jobs/run-now", 429, {}, body)
    assert type(error) is ConcurrentRunsLimit


# --- error_code table and status fallbacks ----------------------------------------------------

ERROR_CODES: dict[str, type[ApiError]] = {
    "INVALID_PARAMETER_VALUE": InvalidParameterValue,
    "INVALID_STATE": InvalidState,
    "BAD_REQUEST": BadRequest,
    "MALFORMED_REQUEST": BadRequest,
    "UNAUTHENTICATED": Unauthenticated,
    "PERMISSION_DENIED": PermissionDenied,
    "RESOURCE_DOES_NOT_EXIST": NotFound,
    "NOT_FOUND": NotFound,
    "RESOURCE_CONFLICT": Conflict,
    "ABORTED": Conflict,
    "RESOURCE_ALREADY_EXISTS": AlreadyExists,
    "ALREADY_EXISTS": AlreadyExists,
    "REQUEST_LIMIT_EXCEEDED": RateLimited,
    "RESOURCE_EXHAUSTED": RateLimited,
    "TOO_MANY_REQUESTS": RateLimited,
    "INTERNAL_ERROR": InternalError,
    "INTERNAL_SERVER_ERROR": InternalError,
    "NOT_IMPLEMENTED": Unimplemented,
    "TEMPORARILY_UNAVAILABLE": ServiceUnavailable,
    "SERVICE_UNAVAILABLE": ServiceUnavailable,
    "DEADLINE_EXCEEDED": GatewayTimeout,
}


def test_error_code_table_is_fully_covered() -> None:
    # Reading the table (not patching it): a code added to the module must be added here.
    assert set(_errors._BY_ERROR_CODE) == set(ERROR_CODES)


@pytest.mark.parametrize(("error_code", "expected"), sorted(ERROR_CODES.items()))
def test_error_code_decides_the_class(error_code: str, expected: type[ApiError]) -> None:
    # 418 maps to nothing by status, so the class can only come from the error code.
    body = _json(error_code, "something went wrong")
    error = error_from_response("POST", "/api/2.2/jobs/update", 418, {}, body)
    assert type(error) is expected
    assert error.error_code == error_code
    assert error.status == 418


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (400, BadRequest),
        (401, Unauthenticated),
        (403, PermissionDenied),
        (404, NotFound),
        (409, Conflict),
        (429, RateLimited),
        (500, InternalError),
        (501, Unimplemented),
        (502, BadGateway),
        (503, ServiceUnavailable),
        (504, GatewayTimeout),
        (505, ServerError),
        (599, ServerError),
        (418, ApiError),
        (422, ApiError),
    ],
)
@pytest.mark.parametrize("body", [b"", b"plain failure text", b'{"message": "no code here"}'])
def test_status_fallback(status: int, expected: type[ApiError], body: bytes) -> None:
    error = error_from_response("GET", "/api/2.2/jobs/list", status, {}, body)
    assert type(error) is expected
    assert error.status == status
    assert error.error_code is None
    assert error.raw == body


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (404, "HTTP 404 Not Found"),
        (418, "HTTP 418 I'm a Teapot"),
        (599, "HTTP 599"),
    ],
)
def test_empty_body_message_is_the_status_phrase(status: int, message: str) -> None:
    assert error_from_response("GET", "/x", status, {}, b"").message == message


def test_long_text_body_is_truncated_in_the_message_but_kept_raw() -> None:
    body = ("x" * 2000).encode()
    error = error_from_response("GET", "/api/2.2/jobs/list", 500, {}, body)
    assert error.message == "x" * 500 + "..."
    assert error.raw == body


def test_undecodable_body_does_not_raise() -> None:
    body = b"\xff\xfe\xfa broken \x80"
    error = error_from_response("GET", "/api/2.2/jobs/list", 502, {}, body)
    assert type(error) is BadGateway
    assert "broken" in error.message
    assert error.raw == body


def test_non_string_error_code_and_message_become_text() -> None:
    body = json.dumps({"error_code": 17, "message": 42}).encode()
    error = error_from_response("GET", "/api/2.2/jobs/list", 400, {}, body)
    assert error.error_code == "17"
    assert error.message == "42"
    assert type(error) is BadRequest


# --- request id -------------------------------------------------------------------------------


def test_request_id_from_details_beats_the_header() -> None:
    body = json.dumps(
        {
            "error_code": "NOT_FOUND",
            "message": "gone",
            "details": [
                {"@type": "type.googleapis.com/google.rpc.RequestInfo", "request_id": "detail-1"}
            ],
        }
    ).encode()
    error = error_from_response("GET", "/p", 404, {"x-request-id": "header-1"}, body)
    assert error.request_id == "detail-1"


@pytest.mark.parametrize(
    "headers",
    [
        {"x-request-id": "header-1"},
        httpx.Headers({"X-Request-ID": "header-1"}),
        {"x-databricks-request-id": "header-1"},
    ],
)
def test_request_id_from_header(headers: Any) -> None:
    error = error_from_response("GET", "/p", 500, headers, b"")
    assert error.request_id == "header-1"


def test_request_info_without_request_id_falls_back_to_header() -> None:
    body = json.dumps(
        {"message": "m", "details": [{"@type": "type.googleapis.com/google.rpc.RequestInfo"}]}
    ).encode()
    error = error_from_response("GET", "/p", 500, {"x-request-id": "h-2"}, body)
    assert error.request_id == "h-2"


def test_no_request_id() -> None:
    assert error_from_response("GET", "/p", 500, {}, b"").request_id is None


# --- Retry-After ------------------------------------------------------------------------------

RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo"
NOW = 1_700_000_000.0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3", 3.0),
        ("0", 0.0),
        ("  12 ", 12.0),
        ("\t7", 7.0),
        ("120", 120.0),
        ("007", 7.0),
        # Only delay-seconds (ASCII digits) and HTTP dates are Retry-After (RFC 9110 10.2.3);
        # Python's float would take each of these.
        ("1_000", None),
        ("1.5", None),
        ("1e3", None),
        ("+3", None),
        ("\u0663", None),  # ARABIC-INDIC DIGIT THREE: str.isdigit says yes
        ("infinity", None),
        ("-1", None),
        ("-0.5", None),
        ("soon", None),
        ("nan", None),
        ("inf", None),
        ("", None),
        ("3 seconds", None),
        ("Wed, 99 Foo 2015 07:28:00 GMT", None),
    ],
)
def test_retry_after_header(value: str, expected: float | None) -> None:
    assert parse_retry_after({"retry-after": value}, now=NOW) == expected


def test_retry_after_http_date_is_relative_to_now() -> None:
    header = email.utils.formatdate(NOW + 45, usegmt=True)
    assert parse_retry_after({"retry-after": header}, now=NOW) == pytest.approx(45.0)


def test_retry_after_fixed_http_date() -> None:
    # Wed, 21 Oct 2015 07:28:00 GMT is 1445412480 in Unix time.
    headers = httpx.Headers({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})
    assert parse_retry_after(headers, now=1445412480 - 30) == pytest.approx(30.0)


def test_retry_after_http_date_in_the_past_means_now() -> None:
    header = email.utils.formatdate(NOW - 60, usegmt=True)
    assert parse_retry_after({"retry-after": header}, now=NOW) == 0.0


@pytest.mark.parametrize(
    ("delay", "expected"),
    [
        ("2s", 2.0),
        ("0.5s", 0.5),
        ("30s", 30.0),
        ("2", None),
        ("-1s", None),
        ("2m", None),
        ("", None),
    ],
)
def test_retry_after_from_retry_info(delay: str, expected: float | None) -> None:
    details = ({"@type": RETRY_INFO, "retry_delay": delay},)
    assert parse_retry_after({}, details, now=NOW) == expected


def test_retry_after_header_beats_retry_info() -> None:
    details = ({"@type": RETRY_INFO, "retry_delay": "2s"},)
    assert parse_retry_after({"retry-after": "9"}, details, now=NOW) == 9.0


def test_unreadable_retry_after_header_falls_back_to_retry_info() -> None:
    details = ({"@type": RETRY_INFO, "retry_delay": "2s"},)
    assert parse_retry_after({"retry-after": "-5"}, details, now=NOW) == 2.0
    assert parse_retry_after({"retry-after": "garbage"}, details, now=NOW) == 2.0


def test_no_retry_after() -> None:
    assert parse_retry_after({}, (), now=NOW) is None
    assert parse_retry_after({}, ({"@type": "x.ErrorInfo", "retry_delay": "2s"},)) is None


def test_error_carries_retry_after_from_header() -> None:
    error = error_from_response(
        "GET",
        "/api/2.2/jobs/list",
        429,
        httpx.Headers({"Retry-After": "4"}),
        _json("REQUEST_LIMIT_EXCEEDED", "RPC token bucket limit has been exceeded"),
    )
    assert isinstance(error, RateLimited)
    assert error.retry_after == 4.0


# --- str, repr, raw ---------------------------------------------------------------------------


def test_str_names_method_path_status_code_message_and_request_id() -> None:
    data = load_fixture(FIXTURES / "override_jobs_get_missing_job.json")
    text = str(error_from_fixture(data))
    for part in (
        "GET",
        "/api/2.2/jobs/get",
        "400",
        "INVALID_PARAMETER_VALUE",
        "Job 123 does not exist.",
        "jobs-get-1",
    ):
        assert part in text
    assert text == (
        "GET /api/2.2/jobs/get -> 400 INVALID_PARAMETER_VALUE: Job 123 does not exist. "
        "(request id jobs-get-1)"
    )


def test_str_without_code_or_request_id() -> None:
    error = error_from_response("POST", "/api/2.2/jobs/create", 502, {}, b"")
    assert str(error) == "POST /api/2.2/jobs/create -> 502: HTTP 502 Bad Gateway"


def test_str_counts_attempts() -> None:
    error = error_from_response("GET", "/api/2.2/jobs/list", 503, {"x-request-id": "r"}, b"")
    error.attempts = 4
    assert str(error).endswith("(request id r, after 4 attempts)")


def test_repr_names_class_status_code_and_message() -> None:
    error = error_from_response(
        "GET",
        "/api/2.2/jobs/get",
        400,
        {},
        _json("INVALID_PARAMETER_VALUE", "Job 1 does not exist."),
    )
    assert repr(error) == (
        "NotFound(status=400, error_code='INVALID_PARAMETER_VALUE', "
        "message='Job 1 does not exist.')"
    )


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.stem)
def test_raw_keeps_the_exact_body_bytes(path: Path) -> None:
    data = load_fixture(path)
    error = error_from_fixture(data)
    assert isinstance(error.raw, bytes)
    assert error.raw == data["body"].encode("utf-8")


def test_transport_error_str_and_defaults() -> None:
    error = ConnectionFailed("connection refused", method="GET", path="/api/2.2/jobs/list")
    assert error.request_sent is False
    assert str(error) == "GET /api/2.2/jobs/list: connection refused"
    error.attempts = 3
    assert str(error) == "GET /api/2.2/jobs/list: connection refused (after 3 attempts)"
    timeout = RequestTimeout("read timed out", phase="read", request_sent=True)
    assert (timeout.phase, timeout.request_sent, str(timeout)) == ("read", True, "read timed out")


def test_outcome_unknown_says_the_request_may_have_been_applied() -> None:
    cause = ConnectionFailed("connection reset", request_sent=True)
    error = OutcomeUnknown("POST", "/api/2.2/jobs/create", cause)
    assert error.error is cause
    text = str(error)
    assert "POST /api/2.2/jobs/create" in text
    assert "may have been applied" in text
    assert "connection reset" in text


def test_spec_and_decode_errors_name_the_field() -> None:
    spec = SpecError("unknown task key", field="tasks[2].depends_on")
    assert str(spec) == "tasks[2].depends_on: unknown task key"
    assert spec.field == "tasks[2].depends_on"
    decode = DecodeError("expected a list", path="settings.tasks")
    assert str(decode) == "settings.tasks: expected a list"
    assert str(DecodeError("bad")) == "bad"


# --- the tree ---------------------------------------------------------------------------------

TREE: dict[type[BaseException], type[BaseException]] = {
    DatabricksError: Exception,
    ConfigError: DatabricksError,
    AuthError: DatabricksError,
    SpecError: DatabricksError,
    DecodeError: DatabricksError,
    ResponseTooLarge: DecodeError,
    ClientClosedError: DatabricksError,
    EventLoopError: DatabricksError,
    RateBudgetExhausted: DatabricksError,
    OutcomeUnknown: DatabricksError,
    TransportError: DatabricksError,
    ConnectionFailed: TransportError,
    RequestTimeout: TransportError,
    ApiError: DatabricksError,
    BadRequest: ApiError,
    InvalidParameterValue: BadRequest,
    InvalidState: BadRequest,
    Unauthenticated: ApiError,
    PermissionDenied: ApiError,
    NotFound: ApiError,
    Conflict: ApiError,
    AlreadyExists: Conflict,
    TooManyRequests: ApiError,
    RateLimited: TooManyRequests,
    ConcurrentRunsLimit: TooManyRequests,
    ServerError: ApiError,
    InternalError: ServerError,
    Unimplemented: ServerError,
    BadGateway: ServerError,
    ServiceUnavailable: ServerError,
    GatewayTimeout: ServerError,
    WaitError: DatabricksError,
    RunFailed: WaitError,
    WaitTimeout: WaitError,
}


@pytest.mark.parametrize(("cls", "parent"), TREE.items(), ids=lambda c: c.__name__)
def test_class_has_the_parent_of_the_tree(
    cls: type[BaseException], parent: type[BaseException]
) -> None:
    assert cls.__bases__[0] is parent


def test_tree_covers_every_exported_class() -> None:
    exported = {
        getattr(_errors, name)
        for name in _errors.__all__
        if isinstance(getattr(_errors, name), type)
    }
    assert exported == set(TREE)


def _docstring_tree() -> dict[str, str]:
    """Parse the tree drawn in the module docstring into {child: parent}."""
    doc = _errors.__doc__
    assert doc is not None
    parents: dict[str, str] = {}
    stack: list[tuple[int, str]] = []
    for line in doc.splitlines():
        match = re.match(r"^[\s│]*(?:[├└]── )?([A-Z][A-Za-z]+)(?:\s|$)", line)
        if not match or not re.search(r"[├└]── |^\s*DatabricksError\s*$", line):
            continue
        depth = match.start(1)
        name = match.group(1)
        while stack and stack[-1][0] >= depth:
            stack.pop()
        if stack:
            parents[name] = stack[-1][1]
        stack.append((depth, name))
    return parents


def test_docstring_draws_the_same_tree() -> None:
    drawn = _docstring_tree()
    expected = {c.__name__: p.__name__ for c, p in TREE.items() if c is not DatabricksError}
    assert drawn == expected


@pytest.mark.parametrize(
    ("cls", "builtin"),
    [
        (SpecError, ValueError),
        (DecodeError, ValueError),
        (WaitTimeout, TimeoutError),
        (ClientClosedError, RuntimeError),
    ],
)
def test_builtin_bases(cls: type[BaseException], builtin: type[BaseException]) -> None:
    assert issubclass(cls, builtin)
    assert issubclass(cls, DatabricksError)


def test_status_classes_are_caught_by_their_parents() -> None:
    data = load_fixture(FIXTURES / "override_jobs_get_missing_job.json")
    with pytest.raises(ApiError) as caught:
        raise error_from_fixture(data)
    assert isinstance(caught.value, NotFound)
    assert not isinstance(caught.value, BadRequest)
    assert isinstance(caught.value, DatabricksError)
