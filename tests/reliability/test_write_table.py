"""The write table is one: the code's (`_writes.WRITES`), the docs' and the tests' agree.

docs/errors.md shows the table to users; `tests/reliability/writes.py` drives every
row in the transport tests and the property test. A row changed in one place and not the
others fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

from databricks_jobs._writes import WRITES, Repeat, safe_to_repeat

from .writes import OPERATIONS

PAGE = Path(__file__).parents[2] / "docs" / "errors.md"
ROW = re.compile(r"^\| `(?P<op>[a-z_.]+)` \| `(?P<method>[A-Z]+) (?P<endpoint>[^`]+)` \| "
                 r"(?P<repeat>[^|]+) \| (?P<why>[^|]+) \|$")  # fmt: skip


def plain(text: str) -> str:
    """A text without the marks the page adds (backticks, quotes, a closing full stop)."""
    return re.sub(r"[`\"']", "", text).strip().rstrip(".")


def documented() -> dict[str, dict[str, str]]:
    rows = {}
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            rows[match["op"]] = match.groupdict()
    return rows


def test_the_docs_show_every_row_as_the_code_has_it() -> None:
    rows = documented()
    assert set(rows) == {w.operation for w in WRITES}
    for write in WRITES:
        row = rows[write.operation]
        assert row["method"] == write.method
        assert row["endpoint"].replace("{id}", "*") == write.endpoint
        expected = {
            Repeat.CONVERGENT: "convergent",
            Repeat.UNSAFE: "not safe to repeat",
        }[write.repeat]
        if write.safe_with == "idempotency_token":
            expected = "safe with its idempotency token"
        elif write.safe_with is not None:
            expected = f"not safe to repeat; safe with {write.safe_with}=True"
        assert plain(row["repeat"]) == expected, write.operation
        assert plain(row["why"]) == plain(write.why), write.operation


def test_the_tests_drive_every_row_as_the_table_says() -> None:
    driven = {op.operation for op in OPERATIONS.values()}
    assert driven == {w.operation for w in WRITES}
    for op in OPERATIONS.values():
        endpoint = op.counter if "/" in op.counter else "permissions/jobs/*"
        body = {"validate_only": True} if "validate_only" in op.name else {}
        if op.kind == "token":
            body = {"idempotency_token": "t"}
            assert not safe_to_repeat(op.method, endpoint, {})  # without one, a duplicate
        assert safe_to_repeat(op.method, endpoint, body) is (op.kind != "unsafe"), op.name
