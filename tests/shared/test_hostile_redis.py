"""The shared budget against a hostile Redis: tampered keys, odd answers, TLS names, odd URLs.

Regression tests of the hardening of `RedisBudget` (commit "Shared budget: tampered keys, odd
answers and odd URLs no longer stall, crash or leak"):

* keys of the budget written by someone else (a gate of ``1e30``, a bucket time with no
  expiry, a malformed hole) are dropped by the scripts: calls stay shared, cost one script
  each, and the key is gone; a pause written by the budget itself still holds everywhere;
* a server speaking RESP that answers the ACQUIRE script with another shape makes the calls
  fall back, with one warning, instead of raising or asking again without end;
* ``rediss://`` without ``ssl_context=`` checks the server's host name;
* URLs whose credentials would be read as a path or a query are refused, without echoing
  them; the warnings say whether Redis failed or did not answer.

Counts, not timings: round trips are read from the server's ``INFO commandstats``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import logging
import socket
import threading
import traceback
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager, suppress
from pathlib import Path
from typing import Any

import anyio
import coredis
import pytest
from cryptography import x509

from databricks_jobs import (
    ConfigError,
    RateBudgetExhausted,
    RateLimited,
    RateLimits,
    Timeouts,
    Workspace,
)
from databricks_jobs._shared_budget import RedisBoundBudget
from databricks_jobs.shared import RedisBudget

from .certificates import make_certificates
from .redis_server import RedisServer
from .test_shared_budget import LIST, serving, workspace

pytestmark = pytest.mark.anyio

BOUND = 20
"""Seconds: a bound on a broken run (a stalled call), not a measurement."""
CALLS = 3
ENDPOINT = "jobs/list"
RUNS_LIST = "/api/2.2/jobs/runs/list"
LIMITS = RateLimits(per_endpoint={ENDPOINT: 50})
SECOND = 1_000_000  # microseconds, the scripts' unit
LOGGER = "databricks_jobs.shared"


def bound_budget(ws: Workspace) -> RedisBoundBudget:
    budget = ws._api.budget
    assert isinstance(budget, RedisBoundBudget)
    return budget


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER]


async def calls(ws: Workspace, times: int = CALLS) -> None:
    """`times` list calls, each of which must succeed (bounded: a stalled call fails)."""
    for _ in range(times):
        with anyio.fail_after(BOUND):
            await ws.request("GET", LIST)


# -- 1. Keys written by someone else --------------------------------------------------------


@asynccontextmanager
async def redis_client(server: RedisServer) -> AsyncIterator[Any]:
    async with coredis.Redis.from_url(server.url) as client:
        yield client


async def server_now(client: Any) -> int:
    """The Redis server's time in microseconds (the scripts' clock)."""
    now: dt.datetime = await client.time()
    return round(now.timestamp() * SECOND)


async def script_runs(client: Any) -> int:
    """How many scripts the server ran since its statistics were last reset."""
    stats = await client.info("commandstats")
    return sum(
        int(stats.get(f"cmdstat_{name}", {}).get("calls", 0)) for name in ("evalsha", "eval")
    )


HOUR = 3600 * SECOND


def fixed(value: str) -> Callable[[int], str]:
    return lambda now: value


def ahead(by: int) -> Callable[[int], str]:
    return lambda now: str(now + by)


# Each case: the writes (kind, key, value from the server's time in microseconds, expiry in
# ms or None) and the key that must be dropped.
Write = tuple[str, str, Callable[[int], str], int | None]
TAMPERED: dict[str, tuple[list[Write], str]] = {
    "gate 1e30": ([("set", "gate", fixed("1e30"), None)], "gate"),
    "gate inf": ([("set", "gate", fixed("inf"), None)], "gate"),
    "gate nan": ([("set", "gate", fixed("nan"), None)], "gate"),
    "gate hello": ([("set", "gate", fixed("hello"), None)], "gate"),
    "gate ahead without expiry": ([("set", "gate", ahead(264 * HOUR), None)], "gate"),
    "gate ahead of its expiry": ([("set", "gate", ahead(HOUR), 1000)], "gate"),
    "workspace gate 1e30": ([("set", "wsgate", fixed("1e30"), None)], "wsgate"),
    "tat 1e30": ([("set", "tat", fixed("1e30"), None)], "tat"),
    "tat ahead without expiry": ([("set", "tat", ahead(HOUR), None)], "tat"),
    "gate a list": ([("rpush", "gate", fixed("x"), None)], "gate"),
    "tat a hash": ([("hset", "tat", fixed("x"), None)], "tat"),
    "holes a string": (
        [("set", "tat", ahead(0), 60_000), ("set", "holes", fixed("x"), None)],
        "holes",
    ),
    "hole malformed": (
        [("set", "tat", ahead(0), 60_000), ("zadd", "holes", fixed("abc"), None)],
        "holes",
    ),
    "hole starting after tat": (
        [
            ("set", "tat", ahead(0), 60_000),
            ("zadd", "holes", lambda now: f"{now + HOUR}:{now}", None),
        ],
        "holes",
    ),
}


def keys_of(bound: RedisBoundBudget) -> dict[str, str]:
    prefix = bound.prefix
    return {
        "gate": f"{prefix}gate:{ENDPOINT}",
        "wsgate": f"{prefix}gate:*",
        "tat": f"{prefix}tat:{ENDPOINT}",
        "holes": f"{prefix}holes:{ENDPOINT}",
    }


async def tamper(client: Any, bound: RedisBoundBudget, name: str) -> tuple[str, int]:
    """Write the case's keys; return the key that must be dropped and the server's time."""
    writes, bad = TAMPERED[name]
    keys = keys_of(bound)
    now = await server_now(client)
    for kind, key, value, expiry in writes:
        if kind == "set":
            await client.set(keys[key], value(now), px=expiry)
            if expiry is None:
                assert await client.pttl(keys[key]) == -1  # no expiry, as intended
        elif kind == "rpush":  # a key of another type: every GET of it fails (WRONGTYPE)
            await client.rpush(keys[key], [value(now)])
        elif kind == "hset":
            await client.hset(keys[key], {"field": value(now)})
        else:  # a hole scored a second ahead, so that the scripts do not expire it first
            await client.zadd(keys[key], {value(now): now + SECOND})
    return keys[bad], now


@pytest.mark.parametrize("case", list(TAMPERED))
async def test_a_tampered_key_is_dropped_and_calls_stay_shared(
    anyio_backend: str, redis_server: RedisServer, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    caplog.set_level(logging.WARNING, LOGGER)
    budget = RedisBudget(redis_server.url, key="tampered", retry_interval=60)
    async with serving() as (emulator, url), AsyncExitStack() as stack:
        ws = await stack.enter_async_context(workspace(url, emulator, budget, rate_limits=LIMITS))
        client = await stack.enter_async_context(redis_client(redis_server))
        bound = bound_budget(ws)
        bad, now = await tamper(client, bound, case)
        await client.config_resetstat()
        await calls(ws)
        runs = await script_runs(client)
        assert bound.fallbacks == 0  # the shared budget decided, not the local fallback
        assert bound.shared
        # One ACQUIRE a call (a little slack): the livelock this replaces made thousands.
        assert runs <= 2 * CALLS
        if bad.endswith(f"tat:{ENDPOINT}"):  # rewritten by the calls: a time near now
            value = await client.get(bad)
            assert value is not None
            assert float(value) < now + 60 * SECOND
            assert await client.pttl(bad) > 0
        else:
            assert await client.exists([bad]) == 0
    assert len(emulator.requests_to(ENDPOINT)) == CALLS
    assert warnings_of(caplog) == []


async def test_a_429_still_pauses_the_endpoint_in_another_workspace(
    anyio_backend: str, redis_server: RedisServer
) -> None:
    budget = RedisBudget(redis_server.url, key="legit-429")
    options: dict[str, Any] = {"rate_limits": LIMITS, "timeouts": Timeouts(total=5)}
    async with serving() as (emulator, url), AsyncExitStack() as stack:
        first = await stack.enter_async_context(workspace(url, emulator, budget, **options))
        second = await stack.enter_async_context(workspace(url, emulator, budget, **options))
        client = await stack.enter_async_context(redis_client(redis_server))
        emulator.faults.next("429", path=ENDPOINT, retry_after=30)
        with anyio.fail_after(BOUND), pytest.raises(RateLimited):
            await first.request("GET", LIST)
        for _ in range(2):  # the gate holds at every ask, it is not dropped by the first
            with anyio.fail_after(BOUND), pytest.raises(RateBudgetExhausted, match="pause"):
                await second.request("GET", LIST)
        gate = keys_of(bound_budget(second))["gate"]
        value = await client.get(gate)
        assert value is not None
        assert int(value) > await server_now(client) + 20 * SECOND
        assert bound_budget(second).fallbacks == 0
    assert len(emulator.requests_to(ENDPOINT)) == 1


async def test_the_budgets_own_workspace_wide_pause_holds_in_another_workspace(
    anyio_backend: str, redis_server: RedisServer
) -> None:
    budget = RedisBudget(redis_server.url, key="legit-pause")
    options: dict[str, Any] = {"rate_limits": LIMITS, "timeouts": Timeouts(total=5)}
    async with serving() as (emulator, url), AsyncExitStack() as stack:
        first = await stack.enter_async_context(workspace(url, emulator, budget, **options))
        second = await stack.enter_async_context(workspace(url, emulator, budget, **options))
        await bound_budget(first).pause(ENDPOINT, 600, workspace_wide=True)
        for path in (LIST, RUNS_LIST, LIST):
            with anyio.fail_after(BOUND), pytest.raises(RateBudgetExhausted, match="pause"):
                await second.request("GET", path)
        assert bound_budget(second).fallbacks == 0
    assert emulator.requests_to(ENDPOINT) == []
    assert emulator.requests_to("jobs/runs/list") == []


# -- 2. A server that answers ACQUIRE with another shape --------------------------------------


def _command(buffer: bytes) -> tuple[list[bytes] | None, bytes]:
    """One command off `buffer` (a RESP array, or an inline line): (arguments, the rest)."""
    if not buffer.startswith(b"*"):
        if b"\r\n" not in buffer:
            return None, buffer
        line, rest = buffer.split(b"\r\n", 1)
        return line.split(), rest
    try:
        head, rest = buffer.split(b"\r\n", 1)
        arguments = []
        for _ in range(int(head[1:])):
            size, rest = rest.split(b"\r\n", 1)
            length = int(size[1:])
            if len(rest) < length + 2:
                return None, buffer
            arguments.append(rest[:length])
            rest = rest[length + 2 :]
    except ValueError:  # not all of it has arrived
        return None, buffer
    return arguments, rest


def _bulk(value: bytes) -> bytes:
    return b"$%d\r\n%s\r\n" % (len(value), value)


_HELLO = (
    b"%7\r\n"
    + _bulk(b"server") + _bulk(b"redis")
    + _bulk(b"version") + _bulk(b"7.0.15")
    + _bulk(b"proto") + b":3\r\n"
    + _bulk(b"id") + b":1\r\n"
    + _bulk(b"mode") + _bulk(b"standalone")
    + _bulk(b"role") + _bulk(b"master")
    + _bulk(b"modules") + b"*0\r\n"
)  # fmt: skip


class FakeRedis:
    """A server on loopback that speaks RESP and answers every script call with `reply`.

    Enough of Redis for coredis: HELLO gets a RESP3 map, SCRIPT LOAD the script's digest,
    EVALSHA and EVAL the raw `reply`, anything else ``+OK``. It serves from threads of its
    own, so it answers whichever event loop the test runs.
    """

    def __init__(self, reply: bytes) -> None:
        self.reply = reply
        self.scripts = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self._stop = threading.Event()
        self._connections: list[socket.socket] = []
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._accept, daemon=True)]

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self._listener.getsockname()[1]}/0"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            connection.settimeout(None)
            with self._lock:
                self._connections.append(connection)
            thread = threading.Thread(target=self._serve, args=(connection,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _answer(self, arguments: list[bytes]) -> bytes:
        command = arguments[0].upper()
        if command == b"HELLO":
            return _HELLO
        if command == b"SCRIPT" and len(arguments) > 2 and arguments[1].upper() == b"LOAD":
            return _bulk(hashlib.sha1(arguments[2]).hexdigest().encode())
        if command in (b"EVALSHA", b"EVAL", b"EVALSHA_RO", b"EVAL_RO"):
            with self._lock:
                self.scripts += 1
            return self.reply
        return b"+OK\r\n"

    def _serve(self, connection: socket.socket) -> None:
        buffer = b""
        try:
            while data := connection.recv(65536):
                buffer += data
                while True:
                    arguments, buffer = _command(buffer)
                    if arguments is None:
                        break
                    if arguments:
                        connection.sendall(self._answer(arguments))
        except OSError:
            pass
        finally:
            connection.close()

    def __enter__(self) -> FakeRedis:
        self._threads[0].start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        with self._lock:
            for connection in self._connections:
                with suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(5)
        self._listener.close()


def _integers(*values: int) -> bytes:
    return b"*%d\r\n" % len(values) + b"".join(b":%d\r\n" % value for value in values)


WRONG_SHAPES = {
    "bulk string": b"$5\r\nhello\r\n",
    "integer": b":1\r\n",
    "three integers": _integers(0, 0, 0),
    "nested array": b"*5\r\n" + _integers(1) + b":0\r\n:0\r\n:0\r\n:0\r\n",
    "RESP3 null": b"_\r\n",
    "RESP2 null": b"$-1\r\n",
    "five strings": b"*5\r\n" + _bulk(b"0") * 5,
    "unknown kind": _integers(7, 0, 0, 0, 0),
    "closed gate, nothing to wait": _integers(1, 0, 0, 0, 0),
    "closed gate, negative wait": _integers(1, -(2**62), 0, 0, 0),
}


def test_the_fake_server_parses_commands() -> None:
    command = b"*2\r\n$4\r\nPING\r\n$2\r\nhi\r\n"
    assert _command(command + b"*1") == ([b"PING", b"hi"], b"*1")
    assert _command(command[:-3]) == (None, command[:-3])
    assert _command(b"PING\r\n") == ([b"PING"], b"")


@pytest.mark.parametrize("shape", list(WRONG_SHAPES))
async def test_an_answer_of_another_shape_falls_back_with_one_warning(
    anyio_backend: str, caplog: pytest.LogCaptureFixture, shape: str
) -> None:
    caplog.set_level(logging.WARNING, LOGGER)
    with FakeRedis(WRONG_SHAPES[shape]) as fake:
        budget = RedisBudget(fake.url, key="odd", retry_interval=60)
        async with serving() as (emulator, url):
            async with workspace(url, emulator, budget, rate_limits=LIMITS) as ws:
                await calls(ws)  # each succeeds: no ValueError, no endless asking
                bound = bound_budget(ws)
                assert bound.fallbacks == CALLS
                assert not bound.shared
        assert fake.scripts >= 1  # Redis was asked, and its answer refused
    assert len(emulator.requests_to(ENDPOINT)) == CALLS
    warnings = warnings_of(caplog)
    assert len(warnings) == 1
    assert "answered what its scripts do not write" in warnings[0]


async def test_a_server_that_keeps_answering_nonsense_is_one_outage(
    anyio_backend: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Asked again after each retry interval, it answers nonsense again: still one warning,
    # never "answers again" (the answer is judged before Redis counts as back).
    caplog.set_level(logging.WARNING, LOGGER)
    with FakeRedis(WRONG_SHAPES["bulk string"]) as fake:
        budget = RedisBudget(fake.url, key="odd", retry_interval=0.05)
        async with serving() as (emulator, url):
            async with workspace(url, emulator, budget, rate_limits=LIMITS) as ws:
                for _ in range(4):
                    await calls(ws, 1)
                    await anyio.sleep(0.1)  # past the retry interval: Redis is asked again
                assert bound_budget(ws).fallbacks == 4
        assert fake.scripts >= 4
    warnings = warnings_of(caplog)
    assert len(warnings) == 1, warnings
    assert "answered what its scripts do not write" in warnings[0]


async def test_the_fake_server_serves_a_true_answer(
    anyio_backend: str, caplog: pytest.LogCaptureFixture
) -> None:
    # The control: the same server, answering as ACQUIRE does, is used (shared).
    caplog.set_level(logging.WARNING, LOGGER)
    with FakeRedis(_integers(0, 0, 0, 0, 0)) as fake:
        budget = RedisBudget(fake.url, key="true")
        async with serving() as (emulator, url):
            async with workspace(url, emulator, budget, rate_limits=LIMITS) as ws:
                await calls(ws)
                assert bound_budget(ws).fallbacks == 0
                assert bound_budget(ws).shared
        assert fake.scripts == CALLS
    assert warnings_of(caplog) == []


# -- 3. rediss:// checks the host name --------------------------------------------------------


CERTIFICATES: dict[str, tuple[str, list[x509.GeneralName]]] = {
    "another name": ("evil.example", [x509.DNSName("evil.example")]),
    "127.0.0.1 and localhost": (
        "127.0.0.1",
        [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")],
    ),
}


@contextmanager
def tls_server_for(
    redis_binary: str, directory: Path, files: tuple[Path, Path, Path]
) -> Iterator[RedisServer]:
    server = RedisServer(redis_binary, directory, tls=files)
    try:
        server.start()
    except RuntimeError as error:
        pytest.skip(f"redis-server did not start with TLS (built without TLS support?): {error}")
    try:
        yield server
    finally:
        server.kill()


@pytest.mark.parametrize("certificate", list(CERTIFICATES))
async def test_rediss_without_a_context_checks_the_host_name(
    anyio_backend: str,
    redis_binary: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    certificate: str,
) -> None:
    name, alternatives = CERTIFICATES[certificate]
    files = make_certificates(tmp_path, name, alternatives)
    # The process trusts the throwaway CA, as it trusts a public one: only the name differs.
    monkeypatch.setenv("SSL_CERT_FILE", str(files[2]))
    caplog.set_level(logging.WARNING, LOGGER)
    with tls_server_for(redis_binary, tmp_path, files) as server:
        assert server.url.startswith("rediss://127.0.0.1:")
        budget = RedisBudget(server.url, key="tls-name", retry_interval=60)
        async with serving() as (emulator, url):
            async with workspace(url, emulator, budget, rate_limits=LIMITS) as ws:
                await calls(ws, 1)
                bound = bound_budget(ws)
                fallbacks, shared = bound.fallbacks, bound.shared
    warnings = warnings_of(caplog)
    if name == "evil.example":  # a certificate for another host: refused, the fallback
        assert (fallbacks, shared) == (1, False)
        assert len(warnings) == 1
        assert "failed (" in warnings[0]
    else:  # the CA is trusted and the name matches: the budget is shared over TLS
        assert (fallbacks, shared) == (0, True)
        assert warnings == []


# -- 4. URLs refused ----------------------------------------------------------------------------

PASSWORD = "s3cr/et-pw"
USER = "u5ername"

REFUSED_AT_CONSTRUCTION: dict[str, tuple[str, tuple[str, ...]]] = {
    # name: (URL, the texts that must not be echoed)
    "'/' in the password": ("redis://:ab/cd@host/0", ("ab/cd", "cd@")),
    "'/' in the password, with a user": (
        "redis://admin:/pa55word@10.0.0.1/0",
        ("admin", "pa55word"),
    ),
    "'/' in a numeric password": ("redis://:12/sl4sh-secret@127.0.0.1:1/0", ("sl4sh-secret",)),
    "'/' first in the password": (
        "redis://:/Zm9vYmFyc2VjcmV0+xyz=@redis.internal:6379/0",
        ("Zm9vYmFyc2VjcmV0",),
    ),
    "'/' in a user's password": (
        f"redis://{USER}:{PASSWORD}@redis.internal:6379/0",
        (USER, "s3cr", "et-pw"),
    ),
    "'?' in a user's password": (
        f"redis://{USER}:12?s3cret-pw@127.0.0.1:6379/0",
        (USER, "s3cret-pw"),
    ),
    "'#' in a user's password": (
        f"redis://{USER}:12#s3cret-pw@redis.internal/0",
        (USER, "s3cret-pw", ":12"),
    ),
    "'/' in a unix socket's password": (
        f"unix://{USER}:/s3cret-pw@/run/redis.sock",
        (USER, "s3cret-pw"),
    ),
    "no host": (f"redis://{USER}:s3cret-pw@:6379/0", (USER, "s3cret-pw")),
    "no host at all": ("redis:///0", ()),
    "a path that is not a database": (
        f"redis://{USER}:s3cret-pw@127.0.0.1:6379/zero",
        (USER, "s3cret-pw"),
    ),
    "a database and more": (f"redis://{USER}:s3cret-pw@127.0.0.1:6379/0/1", (USER, "s3cret-pw")),
    "ssl_cert_reqs=none": (
        f"rediss://{USER}:s3cret-pw@127.0.0.1:6379/0?ssl_cert_reqs=none",
        (USER, "s3cret-pw"),
    ),
    "SSL_CERT_REQS=none": (
        f"rediss://{USER}:s3cret-pw@127.0.0.1:6379/0?SSL_CERT_REQS=none",
        (USER, "s3cret-pw"),
    ),
    "ssl_ca_certs": (
        f"rediss://{USER}:s3cret-pw@127.0.0.1:6379/0?ssl_ca_certs=/etc/ssl/ca.pem",
        (USER, "s3cret-pw"),
    ),
}


@pytest.mark.parametrize("case", list(REFUSED_AT_CONSTRUCTION))
def test_a_url_is_refused_when_the_budget_is_made(case: str) -> None:
    url, secrets = REFUSED_AT_CONSTRUCTION[case]
    with pytest.raises(ConfigError) as refused:
        RedisBudget(url)
    message = str(refused.value)
    assert "Redis URL" in message
    assert [secret for secret in secrets if secret in message] == []


def test_a_well_formed_url_is_accepted() -> None:
    # The control: the same shapes, well formed, are budgets (nothing connects yet).
    for url in (
        "redis://:ab%2Fcd@host/0",
        f"redis://{USER}:12%23s3cret-pw@redis.internal/0",
        "redis://admin:%2Fpa55word@10.0.0.1/0",
        "redis://127.0.0.1:6379",
        "redis://127.0.0.1:6379/",
        "rediss://127.0.0.1:6379/15?max_connections=4",
        "unix:///run/redis.sock",
    ):
        assert isinstance(RedisBudget(url), RedisBudget)


REFUSED_WHEN_ENTERED = {
    "db=abc": "db=abc",
    "max_connections=x": "max_connections=x",
    "stream_timeout=the password": "stream_timeout=s3cret-pw",
}


@pytest.mark.parametrize("query", list(REFUSED_WHEN_ENTERED))
async def test_a_query_the_client_refuses_is_a_config_error_with_the_password_masked(
    anyio_backend: str, query: str
) -> None:
    budget = RedisBudget(
        f"redis://{USER}:s3cret-pw@127.0.0.1:1/0?{REFUSED_WHEN_ENTERED[query]}", timeout=0.1
    )
    async with serving() as (emulator, url):
        with anyio.fail_after(BOUND), pytest.raises(ConfigError) as refused:
            async with workspace(url, emulator, budget):
                pass
    shown = "".join(traceback.format_exception(refused.value))
    assert "was refused" in str(refused.value)
    assert "s3cret-pw" not in shown
    assert "s3cret-pw" not in repr(refused.value)
    # coredis's own error may quote the password: it is neither cause nor context of ours
    assert refused.value.__cause__ is None
    assert refused.value.__context__ is None
    assert emulator.requests_to(ENDPOINT) == []


# -- 5. The warnings say what happened ----------------------------------------------------------


async def test_an_error_reply_is_logged_as_a_failure(
    anyio_backend: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, LOGGER)
    with FakeRedis(b"-ERR the script broke\r\n") as fake:
        budget = RedisBudget(fake.url, key="err", retry_interval=60)
        async with serving() as (emulator, url):
            async with workspace(url, emulator, budget, rate_limits=LIMITS) as ws:
                await calls(ws)
                assert bound_budget(ws).fallbacks == CALLS
    (warning,) = warnings_of(caplog)
    assert "failed (" in warning
    assert "the script broke" in warning
    assert "did not answer" not in warning


async def test_a_stopped_redis_is_logged_as_a_failure(
    anyio_backend: str, redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, LOGGER)
    budget = RedisBudget(redis_server.url, key="stopped", timeout=2, retry_interval=60)
    async with serving() as (emulator, url):
        async with workspace(url, emulator, budget, rate_limits=LIMITS) as ws:
            await calls(ws, 1)  # shared
            assert bound_budget(ws).fallbacks == 0
            redis_server.kill()
            await calls(ws)
            assert bound_budget(ws).fallbacks == CALLS
    (warning,) = warnings_of(caplog)
    assert "failed (" in warning
    assert "did not answer" not in warning


async def test_a_frozen_redis_is_logged_as_not_answering(
    anyio_backend: str, redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, LOGGER)
    budget = RedisBudget(redis_server.url, key="frozen", timeout=0.2, retry_interval=60)
    async with serving() as (emulator, url):
        async with workspace(url, emulator, budget, rate_limits=LIMITS) as ws:
            await calls(ws, 1)  # shared
            redis_server.pause()
            try:
                await calls(ws)
            finally:
                redis_server.resume()
            assert bound_budget(ws).fallbacks == CALLS
    (warning,) = warnings_of(caplog)
    assert "did not answer within 0.2 s" in warning
    assert "failed (" not in warning
