"""Token pagination as lazy async iterators, and merging the 2.2 array pages of `get` calls.

List endpoints follow ``next_page_token`` until it is missing or empty, one page in memory,
never offsets and never the root ``has_more`` (deprecated and absent in 2.2 responses).
``jobs/get`` and ``runs/get`` return at most 100 elements of each array and a root
``next_page_token``; `merge_job_page` and `merge_run_page` fold the later pages into the
first so callers always see whole objects. The merge works on the JSON before decoding, so
fields this release does not know survive it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any, Final, Generic, TypeVar

import attrs

from ._errors import DecodeError
from ._types import JSONObject, QueryValue

__all__ = [
    "JOB_ARRAYS",
    "RUN_ARRAYS",
    "Page",
    "Paginator",
    "collect_pages",
    "merge_job_page",
    "merge_run_page",
    "next_page_token",
]

T = TypeVar("T")

JOB_ARRAYS: Final = ("tasks", "job_clusters", "parameters", "environments")
"""Arrays of ``Job.settings`` that ``jobs/get`` pages."""
RUN_ARRAYS: Final = ("job_clusters", "job_parameters", "repair_history")
"""Arrays of a run that ``runs/get`` pages (plus ``tasks`` or ``iterations``)."""


def next_page_token(response: Mapping[str, Any]) -> str | None:
    """Return the token of the next page, or None on the last page (missing or empty)."""
    token = response.get("next_page_token")
    return str(token) if token else None


@attrs.frozen
class Page(Generic[T]):
    """One page of a list call: its decoded items, the next token, and the raw response."""

    items: list[T]
    next_page_token: str | None
    raw: JSONObject = attrs.field(repr=False)


class Paginator(Generic[T]):
    """A lazy async iterator over every item of a list endpoint; `pages()` gives whole pages.

    Nothing is requested until iteration starts. Each page is requested with the caller's
    query plus ``page_token``; iteration stops at the last page or after `max_items` items.
    `complete`, when given, is awaited on each raw item before it is decoded (used to fetch
    items whose arrays were cut).
    """

    def __init__(
        self,
        fetch: Callable[[dict[str, QueryValue]], Awaitable[JSONObject]],
        query: Mapping[str, QueryValue],
        *,
        items_key: str,
        decode: Callable[[Any], T],
        complete: Callable[[Any], Awaitable[Any]] | None = None,
        max_items: int | None = None,
    ) -> None:
        if max_items is not None and (not isinstance(max_items, int) or max_items < 0):
            raise ValueError(f"max_items must be a non-negative integer, got {max_items!r}")
        self._fetch = fetch
        self._query = dict(query)
        self._items_key = items_key
        self._decode = decode
        self._complete = complete
        self._max_items = max_items

    async def pages(self) -> AsyncIterator[Page[T]]:
        """Yield page after page (cut to `max_items` in total)."""
        remaining = self._max_items
        query = dict(self._query)
        while remaining is None or remaining > 0:
            response = await self._fetch(query)
            raw_items = response.get(self._items_key) or []
            if not isinstance(raw_items, list):
                raise DecodeError(
                    f"expected a list, got {type(raw_items).__name__}", path=self._items_key
                )
            if remaining is not None:
                raw_items = raw_items[:remaining]
                remaining -= len(raw_items)
            if self._complete is not None:
                raw_items = [await self._complete(item) for item in raw_items]
            token = next_page_token(response)
            yield Page(
                [self._decode_at(index, item) for index, item in enumerate(raw_items)],
                token,
                response,
            )
            if token is None:
                return
            query = {**self._query, "page_token": token}

    def _decode_at(self, index: int, item: Any) -> T:
        """Decode one item; a failure names its place (``runs[3].tasks[0].state``)."""
        try:
            return self._decode(item)
        except DecodeError as exc:
            where = f"{self._items_key}[{index}]"
            raise DecodeError(
                exc.message, path=f"{where}.{exc.path}" if exc.path else where
            ) from None

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.items:
                yield item

    async def to_list(self) -> list[T]:
        """Collect every item (mind `max_items` on big workspaces)."""
        return [item async for item in self]


async def collect_pages(
    fetch: Callable[[str | None], Awaitable[JSONObject]],
    merge: Callable[[JSONObject, JSONObject], None],
) -> JSONObject:
    """Request the first page, then every next page, merging each into the first."""
    first = await fetch(None)
    token = next_page_token(first)
    seen = set()
    while token is not None:
        if token in seen:  # a server that repeats a token would otherwise loop forever
            break
        seen.add(token)
        page = await fetch(token)
        merge(first, page)
        token = next_page_token(page)
    first.pop("next_page_token", None)
    return first


def _extend(target: dict[str, Any], page: Mapping[str, Any], key: str) -> None:
    more = page.get(key)
    if more:
        existing = target.get(key)
        target[key] = [*existing, *more] if isinstance(existing, list) else list(more)


def merge_job_page(job: JSONObject, page: JSONObject) -> None:
    """Fold a later ``jobs/get`` page into the first (settings arrays extended in place)."""
    more = page.get("settings")
    if not isinstance(more, dict):
        return
    settings = job.setdefault("settings", {})
    if not isinstance(settings, dict):
        return
    for key in JOB_ARRAYS:
        _extend(settings, more, key)


def merge_run_page(run: JSONObject, page: JSONObject) -> None:
    """Fold a later ``runs/get`` page into the first.

    A for-each task run pages its ``iterations`` (its ``tasks`` hold the for-each task
    itself, repeated on every page); any other run pages ``tasks``.
    """
    paging_key = "iterations" if run.get("iterations") else "tasks"
    _extend(run, page, paging_key)
    for key in RUN_ARRAYS:
        _extend(run, page, key)
