"""The span tree shown in docs/observability.md: a retried run-now and a wait, as traced.

`record()` runs the scenario against the in-process emulator (virtual clock, seeded jitter)
with the SDK's in-memory exporter; `render()` draws the finished spans as a tree with their
attributes and events, leaving out what changes from run to run (request ids). The docs test
compares the page's block with a fresh rendering; regenerate the block with::

    python -m tests.telemetry.span_tree --write
"""

from __future__ import annotations

import argparse
import random
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import anyio
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from databricks_jobs import VirtualClock, Workspace
from databricks_jobs.models import JobSettings, NotebookTask, Task
from databricks_jobs.testing import DEFAULT_TOKEN, Emulator

PAGE = Path(__file__).parents[2] / "docs" / "observability.md"
START, END = "<!-- span-tree:start -->", "<!-- span-tree:end -->"
VOLATILE = {"databricks.request_id": "<request id>"}
SETTINGS = JobSettings(
    name="nightly",
    tasks=[
        Task(task_key="a", existing_cluster_id="c", notebook_task=NotebookTask(notebook_path="/a"))
    ],
)


async def scenario(provider: TracerProvider) -> None:
    emulator = Emulator(VirtualClock())
    emulator.script_task("a", duration=5)
    async with Workspace(
        host="https://adb-1234.5.azuredatabricks.net",
        token=DEFAULT_TOKEN,
        transport=emulator.transport(),
        clock=emulator.clock,
        env={},
        tracer_provider=provider,
        telemetry=True,
    ) as ws:
        job_id = await ws.jobs.create(SETTINGS)
        emulator.faults.add("503", path="jobs/run-now", times=1)
        tracer = provider.get_tracer("docs")
        # The caller's span: a web request's, say.
        with tracer.start_as_current_span("POST /jobs/{job_id}/runs", kind=SpanKind.SERVER):
            started = await ws.jobs.run_now(job_id, idempotency_token="order-7")
            await ws.runs.wait(started.run_id, poll=5, max_poll=10)


def record() -> list[ReadableSpan]:
    """Run the scenario; return its finished spans (the job's creation left out)."""
    random.seed(26)  # the wait's jitter and the retry's
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    anyio.run(scenario, provider)
    spans = list(exporter.get_finished_spans())
    create = {s.context.span_id for s in spans if s.name == "databricks.jobs create"}
    return [
        s
        for s in spans
        if s.context.span_id not in create and (s.parent is None or s.parent.span_id not in create)
    ]


def _value(key: str, value: Any) -> str:
    return VOLATILE.get(key, str(value))


def render(spans: Sequence[ReadableSpan]) -> str:
    """The spans as a tree: name, kind, attributes (sorted), events; children by start."""
    by_parent: dict[int | None, list[ReadableSpan]] = {}
    ids = {s.context.span_id for s in spans}
    for span in sorted(spans, key=lambda s: s.start_time or 0):
        parent = span.parent.span_id if span.parent and span.parent.span_id in ids else None
        by_parent.setdefault(parent, []).append(span)
    lines: list[str] = []

    def draw(span: ReadableSpan, prefix: str, last: bool, root: bool) -> None:
        branch = "" if root else ("└── " if last else "├── ")
        kind = span.kind.name
        lines.append(f"{prefix}{branch}{span.name}  [{kind}]")
        inner = prefix if root else prefix + ("    " if last else "│   ")
        children = by_parent.get(span.context.span_id, [])
        bar = "│   " if children else "    "
        for key, value in sorted((span.attributes or {}).items()):
            lines.append(f"{inner}{bar}{key} = {_value(key, value)}")
        for event in span.events:
            shown = ", ".join(f"{k}={v}" for k, v in (event.attributes or {}).items())
            shown = re.sub(r"exception\.stacktrace=.*", "exception.stacktrace=…", shown, flags=re.S)
            lines.append(f"{inner}{bar}event {event.name} ({shown})")
        for index, child in enumerate(children):
            draw(child, inner, index == len(children) - 1, False)

    for root in by_parent.get(None, []):
        draw(root, "", True, True)
    return "\n".join(lines)


def page_block(text: str) -> str:
    """The tree in the page, between its markers, without the code fence."""
    block = text.split(START, 1)[1].split(END, 1)[0]
    return block.strip().removeprefix("```text").removesuffix("```").strip("\n")


def write() -> None:
    """Rewrite the page's block with a fresh rendering."""
    text = PAGE.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    tree = render(record())
    PAGE.write_text(f"{head}{START}\n```text\n{tree}\n```\n{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="rewrite the block in the page")
    if parser.parse_args().write:
        write()
    else:
        print(render(record()))
