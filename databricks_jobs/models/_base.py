"""The base every model shares: value equality and an attrs-style repr without empty extra.

Serialization rules do not live here: they are in `databricks_jobs._serde`, which generates
one encode and one decode function per model class. A model only declares its fields.
"""

from __future__ import annotations

import os
import threading
import types
from collections.abc import Mapping
from typing import Annotated, Any, TypeAlias, cast

import attrs

__all__ = [
    "EXTRA_SLOT",
    "INT64",
    "Int64",
    "Model",
    "describe_value",
    "has_extra_slot",
    "model_fields",
    "short_job_repr",
    "short_run_repr",
]

INT64 = "int64"
"""The mark `Int64` carries (``typing.Annotated`` metadata), read by the serde."""

Int64: TypeAlias = Annotated[int, INT64]
"""An `int` that is int64 on the wire: read from a JSON number or from a numeric string.

proto3 JSON may write an int64 as a string (``"914067542109863"``); decoding turns such a
string into the int, the one conversion decoding makes. Other integer fields keep what they
received.
"""


class Model:
    """Base class of every API model: keyword construction, wire names, unknown keys in `extra`.

    Every subclass is a plain slotted attrs class whose fields are named as on the wire, plus
    `extra`, a dict holding what is written back besides the fields: the keys this release
    does not know, and the known keys that were received as JSON null (the field reads None).
    Equality compares the class and every field, `extra` included.
    """

    __slots__ = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        slot = cls.__dict__.get("extra")
        if type(slot) is types.MemberDescriptorType:  # the slotted class attrs builds
            type.__setattr__(cls, "extra", _LazyExtra(slot))
            type.__setattr__(cls, EXTRA_SLOT, slot)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        for field in model_fields(type(self)):
            if getattr(self, field.name) != getattr(other, field.name):
                return False
        return True

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    # Models are mutable and compare by value, so they are not hashable.
    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        # Optional fields left unset are not shown: a task has some forty of them.
        parts = []
        for field in model_fields(type(self)):
            value = getattr(self, field.name)
            if field.name == "extra":
                if value:
                    parts.append(f"extra={value!r}")
            elif value is not None or field.default is attrs.NOTHING:
                parts.append(f"{field.name}={value!r}")
        return f"{type(self).__name__}({', '.join(parts)})"


EXTRA_SLOT = "_brickjobs_extra"
"""The raw name of a slotted model's `extra` slot: None until a dict is needed, or the dict.

A name no subclass would pick for an attribute of its own (``_extra`` would be one).
"""

_EXTRA_LOCK = threading.RLock()
"""Held while `extra` is made or replaced; re-entrant, so a signal handler, a finaliser run by
the collector, or a debugger that reads a model's `extra` meanwhile cannot block its thread."""


def _new_extra_lock() -> None:
    """Give a forked child a fresh lock: another thread may have held it at the fork."""
    global _EXTRA_LOCK
    _EXTRA_LOCK = threading.RLock()


if hasattr(os, "register_at_fork"):  # not on Windows
    os.register_at_fork(after_in_child=_new_extra_lock)


class _LazyExtra:
    """The `extra` attribute of a slotted model: a dict, made on first read when none is held.

    Most decoded objects have nothing for `extra`, so decoding stores None in the slot instead of
    an empty dict per object (15,000 of them on a page of 25 runs of 100 tasks). Reading `extra`
    makes the dict and keeps it, and a caller's writes to it stay. Making, assigning and deleting
    it take `_EXTRA_LOCK`, so threads that read a fresh object at once share one dict and an
    assignment is never undone by another thread's first read. The serde reads and writes the
    slot itself, under `EXTRA_SLOT`, and takes None for empty.
    """

    __slots__ = ("_delete", "_get", "_set")

    def __init__(self, slot: types.MemberDescriptorType) -> None:
        self._get = slot.__get__
        self._set = slot.__set__
        self._delete = slot.__delete__

    def __get__(self, obj: object, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = self._get(obj)
        if value is None:
            with _EXTRA_LOCK:
                value = self._get(obj)
                if value is None:
                    value = {}
                    self._set(obj, value)
        return value

    def __set__(self, obj: object, value: Any) -> None:
        with _EXTRA_LOCK:
            self._set(obj, value)

    def __delete__(self, obj: object) -> None:
        with _EXTRA_LOCK:
            self._delete(obj)


def has_extra_slot(cls: type) -> bool:
    """Whether instances of `cls` hold `extra` in a slot that may read None (see `_LazyExtra`)."""
    for base in cls.__mro__:
        if "extra" in base.__dict__:
            return isinstance(base.__dict__["extra"], _LazyExtra)
    return False


def model_fields(cls: type[Model]) -> tuple[attrs.Attribute[Any], ...]:
    """Return the attrs fields of a model class (its wire fields, then ``extra``)."""
    fields: tuple[attrs.Attribute[Any], ...] = attrs.fields(cast(Any, cls))
    return fields


def short_job_repr(job: Any) -> str:
    """Return a one-line summary of a job: id, name, creator, run-as user and task count."""
    settings = job.settings
    name = settings.name if settings is not None else None
    tasks = settings.tasks if settings is not None else None
    parts = [f"job_id={job.job_id!r}", f"name={name!r}"]
    if job.creator_user_name is not None:
        parts.append(f"creator={job.creator_user_name!r}")
    run_as = getattr(job, "run_as_user_name", None)
    if run_as is not None and run_as != job.creator_user_name:
        parts.append(f"run_as={run_as!r}")
    parts.append(f"tasks={len(tasks) if tasks is not None else 0}")
    if getattr(job, "has_more", None):
        parts.append("has_more=True")
    return f"{type(job).__name__}({', '.join(parts)})"


def short_run_repr(run: Any) -> str:
    """Return a one-line summary of a run: run id, job id, state and result."""
    state: Any = None
    result: Any = None
    status = run.status
    if status is not None and status.state is not None:
        state = status.state
        details = status.termination_details
        if details is not None:
            result = details.code
    elif run.state is not None:
        state = run.state.life_cycle_state
    if result is None and run.state is not None:
        result = run.state.result_state
    parts = [f"run_id={run.run_id!r}", f"job_id={run.job_id!r}"]
    if run.run_name is not None:
        parts.append(f"name={run.run_name!r}")
    parts.append(f"state={_plain(state)!r}")
    parts.append(f"result={_plain(result)!r}")
    if run.tasks is not None:
        parts.append(f"tasks={len(run.tasks)}")
    return f"{type(run).__name__}({', '.join(parts)})"


def _plain(value: Any) -> Any:
    """Return an enum member's string value, anything else unchanged."""
    return getattr(value, "value", value)


def describe_value(value: object) -> str:
    """Name the JSON type of `value` for a message: ``a boolean``, ``a string ('x')``, ...

    Decoding and validation both say what a payload held where something else was expected.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return f"an integer ({value!r})"
    if isinstance(value, float):
        return f"a number ({value!r})"
    if isinstance(value, str):
        return f"a string ({value[:40]!r})"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return f"a {type(value).__name__}"
