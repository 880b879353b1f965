"""What a run holds after lenient decoding never breaks the code that reads it.

Decoding keeps a value of an unexpected JSON type as received (a string where the state
block should be, an object where the task list should be). `run_outcome`, the failed-task
map of `RunFailed`, `bulk`'s and the CLI's readers take whatever a hostile or broken server
put there: they may decide "not finished yet", never raise.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from databricks_jobs import from_dict, run_outcome
from databricks_jobs.models import Run
from databricks_jobs.resources._runs import failed_tasks

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)
STATE_WORDS = st.sampled_from(["TERMINATED", "RUNNING", "SUCCESS", "FAILED", "SKIPPED", ""])


def _block(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A state or status block, or anything else a server might send in its place."""
    keys = st.sampled_from(
        ["life_cycle_state", "result_state", "state_message", "state", "termination_details"]
    )
    return JSON | st.dictionaries(keys, values | STATE_WORDS | JSON, max_size=4)


TASK = st.fixed_dictionaries(
    {},
    optional={
        "task_key": JSON | st.text(max_size=5),
        "run_id": JSON,
        "state": _block(JSON),
        "status": _block(JSON),
    },
)
RUN = st.fixed_dictionaries(
    {"run_id": st.integers(1, 10**6)},
    optional={
        "state": _block(JSON),
        "status": _block(JSON),
        "tasks": st.lists(TASK | JSON, max_size=3) | JSON,
        "run_page_url": JSON,
    },
)


@settings(max_examples=400, deadline=None)
@given(RUN)
def test_reading_a_hostile_run_never_raises(payload: dict[str, Any]) -> None:
    run = from_dict(Run, payload)
    outcome = run_outcome(run)
    assert isinstance(outcome.describe(), str)
    failed = failed_tasks(run)
    assert all(isinstance(key, str) for key in failed)
    assert all(isinstance(message, str | None) for message in failed.values())


def test_a_state_that_is_not_an_object_means_not_finished() -> None:
    run = from_dict(Run, {"run_id": 1, "state": "TERMINATED", "status": ["TERMINATED"]})
    assert not run_outcome(run).finished


def test_tasks_that_are_not_a_list_have_no_failures() -> None:
    run = from_dict(Run, {"run_id": 1, "tasks": {"task_key": "a"}})
    assert failed_tasks(run) == {}
