"""The ``brickjobs`` command: everyday job operations from a terminal or a script.

Installed with the ``cli`` extra (click, rich, and pyyaml for YAML specs). Nothing here is
imported by ``import databricks_jobs``; `main` loads the command's modules when it runs.
"""

from __future__ import annotations

__all__ = ["main"]


def main(argv: list[str] | None = None) -> None:
    """Run the ``brickjobs`` command (the console script's entry point); exits."""
    try:
        from ._app import cli
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        import sys

        print(
            f"error: the command needs the cli extra ({exc.name} is missing): "
            "pip install 'brickjobs[cli]'",
            file=sys.stderr,
        )
        raise SystemExit(1) from None
    cli.main(args=argv, prog_name="brickjobs")
