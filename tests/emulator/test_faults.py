"""Fault injection over real sockets and in-process: what the client sees, what took effect."""

from __future__ import annotations

import contextlib
import json
import zlib
from collections.abc import AsyncIterator

import httpx
import pytest

from databricks_jobs import DecodeError, ResponseTooLarge, RetryPolicy, TransportChoice, Workspace
from databricks_jobs.models import JobSettings, NotebookTask, Task
from databricks_jobs.testing import Emulator, FaultKind, Faults, VirtualClock

from .conftest import TOKEN, Api, task

pytestmark = pytest.mark.anyio
AUTH = {"Authorization": f"Bearer {TOKEN}"}
BOMB_SIZE = 256 * 1024 * 1024
"""What a ``gzip_bomb`` answer decodes to, as the emulator guide says."""
DEEP_JSON_LEVELS = 100_000
"""How deeply a ``deep_json`` answer nests, as the emulator guide says."""


@pytest.fixture(params=["loopback", "in-process"])
async def client(
    request: pytest.FixtureRequest, emulator: Emulator, anyio_backend: str
) -> AsyncIterator[httpx.AsyncClient]:
    timeout = httpx.Timeout(5.0, read=0.3)
    if request.param == "in-process":
        async with httpx.AsyncClient(
            base_url="http://emulator.local",
            headers=AUTH,
            transport=emulator.transport(),
            timeout=timeout,
        ) as local:
            yield local
        return
    async with (
        emulator.serve() as url,
        httpx.AsyncClient(base_url=url, headers=AUTH, timeout=timeout) as remote,
    ):
        yield remote


async def _job(client: httpx.AsyncClient) -> int:
    created = await client.post(
        "/api/2.2/jobs/create", json={"name": "j", "tasks": [task("a")], "max_concurrent_runs": 10}
    )
    return int(created.json()["job_id"])


async def test_429_with_and_without_retry_after(
    client: httpx.AsyncClient, emulator: Emulator
) -> None:
    emulator.faults.next("429", retry_after=7)
    emulator.faults.next("429")
    first = await client.get("/api/2.2/jobs/list")
    second = await client.get("/api/2.2/jobs/list")
    third = await client.get("/api/2.2/jobs/list")
    assert first.status_code == second.status_code == 429
    assert first.headers["retry-after"] == "7"
    assert "retry-after" not in second.headers
    assert first.json()["error_code"] == "REQUEST_LIMIT_EXCEEDED"
    assert third.status_code == 200
    assert emulator.faults.injected["429"] == 2


@pytest.mark.parametrize(
    ("kind", "code"), [("500", "INTERNAL_ERROR"), ("503", "TEMPORARILY_UNAVAILABLE")]
)
async def test_server_errors(
    client: httpx.AsyncClient, emulator: Emulator, kind: str, code: str
) -> None:
    emulator.faults.next(kind)  # type: ignore[arg-type]
    response = await client.get("/api/2.2/jobs/list")
    assert response.status_code == int(kind)
    assert response.json()["error_code"] == code
    assert response.headers["x-request-id"]


async def test_502_html(client: httpx.AsyncClient, emulator: Emulator) -> None:
    emulator.faults.next("502")
    response = await client.get("/api/2.2/jobs/list")
    assert response.status_code == 502
    assert response.headers["content-type"] == "text/html"
    assert "<title>502 Bad Gateway</title>" in response.text


async def test_drop_before_processing_starts_nothing(
    client: httpx.AsyncClient, emulator: Emulator
) -> None:
    job_id = await _job(client)
    emulator.faults.next("drop_before", path="jobs/run-now")
    with pytest.raises(httpx.RemoteProtocolError):
        await client.post("/api/2.2/jobs/run-now", json={"job_id": job_id})
    assert emulator.applied["jobs/run-now"] == 0
    assert emulator.store.runs == {}
    assert emulator.requests[-1].fault == "drop_before"


async def test_drop_after_processing_started_the_run(
    client: httpx.AsyncClient, emulator: Emulator
) -> None:
    job_id = await _job(client)
    emulator.faults.next("drop_after", path="jobs/run-now")
    body = {"job_id": job_id, "idempotency_token": "retry-me"}
    with pytest.raises(httpx.RemoteProtocolError):
        await client.post("/api/2.2/jobs/run-now", json=body)
    assert emulator.applied["jobs/run-now"] == 1
    retried = await client.post("/api/2.2/jobs/run-now", json=body)
    assert retried.status_code == 200
    assert list(emulator.store.runs) == [retried.json()["run_id"]]
    assert emulator.applied["jobs/run-now:replayed"] == 1


async def test_stall_trips_the_read_timeout_after_taking_effect(
    client: httpx.AsyncClient, emulator: Emulator
) -> None:
    emulator.faults.next("stall", path="jobs/create", seconds=2.0)
    with pytest.raises(httpx.ReadTimeout):
        await client.post("/api/2.2/jobs/create", json={"name": "slow"})
    assert emulator.applied["jobs/create"] == 1
    assert emulator.faults.injected["stall"] == 1


async def test_latency_delays_but_succeeds(client: httpx.AsyncClient, emulator: Emulator) -> None:
    emulator.faults.add("latency", seconds=0.01, times=2)
    responses = [await client.get("/api/2.2/jobs/list") for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert emulator.faults.injected["latency"] == 2


async def test_rate_is_seeded_and_per_path(client: httpx.AsyncClient, emulator: Emulator) -> None:
    emulator.faults.add("503", rate=0.15, path="jobs/list")
    statuses = [(await client.get("/api/2.2/jobs/list")).status_code for _ in range(100)]
    other = [(await client.get("/api/2.2/jobs/get?job_id=1")).status_code for _ in range(10)]
    failures = statuses.count(503)
    assert 5 <= failures <= 30
    assert failures == emulator.faults.injected["503"]
    assert 503 not in other
    replay = Emulator()
    replay.faults.add("503", rate=0.15, path="jobs/list")
    again = [
        replay.faults.decide("GET", "/api/2.2/jobs/list").fault is not None for _ in range(100)
    ]
    assert again == [s == 503 for s in statuses]


async def test_glob_and_method_filters(client: httpx.AsyncClient, emulator: Emulator) -> None:
    rule = emulator.faults.add("500", path="/api/2.2/jobs/runs/*", method="GET")
    assert (await client.get("/api/2.2/jobs/list")).status_code == 200
    assert (await client.get("/api/2.2/jobs/runs/list")).status_code == 500
    assert (await client.post("/api/2.2/jobs/runs/cancel", json={})).status_code == 400
    emulator.faults.remove(rule)
    assert (await client.get("/api/2.2/jobs/runs/list")).status_code == 200
    assert rule.injected == 1


def test_rule_validation() -> None:
    emulator = Emulator()
    with pytest.raises(ValueError, match="unknown fault kind"):
        emulator.faults.add("418")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="rate"):
        emulator.faults.add("500", rate=1.5)
    with pytest.raises(ValueError, match="message"):
        emulator.faults.add("502", message="an HTML body has no message")
    with pytest.raises(ValueError, match="message"):
        emulator.faults.add("drop_after", message="no body at all")
    emulator.faults.add("502", error_code="BAD_GATEWAY", message="a JSON body has one")


WORKSPACE_WIDE = "Workspace 1234 exceeded the concurrent limit of 60 requests."


async def test_an_error_fault_with_a_message(client: httpx.AsyncClient, emulator: Emulator) -> None:
    emulator.faults.next("429", path="jobs/list", retry_after=3, message=WORKSPACE_WIDE)
    emulator.faults.next("503", path="jobs/list", message="Down for maintenance.")
    throttled = await client.get("/api/2.2/jobs/list")
    down = await client.get("/api/2.2/jobs/list")
    assert throttled.status_code == 429
    assert throttled.json()["error_code"] == "REQUEST_LIMIT_EXCEEDED"
    assert throttled.json()["message"] == WORKSPACE_WIDE
    assert throttled.headers["retry-after"] == "3"
    assert down.status_code == 503
    assert down.json()["error_code"] == "TEMPORARILY_UNAVAILABLE"
    assert down.json()["message"] == "Down for maintenance."


async def test_a_throttle_with_a_message(
    local_api: Api, emulator: Emulator, clock: VirtualClock
) -> None:
    emulator.throttle(1, path="jobs/list", message=WORKSPACE_WIDE)
    assert (await local_api.get("/api/2.2/jobs/list")).status_code == 200
    refused = await local_api.get("/api/2.2/jobs/list")
    assert refused.status_code == 429
    assert refused.json()["message"] == WORKSPACE_WIDE


async def test_throttle_refuses_beyond_the_rate_on_the_clock(
    local_api: Api, emulator: Emulator, clock: VirtualClock
) -> None:
    throttle = emulator.throttle(2, burst=2, path="jobs/run-now")
    job_id = await local_api.create_job(max_concurrent_runs=100)
    statuses = [
        (await local_api.post("/api/2.2/jobs/run-now", {"job_id": job_id})).status_code
        for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
    refused = await local_api.post("/api/2.2/jobs/run-now", {"job_id": job_id})
    assert refused.json()["error_code"] == "REQUEST_LIMIT_EXCEEDED"
    assert refused.headers["retry-after"] == "1"
    assert (await local_api.get("/api/2.2/jobs/list")).status_code == 200  # other paths pass
    clock.advance(0.5)
    assert (await local_api.post("/api/2.2/jobs/run-now", {"job_id": job_id})).status_code == 200
    assert throttle.refused == 2
    assert emulator.applied["jobs/run-now"] == 3
    assert [r.fault for r in emulator.requests_to("run-now")].count("throttled") == 2


async def test_an_endpoint_throttle_counts_that_endpoint_only(
    local_api: Api, emulator: Emulator, clock: VirtualClock
) -> None:
    throttle = emulator.throttle(1, endpoint="jobs/runs/get")
    job_id = await local_api.create_job(max_concurrent_runs=100)
    run_id = (await local_api.post("/api/2.2/jobs/run-now", {"job_id": job_id})).json()["run_id"]
    assert (await local_api.get("/api/2.2/jobs/runs/get", run_id=run_id)).status_code == 200
    # A path that merely contains the endpoint is another endpoint, with no limit here.
    output = await local_api.get("/api/2.1/jobs/runs/get-output", run_id=run_id)
    assert output.status_code != 429
    refused = await local_api.get("/api/2.1/jobs/runs/get", run_id=run_id)  # any API version
    assert refused.status_code == 429
    assert refused.json()["error_code"] == "REQUEST_LIMIT_EXCEEDED"
    assert refused.headers["retry-after"] == "1"
    assert throttle.refused == 1


async def test_repeat_page_token_names_the_page_just_read(
    client: httpx.AsyncClient, emulator: Emulator
) -> None:
    for _ in range(3):
        await _job(client)
    emulator.faults.add("repeat_page_token", path="jobs/list")
    first = (await client.get("/api/2.2/jobs/list", params={"limit": 1})).json()
    token = first["next_page_token"]  # the first page is left alone: it has no token to repeat
    assert emulator.faults.injected["repeat_page_token"] == 0
    again = await client.get("/api/2.2/jobs/list", params={"limit": 1, "page_token": token})
    assert again.status_code == 200
    assert again.json()["next_page_token"] == token
    assert again.json()["jobs"] != first["jobs"]  # the page itself is the right one
    assert emulator.faults.injected["repeat_page_token"] == 1


async def test_empty_pages_lead_back_to_the_listing(
    client: httpx.AsyncClient, emulator: Emulator
) -> None:
    job_ids = [await _job(client) for _ in range(2)]
    emulator.faults.add("empty_pages", path="jobs/list", times=3)
    tokens: list[str] = []
    found: list[int] = []
    params: dict[str, str | int] = {"limit": 1}
    while True:
        page = (await client.get("/api/2.2/jobs/list", params=params)).json()
        found += [job["job_id"] for job in page.get("jobs", [])]
        if not page.get("next_page_token"):
            break
        tokens.append(page["next_page_token"])
        params = {"limit": 1, "page_token": page["next_page_token"]}
    assert sorted(found) == job_ids
    assert len(tokens) == len(set(tokens)) == 3 + 1  # three empty pages, each a new token
    assert emulator.faults.injected["empty_pages"] == 3
    emulator.faults.add("empty_pages", path="jobs/get")  # errors pass as they are
    missing = await client.get("/api/2.2/jobs/get", params={"job_id": 1})
    assert missing.status_code == 400
    assert missing.json()["message"] == "Job 1 does not exist."


# --- hostile answers: what a broken or hostile server or proxy could send --------------------


async def test_a_gzip_bomb_is_small_on_the_wire_and_decodes_past_the_client_limit(
    client: httpx.AsyncClient, emulator: Emulator
) -> None:
    emulator.faults.next("gzip_bomb", path="jobs/list")
    async with client.stream("GET", "/api/2.2/jobs/list") as answer:
        raw = b"".join([chunk async for chunk in answer.aiter_raw()])
    assert answer.status_code == 200
    assert answer.headers["content-encoding"] == "gzip"
    assert len(raw) < 1 << 20
    unfold = zlib.decompressobj(31)
    size, head = 0, b""
    pending = raw
    while pending:  # decoded a megabyte at a time: the test holds no 256 MiB either
        piece = unfold.decompress(pending, 1 << 20)
        head = head or piece[:8]
        size += len(piece)
        pending = unfold.unconsumed_tail
    assert size == BOMB_SIZE
    assert head.startswith(b'{"a":"0')
    assert emulator.faults.injected["gzip_bomb"] == 1
    assert emulator.applied["jobs/list"] == 0


async def test_deep_json_nests_past_the_recursion_limit(
    client: httpx.AsyncClient, emulator: Emulator
) -> None:
    emulator.faults.next("deep_json", path="jobs/get")
    answer = await client.get("/api/2.2/jobs/get", params={"job_id": 1})
    assert answer.status_code == 200
    assert answer.content.startswith(b'{"a":' * 3)
    assert answer.content.count(b"{") == DEEP_JSON_LEVELS
    with pytest.raises(RecursionError):
        json.loads(answer.content)


@pytest.mark.parametrize("where", ["in-process", "loopback"])
@pytest.mark.parametrize(
    ("kind", "error"), [("gzip_bomb", ResponseTooLarge), ("deep_json", DecodeError)]
)
async def test_a_workspace_refuses_hostile_answers_with_typed_errors(
    emulator: Emulator, anyio_backend: str, where: str, kind: FaultKind, error: type[Exception]
) -> None:
    """With the default limits: the bomb is over 128 MiB decoded, the JSON too deep to read."""
    emulator.faults.next(kind, path="jobs/run-now", applied=True)
    async with contextlib.AsyncExitStack() as stack:
        host = "https://emulator.local"
        transport: TransportChoice = "auto"
        if where == "in-process":
            transport = emulator.transport()
        else:
            host = await stack.enter_async_context(emulator.serve())
        ws = await stack.enter_async_context(
            Workspace(host=host, token=TOKEN, transport=transport, retry=RetryPolicy.never())
        )
        job = await ws.jobs.create(
            JobSettings(
                name="j", tasks=[Task(task_key="a", notebook_task=NotebookTask(notebook_path="/n"))]
            )
        )
        with pytest.raises(error):
            await ws.jobs.run_now(job)
    assert emulator.applied["jobs/run-now"] == 1  # applied=True: the run started first
    assert len(emulator.store.runs) == 1


def test_hostile_answers_may_say_they_took_effect() -> None:
    rules = Faults()
    assert rules.add("gzip_bomb", applied=True).applied
    assert rules.add("deep_json", applied=True).applied
    with pytest.raises(ValueError, match="applied=True"):
        rules.add("429", applied=True)
