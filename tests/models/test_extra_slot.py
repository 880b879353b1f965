"""`extra` is made on first read: decoding stores nothing for it, and nothing a caller sees changes.

Decoding used to give every object its own empty dict for `extra`; most objects never have
anything there, so the slot now holds None until `extra` is read (decision 61). These tests hold
the public behaviour to what it was: `extra` reads as a dict, keeps what is written into it, is
written back, compares, copies and pickles, also through subclasses that attrs did or did not
slot, and on several threads at once.
"""

from __future__ import annotations

import copy
import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import attrs
import pytest

from databricks_jobs._serde import from_dict, to_dict
from databricks_jobs.models import Job, ListRunsResponse, NotebookTask, Task, TaskDependency, _base
from databricks_jobs.models._base import EXTRA_SLOT, Model

JOB: dict[str, Any] = {
    "job_id": 7,
    "settings": {
        "name": "nightly",
        "tasks": [
            {
                "task_key": "a",
                "notebook_task": {"notebook_path": "/n", "source": "WORKSPACE"},
                "depends_on": [],
            },
            {"task_key": "b", "depends_on": [{"task_key": "a"}], "future": {"x": 1}},
            {"task_key": "c", "description": None},
        ],
    },
}


def every_model(obj: Any) -> list[Model]:
    """Every model object in a decoded tree, parents first."""
    found: list[Model] = []
    todo = [obj]
    while todo:
        value = todo.pop()
        if isinstance(value, Model):
            found.append(value)
            # `extra` itself is not read: reading it makes the dict these tests look for
            todo += [getattr(value, f.name) for f in attrs.fields(type(value)) if f.name != "extra"]
        elif isinstance(value, list | tuple):
            todo += value
        elif isinstance(value, dict):
            todo += value.values()
    return found


def test_decoding_stores_no_empty_dict_and_keeps_what_a_payload_holds() -> None:
    job = from_dict(Job, JOB)
    held = [getattr(m, EXTRA_SLOT) for m in every_model(job)]
    assert len(held) == 7
    assert sum(value is None for value in held) == 5
    tasks = job.settings.tasks
    assert getattr(tasks[1], EXTRA_SLOT) == {"future": {"x": 1}}
    assert getattr(tasks[2], EXTRA_SLOT) == {"description": None}  # a remembered null


def test_a_runs_page_holds_no_dict_for_an_empty_extra() -> None:
    runs = [{"run_id": i, "tasks": [{"task_key": "t", "state": {}}]} for i in range(50)]
    page = from_dict(ListRunsResponse, {"runs": runs, "has_more": False})
    assert all(getattr(m, EXTRA_SLOT) is None for m in every_model(page))


def test_extra_reads_as_a_dict_that_keeps_what_is_written() -> None:
    job = from_dict(Job, JOB)
    notebook = job.settings.tasks[0].notebook_task
    assert notebook.extra == {}
    assert notebook.extra is notebook.extra
    notebook.extra["new_knob"] = True
    assert to_dict(job)["settings"]["tasks"][0]["notebook_task"] == {
        "notebook_path": "/n",
        "source": "WORKSPACE",
        "new_knob": True,
    }


def test_assigning_extra_replaces_it_and_none_reads_as_empty() -> None:
    task = from_dict(Task, {"task_key": "a"})
    task.extra = {"later": 1}
    assert to_dict(task) == {"task_key": "a", "later": 1}
    task.extra = None  # type: ignore[assignment]
    assert to_dict(task) == {"task_key": "a"}
    assert task.extra == {}
    task.extra["again"] = 2
    assert to_dict(task) == {"task_key": "a", "again": 2}


def test_a_deleted_extra_is_a_clear_error_as_before() -> None:
    task = from_dict(Task, {"task_key": "a"})
    del task.extra
    with pytest.raises(AttributeError):
        task.extra  # noqa: B018
    with pytest.raises(TypeError, match="no extra dict"):
        to_dict(task)


@pytest.mark.parametrize("read_first", ["none", "decoded", "built", "both"])
def test_decoded_and_built_objects_compare_equal_whoever_read_extra(read_first: str) -> None:
    decoded = from_dict(TaskDependency, {"task_key": "a"})
    built = TaskDependency(task_key="a")
    if read_first in ("decoded", "both"):
        assert decoded.extra == {}
    if read_first in ("built", "both"):
        assert built.extra == {}
    assert decoded == built
    assert built == decoded
    assert (decoded != built) is False  # __ne__, not only __eq__
    assert repr(decoded) == repr(built) == "TaskDependency(task_key='a')"
    built.extra["x"] = 1
    assert decoded != built


CLONES: dict[str, tuple[Any, bool]] = {
    "copy": (copy.copy, False),
    "evolve": (attrs.evolve, False),
    "deepcopy": (copy.deepcopy, True),
    **{
        f"pickle{p}": (lambda o, p=p: pickle.loads(pickle.dumps(o, protocol=p)), True)
        for p in range(pickle.HIGHEST_PROTOCOL + 1)
    },
}


@pytest.mark.parametrize("name", CLONES)
def test_copies_of_a_decoded_object_are_equal_and_write_the_same(name: str) -> None:
    clone, deep = CLONES[name]
    job = from_dict(Job, JOB)
    twin = clone(job)
    assert twin == job
    assert to_dict(twin) == to_dict(job) == JOB
    twin.settings.tasks[0].extra["only_in_the_twin"] = 1
    assert "only_in_the_twin" in to_dict(twin)["settings"]["tasks"][0]
    # a shallow copy shares the nested objects and the `extra` dict, as before; a deep one does not
    assert ("only_in_the_twin" in to_dict(job)["settings"]["tasks"][0]) is not deep
    twin.extra["top"] = 2
    assert ("top" in to_dict(job)) is not deep


@attrs.define(kw_only=True, eq=False, repr=False)
class SlottedDependency(TaskDependency):
    """A slotted subclass that adds a field and inherits `extra`."""

    weight: int | None = None


@attrs.define(kw_only=True, eq=False, repr=False)
class OwnExtraDependency(TaskDependency):
    """A slotted subclass that declares `extra` again."""

    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(kw_only=True, eq=False, repr=False, slots=False)
class UnslottedDependency(TaskDependency):
    """A subclass with a `__dict__` (no field of its own: attrs pickles only slotted fields)."""


class PlainDependency(TaskDependency):
    """A subclass that is not an attrs class at all (no `__slots__`, so a `__dict__`)."""


@pytest.mark.parametrize(
    "cls", [SlottedDependency, OwnExtraDependency, UnslottedDependency, PlainDependency]
)
def test_subclasses_decode_and_encode_extra_as_the_model_does(cls: type[TaskDependency]) -> None:
    bare = from_dict(cls, {"task_key": "a"})
    assert to_dict(bare) == {"task_key": "a"}
    assert bare.extra == {}
    bare.extra["x"] = 1
    assert to_dict(bare) == {"task_key": "a", "x": 1}
    kept = from_dict(cls, {"task_key": "a", "outcome": None, "new": [1]})
    assert kept.extra == {"outcome": None, "new": [1]}
    assert to_dict(kept) == {"task_key": "a", "outcome": None, "new": [1]}
    assert pickle.loads(pickle.dumps(kept)) == kept
    assert from_dict(cls, {"task_key": "a"}) == cls(task_key="a")


@pytest.fixture
def switch_often() -> Iterator[None]:
    """Let threads take turns as often as the interpreter allows, so races show."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(interval)


@pytest.mark.usefixtures("switch_often")
def test_threads_reading_a_fresh_extra_all_get_one_dict() -> None:
    # The dict is made by the first read. Threads that read at once must share it: every
    # writer below writes into the dict it read, so a second dict shows as a missing key.
    for _ in range(600):
        task = from_dict(Task, {"task_key": "a"})
        barrier = threading.Barrier(8)

        def write(i: int, task: Task = task, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            task.extra[f"k{i}"] = i

        threads = [threading.Thread(target=write, args=(i,)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert task.extra == {f"k{i}": i for i in range(8)}


def test_a_built_model_holds_its_own_dict_from_the_start() -> None:
    first, second = NotebookTask(notebook_path="/a"), NotebookTask(notebook_path="/b")
    assert getattr(first, EXTRA_SLOT) == {}
    assert getattr(first, EXTRA_SLOT) is not getattr(second, EXTRA_SLOT)


def test_a_read_inside_a_first_read_on_the_same_thread_does_not_block() -> None:
    # A signal handler, a finaliser the collector runs, or a debugger showing a model can read
    # another fresh object's `extra` while this thread is making one: the lock is re-entrant.
    outer, inner = from_dict(Task, {"task_key": "a"}), from_dict(Task, {"task_key": "b"})

    def nested() -> None:
        with _base._EXTRA_LOCK:  # as inside the first read of `outer`
            assert inner.extra == {}
            outer.extra["k"] = 1

    thread = threading.Thread(target=nested, daemon=True)
    thread.start()
    thread.join(10)  # a bound on a broken run, not a measurement
    if thread.is_alive():
        _base._new_extra_lock()  # the blocked thread keeps the old lock; later tests get another
        pytest.fail("a read inside a first read blocked its own thread")
    assert to_dict(outer) == {"task_key": "a", "k": 1}


def test_an_assignment_waits_for_a_first_read_in_progress() -> None:
    task = from_dict(Task, {"task_key": "a"})
    assigned = threading.Event()

    def assign() -> None:
        task.extra = {"set": 1}
        assigned.set()

    with _base._EXTRA_LOCK:  # a first read of `task.extra` in progress on this thread
        thread = threading.Thread(target=assign, daemon=True)
        thread.start()
        assert not assigned.wait(0.2), "the assignment did not wait for the first read"
    thread.join(10)
    assert assigned.is_set()
    assert to_dict(task) == {"task_key": "a", "set": 1}


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork is POSIX only")
def test_a_child_forked_while_another_thread_makes_extra_can_make_its_own() -> None:
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with _base._EXTRA_LOCK:
            holding.set()
            release.wait(10)

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    assert holding.wait(10)
    task = from_dict(Task, {"task_key": "a"})
    pid = os.fork()
    if pid == 0:  # the child: the holder thread does not exist here, and never lets go
        os._exit(0 if task.extra == {} else 1)
    release.set()
    holder.join(10)
    deadline = time.monotonic() + 10  # a bound on a broken run, not a measurement
    while (status := os.waitpid(pid, os.WNOHANG))[0] == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    if status[0] == 0:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    assert status[0] == pid, "the child hung on the lock another thread held at the fork"
    assert os.waitstatus_to_exitcode(status[1]) == 0


class NotesDependency(TaskDependency):
    """A plain subclass that keeps a private attribute of its own named `_extra`."""

    def annotate(self, note: str) -> None:
        self._extra = note


def test_a_subclass_attribute_named_extra_with_an_underscore_is_its_own() -> None:
    dep = from_dict(NotesDependency, {"task_key": "a", "future": 1})
    dep.annotate("mine")
    assert dep._extra == "mine"
    assert dep.extra == {"future": 1}
    assert to_dict(dep) == {"task_key": "a", "future": 1}
