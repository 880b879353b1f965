"""Taking a connection slot within the pool timeout: the one wait both transports share."""

from __future__ import annotations

import anyio
import httpx

from .._errors import RequestTimeout

__all__ = ["take_slot"]


async def take_slot(slots: anyio.Semaphore, request: httpx.Request) -> None:
    """Take one slot of `slots` for `request`, waiting at most its pool timeout.

    A free slot is taken without a cancel scope: the common case pays nothing for the
    timeout. Running out of time raises `RequestTimeout` (phase ``pool``, never sent),
    naming the request.
    """
    try:
        slots.acquire_nowait()
    except anyio.WouldBlock:
        pass
    else:
        return  # the send that follows is the cancellation point
    timeout = request.extensions.get("timeout", {}).get("pool")
    try:
        with anyio.fail_after(timeout):
            await slots.acquire()
    except TimeoutError:
        raise RequestTimeout(
            f"no free connection within the pool timeout of {timeout} s",
            phase="pool",
            method=request.method,
            path=request.url.path,
            request_sent=False,
        ) from None
