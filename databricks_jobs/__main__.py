"""``python -m databricks_jobs``: the demo (default), or ``config`` to show the configuration.

``python -m databricks_jobs [demo] [--host URL | --profile NAME] [--speed N]`` runs the demo
against a local emulator it starts itself (or a real workspace). ``python -m databricks_jobs
config`` shows the version, the transports and the configuration a `Workspace` would
resolve, without any network request: exit status 0 when it resolves, 2 otherwise.
"""

from __future__ import annotations

import sys

from ._config import resolve_config
from ._errors import ConfigError
from ._version import __version__


def main(argv: list[str] | None = None) -> int:
    """Run the demo or show the configuration."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["config"]:
        return show_config()
    if args[:1] == ["demo"]:
        args = args[1:]
    from ._demo import main as demo

    return demo(args, sys.stdout)


def show_config() -> int:
    """Print what a `Workspace.from_env()` would use, secrets masked."""
    import os

    print(f"brickjobs {__version__}")
    try:
        import aiohttp  # noqa: F401
    except ImportError:  # pragma: no cover - aiohttp is a core dependency
        print("transports: httpx (aiohttp not installed)")
    else:
        print("transports: aiohttp on asyncio (default), httpx on trio or when chosen")
    try:
        config = resolve_config({}, os.environ)
    except ConfigError as exc:
        print(f"configuration: not resolved: {exc}")
        print("set DATABRICKS_HOST and DATABRICKS_TOKEN, or write a ~/.databrickscfg profile")
        return 2
    print("configuration:")
    for key, value in config.describe().items():
        print(f"  {key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
