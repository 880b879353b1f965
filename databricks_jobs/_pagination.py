"""Token pagination as lazy async iterators, and merging the 2.2 array pages of `get` calls.

List endpoints follow ``next_page_token`` until it is missing or empty, one page in memory,
never offsets and never the root ``has_more`` (deprecated and absent in 2.2 responses).
``jobs/get`` and ``runs/get`` return at most 100 elements of each array and a root
``next_page_token``; `merge_job_page` and `merge_run_page` fold the later pages into the
first so callers always see whole objects. The merge works on the JSON before decoding, so
fields this release does not know survive it.

A server cannot make an iteration endless: a page token already followed in the same
iteration (A, B, A included) and more than `MAX_EMPTY_PAGES` empty pages in a row (each
with a new token) raise `DecodeError` naming the endpoint. Empty pages as such are normal:
token pagination may answer fewer items than asked, none included, before the last page.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any, Final, Generic, TypeVar

import attrs

from ._errors import DecodeError, SpecError
from ._types import JSONObject, QueryValue

__all__ = [
    "JOB_ARRAYS",
    "MAX_EMPTY_PAGES",
    "RUN_ARRAYS",
    "Page",
    "Paginator",
    "TokenTrail",
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
MAX_EMPTY_PAGES: Final = 1000
"""Empty pages in a row (each with a next token) after which an iteration stops with an error.

Databricks list APIs do answer runs of empty pages before the items (97 in a row were
reported on a Unity Catalog listing), so the cap is ten times that; at the default rate
limit of 30 requests a second it bounds a listing that never ends to about half a minute.
"""
_SHOWN_TOKEN: Final = 40


def next_page_token(response: Mapping[str, Any]) -> str | None:
    """Return the token of the next page, or None on the last page (missing or empty)."""
    token = response.get("next_page_token")
    return str(token) if token else None


class TokenTrail:
    """The page tokens one iteration has followed, to refuse a server that never ends it.

    `follow` is called before each next page is requested, with the token and how many
    items the page that named it held. It raises `DecodeError`, naming `endpoint`, for a
    token already followed (the pages would repeat forever) and for the `MAX_EMPTY_PAGES`-th
    empty page in a row.
    """

    __slots__ = ("_empty", "_endpoint", "_seen")

    def __init__(self, endpoint: str) -> None:
        self._endpoint = endpoint
        self._seen: set[str] = set()
        self._empty = 0

    def follow(self, token: str, *, items: int) -> None:
        """Accept `token` as the next page to read, or raise `DecodeError`."""
        if token in self._seen:
            shown = token if len(token) <= _SHOWN_TOKEN else token[:_SHOWN_TOKEN] + "..."
            raise DecodeError(
                f"{self._endpoint} named page token {shown!r} as the next page a second time "
                f"(after {len(self._seen) + 1} pages); following it would read the same pages "
                "again forever, so the iteration stops here"
            )
        self._seen.add(token)
        self._empty = self._empty + 1 if items == 0 else 0
        if self._empty >= MAX_EMPTY_PAGES:
            raise DecodeError(
                f"{self._endpoint} answered {self._empty} empty pages in a row, each naming a "
                f"new next page; the iteration stops here (the limit is {MAX_EMPTY_PAGES})"
            )


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
    items whose arrays were cut). A repeated page token, or `MAX_EMPTY_PAGES` empty pages
    in a row, raise `DecodeError` naming `endpoint` (see `TokenTrail`).
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
        endpoint: str = "the list endpoint",
    ) -> None:
        if max_items is not None and (
            not isinstance(max_items, int) or isinstance(max_items, bool) or max_items < 0
        ):
            raise SpecError(f"must be a non-negative integer, got {max_items!r}", field="max_items")
        self._endpoint = endpoint
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
        trail = TokenTrail(self._endpoint)
        while remaining is None or remaining > 0:
            response = await self._fetch(query)
            raw_items = response.get(self._items_key) or []
            if not isinstance(raw_items, list):
                raise DecodeError(
                    f"expected a list, got {type(raw_items).__name__}", path=self._items_key
                )
            received = len(raw_items)
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
            trail.follow(token, items=received)
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
    merge: Callable[[JSONObject, JSONObject], int],
    *,
    endpoint: str = "the endpoint",
    first: JSONObject | None = None,
) -> JSONObject:
    """Request the first page (unless given), then every next page, merging each into it.

    The object is whole or not returned at all: a repeated page token, or
    `MAX_EMPTY_PAGES` pages in a row that add nothing, raise `DecodeError` (`TokenTrail`).
    `merge` returns how many elements a page added.
    """
    if first is None:
        first = await fetch(None)
    trail = TokenTrail(endpoint)
    token = next_page_token(first)
    added = 1  # the first page counts as a page with content: only later ones can be empty
    while token is not None:
        trail.follow(token, items=added)
        page = await fetch(token)
        added = merge(first, page)
        token = next_page_token(page)
    first.pop("next_page_token", None)
    return first


def _extend(target: dict[str, Any], page: Mapping[str, Any], key: str) -> int:
    more = page.get(key)
    if not more:
        return 0
    existing = target.get(key)
    target[key] = [*existing, *more] if isinstance(existing, list) else list(more)
    return len(more)


def merge_job_page(job: JSONObject, page: JSONObject) -> int:
    """Fold a later ``jobs/get`` page into the first (settings arrays extended in place).

    Returns how many array elements the page added.
    """
    more = page.get("settings")
    if not isinstance(more, dict):
        return 0
    settings = job.setdefault("settings", {})
    if not isinstance(settings, dict):
        return 0
    return sum(_extend(settings, more, key) for key in JOB_ARRAYS)


def merge_run_page(run: JSONObject, page: JSONObject) -> int:
    """Fold a later ``runs/get`` page into the first; return how many elements it added.

    A for-each task run pages its ``iterations`` (its ``tasks`` hold the for-each task
    itself, repeated on every page); any other run pages ``tasks``.
    """
    paging_key = "iterations" if "iterations" in run else "tasks"
    added = _extend(run, page, paging_key)
    return added + sum(_extend(run, page, key) for key in RUN_ARRAYS)
