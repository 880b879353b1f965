"""Retry behaviour through the public Workspace, on a virtual clock (instant, exact)."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from databricks_jobs import (
    ApiError,
    BadRequest,
    ConcurrentRunsLimit,
    DecodeError,
    InternalError,
    OutcomeUnknown,
    RateLimited,
    RetryPolicy,
    ServiceUnavailable,
    VirtualClock,
)

from .fakes import mock_workspace, router

pytestmark = pytest.mark.anyio

NO_JITTER = {"jitter": 0}
THROTTLED = {"error_code": "REQUEST_LIMIT_EXCEEDED", "message": "Too many requests"}
RUN_LIMIT = {
    "error_code": "REQUEST_LIMIT_EXCEEDED",
    "message": "There are already 5 active runs (limit: 5)",
}


def sequence(*responses: httpx.Response):  # type: ignore[no-untyped-def]
    answers = iter(responses)
    return lambda request: next(answers)


async def test_retry_after_is_honoured(anyio_backend: str) -> None:
    clock = VirtualClock()
    routes = router()
    route = routes.post("/api/2.2/jobs/create").mock(
        side_effect=sequence(
            httpx.Response(429, json=THROTTLED, headers={"Retry-After": "7"}),
            httpx.Response(200, json={"job_id": 1}),
        )
    )
    async with mock_workspace(routes, clock=clock) as ws:
        assert await ws.request("POST", "/api/2.2/jobs/create", body={}) == {"job_id": 1}
    assert route.call_count == 2
    assert clock.now() == 7.0


async def test_retry_after_is_capped(anyio_backend: str) -> None:
    clock = VirtualClock()
    routes = router()
    routes.get("/x").mock(
        side_effect=sequence(
            httpx.Response(429, json=THROTTLED, headers={"Retry-After": "3600"}),
            httpx.Response(200, json={}),
        )
    )
    policy = RetryPolicy(max_retry_after=dt.timedelta(seconds=30), budget=600)
    async with mock_workspace(routes, clock=clock, retry=policy) as ws:
        await ws.request("GET", "/x")
    assert clock.now() == 30.0


async def test_503_retried_for_create(anyio_backend: str) -> None:
    routes = router()
    route = routes.post("/api/2.2/jobs/create").mock(
        side_effect=sequence(
            httpx.Response(503, text="Service Unavailable"),
            httpx.Response(200, json={"job_id": 3}),
        )
    )
    async with mock_workspace(routes) as ws:
        assert await ws.request("POST", "/api/2.2/jobs/create", body={}) == {"job_id": 3}
    assert route.call_count == 2


async def test_exponential_backoff_on_get(anyio_backend: str) -> None:
    clock = VirtualClock()
    routes = router()
    route = routes.get("/x").mock(
        side_effect=sequence(
            httpx.Response(500, json={"error_code": "INTERNAL_ERROR", "message": "a"}),
            httpx.Response(502, text="<html><title>Bad Gateway</title></html>"),
            httpx.Response(504, text=""),
            httpx.Response(200, json={"ok": True}),
        )
    )
    async with mock_workspace(routes, clock=clock, retry=RetryPolicy(**NO_JITTER)) as ws:
        assert await ws.request("GET", "/x") == {"ok": True}
    assert route.call_count == 4
    assert clock.now() == 0.5 + 1.0 + 2.0


async def test_last_typed_error_with_attempt_count(anyio_backend: str) -> None:
    routes = router()
    route = routes.get("/x").respond(
        503, json={"error_code": "TEMPORARILY_UNAVAILABLE", "message": "later"}
    )
    async with mock_workspace(routes, retry=RetryPolicy(attempts=4)) as ws:
        with pytest.raises(ServiceUnavailable) as caught:
            await ws.request("GET", "/x")
    assert route.call_count == 4
    assert caught.value.attempts == 4
    assert "after 4 attempts" in str(caught.value)
    assert caught.value.message == "later"


async def test_budget_stops_before_overrunning(anyio_backend: str) -> None:
    clock = VirtualClock()
    routes = router()
    route = routes.get("/x").respond(503)
    policy = RetryPolicy(attempts=100, budget=10, initial_backoff=4, jitter=0)
    async with mock_workspace(routes, clock=clock, retry=policy) as ws:
        with pytest.raises(ServiceUnavailable) as caught:
            await ws.request("GET", "/x")
    # waits of 4 s then 8 s: the second would end at 12 s, past the 10 s budget.
    assert route.call_count == 2
    assert clock.now() == 4.0
    assert caught.value.attempts == 2


async def test_500_on_create_is_not_retried(anyio_backend: str) -> None:
    routes = router()
    route = routes.post("/api/2.2/jobs/create").respond(500, json={"message": "boom"})
    async with mock_workspace(routes) as ws:
        with pytest.raises(OutcomeUnknown) as caught:
            await ws.request("POST", "/api/2.2/jobs/create", body={"name": "x"})
    assert route.call_count == 1
    assert isinstance(caught.value.error, InternalError)
    assert "POST /api/2.2/jobs/create" in str(caught.value)


async def test_ambiguous_failure_after_a_throttled_attempt(anyio_backend: str) -> None:
    routes = router()
    route = routes.post("/api/2.2/jobs/runs/repair").mock(
        side_effect=sequence(httpx.Response(429, json=THROTTLED), httpx.Response(502))
    )
    async with mock_workspace(routes) as ws:
        with pytest.raises(OutcomeUnknown):
            await ws.request("POST", "/api/2.2/jobs/runs/repair", body={"run_id": 1})
    assert route.call_count == 2


async def test_idempotent_post_is_retried_on_500(anyio_backend: str) -> None:
    routes = router()
    route = routes.post("/api/2.2/jobs/run-now").mock(
        side_effect=sequence(httpx.Response(500), httpx.Response(200, json={"run_id": 4}))
    )
    body = {"job_id": 1, "idempotency_token": "abc"}
    async with mock_workspace(routes) as ws:
        result = await ws.request("POST", "/api/2.2/jobs/run-now", body=body, idempotent=True)
    assert result == {"run_id": 4}
    assert route.call_count == 2


async def test_concurrent_runs_limit_not_retried_by_default(anyio_backend: str) -> None:
    routes = router()
    route = routes.post("/api/2.2/jobs/run-now").respond(429, json=RUN_LIMIT)
    async with mock_workspace(routes) as ws:
        with pytest.raises(ConcurrentRunsLimit):
            await ws.request("POST", "/api/2.2/jobs/run-now", body={"job_id": 1}, idempotent=True)
    assert route.call_count == 1


async def test_concurrent_runs_limit_retried_when_asked(anyio_backend: str) -> None:
    routes = router()
    route = routes.post("/api/2.2/jobs/run-now").mock(
        side_effect=sequence(httpx.Response(429, json=RUN_LIMIT), httpx.Response(200, json={}))
    )
    policy = RetryPolicy(retry_concurrent_runs_limit=True)
    async with mock_workspace(routes, retry=policy) as ws:
        await ws.request("POST", "/api/2.2/jobs/run-now", body={"job_id": 1}, idempotent=True)
    assert route.call_count == 2


async def test_client_errors_are_not_retried(anyio_backend: str) -> None:
    routes = router()
    route = routes.get("/api/2.2/jobs/get").respond(
        400, json={"error_code": "INVALID_PARAMETER_VALUE", "message": "bad limit"}
    )
    async with mock_workspace(routes) as ws:
        with pytest.raises(BadRequest, match="bad limit"):
            await ws.request("GET", "/api/2.2/jobs/get")
    assert route.call_count == 1


async def test_never_policy_makes_one_attempt(anyio_backend: str) -> None:
    routes = router()
    route = routes.get("/x").respond(503)
    async with mock_workspace(routes, retry=RetryPolicy.never()) as ws:
        with pytest.raises(ServiceUnavailable):
            await ws.request("GET", "/x")
    assert route.call_count == 1


@pytest.mark.parametrize(
    ("status", "body", "content_type"),
    [
        (200, b"<html>login page</html>", "text/html"),
        (200, b'{"truncated": ', "application/json"),
        (200, b"[1, 2]", "application/json"),
    ],
)
async def test_unusable_success_bodies_are_typed(
    anyio_backend: str, status: int, body: bytes, content_type: str
) -> None:
    routes = router()
    routes.get("/x").respond(status, content=body, headers={"content-type": content_type})
    async with mock_workspace(routes) as ws:
        with pytest.raises(DecodeError, match="GET /x"):
            await ws.request("GET", "/x")


async def test_empty_success_body_is_empty_object(anyio_backend: str) -> None:
    routes = router()
    routes.post("/api/2.2/jobs/delete").respond(200, content=b"")
    async with mock_workspace(routes) as ws:
        assert await ws.request("POST", "/api/2.2/jobs/delete", body={"job_id": 1}) == {}


async def test_redirects_are_not_followed(anyio_backend: str) -> None:
    routes = router()
    routes.get("/x").respond(302, headers={"location": "https://elsewhere.example/x"})
    async with mock_workspace(routes) as ws:
        with pytest.raises(ApiError, match=r"redirected to https://elsewhere\.example/x") as caught:
            await ws.request("GET", "/x")
    assert caught.value.status == 302


# --- throttling is retried until the budget, not counted as attempts ------------------------


def throttled() -> httpx.Response:
    return httpx.Response(429, json={"error_code": "REQUEST_LIMIT_EXCEEDED", "message": "slow"})


def unavailable() -> httpx.Response:
    return httpx.Response(503, json={"error_code": "TEMPORARILY_UNAVAILABLE"})


async def test_429s_do_not_count_towards_the_attempts(anyio_backend: str) -> None:
    routes = router()
    route = routes.get("/x").mock(
        side_effect=[throttled() for _ in range(9)] + [httpx.Response(200, json={})]
    )
    policy = RetryPolicy(attempts=2, max_backoff=1)  # ten waits fit in the budget
    async with mock_workspace(routes, retry=policy) as ws:
        assert await ws.request("GET", "/x") == {}
    assert route.call_count == 10


async def test_other_failures_still_count_between_429s(anyio_backend: str) -> None:
    routes = router()
    answers = [throttled(), unavailable(), throttled(), throttled(), unavailable(), throttled()]
    route = routes.get("/x").mock(side_effect=answers)
    async with mock_workspace(routes, retry=RetryPolicy(attempts=2)) as ws:
        with pytest.raises(ServiceUnavailable) as caught:
            await ws.request("GET", "/x")
    assert route.call_count == 5  # the second 503 is the second counted attempt
    assert caught.value.attempts == 5


async def test_429s_stop_at_the_time_budget(anyio_backend: str) -> None:
    clock = VirtualClock()
    routes = router()
    route = routes.get("/x").mock(side_effect=lambda request: throttled())
    policy = RetryPolicy(attempts=2, budget=10, initial_backoff=1, jitter=0)
    async with mock_workspace(routes, clock=clock, retry=policy) as ws:
        with pytest.raises(RateLimited):
            await ws.request("GET", "/x")
    assert clock.now() <= 10
    assert route.call_count > 2


async def test_never_makes_one_attempt_even_for_a_429(anyio_backend: str) -> None:
    routes = router()
    route = routes.get("/x").mock(side_effect=lambda request: throttled())
    async with mock_workspace(routes, retry=RetryPolicy.never()) as ws:
        with pytest.raises(RateLimited):
            await ws.request("GET", "/x")
    assert route.call_count == 1


@pytest.mark.parametrize("status", [429, 503])
async def test_an_answer_advising_no_wait_still_waits_the_initial_backoff(
    anyio_backend: str, status: int
) -> None:
    clock = VirtualClock()
    routes = router()
    answer = httpx.Response(status, json={"message": "slow"}, headers={"Retry-After": "0"})
    route = routes.get("/x").mock(side_effect=[answer, answer, httpx.Response(200, json={})])
    policy = RetryPolicy(initial_backoff=0.5, jitter=0)
    async with mock_workspace(routes, clock=clock, retry=policy) as ws:
        await ws.request("GET", "/x")
    assert route.call_count == 3
    assert clock.now() == 1.0  # two waits of 0.5 s: a server saying "0" is not hammered
