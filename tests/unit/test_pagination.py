"""Token pagination and the merging of 2.2 array pages (pure, plus a fake fetch)."""

from __future__ import annotations

from typing import Any

import pytest

from databricks_jobs import DecodeError, SpecError
from databricks_jobs._pagination import (
    MAX_EMPTY_PAGES,
    Paginator,
    collect_pages,
    merge_job_page,
    merge_run_page,
    next_page_token,
)

pytestmark = pytest.mark.anyio


class FakeList:
    """Serves pages keyed by page_token and records every query."""

    def __init__(self, pages: dict[str | None, dict[str, Any]]) -> None:
        self.pages = pages
        self.queries: list[dict[str, Any]] = []

    async def __call__(self, query: dict[str, Any]) -> dict[str, Any]:
        self.queries.append(dict(query))
        return self.pages[query.get("page_token")]


THREE_PAGES = {
    None: {"jobs": [{"id": 1}, {"id": 2}], "next_page_token": "p2", "has_more": False},
    "p2": {"jobs": [], "next_page_token": "p3"},
    "p3": {"jobs": [{"id": 3}], "next_page_token": ""},
}


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        ({"next_page_token": "t"}, "t"),
        ({"next_page_token": ""}, None),
        ({}, None),
        ({"next_page_token": None, "has_more": True}, None),
    ],
)
def test_next_page_token(response: dict[str, Any], expected: str | None) -> None:
    assert next_page_token(response) == expected


async def test_follows_tokens_lazily_ignoring_has_more_and_empty_pages(anyio_backend: str) -> None:
    fetch = FakeList(THREE_PAGES)
    paginator = Paginator(
        fetch, {"limit": 2, "name": "n"}, items_key="jobs", decode=lambda d: d["id"]
    )
    assert fetch.queries == []  # nothing is requested before iteration
    assert [item async for item in paginator] == [1, 2, 3]
    assert fetch.queries == [
        {"limit": 2, "name": "n"},
        {"limit": 2, "name": "n", "page_token": "p2"},
        {"limit": 2, "name": "n", "page_token": "p3"},
    ]


async def test_max_items_stops_early(anyio_backend: str) -> None:
    fetch = FakeList(THREE_PAGES)
    paginator = Paginator(fetch, {}, items_key="jobs", decode=lambda d: d["id"], max_items=2)
    assert await paginator.to_list() == [1, 2]
    assert len(fetch.queries) == 1


async def test_pages_give_whole_pages(anyio_backend: str) -> None:
    fetch = FakeList(THREE_PAGES)
    paginator = Paginator(fetch, {}, items_key="jobs", decode=lambda d: d["id"])
    pages = [page async for page in paginator.pages()]
    assert [p.items for p in pages] == [[1, 2], [], [3]]
    assert [p.next_page_token for p in pages] == ["p2", "p3", None]
    assert pages[0].raw is THREE_PAGES[None]


def test_max_items_must_be_non_negative() -> None:
    with pytest.raises(SpecError, match="max_items"):
        Paginator(FakeList({}), {}, items_key="jobs", decode=lambda d: d, max_items=-1)


async def test_job_pages_merge_as_on_the_wire(anyio_backend: str) -> None:
    pages = {
        None: {
            "job_id": 7,
            "settings": {
                "name": "n",
                "tasks": [{"task_key": "t1"}],
                "job_clusters": [{"job_cluster_key": "c1"}],
                "parameters": [{"name": "p"}],
                "x_new": 1,
            },
            "next_page_token": "p2",
        },
        "p2": {
            "job_id": 7,
            "settings": {
                "tasks": [{"task_key": "t2"}],
                "environments": [{"environment_key": "e1"}],
            },
            "next_page_token": "p3",
        },
        "p3": {"job_id": 7, "settings": {"tasks": [{"task_key": "t3"}]}},
    }
    asked: list[str | None] = []

    async def fetch(token: str | None) -> dict[str, Any]:
        asked.append(token)
        return pages[token]

    job = await collect_pages(fetch, merge_job_page)
    settings = job["settings"]
    assert [t["task_key"] for t in settings["tasks"]] == ["t1", "t2", "t3"]
    assert settings["job_clusters"] == [{"job_cluster_key": "c1"}]
    assert settings["parameters"] == [{"name": "p"}]
    assert settings["environments"] == [{"environment_key": "e1"}]
    assert settings["x_new"] == 1
    assert "next_page_token" not in job
    assert asked == [None, "p2", "p3"]


def test_job_page_without_settings_is_harmless() -> None:
    job: dict[str, Any] = {"settings": {"tasks": [1]}}
    merge_job_page(job, {"job_id": 1})
    assert job == {"settings": {"tasks": [1]}}


def test_for_each_run_pages_iterations_not_tasks() -> None:
    run: dict[str, Any] = {"tasks": [{"task_key": "fe"}], "iterations": [{"run_id": 100}]}
    merge_run_page(
        run,
        {
            "tasks": [{"task_key": "fe"}],
            "iterations": [{"run_id": 101}],
            "repair_history": [{"id": 1}],
        },
    )
    assert [t["task_key"] for t in run["tasks"]] == ["fe"]
    assert [i["run_id"] for i in run["iterations"]] == [100, 101]
    assert run["repair_history"] == [{"id": 1}]


def test_run_pages_extend_tasks_and_arrays() -> None:
    run: dict[str, Any] = {"tasks": [{"task_key": "a"}], "job_parameters": [{"name": "x"}]}
    merge_run_page(run, {"tasks": [{"task_key": "b"}], "job_clusters": [{"job_cluster_key": "c"}]})
    assert [t["task_key"] for t in run["tasks"]] == ["a", "b"]
    assert run["job_clusters"] == [{"job_cluster_key": "c"}]
    assert run["job_parameters"] == [{"name": "x"}]


async def test_a_repeated_token_makes_the_merge_an_error_not_a_partial_object(
    anyio_backend: str,
) -> None:
    calls = 0

    async def fetch(token: str | None) -> dict[str, Any]:
        nonlocal calls
        calls += 1
        return {"settings": {"tasks": [calls]}, "next_page_token": "same"}

    with pytest.raises(DecodeError, match="GET /jobs/get named page token 'same'"):
        await collect_pages(fetch, merge_job_page, endpoint="GET /jobs/get")
    assert calls == 2  # the repeat is seen before asking for the page a third time


CYCLE = {  # A -> B -> A: no token repeats twice in a row, yet the pages loop
    None: {"jobs": [{"id": 1}], "next_page_token": "A"},
    "A": {"jobs": [{"id": 2}], "next_page_token": "B"},
    "B": {"jobs": [{"id": 3}], "next_page_token": "A"},
}


async def test_a_token_seen_earlier_in_the_iteration_is_refused(anyio_backend: str) -> None:
    fetch = FakeList(CYCLE)
    paginator = Paginator(
        fetch, {}, items_key="jobs", decode=lambda d: d["id"], endpoint="GET /jobs/list"
    )
    seen: list[int] = []

    async def read_all() -> None:
        async for item in paginator:
            seen.append(item)

    with pytest.raises(DecodeError, match=r"GET /jobs/list named page token 'A' .* \(after 3"):
        await read_all()
    assert seen == [1, 2, 3]  # every page once, then the error instead of page A again
    assert [q.get("page_token") for q in fetch.queries] == [None, "A", "B"]


async def test_each_iteration_has_its_own_trail(anyio_backend: str) -> None:
    fetch = FakeList(THREE_PAGES)
    paginator = Paginator(fetch, {}, items_key="jobs", decode=lambda d: d["id"])
    assert await paginator.to_list() == [1, 2, 3]
    assert await paginator.to_list() == [1, 2, 3]  # the same tokens again: a new iteration


class EmptyPages:
    """Answers `empty` empty pages, each with a new token, then one page with an item."""

    def __init__(self, empty: int) -> None:
        self.empty = empty
        self.calls = 0

    async def __call__(self, query: dict[str, Any]) -> dict[str, Any]:
        self.calls += 1
        if self.calls <= self.empty:
            return {"jobs": [], "next_page_token": f"t{self.calls}"}
        return {"jobs": [{"id": 9}]}


async def test_empty_pages_below_the_cap_are_followed(anyio_backend: str) -> None:
    fetch = EmptyPages(MAX_EMPTY_PAGES - 1)
    paginator = Paginator(fetch, {}, items_key="jobs", decode=lambda d: d["id"])
    assert await paginator.to_list() == [9]


async def test_endless_empty_pages_stop_at_the_cap(anyio_backend: str) -> None:
    fetch = EmptyPages(10**9)
    paginator = Paginator(
        fetch, {}, items_key="jobs", decode=lambda d: d["id"], endpoint="GET /runs/list"
    )
    with pytest.raises(DecodeError, match=f"GET /runs/list answered {MAX_EMPTY_PAGES} empty"):
        await paginator.to_list()
    assert fetch.calls == MAX_EMPTY_PAGES


async def test_a_page_with_items_resets_the_count_of_empty_pages(anyio_backend: str) -> None:
    calls = 0

    async def fetch(query: dict[str, Any]) -> dict[str, Any]:
        nonlocal calls
        calls += 1
        if calls > 3 * MAX_EMPTY_PAGES:
            return {"jobs": []}
        items = [{"id": calls}] if calls % (MAX_EMPTY_PAGES // 2) == 0 else []
        return {"jobs": items, "next_page_token": f"t{calls}"}

    paginator = Paginator(fetch, {}, items_key="jobs", decode=lambda d: d["id"])
    assert len(await paginator.to_list()) == 6


async def test_array_pages_that_add_nothing_forever_are_an_error(anyio_backend: str) -> None:
    calls = 0

    async def fetch(token: str | None) -> dict[str, Any]:
        nonlocal calls
        calls += 1
        return {"job_id": 1, "settings": {"tasks": [1] if calls == 1 else []},
                "next_page_token": f"t{calls}"}  # fmt: skip

    with pytest.raises(DecodeError, match="empty pages in a row"):
        await collect_pages(fetch, merge_job_page, endpoint="GET /jobs/get")
    assert calls == MAX_EMPTY_PAGES + 1


def test_merges_count_what_they_added() -> None:
    job: dict[str, Any] = {"settings": {"tasks": [1]}}
    assert merge_job_page(job, {"settings": {"tasks": [2, 3], "parameters": [4]}}) == 3
    assert merge_job_page(job, {"settings": {}}) == 0
    run: dict[str, Any] = {"tasks": [1]}
    assert merge_run_page(run, {"tasks": [2], "repair_history": [5, 6]}) == 3
    assert merge_run_page(run, {}) == 0
