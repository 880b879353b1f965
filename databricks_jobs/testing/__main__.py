"""``python -m databricks_jobs.testing serve``: run the emulator as a server in this process."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import anyio

from ._clock import ScaledClock
from ._emulator import DEFAULT_CLIENT, DEFAULT_TOKEN, Emulator
from ._state import Timings

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m databricks_jobs.testing", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the emulator over HTTP until interrupted")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8765, help="port (0 picks a free one)")
    serve.add_argument("--token", default=DEFAULT_TOKEN, help="the PAT clients must send")
    serve.add_argument("--speed", type=float, default=1.0, help="run time passes this much faster")
    serve.add_argument("--task-seconds", type=float, default=5.0, help="default task duration")
    serve.add_argument("--backend", default="asyncio", choices=["asyncio", "trio"])
    return parser


async def _serve(args: argparse.Namespace) -> None:
    emulator = Emulator(
        ScaledClock(args.speed),
        tokens=[args.token],
        timings=Timings(task=args.task_seconds),
    )
    async with emulator.serve(args.host, args.port) as url:
        print(f"DATABRICKS_HOST={url}", flush=True)
        print(f"DATABRICKS_TOKEN={args.token}", flush=True)
        print(f"DATABRICKS_CLIENT_ID={DEFAULT_CLIENT[0]}", flush=True)
        print(f"DATABRICKS_CLIENT_SECRET={DEFAULT_CLIENT[1]}", flush=True)
        await anyio.sleep_forever()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    try:
        anyio.run(_serve, args, backend=args.backend)
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
