"""What a test can count of the resources a client holds: its sockets and aiohttp sessions.

Counted from the operating system (``/proc``) and the garbage collector, not inferred from
warnings: a socket left open by a closed client shows up here whether or not anything warns.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

import pytest

needs_proc = pytest.mark.skipif(
    not Path("/proc/self/fd").is_dir() or not Path("/proc/net/tcp").exists(),
    reason="counts sockets through /proc, which only Linux has",
)


def _socket_inodes() -> set[str]:
    """The inodes of the sockets among this process's open file descriptors."""
    inodes = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:  # closed since the listing (the listing's own descriptor, say)
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    return inodes


_ESTABLISHED = "01"
"""The state column of /proc/net/tcp for an established connection."""


def connections_to(port: int) -> int:
    """Open descriptors of this process that are established TCP connections to `port`.

    The server side of a loopback connection has `port` as its local port, so it is not
    counted: only what a client holds open. Only established connections count: a socket
    an earlier test left behind to a server long gone (whose port the system has since
    given to this test's server) is half-closed, not established, and not this test's.
    """
    ours = _socket_inodes()
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            remote_port = int(fields[2].rsplit(":", 1)[1], 16)
            if remote_port == port and fields[3] == _ESTABLISHED and fields[9] in ours:
                count += 1
    return count


def open_aiohttp_sessions(*, collect: bool = True) -> int:
    """aiohttp client sessions alive in this process and not closed.

    With `collect` False, sessions nothing refers to any more but not yet collected count
    too: a session dropped without being closed is still caught.
    """
    if "aiohttp" not in sys.modules:
        return 0
    import aiohttp

    if collect:
        gc.collect()
    return sum(
        1 for obj in gc.get_objects() if isinstance(obj, aiohttp.ClientSession) and not obj.closed
    )
