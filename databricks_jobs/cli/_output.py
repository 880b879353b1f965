"""Where output goes: JSON for scripts (``--json``) or rich text for people, stdout or stderr."""

from __future__ import annotations

import json
import sys
from typing import Any

import attrs
from rich.console import Console

from databricks_jobs import to_dict

__all__ = ["Output", "as_data"]


def as_data(value: Any) -> Any:
    """A model, a list of models, or plain data as JSON-ready data."""
    if isinstance(value, list | tuple):
        return [as_data(item) for item in value]
    if isinstance(value, dict):
        return {key: as_data(item) for key, item in value.items()}
    if attrs.has(type(value)):
        try:
            return to_dict(value)
        except (TypeError, ValueError):
            return {k: as_data(v) for k, v in attrs.asdict(value, recurse=False).items()}
    return value


def _console(stream: Any) -> Console:
    interactive = bool(getattr(stream, "isatty", lambda: False)())
    # Piped output is not wrapped at 80 columns: a line per row, whole.
    return Console(file=stream, width=None if interactive else 200, highlight=False)


@attrs.define
class Output:
    """The command's output channels, made when the command runs (so tests can capture them)."""

    json_mode: bool = False
    out: Console = attrs.field(factory=lambda: _console(sys.stdout))
    err: Console = attrs.field(factory=lambda: _console(sys.stderr))

    def emit_json(self, value: Any) -> None:
        """Print `value` as one JSON document on stdout."""
        print(json.dumps(as_data(value), indent=2, default=str), file=self.out.file, flush=True)

    def emit_json_line(self, value: Any) -> None:
        """Print `value` as one compact JSON line on stdout."""
        print(json.dumps(as_data(value), default=str), file=self.out.file, flush=True)

    def result(self, data: Any, line: str) -> None:
        """Report what a command did: `data` as JSON with ``--json``, else `line` for people."""
        if self.json_mode:
            self.emit_json(data)
        else:
            self.say(line)

    def say(self, text: str) -> None:
        """A plain line for people on stdout (not parsed as markup)."""
        self.out.print(text, markup=False, highlight=False, soft_wrap=True)

    def note(self, text: str) -> None:
        """A plain line for people on stderr (status while scripts read stdout)."""
        self.err.print(text, markup=False, highlight=False, soft_wrap=True)
