"""Taking a connection slot within the pool timeout: the one wait both transports share."""

from __future__ import annotations

import anyio

from ._errors import RequestTimeout

__all__ = ["take_slot"]


async def take_slot(slots: anyio.Semaphore, timeout: float | None) -> None:
    """Take one slot of `slots`, waiting at most `timeout` seconds (None: no limit).

    A free slot is taken without a cancel scope: the common case pays nothing for the
    timeout. Running out of time raises `RequestTimeout` (phase ``pool``, never sent).
    """
    try:
        slots.acquire_nowait()
    except anyio.WouldBlock:
        pass
    else:
        return  # the send that follows is the cancellation point
    try:
        with anyio.fail_after(timeout):
            await slots.acquire()
    except TimeoutError:
        raise RequestTimeout(
            f"no free connection within the pool timeout of {timeout} s",
            phase="pool",
            request_sent=False,
        ) from None
