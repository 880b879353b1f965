"""Invalid specs and arguments are refused before anything is sent, naming the field.

Each is refused with `SpecError` (a `ValueError` too) naming the field; nothing else escapes.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import attrs
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from databricks_jobs import ApiError, SpecError, VirtualClock, Workspace, bulk
from databricks_jobs.models import (
    AutoScale,
    ClusterSpec,
    CronSchedule,
    JobCluster,
    JobSettings,
    NotebookTask,
    SparkPythonTask,
    SpecWarning,
    SubmitRun,
    SubmitTask,
    Task,
)

CLUSTER = ClusterSpec(spark_version="16.4.x-scala2.12", num_workers=1)


def quiet_workspace(sent: list[httpx.Request]) -> Workspace:
    """A Workspace whose every request is recorded (and answered with nothing useful)."""

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(500, text="no request should have been sent")

    return Workspace(
        host="https://example.cloud.databricks.com",
        token="t",
        transport=httpx.MockTransport(handler),
        clock=VirtualClock(),
        env={},
    )


@st.composite
def valid_jobs(draw: st.DrawFn) -> JobSettings:
    """A valid job: 1-8 tasks, each depending only on earlier ones, on a shared cluster."""
    count = draw(st.integers(1, 8))
    keys = [f"t{i}" for i in range(count)]
    tasks = []
    for i, key in enumerate(keys):
        deps = draw(st.lists(st.sampled_from(keys[:i]), unique=True, max_size=3)) if i else []
        tasks.append(
            Task(
                task_key=key,
                job_cluster_key="shared",
                notebook_task=NotebookTask(notebook_path=f"/n/{key}"),
                depends_on=deps or None,
            )
        )
    return JobSettings(
        name=draw(st.text(min_size=1, max_size=20)),
        job_clusters=[JobCluster(job_cluster_key="shared", new_cluster=CLUSTER)],
        tasks=tasks,
    )


def _replace_task(job: JobSettings, index: int, **changes: Any) -> JobSettings:
    tasks = list(job.tasks or [])
    tasks[index] = attrs.evolve(tasks[index], **changes)
    return attrs.evolve(job, tasks=tasks)


def _cycle(job: JobSettings) -> JobSettings:
    """The first task depends on the last, and the last on the first."""
    tasks = list(job.tasks or [])
    first, last = tasks[0].task_key, tasks[-1].task_key
    tasks[0] = attrs.evolve(tasks[0], depends_on=[last])
    tasks[-1] = attrs.evolve(tasks[-1], depends_on=[first])
    return attrs.evolve(job, tasks=tasks)


Breaker = Callable[[JobSettings, int], tuple[JobSettings, str]]

BREAKERS: dict[str, Breaker] = {
    "duplicate key": lambda j, i: (
        attrs.evolve(j, tasks=[*(j.tasks or []), (j.tasks or [])[i]]),
        "task_key",
    ),
    "missing dependency": lambda j, i: (
        _replace_task(j, i, depends_on=["no-such-task"]),
        f"tasks[{i}].depends_on",
    ),
    "self dependency": lambda j, i: (
        _replace_task(j, i, depends_on=[(j.tasks or [])[i].task_key]),
        "depends_on",
    ),
    "task key with a space": lambda j, i: (_replace_task(j, i, task_key=f"t {i}"), "task_key"),
    "empty task key": lambda j, i: (_replace_task(j, i, task_key=""), "task_key"),
    "undefined environment": lambda j, i: (
        _replace_task(j, i, job_cluster_key=None, environment_key="nowhere"),
        f"tasks[{i}].environment_key",
    ),
    "undefined job cluster": lambda j, i: (
        _replace_task(j, i, job_cluster_key="nowhere"),
        f"tasks[{i}].job_cluster_key",
    ),
    "autoscale upside down": lambda j, i: (
        attrs.evolve(
            j,
            job_clusters=[
                JobCluster(
                    job_cluster_key="shared",
                    new_cluster=attrs.evolve(
                        CLUSTER,
                        num_workers=None,
                        autoscale=AutoScale(min_workers=4 + i, max_workers=4),
                    ),
                )
            ],
        ),
        "autoscale",
    ),
    "too many tags": lambda j, i: (
        attrs.evolve(j, tags={f"k{n}": "v" for n in range(26 + i)}),
        "tags",
    ),
    "missing task key": lambda j, i: (_replace_task(j, i, task_key=None), "task_key"),
    "name too long": lambda j, i: (attrs.evolve(j, name="n" * (4097 + i)), "name"),
    "not a cron": lambda j, i: (
        attrs.evolve(
            j, schedule=CronSchedule(quartz_cron_expression="not a cron", timezone_id="UTC")
        ),
        "schedule.quartz_cron_expression",
    ),
    "dependency cycle": lambda j, i: (_cycle(j), "depends_on"),
}

# What the service may accept: warned about (`SpecWarning`), and sent.
UNCERTAIN: dict[str, Breaker] = {
    "two task kinds": lambda j, i: (
        _replace_task(j, i, spark_python_task=SparkPythonTask(python_file="f.py")),
        f"tasks[{i}]",
    ),
    "no task kind": lambda j, i: (_replace_task(j, i, notebook_task=None), f"tasks[{i}]"),
    "two compute choices": lambda j, i: (
        _replace_task(j, i, existing_cluster_id="0101-abc"),
        f"tasks[{i}].job_cluster_key",
    ),
    "workers and autoscale": lambda j, i: (
        attrs.evolve(
            j,
            job_clusters=[
                JobCluster(
                    job_cluster_key="shared",
                    new_cluster=attrs.evolve(
                        CLUSTER, autoscale=AutoScale(min_workers=1, max_workers=4)
                    ),
                )
            ],
        ),
        "job_clusters[0].new_cluster.autoscale",
    ),
}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(job=valid_jobs(), breaker=st.sampled_from(sorted(BREAKERS)), data=st.data())
def test_invalid_specs_are_refused_before_sending(
    job: JobSettings, breaker: str, data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(job.tasks or []) - 1))
    broken, field = BREAKERS[breaker](job, index)
    sent: list[httpx.Request] = []

    async def attempt() -> None:
        async with quiet_workspace(sent) as ws:
            for send in (ws.jobs.create, lambda s: ws.jobs.reset(1, s)):
                with pytest.raises(SpecError) as caught:
                    await send(broken)
                assert caught.value.field is not None
                assert field in caught.value.field, (breaker, caught.value)

    anyio.run(attempt)
    assert sent == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(job=valid_jobs(), uncertain=st.sampled_from(sorted(UNCERTAIN)), data=st.data())
def test_uncertain_specs_are_warned_about_and_sent(
    job: JobSettings, uncertain: str, data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(job.tasks or []) - 1))
    odd, field = UNCERTAIN[uncertain](job, index)
    sent: list[httpx.Request] = []

    async def attempt() -> None:
        async with quiet_workspace(sent) as ws:
            with pytest.warns(SpecWarning) as record, pytest.raises(ApiError):
                await ws.jobs.reset(1, odd)  # sent: the fake service answers 500
            fields = [w.message.field for w in record if isinstance(w.message, SpecWarning)]
            assert f"new_settings.{field}" in fields, fields

    anyio.run(attempt)
    assert len(sent) >= 1


Call = Callable[[Workspace], Awaitable[object] | object]

BAD_ARGUMENTS: dict[str, tuple[Call, str]] = {
    "jobs page size": (lambda ws: ws.jobs.list(limit=101), "limit"),
    "runs page size": (lambda ws: ws.runs.list(limit=0), "limit"),
    "active and completed": (
        lambda ws: ws.runs.list(active_only=True, completed_only=True),
        "active_only",
    ),
    "job id zero": (lambda ws: ws.jobs.get(0), "job_id"),
    "negative run id": (lambda ws: ws.runs.get(-4), "run_id"),
    "text run id": (lambda ws: ws.runs.cancel("abc"), "run_id"),  # type: ignore[arg-type]
    "long token": (
        lambda ws: ws.jobs.run_now(1, idempotency_token="x" * 65),
        "idempotency_token",
    ),
    "repair both": (
        lambda ws: ws.runs.repair(1, rerun_tasks=["a"], rerun_all_failed_tasks=True),
        "rerun_tasks",
    ),
    "repair neither": (lambda ws: ws.runs.repair(1), "rerun_tasks"),  # the method's own check
    "submit bad task key": (
        lambda ws: ws.runs.submit(
            SubmitRun(
                tasks=[SubmitTask(task_key="a/b", notebook_task=NotebookTask(notebook_path="/n"))]
            )
        ),
        "tasks[0].task_key",
    ),
    "cancel all of nothing": (lambda ws: ws.jobs.cancel_all_runs(), "job_id"),
    "no policy": (lambda ws: ws.jobs.list_compliance(""), "policy_id"),
    "compliance page": (lambda ws: ws.jobs.list_compliance("p", page_size=0), "page_size"),
    "bulk concurrency": (lambda ws: bulk.run_now_batch(ws, [1], concurrency=0), "concurrency"),
    "max items": (lambda ws: ws.jobs.list(max_items=-1), "max_items"),
    "wait poll": (lambda ws: ws.runs.wait(1, poll=-1), "poll"),
    "wait timeout": (lambda ws: ws.runs.wait(1, timeout=-1), "timeout"),
    "wait timeout not a number": (lambda ws: ws.runs.wait(1, timeout="soon"), "timeout"),  # type: ignore[arg-type]
    "wait max poll": (lambda ws: ws.runs.wait(1, max_poll=float("nan")), "max_poll"),
    # The *_and_wait methods check the wait before starting anything.
    "run now and wait timeout": (lambda ws: ws.jobs.run_now_and_wait(1, timeout=-1), "timeout"),
    "submit and wait poll": (
        lambda ws: ws.runs.submit_and_wait(SubmitRun(tasks=[]), poll=-1),
        "poll",
    ),
    "repair and wait timeout": (
        lambda ws: ws.runs.repair_and_wait(1, rerun_tasks=["a"], timeout=-1),
        "timeout",
    ),
    "cancel and wait timeout": (lambda ws: ws.runs.cancel_and_wait(1, timeout=-1), "timeout"),
    "bulk wait timeout": (lambda ws: anext(bulk.wait(ws, [1], timeout=-1)), "timeout"),
    "bulk wait poll": (lambda ws: anext(bulk.wait(ws, [1], poll=-5)), "poll"),
    "bulk wait fetches": (lambda ws: anext(bulk.wait(ws, [1], fetch_concurrency=0)), "fetch"),
    "bulk wait run id": (lambda ws: anext(bulk.wait(ws, [0])), "run_ids"),
}


async def _call(call: Call, ws: Workspace) -> None:
    result = call(ws)
    if isinstance(result, Awaitable):
        await result


@pytest.mark.parametrize("name", sorted(BAD_ARGUMENTS))
def test_bad_arguments_are_refused_before_sending(name: str) -> None:
    call, field = BAD_ARGUMENTS[name]
    sent: list[httpx.Request] = []

    async def attempt() -> None:
        async with quiet_workspace(sent) as ws:
            with pytest.raises(SpecError, match=re.escape(field)) as caught:
                await _call(call, ws)
        assert caught.value.field is not None
        assert caught.value.field.startswith(field)

    anyio.run(attempt)
    assert sent == []
