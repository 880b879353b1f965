"""docs/observability.md shows the span tree the library records, and names what it emits."""

from __future__ import annotations

import re
from pathlib import Path

from databricks_jobs import _telemetry

from .span_tree import PAGE, page_block, record, render


def test_the_page_shows_the_span_tree_the_library_records() -> None:
    fresh = render(record())
    assert "databricks.jobs run-now  [INTERNAL]" in fresh
    assert "http.request.resend_count = 1" in fresh
    assert page_block(PAGE.read_text(encoding="utf-8")) == fresh, (
        "docs/observability.md is stale: python -m tests.telemetry.span_tree --write"
    )


def test_the_page_names_every_instrument() -> None:
    source = Path(_telemetry.__file__).read_text(encoding="utf-8")
    instruments = set(re.findall(r'create_(?:histogram|counter)\(\s*"([^"]+)"', source))
    assert len(instruments) == 5
    page = PAGE.read_text(encoding="utf-8")
    for name in instruments:
        assert f"| `{name}` |" in page, name
