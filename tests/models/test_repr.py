"""Short reprs for jobs and runs; attrs-style reprs without an empty `extra` elsewhere."""

from __future__ import annotations

from databricks_jobs._serde import from_dict
from databricks_jobs.models import BaseJob, BaseRun, Job, NotebookTask, Run, TaskDependency


def test_job_repr_is_short() -> None:
    job = from_dict(
        Job,
        {
            "job_id": 12,
            "creator_user_name": "ann@example.com",
            "run_as_user_name": "robot@example.com",
            "settings": {"name": "nightly", "tasks": [{"task_key": "a"}, {"task_key": "b"}]},
        },
    )
    assert repr(job) == (
        "Job(job_id=12, name='nightly', creator='ann@example.com', "
        "run_as='robot@example.com', tasks=2)"
    )
    assert repr(from_dict(BaseJob, {"job_id": 3})) == "BaseJob(job_id=3, name=None, tasks=0)"


def test_run_repr_prefers_the_status_block() -> None:
    run = from_dict(
        Run,
        {
            "run_id": 7,
            "job_id": 12,
            "run_name": "nightly",
            "state": {"life_cycle_state": "TERMINATED", "result_state": "FAILED"},
            "status": {
                "state": "TERMINATED",
                "termination_details": {"code": "RUN_EXECUTION_ERROR"},
            },
            "tasks": [{"task_key": "a"}],
        },
    )
    assert repr(run) == (
        "Run(run_id=7, job_id=12, name='nightly', state='TERMINATED', "
        "result='RUN_EXECUTION_ERROR', tasks=1)"
    )


def test_run_repr_falls_back_to_the_state_block() -> None:
    run = from_dict(
        BaseRun,
        {"run_id": 8, "state": {"life_cycle_state": "RUNNING", "result_state": None}},
    )
    assert repr(run) == "BaseRun(run_id=8, job_id=None, state='RUNNING', result=None)"
    odd = from_dict(BaseRun, {"run_id": 9, "state": {"life_cycle_state": "NEW_STATE"}})
    assert "state='NEW_STATE'" in repr(odd)


def test_other_models_show_what_is_set() -> None:
    assert repr(TaskDependency(task_key="a")) == "TaskDependency(task_key='a')"
    assert repr(TaskDependency(task_key="a", outcome="true")) == (
        "TaskDependency(task_key='a', outcome='true')"
    )
    with_extra = from_dict(TaskDependency, {"task_key": "a", "new": 1})
    assert repr(with_extra) == "TaskDependency(task_key='a', extra={'new': 1})"
    # A required field stays visible even when a response left it out.
    assert repr(from_dict(TaskDependency, {})) == "TaskDependency(task_key=None)"
    assert repr(NotebookTask(notebook_path="/n")).startswith("NotebookTask(notebook_path='/n'")
