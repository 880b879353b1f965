"""Reading the Python code blocks of the README and docs/, and what each kind of block means.

A page's blocks run as one session, in order, in one namespace (what one block defines, the
next may use), with top-level ``await`` allowed as in ``python -m asyncio``. Two kinds of
block are not run in the session:

- a block that defines ``test_`` functions is a pytest module, run by pytest; a TOML block
  holding ``[tool.pytest.ini_options]`` shown between it and the Python block before it is
  its ``pyproject.toml`` (the pytest configuration the page tells readers to use);
- a block right after ``<!-- excerpt: PATH -->`` is a quotation of the file PATH: each part
  between lines holding only ``...`` must appear in that file, word for word (indentation
  aside: an excerpt may show a nested function at the left margin);
- a block holding only a snippet include (``--8<-- "PATH"``) shows a whole file, which is
  tested where it lives; the include must name a file that exists.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = ["ROOT", "Block", "blocks_of", "excerpt_parts", "pages", "quotes"]

ROOT = Path(__file__).resolve().parents[2]
_FENCE = re.compile(
    r"(?:^<!--\s*excerpt:\s*(?P<excerpt>\S+)\s*-->\n)?^```python\n(?P<code>.*?)^```\s*$",
    re.S | re.M,
)

_INCLUDE = re.compile(r'--8<--\s*"([^"]+)"')
_TOML = re.compile(r"^```toml\n(?P<toml>.*?)^```\s*$", re.S | re.M)


@dataclass(frozen=True)
class Block:
    """One fenced Python block: where it is, what it holds and how it is checked."""

    page: Path
    line: int
    code: str
    kind: Literal["session", "pytest", "excerpt", "include"]
    source: str | None = None
    """The file an excerpt quotes or an include shows."""
    config: str | None = None
    """A pytest module's ``pyproject.toml``, when the page shows one just before it."""

    @property
    def where(self) -> str:
        """``docs/bulk.md:12`` (a page outside the repository by its full path)."""
        page = self.page.relative_to(ROOT) if self.page.is_relative_to(ROOT) else self.page
        return f"{page}:{self.line}"


def pages() -> list[Path]:
    """The README and every page under docs/."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def blocks_of(page: Path) -> list[Block]:
    """The Python blocks of a page, in order."""
    text = page.read_text(encoding="utf-8")
    found = []
    previous_end = 0
    for match in _FENCE.finditer(text):
        between, previous_end = text[previous_end : match.start()], match.end()
        code = match.group("code")
        line = text.count("\n", 0, match.start("code")) + 1
        if match.group("excerpt"):
            found.append(Block(page, line, code, "excerpt", match.group("excerpt")))
        elif _INCLUDE.fullmatch(code.strip()):
            path = _INCLUDE.fullmatch(code.strip()).group(1)  # type: ignore[union-attr]
            found.append(Block(page, line, code, "include", path))
        elif re.search(r"^(async )?def test_", code, re.M):
            found.append(Block(page, line, code, "pytest", config=_pytest_config(between)))
        else:
            found.append(Block(page, line, code, "session"))
    return found


def _pytest_config(text: str) -> str | None:
    """The last TOML block of `text` that configures pytest, or None."""
    configs = [m.group("toml") for m in _TOML.finditer(text)]
    return configs[-1] if configs and "[tool.pytest.ini_options]" in configs[-1] else None


def excerpt_parts(code: str) -> list[str]:
    """The parts of an excerpt between its ``...`` lines, dedented, without blank edges."""
    parts = re.split(r"^[ \t]*\.\.\.[ \t]*(?:#.*)?$", code, flags=re.M)
    return [textwrap.dedent(part).strip("\n") for part in parts if part.strip()]


def quotes(source: str, part: str) -> bool:
    """True when some run of lines of `source`, dedented together, is exactly `part`."""
    lines = source.splitlines()
    wanted = part.splitlines()
    size = len(wanted)
    return any(
        textwrap.dedent("\n".join(lines[start : start + size])).splitlines() == wanted
        for start in range(len(lines) - size + 1)
    )
