"""The HTTP transports a Workspace sends through, and what every one of them promises.

``_aiohttp``: an httpx transport over aiohttp (asyncio only; imported when first chosen).
``_httpx``: httpx's own transport (httpcore; any event loop). ``_given``: the adapter around
a transport passed as ``transport=``. ``_body``: the response body read whole within the
cap. ``_slots``: the wait for a connection slot within the pool timeout.

Each answers `handle_async_request` (the aiohttp transport also `exchange`, with a lighter
`Answer`) with the body read whole (at most the Workspace's
``max_response_bytes``, else `ResponseTooLarge`) and starts a fresh `SendRecord` for the
exchange: marked sent when the request begins to leave (ours, from their own progress
records) or when it is handed over (a given transport), with the status once the answer's
head arrives. Failures come out as our errors (`ConnectionFailed`, `RequestTimeout`,
`ConfigError` for a request refused before sending), naming the request's method and path,
never copying a lower library's text.
"""

from __future__ import annotations

from ._body import Answer, Received
from ._given import GivenTransport
from ._httpx import TracingHTTPTransport

__all__ = ["Answer", "GivenTransport", "Received", "TracingHTTPTransport"]
