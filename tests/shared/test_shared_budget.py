"""The shared rate budget against a real redis-server, in one process (asyncio and trio).

Two Workspaces with the same `RedisBudget` stand for two processes: they share one bucket
per endpoint and one back-off gate. Counts, not timings: admission control (`max_waiting=0`:
a call is sent at once or refused) makes "how many got through" exact.
"""

from __future__ import annotations

import itertools
import logging
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager

import anyio
import anyio.abc
import coredis
import pytest

from databricks_jobs import (
    ConfigError,
    RateBudgetExhausted,
    RateLimited,
    RateLimits,
    RetryPolicy,
    SystemClock,
    VirtualClock,
    Workspace,
)
from databricks_jobs._shared_budget import RedisBoundBudget
from databricks_jobs.shared import RedisBudget
from databricks_jobs.testing import Emulator

from .redis_server import RedisServer

pytestmark = pytest.mark.anyio

LIST = "/api/2.2/jobs/list"


@asynccontextmanager
async def serving() -> AsyncIterator[tuple[Emulator, str]]:
    emulator = Emulator(clock=SystemClock())
    async with emulator.serve() as url:
        yield emulator, url


def workspace(
    url: str, emulator: Emulator, budget: RedisBudget | None, **options: object
) -> Workspace:
    options.setdefault("rate_limits", RateLimits(per_endpoint={"jobs/list": 2}, max_waiting=0))
    return Workspace(
        host=url,
        token=emulator.token,
        env={},
        shared_budget=budget,
        retry=RetryPolicy(attempts=1),
        **options,  # type: ignore[arg-type]
    )


async def sent(ws: Workspace, times: int) -> int:
    """How many of `times` list calls were sent (the others refused by the budget)."""
    count = 0
    for _ in range(times):
        try:
            await ws.request("GET", LIST)
            count += 1
        except RateBudgetExhausted:
            pass
    return count


async def test_two_workspaces_with_one_key_share_one_budget(
    anyio_backend: str, redis_server: RedisServer
) -> None:
    budget = RedisBudget(redis_server.url, key="shared-test")
    async with serving() as (emulator, url), AsyncExitStack() as stack:
        first = await stack.enter_async_context(workspace(url, emulator, budget))
        second = await stack.enter_async_context(workspace(url, emulator, budget))
        # 2 per second with a burst of 2: two calls pass at once, together, not each.
        through = await sent(first, 2) + await sent(second, 2)
    assert through == 2
    assert len(emulator.requests_to("jobs/list")) == 2


async def test_without_the_shared_budget_each_workspace_spends_its_own(
    anyio_backend: str,
) -> None:
    async with serving() as (emulator, url), AsyncExitStack() as stack:
        first = await stack.enter_async_context(workspace(url, emulator, None))
        second = await stack.enter_async_context(workspace(url, emulator, None))
        through = await sent(first, 2) + await sent(second, 2)
    assert through == 4


async def test_another_key_or_host_is_another_budget(
    anyio_backend: str, redis_server: RedisServer
) -> None:
    async with serving() as (emulator, url), AsyncExitStack() as stack:
        first = await stack.enter_async_context(
            workspace(url, emulator, RedisBudget(redis_server.url, key="one"))
        )
        second = await stack.enter_async_context(
            workspace(url, emulator, RedisBudget(redis_server.url, key="two"))
        )
        other_host = url.replace("127.0.0.1", "localhost")
        third = await stack.enter_async_context(
            workspace(other_host, emulator, RedisBudget(redis_server.url, key="one"))
        )
        through = await sent(first, 2) + await sent(second, 2) + await sent(third, 2)
    assert through == 6


async def test_a_429_seen_by_one_workspace_pauses_the_endpoint_in_the_other(
    anyio_backend: str, redis_server: RedisServer
) -> None:
    budget = RedisBudget(redis_server.url, key="gate-test")
    unlimited = RateLimits.unlimited()
    async with serving() as (emulator, url), AsyncExitStack() as stack:
        first = await stack.enter_async_context(
            workspace(url, emulator, budget, rate_limits=unlimited)
        )
        second = await stack.enter_async_context(
            workspace(url, emulator, budget, rate_limits=unlimited)
        )
        emulator.faults.next("429", path="jobs/list", retry_after=30)
        with pytest.raises(RateLimited):
            await first.request("GET", LIST)
        # The second Workspace never saw that 429; the shared gate holds it back for 30 s,
        # past its 5 s deadline, so it is refused at once and sends nothing.
        with anyio.fail_after(5), pytest.raises(RateBudgetExhausted, match="pause"):
            await second.request("GET", LIST)
    assert len(emulator.requests_to("jobs/list")) == 1


async def eventually(check: Callable[[], Awaitable[bool]]) -> None:
    """Wait until `check` holds (a task reached Redis), at most 5 s: a readiness poll."""
    with anyio.fail_after(5):
        for _ in itertools.count():  # another process's state: no event to wait for
            if await check():
                return
            await anyio.sleep(0.001)


def waiter(group: anyio.abc.TaskGroup, ws: Workspace) -> anyio.CancelScope:
    """Start a list call that waits for its slot; cancel the returned scope to give up."""
    scope = anyio.CancelScope()

    async def waits() -> None:
        with scope:
            await ws.request("GET", LIST)

    group.start_soon(waits)
    return scope


async def test_a_cancelled_waiter_gives_its_slot_back(
    anyio_backend: str, redis_server: RedisServer
) -> None:
    budget = RedisBudget(redis_server.url, key="give-back")
    limits = RateLimits(per_endpoint={"jobs/list": 2})  # waiting allowed
    async with serving() as (emulator, url), AsyncExitStack() as stack:
        ws = await stack.enter_async_context(workspace(url, emulator, budget, rate_limits=limits))
        client = await stack.enter_async_context(coredis.Redis.from_url(redis_server.url))
        await sent(ws, 2)  # the burst
        (key,) = await client.keys("*tat:jobs/list")
        before = await client.get(key)
        async with anyio.create_task_group() as group:
            scope = waiter(group, ws)  # the next slot is 0.5 s away

            async def holds_the_next_slot() -> bool:
                return await client.get(key) != before

            await eventually(holds_the_next_slot)
            scope.cancel()
        assert scope.cancelled_caught
        assert await client.get(key) == before  # the schedule rolled back
    assert len(emulator.requests_to("jobs/list")) == 2


async def test_a_slot_given_back_in_the_middle_is_taken_by_the_next_caller(
    anyio_backend: str, redis_server: RedisServer
) -> None:
    budget = RedisBudget(redis_server.url, key="holes")
    limits = RateLimits(per_endpoint={"jobs/list": 2})
    async with serving() as (emulator, url), AsyncExitStack() as stack:
        ws = await stack.enter_async_context(workspace(url, emulator, budget, rate_limits=limits))
        client = await stack.enter_async_context(coredis.Redis.from_url(redis_server.url))
        await sent(ws, 2)  # the burst: the next slots are 0.5 s and 1 s away
        (tat_key,) = await client.keys("*tat:jobs/list")
        holes_key = tat_key.replace(b":tat:", b":holes:")
        async with anyio.create_task_group() as group:
            tats = [await client.get(tat_key)]

            async def moved() -> bool:
                return await client.get(tat_key) != tats[-1]

            async def holes(count: int) -> bool:
                return bool(await client.zcard(holes_key) == count)

            middle = waiter(group, ws)
            await eventually(moved)
            tats.append(await client.get(tat_key))
            last = waiter(group, ws)
            await eventually(moved)
            tats.append(await client.get(tat_key))
            middle.cancel()
            await eventually(lambda: holes(1))  # the middle slot is free, the end unchanged
            assert await client.get(tat_key) == tats[-1]
            newcomer = waiter(group, ws)
            await eventually(lambda: holes(0))  # the next caller took it
            assert await client.get(tat_key) == tats[-1]  # and not a slot after the last
            last.cancel()
            newcomer.cancel()
        # Both went back: the schedule rolled back to where the burst left it.
        assert await client.get(tat_key) == tats[0]
        assert await client.zcard(holes_key) == 0
    assert len(emulator.requests_to("jobs/list")) == 2


async def test_a_virtual_clock_is_refused(anyio_backend: str) -> None:
    budget = RedisBudget("redis://127.0.0.1:1/0")
    with pytest.raises(ConfigError, match="Redis server's clock"):
        Workspace(
            host="https://x.example.com",
            token="t",
            clock=VirtualClock(),
            shared_budget=budget,
            env={},
        )


async def test_a_workspace_that_is_not_entered_is_told_to_be(
    anyio_backend: str, redis_server: RedisServer
) -> None:
    async with serving() as (emulator, url):
        ws = workspace(url, emulator, RedisBudget(redis_server.url))
        try:
            with pytest.raises(ConfigError, match="async with"):
                await ws.request("GET", LIST)
        finally:
            await ws.aclose()
    assert emulator.requests_to("jobs/list") == []


async def test_redis_down_falls_back_to_a_fraction_and_warns_once(
    anyio_backend: str, redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    budget = RedisBudget(redis_server.url, key="down", fallback_fraction=0.5, retry_interval=60)
    limits = RateLimits(per_endpoint={"jobs/list": 4}, max_waiting=0)
    redis_server.kill()
    caplog.set_level(logging.WARNING, "databricks_jobs.shared")
    async with serving() as (emulator, url):
        async with workspace(url, emulator, budget, rate_limits=limits) as ws:
            # Half of 4 per second: a burst of 2 passes, the rest is refused, nothing hangs.
            with anyio.fail_after(5):
                through = await sent(ws, 4)
    assert through == 2
    warnings = [r for r in caplog.records if r.name == "databricks_jobs.shared"]
    assert len(warnings) == 1
    assert "0.5 of the local rate limits" in warnings[0].getMessage()


async def test_a_frozen_redis_costs_one_bounded_wait_then_the_budget_is_shared_again(
    anyio_backend: str, redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    budget = RedisBudget(redis_server.url, key="frozen", timeout=0.2, retry_interval=0.3)
    limits = RateLimits(per_endpoint={"jobs/list": 50})
    caplog.set_level(logging.WARNING, "databricks_jobs.shared")
    async with serving() as (emulator, url):
        async with workspace(url, emulator, budget, rate_limits=limits) as ws:
            bound = ws._api.budget
            assert isinstance(bound, RedisBoundBudget)
            await ws.request("GET", LIST)  # shared
            redis_server.pause()
            try:
                with anyio.fail_after(10):  # a frozen Redis never holds a call for long
                    for _ in range(5):
                        await ws.request("GET", LIST)
            finally:
                redis_server.resume()
            assert bound.fallbacks == 5
            await anyio.sleep(0.35)  # past the retry interval: the next call asks Redis
            await ws.request("GET", LIST)
            assert bound.fallbacks == 5
            assert bound.shared
    messages = [r.getMessage() for r in caplog.records if r.name == "databricks_jobs.shared"]
    assert len(messages) == 2
    assert "did not answer within 0.2 s" in messages[0]
    assert "answers again" in messages[1]


def test_importing_the_package_does_not_import_the_redis_client() -> None:
    import subprocess

    code = (
        "import sys, databricks_jobs, databricks_jobs.shared\n"
        "assert 'coredis' not in sys.modules, 'coredis imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


async def test_without_coredis_entering_names_the_extra(
    anyio_backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "coredis", None)  # import coredis raises ImportError
    ws = Workspace(
        host="https://x.example.com",
        token="t",
        env={},
        shared_budget=RedisBudget("redis://127.0.0.1:1/0"),
    )
    with pytest.raises(ConfigError, match=r"pip install 'brickjobs\[redis\]'"):
        async with ws:
            pass
    await ws.aclose()
