"""The in-memory workspace: jobs, runs, ids, queues and idempotency tokens, on a clock.

Run progress is lazy: every operation first calls `advance()`, which replays the run
transitions due by ``clock.now()`` in time order, so no background task is needed.
"""

from __future__ import annotations

import copy
import heapq
import itertools
import math
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from ._clock import Clock
from ._formats import (
    as_single_task,
    has_compute,
    names_task_fields,
    task_needs_compute,
    to_multi_task,
)
from ._jobs import apply_update, fill_defaults, invalid, validate_settings, validate_tasks
from ._run_inputs import (
    LEGACY_PARAMS,
    as_int,
    job_parameters,
    principal_of,
    require_int,
    select_tasks,
    tasks_to_rerun,
    without_missing_deps,
)
from ._runs import (
    RepairRecord,
    RunRecord,
    TaskRun,
    step,
    stop_run,
)
from ._scripts import TaskBehaviour, TaskContext, TaskScript, decide_behaviour
from ._versions import check_task_count
from ._wire import ApiFailure

__all__ = ["JobRecord", "Store", "Timings"]

_MAX_TOKEN = 64
# The service's words for a task (or a single-task body) with no compute where serverless
# compute is off: a 2.1 runs/submit without tasks or cluster got exactly this 400
# (github.com/databricks/cli issue 838).
NO_COMPUTE = "One of job_cluster_key, new_cluster, or existing_cluster_id must be specified."
# No public trace of the service's words for a submit with no task at all once compute is
# not the problem (serverless on, or a cluster named): ours.
NO_TASKS = "At least one task must be specified."
# The service's words for job_clusters on a job without tasks (a single-task job), checked
# against a workspace by databricks/cli's acceptance test bundle/resources/jobs/create-error.
SHARED_CLUSTERS_NEED_TASKS = "Shared job cluster feature is only supported in multi-task jobs."


@dataclass(frozen=True)
class Timings:
    """How long the phases of a task attempt last by default, in clock seconds."""

    setup: float = 1.0
    task: float = 5.0
    cleanup: float = 1.0


@dataclass
class JobRecord:
    """A job: its settings as stored (unknown fields kept) and what the service adds."""

    job_id: int
    settings: dict[str, Any]
    created_ms: int
    creator: str
    run_as: str
    acl: dict[tuple[str, str], str] = field(default_factory=dict)
    violations: dict[str, str] = field(default_factory=dict)
    queue: deque[int] = field(default_factory=deque)
    single_task: bool = False  # written in the single-task format (see _formats)


class Store:
    """Jobs and runs in memory, advanced lazily to ``clock.now()``."""

    def __init__(
        self,
        clock: Clock,
        *,
        user_name: str,
        timings: Timings,
        epoch: float,
        serverless: bool = True,
    ) -> None:
        self.clock = clock
        self.serverless = serverless
        self.user_name = user_name
        self.timings = timings
        self.setup_seconds = timings.setup
        self.cleanup_seconds = timings.cleanup
        self.epoch = epoch
        self.jobs: dict[int, JobRecord] = {}
        self.runs: dict[int, RunRecord] = {}
        self.scripts: list[TaskScript] = []
        self.applied: Counter[str] = Counter()
        self._tokens: dict[tuple[str, str], int] = {}
        self._owner: dict[int, int] = {}
        self._heap: list[tuple[float, int, int]] = []
        self._seq = itertools.count()
        self._job_ids = itertools.count(1001)
        self._run_ids = itertools.count(700_000_000_001)
        self._stepping: int | None = None
        self._active: Counter[int] = Counter()

    # --- time and ids ----------------------------------------------------------------------

    def to_ms(self, t: float) -> int:
        """Return clock time `t` as epoch milliseconds."""
        return int((self.epoch + t) * 1000)

    def new_id(self) -> int:
        """Return a fresh run id (runs, task runs and repairs share one sequence)."""
        value = next(self._run_ids)
        if self._stepping is not None:
            self._owner[value] = self._stepping
        return value

    def behaviour(self, run: RunRecord, task: TaskRun, attempt_number: int) -> TaskBehaviour:
        """Return what the next attempt of `task` does, from the scripts."""
        ctx = TaskContext(
            job_id=run.job_id,
            job_name=run.run_name,
            run_id=run.run_id,
            task_key=task.key,
            attempt_number=attempt_number,
            task=task.spec,
            iteration=task.iteration,
            input=task.input,
            repair_number=max(0, len(run.repairs) - 1),
        )
        return decide_behaviour(self.scripts, ctx, self.timings.task)

    # --- advancing ---------------------------------------------------------------------------

    def advance(self) -> float:
        """Apply every run transition due by now; return now."""
        now = self.clock.now()
        while self._heap and self._heap[0][0] <= now:
            when, _, run_id = heapq.heappop(self._heap)
            run = self.runs.get(run_id)
            if run is None or run.wake_at != when:
                continue
            self._step(run, when)
        return now

    def _step(self, run: RunRecord, t: float) -> None:
        self._stepping = run.run_id
        try:
            terminated = step(run, t, self)
        finally:
            self._stepping = None
        if math.isfinite(run.wake_at):
            heapq.heappush(self._heap, (run.wake_at, next(self._seq), run.run_id))
        if terminated and run.end_at is not None and run.job_id is not None:
            self._active[run.job_id] -= 1
            self._release_slot(run, run.end_at)

    def _release_slot(self, run: RunRecord, at: float) -> None:
        job = self.jobs.get(run.job_id) if run.job_id is not None else None
        if job is None:
            return
        limit = int(job.settings.get("max_concurrent_runs", 1))
        while job.queue and self._active_count(job.job_id) < limit:
            nxt = self.runs.get(job.queue.popleft())
            if nxt is not None and nxt.queued:
                self._start(nxt, at)

    def _start(self, run: RunRecord, at: float) -> None:
        run.queued = False
        run.started_at = run.resumed_at = at
        if run.job_id is not None:
            self._active[run.job_id] += 1
        timeout = int(run.settings.get("timeout_seconds") or 0)
        run.deadline = at + timeout if timeout > 0 else None
        self._step(run, at)

    def _active_count(self, job_id: int) -> int:
        return self._active[job_id]

    # --- jobs ----------------------------------------------------------------------------

    def job(self, job_id: int) -> JobRecord:
        """Return job `job_id`, or the service's 400 "Job N does not exist."."""
        job = self.jobs.get(job_id)
        if job is None:
            raise invalid(f"Job {job_id} does not exist.")
        return job

    def _settings(self, body: dict[str, Any], *, api_version: str) -> tuple[dict[str, Any], bool]:
        """Return stored settings for `body` (defaults filled, validated) and its format."""
        settings, single = to_multi_task(body, body.get("name") or "Untitled")
        if not settings.get("tasks") and settings.get("job_clusters"):
            raise invalid(SHARED_CLUSTERS_NEED_TASKS)
        full = fill_defaults(settings, api_version=api_version)
        validate_settings(full)
        tasks = full.get("tasks") or []
        self.check_compute(tasks)
        check_task_count(api_version, len(tasks))
        return full, single

    def check_compute(self, tasks: list[Any]) -> None:
        """Refuse a task that runs on a cluster but names none, unless serverless is on."""
        if self.serverless:
            return
        for task in tasks:
            if isinstance(task, dict) and task_needs_compute(task) and not has_compute(task):
                raise invalid(NO_COMPUTE)

    def create_job(self, settings: dict[str, Any], *, api_version: str) -> int:
        """Create a job from `settings`; return its id."""
        acl = settings.get("access_control_list") or []
        full, single = self._settings(settings, api_version=api_version)
        job_id = next(self._job_ids)
        run_as = settings.get("run_as") or {}
        record = JobRecord(
            job_id=job_id,
            settings=full,
            created_ms=self.to_ms(self.clock.now()),
            creator=self.user_name,
            run_as=str(
                run_as.get("user_name") or run_as.get("service_principal_name") or self.user_name
            ),
            single_task=single,
        )
        if not any(isinstance(e, dict) and e.get("permission_level") == "IS_OWNER" for e in acl):
            record.acl[("user_name", self.user_name)] = "IS_OWNER"
        for entry in acl:
            principal = principal_of(entry)
            if principal is not None and entry.get("permission_level"):
                record.acl[principal] = str(entry["permission_level"])
        self.jobs[job_id] = record
        self.applied["jobs/create"] += 1
        return job_id

    def update_job(
        self,
        job_id: int,
        new_settings: dict[str, Any],
        fields_to_remove: list[str],
        *,
        api_version: str,
    ) -> None:
        """Apply jobs/update to job `job_id`.

        An update naming single-task fields (``notebook_task``, ``new_cluster``, ...) of a
        single-task job applies to the job as API 2.0 shows it; any other update applies to
        the multi-task form, and one that touches ``tasks`` leaves the single-task format.
        """
        job = self.job(job_id)
        in_single_format = names_task_fields(new_settings) or names_task_fields(
            dict.fromkeys(f for f in fields_to_remove if isinstance(f, str))
        )
        if job.single_task and in_single_format and "tasks" not in new_settings:
            current = as_single_task(job.settings)
        else:
            current = job.settings
        merged = apply_update(current, new_settings, fields_to_remove)
        touches_tasks = "tasks" in new_settings or any(
            isinstance(f, str) and f.split("/")[0] == "tasks" for f in fields_to_remove
        )
        full, single = self._settings(merged, api_version=api_version)
        job.settings = full
        job.single_task = single or (job.single_task and not touches_tasks)
        self.applied["jobs/update"] += 1

    def reset_job(self, job_id: int, new_settings: dict[str, Any], *, api_version: str) -> None:
        """Replace every setting of job `job_id`."""
        job = self.job(job_id)
        job.settings, job.single_task = self._settings(new_settings, api_version=api_version)
        self.applied["jobs/reset"] += 1

    def delete_job(self, job_id: int) -> None:
        """Delete job `job_id`, cancelling its active runs."""
        self.job(job_id)
        now = self.advance()
        for run in list(self.runs.values()):
            if run.job_id == job_id and not run.terminated:
                self._cancel(run, now)
        del self.jobs[job_id]
        self.applied["jobs/delete"] += 1

    # --- starting runs -------------------------------------------------------------------

    def _replay(self, namespace: str, token: Any) -> RunRecord | None:
        if token is None:
            return None
        if not isinstance(token, str) or len(token) > _MAX_TOKEN:
            raise invalid(f"idempotency_token must be a string of at most {_MAX_TOKEN} characters.")
        run_id = self._tokens.get((namespace, token))
        if run_id is None:
            return None
        run = self.runs.get(run_id)
        if run is None:
            raise invalid(
                f"The run with idempotency token {token} (run {run_id}) has been deleted."
            )
        self.applied[f"{namespace}:replayed"] += 1
        return run

    def run_now(self, body: dict[str, Any], *, api_version: str) -> RunRecord:
        """Trigger a run of a job (jobs/run-now)."""
        job = self.job(require_int(body, "job_id"))
        existing = self._replay("jobs/run-now", body.get("idempotency_token"))
        if existing is not None:
            return existing
        now = self.advance()
        settings = copy.deepcopy(job.settings)
        tasks = settings.get("tasks") or []
        only = body.get("only")
        if only:
            wanted = select_tasks(tasks, [str(k) for k in only], job.job_id)
            tasks = [without_missing_deps(t, wanted) for t in tasks if t["task_key"] in wanted]
        queue = body.get("queue") if isinstance(body.get("queue"), dict) else settings.get("queue")
        queue_enabled = bool((queue or {}).get("enabled", False))
        limit = int(settings.get("max_concurrent_runs", 1))
        active = self._active_count(job.job_id)
        if limit > 0 and active >= limit and not queue_enabled:
            raise ApiFailure(
                429,
                "REQUEST_LIMIT_EXCEEDED",
                f"There are already {active} active runs (limit: {limit})",
            )
        run = self._new_run(
            job_id=job.job_id,
            run_type="JOB_RUN",
            run_name=str(settings.get("name", "Untitled")),
            settings=settings,
            tasks=tasks,
            now=now,
            single_task=job.single_task,
        )
        run.queue_enabled = queue_enabled
        run.job_parameters = job_parameters(settings.get("parameters"), body.get("job_parameters"))
        overrides = {k: copy.deepcopy(body[k]) for k in LEGACY_PARAMS if k in body}
        if body.get("job_parameters"):
            overrides["job_parameters"] = copy.deepcopy(body["job_parameters"])
        run.overriding_parameters = overrides or None
        self._register(run, "jobs/run-now", body.get("idempotency_token"))
        if limit == 0:
            run.skipped = run.terminated = True
            run.end_at = run.finished_at = now
            run.result = "MAXIMUM_CONCURRENT_RUNS_REACHED"
            run.message = "The run was skipped because the job's max_concurrent_runs is 0."
            for task in run.tasks.values():
                task.phase, task.result, task.done_at = "DONE", "EXCLUDED", now
        elif active >= limit:
            run.queued = True
            job.queue.append(run.run_id)
        else:
            self._start(run, now)
        self.applied["jobs/run-now"] += 1
        return run

    def submit(self, body: dict[str, Any], *, api_version: str = "2.2") -> RunRecord:
        """Start a one-time run (jobs/runs/submit).

        A body in the single-task format becomes a run of one task; a body with no task at
        all is refused as the service refuses it (see `NO_COMPUTE`, `NO_TASKS`). The run gets
        a job id of its own, as the service's submitted runs do, which no job listing shows.
        """
        existing = self._replay("jobs/runs/submit", body.get("idempotency_token"))
        if existing is not None:
            return existing
        converted, single = to_multi_task(body, body.get("run_name") or "Untitled")
        tasks = converted.get("tasks") or []
        if not tasks:
            if not self.serverless and not has_compute(converted):
                raise invalid(NO_COMPUTE)
            raise invalid(NO_TASKS)
        validate_tasks(tasks)
        self.check_compute(tasks)
        check_task_count(api_version, len(tasks))
        now = self.advance()
        settings = {k: copy.deepcopy(v) for k, v in converted.items() if k != "tasks"}
        settings = fill_defaults({**settings, "tasks": tasks}, api_version="2.2")
        run = self._new_run(
            job_id=next(self._job_ids),
            run_type="SUBMIT_RUN",
            run_name=str(body.get("run_name") or "Untitled"),
            settings=settings,
            tasks=settings.get("tasks") or [],
            now=now,
            single_task=single,
        )
        self._register(run, "jobs/runs/submit", body.get("idempotency_token"))
        self._start(run, now)
        self.applied["jobs/runs/submit"] += 1
        return run

    def _new_run(
        self,
        *,
        job_id: int | None,
        run_type: str,
        run_name: str,
        settings: dict[str, Any],
        tasks: list[dict[str, Any]],
        now: float,
        single_task: bool = False,
    ) -> RunRecord:
        run_id = self.new_id()
        # The one task of a single-task run shares the run's id, as the service shows it.
        single_task = single_task and len(tasks) == 1
        self._stepping = run_id
        try:
            task_runs = {
                t["task_key"]: TaskRun(
                    key=t["task_key"],
                    spec=t,
                    reserved_id=run_id if single_task else self.new_id(),
                )
                for t in tasks
            }
        finally:
            self._stepping = None
        run = RunRecord(
            run_id=run_id,
            job_id=job_id,
            run_type=run_type,
            run_name=run_name,
            settings=settings,
            created=now,
            creator=self.user_name,
            tasks=task_runs,
            single_task=single_task,
        )
        self.runs[run_id] = run
        return run

    def started_by_token(self, namespace: str) -> dict[str, int]:
        """The run each idempotency token of a trigger endpoint started (deleted ones too)."""
        return {token: run_id for (ns, token), run_id in self._tokens.items() if ns == namespace}

    def _register(self, run: RunRecord, namespace: str, token: Any) -> None:
        if isinstance(token, str):
            run.idempotency_token = token
            self._tokens[(namespace, token)] = run.run_id

    # --- finding runs --------------------------------------------------------------------

    def run(self, run_id: int) -> RunRecord:
        """Return run `run_id` (a job or submitted run), or the 400 "Run N does not exist."."""
        run = self.runs.get(run_id)
        if run is None:
            raise invalid(f"Run {run_id} does not exist.")
        return run

    def task_run(self, run_id: int) -> tuple[RunRecord, TaskRun, int] | None:
        """Return (parent run, task, attempt index) for a task run id, if it is one."""
        parent = self.runs.get(self._owner.get(run_id, -1))
        if parent is None:
            return None
        for task in _all_tasks(parent.tasks.values()):
            if task.reserved_id == run_id and not task.attempts:
                return parent, task, -1
            for index, attempt in enumerate(task.attempts):
                if attempt.run_id == run_id:
                    return parent, task, index
        return None

    # --- stopping, deleting, repairing ---------------------------------------------------

    def cancel(self, run_id: int) -> None:
        """Cancel a run (asynchronously, as the service does: it stops at once here)."""
        now = self.advance()
        found = self.task_run(run_id)
        run = found[0] if found is not None else self.run(run_id)
        self._cancel(run, now)
        self.applied["jobs/runs/cancel"] += 1

    def _cancel(self, run: RunRecord, now: float) -> None:
        if run.terminated:
            return
        if run.queued:
            job = self.jobs.get(run.job_id) if run.job_id is not None else None
            if job is not None and run.run_id in job.queue:
                job.queue.remove(run.run_id)
            run.queued = False
            stop_run(run, now, "CANCELED")
            for task in run.tasks.values():
                task.phase, task.result, task.done_at = "DONE", "CANCELED", now
            run.finished_at = run.end_at = now
            run.result, run.message = "CANCELED", "Run cancelled while queued."
            run.terminated = True
            return
        stop_run(run, now, "CANCELED")
        self._step(run, now)

    def cancel_all(self, job_id: int | None, all_queued: bool) -> None:
        """Cancel every active run of a job, or every queued run of the workspace."""
        if job_id is None and not all_queued:
            raise invalid("Either job_id or all_queued_runs must be specified.")
        if job_id is not None:
            self.job(job_id)
        now = self.advance()
        for run in list(self.runs.values()):
            if run.terminated or (job_id is not None and run.job_id != job_id):
                continue
            if job_id is None and not run.queued:
                continue
            if all_queued and not run.queued:
                continue
            self._cancel(run, now)
        self.applied["jobs/runs/cancel-all"] += 1

    def delete_run(self, run_id: int) -> None:
        """Delete a run that is no longer active."""
        self.advance()
        run = self.run(run_id)
        if not run.terminated:
            raise ApiFailure(400, "INVALID_STATE", f"Run {run_id} is active and cannot be deleted.")
        del self.runs[run_id]
        self.applied["jobs/runs/delete"] += 1

    def repair(self, body: dict[str, Any]) -> int:
        """Rerun chosen tasks of a finished run (jobs/runs/repair); return the repair id."""
        now = self.advance()
        run_id = require_int(body, "run_id")
        run = self.run(run_id)
        if run.job_id is None and run.run_type != "SUBMIT_RUN":
            raise invalid(f"Run {run_id} cannot be repaired.")
        if not run.terminated or run.skipped:
            raise ApiFailure(
                400,
                "INVALID_STATE",
                f"Run {run_id} is not in a terminal state and cannot be repaired.",
            )
        latest = run.repairs[-1].repair_id if len(run.repairs) > 1 else None
        given = body.get("latest_repair_id")
        if latest is not None and given is None:
            raise invalid(f"latest_repair_id must be provided: run {run_id} has been repaired.")
        if given is not None and as_int(given, "latest_repair_id") != latest:
            raise invalid(
                f"The latest repair id {given} does not match the latest repair {latest} "
                f"of run {run_id}."
            )
        keys = tasks_to_rerun(run, body)
        if len(run.repairs) == 0:
            run.repairs.append(
                RepairRecord(
                    None,
                    run.started_at if run.started_at is not None else run.created,
                    [t.run_id for t in run.tasks.values()],
                    run.end_at,
                    run.result,
                )
            )
        self._stepping = run.run_id
        try:
            repair_id = self.new_id()
            for key in keys:
                old = run.tasks[key]
                run.tasks[key] = TaskRun(key=key, spec=old.spec, reserved_id=self.new_id())
        finally:
            self._stepping = None
        run.repairs.append(RepairRecord(repair_id, now, [run.tasks[k].reserved_id for k in keys]))
        if body.get("job_parameters"):
            run.job_parameters = job_parameters(
                run.settings.get("parameters"), body["job_parameters"]
            )
        run.finished_at = run.end_at = None
        run.result, run.message, run.stop_reason = None, "", None
        run.terminated = False
        run.resumed_at = now
        if run.job_id is not None:
            self._active[run.job_id] += 1
        timeout = int(run.settings.get("timeout_seconds") or 0)
        run.deadline = now + timeout if timeout > 0 else None
        self._step(run, now)
        self.applied["jobs/runs/repair"] += 1
        return repair_id


def _all_tasks(tasks: Any) -> Any:
    for task in tasks:
        yield task
        if task.iterations:
            yield from _all_tasks(task.iterations)
