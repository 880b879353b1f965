"""`Runs` (``ws.runs``): submit, read, list, outputs, cancel, delete, repair, and waiting."""

from __future__ import annotations

import inspect
import logging
import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Final, TypeAlias

import attrs

from .._api import ApiClient
from .._config import Seconds
from .._errors import (
    DatabricksError,
    InvalidParameterValue,
    RateBudgetExhausted,
    RunFailed,
    ServerError,
    SpecError,
    TooManyRequests,
    TransportError,
    WaitTimeout,
)
from .._outcome import RunOutcome, run_outcome
from .._pagination import Paginator, merge_run_page
from .._serde import to_dict
from .._types import QueryValue
from ..models import (
    BaseRun,
    ExportRunOutput,
    PerformanceTarget,
    PipelineParams,
    RepairRun,
    RepairRunResponse,
    Run,
    RunOutput,
    RunType,
    SubmitRun,
    SubmitRunResponse,
    ViewsToExport,
)
from ._common import (
    StartedRun,
    as_dict,
    as_list,
    check_page_size,
    check_positive_id,
    check_spec,
    enum_text,
    new_idempotency_token,
    required_id,
    wait_times,
)

__all__ = ["Runs", "UpdateCallback", "failed_tasks"]

UpdateCallback: TypeAlias = Callable[[Run], Awaitable[None] | None]
"""Called with every run a wait polls (a plain function or a coroutine function)."""

logger = logging.getLogger("databricks_jobs.wait")

BASE: Final = "/api/2.2/jobs/runs"
RUNS_PAGE_LIMIT: Final = (1, 25)
_MULTI_TASK_OUTPUT = ("multiple tasks", "multi-task", "multitask")
_TRANSIENT: Final = (TransportError, ServerError, TooManyRequests, RateBudgetExhausted)
"""Errors a wait outlives: it reads again after the next pause, until its deadline."""


class Runs:
    """Job runs: ``ws.runs``. Every method is a coroutine except `list` (an async iterator)."""

    def __init__(self, api: ApiClient, *, validate: bool = True) -> None:
        self._api = api
        self._validate = validate

    # --- starting ---------------------------------------------------------------------------

    async def submit(
        self,
        run: SubmitRun,
        *,
        idempotency_token: str | None = None,
        validate: bool | None = None,
    ) -> StartedRun:
        """Submit a one-time run (``runs/submit``) and return its id and idempotency token.

        A token is generated unless given here or on `run`; every retry of this call reuses
        it, so a retry can never start a second run. `validate=False` skips the client-side
        checks.
        """
        token = idempotency_token or run.idempotency_token or new_idempotency_token()
        spec = attrs.evolve(run, idempotency_token=token)
        check_spec(spec, validate_by_default=self._validate, choice=validate)

        def started(response: SubmitRunResponse) -> StartedRun:
            # Made inside the call: an answer without a run id is an error that carries the
            # token and says the run may exist.
            return StartedRun(
                run_id=required_id(response.run_id, "run_id"), idempotency_token=token
            )

        return await self._api.call(
            "POST", f"{BASE}/submit", body=to_dict(spec), into=SubmitRunResponse, then=started
        )

    async def submit_and_wait(
        self,
        run: SubmitRun,
        *,
        idempotency_token: str | None = None,
        timeout: Seconds | None = None,
        poll: Seconds = 2.0,
        raise_on_failure: bool = True,
        cancel_on_timeout: bool = False,
        validate: bool | None = None,
    ) -> Run:
        """Submit a run and wait for it to finish (see `wait`)."""
        wait_times(timeout, poll)
        started = await self.submit(run, idempotency_token=idempotency_token, validate=validate)
        return await self.wait(
            started.run_id,
            timeout=timeout,
            poll=poll,
            raise_on_failure=raise_on_failure,
            cancel_on_timeout=cancel_on_timeout,
        )

    # --- reading ----------------------------------------------------------------------------

    async def get(
        self,
        run_id: int,
        *,
        include_history: bool | None = None,
        include_resolved_values: bool | None = None,
    ) -> Run:
        """Return a run, whole.

        The 2.2 pages of its arrays (tasks or for-each iterations, job clusters, parameters,
        repair history) are fetched and merged.
        """
        run_id = check_positive_id(run_id, name="run_id")
        query: dict[str, QueryValue] = {
            "run_id": run_id,
            "include_history": include_history,
            "include_resolved_values": include_resolved_values,
        }

        return await self._api.get_whole(f"{BASE}/get", query, merge=merge_run_page, into=Run)

    def list(
        self,
        *,
        job_id: int | None = None,
        active_only: bool | None = None,
        completed_only: bool | None = None,
        run_type: RunType | str | None = None,
        start_time_from: int | None = None,
        start_time_to: int | None = None,
        expand_tasks: bool | None = None,
        limit: int | None = None,
        max_items: int | None = None,
    ) -> Paginator[BaseRun]:
        """Iterate over runs, newest first, following page tokens lazily.

        `limit` is the page size (1 to 25); `max_items` caps the total. With `expand_tasks`,
        a run whose arrays were cut at 100 elements is fetched whole.
        """
        if active_only and completed_only:
            raise SpecError("give active_only or completed_only, not both", field="active_only")
        check_page_size(limit, name="limit", low=RUNS_PAGE_LIMIT[0], high=RUNS_PAGE_LIMIT[1])
        query: dict[str, QueryValue] = {
            "job_id": job_id if job_id is None else check_positive_id(job_id, name="job_id"),
            "active_only": active_only,
            "completed_only": completed_only,
            "run_type": enum_text(run_type),
            "start_time_from": start_time_from,
            "start_time_to": start_time_to,
            "expand_tasks": expand_tasks,
            "limit": limit,
        }

        async def complete(item: dict[str, Any]) -> dict[str, Any]:
            if not (expand_tasks and item.get("has_more") and item.get("run_id")):
                return item
            whole = to_dict(await self.get(int(item["run_id"])))
            for key in ("tasks", "job_clusters", "job_parameters", "repair_history"):
                if key in whole:
                    item[key] = whole[key]
            item.pop("has_more", None)
            return item

        return self._api.paginate(
            f"{BASE}/list",
            query,
            items_key="runs",
            into=BaseRun,
            complete=complete,
            max_items=max_items,
        )

    async def get_output(self, run_id: int) -> RunOutput:
        """Return the output of a task run (``runs/get-output``).

        Takes the run id of a *task* run (``run.tasks[i].run_id``); the id of a multi-task
        run raises `InvalidParameterValue` saying so.
        """
        run_id = check_positive_id(run_id, name="run_id")
        try:
            return await self._api.call(
                "GET", f"{BASE}/get-output", query={"run_id": run_id}, into=RunOutput
            )
        except InvalidParameterValue as exc:
            if any(marker in exc.message.lower() for marker in _MULTI_TASK_OUTPUT):
                exc.add_note(
                    f"run {run_id} has several tasks: get_output takes the run_id of one task "
                    "run (run.tasks[i].run_id)"
                )
            raise

    async def export(
        self, run_id: int, *, views_to_export: ViewsToExport | str | None = None
    ) -> ExportRunOutput:
        """Export a task run's notebook or dashboard views (``runs/export``)."""
        run_id = check_positive_id(run_id, name="run_id")
        query = {"run_id": run_id, "views_to_export": enum_text(views_to_export)}
        return await self._api.call("GET", f"{BASE}/export", query=query, into=ExportRunOutput)

    # --- changing ---------------------------------------------------------------------------

    async def cancel(self, run_id: int) -> None:
        """Ask for a run to be cancelled (asynchronous: `wait` for it to end)."""
        run_id = check_positive_id(run_id, name="run_id")
        await self._api.call("POST", f"{BASE}/cancel", body={"run_id": run_id})

    async def delete(self, run_id: int) -> None:
        """Delete a run that is not active."""
        run_id = check_positive_id(run_id, name="run_id")
        await self._api.call("POST", f"{BASE}/delete", body={"run_id": run_id})

    async def repair(
        self,
        run_id: int,
        *,
        rerun_tasks: Sequence[str] | None = None,
        rerun_all_failed_tasks: bool | None = None,
        rerun_dependent_tasks: bool | None = None,
        latest_repair_id: int | None = None,
        job_parameters: Mapping[str, str] | None = None,
        pipeline_params: PipelineParams | None = None,
        performance_target: PerformanceTarget | str | None = None,
        duration_target: str | None = None,
        notebook_params: Mapping[str, str] | None = None,
        jar_params: Sequence[str] | None = None,
        python_params: Sequence[str] | None = None,
        python_named_params: Mapping[str, str] | None = None,
        spark_submit_params: Sequence[str] | None = None,
        sql_params: Mapping[str, str] | None = None,
        dbt_commands: Sequence[str] | None = None,
        validate: bool | None = None,
    ) -> int:
        """Re-run some tasks of a run and return the repair id.

        Give `rerun_tasks` or `rerun_all_failed_tasks`. `latest_repair_id` is read from the
        run's repair history when not given. A repair has no idempotency token, so an
        ambiguous failure raises `OutcomeUnknown` instead of being retried.
        `validate=False` skips the client-side checks of the body.
        """
        run_id = check_positive_id(run_id, name="run_id")
        if (rerun_tasks is None) == (not rerun_all_failed_tasks):
            raise SpecError(
                "give exactly one of rerun_tasks or rerun_all_failed_tasks", field="rerun_tasks"
            )
        if latest_repair_id is None:
            latest_repair_id = await self._latest_repair_id(run_id)
        body = RepairRun(
            run_id=run_id,
            rerun_tasks=list(rerun_tasks) if rerun_tasks is not None else None,
            rerun_all_failed_tasks=rerun_all_failed_tasks,
            rerun_dependent_tasks=rerun_dependent_tasks,
            latest_repair_id=latest_repair_id,
            job_parameters=dict(job_parameters) if job_parameters is not None else None,
            pipeline_params=pipeline_params,
            performance_target=performance_target,
            duration_target=duration_target,
            notebook_params=as_dict(notebook_params),
            jar_params=as_list(jar_params),
            python_params=as_list(python_params),
            python_named_params=as_dict(python_named_params),
            spark_submit_params=as_list(spark_submit_params),
            sql_params=as_dict(sql_params),
            dbt_commands=as_list(dbt_commands),
        )
        check_spec(body, validate_by_default=self._validate, choice=validate)
        return await self._api.call(
            "POST",
            f"{BASE}/repair",
            body=to_dict(body),
            into=RepairRunResponse,
            then=lambda repair: required_id(repair.repair_id, "repair_id"),
        )

    async def _latest_repair_id(self, run_id: int) -> int | None:
        run = await self.get(run_id, include_history=True)
        repairs = [
            item.id
            for item in run.repair_history or []
            if item.id is not None and enum_text(item.type) == "REPAIR"
        ]
        return repairs[-1] if repairs else None

    # --- waiting ----------------------------------------------------------------------------

    async def wait(
        self,
        run_id: int,
        *,
        timeout: Seconds | None = None,
        poll: Seconds = 2.0,
        max_poll: Seconds = 30.0,
        raise_on_failure: bool = True,
        cancel_on_timeout: bool = False,
        on_update: UpdateCallback | None = None,
    ) -> Run:
        """Wait until a run ends and return it, whole.

        Polls ``runs/get`` every `poll` seconds, growing by half each time up to `max_poll`,
        with jitter, on the Workspace clock; `on_update` (sync or async) sees every polled
        run. Once the run has ended, it is read whole (every 2.2 array page). Transient
        errors of any of these reads are retried under the retry policy and then tolerated
        until the deadline. Raises `RunFailed` (carrying the run and the failed tasks with
        their messages) when the run ends other than in success, unless `raise_on_failure`
        is False, and `WaitTimeout` (carrying the last run seen, the last error as its
        cause) after `timeout` seconds; None waits as long as it takes. With
        `cancel_on_timeout` a run still going at the deadline is cancelled; a cancel that
        fails is on the `WaitTimeout` (`cancel_error`), never raised in its place.
        Cancelling the task that awaits never cancels the run.
        """
        run_id = check_positive_id(run_id, name="run_id")
        limit, interval, ceiling = wait_times(timeout, poll, max_poll)
        # One span for the whole wait, its polls beneath it (sampled when many: _telemetry).
        telemetry = self._api.telemetry
        with telemetry.operation("runs.wait", {"databricks.run_id": run_id}) as operation:
            clock = self._api.clock
            deadline = None if limit is None else clock.now() + limit
            last: Run | None = None
            ended: RunOutcome | None = None  # what the run ended in, once a poll saw it end
            failure: DatabricksError | None = None  # the transient error of the latest read
            while True:
                try:
                    if ended is not None:
                        run = await self.get(run_id)
                        operation.outcome = "succeeded" if ended.succeeded else "failed"
                        return self._result(run_id, run, ended, raise_on_failure)
                    last = await self._poll(run_id)
                except _TRANSIENT as exc:
                    failure = exc
                    logger.debug("run %d: reading it failed (%s); trying again", run_id, exc)
                else:
                    failure = None
                    if on_update is not None:
                        result = on_update(last)
                        if inspect.isawaitable(result):
                            await result
                    outcome = run_outcome(last)
                    if outcome.finished:
                        ended = outcome
                        continue  # read it whole at once
                now = clock.now()
                if deadline is not None and now >= deadline:
                    assert limit is not None
                    timed_out = await self._timed_out(
                        run_id, limit, last, ended, failure, cancel=cancel_on_timeout
                    )
                    raise timed_out from failure
                pause = interval * random.uniform(0.9, 1.1)
                if deadline is not None:
                    pause = min(pause, deadline - now)
                await self._api.pause(pause)  # ends at once when the Workspace closes
                interval = min(ceiling, interval * 1.5)

    async def _poll(self, run_id: int) -> Run:
        """One poll: only the first page (the state is at the root)."""
        return await self._api.call("GET", f"{BASE}/get", query={"run_id": run_id}, into=Run)

    def _result(self, run_id: int, run: Run, outcome: RunOutcome, raise_on_failure: bool) -> Run:
        if raise_on_failure and not outcome.succeeded:
            failed = failed_tasks(run)
            where = f" ({run.run_page_url})" if run.run_page_url else ""
            tasks = f"; failed tasks: {', '.join(failed)}" if failed else ""
            raise RunFailed(
                f"run {run_id} {outcome.describe()}{tasks}{where}",
                run=run,
                outcome=outcome,
                failed_tasks=failed,
            )
        return run

    async def _timed_out(
        self,
        run_id: int,
        limit: float,
        last: Run | None,
        ended: RunOutcome | None,
        failure: DatabricksError | None,
        *,
        cancel: bool,
    ) -> WaitTimeout:
        """The `WaitTimeout` of a wait; cancels a run still going when asked to."""
        if ended is not None:  # never cancel a run that has ended
            return WaitTimeout(
                f"run {run_id} ended ({ended.describe()}), but reading it whole kept failing "
                f"until the deadline of {limit:g} s: {failure}",
                run=last,
            )
        message = f"run {run_id} did not finish within {limit:g} s"
        if failure is not None:
            message += f" (the last poll failed: {failure})"
        if not cancel:
            return WaitTimeout(message, run=last)
        try:
            await self.cancel(run_id)
        except DatabricksError as exc:
            return WaitTimeout(
                f"{message}; cancelling it failed: {exc}", run=last, cancel_error=exc
            )
        return WaitTimeout(f"{message} (cancelled)", run=last)

    async def repair_and_wait(
        self,
        run_id: int,
        *,
        rerun_tasks: Sequence[str] | None = None,
        rerun_all_failed_tasks: bool | None = None,
        rerun_dependent_tasks: bool | None = None,
        job_parameters: Mapping[str, str] | None = None,
        timeout: Seconds | None = None,
        poll: Seconds = 2.0,
        raise_on_failure: bool = True,
        on_update: UpdateCallback | None = None,
        validate: bool | None = None,
    ) -> Run:
        """Repair a run (see `repair`) and wait for the repaired run to finish."""
        wait_times(timeout, poll)
        await self.repair(
            run_id,
            rerun_tasks=rerun_tasks,
            rerun_all_failed_tasks=rerun_all_failed_tasks,
            rerun_dependent_tasks=rerun_dependent_tasks,
            job_parameters=job_parameters,
            validate=validate,
        )
        return await self.wait(
            run_id,
            timeout=timeout,
            poll=poll,
            raise_on_failure=raise_on_failure,
            on_update=on_update,
        )

    async def cancel_and_wait(
        self, run_id: int, *, timeout: Seconds | None = None, poll: Seconds = 2.0
    ) -> Run:
        """Cancel a run and wait until it has ended; return it (no `RunFailed`)."""
        wait_times(timeout, poll)
        await self.cancel(run_id)
        return await self.wait(run_id, timeout=timeout, poll=poll, raise_on_failure=False)


def failed_tasks(run: Run) -> dict[str, str | None]:
    """Map each task of `run` that ended other than in success to its error message.

    Tasks are read as decoding kept them: a task list that is not a list, or a task key that
    is not text (a broken server's answer), contributes nothing rather than an error.
    """
    failed: dict[str, str | None] = {}
    tasks = run.tasks if isinstance(run.tasks, list) else []
    for task in tasks:
        key = getattr(task, "task_key", None)
        outcome = run_outcome(task)
        if outcome.finished and not outcome.succeeded and isinstance(key, str) and key:
            failed[key] = outcome.message
    return failed
