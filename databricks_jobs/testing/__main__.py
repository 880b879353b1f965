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
    parser = argparse.ArgumentParser(
        prog="python -m databricks_jobs.testing",
        description="The local Jobs API emulator of brickjobs, as a server of its own.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the emulator over HTTP until interrupted")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8765, help="port (0 picks a free one)")
    serve.add_argument("--token", default=DEFAULT_TOKEN, help="the PAT clients must send")
    serve.add_argument(
        "--speed",
        type=float,
        default=1.0,
        help="simulated time runs this many times faster than real time (default 1)",
    )
    serve.add_argument(
        "--task-seconds",
        type=float,
        default=5.0,
        help="default task duration in simulated seconds (default 5)",
    )
    serve.add_argument("--backend", default="asyncio", choices=["asyncio", "trio"])
    serve.add_argument(
        "--no-serverless",
        dest="serverless",
        action="store_false",
        help="a workspace without serverless compute: tasks must name their cluster",
    )
    return parser


def _emulator(args: argparse.Namespace) -> Emulator:
    return Emulator(
        ScaledClock(args.speed),
        tokens=[args.token],
        timings=Timings(task=args.task_seconds),
        serverless=args.serverless,
    )


async def _serve(args: argparse.Namespace) -> None:
    emulator = _emulator(args)
    async with emulator.serve(args.host, args.port) as url:
        print(export_block(url, args.token, args.speed), flush=True)
        await anyio.sleep_forever()


def export_block(url: str, token: str, speed: float) -> str:
    """What `serve` prints: shell lines that point a client at the emulator, one auth method.

    Exporting a token and an OAuth client together would configure two auth methods, which
    clients refuse; the OAuth lines are therefore comments, to use in place of the token.
    """
    client_id, client_secret = DEFAULT_CLIENT
    return "\n".join(
        [
            f"# brickjobs emulator at {url}",
            f"# simulated time runs {speed:g}x real time (--speed)",
            "# Paste into a shell to point a client at it with a personal access token:",
            f"export DATABRICKS_HOST={url}",
            f"export DATABRICKS_TOKEN={token}",
            "# Or OAuth M2M instead: `unset DATABRICKS_TOKEN`, then",
            f"# export DATABRICKS_CLIENT_ID={client_id}",
            f"# export DATABRICKS_CLIENT_SECRET={client_secret}",
        ]
    )


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
