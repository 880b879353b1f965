"""Check the built documentation site: every internal link resolves, no include is left raw.

``python tools/docs/check_site.py [SITE_DIR]`` (default ``site``), run by ``nox -s docs`` after
``mkdocs build --strict``. The strict build warns about a broken link only in Markdown it
reads; it does not see links that themes, plugins and docstrings write, nor an include line
that a formatter rewrote (``--8 < --"file"``), which renders as text. This reads the HTML:

- every ``href`` and ``src`` that names no scheme or host must name a file of the site (a
  directory stands for its ``index.html``), and a ``#fragment`` an ``id`` or ``name`` of
  that page;
- no page's text holds a snippet include marker (``--8<--``, or one broken by spaces).

The exit status is 1, with one line per problem, when anything is wrong.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

__all__ = ["Page", "check_site", "main", "read_page"]

_INCLUDE_MARKER = re.compile(r"-{1,2}\s*8\s*<\s*-{1,2}")
"""``--8<--`` as written, and the forms a formatter makes of it (``--8 < --``)."""

_LINK_ATTRIBUTES = {"href", "src"}
_SKIPPED_TAGS = {"script", "style"}


@dataclass
class Page:
    """What the check needs of one HTML file: its links, its anchors and its visible text."""

    links: list[str] = field(default_factory=list)
    anchors: set[str] = field(default_factory=set)
    text: list[str] = field(default_factory=list)


class _Reader(HTMLParser):
    """Collects links, anchors and the text outside scripts and styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in _LINK_ATTRIBUTES and not (tag == "link" and _is_preconnect(attrs)):
                self.page.links.append(value)
            elif name == "id" or (name == "name" and tag == "a"):
                self.page.anchors.add(value)
        if tag in _SKIPPED_TAGS:
            self._skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.page.text.append(data)


def _is_preconnect(attrs: list[tuple[str, str | None]]) -> bool:
    return ("rel", "preconnect") in attrs


def read_page(html: str) -> Page:
    """Parse one HTML document."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.page


def _target(site: Path, page: Path, link: str) -> tuple[Path, str] | None:
    """The file and fragment an internal link names, or None for an external link."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc:
        return None
    path = unquote(parts.path)
    if not path:
        return page, unquote(parts.fragment)
    if path.startswith("/"):
        base = PurePosixPath("/")
    else:
        base = PurePosixPath("/", page.parent.relative_to(site).as_posix())
    resolved = PurePosixPath(_normalize(str(base / path)))
    target = site / resolved.relative_to("/")
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target, unquote(parts.fragment)


def _normalize(path: str) -> str:
    """Collapse ``.`` and ``..`` in a posix path that starts with ``/`` (never above it)."""
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
        else:
            parts.append(part)
    return "/" + "/".join(parts)


def check_site(site: Path) -> list[str]:
    """Every problem of the built site at `site`, one line each (empty when all is well)."""
    site = site.resolve()
    files = sorted(site.rglob("*.html"))
    if not files:
        return [f"{site}: no HTML pages (build the site first)"]
    pages = {path: read_page(path.read_text(encoding="utf-8")) for path in files}
    problems = []
    for path, page in pages.items():
        name = path.relative_to(site).as_posix()
        for link in page.links:
            target = _target(site, path, link)
            if target is None:
                continue
            file, fragment = target
            if not file.is_file():
                problems.append(f"{name}: broken link {link!r} (no {file.relative_to(site)})")
            elif fragment and file.suffix == ".html":
                anchors = pages[file].anchors if file in pages else set()
                if fragment not in anchors:
                    problems.append(f"{name}: broken link {link!r} (no #{fragment} there)")
        text = "".join(page.text)
        for marker in _INCLUDE_MARKER.finditer(text):
            around = text[marker.start() : marker.end() + 40].splitlines()[0]
            problems.append(f"{name}: an unresolved include: {around!r}")
    return problems


def main(argv: list[str]) -> int:
    """Check the site; print the problems; return the exit status."""
    site = Path(argv[0]) if argv else Path("site")
    problems = check_site(site)
    for problem in problems:
        print(problem)
    pages = len(list(site.rglob("*.html")))
    print(f"{pages} pages checked, {len(problems)} problems", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
