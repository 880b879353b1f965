"""The README, SECURITY.md, CONTRIBUTING.md and docs/ point only at files of this repository.

A fresh clone holds nothing beside the repository: a link or a file name in backticks must
name a file in it. Links on the site are checked in the built HTML (tools/docs/check_site.py);
these checks cover the pages as GitHub shows them too, and the file names written as code.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

import pytest

from .code_blocks import ROOT

PAGES = [
    ROOT / "README.md",
    ROOT / "SECURITY.md",
    ROOT / "CONTRIBUTING.md",
    *sorted((ROOT / "docs").rglob("*.md")),
]
_LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)")
_CODE_PATH = re.compile(
    r"`(?P<path>[\w./-]+\.(?:md|py|toml|json|ya?ml|cfg|txt))`"  # `tools/gen_models.py`
    r"|(?<![\w/.`])(?P<doc>[A-Z][A-Z_]+\.md)\b"  # DESIGN.md, as plain text
)
_FENCE = re.compile(r"^```.*?^```", re.S | re.M)


@cache
def _repository_files() -> tuple[str, ...]:
    """The files of the checkout, without hidden folders, virtualenvs and build output."""
    skipped = {"site", "build", "dist", "venv", "node_modules", "__pycache__"}
    found = []
    for folder, folders, files in os.walk(ROOT):
        folders[:] = [f for f in folders if not f.startswith(".") and f not in skipped]
        base = Path(folder).relative_to(ROOT)
        found.extend((base / name).as_posix() for name in files)
    return tuple(found)


def _exists(name: str) -> bool:
    """A path from the root, or the end of one (``_aiohttp.py``, ``models/_reference.py``)."""
    name = name.removeprefix("./")
    return any(f == name or f.endswith("/" + name) for f in _repository_files())


def _prose(page: Path) -> str:
    """The page without its code blocks (a block may show any file name)."""
    return _FENCE.sub("", page.read_text(encoding="utf-8"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_name_files_of_the_repository(page: Path) -> None:
    broken = []
    for match in _LINK.finditer(_prose(page)):
        target = match.group("target").split("#")[0]
        if not target or re.match(r"[a-z]+:", target):
            continue
        if not (page.parent / target).resolve().exists():
            broken.append(target)
    assert broken == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_file_names_are_files_of_the_repository(page: Path) -> None:
    names = {m.group("path") or m.group("doc") for m in _CODE_PATH.finditer(_prose(page))}
    missing = sorted(name for name in names if not _exists(name))
    assert missing == [], "not in the repository (say what they hold instead)"
