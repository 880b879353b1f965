"""Token pagination and the merging of 2.2 array pages (pure, plus a fake fetch)."""

from __future__ import annotations

from typing import Any

import pytest

from databricks_jobs._pagination import (
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
    with pytest.raises(ValueError, match="max_items"):
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


async def test_repeated_token_does_not_loop_forever(anyio_backend: str) -> None:
    calls = 0

    async def fetch(token: str | None) -> dict[str, Any]:
        nonlocal calls
        calls += 1
        return {"settings": {"tasks": [calls]}, "next_page_token": "same"}

    job = await collect_pages(fetch, merge_job_page)
    assert calls == 2
    assert job["settings"]["tasks"] == [1, 2]
