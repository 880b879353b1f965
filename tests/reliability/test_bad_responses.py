"""Responses that are not what they should be give typed errors: never a crash or a hang."""

from __future__ import annotations

import re

import anyio
import pytest

from databricks_jobs import (
    ConnectionFailed,
    DecodeError,
    InternalError,
    OutcomeUnknown,
    RequestTimeout,
    ResponseTooLarge,
    RetryPolicy,
    Timeouts,
    VirtualClock,
    Workspace,
)
from databricks_jobs.models import JobSettings

from ..core.loopback import Drop, Exchange, loopback_server

pytestmark = pytest.mark.anyio


def transports(backend: str) -> list[str]:
    return ["httpx", "aiohttp"] if backend == "asyncio" else ["httpx"]


def workspace(url: str, transport: str, **options: object) -> Workspace:
    return Workspace(
        host=url,
        token="t",
        transport=transport,  # type: ignore[arg-type]
        clock=VirtualClock(),
        retry=RetryPolicy(attempts=2),
        env={},
        **options,  # type: ignore[arg-type]
    )


def answer(status: int, body: bytes, content_type: str = "application/json"):  # type: ignore[no-untyped-def]
    async def behaviour(exchange: Exchange) -> None:
        await exchange.respond(status, body, {"content-type": content_type})

    return behaviour


async def cut_short(exchange: Exchange) -> None:
    """Promise 100 bytes, send 20, close."""
    head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n"
    await exchange.stream.send(head + b'{"jobs": [{"job_id"')
    await exchange.stream.aclose()
    raise Drop


async def endless(exchange: Exchange) -> None:
    """A chunked body that would never end (bounded here at 64 MiB)."""
    head = (
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
    )
    await exchange.stream.send(head)
    chunk = b"x" * 65536
    for _ in range(1024):
        await exchange.stream.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
    raise Drop


@pytest.mark.parametrize(
    ("body", "content_type", "error", "match"),
    [
        (b'{"jobs": [{"job_id": 1', "application/json", DecodeError, "not JSON"),
        (b"<html><body>Sign in</body></html>", "text/html", DecodeError, "text/html"),
        (b'["a list"]', "application/json", DecodeError, "not an object"),
        (b'{"jobs": {"not": "a list"}}', "application/json", DecodeError, "jobs"),
        (b'{"jobs": [{"job_id": 1}, "seven"]}', "application/json", DecodeError, r"jobs\[1\]"),
    ],
)
async def test_unusable_bodies(
    anyio_backend: str, body: bytes, content_type: str, error: type[Exception], match: str
) -> None:
    for transport in transports(anyio_backend):
        async with loopback_server(answer(200, body, content_type)) as server:
            async with workspace(server.url, transport) as ws:
                with pytest.raises(error, match=match):
                    await ws.jobs.list().to_list()


async def test_odd_values_inside_items_are_kept(anyio_backend: str) -> None:
    body = b'{"jobs": [{"job_id": "seven", "settings": {"tags": {"on": true}}}]}'
    async with loopback_server(answer(200, body)) as server:
        async with workspace(server.url, "httpx") as ws:
            [job] = await ws.jobs.list().to_list()
    assert job.job_id == "seven"
    assert job.settings is not None
    assert job.settings.tags == {"on": True}


async def test_wrong_content_type_with_good_json_is_accepted(anyio_backend: str) -> None:
    async with loopback_server(answer(200, b'{"job_id": 5}', "text/plain")) as server:
        async with workspace(server.url, "httpx") as ws:
            assert await ws.jobs.create(JobSettings(name="x")) == 5


async def test_missing_fields(anyio_backend: str) -> None:
    async with loopback_server(answer(200, b"{}")) as server:
        async with workspace(server.url, "httpx") as ws:
            with pytest.raises(DecodeError, match="run_id"):
                await ws.jobs.run_now(1)
            job = await ws.jobs.get(1)  # decoding never requires fields
            assert job.job_id is None
            assert job.settings is None


async def test_ids_that_are_not_integers(anyio_backend: str) -> None:
    async with loopback_server(answer(200, b'{"run_id": "seven"}')) as server:
        async with workspace(server.url, "httpx") as ws:
            with pytest.raises(DecodeError, match="run_id is not an integer"):
                await ws.jobs.run_now(1)
    async with loopback_server(answer(200, b'{"job_id": "42"}')) as server:
        async with workspace(server.url, "httpx") as ws:
            assert await ws.jobs.create(JobSettings(name="x")) == 42  # int64 as a string


async def test_html_error_pages(anyio_backend: str) -> None:
    page = b"<html><head><title>500 Internal Server Error</title></head></html>"
    async with loopback_server(answer(500, page, "text/html")) as server:
        async with workspace(server.url, "httpx") as ws:
            with pytest.raises(InternalError, match="HTML page: 500 Internal Server Error"):
                await ws.request("GET", "/api/2.2/jobs/list")
            with pytest.raises(OutcomeUnknown):
                await ws.jobs.create(JobSettings(name="x"))


async def test_body_cut_short(anyio_backend: str) -> None:
    for transport in transports(anyio_backend):
        async with loopback_server(cut_short) as server:
            async with workspace(server.url, transport) as ws:
                with pytest.raises(ConnectionFailed) as caught:
                    await ws.request("GET", "/api/2.2/jobs/list")
                assert caught.value.request_sent is True
                assert caught.value.attempts == 2  # a read: retried, then the typed error
                with pytest.raises(OutcomeUnknown):
                    await ws.jobs.create(JobSettings(name="x"))  # never retried


async def test_huge_and_endless_bodies_are_refused(anyio_backend: str) -> None:
    big = b'{"pad": "' + b"x" * 100_000 + b'"}'
    for transport in transports(anyio_backend):
        for behaviour in (answer(200, big), endless):
            async with loopback_server(behaviour) as server:
                ws = workspace(server.url, transport, max_response_bytes=50_000)
                async with ws:
                    with anyio.fail_after(30), pytest.raises(ResponseTooLarge, match="50000"):
                        await ws.request("GET", "/api/2.2/jobs/list")


def chunked(body: bytes, size: int):  # type: ignore[no-untyped-def]
    """Answer `body` chunked in pieces of `size` bytes, with no Content-Length."""

    async def behaviour(exchange: Exchange) -> None:
        head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
        await exchange.stream.send(head + b"transfer-encoding: chunked\r\n\r\n")
        for start in range(0, len(body), size):
            piece = body[start : start + size]
            await exchange.stream.send(b"%x\r\n%s\r\n" % (len(piece), piece))
        await exchange.stream.send(b"0\r\n\r\n")

    return behaviour


async def test_bodies_up_to_the_cap_are_read_whole_in_order(anyio_backend: str) -> None:
    """Chunked or declared, a body of exactly max_response_bytes is read; one byte more is not."""
    body = b'{"pad": "' + bytes(range(48, 58)) * 2_000 + b'"}'
    for transport in transports(anyio_backend):
        for behaviour in (chunked(body, 4_096), chunked(body, 7), answer(200, body)):
            async with loopback_server(behaviour) as server:
                async with workspace(server.url, transport, max_response_bytes=len(body)) as ws:
                    data = await ws.request("GET", "/api/2.2/jobs/list")
                assert data == {"pad": "0123456789" * 2_000}, transport
                tight = workspace(server.url, transport, max_response_bytes=len(body) - 1)
                async with tight:
                    with pytest.raises(ResponseTooLarge, match=str(len(body) - 1)):
                        await tight.request("GET", "/api/2.2/jobs/list")


@pytest.mark.parametrize("header", ["1_000", "1e3", "1000.0", "+1000", "\u0661\u0660\u0660\u0660"])
async def test_retry_after_outside_the_http_grammar_is_not_guessed(
    anyio_backend: str, header: str
) -> None:
    """``Retry-After: 1_000`` is no delay at all: the ordinary backoff applies, not 1000 s."""
    answers = iter([429, 200])

    async def throttle_once(exchange: Exchange) -> None:
        status = next(answers)
        body = b'{"error_code": "REQUEST_LIMIT_EXCEEDED", "message": "slow"}'
        await exchange.respond(status, body if status == 429 else b"{}", {"retry-after": header})

    clock = VirtualClock()
    async with loopback_server(throttle_once) as server:
        ws = Workspace(host=server.url, token="t", clock=clock, env={})
        async with ws:
            assert await ws.request("GET", "/api/2.2/jobs/list") == {}
    assert len(server.requests) == 2
    # The default backoff (0.5 s plus up to 1 s of jitter), under the 1 s pause a 429
    # without a usable Retry-After puts on the gate; a thousand seconds capped would be 60.
    assert clock.now() <= 1.5


async def test_timeout_messages_say_what_timed_out(anyio_backend: str) -> None:
    """The timeout exceptions of the HTTP libraries often have an empty message."""

    async def never_answer(exchange: Exchange) -> None:
        await anyio.sleep_forever()

    for transport in transports(anyio_backend):
        async with loopback_server(never_answer) as server:
            ws = workspace(server.url, transport, timeouts=Timeouts(read=0.05))
            async with ws:
                with pytest.raises(RequestTimeout) as caught:
                    await ws.request("GET", "/api/2.2/jobs/list")
        message = str(caught.value)
        assert caught.value.attempts == 2, transport
        assert re.fullmatch(r"GET /api/2\.2/jobs/list: read timeout\W+\w+.* \(after 2 attempts\)",
                            message), (transport, message)  # fmt: skip
