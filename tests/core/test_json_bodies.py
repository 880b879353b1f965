"""Request bodies are written, and answers read, exactly as the standard `json` module does.

The request path writes a body with one C encoder built once, and reads an answer that opens
with ``{`` and ends with ``}`` without ``json.loads``'s encoding detection (issue 24): what
is written and read must not change. These tests hold both to the `json` module, value for
value and refusal for refusal, and send a few answers the fast path does not take through a
real Workspace on every transport.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from databricks_jobs import DecodeError, NotFound, _api
from databricks_jobs._api import encode_body
from databricks_jobs._json import JSONTooDeep, parse_json

from .loopback import Exchange, combos, loopback_server, workspace

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)  # wider than 64 bits, kept exact
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)
OBJECTS = st.dictionaries(st.text(), JSON_VALUES, max_size=6)


def loads_outcome(content: bytes) -> tuple[str, Any]:
    """What ``json.loads`` makes of `content`: its value, or the class of its refusal."""
    try:
        return "value", json.loads(content)
    except ValueError as exc:
        return "refused", type(exc)


def parse_outcome(content: bytes) -> tuple[str, Any]:
    try:
        return "value", parse_json(content)
    except ValueError as exc:
        return "refused", type(exc)


@given(OBJECTS, st.booleans())
def test_an_object_reads_as_json_loads_reads_it(value: dict[str, Any], ascii_only: bool) -> None:
    content = json.dumps(value, ensure_ascii=ascii_only).encode()
    assert parse_json(content) == json.loads(content)
    assert repr(parse_json(content)) == repr(json.loads(content))  # -0.0 and 1e16 alike


@given(OBJECTS, st.sampled_from(["", " ", "\n", "\r\n\t "]), st.sampled_from(["", " ", "\n"]))
def test_whitespace_around_an_object_is_read_as_json_loads_reads_it(
    value: dict[str, Any], before: str, after: str
) -> None:
    content = (before + json.dumps(value) + after).encode()
    assert parse_outcome(content) == loads_outcome(content)


ODD_BODIES = [
    b"{}",
    b"{}{}",  # an object followed by more: refused as json.loads refuses it
    b'{"a": 1} {"b": 2}',
    b'{"a": 1}\n',
    b'{"a": 1} x}',
    b'{"a": "}"}',
    b'{"a": 1',
    b"{",
    b"}",
    b'{"a": "\\ud800"}',  # a lone surrogate, escaped
    b'{"a": "\xed\xa0\x80"}',  # a lone surrogate, in raw bytes (surrogatepass)
    b'{"a": "\xff"}',  # not UTF-8 at all
    b"\xef\xbb\xbf" + b'{"bom": "utf-8"}',
    '{"u": "utf-16"}'.encode("utf-16"),
    '{"u": "utf-16-le"}'.encode("utf-16-le"),
    '{"u": "utf-16-be"}'.encode("utf-16-be"),
    '{"u": "utf-32"}'.encode("utf-32"),
    b"{\x00}\x00}",  # UTF-16-LE by json.loads's rule (a zero second byte), and cut short
    b'{"n": NaN, "i": Infinity}',  # json.loads reads them; so does the fast path
    b'{"big": 123456789012345678901234567890}',
    b'{"a": 1, "a": 2}',  # a repeated key: the last one, as json.loads keeps
    b"[1, 2]",
    b'"text"',
    b"null",
    b"  ",
    b"",
]


@pytest.mark.parametrize("content", ODD_BODIES)
def test_odd_bodies_read_as_json_loads_reads_them(content: bytes) -> None:
    mine, theirs = parse_outcome(content), loads_outcome(content)
    if mine[0] == "value" and isinstance(mine[1], dict) and "n" in mine[1]:
        assert math.isnan(mine[1]["n"])
        assert theirs[0] == "value"
        assert math.isinf(mine[1]["i"])
        assert mine[1]["i"] == theirs[1]["i"]
    else:
        assert mine == theirs


DEEP = b'{"a":' * 100_000 + b"1" + b"}" * 100_000
"""An object nested past Python's recursion limit: ``json.loads`` raises RecursionError."""


@pytest.mark.parametrize("content", [DEEP, b" " + DEEP, DEEP.decode()])
def test_json_nested_too_deeply_is_a_value_error(content: bytes | str) -> None:
    with pytest.raises(RecursionError):
        json.loads(content)
    with pytest.raises(JSONTooDeep, match="nested too deeply"):
        parse_json(content)


@given(OBJECTS)
def test_a_body_is_written_as_json_dumps_writes_it(value: dict[str, Any]) -> None:
    expected = json.dumps(value, separators=(",", ":"), allow_nan=False).encode()
    assert encode_body(value) == expected


@given(OBJECTS)
def test_without_the_c_encoder_the_body_is_the_same(value: dict[str, Any]) -> None:
    expected = encode_body(value)
    saved = _api._ENCODE
    _api._ENCODE = None  # type: ignore[misc]  # as on an interpreter without the accelerator
    try:
        assert encode_body(value) == expected
    finally:
        _api._ENCODE = saved  # type: ignore[misc]


@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf])
def test_a_body_with_nan_or_infinity_is_refused(number: float) -> None:
    with pytest.raises(DecodeError, match="cannot be written as JSON"):
        encode_body({"x": [number]})


def test_a_body_with_a_value_json_cannot_write_names_its_type() -> None:
    with pytest.raises(DecodeError, match="Object of type set is not JSON serializable"):
        encode_body({"x": {1}})


def test_a_body_that_holds_itself_is_refused_not_looped() -> None:
    body: dict[str, Any] = {"a": 1}
    body["self"] = body
    with pytest.raises(DecodeError, match="holds itself"):
        encode_body(body)


def test_a_body_nested_too_deeply_is_refused() -> None:
    body: dict[str, Any] = {}
    inner = body
    for _ in range(100_000):
        inner["x"] = inner = {}
    with pytest.raises(DecodeError, match="nested too deeply"):
        encode_body(body)


def test_a_body_with_wide_integers_is_written_exactly() -> None:
    assert (
        encode_body({"n": 2**70, "m": -(2**64)})
        == b'{"n":1180591620717411303424,"m":-18446744073709551616}'
    )


# --- through a Workspace -------------------------------------------------------------------


ANSWERS = [
    b'{"job_id": 7, "settings": {"name": "\xc3\xbc"}}',
    b'  {"job_id": 7, "settings": {"name": "\xc3\xbc"}}\r\n',
    b"\xef\xbb\xbf" + b'{"job_id": 7, "settings": {"name": "\xc3\xbc"}}',
    '{"job_id": 7, "settings": {"name": "ü"}}'.encode("utf-16"),
]


@pytest.mark.anyio
@combos
@pytest.mark.parametrize("body", ANSWERS, ids=["plain", "whitespace", "utf-8-bom", "utf-16"])
async def test_answers_are_read_whatever_their_form(
    anyio_backend: str, transport: str, body: bytes
) -> None:
    async def answer(exchange: Exchange) -> None:
        await exchange.respond(200, body)

    async with loopback_server(answer) as server, workspace(server.url, transport) as ws:
        data = await ws.request("GET", "/api/2.2/jobs/get", query={"job_id": 7})
        job = await ws.jobs.get(7)
    assert data == {"job_id": 7, "settings": {"name": "ü"}}
    assert job.settings is not None
    assert job.settings.name == "ü"


@pytest.mark.anyio
@combos
@pytest.mark.parametrize(("status", "error"), [(200, DecodeError), (404, NotFound)])
async def test_json_nested_too_deeply_from_a_server_is_a_typed_error(
    anyio_backend: str, transport: str, status: int, error: type[Exception]
) -> None:
    """A hostile server's deep JSON: an answer not JSON, an error still its typed error."""

    async def answer(exchange: Exchange) -> None:
        await exchange.respond(status, DEEP)

    async with loopback_server(answer) as server, workspace(server.url, transport) as ws:
        with pytest.raises(error) as caught:
            await ws.request("GET", "/api/2.2/jobs/get", query={"job_id": 7})
        with pytest.raises(error):
            await ws.jobs.get(7)
    if status == 200:
        assert "not JSON" in str(caught.value)
    else:
        assert isinstance(caught.value, NotFound)
        assert caught.value.status == 404


@pytest.mark.anyio
@combos
async def test_an_object_followed_by_more_is_not_json(anyio_backend: str, transport: str) -> None:
    async def answer(exchange: Exchange) -> None:
        await exchange.respond(200, b'{"job_id": 7}{"job_id": 8}')

    async with loopback_server(answer) as server, workspace(server.url, transport) as ws:
        with pytest.raises(DecodeError, match="not JSON"):
            await ws.request("GET", "/api/2.2/jobs/get", query={"job_id": 7})
